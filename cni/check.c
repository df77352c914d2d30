// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * CNI CHECK (the attachment is as the previous result says, and its port is
 * in the bridge and forwarding), GC (ports of vanished containers that no
 * runtime deleted) and STATUS (can ADD work at all).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "attach.h"
#include "attach_int.h"
#include "ipam.h"
#include "bridge.h"

/* ---- CHECK ---- */

/* Index of the interface @ifname in sandbox @netns in @r, or -1. */
static int result_iface(const struct cni_result *r, const char *ifname, const char *netns)
{
	size_t i;

	for (i = 0; i < r->nifaces; i++)
		if (!strcmp(r->ifaces[i].name, ifname) && !strcmp(r->ifaces[i].sandbox, netns))
			return (int)i;
	return -1;
}

static int check_inside(int nsfd, const struct cni_env *e, const struct cni_result *r, int k,
			struct xbr_link *in)
{
	struct xbr_addr *addrs = NULL;
	struct xbr_route *routes = NULL;
	size_t na = 0, nr = 0, i, j;
	char a[INET6_ADDRSTRLEN];
	struct xbr_nl nl;
	int err, ret = -1;
	uint8_t mac[6];

	err = nl_open_netns(&nl, nsfd);
	if (err)
		return fail_errno(err, "container interface %s: cannot open rtnetlink", e->ifname);
	err = nl_link_get(&nl, e->ifname, in);
	if (err) {
		cni_fail(CNI_ERR_INTERNAL, "container interface %s is missing in %s", e->ifname,
			 e->netns);
		goto out;
	}
	if (!(in->flags & IFF_UP)) {
		cni_fail(CNI_ERR_INTERNAL, "container interface %s is down", e->ifname);
		goto out;
	}
	if (r->ifaces[k].mac[0] &&
	    (xbr_parse_mac(r->ifaces[k].mac, mac) || memcmp(mac, in->mac, 6))) {
		cni_fail(CNI_ERR_INTERNAL, "container interface %s: MAC is not %s", e->ifname,
			 r->ifaces[k].mac);
		goto out;
	}
	err = nl_addr_dump(&nl, AF_UNSPEC, in->ifindex, &addrs, &na);
	if (!err)
		err = nl_route_dump(&nl, AF_UNSPEC, &routes, &nr);
	if (err) {
		fail_errno(err, "container interface %s: cannot read addresses and routes", e->ifname);
		goto out;
	}
	for (i = 0; i < r->nips; i++) {
		const struct cni_ip *ip = &r->ips[i];
		size_t alen = ip->family == AF_INET6 ? 16 : 4;

		if (ip->iface != k)
			continue;
		for (j = 0; j < na; j++)
			if (addrs[j].family == ip->family && addrs[j].plen == ip->plen &&
			    !memcmp(addrs[j].addr, ip->addr, alen))
				break;
		if (j == na) {
			cni_fail(CNI_ERR_INTERNAL, "container interface %s: address %s/%u is missing",
				 e->ifname, cni_fmt_addr(ip->family, ip->addr, a), ip->plen);
			goto out;
		}
	}
	for (i = 0; i < r->nroutes; i++) {
		const struct cni_route *rt = &r->routes[i];
		size_t alen = rt->family == AF_INET6 ? 16 : 4;

		for (j = 0; j < nr; j++)
			if (routes[j].family == rt->family && routes[j].dst_len == rt->dst_len &&
			    !memcmp(routes[j].dst, rt->dst, alen) && routes[j].oif == in->ifindex &&
			    (!rt->has_gw || (routes[j].has_gw && !memcmp(routes[j].gw, rt->gw, alen))))
				break;
		if (j == nr) {
			cni_fail(CNI_ERR_INTERNAL, "container interface %s: route to %s/%u is missing",
				 e->ifname, cni_fmt_addr(rt->family, rt->dst, a), rt->dst_len);
			goto out;
		}
	}
	ret = 0;
out:
	free(addrs);
	free(routes);
	nl_close(&nl);
	return ret;
}

/* The port is in the bridge, is this container's, is the veth peer of the
 * container's interface, is up, and has the bridge's tc program attached. */
static int check_port(const struct cni_conf *c, const struct cni_env *e, const struct xbr_link *in)
{
	struct xbr_bridge *br = NULL;
	struct xbr_port_meta m;
	struct xbr_link host;
	struct xbr_port p;
	char name[16];
	int err, ret = -1;

	cni_port_name(e->cid, e->ifname, name);
	if (!bridge_present(c->bridge))
		return cni_fail(CNI_ERR_INTERNAL, "bridge \"%s\" is not up", c->bridge);
	err = br_init(&br, c->bridge);
	if (!err)
		err = br_open(br);
	if (err) {
		fail_errno(err, "bridge \"%s\": cannot open", c->bridge);
		goto out;
	}
	if (br_port_find(br, name, &p)) {
		cni_fail(CNI_ERR_INTERNAL, "container %s interface %s is not a port of bridge \"%s\"",
			 e->cid, e->ifname, c->bridge);
		goto out;
	}
	if (port_owner(br, &p, &m) == 0 && strcmp(m.owner, e->cid)) {
		cni_fail(CNI_ERR_INTERNAL, "port %s belongs to container \"%s\", not %s", p.ifname,
			 m.owner, e->cid);
		goto out;
	}
	if (br_link_get(br, p.ifname, &host) || host.ifindex != (int)p.ifindex) {
		cni_fail(CNI_ERR_INTERNAL, "port %s of container %s is gone from the host", p.ifname,
			 e->cid);
		goto out;
	}
	if (in->link != host.ifindex || memcmp(p.mac, in->mac, 6)) {
		cni_fail(CNI_ERR_INTERNAL, "port %s is not the peer of container interface %s",
			 p.ifname, e->ifname);
		goto out;
	}
	if (!(host.flags & IFF_UP)) {
		cni_fail(CNI_ERR_INTERNAL, "port %s is down", p.ifname);
		goto out;
	}
	if (!br_port_forwarding(br, host.ifindex)) {
		cni_fail(CNI_ERR_INTERNAL, "port %s: the bridge's program is not attached (not forwarding)",
			 p.ifname);
		goto out;
	}
	ret = 0;
out:
	br_close(br);
	return ret;
}

int cni_check(const struct cni_conf *c, const struct cni_env *e)
{
	struct cni_result prev;
	struct xbr_link in;
	int nsfd = -1, k, ret = -1;

	if (c->vnum < 400)
		return cni_fail(CNI_ERR_VERSION, "cniVersion %s has no CHECK (0.4.0 and later have)",
				c->version);
	if (!c->prev)
		return cni_fail(CNI_ERR_CONFIG, "network \"%s\": CHECK needs prevResult", c->name);
	if (cni_result_parse(c->prev, "prevResult", &prev))
		return -1;
	k = result_iface(&prev, e->ifname, e->netns);
	if (k < 0) {
		cni_fail(CNI_ERR_CONFIG, "prevResult has no interface %s in sandbox %s", e->ifname,
			 e->netns);
		goto out;
	}
	if (ipam_exec(c, e->conf, e->conflen, "CHECK", NULL, NULL, NULL, NULL))
		goto out;
	if (ns_open_checked(e->netns, &nsfd))
		goto out;
	if (check_inside(nsfd, e, &prev, k, &in) || check_port(c, e, &in))
		goto out;
	ret = 0;
out:
	if (nsfd >= 0)
		close(nsfd);
	cni_result_free(&prev);
	return ret;
}

/* ---- GC ---- */

struct gone {
	char cid[80];
	char ifname[16];
};

/* Is port @name one of the valid attachments? */
static int is_valid(const json_t *valid, const char *name)
{
	json_t *a;
	size_t i;

	json_array_foreach(valid, i, a) {
		const char *cid = json_string_value(json_object_get(a, "containerID"));
		const char *ifn = json_string_value(json_object_get(a, "ifname"));
		char n[16];

		if (!cid || !ifn)
			continue;
		cni_port_name(cid, ifn, n);
		if (!strcmp(n, name))
			return 1;
	}
	return 0;
}

/* Remove the attached ports that are not valid and whose container is gone
 * (its namespace died and took the veth pair along): a live port is never
 * touched, it may be another network's on the same bridge. */
static int gc_ports(const struct cni_conf *c, struct gone **out, size_t *nout)
{
	struct xbr_bridge *br = NULL;
	struct xbr_port *v = NULL;
	struct gone *g = NULL;
	size_t n = 0, i, ng = 0;
	int err;

	*out = NULL;
	*nout = 0;
	if (!bridge_present(c->bridge))
		return 0;
	err = br_init(&br, c->bridge);
	if (!err)
		err = br_open(br);
	if (!err)
		err = br_ports(br, &v, &n);
	if (!err && n && !(g = calloc(n, sizeof(*g))))
		err = -ENOMEM;
	for (i = 0; !err && i < n; i++) {
		struct xbr_port_meta m = {};
		struct xbr_link l;

		if (v[i].kind != XBR_KIND_ATTACHED || is_valid(c->valid, v[i].name))
			continue;
		if (br_link_get(br, v[i].ifname, &l) == 0 && l.ifindex == (int)v[i].ifindex)
			continue;
		port_owner(br, &v[i], &m);
		if (br_port_del(br, v[i].name) == 0 && m.owner[0]) {
			snprintf(g[ng].cid, sizeof(g[ng].cid), "%s", m.owner);
			snprintf(g[ng].ifname, sizeof(g[ng].ifname), "%s", m.ifname_in);
			ng++;
		}
	}
	br_close(br);
	free(v);
	if (err) {
		free(g);
		return fail_errno(err, "bridge \"%s\": cannot collect stale ports", c->bridge);
	}
	*out = g;
	*nout = ng;
	return 0;
}

int cni_gc(const struct cni_conf *c, const struct cni_env *e)
{
	struct gone *g;
	size_t n, i;
	int ret;

	if (c->vnum < 10100)
		return cni_fail(CNI_ERR_VERSION, "cniVersion %s has no GC (1.1.0 and later have)",
				c->version);
	ret = gc_ports(c, &g, &n);
	/* Their leases: a DEL each, as the runtime would have sent. */
	for (i = 0; i < n; i++)
		if (ipam_exec(c, e->conf, e->conflen, "DEL", g[i].cid, g[i].ifname, NULL, NULL))
			ret = -1;
	free(g);
	/* And the IPAM plugin's own collection, when it knows GC. */
	if (ipam_supports(c, "1.1.0") &&
	    ipam_exec(c, e->conf, e->conflen, "GC", NULL, NULL, NULL, NULL))
		ret = -1;
	return ret;
}

/* ---- STATUS ---- */

int cni_status(const struct cni_conf *c, const struct cni_env *e)
{
	char path[PATH_MAX];

	if (c->vnum < 10100)
		return cni_fail(CNI_ERR_VERSION, "cniVersion %s has no STATUS (1.1.0 and later have)",
				c->version);
	if (geteuid() != 0)
		return cni_fail(CNI_ERR_UNAVAILABLE, "the xbr plugin must run as root");
	if (ipam_find(c->ipam_type, path, sizeof(path))) {
		cni_err.code = CNI_ERR_UNAVAILABLE;
		return -1;
	}
	if (ipam_supports(c, "1.1.0") &&
	    ipam_exec(c, e->conf, e->conflen, "STATUS", NULL, NULL, NULL, NULL))
		return -1;
	return 0;
}
