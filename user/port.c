// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The life of a port, for every kind: the kinds table, names and aliases,
 * adding (crash journal, the kind's links, datapath, records), removing, and
 * cleaning up after interrupted commands. A new kind is a file with a
 * struct port_kind and a line in kinds[] below.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "datapath.h"
#include "log.h"
#include "names.h"
#include "netns.h"
#include "port.h"

/* The single objects of the undo journal (journal.h): torn down only. */
static void netns_teardown(struct xbr_bridge *br, const char *name, const char *ifname)
{
	(void)br;
	(void)ifname;
	netns_delete(name);
}

static void link_teardown(struct xbr_bridge *br, const char *name, const char *ifname)
{
	(void)name;
	nl_link_del_name(&br->nl, ifname);
}

static void intent_teardown(struct xbr_bridge *br, const char *name, const char *ifname)
{
	(void)ifname;
	intent_del(br, name);
}

static const struct port_kind undo_netns = { .name = "namespace", .teardown = netns_teardown };
static const struct port_kind undo_link = { .name = "link", .teardown = link_teardown };
static const struct port_kind undo_intent = { .name = "intent", .teardown = intent_teardown };

/*
 * Everything xbr makes, by kind (journal.h): the port kinds, which are also
 * made here (port_kind_of()), then the undo journal's single objects (from
 * 0x100: the slots between are empty). The one table every teardown goes
 * through (xbr_teardown()): undo, port del, down and the crash-journal
 * cleanup.
 */
static const struct port_kind *const kinds[UNDO__MAX] = {
	[XBR_KIND_STATION] = &port_station,
	[XBR_KIND_GATEWAY] = &port_gateway,
	[XBR_KIND_ATTACHED] = &port_attached,
	[XBR_KIND_UPLINK] = &port_uplink,
	[XBR_KIND_DOCKER] = &port_docker,
	[UNDO_NETNS] = &undo_netns,
	[UNDO_LINK] = &undo_link,
	[UNDO_INTENT] = &undo_intent,
};

const struct port_kind *port_kind_of(unsigned int kind)
{
	return kind < XBR_KIND__MAX ? kinds[kind] : NULL;
}

static const char *const kind_names[XBR_KIND__MAX] = {
	[XBR_KIND_STATION] = "station",
	[XBR_KIND_GATEWAY] = "gateway",
	[XBR_KIND_ATTACHED] = "attached",
	[XBR_KIND_UPLINK] = "uplink",
	[XBR_KIND_DOCKER] = "docker",
};

const char *port_kind_name(unsigned int kind)
{
	return kind < XBR_KIND__MAX && kind_names[kind] ? kind_names[kind] : "unknown";
}

const char *xbr_kind_name(unsigned int kind)
{
	return kind < UNDO__MAX && kinds[kind] ? kinds[kind]->name : "unknown";
}

void xbr_teardown(struct xbr_bridge *br, unsigned int kind, const char *name, const char *ifname)
{
	const struct port_kind *k = kind < UNDO__MAX ? kinds[kind] : NULL;

	(k ? k->teardown : link_teardown)(br, name, ifname);
}

void xbr_station_mac(uint32_t addr, uint8_t mac[6])
{
	mac[0] = 0x0a;
	mac[1] = 0x58;
	memcpy(mac + 2, &addr, 4);
}

void port_host_ifname(const struct xbr_bridge *br, unsigned int kind, const char *name, char *buf)
{
	xbr_port_ifname(br->name, kind == XBR_KIND_GATEWAY ? XBR_GW_PORT_SUFFIX : name, buf);
}

void port_alias(const struct xbr_bridge *br, unsigned int kind, const char *name, char *buf,
		size_t len)
{
	if (kind == XBR_KIND_STATION)
		snprintf(buf, len, "xbr:%s:%s", br->name, name);
	else if (kind == XBR_KIND_GATEWAY)
		snprintf(buf, len, "xbr:%s:gateway", br->name);
	else
		snprintf(buf, len, "xbr:%s:%s:%s", br->name, port_kind_name(kind), name);
}

int port_alias_parse(const struct xbr_bridge *br, const char *alias, unsigned int *kind,
		     char name[XBR_NSNAMSIZ])
{
	size_t bl = strlen(br->name);
	const char *rest, *colon;
	unsigned int k;

	if (strncmp(alias, "xbr:", 4) || strncmp(alias + 4, br->name, bl) || alias[4 + bl] != ':')
		return -1;
	rest = alias + 5 + bl;
	colon = strchr(rest, ':');
	name[0] = '\0';
	if (!colon) { /* names have no ':' (xbr_check_name) */
		if (!strcmp(rest, "gateway")) {
			*kind = XBR_KIND_GATEWAY;
			return 0;
		}
		*kind = XBR_KIND_STATION;
		snprintf(name, XBR_NSNAMSIZ, "%s", rest);
		return 0;
	}
	for (k = 0; k < XBR_KIND__MAX; k++) {
		if (kind_names[k] && strlen(kind_names[k]) == (size_t)(colon - rest) &&
		    !strncmp(rest, kind_names[k], (size_t)(colon - rest))) {
			*kind = k;
			snprintf(name, XBR_NSNAMSIZ, "%s", colon + 1);
			return 0;
		}
	}
	return -1;
}

const char *port_noun(unsigned int kind)
{
	return kind == XBR_KIND_STATION ? "namespace" : "port";
}

int port_configure_inside(struct xbr_bridge *br, int nsfd, const char *ifname,
			  const struct xbr_ns_spec *spec, int lo_up)
{
	struct xbr_nl nsnl;
	struct xbr_link in;
	const char *step = "open rtnetlink inside";
	int err;

	/* The receiving end stays in the host (a docker port's, until Docker
	 * moves it and brings it up itself): nothing to do. */
	if (nsfd < 0)
		return spec->no_config ? 0 : -EINVAL;
	err = nl_open_netns(&nsnl, nsfd);
	if (err) {
		pr_warn("%s \"%s\": cannot %s: %s", port_noun(spec->kind), spec->name, step,
			strerror(-err));
		return err;
	}
	step = "bring lo up";
	if (lo_up) /* the loopback is ifindex 1 in every namespace (LOOPBACK_IFINDEX) */
		err = nl_link_set_up(&nsnl, 1);
	if (!err) {
		step = "bring the inside interface up";
		err = nl_link_get(&nsnl, ifname, &in);
		if (!err)
			err = nl_link_set_up(&nsnl, in.ifindex);
	}
	if (!err && !spec->no_config) {
		step = "add the address";
		err = xbr_fault("port-addr");
		if (!err)
			err = nl_addr_add(&nsnl, in.ifindex, spec->addr, spec->plen);
		if (!err) {
			step = "add the default route";
			err = xbr_fault("port-route");
		}
		if (!err)
			err = nl_route_add_default(&nsnl, in.ifindex, br->cfg.gateway);
		if (!err && br->cfg.plen6) {
			uint8_t a6[16], gw6[16];

			xbr_station_addr6(br->cfg.subnet6, br->cfg.plen6, spec->addr, a6);
			if (spec->has_addr6)
				memcpy(a6, spec->addr6, 16);
			xbr_gateway_addr6(&br->cfg, gw6);
			step = "add the IPv6 address";
			err = nl_addr6_add(&nsnl, in.ifindex, a6, br->cfg.plen6);
			if (!err) {
				step = "add the IPv6 default route";
				err = nl_route6_add_default(&nsnl, in.ifindex, gw6);
			}
		}
	}
	if (err)
		pr_warn("%s \"%s\": cannot configure %s inside: %s: %s", port_noun(spec->kind),
			spec->name, ifname, step, nl_strerror(&nsnl, err));
	nl_close(&nsnl);
	return err;
}

/* MTU @mtu on host-side end @ifindex and on receiving end @rx_ifname in
 * namespace @nsfd (-1: the host). */
static int mtu_set_ends(struct xbr_bridge *br, uint32_t ifindex, int nsfd, const char *rx_ifname,
			unsigned int mtu, const char **step)
{
	struct xbr_nl nsnl, *nl = &br->nl;
	struct xbr_link l;
	int err;

	*step = "set the MTU of the host-side end";
	err = nl_link_set_mtu(&br->nl, (int)ifindex, mtu);
	if (err)
		return err;
	*step = "set the MTU inside";
	if (nsfd >= 0) {
		err = nl_open_netns(&nsnl, nsfd);
		if (err)
			return err;
		nl = &nsnl;
	}
	err = nl_link_get(nl, rx_ifname, &l);
	if (!err)
		err = nl_link_set_mtu(nl, l.ifindex, mtu);
	if (nl != &br->nl)
		nl_close(nl);
	return err;
}

int port_set_mtu(struct xbr_bridge *br, const struct xbr_port *p, unsigned int mtu)
{
	char ifname[XBR_IFNAMSIZ];
	const char *step = "open its namespace";
	int nsfd = -1, err;

	err = port_rx_open(br, p, &nsfd, ifname);
	if (!err)
		err = mtu_set_ends(br, p->ifindex, nsfd, ifname, mtu, &step);
	if (nsfd >= 0)
		close(nsfd);
	if (err)
		pr_warn("port \"%s\": cannot %s to %u: %s", p->kind == XBR_KIND_GATEWAY ? "gateway" : p->name, step,
			mtu, strerror(-err));
	return err;
}

int port_veth_make(struct xbr_bridge *br, const struct xbr_ns_spec *s, struct xbr_port *p,
		   int nsfd, const char *in, int lo_up, struct journal *j)
{
	char alias[64];
	const char *step;
	int err, ifindex = 0;

	/* The host end is made up, its ifindex echoed back: nothing answers on
	 * it until the datapath is attached (no address, nobody's port yet). */
	step = "create the veth pair";
	err = xbr_fault("port-veth");
	if (!err)
		err = nl_veth_add_up(&br->nl, p->ifname, in, nsfd, p->mac, &ifindex);
	if (err)
		goto fail;
	err = journal_add(j, UNDO_LINK, NULL, p->ifname); /* its peer inside goes with it */
	if (err) {
		xbr_teardown(br, UNDO_LINK, NULL, p->ifname);
		pr_warn("%s \"%s\": cannot journal the veth pair %s: %s", port_noun(s->kind),
			s->name, p->ifname, strerror(-err));
		return err;
	}

	step = "set up the host-side veth";
	port_alias(br, s->kind, s->name, alias, sizeof(alias));
	err = nl_link_set_alias(&br->nl, ifindex, alias);
	if (err)
		goto fail;
	p->ifindex = (uint32_t)ifindex;

	err = port_configure_inside(br, nsfd, in, s, lo_up);
	if (err)
		return err;
	p->flags |= XBR_PORT_F_PEER; /* its peer is in another namespace */
	return 0;
fail:
	pr_warn("%s \"%s\": cannot %s: %s", port_noun(s->kind), s->name, step,
		nl_strerror(&br->nl, err));
	return err;
}

/* ---- addresses ---- */

int port_spec_resolve(struct xbr_bridge *br, struct xbr_ns_spec *s, const uint32_t *used,
		      size_t nused)
{
	char abuf[INET_ADDRSTRLEN];
	size_t i;
	int code;

	if (!s->has_addr) {
		if (xbr_alloc_addr(br->cfg.subnet, br->cfg.plen, br->cfg.gateway, used, nused,
				   &s->addr)) {
			pr_warn("port \"%s\": no free address left in the bridge subnet", s->name);
			return -ENOSPC;
		}
		s->plen = br->cfg.plen;
		s->has_addr = 1;
		return 0;
	}
	inet_ntop(AF_INET, &s->addr, abuf, sizeof(abuf));
	code = xbr_check_station_addr(s->addr, s->plen, br->cfg.subnet, br->cfg.plen,
				      br->cfg.gateway);
	if (code) {
		pr_warn("%s \"%s\": address %s/%u %s",
			s->kind == XBR_KIND_STATION ? "namespace" : "port", s->name, abuf, s->plen,
			xbr_addr_strerror(code));
		return -EINVAL;
	}
	for (i = 0; i < nused; i++) {
		if (used[i] == s->addr) {
			pr_warn("%s \"%s\": address %s is already in use on bridge \"%s\"",
				s->kind == XBR_KIND_STATION ? "namespace" : "port", s->name, abuf,
				br->name);
			return -EADDRINUSE;
		}
	}
	return 0;
}

/* ---- adding and removing ---- */

/* Checks every kind shares: the host-side name is not the gateway's. */
/*
 * A name whose port is gone (a command killed between writing the name and
 * recording the port, before the crash journal's clean-up knew of it): not
 * a clash. Removed; 1. A name of a live port: 0.
 */
static int names_stale(struct xbr_bridge *br, int fd, const struct xbr_name_key *k,
		       const struct xbr_name_val *v)
{
	struct xbr_port p;

	if (br->map[XBR_M_PORTS] < 0 ||
	    bpf_map_lookup_elem(br->map[XBR_M_PORTS], &v->ifindex, &p) == 0)
		return 0;
	bpf_map_delete_elem(fd, k);
	return 1;
}

/*
 * The port's names (its own, when a DNS label, and its aliases): each a
 * label, none taken on the bridge (names.c), no alias given twice.
 */
static int names_precheck(struct xbr_bridge *br, const struct xbr_ns_spec *s)
{
	struct xbr_name_key k;
	struct xbr_name_val v;
	int fd = br->map[XBR_M_NAMES];
	unsigned int i, j;

	if (s->kind != XBR_KIND_STATION && s->kind != XBR_KIND_ATTACHED) {
		if (s->nalias) {
			pr_warn("port \"%s\": names are for stations and attached ports", s->name);
			return -EINVAL;
		}
		return 0;
	}
	if (fd >= 0 && names_key(s->name, &k) == 0 && bpf_map_lookup_elem(fd, &k, &v) == 0 &&
	    !names_stale(br, fd, &k, &v)) {
		pr_warn("port \"%s\": its name is already a name on bridge \"%s\" (another port's alias); names are unique per bridge",
			s->name, br->name);
		return -EEXIST;
	}
	for (i = 0; i < s->nalias; i++) {
		const char *why = names_label_problem(s->alias[i]);

		if (why) {
			pr_warn("port \"%s\": name \"%s\": %s", s->name, s->alias[i], why);
			return -EINVAL;
		}
		names_key(s->alias[i], &k);
		for (j = 0; j < i; j++)
			if (!strcasecmp(s->alias[j], s->alias[i])) {
				pr_warn("port \"%s\": name \"%s\" is given twice", s->name,
					s->alias[i]);
				return -EINVAL;
			}
		if (!strcasecmp(s->alias[i], s->name))
			continue; /* its own name anyway */
		if (fd >= 0 && bpf_map_lookup_elem(fd, &k, &v) == 0 && !names_stale(br, fd, &k, &v)) {
			pr_warn("port \"%s\": name \"%s\" is already a name on bridge \"%s\"; names are unique per bridge",
				s->name, s->alias[i], br->name);
			return -EEXIST;
		}
	}
	return 0;
}

static int common_precheck(struct xbr_bridge *br, const struct xbr_ns_spec *s, const char *ifname)
{
	char gw[XBR_IFNAMSIZ];
	struct xbr_link l;

	if (s->kind == XBR_KIND_GATEWAY)
		return 0;
	port_host_ifname(br, XBR_KIND_GATEWAY, "", gw);
	if (!strcmp(ifname, gw) || !strcmp(ifname, br->name)) {
		pr_warn("port \"%s\": its interface name %s is reserved for the gateway of bridge \"%s\"",
			s->name, ifname, br->name);
		return -EINVAL;
	}
	if (nl_link_get(&br->nl, ifname, &l) == 0) {
		pr_warn("port \"%s\": interface %s already exists", s->name, ifname);
		return -EEXIST;
	}
	return names_precheck(br, s);
}

int port_make(struct xbr_bridge *br, const struct xbr_ns_spec *spec, struct port_made *pm)
{
	const struct port_kind *k = port_kind_of(spec->kind);
	struct xbr_port *p = &pm->p;
	struct xbr_intent in;
	char ifname[XBR_IFNAMSIZ];
	const char *step;
	int nsfd = -1, err;

	memset(pm, 0, sizeof(*pm));
	if (!k) {
		pr_warn("port \"%s\": kind %u is not known to this xbr", spec->name, spec->kind);
		return -EINVAL;
	}
	port_host_ifname(br, spec->kind, spec->name, ifname);
	/* What an interrupted command left under this name goes first. */
	if (intent_get(br, spec->kind == XBR_KIND_GATEWAY ? "" : spec->name, &in) &&
	    spec->kind != XBR_KIND_GATEWAY) {
		pr_info("port \"%s\": removing what an interrupted command left", spec->name);
		xbr_teardown(br, in.kind, spec->name, in.ifname);
		intent_del(br, spec->name);
	}
	err = common_precheck(br, spec, ifname);
	if (!err && k->precheck)
		err = k->precheck(br, spec, ifname);
	if (err)
		return err;

	step = "journal";
	err = intent_add(br, spec->kind == XBR_KIND_GATEWAY ? "" : spec->name, ifname, spec->kind);
	if (err)
		goto fail;
	if (spec->kind != XBR_KIND_GATEWAY) { /* the gateway's marks `up` in progress */
		err = journal_add(&pm->j, UNDO_INTENT, spec->name, NULL); /* undone last */
		if (err) {
			xbr_teardown(br, UNDO_INTENT, spec->name, NULL);
			goto fail;
		}
	}

	p->kind = spec->kind;
	p->addr = spec->addr;
	p->plen = spec->plen;
	p->flags = XBR_PORT_F_DEFAULT;
	snprintf(p->name, sizeof(p->name), "%s", spec->name);
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	err = k->create(br, spec, p, &pm->m, &pm->j, &nsfd);
	if (err)
		goto undo; /* the kind said what failed */

	/* A bridge with an uplink gives its ports the tunnel's MTU. */
	if (spec->mtu && spec->kind != XBR_KIND_UPLINK) {
		err = mtu_set_ends(br, p->ifindex, nsfd, pm->m.ifname_in, spec->mtu, &step);
		if (err)
			goto fail;
	}

	step = "attach the datapath";
	err = xbr_fault("port-attach");
	if (!err)
		err = dp_port_attach(br, (int)p->ifindex, nsfd, pm->m.ifname_in);
	if (err)
		goto fail;
	if (nsfd >= 0)
		close(nsfd);
	return 0;

fail:
	port_add_failed(br, spec, step, err);
undo:
	if (nsfd >= 0)
		close(nsfd);
	journal_undo(br, &pm->j);
	return err;
}

void port_add_failed(struct xbr_bridge *br, const struct xbr_ns_spec *spec, const char *step,
		     int err)
{
	if (spec->kind == XBR_KIND_GATEWAY)
		pr_warn("bridge \"%s\": cannot %s for the gateway: %s", br->name, step,
			strerror(-err));
	else
		pr_warn("port \"%s\": cannot %s: %s", spec->name, step, strerror(-err));
}

int port_commit(struct xbr_bridge *br, const struct xbr_ns_spec *spec, struct port_made *pm)
{
	struct xbr_port *p = &pm->p;
	int err;

	if ((br->cfg.flags & XBR_CFG_F_NO_ICC) && p->kind != XBR_KIND_GATEWAY)
		p->flags |= XBR_PORT_F_ISOLATED;
	/* Not on an uplink: its stations' answers come from their own hosts. */
	if ((br->cfg.flags & XBR_CFG_F_NEIGH_SUPPRESS) && p->kind != XBR_KIND_UPLINK)
		p->flags |= XBR_PORT_F_NEIGH_SUPPRESS;
	if (spec->nalias)
		p->flags |= XBR_PORT_F_ALIASED;
	err = xbr_fault("port-record");
	if (!err)
		err = port_record_add(br, p, &pm->m);
	if (!err && spec->nalias) { /* its other names (names_precheck() checked them) */
		unsigned int i;

		for (i = 0; i < spec->nalias && !err; i++)
			err = names_add(br->map[XBR_M_NAMES], br->map[XBR_M_RNAMES], &br->cfg, br->name,
					p, spec->alias[i]);
		if (err)
			port_record_del(br, p->ifindex);
	}
	if (err) {
		port_add_failed(br, spec, "record the port", err);
		journal_undo(br, &pm->j);
		return err;
	}
	journal_forget(&pm->j); /* recorded: what was made stays */
	if (spec->kind != XBR_KIND_GATEWAY)
		intent_del(br, spec->name);
	pr_info("port %s: %s \"%s\"", p->ifname, port_kind_name(p->kind), p->name);
	return 0;
}

int port_add(struct xbr_bridge *br, const struct xbr_ns_spec *spec)
{
	struct port_made pm;
	int err = port_make(br, spec, &pm);

	return err ? err : port_commit(br, spec, &pm);
}

int port_del(struct xbr_bridge *br, const char *name)
{
	struct xbr_port p;
	int err;

	if (intent_get(br, name, NULL)) {
		/* Half-made by an interrupted `port add`: removing it is the job. */
		port_cleanup_intents(br, 1);
		if (port_find(br, name, &p) != 0)
			return 0;
	} else {
		port_cleanup_intents(br, 1);
	}
	err = port_find(br, name, &p);
	if (err) {
		pr_warn("port \"%s\" is not a port of bridge \"%s\"", name, br->name);
		return -ENOENT;
	}
	err = port_record_del(br, p.ifindex);
	xbr_teardown(br, p.kind, p.name, p.ifname);
	return err;
}

int port_cleanup_intents(struct xbr_bridge *br, int ports_only)
{
	struct xbr_intent_key k, next, *prev = NULL;
	struct xbr_intent v;
	struct xbr_link l;
	int cleaned = 0;
	__u32 ifi;

	if (br->map[XBR_M_INTENT] < 0)
		return 0;
	while (bpf_map_get_next_key(br->map[XBR_M_INTENT], prev, &next) == 0) {
		k = next;
		prev = &k;
		if (ports_only && !k.name[0])
			continue;
		if (bpf_map_lookup_elem(br->map[XBR_M_INTENT], &k, &v) < 0)
			continue;
		pr_info("cleaning up after an interrupted command: %s %s",
			k.name[0] ? k.name : "(gateway)", v.ifname);
		ifi = nl_link_get(&br->nl, v.ifname, &l) == 0 ? (__u32)l.ifindex : 0;
		if (ifi && br->map[XBR_M_PORTS] >= 0) {
			struct xbr_port p;

			if (bpf_map_lookup_elem(br->map[XBR_M_PORTS], &ifi, &p) == 0) {
				struct xbr_ctl_req c = { .op = XBR_OP_FLUSH, .ifindex = ifi,
							 .flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC };

				names_del(br->map[XBR_M_NAMES], br->map[XBR_M_RNAMES], &br->cfg, &p);
				bpf_map_delete_elem(br->map[XBR_M_PORTS], &ifi);
				port_index_drop(br); /* read again when next asked */
				bpf_map_delete_elem(br->map[XBR_M_PORT_META], &ifi);
				dp_port_forget(br, ifi);
				if (br->prog[XBR_P_CTL] >= 0)
					ctl_run(br->prog[XBR_P_CTL], &c);
			}
		}
		xbr_teardown(br, v.kind, k.name, v.ifname);
		cleaned++;
	}
	prev = NULL;
	while (bpf_map_get_next_key(br->map[XBR_M_INTENT], prev, &next) == 0) {
		k = next;
		if (ports_only && !k.name[0]) {
			prev = &k;
			continue;
		}
		bpf_map_delete_elem(br->map[XBR_M_INTENT], &k);
		prev = NULL;
	}
	if (cleaned && br->map[XBR_M_PORTS] >= 0 && br->map[XBR_M_FLOOD] >= 0 &&
	    br->map[XBR_M_CONFIG] >= 0)
		flood_rebuild(br);
	return cleaned;
}

int port_rx_open(struct xbr_bridge *br, const struct xbr_port *p, int *nsfd, char ifname[16])
{
	struct xbr_port_meta m;

	port_meta_get(br, p->ifindex, &m);
	if (p->kind == XBR_KIND_DOCKER)
		return port_docker_rx(br, p, &m, nsfd, ifname);
	*nsfd = -1;
	if (!m.ifname_in[0]) /* no meta: the gateway's end is the host interface */
		snprintf(m.ifname_in, sizeof(m.ifname_in), "%s",
			 p->kind == XBR_KIND_GATEWAY ? br->name : "eth0");
	snprintf(ifname, 16, "%s", m.ifname_in);
	if (!m.nspath[0])
		return 0;
	*nsfd = open(m.nspath, O_RDONLY | O_CLOEXEC);
	return *nsfd < 0 ? -errno : 0;
}
