// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Reference model of the forwarding rules: see model.h for the rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define ONE_SECOND 1000000000ULL

int model_init(struct model *m, size_t cap, uint64_t ageing_ns)
{
	memset(m, 0, sizeof(*m));
	m->cap = cap;
	m->ageing_ns = ageing_ns;
	m->fdb = calloc(cap ? cap : 1, sizeof(*m->fdb));
	return m->fdb ? 0 : -ENOMEM;
}

void model_free(struct model *m)
{
	free(m->fdb);
	m->fdb = NULL;
	free(m->ev);
	m->ev = NULL;
	m->nev = m->ev_cap = 0;
}

void model_events_reset(struct model *m)
{
	m->nev = 0;
}

static void emit(struct model *m, uint32_t type, const uint8_t mac[6], uint32_t ifindex,
		 uint32_t old, uint32_t flags, uint64_t now)
{
	struct m_event *e;

	if (m->nev >= m->ev_cap) {
		int cap = m->ev_cap ? 2 * m->ev_cap : 1024;

		e = realloc(m->ev, (size_t)cap * sizeof(*e));
		if (!e) {
			m->ev_nomem = true;
			return;
		}
		m->ev = e;
		m->ev_cap = cap;
	}
	if (m->ev_room && (size_t)m->nev >= m->ev_room)
		m->st.ev_lost++; /* the ring is full: emitted, not published */
	e = &m->ev[m->nev++];
	e->type = type;
	memcpy(e->mac, mac, 6);
	e->ifindex = ifindex;
	e->old_ifindex = old;
	e->flags = flags;
	e->ts = now;
}

static bool is_group(const uint8_t mac[6])
{
	return mac[0] & 0x01;
}

static bool is_zero(const uint8_t mac[6])
{
	static const uint8_t z[6];

	return !memcmp(mac, z, 6);
}

static struct m_port *port_get(struct model *m, uint32_t ifindex)
{
	int i;

	for (i = 0; i < m->nport; i++)
		if (m->port[i].ifindex == ifindex)
			return &m->port[i];
	return NULL;
}

const struct m_port *model_port(const struct model *m, uint32_t ifindex)
{
	return port_get((struct model *)m, ifindex);
}

void model_port_set(struct model *m, uint32_t ifindex, uint32_t flags, uint32_t max_learned,
		    const uint8_t mac[6], uint32_t addr)
{
	struct m_port *p = port_get(m, ifindex);

	if (!p) {
		if (m->nport >= MODEL_MAX_PORTS)
			return;
		p = &m->port[m->nport++];
		p->ifindex = ifindex;
	}
	p->flags = flags;
	p->max_learned = max_learned;
	memcpy(p->mac, mac, 6);
	p->addr = addr;
	memset(p->iid6, 0, sizeof(p->iid6));
}

void model_port_iid6(struct model *m, uint32_t ifindex, const uint8_t iid6[8])
{
	struct m_port *p = port_get(m, ifindex);

	if (p)
		memcpy(p->iid6, iid6, 8);
}

static struct m_entry *find(struct model *m, const uint8_t mac[6])
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!memcmp(m->fdb[i].mac, mac, 6))
			return &m->fdb[i];
	return NULL;
}

const struct m_entry *model_find(const struct model *m, const uint8_t mac[6])
{
	return find((struct model *)m, mac);
}

static void remove_entry(struct model *m, struct m_entry *e)
{
	size_t i = (size_t)(e - m->fdb);

	m->fdb[i] = m->fdb[m->n - 1];
	m->n--;
}

bool model_expired(const struct model *m, const struct m_entry *e, uint64_t now)
{
	if (e->flags & XBR_FDB_F_STATIC)
		return false;
	/* Stamped after now (by a clock ahead of this one): fresh, not 2^64 ns old. */
	if (e->updated > now)
		return false;
	return now - e->updated > m->ageing_ns;
}

uint32_t model_learned(const struct model *m, uint32_t ifindex)
{
	uint32_t c = 0;
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->fdb[i].ifindex == ifindex && !(m->fdb[i].flags & XBR_FDB_F_USER))
			c++;
	return c;
}

static int flush(struct model *m, uint64_t now, uint32_t ifindex, uint32_t kinds)
{
	int count = 0;
	size_t i = 0;

	while (i < m->n) {
		struct m_entry *e = &m->fdb[i];
		uint32_t kind = (e->flags & XBR_FDB_F_STATIC) ? XBR_FLUSH_STATIC : XBR_FLUSH_DYNAMIC;

		if ((ifindex && e->ifindex != ifindex) || !(kinds & kind)) {
			i++;
			continue;
		}
		emit(m, XBR_EV_DELETED, e->mac, e->ifindex, 0, e->flags, now);
		m->st.deleted++;
		count++;
		remove_entry(m, e); /* the last entry moved into slot i: look at it next */
	}
	return count;
}

void model_port_del(struct model *m, uint64_t now, uint32_t ifindex)
{
	int i;

	for (i = 0; i < m->nport; i++) {
		if (m->port[i].ifindex == ifindex) {
			m->port[i] = m->port[m->nport - 1];
			m->nport--;
			break;
		}
	}
	flush(m, now, ifindex, XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC);
}

/* The source @mac was seen on port @p. */
static void learn(struct model *m, uint64_t now, const struct m_port *p, const uint8_t mac[6])
{
	struct m_entry *e = find(m, mac);

	if (e && model_expired(m, e, now)) {
		m->st.aged++;
		emit(m, XBR_EV_AGED, mac, e->ifindex, 0, e->flags, now);
		remove_entry(m, e);
		e = NULL;
	}
	if (!e) {
		if (p->max_learned && model_learned(m, p->ifindex) >= p->max_learned) {
			m->st.refused_port++;
			return;
		}
		if (m->n >= m->cap) {
			m->st.refused++;
			return;
		}
		e = &m->fdb[m->n++];
		memcpy(e->mac, mac, 6);
		e->ifindex = p->ifindex;
		e->flags = 0;
		e->updated = now;
		memset(e->remote, 0, sizeof(e->remote));
		m->st.learned++;
		emit(m, XBR_EV_LEARNED, mac, p->ifindex, 0, 0, now);
		return;
	}
	if (e->flags & XBR_FDB_F_STATIC)
		return;
	if (e->ifindex != p->ifindex) {
		uint32_t old = e->ifindex;

		if (e->flags & XBR_FDB_F_STICKY)
			return;
		e->ifindex = p->ifindex;
		e->updated = now;
		m->st.moved++;
		emit(m, XBR_EV_MOVED, mac, p->ifindex, old, e->flags, now);
		return;
	}
	if (now - e->updated >= ONE_SECOND)
		e->updated = now;
}

static void decide(struct model *m, uint64_t now, const struct m_port *in, const uint8_t dst[6],
		   const uint8_t src[6], struct m_decision *d)
{
	const struct m_entry *e;
	const struct m_port *op;

	if (is_group(src) || is_zero(src)) {
		d->kind = XBR_V_DROP;
		d->reason = XBR_DROP_BAD_SRC;
		return;
	}
	if (in->flags & XBR_PORT_F_LOCKED) {
		e = find(m, src);
		if (!e || !(e->flags & XBR_FDB_F_STATIC) || e->ifindex != in->ifindex) {
			d->kind = XBR_V_DROP;
			d->reason = XBR_DROP_LOCKED;
			return;
		}
	} else if (in->flags & XBR_PORT_F_LEARNING) {
		learn(m, now, in, src);
	}
	d->kind = XBR_V_FLOOD;
	if (is_group(dst))
		return;
	e = find(m, dst);
	if (!e || model_expired(m, e, now))
		return;
	if (e->ifindex == in->ifindex && !(in->flags & XBR_PORT_F_HAIRPIN)) {
		d->kind = XBR_V_DROP;
		d->reason = XBR_DROP_SAME_PORT;
		return;
	}
	op = port_get(m, e->ifindex);
	if (!op)
		return;
	if ((in->flags & XBR_PORT_F_ISOLATED) && (op->flags & XBR_PORT_F_ISOLATED)) {
		d->kind = XBR_V_DROP;
		d->reason = XBR_DROP_ISOLATED;
		return;
	}
	d->kind = XBR_V_UNICAST;
	d->out = op->ifindex;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* May a frame from port @p's station enter? (rule 1a) */
static bool spoof_ok(const struct model *m, const struct m_port *p, const uint8_t *f, uint32_t len)
{
	const uint8_t *l3 = f + 14;
	uint32_t l3len = len - 14, ip;
	uint8_t want[16];
	static const uint8_t any6[16];
	int i;

	if (memcmp(f + 6, p->mac, 6))
		return false;
	switch (be16(f + 12)) {
	case 0x0806: /* ARP: hrd pro hln pln op sha[6] sip[4] tha[6] tip[4] */
		if (l3len < 28 || be16(l3) != 1 || be16(l3 + 2) != 0x0800 || l3[4] != 6 ||
		    l3[5] != 4 || memcmp(l3 + 8, p->mac, 6))
			return false;
		memcpy(&ip, l3 + 14, 4);
		return ip == p->addr || ip == 0;
	case 0x0800: /* IPv4: saddr at 12, the header up to daddr is 20 bytes */
		if (l3len < 20)
			return false;
		memcpy(&ip, l3 + 12, 4);
		return ip == p->addr || ip == 0;
	case 0x86dd: /* IPv6: saddr at 8, 40 bytes up to the end of daddr */
		if (l3len < 40)
			return false;
		if (!memcmp(l3 + 8, any6, 16))
			return true;
		memset(want, 0, sizeof(want));
		want[0] = 0xfe;
		want[1] = 0x80;
		want[8] = p->mac[0] ^ 0x02; /* modified EUI-64: flip the U/L bit */
		want[9] = p->mac[1];
		want[10] = p->mac[2];
		want[11] = 0xff;
		want[12] = 0xfe;
		want[13] = p->mac[3];
		want[14] = p->mac[4];
		want[15] = p->mac[5];
		if (!memcmp(l3 + 8, want, 16))
			return true;
		if (!m->plen6)
			return false;
		/* prefix/plen6, then the IPv4 address in the last 32 bits */
		memset(want, 0, sizeof(want));
		for (i = 0; i < (int)m->plen6 && i < 96; i++)
			want[i / 8] |= (uint8_t)(m->prefix6[i / 8] & (0x80 >> (i % 8)));
		memcpy(want + 12, &p->addr, 4);
		/* a station's own address (Docker's): the prefix's first 64 bits,
		 * then its iid6 */
		if (p->flags & XBR_PORT_F_ADDR6)
			memcpy(want + 8, p->iid6, 8);
		return !memcmp(l3 + 8, want, 16);
	default:
		return false;
	}
}

void model_frame(struct model *m, uint64_t now, uint32_t in_ifindex, const uint8_t *frame,
		 uint32_t len, struct m_decision *d)
{
	const struct m_port *in = port_get(m, in_ifindex);
	int i;

	memset(d, 0, sizeof(*d));
	if (!in) {
		d->kind = XBR_V_DROP;
		d->reason = XBR_DROP_NOPORT;
		return;
	}
	if (len < 14) {
		d->kind = XBR_V_DROP;
		d->reason = XBR_DROP_RUNT;
		return;
	}
	if ((in->flags & XBR_PORT_F_SPOOFCHK) && !spoof_ok(m, in, frame, len)) {
		d->kind = XBR_V_DROP;
		d->reason = XBR_DROP_SPOOF;
		return;
	}
	decide(m, now, in, frame, frame + 6, d);
	if (d->kind == XBR_V_FLOOD && model_neigh(m, now, in, frame, len, d))
		return;
	if (d->kind == XBR_V_UNICAST || (d->kind == XBR_V_FLOOD && !is_group(frame))) {
		/* Rule 7d: a DNS query to the gateway, maybe answered. */
		d->dns = model_dns(m, frame, len, d->reply, &d->reply_len);
		switch (d->dns) {
		case M_DNS_FORWARDED:
			m->st.dns_forwarded++;
			break;
		case M_DNS_ANSWERED:
		case M_DNS_NXDOMAIN:
		case M_DNS_REFUSED:
			if (d->dns == M_DNS_ANSWERED)
				m->st.dns_answered++;
			else if (d->dns == M_DNS_NXDOMAIN)
				m->st.dns_nxdomain++;
			else
				m->st.dns_refused++;
			d->kind = XBR_V_REPLY;
			d->out = in->ifindex;
			d->reply_whole = true;
			break;
		}
	}
	if (d->kind != XBR_V_FLOOD)
		return;
	for (i = 0; i < m->nport; i++) {
		const struct m_port *q = &m->port[i];

		if (q->ifindex == in->ifindex || !(q->flags & XBR_PORT_F_FLOOD))
			continue;
		if ((q->flags & XBR_PORT_F_ISOLATED) && (in->flags & XBR_PORT_F_ISOLATED))
			continue;
		/* The host behind the gateway port gets broadcast, multicast
		 * and unicast for its own MAC; not someone else's unicast. */
		if ((q->flags & XBR_PORT_F_GATEWAY) && !(frame[0] & 1) && memcmp(frame, q->mac, 6))
			continue;
		d->flood[d->nflood++] = q->ifindex;
	}
}

int model_ctl(struct model *m, uint64_t now, const struct xbr_ctl_req *req, uint32_t *count)
{
	struct m_entry *e;

	*count = 0;
	switch (req->op) {
	case XBR_OP_ADD:
	case XBR_OP_REPLACE:
		if (!port_get(m, req->ifindex))
			return -ENODEV;
		e = find(m, req->mac);
		if (e && req->op == XBR_OP_ADD)
			return -EEXIST;
		if (!e) {
			if (m->n >= m->cap)
				return -E2BIG;
			e = &m->fdb[m->n++];
			memcpy(e->mac, req->mac, 6);
		}
		e->ifindex = req->ifindex;
		e->flags = (req->flags & (XBR_FDB_F_STATIC | XBR_FDB_F_STICKY)) | XBR_FDB_F_USER;
		e->updated = now;
		memset(e->remote, 0, sizeof(e->remote));
		emit(m, XBR_EV_ADDED, e->mac, e->ifindex, 0, e->flags, now);
		*count = 1;
		return 0;
	case XBR_OP_DEL:
		e = find(m, req->mac);
		if (!e)
			return -ENOENT;
		emit(m, XBR_EV_DELETED, e->mac, e->ifindex, 0, e->flags, now);
		m->st.deleted++;
		remove_entry(m, e);
		*count = 1;
		return 0;
	case XBR_OP_FLUSH:
		*count = (uint32_t)flush(m, now, req->ifindex, req->flags);
		return 0;
	default:
		return -EINVAL;
	}
}

static int entry_cmp(const void *a, const void *b)
{
	return memcmp(((const struct m_entry *)a)->mac, ((const struct m_entry *)b)->mac, 6);
}

void model_sort(struct model *m)
{
	if (m->n)
		qsort(m->fdb, m->n, sizeof(*m->fdb), entry_cmp);
}
