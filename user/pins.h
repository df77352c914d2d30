/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A bridge's pinned objects under /sys/fs/bpf/xbr/<bridge>/ and the loader's
 * state of one bridge (struct xbr_bridge). This is the bottom layer of the
 * loader: it knows BPF objects and pins, nothing of namespaces or ports.
 *
 * The pinned maps are the maps the BPF objects define (bpf/maps.h and the XDP
 * program's own); XBR_MAPS below names them for user space, and
 * pins_prepare() checks at every load that the objects define exactly these,
 * so the two cannot drift.
 */
#ifndef XBR_PINS_H
#define XBR_PINS_H

#include <stdint.h>
#include "xbr.h"
#include "nl.h"


/* Every pinned map: (tag, pin name). */
#define XBR_MAPS(X)                          \
	X(FDB, xbr_fdb)                      \
	X(PORTS, xbr_ports)                  \
	X(FLOOD, xbr_flood)                  \
	X(CONFIG, xbr_config)                \
	X(PORT_STATS, xbr_port_stats)        \
	X(LEARNED, xbr_learned)              \
	X(BR_STATS, xbr_br_stats)            \
	X(EVENTS, xbr_events)                \
	X(INTENT, xbr_intent)                \
	X(LAYOUT, xbr_layout)                \
	X(PORT_META, xbr_port_meta)          \
	X(PEERS, xbr_peers)                  \
	X(TIMER, xbr_timer)                  \
	X(XDP_TX, xbr_xdp_tx)                \
	X(XDP_FLOOD, xbr_xdp_flood)          \
	X(XDP_FLOOD_ISO, xbr_xdp_flood_iso)  \
	X(DP_SAVED, xbr_dp_saved)            \
	X(PUBS, xbr_pubs)                    \
	X(NAMES, xbr_names)                  \
	X(RNAMES, xbr_rnames)

/* Every pinned program: (tag, pin name). */
#define XBR_PROGS(X)               \
	X(TC, tc_ingress)          \
	X(CTL, ctl)                \
	X(XDP, xdp_ingress)        \
	X(XDP_EGRESS, xdp_egress)

#define XBR_TAG_ENUM(tag, name) XBR_M_##tag,
enum xbr_map_id { XBR_MAPS(XBR_TAG_ENUM) XBR_M__MAX };
#undef XBR_TAG_ENUM
#define XBR_TAG_ENUM(tag, name) XBR_P_##tag,
enum xbr_prog_id { XBR_PROGS(XBR_TAG_ENUM) XBR_P__MAX };
#undef XBR_TAG_ENUM

extern const char *const xbr_map_names[XBR_M__MAX];
extern const char *const xbr_prog_names[XBR_P__MAX];

struct port_index;

/* The loader's state of one bridge: open pinned objects and a config copy. */
struct xbr_bridge {
	char name[XBR_IFNAMSIZ];
	char dir[64]; /* XBR_PIN_ROOT "/" name */
	int lock_fd;
	int map[XBR_M__MAX]; /* pinned map fds, -1 when closed */
	int prog[XBR_P__MAX]; /* pinned program fds */
	struct xbr_config cfg;
	/* The port table as this open read it (port_table.c; NULL: not read
	 * yet); one allocation, freed by pins_close() with the maps. */
	struct port_index *ports;
	struct xbr_nl nl; /* rtnetlink in the host namespace */
};

void pins_reset(struct xbr_bridge *br);
/* Open every pinned object; -ENOENT (and a message unless @quiet) when any is missing. */
int pins_open(struct xbr_bridge *br, int quiet);
void pins_close(struct xbr_bridge *br);
/* Remove every pin and the bridge directory (and the root, when empty). */
void pins_remove(struct xbr_bridge *br);
/* True when the bridge's pin directory exists. */
int pins_exist(const struct xbr_bridge *br);
/* An fd of pin @obj of the bridge, or a negative errno. */
int pin_get(const struct xbr_bridge *br, const char *obj);

/*
 * The layout of the bridge's pins: the number in xbr_layout, 1 for a bridge
 * made before layouts were recorded (xbr_fdb pinned, no xbr_layout), 0 when
 * nothing is pinned.
 */
uint32_t pins_layout(const struct xbr_bridge *br);

int pins_config_read(struct xbr_bridge *br);
int pins_config_write(struct xbr_bridge *br);

/*
 * Load the BPF objects for a new bridge (FDB of @fdb_size entries), pin every
 * map and program, and open them into @br. Nothing is left on failure
 * except the directory, which pins_remove() takes.
 */
int pins_create(struct xbr_bridge *br, uint32_t fdb_size);

/*
 * A reload in progress: this build's programs loaded over the bridge's maps
 * (reused where their layout is this build's, fresh where it is not), not yet
 * pinned or attached. See bridge.c br_reload() for the sequence.
 */
struct xbr_loadset {
	int map[XBR_M__MAX]; /* the maps the new programs use */
	int old[XBR_M__MAX]; /* for a fresh map: the pinned map it replaces, else -1 */
	int fresh[XBR_M__MAX]; /* created by this load, to be filled and pinned */
	int prog[XBR_P__MAX];
	uint32_t layout; /* the pinned layout being replaced */
};

int pins_prepare(struct xbr_bridge *br, struct xbr_loadset *ls);
/* Pin the new programs and the fresh maps over the old pins, then open
 * them into @br. */
int pins_commit(struct xbr_bridge *br, struct xbr_loadset *ls);
void loadset_free(struct xbr_loadset *ls);

/* Pin @fd (map or program) at @dir/@name, under a temporary name first and
 * renamed over what is there, so the pin is never missing. */
int pin_replace(const char *dir, const char *name, int fd);


/* Run a control request (xbr_ctl.bpf.c) with program @prog_fd. */
int ctl_run(int prog_fd, struct xbr_ctl_req *c);
/* Fill cfg->clk_* (the datapath's jiffies clock) through the control program
 * @ctl_fd; 0, or a negative errno with clk_tick_ns 0 (the datapath then calls
 * the coarse-clock helper, as before). */
int xbr_clock_calibrate(int ctl_fd, struct xbr_config *cfg);

/* Test hook: fail with -EIO at step @step when XBR_FAULT names it. */
int xbr_fault(const char *step);

#endif
