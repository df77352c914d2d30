// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The BPF program against the reference model (model.c): long random sequences
 * of frames, clock steps, port changes and control requests, applied to both,
 * with every decision compared (drop and its reason / unicast port / flood
 * set, the last from the tx counters), every event compared, and periodically
 * the whole table, the per-port learned counts and the bridge counters.
 *
 *   XBR_MODEL_FRAMES=N  frames in all (default 300000), split over four phases:
 *                       the tc and the XDP program, each with a small table
 *                       (16 entries, 24 stations: full often) and a large one.
 *   XBR_MODEL_SEED=S    replay a run (the seed is printed first).
 * The driver (steps, checks, mismatch reports) is mrun.c; this file makes the
 * frames: mostly well-formed ones (test_fuzz.c makes hostile ones).
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
#include <linux/if_ether.h>
#include <cmocka.h>

#include "dpt.h"
#include "model.h"
#include "mrun.h"
#include "tests.h"

static uint64_t g_seed;
static long g_frames = 300000;
static long g_frames_done;
static char g_replay[160];

/*
 * The frame: where it enters and its MACs (mrun_pick_*), then mostly an opaque
 * EtherType, or ARP, IPv4, IPv6 with sources the spoof check accepts or not,
 * a VLAN tag, headers cut short (never one test_run refuses: test_fuzz.c
 * makes those).
 */
static void gen_frame(struct run *R, struct mrun_frame *f, void *ctx)
{
	struct rng *r = &R->r;
	uint8_t *l3 = f->b + ETH_HLEN, own_mac[6];
	uint32_t own, need = 0, len;
	int c;

	(void)ctx;
	mrun_pick_ingress(R, f);
	mrun_pick_macs(R, f);
	c = (int)below(r, 100);
	mrun_station_of(f, own_mac, &own);
	if (c < 55) {
		MRUN_ETH(f)->h_proto = htons(0x88b5);
	} else if (c < 70) {
		MRUN_ETH(f)->h_proto = htons(ETH_P_IP);
		need = mrun_l3_ip4(R, l3, own);
	} else if (c < 80) {
		MRUN_ETH(f)->h_proto = htons(ETH_P_ARP);
		need = mrun_l3_arp(R, l3, MRUN_ETH(f)->h_source, own);
	} else if (c < 92) {
		MRUN_ETH(f)->h_proto = htons(ETH_P_IPV6);
		need = mrun_l3_ip6(R, l3, own_mac, MRUN_ETH(f)->h_source, own);
	} else if (c < 95) {
		MRUN_ETH(f)->h_proto = htons(ETH_P_8021Q);
		l3[0] = 0;
		l3[1] = 5;
		l3[2] = 0x08;
		l3[3] = 0x00;
		need = 24;
	} else {
		MRUN_ETH(f)->h_proto = htons((uint16_t)rnd(r));
	}
	/* Header cut short; tc's test_run refuses IPv4 and IPv6 frames without a
	 * whole network header (-EINVAL), XDP's takes them. */
	if (need && pct(r, 8) &&
	    (R->d->hook == DPT_XDP || MRUN_ETH(f)->h_proto == htons(ETH_P_ARP) ||
	     MRUN_ETH(f)->h_proto == htons(ETH_P_8021Q))) {
		f->len = ETH_HLEN + (uint32_t)below(r, need);
		return;
	}
	len = pct(r, 90) ? ETH_ZLEN : ETH_HLEN + (uint32_t)below(r, ETH_DATA_LEN + 1);
	f->len = len < ETH_HLEN + need ? ETH_HLEN + need : len;
}

#define NPHASES 4
static struct phase phases[NPHASES];

static void test_model_phase(void **state)
{
	const struct phase *ph = *state;
	const char *why = dpt_hook_missing(ph->hook);
	const struct mrun_ops ops = { .gen = gen_frame };
	struct run *R;

	if (why) {
		DPT_SKIP(why);
	}
	R = mrun_phase(ph, &ops);
	g_frames_done += R->frame;
	mrun_free(R);
}

int run_model_tests(void)
{
	struct CMUnitTest tests[NPHASES];
	const char *s = getenv("XBR_MODEL_SEED"), *n = getenv("XBR_MODEL_FRAMES");
	static char names[NPHASES][64];
	struct timespec ts;
	struct rng r;
	long left;
	int failed, i;

	if (n && *n)
		g_frames = strtol(n, NULL, 0);
	if (g_frames < NPHASES)
		g_frames = NPHASES;
	if (s && *s) {
		g_seed = strtoull(s, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		g_seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
	}
	printf("[ MODEL    ] seed %" PRIu64 ", %ld frames (replay: XBR_MODEL_SEED=%" PRIu64
	       " XBR_MODEL_FRAMES=%ld build/tests/test_datapath)\n",
	       g_seed, g_frames, g_seed, g_frames);
	snprintf(g_replay, sizeof(g_replay),
		 "XBR_MODEL_SEED=%" PRIu64 " XBR_MODEL_FRAMES=%ld build/tests/test_datapath", g_seed,
		 g_frames);
	r.s = g_seed;
	/* Both hooks, each with a small table (full most of the time: 24 stations
	 * for 16 entries) and a large one; the frames split evenly. */
	left = g_frames;
	for (i = 0; i < NPHASES; i++) {
		phases[i] = (struct phase){
			.name = i % 2 ? "large-table" : "small-table",
			.hook = i < 2 ? DPT_TC : DPT_XDP,
			.cap = i % 2 ? 1024 : 16,
			.pool = i % 2 ? 48 : 24,
			.ageing_ns = (i % 2 ? 30 : 10) * NS_PER_S,
			.frames = i == NPHASES - 1 ? left : g_frames / NPHASES,
			.seed = rnd(&r),
			.spoof_pct = 15,
			.replay = g_replay,
		};
		left -= phases[i].frames;
		snprintf(names[i], sizeof(names[i]), "model %s %s", dpt_hook_name(phases[i].hook),
			 phases[i].name);
		tests[i] = (struct CMUnitTest){ names[i], test_model_phase, NULL, NULL, &phases[i] };
	}
	failed = dpt_run_group("datapath_model", tests, NPHASES, NULL, NULL);
	printf("[ MODEL    ] %ld frames compared", g_frames_done);
	if (dpt_backlog_losses)
		printf(" (%lu flood copies refused by the kernel's full input backlog, the\n"
		       "[ MODEL    ] machine's other traffic: the floods counted as floods)",
		       dpt_backlog_losses);
	printf("\n");
	return failed;
}
