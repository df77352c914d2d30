// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr control programs. Userspace changes the forwarding table only through
 * these BPF_PROG_TYPE_SYSCALL programs (run with BPF_PROG_TEST_RUN), so that
 * hand-made changes keep the per-port learned counts right and emit the same
 * events as the datapath. The ageing sweep runs here too, on a bpf_timer kept
 * alive by the pinned xbr_timer map after the loader exits.
 */

/* This object's variant: what the shared headers compile in (each .bpf.c
 * says both; no header defines them). */
#define XBR_VARIANT_TUNNEL 0 /* no ingress path */
/* Syscall programs have bpf_ktime_get_ns but not the coarse clock: the two
 * read CLOCK_MONOTONIC and differ by less than a tick. */
#define XBR_CLOCK_PRECISE 1

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
#include "maps.h"
#include "lib/errnos.h"
#include "lib/parse.h"
#include "lib/fdb.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define CLOCK_MONOTONIC 1

struct bpf_map;

struct xbr_timer {
	struct bpf_timer t;
};

/* The ageing sweep's timer (one per bridge). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xbr_timer);
} xbr_timer SEC(".maps");

struct sweep_ctx {
	__u64 now;
	__u64 ageing_ns;
	__u32 ifindex; /* flush: port filter, 0 = all */
	__u32 kinds; /* flush: XBR_FLUSH_* */
	__u32 count;
	__u32 remote[4]; /* flush with XBR_FLUSH_REMOTE: only entries behind this endpoint */
};

static long sweep_one(struct bpf_map *map, struct xbr_fdb_key *key, struct xbr_fdb_val *v,
		      struct sweep_ctx *sc)
{
	if (!xbr_fdb_expired(v->flags, v->updated_ns, sc->ageing_ns, sc->now))
		return 0;
	xbr_fdb_remove(map, key, v, XBR_EV_AGED, sc->now);
	sc->count++;
	return 0;
}

static int sweep_timer_cb(void *map, int *key, struct xbr_timer *tm)
{
	struct sweep_ctx sc = { .now = xbr_now() };
	struct xbr_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&xbr_config, &zero);
	if (cfg) {
		sc.ageing_ns = cfg->ageing_ns;
		bpf_for_each_map_elem(&xbr_fdb, sweep_one, &sc, 0);
	}
	bpf_timer_start(&tm->t, XBR_SWEEP_NS, 0);
	return 0;
}

static long flush_one(struct bpf_map *map, struct xbr_fdb_key *key, struct xbr_fdb_val *v,
		      struct sweep_ctx *sc)
{
	if (!xbr_fdb_flush_match(v->ifindex, v->flags, sc->ifindex, sc->kinds))
		return 0;
	if ((sc->kinds & XBR_FLUSH_REMOTE) &&
	    (!(v->flags & XBR_FDB_F_REMOTE) || ((v->remote[0] ^ sc->remote[0]) |
						(v->remote[1] ^ sc->remote[1]) |
						(v->remote[2] ^ sc->remote[2]) |
						(v->remote[3] ^ sc->remote[3]))))
		return 0;
	xbr_fdb_remove(map, key, v, XBR_EV_DELETED, sc->now);
	sc->count++;
	return 0;
}

static __always_inline int ctl_del(struct xbr_ctl_req *c, __u64 now)
{
	struct xbr_fdb_key key = { .vlan = c->vlan };
	struct xbr_fdb_val *v;

	__builtin_memcpy(key.mac, c->mac, ETH_ALEN);
	v = bpf_map_lookup_elem(&xbr_fdb, &key);
	if (!v)
		return -ENOENT;
	xbr_fdb_remove(&xbr_fdb, &key, v, XBR_EV_DELETED, now);
	c->count = 1;
	return 0;
}

/*
 * ctl_add - add (or with @replace, overwrite) the entry of c->mac. An entry
 * on an uplink must name the tunnel endpoint (XBR_FDB_F_REMOTE[6] and
 * c->remote; the loader checks it is one of the uplink's peers), and only an
 * entry on an uplink may.
 */
static __always_inline int ctl_add(struct xbr_ctl_req *c, __u64 now, int replace)
{
	struct xbr_fdb_key key = { .vlan = c->vlan };
	struct xbr_fdb_val nv = {
		.ifindex = c->ifindex,
		.flags = (c->flags & (XBR_FDB_F_STATIC | XBR_FDB_F_STICKY | XBR_FDB_F_REMOTE |
				      XBR_FDB_F_REMOTE6)) |
			 XBR_FDB_F_USER,
		.updated_ns = now,
		.remote = { 0, 0, 0, 0 },
	};
	struct xbr_fdb_val *v;
	struct xbr_port *p;
	__u32 ifindex = c->ifindex;
	long err;

	p = bpf_map_lookup_elem(&xbr_ports, &ifindex);
	if (!p)
		return -ENODEV; /* not a port */
	if (!(p->flags & XBR_PORT_F_TUNNEL) != !(nv.flags & XBR_FDB_F_REMOTE) ||
	    (nv.flags & (XBR_FDB_F_REMOTE | XBR_FDB_F_REMOTE6)) == XBR_FDB_F_REMOTE6)
		return -EINVAL;
	if (nv.flags & XBR_FDB_F_REMOTE)
		__builtin_memcpy(nv.remote, c->remote, sizeof(nv.remote));
	nv.flags |= xbr_fdb_out(p->flags, p->idx);
	__builtin_memcpy(key.mac, c->mac, ETH_ALEN);
	v = bpf_map_lookup_elem(&xbr_fdb, &key);
	if (v) {
		if (!replace)
			return -EEXIST;
		if (xbr_fdb_counted(v->flags))
			xbr_learned_adjust(v->ifindex, 0);
	}
	err = bpf_map_update_elem(&xbr_fdb, &key, &nv, BPF_ANY);
	if (err)
		return (int)err; /* -E2BIG: table full */
	xbr_event(XBR_EV_ADDED, c->mac, c->vlan, c->ifindex, 0, nv.flags, now);
	c->count = 1;
	return 0;
}

SEC("syscall")
int xbr_ctl(struct xbr_ctl_req *ctx)
{
	struct xbr_ctl_req req, *c = &req;
	struct sweep_ctx sc = {};
	__u64 now = xbr_now();
	__u32 zero = 0;
	struct xbr_timer *tm;

	/* Work on a stack copy: the context may only be read at fixed offsets. */
	if (bpf_probe_read_kernel(&req, sizeof(req), ctx))
		return 0;
	c->count = 0;
	switch (c->op) {
	case XBR_OP_ADD:
		c->result = ctl_add(c, now, 0);
		break;
	case XBR_OP_REPLACE:
		c->result = ctl_add(c, now, 1);
		break;
	case XBR_OP_DEL:
		c->result = ctl_del(c, now);
		break;
	case XBR_OP_FLUSH:
		sc.now = now;
		sc.ifindex = c->ifindex;
		sc.kinds = c->flags;
		__builtin_memcpy(sc.remote, c->remote, sizeof(sc.remote));
		bpf_for_each_map_elem(&xbr_fdb, flush_one, &sc, 0);
		c->count = sc.count;
		c->result = 0;
		break;
	case XBR_OP_TIMER_START:
		tm = bpf_map_lookup_elem(&xbr_timer, &zero);
		if (!tm) {
			c->result = -ENOENT;
			break;
		}
		/* -EBUSY when already initialized: fine, re-arm below. */
		bpf_timer_init(&tm->t, &xbr_timer, CLOCK_MONOTONIC);
		bpf_timer_set_callback(&tm->t, sweep_timer_cb);
		c->result = (int)bpf_timer_start(&tm->t, XBR_SWEEP_NS, 0);
		break;
	case XBR_OP_CLOCK: {
		/* One instant on both clocks, for xbr_clock_calibrate(). */
		__u64 j = bpf_jiffies64(), t = bpf_ktime_get_ns();

		c->remote[0] = (__u32)j;
		c->remote[1] = (__u32)(j >> 32);
		c->remote[2] = (__u32)t;
		c->remote[3] = (__u32)(t >> 32);
		c->result = 0;
		ctx->remote[0] = c->remote[0];
		ctx->remote[1] = c->remote[1];
		ctx->remote[2] = c->remote[2];
		ctx->remote[3] = c->remote[3];
		break;
	}
	default:
		c->result = -EINVAL;
	}
	ctx->result = c->result;
	ctx->count = c->count;
	return 0;
}
