// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr tc datapath: one program on the tc ingress hook (clsact) of every
 * host-side port. A frame sent by a namespace enters here; the ingress
 * prologue shared with XDP (xbr_ingress() in lib/ingress.h) checks, counts and
 * decides, and this file carries the decision out while the skb keeps its GSO
 * and checksum state:
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
#include "lib/ingress.h"

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
	/* Never back out of the ingress port; a cleared slot has ifindex 0. */
	if (!fe->ifindex || fe->ifindex == fc->in->ifindex ||
	    !xbr_may_flood(fc->in->flags, fe->flags))
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
	/* A VLAN tag taken into skb metadata still counts, as in XDP. */
	__u32 len = skb->len + (skb->vlan_present ? 4 : 0);
	struct xbr_ingress r;
	long ret;
	int verdict;

	/* At tc ingress a VLAN tag is already in skb metadata, not the frame. */
	verdict = xbr_ingress(data, data_end, skb->ifindex, len, skb->vlan_present, &r);
	if (verdict == XBR_V_UNICAST && r.out) {
		if (r.out->flags & XBR_PORT_F_PEER)
			ret = bpf_redirect_peer(r.out->ifindex, 0);
		else
			ret = bpf_redirect(r.out->ifindex, 0);
		/* The helpers fail only on bad flags; a redirect that fails later
		 * (destination down) shows in the kernel's device drop counters. */
		if (ret == TC_ACT_REDIRECT)
			xbr_count_tx(r.out->idx, len);
		else
			xbr_count_drop(r.in, XBR_DROP_REDIRECT);
		return (int)ret;
	}
	if (verdict == XBR_V_FLOOD) {
		struct flood_ctx fc = { .skb = skb, .in = r.in, .len = len };
		__u32 n = r.cfg->nports;

		if (n > XBR_MAX_PORTS)
			n = XBR_MAX_PORTS;
		bpf_loop(n, flood_one, &fc, 0);
		return TC_ACT_SHOT; /* every copy has left; the original is done */
	}
	/* Dropped (counted by reason), or not (or no longer) a port of this bridge. */
	return TC_ACT_SHOT;
}
