// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr up | down | show */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "datapath.h"
#include "fdb_fmt.h"
#include "log.h"

#define DEFAULT_SUBNET "172.16.0.0/16"
#define DEFAULT_GATEWAY "172.16.1.254"

void usage_up(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] up [--subnet CIDR] [--gateway IP] [--subnet6 CIDR6]\n"
		   "              [--ageing SEC] [--fdb-size N] [--no-icc] [--mode MODE]\n"
		   "              [--neigh-suppress on|off]\n"
		   "              [NS[=ADDR/PLEN]]...\n"
		   "Create the bridge, its gateway interface and one namespace per NS.\n"
		   "  --subnet CIDR   bridge subnet (default " DEFAULT_SUBNET ")\n"
		   "  --gateway IP    gateway address, held by the host interface NAME\n"
		   "                  (default " DEFAULT_GATEWAY ")\n"
		   "  --subnet6 CIDR6 IPv6 prefix (\"none\": IPv4 only; default fd00:A:B:C::/64\n"
		   "                  for the IPv4 subnet A.B.C.x, fd00:172:16:0::/64 here); a\n"
		   "                  station's IPv6 address is the prefix with its IPv4\n"
		   "                  address as the last 32 bits\n"
		   "  --ageing SEC    ageing time of learned entries (default 300)\n"
		   "  --fdb-size N    forwarding table capacity (default 65536)\n"
		   "  --no-icc        no inter-container communication (Docker's icc=false):\n"
		   "                  namespaces reach the gateway but not one another\n"
		   "  --mode MODE     datapath: tc (default), xdp, or auto (picks tc: it is\n"
		   "                  faster for TCP between namespaces); `xbr set mode`\n"
		   "                  switches a live bridge\n"
		   "  --neigh-suppress on|off  the bridge answers ARP requests and neighbour\n"
		   "                  solicitations for stations it knows instead of flooding\n"
		   "                  them (default on; per port: `xbr port set`)\n"
		   "  NS[=ADDR/PLEN]  namespace and its eth0 address; without one, the next\n"
		   "                  free address (default: ns1=172.16.1.1/16 ns2=172.16.1.2/16)\n");
}

void usage_down(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] down\n"
		   "Remove the bridge: namespaces, veth pairs, gateway, pinned maps and programs.\n"
		   "Succeeds when the bridge is already gone.\n");
}

void usage_show(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] [-j [-p]] show\n"
		   "Show the bridge and its ports: ifindex, host-side ifname, namespace,\n"
		   "station MAC and address, port flags.\n");
}

static int opt_value(int argc, char **argv, int *i, const char **val)
{
	if (*i + 1 >= argc) {
		pr_warn("option %s needs a value", argv[*i]);
		return -EINVAL;
	}
	*val = argv[++*i];
	return 0;
}

int do_up(int argc, char **argv)
{
	static const char *const defaults[] = { "ns1=172.16.1.1/16", "ns2=172.16.1.2/16" };
	struct xbr_up_opts o = {
		.ageing_sec = XBR_AGEING_DEFAULT_SEC,
		.fdb_size = XBR_FDB_DEFAULT_SIZE,
	};
	const char *subnet = DEFAULT_SUBNET, *gateway = DEFAULT_GATEWAY, *v;
	const char *subnet6 = NULL;
	char subnet6_buf[64];
	struct xbr_ns_spec *specs;
	struct xbr_bridge br;
	size_t n = 0, i;
	int err, k;

	specs = calloc((size_t)argc + 2, sizeof(*specs));
	if (!specs)
		return -ENOMEM;
	for (k = 1; k < argc; k++) {
		const char *a = argv[k];

		if (!strcmp(a, "--subnet")) {
			if ((err = opt_value(argc, argv, &k, &subnet)))
				goto out;
		} else if (!strcmp(a, "--gateway")) {
			if ((err = opt_value(argc, argv, &k, &gateway)))
				goto out;
		} else if (!strcmp(a, "--no-icc")) {
			o.no_icc = 1;
		} else if (!strcmp(a, "--neigh-suppress")) {
			int on;

			if ((err = opt_value(argc, argv, &k, &v)))
				goto out;
			on = xbr_parse_onoff(v);
			if (on < 0) {
				pr_warn("neigh-suppress \"%s\": not on or off", v);
				err = -EINVAL;
				goto out;
			}
			o.no_neigh_suppress = !on;
		} else if (!strcmp(a, "--subnet6")) {
			if ((err = opt_value(argc, argv, &k, &subnet6)))
				goto out;
		} else if (!strcmp(a, "--ageing")) {
			if ((err = opt_value(argc, argv, &k, &v)))
				goto out;
			if (xbr_parse_u32(v, 1, 1000000, &o.ageing_sec)) {
				pr_warn("ageing \"%s\": not a number of seconds in 1..1000000", v);
				err = -EINVAL;
				goto out;
			}
		} else if (!strcmp(a, "--fdb-size")) {
			if ((err = opt_value(argc, argv, &k, &v)))
				goto out;
			if (xbr_parse_u32(v, 16, 16777216, &o.fdb_size)) {
				pr_warn("fdb-size \"%s\": not a number in 16..16777216", v);
				err = -EINVAL;
				goto out;
			}
		} else if (!strcmp(a, "--mode")) {
			int mode, is_auto;

			if ((err = opt_value(argc, argv, &k, &v)))
				goto out;
			if (dp_mode_parse(v, &mode, &is_auto)) {
				pr_warn("mode \"%s\": not tc, xdp or auto", v);
				err = -EINVAL;
				goto out;
			}
			o.mode = (uint8_t)mode;
			if (is_auto)
				pr_info("mode auto: %s (TCP between namespaces is faster on tc)",
					dp_mode_name(mode));
		} else if (a[0] == '-') {
			pr_warn("up: unknown option \"%s\", try \"xbr help up\"", a);
			err = -EINVAL;
			goto out;
		} else {
			err = xbr_parse_ns_spec(a, &specs[n]);
			if (err) {
				pr_warn("namespace \"%s\": %s", a,
					err == -ENAMETOOLONG ?
						"name longer than 15 characters" :
					strchr(a, '=') && !xbr_check_name(specs[n].name) ?
						"address is not A.B.C.D/PLEN" :
						"name must be letters, digits, '_', '-', '.'");
				goto out;
			}
			n++;
		}
	}
	if (xbr_parse_cidr(subnet, &o.subnet, &o.plen) || o.plen < 8 || o.plen > 30) {
		pr_warn("subnet \"%s\": not an IPv4 prefix A.B.C.D/PLEN with PLEN 8..30", subnet);
		err = -EINVAL;
		goto out;
	}
	if (!subnet6) {
		/* The default IPv6 prefix follows the IPv4 subnet: fd00:A:B:C::/64
		 * for A.B.C.x (the octets written as they read), so bridges on
		 * different IPv4 subnets get different IPv6 prefixes. */
		const uint8_t *b = (const uint8_t *)&o.subnet;

		snprintf(subnet6_buf, sizeof(subnet6_buf), "fd00:%u:%u:%u::/64", b[0], b[1], b[2]);
		subnet6 = subnet6_buf;
	}
	if (strcmp(subnet6, "none") &&
	    (xbr_parse_cidr6(subnet6, o.subnet6, &o.plen6) || o.plen6 < 8 || o.plen6 > 96)) {
		pr_warn("subnet6 \"%s\": not an IPv6 prefix X:Y::/PLEN with PLEN 8..96 (or \"none\")",
			subnet6);
		err = -EINVAL;
		goto out;
	}
	if (xbr_parse_ipv4(gateway, &o.gateway)) {
		pr_warn("gateway \"%s\": not an IPv4 address", gateway);
		err = -EINVAL;
		goto out;
	}
	if (n == 0) {
		for (i = 0; i < 2; i++)
			xbr_parse_ns_spec(defaults[i], &specs[n++]);
	}
	o.ns = specs;
	o.nns = n;

	err = br_init(&br, g.bridge);
	if (!err)
		err = br_up(&br, &o);
	if (err == XBR_UP_RELOADED) {
		printf("bridge %s was up: datapath upgraded in place, ports and table kept\n",
		       g.bridge);
		err = 0;
	} else if (!err) {
		printf("bridge %s up: %zu namespace%s, gateway %s on %s\n", g.bridge, n,
		       n == 1 ? "" : "s", gateway, g.bridge);
	}
	br_close(&br);
out:
	free(specs);
	return err;
}

int do_down(int argc, char **argv)
{
	struct xbr_bridge br;
	int err;

	if (argc > 1) {
		pr_warn("down: unexpected argument \"%s\"", argv[1]);
		return -EINVAL;
	}
	err = br_init(&br, g.bridge);
	if (!err)
		err = br_down(&br);
	br_close(&br);
	return err;
}

void usage_reload(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] reload\n"
		   "Load this build's datapath programs and swap them in on every port,\n"
		   "atomically (tc filter replace, XDP program replace), keeping the learned\n"
		   "table, counters, ports and mode. A bridge brought up by an older xbr\n"
		   "whose pinned maps have another layout is migrated live to this build's\n"
		   "layout; one of a newer layout is refused and left as it is. `xbr up` on\n"
		   "a bridge that is up with another build's datapath does the same.\n");
}

int do_reload(int argc, char **argv)
{
	struct xbr_bridge br;
	int err;

	if (argc > 1) {
		pr_warn("reload: unexpected argument \"%s\"", argv[1]);
		return -EINVAL;
	}
	err = br_init(&br, g.bridge);
	if (!err && !br_is_up(&br)) {
		pr_warn("bridge \"%s\" is not up", br.name);
		err = -ENOENT;
	}
	if (!err)
		err = br_reload(&br);
	br_close(&br);
	return err;
}

int do_show(int argc, char **argv)
{
	struct xbr_port *ports = NULL;
	struct xbr_port_meta *meta = NULL;
	struct xbr_bridge br;
	size_t n = 0, i;
	int err;

	if (argc > 1) {
		pr_warn("show: unexpected argument \"%s\"", argv[1]);
		return -EINVAL;
	}
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_ports(&br, &ports, &n);
	if (!err) {
		meta = calloc(n + 1, sizeof(*meta));
		if (!meta)
			err = -ENOMEM;
	}
	for (i = 0; !err && i < n; i++)
		br_port_meta(&br, ports[i].ifindex, &meta[i]);
	if (!err) {
		if (g.json)
			ports_print_json(stdout, br.name, &br.cfg, ports, meta, n, g.pretty);
		else
			ports_print_text(stdout, br.name, &br.cfg, ports, meta, n);
	}
	free(meta);
	free(ports);
	br_close(&br);
	return err;
}
