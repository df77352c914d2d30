/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Types and constants shared by the BPF datapath (bpf/) and the loader (user/).
 * Every map key and value lives here, in fixed-width types, with size checks.
 */
#ifndef XBR_H
#define XBR_H

#include <linux/types.h>

#define XBR_IFNAMSIZ 16

/* Where every bridge's pinned objects live: XBR_PIN_ROOT/<bridge>/ (loader only). */
#define XBR_BPFFS "/sys/fs/bpf"
#define XBR_PIN_ROOT XBR_BPFFS "/xbr"
#define XBR_NSNAMSIZ 16 /* namespace names follow the interface-name limit */

/*
 * The pinned layout: the shape of every pinned map (key, value, size). A build
 * whose layout differs from a running bridge's migrates it on `up`/`reload`
 * (user/migrate.c); the running bridge's number is in the pinned xbr_layout
 * map (a bridge without it has layout 1, the 0.1 release).
 */
#define XBR_LAYOUT_VERSION 4

/* Upper bound of ports on one bridge (flood list size). */
#define XBR_MAX_PORTS 4096
/* Upper bound of VXLAN peers (remote tunnel endpoints) on one bridge. */
#define XBR_MAX_PEERS 256
/* What VXLAN adds around a frame: outer IPv4 or IPv6 header, UDP, VXLAN and
 * the inner Ethernet header. A station's MTU is the underlay's minus this. */
#define XBR_VXLAN_OVERHEAD4 50
#define XBR_VXLAN_OVERHEAD6 70
/* The IANA port of VXLAN (RFC 7348). */
#define XBR_VXLAN_PORT 4789
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
	XBR_FDB_F_STATIC = 1 << 0, /* never ages, learning never overwrites it */
	XBR_FDB_F_STICKY = 1 << 1, /* learning never moves it to another port */
	XBR_FDB_F_USER = 1 << 2, /* added by hand: not counted against max-learned */
	XBR_FDB_F_REMOTE = 1 << 3, /* behind a tunnel endpoint: remote[] holds its address */
	XBR_FDB_F_REMOTE6 = 1 << 4, /* with REMOTE: remote[] is IPv6 (else IPv4 in remote[0]) */
	/*
	 * What a known unicast needs of its egress port, carried in the entry
	 * (as the kernel bridge's entry points at its port), so that the
	 * datapath need not look the port up: written with the entry by
	 * learning, moves and the control programs (xbr_fdb_out() in
	 * xbr_rules.h). XBR_FDB_F_OUT: the bits are there (an entry written by
	 * an older build lacks them, and the datapath looks the port up);
	 * XBR_FDB_F_OUT_PEER: the port redirects into a peer namespace; bits
	 * 16-31: the port's stats index. Never shown, never in events. A port's
	 * index and PEER flag are fixed for its life, and its entries go with it.
	 */
	XBR_FDB_F_OUT = 1 << 14,
	XBR_FDB_F_OUT_PEER = 1 << 15,
};
#define XBR_FDB_OUT_IDX_SHIFT 16
#define XBR_FDB_F_OUT_MASK 0xffffc000u

struct xbr_fdb_val {
	__u32 ifindex; /* host-side port the station sits behind (an uplink for remote ones) */
	__u32 flags; /* XBR_FDB_F_* */
	__u64 updated_ns; /* bpf_ktime_get_coarse_ns() of the last refresh */
	__u32 remote[4]; /* XBR_FDB_F_REMOTE: the VTEP, network byte order */
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
	XBR_PORT_F_SPOOFCHK = 1 << 7, /* accept only the station's own MAC and addresses */
	XBR_PORT_F_TUNNEL = 1 << 8, /* an uplink: frames leave with a tunnel key per peer */
	/* ARP requests and neighbour solicitations for this port's station are
	 * answered by the bridge (when it knows the station), not flooded. */
	XBR_PORT_F_NEIGH_SUPPRESS = 1 << 9,
	/* The station's IPv6 address is its own (a Docker endpoint's, from
	 * Docker's IPAM): the bridge prefix's first 64 bits + iid6, not the
	 * prefix + its IPv4 address. Spoof-check accepts it; neighbour
	 * suppression finds it through the port's name (xbr_rnames). */
	XBR_PORT_F_ADDR6 = 1 << 11,
	/* Loader only (the datapath never reads it): the port has names besides
	 * its own (`port add ... name`, a CNI container's), so removing it walks
	 * the name table; without it, its own name is removed by key. */
	XBR_PORT_F_ALIASED = 1 << 15,
};

/*
 * Port kinds (struct xbr_port.kind). What each one makes and removes is in
 * user/port_<kind>.c; the datapath only reads the flags.
 */
enum xbr_port_kind {
	XBR_KIND_STATION = 0, /* a namespace and a veth pair, both made by xbr */
	XBR_KIND_GATEWAY = 1, /* the veth pair whose host end holds the gateway address */
	XBR_KIND_ATTACHED = 2, /* a namespace made by someone else (a runtime): xbr made the veth */
	XBR_KIND_UPLINK = 3, /* a tunnel device to other hosts (VXLAN) */
	XBR_KIND_DOCKER = 4, /* a Docker endpoint: xbr made the veth, Docker moves its peer */
	XBR_KIND__MAX,
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
	__u8 kind; /* enum xbr_port_kind */
	__u32 addr; /* station IPv4 address, network byte order */
	char name[XBR_NSNAMSIZ]; /* the port's name: a station's namespace, "" for the gateway */
	char ifname[XBR_IFNAMSIZ]; /* host-side interface name */
	__u32 idx; /* stable index into the per-port stats and learned-count arrays */
	__u32 vni; /* uplink: VXLAN network identifier */
	__u32 mtu; /* uplink: largest frame the tunnel carries (0: not checked) */
	/* Uplink only (zero for other kinds), in what layout 2 reserved. */
	__u32 local[4]; /* uplink: local tunnel endpoint, network order; IPv4 in local[0] */
	__u16 dstport; /* uplink: UDP port of the tunnel, host order */
	__u8 tun_flags; /* uplink: XBR_PEER_F_V6 for an IPv6 underlay */
	__u8 pad1;
	__u32 underlay; /* uplink: ifindex of the underlay device given with `dev` (0: any) */
	__u32 reserved[6];
	/* XBR_PORT_F_ADDR6: the low 64 bits of the station's IPv6 address, as
	 * they are on the wire (in what layout 2 reserved: zero before). */
	__u32 iid6[2];
};

/*
 * What the loader alone knows of a port (never read by the datapath): pinned
 * map xbr_port_meta, keyed by host-side ifindex.
 */
struct xbr_port_meta {
	char nspath[224]; /* attached: the namespace's path (bind mount or /proc/PID/ns/net) */
	char ifname_in[XBR_IFNAMSIZ]; /* the interface inside the namespace */
	char owner[80]; /* who the port belongs to (a CNI container ID), "" if nobody */
};

/*
 * Names (layout 4): the bridge's own DNS answers (bpf/lib/dns.h). xbr_names:
 * one label, lower case, zero padded (a station "ns2", an alias "web") ->
 * the addresses of the port it names; asked as "ns2" or "ns2.<domain>".
 * xbr_rnames: an address of a named port -> its name, for PTR. Written by
 * the loader (user/names.c) as ports come and go; read by the datapath only.
 */
#define XBR_DNS_LABEL_MAX 63
#define XBR_MAX_NAMES (2 * XBR_MAX_PORTS)
#define XBR_DNS_TTL 10 /* seconds: names follow ports, which come and go */

struct xbr_name_key {
	__u8 len; /* 1..XBR_DNS_LABEL_MAX */
	char label[XBR_DNS_LABEL_MAX]; /* [a-z0-9-], zero after len */
};

enum { XBR_NAME_F_ALIAS = 1 << 0 /* given with `name`, not the port's own */ };

struct xbr_name_val {
	__u32 ifindex; /* the port it names */
	__u32 flags; /* XBR_NAME_F_* */
	__u32 addr; /* IPv4, network order; 0: none */
	__u32 addr6[4]; /* IPv6; all zero: none */
	__u32 reserved;
};

struct xbr_rname_key {
	__u32 family; /* 4 or 6 */
	__u32 addr[4]; /* network order; IPv4 in addr[0], the rest zero */
};

/* A name as the loader lists it (`xbr dns`; never in a map). */
struct xbr_name_ent {
	char name[XBR_DNS_LABEL_MAX + 1];
	struct xbr_name_val v;
};

/* A VXLAN peer (remote tunnel endpoint) for head-end replication: xbr_peers,
 * slots [0, config.npeers) valid. An uplink takes frames from its peers only. */
enum { XBR_PEER_F_V6 = 1 << 0 };

struct xbr_peer {
	__u32 remote[4]; /* network byte order; IPv4 in remote[0] */
	__u32 ifindex; /* the uplink port it is reached through */
	__u32 flags; /* XBR_PEER_F_* */
};

/* Flood list entry: a copy of the port's flags, so flooding needs no lookup. */
struct xbr_flood_ent {
	__u32 ifindex;
	__u16 flags; /* XBR_PORT_F_* of that port */
	__u16 idx; /* the port's stats index */
};

/* Room for drop reasons in the per-port counters (enum xbr_drop_reason). */
#define XBR_DROP_SLOTS 16

/* Per-port counters (per-CPU array indexed by xbr_port.idx, summed in userspace). */
struct xbr_port_stats {
	__u64 rx_packets; /* frames received from the port's station */
	__u64 rx_bytes;
	__u64 tx_packets; /* frames sent to the port's station (unicast and flood) */
	__u64 tx_bytes;
	__u64 rx_flood; /* received frames that were flooded */
	__u64 drops[XBR_DROP_SLOTS]; /* by enum xbr_drop_reason */
};

/* Bridge-wide FDB counters (per-CPU array, one entry). */
struct xbr_br_stats {
	__u64 learned; /* new entries learned */
	__u64 moved; /* stations that moved to another port */
	__u64 aged; /* entries removed by the ageing sweep */
	__u64 refused; /* not learned: table full */
	__u64 refused_port; /* not learned: port at max-learned */
	__u64 deleted; /* removed by hand or with their port */
	__u64 evicted; /* always 0: a full table refuses, never evicts */
	__u64 ev_lost; /* events not published: the ring was full (nobody drained it) */
	__u64 arp_replied; /* ARP requests the bridge answered itself (neigh-suppress) */
	__u64 nd_replied; /* neighbour solicitations the bridge answered itself */
	/* DNS queries to the gateway (bpf/lib/dns.h), in what layout 3 reserved: */
	__u64 dns_answered; /* answered by the bridge from xbr_names (NOERROR) */
	__u64 dns_nxdomain; /* answered NXDOMAIN: a name under the domain it does not have */
	__u64 dns_refused; /* answered REFUSED: a name of the bridge asked in another class */
	__u64 dns_forwarded; /* left to the host (another name, or a query it does not take) */
	__u64 reserved[2];
};

/* FDB events, from the datapath and the control programs, via a ring buffer. */
enum xbr_event_type {
	XBR_EV_LEARNED = 1,
	XBR_EV_MOVED,
	XBR_EV_AGED,
	XBR_EV_EVICTED,
	XBR_EV_DELETED,
	XBR_EV_ADDED, /* added by hand */
	XBR_EV_REFUSED, /* reserved, never emitted: under a MAC flood it would be an
			 * event storm; `xbr stats` counts refusals instead */
};

struct xbr_event {
	__u64 ts_ns;
	__u32 type; /* enum xbr_event_type */
	__u32 ifindex; /* port of the entry (new port for MOVED) */
	__u32 old_ifindex; /* previous port for MOVED, else 0 */
	__u32 flags; /* entry flags */
	__u8 mac[6];
	__u16 vlan;
	__u32 pad;
};

/* Control requests run as BPF_PROG_TYPE_SYSCALL programs (xbr_ctl.bpf.c), so
 * that every change to the table keeps the counts and emits events. */
enum xbr_ctl_op {
	XBR_OP_ADD = 1, /* create; -EEXIST if present */
	XBR_OP_REPLACE, /* create or overwrite */
	XBR_OP_DEL, /* -ENOENT if absent */
	XBR_OP_FLUSH, /* by port (ifindex, 0 = all) and kind (flags) */
	XBR_OP_TIMER_START, /* arm the ageing sweep */
	XBR_OP_CLOCK, /* out: remote[0..1] jiffies64, remote[2..3] CLOCK_MONOTONIC ns */
};

enum {
	XBR_FLUSH_DYNAMIC = 1 << 0,
	XBR_FLUSH_STATIC = 1 << 1,
	/* only entries behind the tunnel endpoint req.remote (peer removal) */
	XBR_FLUSH_REMOTE = 1 << 2,
};

struct xbr_ctl_req {
	__u32 op; /* enum xbr_ctl_op */
	__u32 ifindex;
	__u32 flags; /* XBR_FDB_F_* for ADD/REPLACE; XBR_FLUSH_* for FLUSH */
	__u8 mac[6];
	__u16 vlan;
	__s32 result; /* out: 0 or negative errno */
	__u32 count; /* out: entries affected */
	__u32 remote[4]; /* ADD/REPLACE with XBR_FDB_F_REMOTE: the VTEP */
};

/* Crash journal entry: a port (by name; "" is the gateway) that a command is
 * creating, its kind and its host-side interface. */
struct xbr_intent_key {
	char name[XBR_NSNAMSIZ];
};

struct xbr_intent {
	char ifname[XBR_IFNAMSIZ];
	__u8 kind; /* enum xbr_port_kind: what to remove besides the link */
	__u8 pad[3];
};

/*
 * A published port as the user set it (`xbr publish add`): pinned map
 * xbr_pubs, keyed by a slot number (__u32), read and written by the loader
 * only (the datapath never sees it). It is the record the bridge's nf_tables
 * rules are rebuilt from (`xbr restore`), so that a flushed ruleset loses
 * nothing (layout 3). Ports in host order; addr in network order.
 */
#define XBR_MAX_PUBS 1024

struct xbr_pub_rec {
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family; /* AF_UNSPEC (every host address), AF_INET or AF_INET6 */
	__u8 version; /* XBR_PUB_REC_V: records of another version are not read */
	__u8 pad;
	__u16 port, port_end; /* host ports */
	__u16 sport, sport_end; /* station ports */
	__u8 addr[16]; /* host address (IPv4 in the first 4 bytes); zero: every one */
	char station[XBR_NSNAMSIZ]; /* the station's port name */
	__u32 reserved[5];
};
#define XBR_PUB_REC_V 1

/* Ageing sweep period. */
#define XBR_SWEEP_NS (1000ULL * 1000 * 1000)

/* Bridge-wide configuration: single-entry array. */
struct xbr_config {
	__u64 ageing_ns; /* learned entries older than this are ignored */
	__u32 subnet; /* network byte order */
	__u32 gateway; /* network byte order */
	__u8 plen;
	__u8 mode; /* enum xbr_mode */
	__u16 flags; /* XBR_CFG_F_* */
	__u32 fdb_size; /* capacity chosen at `up` */
	__u32 nports; /* valid entries in the flood list */
	__u32 pad2;
	__u8 subnet6[16]; /* IPv6 prefix; stations get prefix + their IPv4 address (but XBR_PORT_F_ADDR6) */
	__u8 plen6; /* 0: no IPv6 */
	__u8 pad3[7];
	__u64 dp_version; /* hash of the loaded BPF objects: `up` after an upgrade reloads */
	/* layout 2 */
	__u32 npeers; /* valid entries in xbr_peers */
	/*
	 * The datapath's clock (CLOCK_MONOTONIC, ns) read from jiffies, a plain
	 * load, instead of bpf_ktime_get_coarse_ns() (a helper call, ~20 ns a
	 * frame here): now = clk_ns + (jiffies64 - clk_jiffies) * clk_tick_ns.
	 * Calibrated by the loader at `up` and `reload` (xbr_clock_calibrate());
	 * clk_tick_ns 0 (a bridge of an older build): the helper. Same
	 * resolution as the coarse clock (a tick).
	 */
	__u32 clk_tick_ns;
	__u64 clk_jiffies;
	__u64 clk_ns;
	/* Loader only, in what was reserved (zero on older bridges): the MTU
	 * of the gateway pair and of every new port, 0: the kernel's. */
	__u32 mtu;
	/* Layout 4: the bridge's DNS domain (its name, lower case, when that is
	 * a DNS label; else empty), which the datapath's name service answers
	 * for (bpf/lib/dns.h): "ns2.<domain>". Zero on an older bridge until its
	 * reload writes it. */
	__u8 dns_domain_len;
	char dns_domain[15];
	/* Loader only, in what was reserved (zero on older bridges: none): the
	 * host IPv4 address publications without one are made on (`up
	 * --publish-address`, Docker's host_binding_ipv4), network order. */
	__u32 pub_addr;
	/* XBR_CFG_F_GW6, in what was reserved: the low 64 bits of the
	 * gateway's IPv6 address as on the wire (Docker's IPAM gateway);
	 * without the flag the gateway is the prefix + its IPv4 address. */
	__u32 gw_iid6[2];
	__u32 reserved[2];
};

enum {
	/* Docker's icc=false: namespace ports cannot reach one another, only the
	 * gateway. Carried out by the loader as the isolated flag on every
	 * namespace port (present and future), so both hooks enforce it. */
	XBR_CFG_F_NO_ICC = 1 << 0,
	/* Set as the last step of `up`: without it the bridge is half-made (an
	 * interrupted `up`) and the next `up` removes it and starts over. */
	XBR_CFG_F_UP_DONE = 1 << 1,
	/* `up --no-nat` / `set nat off`: stations' traffic to the outside is
	 * forwarded untranslated (user/nat.c). */
	XBR_CFG_F_NO_NAT = 1 << 2,
	/* `up --internal`: no way out and no way in (Docker's internal network). */
	XBR_CFG_F_INTERNAL = 1 << 3,
	/* xbr switched net.ipv4.ip_forward on: `down` switches it back off (or
	 * hands the flag to another bridge that still needs it). */
	XBR_CFG_F_FWD_SET = 1 << 4,
	/* The same for net.ipv6.conf.all.forwarding. */
	XBR_CFG_F_FWD6_SET = 1 << 5,
	/* The bridge default for XBR_PORT_F_NEIGH_SUPPRESS: new ports get it.
	 * Read by the loader only. */
	XBR_CFG_F_NEIGH_SUPPRESS = 1 << 6,
	/* The bridge keeps accept rules in dockerd's DOCKER-USER chain (the
	 * Docker plugin's networks, user/nat_fw.c): `down` removes them,
	 * `restore` puts missing ones back. Read by the loader only. */
	XBR_CFG_F_FW_ACCEPT = 1 << 7,
	/* `up --no-dns` / `set dns off`: the datapath answers no DNS query;
	 * every one reaches the gateway as any other frame. */
	XBR_CFG_F_NO_DNS = 1 << 8,
	/* The gateway's IPv6 address is the prefix's first 64 bits + gw_iid6
	 * (a Docker network's gateway), not the prefix + the IPv4 gateway. */
	XBR_CFG_F_GW6 = 1 << 9,
	/* `up --no-nat6` / `set nat6 off`: masquerade (when on) is IPv4's
	 * only; IPv6 leaves untranslated (Docker's default). Loader only. */
	XBR_CFG_F_NO_NAT6 = 1 << 10,
};

enum xbr_mode {
	XBR_MODE_TC = 0,
	XBR_MODE_XDP = 1,
};

/*
 * XDP mode: offload settings of a port's receiving end (eth0 in the namespace,
 * or the host gateway interface) as they were before XDP mode changed them;
 * pinned map xbr_dp_saved, keyed by the port's host-side ifindex.
 */
enum {
	XBR_FEAT_TX_CSUM = 1 << 0,
	XBR_FEAT_GSO = 1 << 1,
	XBR_FEAT_TSO = 1 << 2,
	XBR_FEAT_GRO = 1 << 3,
};

struct xbr_dp_saved {
	__u32 feats; /* XBR_FEAT_* that were on */
	__u32 known; /* XBR_FEAT_* that could be read */
};

/* Which devmap an XDP flood went through (test trace, xbr_xdp_decision);
 * XBR_XDP_TO_TC: none, the frame was handed to tc (it needs an uplink). */
enum { XBR_XDP_FLOOD_ALL = 1, XBR_XDP_FLOOD_ISO = 2, XBR_XDP_TO_TC = 3 };

/* XDP metadata of a flooded unicast frame (bpf/xbr_xdp.bpf.c). */
#define XBR_XDP_META_UFLOOD 0x78627566u /* "xbuf" */

/* The XDP program's last decision, recorded only for tests (xbr_xdp_trace). */
struct xbr_xdp_decision {
	__u32 verdict; /* enum xbr_verdict */
	__u32 out_ifindex; /* unicast egress port */
	__u32 flood_map; /* XBR_XDP_FLOOD_* for floods */
	__u32 reason; /* enum xbr_drop_reason */
};

/* Forwarding decisions made by the shared forwarding code. */
enum xbr_verdict {
	XBR_V_DROP = 0,
	XBR_V_UNICAST = 1, /* out of exactly one port */
	XBR_V_FLOOD = 2, /* every port allowed to receive, except ingress */
	XBR_V_REPLY = 3, /* answered by the bridge: the reply goes back out of ingress */
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
	XBR_DROP_SPOOF, /* spoof-check: source MAC/IP not the station's own */
	XBR_DROP_TOO_BIG, /* larger than the egress tunnel carries */
	XBR_DROP_TUNNEL, /* from an uplink: no tunnel key, another VNI, or not from a peer */
	XBR_DROP__MAX,
};

_Static_assert(sizeof(struct xbr_fdb_key) == 8, "fdb key must be 8 bytes");
/* Layout 4 (layout 3 plus xbr_names and xbr_rnames). Changing any of these is a new XBR_LAYOUT_VERSION with its
 * migration in user/migrate.c. */
_Static_assert(sizeof(struct xbr_fdb_val) == 32, "fdb value must be 32 bytes");
_Static_assert(sizeof(struct xbr_port) == 128, "port record must be 128 bytes");
_Static_assert(sizeof(struct xbr_port_meta) == 320, "port meta must be 320 bytes");
_Static_assert(sizeof(struct xbr_peer) == 24, "peer must be 24 bytes");
_Static_assert(sizeof(struct xbr_flood_ent) == 8, "flood entry must be 8 bytes");
_Static_assert(sizeof(struct xbr_config) == 128, "config must be 128 bytes");
_Static_assert(sizeof(struct xbr_port_stats) == 168, "port stats must be 168 bytes");
_Static_assert(sizeof(struct xbr_br_stats) == 128, "bridge stats must be 128 bytes");
_Static_assert(sizeof(struct xbr_intent) == 20, "intent must be 20 bytes");
_Static_assert(sizeof(struct xbr_pub_rec) == 64, "publication record must be 64 bytes");
_Static_assert(sizeof(struct xbr_name_key) == 64, "name key must be 64 bytes");
_Static_assert(sizeof(struct xbr_name_val) == 32, "name value must be 32 bytes");
_Static_assert(sizeof(struct xbr_rname_key) == 20, "reverse name key must be 20 bytes");
_Static_assert(sizeof(struct xbr_event) == 40, "event must be 40 bytes");
_Static_assert(sizeof(struct xbr_ctl_req) == 44, "ctl must be 44 bytes");
_Static_assert(XBR_DROP__MAX <= XBR_DROP_SLOTS, "drop reasons must fit xbr_port_stats.drops");
_Static_assert(XBR_MAX_PORTS <= (1u << (32 - XBR_FDB_OUT_IDX_SHIFT)), "stats index must fit the fdb flags");

#endif /* XBR_H */
