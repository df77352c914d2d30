// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr port add | del | show */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "fdb_fmt.h"
#include "log.h"

void usage_port(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] port add NS [ADDR/PLEN]\n"
		   "       xbr [-b NAME] port add NAME netns PATH [ADDR/PLEN] [ifname IF]\n"
		   "       xbr [-b NAME] port del NAME\n"
		   "       xbr [-b NAME] [-j [-p]] port show\n"
		   "       xbr [-b NAME] port set PORT [learning on|off] [flood on|off]\n"
		   "              [isolated on|off] [hairpin on|off] [locked on|off]\n"
		   "              [spoof-check on|off] [neigh-suppress on|off] [max-learned N]\n"
		   "add: create namespace NS with eth0 (ADDR/PLEN, or the next free address)\n"
		   "     and a default route via the gateway, and bridge it.\n"
		   "add NAME netns PATH: attach a namespace someone else made (a bind-mounted\n"
		   "     namespace file or /proc/PID/ns/net): xbr makes only the veth pair,\n"
		   "     IF (default eth0) inside with ADDR/PLEN and a default route.\n"
		   "del: remove the port, its veth pair and its forwarding entries, and the\n"
		   "     namespace when xbr made it (an attached namespace stays).\n"
		   "set: port policy, as `bridge link set` has it. PORT is a namespace name,\n"
		   "     a host-side interface name or \"gateway\".\n"
		   "  learning   learn source MACs seen on the port\n"
		   "  flood      receive flooded unknown-unicast, broadcast and multicast\n"
		   "  isolated   cannot reach other isolated ports (reaches all others)\n"
		   "  hairpin    may send a frame back out of the port it came in on\n"
		   "  locked     drop frames whose source MAC has no static entry on the port\n"
		   "  spoof-check  accept only the station's own source MAC, and for ARP,\n"
		   "             IPv4 and IPv6 only its own addresses; other EtherTypes dropped\n"
		   "  neigh-suppress  ARP requests and neighbour solicitations for this port's\n"
		   "             station are answered by the bridge, not flooded, once the\n"
		   "             station has been seen (default: the bridge's, on)\n"
		   "  max-learned N  cap on entries learned on the port (0: no cap)\n");
}

/* port add NAME netns PATH [ADDR/PLEN] [ifname IF]: an attached port. */
static int parse_attached(int argc, char **argv, struct xbr_ns_spec *spec)
{
	int i;

	spec->kind = XBR_KIND_ATTACHED;
	if (argc < 4 || !argv[3][0]) {
		pr_warn("port \"%s\": netns needs a path (a bind-mounted namespace or /proc/PID/ns/net)",
			spec->name);
		return -EINVAL;
	}
	if (strlen(argv[3]) >= sizeof(spec->nspath)) {
		pr_warn("port \"%s\": namespace path longer than %zu characters", spec->name,
			sizeof(spec->nspath) - 1);
		return -EINVAL;
	}
	snprintf(spec->nspath, sizeof(spec->nspath), "%s", argv[3]);
	for (i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "ifname")) {
			if (i + 1 >= argc || xbr_check_name(argv[i + 1])) {
				pr_warn("port \"%s\": ifname needs an interface name of 1-15 letters, digits, '_', '-', '.'",
					spec->name);
				return -EINVAL;
			}
			snprintf(spec->ifname_in, sizeof(spec->ifname_in), "%s", argv[++i]);
		} else if (!spec->has_addr && !xbr_parse_cidr(argv[i], &spec->addr, &spec->plen)) {
			spec->has_addr = 1;
		} else {
			pr_warn("port \"%s\": unexpected \"%s\" (expected ADDR/PLEN or ifname IF)",
				spec->name, argv[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static int port_add(int argc, char **argv)
{
	struct xbr_ns_spec spec;
	struct xbr_bridge br;
	char abuf[INET_ADDRSTRLEN];
	int err;

	if (argc < 2) {
		pr_warn("port add: expected NS [ADDR/PLEN] or NAME netns PATH [ADDR/PLEN] [ifname IF], try \"xbr port help\"");
		return -EINVAL;
	}
	err = xbr_parse_ns_spec(argv[1], &spec);
	if (err || strchr(argv[1], '=')) {
		pr_warn("port \"%s\": %s", argv[1],
			err == -ENAMETOOLONG ? "name longer than 15 characters" :
					       "name must be letters, digits, '_', '-', '.'");
		return -EINVAL;
	}
	if (argc >= 3 && !strcmp(argv[2], "netns")) {
		err = parse_attached(argc, argv, &spec);
		if (err)
			return err;
	} else if (argc > 3) {
		pr_warn("port add: expected NS [ADDR/PLEN], try \"xbr port help\"");
		return -EINVAL;
	} else if (argc == 3) {
		if (xbr_parse_cidr(argv[2], &spec.addr, &spec.plen)) {
			pr_warn("namespace \"%s\": address \"%s\" is not A.B.C.D/PLEN", spec.name,
				argv[2]);
			return -EINVAL;
		}
		spec.has_addr = 1;
	}
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_port_add(&br, &spec);
	if (!err) {
		struct xbr_port p;

		if (br_port_find(&br, spec.name, &p) == 0) {
			inet_ntop(AF_INET, &p.addr, abuf, sizeof(abuf));
			if (spec.kind == XBR_KIND_ATTACHED)
				printf("port %s: attached %s %s %s/%u\n", p.ifname, spec.nspath,
				       spec.ifname_in[0] ? spec.ifname_in : "eth0", abuf, p.plen);
			else
				printf("port %s: namespace %s eth0 %s/%u\n", p.ifname, p.name, abuf,
				       p.plen);
		}
	}
	br_close(&br);
	return err;
}

static int port_del(int argc, char **argv)
{
	struct xbr_bridge br;
	int err;

	if (argc != 2) {
		pr_warn("port del: expected NS, try \"xbr port help\"");
		return -EINVAL;
	}
	if (xbr_check_name(argv[1])) {
		pr_warn("namespace \"%s\": not a valid name", argv[1]);
		return -EINVAL;
	}
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_port_del(&br, argv[1]);
	br_close(&br);
	return err;
}

static const struct {
	const char *word;
	__u32 bit;
} policy_words[] = {
	{ "learning", XBR_PORT_F_LEARNING }, { "flood", XBR_PORT_F_FLOOD },
	{ "isolated", XBR_PORT_F_ISOLATED }, { "hairpin", XBR_PORT_F_HAIRPIN },
	{ "locked", XBR_PORT_F_LOCKED },	     { "spoof-check", XBR_PORT_F_SPOOFCHK },
	{ "neigh-suppress", XBR_PORT_F_NEIGH_SUPPRESS },
};

static int port_set(int argc, char **argv)
{
	struct xbr_bridge br;
	struct xbr_port p;
	__u32 set = 0, clear = 0, max = 0;
	int i, k, err, have_max = 0;

	if (argc < 4 || argc % 2) {
		pr_warn("port set: expected PORT followed by KEY VALUE pairs, try \"xbr port help\"");
		return -EINVAL;
	}
	for (i = 2; i + 1 < argc; i += 2) {
		const char *key = argv[i], *val = argv[i + 1];
		int found = 0;

		if (!strcmp(key, "max-learned") || !strcmp(key, "max_learned")) {
			if (xbr_parse_u32(val, 0, 16777216, &max)) {
				pr_warn("port set: max-learned \"%s\" is not a number", val);
				return -EINVAL;
			}
			have_max = 1;
			continue;
		}
		for (k = 0; k < (int)(sizeof(policy_words) / sizeof(policy_words[0])); k++) {
			int on;

			if (strcmp(key, policy_words[k].word))
				continue;
			on = xbr_parse_onoff(val);
			if (on < 0) {
				pr_warn("port set: %s \"%s\" is not on or off", key, val);
				return -EINVAL;
			}
			if (on)
				set |= policy_words[k].bit;
			else
				clear |= policy_words[k].bit;
			found = 1;
		}
		if (!found) {
			pr_warn("port set: unknown setting \"%s\", try \"xbr port help\"", key);
			return -EINVAL;
		}
	}
	err = cmd_open_bridge(&br);
	if (!err) {
		err = br_port_lookup(&br, argv[1], &p);
		if (err)
			pr_warn("port \"%s\" is not a port of bridge \"%s\"", argv[1], br.name);
	}
	if (!err && (set & XBR_PORT_F_SPOOFCHK) && (p.flags & XBR_PORT_F_GATEWAY)) {
		pr_warn("port \"%s\": spoof-check is for station ports; the gateway routes other sources",
			argv[1]);
		err = -EINVAL;
	}
	if (!err) {
		p.flags = (p.flags | set) & ~clear;
		if (have_max)
			p.max_learned = max;
		err = br_port_update(&br, &p);
		if (err)
			pr_warn("port \"%s\": cannot update: %s", argv[1], strerror(-err));
	}
	br_close(&br);
	return err;
}

static int port_show(int argc, char **argv)
{
	(void)argc;
	return do_show(1, argv);
}

static int port_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage_port(stdout);
	return 0;
}

static const struct xbr_cmd port_cmds[] = {
	{ "add", port_add, NULL },
	{ "del", port_del, NULL },
	{ "delete", port_del, NULL },
	{ "show", port_show, NULL },
	{ "set", port_set, NULL },
	{ "help", port_help, NULL },
	{ NULL, NULL, NULL },
};

int do_port(int argc, char **argv)
{
	const struct xbr_cmd *c;

	if (argc < 2)
		return port_show(1, argv);
	c = cmd_lookup(port_cmds, argv[1]);
	if (!c) {
		pr_warn("port: unknown command \"%s\", try \"xbr port help\"", argv[1]);
		return -EINVAL;
	}
	return c->fn(argc - 1, argv + 1);
}
