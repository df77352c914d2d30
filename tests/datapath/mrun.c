// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Model runs: a BPF program and the reference model side by side; see mrun.h.
 * This file is the run itself: the phase's set-up and its loop of clock
 * steps, control requests, port and prefix changes and frames. The frames'
 * building blocks are in mrun_gen.c, the comparisons in mrun_check.c.
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
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/bpf.h>
#include <cmocka.h>

#include "dpt.h"
#include "parse.h" /* xbr_station_addr6(): how the loader numbers stations */
#include "model.h"
#include "mrun.h"
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
	if (flags & XBR_PORT_F_ADDR6) {
		uint8_t iid6[8];

		dpt_station_iid6(pos, iid6);
		model_port_iid6(R->m, (uint32_t)dpt_env.ifindex[pos], iid6);
	}
}

_Static_assert((int)M_DNS_NONE == (int)DPT_DNS_NONE &&
		       (int)M_DNS_ANSWERED == (int)DPT_DNS_ANSWERED &&
		       (int)M_DNS_NXDOMAIN == (int)DPT_DNS_NXDOMAIN &&
		       (int)M_DNS_REFUSED == (int)DPT_DNS_REFUSED &&
		       (int)M_DNS_FORWARDED == (int)DPT_DNS_FORWARDED,
	       "the model's DNS results are the harness's");

/*
 * XDP: live frames show nothing of the answer but its length (tx_bytes), so
 * the frame is run once more without them (dpt_xdp_peek(), its counters put
 * back) and the answer it leaves compared with the model's, byte for byte.
 * 0 when they agree.
 */
static int mrun_xdp_answer(struct run *R, const struct mrun_frame *f, const struct m_decision *md)
{
	static uint8_t out[MRUN_FRAME_MAX];
	uint32_t n = 0;
	int ret = dpt_xdp_peek(R->d, f->ifindex, f->b, f->len, out, sizeof(out), &n);

	if (ret == XDP_REDIRECT && n == md->reply_len && !memcmp(out, md->reply, n))
		return 0;
	print_message("  XDP DNS answer differs: verdict %d, %u bytes, model %u; bpf wrote:\n", ret,
		      n, md->reply_len);
	mrun_hexdump_all(out, n < 512 ? n : 512);
	print_message("  model:\n");
	mrun_hexdump_all(md->reply, md->reply_len);
	return -1;
}

static int do_frame(struct run *R, const struct mrun_ops *ops)
{
	struct dpt *d = R->d;
	struct mrun_frame *f = &R->f;
	struct m_decision md;
	struct dpt_obs o;
	uint32_t want_mask;
	bool tx_ok;
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
		mrun_hexdump(f->b, f->len);
		return -1;
	}
	/* On a mismatch the context shown is the state after the frame. */
	model_frame(R->m, d->now, f->ifindex, f->b, f->len, &md);
	want_mask = mrun_mask_of(d, &md);
	mrun_decision_str(a, sizeof(a), md.kind, md.reason, want_mask);
	mrun_decision_str(b, sizeof(b), o.kind, o.reason, o.txmask);
	/* A flood's copies refused by the kernel's full backlog (other traffic
	 * on the machine) are missing from the mask, and only they. */
	tx_ok = o.backlog_lost ? !(o.txmask & ~want_mask) &&
					 __builtin_popcount(want_mask & ~o.txmask) == (int)o.backlog_lost :
				 o.txmask == want_mask;
	if (o.dns != md.dns) {
		size_t n = strlen(a);

		snprintf(a + n, sizeof(a) - n, ", dns %s", dpt_dns_str(md.dns));
		n = strlen(b);
		snprintf(b + n, sizeof(b) - n, ", dns %s", dpt_dns_str(o.dns));
	}
	if (o.kind == DPT_BAD || o.kind != md.kind || o.dns != md.dns ||
	    (md.reply_whole && o.tx_bytes != md.reply_len) ||
	    (o.kind == DPT_DROP && o.reason != md.reason) || !tx_ok ||
	    (d->hook == DPT_TC &&
	     o.retval != (md.kind == XBR_V_UNICAST || md.kind == XBR_V_REPLY ||
					  (md.kind == XBR_V_FLOOD && want_mask) ?
				  TC_ACT_REDIRECT :
				  TC_ACT_SHOT)) ||
	    (d->hook == DPT_XDP && md.kind == XBR_V_UNICAST && o.xdp.out_ifindex != md.out) ||
	    !mrun_reply_ok(f, &md, &o)) {
		print_message("  MISMATCH at %s\n  model: %s\n  bpf:   %s (verdict %d)%s%s\n",
			      R->what, a, b, o.retval, o.why[0] ? ": " : "", o.why);
		mrun_hexdump(f->b, f->len);
		mrun_dump_context(R, MRUN_ETH(f)->h_source, MRUN_ETH(f)->h_dest);
		return -1;
	}
	if (mrun_check_events(R) || mrun_check_entry(R, MRUN_ETH(f)->h_source) ||
	    mrun_check_entry(R, MRUN_ETH(f)->h_dest)) {
		print_message("  MISMATCH at %s (both decided %s)\n", R->what, a);
		mrun_hexdump(f->b, f->len);
		mrun_dump_context(R, MRUN_ETH(f)->h_source, MRUN_ETH(f)->h_dest);
		return -1;
	}
	if (d->hook == DPT_XDP && md.reply_whole && mrun_xdp_answer(R, f, &md)) {
		print_message("  MISMATCH at %s (both decided %s)\n", R->what, a);
		mrun_hexdump(f->b, f->len);
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
		mrun_dump_context(R, q.mac, NULL);
		return -1;
	}
	if (mrun_check_events(R) || mrun_check_entry(R, q.mac)) {
		print_message("  MISMATCH at %s (both returned %d)\n", R->what, got);
		mrun_dump_context(R, q.mac, NULL);
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
	if (mrun_check_events(R)) {
		print_message("  MISMATCH at %s\n", R->what);
		mrun_dump_context(R, NULL, NULL);
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


static void dns_name(struct run *R, const char *label, int pos, uint32_t addr, bool v4, bool v6,
		     bool ptr)
{
	struct xbr_name_val v = { .ifindex = (uint32_t)dpt_env.ifindex[pos] };
	struct xbr_rname_key k = {};
	uint8_t a6[16];

	xbr_station_addr6(R->m->prefix6, R->m->plen6, addr, a6);
	if (v4)
		v.addr = addr;
	if (v6 && R->m->plen6)
		memcpy(v.addr6, a6, 16);
	assert_int_equal(dpt_name_set(R->d, label, &v), 0);
	assert_int_equal(model_dns_name(R->m, label, v.ifindex, v.addr, (uint8_t *)v.addr6), 0);
	if (ptr && v4) {
		k.family = 4;
		k.addr[0] = addr;
		assert_int_equal(dpt_rname_set(R->d, &k, label), 0);
		assert_int_equal(model_dns_rname(R->m, 4, &addr, label), 0);
	}
	if (ptr && v6 && R->m->plen6) {
		memset(&k, 0, sizeof(k));
		k.family = 6;
		memcpy(k.addr, a6, 16);
		assert_int_equal(dpt_rname_set(R->d, &k, label), 0);
		assert_int_equal(model_dns_rname(R->m, 6, a6, label), 0);
	}
}

static void own6_name(struct run *R, int pos)
{
	struct xbr_name_val v = { .ifindex = (uint32_t)dpt_env.ifindex[pos] };
	struct xbr_rname_key k = { .family = 6 };
	char label[8];
	uint8_t a6[16];

	if (!R->m->plen6)
		return;
	xbr_station_addr6(R->m->prefix6, R->m->plen6, 0, a6);
	dpt_station_iid6(pos, a6 + 8);
	snprintf(label, sizeof(label), "own%d", pos);
	memcpy(v.addr6, a6, 16);
	assert_int_equal(dpt_name_set(R->d, label, &v), 0);
	assert_int_equal(model_dns_name(R->m, label, v.ifindex, 0, a6), 0);
	memcpy(k.addr, a6, 16);
	assert_int_equal(dpt_rname_set(R->d, &k, label), 0);
	assert_int_equal(model_dns_rname(R->m, 6, a6, label), 0);
}

void mrun_dns_setup(struct run *R)
{
	struct xbr_rname_key k = { .family = 4 };
	uint8_t mac[6];
	uint32_t addr;
	char label[8];
	int pos;

	R->m->dns.gateway = htonl(0x0a000001);
	R->m->dns.subnet = htonl(0x0a000000);
	R->m->dns.plen = 24;
	snprintf(R->m->dns.domain, sizeof(R->m->dns.domain), "%s", MRUN_DNS_DOMAIN);
	R->m->dns.off = false;
	assert_int_equal(dpt_set_dns(R->d, R->m->dns.gateway, R->m->dns.subnet, 24, MRUN_DNS_DOMAIN,
				     false),
			 0);
	for (pos = 0; pos < MRUN_NPORTPOS; pos++) {
		dpt_station(pos, mac, &addr);
		snprintf(label, sizeof(label), "st%d", pos);
		dns_name(R, label, pos, addr, true, true, true);
		if (pos == 1)
			dns_name(R, "web", pos, addr, true, true, false);
		if (pos == 2)
			dns_name(R, "v4only", pos, addr, true, false, false);
		if (pos == 3)
			dns_name(R, "none", pos, addr, false, false, false);
		/* its own IPv6 address's name, as the loader names a Docker
		 * endpoint's port: answered for (ND) while the port has
		 * XBR_PORT_F_ADDR6 */
		own6_name(R, pos);
	}
	dns_name(R, "l23456789-123456789-123456789-123456789-123456789-123456789-123", 4,
		 htonl(0x0a000063), true, true, true);
	k.addr[0] = htonl(0xc0a80101);
	assert_int_equal(dpt_rname_set(R->d, &k, "outside"), 0);
	assert_int_equal(model_dns_rname(R->m, 4, &k.addr[0], "outside"), 0);
}

/* The DNS service off or on again, without a domain or with it. */
static int do_dns_change(struct run *R)
{
	struct model *m = R->m;
	int c = (int)below(&R->r, 4);

	m->dns.off = c == 0;
	snprintf(m->dns.domain, sizeof(m->dns.domain), "%s", c == 1 ? "" : MRUN_DNS_DOMAIN);
	snprintf(R->what, sizeof(R->what), "DNS %s, domain \"%s\"", m->dns.off ? "off" : "on",
		 m->dns.domain);
	R->ndnschg++;
	return dpt_set_dns(R->d, m->dns.gateway, m->dns.subnet, m->dns.plen, m->dns.domain,
			   m->dns.off);
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
	if (ph->dns)
		mrun_dns_setup(R);
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
		else if (c < 12 && ph->dns && pct(&R->r, 30))
			err = do_dns_change(R);
		else
			err = do_frame(R, ops);
		if (!err && (R->step % MRUN_CHECK_EVERY == 0 || R->frame == ph->frames)) {
			err = mrun_check_state(R, &R->live);
			if (err) {
				print_message("  MISMATCH after %s\n", R->what);
				mrun_dump_context(R, NULL, NULL);
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
	if (ph->dns)
		print_message("    DNS queries to the gateway: %" PRIu64 " answered, %" PRIu64
			      " nxdomain, %" PRIu64 " refused, %" PRIu64
			      " forwarded; %ld DNS configuration changes\n",
			      R->m->st.dns_answered, R->m->st.dns_nxdomain, R->m->st.dns_refused,
			      R->m->st.dns_forwarded, R->ndnschg);
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
