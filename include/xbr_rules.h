/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Forwarding rules that both sides apply, written once: the BPF programs
 * (bpf/lib/fdb.h, bpf/xbr_tc.bpf.c, bpf/xbr_ctl.bpf.c) and the loader
 * (user/: fdb listing, XDP flood devmaps, fdb filters) include this header.
 * Pure functions of their arguments, no maps, no helpers: it compiles with
 * `clang -target bpf` and with gcc for user space. Only <linux/types.h> and
 * xbr.h.
 *
 * The reference model of the datapath tests (tests/datapath/model.c) keeps
 * its own statement of these rules on purpose: it is the independent
 * oracle the programs are compared against.
 */
#ifndef XBR_RULES_H
#define XBR_RULES_H

#include <linux/types.h>
#include "xbr.h"

/* Inlined on both sides (the BPF programs must not call them). */
#define XBR_RULE static inline __attribute__((always_inline))

/*
 * xbr_fdb_expired - has an entry outlived the ageing time at @now?
 * Static entries never expire. An entry stamped ahead of @now is fresh: the
 * control programs stamp with the precise clock, the datapath reads the
 * coarse one (up to a tick behind), and user space reads CLOCK_MONOTONIC.
 * Returns 1 when expired (the datapath ignores it, the sweep removes it).
 */
XBR_RULE int xbr_fdb_expired(__u32 flags, __u64 updated_ns, __u64 ageing_ns, __u64 now)
{
	if (flags & XBR_FDB_F_STATIC)
		return 0;
	return now > updated_ns && now - updated_ns > ageing_ns;
}

/*
 * xbr_fdb_counted - does an entry count against its port's max-learned?
 * The learned ones do; hand-added ones (XBR_FDB_F_USER) never.
 */
XBR_RULE int xbr_fdb_counted(__u32 flags)
{
	return !(flags & XBR_FDB_F_USER);
}

/*
 * xbr_fdb_refresh_due - should a known station's fresh entry get a new
 * timestamp? Only when the old one is at least XBR_REFRESH_NS old, so that a
 * steady flow costs no map write per frame. An entry stamped ahead of @now
 * (by the control programs' precise clock, less than a tick) is due too: the
 * difference wraps, and it is restamped with @now.
 */
XBR_RULE int xbr_fdb_refresh_due(__u64 updated_ns, __u64 now)
{
	return now - updated_ns >= XBR_REFRESH_NS;
}

/*
 * xbr_fdb_out - the XBR_FDB_F_OUT* bits of an entry on a port with flags
 * @port_flags and stats index @idx (see include/xbr.h): every writer of an
 * entry replaces the entry's bits with these. None for an uplink: a frame
 * for a station behind one needs the uplink's record (VNI, MTU) anyway.
 */
XBR_RULE __u32 xbr_fdb_out(__u32 port_flags, __u32 idx)
{
	if (port_flags & XBR_PORT_F_TUNNEL)
		return 0;
	return XBR_FDB_F_OUT | ((port_flags & XBR_PORT_F_PEER) ? XBR_FDB_F_OUT_PEER : 0) |
	       (idx << XBR_FDB_OUT_IDX_SHIFT);
}

/*
 * xbr_fdb_flush_kind - which XBR_FLUSH_* kind an entry with @flags belongs to
 * (static entries to XBR_FLUSH_STATIC, every other to XBR_FLUSH_DYNAMIC).
 */
XBR_RULE __u32 xbr_fdb_flush_kind(__u32 flags)
{
	return (flags & XBR_FDB_F_STATIC) ? XBR_FLUSH_STATIC : XBR_FLUSH_DYNAMIC;
}

/*
 * xbr_fdb_flush_match - does a flush (or an `fdb show` filter) of port
 * @want_ifindex (0: every port) and kinds @kinds (XBR_FLUSH_*) take an entry
 * on @ifindex with @flags?
 */
XBR_RULE int xbr_fdb_flush_match(__u32 ifindex, __u32 flags, __u32 want_ifindex, __u32 kinds)
{
	if (want_ifindex && ifindex != want_ifindex)
		return 0;
	return !!(kinds & xbr_fdb_flush_kind(flags));
}

/*
 * xbr_may_flood - may a flood entering a port with flags @in_flags leave
 * through a port with flags @out_flags? The out port must take floods
 * (XBR_PORT_F_FLOOD), and the two may not both be isolated. (Never back out
 * of the ingress port: tc checks the ifindex, XDP's broadcast excludes it.)
 * XDP's flood devmaps are this rule evaluated by the loader per port:
 *   xbr_xdp_flood     holds p when xbr_may_flood(0, p.flags),
 *   xbr_xdp_flood_iso holds p when xbr_may_flood(XBR_PORT_F_ISOLATED, p.flags).
 */
XBR_RULE int xbr_may_flood(__u32 in_flags, __u32 out_flags)
{
	if (!(out_flags & XBR_PORT_F_FLOOD))
		return 0;
	return !(in_flags & out_flags & XBR_PORT_F_ISOLATED);
}

/*
 * xbr_flood_to_gateway - does a flood of a frame for @dst leave through the
 * gateway port, whose host-side interface has the MAC @gw_mac? As the kernel
 * bridge passes a flood up to its own device (br_handle_frame_finish()):
 * broadcast and multicast always, an unknown unicast only when it is for the
 * host itself (its entry gone). A unicast for another MAC would only be
 * copied, queued and dropped by the host's stack (PACKET_OTHERHOST). (A
 * promiscuous bridge device gets those too in the kernel; xbr has none.)
 */
XBR_RULE int xbr_flood_to_gateway(const __u8 *dst, const __u8 *gw_mac)
{
	if (dst[0] & 1)
		return 1;
	return !((dst[0] ^ gw_mac[0]) | (dst[1] ^ gw_mac[1]) | (dst[2] ^ gw_mac[2]) |
		 (dst[3] ^ gw_mac[3]) | (dst[4] ^ gw_mac[4]) | (dst[5] ^ gw_mac[5]));
}

/*
 * xbr_may_unicast - may a known unicast from a port with @in_flags go out of
 * a port with @out_flags? Not between two isolated ports.
 */
XBR_RULE int xbr_may_unicast(__u32 in_flags, __u32 out_flags)
{
	return !(in_flags & out_flags & XBR_PORT_F_ISOLATED);
}

#undef XBR_RULE

#endif /* XBR_RULES_H */
