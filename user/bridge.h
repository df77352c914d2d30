/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A bridge, as the commands see it: its lifecycle (up, down, reload, mode),
 * its ports and its forwarding table. The layers below, each called only
 * from above (docs/design.md, "The pieces"):
 *   port.c + port_<kind>.c   ports of every kind, their records and links
 *   migrate.c                pinned layouts, live migration
 *   datapath.c               tc and XDP hooks, modes
 *   journal.c                undo and crash journals
 *   pins.c                   the pinned BPF objects; struct xbr_bridge
 *   nl.c, netns.c, ethtool.c the kernel's interfaces
 */
#ifndef XBR_BRIDGE_H
#define XBR_BRIDGE_H

#include <limits.h>
#include <stdint.h>
#include "xbr.h"
#include "nl.h"
#include "parse.h"

/* The library's own (user/pins.h): front-ends hold a pointer. */
struct xbr_bridge;

#define XBR_DEFAULT_BRIDGE "xbr0"

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
	int no_neigh_suppress; /* new ports without XBR_PORT_F_NEIGH_SUPPRESS */
	uint8_t nat; /* enum xbr_nat_mode (nat.h): masquerade, off, internal */
	const struct xbr_ns_spec *ns;
	size_t nns;
	uint32_t mtu; /* of the gateway pair and every port (0: the kernel's 1500) */
	const char *owner; /* who the bridge belongs to (a Docker network), NULL */
	int fw_accept; /* keep accept rules in dockerd's DOCKER-USER chain (nat.h) */
	int no_dns; /* the datapath answers no DNS query (XBR_CFG_F_NO_DNS) */
	uint32_t pub_addr; /* publications without a host address: on this one (0: every one) */
	/* The gateway's own IPv6 address (Docker's IPAM gateway) when
	 * has_gw6: in the prefix, which is then /64 or longer
	 * (XBR_CFG_F_GW6); else the prefix + the IPv4 gateway. */
	int has_gw6;
	uint8_t gw6[16];
	int no_nat6; /* masquerade IPv4 only (XBR_CFG_F_NO_NAT6) */
};

/*
 * A bridge handle for @name in *@brp, with the bridge lock taken (it
 * serializes all commands). struct xbr_bridge is the library's own: a
 * front-end holds a pointer and reads it through the calls below. On
 * failure *@brp may still be set: br_close() it either way.
 */
int br_init(struct xbr_bridge **brp, const char *name);
/* Close everything @br holds, release its lock, free it (NULL: nothing). */
void br_close(struct xbr_bridge *br);
/* Take the bridge lock for this process until br_lock_release(): the
 * br_init()s in between do not lock again (the lines of `up -f` run as one
 * command for every other xbr). 0 or a negative errno after one line. */
int br_lock_hold(const char *name);
void br_lock_release(void);
/* br_lock_hold() only if no other command holds the lock: -EAGAIN (nothing
 * said) when one does. For a daemon that must not wait (xbr-agent). */
int br_lock_try(const char *name);
/* Open the pinned objects of a running bridge; -ENOENT when it is not up,
 * -EPROTO when its pinned layout is not this build's (said: reload). */
int br_open(struct xbr_bridge *br);
/* True when the bridge's pin directory exists. */
int br_is_up(const struct xbr_bridge *br);

/* 0, XBR_UP_RELOADED (it was up with another datapath build: reloaded in
 * place, namespaces untouched), or a negative errno. */
#define XBR_UP_RELOADED 1
int br_up(struct xbr_bridge *br, const struct xbr_up_opts *opts);
/* This build's programs (and, when the pinned layout is older, its maps,
 * migrated live) take the running bridge's place; table and counters kept. */
int br_reload(struct xbr_bridge *br);
/* Remove every trace of the bridge; 0 also when nothing was there, -EBUSY
 * after one line naming what could not be removed. */
int br_down(struct xbr_bridge *br);
/* Switch the datapath mode (XBR_MODE_*) of a running bridge. */
int br_set_mode(struct xbr_bridge *br, int mode);

/* Add a port (station: @spec->addr 0 takes the next free address). */
int br_port_add(struct xbr_bridge *br, const struct xbr_ns_spec *spec);
int br_port_del(struct xbr_bridge *br, const char *name);
/* All port records (gateway first); caller frees *out. */
int br_ports(struct xbr_bridge *br, struct xbr_port **out, size_t *n);
/* Find a port by name; -ENOENT. */
int br_port_find(struct xbr_bridge *br, const char *name, struct xbr_port *out);
/* Find a port by name, by host-side ifname, or "gateway". */
int br_port_lookup(struct xbr_bridge *br, const char *name, struct xbr_port *out);
/* Write a changed port record back, and its flood-list entry. */
int br_port_update(struct xbr_bridge *br, const struct xbr_port *p);
/* The loader-only record of a port (namespace path, owner). */
int br_port_meta(struct xbr_bridge *br, uint32_t ifindex, struct xbr_port_meta *out);
/* Write it back (a Docker endpoint's container and sandbox); 0 or -errno. */
int br_port_set_meta(struct xbr_bridge *br, uint32_t ifindex, const struct xbr_port_meta *m);
const char *br_port_kind_name(unsigned int kind);

struct xbr_fdb_row {
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t ifindex;
	uint32_t flags; /* XBR_FDB_F_* */
	uint64_t age_sec;
	char ifname[XBR_IFNAMSIZ];
	char netns[XBR_NSNAMSIZ]; /* the port's name */
	char owner[80]; /* the port's owner (a CNI container ID), "" */
	uint32_t remote[4]; /* XBR_FDB_F_REMOTE: the tunnel endpoint (dst) */
	uint8_t kind; /* the port's kind */
};
/* Live (unexpired) FDB entries, sorted by port then MAC; caller frees *out. */
int br_fdb_rows(struct xbr_bridge *br, struct xbr_fdb_row **out, size_t *n);

/* ---- VXLAN uplinks (uplink.c) ---- */

/* Add uplink @spec (kind set here) with its first peers @peers[0..n) (their
 * ifindex ignored); the bridge's other ports get the tunnel's MTU. */
int br_uplink_add(struct xbr_bridge *br, const struct xbr_ns_spec *spec,
		  const struct xbr_peer *peers, size_t n);
/* Remove an uplink, its peers, its device and entries; MTUs back. */
int br_uplink_del(struct xbr_bridge *br, const char *name);
/* Add or remove a peer (remote and flags of @peer; its ifindex ignored).
 * A removed peer's frames are refused and its fdb entries flushed. */
int br_uplink_peer_add(struct xbr_bridge *br, const char *name, const struct xbr_peer *peer);
int br_uplink_peer_del(struct xbr_bridge *br, const char *name, const struct xbr_peer *peer);
/* True when @peer (with its uplink's ifindex) is a peer. */
int br_uplink_has_peer(struct xbr_bridge *br, const struct xbr_peer *peer);
/* The smallest MTU of the bridge's uplinks but @skip_ifindex (0: none), 0
 * when there is none: what its other ports get. */
int br_uplink_mtu(struct xbr_bridge *br, uint32_t skip_ifindex);
/* A peer's address as text. */
const char *uplink_addr_str(const struct xbr_peer *p, char *buf, size_t len);

struct xbr_uplink_row {
	struct xbr_port port;
	char dev[XBR_IFNAMSIZ]; /* the underlay device given with `dev`, "" */
	struct xbr_peer *peers;
	uint32_t npeers;
};
/* Every uplink with its peers; free with br_uplinks_free(). */
int br_uplinks(struct xbr_bridge *br, struct xbr_uplink_row **out, size_t *n);
void br_uplinks_free(struct xbr_uplink_row *rows, size_t n);

/* Run a control request (xbr_ctl.bpf.c): its result, 0 or a negative errno. */
int br_ctl(struct xbr_bridge *br, struct xbr_ctl_req *c);
/* Write the configuration back (after changing br->cfg). */
int br_config_write(struct xbr_bridge *br);

/* ---- what a front-end reads and changes (bridge_read.c) ---- */
const char *br_name(const struct xbr_bridge *br);
/* The bridge's settings as pinned when it was opened (or last changed). */
const struct xbr_config *br_config(const struct xbr_bridge *br);
/* The names the bridge answers DNS queries for, sorted; *out to free(). */
int br_names(struct xbr_bridge *br, struct xbr_name_ent **out, size_t *n);
/* DNS answers on or off (XBR_CFG_F_NO_DNS), and the nf_tables rule that sends
 * other queries to the host's resolvers with them (nat.h). */
int br_set_dns(struct xbr_bridge *br, int on);
/* Bridge-wide counters summed over the CPUs: 0 or a negative errno. */
int br_stats(struct xbr_bridge *br, struct xbr_br_stats *out);
/* Port stats index @idx's counters summed over the CPUs, and the entries
 * learned on it (zero when unreadable: a port being removed). */
void br_port_stats(struct xbr_bridge *br, __u32 idx, struct xbr_port_stats *out, __u32 *learned);
/* The forwarding entry of @mac: 0, or -ENOENT. */
int br_fdb_get(struct xbr_bridge *br, const uint8_t mac[6], struct xbr_fdb_val *val);
/* The bridge's event ring (struct xbr_event records), read through @fn. */
struct ring_buffer;
typedef int (*br_event_fn)(void *ctx, void *data, size_t size);
struct ring_buffer *br_events_open(struct xbr_bridge *br, br_event_fn fn, void *ctx);
/* Give up the command lock early (a long-running reader such as monitor). */
void br_unlock(struct xbr_bridge *br);
/* Peeks at a bridge by name, without its lock and without opening it (for
 * completion, which must never wait): every port record, the first @max
 * MACs of the forwarding table. Nothing when the bridge is not up. */
void br_peek_ports(const char *bridge, void (*fn)(const struct xbr_port *p, void *ctx), void *ctx);
void br_peek_macs(const char *bridge, size_t max, void (*fn)(const uint8_t mac[6], void *ctx),
		  void *ctx);
/* The host's side (the CNI plugin): a link by name; the text of a netlink
 * error (with the kernel's extended ACK); an IPv6 address on the gateway
 * interface; a port's MTU; whether the bridge's tc program is the one
 * attached on @ifindex (1) or not (0). */
int br_link_get(struct xbr_bridge *br, const char *ifname, struct xbr_link *out);
const char *br_strerror(struct xbr_bridge *br, int err);
int br_gateway_addr6_add(struct xbr_bridge *br, const uint8_t addr[16], uint8_t plen);
int br_link_set_mtu(struct xbr_bridge *br, int ifindex, uint32_t mtu);
int br_port_forwarding(struct xbr_bridge *br, int ifindex);
/* br_init() + br_open() without waiting for the command lock (the agent):
 * -EAGAIN (or another error) when it is held; br_close() and
 * br_lock_release() end it either way. */
int br_open_try(struct xbr_bridge **brp, const char *name);
/* Hash of the BPF objects built into this binary, code only (no debug info):
 * the datapath's version (pins.c). */
uint64_t xbr_dp_version(void);
/* A datapath mode by name ("tc", "xdp", "auto": *is_auto set, *mode the
 * mode auto picks): 0, or -EINVAL. The name of a mode. */
int br_mode_parse(const char *s, int *mode, int *is_auto);
const char *br_mode_name(int mode);
/* `set ageing SEC`: the ageing time, written to the pinned config. */
int br_set_ageing(struct xbr_bridge *br, uint32_t sec);
/* The host address of publications made without one (network order; 0: every address). */
int br_set_pub_addr(struct xbr_bridge *br, uint32_t addr);
/* An on|off bridge setting: config flag @cfg_flag set (@cfg_set) or cleared,
 * and @port_flag set (@port_set) or cleared on every port but those with
 * a flag of @skip. 0 or a negative errno. */
int br_set_flag_ports(struct xbr_bridge *br, uint16_t cfg_flag, int cfg_set, uint32_t port_flag,
		      int port_set, uint32_t skip);

#endif
