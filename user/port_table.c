// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The port table and the flood list: records in the pinned maps xbr_ports,
 * xbr_port_meta and xbr_flood, their stats indexes, and lookups by name.
 * Kind-independent; port.c decides when a record is made or removed.
 *
 * Every lookup is served from an in-memory copy of xbr_ports, the port index
 * (br->ports): read once per open bridge with one bpf_map_lookup_batch()
 * (map iteration only on a kernel without batch operations for it), written
 * through by every change this file makes to xbr_ports, and freed with the
 * maps it was read from (pins_close()). Only the holder of the bridge lock
 * writes xbr_ports (the datapath only reads it), so the copy stays true for
 * as long as the bridge is open. A path that writes xbr_ports otherwise
 * drops the copy (port_index_drop()), and the next lookup reads it again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "datapath.h"
#include "names.h"
#include "port.h"

/*
 * The port index: one allocation (pins_close() frees it with a plain free()),
 * the records in no particular order (port_list() sorts a copy) and the
 * stats indexes they use. Room for every record the map can hold.
 */
struct port_index {
	size_t n, cap;
	unsigned char idx_used[XBR_MAX_PORTS]; /* stats indexes in use */
	struct xbr_port v[];
};

/* Read every record of xbr_ports (@fd): one batch lookup when the kernel
 * has it for this map, else key by key. Values are @vsz bytes each (a layout
 * 1 record is a prefix of this one's); the rest of each record is zero. */
static int table_read(int fd, __u32 vsz, __u32 max, struct port_index *x)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 *keys = NULL, in, out, count, total = 0, key, next, *prev = NULL;
	unsigned char *vals = NULL;
	size_t i;
	int err = 0, batched = 1;

	keys = calloc(max + 1, sizeof(*keys));
	vals = calloc(max + 1, vsz);
	if (!keys || !vals) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (total < max) {
		count = max - total;
		if (bpf_map_lookup_batch(fd, total ? &in : NULL, &out, keys + total,
					 vals + (size_t)total * vsz, &count, &opts) == 0) {
			total += count;
			in = out;
			continue;
		}
		if (errno == ENOENT) /* the last batch */
			total += count;
		else /* no batch operations for this map here (or they failed): key by key */
			batched = 0;
		break;
	}
	if (!batched) {
		total = 0;
		while (total < max && bpf_map_get_next_key(fd, prev, &next) == 0) {
			key = next;
			prev = &key;
			if (bpf_map_lookup_elem(fd, &key, vals + (size_t)total * vsz) == 0)
				keys[total++] = key;
		}
	}
	x->n = 0;
	memset(x->idx_used, 0, sizeof(x->idx_used));
	for (i = 0; i < total && x->n < x->cap; i++) {
		struct xbr_port *p = &x->v[x->n++];

		memset(p, 0, sizeof(*p));
		memcpy(p, vals + i * vsz, vsz < sizeof(*p) ? vsz : sizeof(*p));
		if (p->idx < XBR_MAX_PORTS)
			x->idx_used[p->idx] = 1;
	}
cleanup:
	free(keys);
	free(vals);
	return err;
}

/* What a port table that cannot be read holds: nothing (never cached,
 * never written). */
static struct port_index no_ports;

/* The bridge's port index, read now if this open has not read it yet;
 * NULL and a negative errno in *err on failure (nothing kept). A table that
 * cannot be read (no map open) reads as empty, as a dump of it did. */
static struct port_index *port_index(struct xbr_bridge *br, int *err)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), cap;
	struct port_index *x;

	*err = 0;
	if (br->ports)
		return br->ports;
	if (bpf_obj_get_info_by_fd(br->map[XBR_M_PORTS], &info, &len) < 0 || !info.value_size ||
	    info.key_size != sizeof(__u32)) {
		no_ports.n = 0;
		return &no_ports;
	}
	cap = info.max_entries > XBR_MAX_PORTS ? info.max_entries : XBR_MAX_PORTS;
	x = calloc(1, sizeof(*x) + (size_t)cap * sizeof(x->v[0]));
	if (!x) {
		*err = -ENOMEM;
		return NULL;
	}
	x->cap = cap;
	*err = table_read(br->map[XBR_M_PORTS], info.value_size, info.max_entries, x);
	if (*err) {
		free(x);
		return NULL;
	}
	br->ports = x;
	return x;
}

void port_index_drop(struct xbr_bridge *br)
{
	free(br->ports);
	br->ports = NULL;
}

/* The record of @ifindex in the index, or NULL. */
static struct xbr_port *index_at(struct port_index *x, __u32 ifindex)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->v[i].ifindex == ifindex)
			return &x->v[i];
	return NULL;
}

/* Write-through: @p as the map now holds it. */
static void index_put(struct xbr_bridge *br, const struct xbr_port *p)
{
	struct port_index *x = br->ports;
	struct xbr_port *at;

	if (!x)
		return; /* not read yet: the next lookup reads the map */
	at = index_at(x, p->ifindex);
	if (!at) {
		if (x->n == x->cap) { /* cannot happen (the map is full first) */
			port_index_drop(br);
			return;
		}
		at = &x->v[x->n++];
	}
	*at = *p;
	if (p->idx < XBR_MAX_PORTS)
		x->idx_used[p->idx] = 1;
}

/* Write-through: @ifindex's record is gone from the map (releasing its
 * stats index is the caller's: port_record_del()). */
static void index_del(struct xbr_bridge *br, __u32 ifindex)
{
	struct port_index *x = br->ports;
	struct xbr_port *at;

	if (!x || !(at = index_at(x, ifindex)))
		return;
	*at = x->v[--x->n];
}

/* Write-through of a record some other code changed in the map: read again. */
static void index_refresh(struct xbr_bridge *br, __u32 ifindex)
{
	struct xbr_port p;

	if (!br->ports)
		return;
	if (bpf_map_lookup_elem(br->map[XBR_M_PORTS], &ifindex, &p) == 0)
		index_put(br, &p);
	else
		index_del(br, ifindex);
}

/* Lowest stats index no port uses. */
static int port_idx_alloc(struct xbr_bridge *br, __u32 *idx)
{
	struct port_index *x;
	size_t i;
	int err;

	/* The index read once per command; later allocations use the copy. */
	x = port_index(br, &err);
	if (!x)
		return err;
	if (x != br->ports)
		return -EBADF; /* no port table open */
	for (i = 0; i < XBR_MAX_PORTS; i++) {
		if (!x->idx_used[i]) {
			x->idx_used[i] = 1;
			*idx = (__u32)i;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Zero a port's counters and learned count (the index may have been used). */
static int port_stats_reset(struct xbr_bridge *br, __u32 idx)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xbr_port_stats *z;
	__u32 zero = 0;
	int err = 0;

	if (ncpu < 1)
		return -EINVAL;
	z = calloc((size_t)ncpu, sizeof(*z));
	if (!z)
		return -ENOMEM;
	if (bpf_map_update_elem(br->map[XBR_M_PORT_STATS], &idx, z, BPF_ANY) < 0 ||
	    bpf_map_update_elem(br->map[XBR_M_LEARNED], &idx, &zero, BPF_ANY) < 0)
		err = -errno;
	free(z);
	return err;
}

static struct xbr_flood_ent flood_ent_of(const struct xbr_port *p)
{
	struct xbr_flood_ent fe = { .ifindex = p->ifindex, .flags = (__u16)p->flags,
				    .idx = (__u16)p->idx };

	return fe;
}

int port_record_add(struct xbr_bridge *br, struct xbr_port *p, const struct xbr_port_meta *m)
{
	struct xbr_flood_ent fe;
	__u32 slot = br->cfg.nports;
	int err;

	if (slot >= XBR_MAX_PORTS)
		return -ENOSPC;
	err = port_idx_alloc(br, &p->idx);
	if (!err)
		err = port_stats_reset(br, p->idx);
	if (err)
		return err;
	p->slot = slot;
	fe = flood_ent_of(p);
	err = dp_port_sync(br, p);
	if (err)
		return err;
	if (bpf_map_update_elem(br->map[XBR_M_PORT_META], &p->ifindex, m, BPF_ANY) < 0)
		return -errno;
	if (bpf_map_update_elem(br->map[XBR_M_PORTS], &p->ifindex, p, BPF_NOEXIST) < 0) {
		err = -errno;
		bpf_map_delete_elem(br->map[XBR_M_PORT_META], &p->ifindex);
		return err;
	}
	if (bpf_map_update_elem(br->map[XBR_M_FLOOD], &slot, &fe, BPF_ANY) < 0)
		err = -errno;
	else /* its own name, for the datapath's DNS answers (names.c) */
		err = names_add(br->map[XBR_M_NAMES], br->map[XBR_M_RNAMES], &br->cfg, br->name, p,
				NULL);
	if (err) {
		struct xbr_flood_ent zero = {};

		bpf_map_update_elem(br->map[XBR_M_FLOOD], &slot, &zero, BPF_ANY);
		bpf_map_delete_elem(br->map[XBR_M_PORTS], &p->ifindex);
		bpf_map_delete_elem(br->map[XBR_M_PORT_META], &p->ifindex);
		return err;
	}
	index_put(br, p);
	br->cfg.nports++;
	return pins_config_write(br);
}

int flood_list_remove(int flood_fd, int ports_fd, uint32_t *nports, uint32_t slot)
{
	struct xbr_flood_ent last_fe, zero_fe = {};
	struct xbr_port moved;
	__u32 last;

	if (*nports == 0)
		return -ENOENT;
	last = *nports - 1;
	if (slot != last && bpf_map_lookup_elem(flood_fd, &last, &last_fe) == 0) {
		if (bpf_map_update_elem(flood_fd, &slot, &last_fe, BPF_ANY) < 0)
			return -errno;
		if (ports_fd >= 0 && bpf_map_lookup_elem(ports_fd, &last_fe.ifindex, &moved) == 0) {
			moved.slot = slot;
			bpf_map_update_elem(ports_fd, &last_fe.ifindex, &moved, BPF_EXIST);
		}
	}
	(*nports)--;
	bpf_map_update_elem(flood_fd, &last, &zero_fe, BPF_ANY);
	return 0;
}

int port_record_del(struct xbr_bridge *br, uint32_t ifindex)
{
	struct xbr_ctl_req c = { .op = XBR_OP_FLUSH, .ifindex = ifindex,
				 .flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC };
	struct xbr_flood_ent moved;
	struct port_index *x;
	struct xbr_port p, *at;
	__u32 last;
	int err;

	x = port_index(br, &err);
	if (!x)
		return err;
	at = index_at(x, ifindex);
	if (!at)
		return -ENOENT;
	p = *at;
	if (p.idx < XBR_MAX_PORTS)
		x->idx_used[p.idx] = 0;
	last = br->cfg.nports ? br->cfg.nports - 1 : 0;
	flood_list_remove(br->map[XBR_M_FLOOD], br->map[XBR_M_PORTS], &br->cfg.nports, p.slot);
	/* The port that took its flood slot: its record as the map has it now. */
	if (p.slot != last && bpf_map_lookup_elem(br->map[XBR_M_FLOOD], &p.slot, &moved) == 0)
		index_refresh(br, moved.ifindex);
	err = pins_config_write(br);
	names_del(br->map[XBR_M_NAMES], br->map[XBR_M_RNAMES], &br->cfg, &p);
	bpf_map_delete_elem(br->map[XBR_M_PORTS], &ifindex);
	index_del(br, ifindex);
	bpf_map_delete_elem(br->map[XBR_M_PORT_META], &ifindex);
	dp_port_forget(br, ifindex);
	/* Entries on the removed port: gone, as the kernel bridge does. */
	ctl_run(br->prog[XBR_P_CTL], &c);
	return err;
}

int port_record_update(struct xbr_bridge *br, const struct xbr_port *p)
{
	struct xbr_flood_ent fe = flood_ent_of(p);

	if (bpf_map_update_elem(br->map[XBR_M_PORTS], &p->ifindex, p, BPF_EXIST) < 0)
		return -errno;
	index_put(br, p);
	if (bpf_map_update_elem(br->map[XBR_M_FLOOD], &p->slot, &fe, BPF_EXIST) < 0)
		return -errno;
	return dp_port_sync(br, p);
}

int flood_rebuild(struct xbr_bridge *br)
{
	struct xbr_flood_ent zero_fe = {};
	struct xbr_port *v;
	size_t n, i;
	__u32 slot;
	int err = port_list(br, &v, &n);

	if (err)
		return err;
	for (i = 0; i < n; i++) {
		struct xbr_flood_ent fe;

		slot = (__u32)i;
		v[i].slot = slot;
		fe = flood_ent_of(&v[i]);
		bpf_map_update_elem(br->map[XBR_M_FLOOD], &slot, &fe, BPF_ANY);
		bpf_map_update_elem(br->map[XBR_M_PORTS], &v[i].ifindex, &v[i], BPF_EXIST);
	}
	port_index_drop(br); /* every slot rewritten: read again when next asked */
	for (slot = (__u32)n; slot < XBR_MAX_PORTS; slot++)
		bpf_map_update_elem(br->map[XBR_M_FLOOD], &slot, &zero_fe, BPF_ANY);
	br->cfg.nports = (__u32)n;
	free(v);
	return pins_config_write(br);
}

static int port_cmp(const void *a, const void *b)
{
	const struct xbr_port *x = a, *y = b;
	int gx = x->kind == XBR_KIND_GATEWAY, gy = y->kind == XBR_KIND_GATEWAY;

	if (gx != gy)
		return gy - gx;
	return strcmp(x->name, y->name);
}

int port_list(struct xbr_bridge *br, struct xbr_port **out, size_t *n)
{
	struct port_index *x;
	struct xbr_port *v;
	int err;

	x = port_index(br, &err);
	if (!x)
		return err;
	v = malloc((x->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, x->v, x->n * sizeof(*v));
	if (x->n > 1)
		qsort(v, x->n, sizeof(*v), port_cmp);
	*out = v;
	*n = x->n;
	return 0;
}

int port_find(struct xbr_bridge *br, const char *name, struct xbr_port *out)
{
	struct port_index *x;
	size_t i;
	int err;

	x = port_index(br, &err);
	if (!x)
		return err;
	for (i = 0; i < x->n; i++) {
		if (x->v[i].kind != XBR_KIND_GATEWAY && !strcmp(x->v[i].name, name)) {
			*out = x->v[i];
			return 0;
		}
	}
	return -ENOENT;
}

int port_lookup(struct xbr_bridge *br, const char *name, struct xbr_port *out)
{
	const struct xbr_port *best = NULL;
	struct port_index *x;
	size_t i;
	int err;

	if (port_find(br, name, out) == 0)
		return 0;
	x = port_index(br, &err);
	if (!x)
		return err;
	/* The first match in port_list()'s order, as when it was a scan of it. */
	for (i = 0; i < x->n; i++) {
		if ((!strcmp(x->v[i].ifname, name) ||
		     (!strcmp(name, "gateway") && x->v[i].kind == XBR_KIND_GATEWAY)) &&
		    (!best || port_cmp(&x->v[i], best) < 0))
			best = &x->v[i];
	}
	if (!best)
		return -ENOENT;
	*out = *best;
	return 0;
}

int port_used_addrs(struct xbr_bridge *br, uint32_t **out, size_t *n)
{
	struct port_index *x;
	size_t i;
	int err;

	x = port_index(br, &err);
	if (!x)
		return err;
	*out = calloc(x->n + 1, sizeof(uint32_t));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < x->n; i++)
		(*out)[i] = x->v[i].addr;
	*n = x->n;
	return 0;
}

uint32_t port_min_mtu(struct xbr_bridge *br, unsigned int kind, uint32_t skip_ifindex)
{
	struct port_index *x;
	uint32_t mtu = 0;
	size_t i;
	int err;

	x = port_index(br, &err);
	if (!x)
		return 0;
	for (i = 0; i < x->n; i++)
		if (x->v[i].kind == kind && x->v[i].ifindex != skip_ifindex && x->v[i].mtu &&
		    (!mtu || x->v[i].mtu < mtu))
			mtu = x->v[i].mtu;
	return mtu;
}

int port_meta_get(struct xbr_bridge *br, uint32_t ifindex, struct xbr_port_meta *out)
{
	if (bpf_map_lookup_elem(br->map[XBR_M_PORT_META], &ifindex, out) < 0) {
		memset(out, 0, sizeof(*out));
		return -errno;
	}
	return 0;
}

int port_meta_set(struct xbr_bridge *br, uint32_t ifindex, const struct xbr_port_meta *m)
{
	struct xbr_port_meta cur;

	/* Only an existing port's: never a record of its own. */
	if (bpf_map_lookup_elem(br->map[XBR_M_PORT_META], &ifindex, &cur) < 0)
		return -errno;
	return bpf_map_update_elem(br->map[XBR_M_PORT_META], &ifindex, m, BPF_EXIST) < 0 ? -errno : 0;
}
