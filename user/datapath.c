// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The datapath's hooks and modes (docs/design.md, "XDP mode").
 *
 * tc mode: xbr_tc_ingress on the clsact ingress hook of every port.
 * XDP mode: the same tc program stays attached, and xbr_xdp_ingress is
 * attached on top (native XDP). XDP sees a frame first and redirects it, so
 * tc only sees what XDP passes (frames of a port that is not recorded yet).
 * Switching modes is then only attaching or detaching XDP, and there is never
 * a moment when no hook forwards.
 *
 * XDP redirects into a veth lose what the skb carried, so XDP mode changes
 * the offloads of each port's receiving end (eth0 in the namespace, or the
 * host gateway interface): GRO on (NAPI, without which veth drops redirected
 * frames), tx checksumming, TSO and GSO off (a frame redirected in XDP has no
 * checksum-offload state and cannot be segmented). What each end had before is
 * kept in the pinned map xbr_dp_saved and put back when the mode returns to tc.
 *
 * This file knows hooks, not port kinds: callers hand it each port's
 * receiving end (struct dp_port), and the programs and maps come loaded
 * (pins.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "datapath.h"
#include "ethtool.h"
#include "log.h"
#include "xbr_rules.h"

/* Offloads XDP mode turns off on a receiving end, and the one it turns on. */
#define XDP_FEATS_OFF (XBR_FEAT_TX_CSUM | XBR_FEAT_TSO | XBR_FEAT_GSO)
#define XDP_FEATS_ON XBR_FEAT_GRO
#define XDP_FEATS (XDP_FEATS_OFF | XDP_FEATS_ON)

/*
 * The first cause of a failed operation, for its one-line message: the inner
 * steps note what failed, the entry point prints it once.
 */
static __thread char dp_why[256]; /* per thread: port_batch.c attaches from several */

__attribute__((format(printf, 1, 2))) static void dp_note(const char *fmt, ...)
{
	va_list ap;

	if (dp_why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(dp_why, sizeof(dp_why), fmt, ap);
	va_end(ap);
}

const char *dp_mode_name(int mode)
{
	return mode == XBR_MODE_XDP ? "xdp" : "tc";
}

int dp_mode_parse(const char *s, int *mode, int *is_auto)
{
	*is_auto = 0;
	if (!strcmp(s, "tc")) {
		*mode = XBR_MODE_TC;
	} else if (!strcmp(s, "xdp")) {
		*mode = XBR_MODE_XDP;
	} else if (!strcmp(s, "auto")) {
		/*
		 * The lab carries TCP between containers. On veth, tc keeps the
		 * skb with its GSO and checksum state and bpf_redirect_peer()
		 * skips a softirq pass: ~19 Gbit/s against ~5 for XDP, whose
		 * frames must be segmented and checksummed in software. XDP only
		 * wins on small frames from an XDP-capable NIC, which the lab has
		 * none of. See docs/design.md, "XDP mode".
		 */
		*mode = XBR_MODE_TC;
		*is_auto = 1;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* ---- devmaps ---- */

int dp_devmaps_sync(int tx_fd, int flood_fd, int flood_iso_fd, int egress_prog_fd,
		    const struct xbr_port *p)
{
	struct bpf_devmap_val val = { .ifindex = p->ifindex, .bpf_prog.fd = egress_prog_fd };
	/* The flood rule the tc program applies per copy (include/xbr_rules.h),
	 * applied here once per port: from a non-isolated and an isolated port. */
	int flood = xbr_may_flood(0, p->flags);
	int open = xbr_may_flood(XBR_PORT_F_ISOLATED, p->flags);
	__u32 key = p->ifindex;

	/* An uplink takes no XDP frames: the XDP program hands what is bound
	 * for one to tc (bpf/xbr_xdp.bpf.c). */
	if (p->flags & XBR_PORT_F_TUNNEL) {
		bpf_map_delete_elem(tx_fd, &key);
		bpf_map_delete_elem(flood_fd, &key);
		bpf_map_delete_elem(flood_iso_fd, &key);
		return 0;
	}
	if (bpf_map_update_elem(tx_fd, &key, &val, BPF_ANY) < 0)
		return -errno;
	if (flood ? bpf_map_update_elem(flood_fd, &key, &val, BPF_ANY) < 0 :
		    bpf_map_delete_elem(flood_fd, &key) < 0 && errno != ENOENT)
		return -errno;
	if (open ? bpf_map_update_elem(flood_iso_fd, &key, &val, BPF_ANY) < 0 :
		   bpf_map_delete_elem(flood_iso_fd, &key) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* ---- tc ---- */

/* tc: program @prog_fd on the port's clsact ingress hook (replacing ours). */
static int tc_attach(int prog_fd, int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1, .prog_fd = prog_fd,
		    .flags = BPF_TC_F_REPLACE);
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	return bpf_tc_attach(&hook, &opts);
}

/* ---- XDP ---- */

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

/*
 * Attach xbr_xdp_ingress in native mode; refuse to replace another program.
 * XDP_FLAGS_UPDATE_IF_NOEXIST lets the kernel refuse (-EBUSY) when a program
 * is there; only then is it looked up (libbpf's bpf_xdp_query() dumps every
 * link of the namespace: a query per port made `up` quadratic in ports).
 */
static int xdp_attach(struct xbr_bridge *br, int ifindex)
{
	__u32 id = 0;
	int err;

	err = xbr_fault("xdp-attach");
	if (err)
		return err;
	err = bpf_xdp_attach(ifindex, br->prog[XBR_P_XDP],
			     XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (err != -EBUSY && err != -EEXIST)
		return err;
	if (bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &id) == 0 && id &&
	    id == prog_id(br->prog[XBR_P_XDP]))
		return 0; /* ours already */
	dp_note("port ifindex %d: another XDP program (id %u) is attached", ifindex, id);
	return -EBUSY;
}

/* Detach our XDP program (and only ours); 0 when none is attached. The
 * kernel compares the attached program with ours (XDP_FLAGS_REPLACE). */
static int xdp_detach(struct xbr_bridge *br, int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = br->prog[XBR_P_XDP]);
	int err;

	err = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE, &o);
	return err == -EEXIST ? 0 : err; /* -EEXIST: none, or not ours: leave it */
}

/*
 * rx_prepare - make the receiving end of port @key take XDP-redirected frames:
 * save its offloads (once: a retry keeps the first, real originals), then GRO
 * on and tx checksum/TSO/GSO off, and check that it took.
 */
static int rx_prepare(struct xbr_bridge *br, __u32 key, int nsfd, const char *ifname)
{
	int saved_fd = br->map[XBR_M_DP_SAVED];
	struct xbr_dp_saved saved;
	struct xbr_feats f;
	int err;

	if (bpf_map_lookup_elem(saved_fd, &key, &saved) < 0) {
		err = ethtool_get_in(nsfd, ifname, &f);
		if (err)
			goto fail;
		saved.feats = f.on;
		saved.known = f.known;
		if (bpf_map_update_elem(saved_fd, &key, &saved, BPF_ANY) < 0) {
			err = -errno;
			goto fail;
		}
	}
	err = xbr_fault("xdp-offloads");
	if (!err) {
		/* Judged by reading back: some ends lack a feature altogether. */
		(void)ethtool_set_in(nsfd, ifname, XDP_FEATS, XDP_FEATS_ON);
		err = ethtool_get_in(nsfd, ifname, &f);
	}
	if (!err && ((f.on & XDP_FEATS_OFF & f.known) || !(f.on & XBR_FEAT_GRO)))
		err = -EOPNOTSUPP;
	if (err)
		goto fail;
	pr_debug("%s: offloads 0x%x -> 0x%x for XDP", ifname, saved.feats, f.on);
	return 0;
fail:
	dp_note("interface %s: cannot turn GRO on and tx checksumming, TSO and GSO off: %s", ifname,
		strerror(-err));
	return err;
}

/* rx_restore - put back the offloads rx_prepare saved for port @key. */
static int rx_restore(struct xbr_bridge *br, __u32 key, int nsfd, const char *ifname)
{
	struct xbr_dp_saved saved;
	int err;

	if (bpf_map_lookup_elem(br->map[XBR_M_DP_SAVED], &key, &saved) < 0)
		return 0; /* never changed */
	err = ethtool_set_in(nsfd, ifname, saved.known & XDP_FEATS, saved.feats);
	if (err) {
		dp_note("interface %s: cannot restore its offloads: %s", ifname, strerror(-err));
		return err;
	}
	bpf_map_delete_elem(br->map[XBR_M_DP_SAVED], &key);
	return 0;
}

static int port_rx(struct xbr_bridge *br, const struct dp_port *p, int prepare)
{
	if (p->rx_err) {
		dp_note("port %s: cannot open its namespace: %s", p->ifname, strerror(-p->rx_err));
		return p->rx_err;
	}
	return prepare ? rx_prepare(br, p->ifindex, p->rx_nsfd, p->rx_ifname) :
			 rx_restore(br, p->ifindex, p->rx_nsfd, p->rx_ifname);
}

/* ---- entry points ---- */

int dp_port_attach(struct xbr_bridge *br, int ifindex, int nsfd, const char *rx_ifname)
{
	int err;

	dp_why[0] = '\0';
	/* tc in both modes: under XDP it handles what XDP passes. A port
	 * without a receiving end (an uplink: a VXLAN device, whose tunnel keys
	 * are skb metadata) runs tc only. */
	err = tc_attach(br->prog[XBR_P_TC], ifindex);
	if (err || br->cfg.mode != XBR_MODE_XDP || !rx_ifname || !rx_ifname[0])
		return err;
	err = rx_prepare(br, (__u32)ifindex, nsfd, rx_ifname);
	if (!err)
		err = xdp_attach(br, ifindex);
	if (err) { /* the caller says which step failed; the cause with -vv */
		__u32 key = (__u32)ifindex;

		/* The port is undone with its link: forget what was saved for it. */
		bpf_map_delete_elem(br->map[XBR_M_DP_SAVED], &key);
		pr_debug("port ifindex %d: %s", ifindex, dp_why[0] ? dp_why : strerror(-err));
	}
	return err;
}

int dp_port_sync(struct xbr_bridge *br, const struct xbr_port *p)
{
	int err = dp_devmaps_sync(br->map[XBR_M_XDP_TX], br->map[XBR_M_XDP_FLOOD],
				  br->map[XBR_M_XDP_FLOOD_ISO], br->prog[XBR_P_XDP_EGRESS], p);

	if (err)
		pr_debug("port %s: cannot update the XDP devmaps: %s", p->ifname, strerror(-err));
	return err;
}

void dp_port_forget(struct xbr_bridge *br, __u32 ifindex)
{
	bpf_map_delete_elem(br->map[XBR_M_XDP_TX], &ifindex);
	bpf_map_delete_elem(br->map[XBR_M_XDP_FLOOD], &ifindex);
	bpf_map_delete_elem(br->map[XBR_M_XDP_FLOOD_ISO], &ifindex);
	bpf_map_delete_elem(br->map[XBR_M_DP_SAVED], &ifindex);
}

static int config_store(struct xbr_bridge *br, int mode)
{
	br->cfg.mode = (__u8)mode;
	return pins_config_write(br);
}

/* tc -> XDP: every receiving end ready first (a redirect may target any
 * port), then XDP on every port; tc forwards until XDP takes each port. */
static int to_xdp(struct xbr_bridge *br, const struct dp_port *v, size_t n)
{
	size_t i, k;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = port_rx(br, &v[i], 1);
	for (k = 0; k < n && !err; k++) {
		err = xdp_attach(br, (int)v[k].ifindex);
		if (err)
			dp_note("port %s: cannot attach the XDP program: %s", v[k].ifname,
				strerror(-err));
	}
	if (!err)
		err = config_store(br, XBR_MODE_XDP);
	if (!err)
		return 0;
	/* Roll back to tc: XDP off where it went on, then the offloads. */
	for (k = 0; k < n; k++)
		xdp_detach(br, (int)v[k].ifindex);
	for (k = 0; k < n; k++)
		port_rx(br, &v[k], 0);
	config_store(br, XBR_MODE_TC);
	return err;
}

/* XDP -> tc: make sure tc is there, remove XDP (tc takes each port at once),
 * then give the receiving ends their offloads back. */
static int to_tc(struct xbr_bridge *br, const struct dp_port *v, size_t n)
{
	size_t i;
	int err = 0, e;

	for (i = 0; i < n && !err; i++)
		err = tc_attach(br->prog[XBR_P_TC], (int)v[i].ifindex);
	if (err) {
		dp_note("port %s: cannot attach the tc program: %s", v[i - 1].ifname,
			strerror(-err));
		return err;
	}
	for (i = 0; i < n; i++) {
		e = xdp_detach(br, (int)v[i].ifindex);
		if (e) {
			dp_note("port %s: cannot detach the XDP program: %s", v[i].ifname,
				strerror(-e));
			return e; /* stay in XDP mode: its offloads are still needed */
		}
	}
	err = config_store(br, XBR_MODE_TC);
	for (i = 0; i < n; i++) {
		e = port_rx(br, &v[i], 0);
		if (e) /* forwarding is fine in tc mode; say so and go on */
			pr_warn("port %s: in tc mode, but %s", v[i].ifname, dp_why);
		dp_why[0] = '\0';
	}
	return err;
}

int dp_set_mode(struct xbr_bridge *br, int mode, const struct dp_port *v, size_t n)
{
	int err;

	if (mode != XBR_MODE_TC && mode != XBR_MODE_XDP)
		return -EINVAL;
	dp_why[0] = '\0';
	/* Also when the mode already matches: converge after an interrupted switch. */
	err = mode == XBR_MODE_XDP ? to_xdp(br, v, n) : to_tc(br, v, n);
	if (err)
		pr_warn("bridge \"%s\": cannot switch to %s mode: %s; it is in %s mode", br->name,
			dp_mode_name(mode), dp_why[0] ? dp_why : strerror(-err),
			dp_mode_name(br->cfg.mode));
	return err;
}

int dp_swap(struct xbr_bridge *br, const struct xbr_loadset *ls, const struct xbr_port *v,
	    size_t n)
{
	size_t i;
	int err = 0;

	dp_why[0] = '\0';
	/* The devmaps the new XDP program uses, entries running its egress program. */
	for (i = 0; i < n && !err; i++)
		err = dp_devmaps_sync(ls->map[XBR_M_XDP_TX], ls->map[XBR_M_XDP_FLOOD],
				      ls->map[XBR_M_XDP_FLOOD_ISO], ls->prog[XBR_P_XDP_EGRESS],
				      &v[i]);
	if (err) {
		dp_note("cannot fill the XDP devmaps: %s", strerror(-err));
		goto out;
	}
	/* tc: a filter replaced in place (same handle and priority) is atomic;
	 * XDP: XDP_FLAGS_REPLACE against the program attached now. */
	for (i = 0; i < n && !err; i++) {
		err = tc_attach(ls->prog[XBR_P_TC], (int)v[i].ifindex);
		if (err) {
			dp_note("port %s: cannot replace the tc program: %s", v[i].ifname,
				strerror(-err));
			break;
		}
		if (br->cfg.mode == XBR_MODE_XDP && !(v[i].flags & XBR_PORT_F_TUNNEL)) {
			LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = br->prog[XBR_P_XDP]);

			err = bpf_xdp_attach((int)v[i].ifindex, ls->prog[XBR_P_XDP],
					     XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE, &o);
			if (err)
				dp_note("port %s: cannot replace the XDP program: %s", v[i].ifname,
					strerror(-err));
		}
	}
	if (err) {
		/* Put the running programs back on the ports already swapped. */
		size_t k;

		for (k = 0; k <= i && k < n; k++) {
			LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = ls->prog[XBR_P_XDP]);

			tc_attach(br->prog[XBR_P_TC], (int)v[k].ifindex);
			if (br->cfg.mode == XBR_MODE_XDP && !(v[k].flags & XBR_PORT_F_TUNNEL))
				bpf_xdp_attach((int)v[k].ifindex, br->prog[XBR_P_XDP],
					       XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE, &o);
		}
	}
out:
	if (err)
		pr_warn("bridge \"%s\": reload: %s; the running datapath stays", br->name, dp_why);
	return err;
}
