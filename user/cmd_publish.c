// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr publish add | del | show: published ports (user/publish.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "json.h"
#include "log.h"
#include "nat.h"
#include "publish.h"

void usage_publish(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] publish add [HOSTADDR:]PORT[-PORT] STATION[:PORT[-PORT]] [tcp|udp]\n"
		   "       xbr [-b NAME] publish del [HOSTADDR:]PORT[-PORT] [STATION] [tcp|udp]\n"
		   "       xbr [-b NAME] [-j [-p]] publish show\n"
		   "add: connections to the host's PORT (on HOSTADDR, default every address of\n"
		   "     the host, IPv4 and IPv6) go to STATION's PORT (default the same), by\n"
		   "     one DNAT rule per address family in the bridge's nf_tables table; no\n"
		   "     proxy process. A range is one rule. HOSTADDR is A.B.C.D or [IPv6];\n"
		   "     0.0.0.0 or [::] is every address of one family; a loopback address\n"
		   "     (127.0.0.1) is reachable from the host only. Stations reach published\n"
		   "     ports through the host's addresses too (hairpin). Default tcp.\n"
		   "del: remove the publication of that host side.\n"
		   "show: the publications, with the number of rules each takes.\n");
}

static int publish_show(struct xbr_bridge *br)
{
	struct xbr_pub *v = NULL;
	char host[80], st[40];
	struct xbr_json j;
	size_t n = 0, i;
	int err = pub_list(br, &v, &n);

	if (err)
		return err;
	if (g.json) {
		json_init(&j, stdout, g.pretty);
		json_open_array(&j);
	}
	for (i = 0; i < n; i++) {
		char addr[INET6_ADDRSTRLEN] = "";

		pub_format_host(&v[i], host, sizeof(host));
		pub_format_station(&v[i], st, sizeof(st));
		if (!g.json) {
			printf("%s %s -> %s%s\n", pub_proto_name(&v[i]), host, st,
			       pub_is_loopback(&v[i]) ? " host-only" : "");
			continue;
		}
		if (v[i].family != AF_UNSPEC)
			inet_ntop(v[i].family, v[i].addr, addr, sizeof(addr));
		json_open_object(&j);
		json_kv_string(&j, "proto", pub_proto_name(&v[i]));
		json_kv_string(&j, "host_addr", addr); /* "" : every address */
		json_kv_uint(&j, "host_port", v[i].port);
		json_kv_uint(&j, "host_port_end", v[i].port_end);
		json_kv_string(&j, "station", v[i].station);
		json_kv_uint(&j, "station_port", v[i].sport);
		json_kv_uint(&j, "station_port_end", v[i].sport_end);
		json_kv_bool(&j, "host_only", pub_is_loopback(&v[i]));
		json_kv_uint(&j, "rules", v[i].rules);
		json_close_object(&j);
	}
	if (g.json) {
		json_close_array(&j);
		json_finish(&j);
	}
	free(v);
	return 0;
}

int do_publish(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "show";
	struct xbr_bridge br;
	struct xbr_pub p;
	char err[256];
	int rc, add = 0, del = 0;

	if (xbr_matches(sub, "add"))
		add = 1;
	else if (xbr_matches(sub, "del") || !strcmp(sub, "delete"))
		del = 1;
	else if (xbr_matches(sub, "help")) {
		usage_publish(stdout);
		return 0;
	} else if (!xbr_matches(sub, "show") && !xbr_matches(sub, "list")) {
		pr_warn("publish: unknown command \"%s\", try \"xbr publish help\"", sub);
		return -EINVAL;
	}
	if (add || del) {
		rc = pub_parse(argc - 2, argv + 2, add, &p, err, sizeof(err));
		if (rc) {
			pr_warn("publish %s: %s", add ? "add" : "del", err);
			return rc;
		}
	} else if (argc > 2) {
		pr_warn("publish show: unexpected argument \"%s\"", argv[2]);
		return -EINVAL;
	}
	rc = cmd_open_bridge(&br);
	if (!rc)
		rc = add ? pub_add(&br, &p) : del ? pub_del(&br, &p) : publish_show(&br);
	br_close(&br);
	return rc;
}
