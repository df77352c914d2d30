// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr monitor: FDB events from the bridge's ring buffer, one line each. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bridge.h"
#include "cmd.h"
#include "json.h"
#include "log.h"

const struct xbr_opt xbr_monitor_opts[] = {
	{ .name = "count", .arg = "N", .help = "stop after N events" },
	{ .name = "timeout", .arg = "SEC", .help = "stop after SEC seconds" },
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
	if (g.json) {
		struct xbr_json j;

		json_init(&j, stdout, false);
		json_open_object(&j);
		json_kv_string(&j, "event", type);
		json_kv_string(&j, "mac", mac);
		json_kv_string(&j, "ifname", ifname);
		json_kv_string(&j, "netns", netns);
		if (oif)
			json_kv_string(&j, "from", oif);
		json_kv_string(&j, "master", m->br->name);
		json_kv_uint(&j, "ts_ns", e->ts_ns);
		json_close_object(&j);
		json_finish(&j);
	} else {
		printf("%s %s dev %s", type, mac, ifname);
		if (netns[0])
			printf(" netns %s", netns);
		if (oif)
			printf(" from %s", oif);
		printf(" master %s\n", m->br->name);
	}
	fflush(stdout);
	m->printed++;
	if (m->max && m->printed >= m->max)
		stop = 1;
	return 0;
}

int do_monitor(const struct xbr_args *a)
{
	struct ring_buffer *rb = NULL;
	struct mon m = { 0 };
	struct xbr_bridge br;
	struct timespec t0, t;
	const char *v;
	__u32 timeout = 0, count = 0;
	int err;

	if ((v = arg_val(a, "count")) && xbr_parse_u32(v, 1, 1u << 31, &count)) {
		pr_warn("monitor: count \"%s\" is not a positive number", v);
		return -EINVAL;
	}
	if ((v = arg_val(a, "timeout")) && xbr_parse_u32(v, 1, 1u << 31, &timeout)) {
		pr_warn("monitor: timeout \"%s\" is not a positive number", v);
		return -EINVAL;
	}
	err = cmd_open_bridge(&br);
	if (err)
		goto out;
	/* Do not hold the command lock while we wait for events. */
	close(br.lock_fd);
	br.lock_fd = -1;
	m.br = &br;
	m.max = count;
	refresh_ports(&m);
	/* The datapath stamps events with the coarse monotonic clock. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &t0);
	m.since_ns = (__u64)t0.tv_sec * 1000000000ULL + (__u64)t0.tv_nsec;
	rb = ring_buffer__new(br.map[XBR_M_EVENTS], on_event, &m, NULL);
	if (!rb) {
		err = -errno;
		pr_warn("bridge \"%s\": cannot open the event ring buffer: %s", br.name,
			strerror(-err));
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		err = ring_buffer__poll(rb, 200);
		if (err < 0 && err != -EINTR) {
			pr_warn("monitor: %s", strerror(-err));
			break;
		}
		err = 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (timeout && t.tv_sec - t0.tv_sec >= (time_t)timeout)
			break;
	}
out:
	ring_buffer__free(rb);
	free(m.ports);
	br_close(&br);
	return err;
}
