// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fuzz (see test_fuzz.c), DNS queries to the gateway for the name service
 * (bpf/lib/dns.h, model_dns.c): gen_dns() makes one, over IPv4 or IPv6,
 * mostly to a destination MAC the table has live on another port (a unicast
 * the service looks at; an unknown unicast MAC floods and is looked at too,
 * a group MAC is not), for
 *   - a name of the bridge (random case), alone or under its domain; an
 *     unknown label; a name with more labels;
 *   - in-addr.arpa and ip6.arpa names of stations, of other addresses of
 *     the subnet or prefix, of addresses outside; octets with leading zeros
 *     or past 255, nibbles not hex;
 *   - random labels, the root, 255-byte and many-label names;
 * of types A, AAAA, ANY, PTR, MX or any, classes IN, ANY, CHAOS or any; now
 * and then with an EDNS OPT record, trailing bytes, padding, a wrong UDP
 * checksum. Then about 40 % of them are mutated, one to three times: a
 * random byte of the message, a label length byte (a compression pointer,
 * an extended label type, a length past the name), a label turned into a
 * pointer (to itself too), the UDP or IP length off (shorter, longer, any),
 * the counts of the header, its flags (QR, opcodes), the frame cut anywhere
 * past the UDP header, IPv4 options or fragment bits, the IPv6 version or
 * next header, the port, the destination address.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>

#include "dpt.h"
#include "model.h"
#include "mrun.h"
#include "parse.h" /* xbr_station_addr6() */
#include "fuzz.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t csum(const uint8_t *p, uint32_t n, uint32_t s)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* A label into @w at @n: @s (@len bytes), each letter in random case. */
static uint32_t label(struct rng *r, uint8_t *w, uint32_t n, const char *s, uint32_t len,
		      bool mixcase)
{
	uint32_t i;

	w[n++] = (uint8_t)len;
	for (i = 0; i < len; i++) {
		uint8_t c = (uint8_t)s[i];

		if (mixcase && c >= 'a' && c <= 'z' && pct(r, 30))
			c = (uint8_t)(c - 32);
		w[n++] = c;
	}
	return n;
}

static uint32_t label_str(struct rng *r, uint8_t *w, uint32_t n, const char *s)
{
	return label(r, w, n, s, (uint32_t)strlen(s), true);
}

/* A random label of 1..@max bytes: letters, digits and '-' mostly. */
static uint32_t label_rnd(struct rng *r, uint8_t *w, uint32_t n, uint32_t max)
{
	static const char cs[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
	char s[64];
	uint32_t len = 1 + (uint32_t)below(r, max), i;
	bool any = pct(r, 10);

	for (i = 0; i < len; i++)
		s[i] = any ? (char)rnd(r) : cs[below(r, sizeof(cs) - 1)];
	return label(r, w, n, s, len, false);
}

/* in-addr.arpa of @a (network order); now and then an octet with a
 * leading zero, or past 255. */
static uint32_t name_rev4(struct rng *r, uint8_t *w, uint32_t n, uint32_t a)
{
	const uint8_t *b = (const uint8_t *)&a;
	char s[8];
	int i;

	for (i = 3; i >= 0; i--) {
		int c = (int)below(r, 100);

		if (c < 3)
			snprintf(s, sizeof(s), "0%u", b[i]);
		else if (c < 5)
			snprintf(s, sizeof(s), "%u", b[i] + 256u);
		else if (c < 6)
			snprintf(s, sizeof(s), "%ux", b[i]);
		else
			snprintf(s, sizeof(s), "%u", b[i]);
		n = label_str(r, w, n, s);
	}
	n = label_str(r, w, n, "in-addr");
	return label_str(r, w, n, "arpa");
}

/* ip6.arpa of @a; now and then a nibble that is none, or two digits. */
static uint32_t name_rev6(struct rng *r, uint8_t *w, uint32_t n, const uint8_t a[16])
{
	static const char x[] = "0123456789abcdef";
	char s[3] = {};
	int i;

	for (i = 31; i >= 0; i--) {
		uint8_t v = (uint8_t)(i % 2 ? a[i / 2] & 0xf : a[i / 2] >> 4);
		int c = (int)below(r, 1000);

		s[0] = x[v];
		s[1] = 0;
		if (c < 5)
			s[0] = 'g';
		else if (c < 8)
			s[1] = '0';
		n = label_str(r, w, n, s);
	}
	n = label_str(r, w, n, "ip6");
	return label_str(r, w, n, "arpa");
}

/* The question's name into @w: its length; *@what says which kind. */
static uint32_t qname(struct run *R, uint8_t *w, const char **what)
{
	struct rng *r = &R->r;
	const struct model *m = R->m;
	const char *dom = m->dns.domain[0] ? m->dns.domain : MRUN_DNS_DOMAIN;
	uint8_t mac[6], a6[16];
	uint32_t n = 0, a, i, k;
	int c = (int)below(r, 100);

	if (c < 28 && m->dns.nname) {
		*what = "name";
		n = label_str(r, w, n, m->dns.name[below(r, (uint64_t)m->dns.nname)].label);
		if (pct(r, 55))
			n = label_str(r, w, n, pct(r, 95) ? dom : "example");
	} else if (c < 38) {
		*what = "unknown";
		n = label_rnd(r, w, n, 63);
		if (pct(r, 60))
			n = label_str(r, w, n, dom);
	} else if (c < 52) {
		*what = "in-addr";
		k = (uint32_t)below(r, 100);
		if (k < 50)
			dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
		else if (k < 75)
			a = htonl(0x0a000000u | (uint32_t)below(r, 256));
		else if (k < 82)
			a = htonl(0x0a000063u);
		else if (k < 88)
			a = htonl(0xc0a80101u);
		else
			a = (uint32_t)rnd(r);
		n = name_rev4(r, w, n, a);
	} else if (c < 66) {
		*what = "ip6.arpa";
		k = (uint32_t)below(r, 100);
		dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
		xbr_station_addr6(m->prefix6, m->plen6, a, a6);
		if (k < 25) {
			/* a station's, under the prefix of now */
		} else if (k < 45 && m->dns.nrname) {
			const struct m_rname *rn = &m->dns.rname[below(r, (uint64_t)m->dns.nrname)];

			if (rn->family == 6)
				memcpy(a6, rn->addr, 16);
		} else if (k < 75) {
			for (i = 8; i < 16; i++) /* the prefix's, any host part */
				if (pct(r, 30))
					a6[i] = (uint8_t)rnd(r);
		} else {
			for (i = 0; i < 16; i++)
				a6[i] = (uint8_t)rnd(r);
		}
		n = name_rev6(r, w, n, a6);
	} else if (c < 76) {
		*what = "random labels";
		k = 1 + (uint32_t)below(r, 40);
		for (i = 0; i < k && n < 400; i++)
			n = label_rnd(r, w, n, pct(r, 80) ? 8 : 63);
	} else if (c < 80) {
		*what = "root";
	} else if (c < 90 && m->dns.nname) {
		*what = "more labels";
		n = label_rnd(r, w, n, 10);
		n = label_str(r, w, n, m->dns.name[below(r, (uint64_t)m->dns.nname)].label);
		if (pct(r, 70))
			n = label_str(r, w, n, dom);
	} else {
		*what = "long";
		k = pct(r, 50) ? 63 : 1 + (uint32_t)below(r, 10);
		while (n + 1 + k + 1 <= 255 + (pct(r, 20) ? 64u : 0u))
			n = label_rnd(r, w, n, k);
	}
	w[n++] = 0;
	return n;
}

int gen_dns(struct run *R, struct mrun_frame *f, struct fuzz_stats *st, const uint8_t own_mac[6],
	    uint32_t own)
{
	struct rng *r = &R->r;
	const struct model *m = R->m;
	uint8_t *b = f->b, *ip = b + ETH_HLEN, *u, *d, a6[16];
	uint32_t l4, dlen, qn, ulen, i, nmut = 0;
	const char *what = "?";
	bool v6 = pct(r, m->plen6 ? 35 : 5);
	int cls = C_SMALL;
	uint16_t type, class;
	char muts[48] = "";
	size_t ml = 0;

	/* Mostly to a MAC the table has live on another port (a unicast the
	 * service looks at), from the station. */
	if (m->n && pct(r, 85)) {
		size_t k = below(r, m->n), j;

		for (j = 0; j < m->n; j++) {
			const struct m_entry *e = &m->fdb[(k + j) % m->n];

			if (e->ifindex != f->ifindex && !model_expired(m, e, R->d->now) &&
			    model_port(m, e->ifindex)) {
				memcpy(MRUN_ETH(f)->h_dest, e->mac, 6);
				break;
			}
		}
	}
	if (pct(r, 80))
		memcpy(MRUN_ETH(f)->h_source, own_mac, 6);
	if (!v6) {
		put16(b + 12, ETH_P_IP);
		ip[0] = 0x45;
		ip[1] = (uint8_t)rnd(r);
		put16(ip + 4, (uint16_t)rnd(r));
		put16(ip + 6, pct(r, 50) ? 0x4000 : 0);
		ip[8] = (uint8_t)rnd(r);
		ip[9] = 17;
		{
			uint32_t s = pct(r, 60) ? own : mrun_ip4(R, own);

			memcpy(ip + 12, &s, 4);
		}
		memcpy(ip + 16, &m->dns.gateway, 4);
		l4 = ETH_HLEN + 20;
	} else {
		put16(b + 12, ETH_P_IPV6);
		ip[0] = 0x60;
		ip[1] = (uint8_t)(rnd(r) & 0x0f);
		ip[6] = 17;
		ip[7] = (uint8_t)rnd(r);
		if (pct(r, 70)) {
			xbr_station_addr6(m->prefix6, m->plen6, own, a6);
		} else if (pct(r, 50)) {
			memset(a6, 0, 16);
			a6[0] = 0xfe;
			a6[1] = 0x80;
			a6[8] = own_mac[0] ^ 2;
			a6[9] = own_mac[1];
			a6[10] = own_mac[2];
			a6[11] = 0xff;
			a6[12] = 0xfe;
			memcpy(a6 + 13, own_mac + 3, 3);
		} else {
			for (i = 0; i < 16; i++)
				a6[i] = (uint8_t)rnd(r);
		}
		memcpy(ip + 8, a6, 16);
		xbr_station_addr6(m->prefix6, m->plen6, m->dns.gateway, ip + 24);
		l4 = ETH_HLEN + 40;
	}
	u = b + l4;
	d = u + 8;
	put16(u, (uint16_t)(1024 + below(r, 64512)));
	put16(u + 2, 53);
	put16(d, (uint16_t)rnd(r));
	d[2] = pct(r, 70) ? 0x01 : 0x00;
	d[3] = pct(r, 10) ? (uint8_t)rnd(r) : 0;
	put16(d + 4, 1);
	qn = qname(R, d + 12, &what);
	{
		int c = (int)below(r, 100);

		type = c < 40 ? 1 : c < 60 ? 28 : c < 70 ? 255 : c < 85 ? 12 : c < 90 ? 15 :
									(uint16_t)rnd(r);
		c = (int)below(r, 100);
		class = c < 85 ? 1 : c < 90 ? 255 : c < 95 ? 3 : (uint16_t)rnd(r);
	}
	put16(d + 12 + qn, type);
	put16(d + 12 + qn + 2, class);
	dlen = 12 + qn + 4;
	if (pct(r, 25)) {
		/* EDNS OPT: 1232 bytes, and ARCOUNT 1 */
		static const uint8_t opt[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0 };

		memcpy(d + dlen, opt, sizeof(opt));
		dlen += sizeof(opt);
		put16(d + 10, 1);
	}
	if (pct(r, 5)) {
		uint32_t k = (uint32_t)below(r, 200);

		for (i = 0; i < k; i++)
			d[dlen + i] = (uint8_t)rnd(r);
		dlen += k;
	}
	/* Lengths and checksums. */
	ulen = 8 + dlen;
	put16(u + 4, (uint16_t)ulen);
	if (v6) {
		put16(ip + 4, (uint16_t)ulen);
		put16(u + 6, (uint16_t)~csum(u, ulen, csum(ip + 8, 32, 17 + ulen)));
	} else {
		put16(ip + 2, (uint16_t)(20 + ulen));
		put16(ip + 10, (uint16_t)~csum(ip, 20, 0));
		put16(u + 6, (uint16_t)~csum(u, ulen, csum(ip + 12, 8, 17 + ulen)));
	}
	if (pct(r, 10))
		put16(u + 6, (uint16_t)rnd(r));
	f->len = l4 + ulen;
	if (f->len < ETH_ZLEN)
		f->len = ETH_ZLEN; /* padded with zeros */
	if (pct(r, 10)) {
		uint32_t k = (uint32_t)below(r, 100);

		for (i = 0; i < k; i++)
			b[f->len + i] = (uint8_t)rnd(r);
		f->len += k;
	}

	/* Mutations. */
	if (pct(r, 40)) {
		uint32_t k = 1 + (uint32_t)below(r, 3), j;

		for (j = 0; j < k; j++) {
			int c = (int)below(r, 13);
			uint32_t p;

			nmut++;
			if (ml < sizeof(muts) - 4)
				ml += (size_t)snprintf(muts + ml, sizeof(muts) - ml, "%s%d",
						       ml ? "," : "", c);
			switch (c) {
			case 0: /* any byte of the message */
				d[below(r, dlen)] = (uint8_t)rnd(r);
				break;
			case 1: /* a label length byte of the name */
			case 2: /* a label made a pointer */
				p = 12;
				for (i = (uint32_t)below(r, 8); i && d[p] && d[p] < 64; i--)
					p += 1u + d[p];
				if (c == 1) {
					d[p] = (uint8_t)rnd(r);
				} else {
					d[p] = (uint8_t)(0xc0 | (pct(r, 50) ? 0 : below(r, 64)));
					d[p + 1] = pct(r, 40) ? (uint8_t)p : (uint8_t)rnd(r);
				}
				break;
			case 3: /* the UDP length */
				p = get16(u + 4);
				put16(u + 4, pct(r, 20) ? (uint16_t)rnd(r) :
							  (uint16_t)(p + below(r, 61) - 30));
				break;
			case 4: /* the IP length */
				p = get16(ip + (v6 ? 4 : 2));
				put16(ip + (v6 ? 4 : 2), pct(r, 20) ? (uint16_t)rnd(r) :
								      (uint16_t)(p + below(r, 61) - 30));
				break;
			case 5: { /* QDCOUNT */
				static const uint16_t q[] = { 0, 2, 100, 0xffff };

				put16(d + 4, pct(r, 80) ? q[below(r, 4)] : (uint16_t)rnd(r));
				break;
			}
			case 6: /* ANCOUNT or NSCOUNT */
				put16(d + (pct(r, 50) ? 6 : 8), (uint16_t)(1 + below(r, 3)));
				break;
			case 7: /* the flags: QR, opcode, the rest */
				d[2] = (uint8_t)rnd(r);
				break;
			case 8: /* the frame cut past the UDP header */
				if (f->len > l4 + 8)
					f->len = l4 + 8 + (uint32_t)below(r, f->len - l4 - 8);
				cls = C_CUT_L3;
				break;
			case 9: /* IPv4 options or fragment bits; the IPv6 version or
				 * next header */
				if (!v6 && pct(r, 40))
					ip[0] = (uint8_t)(0x40 | (5 + below(r, 11)));
				else if (!v6)
					put16(ip + 6, (uint16_t)rnd(r));
				else if (pct(r, 50))
					ip[0] = (uint8_t)((rnd(r) & 0xf0) | (ip[0] & 0x0f));
				else
					ip[6] = pct(r, 50) ? 0 : (uint8_t)rnd(r);
				break;
			case 10: /* the port */
				put16(u + 2, pct(r, 50) ? 5353 : (uint16_t)rnd(r));
				break;
			case 11: /* the destination address */
				ip[(v6 ? 39 : 19) - below(r, 4)] ^= (uint8_t)(1 + below(r, 255));
				break;
			default: /* the type and class */
				put16(d + 12 + qn, (uint16_t)rnd(r));
				put16(d + 12 + qn + 2, (uint16_t)rnd(r));
				break;
			}
		}
	}
	if (nmut)
		st->dns_mutated++;
	else
		st->dns_clean++;
	snprintf(f->desc, sizeof(f->desc), "[dns %s %s type %u class %u%s%s]", v6 ? "ipv6" : "ipv4",
		 what, type, class, nmut ? ", mutations " : "", muts);
	return cls;
}
