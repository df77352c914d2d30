/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A small etcd v3 client over etcd's JSON gateway (etcd 3.4: /v3/kv/range,
 * /v3/kv/put, /v3/kv/deleterange, /v3/watch, /v3/lease/grant,
 * /v3/lease/keepalive), through libcurl, JSON through jansson. Keys and
 * values travel base64-encoded; 64-bit numbers as strings.
 *
 * Unary calls block for at most a second and a half per member and move on
 * to the next member when one does not answer. The watch is a streaming
 * POST driven by a curl multi handle the caller polls with the others.
 */
#ifndef XBR_AGENT_ETCD_H
#define XBR_AGENT_ETCD_H

#include <curl/curl.h>
#include <jansson.h>
#include "directory.h"

struct etcd {
	const struct xbr_directory *d;
	int cur; /* the member spoken to: index into d->eps */
	CURL *h; /* unary calls */
	CURLM *m; /* shared with the other directories' watches */
	CURL *w; /* the watch stream, NULL when none */
	char *wbuf; /* what the stream sent, not yet a whole message */
	size_t wlen, wcap;
	int wdone; /* the stream ended (error, member gone, cancel) */
	char err[CURL_ERROR_SIZE];
};

int etcd_init(struct etcd *e, const struct xbr_directory *d, CURLM *m);
void etcd_free(struct etcd *e);
const char *etcd_endpoint(const struct etcd *e);

/* POST @req (taken) to @path; *resp the answer. 0, -EIO (no member
 * answered), -EPROTO (an error answer, said at debug level). */
int etcd_call(struct etcd *e, const char *path, json_t *req, json_t **resp);
int etcd_put(struct etcd *e, const char *key, const char *val, long long lease);
int etcd_del(struct etcd *e, const char *key);
int etcd_grant(struct etcd *e, int ttl, long long *lease);
/* Keep @lease alive: 0 with *ttl its new TTL (0: the lease is gone). */
int etcd_keepalive(struct etcd *e, long long lease, int *ttl);
/* Every key under @prefix: *kvs (an array of kv objects) and *rev. */
int etcd_range(struct etcd *e, const char *prefix, json_t **kvs, long long *rev);

/* Watch @prefix from revision @from: etcd_watch_take() then hands over one
 * whole message at a time. */
int etcd_watch_start(struct etcd *e, const char *prefix, long long from);
void etcd_watch_stop(struct etcd *e);
/* The next whole message of the stream (NULL: none yet). */
json_t *etcd_watch_take(struct etcd *e);

/* base64 of the gateway: returns a malloc'd string / buffer (NUL-ended). */
char *b64_enc(const char *s, size_t n);
char *b64_dec(const char *s, size_t *n);
/* A 64-bit field, string or number; @def when absent. */
long long jint(const json_t *o, const char *k, long long def);

#endif
