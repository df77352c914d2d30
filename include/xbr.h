/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Types and constants shared by the BPF datapath (bpf/) and the loader (user/).
 * Every map key and value lives here, in fixed-width types, with size checks.
 */
#ifndef XBR_H
#define XBR_H

#include <linux/types.h>

#define XBR_IFNAMSIZ 16
#define XBR_NSNAMSIZ 16 /* namespace names follow the interface-name limit */

/* Upper bound of ports on one bridge (flood list size). */
#define XBR_MAX_PORTS 1024
/* Default FDB capacity (entries); set per bridge at `up`. */
#define XBR_FDB_DEFAULT_SIZE 65536
/* Default ageing time of learned entries. */
#define XBR_AGEING_DEFAULT_SEC 300
/*
 * Learned entries are refreshed at most once per this step (like the kernel
 * bridge, which rewrites `updated` only when jiffies moved): the per-packet
 * path does no map write for a station that is already known and fresh.
 */
#define XBR_REFRESH_NS (1000ULL * 1000 * 1000)

/* FDB: key is MAC + VLAN padded to 8 bytes. */
struct xbr_fdb_key {
	__u8 mac[6];
	__u16 vlan;
};

enum {
	XBR_FDB_F_STATIC = 1 << 0, /* added by hand, never ages, never learned over */
	XBR_FDB_F_STICKY = 1 << 1, /* learning never moves it to another port */
};

struct xbr_fdb_val {
	__u32 ifindex; /* host-side port the station sits behind */
	__u32 flags; /* XBR_FDB_F_* */
	__u64 updated_ns; /* bpf_ktime_get_coarse_ns() of the last refresh */
};

/* Port flags (struct xbr_port.flags). */
enum {
	XBR_PORT_F_LEARNING = 1 << 0, /* learn source MACs seen on this port */
	XBR_PORT_F_FLOOD = 1 << 1, /* receives flooded unknown unicast/bcast/mcast */
	XBR_PORT_F_ISOLATED = 1 << 2, /* cannot reach other isolated ports */
	XBR_PORT_F_HAIRPIN = 1 << 3, /* may send a frame back out of its ingress port */
	XBR_PORT_F_LOCKED = 1 << 4, /* only sources with a static entry on this port */
	XBR_PORT_F_PEER = 1 << 5, /* peer is in another netns: bpf_redirect_peer */
	XBR_PORT_F_GATEWAY = 1 << 6, /* the port facing the host's gateway interface */
};

#define XBR_PORT_F_DEFAULT (XBR_PORT_F_LEARNING | XBR_PORT_F_FLOOD)

/* Port table: key is the host-side ifindex (__u32). */
struct xbr_port {
	__u32 ifindex; /* host-side veth end (the bridge port) */
	__u32 flags; /* XBR_PORT_F_* */
	__u32 max_learned; /* 0: no per-port cap */
	__u32 slot; /* index in the flood list */
	__u8 mac[6]; /* station MAC (eth0 in the namespace, or the gateway) */
	__u8 plen; /* prefix length of addr */
	__u8 pad;
	__u32 addr; /* station IPv4 address, network byte order */
	char netns[XBR_NSNAMSIZ]; /* namespace name ("" for the gateway port) */
	char ifname[XBR_IFNAMSIZ]; /* host-side interface name */
	__u32 reserved;
};

/* Flood list entry: a copy of the port's flags, so flooding needs no lookup. */
struct xbr_flood_ent {
	__u32 ifindex;
	__u32 flags; /* XBR_PORT_F_* of that port */
};

/* Bridge-wide configuration: single-entry array. */
struct xbr_config {
	__u64 ageing_ns; /* learned entries older than this are ignored */
	__u32 subnet; /* network byte order */
	__u32 gateway; /* network byte order */
	__u8 plen;
	__u8 mode; /* enum xbr_mode */
	__u16 pad;
	__u32 fdb_size; /* capacity chosen at `up` */
	__u32 nports; /* valid entries in the flood list */
	__u32 pad2;
};

enum xbr_mode {
	XBR_MODE_TC = 0,
	XBR_MODE_XDP = 1,
};

/* Forwarding decisions made by the shared forwarding code. */
enum xbr_verdict {
	XBR_V_DROP = 0,
	XBR_V_UNICAST = 1, /* out of exactly one port */
	XBR_V_FLOOD = 2, /* every port allowed to receive, except ingress */
};

/* Drop reasons (counted per port). */
enum xbr_drop_reason {
	XBR_DROP_NONE = 0,
	XBR_DROP_RUNT, /* shorter than an Ethernet header */
	XBR_DROP_NOPORT, /* ingress device is not a port of this bridge */
	XBR_DROP_SAME_PORT, /* destination lives on the ingress port */
	XBR_DROP_BAD_SRC, /* multicast/broadcast source MAC */
	XBR_DROP_LOCKED, /* locked port, source without static entry */
	XBR_DROP_ISOLATED, /* isolated port to isolated port */
	XBR_DROP_REDIRECT, /* redirect helper failed */
	XBR_DROP__MAX,
};

_Static_assert(sizeof(struct xbr_fdb_key) == 8, "fdb key must be 8 bytes");
_Static_assert(sizeof(struct xbr_fdb_val) == 16, "fdb value must be 16 bytes");
_Static_assert(sizeof(struct xbr_port) == 64, "port record must be 64 bytes");
_Static_assert(sizeof(struct xbr_flood_ent) == 8, "flood entry must be 8 bytes");
_Static_assert(sizeof(struct xbr_config) == 32, "config must be 32 bytes");

#endif /* XBR_H */
