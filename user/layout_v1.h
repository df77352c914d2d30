/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pinned layout 1 (xbr 0.1.0), frozen: the shapes migrate.c converts
 * from. Never edit; a later layout adds its own file.
 */
#ifndef XBR_LAYOUT_V1_H
#define XBR_LAYOUT_V1_H

#include <linux/types.h>

#define XBR_V1_MAX_PORTS 1024
#define XBR_V1_DROP_SLOTS 11

struct xbr_v1_fdb_val {
	__u32 ifindex;
	__u32 flags;
	__u64 updated_ns;
};

struct xbr_v1_port {
	__u32 ifindex;
	__u32 flags;
	__u32 max_learned;
	__u32 slot;
	__u8 mac[6];
	__u8 plen;
	__u8 pad;
	__u32 addr;
	char netns[16];
	char ifname[16];
	__u32 idx;
};

struct xbr_v1_port_stats {
	__u64 rx_packets, rx_bytes, tx_packets, tx_bytes, rx_flood;
	__u64 drops[XBR_V1_DROP_SLOTS];
};

struct xbr_v1_br_stats {
	__u64 learned, moved, aged, refused, refused_port, deleted, evicted, pad;
};

struct xbr_v1_intent {
	char ifname[16];
};

/* struct xbr_config of layout 1 is the first 64 bytes of layout 2's. */
#define XBR_V1_CONFIG_SIZE 64

_Static_assert(sizeof(struct xbr_v1_fdb_val) == 16, "v1 fdb value");
_Static_assert(sizeof(struct xbr_v1_port) == 64, "v1 port");
_Static_assert(sizeof(struct xbr_v1_port_stats) == 128, "v1 port stats");
_Static_assert(sizeof(struct xbr_v1_br_stats) == 64, "v1 bridge stats");

#endif
