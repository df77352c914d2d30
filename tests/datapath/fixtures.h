/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The fixture tests of test_datapath (group "fixtures"): what a fixture is,
 * the shorthands the tables are written in, the tables, and the helpers the
 * runner and the tests that are not one frame share.
 *   test_fixtures.c        the runner: a fixture's bridge, frame and checks;
 *                          the group's list of cases
 *   test_fixtures_fwd.c    learning, flooding, unicast, hairpin, bad
 *                          sources, static/sticky entries, moves, ageing
 *   test_fixtures_ports.c  locked, isolated and flood-off ports,
 *                          max-learned, a full table, devices that are no port
 *   test_fixtures_spoof.c  the spoof check
 *   test_fixtures_multi.c  tests that are not one frame: runts, delivery of
 *                          the copies, control requests, the kernel clocks
 */
#ifndef XBR_TEST_FIXTURES_H
#define XBR_TEST_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include "dpt.h"

/* A frame as the wire carries it: Ethernet header, then payload. */
struct test_frame {
	struct ethhdr eth;
	uint8_t payload[ETH_DATA_LEN];
} __attribute__((packed));

#define NS_PER_MS 1000000ULL
#define T0 (1000ULL * 1000 * NS_PER_MS) /* the clock when the frame enters */
#define AGEING_MS 300000LL

/* Stations. */
#define A "02:00:00:00:00:0a"
#define B "02:00:00:00:00:0b"
#define C "02:00:00:00:00:0c"
#define D "02:00:00:00:00:0d"
#define U "02:00:00:00:00:99" /* never seen: unknown unicast */
#define BC "ff:ff:ff:ff:ff:ff"
#define MC4 "01:00:5e:00:00:fb"
#define MC6 "33:33:00:00:00:01"
#define ZERO "00:00:00:00:00:00"
#define GRP_LA "03:00:00:00:00:0a" /* locally administered, I/G bit set */

/* Port flags. */
#define PL XBR_PORT_F_LEARNING
#define PF XBR_PORT_F_FLOOD
#define PI XBR_PORT_F_ISOLATED
#define PH XBR_PORT_F_HAIRPIN
#define PK XBR_PORT_F_LOCKED
#define PP XBR_PORT_F_PEER
#define PD (PL | PF)
#define ABSENT 0x80000000u /* no port at this position */

/* Entry flags (as the control program writes them: hand-added carry USER). */
#define EST (XBR_FDB_F_STATIC | XBR_FDB_F_USER)
#define ESK (XBR_FDB_F_STICKY | XBR_FDB_F_USER)
#define EUS XBR_FDB_F_USER

/* Ingress / entry positions beyond 0-3. */
#define FOREIGN 100 /* a veth that is not a port */
#define LO 101 /* no ifindex given: test_run uses the namespace's loopback */

/* Egress positions. */
#define O(p) (1u << (p))

struct fx_ent {
	const char *mac;
	int pos;
	uint32_t flags;
	long long age_ms; /* updated = frame time - age */
};

struct fx_stats {
	uint64_t learned, moved, aged, refused, refused_port;
};

struct fixture {
	const char *desc;
	uint32_t pf[4]; /* port flags by position, ABSENT */
	uint32_t max[4]; /* max_learned by position */
	uint32_t fdb_size; /* 0: default */
	struct fx_ent pre[6];
	int in;
	const char *dst, *src;
	uint32_t len; /* 0: 60 */
	int verdict; /* TC_ACT_* */
	int kind; /* DPT_DROP, DPT_UNICAST, DPT_FLOOD */
	uint32_t reason;
	uint32_t out; /* egress positions */
	struct fx_ent post[6]; /* the whole table afterwards */
	struct fx_stats st;
	const char *events; /* L learned, M moved, A aged */
	/* What follows the MACs (spoof-check fixtures). */
	int l3; /* L3_* */
	const char *l3src; /* IPv4/IPv6 source, ARP sender address */
	const char *arp_sha; /* ARP sender MAC (default: the frame's source) */
	uint16_t arp_hrd; /* ARP hardware type (default: 1, Ethernet) */
	bool no_v6; /* the bridge has no IPv6 prefix */
	uint32_t hooks; /* HOOK_* it runs under (0: both) */
};

enum { L3_RAW = 0, L3_IP4, L3_IP6, L3_ARP, L3_VLAN };
#define HOOK_XDP (1u << DPT_XDP)

#define STD { PD, PD, PD, PD }
/* tc: a flood sends the frame itself to its last port (redirect), a flood
 * that no port may receive is dropped. */
#define FLOOD_(o) .verdict = (o) ? TC_ACT_REDIRECT : TC_ACT_SHOT, .kind = DPT_FLOOD, .out = (o)
#define UNI_(o) .verdict = TC_ACT_REDIRECT, .kind = DPT_UNICAST, .out = (o)
#define DROP_(r) .verdict = TC_ACT_SHOT, .kind = DPT_DROP, .reason = (r)
#define LEARNED1 .st = { .learned = 1 }, .events = "L"

/* Spoof-checked port 0 with station S0 (dpt_station(0)), port 1's S1. */
#define PS XBR_PORT_F_SPOOFCHK
#define S0 "0a:58:0a:00:00:0a" /* 0a:58:<S0_IP> */
#define S0_IP "10.0.0.10"
#define S1_IP "10.0.0.11"
#define S0_LL "fe80::858:aff:fe00:a" /* modified EUI-64 of S0 */
#define S0_IP6 "fd00:db8:1:2::a00:a" /* DPT_PREFIX6 + 10.0.0.10 */
#define SPF { PD | PS, PD, PD, PD }
/* Port 0's station with an IPv6 address of its own (a Docker endpoint's):
 * DPT_PREFIX6 + dpt_station_iid6(0). */
#define P6 XBR_PORT_F_ADDR6
#define S0_OWN6 "fd00:db8:1:2::d6:1"
#define SPF6 { PD | PS | P6, PD, PD, PD }
#define SPOOFED DROP_(XBR_DROP_SPOOF), .events = ""
#define S0_LEARNED .post = { { S0, 0, 0, 0 } }, LEARNED1

/*
 * The tables, in the order of their numbers (a case's name carries its
 * fixture's number, counted across the tables in this order).
 */
extern const struct fixture fx_fwd[];
extern const size_t fx_fwd_n;
extern const struct fixture fx_ports[];
extern const size_t fx_ports_n;
extern const struct fixture fx_spoof[];
extern const size_t fx_spoof_n;

/* The ifindex of position @pos (FOREIGN, LO included). */
uint32_t fx_pos_ifindex(int pos);
/* A frame @dst <- @src of a local EtherType, payload bytes counting up;
 * returns @len, or 60 for 0. */
uint32_t fx_frame_build(struct test_frame *f, const char *dst, const char *src, uint32_t len);
/* Skip a test of @hook when the kernel lacks what it needs (said why). */
void fx_need_hook(int hook);

/* test_fixtures_multi.c; the state is the hook, (void *)(long)DPT_*. */
void test_runt_limit(void **state);
void test_delivery(void **state);
void test_ctl_ops(void **state);
void test_real_clock_fresh_entry(void **state);

#endif
