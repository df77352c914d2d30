// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr tc datapath: one program on the tc ingress hook (clsact) of every
 * host-side port. A frame sent by a namespace enters here; the shared
 * forwarding code decides, and this file carries the decision out while the
 * skb keeps its GSO and checksum state:
 *   known unicast -> bpf_redirect_peer() straight into the destination
 *                    namespace (bpf_redirect() for the host's gateway port),
 *   flood         -> one bpf_clone_redirect() per allowed port,
 *   drop          -> TC_ACT_SHOT.
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
	__u32 sent;
};

static long flood_one(__u32 slot, struct flood_ctx *fc)
{
	struct xbr_flood_ent *fe = bpf_map_lookup_elem(&xbr_flood, &slot);

	if (!fe)
		return 1;
	if (!xbr_flood_allowed(fc->in, fe))
		return 0;
	if (bpf_clone_redirect(fc->skb, fe->ifindex, 0) == 0)
		fc->sent++;
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
	__u32 ifindex = skb->ifindex;
	__u32 reason = XBR_DROP_NONE, zero = 0;
	int verdict;

	eth = xbr_parse_eth(data, data_end);
	if (!eth)
		return TC_ACT_SHOT;

	in = bpf_map_lookup_elem(&xbr_ports, &ifindex);
	cfg = bpf_map_lookup_elem(&xbr_config, &zero);
	if (!in || !cfg)
		return TC_ACT_SHOT;

	verdict = xbr_decide(eth, in, cfg, xbr_now(), &out, &reason);
	if (verdict == XBR_V_UNICAST && out) {
		if (out->flags & XBR_PORT_F_PEER)
			return bpf_redirect_peer(out->ifindex, 0);
		return bpf_redirect(out->ifindex, 0);
	}
	if (verdict == XBR_V_FLOOD) {
		struct flood_ctx fc = { .skb = skb, .in = in };
		__u32 n = cfg->nports;

		if (n > XBR_MAX_PORTS)
			n = XBR_MAX_PORTS;
		bpf_loop(n, flood_one, &fc, 0);
		return TC_ACT_SHOT;
	}
	return TC_ACT_SHOT;
}
