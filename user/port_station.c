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
#include <arpa/inet.h>
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

/*
 * The station's resolver: the gateway, which answers the bridge's names
 * (bpf/lib/dns.h) and sends other queries on to the host's resolvers, and
 * the bridge's domain to search. `ip netns exec` mounts it over
 * /etc/resolv.conf; removed with the namespace (netns_delete()). None when
 * the bridge answers no query (dns off): the host's resolv.conf then.
 */
int port_station_resolv(struct xbr_bridge *br, const char *name)
{
	char text[160], gw[INET_ADDRSTRLEN];
	int err;

	if (br->cfg.flags & XBR_CFG_F_NO_DNS)
		return 0;
	inet_ntop(AF_INET, &br->cfg.gateway, gw, sizeof(gw));
	snprintf(text, sizeof(text), "bridge %s's name service (xbr dns); removed with the station\nnameserver %s\n%s%.*s%s",
		 br->name, gw, br->cfg.dns_domain_len ? "search " : "",
		 (int)br->cfg.dns_domain_len, br->cfg.dns_domain,
		 br->cfg.dns_domain_len ? "\n" : "");
	err = netns_resolv_write(name, text);
	if (err)
		pr_warn("namespace \"%s\": cannot write %s/%s/resolv.conf: %s", name, XBR_NETNS_ETC,
			name, strerror(-err));
	return err;
}

static int station_create(struct xbr_bridge *br, const struct xbr_ns_spec *s, struct xbr_port *p,
			  struct xbr_port_meta *m, struct journal *j, int *nsfd_out)
{
	int nsfd, err;

	xbr_station_mac(s->addr, p->mac);
	nsfd = netns_create(s->name);
	if (nsfd < 0) {
		pr_warn("namespace \"%s\": cannot create the namespace: %s", s->name,
			strerror(-nsfd));
		return nsfd;
	}
	err = journal_add(j, UNDO_NETNS, s->name, NULL);
	if (err) {
		close(nsfd);
		xbr_teardown(br, UNDO_NETNS, s->name, NULL);
		pr_warn("namespace \"%s\": cannot journal the namespace: %s", s->name,
			strerror(-err));
		return err;
	}
	*nsfd_out = nsfd;
	err = port_station_resolv(br, s->name);
	if (err)
		return err;
	err = port_veth_make(br, s, p, nsfd, "eth0", 1, j);
	if (err)
		return err;
	snprintf(m->nspath, sizeof(m->nspath), "%s/%s", XBR_NETNS_DIR, s->name);
	snprintf(m->ifname_in, sizeof(m->ifname_in), "eth0");
	return 0;
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
