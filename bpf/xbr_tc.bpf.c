// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr tc datapath: one program on the tc ingress hook (clsact) of every
 * host-side port. A frame sent by a namespace enters here; the shared
 * forwarding code decides, and this file carries the decision out while the
 * skb keeps its GSO and checksum state:
 *   known unicast -> bpf_redirect_peer() straight into the destination
 *                    namespace (bpf_redirect() for the host's gateway port),
 *   flood         -> one bpf_clone_redirect() per allowed port (bpf_loop),
 *   drop          -> TC_ACT_SHOT, counted by reason.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
#include "maps.h"
#include "lib/parse.h"
#include "lib/fdb.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct flood_ctx {
	struct __sk_buff *skb;
	const struct xbr_port *in;
	__u32 len;
	__u32 sent;
};

static long flood_one(__u32 slot, struct flood_ctx *fc)
{
	struct xbr_flood_ent *fe = bpf_map_lookup_elem(&xbr_flood, &slot);

	if (!fe)
		return 1;
	if (!xbr_flood_allowed(fc->in, fe))
		return 0;
	if (bpf_clone_redirect(fc->skb, fe->ifindex, 0) == 0) {
		xbr_count_tx(fe->idx, fc->len);
		fc->sent++;
	} else {
		/* The copy could not leave (port down or gone): counted, not lost. */
		xbr_count_drop(fc->in, XBR_DROP_REDIRECT);
	}
	return 0;
}

SEC("tc")
int xbr_tc_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct xbr_port *in, *out = NULL;
	struct xbr_config *cfg;
	struct ethhdr *eth;
	/* A VLAN tag taken into skb metadata still counts, as in XDP. */
	__u32 ifindex = skb->ifindex, len = skb->len + (skb->vlan_present ? 4 : 0);
	__u32 reason = XBR_DROP_NONE, zero = 0;
	long ret;
	int verdict;

	in = bpf_map_lookup_elem(&xbr_ports, &ifindex);
	cfg = bpf_map_lookup_elem(&xbr_config, &zero);
	if (!in || !cfg)
		return TC_ACT_SHOT; /* not (or no longer) a port of this bridge */

	eth = xbr_parse_eth(data, data_end);
	if (!eth) {
		xbr_count_rx(in, len, 0);
		xbr_count_drop(in, XBR_DROP_RUNT);
		return TC_ACT_SHOT;
	}

	/* At tc ingress a VLAN tag is already in skb metadata, not the frame. */
	if ((in->flags & XBR_PORT_F_SPOOFCHK) &&
	    !xbr_spoof_ok(data, data_end, in, cfg, skb->vlan_present)) {
		xbr_count_rx(in, len, 0);
		xbr_count_drop(in, XBR_DROP_SPOOF);
		return TC_ACT_SHOT;
	}

	verdict = xbr_decide(eth, in, cfg, xbr_now(), &out, &reason);
	xbr_count_rx(in, len, verdict == XBR_V_FLOOD);
	if (verdict == XBR_V_UNICAST && out) {
		if (out->flags & XBR_PORT_F_PEER)
			ret = bpf_redirect_peer(out->ifindex, 0);
		else
			ret = bpf_redirect(out->ifindex, 0);
		/* The helpers fail only on bad flags; a redirect that fails later
		 * (destination down) shows in the kernel's device drop counters. */
		if (ret == TC_ACT_REDIRECT)
			xbr_count_tx(out->idx, len);
		else
			xbr_count_drop(in, XBR_DROP_REDIRECT);
		return (int)ret;
	}
	if (verdict == XBR_V_FLOOD) {
		struct flood_ctx fc = { .skb = skb, .in = in, .len = len };
		__u32 n = cfg->nports;

		if (n > XBR_MAX_PORTS)
			n = XBR_MAX_PORTS;
		bpf_loop(n, flood_one, &fc, 0);
		return TC_ACT_SHOT; /* every copy has left; the original is done */
	}
	xbr_count_drop(in, reason);
	return TC_ACT_SHOT;
}
