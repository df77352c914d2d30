/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Datapath test harness: the tc, XDP and control programs loaded from their
 * skeletons (no pinning, test clock on, every map shared with the tc object's),
 * fed frames with BPF_PROG_TEST_RUN, and observed through their own counters.
 *
 * test_run does not say where a redirected frame went, so the harness reads it
 * from the per-port counters: one tx_packets on the egress port for a unicast
 * and for every flood copy actually sent (tc: bpf_clone_redirect() succeeded;
 * XDP: the devmap egress program ran), rx_flood on the ingress port for a
 * flood, drops[reason] for a drop. The summed per-CPU deltas of one test_run
 * give the exact egress port set and the drop reason; the tc verdict, or the
 * XDP program's test trace (xbr_xdp_last), must agree with them.
 *
 * bpf_prog_test_run_skb() looks ctx->ifindex up as a real device, and
 * bpf_clone_redirect() (like XDP live frames) transmits for real, so the ports
 * are veth pairs in a private network namespace (dpt_env_setup() unshares one
 * for the process).
 *
 * Sources: dpt.c (the programs, the probe, the event ring), dpt_maps.c (the
 * maps as the loader writes them), dpt_run.c (frames run and decoded, the
 * counters), dpt_env.c (the namespace and its veth pairs).
 */
#ifndef XBR_TEST_DPT_H
#define XBR_TEST_DPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xbr.h"

/* veth pairs created by dpt_env_setup(); positions 0..DPT_NPOS-1. */
#define DPT_NPOS 8
/* Port position whose ifindex is never made a port (a "foreign" device). */
#define DPT_POS_FOREIGN (DPT_NPOS - 1)

struct dpt_env {
	int ifindex[DPT_NPOS]; /* host-side ends: the bridge ports */
	int peer_ifindex[DPT_NPOS];
	char name[DPT_NPOS][16];
	char peer[DPT_NPOS][16];
};
extern struct dpt_env dpt_env;

/* Enter a private network namespace and create the veth pairs (once). */
int dpt_env_setup(void);

/* MTU of both ends of every veth pair (1500 as created). A copy longer than
 * MTU + 18 cannot leave: tc's bpf_clone_redirect() fails (a redirect drop),
 * XDP's devmap skips it before the egress program (nothing counted). The fuzz
 * raises it so that every size test_run takes is delivered. 0 or -errno. */
int dpt_env_set_mtu(int mtu);

/* GRO on (XDP) or off (tc) at the namespace-side ends of every pair, as the
 * loader arranges for each mode (dpt_open*() calls it). 0 or -errno. */
int dpt_env_peers_gro(bool on);

/* Stats index of the port at @pos: deliberately unlike slot and ifindex order. */
static inline uint32_t dpt_idx(int pos)
{
	return 40u + 3u * (uint32_t)(DPT_NPOS - 1 - pos);
}

/* Drop-reason slots of the per-port counters, whatever their number. */
#define DPT_NDROPS (sizeof(((struct xbr_port_stats *)0)->drops) / sizeof(__u64))

/* The station behind the port at @pos: IPv4 10.0.0.<10+pos> (network order)
 * and the MAC xbr gives it, 0a:58:<IPv4> (user/port.c xbr_station_mac), so
 * that neigh-suppress finds it. The bridge's IPv6 prefix is DPT_PREFIX6. */
void dpt_station(int pos, uint8_t mac[6], uint32_t *addr);
/* Its own IPv6 address's low 64 bits when its port has XBR_PORT_F_ADDR6 (a
 * Docker endpoint's): ::d6:<1+pos>, so DPT_PREFIX6 + ::d6:1 for port 0. */
static inline void dpt_station_iid6(int pos, uint8_t iid[8])
{
	const uint8_t b[8] = { 0, 0, 0, 0, 0, 0xd6, 0, (uint8_t)(1 + pos) };

	for (int i = 0; i < 8; i++)
		iid[i] = b[i];
}
#define DPT_PREFIX6 "fd00:db8:1:2::"
#define DPT_PLEN6 64

struct dpt_port_snap {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, rx_flood;
	uint64_t drops[DPT_NDROPS];
};

/* The hook whose program takes the frames. */
enum dpt_hook {
	DPT_TC = 0, /* xbr_tc_ingress: the verdict is test_run's return value */
	DPT_XDP = 1, /* xbr_xdp_ingress, run with live frames so that its devmap
		      * redirects happen and the egress program counts tx */
};

struct dpt {
	int hook; /* enum dpt_hook */
	struct xbr_tc *tc;
	struct xbr_ctl *ctl;
	struct xbr_xdp *xdp;
	int prog_fd, ctl_fd;
	int xtx_fd, xflood_fd, xiso_fd, xegress_fd; /* XDP devmaps, egress program */
	int fdb_fd, ports_fd, flood_fd, config_fd, pstats_fd, learned_fd, brstats_fd, clock_fd;
	struct ring_buffer *rb;
	int ncpu;
	uint32_t fdb_size;
	struct xbr_config cfg;
	uint64_t now;
	/* Port records by position, and which positions are ports. */
	struct xbr_port port[DPT_NPOS];
	bool present[DPT_NPOS];
	int slot_pos[DPT_NPOS]; /* flood-list slot -> position */
	struct dpt_port_snap snap[DPT_NPOS];
	uint64_t replied_snap; /* xbr_br_stats arp_replied + nd_replied */
	uint64_t dns_snap[4]; /* xbr_br_stats dns_answered/nxdomain/refused/forwarded */
	/* Events drained from the ring buffer since the last dpt_events_reset():
	 * as many as came (the array grows); ev_overflow only when memory ran out. */
	struct xbr_event *ev;
	int nev, ev_cap;
	bool ev_overflow;
	/* Size of the event ring (bytes), and how many events it holds when
	 * drained (the harness drains it after every test_run and request):
	 * more in one run are lost, counted in xbr_br_stats.ev_lost. */
	uint32_t ring_size, ev_room;
};

/* Verdict kinds as observed (and as the model decides). */
enum dpt_kind {
	DPT_DROP = XBR_V_DROP,
	DPT_UNICAST = XBR_V_UNICAST,
	DPT_FLOOD = XBR_V_FLOOD,
	DPT_REPLY = XBR_V_REPLY, /* answered by the bridge (neigh-suppress) */
	DPT_BAD, /* counters and verdict disagree: see why */
};

/* Which of the DNS counters of xbr_br_stats (bpf/lib/dns.h) a test_run
 * moved: none, or exactly one by one. A DNS answer is a DPT_REPLY (tx on the
 * asking port, of the answer's length); a query left to the gateway is the
 * unicast it was, with DPT_DNS_FORWARDED. */
enum dpt_dns {
	DPT_DNS_NONE = 0,
	DPT_DNS_ANSWERED, /* dns_answered: NOERROR */
	DPT_DNS_NXDOMAIN,
	DPT_DNS_REFUSED,
	DPT_DNS_FORWARDED,
};

struct dpt_obs {
	int err; /* test_run's own error (0, or -errno) */
	int retval; /* tc: the program's return value; XDP: the traced verdict */
	int kind; /* enum dpt_kind */
	uint32_t reason; /* enum xbr_drop_reason for DPT_DROP (NOPORT: nothing counted) */
	uint32_t txmask; /* positions that got a tx count */
	/* tc floods: copies the kernel's full input backlog refused (see
	 * dpt_backlog_losses): positions of the flood missing from txmask. */
	uint32_t backlog_lost;
	struct xbr_xdp_decision xdp; /* XDP: the program's test trace */
	int dns; /* enum dpt_dns */
	uint64_t tx_bytes; /* bytes counted on the tx port (a DNS answer's length) */
	/* tc: the frame as the program left it (test_run's data_out), e.g. a
	 * reply written over a request; out_len 0 for XDP (live frames have no
	 * data_out). out holds a DNS answer whole (at most 437 bytes); out_len
	 * is test_run's data_size_out capped at sizeof(out). */
	uint8_t out[512];
	uint32_t out_len;
	uint32_t data_len; /* tc: test_run's data_size_out, uncapped */
	char why[160]; /* for DPT_BAD */
};

/* Load both programs; @fdb_size 0: the default capacity. The programs read
 * time from xbr_clock (dpt_set_clock), or with @real_clock from the kernel's
 * clocks as in production. 0 or -errno. */
int dpt_open(struct dpt *d, uint32_t fdb_size);
int dpt_open_hook(struct dpt *d, int hook, uint32_t fdb_size, bool real_clock);
/* The same with an event ring of @ring_size bytes (0: the product's size, as
 * bpf/maps.h declares it; else a power of 2, at least a page). */
int dpt_open_ring(struct dpt *d, int hook, uint32_t fdb_size, bool real_clock,
		  uint32_t ring_size);
const char *dpt_hook_name(int hook);
/* NULL when the kernel can run @hook's tests, else why not (a missing kernel
 * feature, probed with a trivial program, not with xbr's). */
const char *dpt_hook_missing(int hook);
void dpt_close(struct dpt *d);

int dpt_set_clock(struct dpt *d, uint64_t now);
/* Write the configuration (ageing time; nports kept by the harness). */
int dpt_set_ageing(struct dpt *d, uint64_t ageing_ns);
/* The bridge's IPv6 prefix (plen6 0: no IPv6). */
int dpt_set_prefix6(struct dpt *d, const uint8_t prefix[16], uint8_t plen6);
/* Write d->cfg as it is (after a test changed fields of its own). */
int dpt_config_write(struct dpt *d);
/* The bridge's DNS service (bpf/lib/dns.h): its gateway and subnet (network
 * order), its domain ("" none) and the XBR_CFG_F_NO_DNS flag. */
int dpt_set_dns(struct dpt *d, uint32_t gateway, uint32_t subnet, uint8_t plen,
		const char *domain, bool no_dns);
/* A name (xbr_names, as the loader's names_key() makes the key; -EINVAL when
 * @label is none) and an address's name (xbr_rnames). */
int dpt_name_set(struct dpt *d, const char *label, const struct xbr_name_val *v);
int dpt_rname_set(struct dpt *d, const struct xbr_rname_key *k, const char *label);

/*
 * Set before dpt_open*(): the tc program takes the tunnel key of a frame from
 * an uplink from its .bss (xbr_test_rx_key, xbr_test_rx_err) and records the
 * key it sets (xbr_test_tx_key/flags): lib/tunnel.h's test knob.
 */
extern bool dpt_test_tunnel;

/* Make the port at @pos an uplink on device @ifindex (a VXLAN device made by
 * the test): flags default + TUNNEL, VNI @vni, MTU @mtu, local endpoint
 * @local (IPv6 with @v6). Counters by position as for any port. */
int dpt_uplink_add(struct dpt *d, int pos, uint32_t ifindex, uint32_t vni, uint32_t mtu,
		   const uint32_t local[4], int v6);
/* The bridge's peers: xbr_peers slots [0, n) and config.npeers. */
int dpt_peers_set(struct dpt *d, const struct xbr_peer *v, uint32_t n);

/* Add the port at @pos (flood-list slot at the end, counters zeroed), as the
 * loader does; update the flags of a present one; remove one as the loader
 * does (record, dense flood list, then a FLUSH of its entries through ctl).
 * With the XDP hook, the devmaps follow through the loader's own
 * dp_devmaps_sync() (user/datapath.c). */
int dpt_port_add(struct dpt *d, int pos, uint32_t flags, uint32_t max_learned);
/* dpt_port_set keeps the port's XBR_PORT_F_PEER (fixed by its kind in xbr). */
int dpt_port_set(struct dpt *d, int pos, uint32_t flags, uint32_t max_learned);
int dpt_port_del(struct dpt *d, int pos);

/* Position of a port ifindex, or -1. */
int dpt_pos_of(const struct dpt *d, uint32_t ifindex);

/* Write an entry straight into the table (fixtures), keeping the learned count
 * of its port right as the datapath would. */
int dpt_fdb_put(struct dpt *d, const uint8_t mac[6], uint32_t ifindex, uint32_t flags,
	       uint64_t updated_ns);
/* 0 and *v, or -ENOENT. */
int dpt_fdb_get(struct dpt *d, const uint8_t mac[6], struct xbr_fdb_val *v);
/* Every entry, sorted by MAC; returns the count (or -errno); caller frees. */
int dpt_fdb_dump(struct dpt *d, struct xbr_fdb_key **keys, struct xbr_fdb_val **vals);

/* Run a control request; returns its result (0 or -errno). */
int dpt_ctl(struct dpt *d, struct xbr_ctl_req *req);

uint32_t dpt_learned(struct dpt *d, int pos);
int dpt_br_stats(struct dpt *d, struct xbr_br_stats *out);
/* Summed per-CPU counters of the port at @pos. */
int dpt_port_stats(struct dpt *d, int pos, struct dpt_port_snap *out);

/* Take the counters as they are as the baseline of the next dpt_frame() (after
 * a test_run of the test's own). 0 or -errno. */
int dpt_resync(struct dpt *d);

/* Run one frame entering on @ifindex (0: none given, test_run uses lo). */
int dpt_frame(struct dpt *d, uint32_t ifindex, const void *frame, uint32_t len, struct dpt_obs *o);
/*
 * XDP: run the frame again without live frames, so that the frame as the
 * program left it comes back (@out, *@out_len; at most @cap bytes), and put
 * back every counter the run moved (bridge and port counters: the run is a
 * look, not a frame). Call right after dpt_frame() of the same frame at the
 * same clock, whose learning the second run then finds done. Returns the
 * program's verdict (XDP_*), or -errno.
 */
int dpt_xdp_peek(struct dpt *d, uint32_t ifindex, const void *frame, uint32_t len, void *out,
		 uint32_t cap, uint32_t *out_len);
const char *dpt_dns_str(int dns);
/* Flood copies of tc floods refused by the kernel's full input backlog
 * (other traffic on the machine), taken for the flood they were part of. */
extern unsigned long dpt_backlog_losses;

/* Events: forget those drained so far; drain the ring into d->ev. */
void dpt_events_reset(struct dpt *d);
int dpt_events_drain(struct dpt *d);
/* How many events a drained ring of @ring_size bytes holds: the kernel's
 * bpf_ringbuf_reserve() refuses a record that would put the producer more than
 * size - 1 bytes ahead of the consumer; each takes its 8-byte header plus the
 * event, rounded up to 8 bytes. */
uint32_t dpt_ring_room(uint32_t ring_size);

/* "aa:bb:cc:dd:ee:ff" for messages (static buffer rotation of 8). */
const char *dpt_mac_str(const uint8_t mac[6]);
int dpt_mac_parse(const char *s, uint8_t mac[6]);
const char *dpt_kind_str(int kind);
const char *dpt_reason_str(uint32_t reason);

/* Rx packets of a device in the current netns (from /proc/net/dev), or -1. */
long long dpt_dev_rx_packets(const char *ifname);

#endif
