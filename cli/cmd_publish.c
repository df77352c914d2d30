// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr publish { add | del | show }: published ports (user/publish.c). */
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

/*
 * One publication: a text line, or a JSON object (@rules: of the ruleset;
 * @missing: 1 when fewer than it takes, -1 when not known).
 */
static void pub_print(struct xbr_json *j, const struct xbr_pub *p, unsigned int rules,
		      int missing)
{
	char host[80], st[40], addr[INET6_ADDRSTRLEN] = "";

	pub_format_host(p, host, sizeof(host));
	pub_format_station(p, st, sizeof(st));
	if (!j) {
		printf("%s %s -> %s%s%s\n", pub_proto_name(p), host, st,
		       pub_is_loopback(p) ? " host-only" : "",
		       missing == 1 ? " (rules missing: run xbr restore)" : "");
		return;
	}
	if (p->family != AF_UNSPEC)
		inet_ntop(p->family, p->addr, addr, sizeof(addr));
	jw_open_object(j);
	jw_kv_string(j, "proto", pub_proto_name(p));
	jw_kv_string(j, "host_addr", addr); /* "": every address of the host */
	jw_kv_uint(j, "host_port", p->port);
	jw_kv_uint(j, "host_port_end", p->port_end);
	jw_kv_string(j, "station", p->station);
	jw_kv_uint(j, "station_port", p->sport);
	jw_kv_uint(j, "station_port_end", p->sport_end);
	jw_kv_bool(j, "host_only", pub_is_loopback(p));
	jw_kv_uint(j, "rules", rules);
	if (missing >= 0)
		jw_kv_string(j, "state", missing ? "missing" : "ok");
	jw_close_object(j);
}

static int publish_show(const struct xbr_args *a)
{
	struct xbr_pub *v = NULL;
	struct xbr_bridge br;
	struct xbr_json j;
	size_t n = 0, i;
	int err;

	(void)a;
	err = cmd_open_bridge(&br);
	if (!err)
		err = pub_list(&br, &v, &n);
	if (!err) {
		if (g.json) {
			jw_init(&j, stdout, g.pretty);
			jw_open_array(&j);
		}
		/* The record, and whether the ruleset still holds each one's rules. */
		for (i = 0; i < n; i++)
			pub_print(g.json ? &j : NULL, &v[i], v[i].rules,
				  v[i].rules < pub_rules_expected(&br, &v[i]));
		if (g.json) {
			jw_close_array(&j);
			jw_finish(&j);
		}
	}
	free(v);
	br_close(&br);
	return err;
}

/* add and del: the words after the command's name, then the bridge. */
static int publish_change(const struct xbr_args *a, int add)
{
	struct xbr_bridge br;
	struct xbr_pub p;
	struct xbr_json j;
	char err[256];
	int rc;

	rc = pub_parse(a->npos, a->pos, add, &p, err, sizeof(err));
	if (rc) {
		pr_warn("%s: %s", a->path, err);
		return rc;
	}
	rc = cmd_open_bridge(&br);
	if (!rc)
		rc = add ? nat_pub_add(&br, &p) : nat_pub_del(&br, &p);
	br_close(&br);
	if (rc < 0)
		return rc;
	if (g.json) {
		jw_init(&j, stdout, g.pretty);
		pub_print(&j, &p, (unsigned int)rc, -1);
		jw_finish(&j);
	} else {
		char host[80], st[40];

		pub_format_host(&p, host, sizeof(host));
		pub_format_station(&p, st, sizeof(st));
		if (add)
			printf("published %s %s -> %s\n", pub_proto_name(&p), host, st);
		else
			printf("unpublished %s %s\n", pub_proto_name(&p), host);
	}
	return 0;
}

static int publish_add(const struct xbr_args *a)
{
	return publish_change(a, 1);
}

static int publish_del(const struct xbr_args *a)
{
	return publish_change(a, 0);
}

const struct xbr_cmd xbr_publish_cmds[] = {
	{ .name = "show", .alias = "list", .summary = "the publications and the rules each takes",
	  .help = "Read from the bridge's record (pinned), not from the ruleset; one whose\n"
		  "rules the ruleset lacks (flushed) is marked \"rules missing: run xbr\n"
		  "restore\" (JSON: \"state\": \"missing\").",
	  .fn = publish_show, .flags = XBR_CMD_JSON },
	{ .name = "add", .args = "[HOSTADDR:]PORT[-PORT] STATION[:PORT[-PORT]] [tcp|udp]",
	  .min_args = 2, .max_args = 3,
	  .summary = "connections to the host's PORT go to STATION's (one rule, no proxy)",
	  .help = "HOSTADDR: A.B.C.D or [IPv6] (default every address of the host, IPv4\n"
		  "and IPv6; 0.0.0.0 or [::] every one of a family; 127.0.0.1: from the\n"
		  "host only). STATION's ports default to the host's. A range is one DNAT\n"
		  "rule per family. Stations reach it through the host too (hairpin).",
	  .fn = publish_add, .flags = XBR_CMD_JSON },
	{ .name = "del", .alias = "delete", .args = "[HOSTADDR:]PORT[-PORT] [STATION] [tcp|udp]",
	  .min_args = 1, .max_args = 3, .summary = "remove the publication of that host side",
	  .fn = publish_del, .flags = XBR_CMD_JSON },
	{ .name = NULL },
};
