/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ingress prologue, written once for both hooks: what the tc and XDP
 * programs do with a frame before carrying out the verdict. Port and
 * configuration lookup, the Ethernet header, the spoof check, the forwarding
 * decision (lib/fdb.h) and the ingress counters. The hooks keep only what
 * differs: how a unicast or a flood leaves, whether a VLAN tag is already out
 * of the frame, and what a frame from a device that is no port becomes.
 */
#ifndef XBR_BPF_INGRESS_H
#define XBR_BPF_INGRESS_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
#include "../maps.h"
#include "parse.h"
#include "fdb.h"
#include "neigh.h"
#include "dns.h"

#if !defined(XBR_VARIANT_TUNNEL)
#error "each .bpf.c defines XBR_VARIANT_TUNNEL (0 or 1) before its includes"
#endif
#if XBR_VARIANT_TUNNEL
#include "tunnel.h"
#endif

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
		if (in->flags & XBR_PORT_F_ADDR6) {
			/* its own (a Docker endpoint's): the prefix's first 64
			 * bits + the record's iid6 */
			__builtin_memcpy(want.b, cfg->subnet6, 8);
			want.w[2] = in->iid6[0];
			want.w[3] = in->iid6[1];
		} else {
			__builtin_memcpy(want.b, cfg->subnet6, 12);
			want.w[3] = in->addr;
		}
		return xbr_in6_eq(ip6->saddr, want.w);
	}
	return 0;
}

/* What xbr_ingress() found out about a frame. */
struct xbr_ingress {
	struct xbr_port *in; /* the ingress port; NULL: the device is no port (or no config) */
	struct xbr_out out; /* XBR_V_UNICAST: the egress port */
	struct xbr_neigh_ans ans; /* XBR_V_REPLY: whose station to answer for (lib/neigh.h) */
	struct xbr_config *cfg;
	__u32 reason; /* XBR_V_DROP: enum xbr_drop_reason (XBR_DROP_NOPORT when !in) */
	/* XBR_V_UNICAST: a DNS query to the gateway (lib/dns.h) when not 0:
	 * the offset of its UDP header; dns_v6: over IPv6. */
	__u32 dns_l4;
	__u32 dns_v6;
};

/*
 * xbr_ingress_unflood - a frame xbr_ingress() counted as a flood that did not
 * flood after all (a DNS query to the gateway the hook answered, or dropped
 * while answering): take its rx_flood back, as a neigh-suppress reply never
 * counts one. rx_flood is "received frames that were flooded".
 */
static __always_inline void xbr_ingress_unflood(const struct xbr_port *in)
{
	struct xbr_port_stats *s = xbr_get_port_stats(in->idx);

	if (s)
		s->rx_flood--;
}

/*
 * xbr_ingress - the shared part of an ingress hook for a frame of @len bytes
 * (as counted) at [@data, @data_end) entering device @ifindex. @tag_outside:
 * the hook already took a VLAN tag out of the frame (tc; see xbr_spoof_ok).
 * @ctx: the hook's context; the tc program (XBR_VARIANT_TUNNEL 1, which
 * compiles in lib/tunnel.h) reads the tunnel key of a frame from an uplink from it.
 * XDP never runs on an uplink (a VXLAN device) and has no such branch.
 * Returns the verdict (enum xbr_verdict) and fills @r:
 *   XBR_V_DROP    r->reason; counted (rx and drops[reason]) unless r->in is
 *                 NULL: not a port of this bridge, nothing counted;
 *   XBR_V_FLOOD   counted as rx and rx_flood; the hook floods (r->in, r->cfg);
 *                 with r->dns_l4 set (an unknown unicast to the gateway's
 *                 address: its MAC aged out) a DNS query the hook may answer;
 *   XBR_V_UNICAST counted as rx; the hook sends it out of r->out and counts
 *                 the tx (or a redirect drop); with r->dns_l4 set it is a
 *                 DNS query to the gateway, which the hook answers instead
 *                 when it is the bridge's to answer (lib/dns.h);
 *   XBR_V_REPLY   a frame that would flood is an ARP request or neighbour
 *                 solicitation the bridge answers (lib/neigh.h): counted as
 *                 rx (not rx_flood); the hook writes the answer for r->ans
 *                 over the frame (xbr_neigh_build()), sends it back out of
 *                 r->in and counts the tx there.
 */
static __always_inline int xbr_ingress(void *ctx, void *data, void *data_end, __u32 ifindex,
				       __u32 len, int tag_outside, struct xbr_ingress *r)
{
	struct xbr_port *in;
	struct xbr_config *cfg;
	struct ethhdr *eth;
	__u64 now;
	__u32 zero = 0;
	int verdict = XBR_V_DROP;

	r->reason = XBR_DROP_NONE;
	r->dns_l4 = 0;
	r->dns_v6 = 0;
	in = bpf_map_lookup_elem(&xbr_ports, &ifindex);
	cfg = bpf_map_lookup_elem(&xbr_config, &zero);
	if (!in || !cfg) {
		r->in = NULL;
		r->cfg = NULL;
		r->reason = XBR_DROP_NOPORT;
		return XBR_V_DROP;
	}
	r->in = in;
	r->cfg = cfg;

	/* A plain bounds check (no pointer-or-NULL parser): the cheapest test. */
	eth = data;
	if ((void *)(eth + 1) > data_end)
		r->reason = XBR_DROP_RUNT;
	else if ((in->flags & XBR_PORT_F_SPOOFCHK) &&
		 !xbr_spoof_ok(data, data_end, in, cfg, tag_outside))
		r->reason = XBR_DROP_SPOOF;
#if XBR_VARIANT_TUNNEL
	else if (in->flags & XBR_PORT_F_TUNNEL) { /* from an uplink: lib/tunnel.h */
		now = xbr_now_cfg(cfg);
		verdict = xbr_tunnel_decide(ctx, eth, in, cfg, now, &r->out, &r->reason);
	}
#endif
	else {
		now = xbr_now_cfg(cfg);
		verdict = xbr_decide(eth, in, cfg, now, NULL, &r->out, &r->reason);
		if (verdict == XBR_V_FLOOD && !tag_outside)
			verdict = xbr_neigh(data, data_end, in, cfg, now, &r->ans);
		/* A query to the gateway's address: known unicast, or a flood
		 * while the gateway's MAC is not (or no longer) in the table. */
		if ((verdict == XBR_V_UNICAST || (verdict == XBR_V_FLOOD &&
						  !xbr_mac_is_group(eth->h_dest))) &&
		    !tag_outside)
			r->dns_l4 = xbr_dns_match(data, data_end, cfg, &r->dns_v6);
	}
	xbr_count_in(in, len, verdict, r->reason);
	return verdict;
}

#endif /* XBR_BPF_INGRESS_H */
