/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The fuzz group of test_datapath (see test_fuzz.c for what it does):
 *   test_fuzz.c       test_run's limits, the phases against the model, the
 *                     group's list of cases
 *   test_fuzz_gen.c   the hostile frame generator (gen_hostile()) and its
 *                     statistics (fuzz_seen())
 *   test_fuzz_live.c  tagged frames sent for real into an attached program
 *   test_fuzz_dns.c   DNS queries to the gateway, well-formed and mutated
 *                     (gen_dns())
 */
#ifndef XBR_TEST_FUZZ_H
#define XBR_TEST_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include "dpt.h"
#include "model.h"
#include "mrun.h"

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
extern const char *const cls_name[C__N];

/* Network layer. */
enum { L_ARP, L_IP4, L_IP6, L_ODD, L_DNS, L__N };
extern const char *const l3_name[L__N];

/* Sources. */
enum { S_MODEL, S_NEW, S_RANDOM, S_ZERO, S_BCAST, S_RESERVED, S_NEIGHBOUR, S__N };
extern const char *const src_name[S__N];

/* Why test_run refused. */
enum { R_RUNT, R_OVER, R_IP4, R_IP6, R__N };
extern const char *const ref_name[R__N];

struct fuzz_stats {
	long cls[C__N], l3[L__N], src[S__N], tags[4]; /* every frame sent */
	long refusable, refused[R__N], accepted_refusable;
	long spoof_checked; /* frames into a spoof-checked port that both took */
	long dns_clean, dns_mutated; /* DNS queries made (gen_dns()) */
	long dns_res[5]; /* what the model made of the frames compared: enum m_dns_res */
	/* The generator's notes on the current frame, for fuzz_seen(). */
	int cur_cls, cur_l3, cur_src, cur_tags, cur_ref;
};

/* test_run's limits per hook, measured by test_fuzz_limits (test_fuzz.c). */
extern struct limits g_lim[2];

/* Big-endian 16 bits at @p. */
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A DNS query to the gateway into @f (ingress and MACs picked; @own_mac,
 * @own: the station behind the ingress), now and then mutated: its length
 * class (C_*), f->desc written. */
int gen_dns(struct run *R, struct mrun_frame *f, struct fuzz_stats *st, const uint8_t own_mac[6],
	    uint32_t own);

/* struct mrun_ops's gen and seen; @ctx is the phase's struct fuzz_stats. */
void gen_hostile(struct run *R, struct mrun_frame *f, void *ctx);
void fuzz_seen(struct run *R, const struct mrun_frame *f, const struct m_decision *md,
	       void *ctx);

/* Tagged frames for real (test_fuzz_live.c): one case per hook. */
struct live {
	int hook;
	struct dpt *d;
	bool tc_attached, xdp_attached;
};
extern struct live g_live[2];
int live_teardown(void **state);
void test_tagged_live(void **state);

#endif
