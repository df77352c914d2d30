/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Offload features of an interface (tx checksumming, GSO, TSO, GRO), read and
 * set with the SIOCETHTOOL ioctl on a socket opened inside the interface's
 * network namespace, so the process itself never moves.
 */
#ifndef XBR_ETHTOOL_H
#define XBR_ETHTOOL_H

#include <stdint.h>

/* XBR_FEAT_* (include/xbr.h) that are on, and those that could be read. */
struct xbr_feats {
	uint32_t on;
	uint32_t known;
};

/* A SIOCETHTOOL socket in the netns @nsfd (-1: the current one); fd or -errno. */
int ethtool_open(int nsfd);
/* Read the features of @ifname through socket @sock. 0 or -errno. */
int ethtool_get(int sock, const char *ifname, struct xbr_feats *f);
/*
 * Set the features in @mask to their value in @on, in an order that respects
 * their dependencies (TSO needs tx checksumming). 0 or the first -errno; each
 * feature is tried even when an earlier one failed.
 */
int ethtool_set(int sock, const char *ifname, uint32_t mask, uint32_t on);

/* One call for an interface in netns @nsfd (-1: current namespace). */
int ethtool_get_in(int nsfd, const char *ifname, struct xbr_feats *f);
int ethtool_set_in(int nsfd, const char *ifname, uint32_t mask, uint32_t on);

#endif
