// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fixtures: locked, isolated and flood-off ports, max-learned, a full table,
 * and devices that are not (or no longer) ports.
 * See fixtures.h for the shorthands, test_fixtures.c for how a fixture runs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

#include "dpt.h"
#include "fixtures.h"

const struct fixture fx_ports[] = {
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
};

const size_t fx_ports_n = sizeof(fx_ports) / sizeof(fx_ports[0]);
