/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The CLI objects: each do_X gets argv starting at its own name. */
#ifndef XBR_CMD_H
#define XBR_CMD_H

#include <stdbool.h>
#include <stdio.h>

struct xbr_globals {
	const char *bridge;
	bool json;
	bool pretty;
	bool help;
	bool version;
};
extern struct xbr_globals g;

struct xbr_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	void (*usage)(FILE *f);
};

const struct xbr_cmd *cmd_lookup(const struct xbr_cmd *table, const char *arg);

/* Lock the bridge named by -b and open its pinned objects (one line on error). */
struct xbr_bridge;
int cmd_open_bridge(struct xbr_bridge *br);

int do_up(int argc, char **argv);
int do_down(int argc, char **argv);
int do_show(int argc, char **argv);
int do_fdb(int argc, char **argv);
int do_port(int argc, char **argv);
void usage_up(FILE *f);
void usage_down(FILE *f);
void usage_show(FILE *f);
void usage_fdb(FILE *f);
void usage_port(FILE *f);
int do_stats(int argc, char **argv);
int do_reload(int argc, char **argv);
void usage_reload(FILE *f);
int do_set(int argc, char **argv);
int do_monitor(int argc, char **argv);
void usage_stats(FILE *f);
void usage_set(FILE *f);
void usage_monitor(FILE *f);
int do_publish(int argc, char **argv);
void usage_publish(FILE *f);

#endif
