// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `test_datapath cost` (make bench-dp): what xbr's own work costs per frame,
 * in nanoseconds, measured in the kernel by BPF_PROG_TEST_RUN (.repeat, the
 * kernel's average over the runs) on the real programs with the real clock,
 * beside the floor: a program that is only bpf_redirect_peer() to a fixed
 * port, measured the same way. Nothing here is asserted (speed never is in
 * tests); it runs only when named on the command line.
 *
 * The figures exclude what the kernel does around the program (veth, skb,
 * the receiving stack), the same for xbr and the floor: they are the part of
 * a frame's cost that xbr's code decides. Flood figures include the clones,
 * which bpf_clone_redirect() transmits for real into the test's veths.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include "dpt.h"
#include "xbr_rules.h"
#include "pins.h"
#include "tests.h"

#define COST_REPEAT 200000

/* The floor: r1 = @ifindex; r2 = 0; call bpf_redirect_peer; exit. */
static int floor_prog(int ifindex)
{
	struct bpf_insn insn[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = ifindex },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect_peer },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "xbr_floor", "GPL", insn,
			     sizeof(insn) / sizeof(insn[0]), NULL);
}

/* Average ns of one run of @fd on @frame entering @ifindex (best of 3). */
static double cost_run(int fd, int xdp, uint32_t ifindex, const void *frame, uint32_t len,
		       int *retval)
{
	double best = 0;
	int i;

	for (i = 0; i < 3; i++) {
		struct __sk_buff skb = { .ifindex = ifindex };
		struct xdp_md xm = { .data_end = len, .ingress_ifindex = ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
			    .repeat = COST_REPEAT);

		if (xdp) {
			o.ctx_in = &xm;
			o.ctx_size_in = sizeof(xm);
		} else {
			o.ctx_in = &skb;
			o.ctx_size_in = sizeof(skb);
		}
		if (bpf_prog_test_run_opts(fd, &o) < 0)
			return -1;
		*retval = (int)o.retval;
		if (!i || o.duration < best)
			best = o.duration;
	}
	return best;
}

/* One run of @fd on @frame (to learn its source). 0 or -1 (errno). */
static int cost_once(int fd, int xdp, uint32_t ifindex, const void *frame, uint32_t len)
{
	struct __sk_buff skb = { .ifindex = ifindex };
	struct xdp_md xm = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len);

	o.ctx_in = xdp ? (void *)&xm : (void *)&skb;
	o.ctx_size_in = xdp ? sizeof(xm) : sizeof(skb);
	return bpf_prog_test_run_opts(fd, &o) < 0 ? -1 : 0;
}

static void frame_l2(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memset(f, 0, 60);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
}

static void report(const char *what, double ns, double floor_ns, int ret)
{
	if (ns < 0)
		printf("  %-50s  test_run failed: %s\n", what, strerror(errno));
	else if (floor_ns > 0)
		printf("  %-50s %7.1f ns  (floor + %5.1f ns)  ret %d\n", what, ns, ns - floor_ns,
		       ret);
	else
		printf("  %-50s %7.1f ns  ret %d\n", what, ns, ret);
}

static int cost_hook(int hook)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t s[DPT_NPOS][6], f[64];
	uint32_t a[DPT_NPOS];
	struct dpt d;
	double fl = 0, ns;
	char what[80];
	int err, pos, ret = 0, ffd = -1;

	err = dpt_open_hook(&d, hook, 0, true);
	if (err) {
		printf("cost %s: cannot load: %s\n", dpt_hook_name(hook), strerror(-err));
		return 1;
	}
	for (pos = 0; pos < 2; pos++) {
		dpt_station(pos, s[pos], &a[pos]);
		err = dpt_port_add(&d, pos, XBR_PORT_F_DEFAULT | XBR_PORT_F_PEER, 0);
		if (err)
			goto out;
	}
	/* Each station speaks once: learned as the datapath learns. */
	for (pos = 0; pos < 2; pos++) {
		frame_l2(f, bc, s[pos], 0x88b5);
		if (cost_once(d.prog_fd, hook == DPT_XDP, (uint32_t)dpt_env.ifindex[pos], f, 60)) {
			err = -errno;
			goto out;
		}
	}
	printf("cost %s (ns per frame, BPF_PROG_TEST_RUN x %d, best of 3):\n",
	       dpt_hook_name(hook), COST_REPEAT);
	frame_l2(f, s[1], s[0], 0x88b5);
	if (hook == DPT_TC) {
		ffd = floor_prog(dpt_env.ifindex[1]);
		if (ffd >= 0) {
			fl = cost_run(ffd, 0, (uint32_t)dpt_env.ifindex[0], f, 60, &ret);
			report("floor (only bpf_redirect_peer)", fl, 0, ret);
		}
	}
	ns = cost_run(d.prog_fd, hook == DPT_XDP, (uint32_t)dpt_env.ifindex[0], f, 60, &ret);
	report("known unicast, clock by helper (uncalibrated)", ns, fl, ret);
	/* As the loader does at `up`: the jiffies clock (struct xbr_config). */
	if (xbr_clock_calibrate(d.ctl_fd, &d.cfg) == 0 &&
	    bpf_map_update_elem(d.config_fd, &(__u32){ 0 }, &d.cfg, BPF_ANY) == 0) {
		ns = cost_run(d.prog_fd, hook == DPT_XDP, (uint32_t)dpt_env.ifindex[0], f, 60,
			      &ret);
		report("known unicast, 60 bytes", ns, fl, ret);
	} else {
		printf("  (jiffies clock not calibrated: the helper stays)\n");
	}
	/* Floods: broadcast from port 0 to 1..n-1 (clones sent for real). */
	for (pos = 2; pos < DPT_POS_FOREIGN; pos++) {
		if (dpt_port_add(&d, pos, XBR_PORT_F_DEFAULT | XBR_PORT_F_PEER, 0))
			break;
		if (pos != 3 && pos != DPT_POS_FOREIGN - 1)
			continue;
		frame_l2(f, bc, s[0], 0x88b5);
		snprintf(what, sizeof(what), "flood (broadcast) to %d ports", pos);
		ns = cost_run(d.prog_fd, hook == DPT_XDP, (uint32_t)dpt_env.ifindex[0], f, 60,
			      &ret);
		report(what, ns, 0, ret);
	}
	/* Known unicast again with the port table full (XBR_MAX_PORTS records)
	 * and as many more stations in the forwarding table: the cost must not
	 * depend on the bridge's size (hash lookups; the flood list is not
	 * walked for a unicast). */
	{
		struct xbr_port fake = {};
		struct xbr_fdb_val v = {};
		struct xbr_fdb_key k = {};
		__u32 i, nrec = 0, nfdb = 0;

		for (i = 0; i < XBR_MAX_PORTS; i++) {
			fake.ifindex = 1000000 + i;
			fake.flags = XBR_PORT_F_DEFAULT | XBR_PORT_F_PEER;
			fake.idx = i % XBR_MAX_PORTS;
			if (bpf_map_update_elem(d.ports_fd, &fake.ifindex, &fake, BPF_NOEXIST) == 0)
				nrec++;
			k.mac[0] = 0x0a;
			k.mac[1] = 0x59;
			memcpy(k.mac + 2, &i, 4);
			v.ifindex = fake.ifindex;
			v.flags = xbr_fdb_out(fake.flags, fake.idx);
			v.updated_ns = 0;
			v.flags |= XBR_FDB_F_STATIC;
			if (bpf_map_update_elem(d.fdb_fd, &k, &v, BPF_NOEXIST) == 0)
				nfdb++;
		}
		frame_l2(f, s[1], s[0], 0x88b5);
		ns = cost_run(d.prog_fd, hook == DPT_XDP, (uint32_t)dpt_env.ifindex[0], f, 60,
			      &ret);
		snprintf(what, sizeof(what), "known unicast, %u port records, +%u stations",
			 nrec + (__u32)d.cfg.nports, nfdb);
		report(what, ns, fl, ret);
	}
	err = 0;
out:
	if (err)
		printf("cost %s: setup failed: %s\n", dpt_hook_name(hook), strerror(-err));
	if (ffd >= 0)
		close(ffd);
	dpt_close(&d);
	return err ? 1 : 0;
}

int run_cost(void)
{
	int failed = 0;

	failed += cost_hook(DPT_TC);
	if (!dpt_hook_missing(DPT_XDP))
		failed += cost_hook(DPT_XDP);
	return failed;
}
