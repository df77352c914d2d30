// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * CNI ADD and DEL on an xbr bridge: the container's namespace becomes an
 * attached port (xbr makes the veth pair and bridges it), the IPAM result's
 * addresses and routes are set inside, and the result is what was done. ADD
 * undoes all of it, lease included, when a step fails; DEL succeeds when the
 * namespace, the port or the lease are gone already.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/if_addr.h>
#include "attach.h"
#include "attach_int.h"
#include "bridge.h"
#include "ipam.h"
#include "nat.h"

int ns_open_checked(const char *path, int *fd_out)
{
	struct stat st, self;
	struct statfs sf;
	int fd;

	if (!path || !*path)
		return cni_fail(CNI_ERR_ENV, "CNI_NETNS is not set");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return cni_fail(CNI_ERR_NO_CONTAINER, "network namespace %s does not exist",
					path);
		return cni_fail(CNI_ERR_ENV, "CNI_NETNS %s: cannot open: %s", path, strerror(errno));
	}
	if (fstatfs(fd, &sf) < 0 || sf.f_type != NSFS_MAGIC ||
	    ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
		close(fd);
		return cni_fail(CNI_ERR_ENV, "CNI_NETNS %s is not a network namespace", path);
	}
	/* The plugin's own namespace is the host's: never a container's. */
	if (fstat(fd, &st) == 0 && stat("/proc/self/ns/net", &self) == 0 &&
	    st.st_ino == self.st_ino && st.st_dev == self.st_dev) {
		close(fd);
		return cni_fail(CNI_ERR_ENV, "CNI_NETNS %s is the host's own network namespace", path);
	}
	*fd_out = fd;
	return 0;
}

int bridge_present(const char *name)
{
	char dir[128];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/%s", XBR_PIN_ROOT, name);
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int fail_errno(int err, const char *fmt, ...)
{
	int code = CNI_ERR_INTERNAL;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (err == -EAGAIN || err == -EBUSY || err == -EINTR)
		code = CNI_ERR_TRY_AGAIN;
	return cni_fail(code, "%s: %s", what, strerror(-err));
}

int port_owner(struct xbr_bridge *br, const struct xbr_port *p, struct xbr_port_meta *m)
{
	return br_port_meta(br, p->ifindex, m);
}

/* ---- ADD ---- */

/* The first IPv4 address of @r, or NULL. */
static const struct cni_ip *first_ip4(const struct cni_result *r)
{
	size_t i;

	for (i = 0; i < r->nips; i++)
		if (r->ips[i].family == AF_INET)
			return &r->ips[i];
	return NULL;
}

/* Subnet and gateway of the bridge, from the IPAM's IPv4 address. */
static void ipam_subnet(const struct cni_ip *ip, uint32_t *addr, uint32_t *subnet, uint32_t *gw)
{
	memcpy(addr, ip->addr, 4);
	*subnet = *addr & xbr_plen_mask(ip->plen);
	if (ip->has_gw)
		memcpy(gw, ip->gw, 4);
	else /* as the bridge plugin: the subnet's first address */
		*gw = htonl(ntohl(*subnet) + 1);
}

/* Open the bridge, creating it from the IPAM subnet when it is not up.
 * *created tells whether this call made it (it is removed on failure). */
static int bridge_get(struct xbr_bridge *br, const struct cni_conf *c, const struct cni_ip *ip,
		      int *created)
{
	const struct xbr_config *cfg = br_config(br);
	uint32_t addr, subnet, gw;
	char a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	int err;

	*created = 0;
	ipam_subnet(ip, &addr, &subnet, &gw);
	if (!br_is_up(br)) {
		struct xbr_up_opts o = {
			.subnet = subnet, .plen = ip->plen, .gateway = gw,
			.ageing_sec = XBR_AGEING_DEFAULT_SEC, .fdb_size = XBR_FDB_DEFAULT_SIZE,
			.no_icc = !c->icc,
			/* CNI's ipMasq (refused when true): no masquerade. */
			.nat = XBR_NAT_OFF,
		};

		if (ip->plen < 8 || ip->plen > 30)
			return cni_fail(CNI_ERR_CONFIG,
					"network \"%s\": the IPAM prefix /%u cannot make bridge \"%s\" (8..30)",
					c->name, ip->plen, c->bridge);
		if (c->mode[0]) {
			int mode, is_auto;

			br_mode_parse(c->mode, &mode, &is_auto);
			o.mode = (uint8_t)mode;
		}
		err = br_up(br, &o);
		if (err < 0)
			return fail_errno(err, "network \"%s\": cannot create bridge \"%s\"", c->name,
					  c->bridge);
		*created = 1;
		return 0;
	}
	err = br_open(br);
	if (err)
		return fail_errno(err, "network \"%s\": cannot open bridge \"%s\"", c->name,
				  c->bridge);
	cni_fmt_addr(AF_INET, ip->addr, a);
	cni_fmt_addr(AF_INET, (const uint8_t *)&cfg->gateway, g);
	if (!xbr_in_subnet(addr, cfg->subnet, cfg->plen))
		return cni_fail(CNI_ERR_CONFIG,
				"network \"%s\": IPAM address %s is outside bridge \"%s\"'s subnet (gateway %s/%u)",
				c->name, a, c->bridge, g, cfg->plen);
	if (ip->has_gw && memcmp(ip->gw, &cfg->gateway, 4)) {
		cni_fmt_addr(AF_INET, ip->gw, a);
		return cni_fail(CNI_ERR_CONFIG,
				"network \"%s\": IPAM gateway %s is not bridge \"%s\"'s gateway %s",
				c->name, a, c->bridge, g);
	}
	if (!c->icc && !(cfg->flags & XBR_CFG_F_NO_ICC))
		return cni_fail(CNI_ERR_CONFIG,
				"network \"%s\" asks \"icc\": false but bridge \"%s\" lets ports talk (xbr -b %s set icc off)",
				c->name, c->bridge, c->bridge);
	return 0;
}

/* The gateway of @family among the result's addresses, or NULL. */
static const uint8_t *family_gw(const struct cni_result *r, int family)
{
	size_t i;

	for (i = 0; i < r->nips; i++)
		if (r->ips[i].family == family && r->ips[i].has_gw)
			return r->ips[i].gw;
	return NULL;
}

/*
 * With IPv6, wait (as the bridge plugin does) until no address of the
 * interface is tentative any more: until its link-local address has passed
 * duplicate address detection the container cannot resolve its neighbours,
 * and a runtime starts the workload as soon as ADD returns. At most 10 s.
 */
static int ipv6_settle(struct xbr_nl *nl, int ifindex, const struct cni_result *r)
{
	int tries, has6 = 0;
	size_t i;

	for (i = 0; i < r->nips; i++)
		has6 |= r->ips[i].family == AF_INET6;
	if (!has6)
		return 0;
	for (tries = 0; tries < 200; tries++) {
		struct xbr_addr *a;
		size_t n, k;
		int tentative = 0, err = nl_addr_dump(nl, AF_INET6, ifindex, &a, &n);

		if (err)
			return err;
		for (k = 0; k < n; k++)
			tentative |= !!(a[k].flags & IFA_F_TENTATIVE);
		free(a);
		if (!tentative)
			return 0;
		usleep(50 * 1000);
	}
	return -ETIMEDOUT;
}

/* Addresses, routes and MTU inside the namespace, on interface @ifname. */
static int ns_apply(int nsfd, const char *ifname, const struct cni_conf *c, struct cni_result *r,
		    struct xbr_link *in)
{
	struct xbr_nl nl;
	size_t i;
	int err, has_default4 = 0;
	const char *step = "find the interface";

	err = nl_open_netns(&nl, nsfd);
	if (err)
		return fail_errno(err, "container interface %s: cannot open rtnetlink", ifname);
	err = nl_link_get(&nl, ifname, in);
	if (!err && c->mtu) {
		step = "set the MTU";
		err = nl_link_set_mtu(&nl, in->ifindex, c->mtu);
	}
	for (i = 0; !err && i < r->nips; i++) {
		const struct cni_ip *ip = &r->ips[i];

		step = "add an address";
		if (ip->family == AF_INET)
			err = nl_addr_add(&nl, in->ifindex, *(const uint32_t *)ip->addr, ip->plen);
		else
			err = nl_addr6_add(&nl, in->ifindex, ip->addr, ip->plen);
		if (err == -EEXIST)
			err = 0;
	}
	for (i = 0; i < r->nroutes; i++)
		if (r->routes[i].family == AF_INET && r->routes[i].dst_len == 0)
			has_default4 = 1;
	if (c->is_default_gw && !has_default4 && family_gw(r, AF_INET) &&
	    r->nroutes < CNI_MAX_ROUTES) {
		struct cni_route *rt = &r->routes[r->nroutes++];

		memset(rt, 0, sizeof(*rt));
		rt->family = AF_INET;
		rt->has_gw = 1;
		memcpy(rt->gw, family_gw(r, AF_INET), 4);
	}
	for (i = 0; !err && i < r->nroutes; i++) {
		const struct cni_route *rt = &r->routes[i];
		const uint8_t *gw = rt->has_gw ? rt->gw : family_gw(r, rt->family);

		step = "add a route";
		err = nl_route_add(&nl, in->ifindex, rt->family, rt->dst, rt->dst_len, gw);
		if (err == -EEXIST)
			err = 0;
	}
	if (!err) {
		step = "wait for IPv6 duplicate address detection";
		err = ipv6_settle(&nl, in->ifindex, r);
	}
	if (!err) /* again: the MAC and MTU as they are now */
		err = nl_link_get(&nl, ifname, in);
	nl_close(&nl);
	if (err) /* with the kernel's own reason when it gave one */
		return cni_fail(err == -EAGAIN || err == -EBUSY ? CNI_ERR_TRY_AGAIN : CNI_ERR_INTERNAL,
				"container interface %s: cannot %s: %s", ifname, step,
				nl_strerror(&nl, err));
	return 0;
}

/*
 * IPv6 gateways of the IPAM result onto the bridge's gateway interface (the
 * one that holds the IPv4 gateway), so the containers' IPv6 routes lead
 * somewhere. They go with the interface at `xbr down`.
 */
static int gw6_ensure(struct xbr_bridge *br, const struct cni_result *r)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;
	int err;

	for (i = 0; i < r->nips; i++) {
		const struct cni_ip *ip = &r->ips[i];

		if (ip->family != AF_INET6 || !ip->has_gw)
			continue;
		err = br_gateway_addr6_add(br, ip->gw, ip->plen);
		if (err && err != -EEXIST)
			return cni_fail(CNI_ERR_INTERNAL, "bridge \"%s\": cannot add IPv6 gateway %s: %s",
					br_name(br), cni_fmt_addr(AF_INET6, ip->gw, a),
					br_strerror(br, err));
	}
	return 0;
}

/* interfaces: [0] the bridge's gateway interface, [1] the host-side port
 * (both filled here, under the lock), [2] the container's (result_inside). */
static void result_host(struct xbr_bridge *br, const struct xbr_port *p, struct cni_result *r)
{
	struct xbr_link l;

	memset(r->ifaces, 0, sizeof(r->ifaces));
	snprintf(r->ifaces[0].name, sizeof(r->ifaces[0].name), "%s", br_name(br));
	if (br_link_get(br, br_name(br), &l) == 0)
		xbr_format_mac(l.mac, r->ifaces[0].mac);
	snprintf(r->ifaces[1].name, sizeof(r->ifaces[1].name), "%s", p->ifname);
	if (br_link_get(br, p->ifname, &l) == 0)
		xbr_format_mac(l.mac, r->ifaces[1].mac);
	r->nifaces = 2;
}

/* The container's interface, and every address on it. */
static void result_inside(const struct xbr_link *in, const struct cni_conf *c,
			  const struct cni_env *e, struct cni_result *r)
{
	size_t i;

	snprintf(r->ifaces[2].name, sizeof(r->ifaces[2].name), "%s", e->ifname);
	xbr_format_mac(in->mac, r->ifaces[2].mac);
	snprintf(r->ifaces[2].sandbox, sizeof(r->ifaces[2].sandbox), "%s", e->netns);
	r->ifaces[2].mtu = in->mtu;
	r->nifaces = 3;
	for (i = 0; i < r->nips; i++)
		r->ips[i].iface = 2;
	if (c->dns) { /* the configuration's DNS wins over the IPAM's, as in bridge */
		json_decref(r->dns);
		r->dns = json_incref(c->dns);
	}
}

/* Is (cid, ifname) attached already? 1 yes, 0 no, -1 error. */
static int already_attached(const struct cni_conf *c, const char *name)
{
	struct xbr_bridge *br = NULL;
	struct xbr_port p;
	int yes = 0, err;

	if (!bridge_present(c->bridge))
		return 0;
	err = br_init(&br, c->bridge);
	if (!err && br_is_up(br) && br_open(br) == 0)
		yes = br_port_find(br, name, &p) == 0;
	br_close(br);
	if (err)
		return fail_errno(err, "bridge \"%s\": cannot lock %s", c->bridge, XBR_BPFFS);
	return yes;
}

/*
 * The part of ADD done under the bridge lock: the bridge (made if needed), the
 * port, its MTU and spoof-check, the IPv6 gateways, the host-side interfaces
 * of the result. Undone (under the same lock) when a step fails.
 */
/*
 * The names the bridge answers for the container besides its port's: its
 * name as the runtime gives it (CNI_ARGS K8S_POD_NAME, when a DNS label) and
 * runtimeConfig's aliases for this network (checked by conf.c).
 */
static void port_names(const struct cni_conf *c, const struct cni_env *e, const char *port,
		       struct xbr_ns_spec *spec)
{
	int i, k;

	if (e->podname[0] && !xbr_dns_label_problem(e->podname) && strcasecmp(e->podname, port))
		snprintf(spec->alias[spec->nalias++], sizeof(spec->alias[0]), "%s", e->podname);
	for (i = 0; i < c->naliases && spec->nalias < XBR_PORT_ALIASES; i++) {
		for (k = 0; k < spec->nalias; k++)
			if (!strcasecmp(spec->alias[k], c->aliases[i]))
				break;
		if (k == spec->nalias)
			snprintf(spec->alias[spec->nalias++], sizeof(spec->alias[0]), "%s",
				 c->aliases[i]);
	}
}

/*
 * The result's "dns" when neither the configuration nor the IPAM gave one
 * and the bridge answers names: its gateway, and its domain to search.
 */
static void result_dns(struct xbr_bridge *br, struct cni_result *r)
{
	const struct xbr_config *cfg = br_config(br);
	char gw[INET_ADDRSTRLEN], dom[16];
	json_t *d;

	if (r->dns || (cfg->flags & XBR_CFG_F_NO_DNS))
		return;
	inet_ntop(AF_INET, &cfg->gateway, gw, sizeof(gw));
	d = json_pack("{s:[s]}", "nameservers", gw);
	if (d && cfg->dns_domain_len) {
		snprintf(dom, sizeof(dom), "%.*s", (int)cfg->dns_domain_len, cfg->dns_domain);
		json_object_set_new(d, "search", json_pack("[s]", dom));
	}
	r->dns = d;
}

static int attach_locked(const struct cni_conf *c, const struct cni_env *e, const char *name,
			 const struct cni_ip *ip4, struct cni_result *out, int *created)
{
	struct xbr_ns_spec spec = { .kind = XBR_KIND_ATTACHED, .no_config = 1, .has_addr = 1 };
	struct xbr_bridge *br = NULL;
	struct xbr_port p;
	int added = 0, err;

	*created = 0;
	err = br_init(&br, c->bridge);
	if (err) {
		fail_errno(err, "bridge \"%s\": cannot lock %s", c->bridge, XBR_BPFFS);
		goto out;
	}
	if (bridge_get(br, c, ip4, created))
		goto undo;
	snprintf(spec.name, sizeof(spec.name), "%s", name);
	snprintf(spec.nspath, sizeof(spec.nspath), "%s", e->netns);
	snprintf(spec.ifname_in, sizeof(spec.ifname_in), "%s", e->ifname);
	snprintf(spec.owner, sizeof(spec.owner), "%s", e->cid);
	port_names(c, e, name, &spec);
	memcpy(&spec.addr, ip4->addr, 4);
	spec.plen = ip4->plen;
	err = br_port_add(br, &spec);
	if (err == -EADDRINUSE || err == -EINVAL) {
		/* The IPAM address clashes with the bridge (another port's, the
		 * gateway's, ...): the network's configuration, details say how. */
		cni_fail(CNI_ERR_CONFIG, "container %s: bridge \"%s\" refuses its IPAM address: %s",
			 e->cid, c->bridge, strerror(-err));
		goto undo;
	}
	if (err) {
		fail_errno(err, "container %s: cannot attach to bridge \"%s\"", e->cid, c->bridge);
		goto undo;
	}
	added = 1;
	err = br_port_find(br, name, &p);
	if (err) {
		fail_errno(err, "container %s: port %s not found after adding it", e->cid, name);
		goto undo;
	}
	if (c->mtu) {
		err = br_link_set_mtu(br, (int)p.ifindex, c->mtu);
		if (err) {
			cni_fail(CNI_ERR_INTERNAL, "port %s: cannot set MTU %u: %s", p.ifname, c->mtu,
				 br_strerror(br, err));
			goto undo;
		}
	}
	if (c->spoofchk) {
		p.flags |= XBR_PORT_F_SPOOFCHK;
		err = br_port_update(br, &p);
		if (err) {
			fail_errno(err, "port %s: cannot turn spoof-check on", p.ifname);
			goto undo;
		}
	}
	if (gw6_ensure(br, out))
		goto undo;
	result_dns(br, out);
	result_host(br, &p, out);
	br_close(br);
	return 0;
undo:
	if (added)
		br_port_del(br, name);
	if (*created)
		br_down(br);
	*created = 0;
out:
	br_close(br);
	return -1;
}

/* Undo attach_locked() after a later step failed: the port, and the bridge
 * when this ADD made it and no other container came onto it meanwhile. */
static void detach(const struct cni_conf *c, const char *name, int created)
{
	struct xbr_bridge *br = NULL;
	struct xbr_port *v = NULL;
	size_t n = 0;

	if (br_init(&br, c->bridge) == 0 && br_open(br) == 0) {
		br_port_del(br, name);
		if (created && br_ports(br, &v, &n) == 0 && n <= 1) /* the gateway's only */
			br_down(br);
		free(v);
	}
	br_close(br);
}

int cni_add(const struct cni_conf *c, const struct cni_env *e, struct cni_result *out)
{
	const struct cni_ip *ip4;
	struct xbr_link in;
	int nsfd = -1, created = 0, err, ret = -1;
	char name[16];

	if (ns_open_checked(e->netns, &nsfd))
		return -1;
	cni_port_name(e->cid, e->ifname, name);
	err = already_attached(c, name);
	if (err) {
		close(nsfd);
		return err < 0 ? -1 :
				 cni_fail(CNI_ERR_CONFIG,
					  "container %s interface %s is attached to bridge \"%s\" already",
					  e->cid, e->ifname, c->bridge);
	}
	if (ipam_exec(c, e->conf, e->conflen, "ADD", NULL, NULL, out, NULL)) {
		close(nsfd);
		return -1;
	}
	ip4 = first_ip4(out);
	if (!ip4) {
		cni_fail(CNI_ERR_CONFIG,
			 "network \"%s\": IPAM plugin %s gave no IPv4 address (an xbr port needs one)",
			 c->name, c->ipam_type);
		goto release;
	}
	if (attach_locked(c, e, name, ip4, out, &created))
		goto release;
	/* Inside the container, without the lock: other ADDs go on meanwhile
	 * (IPv6 duplicate address detection alone takes a second). */
	if (ns_apply(nsfd, e->ifname, c, out, &in)) {
		detach(c, name, created);
		goto release;
	}
	result_inside(&in, c, e, out);
	ret = 0;
release:
	/* On failure the lease goes back; the first error stays the one reported. */
	if (ret)
		ipam_exec(c, e->conf, e->conflen, "DEL", NULL, NULL, NULL, NULL);
	close(nsfd);
	return ret;
}
/* ---- DEL ---- */

int cni_del(const struct cni_conf *c, const struct cni_env *e)
{
	struct xbr_bridge *br = NULL;
	struct xbr_port p;
	struct xbr_port_meta m;
	char name[16];
	int err, ret = 0;

	cni_port_name(e->cid, e->ifname, name);
	/* Nothing of the bridge is touched (not even bpffs mounted) when it is
	 * not there: DEL without ADD leaves the host as it was. */
	if (bridge_present(c->bridge)) {
		err = br_init(&br, c->bridge);
		if (!err && br_is_up(br)) {
			err = br_open(br);
			if (!err && br_port_find(br, name, &p) == 0) {
				/* A port of another owner under this name: a hash collision,
				 * never removed for this container. */
				if (port_owner(br, &p, &m) == 0 && m.owner[0] &&
				    strcmp(m.owner, e->cid)) {
					ret = cni_fail(CNI_ERR_INTERNAL,
						       "port %s belongs to container %s, not %s",
						       name, m.owner, e->cid);
				} else {
					err = br_port_del(br, name);
				}
			}
		}
		br_close(br);
		if (err && err != -ENOENT)
			ret = fail_errno(err, "container %s: cannot detach from bridge \"%s\"", e->cid,
					 c->bridge);
	}
	/* The lease, also when the port was gone already. */
	if (ipam_exec(c, e->conf, e->conflen, "DEL", NULL, NULL, NULL, NULL))
		ret = -1;
	return ret;
}
