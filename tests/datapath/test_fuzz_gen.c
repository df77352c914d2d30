// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fuzz (see test_fuzz.c), the generator: hostile frames for the model run
 * (gen_hostile(), struct mrun_ops's gen) built from mrun_gen.c's blocks plus
 * what the model test does not make: runts and every other length class,
 * stacked and cut tags, odd EtherTypes, hostile sources and destinations,
 * random bytes; whether test_run will take each (the measured limits); and
 * the counts by class the phase prints (fuzz_seen(), struct mrun_ops's seen).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_ether.h>

#include "dpt.h"
#include "model.h"
#include "mrun.h"
#include "fuzz.h"

/* Names of the classes (fuzz.h), for frame descriptions and the counts. */
const char *const cls_name[C__N] = {
	"runt", "cut-tag", "cut-l3", "hdr-only", "min", "small", "full", "jumbo", "max", "over",
	"random",
};
const char *const l3_name[L__N] = { "arp", "ipv4", "ipv6", "odd", "dns" };
const char *const src_name[S__N] = {
	"model", "new", "random", "zero", "bcast", "01:80:c2", "neighbour",
};
const char *const ref_name[R__N] = { "runt", "oversize", "short-ipv4", "short-ipv6" };

/* ---- the generator ---- */

static const uint16_t tpids[] = { ETH_P_8021Q, ETH_P_8021Q, ETH_P_8021AD, ETH_P_8021AD, 0x9100,
				  0x9200 };
static const uint16_t odd_types[] = {
	0x0000, 0x0001, 0x0004, 0x002e, 0x05dc, 0x05dd, 0x05ff, 0x0600, /* 802.3 lengths, edge */
	0x07ff, 0x0801, 0x0805, 0x0807, 0x86dc, 0x86de, /* ARP/IPv4/IPv6 +-1 */
	0x8035, 0x8847, 0x8848, 0x8863, 0x8864, 0x888e, 0x88cc, 0x88f7, 0x8906, 0x22f0,
	0x88b5, 0xffff, 0x8100, 0x88a8, /* a TPID where the inner type goes */
};


static void random_bytes(struct rng *r, uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (!(i & 7))
			v = rnd(r);
		p[i] = (uint8_t)(v >> (8 * (i & 7)));
	}
}

/* Sources the model test does not make (or seldom): returns S_*. */
static int hostile_src(struct run *R, struct mrun_frame *f)
{
	struct rng *r = &R->r;
	uint8_t *mac = MRUN_ETH(f)->h_source;
	uint32_t a;
	int c;

	if (!pct(r, 25))
		return S_MODEL;
	c = (int)below(r, 100);
	if (c < 30) {
		/* A station never seen: fills the table, meets the caps. */
		random_bytes(r, mac, 6);
		mac[0] &= 0xfe;
		if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
			mac[5] = 1;
		return S_NEW;
	}
	if (c < 50) {
		random_bytes(r, mac, 6); /* half of them group addresses */
		return S_RANDOM;
	}
	if (c < 62) {
		memset(mac, 0, 6);
		return S_ZERO;
	}
	if (c < 72) {
		memset(mac, 0xff, 6);
		return S_BCAST;
	}
	if (c < 82) {
		static const uint8_t rsv[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

		memcpy(mac, rsv, 6);
		mac[5] = (uint8_t)below(r, 16);
		return S_RESERVED;
	}
	/* Another port's station: a neighbour's MAC (spoofing it). */
	dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
	return S_NEIGHBOUR;
}

/* Destinations: reserved group addresses, random bytes, a station. Not
 * inlined: GCC 12 then takes later writes into the frame for writes into
 * h_dest (a false -Wstringop-overflow). */
__attribute__((noinline)) static void hostile_dst(struct run *R, struct mrun_frame *f)
{
	struct rng *r = &R->r;
	uint8_t *mac = MRUN_ETH(f)->h_dest;
	uint32_t a;
	int c;

	if (!pct(r, 12))
		return;
	c = (int)below(r, 100);
	if (c < 35) {
		static const uint8_t rsv[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

		memcpy(mac, rsv, 6);
		mac[5] = (uint8_t)below(r, 16);
	} else if (c < 70) {
		random_bytes(r, mac, 6);
	} else {
		dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
	}
}

static uint32_t pick_len(struct run *R, const struct limits *L, int ntags, uint32_t l3len,
			 int *cls)
{
	static const uint32_t full[] = { ETH_FRAME_LEN, ETH_FRAME_LEN + 4, ETH_FRAME_LEN + 8 };
	struct rng *r = &R->r;
	uint32_t tagend = ETH_HLEN + 4 * (uint32_t)ntags, hdr = tagend + l3len;
	int c = (int)below(r, 1000);

	if (c < 20) {
		*cls = C_RUNT;
		return (uint32_t)below(r, ETH_HLEN);
	}
	if (c < 140 && (ntags || l3len)) {
		if (ntags && (!l3len || pct(r, 40))) {
			*cls = C_CUT_TAG;
			return ETH_HLEN + (uint32_t)below(r, 4 * (uint64_t)ntags);
		}
		*cls = C_CUT_L3;
		return tagend + (uint32_t)below(r, l3len);
	}
	if (c < 190) {
		*cls = C_HDR;
		return hdr;
	}
	if (c < 490) {
		*cls = C_MIN;
		return hdr > ETH_ZLEN ? hdr : ETH_ZLEN;
	}
	if (c < 540) {
		*cls = C_FULL;
		return full[below(r, 3)];
	}
	if (c < 640) {
		*cls = C_JUMBO;
		return ETH_FRAME_LEN + 1 + (uint32_t)below(r, L->max_len - ETH_FRAME_LEN - 1);
	}
	if (c < 680) {
		*cls = C_MAX;
		return L->max_len;
	}
	if (c < 700) {
		*cls = C_OVER;
		return L->max_len + 1 + (uint32_t)below(r, 64);
	}
	*cls = C_SMALL;
	return hdr + (uint32_t)below(r, ETH_FRAME_LEN - hdr + 1);
}

void gen_hostile(struct run *R, struct mrun_frame *f, void *ctx)
{
	struct fuzz_stats *st = ctx;
	struct rng *r = &R->r;
	const struct limits *L = &g_lim[R->d->hook];
	uint8_t own_mac[6], *l3;
	uint32_t own, off = 12, l3len = 0, hdr;
	uint16_t inner, outer;
	int ntags, c, i, cls, l3k;
	size_t dl = 0;

	mrun_pick_ingress(R, f);
	mrun_pick_macs(R, f);
	st->cur_src = hostile_src(R, f);
	hostile_dst(R, f);
	mrun_station_of(f, own_mac, &own);

	if (R->ph->dns && pct(r, 10)) {
		/* A DNS query to the gateway (test_fuzz_dns.c). */
		ntags = 0;
		l3k = L_DNS;
		cls = gen_dns(R, f, st, own_mac, own);
	} else if (pct(r, 4)) {
		/* Anything from the EtherType on. */
		cls = C_RANDOM;
		ntags = 0;
		l3k = L_ODD;
		f->len = (uint32_t)below(r, L->max_len + 2);
		random_bytes(r, f->b + 12, f->len > 12 ? f->len - 12 : 0);
	} else {
		c = (int)below(r, 100);
		ntags = c < 55 ? 0 : c < 77 ? 1 : c < 91 ? 2 : 3;
		for (i = 0; i < ntags; i++) {
			put16(f->b + off, pct(r, 95) ? tpids[below(r, sizeof(tpids) / 2)] :
						       (uint16_t)rnd(r));
			put16(f->b + off + 2, (uint16_t)rnd(r)); /* PCP, DEI, VID: any */
			off += 4;
		}
		c = (int)below(r, 100);
		l3 = f->b + off + 2;
		if (c < 18) {
			l3k = L_ARP;
			inner = ETH_P_ARP;
			l3len = mrun_l3_arp(R, l3, MRUN_ETH(f)->h_source, own);
		} else if (c < 43) {
			l3k = L_IP4;
			inner = ETH_P_IP;
			l3len = mrun_l3_ip4(R, l3, own);
		} else if (c < 68) {
			l3k = L_IP6;
			inner = ETH_P_IPV6;
			l3len = mrun_l3_ip6(R, l3, own_mac, MRUN_ETH(f)->h_source, own);
		} else {
			l3k = L_ODD;
			inner = pct(r, 80) ? odd_types[below(r, sizeof(odd_types) / 2)] :
					     (uint16_t)rnd(r);
		}
		if (l3len && l3k != L_ARP && pct(r, 10))
			l3[0] = (uint8_t)rnd(r); /* version / IHL: anything */
		put16(f->b + off, inner);
		hdr = off + 2 + l3len;
		f->len = pick_len(R, L, ntags, l3len, &cls);
		if (f->len > MRUN_FRAME_MAX)
			f->len = MRUN_FRAME_MAX;
		/* Random payload after the headers (or zeros). */
		if (f->len > hdr && pct(r, 75))
			random_bytes(r, f->b + hdr, f->len - hdr);
		dl = (size_t)snprintf(f->desc, sizeof(f->desc), "[%s, %d tag%s, %s", cls_name[cls],
				      ntags, ntags == 1 ? "" : "s", l3_name[l3k]);
		if (l3k == L_ODD)
			dl += (size_t)snprintf(f->desc + dl, sizeof(f->desc) - dl, " %#06x", inner);
		snprintf(f->desc + dl, sizeof(f->desc) - dl, ", src %s]", src_name[st->cur_src]);
	}
	if (cls == C_RANDOM)
		snprintf(f->desc, sizeof(f->desc), "[random bytes from 12, src %s]",
			 src_name[st->cur_src]);

	/* Will test_run take it? (the limits measured above) */
	outer = f->len >= ETH_HLEN ? (uint16_t)(f->b[12] << 8 | f->b[13]) : 0;
	st->cur_ref = -1;
	if (f->len < L->min_len)
		st->cur_ref = R_RUNT;
	else if (f->len > L->max_len)
		st->cur_ref = R_OVER;
	else if (outer == ETH_P_IP && f->len < L->min_ip4)
		st->cur_ref = R_IP4;
	else if (outer == ETH_P_IPV6 && f->len < L->min_ip6)
		st->cur_ref = R_IP6;
	f->refusable = st->cur_ref >= 0;
	st->cur_cls = cls;
	st->cur_l3 = l3k;
	st->cur_tags = ntags;
}

void fuzz_seen(struct run *R, const struct mrun_frame *f, const struct m_decision *md,
	       void *ctx)
{
	struct fuzz_stats *st = ctx;

	st->cls[st->cur_cls]++;
	st->l3[st->cur_l3]++;
	st->src[st->cur_src]++;
	st->tags[st->cur_tags]++;
	if (f->refusable)
		st->refusable++;
	if (!md) {
		st->refused[st->cur_ref]++;
		return;
	}
	if (f->refusable)
		st->accepted_refusable++;
	if (f->in >= 0 && R->d->present[f->in] &&
	    (R->d->port[f->in].flags & XBR_PORT_F_SPOOFCHK))
		st->spoof_checked++;
	if (md->dns >= 0 && md->dns < 5)
		st->dns_res[md->dns]++;
}
