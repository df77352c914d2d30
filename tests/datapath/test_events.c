// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The event ring and the fdb value, where the fixture table (one frame, a
 * few events) does not reach:
 *   - a flush that emits more events than the ring holds: exactly the ring's
 *     room is published (each a real deletion), the rest counted in
 *     xbr_br_stats.ev_lost, with the product's ring and with a one-page one;
 *   - each hook, learning while the ring is full (nobody drained it): the
 *     station is learned, its event counted lost, never silent; once drained,
 *     events flow again;
 *   - learned and hand-added entries carry no remote endpoint, also where
 *     they replace an entry that had one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dpt.h"
#include "tests.h"

#define PD XBR_PORT_F_DEFAULT
#define NS_PER_S 1000000000ULL

/* Station @i of a large set: 02:00:e0:00:hi:lo. */
static void station(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = 0xe0;
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static uint32_t station_index(const uint8_t mac[6])
{
	return (uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5];
}

/* A broadcast frame from @src: learns @src, emits at most one event. */
static uint32_t frame_from(uint8_t *f, const uint8_t src[6])
{
	memset(f, 0, ETH_ZLEN);
	memset(f, 0xff, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88; /* IEEE local experimental */
	f[13] = 0xb5;
	return ETH_ZLEN;
}

/* Put @n learned entries (stations 0..n-1) on the port at @pos, straight into
 * the table: no events. */
static void fill(struct dpt *d, int pos, uint32_t n)
{
	uint8_t mac[6];
	uint32_t i;

	for (i = 0; i < n; i++) {
		station(i, mac);
		assert_int_equal(dpt_fdb_put(d, mac, (uint32_t)dpt_env.ifindex[pos], 0, d->now), 0);
	}
}

/* Run a control request without draining the ring afterwards. */
static int ctl_nodrain(struct dpt *d, struct xbr_ctl_req *req)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = req, .ctx_size_in = sizeof(*req));

	if (bpf_prog_test_run_opts(d->ctl_fd, &opts) < 0)
		return -errno;
	return req->result;
}

/* A flush of more entries than the ring holds, with a ring of @ring_size
 * bytes (0: the product's). */
static void flush_overflow(uint32_t ring_size)
{
	struct dpt *d = calloc(1, sizeof(*d));
	struct xbr_ctl_req r = { .op = XBR_OP_FLUSH, .flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC };
	struct xbr_br_stats bs;
	uint8_t *seen;
	uint32_t n, room, i, k;

	assert_non_null(d);
	assert_int_equal(dpt_open_ring(d, DPT_TC, 0, false, ring_size), 0);
	room = d->ev_room;
	assert_true(room > 0);
	n = room + 100;
	assert_true(n <= d->fdb_size);
	assert_int_equal(dpt_port_add(d, 0, PD, 0), 0);
	fill(d, 0, n);
	seen = calloc(n, 1);
	assert_non_null(seen);

	dpt_events_reset(d);
	assert_int_equal(dpt_ctl(d, &r), 0); /* drains after the run */
	assert_int_equal(r.count, n);
	assert_false(d->ev_overflow);
	assert_int_equal(dpt_br_stats(d, &bs), 0);
	print_message("  ring of %u bytes: flush of %u entries published %d events, lost %llu\n",
		      d->ring_size, n, d->nev, (unsigned long long)bs.ev_lost);
	if ((uint32_t)d->nev != room)
		fail_msg("%d events published, the ring holds %u", d->nev, room);
	if (bs.ev_lost != n - room)
		fail_msg("ev_lost %llu, expected %u", (unsigned long long)bs.ev_lost, n - room);
	assert_int_equal(bs.deleted, n); /* every deletion counted, event or not */
	for (k = 0; k < (uint32_t)d->nev; k++) {
		const struct xbr_event *e = &d->ev[k];

		i = station_index(e->mac);
		if (e->type != XBR_EV_DELETED || i >= n || seen[i] ||
		    e->ifindex != (uint32_t)dpt_env.ifindex[0])
			fail_msg("event %u: type %u for %s, not one deletion of the flush", k, e->type,
				 dpt_mac_str(e->mac));
		seen[i] = 1;
	}
	free(seen);
	assert_int_equal(dpt_learned(d, 0), 0);
	dpt_close(d);
	free(d);
}

static void test_flush_overflow(void **state)
{
	flush_overflow((uint32_t)(long)*state);
}

/* Learning while the ring is full, through @hook. */
static void test_learn_ring_full(void **state)
{
	int hook = (int)(long)*state;
	struct dpt *d = calloc(1, sizeof(*d));
	struct xbr_ctl_req r = { .op = XBR_OP_FLUSH, .flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC };
	struct xbr_br_stats bs;
	struct xbr_fdb_val v;
	struct dpt_obs o;
	uint8_t f[ETH_ZLEN], a[6] = { 0x02, 0, 0, 0, 0, 0xa }, b[6] = { 0x02, 0, 0, 0, 0, 0xb };
	uint32_t len;
	int k, ndel = 0;
	const char *why = dpt_hook_missing(hook);

	if (why) {
		DPT_SKIP(why);
	}
	assert_non_null(d);
	/* A one-page ring: filled by one flush of as many entries as it holds. */
	assert_int_equal(dpt_open_ring(d, hook, 0, false, 4096), 0);
	assert_int_equal(dpt_port_add(d, 0, PD, 0), 0);
	assert_int_equal(dpt_port_add(d, 1, PD, 0), 0);
	fill(d, 1, d->ev_room);
	r.ifindex = (uint32_t)dpt_env.ifindex[1];
	assert_int_equal(ctl_nodrain(d, &r), 0);
	assert_int_equal(r.count, d->ev_room);
	assert_int_equal(dpt_br_stats(d, &bs), 0);
	assert_int_equal(bs.ev_lost, 0); /* it held them all: full now */

	/* A new station while nobody drained: learned, its event lost and counted. */
	dpt_events_reset(d);
	len = frame_from(f, a);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, len, &o), 0);
	assert_int_equal(o.kind, DPT_FLOOD);
	assert_int_equal(dpt_fdb_get(d, a, &v), 0);
	assert_int_equal(v.ifindex, (uint32_t)dpt_env.ifindex[0]);
	assert_int_equal(dpt_br_stats(d, &bs), 0);
	assert_int_equal(bs.learned, 1);
	assert_int_equal(bs.ev_lost, 1);
	/* dpt_frame() drained the ring: the flush's events, not the lost one. */
	for (k = 0; k < d->nev; k++) {
		if (d->ev[k].type == XBR_EV_LEARNED)
			fail_msg("%s: a learned event came out of a full ring", dpt_hook_name(hook));
		ndel += d->ev[k].type == XBR_EV_DELETED;
	}
	assert_int_equal(ndel, d->ev_room);
	assert_int_equal(d->nev, d->ev_room);

	/* Drained: the next station's event is published. */
	dpt_events_reset(d);
	len = frame_from(f, b);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, len, &o), 0);
	assert_int_equal(d->nev, 1);
	assert_int_equal(d->ev[0].type, XBR_EV_LEARNED);
	assert_memory_equal(d->ev[0].mac, b, 6);
	assert_int_equal(dpt_br_stats(d, &bs), 0);
	assert_int_equal(bs.learned, 2);
	assert_int_equal(bs.ev_lost, 1);
	dpt_close(d);
	free(d);
}

static void assert_no_remote(const struct xbr_fdb_val *v, const char *what)
{
	if (v->remote[0] | v->remote[1] | v->remote[2] | v->remote[3])
		fail_msg("%s: remote %08x %08x %08x %08x, expected none", what, v->remote[0],
			 v->remote[1], v->remote[2], v->remote[3]);
}

/* Learned and hand-added entries are local, even over one that was remote. */
static void test_local_entries(void **state)
{
	int hook = (int)(long)*state;
	struct dpt *d = calloc(1, sizeof(*d));
	struct xbr_fdb_key k = { .mac = { 0x02, 0, 0, 0, 0, 0xa } };
	struct xbr_fdb_val v, old = { .flags = XBR_FDB_F_REMOTE | XBR_FDB_F_REMOTE6,
				      .remote = { 0x20010db8, 1, 2, 3 } };
	struct xbr_ctl_req r = { .op = XBR_OP_REPLACE, .flags = XBR_FDB_F_STATIC };
	struct dpt_obs o;
	uint8_t f[ETH_ZLEN], c[6] = { 0x02, 0, 0, 0, 0, 0xc };
	uint32_t len;
	const char *why = dpt_hook_missing(hook);

	if (why) {
		DPT_SKIP(why);
	}
	assert_non_null(d);
	assert_int_equal(dpt_open_hook(d, hook, 0, false), 0);
	assert_int_equal(dpt_port_add(d, 0, PD, 0), 0);
	assert_int_equal(dpt_port_add(d, 1, PD, 0), 0);

	/* A new station. */
	len = frame_from(f, c);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, len, &o), 0);
	assert_int_equal(dpt_fdb_get(d, c, &v), 0);
	assert_int_equal(v.flags, 0);
	assert_no_remote(&v, "learned entry");

	/* A remote entry that expired, relearned on a local port. */
	old.ifindex = (uint32_t)dpt_env.ifindex[1];
	old.updated_ns = d->now - 2 * d->cfg.ageing_ns;
	assert_int_equal(bpf_map_update_elem(d->fdb_fd, &k, &old, BPF_NOEXIST), 0);
	len = frame_from(f, k.mac);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, len, &o), 0);
	assert_int_equal(dpt_fdb_get(d, k.mac, &v), 0);
	assert_int_equal(v.ifindex, (uint32_t)dpt_env.ifindex[0]);
	assert_int_equal(v.flags, 0);
	assert_int_equal(v.updated_ns, d->now);
	assert_no_remote(&v, "entry relearned over an expired remote one");

	/* A remote entry replaced by hand (the control program asks for no
	 * remote endpoint: that comes with the VXLAN uplink). */
	old.updated_ns = d->now;
	assert_int_equal(bpf_map_update_elem(d->fdb_fd, &k, &old, BPF_ANY), 0);
	memcpy(r.mac, k.mac, 6);
	r.ifindex = (uint32_t)dpt_env.ifindex[1];
	r.remote[0] = 0xc0000201;
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(dpt_fdb_get(d, k.mac, &v), 0);
	assert_int_equal(v.flags, XBR_FDB_F_STATIC | XBR_FDB_F_USER);
	assert_no_remote(&v, "entry replaced by hand");
	dpt_close(d);
	free(d);
}

int run_event_tests(void)
{
	const struct CMUnitTest t[] = {
		{ "flush past the product's event ring: the rest counted in ev_lost",
		  test_flush_overflow, NULL, NULL, (void *)0L },
		{ "flush past a one-page event ring: the rest counted in ev_lost",
		  test_flush_overflow, NULL, NULL, (void *)4096L },
		{ "tc learns while the event ring is full: counted in ev_lost", test_learn_ring_full,
		  NULL, NULL, (void *)(long)DPT_TC },
		{ "xdp learns while the event ring is full: counted in ev_lost",
		  test_learn_ring_full, NULL, NULL, (void *)(long)DPT_XDP },
		{ "tc: learned and hand-added entries have no remote endpoint", test_local_entries,
		  NULL, NULL, (void *)(long)DPT_TC },
		{ "xdp: learned and hand-added entries have no remote endpoint", test_local_entries,
		  NULL, NULL, (void *)(long)DPT_XDP },
	};

	return dpt_run_group("datapath_events", t, sizeof(t) / sizeof(t[0]), NULL, NULL);
}
