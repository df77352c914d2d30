// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The reference model's statement of the bridge's name service (rule 7d of
 * model.h), written from the rules as documented (bpf/lib/dns.h's header
 * comment, RFC 1035 sections 4.1 and 3.5, RFC 3596 section 2.5, RFC 4343 for
 * case, RFC 768 / RFC 1071 for UDP and checksums), with byte offsets on the
 * wire and the answer built afresh in its own buffer, not from the BPF code
 * (which rewrites the query in place).
 *
 * A DNS query to the gateway: an untagged Ethernet frame carrying
 *   IPv4: version 4 with a 20-byte header (no options), protocol UDP, neither
 *         more fragments nor a fragment offset, to the gateway's address;
 *   IPv6: version 6, next header UDP (no extension header), to the bridge
 *         prefix + the gateway's IPv4 address (how the loader numbers
 *         stations), when the bridge has IPv6;
 * with the whole UDP header in the frame and destination port 53. Only such
 * a frame is looked at (and counted: answered, or forwarded), unless the
 * bridge has XBR_CFG_F_NO_DNS.
 *
 * It is left to the gateway (forwarded, untouched) unless all of:
 *  - the datagram is whole: the UDP length covers the UDP and DNS headers
 *    (8 + 12 bytes) and is no longer than the IP payload, which the frame
 *    holds whole ("a datagram shorter than its header says");
 *  - a plain query: QR 0, opcode 0 (QUERY), QDCOUNT 1, ANCOUNT 0, NSCOUNT 0
 *    (ARCOUNT anything: a query's EDNS OPT record is not looked at);
 *  - the question's name is plain labels (length bytes 1..63; a compression
 *    pointer 0xc0 or an extended label type 0x40/0x80 is not followed), at
 *    most 34 labels and 255 bytes, not the root, and its type and class are
 *    inside the datagram;
 *  - the name is one the bridge answers for:
 *      "<label>"              a name the bridge has (unknown: the host's);
 *      "<label>.<domain>"     the bridge has a domain: NXDOMAIN when it has
 *                             no such name (it owns its domain);
 *      "d.c.b.a.in-addr.arpa" d, c, b, a decimal octets (1-3 digits, no
 *                             leading zero, at most 255) of an address of
 *                             the bridge's subnet (plen not 0): the name of
 *                             that address, NXDOMAIN when none;
 *      32 single hex-digit labels + "ip6.arpa", least significant nibble
 *                             first, an address inside the bridge's IPv6
 *                             prefix (prefix6/plen6): the same;
 *    labels compared without regard to ASCII case (RFC 4343).
 * Class IN (1) or ANY (255) is answered; any other class REFUSED, with no
 * records. Records for type A (the name's IPv4 address, if any), AAAA (its
 * IPv6 address, if any), both for ANY, PTR (an address's name, as
 * "<label>.<domain>." or "<label>." without a domain) for PTR and ANY;
 * another type: NOERROR without records.
 *
 * The answer frame: MACs swapped; IPv4: the query's header with addresses
 * swapped, total length, flags and fragment offset 0, TTL 64, checksum;
 * IPv6: version, traffic class and flow label as asked, payload length,
 * next header UDP, hop limit 64, addresses swapped; UDP: ports swapped,
 * length, checksum (0 sent as 0xffff). DNS: the query's ID, QR 1, opcode 0,
 * AA 1, TC 0, RD as asked, RA 1 (other names go on to the host's resolvers),
 * Z/AD/CD 0, RCODE; QDCOUNT 1, ANCOUNT the records, NSCOUNT and ARCOUNT 0;
 * the question as asked (its case too); then each record: a pointer to the
 * question's name (0xc00c), type, class IN, TTL XBR_DNS_TTL, data. Nothing
 * of the query after its question (EDNS OPT, padding) is in it.
 */
#include <string.h>
#include "model.h"
#include "parse.h" /* xbr_station_addr6(): how the loader numbers stations */

enum { T_A = 1, T_PTR = 12, T_AAAA = 28, T_ANY = 255 };
enum { C_IN = 1, C_ANY = 255 };
enum { RC_NOERROR = 0, RC_NXDOMAIN = 3, RC_REFUSED = 5 };

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1071: the 16-bit ones' complement sum of @n bytes (an odd last byte
 * padded with a zero). */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += rd16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint32_t csum_fin(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Is the label at @lab (length byte first) @s, without regard to case? */
static bool label_is(const uint8_t *lab, const char *s)
{
	size_t n = strlen(s), i;

	if (!n || lab[0] != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(lab[1 + i]) != lower((uint8_t)s[i]))
			return false;
	return true;
}

/* The first @bits bits of @a and @b agree. */
static bool same_prefix(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < bits; i++) {
		uint8_t m = (uint8_t)(0x80 >> (i % 8));

		if ((a[i / 8] & m) != (b[i / 8] & m))
			return false;
	}
	return true;
}

static const struct m_name *find_name(const struct model *m, const uint8_t *lab)
{
	int i;

	for (i = 0; i < m->dns.nname; i++)
		if (label_is(lab, m->dns.name[i].label))
			return &m->dns.name[i];
	return NULL;
}

static const struct m_rname *find_rname(const struct model *m, int family, const uint8_t *a)
{
	int i;

	for (i = 0; i < m->dns.nrname; i++)
		if (m->dns.rname[i].family == family &&
		    !memcmp(m->dns.rname[i].addr, a, family == 4 ? 4 : 16))
			return &m->dns.rname[i];
	return NULL;
}

bool model_dns_port_of6(const struct model *m, const uint8_t a6[16], uint32_t *ifindex)
{
	const struct m_rname *r = find_rname(m, 6, a6);
	int i;

	if (!r)
		return false;
	for (i = 0; i < m->dns.nname; i++)
		if (!strcmp(m->dns.name[i].label, r->label)) {
			*ifindex = m->dns.name[i].ifindex;
			return true;
		}
	return false;
}

/* A decimal octet of an in-addr.arpa name: 1-3 digits, no leading zero,
 * at most 255. -1 when the label is none. */
static int octet(const uint8_t *lab)
{
	int n = lab[0], v = 0, i;

	if (n < 1 || n > 3 || (n > 1 && lab[1] == '0'))
		return -1;
	for (i = 1; i <= n; i++) {
		if (lab[i] < '0' || lab[i] > '9')
			return -1;
		v = v * 10 + (lab[i] - '0');
	}
	return v > 255 ? -1 : v;
}

/* A single hex-digit label of an ip6.arpa name: its value, or -1. */
static int nibble(const uint8_t *lab)
{
	uint8_t c = lower(lab[1]);

	if (lab[0] != 1)
		return -1;
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The question, parsed: its labels (pointers into the message). */
struct question {
	const uint8_t *lab[35];
	int n;
	uint32_t end; /* offset in the message past its class */
	uint32_t type, class;
};

/* Parse the question at offset 12 of the @mlen-byte message @msg: false when
 * it is none the bridge takes. */
static bool parse_question(const uint8_t *msg, uint32_t mlen, struct question *q)
{
	uint32_t p = 12, wire = 0;

	q->n = 0;
	for (;;) {
		uint8_t l;

		if (p >= mlen)
			return false; /* cut inside the name */
		l = msg[p];
		if (l == 0)
			break;
		if (l & 0xc0)
			return false; /* a pointer (11), or an extended label (01, 10) */
		if (q->n == 34)
			return false; /* a 35th label */
		q->lab[q->n++] = msg + p;
		wire += 1u + l;
		p += 1u + l;
	}
	if (q->n == 0 || wire + 1 > 255)
		return false; /* the root; a name past RFC 1035's 255 bytes */
	if (p + 1 + 4 > mlen)
		return false; /* type or class cut */
	q->type = rd16(msg + p + 1);
	q->class = rd16(msg + p + 3);
	q->end = p + 5;
	return true;
}

/* Where the UDP header of a DNS query to the gateway is (0: none), IPv6 in
 * *@v6. */
static uint32_t query_to_gateway(const struct model *m, const uint8_t *f, uint32_t len, bool *v6)
{
	uint32_t type;
	uint8_t gw6[16];

	if (m->dns.off || len < 14)
		return 0;
	type = rd16(f + 12);
	if (type == 0x0800) {
		const uint8_t *ip = f + 14;

		if (len < 14 + 20 + 8 || ip[0] != 0x45 || ip[9] != 17 || (rd16(ip + 6) & 0x3fff) ||
		    memcmp(ip + 16, &m->dns.gateway, 4) || rd16(ip + 20 + 2) != 53)
			return 0;
		*v6 = false;
		return 14 + 20;
	}
	if (type == 0x86dd && m->plen6) {
		const uint8_t *ip6 = f + 14;

		xbr_station_addr6(m->prefix6, m->plen6, m->dns.gateway, gw6);
		if (len < 14 + 40 + 8 || (ip6[0] >> 4) != 6 || ip6[6] != 17 ||
		    memcmp(ip6 + 24, gw6, 16) || rd16(ip6 + 40 + 2) != 53)
			return 0;
		*v6 = true;
		return 14 + 40;
	}
	return 0;
}

/* One resource record at @w: a pointer to the question's name, @type, class
 * IN, the TTL, @rdlen bytes of @rdata. Returns the offset past it. */
static uint32_t put_rr(uint8_t *a, uint32_t w, uint32_t type, const void *rdata, uint32_t rdlen)
{
	wr16(a + w, 0xc000 | 12);
	wr16(a + w + 2, type);
	wr16(a + w + 4, C_IN);
	wr16(a + w + 6, (uint32_t)XBR_DNS_TTL >> 16);
	wr16(a + w + 8, (uint32_t)XBR_DNS_TTL & 0xffff);
	wr16(a + w + 10, rdlen);
	memcpy(a + w + 12, rdata, rdlen);
	return w + 12 + rdlen;
}

int model_dns(const struct model *m, const uint8_t *f, uint32_t len, uint8_t *ans,
	      uint32_t *alen)
{
	static const uint8_t zero16[16];
	const struct m_name *name = NULL;
	const struct m_rname *rname = NULL;
	struct question q;
	const uint8_t *msg;
	uint32_t l4, ulen, iplen, mlen, rcode = RC_NOERROR, an = 0, w, sum;
	bool v6 = false, ptr = false;
	uint8_t *u, *dns;

	*alen = 0;
	l4 = query_to_gateway(m, f, len, &v6);
	if (!l4)
		return M_DNS_NONE;

	/* The datagram whole: UDP within the IP payload, the IP datagram
	 * within the frame. */
	ulen = rd16(f + l4 + 4);
	iplen = v6 ? 40 + rd16(f + 14 + 4) : rd16(f + 14 + 2);
	if (ulen < 8 + 12 || 14 + iplen > len || (l4 - 14) + ulen > iplen)
		return M_DNS_FORWARDED;
	msg = f + l4 + 8;
	mlen = ulen - 8;
	/* A plain query: QR 0 and opcode 0, one question, no answer or
	 * authority records. */
	if ((msg[2] & 0x80) || ((msg[2] >> 3) & 0x0f) || rd16(msg + 4) != 1 || rd16(msg + 6) ||
	    rd16(msg + 8))
		return M_DNS_FORWARDED;
	if (!parse_question(msg, mlen, &q))
		return M_DNS_FORWARDED;

	if (q.n == 1 || q.n == 2) {
		if (q.n == 2 && (!m->dns.domain[0] || !label_is(q.lab[1], m->dns.domain)))
			return M_DNS_FORWARDED; /* another domain's name */
		name = find_name(m, q.lab[0]);
		if (!name && q.n == 1)
			return M_DNS_FORWARDED; /* a single label the bridge does not know */
		if (!name)
			rcode = RC_NXDOMAIN;
	} else if (q.n == 6 && label_is(q.lab[4], "in-addr") && label_is(q.lab[5], "arpa")) {
		uint8_t a[4];
		int i, v;

		for (i = 0; i < 4; i++) {
			v = octet(q.lab[i]);
			if (v < 0)
				return M_DNS_FORWARDED;
			a[3 - i] = (uint8_t)v; /* the first label is the last octet */
		}
		if (!m->dns.plen || !same_prefix(a, (const uint8_t *)&m->dns.subnet,
						 m->dns.plen > 32 ? 32 : m->dns.plen))
			return M_DNS_FORWARDED; /* not the bridge's subnet: the host's */
		rname = find_rname(m, 4, a);
		ptr = true;
	} else if (q.n == 34 && label_is(q.lab[32], "ip6") && label_is(q.lab[33], "arpa")) {
		uint8_t a[16] = {};
		int i, v;

		for (i = 0; i < 32; i++) {
			v = nibble(q.lab[i]);
			if (v < 0)
				return M_DNS_FORWARDED;
			/* label i is nibble 31 - i of the address */
			a[(31 - i) / 2] |= (uint8_t)((31 - i) % 2 ? v : v << 4);
		}
		if (!m->plen6 || !same_prefix(a, m->prefix6, m->plen6))
			return M_DNS_FORWARDED; /* not the bridge's prefix: the host's */
		rname = find_rname(m, 6, a);
		ptr = true;
	} else {
		return M_DNS_FORWARDED;
	}
	if (ptr && !rname)
		rcode = RC_NXDOMAIN;
	if (q.class != C_IN && q.class != C_ANY) {
		rcode = RC_REFUSED;
		name = NULL;
		rname = NULL;
	}

	/* The answer, afresh. */
	memset(ans, 0, 512);
	memcpy(ans, f + 6, 6);
	memcpy(ans + 6, f, 6);
	memcpy(ans + 12, f + 12, 2);
	u = ans + l4;
	dns = u + 8;
	memcpy(dns, msg, 2); /* ID */
	dns[2] = (uint8_t)(0x80 | 0x04 | (msg[2] & 0x01)); /* QR, AA, RD as asked */
	dns[3] = (uint8_t)(0x80 | rcode); /* RA */
	wr16(dns + 4, 1);
	memcpy(dns + 12, msg + 12, q.end - 12); /* the question as asked */
	w = q.end;
	if (name && (q.type == T_A || q.type == T_ANY) && name->addr) {
		w = put_rr(dns, w, T_A, &name->addr, 4);
		an++;
	}
	if (name && (q.type == T_AAAA || q.type == T_ANY) && memcmp(name->addr6, zero16, 16)) {
		w = put_rr(dns, w, T_AAAA, name->addr6, 16);
		an++;
	}
	if (rname && (q.type == T_PTR || q.type == T_ANY)) {
		uint8_t rd[1 + 63 + 1 + 15 + 1];
		uint32_t n = 0, kl = (uint32_t)strlen(rname->label);
		uint32_t dl = (uint32_t)strlen(m->dns.domain);

		rd[n++] = (uint8_t)kl;
		memcpy(rd + n, rname->label, kl);
		n += kl;
		if (dl) {
			rd[n++] = (uint8_t)dl;
			memcpy(rd + n, m->dns.domain, dl);
			n += dl;
		}
		rd[n++] = 0;
		w = put_rr(dns, w, T_PTR, rd, n);
		an++;
	}
	wr16(dns + 6, an);
	ulen = 8 + w;
	*alen = l4 + ulen;

	/* UDP: ports swapped. */
	memcpy(u, f + l4 + 2, 2);
	memcpy(u + 2, f + l4, 2);
	wr16(u + 4, ulen);
	if (!v6) {
		uint8_t *ip = ans + 14;

		memcpy(ip, f + 14, 20);
		memcpy(ip + 12, f + 14 + 16, 4);
		memcpy(ip + 16, f + 14 + 12, 4);
		wr16(ip + 2, 20 + ulen);
		wr16(ip + 6, 0);
		ip[8] = 64;
		wr16(ip + 10, 0);
		wr16(ip + 10, csum_fin(csum_add(0, ip, 20)));
		sum = csum_add(17 + ulen, ip + 12, 8);
	} else {
		uint8_t *ip6 = ans + 14;

		memcpy(ip6, f + 14, 4); /* version, traffic class, flow label */
		wr16(ip6 + 4, ulen);
		ip6[6] = 17;
		ip6[7] = 64;
		memcpy(ip6 + 8, f + 14 + 24, 16);
		memcpy(ip6 + 24, f + 14 + 8, 16);
		sum = csum_add(17 + ulen, ip6 + 8, 32);
	}
	sum = csum_fin(csum_add(sum, u, ulen));
	wr16(u + 6, sum ? sum : 0xffff);
	return rcode == RC_NXDOMAIN ? M_DNS_NXDOMAIN :
	       rcode == RC_REFUSED  ? M_DNS_REFUSED :
				      M_DNS_ANSWERED;
}

int model_dns_name(struct model *m, const char *label, uint32_t ifindex, uint32_t addr,
		   const uint8_t addr6[16])
{
	struct m_name *n;

	if (m->dns.nname >= M_DNS_MAX_NAMES || strlen(label) > 63)
		return -1;
	n = &m->dns.name[m->dns.nname++];
	memset(n, 0, sizeof(*n));
	strcpy(n->label, label);
	n->ifindex = ifindex;
	n->addr = addr;
	if (addr6)
		memcpy(n->addr6, addr6, 16);
	return 0;
}

int model_dns_rname(struct model *m, int family, const void *addr, const char *label)
{
	struct m_rname *r;

	if (m->dns.nrname >= M_DNS_MAX_NAMES || strlen(label) > 63)
		return -1;
	r = &m->dns.rname[m->dns.nrname++];
	memset(r, 0, sizeof(*r));
	r->family = family;
	memcpy(r->addr, addr, family == 4 ? 4 : 16);
	strcpy(r->label, label);
	return 0;
}
