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
 *   - random payload bytes, and now and then random bytes from byte 12 on;
 *   - DNS queries to the bridge's gateway (10 % of the frames; the phases'
 *     bridges have a gateway, a domain and names: mrun_dns_setup()), well
 *     formed and mutated (test_fuzz_dns.c), whose answers are compared byte
 *     for byte with the model's (model_dns.c): tc's from data_out, XDP's
 *     length from its tx count and bytes from a second run without live
 *     frames (dpt_xdp_peek()).
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
 *
 * This file measures the limits and runs the phases; the generator is in
 * test_fuzz_gen.c, the tagged frames for real in test_fuzz_live.c (fuzz.h).
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
#include <linux/if_ether.h>
#include <cmocka.h>

#include "dpt.h"
#include "model.h"
#include "mrun.h"
#include "tests.h"
#include "fuzz.h"

#define FUZZ_MTU 9000
#define NPHASES 4

static uint64_t g_seed;
static long g_frames = 50000; /* per hook */
static char g_replay[160];
struct limits g_lim[2];
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
	const struct mrun_ops ops = { .gen = gen_hostile, .seen = fuzz_seen, .ctx = st };
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
	print_message("    DNS queries made: %ld well-formed, %ld mutated; of the frames compared, "
		      "%ld answered, %ld nxdomain, %ld refused, %ld forwarded\n",
		      st->dns_clean, st->dns_mutated, st->dns_res[M_DNS_ANSWERED],
		      st->dns_res[M_DNS_NXDOMAIN], st->dns_res[M_DNS_REFUSED],
		      st->dns_res[M_DNS_FORWARDED]);
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
			/* A bridge with a gateway, a domain and names:
			 * DNS queries to it among the frames. */
			.dns = true,
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
