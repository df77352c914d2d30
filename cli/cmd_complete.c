// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Bash completion from the command table: `xbr __complete CWORD WORD...`
 * prints the candidates for word number CWORD of the line WORD... (the words
 * after "xbr"), one per line; the script completion/xbr only calls it. Values
 * that name live things (ports, MACs, bridges) are read from the pinned maps
 * without the command lock, and quietly not offered when that fails (not
 * root, bridge not up).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "cmd.h"

/* Printed alone: "complete a file name" (the script asks bash for them). */
#define COMPL_FILE ":file"

static const char *cur; /* the word being completed (after "--opt=", if any) */
static char cur_opt[64]; /* "--opt=" when the word is "--opt=VALUE" */

static void offer(const char *w)
{
	if (!strncmp(w, cur, strlen(cur)))
		printf("%s%s\n", cur_opt, w);
}

/* The literal words of a metavariable: "tc|xdp|auto". */
static void offer_words(const char *arg)
{
	char buf[64], *save = NULL, *w;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save))
		if (w[0] < 'A' || w[0] > 'Z')
			offer(w);
}

static void offer_port(const struct xbr_port *p, void *ctx)
{
	int names_only = *(const int *)ctx;

	if (p->name[0])
		offer(p->name);
	if (!names_only && (p->flags & XBR_PORT_F_GATEWAY))
		offer("gateway");
	if (!names_only)
		offer(p->ifname);
}

static void offer_ports(const char *bridge, int names_only)
{
	br_peek_ports(bridge, offer_port, &names_only);
}

static void offer_mac(const uint8_t m[6], void *ctx)
{
	char mac[XBR_MAC_STRLEN];

	(void)ctx;
	xbr_format_mac(m, mac);
	offer(mac);
}

static void offer_macs(const char *bridge)
{
	br_peek_macs(bridge, 4096, offer_mac, NULL);
}

static void offer_bridges(void)
{
	DIR *d = opendir(XBR_PIN_ROOT);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			offer(de->d_name);
	closedir(d);
}

static void offer_cmds(const struct xbr_cmd *table)
{
	const struct xbr_cmd *c;

	for (c = table; c && c->name; c++)
		if (!(c->flags & XBR_CMD_HIDDEN))
			offer(c->name);
}

static void offer_value(enum xbr_compl compl, const char *arg, const char *bridge)
{
	switch (compl) {
	case XBR_C_WORDS:
		offer_words(arg);
		break;
	case XBR_C_PORT:
	case XBR_C_PORTNAME:
		offer_ports(bridge, compl == XBR_C_PORTNAME);
		break;
	case XBR_C_MAC:
		offer_macs(bridge);
		break;
	case XBR_C_BRIDGE:
		offer_bridges();
		break;
	case XBR_C_FILE:
		printf("%s\n", COMPL_FILE);
		break;
	default:
		break;
	}
}

/* Index of the global option @w, or -1. */
static int global_index(const char *w)
{
	int k;

	for (k = 0; xbr_global_opts[k].name; k++)
		if (!strcmp(w, xbr_global_opts[k].name) ||
		    (w[0] == '-' && w[1] == xbr_global_short[k] && !w[2]))
			return k;
	return -1;
}

int complete_main(int argc, char **argv)
{
	const struct xbr_cmd *table = xbr_objects, *c = NULL, *help_obj = NULL, *obj = NULL;
	const char *bridge = XBR_DEFAULT_BRIDGE;
	char given[XBR_MAX_OPTS] = { 0 };
	int cword, nwords, i, k, npos = 0, amb, dflt;
	char **words;

	if (argc < 1)
		return 1;
	cword = atoi(argv[0]);
	words = argv + 1;
	nwords = argc - 1;
	if (cword < 0 || cword > nwords)
		return 1;
	cur = cword < nwords ? words[cword] : "";

	for (i = 0; i < cword; i++) {
		const char *w = words[i];

		k = global_index(w);
		if (k >= 0) {
			if (xbr_global_opts[k].arg) {
				if (i + 1 == cword) {
					offer_value(xbr_global_opts[k].compl, NULL, bridge);
					return 0;
				}
				if (i + 1 < cword && k == 0)
					bridge = words[i + 1];
				i++;
			}
			continue;
		}
		if (!c) {
			/* The dispatcher's own walk (cmd_step). */
			const struct xbr_cmd *d = cmd_step(&table, &obj, w, &amb, &dflt);

			if (!d)
				return 0;
			if (dflt)
				i--; /* `xbr fdb port ...`: the word is the default's option */
			if (!d->cmds)
				c = d;
			continue;
		}
		k = cmd_opt_index(c->opts, w);
		if (k >= 0 && k < XBR_MAX_OPTS) {
			given[k] = 1;
			if (c->opts[k].arg) {
				if (i + 1 == cword) {
					offer_value(c->opts[k].compl, c->opts[k].arg, bridge);
					return 0;
				}
				i++;
			}
			continue;
		}
		if (npos == 0 && c->args_compl == XBR_C_CMD)
			help_obj = cmd_lookup(xbr_objects, w, &amb);
		npos++;
	}

	if (!strncmp(cur, "--", 2) && strchr(cur, '=')) {
		/* "--mode=x": the values of --mode after "--mode=" */
		const char *eq = strchr(cur, '=');

		snprintf(cur_opt, sizeof(cur_opt), "%.*s", (int)(eq - cur + 1), cur);
		cur_opt[eq - cur] = '\0';
		k = global_index(cur_opt);
		if (k >= 0) {
			cur_opt[eq - cur] = '=';
			cur = eq + 1;
			offer_value(xbr_global_opts[k].compl, NULL, bridge);
			return 0;
		}
		k = c ? cmd_opt_index(c->opts, cur_opt) : -1;
		cur_opt[eq - cur] = '=';
		cur = eq + 1;
		if (k >= 0)
			offer_value(c->opts[k].compl, c->opts[k].arg, bridge);
		return 0;
	}
	if (cur[0] == '-') {
		for (k = 0; xbr_global_opts[k].name; k++)
			offer(xbr_global_opts[k].name);
	}
	if (!c) {
		offer_cmds(table);
		if (obj)
			offer("help");
		return 0;
	}
	for (k = 0; c->opts && c->opts[k].name; k++) {
		int o, taken = given[k];

		for (o = 0; c->opts[k].group && c->opts[o].name; o++)
			if (given[o] && c->opts[o].group == c->opts[k].group)
				taken = 1;
		if (!taken)
			offer(c->opts[k].name);
	}
	if (c->max_args < 0 || npos < c->max_args) {
		if (c->args_compl == XBR_C_CMD)
			offer_cmds(npos == 0 ? xbr_objects : help_obj ? help_obj->cmds : NULL);
		else
			offer_value(c->args_compl, c->args, bridge);
	}
	if (c->args_compl != XBR_C_CMD)
		offer("help"); /* `help` itself offers the objects, "help" among them */
	return 0;
}
