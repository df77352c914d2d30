// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr port show | add | del | set */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "fdb_fmt.h"
#include "log.h"

static int port_show(const struct xbr_args *a)
{
	return do_show(a);
}

struct port_add_args {
	const char *netns, *ifname;
};

static int port_add(const struct xbr_args *a)
{
	const struct port_add_args *o = XBR_OPTS(a, struct port_add_args);
	const char *name = a->pos[0], *nspath = o->netns, *ifn = o->ifname;
	char abuf[INET_ADDRSTRLEN];
	struct xbr_ns_spec spec;
	struct xbr_bridge *br = NULL;
	int err, k;

	err = xbr_parse_ns_spec(name, &spec);
	if (err || strchr(name, '=')) {
		pr_warn("port \"%s\": %s", name,
			err == -ENAMETOOLONG ? "name longer than 15 characters" :
					       "name must be letters, digits, '_', '-', '.'");
		return -EINVAL;
	}
	if (a->npos == 2) {
		if (xbr_parse_cidr(a->pos[1], &spec.addr, &spec.plen)) {
			pr_warn("%s \"%s\": address \"%s\" is not A.B.C.D/PLEN",
				nspath ? "port" : "namespace", spec.name, a->pos[1]);
			return -EINVAL;
		}
		spec.has_addr = 1;
	}
	if (ifn && !nspath) {
		pr_warn("port add: \"ifname\" is for a namespace given with \"netns PATH\"");
		return -EINVAL;
	}
	if (a->nrep > XBR_PORT_ALIASES) {
		pr_warn("port \"%s\": %d names given, at most %d", spec.name, a->nrep,
			XBR_PORT_ALIASES);
		return -EINVAL;
	}
	for (k = 0; k < a->nrep; k++) {
		if (strlen(a->rep[k]) >= sizeof(spec.alias[0])) {
			pr_warn("port \"%s\": name \"%.20s...\": longer than 63 characters (a DNS label)",
				spec.name, a->rep[k]);
			return -EINVAL;
		}
		snprintf(spec.alias[k], sizeof(spec.alias[k]), "%s", a->rep[k]);
	}
	spec.nalias = (uint8_t)a->nrep;
	if (nspath) {
		/* A namespace someone else made: xbr makes only the veth pair. */
		spec.kind = XBR_KIND_ATTACHED;
		if (strlen(nspath) >= sizeof(spec.nspath)) {
			pr_warn("port \"%s\": namespace path longer than %zu characters", spec.name,
				sizeof(spec.nspath) - 1);
			return -EINVAL;
		}
		snprintf(spec.nspath, sizeof(spec.nspath), "%s", nspath);
		if (ifn)
			snprintf(spec.ifname_in, sizeof(spec.ifname_in), "%s", ifn);
	}
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_port_add(br, &spec);
	if (!err) {
		struct xbr_port p;

		if (br_port_find(br, spec.name, &p) == 0) {
			if (g.json) {
				struct xbr_port_meta meta = {};

				br_port_meta(br, p.ifindex, &meta);
				port_print_json(stdout, br_config(br), &p, &meta, g.pretty);
			} else {
				inet_ntop(AF_INET, &p.addr, abuf, sizeof(abuf));
				if (nspath)
					printf("port %s: attached %s %s %s/%u\n", p.ifname, nspath,
					       ifn ? ifn : "eth0", abuf, p.plen);
				else
					printf("port %s: namespace %s eth0 %s/%u\n", p.ifname,
					       p.name, abuf, p.plen);
			}
		}
	}
	br_close(br);
	return err;
}

static int port_del(const struct xbr_args *a)
{
	struct xbr_bridge *br = NULL;
	int err;

	if (xbr_check_name(a->pos[0])) {
		pr_warn("namespace \"%s\": not a valid name", a->pos[0]);
		return -EINVAL;
	}
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_port_del(br, a->pos[0]);
	br_close(br);
	return err;
}

/* The on|off settings of `port set`, by their option names (also `save`'s). */
const struct xbr_port_word xbr_port_words[] = {
	{ "learning", XBR_PORT_F_LEARNING }, { "flood", XBR_PORT_F_FLOOD },
	{ "isolated", XBR_PORT_F_ISOLATED }, { "hairpin", XBR_PORT_F_HAIRPIN },
	{ "locked", XBR_PORT_F_LOCKED },	     { "spoof-check", XBR_PORT_F_SPOOFCHK },
	{ "neigh-suppress", XBR_PORT_F_NEIGH_SUPPRESS }, { NULL, 0 },
};

/* `port set`: the on|off settings in xbr_port_words[]'s order, then max-learned. */
struct port_set_args {
	enum xbr_onoff flag[7];
	struct xbr_opt_u32 max_learned;
};

static int port_set(const struct xbr_args *a)
{
	const struct port_set_args *o = XBR_OPTS(a, struct port_set_args);
	const char *port = a->pos[0];
	struct xbr_bridge *br = NULL;
	struct xbr_port p;
	__u32 set = 0, clear = 0, max = 0;
	int err, any = 0;
	size_t k;

	for (k = 0; xbr_port_words[k].word; k++) {
		if (o->flag[k] == XBR_ON)
			set |= xbr_port_words[k].bit;
		else if (o->flag[k] == XBR_OFF)
			clear |= xbr_port_words[k].bit;
		any |= o->flag[k] != XBR_UNSET;
	}
	max = o->max_learned.v;
	if (!any && !o->max_learned.set) {
		pr_warn("port set: nothing to set for \"%s\", try \"xbr port set help\"", port);
		return -EINVAL;
	}
	err = cmd_open_bridge(&br);
	if (!err) {
		err = br_port_lookup(br, port, &p);
		if (err)
			pr_warn("port \"%s\" is not a port of bridge \"%s\"", port, br_name(br));
	}
	if (!err && (set & XBR_PORT_F_SPOOFCHK) && (p.flags & XBR_PORT_F_GATEWAY)) {
		pr_warn("port \"%s\": spoof-check is for station ports; the gateway routes other sources",
			port);
		err = -EINVAL;
	}
	if (!err && (set & XBR_PORT_F_SPOOFCHK) && (p.flags & XBR_PORT_F_TUNNEL)) {
		pr_warn("port \"%s\": spoof-check is for station ports; an uplink carries other hosts' stations",
			port);
		err = -EINVAL;
	}
	if (!err) {
		p.flags = (p.flags | set) & ~clear;
		if (o->max_learned.set)
			p.max_learned = max;
		err = br_port_update(br, &p);
		if (err)
			pr_warn("port \"%s\": cannot update: %s", port, strerror(-err));
	}
	br_close(br);
	return err;
}

static const struct xbr_opt port_add_opts[] = {
	{ .name = "netns", .arg = "PATH", .compl = XBR_C_FILE,
	  .help = "attach a runtime's namespace (bind mount, /proc/PID/ns/net)",
	  .type = XBR_T_PATH, XBR_AT(struct port_add_args, netns) },
	{ .name = "ifname", .arg = "IF", .help = "with netns: the interface inside (default eth0)",
	  .type = XBR_T_IFNAME, XBR_AT(struct port_add_args, ifname) },
	{ .name = "name", .arg = "NAME", .flags = XBR_OPT_REPEAT,
	  .help = "another name the bridge answers DNS queries for (a DNS label; again for more, at most 8)" },
	{ .name = NULL },
};

/* In xbr_port_words[]'s order (t_golden and test_cmd would see a swap). */
#define FLAG(k) .arg = "on|off", .compl = XBR_C_WORDS, .type = XBR_T_ONOFF, \
		XBR_AT(struct port_set_args, flag[k])
static const struct xbr_opt port_set_opts[] = {
	{ .name = "learning", .help = "learn source MACs seen on the port", FLAG(0) },
	{ .name = "flood", .help = "receive flooded unknown-unicast, broadcast and multicast",
	  FLAG(1) },
	{ .name = "isolated", .help = "cannot reach other isolated ports (reaches all others)",
	  FLAG(2) },
	{ .name = "hairpin", .help = "may send a frame back out of the port it came in on",
	  FLAG(3) },
	{ .name = "locked", .help = "drop frames whose source MAC has no static entry on the port",
	  FLAG(4) },
	{ .name = "spoof-check", .help = "only the station's own MAC and addresses (ARP, IPv4, IPv6)",
	  FLAG(5) },
	{ .name = "neigh-suppress",
	  .help = "the bridge answers ARP/ND for this port's station (once seen)", FLAG(6) },
	{ .name = "max-learned", .alias = "max_learned", .arg = "N",
	  .help = "cap on entries learned here (0: no cap)", .type = XBR_T_U32, .min = 0,
	  .max = 16777216, XBR_AT(struct port_set_args, max_learned) },
	{ .name = NULL },
};
#undef FLAG

const struct xbr_cmd xbr_port_cmds[] = {
	{ .name = "show", .alias = "list", .summary = "the bridge and its ports (as xbr show)",
	  .fn = port_show, .flags = XBR_CMD_JSON },
	{ .name = "add", .args = "NAME [ADDR/PLEN]", .min_args = 1, .max_args = 2,
	  .summary = "create namespace NAME with eth0, routes via the gateway, and bridge it",
	  .help = "ADDR/PLEN: eth0's address (default: the next free one). With\n"
		  "netns PATH the namespace exists already: xbr makes only the veth\n"
		  "pair, and NAME names the port. The bridge answers DNS queries for\n"
		  "NAME (when a DNS label) and each `name`, as NAME.BRIDGE too (xbr dns).",
	  .opts = port_add_opts, .fn = port_add, .flags = XBR_CMD_JSON },
	{ .name = "del", .alias = "delete", .args = "NAME", .min_args = 1, .max_args = 1,
	  .args_compl = XBR_C_PORTNAME,
	  .summary = "remove the port, its namespace (if xbr made it) and its entries",
	  .fn = port_del },
	{ .name = "set", .args = "PORT", .min_args = 1, .max_args = 1, .args_compl = XBR_C_PORT,
	  .summary = "port policy, as `bridge link set` has it",
	  .help = "PORT is a port name, a host-side interface name or \"gateway\".",
	  .opts = port_set_opts, .fn = port_set },
	{ .name = NULL },
};
