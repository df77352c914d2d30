// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What every CLI object shares: the global options and command lookup. */
#include <string.h>
#include "bridge.h"
#include "cmd.h"
#include "parse.h"

struct xbr_globals g = { .bridge = XBR_DEFAULT_BRIDGE };

const struct xbr_cmd *cmd_lookup(const struct xbr_cmd *table, const char *arg)
{
	const struct xbr_cmd *c;

	for (c = table; c->name; c++)
		if (!strcmp(arg, c->name))
			return c;
	/* Unambiguous prefixes, first match in table order (like iproute2). */
	for (c = table; c->name; c++)
		if (xbr_matches(arg, c->name))
			return c;
	return NULL;
}

int cmd_open_bridge(struct xbr_bridge *br)
{
	int err = br_init(br, g.bridge);

	if (!err)
		err = br_open(br);
	return err;
}
