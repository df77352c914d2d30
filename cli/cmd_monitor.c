// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr monitor: FDB events from the bridge's ring buffer, one line each; with
 * --restore also the watcher of the bridge's nf_tables table, which puts it
 * back (nat_restore()) whenever someone else changed it: a netlink socket on
 * the NFNLGRP_NFTABLES group (libmnl), messages read only for the table
 * they name.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libmnl/libmnl.h>
#include "bridge.h"
#include "cmd.h"
#include "out.h"
#include "log.h"
#include "nat.h"
#include "publish.h"

struct monitor_args {
	struct xbr_opt_u32 count, timeout;
	bool restore;
};

const struct xbr_opt xbr_monitor_opts[] = {
	{ .name = "count", .arg = "N", .help = "stop after N events", .type = XBR_T_U32, .min = 1,
	  .max = 1u << 31, XBR_AT(struct monitor_args, count) },
	{ .name = "timeout", .arg = "SEC", .help = "stop after SEC seconds", .type = XBR_T_U32,
	  .min = 1, .max = 1u << 31, XBR_AT(struct monitor_args, timeout) },
	{ .name = "--restore",
	  .help = "also put the bridge's nf_tables table back whenever it is flushed or changed",
	  XBR_AT(struct monitor_args, restore) },
	{ .name = NULL },
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *const ev_names[] = {
	[XBR_EV_LEARNED] = "learned", [XBR_EV_MOVED] = "moved",	  [XBR_EV_AGED] = "aged",
	[XBR_EV_EVICTED] = "evicted", [XBR_EV_DELETED] = "deleted", [XBR_EV_ADDED] = "added",
};

struct mon {
	struct xbr_bridge *br;
	struct xbr_port *ports;
	size_t nports;
	unsigned long printed, max;
	__u64 since_ns; /* events older than the monitor (left in the ring) are not news */
};

static void port_names(struct mon *m, __u32 ifindex, const char **ifname, const char **netns)
{
	size_t i;

	*ifname = "?";
	*netns = "";
	for (i = 0; i < m->nports; i++) {
		if (m->ports[i].ifindex == ifindex) {
			*ifname = m->ports[i].ifname;
			*netns = m->ports[i].name;
			return;
		}
	}
}

static void refresh_ports(struct mon *m)
{
	free(m->ports);
	m->ports = NULL;
	m->nports = 0;
	br_ports(m->br, &m->ports, &m->nports);
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct mon *m = ctx;
	const struct xbr_event *e = data;
	const char *ifname, *netns, *oif = NULL, *ons = NULL;
	const char *type = "unknown";
	char mac[XBR_MAC_STRLEN];
	struct xbr_out o;

	if (len < sizeof(*e) || e->ts_ns < m->since_ns || (m->max && m->printed >= m->max))
		return 0;
	if (e->type < sizeof(ev_names) / sizeof(ev_names[0]) && ev_names[e->type])
		type = ev_names[e->type];
	port_names(m, e->ifindex, &ifname, &netns);
	if (!strcmp(ifname, "?")) {
		refresh_ports(m); /* a port added since we started */
		port_names(m, e->ifindex, &ifname, &netns);
	}
	if (e->old_ifindex)
		port_names(m, e->old_ifindex, &oif, &ons);
	xbr_format_mac(e->mac, mac);
	/* One line per event: text, or one compact JSON object. */
	out_start(&o, stdout, g.json, false);
	out_open_object(&o, NULL);
	out_str(&o, OUT_ANY, "event", "%s", type);
	out_str(&o, OUT_ANY, "mac", " %s", mac);
	out_str(&o, OUT_ANY, "ifname", " dev %s", ifname);
	out_str(&o, netns[0] ? OUT_ANY : OUT_JSON, "netns", " netns %s", netns);
	if (oif)
		out_str(&o, OUT_ANY, "from", " from %s", oif);
	out_str(&o, OUT_ANY, "master", " master %s", br_name(m->br));
	out_u64(&o, OUT_JSON, "ts_ns", NULL, e->ts_ns);
	out_text(&o, "\n");
	out_close_object(&o);
	out_end(&o);
	fflush(stdout);
	m->printed++;
	if (m->max && m->printed >= m->max)
		stop = 1;
	return 0;
}

/* ---- the watcher of the bridge's nf_tables table (--restore) ---- */

struct watch {
	struct mnl_socket *nl;
	char table[64]; /* "xbr-<bridge>" */
	int dirty; /* a change to the table was seen */
	struct timespec since; /* when the first unchecked change was seen */
};

/* Attribute 1 of every nf_tables object message is the table's name
 * (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE...). */
static int nft_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(attr) == NFTA_TABLE_NAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*tb = attr;
	return MNL_CB_OK;
}

static int nft_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct watch *w = data;
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb = NULL;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWGEN ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*nfg) || nfg->nfgen_family != NFPROTO_INET)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*nfg), nft_attr_cb, &tb) < 0 || !tb)
		return MNL_CB_OK;
	if (!strcmp(mnl_attr_get_str(tb), w->table) && !w->dirty) {
		w->dirty = 1;
		clock_gettime(CLOCK_MONOTONIC, &w->since);
	}
	return MNL_CB_OK;
}

static int watch_open(struct watch *w, const char *bridge)
{
	int grp = NFNLGRP_NFTABLES;

	nat_table_name(bridge, w->table, sizeof(w->table));
	w->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!w->nl)
		return -errno;
	if (mnl_socket_bind(w->nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(w->nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		int err = -errno;

		mnl_socket_close(w->nl);
		w->nl = NULL;
		return err;
	}
	/* What is there now is checked first. */
	w->dirty = 1;
	clock_gettime(CLOCK_MONOTONIC, &w->since);
	return 0;
}

/* Read every pending notification. */
static void watch_drain(struct watch *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(w->nl, buf, sizeof(buf));
		if (n < 0 && errno == ENOBUFS) {
			/* Notifications were lost: the table may have changed. */
			if (!w->dirty)
				clock_gettime(CLOCK_MONOTONIC, &w->since);
			w->dirty = 1;
			continue;
		}
		if (n <= 0)
			return;
		mnl_cb_run(buf, (size_t)n, 0, 0, nft_msg_cb, w);
	}
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* One line per event of the watcher. */
static void watch_log(const char *event, const char *bridge, const char *table,
		      const char *nat, long npubs, long ms)
{
	struct xbr_out o;

	out_start(&o, stdout, g.json, false);
	out_open_object(&o, NULL);
	out_str(&o, OUT_JSON, "event", NULL, event);
	if (!strcmp(event, "restored"))
		out_text(&o, "restored table inet %s of bridge %s: nat %s, %ld publication%s (%ld ms after the change)",
			 table, bridge, nat, npubs, npubs == 1 ? "" : "s", ms);
	else
		out_text(&o, "%s table inet %s of bridge %s", event, table, bridge);
	out_str(&o, OUT_JSON, "bridge", NULL, bridge);
	out_str(&o, OUT_JSON, "table", NULL, table);
	if (nat)
		out_str(&o, OUT_JSON, "nat", NULL, nat);
	if (npubs >= 0)
		out_u64(&o, OUT_JSON, "publications", NULL, (uint64_t)npubs);
	if (ms >= 0)
		out_u64(&o, OUT_JSON, "ms", NULL, (uint64_t)ms);
	out_text(&o, "\n");
	out_close_object(&o);
	out_end(&o);
	fflush(stdout);
}

/*
 * The table changed (or notifications were lost): restore it if it is not
 * as the bridge's record says, under the command lock (a command that is
 * changing it finishes first). 1 when the bridge is down (the watcher
 * stops), else 0; a failure is said and retried at the next change.
 */
static int watch_check(struct watch *w, const char *bridge)
{
	struct xbr_pub *v = NULL;
	struct xbr_bridge *br = NULL;
	size_t n = 0;
	int err;

	w->dirty = 0;
	err = br_init(&br, bridge);
	if (!err && !br_is_up(br)) {
		br_close(br);
		watch_log("bridge down: stopped watching", bridge, w->table, NULL, -1, -1);
		return 1;
	}
	if (!err)
		err = br_open(br);
	if (!err)
		err = nat_restore(br);
	if (err == 1) {
		if (pub_list(br, &v, &n))
			n = 0;
		watch_log("restored", bridge, w->table, nat_mode_name(br_config(br)->flags), (long)n,
			  ms_since(&w->since));
		free(v);
	}
	br_close(br);
	return 0;
}

int do_monitor(const struct xbr_args *a)
{
	struct ring_buffer *rb = NULL;
	struct mon m = { 0 };
	struct xbr_bridge *br = NULL;
	struct watch w = { 0 };
	struct timespec t0, t;
	struct pollfd pfd[2];
	const struct monitor_args *o = XBR_OPTS(a, struct monitor_args);
	__u32 timeout = o->timeout.v, count = o->count.v;
	int err, npfd;

	err = cmd_open_bridge(&br);
	if (err)
		goto out;
	/* Do not hold the command lock while we wait for events (the watcher
	 * takes it for each check). */
	br_unlock(br);
	m.br = br;
	m.max = count;
	refresh_ports(&m);
	/* The datapath stamps events with the coarse monotonic clock. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &t0);
	m.since_ns = (__u64)t0.tv_sec * 1000000000ULL + (__u64)t0.tv_nsec;
	rb = br_events_open(br, on_event, &m);
	if (!rb) {
		err = -errno;
		pr_warn("bridge \"%s\": cannot open the event ring buffer: %s", br_name(br),
			strerror(-err));
		goto out;
	}
	if (o->restore) {
		err = watch_open(&w, br_name(br));
		if (err) {
			pr_warn("monitor: cannot listen to nf_tables changes: %s", strerror(-err));
			goto out;
		}
		watch_log("watching", br_name(br), w.table, NULL, -1, -1);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pfd[0].fd = ring_buffer__epoll_fd(rb);
	pfd[0].events = POLLIN;
	npfd = 1;
	if (w.nl) {
		pfd[1].fd = mnl_socket_get_fd(w.nl);
		pfd[1].events = POLLIN;
		npfd = 2;
	}
	while (!stop) {
		/* A change is checked once its batch has settled (no news for 20 ms). */
		if (poll(pfd, (nfds_t)npfd, w.dirty ? 20 : 200) < 0 && errno != EINTR) {
			err = -errno;
			pr_warn("monitor: %s", strerror(errno));
			break;
		}
		err = ring_buffer__consume(rb);
		if (err < 0 && err != -EINTR) {
			pr_warn("monitor: %s", strerror(-err));
			break;
		}
		err = 0;
		if (w.nl && (pfd[1].revents & (POLLIN | POLLERR))) {
			watch_drain(&w);
		} else if (w.dirty && !stop && watch_check(&w, br_name(br))) {
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (timeout && t.tv_sec - t0.tv_sec >= (time_t)timeout)
			break;
	}
out:
	if (w.nl)
		mnl_socket_close(w.nl);
	ring_buffer__free(rb);
	free(m.ports);
	br_close(br);
	return err;
}
