/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The forwarding decision, written once for both hooks: source checks,
 * learning, destination lookup, counters and events. tc and XDP differ only
 * in how they carry out the verdict (redirect helpers, flood mechanism). The
 * rules user space applies too (expiry, what counts against max-learned, the
 * flood rule) are in include/xbr_rules.h.
 */
#ifndef XBR_BPF_FDB_H
#define XBR_BPF_FDB_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
#include "xbr_rules.h"
#include "../maps.h"
#include "parse.h"

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
#ifdef XBR_CLOCK_PRECISE
	return bpf_ktime_get_ns(); /* program types without the coarse clock */
#else
	return bpf_ktime_get_coarse_ns();
#endif
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

/* xbr_event - publish an FDB event; silently lost when nobody drains the ring. */
static __always_inline void xbr_event(__u32 type, const __u8 *mac, __u16 vlan, __u32 ifindex,
				      __u32 old_ifindex, __u32 flags, __u64 now)
{
	struct xbr_event *e = bpf_ringbuf_reserve(&xbr_events, sizeof(*e), 0);

	if (!e)
		return;
	e->ts_ns = now;
	e->type = type;
	e->ifindex = ifindex;
	e->old_ifindex = old_ifindex;
	e->flags = flags;
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
 * xbr_learn - record that @mac was seen on port @in.
 * - Unknown (or expired) station: inserted, unless the port is at its
 *   max-learned cap or the table is full; both refusals are counted. A full
 *   table never evicts: stations already in it keep working. A learned entry
 *   is local: flags 0, no remote endpoint.
 * - Known station on another port: moves, unless the entry is static or sticky.
 * - Known station on this port: its timestamp is rewritten only when stale by
 *   XBR_REFRESH_NS, so a steady flow costs no map write per packet.
 */
static __always_inline void xbr_learn(const __u8 *mac, const struct xbr_port *in,
				      const struct xbr_config *cfg, __u64 now)
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
			.flags = 0,
			.updated_ns = now,
			.remote = { 0, 0, 0, 0 },
		};

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
			if (err != -17) /* EEXIST: another CPU learned it */
				XBR_BR_INC(refused);
			return;
		}
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
		XBR_BR_INC(learned);
		xbr_event(XBR_EV_LEARNED, mac, 0, in->ifindex, 0, 0, now);
		return;
	}
	if (v->flags & XBR_FDB_F_STATIC)
		return;
	if (v->ifindex != in->ifindex) {
		__u32 old = v->ifindex;

		if (v->flags & XBR_FDB_F_STICKY)
			return;
		v->ifindex = in->ifindex;
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

/*
 * xbr_decide - learn from @eth's source and choose where the frame goes.
 * @in: the ingress port's record; @cfg: bridge configuration.
 * Returns XBR_V_DROP (with *reason set), XBR_V_FLOOD, or XBR_V_UNICAST with
 * *out set to the egress port's record.
 */
static __always_inline int xbr_decide(const struct ethhdr *eth, const struct xbr_port *in,
				      const struct xbr_config *cfg, __u64 now,
				      struct xbr_port **out, __u32 *reason)
{
	struct xbr_fdb_key key = {};
	struct xbr_fdb_val *v;
	struct xbr_port *op;

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
		xbr_learn(eth->h_source, in, cfg, now);
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

	op = bpf_map_lookup_elem(&xbr_ports, &v->ifindex);
	if (!op) /* entry points at a port that is gone: unknown destination */
		return XBR_V_FLOOD;

	if (!xbr_may_unicast(in->flags, op->flags)) {
		*reason = XBR_DROP_ISOLATED;
		return XBR_V_DROP;
	}

	*out = op;
	return XBR_V_UNICAST;
}

/*
 * xbr_flood_allowed - may a flood from @in leave through flood entry @fe?
 * Not back out of the ingress port (nor to a cleared slot), and as
 * xbr_may_flood() says.
 */
static __always_inline int xbr_flood_allowed(const struct xbr_port *in,
					     const struct xbr_flood_ent *fe)
{
	if (fe->ifindex == in->ifindex || !fe->ifindex)
		return 0;
	return xbr_may_flood(in->flags, fe->flags);
}

/* Counters: rx on the ingress port, tx on an egress port, drops by reason. */
static __always_inline void xbr_count_rx(const struct xbr_port *in, __u32 len, int flood)
{
	struct xbr_port_stats *s = xbr_get_port_stats(in->idx);

	if (!s)
		return;
	s->rx_packets++;
	s->rx_bytes += len;
	if (flood)
		s->rx_flood++;
}

static __always_inline void xbr_count_tx(__u32 idx, __u32 len)
{
	struct xbr_port_stats *s = xbr_get_port_stats(idx);

	if (!s)
		return;
	s->tx_packets++;
	s->tx_bytes += len;
}

static __always_inline void xbr_count_drop(const struct xbr_port *in, __u32 reason)
{
	struct xbr_port_stats *s = xbr_get_port_stats(in->idx);

	if (!s)
		return;
	if (reason < XBR_DROP_SLOTS)
		s->drops[reason]++;
}

/*
 * xbr_spoof_ok - on a spoof-checked port, may this frame enter?
 * The source MAC must be the station's; ARP must carry the station's MAC and
 * IPv4 address (or 0.0.0.0, a probe); IPv4 the station's address (or 0.0.0.0,
 * DHCP); IPv6 the station's address, its EUI-64 link-local address, or ::
 * (duplicate address detection). Other EtherTypes, VLAN tags included, are
 * refused: nothing else can be checked. @tag_outside: the hook already took a
 * VLAN tag out of the frame into metadata (tc does; XDP sees it in the frame).
 * Returns 1 when the frame may enter, 0 when it must be dropped.
 */
static __always_inline int xbr_spoof_ok(void *data, void *data_end, const struct xbr_port *in,
					const struct xbr_config *cfg, int tag_outside)
{
	struct ethhdr *eth = data;
	__u8 *l3 = (void *)(eth + 1);
	__u16 proto;

	if (tag_outside || (void *)(eth + 1) > data_end)
		return 0;
	if (!xbr_mac_eq(eth->h_source, in->mac))
		return 0;
	proto = eth->h_proto;
	if (proto == __builtin_bswap16(ETH_P_ARP)) {
		struct xbr_arp_ipv4 *arp = (void *)l3;

		if ((void *)(arp + 1) > data_end)
			return 0;
		if (arp->hrd != __builtin_bswap16(1) || arp->pro != __builtin_bswap16(ETH_P_IP) ||
		    arp->hln != 6 || arp->pln != 4)
			return 0;
		if (!xbr_mac_eq(arp->sha, in->mac))
			return 0;
		return arp->sip == in->addr || arp->sip == 0;
	}
	if (proto == __builtin_bswap16(ETH_P_IP)) {
		struct xbr_ipv4_min *ip = (void *)l3;

		if ((void *)(ip + 1) > data_end)
			return 0;
		return ip->saddr == in->addr || ip->saddr == 0;
	}
	if (proto == __builtin_bswap16(ETH_P_IPV6)) {
		struct xbr_ipv6_min *ip6 = (void *)l3;
		union {
			__u8 b[16];
			__u32 w[4];
		} want;
		int i;

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		/* :: (DAD) */
		if (!(ip6->saddr[0] | ip6->saddr[1] | ip6->saddr[2] | ip6->saddr[3]))
			return 1;
		/* fe80::/64 with the EUI-64 of the station MAC */
		want.b[0] = 0xfe;
		want.b[1] = 0x80;
		for (i = 2; i < 8; i++)
			want.b[i] = 0;
		want.b[8] = in->mac[0] ^ 2;
		want.b[9] = in->mac[1];
		want.b[10] = in->mac[2];
		want.b[11] = 0xff;
		want.b[12] = 0xfe;
		want.b[13] = in->mac[3];
		want.b[14] = in->mac[4];
		want.b[15] = in->mac[5];
		if (xbr_in6_eq(ip6->saddr, want.w))
			return 1;
		/* the bridge prefix (stored with its host bits cleared, and at most
		 * 96 bits long) + the station's IPv4 address (user/parse.c) */
		if (!cfg->plen6)
			return 0;
		__builtin_memcpy(want.b, cfg->subnet6, 12);
		want.w[3] = in->addr;
		return xbr_in6_eq(ip6->saddr, want.w);
	}
	return 0;
}

#endif /* XBR_BPF_FDB_H */
