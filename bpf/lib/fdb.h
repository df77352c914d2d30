/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The forwarding table and the forwarding decision, written once for both
 * hooks and the control programs: the clock, counters, events, learning,
 * removing an entry with its accounting, and the destination lookup. The
 * rules user space applies too (expiry, what counts against max-learned, the
 * flood rule) are in include/xbr_rules.h; the ingress prologue that calls
 * xbr_decide() is lib/ingress.h.
 */
#ifndef XBR_BPF_FDB_H
#define XBR_BPF_FDB_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
#include "xbr_rules.h"
#include "../maps.h"
#include "errnos.h"
#include "parse.h"

#if !defined(XBR_CLOCK_PRECISE)
#error "each .bpf.c defines XBR_CLOCK_PRECISE (0 or 1) before its includes"
#endif

/* Set through the skeleton's rodata by tests: read time from xbr_clock. */
const volatile __u8 xbr_test_clock = 0;

/* xbr_now - the bridge clock in ns (CLOCK_MONOTONIC, coarse). */
static __always_inline __u64 xbr_now(void)
{
	if (xbr_test_clock) {
		__u32 k = 0;
		__u64 *t = bpf_map_lookup_elem(&xbr_clock, &k);

		return t ? *t : 0;
	}
#if XBR_CLOCK_PRECISE
	return bpf_ktime_get_ns(); /* program types without the coarse clock */
#else
	return bpf_ktime_get_coarse_ns();
#endif
}

/*
 * xbr_now_cfg - the same for the per-frame path, from jiffies when the loader
 * calibrated the bridge (struct xbr_config, clk_*): a load and a multiply
 * instead of a helper call. The result may be a tick ahead of or behind the
 * coarse clock; xbr_fdb_expired() and xbr_fdb_refresh_due() take both.
 */
static __always_inline __u64 xbr_now_cfg(const struct xbr_config *cfg)
{
#if !XBR_CLOCK_PRECISE
	if (!xbr_test_clock && cfg->clk_tick_ns)
		return cfg->clk_ns + (bpf_jiffies64() - cfg->clk_jiffies) * cfg->clk_tick_ns;
#endif
	return xbr_now();
}

static __always_inline struct xbr_br_stats *xbr_get_br_stats(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&xbr_br_stats, &k);
}

/* Bump bridge-wide counter @f. The lookup happens only when a counter
 * changes (learning, moves, refusals), never for a known, fresh station. */
#define XBR_BR_INC(f)                                           \
	do {                                                    \
		struct xbr_br_stats *__bs = xbr_get_br_stats(); \
		if (__bs)                                       \
			__bs->f++;                              \
	} while (0)

static __always_inline struct xbr_port_stats *xbr_get_port_stats(__u32 idx)
{
	return bpf_map_lookup_elem(&xbr_port_stats, &idx);
}

/*
 * xbr_event - publish an FDB event. When the ring is full (nobody drains it,
 * or not fast enough) the event is lost and counted in xbr_br_stats.ev_lost:
 * the counters are looked up on that path only.
 */
static __always_inline void xbr_event(__u32 type, const __u8 *mac, __u16 vlan, __u32 ifindex,
				      __u32 old_ifindex, __u32 flags, __u64 now)
{
	struct xbr_event *e = bpf_ringbuf_reserve(&xbr_events, sizeof(*e), 0);

	if (!e) {
		XBR_BR_INC(ev_lost);
		return;
	}
	e->ts_ns = now;
	e->type = type;
	e->ifindex = ifindex;
	e->old_ifindex = old_ifindex;
	e->flags = flags & ~XBR_FDB_F_OUT_MASK;
	__builtin_memcpy(e->mac, mac, ETH_ALEN);
	e->vlan = vlan;
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
}

/* Adjust the learned-entry count of the port with record @ifindex. */
static __always_inline void xbr_learned_adjust(__u32 ifindex, int up)
{
	struct xbr_port *p = bpf_map_lookup_elem(&xbr_ports, &ifindex);
	__u32 idx, *c;

	if (!p)
		return;
	idx = p->idx;
	c = bpf_map_lookup_elem(&xbr_learned, &idx);
	if (!c)
		return;
	if (up)
		__sync_fetch_and_add(c, 1);
	else if (*c > 0)
		__sync_fetch_and_add(c, -1);
}

/*
 * xbr_fdb_remove - remove the entry @key (value @v) from @map with its
 * accounting: the learned count of its port (when the entry counts against
 * max-learned), the bridge counter and event of @ev (XBR_EV_AGED: aged, an
 * expired entry; XBR_EV_DELETED: deleted, by hand or with its port), then the
 * delete. @map is xbr_fdb, or the map a bpf_for_each_map_elem() callback was
 * handed. @v is read before the delete frees it. Every removal of an entry
 * goes through here: the learn path (an entry that expired before the sweep
 * saw it), the ageing sweep, flush and delete.
 */
static __always_inline void xbr_fdb_remove(void *map, const struct xbr_fdb_key *key,
					   const struct xbr_fdb_val *v, __u32 ev, __u64 now)
{
	__u32 ifindex = v->ifindex, flags = v->flags;

	if (xbr_fdb_counted(flags))
		xbr_learned_adjust(ifindex, 0);
	if (ev == XBR_EV_AGED)
		XBR_BR_INC(aged);
	else
		XBR_BR_INC(deleted);
	xbr_event(ev, key->mac, key->vlan, ifindex, 0, flags, now);
	bpf_map_delete_elem(map, key);
}

/*
 * The tunnel endpoint a frame from an uplink came from (lib/tunnel.h):
 * @flags XBR_FDB_F_REMOTE, with XBR_FDB_F_REMOTE6 when @addr is IPv6.
 */
struct xbr_remote {
	__u32 addr[4]; /* network byte order; IPv4 in addr[0] */
	__u32 flags;
};

#define XBR_FDB_F_REMOTE_MASK (XBR_FDB_F_REMOTE | XBR_FDB_F_REMOTE6)

/* Is entry @v behind the same tunnel endpoint as @rem? */
static __always_inline int xbr_remote_same(const struct xbr_fdb_val *v, const struct xbr_remote *rem)
{
	return (v->flags & XBR_FDB_F_REMOTE_MASK) == rem->flags &&
	       !((v->remote[0] ^ rem->addr[0]) | (v->remote[1] ^ rem->addr[1]) |
		 (v->remote[2] ^ rem->addr[2]) | (v->remote[3] ^ rem->addr[3]));
}

/*
 * xbr_learn - record that @mac was seen on port @in; @rem: the tunnel
 * endpoint when @in is an uplink, NULL for every other port (a constant
 * there: the compiler drops the remote handling from those paths).
 * - Unknown (or expired) station: inserted, unless the port is at its
 *   max-learned cap or the table is full; both refusals are counted. A full
 *   table never evicts: stations already in it keep working. A learned entry
 *   has flags 0 (but its port's XBR_FDB_F_OUT* copy), and behind an uplink
 *   REMOTE[6] with its endpoint.
 * - Known station on another port, or behind another endpoint of the same
 *   uplink: moves, unless the entry is static or sticky.
 * - Known station on this port: its timestamp is rewritten only when stale by
 *   XBR_REFRESH_NS, so a steady flow costs no map write per packet.
 */
static __always_inline void xbr_learn(const __u8 *mac, const struct xbr_port *in,
				      const struct xbr_config *cfg, __u64 now,
				      const struct xbr_remote *rem)
{
	struct xbr_fdb_key key = {};
	struct xbr_fdb_val *v;
	__u32 idx = in->idx, *cnt;
	long err;

	__builtin_memcpy(key.mac, mac, ETH_ALEN);
	v = bpf_map_lookup_elem(&xbr_fdb, &key);
	if (!v || xbr_fdb_expired(v->flags, v->updated_ns, cfg->ageing_ns, now)) {
		struct xbr_fdb_val nv = {
			.ifindex = in->ifindex,
			.flags = xbr_fdb_out(in->flags, in->idx),
			.updated_ns = now,
			.remote = { 0, 0, 0, 0 },
		};

		if (rem) {
			nv.flags |= rem->flags;
			__builtin_memcpy(nv.remote, rem->addr, sizeof(nv.remote));
		}

		/* It aged while nobody swept: account for that first. */
		if (v)
			xbr_fdb_remove(&xbr_fdb, &key, v, XBR_EV_AGED, now);
		cnt = bpf_map_lookup_elem(&xbr_learned, &idx);
		if (in->max_learned && cnt && *cnt >= in->max_learned) {
			XBR_BR_INC(refused_port);
			return;
		}
		err = bpf_map_update_elem(&xbr_fdb, &key, &nv, BPF_NOEXIST);
		if (err) {
			if (err != -EEXIST) /* another CPU learned it */
				XBR_BR_INC(refused);
			return;
		}
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
		XBR_BR_INC(learned);
		xbr_event(XBR_EV_LEARNED, mac, 0, in->ifindex, 0, nv.flags, now);
		return;
	}
	if (v->flags & XBR_FDB_F_STATIC)
		return;
	if (v->ifindex != in->ifindex || (rem && !xbr_remote_same(v, rem))) {
		__u32 old = v->ifindex;

		if (v->flags & XBR_FDB_F_STICKY)
			return;
		/* The endpoint first, the port last: a reader that sees the new
		 * port sees its endpoint (an IPv6 one may read torn meanwhile). */
		if (rem) {
			__builtin_memcpy(v->remote, rem->addr, sizeof(v->remote));
			v->flags = (v->flags & ~XBR_FDB_F_REMOTE_MASK) | rem->flags;
		} else if (v->flags & XBR_FDB_F_REMOTE_MASK) { /* back from an uplink */
			v->flags &= ~XBR_FDB_F_REMOTE_MASK;
			__builtin_memset(v->remote, 0, sizeof(v->remote));
		}
		v->ifindex = in->ifindex;
		v->flags = (v->flags & ~XBR_FDB_F_OUT_MASK) | xbr_fdb_out(in->flags, in->idx);
		v->updated_ns = now;
		if (xbr_fdb_counted(v->flags)) {
			xbr_learned_adjust(old, 0);
			cnt = bpf_map_lookup_elem(&xbr_learned, &idx);
			if (cnt)
				__sync_fetch_and_add(cnt, 1);
		}
		XBR_BR_INC(moved);
		xbr_event(XBR_EV_MOVED, mac, 0, in->ifindex, old, v->flags, now);
		return;
	}
	if (xbr_fdb_refresh_due(v->updated_ns, now))
		v->updated_ns = now;
}

/* Where a unicast leaves: what xbr_decide() tells the hook. */
struct xbr_out {
	__u32 ifindex;
	__u32 flags; /* XBR_PORT_F_PEER of the egress port (all its flags when looked up) */
	__u32 idx; /* its stats index */
	struct xbr_port *port; /* its record when looked up (always for an uplink), else NULL */
};

/*
 * xbr_decide - learn from @eth's source and choose where the frame goes.
 * @in: the ingress port's record; @cfg: bridge configuration; @rem: the
 * tunnel endpoint the frame came from when @in is an uplink, else NULL.
 * Returns XBR_V_DROP (with *reason set), XBR_V_FLOOD, or XBR_V_UNICAST with
 * *out set to the egress port.
 *
 * The egress port's record is looked up only when the entry does not carry
 * what the hook needs (XBR_FDB_F_OUT: written by an older build, or a remote
 * entry), or for the isolation rule when the ingress port is isolated. A
 * known unicast from an ordinary port costs the two table lookups.
 */
static __always_inline int xbr_decide(const struct ethhdr *eth, const struct xbr_port *in,
				      const struct xbr_config *cfg, __u64 now,
				      const struct xbr_remote *rem, struct xbr_out *out,
				      __u32 *reason)
{
	struct xbr_fdb_key key = {};
	struct xbr_fdb_val *v;
	struct xbr_port *op;
	__u32 vflags;

	if (xbr_mac_is_group(eth->h_source) || xbr_mac_is_zero(eth->h_source)) {
		*reason = XBR_DROP_BAD_SRC;
		return XBR_V_DROP;
	}

	if (in->flags & XBR_PORT_F_LOCKED) {
		__builtin_memcpy(key.mac, eth->h_source, ETH_ALEN);
		v = bpf_map_lookup_elem(&xbr_fdb, &key);
		if (!v || !(v->flags & XBR_FDB_F_STATIC) || v->ifindex != in->ifindex) {
			*reason = XBR_DROP_LOCKED;
			return XBR_V_DROP;
		}
	} else if (in->flags & XBR_PORT_F_LEARNING) {
		xbr_learn(eth->h_source, in, cfg, now, rem);
	}

	if (xbr_mac_is_group(eth->h_dest))
		return XBR_V_FLOOD;

	__builtin_memcpy(key.mac, eth->h_dest, ETH_ALEN);
	v = bpf_map_lookup_elem(&xbr_fdb, &key);
	if (!v || xbr_fdb_expired(v->flags, v->updated_ns, cfg->ageing_ns, now))
		return XBR_V_FLOOD;

	if (v->ifindex == in->ifindex && !(in->flags & XBR_PORT_F_HAIRPIN)) {
		*reason = XBR_DROP_SAME_PORT;
		return XBR_V_DROP;
	}

	vflags = v->flags;
	out->ifindex = v->ifindex;
	out->port = NULL;
	if ((vflags & (XBR_FDB_F_OUT | XBR_FDB_F_REMOTE)) == XBR_FDB_F_OUT &&
	    !(in->flags & XBR_PORT_F_ISOLATED)) {
		out->flags = (vflags & XBR_FDB_F_OUT_PEER) ? XBR_PORT_F_PEER : 0;
		out->idx = vflags >> XBR_FDB_OUT_IDX_SHIFT;
		return XBR_V_UNICAST;
	}

	op = bpf_map_lookup_elem(&xbr_ports, &out->ifindex);
	if (!op) /* entry points at a port that is gone: unknown destination */
		return XBR_V_FLOOD;

	if (!xbr_may_unicast(in->flags, op->flags)) {
		*reason = XBR_DROP_ISOLATED;
		return XBR_V_DROP;
	}

	out->flags = op->flags;
	out->idx = op->idx;
	out->port = op;
	return XBR_V_UNICAST;
}

/*
 * Counters. xbr_count_in - the ingress side of one frame, with one lookup of
 * the ingress port's counters: rx, and rx_flood for a flood or drops[@reason]
 * for a drop (@verdict: enum xbr_verdict).
 */
static __always_inline void xbr_count_in(const struct xbr_port *in, __u32 len, int verdict,
					 __u32 reason)
{
	struct xbr_port_stats *s = xbr_get_port_stats(in->idx);

	if (!s)
		return;
	s->rx_packets++;
	s->rx_bytes += len;
	if (verdict == XBR_V_FLOOD)
		s->rx_flood++;
	else if (verdict == XBR_V_DROP && reason < XBR_DROP_SLOTS)
		s->drops[reason]++;
}

/* A copy that left through the port with stats index @idx. */
static __always_inline void xbr_count_tx(__u32 idx, __u32 len)
{
	struct xbr_port_stats *s = xbr_get_port_stats(idx);

	if (!s)
		return;
	s->tx_packets++;
	s->tx_bytes += len;
}

/* A drop after the decision (a redirect that failed), on the ingress port. */
static __always_inline void xbr_count_drop(const struct xbr_port *in, __u32 reason)
{
	struct xbr_port_stats *s = xbr_get_port_stats(in->idx);

	if (!s)
		return;
	if (reason < XBR_DROP_SLOTS)
		s->drops[reason]++;
}

#endif /* XBR_BPF_FDB_H */
