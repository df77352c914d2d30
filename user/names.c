// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The bridge's names: the pinned maps xbr_names and xbr_rnames, which the
 * datapath answers DNS queries from (bpf/lib/dns.h). See names.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "log.h"
#include "names.h"
#include "parse.h"

const char *names_label_problem(const char *s)
{
	return xbr_dns_label_problem(s);
}

int names_key(const char *s, struct xbr_name_key *k)
{
	size_t i, n = strlen(s);

	if (names_label_problem(s))
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	k->len = (__u8)n;
	for (i = 0; i < n; i++)
		k->label[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
	return 0;
}

void names_domain_set(struct xbr_config *cfg, const char *brname)
{
	struct xbr_name_key k;

	memset(cfg->dns_domain, 0, sizeof(cfg->dns_domain));
	cfg->dns_domain_len = 0;
	if (strlen(brname) > sizeof(cfg->dns_domain) || names_key(brname, &k))
		return; /* no domain: the bridge's names answer as single labels only */
	memcpy(cfg->dns_domain, k.label, k.len);
	cfg->dns_domain_len = k.len;
}

/* The PTR keys of port @p's addresses: [0] IPv4, [1] IPv6 (family 0: none). */
static void rkeys_of(const struct xbr_config *cfg, const struct xbr_port *p,
		     struct xbr_rname_key rk[2])
{
	memset(rk, 0, 2 * sizeof(*rk));
	if (!p->addr)
		return;
	rk[0].family = 4;
	rk[0].addr[0] = p->addr;
	if (cfg->plen6) {
		rk[1].family = 6;
		xbr_port_addr6(cfg, p, (uint8_t *)rk[1].addr);
	}
}

/* A Docker endpoint's port is named too, by its own port name ("d" and 14
 * hex digits of the endpoint ID): its IPv6 address of its own is found
 * through xbr_rnames when the bridge answers a solicitation for it
 * (bpf/lib/neigh.h); Docker's DNS answers the containers' names. */
static int named_kind(const struct xbr_port *p)
{
	return p->kind == XBR_KIND_STATION || p->kind == XBR_KIND_ATTACHED ||
	       p->kind == XBR_KIND_DOCKER;
}

int names_add(int names_fd, int rnames_fd, const struct xbr_config *cfg, const char *brname,
	      const struct xbr_port *p, const char *alias)
{
	struct xbr_name_key k, rv;
	struct xbr_name_val v = {}, old;
	struct xbr_rname_key rk[2];
	const char *name = alias ? alias : p->name;
	int i;

	if (names_fd < 0 || rnames_fd < 0)
		return 0; /* a bridge of an older layout, not yet reloaded */
	if (!alias && (!named_kind(p) || names_key(name, &k)))
		return 0;
	if (alias && names_key(name, &k)) {
		pr_warn("name \"%s\": %s", name, names_label_problem(name));
		return -EINVAL;
	}
	if (bpf_map_lookup_elem(names_fd, &k, &old) == 0) {
		if (old.ifindex == p->ifindex)
			return 0; /* already its name */
		pr_warn("name \"%s\": already a name on bridge \"%s\" (of another port); names are unique per bridge",
			name, brname);
		return -EEXIST;
	}
	v.ifindex = p->ifindex;
	v.flags = alias ? XBR_NAME_F_ALIAS : 0;
	v.addr = p->addr;
	if (p->addr && cfg->plen6)
		xbr_port_addr6(cfg, p, (uint8_t *)v.addr6);
	if (bpf_map_update_elem(names_fd, &k, &v, BPF_NOEXIST) < 0) {
		int err = -errno;

		pr_warn("name \"%s\": cannot record it: %s", name, strerror(-err));
		return err;
	}
	/* PTR: the port's own name, or the first alias of a port without one. */
	rkeys_of(cfg, p, rk);
	for (i = 0; i < 2; i++) {
		if (!rk[i].family)
			continue;
		if (alias && bpf_map_lookup_elem(rnames_fd, &rk[i], &rv) == 0)
			continue;
		bpf_map_update_elem(rnames_fd, &rk[i], &k, BPF_ANY);
	}
	return 0;
}

void names_del(int names_fd, int rnames_fd, const struct xbr_config *cfg, const struct xbr_port *p)
{
	struct xbr_name_key cur, next, *prev = NULL, own;
	struct xbr_name_val v;
	struct xbr_rname_key rk[2];
	struct xbr_name_key *dead = NULL;
	size_t n = 0, cap = 0, i;

	if (names_fd < 0 || rnames_fd < 0)
		return;
	/* Its own name, by key: a port del costs no walk of the table... */
	if (named_kind(p) && names_key(p->name, &own) == 0 &&
	    bpf_map_lookup_elem(names_fd, &own, &v) == 0 && v.ifindex == p->ifindex)
		bpf_map_delete_elem(names_fd, &own);
	/* ...unless it has aliases. Collect first: deleting while walking a
	 * hash map restarts the walk. */
	while ((p->flags & XBR_PORT_F_ALIASED) && bpf_map_get_next_key(names_fd, prev, &next) == 0) {
		cur = next;
		prev = &cur;
		if (bpf_map_lookup_elem(names_fd, &cur, &v) < 0 || v.ifindex != p->ifindex)
			continue;
		if (n == cap) {
			struct xbr_name_key *t = realloc(dead, (cap = cap ? 2 * cap : 8) * sizeof(*t));

			if (!t)
				break;
			dead = t;
		}
		dead[n++] = cur;
	}
	for (i = 0; i < n; i++)
		bpf_map_delete_elem(names_fd, &dead[i]);
	free(dead);
	rkeys_of(cfg, p, rk);
	for (i = 0; i < 2; i++)
		if (rk[i].family)
			bpf_map_delete_elem(rnames_fd, &rk[i]);
}

int names_fill(int names_fd, int rnames_fd, int ports_fd, const struct xbr_config *cfg,
	       const char *brname)
{
	__u32 k, next, *prev = NULL;
	struct xbr_port p;
	int err;

	while (bpf_map_get_next_key(ports_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(ports_fd, &k, &p) < 0)
			continue;
		err = names_add(names_fd, rnames_fd, cfg, brname, &p, NULL);
		if (err && err != -EEXIST)
			return err;
	}
	return 0;
}

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct xbr_name_ent *)a)->name, ((const struct xbr_name_ent *)b)->name);
}

int names_list(int names_fd, struct xbr_name_ent **out, size_t *n)
{
	struct xbr_name_key cur, next, *prev = NULL;
	struct xbr_name_ent *v = NULL, *t;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (names_fd < 0)
		return 0;
	while (bpf_map_get_next_key(names_fd, prev, &next) == 0) {
		cur = next;
		prev = &cur;
		if (*n == cap) {
			t = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*t));
			if (!t) {
				free(v);
				return -ENOMEM;
			}
			v = t;
		}
		if (bpf_map_lookup_elem(names_fd, &cur, &v[*n].v) < 0)
			continue;
		memcpy(v[*n].name, cur.label, cur.len <= XBR_DNS_LABEL_MAX ? cur.len : XBR_DNS_LABEL_MAX);
		v[*n].name[cur.len <= XBR_DNS_LABEL_MAX ? cur.len : XBR_DNS_LABEL_MAX] = '\0';
		(*n)++;
	}
	if (*n)
		qsort(v, *n, sizeof(*v), ent_cmp);
	*out = v;
	return 0;
}
