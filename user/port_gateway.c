// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The gateway kind: the host's side of the bridge. This kernel has no dummy
 * device (docs/design.md), so it is a veth pair: <bridge> holds the gateway
 * addresses in the host namespace, its peer <bridge>-gw is the bridge port.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "log.h"
#include "port.h"

static int gateway_create(struct xbr_bridge *br, const struct xbr_ns_spec *s, struct xbr_port *p,
			  struct xbr_port_meta *m, struct journal *j, int *nsfd_out)
{
	struct xbr_link host, port;
	char alias[64];
	const char *step;
	int err;

	*nsfd_out = -1;
	xbr_station_mac(br->cfg.gateway, p->mac);
	port_alias(br, XBR_KIND_GATEWAY, "", alias, sizeof(alias));

	step = "create the gateway veth pair";
	err = xbr_fault("gw-veth");
	if (!err)
		err = nl_veth_add(&br->nl, br->name, p->mac, p->ifname, -1, NULL);
	if (err)
		goto fail;
	err = journal_add(j, UNDO_LINK, NULL, br->name); /* its peer goes with it */
	if (err) {
		xbr_teardown(br, UNDO_LINK, NULL, br->name);
		pr_warn("bridge \"%s\": cannot journal the gateway veth pair: %s", br->name,
			strerror(-err));
		return err;
	}

	step = "configure the gateway";
	err = nl_link_get(&br->nl, br->name, &host);
	if (!err)
		err = nl_link_get(&br->nl, p->ifname, &port);
	if (!err)
		err = nl_link_set_alias(&br->nl, host.ifindex, alias);
	if (!err)
		err = nl_link_set_alias(&br->nl, port.ifindex, alias);
	if (!err)
		err = xbr_fault("gw-addr");
	if (!err)
		err = nl_addr_add(&br->nl, host.ifindex, br->cfg.gateway, br->cfg.plen);
	if (!err && br->cfg.plen6) {
		uint8_t gw6[16];

		xbr_gateway_addr6(&br->cfg, gw6);
		err = nl_addr6_add(&br->nl, host.ifindex, gw6, br->cfg.plen6);
	}
	if (!err)
		err = nl_link_set_up(&br->nl, port.ifindex);
	if (!err)
		err = nl_link_set_up(&br->nl, host.ifindex);
	if (err)
		goto fail;
	p->ifindex = (uint32_t)port.ifindex;
	p->flags |= XBR_PORT_F_GATEWAY;
	p->addr = br->cfg.gateway;
	p->plen = br->cfg.plen;
	snprintf(m->ifname_in, sizeof(m->ifname_in), "%s", br->name);
	snprintf(m->owner, sizeof(m->owner), "%s", s->owner);
	return 0;
fail:
	pr_warn("bridge \"%s\": cannot %s: %s", br->name, step, nl_strerror(&br->nl, err));
	return err;
}

static void gateway_teardown(struct xbr_bridge *br, const char *name, const char *ifname)
{
	int err;

	(void)name;
	err = nl_link_del_name(&br->nl, br->name);
	if (err == -ENODEV && ifname && *ifname)
		err = nl_link_del_name(&br->nl, ifname);
	if (err && err != -ENODEV)
		pr_warn("interface %s: cannot delete: %s", br->name, nl_strerror(&br->nl, err));
}

const struct port_kind port_gateway = {
	.name = "gateway",
	.create = gateway_create,
	.teardown = gateway_teardown,
};
