// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Published ports (see publish.h): the DNAT rules in the bridge's nf_tables
 * table, read back from it and written in one batch each. The pure part
 * (parsing, text forms, comments) is publish_parse.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <nftables/libnftables.h>
#include "log.h"
#include "nat.h"
#include "parse.h"
#include "port.h"
#include "publish.h"

/* ---- the rules ---- */

struct pub_rule {
	struct xbr_pub p;
	char table[64];
	char chain[16];
	unsigned long long handle;
};

struct pub_rules {
	struct pub_rule *v;
	size_t n, cap;
};

/*
 * Collect the publication rules out of `list table` output (with handles).
 * Lines can be long (a shifted range's map), so they are read in place.
 */
static int rules_parse(const char *out, struct pub_rules *r)
{
	char table[64] = "", chain[16] = "", comment[256];
	const char *p, *nl, *c, *h;

	for (p = out; p && *p; p = nl) {
		nl = strchr(p, '\n');
		nl = nl ? nl + 1 : p + strlen(p);
		if (sscanf(p, "table inet %63s", table) == 1 || sscanf(p, " chain %15s", chain) == 1)
			continue;
		c = strstr(p, "comment \"" XBR_PUB_TAG " ");
		if (!c || c >= nl || (strcmp(chain, XBR_PUB_CHAIN) && strcmp(chain, XBR_PUB_LO_CHAIN)))
			continue;
		h = strstr(c, "# handle ");
		if (!h || h >= nl)
			continue;
		c += strlen("comment \"");
		snprintf(comment, sizeof(comment), "%.*s", (int)strcspn(c, "\"\n"), c);
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 16;
			struct pub_rule *v = realloc(r->v, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			r->v = v;
			r->cap = cap;
		}
		if (pub_from_comment(comment, &r->v[r->n].p))
			continue; /* not ours to read: left alone */
		snprintf(r->v[r->n].table, sizeof(r->v[0].table), "%s", table);
		snprintf(r->v[r->n].chain, sizeof(r->v[0].chain), "%s", chain);
		r->v[r->n].handle = strtoull(h + strlen("# handle "), NULL, 10);
		r->n++;
	}
	return 0;
}

/* Publication rules of the table @only ("" : of every xbr table). */
static int rules_read(const char *only, struct pub_rules *r)
{
	char err[256], name[64];
	char *out = NULL, *script = NULL;
	const char *p;
	size_t len = 0;
	FILE *f;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = nat_nft("list tables inet", 0, &out, err, sizeof(err));
	if (rc) {
		pr_warn("publish: cannot list nf_tables tables: %s", err);
		return rc;
	}
	f = open_memstream(&script, &len);
	if (!f) {
		free(out);
		return -ENOMEM;
	}
	for (p = out; p && (p = strstr(p, "table inet xbr-")); p++) {
		if (p != out && p[-1] != '\n')
			continue;
		if (sscanf(p, "table inet %63s", name) == 1 && (!*only || !strcmp(name, only)))
			fprintf(f, "list table inet %s\n", name);
	}
	free(out);
	out = NULL;
	if (fclose(f)) {
		free(script);
		return -ENOMEM;
	}
	if (len) {
		rc = nat_nft(script, NFT_CTX_OUTPUT_HANDLE | NFT_CTX_OUTPUT_NUMERIC_ALL, &out, err,
			     sizeof(err));
		if (rc)
			pr_warn("publish: cannot read nf_tables table: %s", err);
		else
			rc = rules_parse(out, r);
	}
	free(script);
	free(out);
	if (rc) {
		free(r->v);
		r->v = NULL;
		r->n = 0;
	}
	return rc;
}

/* Delete the rules of r->v[] selected by @sel (all when NULL) in one batch. */
static int rules_delete(const struct pub_rules *r, const char *table,
			int (*sel)(const struct xbr_pub *p, const void *arg), const void *arg)
{
	char err[256];
	char *script = NULL;
	size_t len = 0, i, n = 0;
	FILE *f = open_memstream(&script, &len);
	int rc = 0;

	if (!f)
		return -ENOMEM;
	for (i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].table, table) || (sel && !sel(&r->v[i].p, arg)))
			continue;
		fprintf(f, "delete rule inet %s %s handle %llu\n", table, r->v[i].chain,
			r->v[i].handle);
		n++;
	}
	if (fclose(f)) {
		free(script);
		return -ENOMEM;
	}
	if (n)
		rc = nat_nft(script, 0, NULL, err, sizeof(err));
	free(script);
	if (rc)
		pr_warn("publish: cannot delete rules from table inet %s: %s", table, err);
	return rc;
}

static int pub_cmp(const void *a, const void *b)
{
	const struct xbr_pub *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

static int same_pub(const struct xbr_pub *a, const struct xbr_pub *b)
{
	return a->proto == b->proto && a->family == b->family && !memcmp(a->addr, b->addr, 16) &&
	       a->port == b->port && a->port_end == b->port_end;
}

int pub_list(struct xbr_bridge *br, struct xbr_pub **out, size_t *n)
{
	struct pub_rules r;
	struct xbr_pub *v;
	char t[64];
	size_t i, k;
	int rc;

	*out = NULL;
	*n = 0;
	nat_table_name(br->name, t, sizeof(t));
	rc = rules_read(t, &r);
	if (rc)
		return rc;
	v = calloc(r.n + 1, sizeof(*v));
	if (!v) {
		free(r.v);
		return -ENOMEM;
	}
	for (i = 0; i < r.n; i++) {
		for (k = 0; k < *n && !same_pub(&v[k], &r.v[i].p); k++)
			;
		if (k == *n)
			v[(*n)++] = r.v[i].p;
		v[k].rules++;
	}
	free(r.v);
	qsort(v, *n, sizeof(*v), pub_cmp);
	*out = v;
	return 0;
}

/*
 * Is the host side usable: a local address (or every one), with no program
 * of the host listening on one of the ports (the translation would take its
 * connections away)? Asked the kernel by binding each port once.
 */
static int host_side_check(const struct xbr_pub *p)
{
	char host[80];
	int fam, port, rc = 0;

	pub_format_host(p, host, sizeof(host));
	for (fam = AF_INET; fam && !rc; fam = fam == AF_INET ? AF_INET6 : 0) {
		if (p->family != AF_UNSPEC && p->family != fam)
			continue;
		for (port = p->port; port <= p->port_end && !rc; port++) {
			struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
			struct sockaddr_in s4 = { .sin_family = AF_INET };
			int one = 1, s, e = 0;

			s = socket(fam, (p->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
			if (s < 0) {
				if (fam == AF_INET6 && p->family == AF_UNSPEC)
					break; /* no IPv6 on this host */
				return -errno;
			}
			/* TCP: TIME_WAIT leftovers are no conflict, listeners are. */
			if (p->proto == IPPROTO_TCP)
				setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (fam == AF_INET6) {
				setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
				if (p->family == AF_INET6)
					memcpy(&s6.sin6_addr, p->addr, 16);
				s6.sin6_port = htons((uint16_t)port);
				if (bind(s, (struct sockaddr *)&s6, sizeof(s6)) < 0)
					e = errno;
			} else {
				if (p->family == AF_INET)
					memcpy(&s4.sin_addr, p->addr, 4);
				s4.sin_port = htons((uint16_t)port);
				if (bind(s, (struct sockaddr *)&s4, sizeof(s4)) < 0)
					e = errno;
			}
			close(s);
			if (e == EADDRNOTAVAIL) {
				pr_warn("publish %s: the host address is not an address of this host",
					host);
				rc = -EADDRNOTAVAIL;
			} else if (e == EADDRINUSE) {
				pr_warn("publish %s: %s port %d is in use by a program of this host",
					host, pub_proto_name(p), port);
				rc = -EADDRINUSE;
			} else if (e && e != EACCES) {
				pr_warn("publish %s: cannot check the host port: %s", host, strerror(e));
				rc = -e;
			}
		}
	}
	return rc;
}

/* One rule for one family: match, translate, record (the comment). */
static void emit_rule(FILE *f, const char *t, const struct xbr_pub *p, int fam,
		      const uint8_t *dst)
{
	const char *proto = pub_proto_name(p), *ip = fam == AF_INET ? "ip" : "ip6";
	char a[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], comment[160];
	int k;

	pub_comment(p, comment, sizeof(comment));
	inet_ntop(fam, dst, d, sizeof(d));
	fprintf(f, "add rule inet %s %s ", t, pub_is_loopback(p) ? XBR_PUB_LO_CHAIN : XBR_PUB_CHAIN);
	if (pub_addr_any(p)) {
		fprintf(f, "meta nfproto ipv%d ", fam == AF_INET ? 4 : 6);
	} else {
		inet_ntop(fam, p->addr, a, sizeof(a));
		fprintf(f, "%s daddr %s ", ip, a);
	}
	if (p->port == p->port_end)
		fprintf(f, "%s dport %u ", proto, p->port);
	else
		fprintf(f, "%s dport %u-%u ", proto, p->port, p->port_end);
	if (p->sport == p->port) {
		/* The same ports: only the address changes, whatever the range. */
		fprintf(f, "dnat %s to %s", ip, d);
	} else if (p->port == p->port_end) {
		fprintf(f, fam == AF_INET ? "dnat ip to %s:%u" : "dnat ip6 to [%s]:%u", d, p->sport);
	} else {
		/* A shifted range: still one rule, with the port pairs in an
		 * anonymous map (nf_tables' NAT has no port offset). */
		fprintf(f, fam == AF_INET ? "dnat ip to %s : %s dport map { " :
					    "dnat ip6 to [%s] : %s dport map { ",
			d, proto);
		for (k = 0; k <= p->port_end - p->port; k++)
			fprintf(f, "%s%u : %u", k ? ", " : "", p->port + k, p->sport + k);
		fprintf(f, " }");
	}
	fprintf(f, " comment \"%s\"\n", comment);
}

static int sel_station(const struct xbr_pub *p, const void *arg)
{
	return !strcmp(p->station, arg);
}

static int sel_same(const struct xbr_pub *p, const void *arg)
{
	const struct xbr_pub *want = arg;

	return same_pub(p, want) && (!want->station[0] || !strcmp(p->station, want->station));
}

/* Publications whose station is no longer a port (a `port del` killed half-way). */
static void prune_gone(struct xbr_bridge *br, struct pub_rules *r, const char *t)
{
	struct xbr_port port;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].table, t) ||
		    port_find(br, r->v[i].p.station, &port) != -ENOENT)
			continue;
		pr_info("publish: station \"%s\" is gone, removing its publications",
			r->v[i].p.station);
		rules_delete(r, t, sel_station, r->v[i].p.station);
		free(r->v);
		if (rules_read(t, r))
			memset(r, 0, sizeof(*r));
		i = (size_t)-1;
	}
}

int pub_add(struct xbr_bridge *br, const struct xbr_pub *p)
{
	char t[64], err[256], host[80], st[40];
	uint8_t a6[16];
	struct xbr_port port;
	struct pub_rules r = { 0 };
	char *script = NULL;
	size_t len = 0, i;
	FILE *f;
	int rc, nrules = 0;

	pub_format_host(p, host, sizeof(host));
	nat_table_name(br->name, t, sizeof(t));
	if (br->cfg.flags & XBR_CFG_F_INTERNAL) {
		pr_warn("publish %s: bridge \"%s\" is internal (up --internal): nothing enters it",
			host, br->name);
		return -EINVAL;
	}
	if (port_find(br, p->station, &port) || !port.addr) {
		pr_warn("publish %s: station \"%s\" is not a port of bridge \"%s\"", host,
			p->station, br->name);
		return -ENOENT;
	}
	if (p->family == AF_INET6 && !br->cfg.plen6) {
		pr_warn("publish %s: bridge \"%s\" has no IPv6 (up --subnet6 none)", host, br->name);
		return -EINVAL;
	}
	rc = host_side_check(p);
	if (rc)
		return rc;
	/* The fixed chains as the config says (repairs an interrupted command). */
	rc = nat_sync(br);
	if (rc)
		return rc;
	rc = rules_read("", &r);
	if (rc)
		return rc;
	prune_gone(br, &r, t);
	for (i = 0; i < r.n; i++) {
		char other[80];

		if (!pub_overlap(&r.v[i].p, p))
			continue;
		pub_format_host(&r.v[i].p, other, sizeof(other));
		if (!strcmp(r.v[i].table, t)) {
			pub_format_station(&r.v[i].p, st, sizeof(st));
			pr_warn("publish %s: %s %s is already published to %s on bridge \"%s\"",
				host, pub_proto_name(p), other, st, br->name);
		} else
			pr_warn("publish %s: %s %s is already published by bridge \"%s\"", host,
				pub_proto_name(p), other, r.v[i].table + strlen("xbr-"));
		free(r.v);
		return -EADDRINUSE;
	}
	free(r.v);

	f = open_memstream(&script, &len);
	if (!f)
		return -ENOMEM;
	if (p->family != AF_INET6) {
		emit_rule(f, t, p, AF_INET, (const uint8_t *)&port.addr);
		nrules++;
	}
	if (p->family != AF_INET && br->cfg.plen6) {
		xbr_station_addr6(br->cfg.subnet6, br->cfg.plen6, port.addr, a6);
		emit_rule(f, t, p, AF_INET6, a6);
		nrules++;
	}
	if (fclose(f)) {
		free(script);
		return -ENOMEM;
	}
	/* One batch: a killed or failed add leaves every rule of it or none. */
	rc = xbr_fault("publish-add");
	if (rc)
		snprintf(err, sizeof(err), "fault injected");
	else
		rc = nat_nft(script, 0, NULL, err, sizeof(err));
	free(script);
	if (rc) {
		pr_warn("publish %s: cannot add the rule to table inet %s: %s", host, t, err);
		return rc;
	}
	nat_check_forward(br);
	return nrules;
}

int pub_del(struct xbr_bridge *br, const struct xbr_pub *p)
{
	struct pub_rules r;
	char t[64], host[80];
	size_t i;
	int rc, found = 0, n;

	pub_format_host(p, host, sizeof(host));
	nat_table_name(br->name, t, sizeof(t));
	rc = rules_read(t, &r);
	if (rc)
		return rc;
	for (i = 0; i < r.n && !found; i++)
		found = sel_same(&r.v[i].p, p);
	if (!found) {
		pr_warn("publish %s %s%s%s: not published on bridge \"%s\"", pub_proto_name(p),
			host, p->station[0] ? " to station " : "", p->station, br->name);
		free(r.v);
		return -ENOENT;
	}
	for (i = 0, n = 0; i < r.n; i++)
		n += strcmp(r.v[i].table, t) == 0 && sel_same(&r.v[i].p, p);
	rc = rules_delete(&r, t, sel_same, p);
	free(r.v);
	return rc ? rc : n;
}

int pub_del_station(struct xbr_bridge *br, const char *station)
{
	struct pub_rules r;
	char t[64];
	int rc;

	nat_table_name(br->name, t, sizeof(t));
	rc = rules_read(t, &r);
	if (!rc)
		rc = rules_delete(&r, t, sel_station, station);
	free(r.v);
	return rc;
}
