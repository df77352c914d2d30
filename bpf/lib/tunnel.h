/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The VXLAN uplink's part of the tc datapath (docs/design.md, "One segment
 * across hosts (VXLAN)"). An uplink is a port whose device is the kernel's
 * VXLAN device in external (collect_md) mode: the device decapsulates what
 * arrives and encapsulates what is sent into it, and the tunnel key (VNI,
 * remote endpoint) travels beside the frame as skb metadata. This file reads
 * and sets those keys, and only paths taken for a port with XBR_PORT_F_TUNNEL
 * get here:
 *   rx       xbr_tunnel_decide(): the key of a frame from an uplink is checked
 *            (the uplink's VNI, one of its peers) and its source MAC learned
 *            with that remote endpoint (xbr_decide() with a remote);
 *   unicast  xbr_tunnel_unicast(): to a station behind a remote endpoint:
 *            that endpoint's key, then bpf_redirect() into the device;
 *   flood    xbr_tunnel_flood(): the uplink's slot of the flood list becomes
 *            one copy per peer, each with its key (head-end replication).
 * Split horizon needs no code of its own: a frame from an uplink never goes
 * back into it, because the flood loop skips the ingress port and a unicast
 * to a station behind the same uplink is a same-port drop.
 *
 * tc only: XDP never runs on an uplink and hands frames bound for one to tc
 * (xbr_xdp.bpf.c). lib/ingress.h includes it in an object that defines
 * XBR_VARIANT_TUNNEL 1 (xbr_tc.bpf.c).
 */
#ifndef XBR_BPF_TUNNEL_H
#define XBR_BPF_TUNNEL_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xbr.h"
#include "../maps.h"
#include "fdb.h"

#if !XBR_VARIANT_TUNNEL
#error "lib/tunnel.h is for an object that defines XBR_VARIANT_TUNNEL 1"
#endif

/* The outer header's hop limit. */
#define XBR_TUNNEL_TTL 64

/*
 * Tests only (set through rodata): BPF_PROG_TEST_RUN cannot give a frame
 * tunnel metadata (that needs the VXLAN device's metadata dst), so with the
 * knob on, the key of a frame "from an uplink" is xbr_test_rx_key (or the
 * error xbr_test_rx_err), and each key set for a frame going out is recorded
 * in xbr_test_tx_key/xbr_test_tx_flags. The verifier drops it all when 0.
 */
const volatile __u8 xbr_test_tunnel = 0;
struct bpf_tunnel_key xbr_test_rx_key = {};
__s32 xbr_test_rx_err = 0;
struct bpf_tunnel_key xbr_test_tx_key = {};
__u64 xbr_test_tx_flags = 0;

/* The tunnel key of @skb (IPv6 underlay: @v6). 0 or a negative errno. */
static __always_inline long xbr_tunnel_get_key(struct __sk_buff *skb, struct bpf_tunnel_key *key,
					       int v6)
{
	if (xbr_test_tunnel) {
		*key = xbr_test_rx_key;
		return xbr_test_rx_err;
	}
	return bpf_skb_get_tunnel_key(skb, key, sizeof(*key), v6 ? BPF_F_TUNINFO_IPV6 : 0);
}

/* Give @skb the tunnel key of uplink @up toward endpoint @addr (IPv6: @v6). */
static __always_inline long xbr_tunnel_set_key(struct __sk_buff *skb, const struct xbr_port *up,
					       const __u32 *addr, int v6)
{
	struct bpf_tunnel_key key = {};
	__u64 flags = 0;

	key.tunnel_id = up->vni;
	key.tunnel_ttl = XBR_TUNNEL_TTL;
	if (v6) {
		__builtin_memcpy(key.remote_ipv6, addr, 16);
		__builtin_memcpy(key.local_ipv6, up->local, 16);
		flags = BPF_F_TUNINFO_IPV6;
	} else {
		/* The helper takes IPv4 addresses in host order. */
		key.remote_ipv4 = bpf_ntohl(addr[0]);
		key.local_ipv4 = bpf_ntohl(up->local[0]);
	}
	if (xbr_test_tunnel) {
		xbr_test_tx_key = key;
		xbr_test_tx_flags = flags;
	}
	return bpf_skb_set_tunnel_key(skb, &key, sizeof(key), flags);
}

/*
 * A frame larger than uplink @up carries? Frames up to its MTU pass with one
 * compare; a longer one is a GSO super-frame whose segments may fit, which
 * bpf_check_mtu() works out against the device. 1 when too big.
 */
static __always_inline int xbr_tunnel_too_big(struct __sk_buff *skb, const struct xbr_port *up)
{
	__u32 mtu_len = 0;

	if (!up->mtu || skb->len <= up->mtu + ETH_HLEN)
		return 0;
	return bpf_check_mtu(skb, up->ifindex, &mtu_len, 0, 0) != BPF_MTU_CHK_RET_SUCCESS;
}

struct xbr_peer_scan {
	const struct xbr_remote *rem;
	__u32 ifindex;
	__u32 found;
};

static long xbr_peer_match(__u32 slot, struct xbr_peer_scan *ps)
{
	struct xbr_peer *p = bpf_map_lookup_elem(&xbr_peers, &slot);
	const __u32 *a;

	if (!p)
		return 1;
	a = ps->rem->addr;
	if (p->ifindex != ps->ifindex ||
	    !!(p->flags & XBR_PEER_F_V6) != !!(ps->rem->flags & XBR_FDB_F_REMOTE6) ||
	    ((p->remote[0] ^ a[0]) | (p->remote[1] ^ a[1]) | (p->remote[2] ^ a[2]) |
	     (p->remote[3] ^ a[3])))
		return 0;
	ps->found = 1;
	return 1;
}

/*
 * xbr_tunnel_decide - xbr_decide() for a frame from uplink @in: its tunnel
 * key must carry the uplink's VNI and come from one of the uplink's peers
 * (a scan of xbr_peers, npeers long), else the frame is dropped as
 * XBR_DROP_TUNNEL; then the source is learned behind that endpoint.
 */
static __always_inline int xbr_tunnel_decide(struct __sk_buff *skb, const struct ethhdr *eth,
					     const struct xbr_port *in,
					     const struct xbr_config *cfg, __u64 now,
					     struct xbr_out *out, __u32 *reason)
{
	struct bpf_tunnel_key key = {};
	struct xbr_remote rem = {};
	struct xbr_peer_scan ps = { .rem = &rem, .ifindex = in->ifindex };
	int v6 = in->tun_flags & XBR_PEER_F_V6;
	__u32 n = cfg->npeers;

	if (xbr_tunnel_get_key(skb, &key, v6) || key.tunnel_id != in->vni)
		goto drop;
	if (v6) {
		__builtin_memcpy(rem.addr, key.remote_ipv6, 16);
		rem.flags = XBR_FDB_F_REMOTE | XBR_FDB_F_REMOTE6;
	} else {
		rem.addr[0] = bpf_htonl(key.remote_ipv4);
		rem.flags = XBR_FDB_F_REMOTE;
	}
	if (n > XBR_MAX_PEERS)
		n = XBR_MAX_PEERS;
	bpf_loop(n, xbr_peer_match, &ps, 0);
	if (!ps.found)
		goto drop;
	return xbr_decide(eth, in, cfg, now, &rem, out, reason);
drop:
	*reason = XBR_DROP_TUNNEL;
	return XBR_V_DROP;
}

/*
 * xbr_tunnel_unicast - send the frame entering on @in to the station behind
 * uplink @out, counted like a unicast (tx on @out, or a drop on @in).
 * The decision found the destination's entry; its endpoint is read again
 * here (the station path does not carry it). Returns the tc verdict.
 */
static __always_inline int xbr_tunnel_unicast(struct __sk_buff *skb, const struct xbr_port *in,
					      const struct xbr_port *out, __u32 len)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct xbr_fdb_key k = {};
	struct xbr_fdb_val *v;
	__u32 reason = XBR_DROP_REDIRECT;

	if ((void *)(eth + 1) > data_end)
		goto drop;
	__builtin_memcpy(k.mac, eth->h_dest, ETH_ALEN);
	v = bpf_map_lookup_elem(&xbr_fdb, &k);
	/* Gone or moved since the decision (a race with learning): not sent. */
	if (!v || !(v->flags & XBR_FDB_F_REMOTE) || v->ifindex != out->ifindex)
		goto drop;
	if (xbr_tunnel_too_big(skb, out)) {
		reason = XBR_DROP_TOO_BIG;
		goto drop;
	}
	if (xbr_tunnel_set_key(skb, out, v->remote, v->flags & XBR_FDB_F_REMOTE6))
		goto drop;
	if (bpf_redirect(out->ifindex, 0) != TC_ACT_REDIRECT)
		goto drop;
	xbr_count_tx(out->idx, len);
	return TC_ACT_REDIRECT;
drop:
	xbr_count_drop(in, reason);
	return TC_ACT_SHOT;
}

struct xbr_tunnel_flood_ctx {
	struct __sk_buff *skb;
	const struct xbr_port *up;
	__u32 sent;
	__u32 failed;
};

static long xbr_tunnel_flood_one(__u32 slot, struct xbr_tunnel_flood_ctx *c)
{
	struct xbr_peer *p = bpf_map_lookup_elem(&xbr_peers, &slot);

	if (!p)
		return 1;
	if (p->ifindex != c->up->ifindex)
		return 0;
	/*
	 * The key lives in a per-CPU metadata dst shared by every call: this
	 * works because the copy is encapsulated before bpf_clone_redirect()
	 * returns (the VXLAN device has no queue) and the next key is set only
	 * then.
	 */
	if (xbr_tunnel_set_key(c->skb, c->up, p->remote, p->flags & XBR_PEER_F_V6) ||
	    bpf_clone_redirect(c->skb, c->up->ifindex, 0))
		c->failed++;
	else
		c->sent++;
	return 0;
}

/*
 * xbr_tunnel_flood - the flood copies of the frame entering on @in for the
 * uplink with ifindex @up_ifindex: one per peer of that uplink. Each copy
 * sent counts as tx on the uplink, each that could not leave as a redirect
 * drop on @in; a frame too big for the tunnel is one too-big drop on @in.
 * Returns the number of copies sent.
 */
static __always_inline __u32 xbr_tunnel_flood(struct __sk_buff *skb, const struct xbr_port *in,
					      __u32 up_ifindex, __u32 len)
{
	struct xbr_tunnel_flood_ctx c = { .skb = skb };
	struct xbr_port_stats *s;
	struct xbr_config *cfg;
	__u32 zero = 0, n;

	c.up = bpf_map_lookup_elem(&xbr_ports, &up_ifindex);
	cfg = bpf_map_lookup_elem(&xbr_config, &zero);
	if (!c.up || !cfg)
		return 0;
	if (xbr_tunnel_too_big(skb, c.up)) {
		xbr_count_drop(in, XBR_DROP_TOO_BIG);
		return 0;
	}
	n = cfg->npeers;
	if (n > XBR_MAX_PEERS)
		n = XBR_MAX_PEERS;
	bpf_loop(n, xbr_tunnel_flood_one, &c, 0);
	if (c.sent) {
		s = xbr_get_port_stats(c.up->idx);
		if (s) {
			s->tx_packets += c.sent;
			s->tx_bytes += (__u64)c.sent * len;
		}
	}
	if (c.failed) {
		s = xbr_get_port_stats(in->idx);
		if (s)
			s->drops[XBR_DROP_REDIRECT] += c.failed;
	}
	return c.sent;
}

#endif /* XBR_BPF_TUNNEL_H */
