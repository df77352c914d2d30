/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The datapath's hooks for the bridge's mode (br->cfg.mode): tc, or XDP on
 * top of tc. bridge.c calls only these; the hooks live in datapath.c.
 */
#ifndef XBR_DATAPATH_H
#define XBR_DATAPATH_H

#include "bridge.h"

/*
 * Attach the bridge's programs to host-side port @ifindex. @nsfd is the
 * port's namespace (-1 for the gateway port, whose peer is in the host).
 * In XDP mode this also readies the port's receiving end (offloads).
 */
int dp_port_attach(struct xbr_bridge *br, int ifindex, int nsfd);

/* Bring the XDP devmaps in line with port record @p (after add or policy change). */
int dp_port_sync(struct xbr_bridge *br, const struct xbr_port *p);
/* Take port @ifindex out of the devmaps and forget its saved offloads. */
void dp_port_forget(struct xbr_bridge *br, __u32 ifindex);

/*
 * Switch a live bridge to @mode (XBR_MODE_*): the FDB, counters and ports are
 * shared maps and stay; no moment without a forwarding hook. 0 or -errno;
 * on failure the bridge is back in tc mode.
 */
int dp_set_mode(struct xbr_bridge *br, int mode);

/* "tc", "xdp" or "auto" (*is_auto set; resolves to the mode for the lab's traffic). */
int dp_mode_parse(const char *s, int *mode, int *is_auto);
const char *dp_mode_name(int mode);

/* Close the XDP objects (br->dp); remove their pins from the bridge directory. */
void dp_close(struct xbr_bridge *br);
void dp_pins_remove(struct xbr_bridge *br);

/*
 * Devmap membership of port @p, shared with the tests: every port in @tx_fd,
 * FLOOD ports in @flood_fd, FLOOD and not ISOLATED ports in @flood_iso_fd,
 * each entry running @egress_prog_fd (tx counters).
 */
int dp_devmaps_sync(int tx_fd, int flood_fd, int flood_iso_fd, int egress_prog_fd,
		    const struct xbr_port *p);

/* Pin @prog at @path; with @replace under a temporary name first, renamed
 * over the old pin, so the pin is never missing. */
struct bpf_program;
int xbr_pin_prog(struct bpf_program *prog, const char *path, int replace);

/* Size the maps of @obj like their pinned twins, so libbpf reuses the pins. */
struct bpf_object;
void xbr_maps_match_pins(struct bpf_object *obj);

/*
 * After br->tc_prog_fd was replaced by a newly loaded program: swap it in on
 * every port, and load, pin and swap in new XDP programs (all atomic per
 * port: tc filter replace, XDP_FLAGS_REPLACE, devmap value update).
 */
int dp_reload(struct xbr_bridge *br);
/* Fold the XDP object's bytes into FNV-1a hash @h (datapath version). */
uint64_t dp_elf_hash(uint64_t h);

#endif
