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
#include "netns.h"
#include "xbr_xdp.skel.h"

#define PIN_XDP_PROG "xdp_ingress"
#define PIN_XDP_EGRESS "xdp_egress"

/* Pins made by this file, removed by dp_pins_remove(). */
static const char *const dp_pins[] = {
	PIN_XDP_PROG, PIN_XDP_EGRESS, "xbr_xdp_tx", "xbr_xdp_flood", "xbr_xdp_flood_iso",
	"xbr_dp_saved",
};

/* Offloads XDP mode turns off on a receiving end, and the one it turns on. */
#define XDP_FEATS_OFF (XBR_FEAT_TX_CSUM | XBR_FEAT_TSO | XBR_FEAT_GSO)
#define XDP_FEATS_ON XBR_FEAT_GRO
#define XDP_FEATS (XDP_FEATS_OFF | XDP_FEATS_ON)

struct xbr_dp {
	int xdp_prog_fd; /* xbr_xdp_ingress */
	int egress_prog_fd; /* xbr_xdp_egress, the devmap entries' program */
	int tx_fd, flood_fd, flood_iso_fd; /* the three devmaps */
	int saved_fd; /* xbr_dp_saved */
};

/*
 * The first cause of a failed operation, for its one-line message: the inner
 * steps note what failed, the entry point prints it once.
 */
static char dp_why[256];

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

/* ---- objects ---- */

static int pin_path(const struct xbr_bridge *br, const char *obj, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", br->dir, obj);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int dp_pin_get(const struct xbr_bridge *br, const char *obj)
{
	char path[PATH_MAX];
	int fd;

	if (pin_path(br, obj, path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

static void dp_free(struct xbr_dp *dp)
{
	int *fds[] = { &dp->xdp_prog_fd, &dp->egress_prog_fd, &dp->tx_fd,
		       &dp->flood_fd,	 &dp->flood_iso_fd,	&dp->saved_fd };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	free(dp);
}

void dp_close(struct xbr_bridge *br)
{
	if (br->dp)
		dp_free(br->dp);
	br->dp = NULL;
}

void dp_pins_remove(struct xbr_bridge *br)
{
	char path[PATH_MAX];
	size_t i;

	dp_close(br);
	for (i = 0; i < sizeof(dp_pins) / sizeof(dp_pins[0]); i++)
		if (!pin_path(br, dp_pins[i], path, sizeof(path)))
			unlink(path);
}

/* Open the XDP objects pinned in the bridge directory; -ENOENT if any is missing. */
static int dp_open(struct xbr_bridge *br, struct xbr_dp **out)
{
	struct xbr_dp *dp = calloc(1, sizeof(*dp));

	if (!dp)
		return -ENOMEM;
	dp->xdp_prog_fd = dp_pin_get(br, PIN_XDP_PROG);
	dp->egress_prog_fd = dp_pin_get(br, PIN_XDP_EGRESS);
	dp->tx_fd = dp_pin_get(br, "xbr_xdp_tx");
	dp->flood_fd = dp_pin_get(br, "xbr_xdp_flood");
	dp->flood_iso_fd = dp_pin_get(br, "xbr_xdp_flood_iso");
	dp->saved_fd = dp_pin_get(br, "xbr_dp_saved");
	if (dp->xdp_prog_fd < 0 || dp->egress_prog_fd < 0 || dp->tx_fd < 0 || dp->flood_fd < 0 ||
	    dp->flood_iso_fd < 0 || dp->saved_fd < 0) {
		dp_free(dp);
		return -ENOENT;
	}
	*out = dp;
	return 0;
}

/*
 * Size every map of @obj like its pinned twin, so that libbpf reuses the
 * pinned map instead of refusing it (the FDB is sized at `up`).
 */
void xbr_maps_match_pins(struct bpf_object *obj)
{
	struct bpf_map_info info;
	struct bpf_map *map;
	__u32 len;
	int fd;

	bpf_object__for_each_map(map, obj) {
		const char *path = bpf_map__pin_path(map);

		if (!path)
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0) {
			bpf_map__set_max_entries(map, info.max_entries);
			/* devmaps gain BPF_F_RDONLY_PROG in the kernel: take the
			 * flags the pinned map really has. */
			bpf_map__set_map_flags(map, info.map_flags);
		}
		close(fd);
	}
}

/* Pin @prog at @path; with @replace, under a temporary name first and then
 * renamed over the old pin, so the pin is never missing. */
int xbr_pin_prog(struct bpf_program *prog, const char *path, int replace)
{
	char tmp[PATH_MAX];
	int err;

	if (!replace)
		return bpf_program__pin(prog, path);
	/* bpffs refuses names with a dot: "new_" in front of the base name. */
	{
		const char *base = strrchr(path, '/');
		int dir = base ? (int)(base - path) : 0;

		snprintf(tmp, sizeof(tmp), "%.*s/new_%s", dir, path, base ? base + 1 : path);
	}
	unlink(tmp);
	err = bpf_program__pin(prog, tmp);
	if (!err && rename(tmp, path) < 0) {
		err = -errno;
		unlink(tmp);
	}
	return err;
}

/* Load xbr_xdp over the bridge's pinned maps and pin its programs and own maps;
 * with @replace, the new programs' pins take the place of the old ones. */
static int dp_load_pins(struct xbr_bridge *br, int replace)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = br->dir);
	struct xbr_xdp *skel;
	char path[PATH_MAX];
	int err;

	skel = xbr_xdp__open_opts(&oo);
	if (!skel)
		return -errno;
	xbr_maps_match_pins(skel->obj);
	err = xbr_xdp__load(skel);
	if (err) {
		dp_note("cannot load the XDP datapath: %s (run with -vv for the verifier log)",
			strerror(-err));
		goto out;
	}
	err = pin_path(br, PIN_XDP_PROG, path, sizeof(path));
	if (!err)
		err = xbr_pin_prog(skel->progs.xbr_xdp_ingress, path, replace);
	if (!err)
		err = pin_path(br, PIN_XDP_EGRESS, path, sizeof(path));
	if (!err)
		err = xbr_pin_prog(skel->progs.xbr_xdp_egress, path, replace);
	if (err)
		dp_note("cannot pin the XDP programs in %s: %s", br->dir, strerror(-err));
out:
	xbr_xdp__destroy(skel);
	return err;
}

static int dp_load(struct xbr_bridge *br)
{
	return dp_load_pins(br, 0);
}

int dp_devmaps_sync(int tx_fd, int flood_fd, int flood_iso_fd, int egress_prog_fd,
		    const struct xbr_port *p)
{
	struct bpf_devmap_val val = { .ifindex = p->ifindex, .bpf_prog.fd = egress_prog_fd };
	int flood = !!(p->flags & XBR_PORT_F_FLOOD);
	int open = flood && !(p->flags & XBR_PORT_F_ISOLATED);
	__u32 key = p->ifindex;

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

/* Open the XDP objects, loading them first when the bridge has none yet. */
static int dp_ensure(struct xbr_bridge *br)
{
	struct xbr_port *v = NULL;
	size_t n = 0, i;
	int err;

	if (br->dp)
		return 0;
	err = dp_open(br, &br->dp);
	if (err != -ENOENT)
		return err;
	dp_pins_remove(br); /* a partial set from an interrupted load */
	err = dp_load(br);
	if (!err)
		err = dp_open(br, &br->dp);
	if (err)
		return err;
	/* A bridge made before these maps existed: fill them from the port table. */
	if (br->ports_fd >= 0 && br_ports(br, &v, &n) == 0) {
		for (i = 0; i < n && !err; i++)
			err = dp_port_sync(br, &v[i]);
		free(v);
	}
	return err;
}

/* ---- tc ---- */

/* tc: the pinned program on the port's clsact ingress hook (replacing ours). */
static int tc_attach(struct xbr_bridge *br, int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1, .prog_fd = br->tc_prog_fd,
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

/* Attach xbr_xdp_ingress in native mode; refuse to replace another program. */
static int xdp_attach(struct xbr_bridge *br, int ifindex)
{
	__u32 id = 0;
	int err;

	if (bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &id) == 0 && id) {
		if (id == prog_id(br->dp->xdp_prog_fd))
			return 0;
		dp_note("port ifindex %d: another XDP program (id %u) is attached", ifindex, id);
		return -EBUSY;
	}
	err = xbr_fault("xdp-attach");
	if (!err)
		err = bpf_xdp_attach(ifindex, br->dp->xdp_prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	return err;
}

/* Detach our XDP program (and only ours); 0 when none is attached. */
static int xdp_detach(struct xbr_bridge *br, int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = br->dp->xdp_prog_fd);
	__u32 id = 0;
	int err;

	if (bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &id) || !id)
		return 0;
	err = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE, &o);
	return err == -EEXIST ? 0 : err; /* -EEXIST: not ours, leave it */
}

/* The receiving end of a port: its namespace (-1: host) and interface name. */
struct rx_end {
	int nsfd;
	char ifname[IF_NAMESIZE];
};

static int rx_end_of(struct xbr_bridge *br, const struct xbr_port *p, struct rx_end *e)
{
	if (p->flags & XBR_PORT_F_GATEWAY || !p->name[0]) {
		e->nsfd = -1;
		snprintf(e->ifname, sizeof(e->ifname), "%s", br->name);
		return 0;
	}
	snprintf(e->ifname, sizeof(e->ifname), "eth0");
	e->nsfd = netns_open(p->name);
	return e->nsfd < 0 ? e->nsfd : 0;
}

static void rx_end_close(struct rx_end *e)
{
	if (e->nsfd >= 0)
		close(e->nsfd);
	e->nsfd = -1;
}

/*
 * rx_prepare - make the receiving end of port @key take XDP-redirected frames:
 * save its offloads (once: a retry keeps the first, real originals), then GRO
 * on and tx checksum/TSO/GSO off, and check that it took.
 */
static int rx_prepare(struct xbr_bridge *br, __u32 key, int nsfd, const char *ifname)
{
	struct xbr_dp_saved saved;
	struct xbr_feats f;
	int err;

	if (bpf_map_lookup_elem(br->dp->saved_fd, &key, &saved) < 0) {
		err = ethtool_get_in(nsfd, ifname, &f);
		if (err)
			goto fail;
		saved.feats = f.on;
		saved.known = f.known;
		if (bpf_map_update_elem(br->dp->saved_fd, &key, &saved, BPF_ANY) < 0) {
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

	if (bpf_map_lookup_elem(br->dp->saved_fd, &key, &saved) < 0)
		return 0; /* never changed */
	err = ethtool_set_in(nsfd, ifname, saved.known & XDP_FEATS, saved.feats);
	if (err) {
		dp_note("interface %s: cannot restore its offloads: %s", ifname, strerror(-err));
		return err;
	}
	bpf_map_delete_elem(br->dp->saved_fd, &key);
	return 0;
}

static int port_rx(struct xbr_bridge *br, const struct xbr_port *p, int prepare)
{
	struct rx_end e;
	int err = rx_end_of(br, p, &e);

	if (err) {
		dp_note("port %s: cannot open namespace \"%s\": %s", p->ifname, p->name,
			strerror(-err));
		return err;
	}
	err = prepare ? rx_prepare(br, p->ifindex, e.nsfd, e.ifname) :
			rx_restore(br, p->ifindex, e.nsfd, e.ifname);
	rx_end_close(&e);
	return err;
}

/* ---- entry points ---- */

int dp_port_attach(struct xbr_bridge *br, int ifindex, int nsfd)
{
	const char *rx_ifname = nsfd < 0 ? br->name : "eth0";
	int err;

	dp_why[0] = '\0';
	/* tc in both modes: under XDP it handles what XDP passes. */
	err = tc_attach(br, ifindex);
	if (!err)
		err = dp_ensure(br);
	if (err || br->cfg.mode != XBR_MODE_XDP)
		return err;
	err = rx_prepare(br, (__u32)ifindex, nsfd, rx_ifname);
	if (!err)
		err = xdp_attach(br, ifindex);
	if (err) { /* the caller says which step failed; the cause with -vv */
		__u32 key = (__u32)ifindex;

		/* The port is undone with its link: forget what was saved for it. */
		bpf_map_delete_elem(br->dp->saved_fd, &key);
		pr_debug("port ifindex %d: %s", ifindex, dp_why[0] ? dp_why : strerror(-err));
	}
	return err;
}

int dp_port_sync(struct xbr_bridge *br, const struct xbr_port *p)
{
	int err = dp_ensure(br);

	if (!err)
		err = dp_devmaps_sync(br->dp->tx_fd, br->dp->flood_fd, br->dp->flood_iso_fd,
				      br->dp->egress_prog_fd, p);
	if (err)
		pr_debug("port %s: cannot update the XDP devmaps: %s", p->ifname,
			 dp_why[0] ? dp_why : strerror(-err));
	return err;
}

void dp_port_forget(struct xbr_bridge *br, __u32 ifindex)
{
	if (dp_ensure(br))
		return;
	bpf_map_delete_elem(br->dp->tx_fd, &ifindex);
	bpf_map_delete_elem(br->dp->flood_fd, &ifindex);
	bpf_map_delete_elem(br->dp->flood_iso_fd, &ifindex);
	bpf_map_delete_elem(br->dp->saved_fd, &ifindex);
}

static int config_store(struct xbr_bridge *br, int mode)
{
	br->cfg.mode = (__u8)mode;
	return br_config_write(br);
}

/* tc -> XDP: every receiving end ready first (a redirect may target any
 * port), then XDP on every port; tc forwards until XDP takes each port. */
static int to_xdp(struct xbr_bridge *br, struct xbr_port *v, size_t n)
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
static int to_tc(struct xbr_bridge *br, struct xbr_port *v, size_t n)
{
	size_t i;
	int err = 0, e;

	for (i = 0; i < n && !err; i++)
		err = tc_attach(br, (int)v[i].ifindex);
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

int dp_set_mode(struct xbr_bridge *br, int mode)
{
	struct xbr_port *v = NULL;
	size_t n = 0;
	int err;

	if (mode != XBR_MODE_TC && mode != XBR_MODE_XDP)
		return -EINVAL;
	dp_why[0] = '\0';
	err = dp_ensure(br);
	if (!err)
		err = br_ports(br, &v, &n);
	/* Also when the mode already matches: converge after an interrupted switch. */
	if (!err)
		err = mode == XBR_MODE_XDP ? to_xdp(br, v, n) : to_tc(br, v, n);
	free(v);
	if (err)
		pr_warn("bridge \"%s\": cannot switch to %s mode: %s; it is in %s mode", br->name,
			dp_mode_name(mode), dp_why[0] ? dp_why : strerror(-err),
			dp_mode_name(br->cfg.mode));
	return err;
}

uint64_t dp_elf_hash(uint64_t h)
{
	const unsigned char *p;
	size_t sz, i;

	p = xbr_xdp__elf_bytes(&sz);
	for (i = 0; i < sz; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

int dp_reload(struct xbr_bridge *br)
{
	struct xbr_port *v = NULL;
	struct xbr_dp *old = NULL, *new = NULL;
	size_t n = 0, i;
	int err;

	dp_why[0] = '\0';
	err = br_ports(br, &v, &n);
	if (err)
		return err;
	/* tc: a filter replaced in place (same handle and priority) is atomic. */
	for (i = 0; i < n && !err; i++) {
		err = tc_attach(br, (int)v[i].ifindex);
		if (err)
			dp_note("port %s: cannot replace the tc program: %s", v[i].ifname,
				strerror(-err));
	}
	if (err)
		goto out;

	/* XDP: new programs pinned over the old, then swapped in everywhere. */
	dp_close(br);
	if (dp_open(br, &old) == -ENOENT) {
		err = 0; /* no XDP objects yet: loaded on first use */
		goto out;
	}
	err = dp_load_pins(br, 1);
	if (!err)
		err = dp_open(br, &new);
	if (err)
		goto out;
	br->dp = new;
	for (i = 0; i < n && !err; i++)
		err = dp_devmaps_sync(new->tx_fd, new->flood_fd, new->flood_iso_fd,
				      new->egress_prog_fd, &v[i]);
	for (i = 0; i < n && !err && br->cfg.mode == XBR_MODE_XDP; i++) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = old->xdp_prog_fd);

		err = bpf_xdp_attach((int)v[i].ifindex, new->xdp_prog_fd,
				     XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE, &o);
		if (err)
			dp_note("port %s: cannot replace the XDP program: %s", v[i].ifname,
				strerror(-err));
	}
out:
	if (old)
		dp_free(old);
	free(v);
	if (err)
		pr_debug("reload: %s", dp_why[0] ? dp_why : strerror(-err));
	return err;
}
