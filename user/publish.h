/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Published ports: a host port (or range) translated to a station's port (or
 * range) by one DNAT rule per address family in the bridge's nf_tables table
 * (nat.h), no proxy process. Each rule carries the publication in its
 * comment, so the ruleset itself is the record: `publish show` reads it back,
 * `publish del` finds the rules by it, and a killed command leaves the whole
 * batch or nothing.
 */
#ifndef XBR_PUBLISH_H
#define XBR_PUBLISH_H

#include <stddef.h>
#include <stdint.h>
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
/* True when @p is on every address (of both families, or of its own). */
int pub_addr_any(const struct xbr_pub *p);
/* True when @p is on a loopback address (IPv4 127/8). */
int pub_is_loopback(const struct xbr_pub *p);

/* The bridge's publications, sorted; caller frees *out. */
int pub_list(struct xbr_bridge *br, struct xbr_pub **out, size_t *n);
/* The number of rules added, or a negative errno after one line. */
int pub_add(struct xbr_bridge *br, const struct xbr_pub *p);
/* @p->station "" matches any station. The number of rules removed, or a
 * negative errno after one line. */
int pub_del(struct xbr_bridge *br, const struct xbr_pub *p);
/* Delete every publication of @station (it leaves the bridge). */
int pub_del_station(struct xbr_bridge *br, const char *station);

#endif
