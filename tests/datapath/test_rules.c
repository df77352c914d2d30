// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * include/xbr_rules.h compiled for user space (gcc, as the loader uses it)
 * against the BPF programs built from the same header: what user space
 * concludes from a rule must be what the datapath does.
 *   - xbr_may_flood(): a broadcast from each ingress policy (plain, isolated)
 *     reaches exactly the ports the rule names, over every flood/isolated
 *     combination of three other ports, through each hook (XDP: through the
 *     loader's devmaps, which user space fills by this rule);
 *   - xbr_fdb_expired(): a destination entry of each kind (learned, static,
 *     sticky, hand-added) around its ageing edge and stamped ahead of the
 *     clock is unicast exactly when the rule says it is fresh;
 *   - xbr_fdb_flush_match() and xbr_fdb_counted(): a flush by port and kind
 *     removes exactly the entries the rule matches, and the learned counts left
 *     are the entries the rule counts.
 * The reference model (model.c) keeps its own statement of the rules; this
 * checks the shared header, not the rules themselves.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include <cmocka.h>
#include <bpf/bpf.h>

#include "xbr_rules.h"
#include "dpt.h"
#include "tests.h"

#define L XBR_PORT_F_LEARNING
#define F XBR_PORT_F_FLOOD
#define I XBR_PORT_F_ISOLATED

static void need_hook(int hook)
{
	const char *why = dpt_hook_missing(hook);

	if (why) {
		DPT_SKIP(why);
	}
}

static uint32_t frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6])
{
	memset(f, 0, ETH_ZLEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88; /* IEEE local experimental */
	f[13] = 0xb5;
	return ETH_ZLEN;
}

static void test_flood_rule(void **state)
{
	static const uint32_t pol[4] = { 0, F, I, F | I };
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	int hook = (int)(long)*state, in, c, pos;
	struct dpt *d = calloc(1, sizeof(*d));
	uint8_t f[ETH_ZLEN], src[6] = { 0x02, 0, 0, 0, 0, 0x50 };
	uint32_t in_flags, flags[4], want, len;
	struct dpt_obs o;

	need_hook(hook);
	assert_non_null(d);
	assert_int_equal(dpt_open_hook(d, hook, 0, false), 0);
	for (pos = 0; pos < 4; pos++)
		assert_int_equal(dpt_port_add(d, pos, L | F, 0), 0);
	for (in = 0; in < 2; in++) {
		in_flags = F | (in ? I : 0);
		assert_int_equal(dpt_port_set(d, 0, in_flags, 0), 0);
		for (c = 0; c < 64; c++) {
			want = 0;
			for (pos = 1; pos < 4; pos++) {
				flags[pos] = pol[(c >> (2 * (pos - 1))) & 3];
				assert_int_equal(dpt_port_set(d, pos, flags[pos], 0), 0);
				if (xbr_may_flood(in_flags, flags[pos]))
					want |= 1u << pos;
			}
			len = frame(f, bc, src);
			assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, len, &o), 0);
			if (o.kind != DPT_FLOOD || o.txmask != want)
				fail_msg("%s: broadcast from a port with flags %#x, the others %#x %#x "
					 "%#x: %s to %#x, xbr_may_flood() says flood to %#x (%s)",
					 dpt_hook_name(hook), in_flags, flags[1], flags[2], flags[3],
					 dpt_kind_str(o.kind), o.txmask, want, o.why);
		}
	}
	dpt_close(d);
	free(d);
}

static void test_expiry_rule(void **state)
{
	static const uint32_t kinds[] = { 0, XBR_FDB_F_STATIC | XBR_FDB_F_USER,
					  XBR_FDB_F_STICKY | XBR_FDB_F_USER, XBR_FDB_F_USER };
	static const long long edge[] = { -1000000, -2, -1, 0, 1, 2, 1000000 };
	int hook = (int)(long)*state, k, e, ahead;
	struct dpt *d = calloc(1, sizeof(*d));
	uint8_t f[ETH_ZLEN], a[6] = { 0x02, 0, 0, 0, 0, 0xa }, b[6] = { 0x02, 0, 0, 0, 0, 0xb };
	struct xbr_fdb_key key = {};
	struct xbr_fdb_val v = {};
	uint64_t ageing = 30ULL * 1000000000ULL;
	uint32_t len;
	struct dpt_obs o;
	int fresh, n = 0;

	need_hook(hook);
	assert_non_null(d);
	assert_int_equal(dpt_open_hook(d, hook, 0, false), 0);
	assert_int_equal(dpt_port_add(d, 0, F, 0), 0); /* no learning: A stays out */
	assert_int_equal(dpt_port_add(d, 1, L | F, 0), 0);
	assert_int_equal(dpt_set_ageing(d, ageing), 0);
	memcpy(key.mac, b, 6);
	for (k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++) {
		for (ahead = 0; ahead < 2; ahead++) {
			for (e = 0; e < (int)(sizeof(edge) / sizeof(edge[0])); e++) {
				v.ifindex = (uint32_t)dpt_env.ifindex[1];
				v.flags = kinds[k];
				/* Around the ageing edge, or stamped ahead of the clock. */
				v.updated_ns = ahead ? d->now + 1000 + (uint64_t)(e * 1000) :
						       (uint64_t)((long long)(d->now - ageing) + edge[e]);
				assert_int_equal(bpf_map_update_elem(d->fdb_fd, &key, &v, BPF_ANY), 0);
				fresh = !xbr_fdb_expired(v.flags, v.updated_ns, ageing, d->now);
				len = frame(f, b, a);
				assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, len, &o),
						 0);
				if (o.kind != (fresh ? DPT_UNICAST : DPT_FLOOD))
					fail_msg("%s: entry flags %#x updated %lld ns from now, ageing "
						 "%llu ns: %s, xbr_fdb_expired() says %s",
						 dpt_hook_name(hook), v.flags,
						 (long long)v.updated_ns - (long long)d->now,
						 (unsigned long long)ageing, dpt_kind_str(o.kind),
						 fresh ? "fresh" : "expired");
				n++;
			}
		}
	}
	print_message("  %d entries at the edges, each as xbr_fdb_expired() says\n", n);
	dpt_close(d);
	free(d);
}

/* Flush by every port filter and kind over a table of every kind on every
 * port; the control program is the same for both hooks. */
static void test_flush_rule(void **state)
{
	static const uint32_t kinds[] = { 0, XBR_FDB_F_STATIC | XBR_FDB_F_USER,
					  XBR_FDB_F_STICKY | XBR_FDB_F_USER, XBR_FDB_F_USER,
					  XBR_FDB_F_STICKY };
	struct dpt *d = calloc(1, sizeof(*d));
	struct xbr_ctl_req r;
	struct xbr_fdb_val v;
	uint32_t want_kinds, want_if, nk = sizeof(kinds) / sizeof(kinds[0]), removed, counted;
	uint8_t mac[6];
	int filt, pos, k, err;

	(void)state;
	assert_non_null(d);
	assert_int_equal(dpt_open(d, 0), 0);
	for (pos = 0; pos < 3; pos++)
		assert_int_equal(dpt_port_add(d, pos, L | F, 0), 0);
	for (filt = 0; filt < 4 * 3; filt++) {
		want_if = filt % 4 == 3 ? 0 : (uint32_t)dpt_env.ifindex[filt % 4];
		want_kinds = (uint32_t)(filt / 4 + 1); /* DYNAMIC, STATIC, both */
		/* Every kind on every port. */
		for (pos = 0; pos < 3; pos++)
			for (k = 0; k < (int)nk; k++) {
				mac[0] = 0x02;
				mac[1] = 0;
				mac[2] = 0;
				mac[3] = 0;
				mac[4] = (uint8_t)pos;
				mac[5] = (uint8_t)k;
				err = dpt_fdb_put(d, mac, (uint32_t)dpt_env.ifindex[pos], kinds[k],
						  d->now);
				assert_int_equal(err, 0);
			}
		r = (struct xbr_ctl_req){ .op = XBR_OP_FLUSH, .ifindex = want_if,
					  .flags = want_kinds };
		assert_int_equal(dpt_ctl(d, &r), 0);
		removed = 0;
		for (pos = 0; pos < 3; pos++) {
			counted = 0;
			for (k = 0; k < (int)nk; k++) {
				uint32_t ifi = (uint32_t)dpt_env.ifindex[pos];
				int match = xbr_fdb_flush_match(ifi, kinds[k], want_if, want_kinds);

				mac[4] = (uint8_t)pos;
				mac[5] = (uint8_t)k;
				err = dpt_fdb_get(d, mac, &v);
				if (match != (err == -ENOENT))
					fail_msg("flush of port %u kinds %#x: entry on port %d flags %#x "
						 "%s, xbr_fdb_flush_match() says %d",
						 want_if, want_kinds, pos, kinds[k],
						 err ? "removed" : "kept", match);
				removed += (uint32_t)match;
				if (!match && xbr_fdb_counted(kinds[k]))
					counted++;
			}
			if (dpt_learned(d, pos) != counted)
				fail_msg("flush of port %u kinds %#x: learned count of port %d is %u, "
					 "the entries left that xbr_fdb_counted() counts %u",
					 want_if, want_kinds, pos, dpt_learned(d, pos), counted);
		}
		assert_int_equal(r.count, removed);
		/* Empty the table for the next filter. */
		r = (struct xbr_ctl_req){ .op = XBR_OP_FLUSH,
					  .flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC };
		assert_int_equal(dpt_ctl(d, &r), 0);
	}
	dpt_close(d);
	free(d);
}

int run_rule_tests(void)
{
	const struct CMUnitTest t[] = {
		{ "tc floods as xbr_may_flood() says", test_flood_rule, NULL, NULL,
		  (void *)(long)DPT_TC },
		{ "xdp floods as xbr_may_flood() says (the loader's devmaps)", test_flood_rule,
		  NULL, NULL, (void *)(long)DPT_XDP },
		{ "tc ages entries as xbr_fdb_expired() says", test_expiry_rule, NULL, NULL,
		  (void *)(long)DPT_TC },
		{ "xdp ages entries as xbr_fdb_expired() says", test_expiry_rule, NULL, NULL,
		  (void *)(long)DPT_XDP },
		{ "flush takes the entries xbr_fdb_flush_match() matches", test_flush_rule, NULL,
		  NULL, NULL },
	};

	return dpt_run_group("datapath_rules", t, sizeof(t) / sizeof(t[0]), NULL, NULL);
}
