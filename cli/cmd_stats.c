// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr stats: the per-CPU counters of the ports and of the bridge, summed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bridge.h"
#include "cmd.h"
#include "directory.h"
#include "out.h"
#include "log.h"

/* A name for every enum xbr_drop_reason: one added at the end without a name
 * fails the build. */
static const char *const drop_names[] = {
	[XBR_DROP_NONE] = "none",	  [XBR_DROP_RUNT] = "runt",
	[XBR_DROP_NOPORT] = "no-port",	  [XBR_DROP_SAME_PORT] = "same-port",
	[XBR_DROP_BAD_SRC] = "bad-src",	  [XBR_DROP_LOCKED] = "locked",
	[XBR_DROP_ISOLATED] = "isolated", [XBR_DROP_REDIRECT] = "redirect",
	[XBR_DROP_SPOOF] = "spoof",	  [XBR_DROP_TOO_BIG] = "too-big",
	[XBR_DROP_TUNNEL] = "tunnel",
};
_Static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == XBR_DROP__MAX,
	       "a drop reason has no name in drop_names");

/* Name of drop reason @d (a reason newer than this table: "reason-N"). */
static const char *drop_name(int d, char *buf, size_t len)
{
	if (d < XBR_DROP__MAX && drop_names[d])
		return drop_names[d];
	snprintf(buf, len, "reason-%d", d);
	return buf;
}

/* The counters, each once: JSON key (the field's name), text form, field. */
static const struct out_counter fdb_counters[] = {
	OUT_COUNTER(struct xbr_br_stats, learned, " learned %llu"),
	OUT_COUNTER(struct xbr_br_stats, moved, " moved %llu"),
	OUT_COUNTER(struct xbr_br_stats, aged, " aged %llu"),
	OUT_COUNTER(struct xbr_br_stats, evicted, " evicted %llu"),
	OUT_COUNTER(struct xbr_br_stats, refused, " refused %llu"),
	OUT_COUNTER(struct xbr_br_stats, refused_port, " refused-port %llu"),
	OUT_COUNTER(struct xbr_br_stats, deleted, " deleted %llu"),
	OUT_COUNTER(struct xbr_br_stats, ev_lost, " ev-lost %llu"),
	OUT_COUNTER(struct xbr_br_stats, arp_replied, " arp-replied %llu"),
	OUT_COUNTER(struct xbr_br_stats, nd_replied, " nd-replied %llu"),
};

static const struct out_counter dns_counters[] = {
	{ "answered", " answered %llu", offsetof(struct xbr_br_stats, dns_answered) },
	{ "nxdomain", " nxdomain %llu", offsetof(struct xbr_br_stats, dns_nxdomain) },
	{ "refused", " refused %llu", offsetof(struct xbr_br_stats, dns_refused) },
	{ "forwarded", " forwarded %llu", offsetof(struct xbr_br_stats, dns_forwarded) },
};

static const struct out_counter port_counters[] = {
	OUT_COUNTER(struct xbr_port_stats, rx_packets, " rx %llu pkts"),
	OUT_COUNTER(struct xbr_port_stats, rx_bytes, " %llu bytes"),
	OUT_COUNTER(struct xbr_port_stats, tx_packets, " tx %llu pkts"),
	OUT_COUNTER(struct xbr_port_stats, tx_bytes, " %llu bytes"),
	OUT_COUNTER(struct xbr_port_stats, rx_flood, " flood %llu"),
};

static const struct out_counter dir_counters[] = {
	OUT_COUNTER(struct xbr_dir_status, events, " events %llu"),
	OUT_COUNTER(struct xbr_dir_status, resyncs, " resyncs %llu"),
	OUT_COUNTER(struct xbr_dir_status, published, " published %llu"),
	OUT_COUNTER(struct xbr_dir_status, peers_added, " peers-added %llu"),
	OUT_COUNTER(struct xbr_dir_status, peers_removed, " peers-removed %llu"),
	OUT_COUNTER(struct xbr_dir_status, entries_added, " entries-added %llu"),
	OUT_COUNTER(struct xbr_dir_status, entries_removed, " entries-removed %llu"),
	OUT_COUNTER(struct xbr_dir_status, conflicts, " conflicts %llu"),
	OUT_COUNTER(struct xbr_dir_status, vni_mismatches, " vni-mismatches %llu"),
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

int do_stats(const struct xbr_args *a)
{
	struct xbr_port_stats ps;
	struct xbr_br_stats bs;
	struct xbr_port *ports = NULL;
	struct xbr_bridge *br = NULL;
	struct xbr_out o;
	size_t n = 0, i;
	__u32 learned;
	char dbuf[24], fmt[48];
	int err, d;

	(void)a;
	err = cmd_open_bridge(&br);
	if (err)
		goto out;
	err = br_ports(br, &ports, &n);
	if (err) {
		pr_warn("bridge \"%s\": cannot read its ports: %s", br_name(br), strerror(-err));
		goto out;
	}
	err = br_stats(br, &bs);
	if (err) {
		pr_warn("bridge \"%s\": cannot read the bridge counters: %s", br_name(br),
			strerror(-err));
		goto out;
	}

	out_start(&o, stdout, g.json, g.pretty);
	out_open_object(&o, NULL);
	out_str(&o, OUT_ANY, "bridge", "bridge %s fdb:", br_name(br));
	out_open_object(&o, "fdb");
	out_counters(&o, fdb_counters, NELEMS(fdb_counters), &bs);
	out_close_object(&o);
	out_text(&o, "\n");
	/* The datapath's DNS answers (bpf/lib/dns.h). */
	out_text(&o, "bridge %s dns:", br_name(br));
	out_open_object(&o, "dns");
	out_counters(&o, dns_counters, NELEMS(dns_counters), &bs);
	out_close_object(&o);
	out_text(&o, "\n");
	out_open_array(&o, "ports");
	for (i = 0; i < n; i++) {
		const struct xbr_port *p = &ports[i];

		br_port_stats(br, p->idx, &ps, &learned);
		out_open_object(&o, NULL);
		out_str(&o, OUT_ANY, "ifname", "%s", p->ifname);
		out_str(&o, OUT_JSON, "netns", NULL, p->name);
		out_str(&o, OUT_TEXT, NULL, " netns %s:", p->name[0] ? p->name : "-");
		out_counters(&o, port_counters, NELEMS(port_counters), &ps);
		out_u64(&o, OUT_ANY, "learned", " learned %llu\n  drops:", learned);
		out_u64(&o, OUT_JSON, "max_learned", NULL, p->max_learned);
		out_open_object(&o, "drops");
		for (d = 1; d < XBR_DROP__MAX; d++) {
			const char *name = drop_name(d, dbuf, sizeof(dbuf));

			snprintf(fmt, sizeof(fmt), " %s %%llu", name);
			out_u64(&o, OUT_ANY, name, fmt, ps.drops[d]);
		}
		out_close_object(&o);
		out_text(&o, "\n");
		out_close_object(&o);
	}
	out_close_array(&o);
	/* Directory events, as the uplinks' agent counts them (directory.h). */
	for (i = 0, d = 0; i < n; i++) {
		struct xbr_dir_status st;

		if (ports[i].kind != XBR_KIND_UPLINK ||
		    dir_status_load(br_name(br), ports[i].name, &st))
			continue;
		if (!d++)
			out_open_array(&o, "directory");
		out_open_object(&o, NULL);
		out_str(&o, OUT_ANY, "uplink", "uplink %s directory:", ports[i].name);
		out_counters(&o, dir_counters, NELEMS(dir_counters), &st);
		out_text(&o, "\n");
		out_close_object(&o);
	}
	if (d)
		out_close_array(&o);
	out_close_object(&o);
	out_end(&o);
out:
	free(ports);
	br_close(br);
	return err;
}
