// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr set { ageing SEC | icc on|off | mode tc|xdp|auto | nat on|off }: change a live bridge. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "cmd.h"
#include "datapath.h"
#include "json.h"
#include "log.h"
#include "nat.h"

static int set_ageing(struct xbr_bridge *br, const char *val)
{
	__u32 sec;
	int err;

	if (xbr_parse_u32(val, 1, 1000000, &sec)) {
		pr_warn("ageing \"%s\": not a number of seconds in 1..1000000", val);
		return -EINVAL;
	}
	br->cfg.ageing_ns = (__u64)sec * 1000000000ULL;
	err = br_config_write(br);
	if (err)
		pr_warn("bridge \"%s\": cannot set ageing: %s", br->name, strerror(-err));
	return err;
}

/* icc off: every namespace port isolated (Docker's icc=false); on: none. */
static int set_icc(struct xbr_bridge *br, const char *val)
{
	struct xbr_port *ports = NULL;
	size_t n = 0, i;
	int on = xbr_parse_onoff(val), err;

	if (on < 0) {
		pr_warn("icc \"%s\": not on or off", val);
		return -EINVAL;
	}
	if (on)
		br->cfg.flags &= (__u16)~XBR_CFG_F_NO_ICC;
	else
		br->cfg.flags |= XBR_CFG_F_NO_ICC;
	err = br_config_write(br);
	if (!err)
		err = br_ports(br, &ports, &n);
	for (i = 0; !err && i < n; i++) {
		if (ports[i].flags & XBR_PORT_F_GATEWAY)
			continue;
		if (on)
			ports[i].flags &= ~(__u32)XBR_PORT_F_ISOLATED;
		else
			ports[i].flags |= XBR_PORT_F_ISOLATED;
		err = br_port_update(br, &ports[i]);
	}
	if (err)
		pr_warn("bridge \"%s\": cannot set icc: %s", br->name, strerror(-err));
	free(ports);
	return err;
}

/* mode tc|xdp|auto: switch the datapath of the live bridge (datapath.c). */
static int set_mode(struct xbr_bridge *br, const char *val)
{
	int err, mode, is_auto, old = br->cfg.mode;

	if (dp_mode_parse(val, &mode, &is_auto)) {
		pr_warn("mode \"%s\": not tc, xdp or auto", val);
		return -EINVAL;
	}
	err = br_set_mode(br, mode); /* says why itself when it fails */
	if (err)
		return err;
	if (g.json) {
		struct xbr_json j;

		json_init(&j, stdout, g.pretty);
		json_open_object(&j);
		json_kv_string(&j, "bridge", br->name);
		json_kv_string(&j, "mode", dp_mode_name(mode));
		json_kv_string(&j, "was", dp_mode_name(old));
		json_close_object(&j);
		json_finish(&j);
	} else {
		printf("bridge %s mode %s (was %s)\n", br->name, dp_mode_name(mode),
		       dp_mode_name(old));
	}
	return 0;
}
/* nat on|off: masquerade the stations' traffic to the outside, or not (nat.c). */
static int set_nat(struct xbr_bridge *br, const char *val)
{
	const char *old = nat_mode_name(br->cfg.flags);
	int on = xbr_parse_onoff(val), err;

	if (on < 0) {
		pr_warn("nat \"%s\": not on or off", val);
		return -EINVAL;
	}
	err = nat_set(br, on); /* says why itself when it fails */
	if (err)
		return err;
	if (g.json) {
		struct xbr_json j;

		json_init(&j, stdout, g.pretty);
		json_open_object(&j);
		json_kv_string(&j, "bridge", br->name);
		json_kv_string(&j, "nat", nat_mode_name(br->cfg.flags));
		json_kv_string(&j, "was", old);
		json_close_object(&j);
		json_finish(&j);
	} else {
		printf("bridge %s nat %s (was %s)\n", br->name, nat_mode_name(br->cfg.flags), old);
	}
	return 0;
}

/* Open the bridge and apply one setting to it. */
static int with_bridge(const struct xbr_args *a, int (*fn)(struct xbr_bridge *br, const char *val))
{
	struct xbr_bridge br;
	int err = cmd_open_bridge(&br);

	if (!err)
		err = fn(&br, a->pos[0]);
	br_close(&br);
	return err;
}

static int do_set_ageing(const struct xbr_args *a)
{
	return with_bridge(a, set_ageing);
}

static int do_set_icc(const struct xbr_args *a)
{
	return with_bridge(a, set_icc);
}

static int do_set_mode(const struct xbr_args *a)
{
	return with_bridge(a, set_mode);
}

static int do_set_nat(const struct xbr_args *a)
{
	return with_bridge(a, set_nat);
}

/* A new setting is one entry here (and a paragraph in docs/xbr.8). */
const struct xbr_cmd xbr_set_cmds[] = {
	{ .name = "ageing", .args = "SEC", .min_args = 1, .max_args = 1,
	  .summary = "ageing time of learned entries (1..1000000 s)", .fn = do_set_ageing },
	{ .name = "icc", .args = "on|off", .min_args = 1, .max_args = 1, .args_compl = XBR_C_WORDS,
	  .summary = "inter-container communication between namespace ports",
	  .help = "off isolates every namespace port from the others, present and\n"
		  "future (each still reaches the gateway); on clears isolation on\n"
		  "every namespace port.",
	  .fn = do_set_icc },
	{ .name = "mode", .args = "tc|xdp|auto", .min_args = 1, .max_args = 1,
	  .args_compl = XBR_C_WORDS, .summary = "switch the datapath of the live bridge",
	  .help = "The forwarding table, counters and established connections stay.",
	  .fn = do_set_mode, .flags = XBR_CMD_JSON },
	{ .name = "nat", .args = "on|off", .min_args = 1, .max_args = 1, .args_compl = XBR_C_WORDS,
	  .summary = "masquerade the stations' traffic to the outside (on), or not",
	  .help = "off forwards it untranslated (the outside needs a route back);\n"
		  "published ports stay. Refused on an --internal bridge.",
	  .fn = do_set_nat, .flags = XBR_CMD_JSON },
	{ .name = NULL },
};
