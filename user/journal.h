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

enum undo_kind { UNDO_NETNS, UNDO_LINK, UNDO_INTENT };

struct undo {
	enum undo_kind kind;
	char name[XBR_IFNAMSIZ];
	uint32_t ifindex;
};

struct journal {
	struct undo v[12];
	int n;
};

void journal_add(struct journal *j, enum undo_kind kind, const char *name, uint32_t ifindex);
void journal_undo(struct xbr_bridge *br, struct journal *j);

int intent_add(struct xbr_bridge *br, const char *name, const char *ifname, uint8_t kind);
void intent_del(struct xbr_bridge *br, const char *name);
/* 1 and *out filled when @name has a crash-journal entry. */
int intent_get(struct xbr_bridge *br, const char *name, struct xbr_intent *out);

#endif
