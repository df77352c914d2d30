// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr tc datapath: one program on the tc ingress hook (clsact) of every
 * host-side port. A frame sent by a namespace enters here; the ingress
 * prologue shared with XDP (xbr_ingress() in lib/ingress.h) checks, counts and
 * decides, and this file carries the decision out while the skb keeps its GSO
 * and checksum state:
 *   known unicast -> bpf_redirect_peer() straight into the destination
 *                    namespace (bpf_redirect() for the host's gateway port;
 *                    the endpoint's tunnel key, then bpf_redirect(), for a
 *                    station behind an uplink: lib/tunnel.h),
 *   flood         -> one bpf_clone_redirect() per allowed port (bpf_loop) but
 *                    the last, which gets the frame itself (as unicast); one
 *                    clone per peer for an uplink,
 *   reply         -> an ARP/ND answer made by the bridge (lib/neigh.h) written
 *                    over the request and sent back to the asking station,
 *   drop          -> TC_ACT_SHOT, counted by reason.
 * The same program runs on uplinks (VXLAN devices), where the ingress
 * prologue reads the tunnel key of each frame (lib/tunnel.h).
 */

/* This object's variant: what the shared headers compile in (each .bpf.c
 * says both; no header defines them). */
#define XBR_VARIANT_TUNNEL 1 /* runs on uplinks too: the tunnel branch (lib/tunnel.h) */
#define XBR_CLOCK_PRECISE 0 /* the coarse clock and jiffies (lib/fdb.h xbr_now) */

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
#include "maps.h"
#include "lib/tunnel.h"
#include "lib/ingress.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct flood_ctx {
	struct __sk_buff *skb;
	const struct xbr_port *in;
	__u32 len;
	__u32 sent;
	/* The frame is unicast: the gateway port takes it only when it is for
	 * the host itself (xbr_flood_to_gateway()); @dst is its destination. */
	__u32 ucast;
	__u8 dst[ETH_ALEN];
	/* The last port found that may receive the flood: it gets the original
	 * frame once the loop is done (no clone), the others a clone each.
	 * Never an uplink: those take a clone per peer, with its tunnel key. */
	__u32 last_ifindex;
	__u16 last_flags;
	__u16 last_idx;
};

/* Send a clone out of the port @ifindex (stats index @idx), counted. */
static __always_inline void flood_clone(struct flood_ctx *fc, __u32 ifindex, __u32 idx)
{
	if (bpf_clone_redirect(fc->skb, ifindex, 0) == 0) {
		xbr_count_tx(idx, fc->len);
		fc->sent++;
	} else {
		/* The copy could not leave (port down or gone): counted, not lost. */
		xbr_count_drop(fc->in, XBR_DROP_REDIRECT);
	}
}

static long flood_one(__u32 slot, struct flood_ctx *fc)
{
	struct xbr_flood_ent *fe = bpf_map_lookup_elem(&xbr_flood, &slot);

	if (!fe)
		return 1;
	/* Never back out of the ingress port; a cleared slot has ifindex 0. */
	if (!fe->ifindex || fe->ifindex == fc->in->ifindex ||
	    !xbr_may_flood(fc->in->flags, fe->flags))
		return 0;
	if ((fe->flags & XBR_PORT_F_GATEWAY) && fc->ucast) {
		__u32 ifindex = fe->ifindex;
		struct xbr_port *gw = bpf_map_lookup_elem(&xbr_ports, &ifindex);

		if (!gw || !xbr_flood_to_gateway(fc->dst, gw->mac))
			return 0;
	}
	if (fe->flags & XBR_PORT_F_TUNNEL) { /* an uplink: a copy per peer */
		fc->sent += xbr_tunnel_flood(fc->skb, fc->in, fe->ifindex, fc->len);
		return 0;
	}
	/* The port found before this one gets its clone now; this one waits. */
	if (fc->last_ifindex)
		flood_clone(fc, fc->last_ifindex, fc->last_idx);
	fc->last_ifindex = fe->ifindex;
	fc->last_flags = fe->flags;
	fc->last_idx = fe->idx;
	return 0;
}

/*
 * xbr_send - send the frame itself out of port @ifindex (flags @flags, stats
 * index @idx): into the namespace's end with bpf_redirect_peer() when the
 * port's peer is in another namespace, else out of the port (bpf_redirect()).
 * Counts tx, or a redirect drop on the ingress port @in. Returns the verdict.
 */
static __always_inline int xbr_send(const struct xbr_port *in, __u32 ifindex, __u32 flags,
				    __u32 idx, __u32 len)
{
	long ret;

	if (flags & XBR_PORT_F_PEER)
		ret = bpf_redirect_peer(ifindex, 0);
	else
		ret = bpf_redirect(ifindex, 0);
	/* The helpers fail only on bad flags; a redirect that fails later
	 * (destination down) shows in the kernel's device drop counters. */
	if (ret == TC_ACT_REDIRECT)
		xbr_count_tx(idx, len);
	else
		xbr_count_drop(in, XBR_DROP_REDIRECT);
	return (int)ret;
}

/*
 * tc_reply - write the answer for the station of port @p over the request in
 * @skb (lib/neigh.h) and send it back to the station that asked, on @in. A
 * subprogram of its own (not inlined): the reply is built on its stack.
 */
static __noinline int tc_reply(struct __sk_buff *skb, const struct xbr_port *in,
			       const struct xbr_port *p, __u32 nd, __u32 len)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct xbr_reply rep;
	__u32 n;

	if (!in || !p || xbr_neigh_build(data, data_end, p, nd, &rep))
		goto drop;
	/* The answer over the request (the frame is at least that long). */
	n = rep.len == XBR_NA_LEN ? XBR_NA_LEN : XBR_ARP_LEN;
	if (bpf_skb_store_bytes(skb, 0, rep.f.b, n, BPF_F_RECOMPUTE_CSUM))
		goto drop;
	/* The request was broadcast or multicast; the answer is for the asker
	 * alone (redirect_peer does not look at the MACs again, and ARP takes
	 * a broadcast reply as less sure, NUD_STALE). */
	bpf_skb_change_type(skb, 0 /* PACKET_HOST */);
	return xbr_send(in, in->ifindex, in->flags, in->idx, len);
drop:
	if (in)
		xbr_count_drop(in, XBR_DROP_REDIRECT);
	return TC_ACT_SHOT;
}

/*
 * tc_dns - answer the DNS query in @skb (to the gateway, its UDP header at
 * @l4, IPv6 when @v6) when it is the bridge's to answer (lib/dns.h): the
 * answer replaces the frame and goes back to the station that asked, on @in.
 * Returns the verdict, or -1: not answered here, the query goes on to the
 * gateway as it is. A subprogram of its own, like tc_reply.
 */
static __noinline int tc_dns(struct __sk_buff *skb, const struct xbr_port *in,
			     const struct xbr_config *cfg, __u32 l4, __u32 v6)
{
	struct xbr_dns_buf *s;
	__u32 zero = 0, n = skb->len, out;

	s = bpf_map_lookup_elem(&xbr_dns_buf, &zero);
	if (!s || !in || !cfg)
		return -1;
	if (n > XBR_DNS_LOAD)
		n = XBR_DNS_LOAD;
	if (n < ETH_HLEN + 20 + 8 + 12)
		return -1;
	n = XBR_DNS_MASK(n - 1, 511) + 1; /* 1..512 as the verifier sees it */
	if (bpf_skb_load_bytes(skb, 0, s->b, n))
		return -1;
	out = xbr_dns_answer(s, n, skb->len, l4, v6, cfg);
	if (!out)
		return -1;
	/* 1..512 as the verifier sees it (an answer is at most 437 bytes) */
	out = XBR_DNS_MASK(out - 1, 511) + 1;
	if (out < ETH_HLEN + 20 + 8 + 12)
		return TC_ACT_SHOT;
	if (bpf_skb_change_tail(skb, out, 0) ||
	    bpf_skb_store_bytes(skb, 0, s->b, out, BPF_F_RECOMPUTE_CSUM)) {
		xbr_count_drop(in, XBR_DROP_REDIRECT);
		return TC_ACT_SHOT;
	}
	bpf_skb_change_type(skb, 0 /* PACKET_HOST */);
	xbr_dns_count(s);
	return xbr_send(in, in->ifindex, in->flags, in->idx, out);
}

SEC("tc")
int xbr_tc_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	/* A VLAN tag taken into skb metadata still counts, as in XDP. */
	__u32 len = skb->len + (skb->vlan_present ? 4 : 0);
	struct xbr_ingress r;
	int verdict;

	/* At tc ingress a VLAN tag is already in skb metadata, not the frame. */
	verdict = xbr_ingress(skb, data, data_end, skb->ifindex, len, skb->vlan_present, &r);
	if (verdict == XBR_V_UNICAST) {
		if ((r.out.flags & XBR_PORT_F_TUNNEL) && r.out.port) /* an uplink: looked up */
			return xbr_tunnel_unicast(skb, r.in, r.out.port, len); /* counts */
		if (r.dns_l4) {
			int v = tc_dns(skb, r.in, r.cfg, r.dns_l4, r.dns_v6);

			if (v >= 0)
				return v;
			XBR_BR_INC(dns_forwarded);
		}
		return xbr_send(r.in, r.out.ifindex, r.out.flags, r.out.idx, len);
	}
	if (verdict == XBR_V_REPLY)
		return tc_reply(skb, r.in, r.ans.port, r.ans.nd, len);
	if (verdict == XBR_V_FLOOD && r.dns_l4) {
		int v = tc_dns(skb, r.in, r.cfg, r.dns_l4, r.dns_v6);

		if (v >= 0) {
			xbr_ingress_unflood(r.in); /* answered: nothing flooded */
			return v;
		}
		XBR_BR_INC(dns_forwarded);
		/* the packet may have been read, never changed: flood it */
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
	}
	if (verdict == XBR_V_FLOOD) {
		struct flood_ctx fc = { .skb = skb, .in = r.in, .len = len };
		struct ethhdr *eth = data; /* xbr_ingress() checked its length */
		__u32 n = r.cfg->nports;

		if ((void *)(eth + 1) > data_end)
			return TC_ACT_SHOT;
		if (!(eth->h_dest[0] & 1)) {
			fc.ucast = 1;
			__builtin_memcpy(fc.dst, eth->h_dest, ETH_ALEN);
		}

		if (n > XBR_MAX_PORTS)
			n = XBR_MAX_PORTS;
		bpf_loop(n, flood_one, &fc, 0);
		/* As the kernel bridge: n - 1 clones, and the frame itself to
		 * the last port (by redirect_peer into a namespace: no backlog). */
		if (fc.last_ifindex)
			return xbr_send(r.in, fc.last_ifindex, fc.last_flags, fc.last_idx, len);
		return TC_ACT_SHOT; /* no port but uplinks (or none) may receive it */
	}
	/* Dropped (counted by reason), or not (or no longer) a port of this bridge. */
	return TC_ACT_SHOT;
}
