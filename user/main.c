// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbr - an Ethernet bridge for network namespaces with an eBPF datapath.
 * Usage: xbr [OPTIONS] OBJECT [COMMAND [ARGS]]; see usage() and docs/xbr.8.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "bridge.h"
#include "cmd.h"
#include "log.h"

#ifndef XBR_VERSION
#define XBR_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xbr [OPTIONS] OBJECT [COMMAND] [ARGS]\n"
		"       xbr up [--subnet CIDR] [--gateway IP] [--ageing SEC] [--fdb-size N]\n"
		"              [--mode tc|xdp|auto] [NS[=ADDR/PLEN]]...\n"
		"       xbr down\n"
		"       xbr show\n"
		"       xbr fdb { show | add | replace | del | flush } ...\n"
		"       xbr port { add NS [ADDR/PLEN] | del NS | set PORT ... | show }\n"
		"       xbr stats\n"
		"       xbr reload\n"
		"       xbr set { ageing SEC | icc on|off | neigh-suppress on|off | mode tc|xdp|auto }\n"
		"       xbr monitor [count N] [timeout SEC]\n"
		"       xbr help [OBJECT]\n"
		"OPTIONS := { -b NAME | -j | -p | -v | -h | -V }\n"
		"  -b, --bridge NAME  bridge to act on (default %s)\n"
		"  -j, --json         JSON output\n"
		"  -p, --pretty       indented JSON output (implies -j)\n"
		"  -v, --verbose      more messages; twice for libbpf's own log\n"
		"  -h, --help         this help\n"
		"  -V, --version      print the version\n",
		XBR_DEFAULT_BRIDGE);
}

static int do_help(int argc, char **argv);

static int do_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("xbr %s\n", XBR_VERSION);
	return 0;
}

static const struct xbr_cmd objects[] = {
	{ "up", do_up, usage_up },
	{ "down", do_down, usage_down },
	{ "show", do_show, usage_show },
	{ "fdb", do_fdb, usage_fdb },
	{ "port", do_port, usage_port },
	{ "stats", do_stats, usage_stats },
	{ "reload", do_reload, usage_reload },
	{ "set", do_set, usage_set },
	{ "monitor", do_monitor, usage_monitor },
	{ "help", do_help, NULL },
	{ "version", do_version, NULL },
	{ NULL, NULL, NULL },
};

static int do_help(int argc, char **argv)
{
	const struct xbr_cmd *c;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = cmd_lookup(objects, argv[1]);
	if (!c || !c->usage) {
		usage(stdout);
		return 0;
	}
	c->usage(stdout);
	return 0;
}

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

/*
 * Global options may appear anywhere (`xbr fdb -j`); they are taken out of
 * argv and the rest is left in order for the object.
 */
static int parse_globals(int *argc, char **argv)
{
	int i, out = 0;

	for (i = 0; i < *argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (++i < *argc)
				argv[out++] = argv[i];
			break;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			g.json = true;
		} else if (!strcmp(a, "-p") || !strcmp(a, "--pretty")) {
			g.json = g.pretty = true;
		} else if (!strcmp(a, "-jp") || !strcmp(a, "-pj")) {
			g.json = g.pretty = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			xbr_verbosity++;
		} else if (!strcmp(a, "-vv")) {
			xbr_verbosity += 2;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			g.help = true;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			g.version = true;
		} else if (!strcmp(a, "-b") || !strcmp(a, "--bridge")) {
			if (i + 1 >= *argc) {
				pr_warn("option %s needs a bridge name", a);
				return -EINVAL;
			}
			g.bridge = argv[++i];
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	return 0;
}

int main(int argc, char **argv)
{
	const struct xbr_cmd *c;
	int err;

	argc--;
	argv++;
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
	if (parse_globals(&argc, argv))
		return 1;
	xbr_log_setup_libbpf();
	if (g.version)
		return do_version(0, NULL);
	if (argc == 0) {
		usage(g.help ? stdout : stderr);
		return g.help ? 0 : 1;
	}
	err = xbr_check_name(g.bridge);
	if (err) {
		pr_warn("bridge name \"%s\": %s", g.bridge,
			err == -ENAMETOOLONG ? "longer than 15 characters" :
					       "use letters, digits, '_', '-' and '.' only");
		return 1;
	}
	if (strlen(g.bridge) > 12) {
		pr_warn("bridge name \"%s\": at most 12 characters (its gateway port is <name>-gw)",
			g.bridge);
		return 1;
	}
	c = cmd_lookup(objects, argv[0]);
	if (!c) {
		pr_warn("object \"%s\" is unknown, try \"xbr help\"", argv[0]);
		return 1;
	}
	if (g.help && c->usage) {
		c->usage(stdout);
		return 0;
	}
	return c->fn(argc, argv) ? 1 : 0;
}
