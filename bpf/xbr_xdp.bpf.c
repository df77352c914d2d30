// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr XDP datapath: the same ingress prologue and forwarding decision as
 * xbr_tc.bpf.c (the shared xbr_ingress() in lib/ingress.h, over the same
 * pinned maps), carried out with devmaps instead of skb redirect helpers:
 *   known unicast -> bpf_redirect_map() into xbr_xdp_tx, keyed by ifindex,
 *   flood         -> one bpf_redirect_map(BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS)
 *                    over the devmap holding exactly the ports that may receive
 *                    a flood from this ingress port (the loader keeps two: one
 *                    for non-isolated and one for isolated ingress ports,
 *                    filled by the rule xbr_may_flood() of xbr_rules.h),
 *   reply         -> an ARP/ND answer made by the bridge (lib/neigh.h) written
 *                    over the request, redirected back out of the ingress port
 *                    through xbr_xdp_tx (not XDP_TX: see there),
 *   drop          -> XDP_DROP, counted by reason.
 * Every devmap entry carries xbr_xdp_egress, which runs once per copy with the
 * egress ifindex and counts it as tx on that port, broadcast copies included.
 *
 * Uplinks (VXLAN devices) run no XDP and are in no devmap: the tunnel key is
 * skb metadata. A frame bound for one (a unicast to a station behind an
 * uplink, or a flood while the bridge has VXLAN peers) is handed to the tc
 * program, which stays attached below XDP: xbr_xdp_to_tc().
 */

/* This object's variant: what the shared headers compile in (each .bpf.c
 * says both; no header defines them). */
#define XBR_VARIANT_TUNNEL 0 /* never on an uplink: no tunnel branch */
#define XBR_CLOCK_PRECISE 0 /* the coarse clock and jiffies (lib/fdb.h xbr_now) */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
#include "maps.h"
#include "lib/ingress.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Unicast egress: every port, keyed by host-side ifindex. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} xbr_xdp_tx SEC(".maps");

/* Flood from a non-isolated port: every port with XBR_PORT_F_FLOOD. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} xbr_xdp_flood SEC(".maps");

/* Flood from an isolated port: ports with XBR_PORT_F_FLOOD and not ISOLATED. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} xbr_xdp_flood_iso SEC(".maps");

/* Loader state: a port's namespace-end offload settings saved before XDP mode
 * changed them, restored when the bridge goes back to tc. Never read here. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xbr_dp_saved);
} xbr_dp_saved SEC(".maps");

/*
 * Tests only (set through rodata): record each decision in xbr_xdp_last, since
 * BPF_PROG_TEST_RUN reports XDP_REDIRECT but not where to. The verifier
 * removes the stores when the knob is 0.
 */
const volatile __u8 xbr_xdp_trace = 0;
struct xbr_xdp_decision xbr_xdp_last = {};

static __always_inline void trace(__u32 verdict, __u32 out, __u32 flood_map, __u32 reason)
{
	if (!xbr_xdp_trace)
		return;
	xbr_xdp_last.verdict = verdict;
	xbr_xdp_last.out_ifindex = out;
	xbr_xdp_last.flood_map = flood_map;
	xbr_xdp_last.reason = reason;
}

/*
 * xbr_xdp_to_tc - hand a frame whose verdict needs an uplink to the tc
 * program: take back what xbr_ingress() counted on ingress port @in (rx, and
 * rx_flood for a flood) and pass the frame up. tc decides again over the same
 * maps (learning finds the station already known, so nothing is learned or
 * reported twice), counts, and sends it with the tunnel keys.
 */
static __always_inline int xbr_xdp_to_tc(const struct xbr_port *in, __u32 len, int verdict,
					 __u32 out_ifindex)
{
	struct xbr_port_stats *s = xbr_get_port_stats(in->idx);

	if (s) {
		s->rx_packets--;
		s->rx_bytes -= len;
		if (verdict == XBR_V_FLOOD)
			s->rx_flood--;
	}
	trace(verdict, out_ifindex, XBR_XDP_TO_TC, XBR_DROP_NONE);
	return XDP_PASS;
}

/*
 * xdp_mark_ucast_flood - mark a flood of a unicast frame in its metadata
 * (XBR_XDP_META_UFLOOD, 4 bytes before the frame), which every broadcast copy
 * carries: the gateway port's egress program (xbr_xdp_egress) leaves its copy
 * out unless the frame is for the host (xbr_flood_to_gateway()). tc applies
 * the same rule in its flood loop. A frame without room for it (never on
 * veth, which gives 256 bytes of headroom) reaches the gateway as before.
 */
static __always_inline void xdp_mark_ucast_flood(struct xdp_md *ctx)
{
	void *data, *meta;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(__u32)))
		return;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if (meta + sizeof(__u32) > data)
		return;
	*(__u32 *)meta = XBR_XDP_META_UFLOOD;
}

/*
 * xdp_reply - write the answer for the station of port @p over the request
 * (lib/neigh.h) and send it back out of the ingress port @in. Not XDP_TX: a
 * veth flushes an XDP_TX only into a peer that runs an XDP program itself
 * (veth_xdp_flush()), and the station's end has GRO, not a program, so the
 * reply would wait in its ring for the next frame. A devmap redirect to the
 * port itself is flushed (ndo_xdp_xmit); its egress program counts the tx, as
 * for any unicast. A subprogram of its own: the reply is built on its stack.
 */
static __noinline int xdp_reply(struct xdp_md *ctx, const struct xbr_port *in,
				const struct xbr_port *p, __u32 nd)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xbr_reply rep;
	long ret;

	if (!in || !p || xbr_neigh_build(data, data_end, p, nd, &rep))
		goto drop;
	if (rep.len == XBR_NA_LEN) {
		if (data + XBR_NA_LEN > data_end)
			goto drop;
		__builtin_memcpy(data, rep.f.b, XBR_NA_LEN);
	} else {
		if (data + XBR_ARP_LEN > data_end)
			goto drop;
		__builtin_memcpy(data, rep.f.b, XBR_ARP_LEN);
	}
	ret = bpf_redirect_map(&xbr_xdp_tx, in->ifindex, XDP_DROP);
	if (ret != XDP_REDIRECT)
		goto drop;
	trace(XBR_V_REPLY, in->ifindex, 0, XBR_DROP_NONE);
	return (int)ret;
drop: /* not a port in xbr_xdp_tx (being removed) */
	if (in)
		xbr_count_drop(in, XBR_DROP_REDIRECT);
	trace(XBR_V_DROP, 0, 0, XBR_DROP_REDIRECT);
	return XDP_DROP;
}

/*
 * xdp_dns - answer the DNS query in @ctx (to the gateway, its UDP header at
 * @l4, IPv6 when @v6) when it is the bridge's to answer (lib/dns.h), and
 * send the answer back out of @in (a devmap redirect, as xdp_reply). An
 * answer longer than the query needs room after the frame, which a veth's
 * buffer often lacks: then the query goes to the tc program (XDP_PASS),
 * which answers it the same way with an skb that can grow. @how:
 * XBR_DNS_V6 for IPv6, XBR_DNS_FLOOD when the prologue's verdict was a flood
 * (XDP_PASS takes back the counts of that verdict). Returns the verdict, or
 * -1: not answered, the query goes on as it is.
 */
#define XBR_DNS_V6 1
#define XBR_DNS_FLOOD 2
static __noinline int xdp_dns(struct xdp_md *ctx, const struct xbr_port *in,
			      const struct xbr_config *cfg, __u32 l4, __u32 how)
{
	/* the frame's length as xbr_ingress() counted it */
	__u32 len = (__u32)((long)ctx->data_end - (long)ctx->data);
	struct xbr_dns_buf *s;
	__u32 zero = 0, flen, n, out;
	long ret;

	s = bpf_map_lookup_elem(&xbr_dns_buf, &zero);
	if (!s || !in || !cfg)
		return -1;
	flen = (__u32)bpf_xdp_get_buff_len(ctx);
	n = flen > XBR_DNS_LOAD ? XBR_DNS_LOAD : flen;
	if (n < ETH_HLEN + 20 + 8 + 12)
		return -1;
	n = XBR_DNS_MASK(n - 1, 511) + 1; /* 1..512 as the verifier sees it */
	if (bpf_xdp_load_bytes(ctx, 0, s->b, n))
		return -1;
	out = xbr_dns_answer(s, n, flen, l4, how & XBR_DNS_V6, cfg);
	if (!out)
		return -1;
	/* 1..512 as the verifier sees it (an answer is at most 437 bytes) */
	out = XBR_DNS_MASK(out - 1, 511) + 1;
	if (out < ETH_HLEN + 20 + 8 + 12)
		goto drop;
	if (bpf_xdp_adjust_tail(ctx, (int)out - (int)flen))
		return xbr_xdp_to_tc(in, len, (how & XBR_DNS_FLOOD) ? XBR_V_FLOOD : XBR_V_UNICAST,
				     in->ifindex);
	if (bpf_xdp_store_bytes(ctx, 0, s->b, out))
		goto drop;
	ret = bpf_redirect_map(&xbr_xdp_tx, in->ifindex, XDP_DROP);
	if (ret != XDP_REDIRECT)
		goto drop;
	xbr_dns_count(s);
	trace(XBR_V_REPLY, in->ifindex, 0, XBR_DROP_NONE);
	return (int)ret;
drop:
	xbr_count_drop(in, XBR_DROP_REDIRECT);
	trace(XBR_V_DROP, 0, 0, XBR_DROP_REDIRECT);
	return XDP_DROP;
}

SEC("xdp")
int xbr_xdp_ingress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xbr_ingress r;
	long ret;
	int verdict;

	/* XDP sees a VLAN tag in the frame: nothing was taken out of it. */
	verdict = xbr_ingress(ctx, data, data_end, ctx->ingress_ifindex, (__u32)(data_end - data),
			      0, &r);
	if (verdict == XBR_V_UNICAST) {
		if (r.out.flags & XBR_PORT_F_TUNNEL)
			return xbr_xdp_to_tc(r.in, (__u32)(data_end - data), verdict,
					     r.out.ifindex);
		if (r.dns_l4) {
			int v = xdp_dns(ctx, r.in, r.cfg, r.dns_l4, r.dns_v6);

			if (v >= 0)
				return v;
			XBR_BR_INC(dns_forwarded);
		}
		/* tx is counted by xbr_xdp_egress once the devmap hands the frame on. */
		ret = bpf_redirect_map(&xbr_xdp_tx, r.out.ifindex, XDP_DROP);
		if (ret != XDP_REDIRECT)
			xbr_count_drop(r.in, XBR_DROP_REDIRECT);
		trace(XBR_V_UNICAST, r.out.ifindex, 0,
		      ret == XDP_REDIRECT ? XBR_DROP_NONE : XBR_DROP_REDIRECT);
		return (int)ret;
	}
	if (verdict == XBR_V_REPLY)
		return xdp_reply(ctx, r.in, r.ans.port, r.ans.nd);
	if (verdict == XBR_V_FLOOD && r.dns_l4) {
		int v = xdp_dns(ctx, r.in, r.cfg, r.dns_l4, r.dns_v6 | XBR_DNS_FLOOD);

		if (v >= 0) {
			/* answered: nothing flooded (XDP_PASS: xbr_xdp_to_tc()
			 * took the counts back, tc counts again) */
			if (v != XDP_PASS)
				xbr_ingress_unflood(r.in);
			return v;
		}
		XBR_BR_INC(dns_forwarded);
		/* the frame was read, never changed: flood it */
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
	}
	if (verdict == XBR_V_FLOOD) {
		if (r.cfg->npeers) /* copies for VXLAN peers: tc makes them */
			return xbr_xdp_to_tc(r.in, (__u32)(data_end - data), verdict, 0);
		if ((void *)((struct ethhdr *)data + 1) <= data_end &&
		    !(((struct ethhdr *)data)->h_dest[0] & 1))
			xdp_mark_ucast_flood(ctx); /* packet pointers are stale from here */
		if (r.in->flags & XBR_PORT_F_ISOLATED) {
			trace(XBR_V_FLOOD, 0, XBR_XDP_FLOOD_ISO, XBR_DROP_NONE);
			return (int)bpf_redirect_map(&xbr_xdp_flood_iso, 0,
						     BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
		}
		trace(XBR_V_FLOOD, 0, XBR_XDP_FLOOD_ALL, XBR_DROP_NONE);
		return (int)bpf_redirect_map(&xbr_xdp_flood, 0,
					     BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
	}
	trace(XBR_V_DROP, 0, 0, r.reason);
	/* Not (yet, or any more) a port: the tc program below decides. */
	if (!r.in)
		return XDP_PASS;
	return XDP_DROP; /* counted by reason */
}

/*
 * xbr_xdp_egress - devmap program: runs for each frame (and each broadcast
 * copy) about to leave through a port, and counts it as that port's tx.
 * Returns XDP_PASS (send it), or XDP_DROP for the gateway port's copy of a
 * flooded unicast frame that is not for the host (xdp_mark_ucast_flood()).
 */
SEC("xdp/devmap")
int xbr_xdp_egress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	void *meta = (void *)(long)ctx->data_meta;
	__u32 ifindex = ctx->egress_ifindex;
	__u32 len = (__u32)(data_end - data);
	struct xbr_port *p = bpf_map_lookup_elem(&xbr_ports, &ifindex);
	struct ethhdr *eth = data;

	if (!p)
		return XDP_PASS;
	if ((p->flags & XBR_PORT_F_GATEWAY) && meta + sizeof(__u32) <= data &&
	    *(__u32 *)meta == XBR_XDP_META_UFLOOD && (void *)(eth + 1) <= data_end &&
	    !xbr_flood_to_gateway(eth->h_dest, p->mac))
		return XDP_DROP;
	xbr_count_tx(p->idx, len);
	return XDP_PASS;
}
