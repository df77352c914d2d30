// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Datapath test harness (see dpt.h), the maps as the loader writes them:
 * clock and configuration, port records with the flood list and the XDP
 * devmaps, uplinks and peers, table entries written, read and dumped, and
 * control requests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dpt.h"
#include "xbr_rules.h"
#include "xbr_tc.skel.h"
#include "datapath.h"
#include "parse.h"
#include "port.h"
#include "names.h"

int dpt_set_clock(struct dpt *d, uint64_t now)
{
	__u32 k = 0;

	if (bpf_map_update_elem(d->clock_fd, &k, &now, BPF_ANY) < 0)
		return -errno;
	d->now = now;
	return 0;
}

static int config_write(struct dpt *d)
{
	__u32 k = 0;

	return bpf_map_update_elem(d->config_fd, &k, &d->cfg, BPF_ANY) < 0 ? -errno : 0;
}

int dpt_config_write(struct dpt *d)
{
	return config_write(d);
}

int dpt_set_dns(struct dpt *d, uint32_t gateway, uint32_t subnet, uint8_t plen,
		const char *domain, bool no_dns)
{
	size_t n = strlen(domain);

	if (n > sizeof(d->cfg.dns_domain))
		return -EINVAL;
	d->cfg.gateway = gateway;
	d->cfg.subnet = subnet;
	d->cfg.plen = plen;
	memset(d->cfg.dns_domain, 0, sizeof(d->cfg.dns_domain));
	memcpy(d->cfg.dns_domain, domain, n);
	d->cfg.dns_domain_len = (__u8)n;
	if (no_dns)
		d->cfg.flags |= XBR_CFG_F_NO_DNS;
	else
		d->cfg.flags &= (__u16)~XBR_CFG_F_NO_DNS;
	return config_write(d);
}

int dpt_name_set(struct dpt *d, const char *label, const struct xbr_name_val *v)
{
	struct xbr_name_key k;
	int err = names_key(label, &k);

	if (err)
		return err;
	return bpf_map_update_elem(bpf_map__fd(d->tc->maps.xbr_names), &k, v, BPF_ANY) < 0 ?
		       -errno :
		       0;
}

int dpt_rname_set(struct dpt *d, const struct xbr_rname_key *k, const char *label)
{
	struct xbr_name_key v;
	int err = names_key(label, &v);

	if (err)
		return err;
	return bpf_map_update_elem(bpf_map__fd(d->tc->maps.xbr_rnames), k, &v, BPF_ANY) < 0 ?
		       -errno :
		       0;
}

int dpt_set_ageing(struct dpt *d, uint64_t ageing_ns)
{
	d->cfg.ageing_ns = ageing_ns;
	return config_write(d);
}

int dpt_set_prefix6(struct dpt *d, const uint8_t prefix[16], uint8_t plen6)
{
	/* As `xbr up` stores it: host bits cleared (the datapath relies on it). */
	xbr_station_addr6(prefix, plen6, 0, d->cfg.subnet6);
	d->cfg.plen6 = plen6;
	return config_write(d);
}

void dpt_station(int pos, uint8_t mac[6], uint32_t *addr)
{
	*addr = htonl(0x0a000000u | (uint32_t)(10 + pos));
	xbr_station_mac(*addr, mac);
}

int dpt_pos_of(const struct dpt *d, uint32_t ifindex)
{
	int i;

	for (i = 0; i < DPT_NPOS; i++)
		if (d->present[i] && d->port[i].ifindex == ifindex)
			return i;
	return -1;
}

static int flood_write(struct dpt *d, __u32 slot, const struct xbr_port *p)
{
	struct xbr_flood_ent fe = {};

	if (p) {
		fe.ifindex = p->ifindex;
		fe.flags = (__u16)p->flags;
		fe.idx = (__u16)p->idx;
	}
	return bpf_map_update_elem(d->flood_fd, &slot, &fe, BPF_ANY) < 0 ? -errno : 0;
}

int dpt_port_add(struct dpt *d, int pos, uint32_t flags, uint32_t max_learned)
{
	struct xbr_port *p = &d->port[pos];
	struct xbr_port_stats *z;
	__u32 idx = dpt_idx(pos), zero = 0;
	int err;

	if (d->present[pos] || d->cfg.nports >= DPT_NPOS)
		return -EEXIST;
	memset(p, 0, sizeof(*p));
	p->ifindex = (__u32)dpt_env.ifindex[pos];
	p->flags = flags;
	p->max_learned = max_learned;
	p->slot = d->cfg.nports;
	p->idx = idx;
	dpt_station(pos, p->mac, &p->addr);
	if (flags & XBR_PORT_F_ADDR6)
		dpt_station_iid6(pos, (uint8_t *)p->iid6);
	p->plen = 24;
	snprintf(p->name, sizeof(p->name), "dpt%d", pos);
	memcpy(p->ifname, dpt_env.name[pos], sizeof(p->ifname));
	z = calloc((size_t)d->ncpu, sizeof(*z));
	if (!z)
		return -ENOMEM;
	err = bpf_map_update_elem(d->pstats_fd, &idx, z, BPF_ANY);
	free(z);
	if (err < 0 || bpf_map_update_elem(d->learned_fd, &idx, &zero, BPF_ANY) < 0)
		return -errno;
	if (bpf_map_update_elem(d->ports_fd, &p->ifindex, p, BPF_NOEXIST) < 0)
		return -errno;
	err = flood_write(d, p->slot, p);
	if (err)
		return err;
	if (d->hook == DPT_XDP) {
		err = dp_devmaps_sync(d->xtx_fd, d->xflood_fd, d->xiso_fd, d->xegress_fd, p);
		if (err)
			return err;
	}
	d->slot_pos[p->slot] = pos;
	d->present[pos] = true;
	d->cfg.nports++;
	memset(&d->snap[pos], 0, sizeof(d->snap[pos]));
	return config_write(d);
}

int dpt_uplink_add(struct dpt *d, int pos, uint32_t ifindex, uint32_t vni, uint32_t mtu,
		   const uint32_t local[4], int v6)
{
	struct xbr_port *p = &d->port[pos];
	int err = dpt_port_add(d, pos, XBR_PORT_F_DEFAULT | XBR_PORT_F_TUNNEL, 0);

	if (err)
		return err;
	/* Moved to the device: its record under the new ifindex, same slot. */
	if (bpf_map_delete_elem(d->ports_fd, &p->ifindex) < 0)
		return -errno;
	if (d->hook == DPT_XDP) {
		bpf_map_delete_elem(d->xtx_fd, &p->ifindex);
		bpf_map_delete_elem(d->xflood_fd, &p->ifindex);
		bpf_map_delete_elem(d->xiso_fd, &p->ifindex);
	}
	p->ifindex = ifindex;
	p->kind = XBR_KIND_UPLINK;
	p->addr = 0;
	p->vni = vni;
	p->mtu = mtu;
	memcpy(p->local, local, sizeof(p->local));
	p->tun_flags = v6 ? XBR_PEER_F_V6 : 0;
	if (bpf_map_update_elem(d->ports_fd, &p->ifindex, p, BPF_NOEXIST) < 0)
		return -errno;
	if (d->hook == DPT_XDP) {
		err = dp_devmaps_sync(d->xtx_fd, d->xflood_fd, d->xiso_fd, d->xegress_fd, p);
		if (err)
			return err;
	}
	return flood_write(d, p->slot, p);
}

int dpt_peers_set(struct dpt *d, const struct xbr_peer *v, uint32_t n)
{
	int fd = bpf_map__fd(d->tc->maps.xbr_peers);
	__u32 i;

	for (i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, &i, &v[i], BPF_ANY) < 0)
			return -errno;
	d->cfg.npeers = n;
	return config_write(d);
}

int dpt_port_set(struct dpt *d, int pos, uint32_t flags, uint32_t max_learned)
{
	struct xbr_port *p = &d->port[pos];

	if (!d->present[pos])
		return -ENOENT;
	/* PEER comes with the port's kind and is fixed for its life, as in xbr
	 * (`port set` has no word for it; the entries on it carry it). */
	p->flags = (flags & ~(uint32_t)XBR_PORT_F_PEER) | (p->flags & XBR_PORT_F_PEER);
	p->max_learned = max_learned;
	memset(p->iid6, 0, sizeof(p->iid6));
	if (flags & XBR_PORT_F_ADDR6)
		dpt_station_iid6(pos, (uint8_t *)p->iid6);
	if (bpf_map_update_elem(d->ports_fd, &p->ifindex, p, BPF_EXIST) < 0)
		return -errno;
	if (d->hook == DPT_XDP) {
		int err = dp_devmaps_sync(d->xtx_fd, d->xflood_fd, d->xiso_fd, d->xegress_fd, p);

		if (err)
			return err;
	}
	return flood_write(d, p->slot, p);
}

int dpt_port_del(struct dpt *d, int pos)
{
	struct xbr_port *p = &d->port[pos];
	struct xbr_ctl_req c = {
		.op = XBR_OP_FLUSH,
		.ifindex = p->ifindex,
		.flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC,
	};
	__u32 last;
	int err, mpos;

	if (!d->present[pos])
		return -ENOENT;
	/* The loader's swap-remove (user/port_table.c), then the mirror here. */
	last = d->cfg.nports - 1;
	mpos = d->slot_pos[last];
	err = flood_list_remove(d->flood_fd, d->ports_fd, &d->cfg.nports, p->slot);
	if (err)
		return err;
	if (p->slot != last) {
		d->port[mpos].slot = p->slot;
		d->slot_pos[p->slot] = mpos;
	}
	d->slot_pos[last] = -1;
	err = config_write(d);
	if (!err && bpf_map_delete_elem(d->ports_fd, &p->ifindex) < 0)
		err = -errno;
	if (!err && d->hook == DPT_XDP) {
		bpf_map_delete_elem(d->xtx_fd, &p->ifindex);
		bpf_map_delete_elem(d->xflood_fd, &p->ifindex);
		bpf_map_delete_elem(d->xiso_fd, &p->ifindex);
	}
	if (err)
		return err;
	d->present[pos] = false;
	/* Entries on the removed port go, as the loader's port_record_del() does. */
	err = dpt_ctl(d, &c);
	return err;
}

int dpt_fdb_put(struct dpt *d, const uint8_t mac[6], uint32_t ifindex, uint32_t flags,
	       uint64_t updated_ns)
{
	struct xbr_fdb_key k = {};
	struct xbr_fdb_val v = { .ifindex = ifindex, .flags = flags, .updated_ns = updated_ns };
	int pos = dpt_pos_of(d, ifindex);
	__u32 idx, cnt;

	memcpy(k.mac, mac, 6);
	if (bpf_map_update_elem(d->fdb_fd, &k, &v, BPF_NOEXIST) < 0)
		return -errno;
	if (pos >= 0 && !(flags & XBR_FDB_F_USER)) {
		idx = dpt_idx(pos);
		if (bpf_map_lookup_elem(d->learned_fd, &idx, &cnt) < 0)
			return -errno;
		cnt++;
		if (bpf_map_update_elem(d->learned_fd, &idx, &cnt, BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

/*
 * An entry as the rules see it: the egress-port bits (XBR_FDB_F_OUT*) are the
 * datapath's copy of its port's record, not a rule the model states. They
 * must agree with the record of the port the entry is on (when present and
 * not remote), or the entry is reported as corrupt (-EBADMSG); then they are
 * taken off.
 */
static int fdb_val_check(const struct dpt *d, struct xbr_fdb_val *v)
{
	int pos = dpt_pos_of(d, v->ifindex);
	uint32_t want;

	if ((v->flags & XBR_FDB_F_OUT) && pos >= 0 && !(v->flags & XBR_FDB_F_REMOTE)) {
		want = xbr_fdb_out(d->port[pos].flags, d->port[pos].idx);
		if ((v->flags & XBR_FDB_F_OUT_MASK) != want) {
			fprintf(stderr, "dpt: entry on port %d carries out bits %#x, its port %#x\n",
				pos, v->flags & XBR_FDB_F_OUT_MASK, want);
			return -EBADMSG;
		}
	}
	v->flags &= ~XBR_FDB_F_OUT_MASK;
	return 0;
}

int dpt_fdb_get(struct dpt *d, const uint8_t mac[6], struct xbr_fdb_val *v)
{
	struct xbr_fdb_key k = {};

	memcpy(k.mac, mac, 6);
	if (bpf_map_lookup_elem(d->fdb_fd, &k, v) < 0)
		return -errno;
	return fdb_val_check(d, v);
}

struct kv {
	struct xbr_fdb_key k;
	struct xbr_fdb_val v;
};

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	return memcmp(&x->k, &y->k, sizeof(x->k));
}

int dpt_fdb_dump(struct dpt *d, struct xbr_fdb_key **keys, struct xbr_fdb_val **vals)
{
	struct xbr_fdb_key k, next, *prev = NULL;
	struct kv *a = NULL, *na;
	size_t n = 0, cap = 0, i;

	while (bpf_map_get_next_key(d->fdb_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			na = realloc(a, cap * sizeof(*a));
			if (!na) {
				free(a);
				return -ENOMEM;
			}
			a = na;
		}
		a[n].k = k;
		if (bpf_map_lookup_elem(d->fdb_fd, &k, &a[n].v) < 0)
			continue;
		if (fdb_val_check(d, &a[n].v)) {
			free(a);
			return -EBADMSG;
		}
		n++;
	}
	if (n)
		qsort(a, n, sizeof(*a), kv_cmp);
	*keys = calloc(n + 1, sizeof(**keys));
	*vals = calloc(n + 1, sizeof(**vals));
	if (!*keys || !*vals) {
		free(a);
		free(*keys);
		free(*vals);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		(*keys)[i] = a[i].k;
		(*vals)[i] = a[i].v;
	}
	free(a);
	return (int)n;
}

int dpt_ctl(struct dpt *d, struct xbr_ctl_req *req)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = req, .ctx_size_in = sizeof(*req));

	if (bpf_prog_test_run_opts(d->ctl_fd, &opts) < 0)
		return -errno;
	dpt_events_drain(d);
	return req->result;
}
