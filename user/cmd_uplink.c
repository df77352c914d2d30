// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr uplink { add | del | peer add | peer del | show }: VXLAN uplinks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "json.h"
#include "log.h"

void usage_uplink(FILE *f)
{
	fprintf(f,
		"Usage: xbr [-b NAME] uplink add NAME vxlan id VNI local ADDR remote ADDR\n"
		"              [remote ADDR]... [dstport PORT] [dev IFNAME]\n"
		"       xbr [-b NAME] uplink del NAME\n"
		"       xbr [-b NAME] uplink peer { add | del } NAME ADDR\n"
		"       xbr [-b NAME] [-j [-p]] uplink [show]\n"
		"add:  extend the bridge's segment to other hosts over VXLAN: the kernel's\n"
		"      VXLAN device <bridge>-NAME in external mode becomes a port. VNI\n"
		"      0-16777215; ADDR an IPv4 or IPv6 address, local one of this host's,\n"
		"      every remote a peer host of the same family (frames are taken only\n"
		"      from peers; broadcasts and unknown unicast go to each). dstport:\n"
		"      the UDP port (default 4789); dev: the underlay interface (default:\n"
		"      the one holding local). The bridge's ports get the underlay's MTU\n"
		"      minus 50 (IPv4) or 70 (IPv6).\n"
		"del:  remove the uplink, its device, peers and forwarding entries; the\n"
		"      ports get their MTU back.\n"
		"peer: add or remove a peer; a removed peer's entries are flushed.\n"
		"show: uplinks with their VNI, endpoints, MTU and peers.\n");
}

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

static int uplink_add(int argc, char **argv)
{
	struct xbr_ns_spec spec = { .dstport = XBR_VXLAN_PORT };
	struct xbr_peer local, *peers = NULL;
	struct xbr_bridge br;
	size_t npeers = 0;
	int i, have_vni = 0, have_local = 0, err;
	uint32_t v;

	if (argc < 3 || strcmp(argv[2], "vxlan")) {
		pr_warn("uplink add: expected NAME vxlan id VNI local ADDR remote ADDR..., try \"xbr uplink help\"");
		return -EINVAL;
	}
	if (check_uplink_name(argv[1]))
		return -EINVAL;
	snprintf(spec.name, sizeof(spec.name), "%s", argv[1]);
	peers = calloc((size_t)argc, sizeof(*peers));
	if (!peers)
		return -ENOMEM;
	err = 0;
	for (i = 3; i < argc && !err; i += 2) {
		const char *key = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val) {
			pr_warn("uplink \"%s\": \"%s\" needs a value", spec.name, key);
			err = -EINVAL;
		} else if (!strcmp(key, "id") || !strcmp(key, "vni")) {
			if (xbr_parse_u32(val, 0, 16777215, &spec.vni)) {
				pr_warn("uplink \"%s\": VNI \"%s\" is not a number 0-16777215",
					spec.name, val);
				err = -EINVAL;
			}
			have_vni = 1;
		} else if (!strcmp(key, "local")) {
			err = parse_endpoint("local", val, &local);
			if (!err) {
				memcpy(spec.local, local.remote, sizeof(spec.local));
				spec.family = local.flags & XBR_PEER_F_V6 ? AF_INET6 : AF_INET;
				have_local = 1;
			}
		} else if (!strcmp(key, "remote")) {
			err = parse_endpoint("remote", val, &peers[npeers]);
			npeers++;
		} else if (!strcmp(key, "dstport")) {
			if (xbr_parse_u32(val, 1, 65535, &v)) {
				pr_warn("uplink \"%s\": dstport \"%s\" is not a port 1-65535",
					spec.name, val);
				err = -EINVAL;
			}
			spec.dstport = (uint16_t)v;
		} else if (!strcmp(key, "dev")) {
			if (xbr_check_name(val)) {
				pr_warn("uplink \"%s\": dev \"%s\" is not an interface name", spec.name,
					val);
				err = -EINVAL;
			}
			snprintf(spec.dev, sizeof(spec.dev), "%s", val);
		} else {
			pr_warn("uplink \"%s\": unexpected \"%s\", try \"xbr uplink help\"", spec.name,
				key);
			err = -EINVAL;
		}
	}
	if (!err && (!have_vni || !have_local || !npeers)) {
		pr_warn("uplink \"%s\": needs %s", spec.name,
			!have_vni ? "id VNI" : !have_local ? "local ADDR" : "at least one remote ADDR");
		err = -EINVAL;
	}
	if (err) {
		free(peers);
		return err;
	}
	err = cmd_open_bridge(&br);
	if (!err) {
		err = br_uplink_add(&br, &spec, peers, npeers);
		if (!err) {
			struct xbr_uplink_row *rows;
			size_t n, k;

			if (br_uplinks(&br, &rows, &n) == 0) {
				for (k = 0; k < n; k++)
					if (!strcmp(rows[k].port.name, spec.name))
						printf("uplink %s: dev %s vxlan id %u mtu %u peers %u\n",
						       spec.name, rows[k].port.ifname, spec.vni,
						       rows[k].port.mtu, rows[k].npeers);
				br_uplinks_free(rows, n);
			}
		}
	}
	br_close(&br);
	free(peers);
	return err;
}

static int uplink_del(int argc, char **argv)
{
	struct xbr_bridge br;
	int err;

	if (argc != 2) {
		pr_warn("uplink del: expected NAME, try \"xbr uplink help\"");
		return -EINVAL;
	}
	if (check_uplink_name(argv[1]))
		return -EINVAL;
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_uplink_del(&br, argv[1]);
	br_close(&br);
	return err;
}

static int uplink_peer(int argc, char **argv)
{
	struct xbr_peer p;
	struct xbr_bridge br;
	int add, err;

	if (argc != 4 || (strcmp(argv[1], "add") && strcmp(argv[1], "del") &&
			  strcmp(argv[1], "delete"))) {
		pr_warn("uplink peer: expected add|del NAME ADDR, try \"xbr uplink help\"");
		return -EINVAL;
	}
	add = !strcmp(argv[1], "add");
	if (check_uplink_name(argv[2]) || parse_endpoint("peer", argv[3], &p))
		return -EINVAL;
	err = cmd_open_bridge(&br);
	if (!err)
		err = add ? br_uplink_peer_add(&br, argv[2], &p) : br_uplink_peer_del(&br, argv[2], &p);
	br_close(&br);
	return err;
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

static void show_json(const struct xbr_uplink_row *rows, size_t n)
{
	char a[INET6_ADDRSTRLEN];
	struct xbr_json j;
	size_t i;
	uint32_t k;

	json_init(&j, stdout, g.pretty);
	json_open_array(&j);
	for (i = 0; i < n; i++) {
		const struct xbr_uplink_row *r = &rows[i];
		struct xbr_peer local = { .flags = r->port.tun_flags };

		memcpy(local.remote, r->port.local, sizeof(local.remote));
		json_open_object(&j);
		json_kv_string(&j, "name", r->port.name);
		json_kv_string(&j, "ifname", r->port.ifname);
		json_kv_string(&j, "kind", "vxlan");
		json_kv_uint(&j, "id", r->port.vni);
		json_kv_string(&j, "local", uplink_addr_str(&local, a, sizeof(a)));
		json_kv_uint(&j, "dstport", r->port.dstport);
		if (r->dev[0])
			json_kv_string(&j, "dev", r->dev);
		json_kv_uint(&j, "mtu", r->port.mtu);
		json_key(&j, "peers");
		json_open_array(&j);
		for (k = 0; k < r->npeers; k++)
			json_string(&j, uplink_addr_str(&r->peers[k], a, sizeof(a)));
		json_close_array(&j);
		json_close_object(&j);
	}
	json_close_array(&j);
	json_finish(&j);
}

static int uplink_show(int argc, char **argv)
{
	struct xbr_uplink_row *rows = NULL;
	struct xbr_bridge br;
	size_t n = 0;
	int err;

	(void)argv;
	if (argc > 1) {
		pr_warn("uplink show: unexpected \"%s\"", argv[1]);
		return -EINVAL;
	}
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

static int uplink_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage_uplink(stdout);
	return 0;
}

static const struct xbr_cmd uplink_cmds[] = {
	{ "add", uplink_add, NULL },	 { "del", uplink_del, NULL },
	{ "delete", uplink_del, NULL },	 { "peer", uplink_peer, NULL },
	{ "show", uplink_show, NULL },	 { "list", uplink_show, NULL },
	{ "help", uplink_help, NULL },	 { NULL, NULL, NULL },
};

int do_uplink(int argc, char **argv)
{
	const struct xbr_cmd *c;

	if (argc < 2)
		return uplink_show(1, argv);
	c = cmd_lookup(uplink_cmds, argv[1]);
	if (!c) {
		pr_warn("uplink: unknown command \"%s\", try \"xbr uplink help\"", argv[1]);
		return -EINVAL;
	}
	return c->fn(argc - 1, argv + 1);
}
