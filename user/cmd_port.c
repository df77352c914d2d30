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
		   "       xbr [-b NAME] port del NS\n"
		   "       xbr [-b NAME] [-j [-p]] port show\n"
		   "add: create namespace NS with eth0 (ADDR/PLEN, or the next free address)\n"
		   "     and a default route via the gateway, and bridge it.\n"
		   "del: remove the namespace, its veth pair and its forwarding entries.\n");
}

static int port_add(int argc, char **argv)
{
	struct xbr_ns_spec spec;
	struct xbr_bridge br;
	char abuf[INET_ADDRSTRLEN];
	int err;

	if (argc < 2 || argc > 3) {
		pr_warn("port add: expected NS [ADDR/PLEN], try \"xbr port help\"");
		return -EINVAL;
	}
	err = xbr_parse_ns_spec(argv[1], &spec);
	if (err || strchr(argv[1], '=')) {
		pr_warn("namespace \"%s\": %s", argv[1],
			err == -ENAMETOOLONG ? "name longer than 15 characters" :
					       "name must be letters, digits, '_', '-', '.'");
		return -EINVAL;
	}
	if (argc == 3 && xbr_parse_cidr(argv[2], &spec.addr, &spec.plen)) {
		pr_warn("namespace \"%s\": address \"%s\" is not A.B.C.D/PLEN", spec.name, argv[2]);
		return -EINVAL;
	}
	err = br_init(&br, g.bridge);
	if (!err)
		err = br_open(&br);
	if (!err)
		err = br_port_add(&br, &spec);
	if (!err) {
		struct xbr_port p;

		if (br_port_find(&br, spec.name, &p) == 0) {
			inet_ntop(AF_INET, &p.addr, abuf, sizeof(abuf));
			printf("port %s: namespace %s eth0 %s/%u\n", p.ifname, p.netns, abuf, p.plen);
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
	err = br_init(&br, g.bridge);
	if (!err)
		err = br_open(&br);
	if (!err)
		err = br_port_del(&br, argv[1]);
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
