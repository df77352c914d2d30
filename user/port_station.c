// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The station kind: a namespace and a veth pair, both made by xbr, as a
 * container runtime makes them. eth0 inside with the station's address, its
 * MAC derived from it (0a:58:<IPv4>), lo up, default routes via the gateway.
 * Removing a station removes its namespace (and with it its veth pair).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "log.h"
#include "netns.h"
#include "port.h"

static int station_precheck(struct xbr_bridge *br, const struct xbr_ns_spec *s, const char *ifname)
{
	(void)ifname;
	if (netns_exists(s->name)) {
		pr_warn("namespace \"%s\" already exists (not created by xbr for bridge \"%s\")",
			s->name, br->name);
		return -EEXIST;
	}
	return 0;
}

static int station_create(struct xbr_bridge *br, const struct xbr_ns_spec *s, struct xbr_port *p,
			  struct xbr_port_meta *m, struct journal *j, int *nsfd_out)
{
	char alias[64];
	const char *step;
	int nsfd, err, ifindex = 0;

	xbr_station_mac(s->addr, p->mac);
	step = "create the namespace";
	nsfd = netns_create(s->name);
	if (nsfd < 0) {
		err = nsfd;
		goto fail;
	}
	journal_add(j, UNDO_NETNS, s->name, 0);
	*nsfd_out = nsfd;

	/* The host end is made up: nothing answers on it until the datapath is
	 * attached (it has no address, and is nobody's port yet). */
	step = "create the veth pair";
	err = xbr_fault("port-veth");
	if (!err)
		err = nl_veth_add_up(&br->nl, p->ifname, "eth0", nsfd, p->mac, &ifindex);
	if (err)
		goto fail;
	journal_add(j, UNDO_LINK, p->ifname, 0);

	step = "set up the host-side veth";
	port_alias(br, XBR_KIND_STATION, s->name, alias, sizeof(alias));
	err = nl_link_set_alias(&br->nl, ifindex, alias);
	if (err)
		goto fail;
	p->ifindex = (uint32_t)ifindex;

	err = port_configure_inside(br, nsfd, "eth0", s, 1);
	if (err)
		return err;
	p->flags |= XBR_PORT_F_PEER;
	snprintf(m->nspath, sizeof(m->nspath), "%s/%s", XBR_NETNS_DIR, s->name);
	snprintf(m->ifname_in, sizeof(m->ifname_in), "eth0");
	return 0;
fail:
	pr_warn("namespace \"%s\": cannot %s: %s", s->name, step, nl_strerror(&br->nl, err));
	return err;
}

static void station_teardown(struct xbr_bridge *br, const char *name, const char *ifname)
{
	int err = nl_link_del_name(&br->nl, ifname);

	if (err && err != -ENODEV)
		pr_warn("interface %s: cannot delete: %s", ifname, nl_strerror(&br->nl, err));
	if (name && *name) {
		err = netns_delete(name);
		if (err)
			pr_warn("namespace \"%s\": cannot delete: %s", name, strerror(-err));
	}
}

const struct port_kind port_station = {
	.name = "station",
	.precheck = station_precheck,
	.create = station_create,
	.teardown = station_teardown,
};
