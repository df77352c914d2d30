// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The docker kind: a Docker endpoint (docker/, docs/docker.md). xbr makes the
 * veth pair with both ends in the host: the host end is the bridge port, the
 * peer (Docker's SrcName, @spec->ifname_in) waits unconfigured until Docker
 * moves it into the container's namespace, renames it and gives it the
 * endpoint's addresses and routes; at Leave Docker moves it back, and the
 * port is removed with DeleteEndpoint. The peer's MAC is Docker's or xbr's
 * 0a:58:<IPv4>; its offloads (XDP mode) are device state, set here while it
 * is in the host, and go with it into the container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "log.h"
#include "port.h"

static int docker_precheck(struct xbr_bridge *br, const struct xbr_ns_spec *s, const char *ifname)
{
	struct xbr_link l;

	(void)ifname;
	if (!s->ifname_in[0]) {
		pr_warn("port \"%s\": no name given for the container's end", s->name);
		return -EINVAL;
	}
	/* Its own IPv6 address: in the bridge's prefix, of which the first 64
	 * bits are the prefix (the rest is the port record's iid6). */
	if (s->has_addr6) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, s->addr6, a, sizeof(a));
		if (!br->cfg.plen6 || br->cfg.plen6 < 64) {
			pr_warn("port \"%s\": IPv6 address %s: bridge \"%s\" has %s", s->name, a,
				br->name, br->cfg.plen6 ? "a prefix shorter than /64" : "no IPv6");
			return -EINVAL;
		}
		if (!xbr_in6_prefix(s->addr6, br->cfg.subnet6, br->cfg.plen6)) {
			pr_warn("port \"%s\": IPv6 address %s is outside the bridge's prefix", s->name, a);
			return -EINVAL;
		}
	}
	/* The kernel refuses a taken name with a bare EEXIST: say which. */
	if (nl_link_get(&br->nl, s->ifname_in, &l) == 0) {
		pr_warn("port \"%s\": interface %s already exists", s->name, s->ifname_in);
		return -EEXIST;
	}
	return 0;
}

static int docker_create(struct xbr_bridge *br, const struct xbr_ns_spec *s, struct xbr_port *p,
			 struct xbr_port_meta *m, struct journal *j, int *nsfd_out)
{
	struct xbr_ns_spec in = *s;
	struct xbr_link l;
	int err;

	*nsfd_out = -1; /* the receiving end is in the host until Docker moves it */
	if (s->has_mac)
		memcpy(p->mac, s->mac, 6);
	else
		xbr_station_mac(s->addr, p->mac);
	if (s->has_addr6) {
		p->flags |= XBR_PORT_F_ADDR6;
		memcpy(p->iid6, s->addr6 + 8, 8);
	}
	/* Docker configures the inside. */
	in.no_config = 1;
	err = port_veth_make(br, &in, p, -1, s->ifname_in, 0, j);
	if (err)
		return err;
	/*
	 * The peer comes up here, before the datapath is attached: in XDP mode
	 * the host end takes redirected frames only when the kernel marked it
	 * a redirect target, which it does when the peer's GRO is turned on
	 * while the peer is up (veth_set_features); turned on while it is down,
	 * the mark never comes, and the move into the container (a close and
	 * an open) does not give it either. The mark survives the move.
	 */
	err = nl_link_get(&br->nl, s->ifname_in, &l);
	if (!err)
		err = nl_link_set_up(&br->nl, l.ifindex);
	if (err) {
		pr_warn("port \"%s\": cannot bring %s up: %s", s->name, s->ifname_in,
			nl_strerror(&br->nl, err));
		return err;
	}
	snprintf(m->ifname_in, sizeof(m->ifname_in), "%s", s->ifname_in);
	snprintf(m->owner, sizeof(m->owner), "%s", s->owner);
	return 0;
}

int port_docker_rx(struct xbr_bridge *br, const struct xbr_port *p, const struct xbr_port_meta *m,
		   int *nsfd, char ifname[16])
{
	struct xbr_link host, peer;
	struct xbr_nl nsnl;
	int fd, err;

	*nsfd = -1;
	snprintf(ifname, 16, "%s", m->ifname_in);
	/* Still (or again) in the host under its own name. */
	if (nl_link_get(&br->nl, m->ifname_in, &peer) == 0)
		return 0;
	if (!m->nspath[0])
		return -ENODEV;
	err = nl_link_get_index(&br->nl, (int)p->ifindex, &host);
	if (err)
		return err;
	fd = open(m->nspath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Docker renamed it inside: the host end's IFLA_LINK is its ifindex. */
	err = nl_open_netns(&nsnl, fd);
	if (!err) {
		err = nl_link_get_index(&nsnl, host.link, &peer);
		nl_close(&nsnl);
	}
	if (err) {
		close(fd);
		return err;
	}
	snprintf(ifname, 16, "%s", peer.ifname);
	*nsfd = fd;
	return 0;
}

const struct port_kind port_docker = {
	.name = "docker",
	.precheck = docker_precheck,
	.create = docker_create,
	.teardown = port_host_end_teardown, /* the peer goes wherever it is */
};
