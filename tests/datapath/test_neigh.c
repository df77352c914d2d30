// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * neigh-suppress, case by case, under both hooks: which ARP requests and
 * neighbour solicitations the bridge answers (tx on the asking port,
 * arp_replied / nd_replied counted, nothing flooded) and which still flood,
 * and the reply's bytes: the ARP reply field by field, the advertisement's
 * fields and its ICMPv6 checksum (tc: test_run's data_out; XDP: a run without
 * live frames, whose redirect leaves the frame in data_out). The model and the
 * fuzz (model_neigh.c) compare random frames byte for byte on top of this.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include "xbr.h"
#include "dpt.h"
#include "tests.h"

#define PD XBR_PORT_F_DEFAULT
#define NS XBR_PORT_F_NEIGH_SUPPRESS
#define ISO XBR_PORT_F_ISOLATED
#define NPORT 4

struct nctx {
	struct dpt d;
	uint8_t mac[NPORT][6];
	uint32_t addr[NPORT];
	uint8_t f[128];
	uint32_t len;
};

/* Ports 0..3 with @flags, the bridge prefix DPT_PREFIX6; stations 0, 1 and 3
 * have spoken (learned where they are), station 2 never has. */
static void setup(struct nctx *c, int hook, const uint32_t flags[NPORT])
{
	uint8_t pfx[16];
	int pos;

	memset(c, 0, sizeof(*c));
	assert_int_equal(dpt_open_hook(&c->d, hook, 0, false), 0);
	assert_int_equal(inet_pton(AF_INET6, DPT_PREFIX6, pfx), 1);
	assert_int_equal(dpt_set_prefix6(&c->d, pfx, DPT_PLEN6), 0);
	for (pos = 0; pos < NPORT; pos++) {
		dpt_station(pos, c->mac[pos], &c->addr[pos]);
		assert_int_equal(dpt_port_add(&c->d, pos, flags[pos], 0), 0);
	}
	for (pos = 0; pos < NPORT; pos++) {
		static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		struct dpt_obs o;
		uint8_t f[60] = {};

		if (pos == 2)
			continue;
		memcpy(f, bc, 6);
		memcpy(f + 6, c->mac[pos], 6);
		f[12] = 0x88;
		f[13] = 0xb5;
		assert_int_equal(dpt_frame(&c->d, (uint32_t)dpt_env.ifindex[pos], f, 60, &o), 0);
		assert_int_equal(o.kind, DPT_FLOOD);
	}
}

/* ARP request from station @from asking for @tip (sender address @sip). */
static void arp_req(struct nctx *c, int from, uint32_t sip, uint32_t tip)
{
	uint8_t *f = c->f, *a = f + 14;

	memset(f, 0, sizeof(c->f));
	memset(f, 0xff, 6);
	memcpy(f + 6, c->mac[from], 6);
	f[12] = 0x08;
	f[13] = 0x06;
	a[1] = 1; /* hrd */
	a[2] = 0x08; /* pro */
	a[4] = 6;
	a[5] = 4;
	a[7] = 1; /* request */
	memcpy(a + 8, c->mac[from], 6);
	memcpy(a + 14, &sip, 4);
	memcpy(a + 24, &tip, 4);
	c->len = 60; /* padded to the minimum, as a NIC would */
}

/* Neighbour solicitation from station @from (source @src, :: allowed) for
 * @target, hop limit @hop, with the source link-layer address option. */
static void ns_req(struct nctx *c, int from, const char *src, const char *target, int hop)
{
	uint8_t *f = c->f, *ip6 = f + 14, *m = f + 54;

	memset(f, 0, sizeof(c->f));
	f[0] = 0x33;
	f[1] = 0x33;
	f[2] = 0xff;
	memcpy(f + 6, c->mac[from], 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip6[0] = 0x60;
	ip6[5] = 32;
	ip6[6] = 58;
	ip6[7] = (uint8_t)hop;
	assert_int_equal(inet_pton(AF_INET6, src, ip6 + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, "ff02::1:ff00:1", ip6 + 24), 1);
	m[0] = 135;
	assert_int_equal(inet_pton(AF_INET6, target, m + 8), 1);
	m[24] = 1;
	m[25] = 1;
	memcpy(m + 26, c->mac[from], 6);
	c->len = 86;
}

/* Run the frame entering port @in; the kind, and for a reply its bytes in
 * @out (both hooks). */
static int run(struct nctx *c, int in, uint8_t out[128])
{
	struct dpt_obs o;
	uint32_t before = 0;
	struct xbr_br_stats bs;

	assert_int_equal(dpt_br_stats(&c->d, &bs), 0);
	before = (uint32_t)(bs.arp_replied + bs.nd_replied);
	assert_int_equal(dpt_frame(&c->d, (uint32_t)dpt_env.ifindex[in], c->f, c->len, &o), 0);
	if (o.kind == DPT_BAD)
		fail_msg("inconsistent: %s", o.why);
	assert_int_equal(dpt_br_stats(&c->d, &bs), 0);
	assert_int_equal(bs.arp_replied + bs.nd_replied - before, o.kind == DPT_REPLY ? 1 : 0);
	if (o.kind != DPT_REPLY)
		return o.kind;
	assert_int_equal(o.txmask, 1u << in); /* back to the asking port only */
	if (c->d.hook == DPT_TC) {
		assert_int_equal(o.retval, TC_ACT_REDIRECT);
		assert_int_equal(o.out_len, c->len);
		memcpy(out, o.out, c->len);
	} else {
		/* Again without live frames: the redirect back out of the
		 * port (xbr_xdp_tx), the frame in data_out. */
		struct xdp_md ctx = { .data_end = c->len,
				      .ingress_ifindex = (uint32_t)dpt_env.ifindex[in] };
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = c->f, .data_size_in = c->len,
			    .data_out = out, .data_size_out = 128, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx));

		assert_int_equal(bpf_prog_test_run_opts(c->d.prog_fd, &t), 0);
		assert_int_equal(t.retval, XDP_REDIRECT);
		assert_int_equal(t.data_size_out, c->len);
		assert_int_equal(dpt_resync(&c->d), 0);
	}
	return o.kind;
}

static uint16_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void check_arp_reply(struct nctx *c, const uint8_t *r, int from, int of)
{
	const uint8_t *a = r + 14;

	assert_memory_equal(r, c->mac[from], 6); /* to the asker */
	assert_memory_equal(r + 6, c->mac[of], 6); /* from the station asked for */
	assert_int_equal(r[12] << 8 | r[13], ETH_P_ARP);
	assert_int_equal(a[0] << 8 | a[1], 1);
	assert_int_equal(a[2] << 8 | a[3], ETH_P_IP);
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(a[6] << 8 | a[7], 2); /* reply */
	assert_memory_equal(a + 8, c->mac[of], 6);
	assert_memory_equal(a + 14, &c->addr[of], 4);
	assert_memory_equal(a + 18, c->mac[from], 6);
	assert_memory_equal(a + 24, &c->addr[from], 4);
}

static void check_na(struct nctx *c, const uint8_t *r, int from, int of, const char *src,
		     const char *target)
{
	const uint8_t *ip6 = r + 14, *m = r + 54;
	uint8_t a[16];
	uint32_t pseudo;

	assert_memory_equal(r, c->mac[from], 6);
	assert_memory_equal(r + 6, c->mac[of], 6);
	assert_int_equal(r[12] << 8 | r[13], ETH_P_IPV6);
	assert_int_equal(ip6[0], 0x60);
	assert_int_equal(ip6[4] << 8 | ip6[5], 32);
	assert_int_equal(ip6[6], 58);
	assert_int_equal(ip6[7], 255);
	assert_int_equal(inet_pton(AF_INET6, target, a), 1);
	assert_memory_equal(ip6 + 8, a, 16); /* from the target */
	assert_memory_equal(m + 8, a, 16);
	assert_int_equal(inet_pton(AF_INET6, src, a), 1);
	assert_memory_equal(ip6 + 24, a, 16); /* to the asker */
	assert_int_equal(m[0], 136);
	assert_int_equal(m[1], 0);
	assert_int_equal(m[4], 0x60); /* solicited, override, not a router */
	assert_int_equal(m[24], 2); /* target link-layer address */
	assert_int_equal(m[25], 1);
	assert_memory_equal(m + 26, c->mac[of], 6);
	/* The checksum over pseudo-header and message comes out as 0xffff. */
	pseudo = sum16(ip6 + 8, 32, 32 + 58);
	assert_int_equal(sum16(m, 32, pseudo), 0xffff);
}

static char *ip4s(uint32_t a)
{
	static char b[4][INET_ADDRSTRLEN];
	static int i;
	char *s = b[i++ & 3];

	inet_ntop(AF_INET, &a, s, INET_ADDRSTRLEN);
	return s;
}

static void test_arp(void **state)
{
	int hook = (int)(long)*state;
	const uint32_t fl[NPORT] = { PD | NS, PD | NS, PD | NS, PD };
	struct nctx *c = calloc(1, sizeof(*c));
	uint8_t out[128];

	assert_non_null(c);
	if (dpt_hook_missing(hook)) {
		free(c);
		DPT_SKIP(dpt_hook_missing(hook));
	}
	setup(c, hook, fl);
	/* A station on a suppressing port that has spoken: answered. */
	arp_req(c, 0, c->addr[0], c->addr[1]);
	assert_int_equal(run(c, 0, out), DPT_REPLY);
	check_arp_reply(c, out, 0, 1);
	/* The answer's trailing padding is the request's (untouched). */
	assert_memory_equal(out + 42, c->f + 42, c->len - 42);
	/* From another port, for another station. */
	arp_req(c, 3, c->addr[3], c->addr[0]);
	assert_int_equal(run(c, 3, out), DPT_REPLY);
	check_arp_reply(c, out, 3, 0);
	/* Station 2 never spoke: unknown, flooded (it answers itself). */
	arp_req(c, 0, c->addr[0], c->addr[2]);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Station 3's port does not suppress: flooded. */
	arp_req(c, 0, c->addr[0], c->addr[3]);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Probe (sender 0.0.0.0) and gratuitous ARP: for everybody. */
	arp_req(c, 0, 0, c->addr[1]);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	arp_req(c, 1, c->addr[1], c->addr[1]);
	assert_int_equal(run(c, 1, out), DPT_FLOOD);
	/* An address no port has: flooded. */
	arp_req(c, 0, c->addr[0], htonl(0x0a0000f0));
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* A reply (op 2) is not a request: flooded as any broadcast. */
	arp_req(c, 0, c->addr[0], c->addr[1]);
	c->f[14 + 7] = 2;
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Cut short (28 bytes of ARP not all there): flooded. */
	arp_req(c, 0, c->addr[0], c->addr[1]);
	c->len = 40;
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Station 1's MAC now seen on port 3: its port no longer vouches. */
	{
		uint8_t f[60] = {};
		struct dpt_obs o;

		memset(f, 0xff, 6);
		memcpy(f + 6, c->mac[1], 6);
		f[12] = 0x88;
		f[13] = 0xb5;
		assert_int_equal(dpt_frame(&c->d, (uint32_t)dpt_env.ifindex[3], f, 60, &o), 0);
	}
	arp_req(c, 0, c->addr[0], c->addr[1]);
	if (run(c, 0, out) != DPT_FLOOD)
		fail_msg("ARP for %s answered while its MAC is on another port", ip4s(c->addr[1]));
	dpt_close(&c->d);
	free(c);
}

static void test_arp_policy(void **state)
{
	int hook = (int)(long)*state;
	const uint32_t fl[NPORT] = { PD | NS | ISO, PD | NS | ISO, PD | NS, PD | NS };
	struct nctx *c = calloc(1, sizeof(*c));
	uint8_t out[128];

	assert_non_null(c);
	if (dpt_hook_missing(hook)) {
		free(c);
		DPT_SKIP(dpt_hook_missing(hook));
	}
	setup(c, hook, fl);
	/* Isolated to isolated: no unicast, so no answer either. */
	arp_req(c, 0, c->addr[0], c->addr[1]);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Isolated to a port that is not: answered. */
	arp_req(c, 0, c->addr[0], c->addr[3]);
	assert_int_equal(run(c, 0, out), DPT_REPLY);
	/* The station's entry expired: unknown again, flooded. */
	assert_int_equal(dpt_set_clock(&c->d, c->d.now + 400ULL * 1000000000ULL), 0);
	arp_req(c, 1, c->addr[1], c->addr[3]);
	assert_int_equal(run(c, 1, out), DPT_FLOOD);
	dpt_close(&c->d);
	free(c);
}

static void test_nd(void **state)
{
	int hook = (int)(long)*state;
	const uint32_t fl[NPORT] = { PD | NS, PD | NS, PD | NS, PD | NS };
	struct nctx *c = calloc(1, sizeof(*c));
	uint8_t out[128];
	char s0[INET6_ADDRSTRLEN], s1[INET6_ADDRSTRLEN], ll1[INET6_ADDRSTRLEN];
	uint8_t a[16];

	assert_non_null(c);
	if (dpt_hook_missing(hook)) {
		free(c);
		DPT_SKIP(dpt_hook_missing(hook));
	}
	setup(c, hook, fl);
	assert_int_equal(inet_pton(AF_INET6, DPT_PREFIX6, a), 1);
	memcpy(a + 12, &c->addr[0], 4);
	inet_ntop(AF_INET6, a, s0, sizeof(s0));
	memcpy(a + 12, &c->addr[1], 4);
	inet_ntop(AF_INET6, a, s1, sizeof(s1));
	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = c->mac[1][0] ^ 2;
	a[9] = c->mac[1][1];
	a[10] = c->mac[1][2];
	a[11] = 0xff;
	a[12] = 0xfe;
	memcpy(a + 13, c->mac[1] + 3, 3);
	inet_ntop(AF_INET6, a, ll1, sizeof(ll1));

	/* The station's address under the bridge prefix: answered. */
	ns_req(c, 0, s0, s1, 255);
	assert_int_equal(run(c, 0, out), DPT_REPLY);
	check_na(c, out, 0, 1, s0, s1);
	/* Its link-local address (EUI-64 of its MAC): answered. */
	ns_req(c, 0, s0, ll1, 255);
	assert_int_equal(run(c, 0, out), DPT_REPLY);
	check_na(c, out, 0, 1, s0, ll1);
	/* Duplicate address detection (source ::): for everybody. */
	ns_req(c, 0, "::", s1, 255);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Hop limit not 255: not a valid solicitation, flooded as it is. */
	ns_req(c, 0, s0, s1, 64);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* No source link-layer address option: flooded. */
	ns_req(c, 0, s0, s1, 255);
	c->f[54 + 24] = 2;
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Station 2 never spoke: flooded. */
	{
		char s2[INET6_ADDRSTRLEN];
		uint8_t b[16];

		assert_int_equal(inet_pton(AF_INET6, DPT_PREFIX6, b), 1);
		memcpy(b + 12, &c->addr[2], 4);
		inet_ntop(AF_INET6, b, s2, sizeof(s2));
		ns_req(c, 0, s0, s2, 255);
		assert_int_equal(run(c, 0, out), DPT_FLOOD);
	}
	/* Outside the prefix: flooded. */
	ns_req(c, 0, s0, "2001:db8::a00:b", 255);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Suppression off on station 1's port: flooded. */
	assert_int_equal(dpt_port_set(&c->d, 1, PD, 0), 0);
	ns_req(c, 0, s0, s1, 255);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	dpt_close(&c->d);
	free(c);
}

/* The name a Docker endpoint's port gets (user/names.c), of the station at
 * @pos's own IPv6 address (DPT_PREFIX6 + dpt_station_iid6(pos)): in @s. */
static void own6_named(struct nctx *c, int pos, char s[INET6_ADDRSTRLEN])
{
	struct xbr_name_val v = { .ifindex = (uint32_t)dpt_env.ifindex[pos] };
	struct xbr_rname_key k = { .family = 6 };
	char label[8];
	uint8_t a[16];

	assert_int_equal(inet_pton(AF_INET6, DPT_PREFIX6, a), 1);
	dpt_station_iid6(pos, a + 8);
	inet_ntop(AF_INET6, a, s, INET6_ADDRSTRLEN);
	snprintf(label, sizeof(label), "d%d", pos);
	memcpy(v.addr6, a, 16);
	assert_int_equal(dpt_name_set(&c->d, label, &v), 0);
	memcpy(k.addr, a, 16);
	assert_int_equal(dpt_rname_set(&c->d, &k, label), 0);
}

/* A station with an IPv6 address of its own (XBR_PORT_F_ADDR6): its
 * solicitations are answered with its MAC, found through its port's name;
 * its prefix + IPv4 form is nobody's. */
static void test_nd_own6(void **state)
{
	int hook = (int)(long)*state;
	const uint32_t fl[NPORT] = { PD | NS, PD | NS | XBR_PORT_F_ADDR6, PD | NS, PD | NS };
	struct nctx *c = calloc(1, sizeof(*c));
	char s0[INET6_ADDRSTRLEN], s1[INET6_ADDRSTRLEN], own1[INET6_ADDRSTRLEN],
		own3[INET6_ADDRSTRLEN];
	uint8_t out[128], a[16];

	assert_non_null(c);
	if (dpt_hook_missing(hook)) {
		free(c);
		DPT_SKIP(dpt_hook_missing(hook));
	}
	setup(c, hook, fl);
	assert_int_equal(inet_pton(AF_INET6, DPT_PREFIX6, a), 1);
	memcpy(a + 12, &c->addr[0], 4);
	inet_ntop(AF_INET6, a, s0, sizeof(s0));
	memcpy(a + 12, &c->addr[1], 4);
	inet_ntop(AF_INET6, a, s1, sizeof(s1));
	own6_named(c, 1, own1);
	own6_named(c, 3, own3);

	/* Its own address: answered, with its MAC. */
	ns_req(c, 0, s0, own1, 255);
	assert_int_equal(run(c, 0, out), DPT_REPLY);
	check_na(c, out, 0, 1, s0, own1);
	/* The prefix + its IPv4 address is not its address: flooded. */
	ns_req(c, 0, s0, s1, 255);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Named, but its port has no address of its own: flooded. */
	ns_req(c, 0, s0, own3, 255);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	/* Suppression off on its port: flooded. */
	assert_int_equal(dpt_port_set(&c->d, 1, PD | XBR_PORT_F_ADDR6, 0), 0);
	ns_req(c, 0, s0, own1, 255);
	assert_int_equal(run(c, 0, out), DPT_FLOOD);
	dpt_close(&c->d);
	free(c);
}

int run_neigh_tests(void)
{
#define T(name, fn, hook) { name, fn, NULL, NULL, (void *)(long)(hook) }
	const struct CMUnitTest t[] = {
		T("tc: ARP for a known station on a suppressing port answered, the rest flooded",
		  test_arp, DPT_TC),
		T("xdp: ARP for a known station on a suppressing port answered, the rest flooded",
		  test_arp, DPT_XDP),
		T("tc: ND for a station's own IPv6 address (a Docker endpoint's) answered through "
		  "its name", test_nd_own6, DPT_TC),
		T("xdp: ND for a station's own IPv6 address (a Docker endpoint's) answered through "
		  "its name", test_nd_own6, DPT_XDP),
		T("tc: no answer across isolation or for an expired station", test_arp_policy,
		  DPT_TC),
		T("xdp: no answer across isolation or for an expired station", test_arp_policy,
		  DPT_XDP),
		T("tc: solicitations for prefix and link-local addresses answered, DAD flooded",
		  test_nd, DPT_TC),
		T("xdp: solicitations for prefix and link-local addresses answered, DAD flooded",
		  test_nd, DPT_XDP),
	};
#undef T

	return dpt_run_group("datapath_neigh", t, sizeof(t) / sizeof(t[0]), NULL, NULL);
}
