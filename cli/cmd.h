/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The command table: every object, command and option of the CLI is declared
 * once, in a table next to the code that carries it out (cmd_<object>.c).
 * Parsing, `help` at every level, the usage text, bash completion
 * (cmd_complete.c) and the man page's synopsis (cmd_help.c) are all derived
 * from these tables, so they cannot drift apart.
 *
 * Adding a command: declare a `struct xbr_cmd` with its options and a
 * function taking the parsed arguments, and list it in its object's table
 * (or, for a new object, in xbr_objects[] in cmd.c). Then document it in
 * docs/xbr.8 (`make man` regenerates the synopsis; tests/build/t_man.sh
 * fails until every command and option is described there).
 */
#ifndef XBR_CMD_H
#define XBR_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct xbr_globals {
	const char *bridge;
	bool bridge_given; /* -b was on the command line */
	bool json;
	bool pretty;
	bool help;
	bool version;
};
extern struct xbr_globals g;

/* What completes a value or a positional argument (cmd_complete.c). */
enum xbr_compl {
	XBR_C_NONE = 0, /* nothing to offer: a new name, a number, an address */
	XBR_C_WORDS, /* the literal words of the metavariable: "on|off" */
	XBR_C_PORT, /* a port of the bridge: name, host-side ifname or "gateway" */
	XBR_C_PORTNAME, /* a port of the bridge by name */
	XBR_C_MAC, /* a MAC in the bridge's forwarding table */
	XBR_C_BRIDGE, /* a bridge that is up */
	XBR_C_FILE, /* a path */
	XBR_C_CMD, /* an object, then one of its commands (for `help`) */
};

/* Option flags. */
#define XBR_OPT_REQUIRED (1u << 0) /* must be given (shown without brackets) */
/* May be given again ("remote ADDR [remote ADDR]..."): every value, in order,
 * in xbr_args.rep[]; at most one such option per command. */
#define XBR_OPT_REPEAT (1u << 1)
#define XBR_MAX_REPEAT 64

/*
 * What an option's value is, checked by the parser (one wording for every
 * command: `WHO: OPTION "VALUE" is not WHAT`) and written, typed, into the
 * command's own options struct (xbr_args.o) at the option's .off, as
 * xdp-tools' DEFINE_OPTION does. Absent options leave their field zero.
 */
enum xbr_opt_type {
	XBR_T_FLAG = 0, /* no value: bool */
	XBR_T_STR, /* const char *: text the command reads (a URL, a port's name) */
	XBR_T_PATH, /* const char *: a path, not empty */
	XBR_T_IFNAME, /* const char *: an interface name (1-15, no '/', ':' or space) */
	XBR_T_U32, /* struct xbr_opt_u32, in .min...max */
	XBR_T_ONOFF, /* enum xbr_onoff from "on" or "off" */
	XBR_T_ENUM, /* int: 1 + index of the value among .arg's "a|b|c" words */
	XBR_T_ADDR4, /* struct xbr_opt_addr4: A.B.C.D */
	XBR_T_PREFIX4, /* struct xbr_opt_prefix4: A.B.C.D/PLEN, PLEN in .min...max */
	XBR_T_MAC, /* struct xbr_opt_mac */
};
struct xbr_opt_u32 {
	bool set;
	uint32_t v;
};
enum xbr_onoff { XBR_UNSET = 0, XBR_OFF, XBR_ON };
struct xbr_opt_addr4 {
	bool set;
	uint32_t addr; /* network order */
};
struct xbr_opt_prefix4 {
	bool set;
	uint32_t addr; /* network order */
	uint8_t plen;
};
struct xbr_opt_mac {
	bool set;
	uint8_t mac[6];
};
/* Where an option's value goes: field @f of the command's struct @s. */
#define XBR_AT(s, f) .off = offsetof(s, f) + 1
/* The largest options struct a command may have. */
#define XBR_OPTS_MAX 512

/*
 * An option of a command: "--subnet CIDR", or a keyword as iproute2 has them
 * ("learning on|off", "port PORT", "static"). Names starting with "--" match
 * unambiguous prefixes; keywords match only exactly, so that a name is never
 * taken for a keyword's prefix.
 */
struct xbr_opt {
	const char *name;
	const char *alias; /* another spelling ("dev" for "port"), or NULL */
	const char *arg; /* metavariable of its value ("CIDR", "on|off"); NULL: a flag */
	const char *help; /* one line, for help and as the man page's summary */
	enum xbr_compl compl; /* what completes the value */
	int group; /* flags of one non-zero group exclude one another */
	unsigned int flags; /* XBR_OPT_* */
	enum xbr_opt_type type; /* what the value is */
	size_t off; /* XBR_AT(): where it goes (0: nowhere, read with arg_val) */
	uint32_t min, max; /* XBR_T_U32: the range; XBR_T_PREFIX4: of PLEN */
};

/* Command flags. */
#define XBR_CMD_JSON (1u << 0) /* prints a result: -j makes it JSON */
#define XBR_CMD_NO_BRIDGE (1u << 1) /* does not act on a bridge (-b not checked) */
#define XBR_CMD_HIDDEN (1u << 2) /* internal: not in usage, man page or completion */

#define XBR_MAX_OPTS 24

struct xbr_cmd;

/* A command's arguments as the table parsed them. */
struct xbr_args {
	const struct xbr_cmd *cmd;
	const char *path; /* "port add": for messages */
	const char *val[XBR_MAX_OPTS]; /* per option: its value, "" for a flag, NULL absent */
	char **pos; /* positional arguments, in order */
	int npos;
	const char *rep[XBR_MAX_REPEAT]; /* the XBR_OPT_REPEAT option's values, in order */
	int nrep;
	/* The options, typed, as the command's struct (see XBR_AT). */
	_Alignas(max_align_t) unsigned char o[XBR_OPTS_MAX];
};
/* The command's options struct, filled by the parser. */
#define XBR_OPTS(a, type) ((const type *)(const void *)(a)->o)

struct xbr_cmd {
	const char *name;
	const char *alias; /* another spelling ("delete", "list"), not in usage */
	const char *args; /* positional arguments as usage shows them, or NULL */
	int min_args, max_args; /* their number (max_args -1: any) */
	enum xbr_compl args_compl; /* what completes them */
	const char *summary; /* one line */
	const char *help; /* more lines ("\n"-separated), or NULL */
	const struct xbr_opt *opts; /* terminated by an entry without name */
	int (*fn)(const struct xbr_args *a); /* 0 or a negative errno */
	const struct xbr_cmd *cmds; /* an object's commands, terminated by { NULL } */
	const char *dflt; /* an object's command when none is given */
	unsigned int flags; /* XBR_CMD_* */
};

/* The objects: up, down, show, fdb, port, ... (cmd.c). */
extern const struct xbr_cmd xbr_objects[];
/* The global options: -b, -j, -p, -v, -h, -V (cmd.c). */
extern const struct xbr_opt xbr_global_opts[];
/* Their short forms, same order ('\0': none). */
extern const char xbr_global_short[];

/* Each object's commands, defined in its cmd_<object>.c. */
extern const struct xbr_cmd xbr_fdb_cmds[];
extern const struct xbr_cmd xbr_port_cmds[];
extern const struct xbr_cmd xbr_uplink_cmds[];
extern const struct xbr_cmd xbr_set_cmds[];
extern const struct xbr_cmd xbr_publish_cmds[];
extern const struct xbr_opt xbr_up_opts[];
extern const struct xbr_opt xbr_monitor_opts[];
extern const struct xbr_opt xbr_restore_opts[];
int do_up(const struct xbr_args *a);
int do_down(const struct xbr_args *a);
int do_show(const struct xbr_args *a);
int do_stats(const struct xbr_args *a);
int do_dns(const struct xbr_args *a);
int do_reload(const struct xbr_args *a);
int do_restore(const struct xbr_args *a);
int do_monitor(const struct xbr_args *a);
/* The on|off port settings of `port set` (cmd_port.c), ended by { NULL }. */
struct xbr_port_word {
	const char *word;
	unsigned int bit; /* XBR_PORT_F_* */
};
extern const struct xbr_port_word xbr_port_words[];

/* ---- save and up -f (cmd_save.c) ---- */
int do_save(const struct xbr_args *a);
/* `xbr up -f PATH`: apply a saved file, or every *.conf of a directory. */
int up_from_file(const char *path);

/*
 * Look @word up in @table: exact name or alias, else an unambiguous prefix.
 * NULL when unknown (*ambiguous 0) or when several commands match (*ambiguous 1).
 */
const struct xbr_cmd *cmd_lookup(const struct xbr_cmd *table, const char *word, int *ambiguous);

/*
 * One step of the walk from words to a command, shared by the dispatcher
 * (cmd_run) and completion (complete_main): @word looked up in *@table.
 * An object with commands becomes *@obj and *@table its commands. A word
 * that is no command of an object with a default command but one of that
 * command's options selects the default (`xbr fdb port X` is `fdb show port
 * X`): *@dflt is set and @word is not taken. The command or object found, or
 * NULL (*@amb 1: ambiguous).
 */
const struct xbr_cmd *cmd_step(const struct xbr_cmd **table, const struct xbr_cmd **obj,
			       const char *word, int *amb, int *dflt);

/* Index of option @name in @opts (exact name or alias), or -1. */
int cmd_opt_index(const struct xbr_opt *opts, const char *name);

#define XBR_ARGS_HELP 1
/*
 * Parse @argv (the words after the command's name) against @c's table into @a.
 * 0; XBR_ARGS_HELP when a word is "help"; or -EINVAL after one line naming
 * the word at fault.
 */
int cmd_parse_args(const struct xbr_cmd *c, const char *path, int argc, char **argv,
		   struct xbr_args *a);


/*
 * Run argv (global options already taken out) through the tables: resolve
 * the object and command, parse its arguments, print help when asked, and
 * call the command. Returns the process exit status.
 */
int cmd_run(int argc, char **argv);

/* Take the global options out of argv (anywhere on the line). 0 or -EINVAL. */
int cmd_parse_globals(int *argc, char **argv);

/* Check the bridge name of -b: one line and -EINVAL when bpffs or interface
 * naming cannot hold it. */
int cmd_check_bridge_name(const char *name);

/* ---- help, usage, man page (cmd_help.c) ---- */

/* `xbr help`: the general usage. */
void help_main(FILE *f);
/* Help of an object or command; @path is "fdb" or "fdb add". */
void help_cmd(FILE *f, const char *path, const struct xbr_cmd *c);
/* The table as JSON (`xbr -j help [OBJECT [COMMAND]]`); @c NULL: all objects. */
void help_json(FILE *f, const char *path, const struct xbr_cmd *c);
/* The SYNOPSIS section of docs/xbr.8, in roff (`xbr __man-synopsis`). */
void help_man_synopsis(FILE *f);
/* Usage line of command @c at @path, without "Usage: " (e.g. for errors). */
void help_synopsis(char *buf, size_t len, const char *path, const struct xbr_cmd *c);

int do_help(const struct xbr_args *a);
int do_version(const struct xbr_args *a);
int do_man_synopsis(const struct xbr_args *a);

/* ---- completion (cmd_complete.c) ---- */

/*
 * `xbr __complete CWORD WORD...` (argv after "__complete", taken before the
 * global options are): the candidates for word number CWORD of WORD...,
 * one per line. Returns the exit status.
 */
int complete_main(int argc, char **argv);

/* ---- shared by the commands ---- */

/* Lock the bridge named by -b and open its pinned objects (one line on error). */
struct xbr_bridge;
int cmd_open_bridge(struct xbr_bridge **brp);

#endif
