// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Model runs (see mrun.h), the building blocks of frame generators: the
 * random numbers, station pool and port policies, source and destination
 * MACs, IPv4 / ARP / IPv6 (and neighbour solicitation) headers with sources
 * the spoof check takes or not, and where a frame enters.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include "dpt.h"
#include "parse.h" /* xbr_station_addr6(): how the loader numbers stations */
#include "model.h"
#include "mrun.h"

uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

int pct(struct rng *r, int p)
{
	return (int)below(r, 100) < p;
}

void mrun_pool_mac(int i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x10;
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

uint32_t mrun_port_flags(struct rng *r, int spoof_pct, uint32_t *max_learned)
{
	uint32_t f = 0;

	if (pct(r, 85))
		f |= XBR_PORT_F_LEARNING;
	if (pct(r, 85))
		f |= XBR_PORT_F_FLOOD;
	if (pct(r, 25))
		f |= XBR_PORT_F_ISOLATED;
	if (pct(r, 15))
		f |= XBR_PORT_F_HAIRPIN;
	if (pct(r, 8))
		f |= XBR_PORT_F_LOCKED;
	if (pct(r, 50))
		f |= XBR_PORT_F_PEER;
	if (pct(r, spoof_pct))
		f |= XBR_PORT_F_SPOOFCHK;
	if (pct(r, 60))
		f |= XBR_PORT_F_NEIGH_SUPPRESS;
	if (pct(r, 15))
		f |= XBR_PORT_F_GATEWAY;
	if (pct(r, 20)) /* an IPv6 address of its own (a Docker endpoint's) */
		f |= XBR_PORT_F_ADDR6;
	*max_learned = pct(r, 70) ? 0 : 1 + (uint32_t)below(r, 6);
	return f;
}

const char *mrun_flags_str(uint32_t f)
{
	static char buf[4][32];
	static int n;
	char *b = buf[n++ & 3];

	snprintf(b, 32, "%s%s%s%s%s%s%s%s%s%s", f & XBR_PORT_F_LEARNING ? "L" : "-",
		 f & XBR_PORT_F_FLOOD ? "F" : "-", f & XBR_PORT_F_ISOLATED ? "I" : "-",
		 f & XBR_PORT_F_HAIRPIN ? "H" : "-", f & XBR_PORT_F_LOCKED ? "K" : "-",
		 f & XBR_PORT_F_PEER ? "P" : "-", f & XBR_PORT_F_SPOOFCHK ? "S" : "-",
		 f & XBR_PORT_F_NEIGH_SUPPRESS ? "N" : "-", f & XBR_PORT_F_GATEWAY ? "G" : "-",
		 f & XBR_PORT_F_ADDR6 ? "6" : "-");
	return b;
}

int mrun_pos_of_ifindex(uint32_t ifindex)
{
	int i;

	for (i = 0; i < DPT_NPOS; i++)
		if ((uint32_t)dpt_env.ifindex[i] == ifindex)
			return i;
	return -1;
}

void mrun_src(struct run *R, uint8_t mac[6])
{
	struct rng *r = &R->r;
	int c = (int)below(r, 100);

	if (c < 91) {
		memcpy(mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	} else if (c < 94) {
		mac[0] = 0x01;
		mac[1] = 0x00;
		mac[2] = 0x5e;
		mac[3] = (uint8_t)below(r, 128);
		mac[4] = (uint8_t)rnd(r);
		mac[5] = (uint8_t)rnd(r);
	} else if (c < 96) {
		memset(mac, 0xff, 6);
	} else if (c < 98) {
		memset(mac, 0, 6);
	} else {
		/* Any odd first octet is a group address. */
		memcpy(mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
		mac[0] |= 1;
	}
}

void mrun_dst(struct run *R, const uint8_t src[6], uint8_t mac[6])
{
	struct rng *r = &R->r;
	int c = (int)below(r, 100);

	if (c < 62) {
		memcpy(mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	} else if (c < 74) {
		memset(mac, 0xff, 6);
	} else if (c < 80) {
		mac[0] = 0x01;
		mac[1] = 0x00;
		mac[2] = 0x5e;
		mac[3] = (uint8_t)below(r, 128);
		mac[4] = (uint8_t)rnd(r);
		mac[5] = (uint8_t)rnd(r);
	} else if (c < 84) {
		mac[0] = 0x33;
		mac[1] = 0x33;
		mac[2] = (uint8_t)rnd(r);
		mac[3] = (uint8_t)rnd(r);
		mac[4] = (uint8_t)rnd(r);
		mac[5] = (uint8_t)rnd(r);
	} else if (c < 94) {
		/* Unicast nobody sends from: unknown. */
		mac[0] = 0x02;
		mac[1] = 0xee;
		mac[2] = (uint8_t)rnd(r);
		mac[3] = (uint8_t)rnd(r);
		mac[4] = (uint8_t)rnd(r);
		mac[5] = (uint8_t)rnd(r);
	} else if (c < 98) {
		memcpy(mac, src, 6);
	} else {
		memset(mac, 0, 6); /* a zero destination is plain unknown unicast */
	}
}

/* Packed as on the wire. */
struct arp_eth_ipv4 {
	uint16_t hrd, pro;
	uint8_t hln, pln;
	uint16_t op;
	uint8_t sha[6];
	uint32_t sip;
	uint8_t tha[6];
	uint32_t tip;
} __attribute__((packed));

/* A random IPv4 address for a source: the station's, 0.0.0.0, another
 * station's, or anything. */
uint32_t mrun_ip4(struct run *R, uint32_t own)
{
	struct rng *r = &R->r;
	uint8_t mac[6];
	uint32_t a;
	int c = (int)below(r, 100);

	if (c < 50)
		return own;
	if (c < 65)
		return 0;
	if (c < 85) {
		dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
		return a;
	}
	return (uint32_t)rnd(r);
}

/* An IPv4 header at @l3 (20 bytes, no options) with a source the spoof check
 * of a station with address @own takes or not. Returns its length. */
uint32_t mrun_l3_ip4(struct run *R, uint8_t *l3, uint32_t own)
{
	struct rng *r = &R->r;
	struct iphdr *ip = (void *)l3;

	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = 17;
	ip->tot_len = htons(28);
	ip->saddr = mrun_ip4(R, own);
	ip->daddr = (uint32_t)rnd(r);
	return sizeof(*ip);
}

/* ARP at @l3: mostly Ethernet/IPv4 requests, sender MAC @src (the frame's
 * source) or a pool station, sender address as mrun_ip4(). Returns 28. */
uint32_t mrun_l3_arp(struct run *R, uint8_t *l3, const uint8_t src[6], uint32_t own)
{
	struct rng *r = &R->r;
	struct arp_eth_ipv4 *arp = (void *)l3;
	uint8_t mac[6];

	arp->hrd = htons(pct(r, 95) ? 1 : 6);
	arp->pro = htons(pct(r, 95) ? ETH_P_IP : ETH_P_IPV6);
	arp->hln = pct(r, 97) ? 6 : 8;
	arp->pln = pct(r, 97) ? 4 : 16;
	arp->op = htons(pct(r, 90) ? 1 : 2);
	memcpy(arp->sha, pct(r, 75) ? src : R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	arp->sip = mrun_ip4(R, own);
	/* Mostly a station's address (what neigh-suppress answers), now and
	 * then the sender's own (gratuitous) or anything. */
	if (pct(r, 70)) {
		uint32_t a;

		dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
		arp->tip = a;
	} else if (pct(r, 30))
		arp->tip = arp->sip;
	else
		arp->tip = (uint32_t)rnd(r);
	return sizeof(*arp);
}

/*
 * Make the IPv6 header at @l3 carry a neighbour solicitation (mostly well
 * formed: hop limit 255, the source link-layer option with @src) for a
 * station's address, a station's link-local address, or anything; now and
 * then an advertisement, a wrong hop limit or option. Returns the 32 bytes
 * of the message written after the header.
 */
static uint32_t mrun_nd(struct run *R, uint8_t *l3, const uint8_t src[6])
{
	struct rng *r = &R->r;
	struct ipv6hdr *ip6 = (void *)l3;
	uint8_t *m = l3 + sizeof(*ip6), *t = m + 8, mac[6];
	uint32_t a;
	int c = (int)below(r, 100), i;

	ip6->nexthdr = pct(r, 95) ? 58 : 0;
	ip6->hop_limit = pct(r, 92) ? 255 : 64;
	ip6->payload_len = htons(pct(r, 95) ? 32 : 24);
	memset(m, 0, 32);
	m[0] = pct(r, 92) ? 135 : 136;
	m[1] = pct(r, 97) ? 0 : 1;
	dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
	if (c < 50) {
		xbr_station_addr6(R->m->prefix6, R->m->plen6, a, t);
		/* or its own address's form (XBR_PORT_F_ADDR6): never answered */
		if (pct(r, 30))
			dpt_station_iid6((int)((const uint8_t *)&a)[3] - 10, t + 8);
	} else if (c < 85) {
		t[0] = 0xfe;
		t[1] = 0x80;
		t[8] = mac[0] ^ 2;
		t[9] = mac[1];
		t[10] = mac[2];
		t[11] = 0xff;
		t[12] = 0xfe;
		t[13] = mac[3];
		t[14] = mac[4];
		t[15] = mac[5];
		if (pct(r, 10))
			t[8] = mac[0]; /* U/L bit not flipped: another MAC */
	} else {
		for (i = 0; i < 16; i++)
			t[i] = (uint8_t)rnd(r);
	}
	m[24] = pct(r, 95) ? 1 : 2;
	m[25] = pct(r, 97) ? 1 : 2;
	memcpy(m + 26, src, 6);
	m[2] = (uint8_t)rnd(r); /* the checksum is not checked */
	m[3] = (uint8_t)rnd(r);
	return 32;
}

/* An IPv6 header at @l3 with a source the spoof check of the station
 * (@own_mac, @own) takes or not: ::, an EUI-64 link-local address (of the
 * station or of @src, the U/L bit now and then wrong), the loader's address
 * for a station (the prefix + its IPv4, or + its own iid6), or anything.
 * Returns 40. */
uint32_t mrun_l3_ip6(struct run *R, uint8_t *l3, const uint8_t own_mac[6], const uint8_t src[6],
		     uint32_t own)
{
	struct rng *r = &R->r;
	struct ipv6hdr *ip6 = (void *)l3;
	const uint8_t *mac = pct(r, 80) ? own_mac : src;
	uint32_t a;
	int c, i;

	ip6->version = 6;
	ip6->nexthdr = 59;
	ip6->hop_limit = 64;
	c = (int)below(r, 100);
	if (c < 20) {
		memset(&ip6->saddr, 0, 16);
	} else if (c < 45) {
		uint8_t *b = ip6->saddr.s6_addr;

		b[0] = 0xfe;
		b[1] = 0x80;
		b[8] = mac[0] ^ 2;
		b[9] = mac[1];
		b[10] = mac[2];
		b[11] = 0xff;
		b[12] = 0xfe;
		b[13] = mac[3];
		b[14] = mac[4];
		b[15] = mac[5];
		if (pct(r, 10))
			b[8] = mac[0]; /* U/L bit not flipped: wrong */
	} else if (c < 80) {
		/* The loader's derivation of a station's address. */
		a = pct(r, 80) ? own : mrun_ip4(R, own);
		xbr_station_addr6(R->m->prefix6, R->m->plen6, a, ip6->saddr.s6_addr);
		/* or the form of a station with an address of its own (a
		 * Docker endpoint's): the prefix + that station's iid6 */
		if (pct(r, 40))
			dpt_station_iid6((int)((const uint8_t *)&a)[3] - 10, ip6->saddr.s6_addr + 8);
	} else {
		for (i = 0; i < 16; i++)
			ip6->saddr.s6_addr[i] = (uint8_t)rnd(r);
	}
	if (pct(r, 40))
		return sizeof(*ip6) + mrun_nd(R, l3, src);
	return sizeof(*ip6);
}

void mrun_pick_ingress(struct run *R, struct mrun_frame *f)
{
	struct rng *r = &R->r;
	int c = (int)below(r, 100);

	if (c < 94) {
		/* Mostly a port; now and then a position that is not one (now). */
		do
			f->in = (int)below(r, MRUN_NPORTPOS);
		while (!R->d->present[f->in] && pct(r, 85));
		f->ifindex = (uint32_t)dpt_env.ifindex[f->in];
	} else if (c < 99) {
		f->in = DPT_POS_FOREIGN;
		f->ifindex = (uint32_t)dpt_env.ifindex[f->in];
	} else {
		f->in = -1;
		f->ifindex = 0; /* loopback */
	}
}

void mrun_pick_macs(struct run *R, struct mrun_frame *f)
{
	struct rng *r = &R->r;
	struct dpt *d = R->d;
	int in = f->in;

	mrun_src(R, MRUN_ETH(f)->h_source);
	/* Frames from the port's own station, as a spoof-checked port expects. */
	if (in >= 0 && in < MRUN_NPORTPOS &&
	    pct(r, d->present[in] && (d->port[in].flags & XBR_PORT_F_SPOOFCHK) ? 65 : 10)) {
		uint32_t a;

		dpt_station(in, MRUN_ETH(f)->h_source, &a);
	}
	mrun_dst(R, MRUN_ETH(f)->h_source, MRUN_ETH(f)->h_dest);
	if (R->focus) {
		R->focus = false;
		if (pct(r, 60)) {
			memcpy(MRUN_ETH(f)->h_source, R->focus_mac, 6);
			if (pct(r, 70) && mrun_pos_of_ifindex(R->focus_ifindex) >= 0) {
				f->ifindex = R->focus_ifindex;
				f->in = mrun_pos_of_ifindex(f->ifindex);
			}
		} else if (pct(r, 75)) {
			memcpy(MRUN_ETH(f)->h_dest, R->focus_mac, 6);
		}
	}
}

void mrun_station_of(const struct mrun_frame *f, uint8_t own_mac[6], uint32_t *own)
{
	*own = 0;
	if (f->in >= 0 && f->in < MRUN_NPORTPOS)
		dpt_station(f->in, own_mac, own);
	else
		memcpy(own_mac, MRUN_ETH(f)->h_source, 6);
}
