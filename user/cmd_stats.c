// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr stats | xbr set ageing SEC */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bridge.h"
#include "cmd.h"
#include "datapath.h"
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
};
_Static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == XBR_DROP__MAX,
	       "a drop reason has no name in drop_names");

void usage_stats(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] [-j [-p]] stats\n"
		   "Counters: per port rx/tx packets and bytes, flooded frames, drops by reason\n"
		   "(runt, same-port, bad-src, locked, isolated, redirect, spoof, too-big),\n"
		   "learned entries; bridge-wide learned, moved, aged, evicted, refused (table\n"
		   "full), refused-port (port at max-learned) and deleted counts, and ev-lost:\n"
		   "fdb events not published because their ring was full (nobody draining it\n"
		   "with \"xbr monitor\", or not fast enough); arp-replied and nd-replied: ARP\n"
		   "requests and neighbour solicitations the bridge answered itself\n"
		   "(neigh-suppress), each counted as tx on the port that asked.\n");
}

void usage_set(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] set { ageing SEC | icc on|off | neigh-suppress on|off |\n"
		   "                           mode tc|xdp|auto }\n"
		   "Change a live bridge.\n"
		   "  ageing SEC  ageing time of learned entries (1..1000000 s)\n"
		   "  icc on|off  inter-container communication; off isolates every namespace\n"
		   "              port from the others (each still reaches the gateway); on\n"
		   "              clears isolation on every namespace port\n"
		   "  neigh-suppress on|off  the bridge default, and every port's: the bridge\n"
		   "              answers ARP and neighbour solicitations for known stations\n"
		   "  mode MODE   datapath: tc, xdp or auto (tc); the forwarding table,\n"
		   "              counters and established connections stay\n");
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

int do_stats(int argc, char **argv)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xbr_port_stats ps, *pcpu = NULL;
	struct xbr_br_stats bs, *bcpu = NULL;
	struct xbr_port *ports = NULL;
	struct xbr_bridge br;
	struct xbr_json j;
	size_t n = 0, i;
	__u32 zero = 0, learned;
	int err, d;

	if (argc > 1) {
		pr_warn("stats: unexpected argument \"%s\"", argv[1]);
		return -EINVAL;
	}
	if (ncpu < 1)
		return -EINVAL;
	err = cmd_open_bridge(&br);
	if (!err)
		err = br_ports(&br, &ports, &n);
	if (err)
		goto out;
	pcpu = calloc((size_t)ncpu, sizeof(*pcpu));
	bcpu = calloc((size_t)ncpu, sizeof(*bcpu));
	if (!pcpu || !bcpu) {
		err = -ENOMEM;
		goto out;
	}
	if (bpf_map_lookup_elem(br.map[XBR_M_BR_STATS], &zero, bcpu) < 0) {
		err = -errno;
		goto out;
	}
	sum_percpu((__u64 *)bcpu, ncpu, sizeof(bs) / 8, (__u64 *)&bs);

	if (g.json) {
		json_init(&j, stdout, g.pretty);
		json_open_object(&j);
		json_kv_string(&j, "bridge", br.name);
		json_key(&j, "fdb");
		json_open_object(&j);
		json_kv_uint(&j, "learned", bs.learned);
		json_kv_uint(&j, "moved", bs.moved);
		json_kv_uint(&j, "aged", bs.aged);
		json_kv_uint(&j, "evicted", bs.evicted);
		json_kv_uint(&j, "refused", bs.refused);
		json_kv_uint(&j, "refused_port", bs.refused_port);
		json_kv_uint(&j, "deleted", bs.deleted);
		json_kv_uint(&j, "ev_lost", bs.ev_lost);
		json_kv_uint(&j, "arp_replied", bs.arp_replied);
		json_kv_uint(&j, "nd_replied", bs.nd_replied);
		json_close_object(&j);
		json_key(&j, "ports");
		json_open_array(&j);
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
			json_open_object(&j);
			json_kv_string(&j, "ifname", p->ifname);
			json_kv_string(&j, "netns", p->name);
			json_kv_uint(&j, "rx_packets", ps.rx_packets);
			json_kv_uint(&j, "rx_bytes", ps.rx_bytes);
			json_kv_uint(&j, "tx_packets", ps.tx_packets);
			json_kv_uint(&j, "tx_bytes", ps.tx_bytes);
			json_kv_uint(&j, "rx_flood", ps.rx_flood);
			json_kv_uint(&j, "learned", learned);
			json_kv_uint(&j, "max_learned", p->max_learned);
			json_key(&j, "drops");
			json_open_object(&j);
			for (d = 1; d < XBR_DROP__MAX; d++)
				json_kv_uint(&j, drop_names[d], ps.drops[d]);
			json_close_object(&j);
			json_close_object(&j);
		} else {
			printf("%s netns %s: rx %llu pkts %llu bytes tx %llu pkts %llu bytes flood %llu "
			       "learned %u\n  drops:",
			       p->ifname, p->name[0] ? p->name : "-",
			       (unsigned long long)ps.rx_packets, (unsigned long long)ps.rx_bytes,
			       (unsigned long long)ps.tx_packets, (unsigned long long)ps.tx_bytes,
			       (unsigned long long)ps.rx_flood, learned);
			for (d = 1; d < XBR_DROP__MAX; d++)
				printf(" %s %llu", drop_names[d], (unsigned long long)ps.drops[d]);
			printf("\n");
		}
	}
	if (g.json) {
		json_close_array(&j);
		json_close_object(&j);
		json_finish(&j);
	}
out:
	free(pcpu);
	free(bcpu);
	free(ports);
	br_close(&br);
	return err;
}

static int set_ageing(struct xbr_bridge *br, const char *val)
{
	__u32 sec;
	int err;

	if (xbr_parse_u32(val, 1, 1000000, &sec)) {
		pr_warn("ageing \"%s\": not a number of seconds in 1..1000000", val);
		return -EINVAL;
	}
	br->cfg.ageing_ns = (__u64)sec * 1000000000ULL;
	err = br_config_write(br);
	if (err)
		pr_warn("bridge \"%s\": cannot set ageing: %s", br->name, strerror(-err));
	return err;
}

/* icc off: every namespace port isolated (Docker's icc=false); on: none. */
static int set_icc(struct xbr_bridge *br, const char *val)
{
	struct xbr_port *ports = NULL;
	size_t n = 0, i;
	int on = xbr_parse_onoff(val), err;

	if (on < 0) {
		pr_warn("icc \"%s\": not on or off", val);
		return -EINVAL;
	}
	if (on)
		br->cfg.flags &= (__u16)~XBR_CFG_F_NO_ICC;
	else
		br->cfg.flags |= XBR_CFG_F_NO_ICC;
	err = br_config_write(br);
	if (!err)
		err = br_ports(br, &ports, &n);
	for (i = 0; !err && i < n; i++) {
		if (ports[i].flags & XBR_PORT_F_GATEWAY)
			continue;
		if (on)
			ports[i].flags &= ~(__u32)XBR_PORT_F_ISOLATED;
		else
			ports[i].flags |= XBR_PORT_F_ISOLATED;
		err = br_port_update(br, &ports[i]);
	}
	if (err)
		pr_warn("bridge \"%s\": cannot set icc: %s", br->name, strerror(-err));
	free(ports);
	return err;
}

/* neigh-suppress on|off: the bridge default for new ports, and every port now. */
static int set_neigh_suppress(struct xbr_bridge *br, const char *val)
{
	struct xbr_port *ports = NULL;
	size_t n = 0, i;
	int on = xbr_parse_onoff(val), err;

	if (on < 0) {
		pr_warn("neigh-suppress \"%s\": not on or off", val);
		return -EINVAL;
	}
	if (on)
		br->cfg.flags |= XBR_CFG_F_NEIGH_SUPPRESS;
	else
		br->cfg.flags &= (__u16)~XBR_CFG_F_NEIGH_SUPPRESS;
	err = br_config_write(br);
	if (!err)
		err = br_ports(br, &ports, &n);
	for (i = 0; !err && i < n; i++) {
		if (on)
			ports[i].flags |= XBR_PORT_F_NEIGH_SUPPRESS;
		else
			ports[i].flags &= ~(__u32)XBR_PORT_F_NEIGH_SUPPRESS;
		err = br_port_update(br, &ports[i]);
	}
	if (err)
		pr_warn("bridge \"%s\": cannot set neigh-suppress: %s", br->name, strerror(-err));
	free(ports);
	return err;
}

/* mode tc|xdp|auto: switch the datapath of the live bridge (datapath.c). */
static int set_mode(struct xbr_bridge *br, const char *val)
{
	int err, mode, is_auto, old = br->cfg.mode;

	if (dp_mode_parse(val, &mode, &is_auto)) {
		pr_warn("mode \"%s\": not tc, xdp or auto", val);
		return -EINVAL;
	}
	err = br_set_mode(br, mode); /* says why itself when it fails */
	if (!err)
		printf("bridge %s mode %s (was %s)\n", br->name, dp_mode_name(mode),
		       dp_mode_name(old));
	return err;
}

static const struct {
	const char *key;
	int (*fn)(struct xbr_bridge *br, const char *val);
} settings[] = {
	{ "ageing", set_ageing },
	{ "icc", set_icc },
	{ "neigh-suppress", set_neigh_suppress },
	{ "mode", set_mode },
};

int do_set(int argc, char **argv)
{
	struct xbr_bridge br;
	size_t k;
	int err;

	if (argc != 3) {
		pr_warn("set: expected a setting and a value, try \"xbr help set\"");
		return -EINVAL;
	}
	for (k = 0; k < sizeof(settings) / sizeof(settings[0]); k++)
		if (!strcmp(argv[1], settings[k].key))
			break;
	if (k == sizeof(settings) / sizeof(settings[0])) {
		pr_warn("set: unknown setting \"%s\", try \"xbr help set\"", argv[1]);
		return -EINVAL;
	}
	err = cmd_open_bridge(&br);
	if (!err)
		err = settings[k].fn(&br, argv[2]);
	br_close(&br);
	return err;
}
