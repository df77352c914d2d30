/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The unit binaries link every object of user/ except main.o, but the cmd_
 * objects refer to two symbols defined in main.c: the global options `g` and
 * cmd_lookup(). Each test_<unit>.c includes this header once to provide them.
 * (No bridge.h here: user/parse.h, which bridge.h includes, cannot be
 * included twice - its include guard ends before its last declarations.)
 */
#ifndef XBR_UNIT_STUBS_H
#define XBR_UNIT_STUBS_H

#include <string.h>
#include "cmd.h"

struct xbr_globals g = { .bridge = "xbr0" };

const struct xbr_cmd *cmd_lookup(const struct xbr_cmd *table, const char *arg)
{
	const struct xbr_cmd *c;

	for (c = table; c->name; c++)
		if (!strcmp(arg, c->name))
			return c;
	return NULL;
}

#endif
