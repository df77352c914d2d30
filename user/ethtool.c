// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Interface offload features over SIOCETHTOOL (see ethtool.h), through a
 * socket opened in the interface's network namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "ethtool.h"
#include "log.h"
#include "netns.h"
#include "xbr.h"

/*
 * The legacy one-feature commands: each still maps onto the kernel's feature
 * bits (ETHTOOL_STXCSUM covers every tx checksum feature), they need no
 * string-set lookup, and every kernel xbr runs on has them.
 */
static const struct {
	uint32_t feat;
	uint32_t get, set;
} feat_cmds[] = {
	/* Order matters when setting: TSO is refused without tx checksumming, so
	 * checksumming goes first when enabling and TSO first when disabling. */
	{ XBR_FEAT_TX_CSUM, ETHTOOL_GTXCSUM, ETHTOOL_STXCSUM },
	{ XBR_FEAT_TSO, ETHTOOL_GTSO, ETHTOOL_STSO },
	{ XBR_FEAT_GSO, ETHTOOL_GGSO, ETHTOOL_SGSO },
	{ XBR_FEAT_GRO, ETHTOOL_GGRO, ETHTOOL_SGRO },
};
#define NFEAT (sizeof(feat_cmds) / sizeof(feat_cmds[0]))

/* Run inside the target namespace: the socket stays bound to it. */
static int sock_open(void *unused)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	(void)unused;
	return fd < 0 ? -errno : fd;
}

int ethtool_open(int nsfd)
{
	return netns_call(nsfd, sock_open, NULL);
}

static int ethtool_value(int sock, const char *ifname, uint32_t cmd, uint32_t *data)
{
	struct ethtool_value ev = { .cmd = cmd, .data = *data };
	struct ifreq ifr = {};

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(sock, SIOCETHTOOL, &ifr) < 0)
		return -errno;
	*data = ev.data;
	return 0;
}

int ethtool_get(int sock, const char *ifname, struct xbr_feats *f)
{
	size_t i;
	int err = -EOPNOTSUPP;

	f->on = f->known = 0;
	for (i = 0; i < NFEAT; i++) {
		uint32_t v = 0;
		int e = ethtool_value(sock, ifname, feat_cmds[i].get, &v);

		if (e) {
			if (e == -ENODEV)
				return e;
			continue;
		}
		err = 0;
		f->known |= feat_cmds[i].feat;
		if (v)
			f->on |= feat_cmds[i].feat;
	}
	return err;
}

static int set_one(int sock, const char *ifname, size_t i, uint32_t on)
{
	uint32_t v = (on & feat_cmds[i].feat) ? 1 : 0;
	int err = ethtool_value(sock, ifname, feat_cmds[i].set, &v);

	if (err)
		pr_debug("%s: ethtool set 0x%x -> %u: %s", ifname, feat_cmds[i].set,
			 (on & feat_cmds[i].feat) ? 1 : 0, strerror(-err));
	return err;
}

int ethtool_set(int sock, const char *ifname, uint32_t mask, uint32_t on)
{
	size_t i;
	int err = 0, e;

	/* Disabling: dependants first (reverse table order). */
	for (i = NFEAT; i-- > 0;) {
		if (!(mask & feat_cmds[i].feat) || (on & feat_cmds[i].feat))
			continue;
		e = set_one(sock, ifname, i, on);
		if (e && !err)
			err = e;
	}
	/* Enabling: what others depend on first (table order). */
	for (i = 0; i < NFEAT; i++) {
		if (!(mask & feat_cmds[i].feat) || !(on & feat_cmds[i].feat))
			continue;
		e = set_one(sock, ifname, i, on);
		if (e && !err)
			err = e;
	}
	return err;
}

int ethtool_get_in(int nsfd, const char *ifname, struct xbr_feats *f)
{
	int sock = ethtool_open(nsfd), err;

	if (sock < 0)
		return sock;
	err = ethtool_get(sock, ifname, f);
	close(sock);
	return err;
}

int ethtool_set_in(int nsfd, const char *ifname, uint32_t mask, uint32_t on)
{
	int sock = ethtool_open(nsfd), err;

	if (sock < 0)
		return sock;
	err = ethtool_set(sock, ifname, mask, on);
	close(sock);
	return err;
}
