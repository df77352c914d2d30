/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The two journals of a command that creates things:
 * - the undo journal (in memory): what this command made so far, undone in
 *   reverse when a later step fails, so an error leaves the system as it was;
 * - the crash journal (pinned map xbr_intent): the port a command is making,
 *   written before anything is made and cleared once the port is recorded,
 *   so what a killed command half-made is found and removed by the next one
 *   (port.c port_cleanup_intents()).
 */
#ifndef XBR_JOURNAL_H
#define XBR_JOURNAL_H

#include <stdint.h>
#include "pins.h"

/*
 * What xbr tears down, by kind: one number space and one dispatch,
 * xbr_teardown() over the kinds table in port.c. The first values are the
 * pinned port kinds (XBR_KIND_*: a port and everything its kind made); the
 * single objects a command journals as it makes them come after 255, so no
 * pinned kind (a __u8, perhaps a newer xbr's) is ever taken for one. These
 * live in memory only and are never pinned.
 */
enum undo_kind {
	UNDO_NETNS = 0x100, /* a namespace xbr created: @name */
	UNDO_LINK, /* a host link: @ifname (a veth takes its peer along) */
	UNDO_INTENT, /* a crash-journal entry: @name */
	UNDO__MAX,
};

/*
 * xbr_teardown - remove a thing of @kind (a port kind or an undo kind) named
 * @name / @ifname, quietly when it is already gone. A port kind this build
 * does not know (a newer xbr's record) loses its host link @ifname.
 */
void xbr_teardown(struct xbr_bridge *br, unsigned int kind, const char *name, const char *ifname);
/* The name of any such kind ("station", ..., "namespace", "link", "intent"). */
const char *xbr_kind_name(unsigned int kind);

struct undo {
	unsigned int kind; /* enum undo_kind */
	char name[XBR_NSNAMSIZ];
	char ifname[XBR_IFNAMSIZ];
};

/* Zeroed is empty; it grows as needed. Ended by journal_undo() or
 * journal_forget(), which free it. */
struct journal {
	struct undo *v;
	size_t n, cap;
};

/*
 * journal_add - note that this command made the thing @kind @name/@ifname
 * (either may be NULL). 0, or -ENOMEM with @j unchanged: the caller removes
 * that thing itself (xbr_teardown()) and fails, and what @j holds is undone
 * as for any failure.
 */
int journal_add(struct journal *j, unsigned int kind, const char *name, const char *ifname);
/* Undo everything in @j, newest first, then free it (empty again). */
void journal_undo(struct xbr_bridge *br, struct journal *j);
/* What @j holds stays made (the command succeeded): free it (empty again). */
void journal_forget(struct journal *j);

int intent_add(struct xbr_bridge *br, const char *name, const char *ifname, uint8_t kind);
void intent_del(struct xbr_bridge *br, const char *name);
/* 1 and *out filled when @name has a crash-journal entry. */
int intent_get(struct xbr_bridge *br, const char *name, struct xbr_intent *out);

#endif
