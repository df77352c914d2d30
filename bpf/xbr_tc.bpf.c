// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr tc datapath: one program on the tc ingress hook (clsact) of every
 * host-side port. A frame sent by a namespace enters here; the ingress
 * prologue shared with XDP (xbr_ingress() in lib/ingress.h) checks, counts and
 * decides, and this file carries the decision out while the skb keeps its GSO
 * and checksum state:
 *   known unicast -> bpf_redirect_peer() straight into the destination
 *                    namespace (bpf_redirect() for the host's gateway port),
 *   flood         -> one bpf_clone_redirect() per allowed port (bpf_loop) but
 *                    the last, which gets the frame itself (as unicast),
 *   reply         -> an ARP/ND answer made by the bridge (lib/neigh.h) written
 *                    over the request and sent back to the asking station,
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
	/* The last port found that may receive the flood: it gets the original
	 * frame once the loop is done (no clone), the others a clone each. */
	__u32 last_ifindex;
	__u16 last_flags;
	__u16 last_idx;
};

/* Send a clone out of the port @ifindex (stats index @idx), counted. */
static __always_inline void flood_clone(struct flood_ctx *fc, __u32 ifindex, __u32 idx)
{
	if (bpf_clone_redirect(fc->skb, ifindex, 0) == 0)
		xbr_count_tx(idx, fc->len);
	else /* the copy could not leave (port down or gone): counted, not lost */
		xbr_count_drop(fc->in, XBR_DROP_REDIRECT);
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
	verdict = xbr_ingress(data, data_end, skb->ifindex, len, skb->vlan_present, &r);
	if (verdict == XBR_V_UNICAST)
		return xbr_send(r.in, r.out.ifindex, r.out.flags, r.out.idx, len);
	if (verdict == XBR_V_REPLY) {
		/* The answer over the request (the frame is at least that long),
		 * back to the station that asked. */
		__u32 n = r.rep.len == XBR_NA_LEN ? XBR_NA_LEN : XBR_ARP_LEN;

		if (bpf_skb_store_bytes(skb, 0, r.rep.f.b, n, BPF_F_RECOMPUTE_CSUM)) {
			xbr_count_drop(r.in, XBR_DROP_REDIRECT);
			return TC_ACT_SHOT;
		}
		/* The request was broadcast or multicast; the answer is for the
		 * asker alone (redirect_peer does not look at the MACs again,
		 * and ARP takes a broadcast reply as less sure, NUD_STALE). */
		bpf_skb_change_type(skb, 0 /* PACKET_HOST */);
		return xbr_send(r.in, r.in->ifindex, r.in->flags, r.in->idx, len);
	}
	if (verdict == XBR_V_FLOOD) {
		struct flood_ctx fc = { .skb = skb, .in = r.in, .len = len };
		__u32 n = r.cfg->nports;

		if (n > XBR_MAX_PORTS)
			n = XBR_MAX_PORTS;
		bpf_loop(n, flood_one, &fc, 0);
		/* As the kernel bridge: n - 1 clones, and the frame itself to
		 * the last port (by redirect_peer into a namespace: no backlog). */
		if (fc.last_ifindex)
			return xbr_send(r.in, fc.last_ifindex, fc.last_flags, fc.last_idx, len);
		return TC_ACT_SHOT; /* nobody may receive it */
	}
	/* Dropped (counted by reason), or not (or no longer) a port of this bridge. */
	return TC_ACT_SHOT;
}
