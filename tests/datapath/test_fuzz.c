// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fuzz: hostile frames through the tc and the XDP program, every verdict
 * checked against the reference model (model.c) by the model-run driver
 * (mrun.c): drop and its reason / unicast port / flood set (from the tx
 * counters), the events, the entries the frame touched, and every 500 steps
 * the whole table, learned counts and bridge counters. Clock steps, control
 * requests, port policy changes (spoof-check, locked, isolated, hairpin, flood
 * off, learning off, max-learned) and IPv6 prefix changes come in between, as
 * in the model test.
 *
 * The frames (gen_hostile()):
 *   - lengths from 0 to past the most test_run takes: runts (< 14 bytes),
 *     header only, 60, random up to 1514, 1514/1518/1522, jumbo sizes up to
 *     the hook's maximum, exactly the maximum, and over it;
 *   - 0-3 stacked tags (802.1Q, 802.1ad, 0x9100, 0x9200), cut anywhere inside
 *     the stack;
 *   - then ARP, IPv4 or IPv6 (sources the spoof check takes or not, headers
 *     cut short, version/IHL bytes corrupted), near-miss EtherTypes (ARP/IPv4/
 *     IPv6 +-1), 802.3 length fields, reserved and random EtherTypes;
 *   - multicast, broadcast, zero, 01:80:c2 (reserved), random and
 *     never-seen sources; the same and random bytes as destinations;
 *   - random payload bytes, and now and then random bytes from byte 12 on.
 *
 * test_run's limits are measured first (test_fuzz_limits), by the same calls
 * the frames use, on a device that is no port; a frame outside them is sent
 * anyway and must be refused (EINVAL): counted "not deliverable", seen by
 * neither side. Measured on Linux 6.18, 4 KiB pages:
 *   tc  (bpf_prog_test_run_skb): 14..3712 bytes (PAGE_SIZE - NET_SKB_PAD -
 *       skb_shared_info); an IPv4 EtherType needs a whole 20-byte header (34
 *       bytes), IPv6 a 40-byte one (54), else EINVAL.
 *   xdp (live frames): 14..3408 bytes (PAGE_SIZE - XDP_PACKET_HEADROOM -
 *       struct xdp_page_head - skb_shared_info); no header checks.
 * So runts cannot be delivered by either, nor does any Ethernet device deliver
 * one: the programs' runt branch stays unreached (the model has the rule,
 * should a kernel ever hand one over).
 *
 * Every veth end gets MTU 9000 for the fuzz (restored to 1500 after): a copy
 * longer than the egress MTU + 18 cannot leave (see dpt_env_set_mtu()), which
 * is the kernel's business, not the forwarding decision's.
 *
 * What test_run cannot show: at a real tc ingress the kernel has already
 * moved the outer VLAN tag from the frame into skb metadata (skb_vlan_untag()
 * in __netif_receive_skb_core()); test_run hands tc the frame with the tag in
 * place, as XDP always sees it. So tagged frames also go through for real
 * (test_tagged_live): sent from the veth peer of a spoof-checked port with
 * the program attached (tc clsact ingress / native XDP), they must be
 * refused as the documented rule says (fixed for tc in 731d95e).
 *
 * Events are compared however many a step emits (a flush of the large table
 * emits hundreds). The XDP large-table phase runs with a one-page event ring,
 * so that the largest flushes overflow it: the loss must be counted
 * (xbr_br_stats.ev_lost) exactly as the model predicts.
 *
 *   XBR_FUZZ_FRAMES=N  frames compared per hook (default 50000; `make fuzz`:
 *                      1000000), half with a small table (16 entries, full
 *                      often) and half with a large one (1024)
 *   XBR_FUZZ_SEED=S    replay a run (the seed is printed first)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <cmocka.h>
#include <bpf/libbpf.h>

#include "dpt.h"
#include "model.h"
#include "mrun.h"
#include "tests.h"

#define FUZZ_MTU 9000
#define NPHASES 4

/* What test_run takes, per hook (measured). */
struct limits {
	bool ok;
	uint32_t min_len, max_len; /* any EtherType */
	uint32_t min_ip4, min_ip6; /* an IPv4 / IPv6 EtherType (no tags) */
};

/* Frame shapes, by length. */
enum {
	C_RUNT, /* < 14 */
	C_CUT_TAG, /* ends inside the tag stack or its inner EtherType */
	C_CUT_L3, /* ends inside the ARP / IPv4 / IPv6 header */
	C_HDR, /* headers and nothing more */
	C_MIN, /* 60 (or the headers) */
	C_SMALL, /* random up to 1514 */
	C_FULL, /* 1514, 1518, 1522 */
	C_JUMBO, /* 1515 .. max - 1 */
	C_MAX, /* exactly the most test_run takes */
	C_OVER, /* past it */
	C_RANDOM, /* random bytes from byte 12 on, random length */
	C__N,
};
static const char *const cls_name[C__N] = {
	"runt", "cut-tag", "cut-l3", "hdr-only", "min", "small", "full", "jumbo", "max", "over",
	"random",
};

/* Network layer. */
enum { L_ARP, L_IP4, L_IP6, L_ODD, L__N };
static const char *const l3_name[L__N] = { "arp", "ipv4", "ipv6", "odd" };

/* Sources. */
enum { S_MODEL, S_NEW, S_RANDOM, S_ZERO, S_BCAST, S_RESERVED, S_NEIGHBOUR, S__N };
static const char *const src_name[S__N] = {
	"model", "new", "random", "zero", "bcast", "01:80:c2", "neighbour",
};

/* Why test_run refused. */
enum { R_RUNT, R_OVER, R_IP4, R_IP6, R__N };
static const char *const ref_name[R__N] = { "runt", "oversize", "short-ipv4", "short-ipv6" };

struct fuzz_stats {
	long cls[C__N], l3[L__N], src[S__N], tags[4]; /* every frame sent */
	long refusable, refused[R__N], accepted_refusable;
	long spoof_checked; /* frames into a spoof-checked port that both took */
	/* The generator's notes on the current frame, for seen(). */
	int cur_cls, cur_l3, cur_src, cur_tags, cur_ref;
};

static uint64_t g_seed;
static long g_frames = 50000; /* per hook */
static char g_replay[160];
static struct limits g_lim[2];
static struct phase phases[NPHASES];
static struct fuzz_stats g_st[NPHASES];
static long g_done[2], g_refused[2];
static double g_secs[2];

/* ---- test_run's limits ---- */

static int try_len(struct dpt *d, uint8_t *buf, uint32_t len)
{
	struct dpt_obs o;

	return dpt_frame(d, (uint32_t)dpt_env.ifindex[DPT_POS_FOREIGN], buf, len, &o);
}

/* The least length test_run takes for frames like @buf, from @from up. */
static uint32_t least_len(struct dpt *d, uint8_t *buf, uint32_t from, uint32_t to)
{
	uint32_t len;

	for (len = from; len <= to; len++)
		if (try_len(d, buf, len) == 0)
			return len;
	return 0;
}

static void test_fuzz_limits(void **state)
{
	int hook = (int)(long)*state;
	struct limits *L = &g_lim[hook];
	const char *why = dpt_hook_missing(hook);
	struct dpt *d;
	uint8_t *buf;
	uint32_t lo, hi, mid;
	int err;

	if (why) {
		DPT_SKIP(why);
	}
	d = calloc(1, sizeof(*d));
	buf = calloc(1, 65536 + 1);
	assert_non_null(d);
	assert_non_null(buf);
	assert_int_equal(dpt_open_hook(d, hook, 16, false), 0);
	/* No port: the program only looks the device up (tc: shot, XDP: passed
	 * to the stack of that veth), nothing counted or learned. */
	memset(buf, 0xff, 6);
	buf[6] = 0x02;
	buf[11] = 0x01;
	buf[12] = 0x88;
	buf[13] = 0xb5;
	L->min_len = least_len(d, buf, 0, 64);
	assert_int_not_equal(L->min_len, 0);
	lo = L->min_len;
	hi = 65536;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		err = try_len(d, buf, mid);
		if (err && err != -EINVAL)
			fail_msg("%u-byte frame: test_run: %s", mid, strerror(-err));
		if (err)
			hi = mid;
		else
			lo = mid;
	}
	L->max_len = lo;
	buf[12] = 0x08;
	buf[13] = 0x00;
	L->min_ip4 = least_len(d, buf, L->min_len, 200);
	buf[12] = 0x86;
	buf[13] = 0xdd;
	L->min_ip6 = least_len(d, buf, L->min_len, 200);
	assert_int_not_equal(L->min_ip4, 0);
	assert_int_not_equal(L->min_ip6, 0);
	print_message("  %s test_run takes %u..%u bytes; an IPv4 frame from %u, an IPv6 frame "
		      "from %u; shorter or longer: EINVAL (not deliverable)\n",
		      dpt_hook_name(hook), L->min_len, L->max_len, L->min_ip4, L->min_ip6);
	if (L->max_len + 64 >= MRUN_FRAME_MAX) {
		print_message("  (frames are generated up to %u bytes only)\n", MRUN_FRAME_MAX - 65);
		L->max_len = MRUN_FRAME_MAX - 65;
	}
	L->ok = true;
	dpt_close(d);
	free(d);
	free(buf);
}

/* ---- the generator ---- */

static const uint16_t tpids[] = { ETH_P_8021Q, ETH_P_8021Q, ETH_P_8021AD, ETH_P_8021AD, 0x9100,
				  0x9200 };
static const uint16_t odd_types[] = {
	0x0000, 0x0001, 0x0004, 0x002e, 0x05dc, 0x05dd, 0x05ff, 0x0600, /* 802.3 lengths, edge */
	0x07ff, 0x0801, 0x0805, 0x0807, 0x86dc, 0x86de, /* ARP/IPv4/IPv6 +-1 */
	0x8035, 0x8847, 0x8848, 0x8863, 0x8864, 0x888e, 0x88cc, 0x88f7, 0x8906, 0x22f0,
	0x88b5, 0xffff, 0x8100, 0x88a8, /* a TPID where the inner type goes */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

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

static void gen_hostile(struct run *R, struct mrun_frame *f, void *ctx)
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

	if (pct(r, 4)) {
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

static void seen(struct run *R, const struct mrun_frame *f, const struct m_decision *md,
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
}

/* ---- tagged frames for real ---- */

struct live {
	int hook;
	struct dpt *d;
	bool tc_attached, xdp_attached;
};
static struct live g_live[2];

static int live_teardown(void **state)
{
	struct live *lv = *state;
	LIBBPF_OPTS(bpf_tc_hook, th, .ifindex = dpt_env.ifindex[0],
		    .attach_point = BPF_TC_INGRESS);

	if (lv->tc_attached)
		bpf_tc_hook_destroy(&th);
	if (lv->xdp_attached)
		bpf_xdp_detach(dpt_env.ifindex[0], XDP_FLAGS_DRV_MODE, NULL);
	lv->tc_attached = lv->xdp_attached = false;
	if (lv->d) {
		dpt_close(lv->d);
		free(lv->d);
		lv->d = NULL;
	}
	return 0;
}

/* Send @f out of port 0's peer; wait for port 0 to count it (1 s at most). */
static void live_send(struct live *lv, const uint8_t *f, uint32_t len, struct dpt_port_snap *dlt)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	struct dpt_port_snap a, b;
	int fd, i;

	sa.sll_ifindex = dpt_env.peer_ifindex[0];
	assert_int_equal(dpt_port_stats(lv->d, 0, &a), 0);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(sendto(fd, f, len, 0, (struct sockaddr *)&sa, sizeof(sa)), (int)len);
	close(fd);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(dpt_port_stats(lv->d, 0, &b), 0);
		if (b.rx_packets != a.rx_packets)
			break;
		usleep(1000);
	}
	memset(dlt, 0, sizeof(*dlt));
	dlt->rx_packets = b.rx_packets - a.rx_packets;
	dlt->rx_bytes = b.rx_bytes - a.rx_bytes;
	dlt->rx_flood = b.rx_flood - a.rx_flood;
	for (i = 0; i < (int)DPT_NDROPS; i++)
		dlt->drops[i] = b.drops[i] - a.drops[i];
}

/*
 * A spoof-checked port's station sends IPv4 from its own MAC and address:
 * untagged it is flooded; behind one 802.1Q tag, or an 802.1ad and an 802.1Q
 * tag, it is refused (drop spoof): "Other EtherTypes, VLAN tags included, are
 * refused" (fdb.h, xbr_spoof_ok()). The byte counts are shown, not checked:
 * tc's skb->len leaves out the tag the kernel moved into metadata.
 */
static void test_tagged_live(void **state)
{
	struct live *lv = *state;
	const char *why = dpt_hook_missing(lv->hook);
	LIBBPF_OPTS(bpf_tc_hook, th, .ifindex = dpt_env.ifindex[0],
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to);
	struct dpt_port_snap dl;
	uint8_t f[80], mac[6];
	uint32_t addr, off;
	int ntags, i, err;

	if (why) {
		DPT_SKIP(why);
	}
	/* veth takes XDP only with an MTU that fits a page. */
	assert_int_equal(dpt_env_set_mtu(ETH_DATA_LEN), 0);
	lv->d = calloc(1, sizeof(*lv->d));
	assert_non_null(lv->d);
	assert_int_equal(dpt_open_hook(lv->d, lv->hook, 0, false), 0);
	assert_int_equal(dpt_port_add(lv->d, 0, XBR_PORT_F_DEFAULT | XBR_PORT_F_SPOOFCHK, 0), 0);
	assert_int_equal(dpt_port_add(lv->d, 1, XBR_PORT_F_DEFAULT, 0), 0);
	if (lv->hook == DPT_TC) {
		err = bpf_tc_hook_create(&th);
		if (err && err != -EEXIST)
			fail_msg("clsact on %s: %s", dpt_env.name[0], strerror(-err));
		lv->tc_attached = true;
		to.prog_fd = lv->d->prog_fd;
		err = bpf_tc_attach(&th, &to);
	} else {
		err = bpf_xdp_attach(dpt_env.ifindex[0], lv->d->prog_fd, XDP_FLAGS_DRV_MODE, NULL);
		lv->xdp_attached = !err;
	}
	if (err)
		fail_msg("attaching the %s program to %s: %s", dpt_hook_name(lv->hook),
			 dpt_env.name[0], strerror(-err));
	dpt_station(0, mac, &addr);
	for (ntags = 0; ntags <= 2; ntags++) {
		memset(f, 0, sizeof(f));
		memset(f, 0xff, ETH_ALEN);
		memcpy(f + ETH_ALEN, mac, ETH_ALEN);
		off = 12;
		for (i = 0; i < ntags; i++) {
			put16(f + off, ntags == 2 && i == 0 ? ETH_P_8021AD : ETH_P_8021Q);
			put16(f + off + 2, (uint16_t)(10 + i));
			off += 4;
		}
		put16(f + off, ETH_P_IP);
		f[off + 2] = 0x45;
		f[off + 2 + 9] = 17;
		memcpy(f + off + 2 + 12, &addr, 4);
		memset(f + off + 2 + 16, 0xff, 4);
		live_send(lv, f, ETH_ZLEN + 4 * (uint32_t)ntags, &dl);
		print_message("  %s, %d tag%s: rx %llu (%llu bytes of %u), flooded %llu, "
			      "drops.spoof %llu\n",
			      dpt_hook_name(lv->hook), ntags, ntags == 1 ? "" : "s",
			      (unsigned long long)dl.rx_packets, (unsigned long long)dl.rx_bytes,
			      ETH_ZLEN + 4 * ntags, (unsigned long long)dl.rx_flood,
			      (unsigned long long)dl.drops[XBR_DROP_SPOOF]);
		if (dl.rx_packets != 1)
			fail_msg("%d tags: the frame sent was not counted on the port", ntags);
		if (!ntags && (dl.rx_flood != 1 || dl.drops[XBR_DROP_SPOOF]))
			fail_msg("untagged frame from the station itself not flooded");
		if (ntags && (dl.rx_flood || dl.drops[XBR_DROP_SPOOF] != 1))
			fail_msg("%d tag%s: a spoof-checked port let a tagged frame in", ntags,
				 ntags == 1 ? "" : "s");
	}
}

/* ---- the phases ---- */

static void print_counts(const char *what, const long *n, const char *const *names, int k)
{
	int i;

	print_message("    %s:", what);
	for (i = 0; i < k; i++)
		print_message(" %s %ld", names[i], n[i]);
	print_message("\n");
}

static void test_fuzz_phase(void **state)
{
	const struct phase *ph = *state;
	int idx = (int)(ph - phases);
	struct fuzz_stats *st = &g_st[idx];
	const struct mrun_ops ops = { .gen = gen_hostile, .seen = seen, .ctx = st };
	const char *why = dpt_hook_missing(ph->hook);
	static const char *const tag_name[4] = { "0", "1", "2", "3" };
	struct run *R;
	long refused = 0;
	int i, err;

	if (why) {
		DPT_SKIP(why);
	}
	if (!g_lim[ph->hook].ok)
		fail_msg("test_run's limits for %s were not measured", dpt_hook_name(ph->hook));
	err = dpt_env_set_mtu(FUZZ_MTU);
	if (err)
		fail_msg("raising the veth MTU to %d: %s", FUZZ_MTU, strerror(-err));
	memset(st, 0, sizeof(*st));
	R = mrun_phase(ph, &ops);
	for (i = 0; i < R__N; i++)
		refused += st->refused[i];
	print_message("    %.0f frames/s; %ld of the compared frames entered a spoof-checked port; "
		      "every frame sent, by\n",
		      R->secs > 0 ? (double)R->frame / R->secs : 0.0, st->spoof_checked);
	print_counts("shape", st->cls, cls_name, C__N);
	print_counts("network layer", st->l3, l3_name, L__N);
	print_counts("tags", st->tags, tag_name, 4);
	print_counts("source", st->src, src_name, S__N);
	print_message("    not deliverable (test_run refused): %ld of %ld predicted (", refused,
		      st->refusable);
	for (i = 0; i < R__N; i++)
		print_message("%s%s %ld", i ? ", " : "", ref_name[i], st->refused[i]);
	print_message(")\n");
	g_done[ph->hook] += R->frame;
	g_refused[ph->hook] += refused;
	g_secs[ph->hook] += R->secs;
	mrun_free(R);
	/* The limits were measured: a frame outside them that test_run took
	 * would mean the measurement is wrong (it was compared all the same). */
	if (st->accepted_refusable)
		fail_msg("test_run took %ld frames outside the limits measured",
			 st->accepted_refusable);
}

static int group_teardown(void **state)
{
	(void)state;
	return dpt_env_set_mtu(ETH_DATA_LEN) ? -1 : 0;
}

int run_fuzz_tests(void)
{
	struct CMUnitTest tests[4 + NPHASES];
	static char names[NPHASES][64];
	const char *s = getenv("XBR_FUZZ_SEED"), *n = getenv("XBR_FUZZ_FRAMES");
	struct timespec ts;
	struct rng r;
	long total, refused;
	double secs;
	int failed, i;

	if (n && *n)
		g_frames = strtol(n, NULL, 0);
	if (g_frames < 2)
		g_frames = 2;
	if (s && *s) {
		g_seed = strtoull(s, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		g_seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
	}
	snprintf(g_replay, sizeof(g_replay),
		 "XBR_FUZZ_SEED=%" PRIu64 " XBR_FUZZ_FRAMES=%ld build/tests/test_datapath fuzz",
		 g_seed, g_frames);
	printf("[ FUZZ     ] seed %" PRIu64 ", %ld frames per hook (replay: %s)\n", g_seed,
	       g_frames, g_replay);
	r.s = g_seed;
	tests[0] = (struct CMUnitTest){ "fuzz: test_run limits, tc", test_fuzz_limits, NULL, NULL,
					(void *)(long)DPT_TC };
	tests[1] = (struct CMUnitTest){ "fuzz: test_run limits, xdp", test_fuzz_limits, NULL,
					NULL, (void *)(long)DPT_XDP };
	g_live[DPT_TC].hook = DPT_TC;
	g_live[DPT_XDP].hook = DPT_XDP;
	tests[2] = (struct CMUnitTest){ "fuzz: tagged frames for real on a spoof-checked port, tc",
					test_tagged_live, NULL, live_teardown, &g_live[DPT_TC] };
	tests[3] = (struct CMUnitTest){ "fuzz: tagged frames for real on a spoof-checked port, xdp",
					test_tagged_live, NULL, live_teardown, &g_live[DPT_XDP] };
	for (i = 0; i < NPHASES; i++) {
		phases[i] = (struct phase){
			.name = i % 2 ? "large-table" : "small-table",
			.hook = i < 2 ? DPT_TC : DPT_XDP,
			.cap = i % 2 ? 1024 : 16,
			.pool = i % 2 ? 48 : 24,
			.ageing_ns = (i % 2 ? 30 : 10) * NS_PER_S,
			.frames = i % 2 ? g_frames - g_frames / 2 : g_frames / 2,
			.seed = rnd(&r),
			.spoof_pct = 35,
			/* Flushes of the large table emit up to 1024 events in
			 * one step (from the control program, whichever hook):
			 * with tc they meet the product's ring and every event
			 * is compared; with XDP a one-page ring (85 events), as
			 * a ring nobody drains would, and the loss is compared,
			 * counted (ev_lost), with the model's. */
			.ring_size = i == 3 ? 4096 : 0,
			.replay = g_replay,
		};
		snprintf(names[i], sizeof(names[i]), "fuzz %s %s", dpt_hook_name(phases[i].hook),
			 phases[i].name);
		tests[4 + i] = (struct CMUnitTest){ names[i], test_fuzz_phase, NULL, NULL,
						    &phases[i] };
	}
	failed = dpt_run_group("datapath_fuzz", tests, 4 + NPHASES, NULL,
					 group_teardown);
	total = g_done[DPT_TC] + g_done[DPT_XDP];
	refused = g_refused[DPT_TC] + g_refused[DPT_XDP];
	secs = g_secs[DPT_TC] + g_secs[DPT_XDP];
	printf("[ FUZZ     ] %s: %ld frames compared with the model (tc %ld, xdp %ld) in %.1f s, "
	       "%.0f frames/s; %ld more refused by test_run (not deliverable); %d failed; "
	       "seed %" PRIu64 "\n",
	       failed ? "FAILED" : "passed", total, g_done[DPT_TC], g_done[DPT_XDP], secs,
	       secs > 0 ? (double)total / secs : 0.0, refused, failed, g_seed);
	return failed;
}
