/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Helpers shared by attach.c (ADD, DEL) and check.c (CHECK, GC, STATUS). */
#ifndef XBR_CNI_ATTACH_INT_H
#define XBR_CNI_ATTACH_INT_H

#include "bridge.h"
#include "cni.h"

/*
 * Open CNI_NETNS @path and make sure it is a network namespace other than
 * our own: 0 and *fd_out, or -1 with cni_err (4 unset/not a namespace/the
 * host's, 3 when it does not exist).
 */
int ns_open_checked(const char *path, int *fd_out);
/* True when bridge @name's pin directory exists (checked without locking). */
int bridge_present(const char *name);
/* cni_fail() for a negative errno @err: 11 for EAGAIN/EBUSY/EINTR, else 999. */
int fail_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The loader-side record (owner, namespace path, inside name) of port @p. */
int port_owner(struct xbr_bridge *br, const struct xbr_port *p, struct xbr_port_meta *m);

#endif
