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
 *  4n. A frame that would flood (4 or 6) and is an ARP request or IPv6
 *     neighbour solicitation for a station the bridge knows is answered:
 *     the reply written over it goes back out of P (model_neigh.c says which
 *     and what exactly). Counted arp_replied / nd_replied, tx on P.
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
 *  7d. A frame unicast by rule 7, or one that would flood (rule 4 or 6, not
 *     answered by rule 4n) to a unicast D (the gateway's MAC not, or no
 *     longer, in the table), that is a DNS query to the gateway's address
 *     (IPv4, or the bridge prefix + the gateway's IPv4 address) on UDP port
 *     53 is answered by the bridge itself when it is the bridge's to answer:
 *     the answer replaces the frame and goes back out of P (model_dns.c
 *     says which queries and the exact answer). Counted dns_answered /
 *     dns_nxdomain / dns_refused, tx on P (not rx_flood: nothing flooded).
 *     A query that is not the bridge's goes on as the unicast or flood it
 *     was, counted dns_forwarded.
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
	uint8_t iid6[8]; /* XBR_PORT_F_ADDR6: the low 64 bits of its own IPv6 address */
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
	uint64_t arp_replied, nd_replied; /* rule 4n */
	uint64_t dns_answered, dns_nxdomain, dns_refused, dns_forwarded; /* rule 7d */
};

/* The bridge's names as its maps hold them (xbr_names, xbr_rnames). */
#define M_DNS_MAX_NAMES 64

struct m_name {
	char label[64]; /* lower case, as the loader keys it */
	uint32_t ifindex;
	uint32_t addr; /* network order; 0: none */
	uint8_t addr6[16]; /* all zero: none */
};

struct m_rname {
	int family; /* 4 or 6 */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	char label[64]; /* the name it answers with (lower case) */
};

/* Rule 7d's configuration (xbr_config's fields and the two maps). */
struct m_dns {
	bool off; /* XBR_CFG_F_NO_DNS */
	uint32_t gateway, subnet; /* network order */
	uint8_t plen;
	char domain[16]; /* "" none */
	struct m_name name[M_DNS_MAX_NAMES];
	int nname;
	struct m_rname rname[M_DNS_MAX_NAMES];
	int nrname;
};

/* What rule 7d made of a frame (and which counter it moved). */
enum m_dns_res {
	M_DNS_NONE = 0, /* not a DNS query to the gateway */
	M_DNS_ANSWERED, /* answered NOERROR */
	M_DNS_NXDOMAIN,
	M_DNS_REFUSED,
	M_DNS_FORWARDED, /* a query to the gateway left to it */
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
	struct m_dns dns; /* rule 7d */
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
	uint32_t out; /* ifindex for unicast (and a reply: the ingress port) */
	/* A reply: written over the frame's first reply_len bytes (rule 4n),
	 * or with reply_whole the whole frame that leaves (a DNS answer). */
	uint8_t reply[512];
	uint32_t reply_len;
	bool reply_whole;
	int dns; /* enum m_dns_res */
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
/* Port @ifindex has XBR_PORT_F_ADDR6: the low 64 bits of its IPv6 address. */
void model_port_iid6(struct model *m, uint32_t ifindex, const uint8_t iid6[8]);
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

/* Rule 4n for a frame that floods from @in: true with d (kind, out, reply)
 * filled and the counter bumped when the bridge answers it. */
bool model_neigh(struct model *m, uint64_t now, const struct m_port *in, const uint8_t *f,
		 uint32_t len, struct m_decision *d);

/*
 * Rule 7d for a frame of @len bytes (model_dns.c): M_DNS_NONE when it is no
 * DNS query to the gateway, M_DNS_FORWARDED when it is one the bridge leaves
 * to the gateway, else the answer's rcode (M_DNS_ANSWERED, _NXDOMAIN,
 * _REFUSED) with the answer frame in @ans (*@alen bytes, at most 512).
 * Counts nothing. @m: the bridge's prefix6/plen6 and dns.
 */
int model_dns(const struct model *m, const uint8_t *f, uint32_t len, uint8_t *ans,
	      uint32_t *alen);
/* Names: add one (@label lower case; its addresses), and an address's name. */
int model_dns_name(struct model *m, const char *label, uint32_t ifindex, uint32_t addr,
		   const uint8_t addr6[16]);
/* The port an IPv6 address names through the maps (rname, then name). */
bool model_dns_port_of6(const struct model *m, const uint8_t a6[16], uint32_t *ifindex);
int model_dns_rname(struct model *m, int family, const void *addr, const char *label);

#endif
