// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Published ports (see publish.h): the record (pinned map xbr_pubs) and the
 * DNAT rules built from it in the bridge's nf_tables table, rebuilt in one
 * batch by the table's owner (nat.c, nat_sync()) at every change. The pure part (parsing, text forms,
 * comments, the record's encoding) is publish_parse.c.
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
#include <dirent.h>
#include <limits.h>
#include <bpf/bpf.h>
#include <nftables/libnftables.h>
#include "log.h"
#include "nft.h"
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
	rc = nft_run("list tables inet", 0, &out, err, sizeof(err));
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
		rc = nft_run(script, NFT_CTX_OUTPUT_HANDLE | NFT_CTX_OUTPUT_NUMERIC_ALL, &out, err,
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

/* ---- the record (pinned map xbr_pubs) ---- */

/* Every valid record of map @fd; caller frees *out. */
static int rec_read_fd(int fd, struct pub_rec_ent **out, size_t *n)
{
	__u32 k, next, *prev = NULL;
	struct xbr_pub_rec r;
	struct pub_rec_ent *v = NULL, *nv;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &r) < 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		if (pub_from_rec(&r, &v[*n].p))
			continue; /* not a record this build can read: left alone */
		v[*n].id = k;
		(*n)++;
	}
	*out = v;
	return 0;
}

static int rec_read(struct xbr_bridge *br, struct pub_rec_ent **out, size_t *n)
{
	int rc = rec_read_fd(br->map[XBR_M_PUBS], out, n);

	if (rc)
		pr_warn("bridge \"%s\": cannot read its publications: %s", br->name, strerror(-rc));
	return rc;
}

/* Record @p in a free slot of map @fd (its number in *id). */
static int rec_write(int fd, const struct xbr_pub *p, __u32 *id)
{
	struct xbr_pub_rec r;
	__u32 k;

	pub_to_rec(p, &r);
	for (k = 0; k < XBR_MAX_PUBS; k++) {
		if (bpf_map_update_elem(fd, &k, &r, BPF_NOEXIST) == 0) {
			*id = k;
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -ENOSPC;
}

static int rec_put_back(int fd, const struct pub_rec_ent *e)
{
	struct xbr_pub_rec r;

	pub_to_rec(&e->p, &r);
	return bpf_map_update_elem(fd, &e->id, &r, BPF_ANY) < 0 ? -errno : 0;
}

static int same_target(const struct xbr_pub *a, const struct xbr_pub *b)
{
	return same_pub(a, b) && !strcmp(a->station, b->station) && a->sport == b->sport &&
	       a->sport_end == b->sport_end;
}

unsigned int pub_rules_expected(const struct xbr_bridge *br, const struct xbr_pub *p)
{
	if (p->family == AF_UNSPEC)
		return br->cfg.plen6 ? 2 : 1;
	return 1;
}

int pub_list(struct xbr_bridge *br, struct xbr_pub **out, size_t *n)
{
	struct pub_rules r = { 0 };
	struct pub_rec_ent *e = NULL;
	struct xbr_pub *v;
	char t[64];
	size_t i, k, ne = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = rec_read(br, &e, &ne);
	if (rc)
		return rc;
	v = calloc(ne + 1, sizeof(*v));
	if (!v) {
		free(e);
		return -ENOMEM;
	}
	/* How many of each one's rules the ruleset holds now (the table may
	 * have been flushed: then none, and `xbr show` says so). */
	nft_table_name(br->name, t, sizeof(t));
	if (rules_read(t, &r))
		memset(&r, 0, sizeof(r));
	for (i = 0; i < ne; i++) {
		v[i] = e[i].p;
		v[i].rules = 0;
		for (k = 0; k < r.n; k++)
			v[i].rules += same_target(&r.v[k].p, &v[i]);
	}
	*n = ne;
	free(r.v);
	free(e);
	qsort(v, *n, sizeof(*v), pub_cmp);
	*out = v;
	return 0;
}

int pub_record_from_rules(struct xbr_bridge *br, int fd)
{
	struct pub_rules r;
	char t[64];
	size_t i, k;
	__u32 id;
	int rc, n = 0;

	nft_table_name(br->name, t, sizeof(t));
	rc = rules_read(t, &r);
	if (rc)
		return rc;
	for (i = 0; i < r.n && !rc; i++) {
		for (k = 0; k < i && !same_target(&r.v[k].p, &r.v[i].p); k++)
			;
		if (k < i)
			continue; /* the other family's rule of one publication */
		rc = rec_write(fd, &r.v[i].p, &id);
		n += !rc;
	}
	free(r.v);
	if (rc)
		pr_warn("bridge \"%s\": cannot record its publications: %s", br->name,
			strerror(-rc));
	return rc ? rc : n;
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

/* Take out of the record the publications whose station is no longer a
 * port (a `port del` killed half-way); the next rebuild drops their rules. */
static void prune_gone(struct xbr_bridge *br, struct pub_rec_ent *e, size_t *n)
{
	struct xbr_port port;
	size_t i, k;

	for (i = 0, k = 0; i < *n; i++) {
		if (port_find(br, e[i].p.station, &port) == -ENOENT) {
			pr_info("publish: station \"%s\" is gone, removing its publications",
				e[i].p.station);
			bpf_map_delete_elem(br->map[XBR_M_PUBS], &e[i].id);
			continue;
		}
		e[k++] = e[i];
	}
	*n = k;
}

int pub_emit_all(FILE *f, struct xbr_bridge *br, const char *t, int prune)
{
	struct pub_rec_ent *e = NULL;
	struct xbr_port port;
	uint8_t a6[16];
	size_t i, n = 0;
	int rc, done = 0;

	rc = rec_read(br, &e, &n);
	if (rc)
		return rc;
	if (prune)
		prune_gone(br, e, &n);
	for (i = 0; i < n; i++) {
		if (port_find(br, e[i].p.station, &port) || !port.addr)
			continue;
		if (e[i].p.family != AF_INET6)
			emit_rule(f, t, &e[i].p, AF_INET, (const uint8_t *)&port.addr);
		if (e[i].p.family != AF_INET && br->cfg.plen6) {
			xbr_port_addr6(&br->cfg, &port, a6);
			emit_rule(f, t, &e[i].p, AF_INET6, a6);
		}
		done++;
	}
	free(e);
	return done;
}

/* Is @p claimed by a publication of another bridge (its record, or the
 * rules of its table for a bridge of an older layout)? One line if so. */
static int other_bridges_overlap(struct xbr_bridge *br, const struct xbr_pub *p,
				 const char *host)
{
	char path[PATH_MAX], other[80];
	struct pub_rules r;
	struct pub_rec_ent *e;
	struct dirent *de;
	size_t i, n;
	int fd, rc = 0;
	DIR *d;

	if (rules_read("", &r) == 0) {
		for (i = 0; i < r.n && !rc; i++) {
			if (!strncmp(r.v[i].table, "xbr-", 4) &&
			    strcmp(r.v[i].table + 4, br->name) && pub_overlap(&r.v[i].p, p)) {
				pub_format_host(&r.v[i].p, other, sizeof(other));
				pr_warn("publish %s: %s %s is already published by bridge \"%s\"",
					host, pub_proto_name(p), other, r.v[i].table + 4);
				rc = -EADDRINUSE;
			}
		}
		free(r.v);
	}
	d = opendir(XBR_PIN_ROOT);
	while (d && !rc && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, br->name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/xbr_pubs", XBR_PIN_ROOT, de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (rec_read_fd(fd, &e, &n) == 0) {
			for (i = 0; i < n && !rc; i++) {
				if (!pub_overlap(&e[i].p, p))
					continue;
				pub_format_host(&e[i].p, other, sizeof(other));
				pr_warn("publish %s: %s %s is already published by bridge \"%s\"",
					host, pub_proto_name(p), other, de->d_name);
				rc = -EADDRINUSE;
			}
			free(e);
		}
		close(fd);
	}
	if (d)
		closedir(d);
	return rc;
}

int pub_record_add(struct xbr_bridge *br, const struct xbr_pub *p, __u32 *id)
{
	char host[80], st[40], other[80];
	struct xbr_port port;
	struct pub_rec_ent *e = NULL;
	size_t i, n = 0;
	int rc;

	pub_format_host(p, host, sizeof(host));
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
	rc = rec_read(br, &e, &n);
	if (rc)
		return rc;
	prune_gone(br, e, &n);
	for (i = 0; i < n; i++) {
		if (same_target(&e[i].p, p)) {
			free(e);
			return 1;
		}
		if (!pub_overlap(&e[i].p, p))
			continue;
		pub_format_host(&e[i].p, other, sizeof(other));
		pub_format_station(&e[i].p, st, sizeof(st));
		pr_warn("publish %s: %s %s is already published to %s on bridge \"%s\"", host,
			pub_proto_name(p), other, st, br->name);
		free(e);
		return -EADDRINUSE;
	}
	free(e);
	rc = host_side_check(p);
	if (!rc)
		rc = other_bridges_overlap(br, p, host);
	if (rc)
		return rc;
	rc = rec_write(br->map[XBR_M_PUBS], p, id);
	if (rc) {
		if (rc == -ENOSPC)
			pr_warn("publish %s: bridge \"%s\" has %d publications, the most it records",
				host, br->name, XBR_MAX_PUBS);
		else
			pr_warn("publish %s: cannot record it: %s", host, strerror(-rc));
	}
	return rc;
}

void pub_record_drop(struct xbr_bridge *br, __u32 id)
{
	bpf_map_delete_elem(br->map[XBR_M_PUBS], &id);
}

static int sel_taken(const struct xbr_pub *p, const struct xbr_pub *match, const char *station)
{
	if (!match)
		return !strcmp(p->station, station);
	return same_pub(p, match) && (!match->station[0] || !strcmp(p->station, match->station));
}

int pub_record_take(struct xbr_bridge *br, const struct xbr_pub *match, const char *station,
		    struct pub_taken *t)
{
	struct pub_rec_ent *e = NULL;
	size_t i, n = 0;
	int rc, rules = 0;

	t->e = NULL;
	t->n = 0;
	rc = rec_read(br, &e, &n);
	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		if (!sel_taken(&e[i].p, match, station))
			continue;
		rules += (int)pub_rules_expected(br, &e[i].p);
		bpf_map_delete_elem(br->map[XBR_M_PUBS], &e[i].id);
		e[t->n++] = e[i];
	}
	t->e = e;
	return rules;
}

void pub_record_put_back(struct xbr_bridge *br, const struct pub_taken *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		rec_put_back(br->map[XBR_M_PUBS], &t->e[i]);
}
