// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr uplink { show | add | del | peer add | peer del }: VXLAN uplinks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "json.h"
#include "log.h"

/* An IPv4 or IPv6 unicast address into @p (remote, flags). */
static int parse_endpoint(const char *what, const char *s, struct xbr_peer *p)
{
	struct in6_addr a6;
	uint32_t a4;

	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, s, &a4) == 1) {
		uint8_t b0 = ((const uint8_t *)&a4)[0];

		if (!a4 || a4 == 0xffffffffu || (b0 & 0xf0) == 0xe0 || b0 == 127) {
			pr_warn("uplink: %s %s is not a unicast host address", what, s);
			return -EINVAL;
		}
		p->remote[0] = a4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_MULTICAST(&a6) ||
		    IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_V4MAPPED(&a6)) {
			pr_warn("uplink: %s %s is not a unicast host address", what, s);
			return -EINVAL;
		}
		memcpy(p->remote, &a6, 16);
		p->flags = XBR_PEER_F_V6;
		return 0;
	}
	pr_warn("uplink: %s \"%s\" is not an IPv4 or IPv6 address", what, s);
	return -EINVAL;
}

static int check_uplink_name(const char *name)
{
	int err = xbr_check_name(name);

	if (err)
		pr_warn("uplink \"%s\": %s", name,
			err == -ENAMETOOLONG ? "name longer than 15 characters" :
					       "name must be letters, digits, '_', '-', '.'");
	return err;
}

/* The uplink of @name in @rows, NULL if absent. */
static const struct xbr_uplink_row *row_of(const struct xbr_uplink_row *rows, size_t n,
					   const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].port.name, name))
			return &rows[i];
	return NULL;
}

static void uplink_json(struct xbr_json *j, const struct xbr_uplink_row *r);

static int uplink_add(const struct xbr_args *a)
{
	struct xbr_ns_spec spec = { .dstport = XBR_VXLAN_PORT };
	struct xbr_peer local, peers[XBR_MAX_REPEAT];
	const char *v;
	struct xbr_bridge br;
	uint32_t n;
	int i, err;

	if (check_uplink_name(a->pos[0]))
		return -EINVAL;
	snprintf(spec.name, sizeof(spec.name), "%s", a->pos[0]);
	v = arg_val(a, "id");
	if (xbr_parse_u32(v, 0, 16777215, &spec.vni)) {
		pr_warn("uplink \"%s\": VNI \"%s\" is not a number 0-16777215", spec.name, v);
		return -EINVAL;
	}
	if (parse_endpoint("local", arg_val(a, "local"), &local))
		return -EINVAL;
	memcpy(spec.local, local.remote, sizeof(spec.local));
	spec.family = local.flags & XBR_PEER_F_V6 ? AF_INET6 : AF_INET;
	for (i = 0; i < a->nrep; i++)
		if (parse_endpoint("remote", a->rep[i], &peers[i]))
			return -EINVAL;
	v = arg_val(a, "dstport");
	if (v) {
		if (xbr_parse_u32(v, 1, 65535, &n)) {
			pr_warn("uplink \"%s\": dstport \"%s\" is not a port 1-65535", spec.name, v);
			return -EINVAL;
		}
		spec.dstport = (uint16_t)n;
	}
	v = arg_val(a, "dev");
	if (v) {
		if (xbr_check_name(v)) {
			pr_warn("uplink \"%s\": dev \"%s\" is not an interface name", spec.name, v);
			return -EINVAL;
		}
		snprintf(spec.dev, sizeof(spec.dev), "%s", v);
	}
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_uplink_add(&br, &spec, peers, (size_t)a->nrep);
	if (!err) {
		struct xbr_uplink_row *rows;
		const struct xbr_uplink_row *r;
		struct xbr_json j;
		size_t nr;

		if (br_uplinks(&br, &rows, &nr) == 0) {
			r = row_of(rows, nr, spec.name);
			if (r && g.json) {
				json_init(&j, stdout, g.pretty);
				uplink_json(&j, r);
				json_finish(&j);
			} else if (r) {
				printf("uplink %s: dev %s vxlan id %u mtu %u peers %u\n", spec.name,
				       r->port.ifname, r->port.vni, r->port.mtu, r->npeers);
			}
			br_uplinks_free(rows, nr);
		}
	}
	br_close(&br);
	return err;
}

static int uplink_del(const struct xbr_args *a)
{
	struct xbr_bridge br;
	int err;

	if (check_uplink_name(a->pos[0]))
		return -EINVAL;
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_uplink_del(&br, a->pos[0]);
	br_close(&br);
	return err;
}

static int uplink_peer(const struct xbr_args *a, int add)
{
	struct xbr_peer p;
	struct xbr_bridge br;
	int err;

	if (check_uplink_name(a->pos[0]) || parse_endpoint("peer", a->pos[1], &p))
		return -EINVAL;
	err = cmd_open_bridge(&br);
	if (!err)
		err = add ? br_uplink_peer_add(&br, a->pos[0], &p) :
			    br_uplink_peer_del(&br, a->pos[0], &p);
	br_close(&br);
	return err;
}

static int peer_add(const struct xbr_args *a)
{
	return uplink_peer(a, 1);
}

static int peer_del(const struct xbr_args *a)
{
	return uplink_peer(a, 0);
}

static void show_text(const struct xbr_uplink_row *rows, size_t n)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;
	uint32_t k;

	for (i = 0; i < n; i++) {
		const struct xbr_uplink_row *r = &rows[i];
		struct xbr_peer local = { .flags = r->port.tun_flags };

		memcpy(local.remote, r->port.local, sizeof(local.remote));
		printf("%s dev %s vxlan id %u local %s dstport %u", r->port.name, r->port.ifname,
		       r->port.vni, uplink_addr_str(&local, a, sizeof(a)), r->port.dstport);
		if (r->dev[0])
			printf(" underlay %s", r->dev);
		printf(" mtu %u peers", r->port.mtu);
		for (k = 0; k < r->npeers; k++)
			printf(" %s", uplink_addr_str(&r->peers[k], a, sizeof(a)));
		printf("\n");
	}
}

static void uplink_json(struct xbr_json *j, const struct xbr_uplink_row *r)
{
	char a[INET6_ADDRSTRLEN];
	struct xbr_peer local = { .flags = r->port.tun_flags };
	uint32_t k;

	memcpy(local.remote, r->port.local, sizeof(local.remote));
	json_open_object(j);
	json_kv_string(j, "name", r->port.name);
	json_kv_string(j, "ifname", r->port.ifname);
	json_kv_string(j, "kind", "vxlan");
	json_kv_uint(j, "id", r->port.vni);
	json_kv_string(j, "local", uplink_addr_str(&local, a, sizeof(a)));
	json_kv_uint(j, "dstport", r->port.dstport);
	if (r->dev[0])
		json_kv_string(j, "dev", r->dev);
	json_kv_uint(j, "mtu", r->port.mtu);
	json_key(j, "peers");
	json_open_array(j);
	for (k = 0; k < r->npeers; k++)
		json_string(j, uplink_addr_str(&r->peers[k], a, sizeof(a)));
	json_close_array(j);
	json_close_object(j);
}

static void show_json(const struct xbr_uplink_row *rows, size_t n)
{
	struct xbr_json j;
	size_t i;

	json_init(&j, stdout, g.pretty);
	json_open_array(&j);
	for (i = 0; i < n; i++)
		uplink_json(&j, &rows[i]);
	json_close_array(&j);
	json_finish(&j);
}

static int uplink_show(const struct xbr_args *a)
{
	struct xbr_uplink_row *rows = NULL;
	struct xbr_bridge br;
	size_t n = 0;
	int err;

	(void)a;
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_uplinks(&br, &rows, &n);
	if (!err) {
		if (g.json)
			show_json(rows, n);
		else
			show_text(rows, n);
		br_uplinks_free(rows, n);
	}
	br_close(&br);
	return err;
}

static const struct xbr_opt uplink_add_opts[] = {
	{ .name = "vxlan", .flags = XBR_OPT_REQUIRED,
	  .help = "the tunnel: the kernel's VXLAN device in external mode" },
	{ .name = "id", .alias = "vni", .arg = "VNI", .flags = XBR_OPT_REQUIRED,
	  .help = "the segment's VXLAN network identifier, 0-16777215" },
	{ .name = "local", .arg = "ADDR", .flags = XBR_OPT_REQUIRED,
	  .help = "this host's tunnel endpoint, IPv4 or IPv6, one of its addresses" },
	{ .name = "remote", .arg = "ADDR", .flags = XBR_OPT_REQUIRED | XBR_OPT_REPEAT,
	  .help = "a peer host's endpoint (of local's family); again for more" },
	{ .name = "dstport", .arg = "PORT", .help = "the UDP port (default 4789)" },
	{ .name = "dev", .arg = "IFNAME",
	  .help = "the underlay interface (default: the one holding local)" },
	{ .name = NULL },
};

static const struct xbr_cmd uplink_peer_cmds[] = {
	{ .name = "add", .args = "NAME ADDR", .min_args = 2, .max_args = 2,
	  .args_compl = XBR_C_PORTNAME, .summary = "add a peer to uplink NAME",
	  .help = "Floods reach it, and its frames are taken.", .fn = peer_add },
	{ .name = "del", .alias = "delete", .args = "NAME ADDR", .min_args = 2, .max_args = 2,
	  .args_compl = XBR_C_PORTNAME, .summary = "remove a peer from uplink NAME",
	  .help = "Its frames are refused from then on (drop tunnel), and every\n"
		  "forwarding entry behind it, static ones included, is removed.",
	  .fn = peer_del },
	{ .name = NULL },
};

const struct xbr_cmd xbr_uplink_cmds[] = {
	{ .name = "show", .alias = "list",
	  .summary = "uplinks: VNI, endpoints, UDP port, MTU and peers", .fn = uplink_show,
	  .flags = XBR_CMD_JSON },
	{ .name = "add", .args = "NAME", .min_args = 1, .max_args = 1,
	  .summary = "extend the segment to other hosts over VXLAN",
	  .help = "The kernel's VXLAN device <bridge>-NAME in external mode becomes a port;\n"
		  "broadcasts and unknown unicast go to every peer, frames are taken only\n"
		  "from peers. The bridge's other ports get the underlay's MTU minus 50\n"
		  "(IPv4) or 70 (IPv6). The UDP port is the host's: a second bridge's\n"
		  "uplink needs another dstport.",
	  .opts = uplink_add_opts, .fn = uplink_add, .flags = XBR_CMD_JSON },
	{ .name = "del", .alias = "delete", .args = "NAME", .min_args = 1, .max_args = 1,
	  .args_compl = XBR_C_PORTNAME,
	  .summary = "remove an uplink: its device, peers and entries; MTUs back",
	  .fn = uplink_del },
	{ .name = "peer", .summary = "the peers of an uplink", .cmds = uplink_peer_cmds },
	{ .name = NULL },
};
