// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr - an Ethernet bridge for network namespaces with an eBPF datapath.
 * Usage: xbr [OPTIONS] OBJECT [COMMAND [ARGS]]; the objects, commands and
 * options are the tables of cmd.c and cmd_<object>.c; docs/xbr.8.
 */
#include <stdio.h>
#include <string.h>
#include "cmd.h"
#include "log.h"

/* @s with control characters shown as \n, \t or \xHH (truncated to fit). */
static void escape_arg(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			o += (size_t)snprintf(out + o, len - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(out + o, len - o, "\\t");
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

int main(int argc, char **argv)
{
	argc--;
	argv++;
	/* Completion sees the line as typed, global options included. */
	if (argc > 0 && !strcmp(argv[0], "__complete"))
		return complete_main(argc - 1, argv + 1);
	/* Nothing xbr takes has control characters; refusing them here keeps
	 * every later message one line and free of terminal escapes. */
	for (int i = 0; i < argc; i++) {
		for (const unsigned char *c = (const unsigned char *)argv[i]; *c; c++) {
			if (*c < 0x20 || *c == 0x7f) {
				char esc[4 * 64 + 1];

				escape_arg(argv[i], esc, sizeof(esc));
				pr_warn("argument \"%s\" contains a control character", esc);
				return 1;
			}
		}
	}
	if (cmd_parse_globals(&argc, argv))
		return 1;
	xbr_log_setup_libbpf();
	return cmd_run(argc, argv);
}
