/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The road out: each bridge's own nf_tables table ("inet xbr-<bridge>"),
 * written through libnftables in atomic batches of nft script. It holds the
 * masquerade (or not), the forward policy of --internal, the published
 * ports (user/publish.c) and the hairpin and loopback rules. The table is
 * derived state: what the user set is pinned (the NAT mode in the config's
 * flags, the publications in xbr_pubs), and the table is rebuilt from that
 * whole, in one batch, by every NAT or publish command and by `xbr restore`
 * (after `nft flush ruleset`, or a restart of nftables.service). `reload`
 * leaves it alone; `down` deletes it in one operation. Also here: IP
 * forwarding switched on when needed and restored by `down`, and the
 * detection of a host whose forward policy drops.
 */
#ifndef XBR_NAT_H
#define XBR_NAT_H

#include <stddef.h>
#include <stdint.h>
#include "publish.h"

struct xbr_bridge;

/* How the bridge reaches the outside (`up` options, struct xbr_up_opts.nat). */
enum xbr_nat_mode {
	XBR_NAT_MASQ = 0, /* masquerade to the outgoing interface's address (default) */
	XBR_NAT_OFF = 1, /* forwarded untranslated (routed) */
	XBR_NAT_INTERNAL = 2, /* no way out, no way in */
};

/*
 * `up`: record @mode (enum xbr_nat_mode) in br->cfg.flags, build the table
 * and switch forwarding on as needed. One batch: on failure nothing is left
 * of it (and `up` rolls back with `down`, which restores forwarding).
 */
int nat_up(struct xbr_bridge *br, int mode);
/*
 * Rebuild the whole table from br->cfg (mode, subnets) and the record of
 * publications, in one batch (every chain flushed and refilled: a missing
 * table, chain or rule comes back, a stray rule in its chains goes); switch
 * forwarding on if needed. Never touches another table. Every command that
 * changes NAT or publications runs it, so it also repairs what a flush or an
 * interrupted command left.
 */
int nat_sync(struct xbr_bridge *br);

/* The table against what the config and the record ask for. */
struct nat_health {
	int table; /* table inet xbr-<bridge> exists */
	int intact; /* every chain and every rule is there, none of ours extra */
};
/* 0 (with @h filled) or a negative errno after one line. Reads only. */
int nat_health(struct xbr_bridge *br, struct nat_health *h);
/*
 * `xbr restore`: nat_sync() when the table is not intact. 0 when it was
 * (nothing written: restoring twice changes nothing), 1 when it was
 * rebuilt, or a negative errno after one line (then nothing changed).
 */
int nat_restore(struct xbr_bridge *br);
/* `down`: delete the table (if any) and restore forwarding; never fails. */
int nat_down(struct xbr_bridge *br);
/* `set nat on|off` (@on 1|0); -EINVAL on an internal bridge, after one line. */
int nat_set(struct xbr_bridge *br, int on);
/*
 * `set nat6 on|off`: masquerade IPv6 too while nat is on (the default), or
 * IPv4 only (XBR_CFG_F_NO_NAT6: Docker's networks). -EINVAL on a bridge
 * without IPv6, after one line.
 */
int nat6_set(struct xbr_bridge *br, int on);
/* What IPv6 gets: "masquerade", "off" (nat off, or nat6 off), "internal". */
const char *nat6_mode_name(uint16_t cfg_flags);
/*
 * Publish @p: recorded (pub_record_add()), then the table rebuilt with it.
 * The number of rules it takes, or a negative errno after one line (then
 * nothing changed). Adding what is recorded already puts back its rules if
 * they are missing (-EEXIST when none was).
 */
int nat_pub_add(struct xbr_bridge *br, const struct xbr_pub *p);
/* @p->station "" matches any station. Taken out of the record, the table
 * rebuilt without it. The number of rules it took, or a negative errno
 * after one line (then nothing changed). */
int nat_pub_del(struct xbr_bridge *br, const struct xbr_pub *p);
/* A station leaves (`port del`): its publications go with it, record and rules. */
int nat_pub_del_station(struct xbr_bridge *br, const char *station);

/*
 * dockerd's DOCKER-USER chain (nat_fw.c), for a bridge with
 * XBR_CFG_F_FW_ACCEPT that is not internal: nat_fw_sync() puts its two
 * accept rules there (before dockerd's return) when missing: 1 when it
 * wrote them, 0 when they were there or there is no such chain (nothing
 * drops), or a negative errno after one line. nat_fw_present(): 1 when
 * they are there or not needed, 0 when missing. nat_fw_del(): every rule
 * of @bridge's taken out (quiet when none).
 */
int nat_fw_sync(struct xbr_bridge *br);
int nat_fw_present(struct xbr_bridge *br);
void nat_fw_del(const char *bridge);

/* "xbr-<bridge>": the bridge's table's name in family inet. */
void nat_table_name(const char *bridge, char *buf, size_t len);
/* "masquerade", "off" or "internal" for config flags. */
const char *nat_mode_name(uint16_t cfg_flags);

/*
 * Warn (one line each) about base chains of other tables on the forward hook
 * whose policy drops, or a legacy iptables FORWARD policy DROP, with the
 * command that lets this bridge through. Returns how many were found.
 */
int nat_check_forward(const struct xbr_bridge *br);

#endif
