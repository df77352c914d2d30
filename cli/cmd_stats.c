// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr stats: the per-CPU counters of the ports and of the bridge, summed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bridge.h"
#include "cmd.h"
#include "datapath.h"
#include "directory.h"
#include "json.h"
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

/* Sum a per-CPU value laid out as ncpu copies of @n u64 counters. */
static void sum_percpu(const __u64 *vals, int ncpu, size_t n, __u64 *out)
{
	int c;
	size_t i;

	memset(out, 0, n * sizeof(*out));
	for (c = 0; c < ncpu; c++)
		for (i = 0; i < n; i++)
			out[i] += vals[(size_t)c * n + i];
}

int do_stats(const struct xbr_args *a)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xbr_port_stats ps, *pcpu = NULL;
	struct xbr_br_stats bs, *bcpu = NULL;
	struct xbr_port *ports = NULL;
	struct xbr_bridge br;
	struct xbr_json j;
	size_t n = 0, i;
	__u32 zero = 0, learned;
	char dbuf[24];
	int err, d;

	(void)a;
	if (ncpu < 1) {
		pr_warn("stats: cannot count the possible CPUs: %s", strerror(-ncpu));
		return ncpu ? ncpu : -EINVAL;
	}
	err = cmd_open_bridge(&br);
	if (err)
		goto out;
	err = br_ports(&br, &ports, &n);
	if (err) {
		pr_warn("bridge \"%s\": cannot read its ports: %s", br.name, strerror(-err));
		goto out;
	}
	pcpu = calloc((size_t)ncpu, sizeof(*pcpu));
	bcpu = calloc((size_t)ncpu, sizeof(*bcpu));
	if (!pcpu || !bcpu) {
		err = -ENOMEM;
		pr_warn("stats: out of memory");
		goto out;
	}
	if (bpf_map_lookup_elem(br.map[XBR_M_BR_STATS], &zero, bcpu) < 0) {
		err = -errno;
		pr_warn("bridge \"%s\": cannot read the bridge counters: %s", br.name,
			strerror(-err));
		goto out;
	}
	sum_percpu((__u64 *)bcpu, ncpu, sizeof(bs) / 8, (__u64 *)&bs);

	if (g.json) {
		jw_init(&j, stdout, g.pretty);
		jw_open_object(&j);
		jw_kv_string(&j, "bridge", br.name);
		jw_key(&j, "fdb");
		jw_open_object(&j);
		jw_kv_uint(&j, "learned", bs.learned);
		jw_kv_uint(&j, "moved", bs.moved);
		jw_kv_uint(&j, "aged", bs.aged);
		jw_kv_uint(&j, "evicted", bs.evicted);
		jw_kv_uint(&j, "refused", bs.refused);
		jw_kv_uint(&j, "refused_port", bs.refused_port);
		jw_kv_uint(&j, "deleted", bs.deleted);
		jw_kv_uint(&j, "ev_lost", bs.ev_lost);
		jw_kv_uint(&j, "arp_replied", bs.arp_replied);
		jw_kv_uint(&j, "nd_replied", bs.nd_replied);
		jw_close_object(&j);
		jw_key(&j, "ports");
		jw_open_array(&j);
	} else {
		printf("bridge %s fdb: learned %llu moved %llu aged %llu evicted %llu refused %llu "
		       "refused-port %llu deleted %llu ev-lost %llu arp-replied %llu nd-replied %llu\n",
		       br.name, (unsigned long long)bs.learned, (unsigned long long)bs.moved,
		       (unsigned long long)bs.aged, (unsigned long long)bs.evicted,
		       (unsigned long long)bs.refused, (unsigned long long)bs.refused_port,
		       (unsigned long long)bs.deleted, (unsigned long long)bs.ev_lost,
		       (unsigned long long)bs.arp_replied, (unsigned long long)bs.nd_replied);
	}
	for (i = 0; i < n; i++) {
		const struct xbr_port *p = &ports[i];

		if (bpf_map_lookup_elem(br.map[XBR_M_PORT_STATS], &p->idx, pcpu) < 0)
			memset(pcpu, 0, (size_t)ncpu * sizeof(*pcpu));
		sum_percpu((__u64 *)pcpu, ncpu, sizeof(ps) / 8, (__u64 *)&ps);
		if (bpf_map_lookup_elem(br.map[XBR_M_LEARNED], &p->idx, &learned) < 0)
			learned = 0;
		if (g.json) {
			jw_open_object(&j);
			jw_kv_string(&j, "ifname", p->ifname);
			jw_kv_string(&j, "netns", p->name);
			jw_kv_uint(&j, "rx_packets", ps.rx_packets);
			jw_kv_uint(&j, "rx_bytes", ps.rx_bytes);
			jw_kv_uint(&j, "tx_packets", ps.tx_packets);
			jw_kv_uint(&j, "tx_bytes", ps.tx_bytes);
			jw_kv_uint(&j, "rx_flood", ps.rx_flood);
			jw_kv_uint(&j, "learned", learned);
			jw_kv_uint(&j, "max_learned", p->max_learned);
			jw_key(&j, "drops");
			jw_open_object(&j);
			for (d = 1; d < XBR_DROP__MAX; d++)
				jw_kv_uint(&j, drop_name(d, dbuf, sizeof(dbuf)), ps.drops[d]);
			jw_close_object(&j);
			jw_close_object(&j);
		} else {
			printf("%s netns %s: rx %llu pkts %llu bytes tx %llu pkts %llu bytes flood %llu "
			       "learned %u\n  drops:",
			       p->ifname, p->name[0] ? p->name : "-",
			       (unsigned long long)ps.rx_packets, (unsigned long long)ps.rx_bytes,
			       (unsigned long long)ps.tx_packets, (unsigned long long)ps.tx_bytes,
			       (unsigned long long)ps.rx_flood, learned);
			for (d = 1; d < XBR_DROP__MAX; d++)
				printf(" %s %llu", drop_name(d, dbuf, sizeof(dbuf)),
				       (unsigned long long)ps.drops[d]);
			printf("\n");
		}
	}
	if (g.json)
		jw_close_array(&j);
	/* Directory events, as the uplinks' agent counts them (directory.h). */
	for (i = 0, d = 0; i < n; i++) {
		struct xbr_dir_status st;

		if (ports[i].kind != XBR_KIND_UPLINK ||
		    dir_status_load(br.name, ports[i].name, &st))
			continue;
		if (g.json) {
			if (!d++) {
				jw_key(&j, "directory");
				jw_open_array(&j);
			}
			jw_open_object(&j);
			jw_kv_string(&j, "uplink", ports[i].name);
			jw_kv_uint(&j, "events", st.events);
			jw_kv_uint(&j, "resyncs", st.resyncs);
			jw_kv_uint(&j, "published", st.published);
			jw_kv_uint(&j, "peers_added", st.peers_added);
			jw_kv_uint(&j, "peers_removed", st.peers_removed);
			jw_kv_uint(&j, "entries_added", st.entries_added);
			jw_kv_uint(&j, "entries_removed", st.entries_removed);
			jw_kv_uint(&j, "conflicts", st.conflicts);
			jw_kv_uint(&j, "vni_mismatches", st.vni_mismatches);
			jw_close_object(&j);
		} else {
			printf("uplink %s directory: events %llu resyncs %llu published %llu "
			       "peers-added %llu peers-removed %llu entries-added %llu "
			       "entries-removed %llu conflicts %llu vni-mismatches %llu\n",
			       ports[i].name, st.events, st.resyncs, st.published, st.peers_added,
			       st.peers_removed, st.entries_added, st.entries_removed, st.conflicts,
			       st.vni_mismatches);
		}
	}
	if (g.json) {
		if (d)
			jw_close_array(&j);
		jw_close_object(&j);
		jw_finish(&j);
	}
out:
	free(pcpu);
	free(bcpu);
	free(ports);
	br_close(&br);
	return err;
}

