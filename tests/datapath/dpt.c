// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Datapath test harness (see dpt.h), the programs: the tc, control and XDP
 * objects loaded from their skeletons with private maps shared with the tc
 * object's, the probe of what the kernel can run, and the event ring.
 * The maps are set up in dpt_maps.c, frames run in dpt_run.c, the veth pairs
 * made in dpt_env.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dpt.h"

/* The kernel's ENOTSUPP (include/linux/errno.h), not in user headers. */
#define ENOTSUPP_DPT 524
#include "xbr_tc.skel.h"
#include "xbr_ctl.skel.h"
#include "xbr_xdp.skel.h"

bool dpt_test_tunnel;

static int on_event(void *ctx, void *data, size_t size)
{
	struct dpt *d = ctx;

	if (size < sizeof(struct xbr_event))
		return 0;
	if (d->nev >= d->ev_cap) {
		int cap = d->ev_cap ? 2 * d->ev_cap : 1024;
		struct xbr_event *ev = realloc(d->ev, (size_t)cap * sizeof(*ev));

		if (!ev) {
			d->ev_overflow = true;
			return 0;
		}
		d->ev = ev;
		d->ev_cap = cap;
	}
	memcpy(&d->ev[d->nev++], data, sizeof(struct xbr_event));
	return 0;
}

uint32_t dpt_ring_room(uint32_t ring_size)
{
	uint32_t rec = (BPF_RINGBUF_HDR_SZ + (uint32_t)sizeof(struct xbr_event) + 7) & ~7u;

	return ring_size ? (ring_size - 1) / rec : 0;
}

static void unpin_all(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		bpf_map__set_pin_path(m, NULL);
}

int dpt_open(struct dpt *d, uint32_t fdb_size)
{
	return dpt_open_hook(d, DPT_TC, fdb_size, false);
}

const char *dpt_hook_name(int hook)
{
	return hook == DPT_XDP ? "xdp" : "tc";
}

/* Only a kernel without the feature makes a test skip: these are the errors
 * such a kernel gives (an unknown program type or test_run flag). */
static int feature_errno(int e)
{
	return e == EINVAL || e == EOPNOTSUPP || e == ENOTSUPP_DPT;
}

/* Anything else (no permission, a bad interface of the test's own set-up,
 * no memory) is a broken test environment: said, and the run fails. */
static void probe_broken(const char *what, int e)
{
	fprintf(stderr, "test_datapath: the XDP probe failed (%s: %s), which is not a missing kernel feature: failing, not skipping\n",
		what, strerror(e));
	printf("FAIL XDP probe: %s: %s\n", what, strerror(e));
	fflush(stdout);
	exit(1);
}

const char *dpt_hook_missing(int hook)
{
	static int probed = -1;
	static char why[160];
	struct bpf_insn prog[] = {
		/* r0 = XDP_PASS; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	uint8_t frame[ETH_ZLEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
	struct xdp_md ctx = { .data_end = sizeof(frame), .ingress_ifindex = 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	int fd;

	if (hook != DPT_XDP)
		return NULL;
	if (probed >= 0)
		return probed ? why : NULL;
	probed = 1;
	ctx.ingress_ifindex = (__u32)dpt_env.ifindex[0];
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "dpt_probe", "GPL", prog, 2, NULL);
	if (fd < 0) {
		if (!feature_errno(errno))
			probe_broken("loading a two-instruction XDP program", errno);
		snprintf(why, sizeof(why), "cannot load an XDP program: %s", strerror(errno));
		return why;
	}
	if (bpf_prog_test_run_opts(fd, &opts) < 0) {
		if (!feature_errno(errno))
			probe_broken("BPF_PROG_TEST_RUN of it with BPF_F_TEST_XDP_LIVE_FRAMES", errno);
		snprintf(why, sizeof(why),
			 "BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES fails: %s (kernel < 5.18?)",
			 strerror(errno));
		close(fd);
		return why;
	}
	close(fd);
	probed = 0;
	return NULL;
}

/* Point every map of @obj that @tc also has at the tc object's map. */
static int share_maps(struct bpf_object *obj, struct bpf_object *tc)
{
	struct bpf_map *m, *tm;
	int err;

	bpf_object__for_each_map(m, obj) {
		if (bpf_map__is_internal(m))
			continue;
		tm = bpf_object__find_map_by_name(tc, bpf_map__name(m));
		if (!tm)
			continue;
		err = bpf_map__reuse_fd(m, bpf_map__fd(tm));
		if (err)
			return err;
	}
	return 0;
}

int dpt_open_hook(struct dpt *d, int hook, uint32_t fdb_size, bool real_clock)
{
	return dpt_open_ring(d, hook, fdb_size, real_clock, 0);
}

int dpt_open_ring(struct dpt *d, int hook, uint32_t fdb_size, bool real_clock,
		  uint32_t ring_size)
{
	int err, i;

	memset(d, 0, sizeof(*d));
	d->hook = hook;
	d->ncpu = libbpf_num_possible_cpus();
	if (d->ncpu < 1)
		return -EINVAL;
	d->tc = xbr_tc__open();
	if (!d->tc)
		return -errno;
	/* Private maps: never touch (or reuse) a running bridge's pins. */
	unpin_all(d->tc->obj);
	d->tc->rodata->xbr_test_clock = !real_clock;
	d->tc->rodata->xbr_test_tunnel = dpt_test_tunnel;
	d->fdb_size = fdb_size ? fdb_size : XBR_FDB_DEFAULT_SIZE;
	err = bpf_map__set_max_entries(d->tc->maps.xbr_fdb, d->fdb_size);
	if (!err && ring_size)
		err = bpf_map__set_max_entries(d->tc->maps.xbr_events, ring_size);
	d->ring_size = bpf_map__max_entries(d->tc->maps.xbr_events);
	d->ev_room = dpt_ring_room(d->ring_size);
	if (!err)
		err = xbr_tc__load(d->tc);
	if (err)
		goto fail;

	d->ctl = xbr_ctl__open();
	if (!d->ctl) {
		err = -errno;
		goto fail;
	}
	unpin_all(d->ctl->obj);
	d->ctl->rodata->xbr_test_clock = !real_clock;
	/* The control program works on the datapath's maps (as the loader's pins do). */
	err = share_maps(d->ctl->obj, d->tc->obj);
	if (!err)
		err = xbr_ctl__load(d->ctl);
	if (err)
		goto fail;

	d->prog_fd = bpf_program__fd(d->tc->progs.xbr_tc_ingress);
	err = dpt_env_peers_gro(hook == DPT_XDP);
	if (err)
		goto fail;
	if (hook == DPT_XDP) {
		d->xdp = xbr_xdp__open();
		if (!d->xdp) {
			err = -errno;
			goto fail;
		}
		unpin_all(d->xdp->obj);
		d->xdp->rodata->xbr_test_clock = !real_clock;
		d->xdp->rodata->xbr_xdp_trace = 1;
		err = share_maps(d->xdp->obj, d->tc->obj);
		if (!err)
			err = xbr_xdp__load(d->xdp);
		if (err)
			goto fail;
		d->prog_fd = bpf_program__fd(d->xdp->progs.xbr_xdp_ingress);
		d->xegress_fd = bpf_program__fd(d->xdp->progs.xbr_xdp_egress);
		d->xtx_fd = bpf_map__fd(d->xdp->maps.xbr_xdp_tx);
		d->xflood_fd = bpf_map__fd(d->xdp->maps.xbr_xdp_flood);
		d->xiso_fd = bpf_map__fd(d->xdp->maps.xbr_xdp_flood_iso);
	}
	d->ctl_fd = bpf_program__fd(d->ctl->progs.xbr_ctl);
	d->fdb_fd = bpf_map__fd(d->tc->maps.xbr_fdb);
	d->ports_fd = bpf_map__fd(d->tc->maps.xbr_ports);
	d->flood_fd = bpf_map__fd(d->tc->maps.xbr_flood);
	d->config_fd = bpf_map__fd(d->tc->maps.xbr_config);
	d->pstats_fd = bpf_map__fd(d->tc->maps.xbr_port_stats);
	d->learned_fd = bpf_map__fd(d->tc->maps.xbr_learned);
	d->brstats_fd = bpf_map__fd(d->tc->maps.xbr_br_stats);
	d->clock_fd = bpf_map__fd(d->tc->maps.xbr_clock);
	d->rb = ring_buffer__new(bpf_map__fd(d->tc->maps.xbr_events), on_event, d, NULL);
	if (!d->rb) {
		err = -errno;
		goto fail;
	}
	for (i = 0; i < DPT_NPOS; i++)
		d->slot_pos[i] = -1;
	d->cfg.ageing_ns = (uint64_t)XBR_AGEING_DEFAULT_SEC * 1000000000ULL;
	d->cfg.fdb_size = d->fdb_size;
	if (inet_pton(AF_INET6, DPT_PREFIX6, d->cfg.subnet6) != 1) {
		err = -EINVAL;
		goto fail;
	}
	d->cfg.plen6 = DPT_PLEN6;
	err = dpt_set_ageing(d, d->cfg.ageing_ns);
	if (!err)
		err = dpt_set_clock(d, 1000ULL * 1000000000ULL);
	if (err)
		goto fail;
	return 0;
fail:
	if (err > 0)
		err = -err;
	dpt_close(d);
	return err ? err : -EINVAL;
}

void dpt_close(struct dpt *d)
{
	ring_buffer__free(d->rb);
	d->rb = NULL;
	free(d->ev);
	d->ev = NULL;
	d->nev = d->ev_cap = 0;
	xbr_xdp__destroy(d->xdp);
	d->xdp = NULL;
	xbr_ctl__destroy(d->ctl);
	d->ctl = NULL;
	xbr_tc__destroy(d->tc);
	d->tc = NULL;
}

void dpt_events_reset(struct dpt *d)
{
	d->nev = 0;
	d->ev_overflow = false;
}

int dpt_events_drain(struct dpt *d)
{
	int n = ring_buffer__consume(d->rb);

	return n < 0 ? n : 0;
}
