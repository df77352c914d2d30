// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Datapath test harness (see dpt.h), the test environment: the private
 * network namespace and its veth pairs (the ports' devices), their MTU and
 * GRO, and the rx counts of a device from /proc/net/dev.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "dpt.h"

struct dpt_env dpt_env;

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Create a veth pair @name/@peer here (rtnetlink over libmnl; the harness
 * keeps its own few lines rather than depend on the loader's netlink code). */
static int veth_add(const char *name, const char *peer)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct nlattr *linkinfo, *data, *peerinfo;
	unsigned int portid, seq = 1;
	ssize_t n;
	int err;

	memset(buf, 0, sizeof(buf));
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, peerinfo);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	err = n < 0 ? -errno : mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL);
	if (err > 0) /* MNL_CB_OK / MNL_CB_STOP */
		err = 0;
	else if (err < 0 && n >= 0)
		err = -errno;
	mnl_socket_close(nl);
	return err;
}

static int link_up(const char *name)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * GRO on the namespace-side ends: a veth accepts XDP_REDIRECT (ndo_xdp_xmit)
 * only when its peer has an XDP program or GRO on, as the loader arranges in
 * XDP mode. Off for tc, as a veth comes up.
 */
int dpt_env_peers_gro(bool on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SGRO, .data = on };
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), i, err = 0;

	if (fd < 0)
		return -errno;
	for (i = 0; i < DPT_NPOS && !err; i++) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dpt_env.peer[i]);
		ifr.ifr_data = (void *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
			err = -errno;
	}
	close(fd);
	return err;
}

int dpt_env_setup(void)
{
	static int done;
	int i, err = 0;

	if (done)
		return done < 0 ? done : 0;
	done = -1;
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		fprintf(stderr, "datapath: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return err;
	}
	/* No IPv6 autoconfiguration chatter on the test links. */
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	for (i = 0; i < DPT_NPOS && !err; i++) {
		snprintf(dpt_env.name[i], sizeof(dpt_env.name[i]), "xbrt%d", i);
		snprintf(dpt_env.peer[i], sizeof(dpt_env.peer[i]), "xbrt%dp", i);
		err = veth_add(dpt_env.name[i], dpt_env.peer[i]);
		if (!err)
			err = link_up(dpt_env.name[i]);
		if (!err)
			err = link_up(dpt_env.peer[i]);
		dpt_env.ifindex[i] = (int)if_nametoindex(dpt_env.name[i]);
		dpt_env.peer_ifindex[i] = (int)if_nametoindex(dpt_env.peer[i]);
		if (!err && (!dpt_env.ifindex[i] || !dpt_env.peer_ifindex[i]))
			err = -ENODEV;
		if (err)
			fprintf(stderr, "datapath: veth %s: %s\n", dpt_env.name[i], strerror(-err));
	}
	if (err)
		return err;
	done = 1;
	return 0;
}

static int set_mtu(int fd, const char *name, int mtu)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = mtu;
	return ioctl(fd, SIOCSIFMTU, &ifr) < 0 ? -errno : 0;
}

int dpt_env_set_mtu(int mtu)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), i, err = 0;

	if (fd < 0)
		return -errno;
	for (i = 0; i < DPT_NPOS && !err; i++) {
		err = set_mtu(fd, dpt_env.name[i], mtu);
		if (!err)
			err = set_mtu(fd, dpt_env.peer[i], mtu);
	}
	close(fd);
	return err;
}

long long dpt_dev_rx_packets(const char *ifname)
{
	FILE *f = fopen("/proc/net/dev", "r");
	char line[512], name[64];
	unsigned long long bytes, pkts;
	long long ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!c)
			continue;
		*c = ' ';
		if (sscanf(line, "%63s %llu %llu", name, &bytes, &pkts) == 3 && !strcmp(name, ifname)) {
			ret = (long long)pkts;
			break;
		}
	}
	fclose(f);
	return ret;
}
