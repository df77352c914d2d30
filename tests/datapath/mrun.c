// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Model runs: a BPF program and the reference model side by side; see mrun.h. */
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
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <cmocka.h>

#include "dpt.h"
#include "parse.h" /* xbr_station_addr6(): how the loader numbers stations */
#include "model.h"
#include "mrun.h"

uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

int pct(struct rng *r, int p)
{
	return (int)below(r, 100) < p;
}

void mrun_pool_mac(int i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x10;
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

uint32_t mrun_port_flags(struct rng *r, int spoof_pct, uint32_t *max_learned)
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
	if (pct(r, spoof_pct))
		f |= XBR_PORT_F_SPOOFCHK;
	if (pct(r, 60))
		f |= XBR_PORT_F_NEIGH_SUPPRESS;
	if (pct(r, 15))
		f |= XBR_PORT_F_GATEWAY;
	*max_learned = pct(r, 70) ? 0 : 1 + (uint32_t)below(r, 6);
	return f;
}

const char *mrun_flags_str(uint32_t f)
{
	static char buf[4][32];
	static int n;
	char *b = buf[n++ & 3];

	snprintf(b, 32, "%s%s%s%s%s%s%s%s%s", f & XBR_PORT_F_LEARNING ? "L" : "-",
		 f & XBR_PORT_F_FLOOD ? "F" : "-", f & XBR_PORT_F_ISOLATED ? "I" : "-",
		 f & XBR_PORT_F_HAIRPIN ? "H" : "-", f & XBR_PORT_F_LOCKED ? "K" : "-",
		 f & XBR_PORT_F_PEER ? "P" : "-", f & XBR_PORT_F_SPOOFCHK ? "S" : "-",
		 f & XBR_PORT_F_NEIGH_SUPPRESS ? "N" : "-", f & XBR_PORT_F_GATEWAY ? "G" : "-");
	return b;
}

int mrun_pos_of_ifindex(uint32_t ifindex)
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

	print_message("  replay: %s\n", R->ph->replay);
	print_message("  %s %s, step %ld, frame %ld, clock %" PRIu64 " ns, ageing %" PRIu64
		      " ns\n",
		      dpt_hook_name(R->ph->hook), R->ph->name, R->step, R->frame, d->now,
		      R->m->ageing_ns);
	print_message("  ports:");
	for (pos = 0; pos < MRUN_NPORTPOS; pos++) {
		if (d->present[pos])
			print_message(" %d=%s/max%u/learned%u(model %u)", pos,
				      mrun_flags_str(d->port[pos].flags), d->port[pos].max_learned,
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
				      dpt_mac_str(macs[k]), mrun_pos_of_ifindex(e->ifindex), e->flags,
				      e->updated, model_expired(R->m, e, d->now) ? " (expired)" : "");
		else
			print_message("  model %s: absent\n", dpt_mac_str(macs[k]));
		if (dpt_fdb_get(d, macs[k], &v) == 0)
			print_message("  bpf   %s: port %d flags %#x updated %llu\n",
				      dpt_mac_str(macs[k]), mrun_pos_of_ifindex(v.ifindex), v.flags,
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
	else if (kind == DPT_REPLY)
		snprintf(buf, n, "reply -> port %s", ports);
	else
		snprintf(buf, n, "inconsistent");
}

/* Every field, MAC first: a flush walks the hash in its own order. */
static int ev_cmp(const void *a, const void *b)
{
	const struct m_event *x = a, *y = b;
	int c = memcmp(x->mac, y->mac, 6);

	if (c)
		return c;
#define EV_CMP_FIELD(f)                         \
	if (x->f != y->f)                       \
		return x->f < y->f ? -1 : 1;
	EV_CMP_FIELD(type)
	EV_CMP_FIELD(ifindex)
	EV_CMP_FIELD(old_ifindex)
	EV_CMP_FIELD(flags)
	EV_CMP_FIELD(ts)
#undef EV_CMP_FIELD
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
	    v.updated_ns == e->updated && !memcmp(v.remote, e->remote, sizeof(v.remote)))
		return 0;
	print_message("  entry of %s differs:\n", dpt_mac_str(mac));
	return -1;
}

static void print_events(const char *who, const struct m_event *ev, int n)
{
	int i;

	for (i = 0; i < n; i++)
		print_message("    %s type %u %s port %d old %d flags %#x ts %" PRIu64 "\n", who,
			      ev[i].type, dpt_mac_str(ev[i].mac), mrun_pos_of_ifindex(ev[i].ifindex),
			      mrun_pos_of_ifindex(ev[i].old_ifindex), ev[i].flags, ev[i].ts);
}

/*
 * Compare the events of this step, every field, as multisets (a flush walks
 * the hash in its own order), however many there are. The ring, drained
 * before the step, holds d->ev_room of them: when the model emitted more,
 * exactly that many must have come, each one the model emitted (which ones
 * depends on the walk), and the bridge's ev_lost must have counted the rest.
 */
static int check_events(struct run *R)
{
	struct dpt *d = R->d;
	struct model *m = R->m;
	struct xbr_br_stats bs;
	struct m_event *got;
	int n = d->nev, want = m->nev, i, j, ok = 0;

	if (d->ev_overflow || m->ev_nomem) {
		print_message("  out of memory holding this step's events (bpf %d, model %d)\n", n,
			      m->nev);
		return -1;
	}
	got = calloc((size_t)n + 1, sizeof(*got));
	if (!got) {
		print_message("  out of memory holding this step's %d events\n", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		got[i].type = d->ev[i].type;
		memcpy(got[i].mac, d->ev[i].mac, 6);
		got[i].ifindex = d->ev[i].ifindex;
		got[i].old_ifindex = d->ev[i].old_ifindex;
		got[i].flags = d->ev[i].flags;
		got[i].ts = d->ev[i].ts_ns;
		if (d->ev[i].vlan || d->ev[i].pad) {
			print_message("  event with vlan/pad set\n");
			free(got);
			return -1;
		}
	}
	if (n > 1)
		qsort(got, (size_t)n, sizeof(got[0]), ev_cmp);
	if (m->nev > 1)
		qsort(m->ev, (size_t)m->nev, sizeof(m->ev[0]), ev_cmp);
	if (m->ev_room && (size_t)want > m->ev_room)
		want = (int)m->ev_room;
	if (n == want) {
		/* got, sorted, must be a sub-multiset of the model's, sorted. */
		for (i = 0, j = 0; i < n && j < m->nev; j++) {
			int c = ev_cmp(&got[i], &m->ev[j]);

			if (c == 0)
				i++;
			else if (c < 0)
				break; /* got[i] is not among the model's */
		}
		ok = i == n;
	}
	if (ok && want < m->nev) {
		/* Some were lost: counted, the same number. */
		if (dpt_br_stats(d, &bs) || bs.ev_lost != m->st.ev_lost) {
			print_message("  %d events, the ring holds %zu: ev_lost bpf %llu, model %" PRIu64
				      "\n",
				      m->nev, m->ev_room, (unsigned long long)bs.ev_lost,
				      m->st.ev_lost);
			free(got);
			return -1;
		}
		R->ev_lost_steps++;
	}
	if (ok) {
		free(got);
		return 0;
	}
	print_message("  events differ: bpf %d, model %d (%d expected: the ring holds %zu)\n", n,
		      m->nev, want, m->ev_room);
	print_events("bpf  ", got, n);
	print_events("model", m->ev, m->nev);
	free(got);
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
		    v[i].flags != e->flags || v[i].updated_ns != e->updated ||
		    memcmp(v[i].remote, e->remote, sizeof(v[i].remote)))
			bad = 1;
		else if (!model_expired(m, e, d->now))
			(*live)++;
	}
	if (bad) {
		print_message("  table differs: bpf %d entries, model %zu\n", n, m->n);
		for (i = 0; i < n; i++)
			print_message("    bpf   %s port %d flags %#x updated %llu remote %08x%08x%08x%08x\n",
				      dpt_mac_str(k[i].mac), mrun_pos_of_ifindex(v[i].ifindex), v[i].flags,
				      (unsigned long long)v[i].updated_ns, v[i].remote[0], v[i].remote[1],
				      v[i].remote[2], v[i].remote[3]);
		for (j = 0; j < m->n; j++)
			print_message("    model %s port %d flags %#x updated %" PRIu64 "%s\n",
				      dpt_mac_str(m->fdb[j].mac), mrun_pos_of_ifindex(m->fdb[j].ifindex),
				      m->fdb[j].flags, m->fdb[j].updated,
				      model_expired(m, &m->fdb[j], d->now) ? " (expired)" : "");
	}
	free(k);
	free(v);
	if (bad)
		return -1;
	for (pos = 0; pos < MRUN_NPORTPOS; pos++) {
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
	    bs.deleted != m->st.deleted || bs.evicted || bs.ev_lost != m->st.ev_lost ||
	    bs.arp_replied != m->st.arp_replied || bs.nd_replied != m->st.nd_replied) {
		print_message("  bridge counters learned/moved/aged/refused/refused_port/deleted/"
			      "evicted/ev_lost: bpf %llu/%llu/%llu/%llu/%llu/%llu/%llu/%llu, model "
			      "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64
			      "/%" PRIu64 "/0/%" PRIu64 "\n",
			      (unsigned long long)bs.learned, (unsigned long long)bs.moved,
			      (unsigned long long)bs.aged, (unsigned long long)bs.refused,
			      (unsigned long long)bs.refused_port, (unsigned long long)bs.deleted,
			      (unsigned long long)bs.evicted, (unsigned long long)bs.ev_lost,
			      m->st.learned, m->st.moved, m->st.aged, m->st.refused,
			      m->st.refused_port, m->st.deleted, m->st.ev_lost);
		print_message("  arp/nd replied: bpf %llu/%llu, model %" PRIu64 "/%" PRIu64 "\n",
			      (unsigned long long)bs.arp_replied, (unsigned long long)bs.nd_replied,
			      m->st.arp_replied, m->st.nd_replied);
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

static void model_port_add(struct run *R, int pos, uint32_t flags, uint32_t max)
{
	uint8_t mac[6];
	uint32_t addr;

	dpt_station(pos, mac, &addr);
	model_port_set(R->m, (uint32_t)dpt_env.ifindex[pos], flags, max, mac, addr);
}

void mrun_src(struct run *R, uint8_t mac[6])
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

void mrun_dst(struct run *R, const uint8_t src[6], uint8_t mac[6])
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

	if (md->kind == XBR_V_UNICAST || md->kind == XBR_V_REPLY) {
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
uint32_t mrun_ip4(struct run *R, uint32_t own)
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
		dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
		return a;
	}
	return (uint32_t)rnd(r);
}

/* An IPv4 header at @l3 (20 bytes, no options) with a source the spoof check
 * of a station with address @own takes or not. Returns its length. */
uint32_t mrun_l3_ip4(struct run *R, uint8_t *l3, uint32_t own)
{
	struct rng *r = &R->r;
	struct iphdr *ip = (void *)l3;

	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = 17;
	ip->tot_len = htons(28);
	ip->saddr = mrun_ip4(R, own);
	ip->daddr = (uint32_t)rnd(r);
	return sizeof(*ip);
}

/* ARP at @l3: mostly Ethernet/IPv4 requests, sender MAC @src (the frame's
 * source) or a pool station, sender address as mrun_ip4(). Returns 28. */
uint32_t mrun_l3_arp(struct run *R, uint8_t *l3, const uint8_t src[6], uint32_t own)
{
	struct rng *r = &R->r;
	struct arp_eth_ipv4 *arp = (void *)l3;
	uint8_t mac[6];

	arp->hrd = htons(pct(r, 95) ? 1 : 6);
	arp->pro = htons(pct(r, 95) ? ETH_P_IP : ETH_P_IPV6);
	arp->hln = pct(r, 97) ? 6 : 8;
	arp->pln = pct(r, 97) ? 4 : 16;
	arp->op = htons(pct(r, 90) ? 1 : 2);
	memcpy(arp->sha, pct(r, 75) ? src : R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	arp->sip = mrun_ip4(R, own);
	/* Mostly a station's address (what neigh-suppress answers), now and
	 * then the sender's own (gratuitous) or anything. */
	if (pct(r, 70)) {
		uint32_t a;

		dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
		arp->tip = a;
	} else if (pct(r, 30))
		arp->tip = arp->sip;
	else
		arp->tip = (uint32_t)rnd(r);
	return sizeof(*arp);
}

/*
 * Make the IPv6 header at @l3 carry a neighbour solicitation (mostly well
 * formed: hop limit 255, the source link-layer option with @src) for a
 * station's address, a station's link-local address, or anything; now and
 * then an advertisement, a wrong hop limit or option. Returns the 32 bytes
 * of the message written after the header.
 */
static uint32_t mrun_nd(struct run *R, uint8_t *l3, const uint8_t src[6])
{
	struct rng *r = &R->r;
	struct ipv6hdr *ip6 = (void *)l3;
	uint8_t *m = l3 + sizeof(*ip6), *t = m + 8, mac[6];
	uint32_t a;
	int c = (int)below(r, 100), i;

	ip6->nexthdr = pct(r, 95) ? 58 : 0;
	ip6->hop_limit = pct(r, 92) ? 255 : 64;
	ip6->payload_len = htons(pct(r, 95) ? 32 : 24);
	memset(m, 0, 32);
	m[0] = pct(r, 92) ? 135 : 136;
	m[1] = pct(r, 97) ? 0 : 1;
	dpt_station((int)below(r, MRUN_NPORTPOS), mac, &a);
	if (c < 50) {
		xbr_station_addr6(R->m->prefix6, R->m->plen6, a, t);
	} else if (c < 85) {
		t[0] = 0xfe;
		t[1] = 0x80;
		t[8] = mac[0] ^ 2;
		t[9] = mac[1];
		t[10] = mac[2];
		t[11] = 0xff;
		t[12] = 0xfe;
		t[13] = mac[3];
		t[14] = mac[4];
		t[15] = mac[5];
		if (pct(r, 10))
			t[8] = mac[0]; /* U/L bit not flipped: another MAC */
	} else {
		for (i = 0; i < 16; i++)
			t[i] = (uint8_t)rnd(r);
	}
	m[24] = pct(r, 95) ? 1 : 2;
	m[25] = pct(r, 97) ? 1 : 2;
	memcpy(m + 26, src, 6);
	m[2] = (uint8_t)rnd(r); /* the checksum is not checked */
	m[3] = (uint8_t)rnd(r);
	return 32;
}

/* An IPv6 header at @l3 with a source the spoof check of the station
 * (@own_mac, @own) takes or not: ::, an EUI-64 link-local address (of the
 * station or of @src, the U/L bit now and then wrong), the loader's address
 * for a station, or anything. Returns 40. */
uint32_t mrun_l3_ip6(struct run *R, uint8_t *l3, const uint8_t own_mac[6], const uint8_t src[6],
		     uint32_t own)
{
	struct rng *r = &R->r;
	struct ipv6hdr *ip6 = (void *)l3;
	const uint8_t *mac = pct(r, 80) ? own_mac : src;
	uint32_t a;
	int c, i;

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
		a = pct(r, 80) ? own : mrun_ip4(R, own);
		xbr_station_addr6(R->m->prefix6, R->m->plen6, a, ip6->saddr.s6_addr);
	} else {
		for (i = 0; i < 16; i++)
			ip6->saddr.s6_addr[i] = (uint8_t)rnd(r);
	}
	if (pct(r, 40))
		return sizeof(*ip6) + mrun_nd(R, l3, src);
	return sizeof(*ip6);
}

void mrun_pick_ingress(struct run *R, struct mrun_frame *f)
{
	struct rng *r = &R->r;
	int c = (int)below(r, 100);

	if (c < 94) {
		/* Mostly a port; now and then a position that is not one (now). */
		do
			f->in = (int)below(r, MRUN_NPORTPOS);
		while (!R->d->present[f->in] && pct(r, 85));
		f->ifindex = (uint32_t)dpt_env.ifindex[f->in];
	} else if (c < 99) {
		f->in = DPT_POS_FOREIGN;
		f->ifindex = (uint32_t)dpt_env.ifindex[f->in];
	} else {
		f->in = -1;
		f->ifindex = 0; /* loopback */
	}
}

void mrun_pick_macs(struct run *R, struct mrun_frame *f)
{
	struct rng *r = &R->r;
	struct dpt *d = R->d;
	int in = f->in;

	mrun_src(R, MRUN_ETH(f)->h_source);
	/* Frames from the port's own station, as a spoof-checked port expects. */
	if (in >= 0 && in < MRUN_NPORTPOS &&
	    pct(r, d->present[in] && (d->port[in].flags & XBR_PORT_F_SPOOFCHK) ? 65 : 10)) {
		uint32_t a;

		dpt_station(in, MRUN_ETH(f)->h_source, &a);
	}
	mrun_dst(R, MRUN_ETH(f)->h_source, MRUN_ETH(f)->h_dest);
	if (R->focus) {
		R->focus = false;
		if (pct(r, 60)) {
			memcpy(MRUN_ETH(f)->h_source, R->focus_mac, 6);
			if (pct(r, 70) && mrun_pos_of_ifindex(R->focus_ifindex) >= 0) {
				f->ifindex = R->focus_ifindex;
				f->in = mrun_pos_of_ifindex(f->ifindex);
			}
		} else if (pct(r, 75)) {
			memcpy(MRUN_ETH(f)->h_dest, R->focus_mac, 6);
		}
	}
}

void mrun_station_of(const struct mrun_frame *f, uint8_t own_mac[6], uint32_t *own)
{
	*own = 0;
	if (f->in >= 0 && f->in < MRUN_NPORTPOS)
		dpt_station(f->in, own_mac, own);
	else
		memcpy(own_mac, MRUN_ETH(f)->h_source, 6);
}

static void hexdump(const uint8_t *b, uint32_t len)
{
	char line[3 * 32 + 1];
	uint32_t i, n = len < 128 ? len : 128;

	for (i = 0; i < n; i++) {
		snprintf(line + 3 * (i % 32), 4, "%02x ", b[i]);
		if (i % 32 == 31 || i == n - 1)
			print_message("    %04x: %s\n", i - i % 32, line);
	}
	if (n < len)
		print_message("    ... %u bytes in all\n", len);
}

/* tc: the frame the program left is the model's reply over the request (or
 * the request untouched when not a reply). XDP live frames show nothing. */
static bool reply_ok(const struct mrun_frame *f, const struct m_decision *md,
		     const struct dpt_obs *o)
{
	uint32_t n;

	if (!o->out_len)
		return true;
	n = f->len < o->out_len ? f->len : o->out_len;
	if (md->kind != XBR_V_REPLY)
		return !memcmp(o->out, f->b, n);
	if (n < md->reply_len) {
		print_message("  reply: %u bytes out, model wrote %u\n", o->out_len,
			      md->reply_len);
		return false;
	}
	if (memcmp(o->out, md->reply, md->reply_len) ||
	    memcmp(o->out + md->reply_len, f->b + md->reply_len, n - md->reply_len)) {
		print_message("  reply bytes differ; bpf wrote:\n");
		hexdump(o->out, n);
		print_message("  model:\n");
		hexdump(md->reply, md->reply_len);
		return false;
	}
	return true;
}

static int do_frame(struct run *R, const struct mrun_ops *ops)
{
	struct dpt *d = R->d;
	struct mrun_frame *f = &R->f;
	struct m_decision md;
	struct dpt_obs o;
	uint32_t want_mask;
	int err;
	char a[96], b[96];

	memset(f, 0, sizeof(*f));
	ops->gen(R, f, ops->ctx);
	snprintf(R->what, sizeof(R->what),
		 "frame %ld: port %d (ifindex %u) %s -> %s type %#06x len %u%s%s", R->frame, f->in,
		 f->ifindex, dpt_mac_str(MRUN_ETH(f)->h_source), dpt_mac_str(MRUN_ETH(f)->h_dest),
		 ntohs(MRUN_ETH(f)->h_proto), f->len, f->desc[0] ? " " : "", f->desc);

	model_events_reset(R->m);
	dpt_events_reset(d);
	err = dpt_frame(d, f->ifindex, f->b, f->len, &o);
	if (err == -EINVAL && f->refusable) {
		/* Not deliverable through test_run: neither side sees it. */
		R->refused++;
		if (ops->seen)
			ops->seen(R, f, NULL, ops->ctx);
		return 0;
	}
	if (err) {
		print_message("  %s: test_run: %s\n", R->what, strerror(-err));
		hexdump(f->b, f->len);
		return -1;
	}
	/* On a mismatch the context shown is the state after the frame. */
	model_frame(R->m, d->now, f->ifindex, f->b, f->len, &md);
	want_mask = mask_of(d, &md);
	decision_str(a, sizeof(a), md.kind, md.reason, want_mask);
	decision_str(b, sizeof(b), o.kind, o.reason, o.txmask);
	if (o.kind == DPT_BAD || o.kind != md.kind ||
	    (o.kind == DPT_DROP && o.reason != md.reason) || o.txmask != want_mask ||
	    (d->hook == DPT_TC &&
	     o.retval != (md.kind == XBR_V_UNICAST || md.kind == XBR_V_REPLY ||
					  (md.kind == XBR_V_FLOOD && want_mask) ?
				  TC_ACT_REDIRECT :
				  TC_ACT_SHOT)) ||
	    (d->hook == DPT_XDP && md.kind == XBR_V_UNICAST && o.xdp.out_ifindex != md.out) ||
	    !reply_ok(f, &md, &o)) {
		print_message("  MISMATCH at %s\n  model: %s\n  bpf:   %s (verdict %d)%s%s\n",
			      R->what, a, b, o.retval, o.why[0] ? ": " : "", o.why);
		hexdump(f->b, f->len);
		dump_context(R, MRUN_ETH(f)->h_source, MRUN_ETH(f)->h_dest);
		return -1;
	}
	if (check_events(R) || check_entry(R, MRUN_ETH(f)->h_source) ||
	    check_entry(R, MRUN_ETH(f)->h_dest)) {
		print_message("  MISMATCH at %s (both decided %s)\n", R->what, a);
		hexdump(f->b, f->len);
		dump_context(R, MRUN_ETH(f)->h_source, MRUN_ETH(f)->h_dest);
		return -1;
	}
	R->kinds[md.kind]++;
	if (md.kind == XBR_V_DROP && md.reason < XBR_DROP__MAX)
		R->reasons[md.reason]++;
	if (ops->seen)
		ops->seen(R, f, &md, ops->ctx);
	R->frame++;
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
		pos = (int)below(r, MRUN_NPORTPOS + 1); /* the last: foreign, not a port */
		q.ifindex = (uint32_t)dpt_env.ifindex[pos];
		q.flags = (uint32_t)below(r, 4); /* STATIC, STICKY, both, neither */
		memcpy(q.mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	} else if (c < 80) {
		q.op = XBR_OP_DEL;
		memcpy(q.mac, R->pool[below(r, (uint64_t)R->ph->pool)], 6);
	} else if (c < 98) {
		q.op = XBR_OP_FLUSH;
		pos = (int)below(r, MRUN_NPORTPOS + 1);
		q.ifindex = pct(r, 40) ? 0 : (uint32_t)dpt_env.ifindex[pos];
		q.flags = (uint32_t)below(r, 4);
	} else {
		q.op = 77; /* no such operation */
	}
	mq = q;
	snprintf(R->what, sizeof(R->what), "ctl op %u ifindex %u (port %d) flags %#x mac %s",
		 q.op, q.ifindex, mrun_pos_of_ifindex(q.ifindex), q.flags, dpt_mac_str(q.mac));
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
	int pos = (int)below(r, MRUN_NPORTPOS), err;
	uint32_t flags, max;

	flags = mrun_port_flags(r, R->ph->spoof_pct, &max);
	model_events_reset(R->m);
	dpt_events_reset(d);
	if (add_del && d->present[pos]) {
		snprintf(R->what, sizeof(R->what), "port %d removed", pos);
		err = dpt_port_del(d, pos);
		model_port_del(R->m, d->now, (uint32_t)dpt_env.ifindex[pos]);
	} else if (!d->present[pos]) {
		snprintf(R->what, sizeof(R->what), "port %d added %s max %u", pos, mrun_flags_str(flags),
			 max);
		err = dpt_port_add(d, pos, flags, max);
		model_port_add(R, pos, flags, max);
	} else {
		snprintf(R->what, sizeof(R->what), "port %d set %s max %u", pos, mrun_flags_str(flags),
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


struct run *mrun_phase(const struct phase *ph, const struct mrun_ops *ops)
{
	struct run *R = calloc(1, sizeof(*R));
	struct timespec t0, t1;
	int i, pos, err, c;
	uint32_t flags, max;

	assert_non_null(R);
	R->ph = ph;
	R->r.s = ph->seed;
	R->d = calloc(1, sizeof(*R->d));
	R->m = calloc(1, sizeof(*R->m));
	assert_non_null(R->d);
	assert_non_null(R->m);
	err = dpt_open_ring(R->d, ph->hook, ph->cap, false, ph->ring_size);
	if (err)
		fail_msg("loading the programs: %s", strerror(-err));
	assert_int_equal(model_init(R->m, ph->cap, ph->ageing_ns), 0);
	R->m->ev_room = R->d->ev_room;
	assert_int_equal(dpt_set_ageing(R->d, ph->ageing_ns), 0);
	memcpy(R->m->prefix6, R->d->cfg.subnet6, 16);
	R->m->plen6 = R->d->cfg.plen6;
	for (i = 0; i < ph->pool; i++)
		mrun_pool_mac(i, R->pool[i]);
	for (pos = 0; pos < MRUN_NPORTPOS - 1; pos++) {
		flags = mrun_port_flags(&R->r, ph->spoof_pct, &max);
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
			err = do_frame(R, ops);
		if (!err && (R->step % MRUN_CHECK_EVERY == 0 || R->frame == ph->frames)) {
			err = check_state(R, &R->live);
			if (err) {
				print_message("  MISMATCH after %s\n", R->what);
				dump_context(R, NULL, NULL);
			}
		}
		if (err) {
			fail_msg("BPF program and model disagree (%s %s, step %ld, frame %ld; %s)",
				 dpt_hook_name(ph->hook), ph->name, R->step, R->frame, ph->replay);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	R->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("  %s %s: %ld frames compared in %.1f s (%ld steps): %ld flood, %ld "
		      "unicast, %ld reply, %ld drop (by reason:",
		      dpt_hook_name(ph->hook), ph->name, R->frame, R->secs, R->step,
		      R->kinds[XBR_V_FLOOD], R->kinds[XBR_V_UNICAST], R->kinds[XBR_V_REPLY],
		      R->kinds[XBR_V_DROP]);
	for (i = 0; i < XBR_DROP__MAX; i++)
		if (R->reasons[i])
			print_message(" %s %ld", dpt_reason_str((uint32_t)i), R->reasons[i]);
	print_message(" ); %ld control requests, %ld port changes; table %zu entries (%d live) "
		      "of %u; learned %" PRIu64 " moved %" PRIu64 " aged %" PRIu64
		      " refused %" PRIu64 " refused_port %" PRIu64 " deleted %" PRIu64
		      "; events lost %" PRIu64 " in %ld steps (ring of %u events)\n",
		      R->nctl, R->nportchg, R->m->n, R->live, ph->cap, R->m->st.learned,
		      R->m->st.moved, R->m->st.aged, R->m->st.refused, R->m->st.refused_port,
		      R->m->st.deleted, R->m->st.ev_lost, R->ev_lost_steps, R->d->ev_room);
	dpt_close(R->d);
	return R;
}

void mrun_free(struct run *R)
{
	if (!R)
		return;
	model_free(R->m);
	free(R->d);
	free(R->m);
	free(R);
}
