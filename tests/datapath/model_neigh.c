// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The reference model's statement of neigh-suppress (rule 4n of model.h),
 * written from the rule as documented (bpf/lib/neigh.h's header comment,
 * RFC 826 and RFC 4861), byte offsets on the wire, not from the BPF code:
 * which frames the bridge answers, and the exact reply it writes over them.
 */
#include <string.h>
#include "model.h"
#include "parse.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The port the bridge answers for: the station with MAC @mac (and address
 * @addr when @by_addr) seen alive on its own port, neigh-suppressed, another
 * port than @in, unicast allowed between them; for a solicitation (@nd6) by
 * the prefix + IPv4 form, not a station with an IPv6 address of its own. */
static const struct m_port *answering_port(const struct model *m, uint64_t now,
					   const struct m_port *in, const uint8_t mac[6],
					   uint32_t addr, bool by_addr, bool nd6)
{
	const struct m_entry *e = model_find(m, mac);
	const struct m_port *p;

	if (!e || model_expired(m, e, now) || e->ifindex == in->ifindex)
		return NULL;
	p = model_port(m, e->ifindex);
	if (!p || !(p->flags & XBR_PORT_F_NEIGH_SUPPRESS) || memcmp(p->mac, mac, 6))
		return NULL;
	if (by_addr && p->addr != addr)
		return NULL;
	/* a station with an IPv6 address of its own has no prefix + IPv4
	 * address: not answered for (by_addr is the ND form only: ARP asks by
	 * address in the other way) */
	if (by_addr && nd6 && (p->flags & XBR_PORT_F_ADDR6))
		return NULL;
	if ((in->flags & XBR_PORT_F_ISOLATED) && (p->flags & XBR_PORT_F_ISOLATED))
		return NULL;
	return p;
}

/* The station whose own IPv6 address (XBR_PORT_F_ADDR6) is @t, by its name:
 * xbr_rnames gives the name, xbr_names its port; answered as the others. */
static const struct m_port *own6_port(const struct model *m, uint64_t now,
				      const struct m_port *in, const uint8_t *t)
{
	const struct m_port *p, *q;
	uint32_t ifindex;

	if (!model_dns_port_of6(m, t, &ifindex))
		return NULL;
	p = model_port(m, ifindex);
	if (!p || !(p->flags & XBR_PORT_F_ADDR6))
		return NULL;
	q = answering_port(m, now, in, p->mac, 0, false, true);
	return q && q->ifindex == ifindex ? q : NULL;
}

static void station_mac(uint32_t addr, uint8_t mac[6])
{
	mac[0] = 0x0a;
	mac[1] = 0x58;
	memcpy(mac + 2, &addr, 4);
}

/* ARP (Ethernet, IPv4) request, 42 bytes at least: hrd 1, pro 0x0800, hln 6,
 * pln 4, op 1, sender neither 0.0.0.0 nor the target, target not 0.0.0.0. */
static bool arp(const struct model *m, uint64_t now, const struct m_port *in, const uint8_t *f,
		uint32_t len, struct m_decision *d)
{
	const uint8_t *a = f + 14;
	const struct m_port *p;
	uint32_t sip, tip;
	uint8_t mac[6];
	uint8_t *r = d->reply;

	if (len < 42 || get16(a) != 1 || get16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4 ||
	    get16(a + 6) != 1)
		return false;
	memcpy(&sip, a + 14, 4);
	memcpy(&tip, a + 24, 4);
	if (!sip || !tip || sip == tip)
		return false;
	station_mac(tip, mac);
	p = answering_port(m, now, in, mac, tip, true, false);
	if (!p)
		return false;
	memcpy(r, a + 8, 6); /* to the asking sender's hardware address */
	memcpy(r + 6, p->mac, 6);
	put16(r + 12, 0x0806);
	put16(r + 14, 1);
	put16(r + 16, 0x0800);
	r[18] = 6;
	r[19] = 4;
	put16(r + 20, 2);
	memcpy(r + 22, p->mac, 6);
	memcpy(r + 28, &tip, 4);
	memcpy(r + 32, a + 8, 6);
	memcpy(r + 38, a + 14, 4);
	d->reply_len = 42;
	return true;
}

/* RFC 1071 over the IPv6 pseudo-header and the 32-byte message at @icmp. */
static uint16_t icmp6_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *icmp)
{
	uint32_t sum = 32 + 58;
	int i;

	for (i = 0; i < 16; i += 2)
		sum += get16(src + i) + get16(dst + i);
	for (i = 0; i < 32; i += 2)
		sum += get16(icmp + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* IPv6 neighbour solicitation, 86 bytes at least: version 6, next header 58
 * (no extension header), hop limit 255, payload at least 32, type 135 code 0,
 * first option a source link-layer address (1, length 1), source not ::.
 * Target: fe80::/64 with a modified EUI-64 (the MAC in it), or the loader's
 * address of a station (the bridge prefix + its IPv4 address). */
static bool nd(const struct model *m, uint64_t now, const struct m_port *in, const uint8_t *f,
	       uint32_t len, struct m_decision *d)
{
	static const uint8_t any[16];
	const uint8_t *ip6 = f + 14, *icmp = f + 54, *t = icmp + 8;
	const struct m_port *p;
	uint8_t mac[6], want[16];
	uint32_t addr = 0;
	bool by_addr = false;
	uint8_t *r = d->reply;

	if (len < 86 || (ip6[0] >> 4) != 6 || ip6[6] != 58 || ip6[7] != 255 ||
	    get16(ip6 + 4) < 32 || icmp[0] != 135 || icmp[1] != 0 || icmp[24] != 1 ||
	    icmp[25] != 1 || !memcmp(ip6 + 8, any, 16))
		return false;
	if (t[0] == 0xfe && t[1] == 0x80 && !memcmp(t + 2, any, 6) && t[11] == 0xff &&
	    t[12] == 0xfe) {
		mac[0] = t[8] ^ 2;
		memcpy(mac + 1, t + 9, 2);
		memcpy(mac + 3, t + 13, 3);
	} else if (m->plen6) {
		memcpy(&addr, t + 12, 4);
		xbr_station_addr6(m->prefix6, m->plen6, addr, want);
		if (memcmp(t, want, 8)) /* not in the prefix (its first 64 bits) */
			return false;
		/* a station's prefix + IPv4 form, or its own address (found
		 * through the names, as the loader names such a port) */
		p = NULL;
		if (addr && !memcmp(t, want, 16)) {
			station_mac(addr, mac);
			p = answering_port(m, now, in, mac, addr, true, true);
		}
		if (!p)
			p = own6_port(m, now, in, t);
		if (!p)
			return false;
		goto reply;
	} else {
		return false;
	}
	p = answering_port(m, now, in, mac, addr, by_addr, true);
	if (!p)
		return false;
reply:
	memcpy(r, f + 6, 6); /* to the asking frame's source */
	memcpy(r + 6, p->mac, 6);
	put16(r + 12, 0x86dd);
	memset(r + 14, 0, 72);
	r[14] = 0x60;
	put16(r + 18, 32);
	r[20] = 58;
	r[21] = 255;
	memcpy(r + 22, t, 16); /* from the target address */
	memcpy(r + 38, ip6 + 8, 16); /* to the solicitation's source */
	r[54] = 136;
	r[58] = 0x60; /* solicited, override; router flag clear */
	memcpy(r + 62, t, 16);
	r[78] = 2;
	r[79] = 1;
	memcpy(r + 80, p->mac, 6);
	put16(r + 56, icmp6_csum(r + 22, r + 38, r + 54));
	d->reply_len = 86;
	return true;
}

bool model_neigh(struct model *m, uint64_t now, const struct m_port *in, const uint8_t *f,
		 uint32_t len, struct m_decision *d)
{
	uint16_t type = get16(f + 12);

	if (type == 0x0806 && arp(m, now, in, f, len, d)) {
		m->st.arp_replied++;
	} else if (type == 0x86dd && nd(m, now, in, f, len, d)) {
		m->st.nd_replied++;
	} else {
		return false;
	}
	d->kind = XBR_V_REPLY;
	d->out = in->ifindex;
	return true;
}
