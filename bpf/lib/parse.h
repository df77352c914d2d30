/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Frame layouts and byte comparisons shared by the tc and XDP programs. */
#ifndef XBR_BPF_PARSE_H
#define XBR_BPF_PARSE_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

/* ARP for IPv4 over Ethernet (RFC 826), packed as on the wire. */
struct xbr_arp_ipv4 {
	__u16 hrd;
	__u16 pro;
	__u8 hln;
	__u8 pln;
	__u16 op;
	__u8 sha[6];
	__u32 sip;
	__u8 tha[6];
	__u32 tip;
} __attribute__((packed));

/* The IPv4 header up to the addresses. */
struct xbr_ipv4_min {
	__u8 ver_ihl;
	__u8 tos;
	__u16 tot_len;
	__u16 id;
	__u16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__u16 check;
	__u32 saddr;
	__u32 daddr;
};

/* The IPv6 header up to the addresses (saddr as four words). */
struct xbr_ipv6_min {
	__u32 ver_tc_flow;
	__u16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u32 saddr[4];
	__u32 daddr[4];
};

/* Byte-wise equality of two MACs (no memcmp in BPF). */
static __always_inline int xbr_mac_eq(const __u8 *a, const __u8 *b)
{
	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4]) |
		 (a[5] ^ b[5]));
}

/* Equality of two IPv6 addresses as four words. */
static __always_inline int xbr_in6_eq(const __u32 *a, const __u32 *b)
{
	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]));
}

/* True for group (multicast and broadcast) addresses: I/G bit set. */
static __always_inline int xbr_mac_is_group(const __u8 *mac)
{
	return mac[0] & 1;
}

/* True for 00:00:00:00:00:00. */
static __always_inline int xbr_mac_is_zero(const __u8 *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

#endif /* XBR_BPF_PARSE_H */
