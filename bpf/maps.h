/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge's maps, shared by the tc, XDP and control programs. Every map
 * defined here (and the XDP program's own, in xbr_xdp.bpf.c) is pinned by its
 * name under /sys/fs/bpf/xbr/<bridge>/: this file is the list. The loader
 * (user/pins.c) creates or reuses them and pins them itself, so that a newer
 * build can migrate a running bridge's maps (user/migrate.c); hence no
 * libbpf `pinning` attribute here. xbr_clock is the one exception: never
 * pinned (tests only).
 */
#ifndef XBR_BPF_MAPS_H
#define XBR_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xbr.h"

/* Forwarding database: MAC+VLAN -> port; max_entries set by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XBR_FDB_DEFAULT_SIZE);
	__type(key, struct xbr_fdb_key);
	__type(value, struct xbr_fdb_val);
} xbr_fdb SEC(".maps");

/* Port table: host-side ifindex -> port record (policy and identity). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xbr_port);
} xbr_ports SEC(".maps");

/* Flood list: slot -> {ifindex, flags}, slots [0, config.nports) valid. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xbr_flood_ent);
} xbr_flood SEC(".maps");

/* Bridge configuration, one entry (ageing time, subnet, port count). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xbr_config);
} xbr_config SEC(".maps");

/* Per-port counters, indexed by xbr_port.idx. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xbr_port_stats);
} xbr_port_stats SEC(".maps");

/* Learned entries per port (for max-learned), indexed by xbr_port.idx. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} xbr_learned SEC(".maps");

/* Bridge-wide FDB counters. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xbr_br_stats);
} xbr_br_stats SEC(".maps");

/* FDB events for `xbr monitor`. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} xbr_events SEC(".maps");

/*
 * Crash journal, written by the loader before it creates a namespace or
 * the gateway and cleared once the port is recorded: whatever a command
 * killed half-way made, `xbr down` (and a retried `up`/`port add`) finds here.
 * The datapath never reads it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XBR_MAX_PORTS + 1);
	__type(key, struct xbr_intent_key);
	__type(value, struct xbr_intent);
} xbr_intent SEC(".maps");

/* The pinned layout version of this bridge (XBR_LAYOUT_VERSION), one entry. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xbr_layout SEC(".maps");

/* What the loader alone knows of each port (namespace path, owner). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xbr_port_meta);
} xbr_port_meta SEC(".maps");

/*
 * Published ports as the user set them (layout 3): slot -> record. Loader
 * only, never read by the datapath: the record the bridge's nf_tables table
 * is rebuilt from (`xbr restore`, user/publish.c).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XBR_MAX_PUBS);
	__type(key, __u32);
	__type(value, struct xbr_pub_rec);
} xbr_pubs SEC(".maps");

/* Names the bridge answers DNS queries for (layout 4; lib/dns.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XBR_MAX_NAMES);
	__type(key, struct xbr_name_key);
	__type(value, struct xbr_name_val);
} xbr_names SEC(".maps");

/* Their addresses, for PTR: address -> name (layout 4). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XBR_MAX_NAMES);
	__type(key, struct xbr_rname_key);
	__type(value, struct xbr_name_key);
} xbr_rnames SEC(".maps");

/* VXLAN peers for head-end replication: slot -> peer, [0, config.npeers). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XBR_MAX_PEERS);
	__type(key, __u32);
	__type(value, struct xbr_peer);
} xbr_peers SEC(".maps");

/* Test clock: read instead of the kernel clock when xbr_test_clock is set. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} xbr_clock SEC(".maps");

#endif /* XBR_BPF_MAPS_H */
