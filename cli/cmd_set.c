// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr set { ageing SEC | icc on|off | mode tc|xdp|auto | nat on|off | nat6 on|off | ... }: change a live bridge. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "cmd.h"
#include "out.h"
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
	err = br_set_ageing(br, sec);
	if (err)
		pr_warn("bridge \"%s\": cannot set ageing: %s", br_name(br), strerror(-err));
	return err;
}

/*
 * An on|off setting kept as a bridge flag (@cfg_flag, set when the value is
 * @cfg_on) and carried out as a flag on every port but those with @skip
 * (@port_flag, set when the value is @port_on).
 */
static int set_onoff_ports(struct xbr_bridge *br, const char *key, const char *val,
			   __u16 cfg_flag, int cfg_on, __u32 port_flag, int port_on, __u32 skip)
{
	int on = xbr_parse_onoff(val), err;

	if (on < 0) {
		pr_warn("%s \"%s\": not on or off", key, val);
		return -EINVAL;
	}
	err = br_set_flag_ports(br, cfg_flag, on == cfg_on, port_flag, on == port_on, skip);
	if (err)
		pr_warn("bridge \"%s\": cannot set %s: %s", br_name(br), key, strerror(-err));
	return err;
}

/* icc off: every namespace port isolated (Docker's icc=false); on: none. */
static int set_icc(struct xbr_bridge *br, const char *val)
{
	return set_onoff_ports(br, "icc", val, XBR_CFG_F_NO_ICC, 0, XBR_PORT_F_ISOLATED, 0,
			       XBR_PORT_F_GATEWAY);
}

/* A setting that changed: "bridge B KEY NOW (was OLD)", or that as JSON. */
static void print_change(const struct xbr_bridge *br, const char *key, const char *now,
			 const char *old)
{
	char word[32], *c;
	struct xbr_out o;

	/* The text says the setting as it is typed (publish-address). */
	snprintf(word, sizeof(word), "%s", key);
	for (c = word; *c; c++)
		if (*c == '_')
			*c = '-';
	out_start(&o, stdout, g.json, g.pretty);
	out_open_object(&o, NULL);
	out_str(&o, OUT_ANY, "bridge", "bridge %s", br_name(br));
	out_str(&o, OUT_TEXT, NULL, " %s", word);
	out_str(&o, OUT_ANY, key, " %s", now);
	out_str(&o, OUT_ANY, "was", " (was %s)\n", old);
	out_close_object(&o);
	out_end(&o);
}

/* neigh-suppress on|off: the bridge default for new ports, and every port
 * now but uplinks (their stations are answered by their own hosts). */
static int set_neigh_suppress(struct xbr_bridge *br, const char *val)
{
	return set_onoff_ports(br, "neigh-suppress", val, XBR_CFG_F_NEIGH_SUPPRESS, 1,
			       XBR_PORT_F_NEIGH_SUPPRESS, 1, XBR_PORT_F_TUNNEL);
}

/* mode tc|xdp|auto: switch the datapath of the live bridge (datapath.c). */
static int set_mode(struct xbr_bridge *br, const char *val)
{
	int err, mode, is_auto, old = br_config(br)->mode;

	if (br_mode_parse(val, &mode, &is_auto)) {
		pr_warn("mode \"%s\": not tc, xdp or auto", val);
		return -EINVAL;
	}
	err = br_set_mode(br, mode); /* says why itself when it fails */
	if (err)
		return err;
	print_change(br, "mode", br_mode_name(mode), br_mode_name(old));
	return 0;
}
/* nat|nat6 on|off (@key): apply with @set (nat.c, which says why itself when
 * it fails), print the mode @name gives before and after. */
static int set_onoff_nat(struct xbr_bridge *br, const char *val, const char *key,
			 int (*set)(struct xbr_bridge *br, int on), const char *(*name)(uint16_t flags))
{
	const char *old = name(br_config(br)->flags);
	int on = xbr_parse_onoff(val), err;

	if (on < 0) {
		pr_warn("%s \"%s\": not on or off", key, val);
		return -EINVAL;
	}
	err = set(br, on);
	if (err)
		return err;
	print_change(br, key, name(br_config(br)->flags), old);
	return 0;
}

/* nat on|off: masquerade the stations' traffic to the outside, or not. */
static int set_nat(struct xbr_bridge *br, const char *val)
{
	return set_onoff_nat(br, val, "nat", nat_set, nat_mode_name);
}

/* nat6 on|off: while nat is on, masquerade IPv6 too, or IPv4 only. */
static int set_nat6(struct xbr_bridge *br, const char *val)
{
	return set_onoff_nat(br, val, "nat6", nat6_set, nat6_mode_name);
}

/* Open the bridge and apply one setting to it. */
static int with_bridge(const struct xbr_args *a, int (*fn)(struct xbr_bridge *br, const char *val))
{
	struct xbr_bridge *br = NULL;
	int err = cmd_open_bridge(&br);

	if (!err)
		err = fn(br, a->pos[0]);
	br_close(br);
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

static int do_set_neigh_suppress(const struct xbr_args *a)
{
	return with_bridge(a, set_neigh_suppress);
}

static int do_set_mode(const struct xbr_args *a)
{
	return with_bridge(a, set_mode);
}

static int do_set_nat(const struct xbr_args *a)
{
	return with_bridge(a, set_nat);
}

static int do_set_nat6(const struct xbr_args *a)
{
	return with_bridge(a, set_nat6);
}

/* dns on|off: the datapath answers its stations' names, or no query. */
static int set_dns(struct xbr_bridge *br, const char *val)
{
	int on = xbr_parse_onoff(val), err;
	const char *old = (br_config(br)->flags & XBR_CFG_F_NO_DNS) ? "off" : "on";

	if (on < 0) {
		pr_warn("dns \"%s\": not on or off", val);
		return -EINVAL;
	}
	err = br_set_dns(br, on);
	if (err) {
		pr_warn("bridge \"%s\": cannot set dns: %s", br_name(br), strerror(-err));
		return err;
	}
	print_change(br, "dns", on ? "on" : "off", old);
	return 0;
}

static int do_set_dns(const struct xbr_args *a)
{
	return with_bridge(a, set_dns);
}

/* publish-address IP|any: where publications without a host address go
 * (those made before stay where they are). */
static int set_pub_addr(struct xbr_bridge *br, const char *val)
{
	char was[INET_ADDRSTRLEN] = "any", now[INET_ADDRSTRLEN] = "any";
	uint32_t a = 0;
	int err;

	if (strcmp(val, "any") && inet_pton(AF_INET, val, &a) != 1) {
		pr_warn("publish-address \"%s\": not an IPv4 address A.B.C.D or any", val);
		return -EINVAL;
	}
	if (br_config(br)->pub_addr)
		inet_ntop(AF_INET, &br_config(br)->pub_addr, was, sizeof(was));
	err = br_set_pub_addr(br, a);
	if (err) {
		pr_warn("bridge \"%s\": cannot set publish-address: %s", br_name(br), strerror(-err));
		return err;
	}
	if (a)
		inet_ntop(AF_INET, &a, now, sizeof(now));
	print_change(br, "publish_address", now, was);
	return 0;
}

static int do_set_pub_addr(const struct xbr_args *a)
{
	return with_bridge(a, set_pub_addr);
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
	{ .name = "neigh-suppress", .args = "on|off", .min_args = 1, .max_args = 1,
	  .args_compl = XBR_C_WORDS,
	  .summary = "the bridge answers ARP/ND for the stations it knows (default on)",
	  .help = "The bridge default for new ports, and the setting of every port\n"
		  "now (`xbr port set PORT neigh-suppress` for one).",
	  .fn = do_set_neigh_suppress },
	{ .name = "mode", .args = "tc|xdp|auto", .min_args = 1, .max_args = 1,
	  .args_compl = XBR_C_WORDS, .summary = "switch the datapath of the live bridge",
	  .help = "The forwarding table, counters and established connections stay.",
	  .fn = do_set_mode, .flags = XBR_CMD_JSON },
	{ .name = "nat", .args = "on|off", .min_args = 1, .max_args = 1, .args_compl = XBR_C_WORDS,
	  .summary = "masquerade the stations' traffic to the outside (on), or not",
	  .help = "off forwards it untranslated (the outside needs a route back);\n"
		  "published ports stay. Refused on an --internal bridge.",
	  .fn = do_set_nat, .flags = XBR_CMD_JSON },
	{ .name = "nat6", .args = "on|off", .min_args = 1, .max_args = 1, .args_compl = XBR_C_WORDS,
	  .summary = "while nat is on, masquerade IPv6 too (on, the default) or IPv4 only",
	  .help = "off: IPv6 leaves untranslated (the host routes the prefix), as\n"
		  "Docker's bridge networks do. Refused on a bridge without IPv6.",
	  .fn = do_set_nat6, .flags = XBR_CMD_JSON },
	{ .name = "dns", .args = "on|off", .min_args = 1, .max_args = 1, .args_compl = XBR_C_WORDS,
	  .summary = "the bridge answers DNS queries for its stations' names (default on)",
	  .help = "off: no query is answered by the bridge; every one reaches the\n"
		  "gateway address as any other datagram (`xbr dns` lists the names).",
	  .fn = do_set_dns, .flags = XBR_CMD_JSON },
	{ .name = "publish-address", .args = "IP|any", .min_args = 1, .max_args = 1,
	  .summary = "the host IPv4 address of publications made without one",
	  .help = "`xbr publish add 8080 ns1:80` then publishes on IP only (IPv4),\n"
		  "as Docker's host_binding_ipv4; any: every address of both families\n"
		  "(the default). Publications made before stay as they are.",
	  .fn = do_set_pub_addr, .flags = XBR_CMD_JSON },
	{ .name = NULL },
};
