// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The pure half of xbr-docker: Docker's requests (libnetwork's remote driver
 * API, docs/docker.md) decoded strictly into structs, and the answers. A
 * request Docker could not have sent (bad JSON, a field of the wrong type)
 * gets 400; one xbr understood but cannot honour (an unknown option, a pool
 * it cannot bridge) gets 200 with {"Err": "..."}, which Docker shows as it
 * is. No I/O here.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "docker.h"
#include "parse.h"

struct dk_reply dk_err(unsigned int status, const char *fmt, ...)
{
	char msg[DK_ERRLEN];
	va_list ap;
	size_t i, k;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One line: what Docker prints after "remote: ". */
	for (i = 0, k = 0; msg[i]; i++)
		if (!iscntrl((unsigned char)msg[i]))
			msg[k++] = msg[i];
	msg[k] = '\0';
	return (struct dk_reply){ status, json_pack("{s:s}", "Err", msg) };
}

struct dk_reply dk_ok(json_t *body)
{
	return (struct dk_reply){ 200, body ? body : json_object() };
}

json_t *dk_parse(const char *buf, size_t len, struct dk_reply *bad)
{
	json_error_t e;
	json_t *j;

	if (!len)
		return json_object();
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
	if (!j) {
		*bad = dk_err(400, "malformed JSON at line %d column %d: %s", e.line, e.column,
			      e.text);
		return NULL;
	}
	if (json_is_null(j)) {
		json_decref(j);
		return json_object();
	}
	if (!json_is_object(j)) {
		json_decref(j);
		*bad = dk_err(400, "the request is not a JSON object");
		return NULL;
	}
	return j;
}

static int is_hex_id(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return i > 0 && i <= 64;
}

int dk_id(json_t *req, const char *field, char out[65], struct dk_reply *bad)
{
	json_t *v = json_object_get(req, field);

	if (!v) {
		*bad = dk_err(400, "%s is missing", field);
		return -1;
	}
	if (!json_is_string(v) || !is_hex_id(json_string_value(v))) {
		*bad = dk_err(400, "%s is not an ID (1 to 64 lower-case hex digits)", field);
		return -1;
	}
	snprintf(out, 65, "%s", json_string_value(v));
	return 0;
}

void dk_port_name(const char *ep_id, char out[XBR_NSNAMSIZ])
{
	snprintf(out, XBR_NSNAMSIZ, "d%.14s", ep_id);
}

void dk_peer_name(const char *ep_id, char out[XBR_IFNAMSIZ])
{
	snprintf(out, XBR_IFNAMSIZ, "x%.14s", ep_id);
}

void dk_bridge_name(const char *net_id, char out[XBR_IFNAMSIZ])
{
	snprintf(out, XBR_IFNAMSIZ, "xd-%.9s", net_id);
}

/* Go's strconv.ParseBool, which Docker's bridge driver uses: 1/0, -1 bad. */
static int go_bool(const char *s)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const f[] = { "0", "f", "F", "FALSE", "false", "False" };
	size_t i;

	for (i = 0; i < 6; i++) {
		if (!strcmp(s, t[i]))
			return 1;
		if (!strcmp(s, f[i]))
			return 0;
	}
	return -1;
}

#define OPT_NAME "com.docker.network.bridge.name"
#define OPT_MTU "com.docker.network.driver.mtu"
#define OPT_ICC "com.docker.network.bridge.enable_icc"
#define OPT_MASQ "com.docker.network.bridge.enable_ip_masquerade"
#define OPT_HOSTIP "com.docker.network.bridge.host_binding_ipv4"
#define OPT_PREFIX "com.docker.network.container_iface_prefix"
#define OPT_MODE "xbr.mode"
#define OPT_NEIGH "xbr.neigh-suppress"
#define OPT_KNOWN                                                                                  \
	OPT_NAME ", " OPT_MTU ", " OPT_ICC ", " OPT_MASQ ", " OPT_HOSTIP ", " OPT_PREFIX            \
		", " OPT_MODE ", " OPT_NEIGH

/* One -o KEY=VALUE of `docker network create`: 0, or -1 with *bad. */
static int net_option(struct dk_net *n, const char *k, const char *v, struct dk_reply *bad)
{
	uint32_t u;
	int b;

	if (!strcmp(k, OPT_NAME)) {
		const char *why = xbr_bridge_name_problem(v);

		if (why) {
			*bad = dk_err(200, "xbr: option %s: bridge name \"%s\": %s", k, v, why);
			return -1;
		}
		snprintf(n->bridge, sizeof(n->bridge), "%s", v);
		return 0;
	}
	if (!strcmp(k, OPT_MTU)) {
		if (xbr_parse_u32(v, 68, 65535, &u))
			goto bad_value;
		n->mtu = u;
		return 0;
	}
	if (!strcmp(k, OPT_ICC) || !strcmp(k, OPT_MASQ)) {
		b = go_bool(v);
		if (b < 0)
			goto bad_value;
		*(!strcmp(k, OPT_ICC) ? &n->no_icc : &n->no_masq) = !b;
		return 0;
	}
	if (!strcmp(k, OPT_HOSTIP)) {
		/* The bridge's publish-address: bindings without a host address
		 * go on it (0.0.0.0: every address, xbr's default). */
		struct in_addr a;

		if (inet_pton(AF_INET, v, &a) != 1)
			goto bad_value;
		n->pub_addr = a.s_addr;
		return 0;
	}
	if (!strcmp(k, OPT_PREFIX)) {
		if (v[0] && strcmp(v, "eth")) {
			*bad = dk_err(200, "xbr: option %s=%s is not supported (only eth)", k, v);
			return -1;
		}
		return 0;
	}
	if (!strcmp(k, OPT_MODE)) {
		if (!strcmp(v, "tc"))
			n->mode = XBR_MODE_TC;
		else if (!strcmp(v, "xdp"))
			n->mode = XBR_MODE_XDP;
		else if (!strcmp(v, "auto"))
			n->mode = -1;
		else
			goto bad_value;
		return 0;
	}
	if (!strcmp(k, OPT_NEIGH)) {
		b = !strcmp(v, "on") ? 1 : !strcmp(v, "off") ? 0 : go_bool(v);
		if (b < 0)
			goto bad_value;
		n->no_neigh_suppress = !b;
		return 0;
	}
	*bad = dk_err(200, "xbr: unknown option \"%s\" (known: %s)", k, OPT_KNOWN);
	return -1;
bad_value:
	*bad = dk_err(200, "xbr: option %s: \"%s\" is not a valid value", k, v);
	return -1;
}

/* A boolean of Options (absent: 0): 0/1, or -1 with a 400. */
static int opt_bool(json_t *opts, const char *k, int *out, struct dk_reply *bad)
{
	json_t *v = json_object_get(opts, k);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		*bad = dk_err(400, "Options.%s is not a boolean", k);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

/* "A.B.C.D/N" of an IPAMData field: 0, 1 when absent, -1 with a 400. */
static int ipam_cidr(json_t *d, const char *k, uint32_t *addr, uint8_t *plen,
		     struct dk_reply *bad)
{
	json_t *v = json_object_get(d, k);

	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 1;
	if (!json_is_string(v) || xbr_parse_cidr(json_string_value(v), addr, plen)) {
		*bad = dk_err(400, "IPv4Data.%s is not an IPv4 prefix A.B.C.D/N", k);
		return -1;
	}
	return 0;
}

/* IPv6Data[0]: its Pool (/64 to /96: the first 64 bits are the prefix, the
 * rest of an address fits the port record) and Gateway. */
static int ipam6_decode(json_t *d, struct dk_net *n, struct dk_reply *bad)
{
	char a[INET6_ADDRSTRLEN];
	json_t *v;
	uint8_t plen;

	if (!json_is_object(d)) {
		*bad = dk_err(400, "IPv6Data[0] is not an object");
		return -1;
	}
	v = json_object_get(d, "Pool");
	if (!json_is_string(v) || xbr_parse_cidr6(json_string_value(v), n->subnet6, &n->plen6)) {
		*bad = dk_err(400, "IPv6Data[0].Pool is not an IPv6 prefix X:Y::/N");
		return -1;
	}
	if (n->plen6 < 64 || n->plen6 > 96) {
		inet_ntop(AF_INET6, n->subnet6, a, sizeof(a));
		*bad = dk_err(200, "xbr: IPv6 subnet %s/%u: the prefix must be /64 to /96", a,
			      n->plen6);
		return -1;
	}
	v = json_object_get(d, "Gateway");
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 0; /* none: xbr's (the prefix + the IPv4 gateway) */
	if (!json_is_string(v) || xbr_parse_cidr6(json_string_value(v), n->gw6, &plen)) {
		*bad = dk_err(400, "IPv6Data[0].Gateway is not an IPv6 address X:Y::Z/N");
		return -1;
	}
	if (!xbr_in6_prefix(n->gw6, n->subnet6, n->plen6)) {
		inet_ntop(AF_INET6, n->gw6, a, sizeof(a));
		*bad = dk_err(200, "xbr: IPv6 gateway %s is outside the subnet", a);
		return -1;
	}
	n->has_gw6 = 1;
	return 0;
}

int dk_net_decode(json_t *req, struct dk_net *n, struct dk_reply *bad)
{
	json_t *opts, *gen, *v4, *v6, *d, *val;
	char a[INET_ADDRSTRLEN];
	const char *k;
	uint32_t gw;
	uint8_t gplen;
	int v6on, rc;

	memset(n, 0, sizeof(*n));
	n->mode = -1;
	n->no_neigh_suppress = -1;
	if (dk_id(req, "NetworkID", n->id, bad))
		return -1;
	dk_bridge_name(n->id, n->bridge);
	opts = json_object_get(req, "Options");
	if (opts && !json_is_null(opts) && !json_is_object(opts)) {
		*bad = dk_err(400, "Options is not an object");
		return -1;
	}
	if (opt_bool(opts, "com.docker.network.enable_ipv6", &v6on, bad) ||
	    opt_bool(opts, "com.docker.network.internal", &n->internal, bad))
		return -1;
	gen = json_object_get(opts, "com.docker.network.generic");
	if (gen && !json_is_null(gen) && !json_is_object(gen)) {
		*bad = dk_err(400, "Options.com.docker.network.generic is not an object");
		return -1;
	}
	json_object_foreach(gen, k, val) {
		if (!json_is_string(val)) {
			*bad = dk_err(400, "option %s is not a string", k);
			return -1;
		}
		if (net_option(n, k, json_string_value(val), bad))
			return -1;
	}
	v6 = json_object_get(req, "IPv6Data");
	if (v6 && !json_is_null(v6) && !json_is_array(v6)) {
		*bad = dk_err(400, "IPv6Data is not an array");
		return -1;
	}
	if (json_array_size(v6) > 1) {
		*bad = dk_err(200, "xbr: a network takes at most one IPv6 subnet (got %zu)",
			      json_array_size(v6));
		return -1;
	}
	if (json_array_size(v6) == 1 && ipam6_decode(json_array_get(v6, 0), n, bad))
		return -1;
	if (v6on && !n->plen6) {
		*bad = dk_err(200, "xbr: --ipv6 without an IPv6 subnet (give one with --subnet)");
		return -1;
	}
	v4 = json_object_get(req, "IPv4Data");
	if (!json_is_array(v4) || json_array_size(v4) != 1) {
		*bad = dk_err(json_is_array(v4) ? 200 : 400,
			      "xbr: a network takes exactly one IPv4 subnet (got %zu)",
			      json_is_array(v4) ? json_array_size(v4) : (size_t)0);
		return -1;
	}
	d = json_array_get(v4, 0);
	if (!json_is_object(d)) {
		*bad = dk_err(400, "IPv4Data[0] is not an object");
		return -1;
	}
	rc = ipam_cidr(d, "Pool", &n->subnet, &n->plen, bad);
	if (rc) {
		if (rc > 0)
			*bad = dk_err(400, "IPv4Data[0].Pool is missing");
		return -1;
	}
	if (n->plen < 8 || n->plen > 30) {
		inet_ntop(AF_INET, &n->subnet, a, sizeof(a));
		*bad = dk_err(200, "xbr: subnet %s/%u: the prefix must be /8 to /30", a, n->plen);
		return -1;
	}
	n->subnet &= xbr_plen_mask(n->plen);
	rc = ipam_cidr(d, "Gateway", &gw, &gplen, bad);
	if (rc < 0)
		return -1;
	/* None given: the first address, as Docker's own IPAM picks it. */
	n->gateway = rc ? htonl(ntohl(n->subnet) + 1) : gw;
	if (!xbr_in_subnet(n->gateway, n->subnet, n->plen)) {
		inet_ntop(AF_INET, &n->gateway, a, sizeof(a));
		*bad = dk_err(200, "xbr: gateway %s is outside the subnet", a);
		return -1;
	}
	return 0;
}

int dk_ep_decode(json_t *req, struct dk_ep *e, struct dk_reply *bad)
{
	json_t *ifc, *opts, *v, *val;
	const char *k;

	memset(e, 0, sizeof(*e));
	if (dk_id(req, "NetworkID", e->net, bad) || dk_id(req, "EndpointID", e->id, bad))
		return -1;
	ifc = json_object_get(req, "Interface");
	if (!json_is_object(ifc)) {
		*bad = dk_err(400, "Interface is not an object");
		return -1;
	}
	v = json_object_get(ifc, "Address");
	if (!json_is_string(v) || !*json_string_value(v)) {
		*bad = dk_err(200, "xbr: endpoint %.12s has no IPv4 address (xbr networks need Docker's IPAM)",
			      e->id);
		return -1;
	}
	if (xbr_parse_cidr(json_string_value(v), &e->addr, &e->plen)) {
		*bad = dk_err(400, "Interface.Address is not A.B.C.D/N");
		return -1;
	}
	v = json_object_get(ifc, "AddressIPv6");
	if (v && !json_is_null(v) && (!json_is_string(v) || *json_string_value(v))) {
		uint8_t plen6;

		if (!json_is_string(v) || xbr_parse_cidr6(json_string_value(v), e->addr6, &plen6)) {
			*bad = dk_err(400, "Interface.AddressIPv6 is not X:Y::Z/N");
			return -1;
		}
		e->has_addr6 = 1;
	}
	v = json_object_get(ifc, "MacAddress");
	if (v && !json_is_null(v) && (!json_is_string(v) ||
				       (*json_string_value(v) &&
					xbr_parse_mac(json_string_value(v), e->mac)))) {
		*bad = dk_err(400, "Interface.MacAddress is not a MAC address");
		return -1;
	}
	e->has_mac = json_is_string(v) && *json_string_value(v);
	opts = json_object_get(req, "Options");
	if (opts && !json_is_null(opts) && !json_is_object(opts)) {
		*bad = dk_err(400, "Options is not an object");
		return -1;
	}
	json_object_foreach(opts, k, val) {
		(void)val;
		if (strncmp(k, "com.docker.", 11)) { /* Docker's own: ports, DNS, MAC */
			*bad = dk_err(200, "xbr: unknown endpoint option \"%s\"", k);
			return -1;
		}
	}
	return 0;
}

/* An integer field of a PortBinding in [lo, hi]: 0, or -1 with a 400. */
static int bind_int(json_t *b, size_t i, const char *k, long lo, long hi, long *out,
		    struct dk_reply *bad)
{
	json_t *v = json_object_get(b, k);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		*bad = dk_err(400, "portmap[%zu].%s is not an integer in %ld..%ld", i, k, lo, hi);
		return -1;
	}
	*out = (long)json_integer_value(v);
	return 0;
}

static int bind_decode(json_t *j, size_t i, struct dk_bind *b, struct dk_reply *bad)
{
	long proto, port, host, host_end;
	json_t *ip;
	const char *s;

	memset(b, 0, sizeof(*b));
	if (!json_is_object(j)) {
		*bad = dk_err(400, "portmap[%zu] is not an object", i);
		return -1;
	}
	if (bind_int(j, i, "Proto", 0, 255, &proto, bad) ||
	    bind_int(j, i, "Port", 0, 65535, &port, bad) ||
	    bind_int(j, i, "HostPort", 0, 65535, &host, bad) ||
	    bind_int(j, i, "HostPortEnd", 0, 65535, &host_end, bad))
		return -1;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
		*bad = dk_err(200, "xbr: port %ld: protocol %ld cannot be published (tcp and udp only)",
			      port, proto);
		return -1;
	}
	if (!port) {
		*bad = dk_err(400, "portmap[%zu].Port is missing", i);
		return -1;
	}
	if (host_end && host_end < host) {
		*bad = dk_err(200, "xbr: host ports %ld-%ld: the range ends before it starts", host,
			      host_end);
		return -1;
	}
	b->proto = (uint8_t)proto;
	b->port = (uint16_t)port;
	b->host = (uint16_t)host;
	b->host_end = (uint16_t)(host_end ? host_end : host);
	ip = json_object_get(j, "HostIP");
	if (ip && !json_is_null(ip) && !json_is_string(ip)) {
		*bad = dk_err(400, "portmap[%zu].HostIP is not a string", i);
		return -1;
	}
	s = ip && json_is_string(ip) ? json_string_value(ip) : "";
	if (!*s) {
		b->family = AF_UNSPEC;
	} else if (inet_pton(AF_INET, s, b->addr) == 1) {
		b->family = AF_INET;
	} else if (inet_pton(AF_INET6, s, b->addr) == 1) {
		b->family = AF_INET6;
	} else {
		*bad = dk_err(400, "portmap[%zu].HostIP \"%s\" is not an address", i, s);
		return -1;
	}
	return 0;
}

int dk_binds_decode(json_t *req, struct dk_bind **out, size_t *n, struct dk_reply *bad)
{
	json_t *opts = json_object_get(req, "Options"), *pm;
	size_t i;

	*out = NULL;
	*n = 0;
	if (opts && !json_is_null(opts) && !json_is_object(opts)) {
		*bad = dk_err(400, "Options is not an object");
		return -1;
	}
	pm = json_object_get(opts, "com.docker.network.portmap");
	if (!pm || json_is_null(pm))
		return 0;
	if (!json_is_array(pm)) {
		*bad = dk_err(400, "Options.com.docker.network.portmap is not an array");
		return -1;
	}
	if (!json_array_size(pm))
		return 0;
	*out = calloc(json_array_size(pm), sizeof(**out));
	if (!*out) {
		*bad = dk_err(500, "out of memory");
		return -1;
	}
	for (i = 0; i < json_array_size(pm); i++) {
		if (bind_decode(json_array_get(pm, i), i, &(*out)[i], bad)) {
			free(*out);
			*out = NULL;
			return -1;
		}
	}
	*n = json_array_size(pm);
	return 0;
}
