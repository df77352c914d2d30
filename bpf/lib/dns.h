/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge's name service, written once for both hooks: a DNS query from a
 * station to the gateway's address on UDP port 53, for a name the bridge
 * knows, is answered here from the pinned maps xbr_names and xbr_rnames
 * (written by the loader, user/names.c), out of the port it came in on, like
 * the ARP and ND answers of lib/neigh.h. No resolver process: nothing to
 * die, restart or leak between bridges.
 *
 * What is answered (RFC 1035 message, one question, class IN):
 *   "<name>" or "<name>.<domain>"   A, AAAA (and both for ANY) of the port
 *                                   named; NOERROR with no answer for another
 *                                   type of a known name;
 *   "<unknown>.<domain>"            NXDOMAIN (the bridge owns its domain);
 *   PTR of an address of the bridge's IPv4 subnet or IPv6 prefix
 *                                   ("d.c.b.a.in-addr.arpa", the 32 nibbles
 *                                   of "ip6.arpa"): "<name>.<domain>" of the
 *                                   port that has it, NXDOMAIN otherwise;
 *   a known name in another class   REFUSED.
 * <domain> is the bridge's name (xbr_config.dns_domain). Everything else
 * goes on to the gateway untouched: another name (a single unknown label
 * too), a message that is not a plain query (a response, another opcode,
 * a count of questions other than 1, answer or authority records), a name
 * with a compression pointer or an extended label, more than 34 labels, or
 * a datagram shorter than its header says. The host's own rules send those
 * on to its resolvers (user/names.c). The answer carries the question as
 * asked (its case too), no additional records (a query's EDNS record is
 * dropped, as a server without EDNS does) and TTL XBR_DNS_TTL. The parse
 * never follows a pointer and reads within the bytes loaded, so a looping
 * or truncated name is not answered and costs a bounded walk.
 *
 * Cost on the per-packet path: a frame the fdb sends somewhere pays one
 * EtherType and one destination address compare (xbr_dns_match); only a
 * datagram to the gateway's port 53 goes further, into the hook's
 * subprogram, which copies at most XBR_DNS_LOAD bytes into a per-CPU buffer,
 * parses and answers there, and writes the answer back in one store.
 */
#ifndef XBR_BPF_DNS_H
#define XBR_BPF_DNS_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"
#include "../maps.h"
#include "parse.h"

#define XBR_DNS_BUF 512 /* a power of two: indexes are masked with it */
/* Ethernet + IPv6 + UDP + DNS header + a 255-byte name + type and class. */
#define XBR_DNS_LOAD (14 + 40 + 8 + 12 + 255 + 4)
#define XBR_DNS_MAX_LABELS 34 /* the 32 nibbles of ip6.arpa and its 2 labels */
/* The longest answer: XBR_DNS_LOAD + a PTR record of 12 + 1 + 63 + 1 + 15 + 1
 * bytes (or A + AAAA: 44). Below XBR_DNS_BUF: hooks mask lengths with it. */
_Static_assert(XBR_DNS_LOAD + 12 + 1 + 63 + 1 + 15 + 1 < XBR_DNS_BUF, "an answer fits the buffer");

/* A frame being answered, per CPU (unpinned: user/pins.c map_unpinned()):
 * the frame, and the keys the parse builds (never on the stack: their
 * indexes vary). */
/* What the loops of an answer keep (see struct xbr_dns_ref). */
struct xbr_dns_st {
	__u32 pos, lim;
	__u32 n; /* labels seen */
	__u32 done; /* 1: at the root label; 2: not a name answered here */
	__u32 off[2]; /* the first two labels */
	__u32 tail[2]; /* the last two */
	__u32 from, to, sum; /* xbr_db_sum(); from: a label's offset for the key copy */
	__u32 cnt; /* the key copy's label length; the nibbles' position */
	__u32 bad; /* the nibbles: not an ip6.arpa name */
	__u32 w; /* the PTR data's offset */
	__u32 qtype, qclass, rcode, an; /* the question's; the answer's */
};

struct xbr_dns_buf {
	__u8 b[XBR_DNS_BUF];
	struct xbr_dns_st st;
	struct xbr_name_key key;
	struct xbr_rname_key rk;
	__u8 a6[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xbr_dns_buf);
} xbr_dns_buf SEC(".maps");

/* An index masked in a way the compiler cannot drop: the verifier then
 * knows every access is inside its array, whatever the parse found. */
#define XBR_DNS_MASK(i, m)                                  \
	({                                                  \
		__u32 __i = (i);                            \
		asm volatile("%0 &= " #m : "+r"(__i));      \
		__i;                                        \
	})
_Static_assert(XBR_DNS_BUF == 512, "XBR_DB masks with 511");
#define XBR_DB(s, i) ((s)->b[XBR_DNS_MASK(i, 511)])

/* DNS types and classes answered. */
enum { XBR_DNS_A = 1, XBR_DNS_PTR = 12, XBR_DNS_AAAA = 28, XBR_DNS_ANY = 255 };
enum { XBR_RCODE_OK = 0, XBR_RCODE_NXDOMAIN = 3, XBR_RCODE_REFUSED = 5 };

struct xbr_udp_min {
	__u16 source;
	__u16 dest;
	__u16 len;
	__u16 check;
};

/*
 * xbr_dns_match - is the frame at [@data, @data_end) a UDP datagram to the
 * gateway's address (IPv4, or the bridge prefix + the gateway's IPv4 address)
 * on port 53, unfragmented, IPv4 without options, IPv6 of version 6 without
 * extension headers? Returns the offset of its UDP header, with *@v6 set, or
 * 0. Bridges with XBR_CFG_F_NO_DNS: always 0.
 */
static __always_inline __u32 xbr_dns_match(void *data, void *data_end,
					   const struct xbr_config *cfg, __u32 *v6)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end || (cfg->flags & XBR_CFG_F_NO_DNS))
		return 0;
	if (eth->h_proto == __builtin_bswap16(ETH_P_IP)) {
		struct xbr_ipv4_min *ip = (void *)(eth + 1);
		struct xbr_udp_min *u = (void *)(ip + 1);

		if ((void *)(u + 1) > data_end || ip->daddr != cfg->gateway)
			return 0;
		if (ip->ver_ihl != 0x45 || ip->protocol != 17 ||
		    (ip->frag_off & __builtin_bswap16(0x3fff)) || u->dest != __builtin_bswap16(53))
			return 0;
		*v6 = 0;
		return ETH_HLEN + sizeof(*ip);
	}
	if (eth->h_proto == __builtin_bswap16(ETH_P_IPV6) && cfg->plen6) {
		struct xbr_ipv6_min *ip6 = (void *)(eth + 1);
		struct xbr_udp_min *u = (void *)(ip6 + 1);
		const __u32 *p6 = (const __u32 *)cfg->subnet6;

		if ((void *)(u + 1) > data_end)
			return 0;
		/* the gateway's: the prefix + its IPv4 address, or (XBR_CFG_F_GW6,
		 * a Docker network's) the prefix's first 64 bits + gw_iid6 */
		if (cfg->flags & XBR_CFG_F_GW6) {
			if ((ip6->daddr[2] ^ cfg->gw_iid6[0]) | (ip6->daddr[3] ^ cfg->gw_iid6[1]) |
			    (ip6->daddr[0] ^ p6[0]) | (ip6->daddr[1] ^ p6[1]))
				return 0;
		} else if (ip6->daddr[3] != cfg->gateway ||
			   ((ip6->daddr[0] ^ p6[0]) | (ip6->daddr[1] ^ p6[1]) | (ip6->daddr[2] ^ p6[2]))) {
			return 0;
		}
		if ((*(const __u8 *)ip6 >> 4) != 6 || ip6->nexthdr != 17 ||
		    u->dest != __builtin_bswap16(53))
			return 0;
		*v6 = 1;
		return ETH_HLEN + sizeof(*ip6);
	}
	return 0;
}

/* Lower case of an ASCII byte. */
static __always_inline __u8 xbr_lc(__u8 c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Is the label at @off of @s (its length byte first) @want (lower case, @n
 * bytes, at most 15)? */
static __always_inline int xbr_dns_label_is(struct xbr_dns_buf *s, __u32 off, const char *want,
					    __u32 n)
{
	__u32 i;

	if (XBR_DB(s, off) != n)
		return 0;
	for (i = 0; i < 15 && i < n; i++)
		if (xbr_lc(XBR_DB(s, off + 1 + i)) != (__u8)want[i])
			return 0;
	return 1;
}

/* ---- the loops, as bpf_loop() callbacks (each verified once) ---- */

/* Every loop of an answer is a bpf_loop() callback (verified once), whose
 * context on the stack is only this: the hook's frame and the answer's share
 * 512 bytes. What the loops keep is in the per-CPU buffer (s->st). */
struct xbr_dns_ref {
	struct xbr_dns_buf *s;
	const struct xbr_name_key *k; /* the PTR data's name */
	const struct xbr_config *cfg;
};

/* The question's name: labels walked without following anything. */
static long xbr_dns_walk_one(__u32 i, struct xbr_dns_ref *r)
{
	struct xbr_dns_buf *s = r->s;
	struct xbr_dns_st *w = &s->st;
	__u32 l;

	if (w->pos >= w->lim) {
		w->done = 2; /* past the datagram: truncated */
		return 1;
	}
	l = XBR_DB(s, w->pos);
	if (l == 0) {
		w->done = 1;
		return 1;
	}
	/* A compression pointer, an extended label type, too many labels. */
	if (l > XBR_DNS_LABEL_MAX || i == XBR_DNS_MAX_LABELS) {
		w->done = 2;
		return 1;
	}
	if (i < 2)
		w->off[i & 1] = w->pos;
	w->tail[0] = w->tail[1];
	w->tail[1] = w->pos;
	w->n = i + 1;
	w->pos += l + 1;
	return 0;
}

/* The label at st.from (st.cnt bytes) into s->key, lower case, zero padded. */
static long xbr_dns_key_one(__u32 i, struct xbr_dns_ref *r)
{
	struct xbr_dns_buf *s = r->s;

	/* label[i] is byte i + 1 of the key (i < XBR_DNS_LABEL_MAX = 63) */
	((__u8 *)&s->key)[XBR_DNS_MASK(i + 1, 63)] =
		i < s->st.cnt ? xbr_lc(XBR_DB(s, s->st.from + 1 + i)) : 0;
	return 0;
}

/* The 32 nibble labels of ip6.arpa (from st.cnt on) into s->a6. */
static long xbr_dns_nib_one(__u32 i, struct xbr_dns_ref *r)
{
	struct xbr_dns_buf *s = r->s;
	__u8 ch, v;

	if (XBR_DB(s, s->st.cnt) != 1) {
		s->st.bad = 1;
		return 1;
	}
	ch = xbr_lc(XBR_DB(s, s->st.cnt + 1));
	if (ch >= '0' && ch <= '9')
		v = ch - '0';
	else if (ch >= 'a' && ch <= 'f')
		v = ch - 'a' + 10;
	else {
		s->st.bad = 1;
		return 1;
	}
	s->a6[XBR_DNS_MASK(15 - i / 2, 15)] |= (i & 1) ? (__u8)(v << 4) : v;
	s->st.cnt += 2;
	return 0;
}

/* The ones' complement sum of big-endian words of [st.from, st.to). */
static long xbr_dns_sum_one(__u32 i, struct xbr_dns_ref *r)
{
	struct xbr_dns_buf *s = r->s;
	__u32 off = s->st.from + 2 * i;

	if (off >= s->st.to)
		return 1;
	s->st.sum += (__u32)XBR_DB(s, off) << 8;
	if (off + 1 < s->st.to)
		s->st.sum += XBR_DB(s, off + 1);
	return 0;
}

static __always_inline __u32 xbr_db_sum(struct xbr_dns_ref *r, __u32 from, __u32 to, __u32 sum)
{
	r->s->st.from = from;
	r->s->st.to = to;
	r->s->st.sum = sum;
	bpf_loop(XBR_DNS_BUF / 2, xbr_dns_sum_one, r, 0);
	return r->s->st.sum;
}

/* A PTR record's name ("<label>.<domain>." at st.w): the bytes of its labels. */
static long xbr_dns_put_one(__u32 i, struct xbr_dns_ref *r)
{
	struct xbr_dns_buf *s = r->s;
	__u32 n = r->k->len;

	if (i < n)
		XBR_DB(s, s->st.w + 1 + i) = ((const __u8 *)r->k)[XBR_DNS_MASK(i + 1, 63)];
	else if (i - n < r->cfg->dns_domain_len)
		XBR_DB(s, s->st.w + 2 + i) = (__u8)r->cfg->dns_domain[XBR_DNS_MASK(i - n, 15)];
	else
		return 1;
	return 0;
}

/* ---- the answer ---- */

static __always_inline void xbr_db_put16(struct xbr_dns_buf *s, __u32 w, __u32 v)
{
	XBR_DB(s, w) = (__u8)(v >> 8);
	XBR_DB(s, w + 1) = (__u8)v;
}

/*
 * An answer record at @w: a pointer to the question's name, @type, class IN,
 * TTL XBR_DNS_TTL and the length of the data to follow (@rdlen). Returns the
 * offset of its data.
 */
static __always_inline __u32 xbr_dns_rr(struct xbr_dns_buf *s, __u32 w, __u32 type, __u32 rdlen)
{
	XBR_DB(s, w) = 0xc0;
	XBR_DB(s, w + 1) = 12; /* the question's name, right after the header */
	xbr_db_put16(s, w + 2, type);
	xbr_db_put16(s, w + 4, 1);
	xbr_db_put16(s, w + 6, 0);
	xbr_db_put16(s, w + 8, XBR_DNS_TTL);
	xbr_db_put16(s, w + 10, rdlen);
	return w + 12;
}

static __always_inline __u16 xbr_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Swap @n (a constant, at most 16) bytes at @a and @b of @s. */
static __always_inline void xbr_db_swap(struct xbr_dns_buf *s, __u32 a, __u32 b, __u32 n)
{
	__u32 i;
	__u8 t;

#pragma unroll
	for (i = 0; i < 16; i++) {
		if (i >= n)
			break;
		t = s->b[a + i];
		s->b[a + i] = s->b[b + i];
		s->b[b + i] = t;
	}
}

/*
 * xbr_dns_answer - @s holds the first @n bytes of a frame of @flen bytes
 * whose UDP header is at @l4 (IPv6 when @v6: xbr_dns_match()). Builds the
 * answer over it (addresses, ports and MACs swapped, lengths and checksums
 * set) and returns the answer frame's length, or 0 when the query is not the
 * bridge's to answer (then the frame is untouched: only @s changed). The
 * hook counts the answer once it left (xbr_dns_count()), or the query as
 * forwarded.
 */
static __always_inline __u32 xbr_dns_answer(struct xbr_dns_buf *s, __u32 n, __u32 flen, __u32 l4,
					    __u32 v6, const struct xbr_config *cfg)
{
	struct xbr_dns_ref ref = { .s = s };
	struct xbr_dns_st *wk = &s->st;
	struct xbr_name_val *v = NULL;
	struct xbr_name_key *pk = NULL;
	__u32 d = l4 + 8, ulen, iplen, lim, w, i, sum, out;
	int o, ptr = 0;

	if (l4 > 64 || l4 + 8 + 12 > n)
		return 0;
	ulen = ((__u32)XBR_DB(s, l4 + 4) << 8) | XBR_DB(s, l4 + 5);
	if (ulen < 8 + 12 || l4 + ulen > flen)
		return 0; /* shorter than its header says: not answered */
	/* The IP datagram whole in the frame, and the UDP one inside it. */
	iplen = v6 ? 40 + (((__u32)XBR_DB(s, ETH_HLEN + 4) << 8) | XBR_DB(s, ETH_HLEN + 5)) :
		     ((__u32)XBR_DB(s, ETH_HLEN + 2) << 8) | XBR_DB(s, ETH_HLEN + 3);
	if (ETH_HLEN + iplen > flen || (l4 - ETH_HLEN) + ulen > iplen)
		return 0;
	lim = l4 + ulen < n ? l4 + ulen : n;
	/* A plain query: QR 0, opcode 0; one question, no answer or authority. */
	if ((XBR_DB(s, d + 2) & 0xf8) || XBR_DB(s, d + 4) || XBR_DB(s, d + 5) != 1 ||
	    XBR_DB(s, d + 6) || XBR_DB(s, d + 7) || XBR_DB(s, d + 8) || XBR_DB(s, d + 9))
		return 0;
	__builtin_memset(wk, 0, sizeof(*wk));
	wk->pos = wk->off[0] = wk->off[1] = wk->tail[0] = wk->tail[1] = d + 12;
	wk->lim = lim;
	bpf_loop(XBR_DNS_MAX_LABELS + 1, xbr_dns_walk_one, &ref, 0);
	if (wk->done != 1 || wk->n == 0 || wk->pos + 5 > lim)
		return 0;
	wk->qtype = ((__u32)XBR_DB(s, wk->pos + 1) << 8) | XBR_DB(s, wk->pos + 2);
	wk->qclass = ((__u32)XBR_DB(s, wk->pos + 3) << 8) | XBR_DB(s, wk->pos + 4);

	if (wk->n == 1 || wk->n == 2) {
		/* "<name>" or "<name>.<domain>" */
		int under = wk->n == 2;

		if (under && (!cfg->dns_domain_len ||
			      !xbr_dns_label_is(s, wk->off[1], cfg->dns_domain, cfg->dns_domain_len)))
			return 0;
		wk->from = wk->off[0];
		wk->cnt = XBR_DB(s, wk->off[0]);
		s->key.len = (__u8)wk->cnt;
		bpf_loop(XBR_DNS_LABEL_MAX, xbr_dns_key_one, &ref, 0);
		v = bpf_map_lookup_elem(&xbr_names, &s->key);
		if (!v && !under)
			return 0; /* a single label the bridge does not know: the host's */
		if (!v)
			wk->rcode = XBR_RCODE_NXDOMAIN;
	} else if (wk->n == 6 && xbr_dns_label_is(s, wk->tail[0], "in-addr", 7) &&
		   xbr_dns_label_is(s, wk->tail[1], "arpa", 4)) {
		/* d.c.b.a.in-addr.arpa: label 0 is the last octet of a.b.c.d */
		__u32 a = 0, mask, pos = wk->off[0], k, ln, dv;

		for (i = 0; i < 4; i++) {
			ln = XBR_DB(s, pos);
			if (ln == 0 || ln > 3)
				return 0;
			if (ln > 1 && XBR_DB(s, pos + 1) == '0')
				return 0; /* "010" is not the name of an octet */
			dv = 0;
			for (k = 0; k < 3; k++) {
				__u8 ch = XBR_DB(s, pos + 1 + k);

				if (k >= ln)
					break;
				if (ch < '0' || ch > '9')
					return 0;
				dv = dv * 10 + (ch - '0');
			}
			if (dv > 255)
				return 0;
			a |= dv << (8 * i); /* host order: label 0 is the low byte */
			pos += ln + 1;
		}
		a = __builtin_bswap32(a); /* network order */
		mask = cfg->plen >= 32 ? 0xffffffffu : ~(0xffffffffu >> cfg->plen);
		if (!cfg->plen || ((a ^ cfg->subnet) & __builtin_bswap32(mask)))
			return 0; /* not the bridge's subnet: the host's */
		__builtin_memset(&s->rk, 0, sizeof(s->rk));
		s->rk.family = 4;
		s->rk.addr[0] = a;
		ptr = 1;
	} else if (wk->n == 34 && xbr_dns_label_is(s, wk->tail[0], "ip6", 3) &&
		   xbr_dns_label_is(s, wk->tail[1], "arpa", 4)) {
		/* 32 nibbles, least significant first */
		if (!cfg->plen6)
			return 0;
		wk->cnt = wk->off[0];
		wk->bad = 0;
		__builtin_memset(s->a6, 0, sizeof(s->a6));
		bpf_loop(32, xbr_dns_nib_one, &ref, 0);
		if (wk->bad)
			return 0;
		/* inside the bridge's prefix (its first plen6 bits): NXDOMAIN
		 * unless a port has it, as for the IPv4 subnet */
		{
			__u32 x[4], y[4], b, m;

			__builtin_memcpy(x, s->a6, 16);
			__builtin_memcpy(y, cfg->subnet6, 16);
#pragma unroll
			for (i = 0; i < 4; i++) {
				b = cfg->plen6 > 32 * i ? cfg->plen6 - 32 * i : 0;
				m = b >= 32 ? 0xffffffffu : b ? ~(0xffffffffu >> b) : 0;
				if ((x[i] ^ y[i]) & __builtin_bswap32(m))
					return 0;
			}
		}
		s->rk.family = 6;
		__builtin_memcpy(s->rk.addr, s->a6, 16);
		ptr = 1;
	} else {
		return 0;
	}
	if (ptr) {
		pk = bpf_map_lookup_elem(&xbr_rnames, &s->rk);
		if (!pk)
			wk->rcode = XBR_RCODE_NXDOMAIN;
	}
	if (wk->qclass != 1 && wk->qclass != 255) {
		wk->rcode = XBR_RCODE_REFUSED;
		v = NULL;
		pk = NULL;
	}

	/* The answers, after the question as asked. */
	w = wk->pos + 5;
	if (v && (wk->qtype == XBR_DNS_A || wk->qtype == XBR_DNS_ANY) && v->addr) {
		w = xbr_dns_rr(s, w, XBR_DNS_A, 4);
		for (o = 0; o < 4; o++)
			XBR_DB(s, w + o) = ((const __u8 *)&v->addr)[o];
		w += 4;
		wk->an++;
	}
	if (v && (wk->qtype == XBR_DNS_AAAA || wk->qtype == XBR_DNS_ANY) &&
	    (v->addr6[0] | v->addr6[1] | v->addr6[2] | v->addr6[3])) {
		w = xbr_dns_rr(s, w, XBR_DNS_AAAA, 16);
		for (o = 0; o < 16; o++)
			XBR_DB(s, w + o) = ((const __u8 *)v->addr6)[o];
		w += 16;
		wk->an++;
	}
	if (pk && (wk->qtype == XBR_DNS_PTR || wk->qtype == XBR_DNS_ANY)) {
		__u32 kl = pk->len > XBR_DNS_LABEL_MAX ? XBR_DNS_LABEL_MAX : pk->len;
		__u32 dl = cfg->dns_domain_len > 15 ? 15 : cfg->dns_domain_len;
		__u32 len = 1 + kl + (dl ? 1 + dl : 0) + 1;

		ref.k = pk;
		ref.cfg = cfg;
		wk->w = xbr_dns_rr(s, w, XBR_DNS_PTR, len);
		XBR_DB(s, wk->w) = (__u8)kl;
		if (dl)
			XBR_DB(s, wk->w + 1 + kl) = (__u8)dl;
		XBR_DB(s, wk->w + len - 1) = 0;
		bpf_loop(XBR_DNS_LABEL_MAX + 15, xbr_dns_put_one, &ref, 0);
		w = wk->w + len;
		wk->an++;
	}
	out = w;

	/* Header: a response (QR), authoritative, RD as asked, recursion
	 * available (other names go on to the host's resolvers). */
	XBR_DB(s, d + 2) = 0x84 | (XBR_DB(s, d + 2) & 0x01);
	XBR_DB(s, d + 3) = 0x80 | wk->rcode;
	xbr_db_put16(s, d + 6, wk->an);
	xbr_db_put16(s, d + 8, 0);
	xbr_db_put16(s, d + 10, 0);

	/* Back to the asker: MACs, addresses and ports swapped. */
	xbr_db_swap(s, 0, 6, 6);
	if (!v6) {
		xbr_db_swap(s, ETH_HLEN + 12, ETH_HLEN + 16, 4);
		xbr_db_swap(s, ETH_HLEN + 20, ETH_HLEN + 22, 2);
		xbr_db_put16(s, ETH_HLEN + 2, out - ETH_HLEN);
		XBR_DB(s, ETH_HLEN + 6) = 0; /* flags and fragment offset */
		XBR_DB(s, ETH_HLEN + 7) = 0;
		XBR_DB(s, ETH_HLEN + 8) = 64;
		xbr_db_put16(s, ETH_HLEN + 10, 0);
		xbr_db_put16(s, ETH_HLEN + 10, xbr_fold(xbr_db_sum(&ref, ETH_HLEN, ETH_HLEN + 20, 0)));
	} else {
		xbr_db_swap(s, ETH_HLEN + 8, ETH_HLEN + 24, 16);
		xbr_db_swap(s, ETH_HLEN + 40, ETH_HLEN + 42, 2);
		xbr_db_put16(s, ETH_HLEN + 4, out - ETH_HLEN - 40);
		XBR_DB(s, ETH_HLEN + 7) = 64;
	}
	xbr_db_put16(s, l4 + 4, out - l4);
	xbr_db_put16(s, l4 + 6, 0);
	/* pseudo-header: the addresses, protocol 17, the UDP length */
	if (!v6)
		sum = xbr_db_sum(&ref, ETH_HLEN + 12, ETH_HLEN + 20, 17 + (out - l4));
	else
		sum = xbr_db_sum(&ref, ETH_HLEN + 8, ETH_HLEN + 40, 17 + (out - l4));
	sum = xbr_fold(xbr_db_sum(&ref, l4, out, sum));
	xbr_db_put16(s, l4 + 6, sum ? sum : 0xffff);

	return out;
}

/* Count the answer xbr_dns_answer() built in @s, once it left. */
static __always_inline void xbr_dns_count(struct xbr_dns_buf *s)
{
	if (s->st.rcode == XBR_RCODE_NXDOMAIN)
		XBR_BR_INC(dns_nxdomain);
	else if (s->st.rcode == XBR_RCODE_REFUSED)
		XBR_BR_INC(dns_refused);
	else
		XBR_BR_INC(dns_answered);
}

#endif /* XBR_BPF_DNS_H */
