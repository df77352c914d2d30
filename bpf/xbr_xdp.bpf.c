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
 *   drop          -> XDP_DROP, counted by reason.
 * Every devmap entry carries xbr_xdp_egress, which runs once per copy with the
 * egress ifindex and counts it as tx on that port, broadcast copies included.
 */
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

SEC("xdp")
int xbr_xdp_ingress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xbr_ingress r;
	long ret;
	int verdict;

	/* XDP sees a VLAN tag in the frame: nothing was taken out of it. */
	verdict = xbr_ingress(data, data_end, ctx->ingress_ifindex, (__u32)(data_end - data), 0,
			      &r);
	if (verdict == XBR_V_UNICAST && r.out) {
		/* tx is counted by xbr_xdp_egress once the devmap hands the frame on. */
		ret = bpf_redirect_map(&xbr_xdp_tx, r.out->ifindex, XDP_DROP);
		if (ret != XDP_REDIRECT)
			xbr_count_drop(r.in, XBR_DROP_REDIRECT);
		trace(XBR_V_UNICAST, r.out->ifindex, 0,
		      ret == XDP_REDIRECT ? XBR_DROP_NONE : XBR_DROP_REDIRECT);
		return (int)ret;
	}
	if (verdict == XBR_V_FLOOD) {
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
 * Returns XDP_PASS (send it) always.
 */
SEC("xdp/devmap")
int xbr_xdp_egress(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->egress_ifindex;
	__u32 len = (__u32)(ctx->data_end - ctx->data);
	struct xbr_port *p = bpf_map_lookup_elem(&xbr_ports, &ifindex);

	if (p)
		xbr_count_tx(p->idx, len);
	return XDP_PASS;
}
