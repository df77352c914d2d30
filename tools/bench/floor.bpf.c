// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The "floor" of xbr's tc design, for the benchmark only (tools/bench/run.sh,
 * mode `floor`): on the tc ingress hook of a host-side veth end, hand every
 * frame to the namespace end of one fixed other port with bpf_redirect_peer()
 * and do nothing else. No parsing, no lookup, no counter: what is left is the
 * cost of the hook and the redirect, which xbr's tc program cannot go below.
 *
 * The harness compiles one object per destination, with the destination
 * port's ifindex as a constant:
 *   clang -O2 -target bpf -DFLOOR_PEER_IFINDEX=N -c floor.bpf.c -o floor-N.o
 * and attaches it with `tc filter add dev P ingress bpf da obj floor-N.o sec tc`.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#ifndef FLOOR_PEER_IFINDEX
#error "build with -DFLOOR_PEER_IFINDEX=<ifindex of the destination port>"
#endif

SEC("tc")
int floor_redirect(struct __sk_buff *skb)
{
	return bpf_redirect_peer(FLOOR_PEER_IFINDEX, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
