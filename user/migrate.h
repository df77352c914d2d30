/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Live migration of a running bridge's pinned maps from an older layout to
 * this build's (XBR_LAYOUT_VERSION), while it forwards. bridge.c br_reload()
 * runs the sequence:
 *   pins_prepare   new programs over fresh maps where the layout changed
 *   migrate_check  every changed map has a conversion from the old layout
 *   migrate_copy   old entries converted into the fresh maps (a snapshot)
 *   (swap)         the new programs take every port, atomically per port
 *   migrate_delta  what the old programs changed since the snapshot: FDB
 *                  entries learned, counters counted
 *   pins_commit    fresh maps and programs pinned over the old ones
 * A bridge of a newer layout than this build's is refused, untouched.
 */
#ifndef XBR_MIGRATE_H
#define XBR_MIGRATE_H

#include "pins.h"

struct xbr_migration;

/* 0 when @ls can be migrated (and the snapshot state allocated), else one
 * line printed and a negative errno; nothing changed either way. */
int migrate_check(struct xbr_bridge *br, struct xbr_loadset *ls, struct xbr_migration **out);
int migrate_copy(struct xbr_bridge *br, struct xbr_loadset *ls, struct xbr_migration *m);
int migrate_delta(struct xbr_bridge *br, struct xbr_loadset *ls, struct xbr_migration *m);
void migrate_free(struct xbr_migration *m);

#endif
