/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * xbr-docker: Docker's remote network driver API (docs/docker.md) over the
 * xbr library. api.c is the pure half (requests decoded into the structs
 * below, answers built; no I/O, unit tested), ops.c carries them out on
 * bridges, names.c asks dockerd for container names, main.c serves the
 * socket (libmicrohttpd).
 *
 * No state of its own: a Docker network is the bridge whose gateway port's
 * owner is "docker:<network ID>", an endpoint the port named "d" + the first
 * 14 hex digits of its ID, so a restarted plugin knows everything again
 * from the pinned bridges.
 */
#ifndef XBR_DOCKER_H
#define XBR_DOCKER_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "xbr.h"

#define DK_DRIVER "xbr"
#define DK_SOCKET "/run/docker/plugins/" DK_DRIVER ".sock"
#define DK_CONTENT_TYPE "application/vnd.docker.plugins.v1.2+json"
#define DK_OWNER_PREFIX "docker:"
#define DK_ERRLEN 512

/* The answer to one request: HTTP status and body (owned). */
struct dk_reply {
	unsigned int status;
	json_t *body;
};

/* A network as CreateNetwork asks for it. */
struct dk_net {
	char id[65];
	char bridge[XBR_IFNAMSIZ]; /* the bridge's name (given or derived) */
	uint32_t subnet, gateway; /* network order */
	uint8_t plen;
	uint32_t mtu; /* 0: the kernel's */
	int no_icc, no_masq, internal;
	int mode; /* -1: xbr's default */
	int no_neigh_suppress; /* -1: default */
	uint32_t pub_addr; /* host_binding_ipv4, network order (0: every address) */
	uint8_t subnet6[16], plen6; /* --ipv6: the IPv6 pool (plen6 0: none) */
	uint8_t gw6[16]; /* its gateway (Docker's IPAM gives one) */
	int has_gw6;
};

/* An endpoint as CreateEndpoint asks for it. */
struct dk_ep {
	char net[65], id[65];
	uint32_t addr; /* network order */
	uint8_t plen;
	uint8_t mac[6];
	int has_mac;
	uint8_t addr6[16]; /* AddressIPv6, when has_addr6 */
	int has_addr6;
};

/* A published port (a PortBinding of ProgramExternalConnectivity). */
struct dk_bind {
	uint8_t proto; /* IPPROTO_TCP, IPPROTO_UDP */
	uint8_t family; /* AF_UNSPEC (every address), AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint16_t port; /* the container's */
	uint16_t host, host_end; /* 0: any free port */
};

/* ---- api.c: the pure half ---- */

/* An error answer: @status with {"Err": "..."} (control characters dropped). */
struct dk_reply dk_err(unsigned int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* 200 with @body (NULL: {}). */
struct dk_reply dk_ok(json_t *body);

/* Parse a request body (empty: {}); NULL and a 400 answer in *bad. */
json_t *dk_parse(const char *buf, size_t len, struct dk_reply *bad);
/* A required ID field (hex, 1..64): 0, or -1 with a 400 in *bad. */
int dk_id(json_t *req, const char *field, char out[65], struct dk_reply *bad);

/* "d" + the first 14 hex digits of an endpoint ID: its port's name; "x" +
 * the same: the name of its container end while in the host. */
void dk_port_name(const char *ep_id, char out[XBR_NSNAMSIZ]);
void dk_peer_name(const char *ep_id, char out[XBR_IFNAMSIZ]);
/* "xd-" + the first 9 hex digits of a network ID. */
void dk_bridge_name(const char *net_id, char out[XBR_IFNAMSIZ]);

/* CreateNetwork into @n: 0, or -1 with the answer in *bad (400 for a
 * malformed request, 200 + Err for one xbr cannot honour). */
int dk_net_decode(json_t *req, struct dk_net *n, struct dk_reply *bad);
/* CreateEndpoint into @e: 0, or -1 with the answer in *bad. */
int dk_ep_decode(json_t *req, struct dk_ep *e, struct dk_reply *bad);
/* The PortBindings of ProgramExternalConnectivity's options: *out (free
 * it) and their number, or -1 with the answer in *bad. */
int dk_binds_decode(json_t *req, struct dk_bind **out, size_t *n, struct dk_reply *bad);

/* ---- ops.c: the methods on bridges ---- */

struct xbr_bridge;
/* True when @path is one of the driver's methods. */
int dk_known(const char *path);
/* Carry out method @path (e.g. "/NetworkDriver.Join") with request @req.
 * Call with the library lock held (main.c). */
struct dk_reply dk_call(const char *path, json_t *req);
/* The bridge of Docker network @id, opened: 0, or -ENOENT. */
int dk_net_open(const char *id, struct xbr_bridge **brp);
/* Remove, on every bridge of a Docker network, the ports whose container is
 * gone (their host veth end with it): at start and before each new endpoint.
 * Call with the library lock held. */
void dk_gc_all(void);

/* ---- names.c: container names for `xbr show` and `xbr fdb` ---- */

/* The library is one thread's at a time: every use holds this. */
void dk_lib_lock(void);
void dk_lib_unlock(void);
/* Ask dockerd (in the background) for the name of the container that
 * joined endpoint @ep of network @net, and record it as the port's owner. */
void dk_names_queue(const char *net, const char *ep);
/* Start the resolver thread; @docker_sock: dockerd's API socket. */
int dk_names_start(const char *docker_sock);
void dk_names_stop(void);

#endif
