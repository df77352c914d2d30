// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "datapath.h"

/* tc: the pinned program on the port's clsact ingress hook. */
static int tc_attach(struct xbr_bridge *br, int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1, .prog_fd = br->tc_prog_fd);
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	return bpf_tc_attach(&hook, &opts);
}

int dp_port_attach(struct xbr_bridge *br, int ifindex, int nsfd)
{
	(void)nsfd;
	return tc_attach(br, ifindex);
}
