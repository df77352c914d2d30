// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A one-line XDP forwarder for tools/bench/xdp-stall.sh, the reproducer of
 * the "XDP stall" without xbr: attached in native mode on a host-side veth
 * end, it redirects every frame to one fixed other host end, nothing else
 * (no devmap, no egress program, no lookup).
 *
 *   clang -O2 -target bpf -DREDIRECT_IFINDEX=N -c xdp-redirect.bpf.c -o r-N.o
 *   ip link set dev P xdpdrv obj r-N.o sec xdp
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef REDIRECT_IFINDEX
#error "build with -DREDIRECT_IFINDEX=<ifindex of the destination host end>"
#endif

SEC("xdp")
int xdp_redirect_fixed(struct xdp_md *ctx)
{
	return bpf_redirect(REDIRECT_IFINDEX, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
