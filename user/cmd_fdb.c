// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr fdb { show | add | replace | del | flush } */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "fdb_fmt.h"
#include "log.h"

void usage_fdb(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] [-j [-p]] fdb [show] [port PORT] [dynamic|static]\n"
		   "       xbr [-b NAME] fdb add MAC port PORT [static|sticky|dynamic]\n"
		   "       xbr [-b NAME] fdb add MAC uplink NAME dst ADDR [static|sticky|dynamic]\n"
		   "       xbr [-b NAME] fdb replace MAC port PORT [static|sticky|dynamic]\n"
		   "       xbr [-b NAME] fdb replace MAC uplink NAME dst ADDR [static|sticky|dynamic]\n"
		   "       xbr [-b NAME] fdb del MAC\n"
		   "       xbr [-b NAME] fdb flush [port PORT] [dynamic|static]\n"
		   "PORT is a namespace name, a host-side interface name, or \"gateway\".\n"
		   "show:    one line per live entry: MAC, port (dev), the tunnel endpoint (dst)\n"
		   "         of a station behind an uplink, namespace or uplink, age, state.\n"
		   "add:     a hand-made entry; static (the default) never ages and learning\n"
		   "         never changes it; sticky ages but never moves; dynamic ages and\n"
		   "         moves like a learned entry. Fails if the MAC is present.\n"
		   "         A station behind an uplink needs dst: one of the uplink's peers.\n"
		   "replace: add, or overwrite an existing entry.\n"
		   "del:     remove the entry for MAC.\n"
		   "flush:   remove entries, all or those of one port and/or one kind.\n");
}

/* Parse "[port PORT] [dynamic|static]" into a port ifindex and kinds mask. */
static int parse_filter(struct xbr_bridge *br, int argc, char **argv, __u32 *ifindex,
			__u32 *kinds, int need_br)
{
	const char *port = NULL;
	struct xbr_port p;
	int i, err;

	*ifindex = 0;
	*kinds = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "port") || !strcmp(argv[i], "dev")) {
			if (++i >= argc) {
				pr_warn("fdb: \"port\" needs a namespace or interface name");
				return -EINVAL;
			}
			port = argv[i];
		} else if (!strcmp(argv[i], "dynamic")) {
			*kinds = XBR_FLUSH_DYNAMIC;
		} else if (!strcmp(argv[i], "static")) {
			*kinds = XBR_FLUSH_STATIC;
		} else {
			pr_warn("fdb: unexpected argument \"%s\", try \"xbr fdb help\"", argv[i]);
			return -EINVAL;
		}
	}
	if (port && need_br) {
		err = br_port_lookup(br, port, &p);
		if (err) {
			pr_warn("port \"%s\" is not a port of bridge \"%s\"", port, br->name);
			return -ENOENT;
		}
		*ifindex = p.ifindex;
	}
	return 0;
}

static int fdb_show(int argc, char **argv)
{
	struct xbr_fdb_row *rows = NULL;
	struct xbr_bridge br;
	__u32 ifindex, kinds;
	size_t n = 0, i, k;
	int err;

	err = cmd_open_bridge(&br);
	if (!err)
		err = parse_filter(&br, argc, argv, &ifindex, &kinds, 1);
	if (!err)
		err = br_fdb_rows(&br, &rows, &n);
	if (!err) {
		for (i = 0, k = 0; i < n; i++) {
			__u32 kind = (rows[i].flags & XBR_FDB_F_STATIC) ? XBR_FLUSH_STATIC :
									   XBR_FLUSH_DYNAMIC;

			if ((ifindex && rows[i].ifindex != ifindex) || !(kinds & kind))
				continue;
			rows[k++] = rows[i];
		}
		if (g.json)
			fdb_print_json(stdout, br.name, rows, k, g.pretty);
		else
			fdb_print_text(stdout, br.name, rows, k);
	}
	free(rows);
	br_close(&br);
	return err;
}

static int fdb_addrep(int argc, char **argv, int replace)
{
	const char *cmd = replace ? "replace" : "add";
	struct xbr_ctl_req c = { .op = replace ? XBR_OP_REPLACE : XBR_OP_ADD };
	struct xbr_bridge br;
	struct xbr_port p;
	struct xbr_peer dst = {};
	const char *dst_s = NULL;
	__u32 flags = XBR_FDB_F_STATIC;
	int err;

	/* MAC port|uplink NAME [dst ADDR] [static|sticky|dynamic] */
	if (argc >= 6 && !strcmp(argv[4], "dst")) {
		dst_s = argv[5];
		memmove(argv + 4, argv + 6, (size_t)(argc - 6) * sizeof(*argv));
		argc -= 2;
	}
	if (argc < 4 || argc > 5 ||
	    (strcmp(argv[2], "port") && strcmp(argv[2], "dev") && strcmp(argv[2], "uplink"))) {
		pr_warn("fdb %s: expected MAC port PORT, or MAC uplink NAME dst ADDR, [static|sticky|dynamic]",
			cmd);
		return -EINVAL;
	}
	if (dst_s) {
		struct in6_addr a6;

		if (inet_pton(AF_INET, dst_s, dst.remote) == 1) {
			dst.flags = 0;
		} else if (inet_pton(AF_INET6, dst_s, &a6) == 1) {
			memcpy(dst.remote, &a6, 16);
			dst.flags = XBR_PEER_F_V6;
		} else {
			pr_warn("fdb %s: dst \"%s\" is not an IPv4 or IPv6 address", cmd, dst_s);
			return -EINVAL;
		}
	}
	if (xbr_parse_mac(argv[1], c.mac)) {
		pr_warn("fdb %s: MAC \"%s\" is not aa:bb:cc:dd:ee:ff", cmd, argv[1]);
		return -EINVAL;
	}
	if (c.mac[0] & 1 || !(c.mac[0] | c.mac[1] | c.mac[2] | c.mac[3] | c.mac[4] | c.mac[5])) {
		pr_warn("fdb %s: MAC %s is a group or zero address, not a station", cmd, argv[1]);
		return -EINVAL;
	}
	if (argc == 5) {
		if (!strcmp(argv[4], "static"))
			flags = XBR_FDB_F_STATIC;
		else if (!strcmp(argv[4], "sticky"))
			flags = XBR_FDB_F_STICKY;
		else if (!strcmp(argv[4], "dynamic"))
			flags = 0;
		else {
			pr_warn("fdb %s: \"%s\" is not static, sticky or dynamic", cmd, argv[4]);
			return -EINVAL;
		}
	}
	c.flags = flags;
	err = cmd_open_bridge(&br);
	if (!err) {
		err = br_port_lookup(&br, argv[3], &p);
		if (err)
			pr_warn("port \"%s\" is not a port of bridge \"%s\"", argv[3], br.name);
	}
	if (!err && !(p.flags & XBR_PORT_F_TUNNEL) && (dst_s || !strcmp(argv[2], "uplink"))) {
		pr_warn("port \"%s\" is not an uplink: dst is for stations behind one", argv[3]);
		err = -EINVAL;
	}
	if (!err && (p.flags & XBR_PORT_F_TUNNEL)) {
		dst.ifindex = p.ifindex;
		if (!dst_s) {
			pr_warn("fdb entry %s: on uplink \"%s\" it needs dst ADDR (the peer it is behind)",
				argv[1], argv[3]);
			err = -EINVAL;
		} else if (!br_uplink_has_peer(&br, &dst)) {
			pr_warn("fdb entry %s: dst %s is not a peer of uplink \"%s\" (xbr uplink peer add %s %s)",
				argv[1], dst_s, argv[3], argv[3], dst_s);
			err = -EINVAL;
		} else {
			c.flags |= XBR_FDB_F_REMOTE |
				   (dst.flags & XBR_PEER_F_V6 ? XBR_FDB_F_REMOTE6 : 0);
			memcpy(c.remote, dst.remote, sizeof(c.remote));
		}
	}
	if (!err) {
		c.ifindex = p.ifindex;
		err = br_ctl(&br, &c);
		if (err == -EEXIST)
			pr_warn("fdb entry %s already exists (use \"xbr fdb replace\")", argv[1]);
		else if (err == -E2BIG)
			pr_warn("fdb entry %s: the table is full (%u entries)", argv[1],
				br.cfg.fdb_size);
		else if (err)
			pr_warn("fdb entry %s: cannot %s: %s", argv[1], cmd, strerror(-err));
	}
	br_close(&br);
	return err;
}

static int fdb_add(int argc, char **argv)
{
	return fdb_addrep(argc, argv, 0);
}

static int fdb_replace(int argc, char **argv)
{
	return fdb_addrep(argc, argv, 1);
}

static int fdb_del(int argc, char **argv)
{
	struct xbr_ctl_req c = { .op = XBR_OP_DEL };
	struct xbr_bridge br;
	int err;

	if (argc != 2) {
		pr_warn("fdb del: expected MAC");
		return -EINVAL;
	}
	if (xbr_parse_mac(argv[1], c.mac)) {
		pr_warn("fdb del: MAC \"%s\" is not aa:bb:cc:dd:ee:ff", argv[1]);
		return -EINVAL;
	}
	err = cmd_open_bridge(&br);
	if (!err) {
		err = br_ctl(&br, &c);
		if (err == -ENOENT)
			pr_warn("fdb entry %s does not exist on bridge \"%s\"", argv[1], br.name);
		else if (err)
			pr_warn("fdb entry %s: cannot delete: %s", argv[1], strerror(-err));
	}
	br_close(&br);
	return err;
}

static int fdb_flush(int argc, char **argv)
{
	struct xbr_ctl_req c = { .op = XBR_OP_FLUSH };
	struct xbr_bridge br;
	int err;

	err = cmd_open_bridge(&br);
	if (!err)
		err = parse_filter(&br, argc, argv, &c.ifindex, &c.flags, 1);
	if (!err) {
		err = br_ctl(&br, &c);
		if (err)
			pr_warn("fdb flush: %s", strerror(-err));
		else
			pr_info("fdb flush: %u entries removed", c.count);
	}
	br_close(&br);
	return err;
}

static int fdb_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage_fdb(stdout);
	return 0;
}

static const struct xbr_cmd fdb_cmds[] = {
	{ "show", fdb_show, NULL },	  { "list", fdb_show, NULL },
	{ "add", fdb_add, NULL },	  { "replace", fdb_replace, NULL },
	{ "del", fdb_del, NULL },	  { "delete", fdb_del, NULL },
	{ "flush", fdb_flush, NULL },	  { "help", fdb_help, NULL },
	{ NULL, NULL, NULL },
};

int do_fdb(int argc, char **argv)
{
	const struct xbr_cmd *c;

	if (argc < 2)
		return fdb_show(1, argv);
	c = cmd_lookup(fdb_cmds, argv[1]);
	if (!c) {
		/* `xbr fdb port ns1` reads as `xbr fdb show port ns1` */
		if (!strcmp(argv[1], "port") || !strcmp(argv[1], "dynamic") ||
		    !strcmp(argv[1], "static"))
			return fdb_show(argc, argv);
		pr_warn("fdb: unknown command \"%s\", try \"xbr fdb help\"", argv[1]);
		return -EINVAL;
	}
	return c->fn(argc - 1, argv + 1);
}
