/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A bridge: its pinned BPF objects under /sys/fs/bpf/xbr/<name>/, its ports
 * (namespaces with veth pairs, and the gateway), and the operations that
 * create and remove them. Every operation that creates keeps a journal and
 * undoes it on failure, so an error leaves the system as it was.
 */
#ifndef XBR_BRIDGE_H
#define XBR_BRIDGE_H

#include <limits.h>
#include <stdint.h>
#include "xbr.h"
#include "nl.h"
#include "parse.h"

#define XBR_BPFFS "/sys/fs/bpf"
#define XBR_PIN_ROOT XBR_BPFFS "/xbr"
#define XBR_DEFAULT_BRIDGE "xbr0"
#define XBR_GW_PORT_SUFFIX "gw"

struct xbr_dp;

struct xbr_bridge {
	char name[XBR_IFNAMSIZ];
	char dir[64]; /* XBR_PIN_ROOT "/" name */
	int lock_fd;
	int fdb_fd, ports_fd, flood_fd, config_fd;
	int port_stats_fd, br_stats_fd, learned_fd, events_fd, intent_fd;
	int tc_prog_fd, ctl_prog_fd;
	struct xbr_dp *dp; /* XDP objects, opened by datapath.c when needed */
	struct xbr_config cfg;
	unsigned char idx_used[XBR_MAX_PORTS]; /* stats indexes in use (port_idx_alloc) */
	int idx_loaded;
	struct xbr_nl nl; /* rtnetlink in the host namespace */
};

struct xbr_up_opts {
	uint32_t subnet;
	uint8_t plen;
	uint32_t gateway;
	uint8_t subnet6[16]; /* IPv6 prefix, plen6 0: IPv4 only */
	uint8_t plen6;
	uint32_t ageing_sec;
	uint32_t fdb_size;
	uint8_t mode; /* enum xbr_mode */
	int no_icc; /* namespace ports isolated from one another */
	uint8_t nat; /* enum xbr_nat_mode (nat.h): masquerade, off, internal */
	const struct xbr_ns_spec *ns;
	size_t nns;
};

/* Set up @br for @name and take the bridge lock (serializes all commands). */
int br_init(struct xbr_bridge *br, const char *name);
void br_close(struct xbr_bridge *br);
/* Open the pinned objects of a running bridge; -ENOENT when it is not up. */
int br_open(struct xbr_bridge *br);
/* True when the bridge's pin directory exists. */
int br_is_up(const struct xbr_bridge *br);

/* 0, XBR_UP_RELOADED (it was up with another datapath build: reloaded in
 * place, namespaces untouched), or a negative errno. */
#define XBR_UP_RELOADED 1
int br_up(struct xbr_bridge *br, const struct xbr_up_opts *opts);
/* Replace the datapath programs atomically, keeping maps (FDB, counters). */
int br_reload(struct xbr_bridge *br);
/* Hash of the BPF objects built into this binary. */
uint64_t xbr_dp_version(void);
/* Remove every trace of the bridge; 0 also when nothing was there. */
int br_down(struct xbr_bridge *br);

/* @spec->addr 0: next free address. br_open() first. */
int br_port_add(struct xbr_bridge *br, const struct xbr_ns_spec *spec);
int br_port_del(struct xbr_bridge *br, const char *netns);

/* All port records (gateway first); caller frees *out. */
int br_ports(struct xbr_bridge *br, struct xbr_port **out, size_t *n);
/* Find a port by namespace name; -ENOENT. */
int br_port_find(struct xbr_bridge *br, const char *netns, struct xbr_port *out);
/* Find a port by namespace name, or by host-side ifname (the gateway port). */
int br_port_lookup(struct xbr_bridge *br, const char *name, struct xbr_port *out);

struct xbr_fdb_row {
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t ifindex;
	uint32_t flags; /* XBR_FDB_F_* */
	uint64_t age_sec;
	char ifname[XBR_IFNAMSIZ];
	char netns[XBR_NSNAMSIZ];
};
/* Live (unexpired) FDB entries, sorted by port then MAC; caller frees *out. */
int br_fdb_rows(struct xbr_bridge *br, struct xbr_fdb_row **out, size_t *n);

/* Run a control request (xbr_ctl.bpf.c): its result, 0 or a negative errno. */
int br_ctl(struct xbr_bridge *br, struct xbr_ctl_req *c);
/* Write the configuration back (after changing br->cfg). */
int br_config_write(struct xbr_bridge *br);
/* Write a changed port record back, and its flood-list entry. */
int br_port_update(struct xbr_bridge *br, const struct xbr_port *p);

/* Station MAC derived from an IPv4 address: 0a:58:a:b:c:d. */
void xbr_station_mac(uint32_t addr, uint8_t mac[6]);

/* Test hook: fail with -EIO at step @step when XBR_FAULT names it. */
int xbr_fault(const char *step);

#endif
