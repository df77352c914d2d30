// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * VXLAN uplinks as the commands see them (docs/design.md, "One segment across
 * hosts (VXLAN)"): an uplink port (port_uplink.c) with its peers, the remote
 * tunnel endpoints of the segment, and the MTU its tunnel leaves the bridge's
 * other ports.
 *
 * Peers live in the pinned array xbr_peers, slots [0, config.npeers), each
 * with the ifindex of its uplink; the datapath floods one copy to each peer
 * of an uplink and takes frames only from them. Removing one is a
 * swap-remove (the last slot moves into the hole), and then a grace period
 * before the forwarding entries behind it are flushed: no frame that passed
 * the old peer list can learn an entry after the flush.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include "bridge.h"
#include "pins.h"
#include "directory.h"
#include "log.h"
#include "port.h"

/* The MTU xbr's veth pairs have without an uplink (the kernel's default). */
#define XBR_DEFAULT_MTU 1500

const char *uplink_addr_str(const struct xbr_peer *p, char *buf, size_t len)
{
	return inet_ntop(p->flags & XBR_PEER_F_V6 ? AF_INET6 : AF_INET, p->remote, buf,
			 (socklen_t)len);
}

/* The bridge's peers, slots [0, npeers). Caller frees *out. */
static int peers_read(struct xbr_bridge *br, struct xbr_peer **out, uint32_t *n)
{
	struct xbr_peer *v;
	uint32_t i, np = br->cfg.npeers;

	if (np > XBR_MAX_PEERS)
		np = XBR_MAX_PEERS;
	v = calloc(np + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < np; i++) {
		if (bpf_map_lookup_elem(br->map[XBR_M_PEERS], &i, &v[i]) < 0) {
			int err = -errno;

			free(v);
			return err;
		}
	}
	*out = v;
	*n = np;
	return 0;
}

static int peer_same(const struct xbr_peer *a, const struct xbr_peer *b)
{
	return a->ifindex == b->ifindex && (a->flags & XBR_PEER_F_V6) == (b->flags & XBR_PEER_F_V6) &&
	       !memcmp(a->remote, b->remote, sizeof(a->remote));
}

int br_uplink_has_peer(struct xbr_bridge *br, const struct xbr_peer *want)
{
	struct xbr_peer *v;
	uint32_t n, i;
	int found = 0;

	if (peers_read(br, &v, &n))
		return 0;
	for (i = 0; i < n && !found; i++)
		found = peer_same(&v[i], want);
	free(v);
	return found;
}

/* Find uplink @name: 0 and *out, or -ENOENT (said). */
static int uplink_find(struct xbr_bridge *br, const char *name, struct xbr_port *out)
{
	if (port_find(br, name, out) == 0 && out->kind == XBR_KIND_UPLINK)
		return 0;
	pr_warn("uplink \"%s\" is not an uplink of bridge \"%s\"", name, br->name);
	return -ENOENT;
}

/* Check @p (its ifindex set) may join as a peer of @up, next to @v[0..n). */
static int peer_check(struct xbr_bridge *br, const struct xbr_port *up, const struct xbr_peer *p,
		      const struct xbr_peer *v, uint32_t n)
{
	char a[INET6_ADDRSTRLEN];
	uint32_t i;

	uplink_addr_str(p, a, sizeof(a));
	if ((p->flags & XBR_PEER_F_V6) != (up->tun_flags & XBR_PEER_F_V6)) {
		pr_warn("uplink \"%s\": peer %s is IPv%c, its local address IPv%c", up->name, a,
			p->flags & XBR_PEER_F_V6 ? '6' : '4', up->tun_flags & XBR_PEER_F_V6 ? '6' : '4');
		return -EINVAL;
	}
	if (!memcmp(p->remote, up->local, sizeof(p->remote))) {
		pr_warn("uplink \"%s\": peer %s is its own local address", up->name, a);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (peer_same(&v[i], p)) {
			pr_warn("uplink \"%s\": %s is already a peer", up->name, a);
			return -EEXIST;
		}
	}
	if (n >= XBR_MAX_PEERS) {
		pr_warn("uplink \"%s\": bridge \"%s\" has %u peers, the most it can have", up->name,
			br->name, XBR_MAX_PEERS);
		return -ENOSPC;
	}
	return 0;
}

/* Append @add[0..n) to the peer list (their slots first, npeers last). */
static int peers_append(struct xbr_bridge *br, const struct xbr_peer *add, uint32_t n)
{
	uint32_t i, slot;

	for (i = 0; i < n; i++) {
		slot = br->cfg.npeers + i;
		if (bpf_map_update_elem(br->map[XBR_M_PEERS], &slot, &add[i], BPF_ANY) < 0)
			return -errno;
	}
	br->cfg.npeers += n;
	return pins_config_write(br);
}

/* Remove every peer for which @drop(peer, arg) holds, keeping the list dense. */
static int peers_remove(struct xbr_bridge *br, int (*drop)(const struct xbr_peer *, const void *),
			const void *arg)
{
	struct xbr_peer *v, zero = {};
	uint32_t n, i, k = 0;
	int err = peers_read(br, &v, &n);

	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (drop(&v[i], arg))
			continue;
		if (k != i && bpf_map_update_elem(br->map[XBR_M_PEERS], &k, &v[i], BPF_ANY) < 0) {
			err = -errno;
			break;
		}
		k++;
	}
	if (!err) {
		br->cfg.npeers = k;
		err = pins_config_write(br);
		for (i = k; i < n; i++)
			bpf_map_update_elem(br->map[XBR_M_PEERS], &i, &zero, BPF_ANY);
	}
	free(v);
	return err;
}

static int peer_is(const struct xbr_peer *p, const void *arg)
{
	return peer_same(p, arg);
}

static int peer_of(const struct xbr_peer *p, const void *arg)
{
	return p->ifindex == *(const uint32_t *)arg;
}

/*
 * A grace period: every datapath program that started before this call has
 * finished (they run under RCU; MEMBARRIER_CMD_GLOBAL is synchronize_rcu()).
 */
static void datapath_quiesce(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) < 0)
		usleep(50000); /* nohz_full kernels refuse it: a run is microseconds */
}

/* ---- MTU ---- */

int br_uplink_mtu(struct xbr_bridge *br, uint32_t skip_ifindex)
{
	return (int)port_min_mtu(br, XBR_KIND_UPLINK, skip_ifindex);
}

/* Every port but the uplinks to @mtu (0: the default), or to the bridge's
 * own MTU when that is smaller. */
static int mtu_apply(struct xbr_bridge *br, uint32_t mtu)
{
	struct xbr_port *v;
	size_t n, i;
	int err = port_list(br, &v, &n);

	if (err)
		return err;
	if (br->cfg.mtu && (!mtu || br->cfg.mtu < mtu))
		mtu = br->cfg.mtu;
	for (i = 0; !err && i < n; i++)
		if (v[i].kind != XBR_KIND_UPLINK)
			err = port_set_mtu(br, &v[i], mtu ? mtu : XBR_DEFAULT_MTU);
	free(v);
	return err;
}

/* ---- commands ---- */

int br_uplink_add(struct xbr_bridge *br, const struct xbr_ns_spec *in, const struct xbr_peer *peers,
		  size_t npeers)
{
	struct xbr_ns_spec spec = *in;
	struct xbr_port up, existing;
	struct xbr_peer *v = NULL, *add = NULL;
	uint32_t n = 0, i, old_mtu;
	int err;

	port_cleanup_intents(br, 1); /* what an interrupted command left */
	if (port_find(br, spec.name, &existing) == 0) {
		pr_warn("%s \"%s\" is already a port of bridge \"%s\"",
			existing.kind == XBR_KIND_UPLINK ? "uplink" : port_noun(existing.kind),
			spec.name, br->name);
		return -EEXIST;
	}
	err = peers_read(br, &v, &n);
	if (err)
		return err;
	add = calloc(npeers + 1, sizeof(*add));
	if (!add) {
		free(v);
		return -ENOMEM;
	}
	/* The peers are checked against a record of what the port will be. */
	memset(&up, 0, sizeof(up));
	snprintf(up.name, sizeof(up.name), "%s", spec.name);
	memcpy(up.local, spec.local, sizeof(up.local));
	up.tun_flags = spec.family == AF_INET6 ? XBR_PEER_F_V6 : 0;
	if (n + npeers > XBR_MAX_PEERS) {
		pr_warn("uplink \"%s\": bridge \"%s\" has room for %u more peers, not %zu", spec.name,
			br->name, XBR_MAX_PEERS - n, npeers);
		err = -ENOSPC;
		goto out;
	}
	for (i = 0; i < npeers && !err; i++) {
		add[i] = peers[i];
		add[i].ifindex = 0;
		/* against each other: the list so far with ifindex 0 */
		err = peer_check(br, &up, &add[i], add, i);
	}
	if (err)
		goto out;

	old_mtu = (uint32_t)br_uplink_mtu(br, 0);
	spec.kind = XBR_KIND_UPLINK;
	err = port_add(br, &spec);
	if (err)
		goto out;
	err = port_find(br, spec.name, &up);
	for (i = 0; !err && i < npeers; i++)
		add[i].ifindex = up.ifindex;
	if (!err)
		err = xbr_fault("uplink-peers");
	if (!err)
		err = peers_append(br, add, (uint32_t)npeers);
	if (err)
		pr_warn("uplink \"%s\": cannot record its peers: %s", spec.name, strerror(-err));
	if (!err && (!old_mtu || up.mtu < old_mtu))
		err = mtu_apply(br, up.mtu);
	if (err) { /* undone: peers, port and device, the MTU as it was */
		peers_remove(br, peer_of, &up.ifindex);
		port_del(br, spec.name);
		mtu_apply(br, old_mtu);
	}
out:
	free(add);
	free(v);
	return err;
}

int br_uplink_del(struct xbr_bridge *br, const char *name)
{
	struct xbr_port up;
	uint32_t mtu;
	int err;

	port_cleanup_intents(br, 1);
	err = uplink_find(br, name, &up);
	if (err)
		return err;
	/* Floods stop reaching its peers first; then the port (its entries are
	 * flushed with its record) and the device. */
	err = peers_remove(br, peer_of, &up.ifindex);
	if (!err)
		err = port_del(br, name);
	if (err)
		return err;
	dir_remove(br->name, name); /* its directory, if it had one */
	mtu = (uint32_t)br_uplink_mtu(br, up.ifindex);
	if (mtu != up.mtu)
		err = mtu_apply(br, mtu);
	return err;
}

int br_uplink_peer_add(struct xbr_bridge *br, const char *name, const struct xbr_peer *peer)
{
	struct xbr_peer *v, p = *peer;
	struct xbr_port up;
	uint32_t n;
	int err;

	err = uplink_find(br, name, &up);
	if (err)
		return err;
	p.ifindex = up.ifindex;
	err = peers_read(br, &v, &n);
	if (err)
		return err;
	err = peer_check(br, &up, &p, v, n);
	if (!err)
		err = peers_append(br, &p, 1);
	free(v);
	return err;
}

int br_uplink_peer_del(struct xbr_bridge *br, const char *name, const struct xbr_peer *peer)
{
	struct xbr_ctl_req c = { .op = XBR_OP_FLUSH,
				 .flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC | XBR_FLUSH_REMOTE };
	struct xbr_peer p = *peer;
	struct xbr_port up;
	char a[INET6_ADDRSTRLEN];
	int err;

	err = uplink_find(br, name, &up);
	if (err)
		return err;
	p.ifindex = up.ifindex;
	uplink_addr_str(&p, a, sizeof(a));
	if (!br_uplink_has_peer(br, &p)) {
		pr_warn("uplink \"%s\": %s is not a peer", name, a);
		return -ENOENT;
	}
	err = peers_remove(br, peer_is, &p);
	if (err) {
		pr_warn("uplink \"%s\": cannot remove peer %s: %s", name, a, strerror(-err));
		return err;
	}
	/* No frame the old list let in can still be learning, then every
	 * entry behind the peer goes: nothing is sent to it any more. */
	datapath_quiesce();
	c.ifindex = up.ifindex;
	memcpy(c.remote, p.remote, sizeof(c.remote));
	err = ctl_run(br->prog[XBR_P_CTL], &c);
	if (err)
		pr_warn("uplink \"%s\": peer %s removed, but not its fdb entries: %s", name, a,
			strerror(-err));
	return err;
}

int br_uplinks(struct xbr_bridge *br, struct xbr_uplink_row **out, size_t *nout)
{
	struct xbr_uplink_row *rows = NULL;
	struct xbr_port *ports = NULL;
	struct xbr_peer *peers = NULL;
	size_t np = 0, i, k = 0;
	uint32_t npeers = 0, j;
	int err;

	err = port_list(br, &ports, &np);
	if (!err)
		err = peers_read(br, &peers, &npeers);
	if (!err) {
		rows = calloc(np + 1, sizeof(*rows));
		if (!rows)
			err = -ENOMEM;
	}
	for (i = 0; !err && i < np; i++) {
		struct xbr_uplink_row *r = &rows[k];

		if (ports[i].kind != XBR_KIND_UPLINK)
			continue;
		r->port = ports[i];
		if (ports[i].underlay) {
			struct xbr_link l;

			if (nl_link_get_index(&br->nl, (int)ports[i].underlay, &l) == 0)
				snprintf(r->dev, sizeof(r->dev), "%s", l.ifname);
		}
		r->peers = calloc(npeers + 1, sizeof(*r->peers));
		if (!r->peers) {
			err = -ENOMEM;
			break;
		}
		for (j = 0; j < npeers; j++)
			if (peers[j].ifindex == ports[i].ifindex)
				r->peers[r->npeers++] = peers[j];
		k++;
	}
	free(ports);
	free(peers);
	if (err) {
		br_uplinks_free(rows, k);
		return err;
	}
	*out = rows;
	*nout = k;
	return 0;
}

void br_uplinks_free(struct xbr_uplink_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		free(rows[i].peers);
	free(rows);
}
