/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Neighbour suppression (the kernel bridge's neigh_suppress), written once for
 * both hooks: an ARP request or an IPv6 neighbour solicitation for a station
 * the bridge knows is answered by the bridge, out of the port it came in on,
 * instead of being copied to every port. xbr_ingress() (lib/ingress.h) asks
 * here only for frames that would flood; the hook writes the reply over the
 * frame and sends it back (tc: bpf_skb_store_bytes() and a redirect to the
 * ingress port's station; XDP: a devmap redirect back out of the port).
 *
 * How the bridge knows a station at address A: every station's MAC is
 * 0a:58:<A> (xbr sets it so for every kind, user/port.c xbr_station_mac), the
 * forwarding table says where that MAC was seen, and the record of that port
 * must name A and that MAC. So the answer is the station's configured MAC,
 * only while the station is alive in the table (seen within the ageing time),
 * only when its port has XBR_PORT_F_NEIGH_SUPPRESS, never to the port itself,
 * and never where unicast would be refused (isolated to isolated). A station
 * behind an uplink is answered for when its entry is static and remote (what
 * xbr-agent programs from the directory) and the bridge suppresses by default
 * (XBR_CFG_F_NEIGH_SUPPRESS): the MAC is then the one the address implies. IPv6
 * targets: the bridge prefix + a station's IPv4 address, a station's own
 * address (XBR_PORT_F_ADDR6, a Docker endpoint's: found through the names,
 * xbr_neigh_own6()), or a station's fe80::EUI-64 link-local address. Not answered (they flood as before): ARP
 * probes (sender 0.0.0.0) and gratuitous ARP, duplicate address detection
 * (source ::), solicitations without a source link-layer address option or
 * with extension headers, VLAN-tagged frames, and IPv6 for the gateway (the
 * host's own advertisement says whether it is a router; a reply made here
 * could not know).
 */
#ifndef XBR_BPF_NEIGH_H
#define XBR_BPF_NEIGH_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
#include "xbr_rules.h"
#include "../maps.h"
#include "parse.h"
#include "fdb.h"

#define XBR_ARP_LEN (ETH_HLEN + 28) /* Ethernet + ARP for IPv4 */
#define XBR_NA_LEN (ETH_HLEN + 40 + 32) /* Ethernet + IPv6 + NA with one option */

struct xbr_arp_frame {
	struct ethhdr eth;
	struct xbr_arp_ipv4 arp;
} __attribute__((packed));

struct xbr_nd_frame {
	struct ethhdr eth;
	struct xbr_ipv6_min ip6;
	struct xbr_nd_msg nd;
} __attribute__((packed));

/* The reply the bridge made: written over the frame by the hook. */
struct xbr_reply {
	union {
		struct xbr_arp_frame arp;
		struct xbr_nd_frame na;
		__u8 b[88];
	} f;
	__u32 len; /* XBR_ARP_LEN or XBR_NA_LEN: bytes of f to write */
};

/*
 * xbr_neigh_port - the record of the port whose station has MAC @mac (and,
 * when @addr is not 0, IPv4 address @addr), if the bridge answers for it on
 * behalf of a frame entering @in: seen alive on that port, the port
 * neigh-suppressed, not @in itself, unicast between the two allowed, and for
 * @nd not the gateway. NULL otherwise.
 */
static __always_inline struct xbr_port *xbr_neigh_port(const __u8 *mac, __u32 addr,
						       const struct xbr_port *in,
						       const struct xbr_config *cfg, __u64 now,
						       int nd)
{
	struct xbr_fdb_key key = {};
	struct xbr_fdb_val *v;
	struct xbr_port *p;
	__u32 ifindex;

	__builtin_memcpy(key.mac, mac, ETH_ALEN);
	v = bpf_map_lookup_elem(&xbr_fdb, &key);
	if (!v || xbr_fdb_expired(v->flags, v->updated_ns, cfg->ageing_ns, now))
		return NULL;
	ifindex = v->ifindex;
	if (ifindex == in->ifindex)
		return NULL;
	p = bpf_map_lookup_elem(&xbr_ports, &ifindex);
	if (v->flags & XBR_FDB_F_REMOTE) {
		/* A station on another host, programmed static (a directory
		 * uplink's agent, or by hand): answered here when the bridge
		 * suppresses by default; the reply's MAC is the one asked for. */
		if (!(v->flags & XBR_FDB_F_STATIC) || !(cfg->flags & XBR_CFG_F_NEIGH_SUPPRESS) ||
		    !p || p->kind != XBR_KIND_UPLINK || !xbr_may_unicast(in->flags, p->flags))
			return NULL;
		return p;
	}
	if (!p || !(p->flags & XBR_PORT_F_NEIGH_SUPPRESS) || !xbr_mac_eq(p->mac, mac))
		return NULL;
	/* A station with an IPv6 address of its own (XBR_PORT_F_ADDR6) has
	 * none of the prefix + its IPv4 form: its solicitations flood. */
	if ((addr && p->addr != addr) ||
	    (nd && (p->kind == XBR_KIND_GATEWAY || (addr && (p->flags & XBR_PORT_F_ADDR6)))))
		return NULL;
	if (!xbr_may_unicast(in->flags, p->flags))
		return NULL;
	return p;
}

/* The 0a:58:<IPv4> MAC xbr gives the station at @addr (network order). */
static __always_inline void xbr_station_mac_of(__u32 addr, __u8 mac[6])
{
	mac[0] = 0x0a;
	mac[1] = 0x58;
	__builtin_memcpy(mac + 2, &addr, 4);
}

/* The MAC in the modified EUI-64 interface identifier of IPv6 address @t
 * (bytes 8-15: the MAC with the universal/local bit flipped, ff:fe inside). */
static __always_inline void xbr_eui64_mac(const __u8 *t, __u8 mac[6])
{
	mac[0] = t[8] ^ 2;
	mac[1] = t[9];
	mac[2] = t[10];
	mac[3] = t[13];
	mac[4] = t[14];
	mac[5] = t[15];
}

/* What xbr_neigh() found: the port whose station is asked for. */
struct xbr_neigh_ans {
	struct xbr_port *port;
	__u32 nd; /* 0: ARP, 1: neighbour solicitation */
};

/* ARP: a request for a known station? Then a->port. 1 or 0. */
static __always_inline int xbr_neigh_arp(void *data, void *data_end, const struct xbr_port *in,
					 const struct xbr_config *cfg, __u64 now,
					 struct xbr_neigh_ans *a)
{
	struct xbr_arp_frame *q = data;
	__u8 mac[6];
	__u32 tip;

	if ((void *)(q + 1) > data_end)
		return 0;
	if (q->arp.hrd != __builtin_bswap16(1) || q->arp.pro != __builtin_bswap16(ETH_P_IP) ||
	    q->arp.hln != 6 || q->arp.pln != 4 || q->arp.op != __builtin_bswap16(1))
		return 0;
	tip = q->arp.tip;
	/* Probes (sender 0.0.0.0) and gratuitous ARP are for everybody. */
	if (!q->arp.sip || q->arp.sip == tip || !tip)
		return 0;
	xbr_station_mac_of(tip, mac);
	a->port = xbr_neigh_port(mac, tip, in, cfg, now, 0);
	a->nd = 0;
	return a->port != NULL;
}

/*
 * xbr_na_csum - the Internet checksum of the IPv6 pseudo-header (@na's
 * addresses, upper-layer length 32, next header 58) and @na's ICMPv6 message
 * (its checksum field 0), ready to store.
 */
static __always_inline __u16 xbr_na_csum(const struct xbr_nd_frame *na)
{
	const __u16 *w = (const __u16 *)(const void *)na->ip6.saddr;
	__u32 sum = __builtin_bswap16(32) + __builtin_bswap16(58);
	int i;

	for (i = 0; i < 16; i++) /* source and destination addresses */
		sum += w[i];
	w = (const __u16 *)(const void *)&na->nd;
	for (i = 0; i < 16; i++) /* the 32-byte message */
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* ND: a solicitation for a known station? Then a->port. 1 or 0. */
/*
 * xbr_neigh_own6 - a solicitation for @target, in the bridge's prefix but no
 * station's prefix + IPv4 form: a station's IPv6 address of its own
 * (XBR_PORT_F_ADDR6, a Docker endpoint's)? The loader names such a port
 * (user/names.c), so xbr_rnames leads from the address to its name and
 * xbr_names to its port, whose MAC is then answered as for the other form.
 * 1 with a->port, or 0. On the flood path only: two lookups more for a
 * solicitation, none for any other frame.
 */
static __always_inline int xbr_neigh_own6(const __u32 *target, const struct xbr_port *in,
					  const struct xbr_config *cfg, __u64 now,
					  struct xbr_neigh_ans *a)
{
	struct xbr_rname_key rk = { .family = 6 };
	struct xbr_name_key *nk;
	struct xbr_name_val *nv;
	struct xbr_port *p;
	__u32 ifindex;

	__builtin_memcpy(rk.addr, target, 16);
	nk = bpf_map_lookup_elem(&xbr_rnames, &rk);
	if (!nk)
		return 0;
	nv = bpf_map_lookup_elem(&xbr_names, nk);
	if (!nv)
		return 0;
	ifindex = nv->ifindex;
	p = bpf_map_lookup_elem(&xbr_ports, &ifindex);
	if (!p || !(p->flags & XBR_PORT_F_ADDR6))
		return 0;
	a->port = xbr_neigh_port(p->mac, 0, in, cfg, now, 1);
	if (!a->port || a->port->ifindex != ifindex) {
		a->port = NULL;
		return 0;
	}
	a->nd = 1;
	return 1;
}

static __always_inline int xbr_neigh_nd(void *data, void *data_end, const struct xbr_port *in,
					const struct xbr_config *cfg, __u64 now,
					struct xbr_neigh_ans *a)
{
	struct xbr_nd_frame *q = data;
	const __u8 *t;
	__u8 mac[6];
	__u32 addr = 0;

	if ((void *)(q + 1) > data_end)
		return 0;
	if ((q->ip6.ver_tc_flow & __builtin_bswap32(0xf0000000)) != __builtin_bswap32(0x60000000) ||
	    q->ip6.nexthdr != 58 || q->ip6.hop_limit != 255 ||
	    __builtin_bswap16(q->ip6.payload_len) < 32 || q->nd.type != 135 || q->nd.code != 0 ||
	    q->nd.opt_type != 1 || q->nd.opt_len != 1)
		return 0;
	/* Duplicate address detection (source ::) is for everybody. */
	if (!(q->ip6.saddr[0] | q->ip6.saddr[1] | q->ip6.saddr[2] | q->ip6.saddr[3]))
		return 0;
	t = (const __u8 *)q->nd.target;
	if (t[0] == 0xfe && t[1] == 0x80 && !(t[2] | t[3] | t[4] | t[5] | t[6] | t[7]) &&
	    t[11] == 0xff && t[12] == 0xfe) {
		/* fe80::/64 with a modified EUI-64: the MAC is in it */
		xbr_eui64_mac(t, mac);
	} else if (cfg->plen6 && !((q->nd.target[0] ^ ((const __u32 *)cfg->subnet6)[0]) |
				   (q->nd.target[1] ^ ((const __u32 *)cfg->subnet6)[1]))) {
		/* the bridge prefix + a station's IPv4 address (user/parse.c) */
		addr = q->nd.target[3];
		if (addr && !(q->nd.target[2] ^ ((const __u32 *)cfg->subnet6)[2])) {
			xbr_station_mac_of(addr, mac);
			a->port = xbr_neigh_port(mac, addr, in, cfg, now, 1);
			if (a->port) {
				a->nd = 1;
				return 1;
			}
		}
		/* or an address of its own (XBR_PORT_F_ADDR6, a Docker
		 * endpoint's: the prefix's first 64 bits + its iid6), found
		 * through the names: address -> name -> port */
		return xbr_neigh_own6(q->nd.target, in, cfg, now, a);
	} else {
		return 0;
	}
	a->port = xbr_neigh_port(mac, addr, in, cfg, now, 1);
	a->nd = 1;
	return a->port != NULL;
}

/*
 * xbr_neigh - for a frame that would flood, entering @in: answer it instead?
 * Returns XBR_V_REPLY with *a filled and the bridge counter bumped
 * (arp_replied, nd_replied), or XBR_V_FLOOD. The hook then writes the
 * answer with xbr_neigh_build(), in a subprogram of its own: the 88-byte
 * reply then lives on that frame's stack, not on the one the flood loop
 * (and an uplink's per-peer loop) nests under.
 */
static __always_inline int xbr_neigh(void *data, void *data_end, const struct xbr_port *in,
				     const struct xbr_config *cfg, __u64 now,
				     struct xbr_neigh_ans *a)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XBR_V_FLOOD;
	if (eth->h_proto == __builtin_bswap16(ETH_P_ARP)) {
		if (!xbr_neigh_arp(data, data_end, in, cfg, now, a))
			return XBR_V_FLOOD;
		XBR_BR_INC(arp_replied);
		return XBR_V_REPLY;
	}
	if (eth->h_proto == __builtin_bswap16(ETH_P_IPV6)) {
		if (!xbr_neigh_nd(data, data_end, in, cfg, now, a))
			return XBR_V_FLOOD;
		XBR_BR_INC(nd_replied);
		return XBR_V_REPLY;
	}
	return XBR_V_FLOOD;
}

/*
 * xbr_neigh_build - the answer to the request at [@data, @data_end) (which
 * xbr_neigh() took) for the station of port @p, into *rep: an ARP reply or
 * a neighbour advertisement (solicited, override, not a router, with the
 * target link-layer address). Returns 0, or -1 if the frame is not the one
 * parsed (cannot happen: the hook hands the same bytes).
 */
static __always_inline int xbr_neigh_build(void *data, void *data_end, const struct xbr_port *p,
					   __u32 nd, struct xbr_reply *rep)
{
	__u8 mac[6];

	if (!nd) {
		struct xbr_arp_frame *q = data;
		struct xbr_arp_frame *a = &rep->f.arp;

		if ((void *)(q + 1) > data_end)
			return -1;
		/* The MAC the address implies: p->mac for a local station
		 * (xbr_neigh_port() checked), the remote station's otherwise. */
		xbr_station_mac_of(q->arp.tip, mac);
		__builtin_memcpy(a->eth.h_dest, q->arp.sha, ETH_ALEN);
		__builtin_memcpy(a->eth.h_source, mac, ETH_ALEN);
		a->eth.h_proto = __builtin_bswap16(ETH_P_ARP);
		a->arp.hrd = __builtin_bswap16(1);
		a->arp.pro = __builtin_bswap16(ETH_P_IP);
		a->arp.hln = 6;
		a->arp.pln = 4;
		a->arp.op = __builtin_bswap16(2);
		__builtin_memcpy(a->arp.sha, mac, ETH_ALEN);
		a->arp.sip = q->arp.tip;
		__builtin_memcpy(a->arp.tha, q->arp.sha, ETH_ALEN);
		a->arp.tip = q->arp.sip;
		rep->len = XBR_ARP_LEN;
		return 0;
	} else {
		struct xbr_nd_frame *q = data;
		struct xbr_nd_frame *a = &rep->f.na;
		const __u8 *t;

		if ((void *)(q + 1) > data_end)
			return -1;
		t = (const __u8 *)q->nd.target;
		if (t[0] == 0xfe && t[1] == 0x80) { /* fe80::EUI-64 (xbr_neigh_nd() checked) */
			xbr_eui64_mac(t, mac);
		} else if (p->flags & XBR_PORT_F_ADDR6) { /* its own address: its MAC */
			__builtin_memcpy(mac, p->mac, ETH_ALEN);
		} else { /* the bridge prefix + the station's IPv4 address */
			xbr_station_mac_of(q->nd.target[3], mac);
		}
		__builtin_memcpy(a->eth.h_dest, q->eth.h_source, ETH_ALEN);
		__builtin_memcpy(a->eth.h_source, mac, ETH_ALEN);
		a->eth.h_proto = __builtin_bswap16(ETH_P_IPV6);
		a->ip6.ver_tc_flow = __builtin_bswap32(0x60000000);
		a->ip6.payload_len = __builtin_bswap16(32);
		a->ip6.nexthdr = 58;
		a->ip6.hop_limit = 255;
		__builtin_memcpy(a->ip6.saddr, q->nd.target, 16);
		__builtin_memcpy(a->ip6.daddr, q->ip6.saddr, 16);
		a->nd.type = 136;
		a->nd.code = 0;
		a->nd.csum = 0;
		a->nd.flags = __builtin_bswap32(0x60000000); /* solicited, override; not a router */
		__builtin_memcpy(a->nd.target, q->nd.target, 16);
		a->nd.opt_type = 2;
		a->nd.opt_len = 1;
		__builtin_memcpy(a->nd.opt_mac, mac, ETH_ALEN);
		a->nd.csum = xbr_na_csum(a);
		rep->len = XBR_NA_LEN;
		return 0;
	}
}

#endif /* XBR_BPF_NEIGH_H */
