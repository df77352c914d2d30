// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * XDP-only parts of the datapath that the fixture table and the model (run
 * with the XDP hook too) reach only through their effects:
 *   - the loader's devmap membership (dp_devmaps_sync, user/datapath.c): every
 *     port in xbr_xdp_tx, FLOOD ports in xbr_xdp_flood, FLOOD and not ISOLATED
 *     ports in xbr_xdp_flood_iso, each entry carrying the egress counter
 *     program, kept right across policy changes and port removal;
 *   - the flood map an ingress port's broadcast goes through (trace);
 *   - a frame from a device that is not a port is passed (to tc, which drops
 *     it), with nothing counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xbr.h"
#include "xbr_xdp.skel.h"
#include "dpt.h"
#include "tests.h"

#define PD XBR_PORT_F_DEFAULT
#define ISO XBR_PORT_F_ISOLATED

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* Bit per position of the ports present in devmap @fd; fails the test when an
 * entry's ifindex or program is not the expected one. */
static uint32_t devmap_members(struct dpt *d, int fd)
{
	uint32_t key, next, *prev = NULL, mask = 0, egress = prog_id(d->xegress_fd);
	struct bpf_devmap_val v;
	int pos;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		assert_int_equal(bpf_map_lookup_elem(fd, &key, &v), 0);
		pos = dpt_pos_of(d, key);
		if (pos < 0)
			fail_msg("devmap holds ifindex %u, which is not a port", key);
		assert_int_equal(v.ifindex, key);
		/* Userspace reads back the program's id. */
		assert_int_equal(v.bpf_prog.id, egress);
		mask |= 1u << pos;
	}
	return mask;
}

#define O(p) (1u << (p))

static void expect_maps(struct dpt *d, uint32_t tx, uint32_t flood, uint32_t iso)
{
	uint32_t got_tx = devmap_members(d, d->xtx_fd);
	uint32_t got_flood = devmap_members(d, d->xflood_fd);
	uint32_t got_iso = devmap_members(d, d->xiso_fd);

	if (got_tx != tx || got_flood != flood || got_iso != iso)
		fail_msg("devmaps by position: tx 0x%x flood 0x%x flood_iso 0x%x, expected 0x%x 0x%x 0x%x",
			 got_tx, got_flood, got_iso, tx, flood, iso);
}

static void test_devmaps_follow_policy(void **state)
{
	struct dpt *d = calloc(1, sizeof(*d));

	(void)state;
	assert_non_null(d);
	assert_int_equal(dpt_open_hook(d, DPT_XDP, 0, false), 0);
	assert_int_equal(dpt_port_add(d, 0, PD, 0), 0);
	assert_int_equal(dpt_port_add(d, 1, PD | ISO, 0), 0);
	assert_int_equal(dpt_port_add(d, 2, XBR_PORT_F_LEARNING, 0), 0); /* flood off */
	assert_int_equal(dpt_port_add(d, 3, XBR_PORT_F_LEARNING | ISO, 0), 0);
	expect_maps(d, O(0) | O(1) | O(2) | O(3), O(0) | O(1), O(0));

	assert_int_equal(dpt_port_set(d, 2, PD, 0), 0); /* flood on */
	expect_maps(d, O(0) | O(1) | O(2) | O(3), O(0) | O(1) | O(2), O(0) | O(2));
	assert_int_equal(dpt_port_set(d, 0, PD | ISO, 0), 0);
	expect_maps(d, O(0) | O(1) | O(2) | O(3), O(0) | O(1) | O(2), O(2));
	assert_int_equal(dpt_port_set(d, 1, XBR_PORT_F_LEARNING, 0), 0); /* flood off, not iso */
	expect_maps(d, O(0) | O(1) | O(2) | O(3), O(0) | O(2), O(2));
	assert_int_equal(dpt_port_del(d, 2), 0);
	expect_maps(d, O(0) | O(1) | O(3), O(0), 0);
	dpt_close(d);
	free(d);
}

struct test_frame {
	struct ethhdr eth;
	uint8_t payload[50];
} __attribute__((packed));

static void frame(struct test_frame *f, const char *dst, const char *src)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(dpt_mac_parse(dst, f->eth.h_dest), 0);
	assert_int_equal(dpt_mac_parse(src, f->eth.h_source), 0);
	f->eth.h_proto = __builtin_bswap16(0x88b5);
}

/* Run the XDP program without carrying out its verdict: retval and trace. */
static int run_plain(struct dpt *d, int pos, struct test_frame *f, struct xbr_xdp_decision *t)
{
	struct xdp_md ctx = { .data_end = sizeof(*f),
			      .ingress_ifindex = (__u32)dpt_env.ifindex[pos] };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f, .data_size_in = sizeof(*f),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	memset(&d->xdp->bss->xbr_xdp_last, 0, sizeof(*t));
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(d->xdp->progs.xbr_xdp_ingress),
						&opts),
			 0);
	*t = d->xdp->bss->xbr_xdp_last;
	return (int)opts.retval;
}

static void test_flood_map_choice(void **state)
{
	struct dpt *d = calloc(1, sizeof(*d));
	struct xbr_xdp_decision t;
	struct test_frame f;
	struct dpt_port_snap s;

	(void)state;
	assert_non_null(d);
	assert_int_equal(dpt_open_hook(d, DPT_XDP, 0, false), 0);
	assert_int_equal(dpt_port_add(d, 0, PD, 0), 0);
	assert_int_equal(dpt_port_add(d, 1, PD | ISO, 0), 0);
	assert_int_equal(dpt_port_add(d, 2, PD, 0), 0);

	/* Broadcast from a plain port: the map of every FLOOD port. */
	frame(&f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01");
	assert_int_equal(run_plain(d, 0, &f, &t), XDP_REDIRECT);
	assert_int_equal(t.verdict, XBR_V_FLOOD);
	assert_int_equal(t.flood_map, XBR_XDP_FLOOD_ALL);
	/* From an isolated port: the map without isolated ports. */
	frame(&f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:02");
	assert_int_equal(run_plain(d, 1, &f, &t), XDP_REDIRECT);
	assert_int_equal(t.flood_map, XBR_XDP_FLOOD_ISO);
	/* Known unicast: the tx devmap, keyed by the egress ifindex. */
	frame(&f, "02:00:00:00:00:01", "02:00:00:00:00:03");
	assert_int_equal(run_plain(d, 2, &f, &t), XDP_REDIRECT);
	assert_int_equal(t.verdict, XBR_V_UNICAST);
	assert_int_equal(t.out_ifindex, (uint32_t)dpt_env.ifindex[0]);

	/* Not a port: passed on to tc (which drops it), nothing counted. */
	frame(&f, "02:00:00:00:00:01", "02:00:00:00:00:07");
	assert_int_equal(run_plain(d, DPT_POS_FOREIGN, &f, &t), XDP_PASS);
	assert_int_equal(t.reason, XBR_DROP_NOPORT);
	for (int pos = 0; pos < 3; pos++) {
		assert_int_equal(dpt_port_stats(d, pos, &s), 0);
		assert_int_equal(s.drops[XBR_DROP_NOPORT], 0);
	}
	assert_int_equal(dpt_port_stats(d, 0, &s), 0);
	assert_int_equal(s.rx_packets, 1); /* only the first broadcast */
	dpt_close(d);
	free(d);
}

int run_xdp_tests(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_devmaps_follow_policy),
		cmocka_unit_test(test_flood_map_choice),
	};

	return dpt_run_group("datapath_xdp", t, sizeof(t) / sizeof(t[0]), NULL, NULL);
}
