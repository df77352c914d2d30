// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the driver learns from dockerd's API, in a thread of its own: the
 * networks whose bridges a reboot took (recover()), and
 * container names for `xbr show` and `xbr fdb`. No driver call carries the
 * container: dockerd knows it, in GET /networks/<id> ("Containers": {ID:
 * {"Name", "EndpointID", ...}}), once the join it is busy with has finished.
 * So after each Join a thread asks, a few times over a few seconds, and
 * writes the name as the port's owner. Never inside a request (dockerd waits
 * for the driver's answer holding its own locks); the name is cosmetic:
 * without dockerd's API the owner stays empty and nothing else changes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "bridge.h"
#include "docker.h"

static pthread_mutex_t lib_mu = PTHREAD_MUTEX_INITIALIZER;

void dk_lib_lock(void)
{
	pthread_mutex_lock(&lib_mu);
}

void dk_lib_unlock(void)
{
	pthread_mutex_unlock(&lib_mu);
}

#define NQ 256
static const unsigned int retry_ms[] = { 200, 500, 1000, 2000, 4000 };

struct ask {
	char net[65], ep[65];
	unsigned int tries;
	struct timespec due;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	struct ask q[NQ];
	size_t n;
	int stop, running;
	char sock[108];
} nm = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void due_in(struct timespec *t, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

void dk_names_queue(const char *net, const char *ep)
{
	struct ask *a;

	pthread_mutex_lock(&nm.mu);
	if (nm.running && nm.n < NQ) {
		a = &nm.q[nm.n++];
		memset(a, 0, sizeof(*a));
		snprintf(a->net, sizeof(a->net), "%s", net);
		snprintf(a->ep, sizeof(a->ep), "%s", ep);
		due_in(&a->due, retry_ms[0]);
		pthread_cond_signal(&nm.cv);
	}
	pthread_mutex_unlock(&nm.mu);
}

struct buf {
	char *p;
	size_t len;
};

static size_t body_cb(char *data, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;
	size_t len = size * n;
	char *np;

	if (b->len + len > (4u << 20))
		return 0;
	np = realloc(b->p, b->len + len + 1);
	if (!np)
		return 0;
	memcpy(np + b->len, data, len);
	b->p = np;
	b->len += len;
	b->p[b->len] = '\0';
	return len;
}

/* GET @path of dockerd's API: 0 with the JSON answer in *out, -ECONNREFUSED
 * (dockerd does not answer), -ENOENT (not 200) or -EPROTO (not JSON). */
static int docker_get(const char *path, json_t **out)
{
	struct buf b = { 0 };
	char url[160];
	long code = 0;
	CURLcode rc;
	CURL *h = curl_easy_init();

	*out = NULL;
	if (!h)
		return -ENOMEM;
	snprintf(url, sizeof(url), "http://docker%s", path);
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, nm.sock);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 3000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK || code != 200) {
		free(b.p);
		return rc != CURLE_OK ? -ECONNREFUSED : -ENOENT;
	}
	*out = json_loadb(b.p ? b.p : "", b.len, 0, NULL);
	free(b.p);
	return *out ? 0 : -EPROTO;
}

/* The name of the container on endpoint @ep of network @net: 0, -ENOENT
 * (not listed yet), or another negative errno. */
static int ask_docker(const struct ask *a, char name[80])
{
	char path[96];
	json_t *j, *cs, *c;
	const char *k;
	int err;

	snprintf(path, sizeof(path), "/networks/%s", a->net);
	err = docker_get(path, &j);
	if (err)
		return err;
	err = -ENOENT;
	cs = json_object_get(j, "Containers");
	json_object_foreach(cs, k, c) {
		const char *ep = json_string_value(json_object_get(c, "EndpointID"));
		const char *n = json_string_value(json_object_get(c, "Name"));

		if (ep && n && !strcmp(ep, a->ep)) {
			snprintf(name, 80, "%s", n);
			err = 0;
			break;
		}
	}
	json_decref(j);
	return err;
}

/* Write @name as the owner of @a's port (under the library lock). */
static void record(const struct ask *a, const char *name)
{
	char pname[XBR_NSNAMSIZ];
	struct xbr_port_meta m;
	struct xbr_bridge *br;
	struct xbr_port p;

	dk_lib_lock();
	if (dk_net_open(a->net, &br) == 0) {
		dk_port_name(a->ep, pname);
		if (br_port_find(br, pname, &p) == 0 && br_port_meta(br, p.ifindex, &m) == 0) {
			snprintf(m.owner, sizeof(m.owner), "%s", name);
			br_port_set_meta(br, p.ifindex, &m);
		}
		br_close(br);
	}
	dk_lib_unlock();
}

/*
 * The CreateNetwork request Docker sent for network @n (an entry of GET
 * /networks): its ID, options, internal and IPv6 flags and IPAM data (an
 * IPv4 and an IPv6 subnet), each gateway with its subnet's prefix length as
 * IPAMData has it. NULL when it has no IPv4 subnet.
 */
static json_t *create_request(json_t *n)
{
	json_t *cfg = json_object_get(json_object_get(n, "IPAM"), "Config"), *c, *opts, *v6;
	const char *sub = NULL, *gw = NULL, *slash, *sub6 = NULL, *gw6 = NULL, *slash6;
	char gwp[64], gwp6[96];
	size_t i;

	json_array_foreach(cfg, i, c) {
		const char *s = json_string_value(json_object_get(c, "Subnet"));

		if (s && !strchr(s, ':') && !sub) {
			sub = s;
			gw = json_string_value(json_object_get(c, "Gateway"));
		} else if (s && strchr(s, ':') && !sub6) {
			sub6 = s;
			gw6 = json_string_value(json_object_get(c, "Gateway"));
		}
	}
	if (!sub || !(slash = strchr(sub, '/')))
		return NULL;
	opts = json_object_get(n, "Options");
	opts = json_is_object(opts) ? json_incref(opts) : json_object();
	if (gw && *gw)
		snprintf(gwp, sizeof(gwp), "%s%s", gw, slash);
	v6 = json_array();
	if (sub6 && (slash6 = strchr(sub6, '/'))) {
		if (gw6 && *gw6)
			snprintf(gwp6, sizeof(gwp6), "%s%s", gw6, slash6);
		json_array_append_new(v6, json_pack("{s:s, s:s?}", "Pool", sub6, "Gateway",
						    gw6 && *gw6 ? gwp6 : NULL));
	}
	return json_pack("{s:O, s:{s:o, s:b, s:b}, s:[{s:s, s:s?}], s:o}", "NetworkID",
			 json_object_get(n, "Id"), "Options", "com.docker.network.generic", opts,
			 "com.docker.network.enable_ipv6",
			 json_is_true(json_object_get(n, "EnableIPv6")), "com.docker.network.internal",
			 json_is_true(json_object_get(n, "Internal")), "IPv4Data", "Pool", sub, "Gateway",
			 gw && *gw ? gwp : NULL, "IPv6Data", v6);
}

/* Sleep @ms unless told to stop: 1 when stopping. */
static int nap(unsigned int ms)
{
	struct timespec t;
	int stop;

	due_in(&t, ms);
	pthread_mutex_lock(&nm.mu);
	while (!nm.stop && pthread_cond_timedwait(&nm.cv, &nm.mu, &t) == 0)
		;
	stop = nm.stop;
	pthread_mutex_unlock(&nm.mu);
	return stop;
}

/*
 * After a reboot the pinned bridges are gone while dockerd still has its
 * networks, and it does not ask a remote driver to create them again. So
 * once dockerd answers (it may start after the driver: socket activation),
 * every network of driver "xbr" without its bridge is created again from
 * dockerd's own record of it, as its CreateNetwork was; containers started
 * then get their ports as usual. Gives up after five minutes without an
 * answer.
 */
static void recover(void)
{
	static const unsigned int wait_ms[] = { 100, 200, 500, 1000, 2000, 5000 };
	unsigned int waited = 0, k = 0;
	json_t *nets = NULL, *n;
	size_t i;

	while (docker_get("/networks", &nets)) {
		if (waited >= 300000 || nap(wait_ms[k]))
			return;
		waited += wait_ms[k];
		if (k + 1 < sizeof(wait_ms) / sizeof(wait_ms[0]))
			k++;
	}
	json_array_foreach(nets, i, n) {
		const char *id = json_string_value(json_object_get(n, "Id"));
		const char *name = json_string_value(json_object_get(n, "Name"));
		struct xbr_bridge *br = NULL;
		struct dk_reply r;
		json_t *req;

		if (!id || strcmp(json_string_value(json_object_get(n, "Driver")) ?: "", DK_DRIVER))
			continue;
		dk_lib_lock();
		if (dk_net_open(id, &br) == 0) {
			br_close(br);
			dk_lib_unlock();
			continue;
		}
		req = create_request(n);
		r = req ? dk_call("/NetworkDriver.CreateNetwork", req) :
			  dk_err(200, "it has no IPv4 subnet");
		dk_lib_unlock();
		if (r.status == 200 && !json_object_get(r.body, "Err"))
			fprintf(stderr, "xbr-docker: network %s (%.12s): its bridge was gone, made again\n",
				name ? name : "?", id);
		else
			fprintf(stderr, "xbr-docker: network %s (%.12s): its bridge is gone and cannot be made again: %s\n",
				name ? name : "?", id,
				json_string_value(json_object_get(r.body, "Err")) ?: "?");
		json_decref(r.body);
		json_decref(req);
	}
	json_decref(nets);
}

static void *names_main(void *arg)
{
	(void)arg;
	recover();
	pthread_mutex_lock(&nm.mu);
	while (!nm.stop) {
		struct timespec now, first;
		size_t i, pick = NQ;
		struct ask a;
		char name[80];
		int err;

		clock_gettime(CLOCK_MONOTONIC, &now);
		for (i = 0; i < nm.n; i++) {
			if (pick == NQ || before(&nm.q[i].due, &first)) {
				first = nm.q[i].due;
				pick = i;
			}
		}
		if (pick == NQ) {
			pthread_cond_wait(&nm.cv, &nm.mu);
			continue;
		}
		if (before(&now, &first)) {
			pthread_cond_timedwait(&nm.cv, &nm.mu, &first);
			continue;
		}
		a = nm.q[pick];
		nm.q[pick] = nm.q[--nm.n];
		pthread_mutex_unlock(&nm.mu);
		err = ask_docker(&a, name);
		if (!err)
			record(&a, name);
		pthread_mutex_lock(&nm.mu);
		if (err && ++a.tries < sizeof(retry_ms) / sizeof(retry_ms[0]) && nm.n < NQ) {
			due_in(&a.due, retry_ms[a.tries]);
			nm.q[nm.n++] = a;
		}
	}
	pthread_mutex_unlock(&nm.mu);
	return NULL;
}

int dk_names_start(const char *docker_sock)
{
	pthread_condattr_t ca;
	int err;

	if (!docker_sock || !*docker_sock)
		return 0;
	snprintf(nm.sock, sizeof(nm.sock), "%s", docker_sock);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&nm.cv, &ca);
	pthread_condattr_destroy(&ca);
	err = pthread_create(&nm.thread, NULL, names_main, NULL);
	if (err)
		return -err;
	nm.running = 1;
	return 0;
}

void dk_names_stop(void)
{
	if (!nm.running)
		return;
	pthread_mutex_lock(&nm.mu);
	nm.stop = 1;
	nm.running = 0;
	pthread_cond_signal(&nm.cv);
	pthread_mutex_unlock(&nm.mu);
	pthread_join(nm.thread, NULL);
	curl_global_cleanup();
}
