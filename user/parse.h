/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Pure parsers and formatters for user input: names, MACs, IPv4 addresses
 * and prefixes, namespace specs. No I/O; each returns 0 or a negative errno.
 */
#ifndef XBR_PARSE_H
#define XBR_PARSE_H

#include <stdint.h>
#include <stddef.h>

#define XBR_MAC_STRLEN 18

/* "aa:bb:cc:dd:ee:ff" (case-insensitive) -> 6 bytes. -EINVAL if malformed. */
int xbr_parse_mac(const char *s, uint8_t mac[6]);
/* 6 bytes -> lower-case "aa:bb:cc:dd:ee:ff" in buf (>= XBR_MAC_STRLEN). */
void xbr_format_mac(const uint8_t mac[6], char *buf);

/* Dotted-quad IPv4 -> network byte order. -EINVAL if malformed. */
int xbr_parse_ipv4(const char *s, uint32_t *addr);
/* "A.B.C.D/N" -> address (network order) and prefix length 0..32. */
int xbr_parse_cidr(const char *s, uint32_t *addr, uint8_t *plen);
/* Netmask of a prefix length, network byte order. */
uint32_t xbr_plen_mask(uint8_t plen);
/* True when addr lies inside subnet/plen. */
int xbr_in_subnet(uint32_t addr, uint32_t subnet, uint8_t plen);

/*
 * A name usable both as a namespace name and inside an interface name:
 * 1..15 characters of [A-Za-z0-9_.-], not "." or "..", not starting with '-'.
 * Returns 0, -EINVAL (bad character, empty, dot names) or -ENAMETOOLONG.
 */
int xbr_check_name(const char *s);
/* What is wrong with @name as a bridge's name (it names a pin directory and
 * the gateway interface, and <name>-gw), or NULL when it is fine. */
const char *xbr_bridge_name_problem(const char *name);
/* Why @s is not a DNS label (1-63 of letters, digits and '-', not first or
 * last: a name the bridge answers for), or NULL when it is. */
const char *xbr_dns_label_problem(const char *s);

/*
 * A port to add: "NAME" or "NAME=A.B.C.D/N" for a station (has_addr is 0, and
 * addr/plen 0, when absent); the other fields for the other kinds.
 */
#define XBR_PORT_ALIASES 8 /* `port add ... name N`, at most this many */

struct xbr_ns_spec {
	char name[16];
	uint32_t addr;
	uint8_t plen;
	uint8_t has_addr;
	uint8_t kind; /* enum xbr_port_kind: XBR_KIND_STATION (0), _ATTACHED or _DOCKER */
	uint8_t no_config; /* attached: make and bridge the veth only; the caller sets
			    * the addresses and routes inside (the CNI plugin) */
	char nspath[224]; /* attached: the namespace (bind mount or /proc/PID/ns/net) */
	char ifname_in[16]; /* attached: interface name inside ("" = eth0);
			     * docker: the peer's name in the host (Docker's SrcName) */
	char owner[80]; /* attached, docker, gateway: who the port belongs to (a CNI
			 * container ID, a Docker container or network), shown */
	uint8_t mac[6]; /* docker: the peer's MAC when has_mac (else xbr's 0a:58:<IPv4>) */
	uint8_t has_mac;
	/* docker: the endpoint's IPv6 address (Docker's IPAM) when has_addr6:
	 * in the bridge's prefix, which is then /64 or longer */
	uint8_t has_addr6;
	uint8_t addr6[16];
	uint32_t mtu; /* not uplink: MTU of both veth ends (0: the kernel's 1500),
		       * set by the bridge when it has an uplink */
	/* uplink: the VXLAN tunnel (user/port_uplink.c) */
	uint32_t vni;
	uint16_t dstport; /* host order */
	uint8_t family; /* AF_INET or AF_INET6: of local */
	uint8_t local[16]; /* the local endpoint, IPv4 in the first 4 bytes */
	char dev[16]; /* the underlay device ("": any) */
	/* station, attached: names besides its own, for the bridge's DNS answers
	 * (user/names.c), each a DNS label */
	char alias[XBR_PORT_ALIASES][64]; /* a DNS label: at most 63 */
	uint8_t nalias;
};
int xbr_parse_ns_spec(const char *s, struct xbr_ns_spec *spec);

/*
 * Host-side port name for namespace @ns on bridge @br: "<br>-<ns>" when it
 * fits in 15 characters, else "<br prefix>-<8 hex digits of a hash>".
 * Deterministic; buf must hold 16 bytes.
 */
void xbr_port_ifname(const char *br, const char *ns, char *buf);

/* Unsigned decimal in [min, max] -> *out. -EINVAL / -ERANGE. */
int xbr_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* "on"/"off" -> 1/0, else -EINVAL. */
int xbr_parse_onoff(const char *s);

/* True when @arg is a non-empty prefix of @word (unambiguous-prefix matching). */
int xbr_matches(const char *arg, const char *word);

/* "X:Y::Z/N" -> 16 bytes and prefix length 0..128. */
int xbr_parse_cidr6(const char *s, uint8_t addr[16], uint8_t *plen);
/*
 * A station's IPv6 address: the bridge's IPv6 prefix (plen6 <= 96) with the
 * station's IPv4 address (network order) as the last 32 bits.
 */
void xbr_station_addr6(const uint8_t prefix[16], uint8_t plen6, uint32_t addr4, uint8_t out[16]);
/* Is @a in @prefix/@plen6? */
int xbr_in6_prefix(const uint8_t a[16], const uint8_t prefix[16], uint8_t plen6);
/* A port's IPv6 address: its own (XBR_PORT_F_ADDR6: the prefix's first 64
 * bits + iid6) or the prefix + its IPv4 address. Only with cfg->plen6. */
struct xbr_config;
struct xbr_port;
void xbr_port_addr6(const struct xbr_config *cfg, const struct xbr_port *p, uint8_t out[16]);
/* The gateway's: the prefix + gw_iid6 with XBR_CFG_F_GW6, else + its IPv4. */
void xbr_gateway_addr6(const struct xbr_config *cfg, uint8_t out[16]);

/*
 * Validate a station address against the bridge's subnet and gateway.
 * Returns 0 or one of the XBR_ADDR_* codes; xbr_addr_strerror() explains it.
 */
enum {
	XBR_ADDR_OK = 0,
	XBR_ADDR_OUTSIDE, /* not inside the bridge subnet */
	XBR_ADDR_GATEWAY, /* equal to the gateway address */
	XBR_ADDR_RESERVED, /* network or broadcast address of the subnet */
	XBR_ADDR_NO_GW, /* gateway not inside the address's own prefix */
};
int xbr_check_station_addr(uint32_t addr, uint8_t plen, uint32_t subnet, uint8_t splen,
			   uint32_t gw);
const char *xbr_addr_strerror(int code);

/*
 * The gateway of a subnet given without --gateway (network byte order):
 * address 254 of the subnet's second /24 when the subnet holds more than one
 * /24 (A.B.1.254 for A.B.0.0/16: the lab's 172.16.1.254), else the last
 * address before the broadcast address (A.B.C.254 for a /24). @plen 8..30.
 */
uint32_t xbr_default_gateway(uint32_t subnet, uint8_t plen);

/*
 * Next free station address: counting up from the first address of the
 * gateway's /24 (172.16.1.1 for gateway 172.16.1.254), wrapping inside the
 * subnet, skipping the network and broadcast addresses, the gateway and the
 * @nused addresses in @used. 0 and *out set, or -ENOSPC.
 */
int xbr_alloc_addr(uint32_t subnet, uint8_t plen, uint32_t gw, const uint32_t *used,
		   size_t nused, uint32_t *out);

#endif /* XBR_PARSE_H */
