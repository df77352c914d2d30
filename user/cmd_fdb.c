// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xbr fdb [show] */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "cmd.h"
#include "fdb_fmt.h"
#include "log.h"

void usage_fdb(FILE *f)
{
	fprintf(f, "Usage: xbr [-b NAME] [-j [-p]] fdb [show]\n"
		   "Show the forwarding table: one line per station with its MAC, host-side\n"
		   "port (dev), namespace, age in seconds and state (learned or static).\n");
}

static int fdb_show(int argc, char **argv)
{
	struct xbr_fdb_row *rows = NULL;
	struct xbr_bridge br;
	size_t n = 0;
	int err;

	if (argc > 1) {
		pr_warn("fdb show: unexpected argument \"%s\"", argv[1]);
		return -EINVAL;
	}
	err = br_init(&br, g.bridge);
	if (!err)
		err = br_open(&br);
	if (!err)
		err = br_fdb_rows(&br, &rows, &n);
	if (!err) {
		if (g.json)
			fdb_print_json(stdout, br.name, rows, n, g.pretty);
		else
			fdb_print_text(stdout, br.name, rows, n);
	}
	free(rows);
	br_close(&br);
	return err;
}

static int fdb_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage_fdb(stdout);
	return 0;
}

static const struct xbr_cmd fdb_cmds[] = {
	{ "show", fdb_show, NULL },
	{ "list", fdb_show, NULL },
	{ "help", fdb_help, NULL },
	{ NULL, NULL, NULL },
};

int do_fdb(int argc, char **argv)
{
	const struct xbr_cmd *c;

	if (argc < 2)
		return fdb_show(1, argv);
	c = cmd_lookup(fdb_cmds, argv[1]);
	if (!c) {
		pr_warn("fdb: unknown command \"%s\", try \"xbr fdb help\"", argv[1]);
		return -EINVAL;
	}
	return c->fn(argc - 1, argv + 1);
}
