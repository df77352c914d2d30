// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The CLI's table of objects and global options, and the one parser and
 * dispatcher every command goes through (see cmd.h for the table's shape).
 */
#include <errno.h>
#include <string.h>
#include "bridge.h"
#include "cmd.h"
#include "log.h"
#include "parse.h"

struct xbr_globals g = { .bridge = XBR_DEFAULT_BRIDGE };

/* Global options: anywhere on the line (`xbr fdb -j`); short forms below. */
const struct xbr_opt xbr_global_opts[] = {
	{ .name = "--bridge", .arg = "NAME", .compl = XBR_C_BRIDGE,
	  .help = "bridge to act on (default " XBR_DEFAULT_BRIDGE "; 1-12 of A-Z a-z 0-9 _ -)" },
	{ .name = "--json", .help = "JSON output: one document (monitor: an object a line)" },
	{ .name = "--pretty", .help = "indented JSON output (implies -j)" },
	{ .name = "--verbose", .help = "more messages; twice for libbpf's own log" },
	{ .name = "--help", .help = "help of the object or command given" },
	{ .name = "--version", .help = "print xbr's, libbpf's and the datapath's versions" },
	{ .name = NULL },
};
const char xbr_global_short[] = "bjpvhV";

/*
 * The objects. A new object is one entry here, its commands a table in its
 * own cmd_<object>.c (see xbr_fdb_cmds); a new command of an existing object
 * is one entry in that object's table.
 */
const struct xbr_cmd xbr_objects[] = {
	{ .name = "up", .args = "[NS[=ADDR/PLEN]]...", .min_args = 0, .max_args = -1,
	  .summary = "create the bridge, its gateway and one namespace per NS",
	  .help = "Without NS: the lab, ns1 and ns2. A name without an address gets the next\n"
		  "free one, counting up from the first address of the gateway's /24.\n"
		  "On a bridge that is up with another build's datapath: `xbr reload`.\n"
		  "-f FILE: the bridge `xbr save` wrote, brought back (DIR: each *.conf).",
	  .opts = xbr_up_opts, .fn = do_up, .flags = XBR_CMD_JSON },
	{ .name = "down", .summary = "remove the bridge: namespaces, veth pairs, gateway, pins",
	  .help = "Succeeds when the bridge is already gone; fails, naming what is left,\n"
		  "when something could not be removed.",
	  .fn = do_down },
	{ .name = "show", .summary = "the bridge and its ports", .fn = do_show,
	  .help = "The way out (nat masquerade, off or internal), and whether the kernel\n"
		  "still holds its nf_tables rules (\"rules missing: run xbr restore\" when\n"
		  "not); per port: ifindex, host-side ifname, namespace, station MAC,\n"
		  "addresses, flags.",
	  .flags = XBR_CMD_JSON },
	{ .name = "fdb", .summary = "the forwarding table", .cmds = xbr_fdb_cmds, .dflt = "show" },
	{ .name = "port", .summary = "ports: namespaces joined to the bridge", .cmds = xbr_port_cmds,
	  .dflt = "show" },
	{ .name = "dns", .summary = "the names the bridge answers DNS queries for",
	  .help = "Each port's own name (a station's or attached port's name, when a DNS\n"
		  "label) and its aliases (`port add ... name N`): asked as NAME or\n"
		  "NAME.BRIDGE at the gateway's address, port 53, they are answered by the\n"
		  "datapath (A, AAAA, PTR); other names go on to the host's resolvers.",
	  .fn = do_dns, .flags = XBR_CMD_JSON },
	{ .name = "stats", .summary = "counters per port and for the bridge", .fn = do_stats,
	  .help = "Per port: rx/tx packets and bytes, flooded frames, entries learned, drops by\n"
		  "reason (runt, no-port, same-port, bad-src, locked, isolated, redirect, spoof,\n"
		  "too-big, tunnel: from an uplink without the uplink's VNI or not from one of\n"
		  "its peers). Bridge-wide: learned, moved, aged, evicted, refused (table full),\n"
		  "refused-port (port at max-learned), deleted, ev-lost (events not published);\n"
		  "DNS queries to the gateway: answered, nxdomain, refused (another class),\n"
		  "forwarded (left to the host's resolvers).",
	  .flags = XBR_CMD_JSON },
	{ .name = "reload", .summary = "swap in this build's datapath, keeping table and counters",
	  .help = "Atomic per port (tc filter replace, XDP program replace); the learned table,\n"
		  "counters, ports and mode stay. A bridge an older xbr brought up with another\n"
		  "layout of pinned maps is migrated live; one of a newer layout is refused.",
	  .fn = do_reload },
	{ .name = "restore", .summary = "rebuild the bridge's nf_tables table from what was set",
	  .help = "After `nft flush ruleset` or a restart of nftables.service: table inet\n"
		  "xbr-BRIDGE as the pinned config (nat mode, internal) and the record of\n"
		  "publications say, in one batch; no other table is touched. Nothing is\n"
		  "written when the table is complete. --all: every bridge that is up\n"
		  "(what xbr-restore.service runs).",
	  .opts = xbr_restore_opts, .fn = do_restore, .flags = XBR_CMD_JSON },
	{ .name = "set", .summary = "change a live bridge", .cmds = xbr_set_cmds },
	{ .name = "publish", .summary = "the host's ports published to stations (DNAT, no proxy)",
	  .cmds = xbr_publish_cmds, .dflt = "show" },
	{ .name = "uplink", .summary = "VXLAN uplinks: one segment across hosts",
	  .cmds = xbr_uplink_cmds, .dflt = "show" },
	{ .name = "save", .args = "[FILE]", .max_args = 1, .args_compl = XBR_C_FILE,
	  .summary = "write the bridge's configuration as xbr command lines (`up -f` reads it)",
	  .help = "To FILE (written whole or not at all, mode 0644), or standard output when\n"
		  "FILE is absent or -. Settings, stations and their addresses, port flags,\n"
		  "static and sticky entries, publications, uplinks and peers; attached and\n"
		  "CNI ports are their owners' to bring back (a comment line says so).",
	  .fn = do_save },
	{ .name = "monitor", .summary = "forwarding-table events as they happen",
	  .help = "learned, moved, aged, evicted, deleted, added: one line each (one JSON object\n"
		  "a line with -j), until interrupted, N events were printed or SEC seconds passed.\n"
		  "--restore: also put the bridge's nf_tables table back (as `xbr restore`) each\n"
		  "time someone flushes or changes it, one line per restore.",
	  .opts = xbr_monitor_opts, .fn = do_monitor, .flags = XBR_CMD_JSON },
	{ .name = "help", .args = "[OBJECT [COMMAND]]", .max_args = 2, .args_compl = XBR_C_CMD,
	  .summary = "usage of xbr, an object or a command (-j: the command table as JSON)",
	  .fn = do_help, .flags = XBR_CMD_NO_BRIDGE | XBR_CMD_JSON },
	{ .name = "version", .summary = "xbr's, libbpf's and the datapath's versions (as -V)",
	  .fn = do_version, .flags = XBR_CMD_NO_BRIDGE | XBR_CMD_JSON },
	{ .name = "__man-synopsis", .summary = "the man page's SYNOPSIS section (make man)",
	  .fn = do_man_synopsis, .flags = XBR_CMD_NO_BRIDGE | XBR_CMD_HIDDEN },
	{ .name = NULL },
};

static int names_match(const struct xbr_cmd *c, const char *word)
{
	return !strcmp(word, c->name) || (c->alias && !strcmp(word, c->alias));
}

const struct xbr_cmd *cmd_lookup(const struct xbr_cmd *table, const char *word, int *ambiguous)
{
	const struct xbr_cmd *c, *found = NULL;

	*ambiguous = 0;
	for (c = table; c->name; c++)
		if (names_match(c, word))
			return c;
	/* Unambiguous prefixes (`xbr fdb fl`); an alias of the same command
	 * is not a second match. Hidden commands only by their full name. */
	for (c = table; c->name; c++) {
		if (c->flags & XBR_CMD_HIDDEN)
			continue;
		if (!xbr_matches(word, c->name) && !(c->alias && xbr_matches(word, c->alias)))
			continue;
		if (found && found != c) {
			*ambiguous = 1;
			return NULL;
		}
		found = c;
	}
	return found;
}

const struct xbr_cmd *cmd_step(const struct xbr_cmd **table, const struct xbr_cmd **obj,
			       const char *word, int *amb, int *dflt)
{
	const struct xbr_cmd *c = cmd_lookup(*table, word, amb), *d;

	*dflt = 0;
	if (!c && !*amb && *obj && (*obj)->dflt && *table == (*obj)->cmds) {
		d = cmd_lookup(*table, (*obj)->dflt, amb);
		if (d && cmd_opt_index(d->opts, word) >= 0) {
			*dflt = 1;
			return d;
		}
		*amb = 0;
		return NULL;
	}
	if (c && c->cmds) {
		*obj = c;
		*table = c->cmds;
	}
	return c;
}

int cmd_opt_index(const struct xbr_opt *opts, const char *name)
{
	int i;

	for (i = 0; opts && opts[i].name; i++)
		if (!strcmp(name, opts[i].name) || (opts[i].alias && !strcmp(name, opts[i].alias)))
			return i;
	return -1;
}

/* Index of the option @word names: exact, or an unambiguous prefix of a
 * "--" option. -1 unknown, -2 ambiguous. */
static int opt_find(const struct xbr_opt *opts, const char *word, size_t len)
{
	int i, found = -1;

	for (i = 0; opts && opts[i].name; i++) {
		if ((strlen(opts[i].name) == len && !strncmp(word, opts[i].name, len)) ||
		    (opts[i].alias && strlen(opts[i].alias) == len &&
		     !strncmp(word, opts[i].alias, len)))
			return i;
	}
	if (strncmp(word, "--", 2) || len <= 2)
		return -1;
	for (i = 0; opts && opts[i].name; i++) {
		if (!strncmp(opts[i].name, "--", 2) && strlen(opts[i].name) > len &&
		    !strncmp(word, opts[i].name, len)) {
			if (found >= 0)
				return -2;
			found = i;
		}
	}
	return found;
}

/* "tc|xdp|auto" as "tc, xdp or auto". */
static void words_or(const char *arg, char *buf, size_t len)
{
	const char *p = arg, *bar;
	size_t n = 0;

	buf[0] = '\0';
	while (p && *p && n < len) {
		bar = strchr(p, '|');
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%.*s", !n ? "" : bar ? ", " : " or ",
			 (int)(bar ? (size_t)(bar - p) : strlen(p)), p);
		p = bar ? bar + 1 : NULL;
	}
}

/* Index (from 1) of @val among @arg's "a|b|c" words, 0 if none. */
static int word_index(const char *arg, const char *val)
{
	size_t n = strlen(val);
	const char *p = arg;
	int i = 1;

	for (; p; i++) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (n && len == n && !strncmp(p, val, n))
			return i;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

/*
 * Check @val against option @o's type and write it into the command's
 * struct @dst. 0, or -EINVAL after the one line every command shares:
 * `WHO: OPTION "VALUE" is not WHAT`.
 */
static int opt_store(const struct xbr_opt *o, const char *who, const char *val, unsigned char *dst)
{
	void *at = o->off ? dst + o->off - 1 : NULL;
	char what[128];

	what[0] = '\0';
	switch (o->type) {
	case XBR_T_FLAG:
		if (at)
			*(bool *)at = true;
		return 0;
	case XBR_T_STR:
		break;
	case XBR_T_PATH:
		if (!*val)
			snprintf(what, sizeof(what), "a path");
		break;
	case XBR_T_IFNAME:
		if (xbr_check_name(val))
			snprintf(what, sizeof(what),
				 "an interface name (1-15 letters, digits, '_', '-', '.')");
		break;
	case XBR_T_U32: {
		struct xbr_opt_u32 u = { .set = true };

		if (xbr_parse_u32(val, o->min, o->max, &u.v))
			snprintf(what, sizeof(what), "a number in %u..%u", o->min, o->max);
		else if (at)
			memcpy(at, &u, sizeof(u));
		break;
	}
	case XBR_T_ONOFF: {
		int on = xbr_parse_onoff(val);

		if (on < 0)
			snprintf(what, sizeof(what), "on or off");
		else if (at)
			*(enum xbr_onoff *)at = on ? XBR_ON : XBR_OFF;
		break;
	}
	case XBR_T_ENUM: {
		int i = word_index(o->arg, val);

		if (!i)
			words_or(o->arg, what, sizeof(what));
		else if (at)
			*(int *)at = i;
		break;
	}
	case XBR_T_ADDR4: {
		struct xbr_opt_addr4 v4 = { .set = true };

		if (xbr_parse_ipv4(val, &v4.addr))
			snprintf(what, sizeof(what), "an IPv4 address");
		else if (at)
			memcpy(at, &v4, sizeof(v4));
		break;
	}
	case XBR_T_PREFIX4: {
		struct xbr_opt_prefix4 p = { .set = true };

		if (xbr_parse_cidr(val, &p.addr, &p.plen) || p.plen < o->min || p.plen > o->max)
			snprintf(what, sizeof(what), "an IPv4 prefix A.B.C.D/PLEN with PLEN %u..%u",
				 o->min, o->max);
		else if (at)
			memcpy(at, &p, sizeof(p));
		break;
	}
	case XBR_T_MAC: {
		struct xbr_opt_mac m = { .set = true };

		if (xbr_parse_mac(val, m.mac))
			snprintf(what, sizeof(what), "a MAC address");
		else if (at)
			memcpy(at, &m, sizeof(m));
		break;
	}
	}
	if (what[0]) {
		pr_warn("%s: %s \"%s\" is not %s", who, o->name, val, what);
		return -EINVAL;
	}
	if (at && (o->type == XBR_T_STR || o->type == XBR_T_PATH || o->type == XBR_T_IFNAME))
		*(const char **)at = val;
	return 0;
}

int cmd_parse_args(const struct xbr_cmd *c, const char *path, int argc, char **argv,
		   struct xbr_args *a)
{
	char who[160];
	int i, k;

	memset(a, 0, sizeof(*a));
	a->cmd = c;
	a->path = path;
	a->pos = argv; /* positional words are packed at the front of argv */
	for (i = 0; i < argc; i++) {
		const char *w = argv[i], *eq = NULL, *val;
		size_t len = strlen(w);

		/* Messages name the command and, once known, what it acts on
		 * (`port add "c1": ...`, `fdb add "MAC": ...`). */
		if (a->npos > 0 && c->min_args > 0)
			snprintf(who, sizeof(who), "%s \"%s\"", path, argv[0]);
		else
			snprintf(who, sizeof(who), "%s", path);

		if (!strcmp(w, "help"))
			return XBR_ARGS_HELP; /* a keyword, never a name */
		if (!strncmp(w, "--", 2) && (eq = strchr(w, '=')))
			len = (size_t)(eq - w); /* --subnet=10.0.0.0/16 */
		k = opt_find(c->opts, w, len);
		if (k == -2) {
			pr_warn("%s: option \"%.*s\" is ambiguous, try \"xbr %s help\"", who, (int)len,
				w, path);
			return -EINVAL;
		}
		if (k < 0) {
			if (w[0] == '-' && w[1]) { /* "-" alone: a name (stdout) */
				pr_warn("%s: unknown option \"%s\", try \"xbr %s help\"", who, w, path);
				return -EINVAL;
			}
			if (c->max_args >= 0 && a->npos >= c->max_args) {
				pr_warn("%s: unexpected argument \"%s\", try \"xbr %s help\"", who, w,
					path);
				return -EINVAL;
			}
			argv[a->npos++] = argv[i];
			continue;
		}
		if (k >= XBR_MAX_OPTS)
			return -E2BIG; /* a table bigger than XBR_MAX_OPTS: caught by the unit tests */
		if (a->val[k] && !(c->opts[k].flags & XBR_OPT_REPEAT)) {
			pr_warn("%s: option \"%s\" given twice", who, c->opts[k].name);
			return -EINVAL;
		}
		if (c->opts[k].arg) {
			if (eq) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				pr_warn("%s: option \"%s\" needs a value (%s)", who, w, c->opts[k].arg);
				return -EINVAL;
			}
			if (!strcmp(val, "help"))
				return XBR_ARGS_HELP;
		} else {
			if (eq) {
				pr_warn("%s: option \"%.*s\" takes no value", who, (int)len, w);
				return -EINVAL;
			}
			val = "";
		}
		if (c->opts[k].group) {
			int o;

			for (o = 0; c->opts[o].name; o++) {
				if (o != k && a->val[o] && c->opts[o].group == c->opts[k].group) {
					pr_warn("%s: \"%s\" and \"%s\" exclude each other", who,
						c->opts[o].name, c->opts[k].name);
					return -EINVAL;
				}
			}
		}
		if (c->opts[k].flags & XBR_OPT_REPEAT) {
			if (a->nrep >= XBR_MAX_REPEAT) {
				pr_warn("%s: option \"%s\" given more than %d times", who,
					c->opts[k].name, XBR_MAX_REPEAT);
				return -EINVAL;
			}
			a->rep[a->nrep++] = val;
		}
		if (!(c->opts[k].flags & XBR_OPT_REPEAT) && opt_store(&c->opts[k], who, val, a->o))
			return -EINVAL;
		a->val[k] = val;
	}
	if (a->npos < c->min_args) {
		char syn[512];

		help_synopsis(syn, sizeof(syn), path, c);
		pr_warn("%s: expected %s, try \"xbr %s help\"", path, syn + strlen(path) + 1, path);
		return -EINVAL;
	}
	for (k = 0; c->opts && c->opts[k].name; k++) {
		if ((c->opts[k].flags & XBR_OPT_REQUIRED) && !a->val[k]) {
			pr_warn("%s%s%s%s: \"%s %s\" is missing, try \"xbr %s help\"", path,
				a->npos ? " \"" : "", a->npos ? argv[0] : "", a->npos ? "\"" : "",
				c->opts[k].name,
				c->opts[k].arg ? c->opts[k].arg : "", path);
			return -EINVAL;
		}
	}
	return 0;
}

/* Apply global option @i (its index in xbr_global_opts) with value @val. */
static int global_set(int i, const char *val)
{
	switch (xbr_global_short[i]) {
	case 'b':
		g.bridge = val;
		g.bridge_given = true;
		break;
	case 'j':
		g.json = true;
		break;
	case 'p':
		g.json = g.pretty = true;
		break;
	case 'v':
		xbr_verbosity++;
		break;
	case 'h':
		g.help = true;
		break;
	case 'V':
		g.version = true;
		break;
	}
	return 0;
}

/* Is @a a bundle of short global flags ("-jp", "-vv")? Apply them if so. */
static int short_bundle(const char *a)
{
	const char *p, *s;

	if (a[0] != '-' || !a[1] || a[1] == '-')
		return 0;
	for (p = a + 1; *p; p++) {
		s = strchr(xbr_global_short, *p);
		if (!s || xbr_global_opts[s - xbr_global_short].arg)
			return 0;
	}
	for (p = a + 1; *p; p++)
		global_set((int)(strchr(xbr_global_short, *p) - xbr_global_short), "");
	return 1;
}

int cmd_parse_globals(int *argc, char **argv)
{
	int i, k, out = 0;

	for (i = 0; i < *argc; i++) {
		const char *a = argv[i], *eq;
		size_t len = strlen(a);

		if (!strcmp(a, "--")) {
			while (++i < *argc)
				argv[out++] = argv[i];
			break;
		}
		if (short_bundle(a))
			continue;
		eq = strncmp(a, "--", 2) ? NULL : strchr(a, '=');
		if (eq)
			len = (size_t)(eq - a);
		for (k = 0; xbr_global_opts[k].name; k++) {
			const char *longn = xbr_global_opts[k].name;

			if ((strlen(longn) == len && !strncmp(a, longn, len)) ||
			    (len == 2 && a[0] == '-' && a[1] == xbr_global_short[k]))
				break;
		}
		if (!xbr_global_opts[k].name) {
			argv[out++] = argv[i];
			continue;
		}
		if (xbr_global_opts[k].arg) {
			if (eq) {
				global_set(k, eq + 1);
			} else if (i + 1 < *argc) {
				global_set(k, argv[++i]);
			} else {
				pr_warn("option %s needs a %s", a, k == 0 ? "bridge name" : "value");
				return -EINVAL;
			}
		} else if (eq) {
			pr_warn("option %.*s takes no value", (int)len, a);
			return -EINVAL;
		} else {
			global_set(k, "");
		}
	}
	*argc = out;
	return 0;
}

int cmd_check_bridge_name(const char *name)
{
	const char *why = xbr_bridge_name_problem(name);

	if (!why)
		return 0;
	pr_warn("bridge name \"%s\": %s", name, why);
	return -EINVAL;
}

/* The commands of @table that @word is a prefix of: "show, stats, set". */
static const char *prefix_matches(const struct xbr_cmd *table, const char *word)
{
	static char buf[160];
	const struct xbr_cmd *c;

	buf[0] = '\0';
	for (c = table; c->name; c++)
		if (!(c->flags & XBR_CMD_HIDDEN) && xbr_matches(word, c->name))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 buf[0] ? ", " : "", c->name);
	return buf;
}

/* Append " @word" to the command path in @path. */
static void path_add(char *path, size_t len, const char *word)
{
	size_t n = strlen(path);

	snprintf(path + n, len - n, "%s%s", n ? " " : "", word);
}

/* Help of @c at @path: text, or its entry of the table with -j. */
static int show_help(const char *path, const struct xbr_cmd *c)
{
	if (g.json)
		help_json(stdout, path, c);
	else
		help_cmd(stdout, path, c);
	return 0;
}

static int run_leaf(const struct xbr_cmd *c, const char *path, int argc, char **argv)
{
	struct xbr_args a;
	unsigned int warned;
	int err;

	if (g.help)
		return show_help(path, c);
	err = cmd_parse_args(c, path, argc, argv, &a);
	if (err == XBR_ARGS_HELP)
		return show_help(path, c);
	if (err)
		return 1;
	if (!(c->flags & XBR_CMD_NO_BRIDGE) && cmd_check_bridge_name(g.bridge))
		return 1;
	warned = xbr_warnings;
	err = c->fn(&a);
	/* Never a silent failure: a path that did not say why gets this line. */
	if (err && xbr_warnings == warned)
		pr_warn("bridge \"%s\": %s: %s", g.bridge, path, strerror(err < 0 ? -err : err));
	return err ? 1 : 0;
}

int cmd_run(int argc, char **argv)
{
	const struct xbr_cmd *table = xbr_objects, *obj = NULL, *c, *sub;
	char path[64] = "";
	int amb, dflt;

	if (g.version)
		return do_version(NULL) ? 1 : 0;
	if (argc == 0 && g.help && g.json) {
		help_json(stdout, "", NULL);
		return 0;
	}
	if (argc == 0) {
		help_main(g.help ? stdout : stderr);
		return g.help ? 0 : 1;
	}
	for (;;) {
		const struct xbr_cmd *in = table;

		c = cmd_step(&table, &obj, argv[0], &amb, &dflt);
		if (!c && amb) {
			pr_warn("%s%s\"%s\" is ambiguous: %s", path, path[0] ? ": command " : "object ",
				argv[0], prefix_matches(in, argv[0]));
			return 1;
		}
		if (!c) {
			if (in == xbr_objects)
				pr_warn("object \"%s\" is unknown, try \"xbr help\"", argv[0]);
			else
				pr_warn("%s: command \"%s\" is unknown, try \"xbr %s help\"", path,
					argv[0], path);
			return 1;
		}
		path_add(path, sizeof(path), c->name);
		if (dflt) /* `xbr fdb port ns1`: fdb show, the word is its option */
			return run_leaf(c, path, argc, argv);
		argc--;
		argv++;
		if (!c->cmds)
			return run_leaf(c, path, argc, argv);
		/* An object with commands. */
		if ((g.help && argc == 0) || (argc > 0 && !strcmp(argv[0], "help")))
			return show_help(path, c);
		sub = NULL;
		if (c->dflt && (argc == 0 || argv[0][0] == '-')) {
			sub = cmd_lookup(c->cmds, c->dflt, &amb);
		} else if (argc == 0) {
			pr_warn("%s: a command is needed, try \"xbr %s help\"", path, path);
			return 1;
		}
		if (sub) {
			path_add(path, sizeof(path), sub->name);
			return run_leaf(sub, path, argc, argv);
		}
	}
}

int cmd_open_bridge(struct xbr_bridge **brp)
{
	int err = br_init(brp, g.bridge);

	if (!err)
		err = br_open(*brp);
	return err;
}
