// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fixture tests of the tc and XDP programs (each fixture runs through both,
 * unless it says otherwise): one frame per fixture, entering a bridge of
 * up to four veth ports (positions 0-3) with the given policy flags and table
 * entries, and the expected verdict, egress ports (as observed from the tx
 * counters), drop reason, table afterwards, per-port learned counts, bridge
 * counters and events. Time is the test clock: 1000 s at the frame; entry ages
 * are given relative to it. Ageing time 300 s unless a fixture says otherwise.
 * Spoof-check fixtures add a network header (ARP, IPv4, IPv6, VLAN) after the
 * MACs; station N is dpt_station(N). Then a few tests that do not fit one
 * frame: test_run's size limit (runts), real delivery of the copies, the
 * control operations, and the clocks of the control and datapath programs.
 *
 * This file runs a fixture and lists the group's cases; the tables are in
 * test_fixtures_{fwd,ports,spoof}.c, the other tests in test_fixtures_multi.c
 * (fixtures.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <cmocka.h>

#include "dpt.h"
#include "tests.h"
#include "fixtures.h"

uint32_t fx_pos_ifindex(int pos)
{
	if (pos == FOREIGN)
		return (uint32_t)dpt_env.ifindex[DPT_POS_FOREIGN];
	if (pos == LO)
		return 0;
	return (uint32_t)dpt_env.ifindex[pos];
}

uint32_t fx_frame_build(struct test_frame *f, const char *dst, const char *src, uint32_t len)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	assert_int_equal(dpt_mac_parse(dst, f->eth.h_dest), 0);
	assert_int_equal(dpt_mac_parse(src, f->eth.h_source), 0);
	f->eth.h_proto = htons(0x88b5); /* IEEE local experimental */
	for (i = 0; i < sizeof(f->payload); i++)
		f->payload[i] = (uint8_t)i;
	if (!len)
		len = ETH_ZLEN;
	return len;
}

/* ARP for IPv4 over Ethernet, as on the wire. */
struct arp_eth_ipv4 {
	uint16_t hrd, pro;
	uint8_t hln, pln;
	uint16_t op;
	uint8_t sha[6];
	uint32_t sip;
	uint8_t tha[6];
	uint32_t tip;
} __attribute__((packed));

/* The fixture's frame: MACs, then its network header. */
static uint32_t fx_frame(struct test_frame *fr, const struct fixture *f)
{
	uint32_t len = fx_frame_build(fr, f->dst, f->src, f->len), need = 0;

	memset(fr->payload, 0, sizeof(fr->payload));
	switch (f->l3) {
	case L3_IP4: {
		struct iphdr *ip = (void *)fr->payload;

		fr->eth.h_proto = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = 17;
		ip->tot_len = htons(28);
		assert_int_equal(inet_pton(AF_INET, f->l3src, &ip->saddr), 1);
		ip->daddr = htonl(0x0a0000fe);
		need = sizeof(*ip);
		break;
	}
	case L3_IP6: {
		struct ipv6hdr *ip6 = (void *)fr->payload;

		fr->eth.h_proto = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->nexthdr = 59; /* no next header */
		ip6->hop_limit = 255;
		assert_int_equal(inet_pton(AF_INET6, f->l3src, &ip6->saddr), 1);
		assert_int_equal(inet_pton(AF_INET6, "ff02::1", &ip6->daddr), 1);
		need = sizeof(*ip6);
		break;
	}
	case L3_ARP: {
		struct arp_eth_ipv4 *arp = (void *)fr->payload;

		fr->eth.h_proto = htons(ETH_P_ARP);
		arp->hrd = htons(f->arp_hrd ? f->arp_hrd : 1);
		arp->pro = htons(ETH_P_IP);
		arp->hln = 6;
		arp->pln = 4;
		arp->op = htons(1);
		assert_int_equal(dpt_mac_parse(f->arp_sha ? f->arp_sha : f->src, arp->sha), 0);
		assert_int_equal(inet_pton(AF_INET, f->l3src, &arp->sip), 1);
		arp->tip = htonl(0x0a0000fe);
		need = sizeof(*arp);
		break;
	}
	case L3_VLAN:
		fr->eth.h_proto = htons(ETH_P_8021Q);
		fr->payload[1] = 5; /* VID 5 */
		fr->payload[2] = 0x08; /* then IPv4 */
		need = 24;
		break;
	default:
		break;
	}
	if (!f->len && len < ETH_HLEN + need)
		len = ETH_HLEN + need;
	return len;
}

static char ev_letter(uint32_t type)
{
	switch (type) {
	case XBR_EV_LEARNED:
		return 'L';
	case XBR_EV_MOVED:
		return 'M';
	case XBR_EV_AGED:
		return 'A';
	case XBR_EV_EVICTED:
		return 'E';
	case XBR_EV_DELETED:
		return 'D';
	case XBR_EV_ADDED:
		return '+';
	case XBR_EV_REFUSED:
		return 'R';
	default:
		return '?';
	}
}

struct fx_run {
	const struct fixture *f;
	int hook;
};

static void fx_open(struct dpt *d, const struct fixture *f, int hook)
{
	int pos, i, err;
	uint8_t mac[6];

	err = dpt_open_hook(d, hook, f->fdb_size, false);
	if (err)
		fail_msg("loading the programs: %s", strerror(-err));
	for (pos = 0; pos < 4; pos++) {
		if (f->pf[pos] == ABSENT)
			continue;
		assert_int_equal(dpt_port_add(d, pos, f->pf[pos], f->max[pos]), 0);
	}
	assert_int_equal(dpt_set_ageing(d, (uint64_t)AGEING_MS * NS_PER_MS), 0);
	if (f->no_v6)
		assert_int_equal(dpt_set_prefix6(d, d->cfg.subnet6, 0), 0);
	assert_int_equal(dpt_set_clock(d, T0), 0);
	for (i = 0; i < 6 && f->pre[i].mac; i++) {
		assert_int_equal(dpt_mac_parse(f->pre[i].mac, mac), 0);
		err = dpt_fdb_put(d, mac, fx_pos_ifindex(f->pre[i].pos), f->pre[i].flags,
				 T0 - (uint64_t)(f->pre[i].age_ms * (long long)NS_PER_MS));
		if (err)
			fail_msg("pre-existing entry %s: %s", f->pre[i].mac, strerror(-err));
	}
	dpt_events_drain(d);
	dpt_events_reset(d);
}

static const char *pos_name(uint32_t ifindex)
{
	static char buf[4][16];
	static int n;
	char *b = buf[n++ & 3];
	int i;

	for (i = 0; i < DPT_NPOS; i++) {
		if ((uint32_t)dpt_env.ifindex[i] == ifindex) {
			if (i == DPT_POS_FOREIGN)
				snprintf(b, 16, "foreign");
			else
				snprintf(b, 16, "port%d", i);
			return b;
		}
	}
	snprintf(b, 16, "if%u", ifindex);
	return b;
}

static void fx_check_table(struct dpt *d, const struct fixture *f)
{
	struct xbr_fdb_key *k = NULL;
	struct xbr_fdb_val *v = NULL;
	struct fx_ent want[6];
	uint8_t wmac[6][6];
	int n, nw = 0, i, j, bad = 0, pos;
	uint32_t cnt[4] = { 0 };

	for (i = 0; i < 6 && f->post[i].mac; i++) {
		want[nw] = f->post[i];
		assert_int_equal(dpt_mac_parse(want[nw].mac, wmac[nw]), 0);
		nw++;
	}
	/* Sort the expectation by MAC, as the dump is. */
	for (i = 0; i < nw; i++) {
		for (j = i + 1; j < nw; j++) {
			if (memcmp(wmac[j], wmac[i], 6) < 0) {
				struct fx_ent t = want[i];
				uint8_t tm[6];

				want[i] = want[j];
				want[j] = t;
				memcpy(tm, wmac[i], 6);
				memcpy(wmac[i], wmac[j], 6);
				memcpy(wmac[j], tm, 6);
			}
		}
	}
	n = dpt_fdb_dump(d, &k, &v);
	assert_true(n >= 0);
	if (n != nw)
		bad = 1;
	for (i = 0; !bad && i < n; i++) {
		if (memcmp(k[i].mac, wmac[i], 6) || k[i].vlan ||
		    v[i].ifindex != fx_pos_ifindex(want[i].pos) || v[i].flags != want[i].flags ||
		    v[i].updated_ns != T0 - (uint64_t)(want[i].age_ms * (long long)NS_PER_MS))
			bad = 1;
	}
	if (bad) {
		print_message("  table afterwards, expected %d entries:\n", nw);
		for (i = 0; i < nw; i++)
			print_message("    %s %s flags %#x age %lld ms\n", want[i].mac,
				      pos_name(fx_pos_ifindex(want[i].pos)), want[i].flags,
				      want[i].age_ms);
		print_message("  got %d:\n", n);
		for (i = 0; i < n; i++)
			print_message("    %s %s flags %#x age %lld ms\n", dpt_mac_str(k[i].mac),
				      pos_name(v[i].ifindex), v[i].flags,
				      ((long long)T0 - (long long)v[i].updated_ns) / (long long)NS_PER_MS);
	}
	free(k);
	free(v);
	if (bad)
		fail_msg("table afterwards differs");

	/* Learned counts follow the counted entries. */
	for (i = 0; i < nw; i++)
		if (want[i].pos < 4 && !(want[i].flags & XBR_FDB_F_USER))
			cnt[want[i].pos]++;
	for (pos = 0; pos < 4; pos++) {
		if (!d->present[pos])
			continue;
		if (dpt_learned(d, pos) != cnt[pos])
			fail_msg("learned count of port%d: %u, expected %u", pos, dpt_learned(d, pos),
				 cnt[pos]);
	}
}

void fx_need_hook(int hook)
{
	const char *why = dpt_hook_missing(hook);

	if (why) {
		DPT_SKIP(why);
	}
}

static void run_fixture(void **state)
{
	const struct fx_run *run = *state;
	const struct fixture *f = run->f;
	struct dpt *d = calloc(1, sizeof(*d));
	struct xbr_br_stats bs;
	struct test_frame fr;
	struct dpt_obs o;
	uint32_t len;
	char got[64];
	int i, err;
	uint8_t src[6];

	assert_non_null(d);
	fx_need_hook(run->hook);
	fx_open(d, f, run->hook);
	len = fx_frame(&fr, f);
	err = dpt_frame(d, fx_pos_ifindex(f->in), &fr, len, &o);
	if (err)
		fail_msg("test_run: %s", strerror(-err));
	if (o.kind == DPT_BAD)
		fail_msg("counters inconsistent with the verdict: %s", o.why);
	/* tc: the verdict itself; XDP: the traced verdict (checked against the
	 * counters by dpt_frame()). */
	if ((run->hook == DPT_TC && o.retval != f->verdict) || o.kind != f->kind ||
	    o.reason != f->reason || o.txmask != f->out)
		fail_msg("expected %s (reason %s, egress %#x), got %s (reason %s, egress %#x, "
			 "%s verdict %d)",
			 dpt_kind_str(f->kind), dpt_reason_str(f->reason), f->out,
			 dpt_kind_str(o.kind), dpt_reason_str(o.reason), o.txmask,
			 run->hook == DPT_TC ? "tc" : "traced", o.retval);

	fx_check_table(d, f);

	assert_int_equal(dpt_br_stats(d, &bs), 0);
	if (bs.learned != f->st.learned || bs.moved != f->st.moved || bs.aged != f->st.aged ||
	    bs.refused != f->st.refused || bs.refused_port != f->st.refused_port || bs.evicted ||
	    bs.ev_lost)
		fail_msg("bridge counters learned/moved/aged/refused/refused_port/evicted/ev_lost "
			 "%llu/%llu/%llu/%llu/%llu/%llu/%llu, expected %llu/%llu/%llu/%llu/%llu/0/0",
			 (unsigned long long)bs.learned, (unsigned long long)bs.moved,
			 (unsigned long long)bs.aged, (unsigned long long)bs.refused,
			 (unsigned long long)bs.refused_port, (unsigned long long)bs.evicted,
			 (unsigned long long)bs.ev_lost,
			 (unsigned long long)f->st.learned, (unsigned long long)f->st.moved,
			 (unsigned long long)f->st.aged, (unsigned long long)f->st.refused,
			 (unsigned long long)f->st.refused_port);

	if (f->events) {
		assert_false(d->ev_overflow);
		assert_int_equal(dpt_mac_parse(f->src, src), 0);
		for (i = 0; i < d->nev && i < (int)sizeof(got) - 1; i++)
			got[i] = ev_letter(d->ev[i].type);
		got[i] = 0;
		if (strcmp(got, f->events))
			fail_msg("events \"%s\", expected \"%s\"", got, f->events);
		for (i = 0; i < d->nev; i++) {
			if (memcmp(d->ev[i].mac, src, 6) || d->ev[i].ts_ns != T0)
				fail_msg("event %c for %s at %llu, expected the source %s at %llu",
					 got[i], dpt_mac_str(d->ev[i].mac),
					 (unsigned long long)d->ev[i].ts_ns, f->src,
					 (unsigned long long)T0);
			if (d->ev[i].type == XBR_EV_LEARNED || d->ev[i].type == XBR_EV_MOVED)
				assert_int_equal(d->ev[i].ifindex, fx_pos_ifindex(f->in));
		}
	}
	dpt_close(d);
	free(d);
}

int run_fixture_tests(void)
{
	/* In the order of their numbers (fixtures.h). */
	const struct {
		const struct fixture *v;
		size_t n;
	} tables[] = { { fx_fwd, fx_fwd_n }, { fx_ports, fx_ports_n }, { fx_spoof, fx_spoof_n } };
	const size_t ntables = sizeof(tables) / sizeof(tables[0]);
	struct fx_run *runs;
	char(*names)[288];
	struct CMUnitTest *t;
	size_t nfix = 0, i, k, num, n = 0;
	int hook, failed;

	for (k = 0; k < ntables; k++)
		nfix += tables[k].n;
	runs = calloc(2 * nfix, sizeof(*runs));
	names = calloc(2 * nfix, sizeof(*names));
	t = calloc(2 * nfix + 8, sizeof(*t));
	if (!runs || !names || !t) {
		free(runs);
		free(names);
		free(t);
		return 1;
	}
	for (hook = DPT_TC; hook <= DPT_XDP; hook++) {
		num = 0;
		for (k = 0; k < ntables; k++) {
			for (i = 0; i < tables[k].n; i++) {
				const struct fixture *f = &tables[k].v[i];

				num++;
				if (f->hooks && !(f->hooks & (1u << hook)))
					continue;
				runs[n].f = f;
				runs[n].hook = hook;
				snprintf(names[n], sizeof(names[n]), "%s %02zu %s",
					 dpt_hook_name(hook), num, f->desc);
				t[n].name = names[n];
				t[n].test_func = run_fixture;
				t[n].initial_state = &runs[n];
				n++;
			}
		}
	}
	t[n++] = (struct CMUnitTest){ "tc runt frames", test_runt_limit, NULL, NULL,
				      (void *)(long)DPT_TC };
	t[n++] = (struct CMUnitTest){ "xdp runt frames", test_runt_limit, NULL, NULL,
				      (void *)(long)DPT_XDP };
	t[n++] = (struct CMUnitTest){ "tc flood copies reach the veth peers", test_delivery, NULL,
				      NULL, (void *)(long)DPT_TC };
	t[n++] = (struct CMUnitTest){ "xdp flood copies and unicast reach the veth peers",
				      test_delivery, NULL, NULL, (void *)(long)DPT_XDP };
	t[n++] = (struct CMUnitTest){ "control requests", test_ctl_ops, NULL, NULL, NULL };
	t[n++] = (struct CMUnitTest){ "tc fresh hand-added entries with the kernel clocks",
				      test_real_clock_fresh_entry, NULL, NULL, (void *)(long)DPT_TC };
	t[n++] = (struct CMUnitTest){ "xdp fresh hand-added entries with the kernel clocks",
				      test_real_clock_fresh_entry, NULL, NULL, (void *)(long)DPT_XDP };
	failed = dpt_run_group("datapath_fixtures", t, n, NULL, NULL);
	free(t);
	free(names);
	free(runs);
	return failed;
}
