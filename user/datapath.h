/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The datapath's hooks for the bridge's mode (br->cfg.mode): tc, or XDP on
 * top of tc. Below the port layer: it is given ports and their receiving
 * ends, never looks them up.
 */
#ifndef XBR_DATAPATH_H
#define XBR_DATAPATH_H

#include <stddef.h>
#include "pins.h"

/*
 * Attach the bridge's programs to host-side port @ifindex. In XDP mode this
 * also readies the port's receiving end: interface @rx_ifname in namespace
 * @nsfd (-1: the host).
 */
int dp_port_attach(struct xbr_bridge *br, int ifindex, int nsfd, const char *rx_ifname);

/* Bring the XDP devmaps in line with port record @p (after add or policy change). */
int dp_port_sync(struct xbr_bridge *br, const struct xbr_port *p);
/* Take port @ifindex out of the devmaps and forget its saved offloads. */
void dp_port_forget(struct xbr_bridge *br, __u32 ifindex);

/* A port as a mode switch needs it: where its receiving end is. */
struct dp_port {
	__u32 ifindex;
	char ifname[XBR_IFNAMSIZ]; /* host side, for messages */
	int rx_nsfd; /* -1: the host */
	char rx_ifname[XBR_IFNAMSIZ];
	int rx_err; /* the receiving end could not be opened: -errno */
};

/*
 * Switch a live bridge to @mode (XBR_MODE_*) over its ports @v: the FDB,
 * counters and ports are shared maps and stay; no moment without a
 * forwarding hook. 0 or -errno; on failure the bridge is back in tc mode.
 */
int dp_set_mode(struct xbr_bridge *br, int mode, const struct dp_port *v, size_t n);

/* "tc", "xdp" or "auto" (*is_auto set; resolves to the mode for the lab's traffic). */
int dp_mode_parse(const char *s, int *mode, int *is_auto);
const char *dp_mode_name(int mode);

/*
 * Devmap membership of port @p, shared with the tests: every port in @tx_fd,
 * ports a flood from a non-isolated port may reach in @flood_fd, from an
 * isolated port in @flood_iso_fd (xbr_may_flood()), each entry running
 * @egress_prog_fd (tx counters).
 */
int dp_devmaps_sync(int tx_fd, int flood_fd, int flood_iso_fd, int egress_prog_fd,
		    const struct xbr_port *p);

/*
 * Reload: the programs of @ls take every port @v (tc filter replace,
 * XDP_FLAGS_REPLACE, each atomic per port), with @ls's devmaps filled first.
 * On failure the ports already swapped get the running programs back.
 */
int dp_swap(struct xbr_bridge *br, const struct xbr_loadset *ls, const struct xbr_port *v,
	    size_t n);

#endif
