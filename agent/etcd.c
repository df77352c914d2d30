// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* etcd v3 through its JSON gateway, over libcurl (etcd.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "etcd.h"
#include "log.h"

static const char b64c[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *b64_enc(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char *o = malloc(4 * ((n + 2) / 3) + 1), *q = o;
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		*q++ = b64c[p[i] >> 2];
		*q++ = b64c[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*q++ = b64c[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*q++ = b64c[p[i + 2] & 63];
	}
	if (i < n) {
		*q++ = b64c[p[i] >> 2];
		if (i + 1 < n) {
			*q++ = b64c[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*q++ = b64c[(p[i + 1] & 15) << 2];
		} else {
			*q++ = b64c[(p[i] & 3) << 4];
			*q++ = '=';
		}
		*q++ = '=';
	}
	*q = 0;
	return o;
}

char *b64_dec(const char *s, size_t *n)
{
	size_t len = strlen(s), i, k = 0;
	unsigned int acc = 0, bits = 0;
	char *o = malloc(len * 3 / 4 + 2);

	if (!o)
		return NULL;
	for (i = 0; i < len; i++) {
		const char *c = strchr(b64c, s[i]);

		if (s[i] == '=')
			break;
		if (!c || !s[i]) {
			free(o);
			return NULL;
		}
		acc = (acc << 6) | (unsigned int)(c - b64c);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (char)((acc >> bits) & 0xff);
		}
	}
	o[k] = 0;
	if (n)
		*n = k;
	return o;
}

long long jint(const json_t *o, const char *k, long long def)
{
	json_t *v = json_object_get(o, k);

	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	if (json_is_integer(v))
		return json_integer_value(v);
	return def;
}

const char *etcd_endpoint(const struct etcd *e)
{
	return e->d->eps[e->cur];
}

static void tls_opts(const struct etcd *e, CURL *h)
{
	if (e->d->ca[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, e->d->ca);
	if (e->d->cert[0]) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, e->d->cert);
		curl_easy_setopt(h, CURLOPT_SSLKEY, e->d->key);
	}
}

static void url_of(const struct etcd *e, const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s://%s%s", e->d->ca[0] || e->d->cert[0] ? "https" : "http",
		 e->d->eps[e->cur], path);
}

int etcd_init(struct etcd *e, const struct xbr_directory *d, CURLM *m)
{
	memset(e, 0, sizeof(*e));
	e->d = d;
	e->m = m;
	e->h = curl_easy_init();
	return e->h ? 0 : -ENOMEM;
}

void etcd_free(struct etcd *e)
{
	etcd_watch_stop(e);
	if (e->h)
		curl_easy_cleanup(e->h);
	e->h = NULL;
}

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *q = realloc(b->p, cap);

		if (!q)
			return -1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	return buf_add(arg, p, sz * n) ? 0 : sz * n;
}

int etcd_call(struct etcd *e, const char *path, json_t *req, json_t **resp)
{
	char url[160], *body = json_dumps(req, JSON_COMPACT);
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	int tries, err = -EIO;

	json_decref(req);
	*resp = NULL;
	if (!body || !hdr) {
		free(body);
		curl_slist_free_all(hdr);
		return -ENOMEM;
	}
	for (tries = 0; tries < e->d->neps; tries++) {
		struct buf b = { 0 };
		long code = 0;
		CURLcode rc;

		url_of(e, path, url, sizeof(url));
		curl_easy_reset(e->h);
		curl_easy_setopt(e->h, CURLOPT_URL, url);
		curl_easy_setopt(e->h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e->h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(e->h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(e->h, CURLOPT_WRITEDATA, &b);
		curl_easy_setopt(e->h, CURLOPT_CONNECTTIMEOUT_MS, 500L);
		curl_easy_setopt(e->h, CURLOPT_TIMEOUT_MS, 1500L);
		curl_easy_setopt(e->h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e->h, CURLOPT_ERRORBUFFER, e->err);
		tls_opts(e, e->h);
		e->err[0] = 0;
		rc = curl_easy_perform(e->h);
		if (rc == CURLE_OK)
			curl_easy_getinfo(e->h, CURLINFO_RESPONSE_CODE, &code);
		if (rc == CURLE_OK && code == 200) {
			json_error_t je;

			*resp = json_loads(b.p ? b.p : "", 0, &je);
			free(b.p);
			err = *resp ? 0 : -EPROTO;
			break;
		}
		if (rc == CURLE_OK && code >= 400 && code < 500) {
			/* etcd said no (a lease not found, a bad request): not the member */
			pr_debug("etcd %s%s: HTTP %ld: %s", etcd_endpoint(e), path, code,
				 b.p ? b.p : "");
			free(b.p);
			err = -EPROTO;
			break;
		}
		pr_debug("etcd %s%s: %s", etcd_endpoint(e), path,
			 rc != CURLE_OK ? (e->err[0] ? e->err : curl_easy_strerror(rc)) : "HTTP error");
		free(b.p);
		e->cur = (e->cur + 1) % e->d->neps; /* the next member */
	}
	free(body);
	curl_slist_free_all(hdr);
	return err;
}

/* A JSON object {k1: b64(v1)} (and range_end for a prefix). */
static json_t *key_req(const char *key, int prefix)
{
	char *k = b64_enc(key, strlen(key)), *end = NULL;
	json_t *o;

	if (prefix) {
		size_t n = strlen(key);
		char *e = strdup(key);

		if (e && n)
			e[n - 1]++; /* "p/" -> "p0": everything under p/ */
		end = e ? b64_enc(e, n) : NULL;
		free(e);
	}
	o = json_pack("{s:s}", "key", k ? k : "");
	if (end)
		json_object_set_new(o, "range_end", json_string(end));
	free(k);
	free(end);
	return o;
}

int etcd_put(struct etcd *e, const char *key, const char *val, long long lease)
{
	json_t *req = key_req(key, 0), *resp;
	char *v = b64_enc(val, strlen(val)), id[24];
	int err;

	json_object_set_new(req, "value", json_string(v ? v : ""));
	free(v);
	if (lease) {
		snprintf(id, sizeof(id), "%lld", lease);
		json_object_set_new(req, "lease", json_string(id));
	}
	err = etcd_call(e, "/v3/kv/put", req, &resp);
	json_decref(resp);
	return err;
}

int etcd_del(struct etcd *e, const char *key)
{
	json_t *resp;
	int err = etcd_call(e, "/v3/kv/deleterange", key_req(key, 0), &resp);

	json_decref(resp);
	return err;
}

int etcd_grant(struct etcd *e, int ttl, long long *lease)
{
	json_t *resp;
	int err = etcd_call(e, "/v3/lease/grant", json_pack("{s:i}", "TTL", ttl), &resp);

	if (!err) {
		*lease = jint(resp, "ID", 0);
		if (!*lease)
			err = -EPROTO;
	}
	json_decref(resp);
	return err;
}

int etcd_keepalive(struct etcd *e, long long lease, int *ttl)
{
	char id[24];
	json_t *resp, *res;
	int err;

	snprintf(id, sizeof(id), "%lld", lease);
	err = etcd_call(e, "/v3/lease/keepalive", json_pack("{s:s}", "ID", id), &resp);
	if (!err) {
		/* a stream of one answer: {"result": {...}}; TTL absent or 0: gone */
		res = json_object_get(resp, "result");
		*ttl = (int)jint(res ? res : resp, "TTL", 0);
	}
	json_decref(resp);
	return err;
}

int etcd_range(struct etcd *e, const char *prefix, json_t **kvs, long long *rev)
{
	json_t *resp, *v;
	int err = etcd_call(e, "/v3/kv/range", key_req(prefix, 1), &resp);

	*kvs = NULL;
	if (err)
		return err;
	*rev = jint(json_object_get(resp, "header"), "revision", 0);
	v = json_object_get(resp, "kvs");
	*kvs = json_is_array(v) ? json_incref(v) : json_array();
	json_decref(resp);
	return 0;
}

static size_t on_stream(char *p, size_t sz, size_t n, void *arg)
{
	struct etcd *e = arg;
	struct buf b = { e->wbuf, e->wlen, e->wcap };

	if (buf_add(&b, p, sz * n))
		return 0;
	e->wbuf = b.p;
	e->wlen = b.len;
	e->wcap = b.cap;
	return sz * n;
}

int etcd_watch_start(struct etcd *e, const char *prefix, long long from)
{
	static struct curl_slist *hdr;
	json_t *cr = key_req(prefix, 1), *req;
	char url[160], *body;

	etcd_watch_stop(e);
	if (!hdr)
		hdr = curl_slist_append(NULL, "Content-Type: application/json");
	json_object_set_new(cr, "start_revision", json_integer(from));
	req = json_pack("{s:o}", "create_request", cr);
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	e->w = curl_easy_init();
	if (!e->w || !body) {
		free(body);
		etcd_watch_stop(e);
		return -ENOMEM;
	}
	url_of(e, "/v3/watch", url, sizeof(url));
	curl_easy_setopt(e->w, CURLOPT_URL, url);
	curl_easy_setopt(e->w, CURLOPT_COPYPOSTFIELDS, body);
	free(body);
	curl_easy_setopt(e->w, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(e->w, CURLOPT_WRITEFUNCTION, on_stream);
	curl_easy_setopt(e->w, CURLOPT_WRITEDATA, e);
	curl_easy_setopt(e->w, CURLOPT_PRIVATE, e);
	curl_easy_setopt(e->w, CURLOPT_CONNECTTIMEOUT_MS, 500L);
	curl_easy_setopt(e->w, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e->w, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e->w, CURLOPT_TCP_KEEPIDLE, 2L);
	curl_easy_setopt(e->w, CURLOPT_TCP_KEEPINTVL, 1L);
	tls_opts(e, e->w);
	e->wdone = 0;
	e->wlen = 0;
	if (curl_multi_add_handle(e->m, e->w) != CURLM_OK) {
		curl_easy_cleanup(e->w);
		e->w = NULL;
		return -ENOMEM;
	}
	return 0;
}

void etcd_watch_stop(struct etcd *e)
{
	if (e->w) {
		curl_multi_remove_handle(e->m, e->w);
		curl_easy_cleanup(e->w);
	}
	e->w = NULL;
	free(e->wbuf);
	e->wbuf = NULL;
	e->wlen = e->wcap = 0;
}

json_t *etcd_watch_take(struct etcd *e)
{
	json_error_t je;
	json_t *msg;
	size_t used;

	while (e->wlen) {
		/* One JSON value at the front (the gateway ends each with a newline). */
		msg = json_loadb(e->wbuf, e->wlen, JSON_DISABLE_EOF_CHECK, &je);
		if (!msg)
			return NULL; /* not whole yet */
		used = (size_t)je.position;
		if (!used || used > e->wlen)
			used = e->wlen;
		memmove(e->wbuf, e->wbuf + used, e->wlen - used);
		e->wlen -= used;
		while (e->wlen && (e->wbuf[0] == '\n' || e->wbuf[0] == '\r' || e->wbuf[0] == ' ')) {
			memmove(e->wbuf, e->wbuf + 1, e->wlen - 1);
			e->wlen--;
		}
		return msg;
	}
	return NULL;
}
