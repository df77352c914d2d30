/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Model runs: a BPF program (tc or XDP, through the dpt harness) and the
 * reference model (model.c) driven side by side through one long random
 * sequence of clock steps, control requests, port changes, IPv6 prefix
 * changes and frames, every frame's decision compared (drop and its reason /
 * unicast port / flood set from the tx counters), every step's events (as
 * many as it emits; those past what the event ring holds against the
 * bridge's ev_lost counter), the entries the frame touched (every field of
 * the value), and every MRUN_CHECK_EVERY steps the whole table, the per-port
 * learned counts and the bridge counters.
 *
 * Sources: mrun.c (the run), mrun_gen.c (frame building blocks), mrun_check.c
 * (the comparisons).
 *
 * What differs between users is where the frames come from: test_model.c
 * makes mostly well-formed ones, test_fuzz.c hostile ones. Each passes its
 * frame generator in struct mrun_ops.
 */
#ifndef XBR_TEST_MRUN_H
#define XBR_TEST_MRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/if_ether.h>
#include "xbr.h"
#include "dpt.h"
#include "model.h"

#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL
#define MRUN_NPORTPOS 7 /* positions 0-6 may be ports; 7 is the foreign device */
#define MRUN_CHECK_EVERY 500
/* Room for any frame test_run takes with 4 KiB pages (tc: 3712 bytes). */
#define MRUN_FRAME_MAX 8192

/* splitmix64: small, fast, and the same sequence everywhere. */
struct rng {
	uint64_t s;
};

uint64_t rnd(struct rng *r);
uint64_t below(struct rng *r, uint64_t n); /* [0, n) */
int pct(struct rng *r, int p); /* true p times in 100 */

struct phase {
	const char *name;
	int hook; /* enum dpt_hook */
	uint32_t cap;
	int pool; /* unicast stations */
	uint64_t ageing_ns;
	long frames;
	uint64_t seed;
	int spoof_pct; /* share of ports made spoof-checked */
	uint32_t ring_size; /* event ring in bytes; 0: the product's (bpf/maps.h) */
	/* The bridge answers DNS (mrun_dns_setup()): a gateway, subnet, domain
	 * and names; now and then a step turns it off or changes the domain. */
	bool dns;
	const char *replay; /* how to replay the whole run, shown on a mismatch */
};

/* A frame as the generator made it; MRUN_ETH(f) is its Ethernet header. */
struct mrun_frame {
	uint8_t b[MRUN_FRAME_MAX];
	uint32_t len;
	uint32_t ifindex; /* where it enters (0: none given, test_run uses lo) */
	int in; /* its position (-1: lo) */
	/* test_run may refuse it with EINVAL (the generator knows the limits):
	 * then neither the program nor the model sees it. Any other refusal fails. */
	bool refusable;
	char desc[96]; /* what the generator made, for a mismatch report */
};

#define MRUN_ETH(f) ((struct ethhdr *)(void *)(f)->b)

struct run {
	struct rng r;
	struct dpt *d;
	struct model *m;
	const struct phase *ph;
	uint8_t pool[64][6];
	long step, frame;
	/* What the current step was, for a mismatch report. */
	char what[256];
	long kinds[4]; /* decisions seen: XBR_V_* */
	long reasons[XBR_DROP__MAX]; /* drops by reason (NOPORT: not a port) */
	long nctl, nportchg, ndnschg;
	long refused; /* frames test_run refused (not deliverable) */
	long ev_lost_steps; /* steps that emitted more events than the ring holds */
	/* Station whose refresh/ageing edge the clock was just set to: the next
	 * frame is likely to come from it, on its port, or go to it. */
	bool focus;
	uint8_t focus_mac[6];
	uint32_t focus_ifindex;
	double secs; /* of the frame loop */
	int live; /* unexpired entries at the last table check */
	struct mrun_frame f; /* the current frame */
};

struct mrun_ops {
	/* Fill @f (zeroed) with the next frame: bytes, len, ifindex, in. */
	void (*gen)(struct run *R, struct mrun_frame *f, void *ctx);
	/* Called after each frame both sides took (@md: the decision), or that
	 * test_run refused (@md NULL); may be NULL. */
	void (*seen)(struct run *R, const struct mrun_frame *f, const struct m_decision *md,
		     void *ctx);
	void *ctx;
};

/* A DNS phase's bridge: gateway 10.0.0.1 of 10.0.0.0/24, domain
 * MRUN_DNS_DOMAIN; names st0..st6 (the stations' addresses under the prefix
 * at the start, PTR entries for both), web (an alias of st1), v4only (st2's
 * IPv4 address), none (no address), a 63-byte label (10.0.0.99, PTR),
 * 192.168.1.1's PTR entry outside the subnet. Both sides, in the maps as
 * the loader writes them. */
#define MRUN_DNS_DOMAIN "xbrt"
void mrun_dns_setup(struct run *R);

/* The station MAC of pool entry @i. */
void mrun_pool_mac(int i, uint8_t mac[6]);
/* Random port policy; @spoof_pct of ports get spoof-check. */
uint32_t mrun_port_flags(struct rng *r, int spoof_pct, uint32_t *max_learned);
const char *mrun_flags_str(uint32_t f);
/* Position of a veth ifindex (port or not), or -1. */
int mrun_pos_of_ifindex(uint32_t ifindex);

/* Source / destination MACs: mostly pool stations; group, broadcast and zero
 * sources; unknown, group, own and zero destinations. */
void mrun_src(struct run *R, uint8_t mac[6]);
void mrun_dst(struct run *R, const uint8_t src[6], uint8_t mac[6]);
/* An IPv4 source: the station's (@own), 0.0.0.0, another station's, any. */
uint32_t mrun_ip4(struct run *R, uint32_t own);
/* Network headers written at @l3 with sources the spoof check of the station
 * (@own_mac, @own) takes or not; each returns its length (20, 28, 40). */
uint32_t mrun_l3_ip4(struct run *R, uint8_t *l3, uint32_t own);
uint32_t mrun_l3_arp(struct run *R, uint8_t *l3, const uint8_t src[6], uint32_t own);
uint32_t mrun_l3_ip6(struct run *R, uint8_t *l3, const uint8_t own_mac[6], const uint8_t src[6],
		     uint32_t own);
/* Where a frame enters (f->in, f->ifindex): mostly a port, now and then a
 * position that is no port (now), the foreign device, or lo. */
void mrun_pick_ingress(struct run *R, struct mrun_frame *f);
/* Its MACs (after mrun_pick_ingress): mrun_src()/mrun_dst(), the station of a
 * spoof-checked ingress port, or the station the clock just focused on. */
void mrun_pick_macs(struct run *R, struct mrun_frame *f);
/* The station behind f->in (its MAC and IPv4 address), or for a frame from
 * no port position, the frame's source MAC and 0. */
void mrun_station_of(const struct mrun_frame *f, uint8_t own_mac[6], uint32_t *own);

/*
 * The comparisons (mrun_check.c), for the run loop (mrun.c): each returns 0
 * when program and model agree, else -1 after printing what differs.
 */
/* The entry of @mac in both tables (after every frame and request). */
int mrun_check_entry(struct run *R, const uint8_t mac[6]);
/* The events of this step, every field, as multisets; the ring's loss. */
int mrun_check_events(struct run *R);
/* The whole table, learned counts of the ports, bridge counters; @live gets
 * the unexpired entries. */
int mrun_check_state(struct run *R, int *live);
/* tc: the frame the program left is the model's reply over the request (or
 * the request untouched); true when it is. */
bool mrun_reply_ok(const struct mrun_frame *f, const struct m_decision *md,
		   const struct dpt_obs *o);
/* The egress positions of the model's decision (0x80000000: not a port). */
uint32_t mrun_mask_of(const struct dpt *d, const struct m_decision *md);
/* "drop(reason)", "unicast -> port N", "flood -> {N,M}", ... into @buf. */
void mrun_decision_str(char *buf, size_t n, int kind, uint32_t reason, uint32_t mask);
/* A mismatch's context: replay line, clock, ports, both tables' entries of
 * @src and @dst (either may be NULL). */
void mrun_dump_context(struct run *R, const uint8_t *src, const uint8_t *dst);
/* The first 128 bytes of @b, 32 a line; every byte. */
void mrun_hexdump(const uint8_t *b, uint32_t len);
void mrun_hexdump_all(const uint8_t *b, uint32_t len);

/* Run a whole phase (cmocka: fails the test on the first mismatch). Prints a
 * summary line; returns the run for the caller's own report, to be released
 * with mrun_free(). */
struct run *mrun_phase(const struct phase *ph, const struct mrun_ops *ops);
void mrun_free(struct run *R);

#endif
