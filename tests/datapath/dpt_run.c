// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Datapath test harness (see dpt.h), running frames and observing them: one
 * BPF_PROG_TEST_RUN of the tc or XDP program, decoded from the per-port and
 * bridge counter deltas (and checked against the verdict or the XDP trace);
 * the counters themselves; names of MACs, kinds and drop reasons.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dpt.h"
#include "xbr_xdp.skel.h"

static int snap_read(struct dpt *d, int pos, struct dpt_port_snap *out)
{
	struct xbr_port_stats *v = calloc((size_t)d->ncpu, sizeof(*v));
	__u32 idx = dpt_idx(pos);
	int c, r;

	if (!v)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(d->pstats_fd, &idx, v) < 0) {
		free(v);
		return -errno;
	}
	for (c = 0; c < d->ncpu; c++) {
		out->rx_packets += v[c].rx_packets;
		out->rx_bytes += v[c].rx_bytes;
		out->tx_packets += v[c].tx_packets;
		out->tx_bytes += v[c].tx_bytes;
		out->rx_flood += v[c].rx_flood;
		for (r = 0; r < (int)DPT_NDROPS; r++)
			out->drops[r] += v[c].drops[r];
	}
	free(v);
	return 0;
}

int dpt_port_stats(struct dpt *d, int pos, struct dpt_port_snap *out)
{
	return snap_read(d, pos, out);
}

uint32_t dpt_learned(struct dpt *d, int pos)
{
	__u32 idx = dpt_idx(pos), v = 0;

	bpf_map_lookup_elem(d->learned_fd, &idx, &v);
	return v;
}

int dpt_br_stats(struct dpt *d, struct xbr_br_stats *out)
{
	struct xbr_br_stats *v = calloc((size_t)d->ncpu, sizeof(*v));
	__u32 k = 0;
	int c;

	if (!v)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(d->brstats_fd, &k, v) < 0) {
		free(v);
		return -errno;
	}
	for (c = 0; c < d->ncpu; c++) {
		out->learned += v[c].learned;
		out->moved += v[c].moved;
		out->aged += v[c].aged;
		out->refused += v[c].refused;
		out->refused_port += v[c].refused_port;
		out->deleted += v[c].deleted;
		out->evicted += v[c].evicted;
		out->ev_lost += v[c].ev_lost;
		out->arp_replied += v[c].arp_replied;
		out->nd_replied += v[c].nd_replied;
		out->dns_answered += v[c].dns_answered;
		out->dns_nxdomain += v[c].dns_nxdomain;
		out->dns_refused += v[c].dns_refused;
		out->dns_forwarded += v[c].dns_forwarded;
	}
	free(v);
	return 0;
}

/* Room for any frame test_run takes (data_out must hold all of it). */
#define MRUN_OUT_MAX 16384

static int run_tc(struct dpt *d, uint32_t ifindex, const void *frame, uint32_t len,
		  struct dpt_obs *o)
{
	struct __sk_buff ctx = { .ifindex = ifindex };
	static uint8_t out[MRUN_OUT_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx));

	if (bpf_prog_test_run_opts(d->prog_fd, &opts) < 0 && errno != ENOSPC)
		return -errno;
	o->retval = (int)opts.retval;
	o->data_len = opts.data_size_out;
	o->out_len = opts.data_size_out < sizeof(o->out) ? opts.data_size_out : sizeof(o->out);
	memcpy(o->out, out, o->out_len);
	return 0;
}

/*
 * XDP with BPF_F_TEST_XDP_LIVE_FRAMES: the redirect is carried out (devmap,
 * broadcast, the egress program counting tx), but test_run does not report the
 * program's return value then; the program's test trace (xbr_xdp_last) tells
 * its decision instead.
 */
static int run_xdp(struct dpt *d, uint32_t ifindex, const void *frame, uint32_t len,
		   struct dpt_obs *o)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	struct xbr_xdp_decision *t = &d->xdp->bss->xbr_xdp_last;

	memset(t, 0xff, sizeof(*t));
	if (bpf_prog_test_run_opts(d->prog_fd, &opts) < 0)
		return -errno;
	o->retval = (int)t->verdict;
	o->xdp = *t;
	return 0;
}

int dpt_resync(struct dpt *d)
{
	struct xbr_br_stats bs;
	int pos, err;

	for (pos = 0; pos < DPT_NPOS; pos++) {
		err = snap_read(d, pos, &d->snap[pos]);
		if (err)
			return err;
	}
	err = dpt_br_stats(d, &bs);
	if (!err) {
		d->replied_snap = bs.arp_replied + bs.nd_replied;
		d->dns_snap[0] = bs.dns_answered;
		d->dns_snap[1] = bs.dns_nxdomain;
		d->dns_snap[2] = bs.dns_refused;
		d->dns_snap[3] = bs.dns_forwarded;
	}
	return err;
}

/*
 * Frames the kernel dropped at its per-CPU input backlog (every CPU's second
 * column of /proc/net/softnet_stat). A flood copy into a veth whose peer's
 * backlog is full fails there: bpf_clone_redirect() returns an error and the
 * bridge counts a "redirect" drop, rightly, for a frame of the model's
 * flood. That happens when other traffic on the machine fills the backlog,
 * not because of the bridge, so such a frame is told apart by this count.
 */
static unsigned long long backlog_drops(void)
{
	unsigned long long sum = 0, processed, dropped;
	FILE *f = fopen("/proc/net/softnet_stat", "r");
	char line[512];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %llx", &processed, &dropped) == 2)
			sum += dropped;
	fclose(f);
	return sum;
}

unsigned long dpt_backlog_losses;

/* Decode one test_run from the counter deltas of every position. */
int dpt_frame(struct dpt *d, uint32_t ifindex, const void *frame, uint32_t len, struct dpt_obs *o)
{
	struct dpt_port_snap now[DPT_NPOS];
	int in = -1, pos, r, nrx = 0, ndrop = 0, nflood = 0, ntx = 0, nreplied, err, kind;
	int nredirect = 0;
	bool dns_reply = false;
	uint32_t reason = XBR_DROP_NONE;
	unsigned long long backlog0 = d->hook == DPT_TC ? backlog_drops() : 0;

	memset(o, 0, sizeof(*o));
	o->kind = DPT_BAD;
	err = d->hook == DPT_XDP ? run_xdp(d, ifindex, frame, len, o) :
				   run_tc(d, ifindex, frame, len, o);
	if (err) {
		o->err = err;
		snprintf(o->why, sizeof(o->why), "test_run failed: %s", strerror(-err));
		return err;
	}
	/* The bridge counters first: a DNS answer leaves with its own length. */
	{
		struct xbr_br_stats bs;
		uint64_t dv[4];
		int k, nmoved = 0;

		err = dpt_br_stats(d, &bs);
		if (err)
			return err;
		nreplied = (int)(bs.arp_replied + bs.nd_replied - d->replied_snap);
		d->replied_snap = bs.arp_replied + bs.nd_replied;
		dv[0] = bs.dns_answered;
		dv[1] = bs.dns_nxdomain;
		dv[2] = bs.dns_refused;
		dv[3] = bs.dns_forwarded;
		for (k = 0; k < 4; k++) {
			if (dv[k] == d->dns_snap[k])
				continue;
			nmoved++;
			if (dv[k] - d->dns_snap[k] != 1)
				nmoved++;
			o->dns = DPT_DNS_ANSWERED + k;
		}
		memcpy(d->dns_snap, dv, sizeof(dv));
		if (nmoved > 1)
			snprintf(o->why, sizeof(o->why), "DNS counters moved by %d in all", nmoved);
		if (o->dns >= DPT_DNS_ANSWERED && o->dns <= DPT_DNS_REFUSED) {
			dns_reply = true;
			nreplied++;
		}
	}
	for (pos = 0; pos < DPT_NPOS; pos++) {
		struct dpt_port_snap *a = &d->snap[pos], *b = &now[pos];

		err = snap_read(d, pos, b);
		if (err)
			return err;
		if (b->rx_packets != a->rx_packets) {
			nrx++;
			in = pos;
			if (b->rx_packets - a->rx_packets != 1 || b->rx_bytes - a->rx_bytes != len)
				snprintf(o->why, sizeof(o->why), "rx delta %llu/%llu bytes on pos %d",
					 (unsigned long long)(b->rx_packets - a->rx_packets),
					 (unsigned long long)(b->rx_bytes - a->rx_bytes), pos);
		}
		if (b->rx_flood != a->rx_flood)
			nflood += (int)(b->rx_flood - a->rx_flood);
		for (r = 0; r < (int)DPT_NDROPS; r++) {
			if (b->drops[r] != a->drops[r]) {
				ndrop += (int)(b->drops[r] - a->drops[r]);
				if (r == XBR_DROP_REDIRECT)
					nredirect += (int)(b->drops[r] - a->drops[r]);
				reason = (uint32_t)r;
			}
		}
		if (b->tx_packets != a->tx_packets) {
			ntx++;
			o->txmask |= 1u << pos;
			o->tx_bytes = b->tx_bytes - a->tx_bytes;
			/* A DNS answer's length is the caller's to check. */
			if (b->tx_packets - a->tx_packets != 1 ||
			    (b->tx_bytes - a->tx_bytes != len && !dns_reply))
				snprintf(o->why, sizeof(o->why), "tx delta %llu/%llu bytes on pos %d",
					 (unsigned long long)(b->tx_packets - a->tx_packets),
					 (unsigned long long)(b->tx_bytes - a->tx_bytes), pos);
		}
	}
	memcpy(d->snap, now, sizeof(now));
	err = dpt_events_drain(d);
	if (err)
		return err;
	if (o->why[0])
		return 0;

	/* What the counters say. */
	if (nrx > 1 || (in >= 0 && d->port[in].ifindex != ifindex)) {
		snprintf(o->why, sizeof(o->why), "rx counted on %d ports (last pos %d)", nrx, in);
		return 0;
	}
	if (nrx == 0) {
		if (ntx || nflood || ndrop) {
			snprintf(o->why, sizeof(o->why), "tx/flood/drop counted without rx");
			return 0;
		}
		kind = DPT_DROP;
		reason = XBR_DROP_NOPORT;
	} else if (nreplied) {
		/* Answered: back to the asker only, nothing flooded (rx_flood). */
		if (nreplied != 1 || ndrop || nflood || ntx != 1 || o->txmask != 1u << in) {
			snprintf(o->why, sizeof(o->why),
				 "reply with %d replied, %d drops, %d rx_flood, tx %#x", nreplied,
				 ndrop, nflood, o->txmask);
			return 0;
		}
		kind = DPT_REPLY;
	} else if (nflood) {
		if (nflood == 1 && ndrop && ndrop == nredirect && d->hook == DPT_TC &&
		    backlog_drops() > backlog0) {
			/* Copies the kernel's full backlog refused (see
			 * backlog_drops()): the flood the model expects. */
			dpt_backlog_losses += (unsigned long)ndrop;
			o->backlog_lost = (uint32_t)ndrop;
			ndrop = 0;
		}
		if (nflood != 1 || ndrop) {
			snprintf(o->why, sizeof(o->why), "flood with %d rx_flood, %d drops (%s)",
				 nflood, ndrop, ndrop ? dpt_reason_str(reason) : "-");
			return 0;
		}
		kind = DPT_FLOOD;
	} else if (ndrop) {
		if (ndrop != 1 || ntx) {
			snprintf(o->why, sizeof(o->why), "drop with %d drops, %d tx ports", ndrop, ntx);
			return 0;
		}
		kind = DPT_DROP;
	} else {
		if (ntx != 1) {
			snprintf(o->why, sizeof(o->why), "unicast with %d tx ports", ntx);
			return 0;
		}
		kind = DPT_UNICAST;
	}

	/* What the program says must agree. */
	if (d->hook == DPT_TC) {
		/* A flood sends the frame itself to its last port. */
		int want = kind == DPT_UNICAST || kind == DPT_REPLY ||
					   (kind == DPT_FLOOD && o->txmask) ?
				   TC_ACT_REDIRECT :
				   TC_ACT_SHOT;

		if (o->retval != want) {
			snprintf(o->why, sizeof(o->why), "counters say %s, verdict %d",
				 dpt_kind_str(kind), o->retval);
			return 0;
		}
	} else {
		const struct xbr_xdp_decision *t = &o->xdp;
		int bad = (int)t->verdict != kind;

		if (kind == DPT_DROP)
			bad |= t->reason != reason;
		else
			bad |= t->reason != XBR_DROP_NONE;
		if (kind == DPT_UNICAST || kind == DPT_REPLY)
			bad |= (int)t->out_ifindex != dpt_env.ifindex[ffs((int)o->txmask) - 1];
		if (kind == DPT_FLOOD)
			bad |= t->flood_map != ((d->port[in].flags & XBR_PORT_F_ISOLATED) ?
							(uint32_t)XBR_XDP_FLOOD_ISO :
							(uint32_t)XBR_XDP_FLOOD_ALL);
		if (bad) {
			snprintf(o->why, sizeof(o->why),
				 "counters say %s/%s, trace verdict %u out %u map %u reason %u",
				 dpt_kind_str(kind), dpt_reason_str(reason), t->verdict,
				 t->out_ifindex, t->flood_map, t->reason);
			return 0;
		}
	}
	o->kind = kind;
	o->reason = kind == DPT_DROP ? reason : XBR_DROP_NONE;
	return 0;
}

/* Every CPU's values of entry @key of the per-CPU map @fd: *buf to free(). */
static int percpu_save(struct dpt *d, int fd, __u32 key, size_t vsize, void **buf)
{
	*buf = calloc((size_t)d->ncpu, vsize);
	if (!*buf)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, *buf) < 0) {
		free(*buf);
		*buf = NULL;
		return -errno;
	}
	return 0;
}

int dpt_xdp_peek(struct dpt *d, uint32_t ifindex, const void *frame, uint32_t len, void *out,
		 uint32_t cap, uint32_t *out_len)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .data_size_in = len, .data_out = out,
		    .data_size_out = cap, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));
	struct xbr_xdp_decision last = d->xdp->bss->xbr_xdp_last;
	void *br = NULL, *ps[DPT_NPOS] = {};
	int pos, err = 0, ret = -EINVAL;
	__u32 zero = 0;

	if (d->hook != DPT_XDP)
		return -EINVAL;
	err = percpu_save(d, d->brstats_fd, 0, sizeof(struct xbr_br_stats), &br);
	for (pos = 0; !err && pos < DPT_NPOS; pos++)
		if (d->present[pos])
			err = percpu_save(d, d->pstats_fd, dpt_idx(pos),
					  sizeof(struct xbr_port_stats), &ps[pos]);
	if (!err) {
		if (bpf_prog_test_run_opts(d->prog_fd, &t) < 0)
			err = -errno;
		else
			ret = (int)t.retval;
		*out_len = t.data_size_out;
	}
	/* Put back what the look moved. */
	if (br && bpf_map_update_elem(d->brstats_fd, &zero, br, BPF_EXIST) < 0 && !err)
		err = -errno;
	for (pos = 0; pos < DPT_NPOS; pos++) {
		__u32 idx = dpt_idx(pos);

		if (ps[pos] && bpf_map_update_elem(d->pstats_fd, &idx, ps[pos], BPF_EXIST) < 0 &&
		    !err)
			err = -errno;
		free(ps[pos]);
	}
	free(br);
	d->xdp->bss->xbr_xdp_last = last;
	if (!err)
		err = dpt_events_drain(d);
	return err ? err : ret;
}

const char *dpt_dns_str(int dns)
{
	static const char *const n[] = { "-", "answered", "nxdomain", "refused", "forwarded" };

	return dns >= 0 && dns < (int)(sizeof(n) / sizeof(n[0])) ? n[dns] : "?";
}

const char *dpt_mac_str(const uint8_t mac[6])
{
	static char buf[8][18];
	static int i;
	char *b = buf[i++ & 7];

	snprintf(b, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return b;
}

int dpt_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

const char *dpt_kind_str(int kind)
{
	switch (kind) {
	case DPT_DROP:
		return "drop";
	case DPT_UNICAST:
		return "unicast";
	case DPT_FLOOD:
		return "flood";
	case DPT_REPLY:
		return "reply";
	default:
		return "inconsistent";
	}
}

const char *dpt_reason_str(uint32_t reason)
{
	static const char *const n[] = {
		[XBR_DROP_NONE] = "none",	  [XBR_DROP_RUNT] = "runt",
		[XBR_DROP_NOPORT] = "noport",	  [XBR_DROP_SAME_PORT] = "same-port",
		[XBR_DROP_BAD_SRC] = "bad-src",	  [XBR_DROP_LOCKED] = "locked",
		[XBR_DROP_ISOLATED] = "isolated", [XBR_DROP_REDIRECT] = "redirect",
		[XBR_DROP_SPOOF] = "spoof",	  [XBR_DROP_TOO_BIG] = "too-big",
	};

	return reason < sizeof(n) / sizeof(n[0]) && n[reason] ? n[reason] : "?";
}
