// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Live migration of pinned maps between layouts (see migrate.h for the
 * sequence). Each map whose shape changed has one conversion per older
 * layout in convs[]; a map whose key and value kept their size (only its
 * capacity grew) is copied as it is; the XDP devmaps are derived from the
 * port table by the datapath and need no copy. A map new in a layout starts
 * empty, except xbr_pubs (layout 3), filled from the bridge's ruleset.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "layout_v1.h"
#include "names.h"
#include "log.h"
#include "migrate.h"
#include "netns.h"
#include "publish.h"

struct map_shape {
	__u32 type, key_size, value_size, max_entries;
};

/* Convert one value (one CPU's, for per-CPU maps). @key may be rewritten. */
typedef void (*conv_fn)(struct xbr_bridge *br, void *key, const void *ov, void *nv);

struct conv {
	int map; /* XBR_M_* */
	__u32 from; /* the layout it converts from */
	conv_fn fn; /* NULL: derived (the datapath rebuilds it from the port table) */
};

/* ---- layout 1 -> 2 ---- */

static void fdb_v1(struct xbr_bridge *br, void *key, const void *ov, void *nv)
{
	const struct xbr_v1_fdb_val *o = ov;
	struct xbr_fdb_val *n = nv;

	(void)br;
	(void)key;
	memset(n, 0, sizeof(*n));
	n->ifindex = o->ifindex;
	n->flags = o->flags;
	n->updated_ns = o->updated_ns;
}

static void port_v1(struct xbr_bridge *br, void *key, const void *ov, void *nv)
{
	const struct xbr_v1_port *o = ov;
	struct xbr_port *n = nv;

	(void)br;
	(void)key;
	memset(n, 0, sizeof(*n));
	n->ifindex = o->ifindex;
	n->flags = o->flags;
	n->max_learned = o->max_learned;
	n->slot = o->slot;
	memcpy(n->mac, o->mac, 6);
	n->plen = o->plen;
	n->kind = (o->flags & XBR_PORT_F_GATEWAY) ? XBR_KIND_GATEWAY : XBR_KIND_STATION;
	n->addr = o->addr;
	memcpy(n->name, o->netns, sizeof(n->name));
	memcpy(n->ifname, o->ifname, sizeof(n->ifname));
	n->idx = o->idx;
}

static void intent_v1(struct xbr_bridge *br, void *key, const void *ov, void *nv)
{
	const struct xbr_intent_key *k = key;
	const struct xbr_v1_intent *o = ov;
	struct xbr_intent *n = nv;

	(void)br;
	memset(n, 0, sizeof(*n));
	memcpy(n->ifname, o->ifname, sizeof(n->ifname));
	n->kind = k->name[0] ? XBR_KIND_STATION : XBR_KIND_GATEWAY;
}

/* Layout 2 kept layout 1's fields in place and added after them. */
static size_t g_prefix_old, g_prefix_new;

static void prefix(struct xbr_bridge *br, void *key, const void *ov, void *nv)
{
	(void)br;
	(void)key;
	memset(nv, 0, g_prefix_new);
	memcpy(nv, ov, g_prefix_old);
}

static const struct conv convs[] = {
	{ XBR_M_FDB, 1, fdb_v1 },
	{ XBR_M_PORTS, 1, port_v1 },
	{ XBR_M_INTENT, 1, intent_v1 },
	{ XBR_M_CONFIG, 1, prefix },
	{ XBR_M_PORT_STATS, 1, prefix },
	{ XBR_M_BR_STATS, 1, prefix },
	{ XBR_M_XDP_TX, 1, NULL },
	{ XBR_M_XDP_FLOOD, 1, NULL },
	{ XBR_M_XDP_FLOOD_ISO, 1, NULL },
};

/* ---- the machinery ---- */

/* Snapshot of a per-CPU counter map as it was copied (for the delta). */
struct snap {
	int map;
	__u32 nkeys;
	size_t stride; /* bytes per key: ncpu * rounded value size */
	unsigned char *buf;
};

struct xbr_migration {
	const struct conv *conv[XBR_M__MAX]; /* NULL: copied as is, or nothing to copy */
	int raw[XBR_M__MAX]; /* copy entries unchanged */
	struct snap snaps[2];
	int nsnaps;
	int ncpu;
};

static int shape_of(int fd, struct map_shape *s)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	s->type = info.type;
	s->key_size = info.key_size;
	s->value_size = info.value_size;
	s->max_entries = info.max_entries;
	return 0;
}

static int is_percpu(__u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH;
}

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

int migrate_check(struct xbr_bridge *br, struct xbr_loadset *ls, struct xbr_migration **out)
{
	struct xbr_migration *m;
	struct map_shape os, ns;
	size_t k;
	int i;

	*out = NULL;
	if (ls->layout > XBR_LAYOUT_VERSION) {
		pr_warn("bridge \"%s\": its pinned layout %u is newer than this xbr's (%u): use the newer xbr; nothing changed",
			br->name, ls->layout, XBR_LAYOUT_VERSION);
		return -EPROTONOSUPPORT;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->ncpu = libbpf_num_possible_cpus();
	for (i = 0; i < XBR_M__MAX; i++) {
		if (ls->old[i] < 0)
			continue;
		if (shape_of(ls->old[i], &os) || shape_of(ls->map[i], &ns))
			goto refuse;
		for (k = 0; k < sizeof(convs) / sizeof(convs[0]); k++)
			if (convs[k].map == i && convs[k].from == ls->layout)
				m->conv[i] = &convs[k];
		if (m->conv[i])
			continue;
		/* Same key and value, another capacity: copied as it is. */
		if (os.type == ns.type && os.key_size == ns.key_size &&
		    os.value_size == ns.value_size && os.max_entries <= ns.max_entries) {
			m->raw[i] = 1;
			continue;
		}
refuse:
		pr_warn("bridge \"%s\": this xbr cannot migrate map %s from layout %u; nothing changed",
			br->name, xbr_map_names[i], ls->layout);
		free(m);
		return -EPROTONOSUPPORT;
	}
	*out = m;
	return 0;
}

/* Copy every entry of map @id from the old map into the fresh one. */
static int copy_map(struct xbr_bridge *br, struct xbr_loadset *ls, struct xbr_migration *m, int id)
{
	struct map_shape os, ns;
	unsigned char *key = NULL, *next = NULL, *ov = NULL, *nv = NULL;
	size_t ostride, nstride, ncpu;
	struct snap *sn = NULL;
	int err, c, have = 0;
	__u32 nkeys = 0;

	if (shape_of(ls->old[id], &os) || shape_of(ls->map[id], &ns))
		return -errno;
	ncpu = is_percpu(os.type) ? (size_t)m->ncpu : 1;
	ostride = is_percpu(os.type) ? round8(os.value_size) : os.value_size;
	nstride = is_percpu(ns.type) ? round8(ns.value_size) : ns.value_size;
	key = calloc(1, os.key_size);
	next = calloc(1, os.key_size);
	ov = calloc(ncpu, ostride);
	nv = calloc(ncpu, nstride);
	if (!key || !next || !ov || !nv) {
		err = -ENOMEM;
		goto out;
	}
	if (is_percpu(os.type) && m->nsnaps < 2) {
		sn = &m->snaps[m->nsnaps++];
		sn->map = id;
		sn->nkeys = os.max_entries;
		sn->stride = ncpu * ostride;
		sn->buf = calloc(os.max_entries, sn->stride);
		if (!sn->buf) {
			err = -ENOMEM;
			goto out;
		}
	}
	g_prefix_old = os.value_size;
	g_prefix_new = ns.value_size;
	err = 0;
	while (bpf_map_get_next_key(ls->old[id], have ? key : NULL, next) == 0) {
		memcpy(key, next, os.key_size);
		have = 1;
		if (bpf_map_lookup_elem(ls->old[id], key, ov) < 0)
			continue; /* deleted meanwhile */
		if (sn && os.key_size == 4 && *(__u32 *)key < sn->nkeys)
			memcpy(sn->buf + (size_t)*(__u32 *)key * sn->stride, ov, sn->stride);
		if (m->raw[id]) {
			memcpy(nv, ov, ncpu * ostride);
		} else {
			for (c = 0; c < (int)ncpu; c++)
				m->conv[id]->fn(br, key, ov + c * ostride, nv + c * nstride);
		}
		if (bpf_map_update_elem(ls->map[id], key, nv, BPF_ANY) < 0) {
			err = -errno;
			pr_warn("bridge \"%s\": migrating %s: cannot write an entry: %s", br->name,
				xbr_map_names[id], strerror(errno));
			break;
		}
		nkeys++;
	}
	pr_debug("migrated %s: %u entries", xbr_map_names[id], nkeys);
out:
	free(key);
	free(next);
	free(ov);
	free(nv);
	return err;
}

/* Layout 1 knew stations and the gateway only: give each its meta record. */
static int meta_from_v1(struct xbr_bridge *br, struct xbr_loadset *ls)
{
	__u32 k, next, *prev = NULL;
	struct xbr_port_meta meta;
	struct xbr_port p;

	while (bpf_map_get_next_key(ls->map[XBR_M_PORTS], prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(ls->map[XBR_M_PORTS], &k, &p) < 0)
			continue;
		memset(&meta, 0, sizeof(meta));
		if (p.kind == XBR_KIND_STATION) {
			snprintf(meta.nspath, sizeof(meta.nspath), "%s/%s", XBR_NETNS_DIR, p.name);
			snprintf(meta.ifname_in, sizeof(meta.ifname_in), "eth0");
		} else {
			snprintf(meta.ifname_in, sizeof(meta.ifname_in), "%s", br->name);
		}
		if (bpf_map_update_elem(ls->map[XBR_M_PORT_META], &k, &meta, BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

/*
 * Before layout 3 the ruleset was the only record of publications: the new
 * record (a fresh xbr_pubs, also when an interrupted reload left it unpinned)
 * starts as the bridge's table has them now.
 */
static int pubs_from_rules(struct xbr_bridge *br, struct xbr_loadset *ls)
{
	int n = pub_record_from_rules(br, ls->map[XBR_M_PUBS]);

	if (n > 0)
		pr_info("bridge \"%s\": %d publication%s recorded from its nf_tables rules", br->name,
			n, n == 1 ? "" : "s");
	return n < 0 ? n : 0;
}

/*
 * Before layout 4 the datapath answered no names: the new maps (fresh, also
 * when an interrupted reload left them unpinned) start with every named
 * port's own name (aliases came with layout 4).
 */
static int names_from_ports(struct xbr_bridge *br, struct xbr_loadset *ls)
{
	struct xbr_config cfg;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(ls->map[XBR_M_CONFIG], &zero, &cfg) < 0)
		return -errno;
	return names_fill(ls->map[XBR_M_NAMES], ls->map[XBR_M_RNAMES], ls->map[XBR_M_PORTS], &cfg,
			  br->name);
}

int migrate_copy(struct xbr_bridge *br, struct xbr_loadset *ls, struct xbr_migration *m)
{
	int i, err = 0;

	for (i = 0; i < XBR_M__MAX && !err; i++) {
		if (ls->old[i] < 0 || (!m->raw[i] && (!m->conv[i] || !m->conv[i]->fn)))
			continue;
		err = copy_map(br, ls, m, i);
	}
	if (!err && ls->layout == 1)
		err = meta_from_v1(br, ls);
	if (!err && ls->fresh[XBR_M_PUBS])
		err = pubs_from_rules(br, ls);
	if (!err && ls->fresh[XBR_M_NAMES])
		err = names_from_ports(br, ls);
	return err;
}

/* Per-CPU counters: add what the old programs counted since the snapshot. */
static int delta_counters(struct xbr_loadset *ls, struct xbr_migration *m, struct snap *sn)
{
	struct map_shape os, ns;
	size_t ostride, nstride, f, nf;
	unsigned char *ov, *nv;
	__u32 k;
	int c, err = 0;

	if (shape_of(ls->old[sn->map], &os) || shape_of(ls->map[sn->map], &ns))
		return -errno;
	ostride = round8(os.value_size);
	nstride = round8(ns.value_size);
	nf = os.value_size / 8; /* every counter struct is made of __u64s */
	ov = calloc((size_t)m->ncpu, ostride);
	nv = calloc((size_t)m->ncpu, nstride);
	if (!ov || !nv) {
		err = -ENOMEM;
		goto out;
	}
	for (k = 0; k < sn->nkeys; k++) {
		const unsigned char *sv = sn->buf + (size_t)k * sn->stride;
		int changed = 0;

		if (bpf_map_lookup_elem(ls->old[sn->map], &k, ov) < 0 ||
		    bpf_map_lookup_elem(ls->map[sn->map], &k, nv) < 0)
			continue;
		for (c = 0; c < m->ncpu; c++) {
			for (f = 0; f < nf; f++) {
				__u64 now, then, *dst;

				memcpy(&now, ov + c * ostride + f * 8, 8);
				memcpy(&then, sv + c * ostride + f * 8, 8);
				if (now <= then)
					continue;
				dst = (__u64 *)(nv + c * nstride + f * 8);
				*dst += now - then;
				changed = 1;
			}
		}
		if (changed && bpf_map_update_elem(ls->map[sn->map], &k, nv, BPF_ANY) < 0)
			err = -errno;
	}
out:
	free(ov);
	free(nv);
	return err;
}

/* FDB entries the old programs learned after the snapshot. */
static int delta_fdb(struct xbr_bridge *br, struct xbr_loadset *ls, struct xbr_migration *m)
{
	struct xbr_fdb_key k, next, *prev = NULL;
	struct xbr_fdb_val nv, cur;
	unsigned char ov[64];
	int added = 0;

	while (bpf_map_get_next_key(ls->old[XBR_M_FDB], prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(ls->old[XBR_M_FDB], &k, ov) < 0)
			continue;
		if (bpf_map_lookup_elem(ls->map[XBR_M_FDB], &k, &cur) == 0)
			continue;
		if (m->raw[XBR_M_FDB])
			memcpy(&nv, ov, sizeof(nv));
		else
			m->conv[XBR_M_FDB]->fn(br, &k, ov, &nv);
		if (bpf_map_update_elem(ls->map[XBR_M_FDB], &k, &nv, BPF_NOEXIST) == 0)
			added++;
	}
	pr_debug("migration: %d FDB entries learned during the swap", added);
	return 0;
}

/* The learned count of each port, recounted from the migrated table. */
static int recount_learned(struct xbr_loadset *ls)
{
	__u32 *cnt = calloc(XBR_MAX_PORTS, sizeof(*cnt));
	struct xbr_fdb_key k, next, *prev = NULL;
	__u32 pk, pnext, *pprev = NULL, i;
	struct xbr_fdb_val v;
	struct xbr_port p;

	if (!cnt)
		return -ENOMEM;
	while (bpf_map_get_next_key(ls->map[XBR_M_FDB], prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(ls->map[XBR_M_FDB], &k, &v) < 0 ||
		    (v.flags & XBR_FDB_F_USER))
			continue;
		if (bpf_map_lookup_elem(ls->map[XBR_M_PORTS], &v.ifindex, &p) == 0 &&
		    p.idx < XBR_MAX_PORTS)
			cnt[p.idx]++;
	}
	while (bpf_map_get_next_key(ls->map[XBR_M_PORTS], pprev, &pnext) == 0) {
		pk = pnext;
		pprev = &pk;
		if (bpf_map_lookup_elem(ls->map[XBR_M_PORTS], &pk, &p) < 0 || p.idx >= XBR_MAX_PORTS)
			continue;
		i = p.idx;
		bpf_map_update_elem(ls->map[XBR_M_LEARNED], &i, &cnt[i], BPF_ANY);
	}
	free(cnt);
	return 0;
}

int migrate_delta(struct xbr_bridge *br, struct xbr_loadset *ls, struct xbr_migration *m)
{
	int i, err = 0;

	if (ls->old[XBR_M_FDB] >= 0)
		err = delta_fdb(br, ls, m);
	for (i = 0; i < m->nsnaps && !err; i++)
		err = delta_counters(ls, m, &m->snaps[i]);
	if (!err && ls->old[XBR_M_FDB] >= 0)
		err = recount_learned(ls);
	if (err)
		pr_warn("bridge \"%s\": migration: cannot carry over the last changes: %s", br->name,
			strerror(-err));
	return err;
}

void migrate_free(struct xbr_migration *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < m->nsnaps; i++)
		free(m->snaps[i].buf);
	free(m);
}
