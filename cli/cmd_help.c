// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Everything the command table (cmd.h) says about itself: the usage text of
 * xbr, of an object and of a command, `xbr -j help` (the table as JSON),
 * the man page's SYNOPSIS section, and `xbr version`.
 */
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "bridge.h"
#include "cmd.h"
#include "json.h"
#include "log.h"

#ifndef XBR_VERSION
#define XBR_VERSION "0.1.0"
#endif

#define WIDTH 80
#define MAX_TOKENS 48
#define TOKEN_LEN 96

/* A usage line as tokens that wrapping never splits ("[--subnet CIDR]"). */
struct syn {
	char tok[MAX_TOKENS][TOKEN_LEN];
	int n;
};

static void syn_add(struct syn *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void syn_add(struct syn *s, const char *fmt, ...)
{
	va_list ap;

	if (s->n >= MAX_TOKENS)
		return;
	va_start(ap, fmt);
	vsnprintf(s->tok[s->n++], TOKEN_LEN, fmt, ap);
	va_end(ap);
}

static int is_long_opt(const struct xbr_opt *o)
{
	return !strncmp(o->name, "--", 2);
}

/* Options of @c: the "--" ones (@long_opts) or the keywords. */
static void syn_opts(struct syn *s, const struct xbr_cmd *c, int long_opts)
{
	const struct xbr_opt *o, *p;
	char buf[TOKEN_LEN];

	for (o = c->opts; o && o->name; o++) {
		if (is_long_opt(o) != long_opts)
			continue;
		if (o->group) {
			/* A group of flags, once, at its first member: [a|b|c]. */
			for (p = c->opts; p != o && p->group != o->group; p++)
				;
			if (p != o)
				continue;
			buf[0] = '\0';
			for (p = o; p->name; p++)
				if (p->group == o->group)
					snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
						 buf[0] ? "|" : "", p->name);
			syn_add(s, "[%s]", buf);
		} else if (o->flags & XBR_OPT_REQUIRED) {
			syn_add(s, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
			if (o->flags & XBR_OPT_REPEAT)
				syn_add(s, "[%s%s%s]...", o->name, o->arg ? " " : "",
					o->arg ? o->arg : "");
		} else if (o->flags & XBR_OPT_REPEAT) {
			syn_add(s, "[%s%s%s]...", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		} else {
			syn_add(s, "[%s%s%s]", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		}
	}
}

/* Positional arguments, split at spaces outside brackets. */
static void syn_args(struct syn *s, const char *args)
{
	char buf[TOKEN_LEN];
	size_t n = 0;
	int depth = 0;

	for (; args && *args; args++) {
		if (*args == '[' || *args == '{')
			depth++;
		else if (*args == ']' || *args == '}')
			depth--;
		if (*args == ' ' && depth == 0) {
			if (n) {
				buf[n] = '\0';
				syn_add(s, "%s", buf);
			}
			n = 0;
		} else if (n + 1 < sizeof(buf)) {
			buf[n++] = *args;
		}
	}
	if (n) {
		buf[n] = '\0';
		syn_add(s, "%s", buf);
	}
}

/* The usage of leaf command @c at @path ("fdb add"), without "xbr"; @dflt:
 * the object's default command, its name optional ("fdb [show]"). */
static void syn_cmd(struct syn *s, const char *path, const struct xbr_cmd *c, int dflt)
{
	const char *sp = strrchr(path, ' ');

	s->n = 0;
	if (dflt && sp)
		syn_add(s, "%.*s [%s]", (int)(sp - path), path, sp + 1);
	else
		syn_add(s, "%s", path);
	syn_opts(s, c, 1);
	syn_args(s, c->args);
	syn_opts(s, c, 0);
}

void help_synopsis(char *buf, size_t len, const char *path, const struct xbr_cmd *c)
{
	struct syn s;
	int i;

	syn_cmd(&s, path, c, 0);
	buf[0] = '\0';
	for (i = 0; i < s.n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "", s.tok[i]);
}

/*
 * Token @t as roff: literal words bold, metavariables (upper case) italic,
 * brackets, bars and dots plain, '-' escaped.
 */
static void roff_token(FILE *f, const char *t)
{
	while (*t) {
		size_t n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/-");
		int meta = n && t[0] >= 'A' && t[0] <= 'Z';
		size_t i;

		if (!n) {
			fputc(*t++, f);
			continue;
		}
		fputs(meta ? "\\fI" : "\\fB", f);
		for (i = 0; i < n; i++) {
			if (t[i] == '-')
				fputs("\\-", f);
			else
				fputc(t[i], f);
		}
		fputs("\\fR", f);
		t += n;
	}
}

/* Print tokens after @lead, wrapped at WIDTH (less the man page's own
 * indentation for roff), continuation lines indented. */
static void syn_print(FILE *f, const char *lead, const struct syn *s, int indent, int roff)
{
	size_t width = roff ? WIDTH - 10 : WIDTH;
	size_t col = strlen(lead);
	int i;

	if (roff)
		roff_token(f, lead);
	else
		fputs(lead, f);
	for (i = 0; i < s->n; i++) {
		size_t w = strlen(s->tok[i]);

		if (i > 0 && col + 1 + w > width) {
			fprintf(f, "\n%*s", indent, "");
			col = (size_t)indent;
		} else {
			fputc(' ', f);
			col++;
		}
		if (roff)
			roff_token(f, s->tok[i]);
		else
			fputs(s->tok[i], f);
		col += w;
	}
	fputc('\n', f);
}

static const char *usage_lead(const struct xbr_cmd *c)
{
	if (c->flags & XBR_CMD_NO_BRIDGE)
		return (c->flags & XBR_CMD_JSON) ? "xbr [-j [-p]]" : "xbr";
	return (c->flags & XBR_CMD_JSON) ? "xbr [-b NAME] [-j [-p]]" : "xbr [-b NAME]";
}

/* Usage lines of @c at @path (every command of an object), "Usage: " first. */
static void usage_lines(FILE *f, const char *path, const struct xbr_cmd *c, int *first)
{
	const struct xbr_cmd *sub;
	char lead[64], p[64];
	struct syn s;

	if (c->flags & XBR_CMD_HIDDEN)
		return;
	if (!c->cmds) {
		snprintf(lead, sizeof(lead), "%s%s", *first ? "Usage: " : "       ", usage_lead(c));
		syn_cmd(&s, path, c, 0);
		syn_print(f, lead, &s, 14, 0);
		*first = 0;
		return;
	}
	for (sub = c->cmds; sub->name; sub++) {
		snprintf(p, sizeof(p), "%s %s", path, sub->name);
		if (sub->flags & XBR_CMD_HIDDEN)
			continue;
		if (c->dflt && !strcmp(c->dflt, sub->name)) {
			snprintf(lead, sizeof(lead), "%s%s", *first ? "Usage: " : "       ",
				 usage_lead(sub));
			syn_cmd(&s, p, sub, 1);
			syn_print(f, lead, &s, 14, 0);
			*first = 0;
		} else {
			usage_lines(f, p, sub, first);
		}
	}
}

static void opt_lines(FILE *f, const struct xbr_opt *opts, const char *indent)
{
	const struct xbr_opt *o;
	char name[64];

	for (o = opts; o && o->name; o++) {
		snprintf(name, sizeof(name), "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		if (strlen(name) < 16)
			fprintf(f, "%s%-16s %s", indent, name, o->help);
		else
			fprintf(f, "%s%s\n%s%-16s %s", indent, name, indent, "", o->help);
		if (o->alias)
			fprintf(f, " (also: %s)", o->alias);
		fputc('\n', f);
	}
}

/* "  line\n  line\n": @text with each line indented. */
static void text_lines(FILE *f, const char *text, const char *indent)
{
	const char *nl;

	while (text && *text) {
		nl = strchr(text, '\n');
		fprintf(f, "%s%.*s\n", indent, nl ? (int)(nl - text) : (int)strlen(text), text);
		text = nl ? nl + 1 : NULL;
	}
}

/* @s ("the forwarding table") as a sentence: "The forwarding table." */
static void sentence(FILE *f, const char *s)
{
	int c = s[0];

	fprintf(f, "%c%s.\n", c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c, c ? s + 1 : "");
}

void help_cmd(FILE *f, const char *path, const struct xbr_cmd *c)
{
	const struct xbr_cmd *sub;
	int first = 1;

	usage_lines(f, path, c, &first);
	sentence(f, c->summary);
	if (!c->cmds) {
		text_lines(f, c->help, "");
		opt_lines(f, c->opts, "  ");
		return;
	}
	for (sub = c->cmds; sub->name; sub++) {
		if (sub->flags & XBR_CMD_HIDDEN)
			continue;
		fprintf(f, "%-8s %s%s\n", sub->name, sub->summary,
			c->dflt && !strcmp(c->dflt, sub->name) ? " (the default)" : "");
		text_lines(f, sub->help, "         ");
		opt_lines(f, sub->opts, "  ");
	}
}

void help_main(FILE *f)
{
	const struct xbr_cmd *c;
	struct syn s;
	char buf[TOKEN_LEN], path[64];
	int i;

	fprintf(f, "Usage: xbr [OPTIONS] OBJECT [COMMAND] [ARGS]\n");
	for (c = xbr_objects; c->name; c++) {
		if (c->flags & XBR_CMD_HIDDEN)
			continue;
		if (!c->cmds) {
			syn_cmd(&s, c->name, c, 0);
			syn_print(f, "       xbr", &s, 14, 0);
			continue;
		}
		buf[0] = '\0';
		for (const struct xbr_cmd *sub = c->cmds; sub->name; sub++)
			if (!(sub->flags & XBR_CMD_HIDDEN))
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
					 buf[0] ? " | " : "", sub->name);
		snprintf(path, sizeof(path), "%s", c->name);
		fprintf(f, "       xbr %s { %s } ...\n", path, buf);
	}
	fprintf(f, "OPTIONS := {");
	for (i = 0; xbr_global_opts[i].name; i++)
		fprintf(f, "%s -%c%s%s", i ? " |" : "", xbr_global_short[i],
			xbr_global_opts[i].arg ? " " : "",
			xbr_global_opts[i].arg ? xbr_global_opts[i].arg : "");
	fprintf(f, " }\n");
	for (i = 0; xbr_global_opts[i].name; i++) {
		snprintf(buf, sizeof(buf), "-%c, %s%s%s", xbr_global_short[i], xbr_global_opts[i].name,
			 xbr_global_opts[i].arg ? " " : "",
			 xbr_global_opts[i].arg ? xbr_global_opts[i].arg : "");
		fprintf(f, "  %-18s %s\n", buf, xbr_global_opts[i].help);
	}
	fprintf(f, "Objects:\n");
	for (c = xbr_objects; c->name; c++)
		if (!(c->flags & XBR_CMD_HIDDEN))
			fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "`xbr help OBJECT [COMMAND]`, `xbr OBJECT help` and `xbr OBJECT COMMAND help`\n"
		   "show more; prefixes of objects and commands are accepted when unambiguous.\n");
}

/* ---- the table as JSON ---- */

static void json_opts(struct xbr_json *j, const char *key, const struct xbr_opt *opts,
		      int globals)
{
	int i;

	jw_key(j, key);
	jw_open_array(j);
	for (i = 0; opts && opts[i].name; i++) {
		jw_open_object(j);
		jw_kv_string(j, "name", opts[i].name);
		if (globals) {
			char s[3] = { '-', xbr_global_short[i], '\0' };

			jw_kv_string(j, "short", s);
		}
		if (opts[i].alias)
			jw_kv_string(j, "alias", opts[i].alias);
		if (opts[i].arg)
			jw_kv_string(j, "arg", opts[i].arg);
		jw_kv_bool(j, "required", opts[i].flags & XBR_OPT_REQUIRED);
		if (opts[i].flags & XBR_OPT_REPEAT)
			jw_kv_bool(j, "repeat", true);
		jw_kv_string(j, "help", opts[i].help);
		jw_close_object(j);
	}
	jw_close_array(j);
}

static void json_cmd(struct xbr_json *j, const char *path, const struct xbr_cmd *c)
{
	const struct xbr_cmd *sub;
	char p[64], syn[512];

	jw_open_object(j);
	jw_kv_string(j, "name", c->name);
	jw_kv_string(j, "path", path);
	if (c->alias)
		jw_kv_string(j, "alias", c->alias);
	jw_kv_string(j, "summary", c->summary);
	if (c->cmds) {
		if (c->dflt)
			jw_kv_string(j, "default", c->dflt);
		jw_key(j, "commands");
		jw_open_array(j);
		for (sub = c->cmds; sub->name; sub++) {
			if (sub->flags & XBR_CMD_HIDDEN)
				continue;
			snprintf(p, sizeof(p), "%s %s", path, sub->name);
			json_cmd(j, p, sub);
		}
		jw_close_array(j);
	} else {
		help_synopsis(syn, sizeof(syn), path, c);
		jw_kv_string(j, "synopsis", syn);
		if (c->args)
			jw_kv_string(j, "args", c->args);
		jw_kv_bool(j, "json", c->flags & XBR_CMD_JSON);
		json_opts(j, "options", c->opts, 0);
	}
	jw_close_object(j);
}

void help_json(FILE *f, const char *path, const struct xbr_cmd *c)
{
	struct xbr_json j;

	jw_init(&j, f, g.pretty);
	if (c) {
		json_cmd(&j, path, c);
	} else {
		jw_open_object(&j);
		json_opts(&j, "options", xbr_global_opts, 1);
		jw_key(&j, "objects");
		jw_open_array(&j);
		for (c = xbr_objects; c->name; c++)
			if (!(c->flags & XBR_CMD_HIDDEN))
				json_cmd(&j, c->name, c);
		jw_close_array(&j);
		jw_close_object(&j);
	}
	jw_finish(&j);
}

/* ---- the man page ---- */

static void man_cmd(FILE *f, const char *path, const struct xbr_cmd *c)
{
	const struct xbr_cmd *sub;
	struct syn s;
	char p[64];

	if (c->flags & XBR_CMD_HIDDEN)
		return;
	if (c->cmds) {
		for (sub = c->cmds; sub->name; sub++) {
			snprintf(p, sizeof(p), "%s %s", path, sub->name);
			man_cmd(f, p, sub);
		}
		return;
	}
	syn_cmd(&s, path, c, 0);
	syn_print(f, "xbr", &s, 8, 1);
}

void help_man_synopsis(FILE *f)
{
	const struct xbr_cmd *c;
	int i;

	fprintf(f, ".SH SYNOPSIS\n"
		   ".\\\" Generated from the command table by `make man`: edit cli/cmd*.c instead.\n"
		   ".nf\n");
	roff_token(f, "xbr");
	fprintf(f, " [\\fIOPTIONS\\fR] \\fIOBJECT\\fR [\\fICOMMAND\\fR] [\\fIARGS\\fR]\n");
	fprintf(f, "\\fIOPTIONS\\fR := {");
	for (i = 0; xbr_global_opts[i].name; i++) {
		char t[TOKEN_LEN];

		snprintf(t, sizeof(t), "-%c", xbr_global_short[i]);
		fprintf(f, "%s ", i ? " |" : "");
		roff_token(f, t);
		if (xbr_global_opts[i].arg) {
			fputc(' ', f);
			roff_token(f, xbr_global_opts[i].arg);
		}
	}
	fprintf(f, " }\n.sp\n");
	for (c = xbr_objects; c->name; c++)
		man_cmd(f, c->name, c);
	fprintf(f, ".fi\n");
}

/* ---- commands ---- */

int do_help(const struct xbr_args *a)
{
	const struct xbr_cmd *c = NULL, *sub;
	char path[64] = "";
	int amb;

	if (a->npos >= 1) {
		c = cmd_lookup(xbr_objects, a->pos[0], &amb);
		if (!c || (c->flags & XBR_CMD_HIDDEN)) {
			pr_warn("help: object \"%s\" is %s, try \"xbr help\"", a->pos[0],
				amb ? "ambiguous" : "unknown");
			return -EINVAL;
		}
		snprintf(path, sizeof(path), "%s", c->name);
	}
	if (a->npos == 2) {
		sub = c->cmds ? cmd_lookup(c->cmds, a->pos[1], &amb) : NULL;
		if (!sub) {
			amb = c->cmds ? amb : 0;
			pr_warn("help: %s has no %s command \"%s\", try \"xbr help %s\"", c->name,
				amb ? "unambiguous" : "", a->pos[1], c->name);
			return -EINVAL;
		}
		c = sub;
		snprintf(path + strlen(path), sizeof(path) - strlen(path), " %s", c->name);
	}
	if (g.json)
		help_json(stdout, path, c);
	else if (c)
		help_cmd(stdout, path, c);
	else
		help_main(stdout);
	return 0;
}

int do_version(const struct xbr_args *a)
{
	struct xbr_json j;
	char dp[24];

	(void)a;
	snprintf(dp, sizeof(dp), "%016llx", (unsigned long long)xbr_dp_version());
	if (g.json) {
		jw_init(&j, stdout, g.pretty);
		jw_open_object(&j);
		jw_kv_string(&j, "xbr", XBR_VERSION);
		jw_kv_string(&j, "libbpf", libbpf_version_string());
		jw_kv_string(&j, "datapath", dp);
		jw_kv_uint(&j, "layout", XBR_LAYOUT_VERSION);
		jw_close_object(&j);
		jw_finish(&j);
		return 0;
	}
	printf("xbr %s\nlibbpf %s\ndatapath %s (layout %d)\n", XBR_VERSION, libbpf_version_string(),
	       dp, XBR_LAYOUT_VERSION);
	return 0;
}

int do_man_synopsis(const struct xbr_args *a)
{
	(void)a;
	help_man_synopsis(stdout);
	return 0;
}
