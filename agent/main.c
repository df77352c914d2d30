// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr-agent: keeps every bridge of this host that has a directory uplink
 * (`xbr uplink add ... directory etcd://...`) in step with its etcd
 * directory (docs/design.md, "A directory of hosts (etcd)"):
 *
 *   <prefix>/hosts/<VTEP>           {"vtep","vni","dstport"}, under the host's lease
 *   <prefix>/stations/<MAC>/<VTEP>  {"mac","vtep","vni","ipv4","ipv6"}, same lease
 *
 * It registers the host, publishes its stations, and programs the others:
 * hosts of the same VNI become the uplink's peers, their stations static
 * remote entries (dst the owning VTEP). Truth is etcd's: after any break it
 * reads the whole prefix, reconciles the bridge with it, and watches from
 * the revision it read. Foreground; messages on standard error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "bridge.h"
#include "directory.h"
#include "etcd.h"
#include "log.h"
#include "parse.h"

#define KEEPALIVE_MS 1000
#define LOCAL_SCAN_MS 300
#define RESCAN_MS 1000
#define RETRY_MS 1000

static int ttl_sec = 3;
static volatile sig_atomic_t stop;

struct claim { /* a station as the directory has it */
	uint8_t mac[6];
	char vtep[INET6_ADDRSTRLEN];
	long long create_rev;
};

struct host {
	char vtep[INET6_ADDRSTRLEN];
	unsigned int vni;
	int mismatch_said;
};

struct local { /* a station of this host, as published */
	uint8_t mac[6];
	char val[256];
};

struct dir {
	char bridge[XBR_IFNAMSIZ];
	char uplink[XBR_IFNAMSIZ];
	struct xbr_directory d;
	struct etcd e;
	int alive; /* seen at the last rescan */
	int connected;
	unsigned int vni;
	char vtep[INET6_ADDRSTRLEN];
	uint32_t local[4]; /* the uplink's local endpoint as recorded */
	int family;
	uint16_t dstport;
	int relearn; /* the uplink changed under us: read it and register again */
	long long lease, rev;
	long long t_keepalive, t_local, t_retry;
	struct host *hosts;
	size_t nhosts;
	struct claim *claims;
	size_t nclaims;
	struct local *pub; /* what is published under the lease */
	size_t npub;
	uint8_t (*conflicted)[6]; /* MACs whose conflict was said */
	size_t nconflicted;
	int dirty; /* the bridge needs a reconcile */
	int down_said;
	struct xbr_dir_status st;
	struct dir *next;
};

static struct dir *dirs;
static CURLM *multi;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void log_sink(enum xbr_log_level level, const char *msg)
{
	struct timespec ts;
	struct tm tm;

	(void)level;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld xbr-agent: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
		ts.tv_nsec / 1000000, msg);
}

/* ---- the directory's content, as last read or watched ---- */

static void key_of(const struct dir *x, char *buf, size_t len, const char *kind, const char *rest)
{
	snprintf(buf, len, "%s/%s/%s", x->d.prefix, kind, rest);
}

static struct host *host_find(struct dir *x, const char *vtep)
{
	size_t i;

	for (i = 0; i < x->nhosts; i++)
		if (!strcmp(x->hosts[i].vtep, vtep))
			return &x->hosts[i];
	return NULL;
}

static ssize_t claim_find(struct dir *x, const uint8_t mac[6], const char *vtep)
{
	size_t i;

	for (i = 0; i < x->nclaims; i++)
		if (!memcmp(x->claims[i].mac, mac, 6) && !strcmp(x->claims[i].vtep, vtep))
			return (ssize_t)i;
	return -1;
}

/* A key (relative to the prefix) put (@val, @crev) or deleted (@val NULL). */
static void apply_kv(struct dir *x, const char *rel, const char *val, long long crev)
{
	char vtep[INET6_ADDRSTRLEN], macs[18];
	uint8_t mac[6];
	json_t *v;

	if (!strncmp(rel, "hosts/", 6)) {
		struct host *h;

		snprintf(vtep, sizeof(vtep), "%s", rel + 6);
		h = host_find(x, vtep);
		if (!val) {
			if (h) {
				*h = x->hosts[--x->nhosts];
				x->dirty = 1;
			}
			return;
		}
		v = json_loads(val, 0, NULL);
		if (!h) {
			struct host *n = realloc(x->hosts, (x->nhosts + 1) * sizeof(*n));

			if (!n) {
				json_decref(v);
				return;
			}
			x->hosts = n;
			h = &x->hosts[x->nhosts++];
			memset(h, 0, sizeof(*h));
			snprintf(h->vtep, sizeof(h->vtep), "%s", vtep);
		}
		h->vni = (unsigned int)jint(v, "vni", -1);
		json_decref(v);
		x->dirty = 1;
		return;
	}
	if (strncmp(rel, "stations/", 9) || strlen(rel) < 9 + 18)
		return;
	memcpy(macs, rel + 9, 17);
	macs[17] = 0;
	if (rel[9 + 17] != '/' || xbr_parse_mac(macs, mac))
		return;
	snprintf(vtep, sizeof(vtep), "%s", rel + 9 + 18);
	ssize_t i = claim_find(x, mac, vtep);

	if (!val) {
		if (i >= 0) {
			x->claims[i] = x->claims[--x->nclaims];
			x->dirty = 1;
		}
		return;
	}
	if (i < 0) {
		struct claim *n = realloc(x->claims, (x->nclaims + 1) * sizeof(*n));

		if (!n)
			return;
		x->claims = n;
		i = (ssize_t)x->nclaims++;
		memcpy(x->claims[i].mac, mac, 6);
		snprintf(x->claims[i].vtep, sizeof(x->claims[i].vtep), "%s", vtep);
	}
	x->claims[i].create_rev = crev;
	x->dirty = 1;
}

/* One kv object of the gateway: its key under our prefix, value, revisions. */
static void apply_json_kv(struct dir *x, json_t *kv, int del)
{
	const char *kb = json_string_value(json_object_get(kv, "key"));
	const char *vb = json_string_value(json_object_get(kv, "value"));
	size_t plen = strlen(x->d.prefix);
	char *k, *v = NULL;

	if (!kb || !(k = b64_dec(kb, NULL)))
		return;
	if (!strncmp(k, x->d.prefix, plen) && k[plen] == '/') {
		if (!del)
			v = b64_dec(vb ? vb : "", NULL);
		apply_kv(x, k + plen + 1, del ? NULL : (v ? v : ""), jint(kv, "create_revision", 0));
	}
	free(k);
	free(v);
}

/* ---- the bridge ---- */

/*
 * The bridge for a moment's work: only when no command holds the lock
 * (-EAGAIN otherwise, and the work waits for the next tick). Waiting for a
 * long command (an `up` of thousands of stations) would stop the lease's
 * keepalives, and the other hosts would withdraw this one. br_close() and
 * bridge_done() end it.
 */
static int bridge_open(struct dir *x, struct xbr_bridge **brp)
{
	return br_open_try(brp, x->bridge);
}

static void bridge_done(struct xbr_bridge *br)
{
	br_close(br);
	br_lock_release();
}

/* This host's stations (namespace and attached ports) into @out. */
static int local_stations(struct dir *x, struct xbr_bridge *br, struct local **out, size_t *nout)
{
	struct xbr_port *p = NULL;
	struct local *v;
	size_t n = 0, i, k = 0;
	char mac[18], a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	uint8_t ip6[16];
	int err = br_ports(br, &p, &n);

	if (err)
		return err;
	v = calloc(n + 1, sizeof(*v));
	if (!v) {
		free(p);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (p[i].kind != XBR_KIND_STATION && p[i].kind != XBR_KIND_ATTACHED &&
		    p[i].kind != XBR_KIND_DOCKER)
			continue;
		xbr_format_mac(p[i].mac, mac);
		a4[0] = a6[0] = 0;
		if (p[i].addr)
			inet_ntop(AF_INET, &p[i].addr, a4, sizeof(a4));
		if (p[i].addr && br_config(br)->plen6) {
			xbr_port_addr6(br_config(br), &p[i], ip6);
			inet_ntop(AF_INET6, ip6, a6, sizeof(a6));
		}
		memcpy(v[k].mac, p[i].mac, 6);
		snprintf(v[k].val, sizeof(v[k].val),
			 "{\"mac\":\"%s\",\"vtep\":\"%s\",\"vni\":%u,\"ipv4\":\"%s\",\"ipv6\":\"%s\"}",
			 mac, x->vtep, x->vni, a4, a6);
		k++;
	}
	free(p);
	*out = v;
	*nout = k;
	return 0;
}

static const struct local *local_find(const struct local *v, size_t n, const uint8_t mac[6])
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!memcmp(v[i].mac, mac, 6))
			return &v[i];
	return NULL;
}

static int peer_of_str(const char *s, struct xbr_peer *p)
{
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, s, p->remote) == 1)
		return 0;
	if (inet_pton(AF_INET6, s, p->remote) == 1) {
		p->flags = XBR_PEER_F_V6;
		return 0;
	}
	return -EINVAL;
}

static int conflict_said(struct dir *x, const uint8_t mac[6])
{
	size_t i;
	uint8_t(*n)[6];

	for (i = 0; i < x->nconflicted; i++)
		if (!memcmp(x->conflicted[i], mac, 6))
			return 1;
	n = realloc(x->conflicted, (x->nconflicted + 1) * sizeof(*n));
	if (!n)
		return 1;
	x->conflicted = n;
	memcpy(x->conflicted[x->nconflicted++], mac, 6);
	return 0;
}

/* A host of the segment: same VNI, not us, of our family. */
static int host_ok(struct dir *x, struct host *h)
{
	struct xbr_peer p;

	if (!strcmp(h->vtep, x->vtep) || peer_of_str(h->vtep, &p) ||
	    (p.flags & XBR_PEER_F_V6 ? AF_INET6 : AF_INET) != x->family)
		return 0;
	if (h->vni != x->vni) {
		if (!h->mismatch_said) {
			h->mismatch_said = 1;
			x->st.vni_mismatches++;
			pr_warn("bridge \"%s\" uplink \"%s\": host %s registered VNI %u, this segment is %u: not a peer",
				x->bridge, x->uplink, h->vtep, h->vni, x->vni);
		}
		return 0;
	}
	return 1;
}

/* The owner of @mac: the oldest claim by a peer; NULL when none (or local). */
static const struct claim *owner_of(struct dir *x, const uint8_t mac[6])
{
	const struct claim *best = NULL;
	size_t i, nclaims = 0;

	for (i = 0; i < x->nclaims; i++) {
		const struct claim *c = &x->claims[i];
		struct host *h;

		if (memcmp(c->mac, mac, 6))
			continue;
		nclaims++;
		if (!strcmp(c->vtep, x->vtep))
			continue;
		h = host_find(x, c->vtep);
		if (!h || !host_ok(x, h))
			continue;
		if (!best || c->create_rev < best->create_rev)
			best = c;
	}
	if (nclaims > 1 && !conflict_said(x, mac)) {
		char m[18];

		xbr_format_mac(mac, m);
		x->st.conflicts++;
		pr_warn("bridge \"%s\" uplink \"%s\": station %s claimed by %zu hosts: the oldest claim holds",
			x->bridge, x->uplink, m, nclaims);
	}
	return best;
}

/*
 * Make the bridge what the directory says: peers (hosts of our VNI) and
 * static remote entries (their stations), nothing else behind the uplink.
 * Only what differs is touched, so a reconcile over an unchanged bridge
 * (a restarted agent, a resync) changes nothing.
 */
static int reconcile(struct dir *x)
{
	struct xbr_uplink_row *rows = NULL, *up = NULL;
	struct xbr_fdb_row *fdb = NULL;
	struct local *loc = NULL;
	size_t nrows = 0, nfdb = 0, nloc = 0, i, k;
	struct xbr_bridge *br = NULL;
	int err;

	err = bridge_open(x, &br);
	if (!err)
		err = br_uplinks(br, &rows, &nrows);
	for (i = 0; !err && i < nrows; i++)
		if (!strcmp(rows[i].port.name, x->uplink))
			up = &rows[i];
	if (!err && !up)
		err = -ENOENT;
	if (!err && (up->port.vni != x->vni || up->port.dstport != x->dstport ||
		     memcmp(up->port.local, x->local, sizeof(x->local)))) {
		/* The uplink was made again with other settings since we read
		 * it: register anew, under a new lease. */
		pr_warn("bridge \"%s\" uplink \"%s\": made again (VNI %u); registering again",
			x->bridge, x->uplink, up->port.vni);
		x->relearn = 1;
		err = -EAGAIN;
	}
	if (!err)
		err = local_stations(x, br, &loc, &nloc);
	if (!err)
		err = br_fdb_rows(br, &fdb, &nfdb);
	if (err)
		goto out;

	/* Peers: add the hosts that are missing. */
	for (i = 0; i < x->nhosts; i++) {
		struct xbr_peer p;
		int have = 0;

		if (!host_ok(x, &x->hosts[i]) || peer_of_str(x->hosts[i].vtep, &p))
			continue;
		for (k = 0; k < up->npeers && !have; k++)
			have = !memcmp(up->peers[k].remote, p.remote, 16);
		if (have)
			continue;
		if (br_uplink_peer_add(br, x->uplink, &p) == 0) {
			x->st.peers_added++;
			pr_info("bridge \"%s\" uplink \"%s\": peer %s added", x->bridge, x->uplink,
				x->hosts[i].vtep);
		}
	}
	/* Remote entries: each station's owner; replaced when it moved. */
	for (i = 0; i < x->nclaims; i++) {
		const struct claim *c = owner_of(x, x->claims[i].mac);
		struct xbr_ctl_req r = { .op = XBR_OP_REPLACE };
		struct xbr_peer p;
		int have = 0;

		if (!c || c != &x->claims[i] || local_find(loc, nloc, c->mac) ||
		    peer_of_str(c->vtep, &p))
			continue;
		for (k = 0; k < nfdb && !have; k++)
			have = !memcmp(fdb[k].mac, c->mac, 6) && fdb[k].ifindex == up->port.ifindex &&
			       (fdb[k].flags & XBR_FDB_F_STATIC) &&
			       !memcmp(fdb[k].remote, p.remote, 16);
		if (have)
			continue;
		memcpy(r.mac, c->mac, 6);
		r.ifindex = up->port.ifindex;
		r.flags = XBR_FDB_F_STATIC | XBR_FDB_F_REMOTE |
			  (p.flags & XBR_PEER_F_V6 ? XBR_FDB_F_REMOTE6 : 0);
		memcpy(r.remote, p.remote, 16);
		if (br_ctl(br, &r) == 0)
			x->st.entries_added++;
		else
			pr_warn("bridge \"%s\": station %02x:%02x:%02x:%02x:%02x:%02x behind %s: cannot program it",
				x->bridge, c->mac[0], c->mac[1], c->mac[2], c->mac[3], c->mac[4],
				c->mac[5], c->vtep);
	}
	/* Static remote entries on the uplink the directory no longer has. */
	for (k = 0; k < nfdb; k++) {
		struct xbr_ctl_req r = { .op = XBR_OP_DEL };
		const struct claim *c;
		struct xbr_peer p;

		if (fdb[k].ifindex != up->port.ifindex || !(fdb[k].flags & XBR_FDB_F_STATIC) ||
		    !(fdb[k].flags & XBR_FDB_F_REMOTE))
			continue;
		c = owner_of(x, fdb[k].mac);
		if (c && !local_find(loc, nloc, fdb[k].mac) && !peer_of_str(c->vtep, &p) &&
		    !memcmp(fdb[k].remote, p.remote, 16))
			continue;
		memcpy(r.mac, fdb[k].mac, 6);
		if (br_ctl(br, &r) == 0)
			x->st.entries_removed++;
	}
	/* Peers that are no longer hosts of the segment (their entries go too). */
	for (k = 0; k < up->npeers; k++) {
		char a[INET6_ADDRSTRLEN];
		struct host *h;

		uplink_addr_str(&up->peers[k], a, sizeof(a));
		h = host_find(x, a);
		if (h && host_ok(x, h))
			continue;
		if (br_uplink_peer_del(br, x->uplink, &up->peers[k]) == 0) {
			x->st.peers_removed++;
			pr_info("bridge \"%s\" uplink \"%s\": peer %s removed", x->bridge, x->uplink, a);
		}
	}
	x->dirty = 0;
out:
	free(fdb);
	free(loc);
	br_uplinks_free(rows, nrows);
	bridge_done(br);
	return err;
}

static int dir_learn(struct dir *x);

/* ---- etcd ---- */

static void disconnect(struct dir *x, const char *why)
{
	if (x->connected)
		pr_warn("bridge \"%s\" uplink \"%s\": etcd %s: %s; forwarding goes on with what is known, retrying",
			x->bridge, x->uplink, etcd_endpoint(&x->e), why);
	x->connected = 0;
	x->st.connected = 0;
	etcd_watch_stop(&x->e);
	x->t_retry = 0; /* at once: the next member may answer */
}

static void heard(struct dir *x)
{
	x->st.last_heard = now_real();
}

/* Publish this host's stations: put the new and changed, delete the gone. */
static int publish(struct dir *x)
{
	struct xbr_bridge *br = NULL;
	struct local *loc = NULL;
	size_t nloc = 0, i;
	char key[120], m[18];
	int err;

	err = bridge_open(x, &br);
	if (!err)
		err = local_stations(x, br, &loc, &nloc);
	bridge_done(br);
	if (err)
		return err == -EAGAIN ? 0 : err; /* a command at work: next time */
	for (i = 0; i < nloc; i++) {
		const struct local *p = local_find(x->pub, x->npub, loc[i].mac);

		if (p && !strcmp(p->val, loc[i].val))
			continue;
		xbr_format_mac(loc[i].mac, m);
		snprintf(key, sizeof(key), "%s/%s", m, x->vtep);
		{
			char full[300];

			key_of(x, full, sizeof(full), "stations", key);
			err = etcd_put(&x->e, full, loc[i].val, x->lease);
		}
		if (err)
			goto fail;
		heard(x);
		x->st.published++;
		x->dirty = 1; /* a station that became local loses its remote entry */
	}
	for (i = 0; i < x->npub; i++) {
		char full[300];

		if (local_find(loc, nloc, x->pub[i].mac))
			continue;
		xbr_format_mac(x->pub[i].mac, m);
		snprintf(key, sizeof(key), "%s/%s", m, x->vtep);
		key_of(x, full, sizeof(full), "stations", key);
		err = etcd_del(&x->e, full);
		if (err)
			goto fail;
		x->st.published++;
		x->dirty = 1;
	}
	/* Claims of this host the directory has but the bridge does not (an
	 * agent that was down while a port went): withdrawn. */
	for (i = 0; i < x->nclaims; i++) {
		char full[300];

		if (strcmp(x->claims[i].vtep, x->vtep) || local_find(loc, nloc, x->claims[i].mac))
			continue;
		xbr_format_mac(x->claims[i].mac, m);
		snprintf(key, sizeof(key), "%s/%s", m, x->vtep);
		key_of(x, full, sizeof(full), "stations", key);
		err = etcd_del(&x->e, full); /* its DELETE comes back through the watch */
		if (err)
			goto fail;
		x->claims[i] = x->claims[--x->nclaims]; /* not again before it does */
		i--;
		x->st.published++;
	}
	free(x->pub);
	x->pub = loc;
	x->npub = nloc;
	return 0;
fail:
	free(loc);
	return err;
}

/* A whole read of the prefix: the state, then a watch from the next revision. */
static int resync(struct dir *x)
{
	char pfx[160];
	json_t *kvs = NULL, *kv;
	long long rev;
	size_t i;
	int err;

	snprintf(pfx, sizeof(pfx), "%s/", x->d.prefix);
	err = etcd_range(&x->e, pfx, &kvs, &rev);
	if (err)
		return err;
	x->nhosts = 0;
	x->nclaims = 0;
	json_array_foreach(kvs, i, kv)
		apply_json_kv(x, kv, 0);
	json_decref(kvs);
	x->rev = rev;
	x->st.revision = rev;
	x->st.resyncs++;
	x->dirty = 1;
	heard(x);
	return etcd_watch_start(&x->e, pfx, rev + 1);
}

static int connect_dir(struct dir *x)
{
	char key[300], val[200];
	int err;

	err = etcd_grant(&x->e, ttl_sec, &x->lease);
	if (err)
		return err;
	/* Everything is put again under this lease (a publish that cannot
	 * read the bridge yet does it at the next tick). */
	free(x->pub);
	x->pub = NULL;
	x->npub = 0;
	x->st.lease = x->lease;
	x->st.ttl = ttl_sec;
	key_of(x, key, sizeof(key), "hosts", x->vtep);
	snprintf(val, sizeof(val), "{\"vtep\":\"%s\",\"vni\":%u,\"dstport\":%u}", x->vtep, x->vni,
		 x->dstport);
	err = etcd_put(&x->e, key, val, x->lease);
	if (!err)
		err = publish(x);
	if (!err)
		err = resync(x);
	if (err)
		return err;
	x->connected = 1;
	x->st.connected = 1;
	x->t_keepalive = now_ms() + KEEPALIVE_MS;
	x->down_said = 0;
	pr_warn("bridge \"%s\" uplink \"%s\": in step with etcd %s at revision %lld (lease %llx, %zu hosts, %zu stations)",
		x->bridge, x->uplink, etcd_endpoint(&x->e), x->rev, (unsigned long long)x->lease,
		x->nhosts, x->nclaims);
	return 0;
}

/* One message of the watch stream. */
static void on_watch(struct dir *x, json_t *msg)
{
	json_t *res = json_object_get(msg, "result"), *evs, *ev;
	size_t i;

	if (!res) {
		disconnect(x, "the watch ended with an error");
		return;
	}
	if (json_is_true(json_object_get(res, "canceled")) || jint(res, "compact_revision", 0)) {
		disconnect(x, "the watch was cancelled");
		return;
	}
	evs = json_object_get(res, "events");
	json_array_foreach(evs, i, ev) {
		const char *t = json_string_value(json_object_get(ev, "type"));

		apply_json_kv(x, json_object_get(ev, "kv"), t && !strcmp(t, "DELETE"));
		x->st.events++;
	}
	x->rev = jint(json_object_get(res, "header"), "revision", x->rev);
	x->st.revision = x->rev;
	heard(x);
}

static void dir_tick(struct dir *x)
{
	long long t = now_ms();
	json_t *msg;
	int err, ttl;

	if (x->relearn) {
		if (dir_learn(x))
			return; /* the uplink is gone: the rescan drops it */
		x->relearn = 0;
		x->connected = 0;
		x->st.connected = 0;
		etcd_watch_stop(&x->e);
		free(x->pub);
		x->pub = NULL;
		x->npub = 0;
		x->t_retry = 0;
	}
	if (!x->connected) {
		if (t < x->t_retry)
			return;
		err = connect_dir(x);
		if (err) {
			if (!x->down_said)
				pr_warn("bridge \"%s\" uplink \"%s\": etcd (%s) not reachable yet; retrying every %d ms",
					x->bridge, x->uplink, x->d.url, RETRY_MS);
			x->down_said = 1;
			etcd_watch_stop(&x->e);
			x->t_retry = t + RETRY_MS;
			return;
		}
	}
	while ((msg = etcd_watch_take(&x->e))) {
		on_watch(x, msg);
		json_decref(msg);
		if (!x->connected)
			return;
	}
	if (x->e.wdone) {
		disconnect(x, "the watch stream ended");
		return;
	}
	if (t >= x->t_keepalive) {
		err = etcd_keepalive(&x->e, x->lease, &ttl);
		if (err) {
			disconnect(x, "keepalive not answered");
			return;
		}
		heard(x);
		x->t_keepalive = t + KEEPALIVE_MS;
		if (ttl <= 0) { /* the lease expired (etcd was away too long): again */
			pr_warn("bridge \"%s\" uplink \"%s\": lease %llx expired; registering again",
				x->bridge, x->uplink, (unsigned long long)x->lease);
			x->connected = 0;
			etcd_watch_stop(&x->e);
			x->t_retry = 0;
			free(x->pub);
			x->pub = NULL;
			x->npub = 0;
			return;
		}
	}
	if (t >= x->t_local) {
		x->t_local = t + LOCAL_SCAN_MS;
		if (publish(x) == -EIO)
			disconnect(x, "a put was not answered");
	}
	if (x->dirty)
		reconcile(x);
}

/* ---- the bridges with a directory: /run/xbr/<bridge>/<uplink>.directory ---- */

static struct dir *dir_find(const char *bridge, const char *uplink)
{
	struct dir *x;

	for (x = dirs; x; x = x->next)
		if (!strcmp(x->bridge, bridge) && !strcmp(x->uplink, uplink))
			return x;
	return NULL;
}

/* The uplink's VNI, local endpoint and port from the bridge. */
static int dir_learn(struct dir *x)
{
	struct xbr_uplink_row *rows = NULL;
	struct xbr_bridge *br = NULL;
	size_t n = 0, i;
	int err = bridge_open(x, &br);

	if (!err)
		err = br_uplinks(br, &rows, &n);
	if (!err)
		err = -ENOENT;
	for (i = 0; i < n; i++) {
		struct xbr_peer l = { .flags = rows[i].port.tun_flags };

		if (strcmp(rows[i].port.name, x->uplink))
			continue;
		memcpy(l.remote, rows[i].port.local, 16);
		memcpy(x->local, rows[i].port.local, sizeof(x->local));
		uplink_addr_str(&l, x->vtep, sizeof(x->vtep));
		x->family = l.flags & XBR_PEER_F_V6 ? AF_INET6 : AF_INET;
		x->vni = rows[i].port.vni;
		x->dstport = rows[i].port.dstport;
		err = 0;
	}
	br_uplinks_free(rows, n);
	bridge_done(br);
	return err;
}

static void dir_free(struct dir *x)
{
	etcd_free(&x->e);
	free(x->hosts);
	free(x->claims);
	free(x->pub);
	free(x->conflicted);
	free(x);
}

static void rescan(void)
{
	struct dir *x, **pp;
	struct dirent *b, *f;
	DIR *rd, *bd;
	char path[300];

	for (x = dirs; x; x = x->next)
		x->alive = 0;
	rd = opendir(XBR_RUN_DIR);
	while (rd && (b = readdir(rd))) {
		if (b->d_name[0] == '.' || strlen(b->d_name) >= XBR_IFNAMSIZ)
			continue;
		snprintf(path, sizeof(path), "%s/%s", XBR_RUN_DIR, b->d_name);
		bd = opendir(path);
		while (bd && (f = readdir(bd))) {
			char up[XBR_IFNAMSIZ], *dot;

			dot = strrchr(f->d_name, '.');
			if (!dot || strcmp(dot, ".directory") || (size_t)(dot - f->d_name) >= XBR_IFNAMSIZ)
				continue;
			memcpy(up, f->d_name, (size_t)(dot - f->d_name));
			up[dot - f->d_name] = 0;
			x = dir_find(b->d_name, up);
			if (x) {
				x->alive = 1;
				continue;
			}
			x = calloc(1, sizeof(*x));
			if (!x)
				continue;
			memcpy(x->bridge, b->d_name, strlen(b->d_name) + 1); /* < XBR_IFNAMSIZ: checked */
			memcpy(x->uplink, up, sizeof(up));
			if (dir_load(x->bridge, x->uplink, &x->d) || dir_learn(x) ||
			    etcd_init(&x->e, &x->d, multi)) {
				dir_free(x); /* half-made (a command in progress): next time */
				continue;
			}
			x->alive = 1;
			x->st.pid = getpid();
			x->next = dirs;
			dirs = x;
			pr_warn("bridge \"%s\" uplink \"%s\": VTEP %s VNI %u, directory %s", x->bridge,
				x->uplink, x->vtep, x->vni, x->d.url);
		}
		if (bd)
			closedir(bd);
	}
	if (rd)
		closedir(rd);
	for (pp = &dirs; (x = *pp);) {
		if (x->alive) {
			pp = &x->next;
			continue;
		}
		*pp = x->next;
		pr_warn("bridge \"%s\" uplink \"%s\": its directory is gone; leaving etcd", x->bridge,
			x->uplink);
		if (x->connected) { /* the others withdraw us now, not at the lease's end */
			json_t *resp;
			char id[24];

			snprintf(id, sizeof(id), "%lld", x->lease);
			etcd_call(&x->e, "/v3/lease/revoke", json_pack("{s:s}", "ID", id), &resp);
			json_decref(resp);
		}
		dir_free(x);
	}
}

static void status_all(void)
{
	struct dir *x;

	for (x = dirs; x; x = x->next) {
		snprintf(x->st.endpoint, sizeof(x->st.endpoint), "%s", etcd_endpoint(&x->e));
		x->st.written = now_real();
		dir_status_save(x->bridge, x->uplink, &x->st);
	}
}

/* Watch streams that ended: their directory resyncs. */
static void multi_done(void)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(multi, &left))) {
		struct etcd *e = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&e);
		if (e)
			e->wdone = 1;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xbr-agent [-v] [--ttl SECONDS]\n"
		   "Keeps every bridge with a directory uplink (xbr uplink add ... directory\n"
		   "etcd://...) in step with its etcd directory; foreground, logs on stderr.\n"
		   "  --ttl N   the host's lease in etcd, seconds (default 3, 2-60)\n"
		   "  -v        more messages (-vv: debug)\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = { { "ttl", required_argument, NULL, 't' },
					    { "verbose", no_argument, NULL, 'v' },
					    { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	long long t_rescan = 0, t_status = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	struct dir *x;
	int c, running, lock_fd;

	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 't':
			ttl_sec = atoi(optarg);
			if (ttl_sec < 2 || ttl_sec > 60) {
				fprintf(stderr, "xbr-agent: --ttl \"%s\" is not 2-60 seconds\n", optarg);
				return 2;
			}
			break;
		case 'v':
			xbr_verbosity++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	xbr_log_set_sink(log_sink);
	if (geteuid() != 0) {
		pr_warn("must run as root (it changes the bridges' pinned maps)");
		return 1;
	}
	/* One agent per host: two would undo each other's leases. */
	if (mkdir(XBR_RUN_DIR, 0755) && errno != EEXIST) {
		pr_warn("cannot make %s: %s", XBR_RUN_DIR, strerror(errno));
		return 1;
	}
	lock_fd = open(XBR_RUN_DIR "/.agent.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
		char pid[16] = "";

		if (lock_fd >= 0 && read(lock_fd, pid, sizeof(pid) - 1) > 0)
			pid[strcspn(pid, "\n")] = 0;
		pr_warn("another xbr-agent runs on this host%s%s (%s/.agent.lock)", pid[0] ? ": pid " : "",
			pid, XBR_RUN_DIR);
		return 1;
	}
	if (ftruncate(lock_fd, 0) == 0)
		dprintf(lock_fd, "%d\n", getpid());
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || !(multi = curl_multi_init())) {
		pr_warn("cannot start libcurl");
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pr_warn("started (lease TTL %d s), serving the bridges under %s", ttl_sec, XBR_RUN_DIR);
	while (!stop) {
		long long t = now_ms();

		if (t >= t_rescan) {
			rescan();
			t_rescan = t + RESCAN_MS;
		}
		curl_multi_perform(multi, &running);
		multi_done();
		for (x = dirs; x; x = x->next)
			dir_tick(x);
		if (t >= t_status) {
			status_all();
			t_status = t + 500;
		}
		curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	pr_warn("stopping; leases left to expire");
	while ((x = dirs)) {
		dirs = x->next;
		dir_free(x);
	}
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	return 0;
}
