/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Attaching the datapath to a port, for the bridge's current mode
 * (br->cfg.mode). bridge.c calls only these; the hooks live in datapath.c.
 */
#ifndef XBR_DATAPATH_H
#define XBR_DATAPATH_H

#include "bridge.h"

/*
 * Attach the bridge's programs to host-side port @ifindex. @nsfd is the
 * port's namespace (-1 for the gateway port, whose peer is in the host).
 */
int dp_port_attach(struct xbr_bridge *br, int ifindex, int nsfd);

#endif
