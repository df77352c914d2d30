/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The xbr CNI plugin (build/xbr-cni, installed as <CNI dir>/xbr): what its
 * pieces share. conf.c and result.c are pure (JSON in, structs out and back,
 * no I/O) and unit-tested; ipam.c runs the IPAM plugin; attach.c does the
 * work on the bridge and inside the container's namespace; main.c reads the
 * CNI environment and stdin and prints the result or the error object.
 */
#ifndef XBR_CNI_H
#define XBR_CNI_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "parse.h"

/* Error codes of the CNI specification (1.0.0, 1.1.0 for 50/51). */
enum cni_code {
	CNI_ERR_VERSION = 1, /* incompatible CNI version */
	CNI_ERR_FIELD = 2, /* unsupported field in the network configuration */
	CNI_ERR_NO_CONTAINER = 3, /* container unknown or does not exist */
	CNI_ERR_ENV = 4, /* invalid necessary environment variables */
	CNI_ERR_IO = 5, /* I/O failure */
	CNI_ERR_DECODE = 6, /* failed to decode content */
	CNI_ERR_CONFIG = 7, /* invalid network config */
	CNI_ERR_TRY_AGAIN = 11, /* try again later */
	CNI_ERR_UNAVAILABLE = 50, /* STATUS: the plugin is not available */
	CNI_ERR_UNAVAILABLE_ADD = 51, /* STATUS: cannot create new attachments */
	CNI_ERR_INTERNAL = 999, /* anything else (as the reference plugins) */
};

/* The error to print (cni_fail() keeps the first: the cause, not its echoes). */
struct cni_error {
	int code; /* 0: none */
	char msg[512];
	char details[1024]; /* what the bridge code said (log sink), "; "-separated */
};
extern struct cni_error cni_err;

/* Record an error (unless one is recorded already); returns -1. */
int cni_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a line to cni_err.details. */
void cni_details_add(const char *s);
/* Forget the recorded error (tests). */
void cni_error_reset(void);

/* ---- versions ---- */

/* The versions this plugin accepts, NULL-terminated, oldest first. */
extern const char *const cni_versions[];
/* "X.Y.Z" -> X*10000 + Y*100 + Z; -1 when malformed. */
int cni_version_num(const char *s);
/* True when @s is one of cni_versions. */
int cni_version_ok(const char *s);

/* ---- network configuration ---- */

#define CNI_NAME_MAX 128

struct cni_conf {
	json_t *root; /* the whole configuration (owned) */
	char version[16]; /* cniVersion */
	int vnum; /* cni_version_num(version) */
	char name[CNI_NAME_MAX]; /* network name */
	char bridge[16]; /* "bridge", default xbr0 */
	char mode[8]; /* "tc", "xdp", "auto", or "" (xbr's default) */
	uint32_t mtu; /* 0: leave the kernel's */
	int is_default_gw; /* add a default route via the gateway */
	int icc; /* containers may talk to each other (default 1) */
	int spoofchk; /* "macspoofchk": drop frames not from the port's MAC/address */
	json_t *ipam; /* borrowed from root */
	char ipam_type[64];
	json_t *dns; /* "dns" (borrowed), NULL if absent or empty */
	json_t *prev; /* "prevResult" (borrowed), NULL if absent */
	json_t *valid; /* GC: "cni.dev/valid-attachments" (borrowed), NULL if absent */
	/* runtimeConfig.aliases (the "aliases" capability): this network's
	 * names for the container, DNS labels, answered by the bridge */
	const char *aliases[XBR_PORT_ALIASES];
	int naliases;
};

/*
 * Parse the configuration on stdin. 0, or -1 with cni_err set: 6 when it is
 * not JSON or a field has the wrong type, 1 for a cniVersion this plugin does
 * not accept, 2 for a field xbr cannot honour, 7 for an invalid value.
 * On error c->version is still set when cniVersion could be read.
 */
int cni_conf_parse(const char *buf, size_t len, struct cni_conf *c);
void cni_conf_free(struct cni_conf *c);

/*
 * A container ID as the specification allows it: non-empty, letters, digits,
 * '_', '-' and '.', here also at most 79 characters (it is recorded).
 */
int cni_check_container_id(const char *s);

/*
 * The port name of attachment (@cid, @ifname): "c" and 12 hex digits of a
 * hash of both, the same on every call (DEL and CHECK find it again).
 */
void cni_port_name(const char *cid, const char *ifname, char out[16]);

/* ---- results ---- */

#define CNI_MAX_IFACES 8
#define CNI_MAX_IPS 16
#define CNI_MAX_ROUTES 64

struct cni_iface {
	char name[16];
	char mac[18]; /* "" if unknown */
	char sandbox[256]; /* "" for host interfaces */
	uint32_t mtu; /* 0: not given */
};

struct cni_ip {
	int family; /* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint8_t plen;
	uint8_t has_gw;
	uint8_t gw[16];
	int iface; /* index into ifaces, -1 when not given */
};

struct cni_route {
	int family;
	uint8_t dst[16];
	uint8_t dst_len;
	uint8_t has_gw;
	uint8_t gw[16];
};

struct cni_result {
	struct cni_iface ifaces[CNI_MAX_IFACES];
	size_t nifaces;
	struct cni_ip ips[CNI_MAX_IPS];
	size_t nips;
	struct cni_route routes[CNI_MAX_ROUTES];
	size_t nroutes;
	json_t *dns; /* owned reference, NULL if none */
};

/*
 * A result as an IPAM plugin or a previous plugin wrote it (any accepted
 * version: "version" in ips is read but not needed). 0, or -1 with cni_err
 * set (code 6 for a malformed one; @what names it in the message).
 */
int cni_result_parse(const json_t *j, const char *what, struct cni_result *r);
void cni_result_free(struct cni_result *r);
/* The result shaped for @version (ips carry "version" before 1.0.0). */
json_t *cni_result_json(const struct cni_result *r, const char *version);

/* The error object for cni_err, in @version ("" -> the newest accepted). */
json_t *cni_error_json(const char *version);
/* The VERSION answer: cniVersion @version and the supported versions. */
json_t *cni_version_json(const char *version);

/* "A.B.C.D/N" or "X::Y/N" -> family, address, prefix length; -1 if malformed. */
int cni_parse_prefix(const char *s, int *family, uint8_t addr[16], uint8_t *plen);
/* An address of @family -> text in @buf (INET6_ADDRSTRLEN). */
const char *cni_fmt_addr(int family, const uint8_t *addr, char *buf);

#endif /* XBR_CNI_H */
