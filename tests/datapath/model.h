/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reference model of xbr's forwarding rules in plain C: a forwarding table
 * (MAC -> port, flags, last update), ports with policy flags and max-learned
 * caps, a capacity, an ageing time, and the control operations. Written from
 * the rules as documented (include/xbr.h, the comments of bpf/lib/fdb.h and
 * bpf/xbr_ctl.bpf.c), not from the BPF code, so the two can be compared frame
 * by frame.
 *
 * Rules, in order, for a frame entering port P with source S, destination D:
 *  1. P is not a port: dropped, nothing counted or learned.
 *  1r. Shorter than an Ethernet header: drop RUNT (test_run never hands the
 *     programs one; the rule is here should a kernel ever do).
 *  1a. P spoof-checked: drop SPOOF unless S is P's station MAC and the frame is
 *     ARP (Ethernet/IPv4, sender MAC the station's, sender IP the station's or
 *     0.0.0.0), IPv4 (source the station's or 0.0.0.0) or IPv6 (source ::,
 *     fe80::EUI-64 of the station MAC, or the station's address: the bridge
 *     prefix with the station's IPv4 address as the last 32 bits, when the
 *     bridge has IPv6), each with the header complete up to the addresses.
 *     Any other EtherType (VLAN tags too) is dropped.
 *  2. S is a group address (I/G bit) or all-zero: drop BAD_SRC, nothing learned.
 *  3. P locked: drop LOCKED unless S has a STATIC entry on P; never learns.
 *     Otherwise, if P learns: learn S on P (below).
 *  4. D group: flood. D absent or expired: flood.
 *  5. D's entry on P and P not hairpin: drop SAME_PORT.
 *  6. D's entry on a port that has no record: flood.
 *  7. P and D's port both isolated: drop ISOLATED. Else unicast to D's port.
 *  Flood set: every port of the flood list but P, with FLOOD, not both isolated.
 * Learning S on P:
 *  - absent, or present but expired: an expired entry is removed first (counted
 *    aged); then inserted with flags 0 and time now, unless P has a cap and
 *    holds that many counted entries (refused_port) or the table is full
 *    (refused). Never evicts.
 *  - STATIC: untouched. On another port: moves to P (time now, flags kept)
 *    unless STICKY. On P: time rewritten only when at least 1 s old.
 * Expired: not STATIC and now - updated > ageing (an entry stamped later than
 * now is fresh: the control program's clock runs ahead of the datapath's
 * coarse one). Counted against a cap: every
 * entry without XBR_FDB_F_USER (hand-added ones carry it).
 * Entries (learned or added by hand) are local: no remote endpoint.
 * Events: every learn, move, ageing, addition and deletion emits one. The
 * event ring holds ev_room events when a step starts (the harness drains it
 * after each): the ones past that in a step are lost, and counted (ev_lost).
 */
#ifndef XBR_TEST_MODEL_H
#define XBR_TEST_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xbr.h"

#define MODEL_MAX_PORTS 32

struct m_port {
	uint32_t ifindex;
	uint32_t flags; /* XBR_PORT_F_* */
	uint32_t max_learned; /* 0: no cap */
	uint8_t mac[6]; /* the station's MAC and IPv4 address (network order) */
	uint32_t addr;
};

struct m_entry {
	uint8_t mac[6];
	uint32_t ifindex;
	uint32_t flags; /* XBR_FDB_F_* */
	uint64_t updated;
	uint32_t remote[4]; /* the remote endpoint: none (all zero) */
};

struct m_stats {
	uint64_t learned, moved, aged, refused, refused_port, deleted;
	uint64_t ev_lost; /* events past the ring's room in one step */
};

struct m_event {
	uint32_t type; /* enum xbr_event_type */
	uint8_t mac[6];
	uint32_t ifindex, old_ifindex, flags;
	uint64_t ts;
};

struct model {
	uint64_t ageing_ns;
	size_t cap;
	uint8_t prefix6[16]; /* the bridge's IPv6 prefix; plen6 0: none */
	uint8_t plen6;
	/* Port table, in flood-list order. */
	struct m_port port[MODEL_MAX_PORTS];
	int nport;
	struct m_entry *fdb;
	size_t n;
	struct m_stats st;
	/* Events of the current step (model_events_reset() clears), lost ones
	 * included: the first ev_room of them are published. The array grows. */
	struct m_event *ev;
	int nev, ev_cap;
	size_t ev_room; /* events the ring holds at the start of a step; 0: no limit */
	bool ev_nomem; /* the array could not grow: the comparison must fail */
};

struct m_decision {
	int kind; /* XBR_V_* */
	uint32_t reason; /* XBR_DROP_* for a drop */
	uint32_t out; /* ifindex for unicast */
	uint32_t flood[MODEL_MAX_PORTS]; /* ifindexes for a flood */
	int nflood;
};

int model_init(struct model *m, size_t cap, uint64_t ageing_ns);
void model_free(struct model *m);

/* Add or change a port (appended to the flood list when new); @mac/@addr:
 * its station. */
void model_port_set(struct model *m, uint32_t ifindex, uint32_t flags, uint32_t max_learned,
		    const uint8_t mac[6], uint32_t addr);
/* Remove a port and every table entry on it (counted deleted, at @now). */
void model_port_del(struct model *m, uint64_t now, uint32_t ifindex);
const struct m_port *model_port(const struct model *m, uint32_t ifindex);

/* A whole frame of @len bytes (fewer than 14: a runt) entering @in_ifindex. */
void model_frame(struct model *m, uint64_t now, uint32_t in_ifindex, const uint8_t *frame,
		 uint32_t len, struct m_decision *d);

/* Control request (op, ifindex, flags, mac) at @now: its result, 0 or -errno;
 * *count: entries affected. */
int model_ctl(struct model *m, uint64_t now, const struct xbr_ctl_req *req, uint32_t *count);

/* Entries on @ifindex that count against its cap. */
uint32_t model_learned(const struct model *m, uint32_t ifindex);
const struct m_entry *model_find(const struct model *m, const uint8_t mac[6]);
bool model_expired(const struct model *m, const struct m_entry *e, uint64_t now);
/* Sort the table by MAC (for comparisons). */
void model_sort(struct model *m);

void model_events_reset(struct model *m);

#endif
