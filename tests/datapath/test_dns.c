// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The bridge's name service (bpf/lib/dns.h), case by case, under both hooks:
 * DNS queries from stations to the gateway's address, answered by the
 * bridge (the answer back out of the asking port, counted dns_answered /
 * dns_nxdomain / dns_refused) or left to the gateway (the unicast it was,
 * untouched, counted dns_forwarded), or no DNS query at all (no counter).
 *
 * Every frame goes through the program and the reference model (model.c,
 * model_dns.c) side by side: the verdict, the egress port, the DNS counter
 * and the bytes that leave must be the model's (tc: test_run's data_out; XDP:
 * the answer's length from the tx counter of the live run, its bytes from a
 * second run without live frames, dpt_xdp_peek()). Each case also says what
 * it expects by itself (answered, NXDOMAIN, refused, forwarded, none), and
 * the answers are read back field by field here (header, the question as
 * asked, each record, the IP and UDP checksums), so that the model is
 * checked too.
 *
 * XDP hands a query whose answer needs more room than the frame has to tc
 * (XDP_PASS, its ingress count taken back): then the tc program runs on the
 * same frame, as the kernel would, and its answer is compared. (test_run's
 * XDP buffers always have the room: each case counts how often that
 * happened; test_dns_live sends queries for real into attached programs.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xbr.h"
#include "dpt.h"
#include "model.h"
#include "mrun.h"
#include "parse.h"
#include "tests.h"
#include "xbr_tc.skel.h"
#include "xbr_xdp.skel.h"

#define PD XBR_PORT_F_DEFAULT
#define NPORT 4
#define GW_POS 0 /* the gateway's port */
#define DOMAIN "br0"
#define LONG63 "l23456789-123456789-123456789-123456789-123456789-123456789-123"

enum { T_A = 1, T_NS = 2, T_PTR = 12, T_MX = 15, T_AAAA = 28, T_ANY = 255 };
enum { RC_OK = 0, RC_NX = 3, RC_REFUSED = 5 };

struct zctx {
	struct dpt d;
	struct model m;
	int hook;
	uint8_t gwmac[6];
	uint32_t gw; /* 10.0.0.1 */
	uint8_t mac[NPORT][6];
	uint32_t addr[NPORT];
	uint8_t a6[NPORT][16]; /* the stations' IPv6 addresses */
	uint8_t gw6[16];
	/* The query being built: the frame, where its UDP header is, its DNS
	 * message's length and its question's (name + type + class). */
	uint8_t f[2048];
	uint32_t len, l4, dlen, qlen;
	bool v6;
	int from;
	/* The answer that left (tc data_out, XDP peek, or tc after XDP_PASS). */
	uint8_t ans[512];
	uint32_t alen;
	int kind; /* of the last run */
	long handed; /* XDP answers handed to tc (XDP_PASS) */
	long runs;
};

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The 16-bit ones' complement sum of @n bytes, folded, not inverted. */
static uint32_t sum16(const uint8_t *p, uint32_t n, uint32_t sum)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The UDP checksum of the datagram at @l4 of @f (the pseudo-header's
 * addresses from its IP header), as it must be written. */
static uint16_t udp_csum(const uint8_t *f, uint32_t l4, bool v6)
{
	uint32_t ulen = rd16(f + l4 + 4), s;

	s = v6 ? sum16(f + 14 + 8, 32, 17 + ulen) : sum16(f + 14 + 12, 8, 17 + ulen);
	s = (uint16_t)~sum16(f + l4, ulen, s);
	return (uint16_t)(s ? s : 0xffff);
}

/* The wire form of the dotted name @name ("" the root) into @w: its length. */
static uint32_t wire(const char *name, uint8_t *w)
{
	uint32_t n = 0;
	const char *p = name, *dot;

	while (*p) {
		dot = strchr(p, '.');
		if (!dot)
			dot = p + strlen(p);
		w[n++] = (uint8_t)(dot - p);
		memcpy(w + n, p, (size_t)(dot - p));
		n += (uint32_t)(dot - p);
		p = *dot ? dot + 1 : dot;
	}
	w[n++] = 0;
	return n;
}

static uint8_t *msg(struct zctx *c)
{
	return c->f + c->l4 + 8;
}

/* Lengths and checksums of the query as it is (c->dlen bytes of DNS), the
 * frame padded to the Ethernet minimum with zeros. */
static void seal(struct zctx *c)
{
	uint32_t ulen = 8 + c->dlen;
	uint8_t *ip = c->f + 14;

	wr16(c->f + c->l4 + 4, ulen);
	if (c->v6) {
		wr16(ip + 4, ulen);
	} else {
		wr16(ip + 2, (c->l4 - 14) + ulen);
		wr16(ip + 10, 0);
		wr16(ip + 10, (uint16_t)~sum16(ip, (ip[0] & 0x0f) * 4u, 0));
	}
	wr16(c->f + c->l4 + 6, 0);
	wr16(c->f + c->l4 + 6, udp_csum(c->f, c->l4, c->v6));
	c->len = c->l4 + ulen;
	if (c->len < ETH_ZLEN) {
		memset(c->f + c->len, 0, ETH_ZLEN - c->len);
		c->len = ETH_ZLEN;
	}
}

/* A query from station @from to the gateway over IPv4 (or IPv6 with @v6):
 * ID 0x1234, RD, one question of the wire name @q (@qn bytes), @type,
 * @class. */
static void query_w(struct zctx *c, int from, bool v6, const uint8_t *q, uint32_t qn,
		    uint16_t type, uint16_t class)
{
	uint8_t *f = c->f, *ip = f + 14, *m;

	memset(f, 0, sizeof(c->f));
	c->from = from;
	c->v6 = v6;
	memcpy(f, c->gwmac, 6);
	memcpy(f + 6, c->mac[from], 6);
	if (!v6) {
		wr16(f + 12, ETH_P_IP);
		ip[0] = 0x45;
		ip[1] = 0x10; /* a TOS, kept */
		wr16(ip + 4, 0x4242);
		wr16(ip + 6, 0x4000); /* DF */
		ip[8] = 33;
		ip[9] = 17;
		memcpy(ip + 12, &c->addr[from], 4);
		memcpy(ip + 16, &c->gw, 4);
		c->l4 = 14 + 20;
	} else {
		wr16(f + 12, ETH_P_IPV6);
		ip[0] = 0x60;
		ip[1] = 0x0a; /* traffic class and flow label: kept */
		ip[3] = 0x77;
		ip[6] = 17;
		ip[7] = 33;
		memcpy(ip + 8, c->a6[from], 16);
		memcpy(ip + 24, c->gw6, 16);
		c->l4 = 14 + 40;
	}
	wr16(f + c->l4, 40000 + (uint32_t)from);
	wr16(f + c->l4 + 2, 53);
	m = msg(c);
	wr16(m, 0x1234);
	m[2] = 0x01; /* RD */
	wr16(m + 4, 1);
	memcpy(m + 12, q, qn);
	wr16(m + 12 + qn, type);
	wr16(m + 12 + qn + 2, class);
	c->qlen = qn + 4;
	c->dlen = 12 + c->qlen;
	seal(c);
}

static void query(struct zctx *c, int from, bool v6, const char *name, uint16_t type,
		  uint16_t class)
{
	uint8_t w[300];

	query_w(c, from, v6, w, wire(name, w), type, class);
}

/* Append @n bytes to the DNS message (after the question), lengths and
 * checksums set again. */
static void append(struct zctx *c, const void *b, uint32_t n)
{
	memcpy(msg(c) + c->dlen, b, n);
	c->dlen += n;
	seal(c);
}

/* An EDNS OPT record (RFC 6891) for 1232 bytes, DO clear, and ARCOUNT 1. */
static void add_opt(struct zctx *c)
{
	static const uint8_t opt[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0 };

	wr16(msg(c) + 10, 1);
	append(c, opt, sizeof(opt));
}

static void model_port_add(struct zctx *c, int pos, uint32_t flags)
{
	model_port_set(&c->m, (uint32_t)dpt_env.ifindex[pos], flags, 0, c->mac[pos], c->addr[pos]);
}

/* Both sides: a name with the addresses of @pos's station (@v4, @v6: which
 * of them), and PTR entries for them when @ptr. */
static void name_add(struct zctx *c, const char *label, int pos, bool v4, bool v6, bool ptr)
{
	struct xbr_name_val v = { .ifindex = (uint32_t)dpt_env.ifindex[pos] };
	struct xbr_rname_key k = {};

	if (v4)
		v.addr = c->addr[pos];
	if (v6)
		memcpy(v.addr6, c->a6[pos], 16);
	assert_int_equal(dpt_name_set(&c->d, label, &v), 0);
	assert_int_equal(model_dns_name(&c->m, label, v.ifindex, v.addr, (uint8_t *)v.addr6), 0);
	if (!ptr)
		return;
	if (v4) {
		k.family = 4;
		k.addr[0] = c->addr[pos];
		assert_int_equal(dpt_rname_set(&c->d, &k, label), 0);
		assert_int_equal(model_dns_rname(&c->m, 4, &c->addr[pos], label), 0);
	}
	if (v6) {
		memset(&k, 0, sizeof(k));
		k.family = 6;
		memcpy(k.addr, c->a6[pos], 16);
		assert_int_equal(dpt_rname_set(&c->d, &k, label), 0);
		assert_int_equal(model_dns_rname(&c->m, 6, c->a6[pos], label), 0);
	}
}

static void rname_add4(struct zctx *c, uint32_t a, const char *label)
{
	struct xbr_rname_key k = { .family = 4, .addr = { a } };

	assert_int_equal(dpt_rname_set(&c->d, &k, label), 0);
	assert_int_equal(model_dns_rname(&c->m, 4, &a, label), 0);
}

static void set_dns(struct zctx *c, const char *domain, bool off)
{
	assert_int_equal(dpt_set_dns(&c->d, c->gw, ip4("10.0.0.0"), 24, domain, off), 0);
	c->m.dns.gateway = c->gw;
	c->m.dns.subnet = ip4("10.0.0.0");
	c->m.dns.plen = 24;
	snprintf(c->m.dns.domain, sizeof(c->m.dns.domain), "%s", domain);
	c->m.dns.off = off;
}

/*
 * The bridge: port 0 the gateway's (its MAC static there, as the host's),
 * ports 1-3 stations that have spoken; the gateway 10.0.0.1 of 10.0.0.0/24,
 * the prefix DPT_PREFIX6/64, domain "br0". Names: st1, st2 (both families,
 * PTR), web (an alias of st2: no PTR), v4only (st3's IPv4 only, PTR), none
 * (no address), the longest label (st3's IPv6 address, PTR); 192.168.1.1 has
 * a PTR entry outside the subnet (never answered).
 */
static struct zctx *setup(int hook)
{
	struct zctx *c = calloc(1, sizeof(*c));
	struct xbr_ctl_req r = { .op = XBR_OP_ADD, .flags = XBR_FDB_F_STATIC };
	uint32_t count;
	int pos;

	assert_non_null(c);
	c->hook = hook;
	assert_int_equal(dpt_open_hook(&c->d, hook, 0, false), 0);
	assert_int_equal(model_init(&c->m, c->d.fdb_size, c->d.cfg.ageing_ns), 0);
	c->m.ev_room = 0;
	memcpy(c->m.prefix6, c->d.cfg.subnet6, 16);
	c->m.plen6 = c->d.cfg.plen6;
	c->gw = ip4("10.0.0.1");
	xbr_station_addr6(c->d.cfg.subnet6, c->d.cfg.plen6, c->gw, c->gw6);
	assert_int_equal(dpt_mac_parse("02:00:0a:00:00:01", c->gwmac), 0);
	for (pos = 0; pos < NPORT; pos++) {
		uint32_t fl = pos == GW_POS ? PD | XBR_PORT_F_GATEWAY : PD;

		dpt_station(pos, c->mac[pos], &c->addr[pos]);
		xbr_station_addr6(c->d.cfg.subnet6, c->d.cfg.plen6, c->addr[pos], c->a6[pos]);
		assert_int_equal(dpt_port_add(&c->d, pos, fl, 0), 0);
		model_port_add(c, pos, fl);
	}
	set_dns(c, DOMAIN, false);
	r.ifindex = (uint32_t)dpt_env.ifindex[GW_POS];
	memcpy(r.mac, c->gwmac, 6);
	assert_int_equal(dpt_ctl(&c->d, &r), 0);
	assert_int_equal(model_ctl(&c->m, c->d.now, &r, &count), 0);
	name_add(c, "st1", 1, true, true, true);
	name_add(c, "st2", 2, true, true, true);
	name_add(c, "web", 2, true, true, false);
	name_add(c, "v4only", 3, true, false, true);
	name_add(c, "none", 3, false, false, false);
	name_add(c, LONG63, 3, false, true, true);
	rname_add4(c, ip4("192.168.1.1"), "outside");
	/* The stations speak (learned), as the model has them. */
	for (pos = 1; pos < NPORT; pos++) {
		struct m_decision md;
		struct dpt_obs o;
		uint8_t f[60] = {};

		memset(f, 0xff, 6);
		memcpy(f + 6, c->mac[pos], 6);
		f[12] = 0x88;
		f[13] = 0xb5;
		assert_int_equal(dpt_frame(&c->d, (uint32_t)dpt_env.ifindex[pos], f, 60, &o), 0);
		model_frame(&c->m, c->d.now, (uint32_t)dpt_env.ifindex[pos], f, 60, &md);
		assert_int_equal(o.kind, DPT_FLOOD);
		assert_int_equal(md.kind, XBR_V_FLOOD);
	}
	return c;
}

static void done(struct zctx *c)
{
	if (c->hook == DPT_XDP && c->handed)
		print_message("  xdp: %ld of %ld queries handed to tc for room (XDP_PASS)\n",
			      c->handed, c->runs);
	dpt_close(&c->d);
	model_free(&c->m);
	free(c);
}

static void show(const char *what, const uint8_t *b, uint32_t n)
{
	print_message("  %s (%u bytes):\n", what, n);
	mrun_hexdump_all(b, n > 512 ? 512 : n);
}

/* Run the query (c->f, c->len) into port c->from through the program and
 * the model; everything compared (see the top). Returns the model's (and so
 * the program's) enum m_dns_res; c->kind the verdict, c->ans the answer. */
static int run(struct zctx *c)
{
	uint32_t ifindex = (uint32_t)dpt_env.ifindex[c->from], mask = 0;
	static struct m_decision md;
	struct xbr_br_stats bs;
	struct dpt_obs o;
	bool tc = c->hook == DPT_TC;
	char a[96], b[96];

	c->runs++;
	c->alen = 0;
	model_events_reset(&c->m);
	model_frame(&c->m, c->d.now, ifindex, c->f, c->len, &md);
	assert_int_equal(dpt_frame(&c->d, ifindex, c->f, c->len, &o), 0);
	if (c->hook == DPT_XDP && o.xdp.flood_map == XBR_XDP_TO_TC &&
	    (o.xdp.verdict == XBR_V_UNICAST || o.xdp.verdict == XBR_V_FLOOD) &&
	    o.xdp.out_ifindex == ifindex) {
		/* XDP_PASS for room: the tc program takes the same frame. */
		int fd = c->d.prog_fd;

		c->handed++;
		c->d.prog_fd = bpf_program__fd(c->d.tc->progs.xbr_tc_ingress);
		c->d.hook = DPT_TC;
		assert_int_equal(dpt_frame(&c->d, ifindex, c->f, c->len, &o), 0);
		c->d.prog_fd = fd;
		c->d.hook = DPT_XDP;
		tc = true;
	}
	mask = mrun_mask_of(&c->d, &md);
	mrun_decision_str(a, sizeof(a), md.kind, md.reason, mask);
	mrun_decision_str(b, sizeof(b), o.kind, o.reason, o.txmask);
	if (o.kind == DPT_BAD || o.kind != md.kind || o.dns != md.dns || o.txmask != mask) {
		show("query", c->f, c->len);
		if (md.reply_whole)
			show("model's answer", md.reply, md.reply_len);
		fail_msg("%s: model %s dns %s, bpf %s dns %s%s%s", dpt_hook_name(c->hook), a,
			 dpt_dns_str(md.dns), b, dpt_dns_str(o.dns), o.why[0] ? ": " : "", o.why);
	}
	if (md.kind == XBR_V_REPLY && md.reply_whole) {
		if (o.tx_bytes != md.reply_len)
			fail_msg("answer of %llu bytes counted, model's %u",
				 (unsigned long long)o.tx_bytes, md.reply_len);
		if (tc) {
			assert_int_equal(o.retval, TC_ACT_REDIRECT);
			c->alen = o.data_len;
			memcpy(c->ans, o.out, o.out_len);
		} else {
			int ret = dpt_xdp_peek(&c->d, ifindex, c->f, c->len, c->ans, sizeof(c->ans),
					       &c->alen);

			assert_int_equal(ret, XDP_REDIRECT);
		}
		if (c->alen != md.reply_len || memcmp(c->ans, md.reply, md.reply_len)) {
			show("query", c->f, c->len);
			show("bpf's answer", c->ans, c->alen);
			show("model's answer", md.reply, md.reply_len);
			fail_msg("%s: the answer is not the model's", dpt_hook_name(c->hook));
		}
	} else if (md.kind == XBR_V_UNICAST) {
		/* On as it came: its length, and every byte that came back
		 * (tc: the first 512, XDP: all). */
		uint8_t out[2048];
		uint32_t n = 0, k;

		if (tc) {
			n = o.data_len;
			k = o.out_len;
			memcpy(out, o.out, o.out_len);
		} else {
			assert_int_equal(o.xdp.out_ifindex, md.out);
			assert_int_equal(dpt_xdp_peek(&c->d, ifindex, c->f, c->len, out,
						      sizeof(out), &n),
					 XDP_REDIRECT);
			k = n;
		}
		if (n != c->len || memcmp(out, c->f, k))
			fail_msg("%s: a query left to the gateway was changed (%u bytes of %u)",
				 dpt_hook_name(c->hook), n, c->len);
	} else if (md.kind == XBR_V_FLOOD && tc) {
		/* Flooded as it came (tc: the frame itself goes to the last port). */
		if (o.data_len != c->len || memcmp(o.out, c->f, o.out_len))
			fail_msg("tc: a flooded query was changed (%u bytes of %u)", o.data_len,
				 c->len);
	}
	/* The bridge's DNS counters, since the start, are the model's. */
	assert_int_equal(dpt_br_stats(&c->d, &bs), 0);
	if (bs.dns_answered != c->m.st.dns_answered || bs.dns_nxdomain != c->m.st.dns_nxdomain ||
	    bs.dns_refused != c->m.st.dns_refused || bs.dns_forwarded != c->m.st.dns_forwarded)
		fail_msg("dns counters answered/nxdomain/refused/forwarded: bpf %llu/%llu/%llu/%llu, "
			 "model %llu/%llu/%llu/%llu",
			 (unsigned long long)bs.dns_answered, (unsigned long long)bs.dns_nxdomain,
			 (unsigned long long)bs.dns_refused, (unsigned long long)bs.dns_forwarded,
			 (unsigned long long)c->m.st.dns_answered,
			 (unsigned long long)c->m.st.dns_nxdomain,
			 (unsigned long long)c->m.st.dns_refused,
			 (unsigned long long)c->m.st.dns_forwarded);
	c->kind = o.kind;
	return md.dns;
}

/*
 * The answer in c->ans read back by itself: Ethernet, IP and UDP headers
 * (addresses and ports swapped, lengths, both checksums), the DNS header (ID,
 * QR, AA, RD as asked, RA, @rcode, one question, @an records, nothing else),
 * the question byte for byte as asked. Returns the offset of the first record.
 */
static uint32_t answer(struct zctx *c, int rcode, int an)
{
	const uint8_t *r = c->ans, *q = c->f, *ip = r + 14, *d;
	uint32_t ulen;

	assert_true(c->alen > 0);
	assert_memory_equal(r, q + 6, 6);
	assert_memory_equal(r + 6, q, 6);
	assert_memory_equal(r + 12, q + 12, 2);
	if (!c->v6) {
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(ip[1], q[15]);
		assert_int_equal(rd16(ip + 2), c->alen - 14);
		assert_int_equal(rd16(ip + 6), 0);
		assert_int_equal(ip[8], 64);
		assert_int_equal(ip[9], 17);
		assert_int_equal(sum16(ip, 20, 0), 0xffff);
		assert_memory_equal(ip + 12, q + 14 + 16, 4);
		assert_memory_equal(ip + 16, q + 14 + 12, 4);
	} else {
		assert_memory_equal(ip, q + 14, 4);
		assert_int_equal(rd16(ip + 4), c->alen - 54);
		assert_int_equal(ip[6], 17);
		assert_int_equal(ip[7], 64);
		assert_memory_equal(ip + 8, q + 14 + 24, 16);
		assert_memory_equal(ip + 24, q + 14 + 8, 16);
	}
	ulen = rd16(r + c->l4 + 4);
	assert_int_equal(ulen, c->alen - c->l4);
	assert_int_equal(rd16(r + c->l4), 53);
	assert_int_equal(rd16(r + c->l4 + 2), rd16(q + c->l4));
	/* The checksum over pseudo-header and datagram comes out as 0xffff. */
	assert_int_equal(c->v6 ? sum16(r + c->l4, ulen, sum16(r + 14 + 8, 32, 17 + ulen)) :
				 sum16(r + c->l4, ulen, sum16(r + 14 + 12, 8, 17 + ulen)),
			 0xffff);
	d = r + c->l4 + 8;
	assert_memory_equal(d, msg(c), 2);
	assert_int_equal(d[2], 0x84 | (msg(c)[2] & 1));
	assert_int_equal(d[3], 0x80 | rcode);
	assert_int_equal(rd16(d + 4), 1);
	assert_int_equal(rd16(d + 6), an);
	assert_int_equal(rd16(d + 8), 0);
	assert_int_equal(rd16(d + 10), 0);
	assert_memory_equal(d + 12, msg(c) + 12, c->qlen);
	return c->l4 + 8 + 12 + c->qlen;
}

/* A record at @off of the answer: the pointer to the question's name, @type,
 * class IN, TTL, @n bytes of @data. Returns the offset past it. */
static uint32_t record(struct zctx *c, uint32_t off, int type, const void *data, uint32_t n)
{
	const uint8_t *p = c->ans + off;

	assert_true(off + 12 + n <= c->alen);
	assert_int_equal(rd16(p), 0xc00c);
	assert_int_equal(rd16(p + 2), type);
	assert_int_equal(rd16(p + 4), 1);
	assert_int_equal(rd16(p + 6) << 16 | rd16(p + 8), XBR_DNS_TTL);
	assert_int_equal(rd16(p + 10), n);
	assert_memory_equal(p + 12, data, n);
	return off + 12 + n;
}

#define HOOK_OR_SKIP(state, c)                              \
	int hook = (int)(long)*(state);                     \
	struct zctx *c;                                     \
	if (dpt_hook_missing(hook))                         \
		DPT_SKIP(dpt_hook_missing(hook));           \
	c = setup(hook)

/* ---- the names ---- */

static void test_names(void **state)
{
	HOOK_OR_SKIP(state, c);
	uint8_t w[80];
	uint32_t off;
	int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		/* A of a name, alone and under the domain. */
		query(c, 1, v6, "st2", T_A, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		off = answer(c, RC_OK, 1);
		off = record(c, off, T_A, &c->addr[2], 4);
		assert_int_equal(off, c->alen);
		query(c, 1, v6, "st2." DOMAIN, T_AAAA, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		off = answer(c, RC_OK, 1);
		assert_int_equal(record(c, off, T_AAAA, c->a6[2], 16), c->alen);
		/* ANY: both, A first. Class ANY is class IN. */
		query(c, 3, v6, "st1." DOMAIN, T_ANY, 255);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		off = answer(c, RC_OK, 2);
		off = record(c, off, T_A, &c->addr[1], 4);
		assert_int_equal(record(c, off, T_AAAA, c->a6[1], 16), c->alen);
		/* Case does not matter; the question keeps it (answer() checks). */
		query(c, 1, v6, "sT2.Br0", T_A, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		off = answer(c, RC_OK, 1);
		assert_memory_equal(c->ans + c->l4 + 8 + 12, "\3sT2\3Br0", 8);
		record(c, off, T_A, &c->addr[2], 4);
		/* An alias answers with its port's addresses. */
		query(c, 1, v6, "WEB", T_A, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		record(c, answer(c, RC_OK, 1), T_A, &c->addr[2], 4);
		/* A name without the address asked for: NOERROR, no record. */
		query(c, 1, v6, "v4only", T_AAAA, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		assert_int_equal(answer(c, RC_OK, 0), c->alen);
		query(c, 1, v6, "none." DOMAIN, T_ANY, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		assert_int_equal(answer(c, RC_OK, 0), c->alen);
		/* Another type of a known name: NOERROR, no record. */
		query(c, 1, v6, "st2", T_MX, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		assert_int_equal(answer(c, RC_OK, 0), c->alen);
		query(c, 1, v6, "st2", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		assert_int_equal(answer(c, RC_OK, 0), c->alen);
		/* The longest label. */
		query(c, 2, v6, LONG63 "." DOMAIN, T_AAAA, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		record(c, answer(c, RC_OK, 1), T_AAAA, c->a6[3], 16);
		/* Unknown under the domain: NXDOMAIN. */
		query(c, 1, v6, "nosuch." DOMAIN, T_A, 1);
		assert_int_equal(run(c), M_DNS_NXDOMAIN);
		assert_int_equal(answer(c, RC_NX, 0), c->alen);
		/* A single unknown label, another domain, more labels: the host's. */
		query(c, 1, v6, "nosuch", T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		assert_int_equal(c->kind, DPT_UNICAST);
		query(c, 1, v6, "st2.example", T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "st2." DOMAIN ".example", T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "www.st2." DOMAIN, T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, DOMAIN, T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* The root: not a name the bridge has. */
		query(c, 1, v6, "", T_NS, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* Another class (CHAOS, HESIOD, NONE): REFUSED for the bridge's
		 * names, no record; a single unknown label still the host's. */
		query(c, 1, v6, "st2", T_A, 3);
		assert_int_equal(run(c), M_DNS_REFUSED);
		assert_int_equal(answer(c, RC_REFUSED, 0), c->alen);
		query(c, 1, v6, "st2." DOMAIN, T_ANY, 4);
		assert_int_equal(run(c), M_DNS_REFUSED);
		assert_int_equal(answer(c, RC_REFUSED, 0), c->alen);
		query(c, 1, v6, "nosuch." DOMAIN, T_A, 254);
		assert_int_equal(run(c), M_DNS_REFUSED);
		query(c, 1, v6, "nosuch", T_A, 3);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* The gateway's MAC not in the table (aged out): the query would
		 * flood; the bridge's names are answered all the same, another
		 * name floods as it would have. */
		query(c, 1, v6, "st2", T_A, 1);
		c->f[5] ^= 0x40;
		assert_int_equal(run(c), M_DNS_ANSWERED);
		record(c, answer(c, RC_OK, 1), T_A, &c->addr[2], 4);
		query(c, 1, v6, "nosuch." DOMAIN, T_AAAA, 1);
		c->f[5] ^= 0x40;
		assert_int_equal(run(c), M_DNS_NXDOMAIN);
		query(c, 1, v6, "nosuch", T_A, 1);
		c->f[5] ^= 0x40;
		assert_int_equal(run(c), M_DNS_FORWARDED);
		assert_int_equal(c->kind, DPT_FLOOD);
		/* RD clear: clear in the answer too (answer() checks). */
		query(c, 1, v6, "st1", T_A, 1);
		msg(c)[2] = 0;
		seal(c);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		answer(c, RC_OK, 1);
		/* TC, AD, CD and Z set in the query: nothing of them answered. */
		query(c, 1, v6, "st1", T_A, 1);
		msg(c)[2] |= 0x06;
		msg(c)[3] = 0x70;
		seal(c);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		answer(c, RC_OK, 1);
		/* A station asking for its own name. */
		query(c, 2, v6, "st2", T_A, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
	}
	/* A query over IPv6 from a link-local source: answered to it. */
	query(c, 1, true, "st2", T_A, 1);
	memset(c->f + 14 + 8, 0, 16);
	c->f[14 + 8] = 0xfe;
	c->f[14 + 9] = 0x80;
	c->f[14 + 23] = 1;
	seal(c);
	assert_int_equal(run(c), M_DNS_ANSWERED);
	record(c, answer(c, RC_OK, 1), T_A, &c->addr[2], 4);
	/* A label with bytes no name has ('.', NUL, 0xff): unknown. */
	memcpy(w, "\5st\0.\xff\3br0\0", 11);
	query_w(c, 1, false, w, 11, T_A, 1);
	assert_int_equal(run(c), M_DNS_NXDOMAIN);
	done(c);
}

/* ---- PTR ---- */

/* The PTR name of @a (in-addr.arpa). */
static void rev4(char *s, size_t n, uint32_t a)
{
	const uint8_t *b = (const uint8_t *)&a;

	snprintf(s, n, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
}

/* The PTR name of @a (ip6.arpa), hex digits in @upper case or not. */
static void rev6(char *s, const uint8_t a[16], bool upper)
{
	static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	const char *x = upper ? up : lo;
	int i, n = 0;

	for (i = 15; i >= 0; i--) {
		s[n++] = x[a[i] & 0xf];
		s[n++] = '.';
		s[n++] = x[a[i] >> 4];
		s[n++] = '.';
	}
	strcpy(s + n, "ip6.arpa");
}

static void test_ptr(void **state)
{
	HOOK_OR_SKIP(state, c);
	char s[100];
	uint8_t rd[100], a[16];
	uint32_t n, off;
	int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		/* A station's IPv4 address: its name under the domain. */
		rev4(s, sizeof(s), c->addr[1]);
		query(c, 2, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		n = wire("st1." DOMAIN, rd);
		assert_int_equal(record(c, answer(c, RC_OK, 1), T_PTR, rd, n), c->alen);
		/* Upper case, ANY. */
		query(c, 2, v6, "11.0.0.10.IN-ADDR.ARPA", T_ANY, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		record(c, answer(c, RC_OK, 1), T_PTR, rd, n);
		/* Another type of it: NOERROR, nothing. */
		query(c, 2, v6, "11.0.0.10.in-addr.arpa", T_A, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		assert_int_equal(answer(c, RC_OK, 0), c->alen);
		/* The longest name: a 63-byte label (st3's IPv6 address). */
		rev6(s, c->a6[3], false);
		query(c, 1, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		n = wire(LONG63 "." DOMAIN, rd);
		assert_int_equal(record(c, answer(c, RC_OK, 1), T_PTR, rd, n), c->alen);
		/* Hex digits in upper case. */
		rev6(s, c->a6[1], true);
		query(c, 3, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		n = wire("st1." DOMAIN, rd);
		record(c, answer(c, RC_OK, 1), T_PTR, rd, n);
		/* In the subnet, nobody's (the gateway's own too): NXDOMAIN. */
		query(c, 1, v6, "99.0.0.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_NXDOMAIN);
		assert_int_equal(answer(c, RC_NX, 0), c->alen);
		query(c, 1, v6, "1.0.0.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_NXDOMAIN);
		query(c, 1, v6, "0.0.0.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_NXDOMAIN);
		/* Another class: REFUSED. */
		query(c, 1, v6, "11.0.0.10.in-addr.arpa", T_PTR, 3);
		assert_int_equal(run(c), M_DNS_REFUSED);
		/* Outside the subnet (even with an entry): the host's. */
		query(c, 1, v6, "1.1.168.192.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "11.0.1.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* Not an address: an octet past 255, a letter, four digits, an
		 * empty octet, a leading zero (another name than the address's),
		 * one octet too few or too many, the zone itself. */
		query(c, 1, v6, "256.0.0.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "1a.0.0.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "0011.0.0.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "011.0.0.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "0.0.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "11.11.0.0.10.in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "in-addr.arpa", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "11.0.0.10.in-addr.arpb", T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* IPv6: a station-form address of the prefix without a port, the
		 * gateway's: NXDOMAIN. */
		memcpy(a, c->a6[1], 16);
		a[15] = 0x63;
		rev6(s, a, false);
		query(c, 1, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_NXDOMAIN);
		rev6(s, c->gw6, false);
		query(c, 1, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_NXDOMAIN);
		/* Any other address inside the prefix: nobody's, NXDOMAIN
		 * ("an address of the bridge's ... IPv6 prefix", dns.h). */
		memcpy(a, c->a6[1], 16);
		a[8] = 0x12;
		rev6(s, a, false);
		query(c, 1, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_NXDOMAIN);
		/* Outside the prefix: the host's. */
		memcpy(a, c->a6[1], 16);
		a[7] ^= 1;
		rev6(s, a, false);
		query(c, 1, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* Not a nibble: 'g', two digits in a label, one label short. */
		rev6(s, c->a6[1], false);
		s[0] = 'g';
		query(c, 1, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		rev6(s, c->a6[1], false);
		s[1] = '0'; /* "b0.a.0..." : the first label two digits */
		query(c, 1, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		rev6(s, c->a6[1], false);
		query(c, 1, v6, s + 2, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* Another class. */
		rev6(s, c->a6[1], false);
		query(c, 1, v6, s, T_PTR, 3);
		assert_int_equal(run(c), M_DNS_REFUSED);
	}
	/* No domain: the name alone ("st1."); "st1.br0" is then the host's. */
	set_dns(c, "", false);
	rev4(s, sizeof(s), c->addr[1]);
	query(c, 2, false, s, T_PTR, 1);
	assert_int_equal(run(c), M_DNS_ANSWERED);
	n = wire("st1", rd);
	record(c, answer(c, RC_OK, 1), T_PTR, rd, n);
	query(c, 2, false, "st1." DOMAIN, T_A, 1);
	assert_int_equal(run(c), M_DNS_FORWARDED);
	query(c, 2, false, "st1", T_A, 1);
	assert_int_equal(run(c), M_DNS_ANSWERED);
	/* The longest answer: a 15-byte domain, the 63-byte label, over IPv6
	 * for the ip6.arpa name (the longest question). */
	set_dns(c, "abcdefghijklmno", false);
	rev6(s, c->a6[3], false);
	query(c, 1, true, s, T_ANY, 1);
	assert_int_equal(run(c), M_DNS_ANSWERED);
	n = wire(LONG63 ".abcdefghijklmno", rd);
	off = answer(c, RC_OK, 1);
	assert_int_equal(record(c, off, T_PTR, rd, n), c->alen);
	print_message("  %s: the longest answer, %u bytes\n", dpt_hook_name(hook), c->alen);
	/* No subnet, no IPv6 prefix: every PTR the host's. */
	assert_int_equal(dpt_set_dns(&c->d, c->gw, 0, 0, DOMAIN, false), 0);
	c->m.dns.subnet = 0;
	c->m.dns.plen = 0;
	snprintf(c->m.dns.domain, sizeof(c->m.dns.domain), DOMAIN);
	rev4(s, sizeof(s), c->addr[1]);
	query(c, 2, false, s, T_PTR, 1);
	assert_int_equal(run(c), M_DNS_FORWARDED);
	done(c);
}

/* ---- the message around the question ---- */

static void test_extras(void **state)
{
	HOOK_OR_SKIP(state, c);
	uint8_t pad[900];
	int v6;

	memset(pad, 0xab, sizeof(pad));
	for (v6 = 0; v6 <= 1; v6++) {
		/* An EDNS OPT record: not in the answer (ARCOUNT 0). */
		query(c, 1, v6, "st2." DOMAIN, T_A, 1);
		add_opt(c);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		record(c, answer(c, RC_OK, 1), T_A, &c->addr[2], 4);
		/* ARCOUNT 1 without the record: not looked at. */
		query(c, 1, v6, "st2", T_A, 1);
		wr16(msg(c) + 10, 1);
		seal(c);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		/* A large EDNS query (the frame past what the bridge loads):
		 * the answer is short. */
		query(c, 1, v6, "st2", T_A, 1);
		add_opt(c);
		append(c, pad, sizeof(pad));
		assert_int_equal(run(c), M_DNS_ANSWERED);
		record(c, answer(c, RC_OK, 1), T_A, &c->addr[2], 4);
		/* Bytes in the frame past the datagram (Ethernet padding, junk):
		 * not in the answer. */
		query(c, 1, v6, "st2", T_A, 1);
		memset(c->f + c->len, 0xee, 100);
		c->len += 100;
		assert_int_equal(run(c), M_DNS_ANSWERED);
		record(c, answer(c, RC_OK, 1), T_A, &c->addr[2], 4);
		/* A wrong UDP checksum is not checked (a local sender's may be
		 * partial), nor a zero one. */
		query(c, 1, v6, "st2", T_A, 1);
		c->f[c->l4 + 6] ^= 0x55;
		assert_int_equal(run(c), M_DNS_ANSWERED);
		query(c, 1, v6, "st2", T_A, 1);
		wr16(c->f + c->l4 + 6, 0);
		assert_int_equal(run(c), M_DNS_ANSWERED);
	}
	/* IPv4: DF and the reserved flag bit are not fragments; cleared in the
	 * answer (answer() checks). */
	query(c, 1, false, "st2", T_A, 1);
	wr16(c->f + 14 + 6, 0xc000);
	seal(c);
	assert_int_equal(run(c), M_DNS_ANSWERED);
	answer(c, RC_OK, 1);
	done(c);
}

/* ---- hostile queries ---- */

static void test_truncated(void **state)
{
	HOOK_OR_SKIP(state, c);
	uint32_t full, cut;
	int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		/* The UDP length short of a DNS header, of the name, of type and
		 * class: not a whole question, the host's. Then the same cut in
		 * the frame (the UDP and IP lengths past it). */
		query(c, 1, v6, "st2." DOMAIN, T_A, 1);
		full = c->dlen;
		for (cut = 0; cut < full; cut++) {
			/* The datagram cut (its bytes still in the frame). */
			query(c, 1, v6, "st2." DOMAIN, T_A, 1);
			c->dlen = cut;
			seal(c);
			assert_int_equal(run(c), M_DNS_FORWARDED);
			/* The frame cut there, the headers as for the whole. */
			query(c, 1, v6, "st2." DOMAIN, T_A, 1);
			c->len = c->l4 + 8 + cut;
			assert_int_equal(run(c), M_DNS_FORWARDED);
		}
		/* The whole query, for comparison: answered. */
		query(c, 1, v6, "st2." DOMAIN, T_A, 1);
		assert_int_equal(run(c), M_DNS_ANSWERED);
		/* The UDP length past the frame by one. */
		query(c, 1, v6, "st2." DOMAIN, T_A, 1);
		c->len = c->l4 + 8 + c->dlen;
		wr16(c->f + c->l4 + 4, 8 + c->dlen + 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* The UDP length 0xffff; 0; 7 (shorter than its own header). */
		query(c, 1, v6, "st2", T_A, 1);
		wr16(c->f + c->l4 + 4, 0xffff);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "st2", T_A, 1);
		wr16(c->f + c->l4 + 4, 0);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "st2", T_A, 1);
		wr16(c->f + c->l4 + 4, 7);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* The IP datagram past the frame; shorter than the UDP datagram
		 * it carries: a datagram shorter than its header says. */
		query(c, 1, v6, "st2", T_A, 1);
		c->len = c->l4 + 8 + c->dlen; /* no padding */
		if (v6)
			wr16(c->f + 14 + 4, rd16(c->f + 14 + 4) + 1);
		else
			wr16(c->f + 14 + 2, rd16(c->f + 14 + 2) + 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "st2", T_A, 1);
		if (v6)
			wr16(c->f + 14 + 4, rd16(c->f + 14 + 4) - 1);
		else
			wr16(c->f + 14 + 2, rd16(c->f + 14 + 2) - 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* A UDP datagram shorter than its IP payload (trailing bytes in
		 * the IP datagram): the UDP length says where DNS ends. */
		query(c, 1, v6, "st2", T_A, 1);
		memset(c->f + c->l4 + 8 + c->dlen, 0x11, 16);
		if (v6)
			wr16(c->f + 14 + 4, rd16(c->f + 14 + 4) + 16);
		else
			wr16(c->f + 14 + 2, rd16(c->f + 14 + 2) + 16);
		c->len = c->l4 + 8 + c->dlen + 16;
		assert_int_equal(run(c), M_DNS_ANSWERED);
		record(c, answer(c, RC_OK, 1), T_A, &c->addr[2], 4);
	}
	/* No whole UDP header in the frame: no query at all. */
	query(c, 1, false, "st2", T_A, 1);
	c->len = 14 + 20 + 7;
	assert_int_equal(run(c), M_DNS_NONE);
	assert_int_equal(c->kind, DPT_UNICAST);
	if (hook == DPT_XDP) {
		/* (tc's test_run takes no IPv6 frame without a whole header) */
		query(c, 1, true, "st2", T_A, 1);
		c->len = 14 + 40 + 7;
		assert_int_equal(run(c), M_DNS_NONE);
	}
	done(c);
}

static void test_pointers(void **state)
{
	HOOK_OR_SKIP(state, c);
	uint8_t w[300];
	int v6, i;

	for (v6 = 0; v6 <= 1; v6++) {
		/* A pointer to itself, to the header, to a label after it. */
		static const uint8_t self[] = { 0xc0, 12 };
		static const uint8_t hdr[] = { 0xc0, 0 };
		static const uint8_t fwd[] = { 0xc0, 14, 3, 's', 't', '2', 0 };
		/* A name, then a pointer back to its own start (a loop). */
		static const uint8_t loop[] = { 3, 's', 't', '2', 0xc0, 12 };
		/* "st2" + a pointer to a copy of the domain in an OPT-like tail. */
		static const uint8_t tail[] = { 3, 's', 't', '2', 0xc0, 0x1c };

		query_w(c, 1, v6, self, sizeof(self), T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query_w(c, 1, v6, hdr, sizeof(hdr), T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query_w(c, 1, v6, fwd, sizeof(fwd), T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query_w(c, 1, v6, loop, sizeof(loop), T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query_w(c, 1, v6, tail, sizeof(tail), T_A, 1);
		append(c, "\3br0", 5);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* Extended label types 0x40 and 0x80, and a 64-byte label (0x40):
		 * lengths past 63 are not labels. */
		for (i = 0x40; i <= 0xbf; i += 0x3f) {
			memset(w, 'a', sizeof(w));
			w[0] = (uint8_t)i;
			w[1 + (i & 0x3f)] = 0;
			query_w(c, 1, v6, w, 2 + (uint32_t)(i & 0x3f), T_A, 1);
			assert_int_equal(run(c), M_DNS_FORWARDED);
		}
		memset(w, 'a', sizeof(w));
		w[0] = 64;
		w[65] = 0;
		query_w(c, 1, v6, w, 66, T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* The same with 63: a label, unknown: the host's. */
		w[0] = 63;
		w[64] = 0;
		query_w(c, 1, v6, w, 65, T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
	}
	done(c);
}

static void test_long_names(void **state)
{
	HOOK_OR_SKIP(state, c);
	uint8_t w[600];
	char s[200];
	uint32_t n, i;
	int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		/* 255 bytes: labels of 63, 63, 63, 61. */
		memset(w, 'x', sizeof(w));
		w[0] = w[64] = w[128] = 63;
		w[192] = 61;
		w[254] = 0;
		query_w(c, 1, v6, w, 255, T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* 255 bytes in 127 one-byte labels. */
		for (i = 0; i < 127; i++) {
			w[2 * i] = 1;
			w[2 * i + 1] = (uint8_t)('a' + i % 26);
		}
		w[254] = 0;
		query_w(c, 1, v6, w, 255, T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* More than 255 bytes (the parse is bounded, not the name). */
		memset(w, 'y', sizeof(w));
		for (i = 0; i < 8; i++)
			w[64 * i] = 63;
		w[512] = 0;
		query_w(c, 1, v6, w, 513, T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* 35 labels: a nibble too many for ip6.arpa. */
		rev6(s, c->a6[1], false);
		n = wire(s, w + 2);
		w[0] = 1;
		w[1] = '0';
		query_w(c, 1, v6, w, n + 2, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* 34 labels that are not ip6.arpa's; 33 (a nibble short). */
		rev6(s, c->a6[1], false);
		memcpy(s + strlen(s) - 8, "ip7.arpa", 8);
		query(c, 1, v6, s, T_PTR, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* 40 labels ending in st2.br0. */
		for (i = 0; i < 38; i++) {
			s[2 * i] = 'q';
			s[2 * i + 1] = '.';
		}
		strcpy(s + 76, "st2." DOMAIN);
		query(c, 1, v6, s, T_A, 1);
		assert_int_equal(run(c), M_DNS_FORWARDED);
	}
	done(c);
}

static void test_header(void **state)
{
	HOOK_OR_SKIP(state, c);
	uint8_t q[20];
	uint32_t qn;
	int v6, i, op;

	qn = wire("st2", q);
	for (v6 = 0; v6 <= 1; v6++) {
		/* 100 questions, all of them st2 A. */
		query(c, 1, v6, "st2", T_A, 1);
		wr16(msg(c) + 4, 100);
		for (i = 1; i < 100; i++) {
			append(c, q, qn);
			append(c, "\0\1\0\1", 4);
		}
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* QDCOUNT 100, one question there; 2; 0; 0xffff. */
		query(c, 1, v6, "st2", T_A, 1);
		wr16(msg(c) + 4, 100);
		seal(c);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "st2", T_A, 1);
		wr16(msg(c) + 4, 2);
		seal(c);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "st2", T_A, 1);
		wr16(msg(c) + 4, 0);
		seal(c);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "st2", T_A, 1);
		wr16(msg(c) + 4, 0x0101);
		seal(c);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		/* A response (QR), another opcode (IQUERY, STATUS, NOTIFY,
		 * UPDATE, 15). */
		query(c, 1, v6, "st2", T_A, 1);
		msg(c)[2] |= 0x80;
		seal(c);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		for (op = 1; op <= 15; op++) {
			if (op != 1 && op != 2 && op != 4 && op != 5 && op != 15)
				continue;
			query(c, 1, v6, "st2", T_A, 1);
			msg(c)[2] |= (uint8_t)(op << 3);
			seal(c);
			assert_int_equal(run(c), M_DNS_FORWARDED);
		}
		/* Answer or authority records in a query. */
		query(c, 1, v6, "st2", T_A, 1);
		wr16(msg(c) + 6, 1);
		seal(c);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "st2", T_A, 1);
		wr16(msg(c) + 8, 1);
		seal(c);
		assert_int_equal(run(c), M_DNS_FORWARDED);
		query(c, 1, v6, "st2", T_A, 1);
		wr16(msg(c) + 6, 0x100);
		seal(c);
		assert_int_equal(run(c), M_DNS_FORWARDED);
	}
	done(c);
}

/* What is no DNS query to the gateway at all: no counter, the unicast. */
static void test_not_queries(void **state)
{
	HOOK_OR_SKIP(state, c);
	int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		/* Another port, another destination address. */
		query(c, 1, v6, "st2", T_A, 1);
		wr16(c->f + c->l4 + 2, 5353);
		seal(c);
		assert_int_equal(run(c), M_DNS_NONE);
		assert_int_equal(c->kind, DPT_UNICAST);
		query(c, 1, v6, "st2", T_A, 1);
		c->f[v6 ? 14 + 39 : 14 + 19] ^= 2;
		seal(c);
		assert_int_equal(run(c), M_DNS_NONE);
		/* TCP to port 53. */
		query(c, 1, v6, "st2", T_A, 1);
		c->f[v6 ? 14 + 6 : 14 + 9] = 6;
		seal(c);
		assert_int_equal(run(c), M_DNS_NONE);
		/* To a group MAC (broadcast, multicast): flooded, not looked at. */
		query(c, 1, v6, "st2", T_A, 1);
		memset(c->f, 0xff, 6);
		assert_int_equal(run(c), M_DNS_NONE);
		assert_int_equal(c->kind, DPT_FLOOD);
		query(c, 1, v6, "st2", T_A, 1);
		c->f[0] = 0x01;
		assert_int_equal(run(c), M_DNS_NONE);
		assert_int_equal(c->kind, DPT_FLOOD);
	}
	/* IPv4 with options (IHL 6): not taken, whatever it carries. */
	query(c, 1, false, "st2", T_A, 1);
	memmove(c->f + 38, c->f + 34, c->len - 34);
	memset(c->f + 34, 1, 4); /* four NOPs */
	c->f[14] = 0x46;
	c->l4 = 38;
	seal(c);
	assert_int_equal(run(c), M_DNS_NONE);
	assert_int_equal(c->kind, DPT_UNICAST);
	/* Another version in the IPv4 EtherType. */
	query(c, 1, false, "st2", T_A, 1);
	c->f[14] = 0x65;
	assert_int_equal(run(c), M_DNS_NONE);
	/* Fragments: the first (more fragments), a later one (an offset). */
	query(c, 1, false, "st2", T_A, 1);
	wr16(c->f + 14 + 6, 0x2000);
	seal(c);
	assert_int_equal(run(c), M_DNS_NONE);
	query(c, 1, false, "st2", T_A, 1);
	wr16(c->f + 14 + 6, 0x0001);
	seal(c);
	assert_int_equal(run(c), M_DNS_NONE);
	query(c, 1, false, "st2", T_A, 1);
	wr16(c->f + 14 + 6, 0x1fff);
	seal(c);
	assert_int_equal(run(c), M_DNS_NONE);
	/* IPv6 with an extension header (hop-by-hop, fragment). */
	query(c, 1, true, "st2", T_A, 1);
	c->f[14 + 6] = 0;
	assert_int_equal(run(c), M_DNS_NONE);
	query(c, 1, true, "st2", T_A, 1);
	c->f[14 + 6] = 44;
	assert_int_equal(run(c), M_DNS_NONE);
	/* Another version in the IPv6 EtherType. */
	query(c, 1, true, "st2", T_A, 1);
	c->f[14] = 0x40;
	assert_int_equal(run(c), M_DNS_NONE);
	/* To the gateway's address under another prefix. */
	query(c, 1, true, "st2", T_A, 1);
	c->f[14 + 24 + 11] = 1;
	seal(c);
	assert_int_equal(run(c), M_DNS_NONE);
	/* A bridge without IPv6: no IPv6 query is one. */
	assert_int_equal(dpt_set_prefix6(&c->d, c->m.prefix6, 0), 0);
	c->m.plen6 = 0;
	query(c, 1, true, "st2", T_A, 1);
	assert_int_equal(run(c), M_DNS_NONE);
	assert_int_equal(c->kind, DPT_UNICAST);
	query(c, 1, false, "st2", T_A, 1);
	assert_int_equal(run(c), M_DNS_ANSWERED);
	/* XBR_CFG_F_NO_DNS: every query goes to the gateway as any frame. */
	set_dns(c, DOMAIN, true);
	query(c, 1, false, "st2", T_A, 1);
	assert_int_equal(run(c), M_DNS_NONE);
	assert_int_equal(c->kind, DPT_UNICAST);
	query(c, 1, false, "nosuch." DOMAIN, T_A, 1);
	assert_int_equal(run(c), M_DNS_NONE);
	set_dns(c, DOMAIN, false);
	query(c, 1, false, "st2", T_A, 1);
	assert_int_equal(run(c), M_DNS_ANSWERED);
	done(c);
}

/* The answer goes back through the port's policy: isolated ports, locked
 * ports, a spoof-checked port (the station's own query answered). */
static void test_policy(void **state)
{
	HOOK_OR_SKIP(state, c);

	/* A spoof-checked station asking: answered. */
	assert_int_equal(dpt_port_set(&c->d, 1, PD | XBR_PORT_F_SPOOFCHK, 0), 0);
	model_port_add(c, 1, PD | XBR_PORT_F_SPOOFCHK);
	query(c, 1, false, "st2", T_A, 1);
	assert_int_equal(run(c), M_DNS_ANSWERED);
	query(c, 1, true, "st2", T_A, 1);
	assert_int_equal(run(c), M_DNS_ANSWERED);
	/* ... and one with another station's address: dropped before. */
	query(c, 1, false, "st2", T_A, 1);
	memcpy(c->f + 14 + 12, &c->addr[2], 4);
	seal(c);
	assert_int_equal(run(c), M_DNS_NONE);
	assert_int_equal(c->kind, DPT_DROP);
	/* Both isolated: the gateway unreachable, no answer either. */
	assert_int_equal(dpt_port_set(&c->d, 1, PD | XBR_PORT_F_ISOLATED, 0), 0);
	model_port_add(c, 1, PD | XBR_PORT_F_ISOLATED);
	assert_int_equal(dpt_port_set(&c->d, GW_POS, PD | XBR_PORT_F_GATEWAY | XBR_PORT_F_ISOLATED,
				      0),
			 0);
	model_port_add(c, GW_POS, PD | XBR_PORT_F_GATEWAY | XBR_PORT_F_ISOLATED);
	query(c, 1, false, "st2", T_A, 1);
	assert_int_equal(run(c), M_DNS_NONE);
	assert_int_equal(c->kind, DPT_DROP);
	done(c);
}

/* ---- for real ---- */

struct live_dns {
	bool tc_attached, xdp_attached;
};

/* Attached by test_live, detached by its teardown (after a failure too). */
static struct live_dns g_lv;

static void live_detach(struct live_dns *lv)
{
	/* Both attach points: the clsact qdisc itself goes. */
	LIBBPF_OPTS(bpf_tc_hook, th, .ifindex = dpt_env.ifindex[1],
		    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

	if (lv->tc_attached)
		bpf_tc_hook_destroy(&th);
	if (lv->xdp_attached)
		bpf_xdp_detach(dpt_env.ifindex[1], XDP_FLAGS_DRV_MODE, NULL);
	lv->tc_attached = lv->xdp_attached = false;
}

static int live_teardown(void **state)
{
	(void)state;
	live_detach(&g_lv);
	return 0;
}

/*
 * Queries sent for real from station 1's side of its veth into the attached
 * programs (tc clsact ingress below, and with the XDP hook native XDP above
 * it, as the loader attaches them): the answer must come back to the station
 * with the model's bytes, whichever program wrote it (XDP, or tc after
 * XDP_PASS for room), and only once.
 */
static void test_live(void **state)
{
	HOOK_OR_SKIP(state, c);
	LIBBPF_OPTS(bpf_tc_hook, th, .ifindex = dpt_env.ifindex[1], .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to);
	struct live_dns *lv = &g_lv;
	static const char *const names[] = { "st2", "st2." DOMAIN, LONG63 "." DOMAIN,
					     "nosuch." DOMAIN, "11.0.0.10.in-addr.arpa" };
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	struct xbr_br_stats b0, b1;
	struct dpt_port_snap p0, p1;
	int fd, err, i, v6, k, handed = 0, handed_flood = 0, nq = 0;

	assert_int_equal(dpt_env_set_mtu(ETH_DATA_LEN), 0);
	err = bpf_tc_hook_create(&th);
	if (err && err != -EEXIST)
		fail_msg("clsact on %s: %s", dpt_env.name[1], strerror(-err));
	lv->tc_attached = true;
	to.prog_fd = bpf_program__fd(c->d.tc->progs.xbr_tc_ingress);
	err = bpf_tc_attach(&th, &to);
	if (!err && hook == DPT_XDP) {
		err = bpf_xdp_attach(dpt_env.ifindex[1], c->d.prog_fd, XDP_FLAGS_DRV_MODE, NULL);
		lv->xdp_attached = !err;
	}
	if (err)
		fail_msg("attaching to %s: %s", dpt_env.name[1], strerror(-err));
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	assert_true(fd >= 0);
	sa.sll_protocol = htons(ETH_P_ALL);
	sa.sll_ifindex = dpt_env.peer_ifindex[1];
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	for (v6 = 0; v6 <= 1; v6++) {
		for (k = 0; k < (int)(sizeof(names) / sizeof(names[0])); k++) {
			struct m_decision md;
			uint8_t buf[2048];
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int got = 0, n;

			query(c, 1, v6, names[k], T_ANY, 1);
			if (k == 1)
				add_opt(c); /* the answer shorter than the query */
			if (k == 3 || (k == 0 && !v6))
				c->f[5] ^= 0x40; /* the gateway's MAC unknown: a flood */
			model_frame(&c->m, c->d.now, (uint32_t)dpt_env.ifindex[1], c->f, c->len,
				    &md);
			assert_true(md.reply_whole);
			if (hook == DPT_XDP)
				memset(&c->d.xdp->bss->xbr_xdp_last, 0,
				       sizeof(c->d.xdp->bss->xbr_xdp_last));
			assert_int_equal(dpt_br_stats(&c->d, &b0), 0);
			assert_int_equal(dpt_port_stats(&c->d, 1, &p0), 0);
			assert_int_equal(sendto(fd, c->f, c->len, 0, (struct sockaddr *)&sa,
						sizeof(sa)),
					 (int)c->len);
			nq++;
			/* The frame sent comes back to the socket as outgoing:
			 * take what came in, until a second of quiet. */
			for (i = 0; i < 20 && poll(&p, 1, got ? 20 : 1000) > 0; i++) {
				struct sockaddr_ll from;
				socklen_t fl = sizeof(from);

				n = (int)recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
						  &fl);
				assert_true(n > 0);
				if (from.sll_pkttype == PACKET_OUTGOING)
					continue;
				got++;
				if ((uint32_t)n != md.reply_len || memcmp(buf, md.reply, md.reply_len)) {
					show("bpf's answer", buf, (uint32_t)n);
					show("model's answer", md.reply, md.reply_len);
					fail_msg("%s live: %s over IPv%d: the answer is not the model's",
						 dpt_hook_name(hook), names[k], v6 ? 6 : 4);
				}
			}
			if (got != 1)
				fail_msg("%s live: %s over IPv%d: %d answers came back",
					 dpt_hook_name(hook), names[k], v6 ? 6 : 4, got);
			/* Counted once: one query in, one answer out, of their
			 * lengths (XDP takes its count back when it hands over). */
			assert_int_equal(dpt_br_stats(&c->d, &b1), 0);
			assert_int_equal(b1.dns_answered + b1.dns_nxdomain - b0.dns_answered -
						 b0.dns_nxdomain,
					 1);
			assert_int_equal(b1.dns_forwarded, b0.dns_forwarded);
			assert_int_equal(dpt_port_stats(&c->d, 1, &p1), 0);
			assert_int_equal(p1.rx_packets - p0.rx_packets, 1);
			assert_int_equal(p1.rx_flood - p0.rx_flood, 0); /* nothing flooded */
			assert_int_equal(p1.rx_bytes - p0.rx_bytes, c->len);
			assert_int_equal(p1.tx_packets - p0.tx_packets, 1);
			assert_int_equal(p1.tx_bytes - p0.tx_bytes, md.reply_len);
			if (hook == DPT_XDP &&
			    c->d.xdp->bss->xbr_xdp_last.flood_map == XBR_XDP_TO_TC) {
				handed++;
				if (c->d.xdp->bss->xbr_xdp_last.verdict == XBR_V_FLOOD)
					handed_flood++;
			}
		}
	}
	close(fd);
	live_detach(lv);
	print_message("  %s live: %d queries answered for real%s", dpt_hook_name(hook), nq,
		      hook == DPT_XDP ? "" : "\n");
	if (hook == DPT_XDP)
		print_message(", %d of them by tc after XDP_PASS for room (%d would have flooded)\n",
			      handed, handed_flood);
	done(c);
}

int run_dns_tests(void)
{
#define T(name, fn)                                                                \
	{ "tc: " name, fn, NULL, NULL, (void *)(long)DPT_TC },                     \
	{                                                                          \
		"xdp: " name, fn, NULL, NULL, (void *)(long)DPT_XDP                \
	}
	const struct CMUnitTest t[] = {
		T("names: A, AAAA, ANY, case, aliases, NXDOMAIN, REFUSED, the host's, unknown gateway MAC",
		  test_names),
		T("PTR: in-addr.arpa and ip6.arpa inside and outside the bridge's networks",
		  test_ptr),
		T("EDNS, padding, large queries, checksums not checked", test_extras),
		T("truncated: header, name, type/class cut; UDP and IP lengths past the frame",
		  test_truncated),
		T("compression pointers (looping too) and extended labels not followed",
		  test_pointers),
		T("255-byte names, 35 and more labels", test_long_names),
		T("100 questions, QDCOUNT 0, QR, opcodes, answer/authority counts", test_header),
		T("not queries: options, fragments, other ports, group MACs, no-dns",
		  test_not_queries),
		T("port policy: spoof-check, isolation", test_policy),
		{ "tc: for real into attached programs: answers come back once, as the model's",
		  test_live, NULL, live_teardown, (void *)(long)DPT_TC },
		{ "xdp: for real into attached programs: answers come back once, as the model's",
		  test_live, NULL, live_teardown, (void *)(long)DPT_XDP },
	};
#undef T

	return dpt_run_group("datapath_dns", t, sizeof(t) / sizeof(t[0]), NULL, NULL);
}
