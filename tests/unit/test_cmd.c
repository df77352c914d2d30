// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the command table and its parser (cli/cmd.c, cmd_help.c):
 * the tables are well formed, words resolve to commands (exact, alias,
 * unambiguous prefix; ambiguous and unknown refused), arguments parse into
 * options and positional words ("help" is always a keyword, a keyword never
 * a prefix), global options come out of any place, bridge names that bpffs
 * or interface naming cannot hold are refused, and the usage lines are
 * derived from the table.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include "cmd.h"
#include "log.h"

/* ---- the tables themselves ---- */

static void check_opts(const char *path, const struct xbr_opt *opts)
{
	int i, k;

	for (i = 0; opts && opts[i].name; i++) {
		assert_true(i < XBR_MAX_OPTS);
		assert_non_null(opts[i].help);
		assert_true(strlen(opts[i].help) > 0);
		/* names and aliases unique within the command */
		for (k = 0; k < i; k++) {
			assert_true(strcmp(opts[i].name, opts[k].name) != 0);
			if (opts[k].alias)
				assert_true(strcmp(opts[i].name, opts[k].alias) != 0);
		}
		/* a value completed from its words has words to offer */
		if (opts[i].compl == XBR_C_WORDS)
			assert_non_null(strchr(opts[i].arg, '|'));
		/* a flag in a group takes no value */
		if (opts[i].group)
			assert_null(opts[i].arg);
		/* typed: a flag has no value, a value has a type; words to
		 * choose from for on|off and enums; a range that holds */
		if (!opts[i].arg)
			assert_int_equal(opts[i].type, XBR_T_FLAG);
		else if (path[0]) /* (the global options are read by cmd_parse_globals) */
			assert_true(opts[i].type != XBR_T_FLAG || (opts[i].flags & XBR_OPT_REPEAT));
		if (opts[i].type == XBR_T_ONOFF)
			assert_string_equal(opts[i].arg, "on|off");
		if (opts[i].type == XBR_T_ENUM)
			assert_non_null(strchr(opts[i].arg, '|'));
		if (opts[i].type == XBR_T_U32 || opts[i].type == XBR_T_PREFIX4)
			assert_true(opts[i].min <= opts[i].max);
		/* every option lands in its command's struct but the repeated one */
		assert_true(opts[i].off > 0 || (opts[i].flags & XBR_OPT_REPEAT) || !path[0]);
		(void)path;
	}
}

static void check_table(const char *path, const struct xbr_cmd *table)
{
	const struct xbr_cmd *c, *d;
	int amb;

	for (c = table; c->name; c++) {
		assert_non_null(c->summary);
		for (d = table; d < c; d++) {
			assert_true(strcmp(c->name, d->name) != 0);
			assert_true(!d->alias || strcmp(c->name, d->alias) != 0);
		}
		if (c->cmds) {
			assert_null(c->fn);
			assert_null(c->opts);
			check_table(c->name, c->cmds);
			if (c->dflt) {
				d = cmd_lookup(c->cmds, c->dflt, &amb);
				assert_non_null(d);
				assert_string_equal(d->name, c->dflt);
			}
		} else {
			assert_non_null(c->fn);
			check_opts(c->name, c->opts);
			assert_true(c->max_args < 0 || c->max_args >= c->min_args);
			/* positional arguments are shown when there can be any */
			if (c->max_args != 0)
				assert_non_null(c->args);
		}
	}
	(void)path;
}

static void test_tables_well_formed(void **state)
{
	(void)state;
	check_table("", xbr_objects);
	check_opts("", xbr_global_opts);
	assert_int_equal(strlen(xbr_global_short), 6);
}

/* ---- lookup ---- */

static const struct xbr_cmd *find(const char *path)
{
	char buf[64], *w, *save = NULL;
	const struct xbr_cmd *table = xbr_objects, *c = NULL;
	int amb;

	snprintf(buf, sizeof(buf), "%s", path);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		c = cmd_lookup(table, w, &amb);
		assert_non_null(c);
		table = c->cmds;
	}
	return c;
}

static void test_lookup(void **state)
{
	const struct xbr_cmd *c;
	int amb;

	(void)state;
	c = cmd_lookup(xbr_objects, "fdb", &amb);
	assert_non_null(c);
	assert_string_equal(c->name, "fdb");
	/* an unambiguous prefix */
	c = cmd_lookup(xbr_objects, "mon", &amb);
	assert_string_equal(c->name, "monitor");
	/* ambiguous: show, stats, set */
	assert_null(cmd_lookup(xbr_objects, "s", &amb));
	assert_int_equal(amb, 1);
	/* unknown */
	assert_null(cmd_lookup(xbr_objects, "frob", &amb));
	assert_int_equal(amb, 0);
	/* an alias, and a prefix matching a command and its alias only */
	c = cmd_lookup(find("fdb")->cmds, "delete", &amb);
	assert_string_equal(c->name, "del");
	c = cmd_lookup(find("fdb")->cmds, "de", &amb);
	assert_string_equal(c->name, "del");
	c = cmd_lookup(find("fdb")->cmds, "li", &amb);
	assert_string_equal(c->name, "show");
	/* hidden commands only by their full name */
	assert_null(cmd_lookup(xbr_objects, "__man", &amb));
	assert_non_null(cmd_lookup(xbr_objects, "__man-synopsis", &amb));
	/* an empty word is nothing */
	assert_null(cmd_lookup(xbr_objects, "", &amb));
}

/* ---- arguments ---- */

/* The word given for option @name, by its table name (NULL: absent); a name
 * the table does not have fails the test. */
static const char *val(const struct xbr_args *a, const char *name)
{
	int i = cmd_opt_index(a->cmd->opts, name);

	assert_true(i >= 0);
	return a->val[i];
}

/* Parse a space-separated line for command @path; the parser's result. */
static int parse(const char *path, const char *line, struct xbr_args *a, char *store, char **argv)
{
	int argc = 0;
	char *w, *save = NULL;

	strcpy(store, line);
	for (w = strtok_r(store, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	return cmd_parse_args(find(path), path, argc, argv, a);
}

static void test_args(void **state)
{
	char store[256], *argv[32];
	struct xbr_args a;
	unsigned int w;

	(void)state;
	/* options with values, --opt=value, flags, positional words */
	assert_int_equal(parse("up", "--subnet 10.0.0.0/16 ns1 --no-icc ns2=10.0.1.1/16 --mode=xdp",
			       &a, store, argv), 0);
	assert_string_equal(val(&a, "--subnet"), "10.0.0.0/16");
	assert_string_equal(val(&a, "--mode"), "xdp");
	assert_string_equal(val(&a, "--no-icc"), "");
	assert_null(val(&a, "--gateway"));
	assert_int_equal(a.npos, 2);
	assert_string_equal(a.pos[0], "ns1");
	assert_string_equal(a.pos[1], "ns2=10.0.1.1/16");
	/* -f: the short spelling of --file; "-" alone is a word (save's stdout) */
	assert_int_equal(parse("up", "-f /etc/xbr/lab.conf", &a, store, argv), 0);
	assert_string_equal(val(&a, "--file"), "/etc/xbr/lab.conf");
	assert_int_equal(parse("save", "-", &a, store, argv), 0);
	assert_int_equal(a.npos, 1);
	assert_string_equal(a.pos[0], "-");
	assert_int_equal(parse("save", "a b", &a, store, argv), -EINVAL);
	/* an unambiguous prefix of a "--" option */
	assert_int_equal(parse("up", "--age 10", &a, store, argv), 0);
	assert_string_equal(val(&a, "--ageing"), "10");
	/* "--gateway" exactly is not ambiguous with --gateway6 */
	assert_int_equal(parse("up", "--gateway 10.0.0.1", &a, store, argv), 0);
	assert_string_equal(val(&a, "--gateway"), "10.0.0.1");
	/* "--subnet" exactly is not ambiguous with --subnet6 ... */
	assert_int_equal(parse("up", "--subnet 10.0.0.0/16", &a, store, argv), 0);
	/* ... but "--sub" is: one warning line */
	w = xbr_warnings;
	assert_int_equal(parse("up", "--sub 10.0.0.0/16", &a, store, argv), -EINVAL);
	assert_int_equal(xbr_warnings, w + 1);
	/* unknown option, missing value, given twice */
	assert_int_equal(parse("up", "--frob", &a, store, argv), -EINVAL);
	assert_int_equal(parse("up", "--subnet", &a, store, argv), -EINVAL);
	assert_int_equal(parse("up", "--ageing 5 --ageing 6", &a, store, argv), -EINVAL);
	assert_int_equal(parse("up", "--no-icc=1", &a, store, argv), -EINVAL);
	assert_int_equal(xbr_warnings, w + 5);
	/* help is a keyword wherever it stands, also as a value */
	assert_int_equal(parse("up", "help", &a, store, argv), XBR_ARGS_HELP);
	assert_int_equal(parse("up", "ns1 help", &a, store, argv), XBR_ARGS_HELP);
	assert_int_equal(parse("up", "--subnet help", &a, store, argv), XBR_ARGS_HELP);
	assert_int_equal(parse("port add", "help", &a, store, argv), XBR_ARGS_HELP);
	/* a keyword matches only exactly: "net" is a name, not "netns" */
	assert_int_equal(parse("port add", "net", &a, store, argv), 0);
	assert_int_equal(a.npos, 1);
	assert_null(val(&a, "netns"));
	assert_int_equal(parse("port add", "c1 netns /proc/1/ns/net 10.0.0.5/16 ifname eth1", &a,
			       store, argv), 0);
	assert_string_equal(val(&a, "netns"), "/proc/1/ns/net");
	assert_string_equal(val(&a, "ifname"), "eth1");
	assert_int_equal(a.npos, 2);
	/* too few, too many positional words */
	assert_int_equal(parse("port add", "", &a, store, argv), -EINVAL);
	assert_int_equal(parse("port del", "a b", &a, store, argv), -EINVAL);
	assert_int_equal(parse("down", "x", &a, store, argv), -EINVAL);
	/* a required keyword, a keyword's alias */
	assert_int_equal(parse("uplink add", "u1 vxlan local 198.51.100.1 remote 198.51.100.2", &a,
			       store, argv),
			 -EINVAL);
	assert_int_equal(parse("fdb add", "02:00:00:00:00:01 dev xbr0-ns1 sticky", &a, store, argv),
			 0);
	assert_string_equal(val(&a, "port"), "xbr0-ns1");
	assert_non_null(val(&a, "sticky"));
	/* flags of one group exclude one another */
	assert_int_equal(parse("fdb add", "02:00:00:00:00:01 port a static dynamic", &a, store,
			       argv), -EINVAL);
	assert_int_equal(parse("fdb flush", "dynamic static", &a, store, argv), -EINVAL);
	/* a repeatable keyword: every value in order; others still once */
	assert_int_equal(parse("uplink add",
			       "u1 vxlan id 1 remote 198.51.100.2 local 198.51.100.1 remote 2001:db8::2",
			       &a, store, argv), 0);
	assert_int_equal(a.nrep, 2);
	assert_string_equal(a.rep[0], "198.51.100.2");
	assert_string_equal(a.rep[1], "2001:db8::2");
	assert_int_equal(parse("uplink add", "u1 vxlan id 1 id 2 local a remote b", &a, store, argv),
			 -EINVAL);
	/* keyword pairs */
	assert_int_equal(parse("port set", "ns1 learning off max_learned 5", &a, store, argv), 0);
	assert_string_equal(val(&a, "learning"), "off");
	assert_string_equal(val(&a, "max-learned"), "5");
	assert_string_equal(a.pos[0], "ns1");
}

/* ---- typed options ---- */

struct typed_args {
	bool flag;
	const char *str, *path, *ifname;
	struct xbr_opt_u32 num;
	enum xbr_onoff onoff;
	int word;
	struct xbr_opt_addr4 a4;
	struct xbr_opt_prefix4 p4;
	struct xbr_opt_mac mac;
};
#define T(t, f) .type = t, XBR_AT(struct typed_args, f)
static const struct xbr_opt typed_opts[] = {
	{ .name = "flag", .help = "h", T(XBR_T_FLAG, flag) },
	{ .name = "str", .arg = "S", .help = "h", T(XBR_T_STR, str) },
	{ .name = "path", .arg = "P", .help = "h", T(XBR_T_PATH, path) },
	{ .name = "ifname", .arg = "IF", .help = "h", T(XBR_T_IFNAME, ifname) },
	{ .name = "num", .arg = "N", .help = "h", .min = 2, .max = 9, T(XBR_T_U32, num) },
	{ .name = "onoff", .arg = "on|off", .help = "h", T(XBR_T_ONOFF, onoff) },
	{ .name = "word", .arg = "tc|xdp|auto", .help = "h", T(XBR_T_ENUM, word) },
	{ .name = "a4", .arg = "IP", .help = "h", T(XBR_T_ADDR4, a4) },
	{ .name = "p4", .arg = "CIDR", .help = "h", .min = 8, .max = 30, T(XBR_T_PREFIX4, p4) },
	{ .name = "mac", .arg = "MAC", .help = "h", T(XBR_T_MAC, mac) },
	{ .name = NULL },
};
#undef T
static const struct xbr_cmd typed_cmd = { .name = "typed", .max_args = 1, .summary = "s",
					  .opts = typed_opts };

static int parse_typed(const char *line, struct xbr_args *a, char *msg, size_t len)
{
	char store[256], *argv[32], *w, *save = NULL;
	int argc = 0, rc;

	strcpy(store, line);
	for (w = strtok_r(store, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	xbr_log_capture(msg, len);
	rc = cmd_parse_args(&typed_cmd, "typed", argc, argv, a);
	xbr_log_capture(NULL, 0);
	msg[strcspn(msg, "\n")] = '\0';
	return rc;
}

/* Each type's value checked and written, typed, where the table says; a bad
 * value refused in the one wording every command shares. */
static void test_typed(void **state)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "path ", NULL }, /* (a missing value: the parser's own line) */
		{ "ifname a/b", "typed: ifname \"a/b\" is not an interface name (1-15 letters, digits, '_', '-', '.')" },
		{ "num 10", "typed: num \"10\" is not a number in 2..9" },
		{ "num x", "typed: num \"x\" is not a number in 2..9" },
		{ "onoff maybe", "typed: onoff \"maybe\" is not on or off" },
		{ "word tcp", "typed: word \"tcp\" is not tc, xdp or auto" },
		{ "a4 10.0.0", "typed: a4 \"10.0.0\" is not an IPv4 address" },
		{ "p4 10.0.0.0/31", "typed: p4 \"10.0.0.0/31\" is not an IPv4 prefix A.B.C.D/PLEN with PLEN 8..30" },
		{ "mac 02:00:00:00:00", "typed: mac \"02:00:00:00:00\" is not a MAC address" },
		{ "x num 3 mac zz", "typed: mac \"zz\" is not a MAC address" },
	};
	struct xbr_args a;
	const struct typed_args *t = XBR_OPTS(&a, struct typed_args);
	char msg[256];
	size_t i;

	(void)state;
	assert_int_equal(parse_typed("flag str s path /p ifname eth1 num 9 onoff off word auto "
				     "a4 10.0.0.1 p4 10.1.0.0/16 mac 02:00:00:00:00:0a",
				     &a, msg, sizeof(msg)), 0);
	assert_true(t->flag);
	assert_string_equal(t->str, "s");
	assert_string_equal(t->path, "/p");
	assert_string_equal(t->ifname, "eth1");
	assert_true(t->num.set);
	assert_int_equal(t->num.v, 9);
	assert_int_equal(t->onoff, XBR_OFF);
	assert_int_equal(t->word, 3);
	assert_true(t->a4.set);
	assert_int_equal(t->a4.addr, htonl(0x0a000001));
	assert_true(t->p4.set);
	assert_int_equal(t->p4.addr, htonl(0x0a010000));
	assert_int_equal(t->p4.plen, 16);
	assert_true(t->mac.set);
	assert_int_equal(t->mac.mac[5], 0x0a);
	/* absent: zero, not set */
	assert_int_equal(parse_typed("onoff on", &a, msg, sizeof(msg)), 0);
	assert_int_equal(t->onoff, XBR_ON);
	assert_false(t->flag || t->num.set || t->a4.set || t->p4.set || t->mac.set);
	assert_null(t->str);
	assert_int_equal(t->word, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_typed(bad[i].line, &a, msg, sizeof(msg)), -EINVAL);
		if (bad[i].msg)
			assert_string_equal(msg, bad[i].msg);
	}
}

/* ---- global options ---- */

static void test_globals(void **state)
{
	char b0[] = "fdb", b1[] = "-jp", b2[] = "show", b3[] = "-b", b4[] = "lab", b5[] = "-vv";
	char c0[] = "--bridge=x2", c1[] = "up", c2[] = "--", c3[] = "-j";
	char d0[] = "up", d1[] = "-b";
	char *argv[8];
	int argc, v0 = xbr_verbosity;

	(void)state;
	memset(&g, 0, sizeof(g));
	argv[0] = b0, argv[1] = b1, argv[2] = b2, argv[3] = b3, argv[4] = b4, argv[5] = b5;
	argc = 6;
	assert_int_equal(cmd_parse_globals(&argc, argv), 0);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[0], "fdb");
	assert_string_equal(argv[1], "show");
	assert_true(g.json && g.pretty);
	assert_string_equal(g.bridge, "lab");
	assert_int_equal(xbr_verbosity, v0 + 2);
	xbr_verbosity = v0;

	/* --bridge=NAME; after "--" nothing is a global option */
	memset(&g, 0, sizeof(g));
	argv[0] = c0, argv[1] = c1, argv[2] = c2, argv[3] = c3;
	argc = 4;
	assert_int_equal(cmd_parse_globals(&argc, argv), 0);
	assert_string_equal(g.bridge, "x2");
	assert_false(g.json);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "-j");

	/* -b without a name */
	argv[0] = d0, argv[1] = d1;
	argc = 2;
	assert_int_equal(cmd_parse_globals(&argc, argv), -EINVAL);
}

static void test_bridge_names(void **state)
{
	static const char *const good[] = { "xbr0", "a", "lab-2", "A_b", "abcdefghijkl" };
	static const char *const bad[] = { "", "br.0", ".", "..", "a/b", "a b", "-x", "b$r",
					   "a:b", "abcdefghijklm" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(cmd_check_bridge_name(good[i]), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cmd_check_bridge_name(bad[i]), -EINVAL);
}

/* ---- usage from the table ---- */

static void test_synopsis(void **state)
{
	char buf[512];

	(void)state;
	help_synopsis(buf, sizeof(buf), "fdb add", find("fdb add"));
	assert_string_equal(buf,
			    "fdb add MAC [port PORT] [uplink NAME] [dst ADDR] [static|sticky|dynamic]");
	help_synopsis(buf, sizeof(buf), "uplink add", find("uplink add"));
	assert_string_equal(buf, "uplink add NAME vxlan id VNI local ADDR [remote ADDR]... "
				 "[directory URL] [directory-ca FILE] [directory-cert FILE] "
				 "[directory-key FILE] [dstport PORT] [dev IFNAME]");
	help_synopsis(buf, sizeof(buf), "port add", find("port add"));
	assert_string_equal(buf, "port add NAME [ADDR/PLEN] [netns PATH] [ifname IF] [name NAME]...");
	help_synopsis(buf, sizeof(buf), "set icc", find("set icc"));
	assert_string_equal(buf, "set icc on|off");
	help_synopsis(buf, sizeof(buf), "up", find("up"));
	assert_string_equal(buf, "up [--subnet CIDR] [--gateway IP] [--subnet6 CIDR6] [--gateway6 IP6] [--ageing SEC] "
				 "[--fdb-size N] [--mtu N] [--publish-address IP] [--no-icc] [--mode tc|xdp|auto] "
				 "[--no-nat|--internal] [--no-nat6] "
				 "[--neigh-suppress on|off] [--no-dns] [--empty] [--file FILE|DIR] [NS[=ADDR/PLEN]]...");
	help_synopsis(buf, sizeof(buf), "save", find("save"));
	assert_string_equal(buf, "save [FILE]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_well_formed),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_bridge_names),
		cmocka_unit_test(test_synopsis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
