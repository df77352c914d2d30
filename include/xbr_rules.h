/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Forwarding rules both the BPF programs and the loader apply, written once.
 */
#ifndef XBR_RULES_H
#define XBR_RULES_H

#include <linux/types.h>
#include "xbr.h"

/* True when a non-static entry has outlived the ageing time. An entry
 * stamped ahead of @now (the control programs read the precise clock, the
 * datapath the coarse one, up to a tick behind) is fresh. */
static inline int xbr_fdb_expired(__u32 flags, __u64 updated_ns, __u64 ageing_ns, __u64 now)
{
	if (flags & XBR_FDB_F_STATIC)
		return 0;
	return now > updated_ns && now - updated_ns > ageing_ns;
}

/* Entries that count against a port's max-learned: the learned ones. */
static inline int xbr_fdb_counted(__u32 flags)
{
	return !(flags & XBR_FDB_F_USER);
}

/* May a flood from a port with @in_flags leave through a port with
 * @out_flags? Only to flood ports, and never between two isolated ports. */
static inline int xbr_may_flood(__u32 in_flags, __u32 out_flags)
{
	if (!(out_flags & XBR_PORT_F_FLOOD))
		return 0;
	return !((in_flags & out_flags) & XBR_PORT_F_ISOLATED);
}

#endif
