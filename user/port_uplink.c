// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The uplink kind: the kernel's VXLAN device in external (collect_md) mode,
 * <bridge>-<name> in the host, as a port of the bridge. It carries no VNI or
 * remote of its own: the tc program reads the tunnel key of what arrives and
 * sets it on what leaves (bpf/lib/tunnel.h), from the port record (VNI, local
 * endpoint, MTU) and the bridge's peers (user/uplink.c). Its MTU is the
 * underlay's minus the encapsulation. Removing the port removes the device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "log.h"
#include "port.h"

/* The underlay's MTU: of the device given with `dev`, else of the interface
 * holding the local address. 0 and *mtu / *link, or -errno (said). */
static int underlay_mtu(struct xbr_bridge *br, const struct xbr_ns_spec *s, unsigned int *mtu,
			int *link)
{
	char abuf[INET6_ADDRSTRLEN];
	struct xbr_link l;
	int ifindex, err;

	*link = 0;
	if (s->dev[0]) {
		err = nl_link_get(&br->nl, s->dev, &l);
		if (err) {
			pr_warn("uplink \"%s\": underlay device %s: %s", s->name, s->dev,
				err == -ENODEV ? "no such interface" : nl_strerror(&br->nl, err));
			return err;
		}
		*link = l.ifindex;
	}
	inet_ntop(s->family, s->local, abuf, sizeof(abuf));
	ifindex = nl_addr_ifindex(&br->nl, s->family, s->local);
	if (ifindex < 0) {
		if (ifindex == -EADDRNOTAVAIL)
			pr_warn("uplink \"%s\": local %s is not an address of this host", s->name,
				abuf);
		else
			pr_warn("uplink \"%s\": cannot list addresses: %s", s->name,
				nl_strerror(&br->nl, ifindex));
		return ifindex;
	}
	if (!s->dev[0]) {
		err = nl_link_get_index(&br->nl, ifindex, &l);
		if (err) {
			pr_warn("uplink \"%s\": the interface holding %s: %s", s->name, abuf,
				nl_strerror(&br->nl, err));
			return err;
		}
	}
	*mtu = l.mtu;
	return 0;
}

/* The MTU frames through the tunnel can have; 0 when it is too small. */
static unsigned int tunnel_mtu(const struct xbr_bridge *br, int family, unsigned int underlay)
{
	unsigned int over = family == AF_INET6 ? XBR_VXLAN_OVERHEAD6 : XBR_VXLAN_OVERHEAD4;
	/* IPv6 needs 1280 on every link; IPv4 hosts must take 576. */
	unsigned int min = br->cfg.plen6 ? 1280 : 576;

	return underlay >= over + min ? underlay - over : 0;
}

static int uplink_precheck(struct xbr_bridge *br, const struct xbr_ns_spec *s, const char *ifname)
{
	unsigned int mtu = 0;
	int link, err;

	(void)ifname;
	err = underlay_mtu(br, s, &mtu, &link);
	if (err)
		return err;
	if (!tunnel_mtu(br, s->family, mtu)) {
		pr_warn("uplink \"%s\": the underlay's MTU %u is too small for VXLAN (%u bytes of headers) and %s",
			s->name, mtu,
			s->family == AF_INET6 ? XBR_VXLAN_OVERHEAD6 : XBR_VXLAN_OVERHEAD4,
			br->cfg.plen6 ? "IPv6 stations (1280)" : "IPv4 stations (576)");
		return -EINVAL;
	}
	return 0;
}

static int uplink_create(struct xbr_bridge *br, const struct xbr_ns_spec *s, struct xbr_port *p,
			 struct xbr_port_meta *m, struct journal *j, int *nsfd_out)
{
	struct nl_vxlan v = { .name = p->ifname, .family = s->family, .dstport = s->dstport };
	struct xbr_link l;
	char alias[64];
	const char *step;
	unsigned int mtu = 0;
	int err;

	(void)m;
	*nsfd_out = -1;
	err = underlay_mtu(br, s, &mtu, &v.link);
	if (err)
		return err;
	v.mtu = tunnel_mtu(br, s->family, mtu);
	memcpy(v.local, s->local, sizeof(v.local));
	port_alias(br, XBR_KIND_UPLINK, s->name, alias, sizeof(alias));
	v.alias = alias;

	step = "create the VXLAN device";
	err = xbr_fault("uplink-vxlan");
	if (!err)
		err = nl_vxlan_add(&br->nl, &v);
	if (err == -EEXIST) {
		/* The name was checked free: the kernel allows one external
		 * device per UDP port (it says "VNI already exists"). */
		pr_warn("uplink \"%s\": UDP port %u is taken by another VXLAN device in external mode (give another dstport)",
			s->name, s->dstport);
		return err;
	}
	if (err)
		goto fail;
	err = journal_add(j, UNDO_LINK, NULL, p->ifname);
	if (err) {
		xbr_teardown(br, UNDO_LINK, NULL, p->ifname);
		pr_warn("uplink \"%s\": cannot journal the VXLAN device %s: %s", s->name, p->ifname,
			strerror(-err));
		return err;
	}

	step = "bring the VXLAN device up";
	err = nl_link_get(&br->nl, p->ifname, &l);
	if (!err)
		err = nl_link_set_up(&br->nl, l.ifindex);
	if (err)
		goto fail;
	p->ifindex = (uint32_t)l.ifindex;
	memcpy(p->mac, l.mac, sizeof(p->mac));
	p->addr = 0;
	p->plen = 0;
	p->flags |= XBR_PORT_F_TUNNEL;
	p->vni = s->vni;
	p->mtu = v.mtu;
	memcpy(p->local, s->local, sizeof(p->local));
	p->dstport = s->dstport;
	p->tun_flags = s->family == AF_INET6 ? XBR_PEER_F_V6 : 0;
	p->underlay = (uint32_t)v.link;
	return 0;
fail:
	pr_warn("uplink \"%s\": cannot %s: %s", s->name, step, nl_strerror(&br->nl, err));
	return err;
}

static void uplink_teardown(struct xbr_bridge *br, const char *name, const char *ifname)
{
	int err = nl_link_del_name(&br->nl, ifname);

	(void)name;
	if (err && err != -ENODEV)
		pr_warn("interface %s: cannot delete: %s", ifname, nl_strerror(&br->nl, err));
}

const struct port_kind port_uplink = {
	.name = "uplink",
	.precheck = uplink_precheck,
	.create = uplink_create,
	.teardown = uplink_teardown,
};
