// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr fdb { show | add | replace | del | flush } */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "bridge.h"
#include "cmd.h"
#include "fdb_fmt.h"
#include "out.h"
#include "log.h"

/* The options of every fdb command (each table fills what it has). */
struct fdb_args {
	const char *port, *uplink, *dst;
	bool dynamic, statik, sticky;
};
#define FA(a) XBR_OPTS(a, struct fdb_args)

/* The port named by "port PORT" (or "dev PORT"), if given: its ifindex. */
static int opt_port(struct xbr_bridge *br, const struct xbr_args *a, __u32 *ifindex)
{
	const char *port = FA(a)->port;
	struct xbr_port p;

	*ifindex = 0;
	if (!port)
		return 0;
	if (br_port_lookup(br, port, &p)) {
		pr_warn("port \"%s\" is not a port of bridge \"%s\"", port, br_name(br));
		return -ENOENT;
	}
	*ifindex = p.ifindex;
	return 0;
}

/* "dynamic" or "static": the kinds of entries a filter keeps. */
static __u32 opt_kinds(const struct xbr_args *a)
{
	if (FA(a)->dynamic)
		return XBR_FLUSH_DYNAMIC;
	if (FA(a)->statik)
		return XBR_FLUSH_STATIC;
	return XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC;
}

static int fdb_show(const struct xbr_args *a)
{
	struct xbr_fdb_row *rows = NULL;
	__u32 ifindex = 0, kinds = opt_kinds(a);
	struct xbr_bridge *br = NULL;
	size_t n = 0, i, k;
	int err;

	err = cmd_open_bridge(&br);
	if (!err)
		err = opt_port(br, a, &ifindex);
	if (!err) {
		err = br_fdb_rows(br, &rows, &n);
		if (err)
			pr_warn("bridge \"%s\": cannot read the forwarding table: %s", br_name(br),
				strerror(-err));
	}
	if (!err) {
		for (i = 0, k = 0; i < n; i++) {
			__u32 kind = (rows[i].flags & XBR_FDB_F_STATIC) ? XBR_FLUSH_STATIC :
									   XBR_FLUSH_DYNAMIC;

			if ((ifindex && rows[i].ifindex != ifindex) || !(kinds & kind))
				continue;
			rows[k++] = rows[i];
		}
		if (g.json)
			fdb_print_json(stdout, br_name(br), rows, k, g.pretty);
		else
			fdb_print_text(stdout, br_name(br), rows, k);
	}
	free(rows);
	br_close(br);
	return err;
}

/* A station MAC from the command line into @mac; one line if it is not. */
static int opt_mac(const char *cmd, const char *s, __u8 mac[6], int station)
{
	if (xbr_parse_mac(s, mac)) {
		pr_warn("fdb %s: MAC \"%s\" is not aa:bb:cc:dd:ee:ff", cmd, s);
		return -EINVAL;
	}
	if (station && (mac[0] & 1 || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))) {
		pr_warn("fdb %s: MAC %s is a group or zero address, not a station", cmd, s);
		return -EINVAL;
	}
	return 0;
}

/*
 * A station behind an uplink: "uplink NAME dst ADDR" (or "port NAME dst
 * ADDR"); dst must be one of the uplink's peers. Fills @c's port, REMOTE
 * flags and endpoint. One line and -EINVAL when it does not hold.
 */
static int opt_remote(struct xbr_bridge *br, const struct xbr_args *a, const char *mac,
		      struct xbr_ctl_req *c)
{
	const char *up = FA(a)->uplink, *port = up ? up : FA(a)->port;
	const char *dst = FA(a)->dst;
	struct xbr_peer p = {};
	struct xbr_port rec;
	struct in6_addr a6;

	if (br_port_lookup(br, port, &rec)) {
		pr_warn("%s \"%s\" is not a%s port of bridge \"%s\"", up ? "uplink" : "port", port,
			up ? "n uplink" : "", br_name(br));
		return -ENOENT;
	}
	if (!(rec.flags & XBR_PORT_F_TUNNEL)) {
		if (!up && !dst)
			return 0; /* a station on a local port */
		pr_warn("port \"%s\" is not an uplink: dst is for stations behind one", port);
		return -EINVAL;
	}
	if (!dst) {
		pr_warn("fdb entry %s: on uplink \"%s\" it needs dst ADDR (the peer it is behind)", mac,
			port);
		return -EINVAL;
	}
	if (inet_pton(AF_INET, dst, p.remote) == 1) {
		p.flags = 0;
	} else if (inet_pton(AF_INET6, dst, &a6) == 1) {
		memcpy(p.remote, &a6, 16);
		p.flags = XBR_PEER_F_V6;
	} else {
		pr_warn("fdb entry %s: dst \"%s\" is not an IPv4 or IPv6 address", mac, dst);
		return -EINVAL;
	}
	p.ifindex = rec.ifindex;
	if (!br_uplink_has_peer(br, &p)) {
		pr_warn("fdb entry %s: dst %s is not a peer of uplink \"%s\" (xbr uplink peer add %s %s)",
			mac, dst, port, port, dst);
		return -EINVAL;
	}
	c->ifindex = rec.ifindex;
	c->flags |= XBR_FDB_F_REMOTE | (p.flags & XBR_PEER_F_V6 ? XBR_FDB_F_REMOTE6 : 0);
	memcpy(c->remote, p.remote, sizeof(c->remote));
	return 0;
}

static int fdb_addrep(const struct xbr_args *a, int replace)
{
	const char *cmd = replace ? "replace" : "add", *mac = a->pos[0];
	struct xbr_ctl_req c = { .op = replace ? XBR_OP_REPLACE : XBR_OP_ADD };
	struct xbr_bridge *br = NULL;
	int err;

	err = opt_mac(cmd, mac, c.mac, 1);
	if (err)
		return err;
	if (!FA(a)->port == !FA(a)->uplink) {
		pr_warn("fdb %s \"%s\": give either port PORT or uplink NAME dst ADDR", cmd, mac);
		return -EINVAL;
	}
	c.flags = FA(a)->sticky ? XBR_FDB_F_STICKY : FA(a)->dynamic ? 0 : XBR_FDB_F_STATIC;
	err = cmd_open_bridge(&br);
	if (!err)
		err = opt_port(br, a, &c.ifindex);
	if (!err)
		err = opt_remote(br, a, mac, &c);
	if (!err) {
		err = br_ctl(br, &c);
		if (err == -EEXIST)
			pr_warn("fdb entry %s already exists (use \"xbr fdb replace\")", mac);
		else if (err == -E2BIG)
			pr_warn("fdb entry %s: the table is full (%u entries)", mac,
				br_config(br)->fdb_size);
		else if (err)
			pr_warn("fdb entry %s: cannot %s: %s", mac, cmd, strerror(-err));
	}
	br_close(br);
	return err;
}

static int fdb_add(const struct xbr_args *a)
{
	return fdb_addrep(a, 0);
}

static int fdb_replace(const struct xbr_args *a)
{
	return fdb_addrep(a, 1);
}

static int fdb_del(const struct xbr_args *a)
{
	struct xbr_ctl_req c = { .op = XBR_OP_DEL };
	const char *mac = a->pos[0];
	struct xbr_fdb_val val;
	struct xbr_bridge *br = NULL;
	__u32 ifindex = 0;
	int err;

	err = opt_mac("del", mac, c.mac, 0);
	if (err)
		return err;
	err = cmd_open_bridge(&br);
	if (!err)
		err = opt_port(br, a, &ifindex);
	/* With "port PORT" (as `bridge fdb del MAC dev X`), only the entry on it. */
	if (!err && ifindex && br_fdb_get(br, c.mac, &val) == 0 &&
	    val.ifindex != ifindex) {
		pr_warn("fdb entry %s is not on port \"%s\"", mac, FA(a)->port);
		err = -ENOENT;
	}
	if (!err) {
		err = br_ctl(br, &c);
		if (err == -ENOENT)
			pr_warn("fdb entry %s does not exist on bridge \"%s\"", mac, br_name(br));
		else if (err)
			pr_warn("fdb entry %s: cannot delete: %s", mac, strerror(-err));
	}
	br_close(br);
	return err;
}

static int fdb_flush(const struct xbr_args *a)
{
	struct xbr_ctl_req c = { .op = XBR_OP_FLUSH, .flags = opt_kinds(a) };
	struct xbr_bridge *br = NULL;
	int err;

	err = cmd_open_bridge(&br);
	if (!err)
		err = opt_port(br, a, &c.ifindex);
	if (!err) {
		err = br_ctl(br, &c);
		if (err)
			pr_warn("bridge \"%s\": fdb flush: %s", br_name(br), strerror(-err));
	}
	if (!err) {
		struct xbr_out o;

		out_start(&o, stdout, g.json, g.pretty);
		out_open_object(&o, NULL);
		out_u64(&o, OUT_ANY, "removed", "fdb flush: %llu", c.count);
		out_text(&o, " entr%s removed\n", c.count == 1 ? "y" : "ies");
		out_close_object(&o);
		out_end(&o);
	}
	br_close(br);
	return err;
}

#define AT(f) .type = XBR_T_STR, XBR_AT(struct fdb_args, f)
static const struct xbr_opt fdb_filter_opts[] = {
	{ .name = "port", .alias = "dev", .arg = "PORT", .compl = XBR_C_PORT,
	  .help = "only the entries on PORT", AT(port) },
	{ .name = "dynamic", .group = 1, .help = "only entries that age (learned, dynamic, sticky)",
	  XBR_AT(struct fdb_args, dynamic) },
	{ .name = "static", .group = 1, .help = "only static entries",
	  XBR_AT(struct fdb_args, statik) },
	{ .name = NULL },
};

static const struct xbr_opt fdb_add_opts[] = {
	{ .name = "port", .alias = "dev", .arg = "PORT", .compl = XBR_C_PORT,
	  .help = "the port the station sits behind (this or uplink)", AT(port) },
	{ .name = "uplink", .arg = "NAME", .compl = XBR_C_PORTNAME,
	  .help = "the station is on another host, behind uplink NAME", AT(uplink) },
	{ .name = "dst", .arg = "ADDR",
	  .help = "behind an uplink: the peer (tunnel endpoint) it is behind", AT(dst) },
	{ .name = "static", .group = 1, .help = "never ages, learning never changes it (default)",
	  XBR_AT(struct fdb_args, statik) },
	{ .name = "sticky", .group = 1, .help = "ages, but never moves to another port",
	  XBR_AT(struct fdb_args, sticky) },
	{ .name = "dynamic", .group = 1, .help = "ages and moves like a learned entry",
	  XBR_AT(struct fdb_args, dynamic) },
	{ .name = NULL },
};

static const struct xbr_opt fdb_del_opts[] = {
	{ .name = "port", .alias = "dev", .arg = "PORT", .compl = XBR_C_PORT,
	  .help = "only if the entry is on PORT", AT(port) },
	{ .name = NULL },
};
#undef AT

const struct xbr_cmd xbr_fdb_cmds[] = {
	{ .name = "show", .alias = "list",
	  .summary = "the live entries, one a line, as `bridge fdb show`",
	  .help = "PORT is a port name, a host-side interface name, or \"gateway\".",
	  .opts = fdb_filter_opts, .fn = fdb_show, .flags = XBR_CMD_JSON },
	{ .name = "add", .args = "MAC", .min_args = 1, .max_args = 1,
	  .summary = "add an entry by hand; fails if MAC is present",
	  .help = "Hand-made entries do not count against max-learned.",
	  .opts = fdb_add_opts, .fn = fdb_add },
	{ .name = "replace", .args = "MAC", .min_args = 1, .max_args = 1,
	  .summary = "add an entry, or overwrite the entry for MAC", .opts = fdb_add_opts,
	  .fn = fdb_replace },
	{ .name = "del", .alias = "delete", .args = "MAC", .min_args = 1, .max_args = 1,
	  .args_compl = XBR_C_MAC, .summary = "remove the entry for MAC", .opts = fdb_del_opts,
	  .fn = fdb_del },
	{ .name = "flush", .summary = "remove entries: all, or of one port and/or kind",
	  .opts = fdb_filter_opts, .fn = fdb_flush, .flags = XBR_CMD_JSON },
	{ .name = NULL },
};
