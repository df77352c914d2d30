// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fixture tests of the tc and XDP programs (each fixture runs through both,
 * unless it says otherwise): one frame per fixture, entering a bridge of
 * up to four veth ports (positions 0-3) with the given policy flags and table
 * entries, and the expected verdict, egress ports (as observed from the tx
 * counters), drop reason, table afterwards, per-port learned counts, bridge
 * counters and events. Time is the test clock: 1000 s at the frame; entry ages
 * are given relative to it. Ageing time 300 s unless a fixture says otherwise.
 * Spoof-check fixtures add a network header (ARP, IPv4, IPv6, VLAN) after the
 * MACs; station N is dpt_station(N). Then a few tests that do not fit one
 * frame: test_run's size limit (runts), real delivery of the copies, the
 * control operations, and the clocks of the control and datapath programs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <cmocka.h>

#include "dpt.h"
#include "tests.h"

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
#define SPOOFED DROP_(XBR_DROP_SPOOF), .events = ""
#define S0_LEARNED .post = { { S0, 0, 0, 0 } }, LEARNED1

static const struct fixture fixtures[] = {
	/* ---- learning and flooding ---- */
	{ "learning: a new source is inserted on the ingress port with the clock time; "
	  "broadcast floods to every other port",
	  STD, .in = 0, .dst = BC, .src = A, FLOOD_(O(1) | O(2) | O(3)),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },
	{ "unknown unicast destination floods",
	  STD, .in = 1, .dst = U, .src = A, FLOOD_(O(0) | O(2) | O(3)),
	  .post = { { A, 1, 0, 0 } }, LEARNED1 },
	{ "IPv4 multicast destination floods",
	  STD, .in = 2, .dst = MC4, .src = A, FLOOD_(O(0) | O(1) | O(3)),
	  .post = { { A, 2, 0, 0 } }, LEARNED1 },
	{ "IPv6 multicast destination (33:33) floods",
	  STD, .in = 3, .dst = MC6, .src = A, FLOOD_(O(0) | O(1) | O(2)),
	  .post = { { A, 3, 0, 0 } }, LEARNED1 },
	{ "header-only frame (14 bytes) is bridged",
	  STD, .in = 0, .dst = BC, .src = A, .len = ETH_HLEN, FLOOD_(O(1) | O(2) | O(3)),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },
	{ "full-size frame (1514 bytes) is bridged and counted with its length",
	  STD, .in = 0, .dst = BC, .src = A, .len = ETH_FRAME_LEN, FLOOD_(O(1) | O(2) | O(3)),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },

	/* ---- known unicast ---- */
	{ "known unicast is redirected to the destination's port (tc: bpf_redirect)",
	  STD, .pre = { { B, 2, 0, 10000 } }, .in = 0, .dst = B, .src = A, UNI_(O(2)),
	  .post = { { A, 0, 0, 0 }, { B, 2, 0, 10000 } }, LEARNED1 },
	{ "known unicast to a PEER port is redirected (tc: bpf_redirect_peer)",
	  { PD, PD, PD | PP, PD }, .pre = { { B, 2, 0, 10000 } }, .in = 0, .dst = B, .src = A,
	  UNI_(O(2)), .post = { { A, 0, 0, 0 }, { B, 2, 0, 10000 } }, LEARNED1 },
	{ "non-learning port forwards known unicast and learns nothing",
	  { PF, PD, PD, PD }, .pre = { { B, 2, 0, 10000 } }, .in = 0, .dst = B, .src = A,
	  UNI_(O(2)), .post = { { B, 2, 0, 10000 } }, .events = "" },
	{ "non-learning port floods an unknown source's broadcast without learning it",
	  { PF, PD, PD, PD }, .in = 0, .dst = BC, .src = A, FLOOD_(O(1) | O(2) | O(3)),
	  .events = "" },

	/* ---- same port, hairpin ---- */
	{ "destination on the ingress port is dropped (SAME_PORT); the source is learned first",
	  STD, .pre = { { B, 0, 0, 10000 } }, .in = 0, .dst = B, .src = A,
	  DROP_(XBR_DROP_SAME_PORT), .post = { { A, 0, 0, 0 }, { B, 0, 0, 10000 } }, LEARNED1 },
	{ "frame to itself: its source is learned, then it is dropped as same-port",
	  STD, .in = 0, .dst = A, .src = A, DROP_(XBR_DROP_SAME_PORT),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },
	{ "hairpin port: a frame goes back out of its ingress port",
	  { PD | PH, PD, PD, PD }, .pre = { { B, 0, 0, 10000 } }, .in = 0, .dst = B, .src = A,
	  UNI_(O(0)), .post = { { A, 0, 0, 0 }, { B, 0, 0, 10000 } }, LEARNED1 },
	{ "hairpin port: frame to itself returns to it",
	  { PD | PH, PD, PD, PD }, .in = 0, .dst = A, .src = A, UNI_(O(0)),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },
	{ "hairpin port: floods still skip the ingress port",
	  { PD | PH, PD, PD, PD }, .in = 0, .dst = BC, .src = A, FLOOD_(O(1) | O(2) | O(3)),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },
	{ "isolated hairpin port: frame back to itself is dropped as isolated",
	  { PD | PH | PI, PD, PD, PD }, .pre = { { B, 0, 0, 10000 } }, .in = 0, .dst = B,
	  .src = A, DROP_(XBR_DROP_ISOLATED), .post = { { A, 0, 0, 0 }, { B, 0, 0, 10000 } },
	  LEARNED1 },

	/* ---- bad sources ---- */
	{ "multicast source is dropped (BAD_SRC) and not learned",
	  STD, .pre = { { B, 1, 0, 10000 } }, .in = 0, .dst = B, .src = "01:00:5e:00:00:01",
	  DROP_(XBR_DROP_BAD_SRC), .post = { { B, 1, 0, 10000 } }, .events = "" },
	{ "broadcast source is dropped (BAD_SRC)",
	  STD, .in = 0, .dst = U, .src = BC, DROP_(XBR_DROP_BAD_SRC), .events = "" },
	{ "all-zero source is dropped (BAD_SRC)",
	  STD, .in = 0, .dst = BC, .src = ZERO, DROP_(XBR_DROP_BAD_SRC), .events = "" },
	{ "locally administered group source (03:..) is dropped (BAD_SRC)",
	  STD, .in = 2, .dst = BC, .src = GRP_LA, DROP_(XBR_DROP_BAD_SRC), .events = "" },
	{ "bad source on a locked port: BAD_SRC is checked first",
	  { PD | PK, PD, PD, PD }, .in = 0, .dst = BC, .src = ZERO, DROP_(XBR_DROP_BAD_SRC),
	  .events = "" },

	/* ---- static, sticky, moves, refresh ---- */
	{ "static entry is not moved by the station appearing on another port",
	  STD, .pre = { { A, 1, EST, 5000 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 1, EST, 5000 } }, .events = "" },
	{ "static entry is not refreshed on its own port",
	  STD, .pre = { { A, 0, EST, 5000 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, EST, 5000 } }, .events = "" },
	{ "sticky entry does not move",
	  STD, .pre = { { A, 1, ESK, 5000 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 1, ESK, 5000 } }, .events = "" },
	{ "sticky entry is refreshed on its own port",
	  STD, .pre = { { A, 0, ESK, 5000 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, ESK, 0 } }, .events = "" },
	{ "station move: a learned entry follows its source to the new port",
	  STD, .pre = { { A, 1, 0, 5000 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 } }, .st = { .moved = 1 },
	  .events = "M" },
	{ "known source to known destination: forwarded, nothing written",
	  STD, .pre = { { A, 1, 0, 5000 }, { B, 2, 0, 100 } }, .in = 2, .dst = A, .src = B,
	  UNI_(O(1)), .post = { { A, 1, 0, 5000 }, { B, 2, 0, 100 } }, .events = "" },
	{ "station move: a hand-added dynamic entry moves, keeping its flags",
	  STD, .pre = { { A, 1, EUS, 5000 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, EUS, 0 } }, .st = { .moved = 1 },
	  .events = "M" },
	{ "known source seen again after exactly 1 s: timestamp refreshed",
	  STD, .pre = { { A, 0, 0, 1000 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 } }, .events = "" },
	{ "known source seen again within 1 s: timestamp left alone",
	  STD, .pre = { { A, 0, 0, 999 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 999 } }, .events = "" },

	/* ---- ageing ---- */
	{ "expired destination is unknown: flooded, its entry left in place",
	  STD, .pre = { { B, 2, 0, AGEING_MS + 1 } }, .in = 0, .dst = B, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 }, { B, 2, 0, AGEING_MS + 1 } },
	  LEARNED1 },
	{ "destination exactly at the ageing time is still valid",
	  STD, .pre = { { B, 2, 0, AGEING_MS } }, .in = 0, .dst = B, .src = A, UNI_(O(2)),
	  .post = { { A, 0, 0, 0 }, { B, 2, 0, AGEING_MS } }, LEARNED1 },
	{ "static destination never expires",
	  STD, .pre = { { B, 2, EST, 1000 * AGEING_MS } }, .in = 0, .dst = B, .src = A,
	  UNI_(O(2)), .post = { { A, 0, 0, 0 }, { B, 2, EST, 1000 * AGEING_MS } }, LEARNED1 },
	{ "expired hand-added dynamic destination is unknown too",
	  STD, .pre = { { B, 2, ESK, AGEING_MS + 1 } }, .in = 0, .dst = B, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 }, { B, 2, ESK, AGEING_MS + 1 } },
	  LEARNED1 },
	{ "expired source on another port is removed (aged) and learned again here",
	  STD, .pre = { { A, 1, 0, AGEING_MS + 1 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 } },
	  .st = { .aged = 1, .learned = 1 }, .events = "AL" },
	{ "expired source on its own port is aged and learned again",
	  STD, .pre = { { A, 0, 0, AGEING_MS + 1 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 } },
	  .st = { .aged = 1, .learned = 1 }, .events = "AL" },
	{ "expired sticky source is aged and learned again as a plain entry",
	  STD, .pre = { { A, 1, ESK, AGEING_MS + 1 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 } },
	  .st = { .aged = 1, .learned = 1 }, .events = "AL" },
	{ "hand-added sticky source stamped 2 ms ahead of the datapath clock is neither "
	  "aged nor moved (the control program stamps bpf_ktime_get_ns, the datapath "
	  "reads the coarse clock, which lags it by up to a tick)",
	  STD, .pre = { { A, 1, ESK, -2 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 1, ESK, -2 } }, .events = "" },
	{ "hand-added destination stamped 2 ms ahead of the datapath clock is not expired",
	  STD, .pre = { { B, 2, ESK, -2 } }, .in = 0, .dst = B, .src = A, UNI_(O(2)),
	  .post = { { A, 0, 0, 0 }, { B, 2, ESK, -2 } }, LEARNED1 },

	/* ---- locked ports ---- */
	{ "locked port: unknown source is dropped (LOCKED) and not learned",
	  { PD | PK, PD, PD, PD }, .in = 0, .dst = BC, .src = A, DROP_(XBR_DROP_LOCKED),
	  .events = "" },
	{ "locked port: a learned entry on the port does not unlock it",
	  { PD | PK, PD, PD, PD }, .pre = { { A, 0, 0, 10 } }, .in = 0, .dst = BC, .src = A,
	  DROP_(XBR_DROP_LOCKED), .post = { { A, 0, 0, 10 } }, .events = "" },
	{ "locked port: a hand-added sticky (not static) entry does not unlock it",
	  { PD | PK, PD, PD, PD }, .pre = { { A, 0, ESK, 10 } }, .in = 0, .dst = BC, .src = A,
	  DROP_(XBR_DROP_LOCKED), .post = { { A, 0, ESK, 10 } }, .events = "" },
	{ "locked port: a static entry on another port does not unlock it",
	  { PD | PK, PD, PD, PD }, .pre = { { A, 1, EST, 10 } }, .in = 0, .dst = BC, .src = A,
	  DROP_(XBR_DROP_LOCKED), .post = { { A, 1, EST, 10 } }, .events = "" },
	{ "locked port: a static entry on the port lets the source through, nothing learned",
	  { PD | PK, PD, PD, PD }, .pre = { { A, 0, EST, 5000 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, EST, 5000 } }, .events = "" },
	{ "locked port: a static source reaches a known destination",
	  { PD | PK, PD, PD, PD }, .pre = { { A, 0, EST, 5000 }, { B, 3, 0, 10 } }, .in = 0,
	  .dst = B, .src = A, UNI_(O(3)), .post = { { A, 0, EST, 5000 }, { B, 3, 0, 10 } },
	  .events = "" },
	{ "locked port receives flooded copies like any port",
	  { PD | PK, PD, PD, PD }, .in = 1, .dst = BC, .src = A, FLOOD_(O(0) | O(2) | O(3)),
	  .post = { { A, 1, 0, 0 } }, LEARNED1 },

	/* ---- isolation ---- */
	{ "isolated to isolated port is dropped (ISOLATED)",
	  { PD | PI, PD, PD | PI, PD }, .pre = { { B, 2, 0, 10 } }, .in = 0, .dst = B, .src = A,
	  DROP_(XBR_DROP_ISOLATED), .post = { { A, 0, 0, 0 }, { B, 2, 0, 10 } }, LEARNED1 },
	{ "isolated to non-isolated port is forwarded",
	  { PD | PI, PD, PD | PI, PD }, .pre = { { B, 1, 0, 10 } }, .in = 0, .dst = B, .src = A,
	  UNI_(O(1)), .post = { { A, 0, 0, 0 }, { B, 1, 0, 10 } }, LEARNED1 },
	{ "non-isolated to isolated port is forwarded",
	  { PD | PI, PD, PD | PI, PD }, .pre = { { B, 2, 0, 10 } }, .in = 1, .dst = B, .src = A,
	  UNI_(O(2)), .post = { { A, 1, 0, 0 }, { B, 2, 0, 10 } }, LEARNED1 },
	{ "flood from an isolated port skips the other isolated ports",
	  { PD | PI, PD, PD | PI, PD }, .in = 0, .dst = BC, .src = A, FLOOD_(O(1) | O(3)),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },
	{ "flood from a non-isolated port reaches isolated ports",
	  { PD | PI, PD, PD | PI, PD }, .in = 1, .dst = U, .src = A, FLOOD_(O(0) | O(2) | O(3)),
	  .post = { { A, 1, 0, 0 } }, LEARNED1 },

	/* ---- flood off ---- */
	{ "flood-off port gets no copy of a broadcast",
	  { PD, PD, PL, PD }, .in = 0, .dst = BC, .src = A, FLOOD_(O(1) | O(3)),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },
	{ "flood-off port gets no copy of unknown unicast",
	  { PD, PD, PL, PD }, .in = 0, .dst = U, .src = A, FLOOD_(O(1) | O(3)),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },
	{ "flood-off port still receives known unicast",
	  { PD, PD, PL, PD }, .pre = { { B, 2, 0, 10 } }, .in = 0, .dst = B, .src = A,
	  UNI_(O(2)), .post = { { A, 0, 0, 0 }, { B, 2, 0, 10 } }, LEARNED1 },
	{ "no port may receive the flood: dropped after zero copies, counted as a flood",
	  { PD, PL, PL, PL }, .in = 0, .dst = BC, .src = A, FLOOD_(0),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },
	{ "only port of the bridge: its broadcast has nowhere to go",
	  { PD, ABSENT, ABSENT, ABSENT }, .in = 0, .dst = BC, .src = A, FLOOD_(0),
	  .post = { { A, 0, 0, 0 } }, LEARNED1 },

	/* ---- max-learned ---- */
	{ "max-learned: a port at its cap refuses a new source (refused_port); frame flooded",
	  STD, .max = { 2 }, .pre = { { C, 0, 0, 10 }, { D, 0, 0, 10 } }, .in = 0, .dst = BC,
	  .src = A, FLOOD_(O(1) | O(2) | O(3)), .post = { { C, 0, 0, 10 }, { D, 0, 0, 10 } },
	  .st = { .refused_port = 1 }, .events = "" },
	{ "max-learned: below the cap a new source is learned",
	  STD, .max = { 2 }, .pre = { { C, 0, 0, 10 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 }, { C, 0, 0, 10 } }, LEARNED1 },
	{ "max-learned: hand-added entries do not count against the cap",
	  STD, .max = { 1 }, .pre = { { C, 0, EST, 10 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 }, { C, 0, EST, 10 } }, LEARNED1 },
	{ "max-learned: entries on other ports do not count",
	  STD, .max = { 1 }, .pre = { { C, 1, 0, 10 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 }, { C, 1, 0, 10 } }, LEARNED1 },
	{ "max-learned: an expired entry of the source on the port is aged first, freeing its slot",
	  STD, .max = { 1 }, .pre = { { A, 0, 0, AGEING_MS + 1 } }, .in = 0, .dst = BC, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 } },
	  .st = { .aged = 1, .learned = 1 }, .events = "AL" },
	{ "max-learned: a station moving in is not checked against the cap (only new entries are)",
	  STD, .max = { 1 }, .pre = { { C, 0, 0, 10 }, { A, 1, 0, 10 } }, .in = 0, .dst = BC,
	  .src = A, FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 }, { C, 0, 0, 10 } },
	  .st = { .moved = 1 }, .events = "M" },

	/* ---- table full ---- */
	{ "table full: a new source is refused (refused), the frame still flooded",
	  STD, .fdb_size = 2, .pre = { { C, 1, 0, 10 }, { D, 2, 0, 10 } }, .in = 0, .dst = BC,
	  .src = A, FLOOD_(O(1) | O(2) | O(3)), .post = { { C, 1, 0, 10 }, { D, 2, 0, 10 } },
	  .st = { .refused = 1 }, .events = "" },
	{ "table full: a known source still moves",
	  STD, .fdb_size = 2, .pre = { { A, 1, 0, 5000 }, { D, 2, 0, 10 } }, .in = 0, .dst = D,
	  .src = A, UNI_(O(2)), .post = { { A, 0, 0, 0 }, { D, 2, 0, 10 } },
	  .st = { .moved = 1 }, .events = "M" },
	{ "table full: a known source is still refreshed",
	  STD, .fdb_size = 2, .pre = { { A, 0, 0, 5000 }, { D, 2, 0, 10 } }, .in = 0, .dst = D,
	  .src = A, UNI_(O(2)), .post = { { A, 0, 0, 0 }, { D, 2, 0, 10 } }, .events = "" },
	{ "table full: the source's own expired entry is replaced",
	  STD, .fdb_size = 2, .pre = { { A, 1, 0, AGEING_MS + 1 }, { D, 2, 0, 10 } }, .in = 0,
	  .dst = BC, .src = A, FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 }, { D, 2, 0, 10 } },
	  .st = { .aged = 1, .learned = 1 }, .events = "AL" },
	{ "table full: another station's expired entry is not evicted",
	  STD, .fdb_size = 2, .pre = { { C, 1, 0, AGEING_MS + 1 }, { D, 2, 0, 10 } }, .in = 0,
	  .dst = BC, .src = A, FLOOD_(O(1) | O(2) | O(3)),
	  .post = { { C, 1, 0, AGEING_MS + 1 }, { D, 2, 0, 10 } }, .st = { .refused = 1 },
	  .events = "" },
	{ "table full: known unicast keeps working",
	  STD, .fdb_size = 2, .pre = { { C, 1, 0, 10 }, { D, 2, 0, 10 } }, .in = 0, .dst = D,
	  .src = A, UNI_(O(2)), .post = { { C, 1, 0, 10 }, { D, 2, 0, 10 } },
	  .st = { .refused = 1 }, .events = "" },

	/* ---- ports that are not (or no longer) ports ---- */
	{ "destination entry on a device that is not a port: flooded as unknown",
	  STD, .pre = { { B, FOREIGN, 0, 10 } }, .in = 0, .dst = B, .src = A,
	  FLOOD_(O(1) | O(2) | O(3)), .post = { { A, 0, 0, 0 }, { B, FOREIGN, 0, 10 } }, LEARNED1 },
	{ "frame from a device that is not a port: dropped, nothing learned or counted",
	  STD, .in = FOREIGN, .dst = BC, .src = A, DROP_(XBR_DROP_NOPORT), .events = "" },
	{ "frame without an ingress device (test_run's loopback): dropped",
	  STD, .in = LO, .dst = BC, .src = A, DROP_(XBR_DROP_NOPORT), .events = "" },

	/* ---- spoof check ---- */
	{ "spoof check: the station's IPv4 frame passes and its source is learned",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4, .l3src = S0_IP,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: the station's IPv4 unicast reaches a known destination",
	  SPF, .pre = { { B, 2, 0, 10 } }, .in = 0, .dst = B, .src = S0, .l3 = L3_IP4,
	  .l3src = S0_IP, UNI_(O(2)), .post = { { S0, 0, 0, 0 }, { B, 2, 0, 10 } }, LEARNED1 },
	{ "spoof check: IPv4 from 0.0.0.0 (DHCP) passes",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4, .l3src = "0.0.0.0",
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv4 from another station's address is dropped (SPOOF), not learned",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4, .l3src = S1_IP, SPOOFED },
	{ "spoof check: another source MAC is dropped, even with the station's address",
	  SPF, .in = 0, .dst = BC, .src = A, .l3 = L3_IP4, .l3src = S0_IP, SPOOFED },
	{ "spoof check: a group source is dropped as spoofed (the spoof check comes first)",
	  SPF, .in = 0, .dst = BC, .src = MC4, .l3 = L3_IP4, .l3src = S0_IP, SPOOFED },
	{ "spoof check: IPv4 header cut short is dropped (XDP only: tc's test_run refuses "
	  "an IPv4 frame without a whole header)",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4, .l3src = S0_IP, .len = ETH_HLEN + 12,
	  SPOOFED, .hooks = HOOK_XDP },
	{ "spoof check: ARP from the station passes",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S0_IP,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: ARP probe (sender 0.0.0.0) passes",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = "0.0.0.0",
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: ARP with a sender MAC not the station's is dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S0_IP, .arp_sha = A,
	  SPOOFED },
	{ "spoof check: ARP claiming another station's address is dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S1_IP, SPOOFED },
	{ "spoof check: ARP for another hardware type is dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S0_IP, .arp_hrd = 6,
	  SPOOFED },
	{ "spoof check: ARP cut short is dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S0_IP, .len = ETH_HLEN + 20,
	  SPOOFED },
	{ "spoof check: IPv6 from :: (duplicate address detection) passes",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = "::",
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv6 from the station's EUI-64 link-local address passes",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_LL,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv6 from the station's address (bridge prefix + IPv4) passes",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_IP6,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv6 from another station's address is dropped",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = "fd00:db8:1:2::a00:b",
	  SPOOFED },
	{ "spoof check: IPv6 from the station's address under another prefix is dropped",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = "fd00:db8:1:3::a00:a",
	  SPOOFED },
	{ "spoof check: without an IPv6 prefix the prefix-derived address is dropped",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_IP6, .no_v6 = true,
	  SPOOFED },
	{ "spoof check: without an IPv6 prefix link-local still passes",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_LL, .no_v6 = true,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv6 header cut short is dropped (XDP only: tc's test_run refuses "
	  "an IPv6 frame without a whole header)",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = "::", .len = ETH_HLEN + 30,
	  SPOOFED, .hooks = HOOK_XDP },
	{ "spoof check: other EtherTypes from the station are dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, SPOOFED },
	{ "spoof check: VLAN-tagged frames are dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_VLAN, SPOOFED },
	{ "spoof check, then lock: a valid station frame on a locked port without a static "
	  "entry is dropped as LOCKED",
	  { PD | PS | PK, PD, PD, PD }, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4,
	  .l3src = S0_IP, DROP_(XBR_DROP_LOCKED), .events = "" },
	{ "spoof check applies to the checked port only",
	  SPF, .in = 1, .dst = BC, .src = A, FLOOD_(O(0) | O(2) | O(3)),
	  .post = { { A, 1, 0, 0 } }, LEARNED1 },
};

#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

static uint32_t pos_ifindex(int pos)
{
	if (pos == FOREIGN)
		return (uint32_t)dpt_env.ifindex[DPT_POS_FOREIGN];
	if (pos == LO)
		return 0;
	return (uint32_t)dpt_env.ifindex[pos];
}

static uint32_t frame_build(struct test_frame *f, const char *dst, const char *src, uint32_t len)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	assert_int_equal(dpt_mac_parse(dst, f->eth.h_dest), 0);
	assert_int_equal(dpt_mac_parse(src, f->eth.h_source), 0);
	f->eth.h_proto = htons(0x88b5); /* IEEE local experimental */
	for (i = 0; i < sizeof(f->payload); i++)
		f->payload[i] = (uint8_t)i;
	if (!len)
		len = ETH_ZLEN;
	return len;
}

/* ARP for IPv4 over Ethernet, as on the wire. */
struct arp_eth_ipv4 {
	uint16_t hrd, pro;
	uint8_t hln, pln;
	uint16_t op;
	uint8_t sha[6];
	uint32_t sip;
	uint8_t tha[6];
	uint32_t tip;
} __attribute__((packed));

/* The fixture's frame: MACs, then its network header. */
static uint32_t fx_frame(struct test_frame *fr, const struct fixture *f)
{
	uint32_t len = frame_build(fr, f->dst, f->src, f->len), need = 0;

	memset(fr->payload, 0, sizeof(fr->payload));
	switch (f->l3) {
	case L3_IP4: {
		struct iphdr *ip = (void *)fr->payload;

		fr->eth.h_proto = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = 17;
		ip->tot_len = htons(28);
		assert_int_equal(inet_pton(AF_INET, f->l3src, &ip->saddr), 1);
		ip->daddr = htonl(0x0a0000fe);
		need = sizeof(*ip);
		break;
	}
	case L3_IP6: {
		struct ipv6hdr *ip6 = (void *)fr->payload;

		fr->eth.h_proto = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->nexthdr = 59; /* no next header */
		ip6->hop_limit = 255;
		assert_int_equal(inet_pton(AF_INET6, f->l3src, &ip6->saddr), 1);
		assert_int_equal(inet_pton(AF_INET6, "ff02::1", &ip6->daddr), 1);
		need = sizeof(*ip6);
		break;
	}
	case L3_ARP: {
		struct arp_eth_ipv4 *arp = (void *)fr->payload;

		fr->eth.h_proto = htons(ETH_P_ARP);
		arp->hrd = htons(f->arp_hrd ? f->arp_hrd : 1);
		arp->pro = htons(ETH_P_IP);
		arp->hln = 6;
		arp->pln = 4;
		arp->op = htons(1);
		assert_int_equal(dpt_mac_parse(f->arp_sha ? f->arp_sha : f->src, arp->sha), 0);
		assert_int_equal(inet_pton(AF_INET, f->l3src, &arp->sip), 1);
		arp->tip = htonl(0x0a0000fe);
		need = sizeof(*arp);
		break;
	}
	case L3_VLAN:
		fr->eth.h_proto = htons(ETH_P_8021Q);
		fr->payload[1] = 5; /* VID 5 */
		fr->payload[2] = 0x08; /* then IPv4 */
		need = 24;
		break;
	default:
		break;
	}
	if (!f->len && len < ETH_HLEN + need)
		len = ETH_HLEN + need;
	return len;
}

static char ev_letter(uint32_t type)
{
	switch (type) {
	case XBR_EV_LEARNED:
		return 'L';
	case XBR_EV_MOVED:
		return 'M';
	case XBR_EV_AGED:
		return 'A';
	case XBR_EV_EVICTED:
		return 'E';
	case XBR_EV_DELETED:
		return 'D';
	case XBR_EV_ADDED:
		return '+';
	case XBR_EV_REFUSED:
		return 'R';
	default:
		return '?';
	}
}

struct fx_run {
	const struct fixture *f;
	int hook;
};

static void fx_open(struct dpt *d, const struct fixture *f, int hook)
{
	int pos, i, err;
	uint8_t mac[6];

	err = dpt_open_hook(d, hook, f->fdb_size, false);
	if (err)
		fail_msg("loading the programs: %s", strerror(-err));
	for (pos = 0; pos < 4; pos++) {
		if (f->pf[pos] == ABSENT)
			continue;
		assert_int_equal(dpt_port_add(d, pos, f->pf[pos], f->max[pos]), 0);
	}
	assert_int_equal(dpt_set_ageing(d, (uint64_t)AGEING_MS * NS_PER_MS), 0);
	if (f->no_v6)
		assert_int_equal(dpt_set_prefix6(d, d->cfg.subnet6, 0), 0);
	assert_int_equal(dpt_set_clock(d, T0), 0);
	for (i = 0; i < 6 && f->pre[i].mac; i++) {
		assert_int_equal(dpt_mac_parse(f->pre[i].mac, mac), 0);
		err = dpt_fdb_put(d, mac, pos_ifindex(f->pre[i].pos), f->pre[i].flags,
				 T0 - (uint64_t)(f->pre[i].age_ms * (long long)NS_PER_MS));
		if (err)
			fail_msg("pre-existing entry %s: %s", f->pre[i].mac, strerror(-err));
	}
	dpt_events_drain(d);
	dpt_events_reset(d);
}

static const char *pos_name(uint32_t ifindex)
{
	static char buf[4][16];
	static int n;
	char *b = buf[n++ & 3];
	int i;

	for (i = 0; i < DPT_NPOS; i++) {
		if ((uint32_t)dpt_env.ifindex[i] == ifindex) {
			if (i == DPT_POS_FOREIGN)
				snprintf(b, 16, "foreign");
			else
				snprintf(b, 16, "port%d", i);
			return b;
		}
	}
	snprintf(b, 16, "if%u", ifindex);
	return b;
}

static void fx_check_table(struct dpt *d, const struct fixture *f)
{
	struct xbr_fdb_key *k = NULL;
	struct xbr_fdb_val *v = NULL;
	struct fx_ent want[6];
	uint8_t wmac[6][6];
	int n, nw = 0, i, j, bad = 0, pos;
	uint32_t cnt[4] = { 0 };

	for (i = 0; i < 6 && f->post[i].mac; i++) {
		want[nw] = f->post[i];
		assert_int_equal(dpt_mac_parse(want[nw].mac, wmac[nw]), 0);
		nw++;
	}
	/* Sort the expectation by MAC, as the dump is. */
	for (i = 0; i < nw; i++) {
		for (j = i + 1; j < nw; j++) {
			if (memcmp(wmac[j], wmac[i], 6) < 0) {
				struct fx_ent t = want[i];
				uint8_t tm[6];

				want[i] = want[j];
				want[j] = t;
				memcpy(tm, wmac[i], 6);
				memcpy(wmac[i], wmac[j], 6);
				memcpy(wmac[j], tm, 6);
			}
		}
	}
	n = dpt_fdb_dump(d, &k, &v);
	assert_true(n >= 0);
	if (n != nw)
		bad = 1;
	for (i = 0; !bad && i < n; i++) {
		if (memcmp(k[i].mac, wmac[i], 6) || k[i].vlan ||
		    v[i].ifindex != pos_ifindex(want[i].pos) || v[i].flags != want[i].flags ||
		    v[i].updated_ns != T0 - (uint64_t)(want[i].age_ms * (long long)NS_PER_MS))
			bad = 1;
	}
	if (bad) {
		print_message("  table afterwards, expected %d entries:\n", nw);
		for (i = 0; i < nw; i++)
			print_message("    %s %s flags %#x age %lld ms\n", want[i].mac,
				      pos_name(pos_ifindex(want[i].pos)), want[i].flags,
				      want[i].age_ms);
		print_message("  got %d:\n", n);
		for (i = 0; i < n; i++)
			print_message("    %s %s flags %#x age %lld ms\n", dpt_mac_str(k[i].mac),
				      pos_name(v[i].ifindex), v[i].flags,
				      ((long long)T0 - (long long)v[i].updated_ns) / (long long)NS_PER_MS);
	}
	free(k);
	free(v);
	if (bad)
		fail_msg("table afterwards differs");

	/* Learned counts follow the counted entries. */
	for (i = 0; i < nw; i++)
		if (want[i].pos < 4 && !(want[i].flags & XBR_FDB_F_USER))
			cnt[want[i].pos]++;
	for (pos = 0; pos < 4; pos++) {
		if (!d->present[pos])
			continue;
		if (dpt_learned(d, pos) != cnt[pos])
			fail_msg("learned count of port%d: %u, expected %u", pos, dpt_learned(d, pos),
				 cnt[pos]);
	}
}

/* Skip a test of @hook when the kernel lacks what it needs (said why). */
static void need_hook(int hook)
{
	const char *why = dpt_hook_missing(hook);

	if (why) {
		DPT_SKIP(why);
	}
}

static void run_fixture(void **state)
{
	const struct fx_run *run = *state;
	const struct fixture *f = run->f;
	struct dpt *d = calloc(1, sizeof(*d));
	struct xbr_br_stats bs;
	struct test_frame fr;
	struct dpt_obs o;
	uint32_t len;
	char got[64];
	int i, err;
	uint8_t src[6];

	assert_non_null(d);
	need_hook(run->hook);
	fx_open(d, f, run->hook);
	len = fx_frame(&fr, f);
	err = dpt_frame(d, pos_ifindex(f->in), &fr, len, &o);
	if (err)
		fail_msg("test_run: %s", strerror(-err));
	if (o.kind == DPT_BAD)
		fail_msg("counters inconsistent with the verdict: %s", o.why);
	/* tc: the verdict itself; XDP: the traced verdict (checked against the
	 * counters by dpt_frame()). */
	if ((run->hook == DPT_TC && o.retval != f->verdict) || o.kind != f->kind ||
	    o.reason != f->reason || o.txmask != f->out)
		fail_msg("expected %s (reason %s, egress %#x), got %s (reason %s, egress %#x, "
			 "%s verdict %d)",
			 dpt_kind_str(f->kind), dpt_reason_str(f->reason), f->out,
			 dpt_kind_str(o.kind), dpt_reason_str(o.reason), o.txmask,
			 run->hook == DPT_TC ? "tc" : "traced", o.retval);

	fx_check_table(d, f);

	assert_int_equal(dpt_br_stats(d, &bs), 0);
	if (bs.learned != f->st.learned || bs.moved != f->st.moved || bs.aged != f->st.aged ||
	    bs.refused != f->st.refused || bs.refused_port != f->st.refused_port || bs.evicted ||
	    bs.ev_lost)
		fail_msg("bridge counters learned/moved/aged/refused/refused_port/evicted/ev_lost "
			 "%llu/%llu/%llu/%llu/%llu/%llu/%llu, expected %llu/%llu/%llu/%llu/%llu/0/0",
			 (unsigned long long)bs.learned, (unsigned long long)bs.moved,
			 (unsigned long long)bs.aged, (unsigned long long)bs.refused,
			 (unsigned long long)bs.refused_port, (unsigned long long)bs.evicted,
			 (unsigned long long)bs.ev_lost,
			 (unsigned long long)f->st.learned, (unsigned long long)f->st.moved,
			 (unsigned long long)f->st.aged, (unsigned long long)f->st.refused,
			 (unsigned long long)f->st.refused_port);

	if (f->events) {
		assert_false(d->ev_overflow);
		assert_int_equal(dpt_mac_parse(f->src, src), 0);
		for (i = 0; i < d->nev && i < (int)sizeof(got) - 1; i++)
			got[i] = ev_letter(d->ev[i].type);
		got[i] = 0;
		if (strcmp(got, f->events))
			fail_msg("events \"%s\", expected \"%s\"", got, f->events);
		for (i = 0; i < d->nev; i++) {
			if (memcmp(d->ev[i].mac, src, 6) || d->ev[i].ts_ns != T0)
				fail_msg("event %c for %s at %llu, expected the source %s at %llu",
					 got[i], dpt_mac_str(d->ev[i].mac),
					 (unsigned long long)d->ev[i].ts_ns, f->src,
					 (unsigned long long)T0);
			if (d->ev[i].type == XBR_EV_LEARNED || d->ev[i].type == XBR_EV_MOVED)
				assert_int_equal(d->ev[i].ifindex, pos_ifindex(f->in));
		}
	}
	dpt_close(d);
	free(d);
}

/* ---- tests that are not one frame ---- */

/*
 * Runts. bpf_prog_test_run_skb() refuses data shorter than ETH_HLEN (-EINVAL,
 * bpf_test_init()), and no Ethernet device delivers one to tc either (packet
 * sockets and tap refuse to send less than a header), so the program's runt
 * branch cannot be reached from here. Checked: the limit is where we think,
 * and should the kernel ever accept a runt, the program must drop it as one.
 */
static void test_runt_limit(void **state)
{
	struct dpt *d = calloc(1, sizeof(*d));
	int hook = (int)(long)*state;
	struct test_frame fr;
	struct dpt_obs o;
	uint32_t len;
	int refused = 0, err;

	assert_non_null(d);
	need_hook(hook);
	assert_int_equal(dpt_open_hook(d, hook, 0, false), 0);
	assert_int_equal(dpt_port_add(d, 0, PD, 0), 0);
	assert_int_equal(dpt_port_add(d, 1, PD, 0), 0);
	frame_build(&fr, BC, A, 0);
	for (len = 1; len < ETH_HLEN; len++) {
		err = dpt_frame(d, (uint32_t)dpt_env.ifindex[0], &fr, len, &o);
		if (err == -EINVAL) {
			refused++;
			continue;
		}
		assert_int_equal(err, 0);
		if (o.kind != DPT_DROP || o.reason != XBR_DROP_RUNT)
			fail_msg("%u-byte frame: %s/%s, expected a runt drop", len,
				 dpt_kind_str(o.kind), dpt_reason_str(o.reason));
	}
	if (refused)
		print_message("  note (%s): test_run refuses %d of %d runt sizes (< %d bytes) "
			      "with EINVAL; the runt branch is not reachable from test_run\n",
			      dpt_hook_name(hook), refused, ETH_HLEN - 1, ETH_HLEN);
	/* The shortest frame test_run takes is a bare header: bridged normally. */
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], &fr, ETH_HLEN, &o), 0);
	assert_int_equal(o.kind, DPT_FLOOD);
	assert_int_equal(o.txmask, O(1));
	dpt_close(d);
	free(d);
}

/*
 * The copies really leave: every flooded copy arrives at the veth peer of its
 * port, as many as the tx counters say (tc: bpf_clone_redirect() transmits
 * under test_run; XDP: live frames go through the devmaps). With XDP a known
 * unicast is delivered too (tc's test_run does not carry out bpf_redirect()).
 */
static void test_delivery(void **state)
{
	struct dpt *d = calloc(1, sizeof(*d));
	int hook = (int)(long)*state;
	struct test_frame fr;
	struct dpt_obs o;
	long long before[4], after, want;
	uint32_t len;
	int pos, i, n = 200, nuni;
	uint8_t b[6];

	assert_non_null(d);
	need_hook(hook);
	assert_int_equal(dpt_open_hook(d, hook, 0, false), 0);
	for (pos = 0; pos < 4; pos++)
		assert_int_equal(dpt_port_add(d, pos, pos == 3 ? PL : PD, 0), 0);
	assert_int_equal(dpt_mac_parse(B, b), 0);
	assert_int_equal(dpt_fdb_put(d, b, pos_ifindex(2), EST, d->now), 0);
	for (pos = 0; pos < 4; pos++) {
		before[pos] = dpt_dev_rx_packets(dpt_env.peer[pos]);
		assert_true(before[pos] >= 0);
	}
	len = frame_build(&fr, BC, A, 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(dpt_frame(d, pos_ifindex(0), &fr, len, &o), 0);
		assert_int_equal(o.kind, DPT_FLOOD);
		assert_int_equal(o.txmask, O(1) | O(2));
	}
	nuni = hook == DPT_XDP ? n : 0;
	len = frame_build(&fr, B, A, 0);
	for (i = 0; i < nuni; i++) {
		assert_int_equal(dpt_frame(d, pos_ifindex(0), &fr, len, &o), 0);
		assert_int_equal(o.kind, DPT_UNICAST);
		assert_int_equal(o.txmask, O(2));
	}
	for (pos = 0; pos < 4; pos++) {
		after = dpt_dev_rx_packets(dpt_env.peer[pos]);
		/* tc sends clones to every port but the last (port 2), which
		 * gets the frame itself through the verdict (TC_ACT_REDIRECT,
		 * checked by dpt_frame()): test_run does not carry that out. */
		want = (pos == 1 || (pos == 2 && hook == DPT_XDP) ? n : 0) +
		       (pos == 2 ? nuni : 0);
		if (after - before[pos] != want)
			fail_msg("peer of port%d received %lld frames, expected %lld", pos,
				 after - before[pos], want);
	}
	dpt_close(d);
	free(d);
}

static struct xbr_ctl_req req(uint32_t op, int pos, uint32_t flags, const char *mac)
{
	struct xbr_ctl_req r = { .op = op, .flags = flags };

	if (pos >= 0)
		r.ifindex = pos_ifindex(pos);
	if (mac)
		dpt_mac_parse(mac, r.mac);
	return r;
}

/* The control program's operations, their results, counts and accounting. */
static void test_ctl_ops(void **state)
{
	struct dpt *d = calloc(1, sizeof(*d));
	struct xbr_ctl_req r;
	struct xbr_fdb_val v;
	struct xbr_br_stats bs;
	struct test_frame fr;
	struct dpt_obs o;
	uint8_t mac[6];
	uint32_t len;

	(void)state;
	assert_non_null(d);
	assert_int_equal(dpt_open(d, 4), 0);
	assert_int_equal(dpt_port_add(d, 0, PD, 0), 0);
	assert_int_equal(dpt_port_add(d, 1, PD, 0), 0);

	r = req(XBR_OP_ADD, FOREIGN, XBR_FDB_F_STATIC, A);
	assert_int_equal(dpt_ctl(d, &r), -ENODEV);
	r = req(XBR_OP_ADD, 1, XBR_FDB_F_STATIC | 0x80, A);
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(r.count, 1);
	dpt_mac_parse(A, mac);
	assert_int_equal(dpt_fdb_get(d, mac, &v), 0);
	assert_int_equal(v.ifindex, pos_ifindex(1));
	assert_int_equal(v.flags, EST); /* unknown flag bits dropped, USER added */
	assert_int_equal(v.updated_ns, d->now);
	assert_int_equal(dpt_learned(d, 1), 0);
	r = req(XBR_OP_ADD, 0, 0, A);
	assert_int_equal(dpt_ctl(d, &r), -EEXIST);

	/* Learn B on port 0, then replace it by hand: the learned count drops. */
	len = frame_build(&fr, BC, B, 0);
	assert_int_equal(dpt_frame(d, pos_ifindex(0), &fr, len, &o), 0);
	assert_int_equal(dpt_learned(d, 0), 1);
	r = req(XBR_OP_REPLACE, 1, XBR_FDB_F_STICKY, B);
	assert_int_equal(dpt_ctl(d, &r), 0);
	dpt_mac_parse(B, mac);
	assert_int_equal(dpt_fdb_get(d, mac, &v), 0);
	assert_int_equal(v.ifindex, pos_ifindex(1));
	assert_int_equal(v.flags, ESK);
	assert_int_equal(dpt_learned(d, 0), 0);

	r = req(XBR_OP_DEL, -1, 0, C);
	assert_int_equal(dpt_ctl(d, &r), -ENOENT);
	r = req(XBR_OP_DEL, -1, 0, B);
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(r.count, 1);

	/* Fill the 4-entry table: A (static), C, D learned, E hand-added. */
	len = frame_build(&fr, BC, C, 0);
	assert_int_equal(dpt_frame(d, pos_ifindex(0), &fr, len, &o), 0);
	len = frame_build(&fr, BC, D, 0);
	assert_int_equal(dpt_frame(d, pos_ifindex(1), &fr, len, &o), 0);
	r = req(XBR_OP_ADD, 0, 0, "02:00:00:00:00:0e");
	assert_int_equal(dpt_ctl(d, &r), 0);
	r = req(XBR_OP_ADD, 0, 0, "02:00:00:00:00:0f");
	assert_int_equal(dpt_ctl(d, &r), -E2BIG);
	/* Replacing an existing entry of a full table works. */
	r = req(XBR_OP_REPLACE, 1, 0, "02:00:00:00:00:0e");
	assert_int_equal(dpt_ctl(d, &r), 0);

	/* Flush: by port and kind. */
	r = req(XBR_OP_FLUSH, 0, XBR_FLUSH_DYNAMIC, NULL);
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(r.count, 1); /* C */
	assert_int_equal(dpt_learned(d, 0), 0);
	r = req(XBR_OP_FLUSH, -1, XBR_FLUSH_STATIC, NULL);
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(r.count, 1); /* A */
	r = req(XBR_OP_FLUSH, -1, XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC, NULL);
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(r.count, 2); /* D, E */
	assert_int_equal(dpt_learned(d, 1), 0);

	r = req(99, 0, 0, A);
	assert_int_equal(dpt_ctl(d, &r), -EINVAL);

	assert_int_equal(dpt_br_stats(d, &bs), 0);
	assert_int_equal(bs.learned, 3);
	assert_int_equal(bs.deleted, 5);
	dpt_close(d);
	free(d);
}

/*
 * Production clocks: the control program stamps hand-added entries with
 * bpf_ktime_get_ns(), the tc program compares against bpf_ktime_get_coarse_ns(),
 * which lags it by up to a jiffy. An entry added by hand and used by a frame
 * within that jiffy must not be taken as expired (now - updated_ns wraps).
 */
static void test_real_clock_fresh_entry(void **state)
{
	struct dpt *d = calloc(1, sizeof(*d));
	int hook = (int)(long)*state;
	struct xbr_ctl_req r;
	struct xbr_fdb_val v;
	struct test_frame fr;
	struct dpt_obs o;
	uint8_t a[6], b[6];
	uint32_t len;
	int i, n = 20, src_bad = 0, dst_bad = 0;

	assert_non_null(d);
	need_hook(hook);
	assert_int_equal(dpt_open_hook(d, hook, 0, true), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(dpt_port_add(d, i, PD, 0), 0);
	dpt_mac_parse(A, a);
	dpt_mac_parse(B, b);
	for (i = 0; i < n; i++) {
		/* A: sticky on port 1, then seen on port 0 - must stay. */
		r = req(XBR_OP_REPLACE, 1, XBR_FDB_F_STICKY, A);
		assert_int_equal(dpt_ctl(d, &r), 0);
		len = frame_build(&fr, BC, A, 0);
		assert_int_equal(dpt_frame(d, pos_ifindex(0), &fr, len, &o), 0);
		assert_int_equal(dpt_fdb_get(d, a, &v), 0);
		if (v.ifindex != pos_ifindex(1) || v.flags != ESK)
			src_bad++;
		/* B: hand-added on port 2, then a frame to it - unicast. */
		r = req(XBR_OP_REPLACE, 2, XBR_FDB_F_STICKY, B);
		assert_int_equal(dpt_ctl(d, &r), 0);
		len = frame_build(&fr, B, C, 0);
		assert_int_equal(dpt_frame(d, pos_ifindex(0), &fr, len, &o), 0);
		if (o.kind != DPT_UNICAST)
			dst_bad++;
	}
	dpt_close(d);
	free(d);
	if (src_bad || dst_bad)
		fail_msg("entries added through xbr_ctl were taken as expired by the %s program "
			 "right after: sticky source aged and relearned %d/%d times, destination "
			 "flooded %d/%d times (updated_ns from bpf_ktime_get_ns is ahead of "
			 "bpf_ktime_get_coarse_ns; xbr_fdb_expired() computes now - updated_ns "
			 "unsigned)",
			 dpt_hook_name(hook), src_bad, n, dst_bad, n);
}

int run_fixture_tests(void)
{
	static struct fx_run runs[2 * NFIX];
	static char names[2 * NFIX][288];
	struct CMUnitTest *t = calloc(2 * NFIX + 8, sizeof(*t));
	size_t i, n = 0;
	int hook, failed;

	if (!t)
		return 1;
	for (hook = DPT_TC; hook <= DPT_XDP; hook++) {
		for (i = 0; i < NFIX; i++) {
			if (fixtures[i].hooks && !(fixtures[i].hooks & (1u << hook)))
				continue;
			runs[n].f = &fixtures[i];
			runs[n].hook = hook;
			snprintf(names[n], sizeof(names[n]), "%s %02zu %s", dpt_hook_name(hook), i + 1,
				 fixtures[i].desc);
			t[n].name = names[n];
			t[n].test_func = run_fixture;
			t[n].initial_state = &runs[n];
			n++;
		}
	}
	t[n++] = (struct CMUnitTest){ "tc runt frames", test_runt_limit, NULL, NULL,
				      (void *)(long)DPT_TC };
	t[n++] = (struct CMUnitTest){ "xdp runt frames", test_runt_limit, NULL, NULL,
				      (void *)(long)DPT_XDP };
	t[n++] = (struct CMUnitTest){ "tc flood copies reach the veth peers", test_delivery, NULL,
				      NULL, (void *)(long)DPT_TC };
	t[n++] = (struct CMUnitTest){ "xdp flood copies and unicast reach the veth peers",
				      test_delivery, NULL, NULL, (void *)(long)DPT_XDP };
	t[n++] = (struct CMUnitTest){ "control requests", test_ctl_ops, NULL, NULL, NULL };
	t[n++] = (struct CMUnitTest){ "tc fresh hand-added entries with the kernel clocks",
				      test_real_clock_fresh_entry, NULL, NULL, (void *)(long)DPT_TC };
	t[n++] = (struct CMUnitTest){ "xdp fresh hand-added entries with the kernel clocks",
				      test_real_clock_fresh_entry, NULL, NULL, (void *)(long)DPT_XDP };
	failed = dpt_run_group("datapath_fixtures", t, n, NULL, NULL);
	free(t);
	return failed;
}
