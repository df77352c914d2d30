// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The BPF program against the reference model (model.c): long random sequences
 * of frames, clock steps, port changes and control requests, applied to both,
 * with every decision compared (drop and its reason / unicast port / flood
 * set, the last from the tx counters), every event compared, and periodically
 * the whole table, the per-port learned counts and the bridge counters.
 *
 *   XBR_MODEL_FRAMES=N  frames in all (default 300000), split over four phases:
 *                       the tc and the XDP program, each with a small table
 *                       (16 entries, 24 stations: full often) and a large one.
 *   XBR_MODEL_SEED=S    replay a run (the seed is printed first).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <cmocka.h>

#include "dpt.h"
#include "parse.h" /* xbr_station_addr6(): how the loader numbers stations */
#include "model.h"
#include "tests.h"

struct test_frame {
	struct ethhdr eth;
	uint8_t payload[ETH_DATA_LEN];
} __attribute__((packed));

#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL
#define NPORTPOS 7 /* positions 0-6 may be ports; 7 is the foreign device */
#define CHECK_EVERY 500

static uint64_t g_seed;
static long g_frames = 300000;
static long g_frames_done;

/* splitmix64: small, fast, and the same sequence everywhere. */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static int pct(struct rng *r, int p)
{
	return (int)below(r, 100) < p;
}

struct phase {
	const char *name;
	int hook; /* enum dpt_hook */
	uint32_t cap;
	int pool; /* unicast stations */
	uint64_t ageing_ns;
	long frames;
	uint64_t seed;
};

struct run {
	struct rng r;
	struct dpt *d;
	struct model *m;
	const struct phase *ph;
	uint8_t pool[64][6];
	long step, frame;
	/* What the current step was, for a mismatch report. */
	char what[256];
	long kinds[3]; /* decisions seen: XBR_V_* */
	long reasons[XBR_DROP__MAX]; /* drops by reason (NOPORT: not a port) */
	long nctl, nportchg;
	/* Station whose refresh/ageing edge the clock was just set to: the next
	 * frame is likely to come from it, on its port, or go to it. */
	bool focus;
	uint8_t focus_mac[6];
	uint32_t focus_ifindex;
};

static void pool_mac(int i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x10;
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static uint32_t random_port_flags(struct rng *r, uint32_t *max_learned)
{
	uint32_t f = 0;

	if (pct(r, 85))
		f |= XBR_PORT_F_LEARNING;
	if (pct(r, 85))
		f |= XBR_PORT_F_FLOOD;
	if (pct(r, 25))
		f |= XBR_PORT_F_ISOLATED;
	if (pct(r, 15))
		f |= XBR_PORT_F_HAIRPIN;
	if (pct(r, 8))
		f |= XBR_PORT_F_LOCKED;
	if (pct(r, 50))
		f |= XBR_PORT_F_PEER;
	if (pct(r, 15))
		f |= XBR_PORT_F_SPOOFCHK;
	*max_learned = pct(r, 70) ? 0 : 1 + (uint32_t)below(r, 6);
	return f;
}

static const char *flags_str(uint32_t f)
{
	static char buf[4][32];
	static int n;
	char *b = buf[n++ & 3];

	snprintf(b, 32, "%s%s%s%s%s%s%s", f & XBR_PORT_F_LEARNING ? "L" : "-",
		 f & XBR_PORT_F_FLOOD ? "F" : "-", f & XBR_PORT_F_ISOLATED ? "I" : "-",
		 f & XBR_PORT_F_HAIRPIN ? "H" : "-", f & XBR_PORT_F_LOCKED ? "K" : "-",
		 f & XBR_PORT_F_PEER ? "P" : "-", f & XBR_PORT_F_SPOOFCHK ? "S" : "-");
	return b;
}

static int pos_of_ifindex(uint32_t ifindex)
{
	int i;

	for (i = 0; i < DPT_NPOS; i++)
		if ((uint32_t)dpt_env.ifindex[i] == ifindex)
			return i;
	return -1;
}

static void dump_context(struct run *R, const uint8_t *src, const uint8_t *dst)
{
	struct dpt *d = R->d;
	struct xbr_fdb_val v;
	const struct m_entry *e;
	int pos, k;
	const uint8_t *macs[2] = { src, dst };

	print_message("  replay: XBR_MODEL_SEED=%" PRIu64 " XBR_MODEL_FRAMES=%ld "
		      "build/tests/test_datapath\n",
		      g_seed, g_frames);
	print_message("  %s %s, step %ld, frame %ld, clock %" PRIu64 " ns, ageing %" PRIu64
		      " ns\n",
		      dpt_hook_name(R->ph->hook), R->ph->name, R->step, R->frame, d->now,
		      R->m->ageing_ns);
	print_message("  ports:");
	for (pos = 0; pos < NPORTPOS; pos++) {
		if (d->present[pos])
			print_message(" %d=%s/max%u/learned%u(model %u)", pos,
				      flags_str(d->port[pos].flags), d->port[pos].max_learned,
				      dpt_learned(d, pos), model_learned(R->m, d->port[pos].ifindex));
		else
			print_message(" %d=absent", pos);
	}
	{
		struct xbr_fdb_key *kk = NULL;
		struct xbr_fdb_val *vv = NULL;
		int nb = dpt_fdb_dump(d, &kk, &vv);

		free(kk);
		free(vv);
		print_message("\n  table: bpf %d entries, model %zu (capacity %u)\n", nb, R->m->n,
			      R->ph->cap);
	}
	for (k = 0; k < 2; k++) {
		if (!macs[k] || (macs[k][0] & 1))
			continue;
		e = model_find(R->m, macs[k]);
		if (e)
			print_message("  model %s: port %d flags %#x updated %" PRIu64 "%s\n",
				      dpt_mac_str(macs[k]), pos_of_ifindex(e->ifindex), e->flags,
				      e->updated, model_expired(R->m, e, d->now) ? " (expired)" : "");
		else
			print_message("  model %s: absent\n", dpt_mac_str(macs[k]));
		if (dpt_fdb_get(d, macs[k], &v) == 0)
			print_message("  bpf   %s: port %d flags %#x updated %llu\n",
				      dpt_mac_str(macs[k]), pos_of_ifindex(v.ifindex), v.flags,
				      (unsigned long long)v.updated_ns);
		else
			print_message("  bpf   %s: absent\n", dpt_mac_str(macs[k]));
	}
}

static void decision_str(char *buf, size_t n, int kind, uint32_t reason, uint32_t mask)
{
	char ports[64] = "";
	size_t len = 0;
	int pos;

	for (pos = 0; pos < DPT_NPOS; pos++)
		if (mask & (1u << pos))
			len += (size_t)snprintf(ports + len, sizeof(ports) - len, "%s%d",
						len ? "," : "", pos);
	if (kind == DPT_DROP)
		snprintf(buf, n, "drop(%s)", dpt_reason_str(reason));
	else if (kind == DPT_UNICAST)
		snprintf(buf, n, "unicast -> port %s", ports);
	else if (kind == DPT_FLOOD)
		snprintf(buf, n, "flood -> {%s}", ports);
	else
		snprintf(buf, n, "inconsistent");
}

static int ev_cmp(const void *a, const void *b)
{
	const struct m_event *x = a, *y = b;
	int c = memcmp(x->mac, y->mac, 6);

	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return 0;
}

/* The entry of @mac in both tables (after every frame and request). */
static int check_entry(struct run *R, const uint8_t mac[6])
{
	const struct m_entry *e = model_find(R->m, mac);
	struct xbr_fdb_val v;
	int err = dpt_fdb_get(R->d, mac, &v);

	if (!e && err == -ENOENT)
		return 0;
	if (e && !err && v.ifindex == e->ifindex && v.flags == e->flags &&
	    v.updated_ns == e->updated)
		return 0;
	print_message("  entry of %s differs:\n", dpt_mac_str(mac));
	return -1;
}

/* Compare the events of this step: as multisets (a flush walks the hash in
 * its own order), every field. */
static int check_events(struct run *R)
{
	struct dpt *d = R->d;
	struct model *m = R->m;
	struct m_event got[512];
	int n = d->nev, i;

	if (d->ev_overflow || n > 512) {
		print_message("  event buffer overflow (%d events)\n", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		memset(&got[i], 0, sizeof(got[i]));
		got[i].type = d->ev[i].type;
		memcpy(got[i].mac, d->ev[i].mac, 6);
		got[i].ifindex = d->ev[i].ifindex;
		got[i].old_ifindex = d->ev[i].old_ifindex;
		got[i].flags = d->ev[i].flags;
		got[i].ts = d->ev[i].ts_ns;
		if (d->ev[i].vlan || d->ev[i].pad)
			n = -1;
	}
	if (n < 0) {
		print_message("  event with vlan/pad set\n");
		return -1;
	}
	qsort(got, (size_t)n, sizeof(got[0]), ev_cmp);
	qsort(m->ev, (size_t)m->nev, sizeof(m->ev[0]), ev_cmp);
	if (n == m->nev) {
		for (i = 0; i < n; i++) {
			if (got[i].type != m->ev[i].type || memcmp(got[i].mac, m->ev[i].mac, 6) ||
			    got[i].ifindex != m->ev[i].ifindex ||
			    got[i].old_ifindex != m->ev[i].old_ifindex ||
			    got[i].flags != m->ev[i].flags || got[i].ts != m->ev[i].ts)
				break;
		}
		if (i == n)
			return 0;
	}
	print_message("  events differ: bpf %d, model %d\n", n, m->nev);
	for (i = 0; i < n; i++)
		print_message("    bpf   type %u %s port %d old %d flags %#x ts %" PRIu64 "\n",
			      got[i].type, dpt_mac_str(got[i].mac), pos_of_ifindex(got[i].ifindex),
			      pos_of_ifindex(got[i].old_ifindex), got[i].flags, got[i].ts);
	for (i = 0; i < m->nev; i++)
		print_message("    model type %u %s port %d old %d flags %#x ts %" PRIu64 "\n",
			      m->ev[i].type, dpt_mac_str(m->ev[i].mac),
			      pos_of_ifindex(m->ev[i].ifindex), pos_of_ifindex(m->ev[i].old_ifindex),
			      m->ev[i].flags, m->ev[i].ts);
	return -1;
}

/* The whole table (expired entries too: both remove them at the same
 * moments), learned counts of the ports, bridge counters. */
static int check_state(struct run *R, int *live)
{
	struct dpt *d = R->d;
	struct model *m = R->m;
	struct xbr_fdb_key *k = NULL;
	struct xbr_fdb_val *v = NULL;
	struct xbr_br_stats bs;
	int n, i, bad = 0, pos;
	size_t j;

	model_sort(m);
	n = dpt_fdb_dump(d, &k, &v);
	if (n < 0)
		return -1;
	*live = 0;
	if ((size_t)n != m->n)
		bad = 1;
	for (i = 0; !bad && i < n; i++) {
		const struct m_entry *e = &m->fdb[i];

		if (memcmp(k[i].mac, e->mac, 6) || k[i].vlan || v[i].ifindex != e->ifindex ||
		    v[i].flags != e->flags || v[i].updated_ns != e->updated)
			bad = 1;
		else if (!model_expired(m, e, d->now))
			(*live)++;
	}
	if (bad) {
		print_message("  table differs: bpf %d entries, model %zu\n", n, m->n);
		for (i = 0; i < n; i++)
			print_message("    bpf   %s port %d flags %#x updated %llu\n",
				      dpt_mac_str(k[i].mac), pos_of_ifindex(v[i].ifindex), v[i].flags,
				      (unsigned long long)v[i].updated_ns);
		for (j = 0; j < m->n; j++)
			print_message("    model %s port %d flags %#x updated %" PRIu64 "%s\n",
				      dpt_mac_str(m->fdb[j].mac), pos_of_ifindex(m->fdb[j].ifindex),
				      m->fdb[j].flags, m->fdb[j].updated,
				      model_expired(m, &m->fdb[j], d->now) ? " (expired)" : "");
	}
	free(k);
	free(v);
	if (bad)
		return -1;
	for (pos = 0; pos < NPORTPOS; pos++) {
		if (!d->present[pos])
			continue;
		if (dpt_learned(d, pos) != model_learned(m, d->port[pos].ifindex)) {
			print_message("  learned count of port %d: bpf %u, model %u\n", pos,
				      dpt_learned(d, pos), model_learned(m, d->port[pos].ifindex));
			return -1;
		}
	}
	if (dpt_br_stats(d, &bs))
		return -1;
	if (bs.learned != m->st.learned || bs.moved != m->st.moved || bs.aged != m->st.aged ||
	    bs.refused != m->st.refused || bs.refused_port != m->st.refused_port ||
	    bs.deleted != m->st.deleted || bs.evicted) {
		print_message("  bridge counters learned/moved/aged/refused/refused_port/deleted/"
			      "evicted: bpf %llu/%llu/%llu/%llu/%llu/%llu/%llu, model "
			      "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64
			      "/%" PRIu64 "/0\n",
			      (unsigned long long)bs.learned, (unsigned long long)bs.moved,
			      (unsigned long long)bs.aged, (unsigned long long)bs.refused,
			      (unsigned long long)bs.refused_port, (unsigned long long)bs.deleted,
			      (unsigned long long)bs.evicted, m->st.learned, m->st.moved,
			      m->st.aged, m->st.refused, m->st.refused_port, m->st.deleted);
		return -1;
	}
	return 0;
}

static void step_clock(struct run *R)
{
	struct rng *r = &R->r;
	struct model *m = R->m;
	uint64_t now = R->d->now, t = now;
	int c = (int)below(r, 100);

	if (c < 60) {
		t = now + below(r, 20 * NS_PER_MS);
	} else if (c < 85) {
		t = now + 20 * NS_PER_MS + below(r, 1500 * NS_PER_MS);
	} else if (c < 93 && m->n) {
		/* Right at an entry's edges: refresh (1 s) or ageing, or one past. */
		const struct m_entry *e = &m->fdb[below(r, m->n)];
		uint64_t edge = e->updated + (pct(r, 50) ? NS_PER_S : m->ageing_ns);

		edge += below(r, 2);
		if (edge > now) {
			t = edge;
			R->focus = true;
			memcpy(R->focus_mac, e->mac, 6);
			R->focus_ifindex = e->ifindex;
		}
	} else if (c == 93) {
		t = now + m->ageing_ns / 2 + below(r, m->ageing_ns);
	} else if (c == 94 && pct(r, 50)) {
		t = now + 2 * m->ageing_ns + below(r, NS_PER_S);
	}
	if (t != now && dpt_set_clock(R->d, t))
		fail_msg("setting the test clock");
}

static void random_src(struct run *R, uint8_t mac[6])
{
	struct rng *r = &R->r;
	int c = (int)below(r, 100);

	if (c < 91) {
		memcpy(mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	} else if (c < 94) {
		mac[0] = 0x01;
		mac[1] = 0x00;
		mac[2] = 0x5e;
		mac[3] = (uint8_t)below(r, 128);
		mac[4] = (uint8_t)rnd(r);
		mac[5] = (uint8_t)rnd(r);
	} else if (c < 96) {
		memset(mac, 0xff, 6);
	} else if (c < 98) {
		memset(mac, 0, 6);
	} else {
		/* Any odd first octet is a group address. */
		memcpy(mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
		mac[0] |= 1;
	}
}

static void random_dst(struct run *R, const uint8_t src[6], uint8_t mac[6])
{
	struct rng *r = &R->r;
	int c = (int)below(r, 100);

	if (c < 62) {
		memcpy(mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	} else if (c < 74) {
		memset(mac, 0xff, 6);
	} else if (c < 80) {
		mac[0] = 0x01;
		mac[1] = 0x00;
		mac[2] = 0x5e;
		mac[3] = (uint8_t)below(r, 128);
		mac[4] = (uint8_t)rnd(r);
		mac[5] = (uint8_t)rnd(r);
	} else if (c < 84) {
		mac[0] = 0x33;
		mac[1] = 0x33;
		mac[2] = (uint8_t)rnd(r);
		mac[3] = (uint8_t)rnd(r);
		mac[4] = (uint8_t)rnd(r);
		mac[5] = (uint8_t)rnd(r);
	} else if (c < 94) {
		/* Unicast nobody sends from: unknown. */
		mac[0] = 0x02;
		mac[1] = 0xee;
		mac[2] = (uint8_t)rnd(r);
		mac[3] = (uint8_t)rnd(r);
		mac[4] = (uint8_t)rnd(r);
		mac[5] = (uint8_t)rnd(r);
	} else if (c < 98) {
		memcpy(mac, src, 6);
	} else {
		memset(mac, 0, 6); /* a zero destination is plain unknown unicast */
	}
}

static uint32_t mask_of(const struct dpt *d, const struct m_decision *md)
{
	uint32_t mask = 0;
	int i, pos;

	if (md->kind == XBR_V_UNICAST) {
		pos = dpt_pos_of(d, md->out);
		return pos >= 0 ? 1u << pos : 0x80000000u;
	}
	if (md->kind != XBR_V_FLOOD)
		return 0;
	for (i = 0; i < md->nflood; i++) {
		pos = dpt_pos_of(d, md->flood[i]);
		mask |= pos >= 0 ? 1u << pos : 0x80000000u;
	}
	return mask;
}

static void model_port_add(struct run *R, int pos, uint32_t flags, uint32_t max)
{
	uint8_t mac[6];
	uint32_t addr;

	dpt_station(pos, mac, &addr);
	model_port_set(R->m, (uint32_t)dpt_env.ifindex[pos], flags, max, mac, addr);
}

/* Packed as on the wire. */
struct arp_eth_ipv4 {
	uint16_t hrd, pro;
	uint8_t hln, pln;
	uint16_t op;
	uint8_t sha[6];
	uint32_t sip;
	uint8_t tha[6];
	uint32_t tip;
} __attribute__((packed));

/* A random IPv4 address for a source: the station's, 0.0.0.0, another
 * station's, or anything. */
static uint32_t random_ip4(struct run *R, uint32_t own)
{
	struct rng *r = &R->r;
	uint8_t mac[6];
	uint32_t a;
	int c = (int)below(r, 100);

	if (c < 50)
		return own;
	if (c < 65)
		return 0;
	if (c < 85) {
		dpt_station((int)below(r, NPORTPOS), mac, &a);
		return a;
	}
	return (uint32_t)rnd(r);
}

/*
 * The rest of the frame after the MACs: mostly an opaque EtherType, or ARP,
 * IPv4, IPv6 with sources the spoof check accepts or not, VLAN tags, headers
 * cut short. Returns the frame length.
 */
static uint32_t random_l3(struct run *R, int in, struct test_frame *f)
{
	struct rng *r = &R->r;
	uint8_t *l3 = f->payload, own_mac[6];
	uint32_t own = 0, need = 0, len, a;
	int c = (int)below(r, 100), i;

	if (in >= 0 && in < NPORTPOS)
		dpt_station(in, own_mac, &own);
	else
		memcpy(own_mac, f->eth.h_source, 6);
	if (c < 55) {
		f->eth.h_proto = htons(0x88b5);
	} else if (c < 70) {
		struct iphdr *ip = (void *)l3;

		f->eth.h_proto = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = 17;
		ip->tot_len = htons(28);
		ip->saddr = random_ip4(R, own);
		ip->daddr = (uint32_t)rnd(r);
		need = sizeof(*ip);
	} else if (c < 80) {
		struct arp_eth_ipv4 *arp = (void *)l3;

		f->eth.h_proto = htons(ETH_P_ARP);
		arp->hrd = htons(pct(r, 95) ? 1 : 6);
		arp->pro = htons(pct(r, 95) ? ETH_P_IP : ETH_P_IPV6);
		arp->hln = pct(r, 97) ? 6 : 8;
		arp->pln = pct(r, 97) ? 4 : 16;
		arp->op = htons(1);
		memcpy(arp->sha, pct(r, 75) ? f->eth.h_source : R->pool[below(r, R->ph->pool)], 6);
		arp->sip = random_ip4(R, own);
		arp->tip = (uint32_t)rnd(r);
		need = sizeof(*arp);
	} else if (c < 92) {
		struct ipv6hdr *ip6 = (void *)l3;
		const uint8_t *mac = pct(r, 80) ? own_mac : f->eth.h_source;

		f->eth.h_proto = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->nexthdr = 59;
		ip6->hop_limit = 64;
		c = (int)below(r, 100);
		if (c < 20) {
			memset(&ip6->saddr, 0, 16);
		} else if (c < 45) {
			uint8_t *b = ip6->saddr.s6_addr;

			b[0] = 0xfe;
			b[1] = 0x80;
			b[8] = mac[0] ^ 2;
			b[9] = mac[1];
			b[10] = mac[2];
			b[11] = 0xff;
			b[12] = 0xfe;
			b[13] = mac[3];
			b[14] = mac[4];
			b[15] = mac[5];
			if (pct(r, 10))
				b[8] = mac[0]; /* U/L bit not flipped: wrong */
		} else if (c < 80) {
			/* The loader's derivation of a station's address. */
			a = pct(r, 80) ? own : random_ip4(R, own);
			xbr_station_addr6(R->m->prefix6, R->m->plen6, a, ip6->saddr.s6_addr);
		} else {
			for (i = 0; i < 16; i++)
				ip6->saddr.s6_addr[i] = (uint8_t)rnd(r);
		}
		need = sizeof(*ip6);
	} else if (c < 95) {
		f->eth.h_proto = htons(ETH_P_8021Q);
		l3[0] = 0;
		l3[1] = 5;
		l3[2] = 0x08;
		l3[3] = 0x00;
		need = 24;
	} else {
		f->eth.h_proto = htons((uint16_t)rnd(r));
	}
	/* Header cut short; tc's test_run refuses IPv4 and IPv6 frames without a
	 * whole network header (-EINVAL), XDP's takes them. */
	if (need && pct(r, 8) &&
	    (R->d->hook == DPT_XDP || f->eth.h_proto == htons(ETH_P_ARP) ||
	     f->eth.h_proto == htons(ETH_P_8021Q)))
		return ETH_HLEN + (uint32_t)below(r, need);
	len = pct(r, 90) ? ETH_ZLEN : ETH_HLEN + (uint32_t)below(r, ETH_DATA_LEN + 1);
	return len < ETH_HLEN + need ? ETH_HLEN + need : len;
}

static int do_frame(struct run *R)
{
	struct rng *r = &R->r;
	struct dpt *d = R->d;
	struct test_frame f;
	struct m_decision md;
	struct dpt_obs o;
	uint32_t ifindex, len, want_mask;
	int c = (int)below(r, 100), in, err;
	char a[96], b[96];

	if (c < 94) {
		/* Mostly a port; now and then a position that is not one (now). */
		do
			in = (int)below(r, NPORTPOS);
		while (!d->present[in] && pct(r, 85));
		ifindex = (uint32_t)dpt_env.ifindex[in];
	} else if (c < 99) {
		in = DPT_POS_FOREIGN;
		ifindex = (uint32_t)dpt_env.ifindex[in];
	} else {
		in = -1;
		ifindex = 0; /* loopback */
	}
	memset(&f, 0, sizeof(f));
	random_src(R, f.eth.h_source);
	/* Frames from the port's own station, as a spoof-checked port expects. */
	if (in >= 0 && in < NPORTPOS && pct(r, d->present[in] && (d->port[in].flags &
							  XBR_PORT_F_SPOOFCHK) ? 65 : 10)) {
		uint32_t a;

		dpt_station(in, f.eth.h_source, &a);
	}
	random_dst(R, f.eth.h_source, f.eth.h_dest);
	if (R->focus) {
		R->focus = false;
		if (pct(r, 60)) {
			memcpy(f.eth.h_source, R->focus_mac, 6);
			if (pct(r, 70) && pos_of_ifindex(R->focus_ifindex) >= 0) {
				ifindex = R->focus_ifindex;
				in = pos_of_ifindex(ifindex);
			}
		} else if (pct(r, 75)) {
			memcpy(f.eth.h_dest, R->focus_mac, 6);
		}
	}
	len = random_l3(R, in, &f);
	snprintf(R->what, sizeof(R->what),
		 "frame %ld: port %d (ifindex %u) %s -> %s type %#06x len %u", R->frame, in, ifindex,
		 dpt_mac_str(f.eth.h_source), dpt_mac_str(f.eth.h_dest), ntohs(f.eth.h_proto), len);

	model_events_reset(R->m);
	dpt_events_reset(d);
	/* Both take the frame; on a mismatch the context shown is the state after it. */
	model_frame(R->m, d->now, ifindex, (const uint8_t *)&f, len, &md);
	err = dpt_frame(d, ifindex, &f, len, &o);
	if (err) {
		print_message("  %s: test_run: %s\n", R->what, strerror(-err));
		return -1;
	}
	want_mask = mask_of(d, &md);
	decision_str(a, sizeof(a), md.kind, md.reason, want_mask);
	decision_str(b, sizeof(b), o.kind, o.reason, o.txmask);
	if (o.kind == DPT_BAD || o.kind != md.kind ||
	    (o.kind == DPT_DROP && o.reason != md.reason) || o.txmask != want_mask ||
	    (d->hook == DPT_TC &&
	     o.retval != (md.kind == XBR_V_UNICAST ? TC_ACT_REDIRECT : TC_ACT_SHOT)) ||
	    (d->hook == DPT_XDP && md.kind == XBR_V_UNICAST && o.xdp.out_ifindex != md.out)) {
		print_message("  MISMATCH at %s\n  model: %s\n  bpf:   %s (verdict %d)%s%s\n",
			      R->what, a, b, o.retval, o.why[0] ? ": " : "", o.why);
		dump_context(R, f.eth.h_source, f.eth.h_dest);
		return -1;
	}
	if (check_events(R) || check_entry(R, f.eth.h_source) || check_entry(R, f.eth.h_dest)) {
		print_message("  MISMATCH at %s (both decided %s)\n", R->what, a);
		dump_context(R, f.eth.h_source, f.eth.h_dest);
		return -1;
	}
	R->kinds[md.kind]++;
	if (md.kind == XBR_V_DROP && md.reason < XBR_DROP__MAX)
		R->reasons[md.reason]++;
	R->frame++;
	g_frames_done++;
	return 0;
}

static int do_ctl(struct run *R)
{
	struct rng *r = &R->r;
	struct dpt *d = R->d;
	struct xbr_ctl_req q = {}, mq;
	uint32_t mcount;
	int c = (int)below(r, 100), pos, want, got;

	if (c < 50) {
		q.op = pct(r, 50) ? XBR_OP_ADD : XBR_OP_REPLACE;
		pos = (int)below(r, NPORTPOS + 1); /* the last: foreign, not a port */
		q.ifindex = (uint32_t)dpt_env.ifindex[pos];
		q.flags = (uint32_t)below(r, 4); /* STATIC, STICKY, both, neither */
		memcpy(q.mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	} else if (c < 80) {
		q.op = XBR_OP_DEL;
		memcpy(q.mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	} else if (c < 98) {
		q.op = XBR_OP_FLUSH;
		pos = (int)below(r, NPORTPOS + 1);
		q.ifindex = pct(r, 40) ? 0 : (uint32_t)dpt_env.ifindex[pos];
		q.flags = (uint32_t)below(r, 4);
	} else {
		q.op = 77; /* no such operation */
	}
	mq = q;
	snprintf(R->what, sizeof(R->what), "ctl op %u ifindex %u (port %d) flags %#x mac %s",
		 q.op, q.ifindex, pos_of_ifindex(q.ifindex), q.flags, dpt_mac_str(q.mac));
	model_events_reset(R->m);
	dpt_events_reset(d);
	want = model_ctl(R->m, d->now, &mq, &mcount);
	got = dpt_ctl(d, &q);
	if (got != want || q.count != mcount) {
		print_message("  MISMATCH at %s: bpf result %d count %u, model %d count %u\n",
			      R->what, got, q.count, want, mcount);
		dump_context(R, q.mac, NULL);
		return -1;
	}
	if (check_events(R) || check_entry(R, q.mac)) {
		print_message("  MISMATCH at %s (both returned %d)\n", R->what, got);
		dump_context(R, q.mac, NULL);
		return -1;
	}
	R->nctl++;
	return 0;
}

static int do_port_change(struct run *R, int add_del)
{
	struct rng *r = &R->r;
	struct dpt *d = R->d;
	int pos = (int)below(r, NPORTPOS), err;
	uint32_t flags, max;

	flags = random_port_flags(r, &max);
	model_events_reset(R->m);
	dpt_events_reset(d);
	if (add_del && d->present[pos]) {
		snprintf(R->what, sizeof(R->what), "port %d removed", pos);
		err = dpt_port_del(d, pos);
		model_port_del(R->m, d->now, (uint32_t)dpt_env.ifindex[pos]);
	} else if (!d->present[pos]) {
		snprintf(R->what, sizeof(R->what), "port %d added %s max %u", pos, flags_str(flags),
			 max);
		err = dpt_port_add(d, pos, flags, max);
		model_port_add(R, pos, flags, max);
	} else {
		snprintf(R->what, sizeof(R->what), "port %d set %s max %u", pos, flags_str(flags),
			 max);
		err = dpt_port_set(d, pos, flags, max);
		model_port_add(R, pos, flags, max);
	}
	if (err < 0) {
		print_message("  %s: %s\n", R->what, strerror(-err));
		return -1;
	}
	if (check_events(R)) {
		print_message("  MISMATCH at %s\n", R->what);
		dump_context(R, NULL, NULL);
		return -1;
	}
	R->nportchg++;
	return 0;
}

/* A new IPv6 prefix for the bridge, bits past the prefix length included. */
static int do_prefix_change(struct run *R)
{
	static const uint8_t plens[] = { 0, 48, 56, 61, 64, 64, 80, 96 };
	struct rng *r = &R->r;
	uint8_t p[16];
	int i, err;

	for (i = 0; i < 16; i++)
		p[i] = (uint8_t)rnd(r);
	p[0] = 0xfd;
	memcpy(R->m->prefix6, p, 16);
	R->m->plen6 = plens[below(r, sizeof(plens))];
	snprintf(R->what, sizeof(R->what), "IPv6 prefix /%u", R->m->plen6);
	err = dpt_set_prefix6(R->d, p, R->m->plen6);
	if (err)
		print_message("  %s: %s\n", R->what, strerror(-err));
	return err;
}

static void run_phase(const struct phase *ph)
{
	struct run *R = calloc(1, sizeof(*R));
	struct timespec t0, t1;
	int i, pos, live = 0, err, c;
	uint32_t flags, max;
	double secs;

	assert_non_null(R);
	R->ph = ph;
	R->r.s = ph->seed;
	R->d = calloc(1, sizeof(*R->d));
	R->m = calloc(1, sizeof(*R->m));
	assert_non_null(R->d);
	assert_non_null(R->m);
	err = dpt_open_hook(R->d, ph->hook, ph->cap, false);
	if (err)
		fail_msg("loading the programs: %s", strerror(-err));
	assert_int_equal(model_init(R->m, ph->cap, ph->ageing_ns), 0);
	assert_int_equal(dpt_set_ageing(R->d, ph->ageing_ns), 0);
	memcpy(R->m->prefix6, R->d->cfg.subnet6, 16);
	R->m->plen6 = R->d->cfg.plen6;
	for (i = 0; i < ph->pool; i++)
		pool_mac(i, R->pool[i]);
	for (pos = 0; pos < NPORTPOS - 1; pos++) {
		flags = random_port_flags(&R->r, &max);
		assert_int_equal(dpt_port_add(R->d, pos, flags, max), 0);
		model_port_add(R, pos, flags, max);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (R->step = 0; R->frame < ph->frames; R->step++) {
		step_clock(R);
		c = (int)below(&R->r, 1000);
		if (c < 6)
			err = do_ctl(R);
		else if (c < 9)
			err = do_port_change(R, 0);
		else if (c < 10)
			err = do_port_change(R, 1);
		else if (c < 11)
			err = do_prefix_change(R);
		else
			err = do_frame(R);
		if (!err && (R->step % CHECK_EVERY == 0 || R->frame == ph->frames)) {
			err = check_state(R, &live);
			if (err) {
				print_message("  MISMATCH after %s\n", R->what);
				dump_context(R, NULL, NULL);
			}
		}
		if (err) {
			fail_msg("BPF program and model disagree (%s %s, step %ld, frame %ld, "
				 "seed %" PRIu64 ")",
				 dpt_hook_name(ph->hook), ph->name, R->step, R->frame, g_seed);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("  %s %s: %ld frames compared in %.1f s (%ld steps): %ld flood, %ld "
		      "unicast, %ld drop (by reason:",
		      dpt_hook_name(ph->hook), ph->name, R->frame, secs, R->step, R->kinds[XBR_V_FLOOD],
		      R->kinds[XBR_V_UNICAST], R->kinds[XBR_V_DROP]);
	for (i = 0; i < XBR_DROP__MAX; i++)
		if (R->reasons[i])
			print_message(" %s %ld", dpt_reason_str((uint32_t)i), R->reasons[i]);
	print_message(" ); %ld control requests, %ld port changes; table %zu entries (%d live) "
		      "of %u; learned %" PRIu64 " moved %" PRIu64 " aged %" PRIu64
		      " refused %" PRIu64 " refused_port %" PRIu64 " deleted %" PRIu64 "\n",
		      R->nctl, R->nportchg, R->m->n, live, ph->cap, R->m->st.learned,
		      R->m->st.moved, R->m->st.aged, R->m->st.refused, R->m->st.refused_port,
		      R->m->st.deleted);
	dpt_close(R->d);
	model_free(R->m);
	free(R->d);
	free(R->m);
	free(R);
}

#define NPHASES 4
static struct phase phases[NPHASES];

static void test_model_phase(void **state)
{
	const struct phase *ph = *state;
	const char *why = dpt_hook_missing(ph->hook);

	if (why) {
		print_message("  skipped: %s\n", why);
		skip();
	}
	run_phase(ph);
}

int run_model_tests(void)
{
	struct CMUnitTest tests[NPHASES];
	const char *s = getenv("XBR_MODEL_SEED"), *n = getenv("XBR_MODEL_FRAMES");
	static char names[NPHASES][64];
	struct timespec ts;
	struct rng r;
	long left;
	int failed, i;

	if (n && *n)
		g_frames = strtol(n, NULL, 0);
	if (g_frames < NPHASES)
		g_frames = NPHASES;
	if (s && *s) {
		g_seed = strtoull(s, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		g_seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
	}
	printf("[ MODEL    ] seed %" PRIu64 ", %ld frames (replay: XBR_MODEL_SEED=%" PRIu64
	       " XBR_MODEL_FRAMES=%ld build/tests/test_datapath)\n",
	       g_seed, g_frames, g_seed, g_frames);
	r.s = g_seed;
	/* Both hooks, each with a small table (full most of the time: 24 stations
	 * for 16 entries) and a large one; the frames split evenly. */
	left = g_frames;
	for (i = 0; i < NPHASES; i++) {
		phases[i] = (struct phase){
			.name = i % 2 ? "large-table" : "small-table",
			.hook = i < 2 ? DPT_TC : DPT_XDP,
			.cap = i % 2 ? 1024 : 16,
			.pool = i % 2 ? 48 : 24,
			.ageing_ns = (i % 2 ? 30 : 10) * NS_PER_S,
			.frames = i == NPHASES - 1 ? left : g_frames / NPHASES,
			.seed = rnd(&r),
		};
		left -= phases[i].frames;
		snprintf(names[i], sizeof(names[i]), "model %s %s", dpt_hook_name(phases[i].hook),
			 phases[i].name);
		tests[i] = (struct CMUnitTest){ names[i], test_model_phase, NULL, NULL, &phases[i] };
	}
	failed = _cmocka_run_group_tests("datapath_model", tests, NPHASES, NULL, NULL);
	printf("[ MODEL    ] %ld frames compared\n", g_frames_done);
	return failed;
}
