/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Published ports: a host port (or range) translated to a station's port (or
 * range) by one DNAT rule per address family in the bridge's nf_tables table
 * (nat.h), no proxy process. What the user published is recorded in the
 * bridge's pinned map xbr_pubs (struct xbr_pub_rec), not only in the
 * ruleset: `publish show` reads the record, and the table is rebuilt from it
 * by its owner (nat.c: `xbr restore`, nat_sync()) after anyone flushed the
 * ruleset; this file never calls it. Each rule
 * still carries its publication in its comment, so that a rule can be told
 * from the record (and a bridge of layout 2, whose ruleset was the only
 * record, is migrated from its rules).
 */
#ifndef XBR_PUBLISH_H
#define XBR_PUBLISH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "xbr.h"

struct xbr_bridge;

/* Chains of the bridge's table that hold the publications. */
#define XBR_PUB_CHAIN "pub" /* entered for the host's addresses (prerouting, output) */
#define XBR_PUB_LO_CHAIN "pub_lo" /* loopback addresses: entered from output only */
/* Every publication rule's comment starts with this. */
#define XBR_PUB_TAG "xbr-pub"

struct xbr_pub {
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t family; /* AF_UNSPEC: every host address of both families; AF_INET(6) */
	uint8_t addr[16]; /* host address (IPv4 in the first 4 bytes); 0: every one */
	uint16_t port, port_end; /* host ports */
	char station[XBR_NSNAMSIZ];
	uint16_t sport, sport_end; /* station ports */
	unsigned int rules; /* pub_list: how many rules of the ruleset carry it */
};

/*
 * Parse `[HOSTADDR:]PORT[-PORT] [STATION[:PORT[-PORT]]] [tcp|udp]` from
 * @argc/@argv (the words after add/del). HOSTADDR is IPv4 or [IPv6];
 * station ports default to the host ports. @need_station: add (1) or del (0,
 * then STATION may be absent). 0, or -EINVAL with a one-line reason in @err.
 */
int pub_parse(int argc, char **argv, int need_station, struct xbr_pub *p, char *err,
	      size_t errlen);
/* "tcp *:8080 -> ns1:80" style parts: host side ("*:8080", "127.0.0.1:80-90",
 * "[::]:80"), station side ("ns1:80"). */
void pub_format_host(const struct xbr_pub *p, char *buf, size_t len);
void pub_format_station(const struct xbr_pub *p, char *buf, size_t len);
const char *pub_proto_name(const struct xbr_pub *p);
/* The rule comment that records @p, and back. */
void pub_comment(const struct xbr_pub *p, char *buf, size_t len);
int pub_from_comment(const char *s, struct xbr_pub *p);
/* True when the two publications would both claim some packet. */
int pub_overlap(const struct xbr_pub *a, const struct xbr_pub *b);
/* A publication without a host address (AF_UNSPEC) on the bridge's
 * publish-address, when it has one (`up --publish-address`). */
void pub_default_addr(const struct xbr_config *cfg, struct xbr_pub *p);
/* True when @p is on every address (of both families, or of its own). */
int pub_addr_any(const struct xbr_pub *p);
/* True when @p is on a loopback address (IPv4 127/8). */
int pub_is_loopback(const struct xbr_pub *p);

/* The record's form of a publication, and back (-EINVAL: not a valid record). */
void pub_to_rec(const struct xbr_pub *p, struct xbr_pub_rec *r);
int pub_from_rec(const struct xbr_pub_rec *r, struct xbr_pub *p);

/*
 * The bridge's publications as recorded, sorted; caller frees *out. Each
 * one's `rules` is how many rules of the ruleset carry it now (fewer than
 * pub_rules_expected(): a rule is missing, `xbr restore` puts it back).
 */
int pub_list(struct xbr_bridge *br, struct xbr_pub **out, size_t *n);
/* How many rules @p takes on @br (one per address family). */
unsigned int pub_rules_expected(const struct xbr_bridge *br, const struct xbr_pub *p);
/*
 * Write the rules of every recorded publication of @br into @f (nft script
 * for table @t). @prune: remove from the record the publications whose
 * station is no longer a port (else they are skipped). The number of
 * publications written, or a negative errno.
 */
int pub_emit_all(FILE *f, struct xbr_bridge *br, const char *t, int prune);
/*
 * Migration from layout 2 (the ruleset was the record): write the
 * publications found in the rules of @br's table into the record map @fd.
 * Their number, or a negative errno.
 */
int pub_record_from_rules(struct xbr_bridge *br, int fd);
/* An entry of the record: its slot and the publication. */
struct pub_rec_ent {
	__u32 id;
	struct xbr_pub p;
};
/* Publications taken out of the record (pub_record_take), to put back. */
struct pub_taken {
	struct pub_rec_ent *e;
	size_t n;
};
/*
 * Record @p in the bridge's record after every check (the bridge takes
 * publications, the station is a port, no overlap with a publication of
 * this bridge or another, no program of the host on the port): 0 with its
 * slot in *id; 1 if the same publication is recorded already (nothing
 * written); a negative errno after one line (nothing written). The rules
 * are the table owner's (nat_pub_add()).
 */
int pub_record_add(struct xbr_bridge *br, const struct xbr_pub *p, __u32 *id);
/* Take the record of slot @id back out (a failed add). */
void pub_record_drop(struct xbr_bridge *br, __u32 id);
/*
 * Take out of the record the publications matching @match (its station ""
 * matches any) or, with @match NULL, every one of @station; *t gets them
 * (t->n of them; free(t->e)). The number of rules they took, or a negative
 * errno after one line.
 */
int pub_record_take(struct xbr_bridge *br, const struct xbr_pub *match, const char *station,
		    struct pub_taken *t);
/* Put what pub_record_take() took back in its slots. */
void pub_record_put_back(struct xbr_bridge *br, const struct pub_taken *t);

#endif
