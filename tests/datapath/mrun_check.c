// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Model runs (see mrun.h), the comparison of program and model: the entries
 * a step touched, its events (as multisets, with the ring's loss), the whole
 * table with learned counts and bridge counters, the reply a tc program
 * wrote, and the context printed on a mismatch.
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
#include <cmocka.h>

#include "dpt.h"
#include "model.h"
#include "mrun.h"

void mrun_dump_context(struct run *R, const uint8_t *src, const uint8_t *dst)
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

void mrun_decision_str(char *buf, size_t n, int kind, uint32_t reason, uint32_t mask)
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
int mrun_check_entry(struct run *R, const uint8_t mac[6])
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
int mrun_check_events(struct run *R)
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
int mrun_check_state(struct run *R, int *live)
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
	    bs.arp_replied != m->st.arp_replied || bs.nd_replied != m->st.nd_replied ||
	    bs.dns_answered != m->st.dns_answered || bs.dns_nxdomain != m->st.dns_nxdomain ||
	    bs.dns_refused != m->st.dns_refused || bs.dns_forwarded != m->st.dns_forwarded) {
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
		print_message("  dns answered/nxdomain/refused/forwarded: bpf %llu/%llu/%llu/%llu, "
			      "model %" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 "\n",
			      (unsigned long long)bs.dns_answered, (unsigned long long)bs.dns_nxdomain,
			      (unsigned long long)bs.dns_refused, (unsigned long long)bs.dns_forwarded,
			      m->st.dns_answered, m->st.dns_nxdomain, m->st.dns_refused,
			      m->st.dns_forwarded);
		return -1;
	}
	return 0;
}

uint32_t mrun_mask_of(const struct dpt *d, const struct m_decision *md)
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

void mrun_hexdump_all(const uint8_t *b, uint32_t len)
{
	char line[3 * 32 + 1];
	uint32_t i;

	for (i = 0; i < len; i++) {
		snprintf(line + 3 * (i % 32), 4, "%02x ", b[i]);
		if (i % 32 == 31 || i == len - 1)
			print_message("    %04x: %s\n", i - i % 32, line);
	}
}

void mrun_hexdump(const uint8_t *b, uint32_t len)
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
bool mrun_reply_ok(const struct mrun_frame *f, const struct m_decision *md,
		     const struct dpt_obs *o)
{
	uint32_t n;

	if (!o->out_len)
		return true;
	if (md->kind == XBR_V_REPLY && md->reply_whole) {
		/* A DNS answer: the whole frame that left, its length too. */
		if (o->data_len == md->reply_len && !memcmp(o->out, md->reply, md->reply_len))
			return true;
		print_message("  DNS answer differs: bpf %u bytes, model %u; bpf wrote:\n",
			      o->data_len, md->reply_len);
		mrun_hexdump_all(o->out, o->out_len);
		print_message("  model:\n");
		mrun_hexdump_all(md->reply, md->reply_len);
		return false;
	}
	n = f->len < o->out_len ? f->len : o->out_len;
	if (md->kind != XBR_V_REPLY) {
		/* Untouched: every byte, and its length. */
		if (o->data_len == f->len && !memcmp(o->out, f->b, n))
			return true;
		print_message("  the frame left changed (%u bytes of %u):\n", o->data_len, f->len);
		mrun_hexdump_all(o->out, o->out_len);
		return false;
	}
	if (n < md->reply_len) {
		print_message("  reply: %u bytes out, model wrote %u\n", o->out_len,
			      md->reply_len);
		return false;
	}
	if (memcmp(o->out, md->reply, md->reply_len) ||
	    memcmp(o->out + md->reply_len, f->b + md->reply_len, n - md->reply_len)) {
		print_message("  reply bytes differ; bpf wrote:\n");
		mrun_hexdump(o->out, n);
		print_message("  model:\n");
		mrun_hexdump(md->reply, md->reply_len);
		return false;
	}
	return true;
}
