// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fixtures: learning and flooding, known unicast, the same port and hairpin,
 * bad sources, static and sticky entries, station moves and refresh, ageing.
 * See fixtures.h for the shorthands, test_fixtures.c for how a fixture runs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

#include "dpt.h"
#include "fixtures.h"

const struct fixture fx_fwd[] = {
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
};

const size_t fx_fwd_n = sizeof(fx_fwd) / sizeof(fx_fwd[0]);
