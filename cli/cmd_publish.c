// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr publish { add | del | show }: published ports (user/publish.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "out.h"
#include "log.h"
#include "nat.h"
#include "publish.h"

/*
 * One publication: a line of text ("tcp 8080 -> c1:80"), or an object
 * (@rules: of the ruleset; @missing: 1 when fewer than it takes, -1 when not
 * known).
 */
static void pub_out(struct xbr_out *o, const struct xbr_pub *p, unsigned int rules, int missing)
{
	char host[80], st[40], addr[INET6_ADDRSTRLEN] = "";

	pub_format_host(p, host, sizeof(host));
	pub_format_station(p, st, sizeof(st));
	if (p->family != AF_UNSPEC)
		inet_ntop(p->family, p->addr, addr, sizeof(addr));
	out_open_object(o, NULL);
	out_str(o, OUT_ANY, "proto", "%s", pub_proto_name(p));
	out_text(o, " %s -> %s", host, st);
	out_str(o, OUT_JSON, "host_addr", NULL, addr); /* "": every address of the host */
	out_u64(o, OUT_JSON, "host_port", NULL, p->port);
	out_u64(o, OUT_JSON, "host_port_end", NULL, p->port_end);
	out_str(o, OUT_JSON, "station", NULL, p->station);
	out_u64(o, OUT_JSON, "station_port", NULL, p->sport);
	out_u64(o, OUT_JSON, "station_port_end", NULL, p->sport_end);
	out_bool(o, OUT_JSON, "host_only", NULL, pub_is_loopback(p));
	if (pub_is_loopback(p))
		out_text(o, " host-only");
	out_u64(o, OUT_JSON, "rules", NULL, rules);
	if (missing >= 0)
		out_str(o, OUT_JSON, "state", NULL, missing ? "missing" : "ok");
	if (missing == 1)
		out_text(o, " (rules missing: run xbr restore)");
	out_text(o, "\n");
	out_close_object(o);
}

static int publish_show(const struct xbr_args *a)
{
	struct xbr_pub *v = NULL;
	struct xbr_bridge *br = NULL;
	struct xbr_out o;
	size_t n = 0, i;
	int err;

	(void)a;
	err = cmd_open_bridge(&br);
	if (!err)
		err = pub_list(br, &v, &n);
	if (!err) {
		/* The record, and whether the ruleset still holds each one's rules. */
		out_start(&o, stdout, g.json, g.pretty);
		out_open_array(&o, NULL);
		for (i = 0; i < n; i++)
			pub_out(&o, &v[i], v[i].rules, v[i].rules < pub_rules_expected(br, &v[i]));
		out_close_array(&o);
		out_end(&o);
	}
	free(v);
	br_close(br);
	return err;
}

/* add and del: the words after the command's name, then the bridge. */
static int publish_change(const struct xbr_args *a, int add)
{
	struct xbr_bridge *br = NULL;
	struct xbr_pub p;
	char err[256];
	int rc;

	rc = pub_parse(a->npos, a->pos, add, &p, err, sizeof(err));
	if (rc) {
		pr_warn("%s: %s", a->path, err);
		return rc;
	}
	rc = cmd_open_bridge(&br);
	if (!rc) {
		pub_default_addr(br_config(br), &p);
		rc = add ? nat_pub_add(br, &p) : nat_pub_del(br, &p);
	}
	br_close(br);
	if (rc < 0)
		return rc;
	if (g.json) {
		struct xbr_out o;

		out_start(&o, stdout, true, g.pretty);
		pub_out(&o, &p, (unsigned int)rc, -1);
		out_end(&o);
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
