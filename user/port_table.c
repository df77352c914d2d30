// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The port table and the flood list: records in the pinned maps xbr_ports,
 * xbr_port_meta and xbr_flood, their stats indexes, and lookups by name.
 * Kind-independent; port.c decides when a record is made or removed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "datapath.h"
#include "port.h"

/* Lowest stats index no port uses. */
static int port_idx_alloc(struct xbr_bridge *br, __u32 *idx)
{
	struct xbr_port *v;
	size_t n, i;
	int err;

	/* Read the table once per command; later allocations use the copy. */
	if (!br->idx_loaded) {
		err = port_list(br, &v, &n);
		if (err)
			return err;
		memset(br->idx_used, 0, sizeof(br->idx_used));
		for (i = 0; i < n; i++)
			if (v[i].idx < XBR_MAX_PORTS)
				br->idx_used[v[i].idx] = 1;
		free(v);
		br->idx_loaded = 1;
	}
	for (i = 0; i < XBR_MAX_PORTS; i++) {
		if (!br->idx_used[i]) {
			br->idx_used[i] = 1;
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
	if (bpf_map_update_elem(br->map[XBR_M_FLOOD], &slot, &fe, BPF_ANY) < 0) {
		err = -errno;
		bpf_map_delete_elem(br->map[XBR_M_PORTS], &p->ifindex);
		bpf_map_delete_elem(br->map[XBR_M_PORT_META], &p->ifindex);
		return err;
	}
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
	struct xbr_port p;
	int err;

	if (bpf_map_lookup_elem(br->map[XBR_M_PORTS], &ifindex, &p) < 0)
		return -errno;
	if (br->idx_loaded && p.idx < XBR_MAX_PORTS)
		br->idx_used[p.idx] = 0;
	flood_list_remove(br->map[XBR_M_FLOOD], br->map[XBR_M_PORTS], &br->cfg.nports, p.slot);
	err = pins_config_write(br);
	bpf_map_delete_elem(br->map[XBR_M_PORTS], &ifindex);
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
	struct xbr_port *v = NULL, *nv;
	size_t cnt = 0, cap = 0;
	__u32 key, next, *prev = NULL;
	int fd = br->map[XBR_M_PORTS];

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		if (bpf_map_lookup_elem(fd, &key, &v[cnt]) == 0)
			cnt++;
	}
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), port_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

int port_find(struct xbr_bridge *br, const char *name, struct xbr_port *out)
{
	struct xbr_port *v;
	size_t n, i;
	int err = port_list(br, &v, &n);

	if (err)
		return err;
	err = -ENOENT;
	for (i = 0; i < n; i++) {
		if (v[i].kind != XBR_KIND_GATEWAY && !strcmp(v[i].name, name)) {
			*out = v[i];
			err = 0;
			break;
		}
	}
	free(v);
	return err;
}

int port_lookup(struct xbr_bridge *br, const char *name, struct xbr_port *out)
{
	struct xbr_port *v;
	size_t n, i;
	int err;

	if (port_find(br, name, out) == 0)
		return 0;
	err = port_list(br, &v, &n);
	if (err)
		return err;
	err = -ENOENT;
	for (i = 0; i < n; i++) {
		if (!strcmp(v[i].ifname, name) ||
		    (!strcmp(name, "gateway") && v[i].kind == XBR_KIND_GATEWAY)) {
			*out = v[i];
			err = 0;
			break;
		}
	}
	free(v);
	return err;
}

int port_meta_get(struct xbr_bridge *br, uint32_t ifindex, struct xbr_port_meta *out)
{
	if (bpf_map_lookup_elem(br->map[XBR_M_PORT_META], &ifindex, out) < 0) {
		memset(out, 0, sizeof(*out));
		return -errno;
	}
	return 0;
}
