/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The forwarding decision, written once for both hooks: source checks,
 * learning, and destination lookup. tc and XDP differ only in how they carry
 * out the verdict (redirect helpers, flood mechanism).
 */
#ifndef XBR_BPF_FDB_H
#define XBR_BPF_FDB_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
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
	return bpf_ktime_get_coarse_ns();
}

/* True when a dynamic entry has outlived the ageing time. */
static __always_inline int xbr_fdb_expired(const struct xbr_fdb_val *v,
					   const struct xbr_config *cfg, __u64 now)
{
	if (v->flags & XBR_FDB_F_STATIC)
		return 0;
	return now - v->updated_ns > cfg->ageing_ns;
}

/*
 * xbr_learn - record that @mac was seen on port @in.
 * New stations are inserted, moved stations follow unless their entry is
 * static or sticky, and a known station's timestamp is rewritten only when it
 * is stale by XBR_REFRESH_NS: no map write per packet for a steady flow.
 * An expired entry is treated as absent (replaced whole, flags included).
 * A full table refuses the new station (static entries are never evicted).
 */
static __always_inline void xbr_learn(const __u8 *mac, const struct xbr_port *in,
				      const struct xbr_config *cfg, __u64 now)
{
	struct xbr_fdb_key key = {};
	struct xbr_fdb_val *v;

	__builtin_memcpy(key.mac, mac, ETH_ALEN);
	v = bpf_map_lookup_elem(&xbr_fdb, &key);
	if (!v || xbr_fdb_expired(v, cfg, now)) {
		struct xbr_fdb_val nv = {
			.ifindex = in->ifindex,
			.flags = 0,
			.updated_ns = now,
		};

		bpf_map_update_elem(&xbr_fdb, &key, &nv, BPF_ANY);
		return;
	}
	if (v->flags & XBR_FDB_F_STATIC)
		return;
	if (v->ifindex != in->ifindex) {
		if (v->flags & XBR_FDB_F_STICKY)
			return;
		v->ifindex = in->ifindex;
		v->updated_ns = now;
		return;
	}
	if (now - v->updated_ns >= XBR_REFRESH_NS)
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
	if (!v || xbr_fdb_expired(v, cfg, now))
		return XBR_V_FLOOD;

	if (v->ifindex == in->ifindex && !(in->flags & XBR_PORT_F_HAIRPIN)) {
		*reason = XBR_DROP_SAME_PORT;
		return XBR_V_DROP;
	}

	op = bpf_map_lookup_elem(&xbr_ports, &v->ifindex);
	if (!op) /* entry points at a port that is gone: unknown destination */
		return XBR_V_FLOOD;

	if ((in->flags & op->flags) & XBR_PORT_F_ISOLATED) {
		*reason = XBR_DROP_ISOLATED;
		return XBR_V_DROP;
	}

	*out = op;
	return XBR_V_UNICAST;
}

/*
 * xbr_flood_allowed - may a flood from @in leave through flood entry @fe?
 * Not back out of the ingress port, not to flood-off ports, and not between
 * two isolated ports.
 */
static __always_inline int xbr_flood_allowed(const struct xbr_port *in,
					     const struct xbr_flood_ent *fe)
{
	if (fe->ifindex == in->ifindex || !fe->ifindex)
		return 0;
	if (!(fe->flags & XBR_PORT_F_FLOOD))
		return 0;
	if ((in->flags & fe->flags) & XBR_PORT_F_ISOLATED)
		return 0;
	return 1;
}

#endif /* XBR_BPF_FDB_H */
