// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A bridge's pinned BPF objects: loading the three objects (tc, control, XDP)
 * over one set of maps, pinning, opening and removing them. The loader pins
 * by hand (the maps carry no libbpf `pinning` attribute) so that a reload can
 * give the new programs maps of a new layout before anything is replaced
 * (user/migrate.c fills them; bridge.c br_reload() runs the sequence).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "pins.h"
#include "xbr_ctl.skel.h"
#include "xbr_tc.skel.h"
#include "xbr_xdp.skel.h"

#define XBR_TAG_NAME(tag, name) #name,
const char *const xbr_map_names[XBR_M__MAX] = { XBR_MAPS(XBR_TAG_NAME) };
const char *const xbr_prog_names[XBR_P__MAX] = { XBR_PROGS(XBR_TAG_NAME) };
#undef XBR_TAG_NAME

/* Maps of the objects that are never pinned: the test clock. */
static int map_unpinned(const char *name)
{
	return !strcmp(name, "xbr_clock") || !strcmp(name, "xbr_dns_buf") || strchr(name, '.');
}

int xbr_fault(const char *step)
{
	const char *f = getenv("XBR_FAULT");

	if (f && !strcmp(f, step)) {
		pr_debug("fault injected at %s", step);
		return -EIO;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void pins_reset(struct xbr_bridge *br)
{
	int i;

	for (i = 0; i < XBR_M__MAX; i++)
		br->map[i] = -1;
	for (i = 0; i < XBR_P__MAX; i++)
		br->prog[i] = -1;
}

void pins_close(struct xbr_bridge *br)
{
	int i;

	for (i = 0; i < XBR_M__MAX; i++)
		close_fd(&br->map[i]);
	for (i = 0; i < XBR_P__MAX; i++)
		close_fd(&br->prog[i]);
	/* The port index (port_table.c) was read from these maps. */
	free(br->ports);
	br->ports = NULL;
}

int pins_exist(const struct xbr_bridge *br)
{
	struct stat st;

	return stat(br->dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int pin_get(const struct xbr_bridge *br, const char *obj)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", br->dir, obj);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

int pins_open(struct xbr_bridge *br, int quiet)
{
	const char *missing = NULL;
	int i;

	pins_close(br);
	for (i = 0; i < XBR_M__MAX; i++) {
		br->map[i] = pin_get(br, xbr_map_names[i]);
		if (br->map[i] < 0 && !missing)
			missing = xbr_map_names[i];
	}
	for (i = 0; i < XBR_P__MAX; i++) {
		br->prog[i] = pin_get(br, xbr_prog_names[i]);
		if (br->prog[i] < 0 && !missing)
			missing = xbr_prog_names[i];
	}
	if (!missing)
		return 0;
	if (!quiet)
		pr_warn("bridge \"%s\": pinned object %s/%s is missing; run `xbr -b %s down`",
			br->name, br->dir, missing, br->name);
	return -ENOENT;
}

/* A pin of the set, or the "new_" copy of one that a command killed inside
 * pin_replace() left behind; anything else in the directory is not ours. */
static void pin_unlink_ours(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/new_%s", dir, name);
	unlink(path);
}

void pins_remove(struct xbr_bridge *br)
{
	int i;

	pins_close(br);
	for (i = 0; i < XBR_M__MAX; i++)
		pin_unlink_ours(br->dir, xbr_map_names[i]);
	for (i = 0; i < XBR_P__MAX; i++)
		pin_unlink_ours(br->dir, xbr_prog_names[i]);
	rmdir(br->dir); /* fails, and down says so, while a foreign pin is in it */
	rmdir(XBR_PIN_ROOT); /* only succeeds when no other bridge is up */
}

uint32_t pins_layout(const struct xbr_bridge *br)
{
	__u32 zero = 0, v = 0;
	int fd = pin_get(br, "xbr_layout");

	if (fd >= 0) {
		if (bpf_map_lookup_elem(fd, &zero, &v) < 0)
			v = 0;
		close(fd);
		return v ? v : XBR_LAYOUT_VERSION; /* being made: not yet written */
	}
	fd = pin_get(br, "xbr_fdb");
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int pins_config_read(struct xbr_bridge *br)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(br->map[XBR_M_CONFIG], &zero, &br->cfg) < 0)
		return -errno;
	return 0;
}

int pins_config_write(struct xbr_bridge *br)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(br->map[XBR_M_CONFIG], &zero, &br->cfg, BPF_ANY) < 0)
		return -errno;
	return 0;
}

int ctl_run(int prog_fd, struct xbr_ctl_req *c)
{
	/* Syscall programs write their context back into ctx_in. */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = c, .ctx_size_in = sizeof(*c));

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	return c->result;
}

int xbr_clock_calibrate(int ctl_fd, struct xbr_config *cfg)
{
	static const uint64_t hz[] = { 100, 250, 300, 1000 };
	struct xbr_ctl_req c = { .op = XBR_OP_CLOCK };
	uint64_t j, t, best_res = UINT64_MAX, best = 0, pred, res;
	size_t i;
	int err;

	cfg->clk_tick_ns = 0;
	err = ctl_run(ctl_fd, &c);
	if (err)
		return err;
	j = (uint64_t)c.remote[1] << 32 | c.remote[0];
	t = (uint64_t)c.remote[3] << 32 | c.remote[2];
	/*
	 * HZ is the kernel's build constant. Since boot, jiffies count ticks
	 * from INITIAL_JIFFIES (2^32 - 300 HZ, include/linux/jiffies.h) while
	 * CLOCK_MONOTONIC counts ns from about the same instant: the HZ that
	 * predicts j from t best is it, within a second or two of boot.
	 */
	for (i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
		pred = (uint64_t)(uint32_t)(-(int64_t)(300 * hz[i])) + t / (1000000000ULL / hz[i]);
		res = pred > j ? pred - j : j - pred;
		if (res < best_res) {
			best_res = res;
			best = hz[i];
		}
	}
	if (!best || best_res > 2 * best)
		return -ERANGE; /* no HZ fits: the datapath keeps the helper */
	cfg->clk_tick_ns = (uint32_t)((1000000000ULL + best / 2) / best); /* TICK_NSEC */
	cfg->clk_jiffies = j;
	cfg->clk_ns = t;
	return 0;
}

/* ---- loading ---- */

static int map_id(const char *name)
{
	int i;

	for (i = 0; i < XBR_M__MAX; i++)
		if (!strcmp(xbr_map_names[i], name))
			return i;
	return -1;
}

/* Does the pinned map @fd have the shape of @m (this build's definition)? */
static int map_compatible(int fd, const struct bpf_map *m, int id)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	/* The FDB is sized at `up`: its size is the bridge's, not the build's. */
	if (id != XBR_M_FDB && info.max_entries != bpf_map__max_entries(m))
		return 0;
	/* devmaps gain BPF_F_RDONLY_PROG in the kernel */
	return info.type == (__u32)bpf_map__type(m) && info.key_size == bpf_map__key_size(m) &&
	       info.value_size == bpf_map__value_size(m) &&
	       (info.map_flags & ~BPF_F_RDONLY_PROG) == (bpf_map__map_flags(m) & ~BPF_F_RDONLY_PROG);
}

static __u32 map_max_entries(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
}

void loadset_free(struct xbr_loadset *ls)
{
	int i;

	for (i = 0; i < XBR_M__MAX; i++) {
		close_fd(&ls->map[i]);
		close_fd(&ls->old[i]);
	}
	for (i = 0; i < XBR_P__MAX; i++)
		close_fd(&ls->prog[i]);
}

/*
 * Before loading @obj: point each of its maps at the set's map when the set
 * has one (a pin of the right shape, or a map an earlier object created);
 * the others libbpf creates. @fdb_size: entries of a new FDB (0: the pinned
 * FDB's size).
 */
static int obj_prepare(struct xbr_bridge *br, struct bpf_object *obj, struct xbr_loadset *ls,
		       uint32_t fdb_size)
{
	struct bpf_map *m;
	int id, fd, err;

	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);

		if (map_unpinned(name))
			continue;
		id = map_id(name);
		if (id < 0) {
			pr_warn("bridge \"%s\": BPF map %s is not in the pinned set (user/pins.h XBR_MAPS)",
				br->name, name);
			return -EINVAL;
		}
		if (ls->map[id] < 0 && ls->old[id] < 0 && !ls->fresh[id]) {
			fd = pin_get(br, name);
			if (fd >= 0 && map_compatible(fd, m, id)) {
				ls->map[id] = fd;
			} else if (fd >= 0) {
				ls->old[id] = fd; /* another layout: a fresh one replaces it */
				if (id == XBR_M_FDB)
					fdb_size = map_max_entries(fd);
			}
		}
		if (ls->map[id] >= 0) {
			err = bpf_map__reuse_fd(m, ls->map[id]);
			if (err)
				return err;
		} else if (id == XBR_M_FDB && fdb_size) {
			bpf_map__set_max_entries(m, fdb_size);
		}
	}
	return 0;
}

/* After loading @obj: the maps it created join the set as fresh maps. */
static int obj_collect(struct bpf_object *obj, struct xbr_loadset *ls)
{
	struct bpf_map *m;
	int id;

	bpf_object__for_each_map(m, obj) {
		if (map_unpinned(bpf_map__name(m)))
			continue;
		id = map_id(bpf_map__name(m));
		if (id < 0 || ls->map[id] >= 0)
			continue;
		ls->map[id] = dup(bpf_map__fd(m));
		if (ls->map[id] < 0)
			return -errno;
		ls->fresh[id] = 1;
	}
	return 0;
}

static int prog_collect(struct bpf_program *p, struct xbr_loadset *ls, int id)
{
	ls->prog[id] = dup(bpf_program__fd(p));
	return ls->prog[id] < 0 ? -errno : 0;
}

/*
 * pins_prepare - load this build's three objects over the bridge's maps:
 * each map reused when its pin has this build's shape, created fresh when it
 * is missing or of another layout (then ls->old holds the pinned one). Pins
 * nothing and attaches nothing: on failure the bridge is as it was.
 */
static int prepare(struct xbr_bridge *br, struct xbr_loadset *ls, uint32_t fdb_size)
{
	struct xbr_tc *tc = NULL;
	struct xbr_ctl *ctl = NULL;
	struct xbr_xdp *xdp = NULL;
	int i, err;

	memset(ls, 0, sizeof(*ls));
	for (i = 0; i < XBR_M__MAX; i++)
		ls->map[i] = ls->old[i] = -1;
	for (i = 0; i < XBR_P__MAX; i++)
		ls->prog[i] = -1;

	tc = xbr_tc__open();
	ctl = xbr_ctl__open();
	xdp = xbr_xdp__open();
	if (!tc || !ctl || !xdp) {
		err = -errno;
		pr_warn("bridge \"%s\": cannot open the datapath objects: %s", br->name,
			strerror(-err));
		goto out;
	}
	/* One object after the other, so that each reuses what the previous created. */
	err = obj_prepare(br, tc->obj, ls, fdb_size);
	if (!err)
		err = xbr_tc__load(tc);
	if (!err)
		err = obj_collect(tc->obj, ls);
	if (!err)
		err = obj_prepare(br, ctl->obj, ls, fdb_size);
	if (!err)
		err = xbr_ctl__load(ctl);
	if (!err)
		err = obj_collect(ctl->obj, ls);
	if (!err)
		err = obj_prepare(br, xdp->obj, ls, fdb_size);
	if (!err)
		err = xbr_xdp__load(xdp);
	if (!err)
		err = obj_collect(xdp->obj, ls);
	if (err) {
		pr_warn("bridge \"%s\": cannot load the datapath: %s (run with -vv for the verifier log)",
			br->name, strerror(-err));
		goto out;
	}
	for (i = 0; i < XBR_M__MAX; i++) {
		if (ls->map[i] < 0) {
			pr_warn("bridge \"%s\": no BPF object defines map %s", br->name,
				xbr_map_names[i]);
			err = -EINVAL;
			goto out;
		}
	}
	err = prog_collect(tc->progs.xbr_tc_ingress, ls, XBR_P_TC);
	if (!err)
		err = prog_collect(ctl->progs.xbr_ctl, ls, XBR_P_CTL);
	if (!err)
		err = prog_collect(xdp->progs.xbr_xdp_ingress, ls, XBR_P_XDP);
	if (!err)
		err = prog_collect(xdp->progs.xbr_xdp_egress, ls, XBR_P_XDP_EGRESS);
out:
	xbr_xdp__destroy(xdp);
	xbr_ctl__destroy(ctl);
	xbr_tc__destroy(tc);
	if (err)
		loadset_free(ls);
	return err;
}

int pins_prepare(struct xbr_bridge *br, struct xbr_loadset *ls)
{
	return prepare(br, ls, 0);
}

int pin_replace(const char *dir, const char *name, int fd)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	/* bpffs refuses names with a dot: "new_" in front of the name. */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/new_%s", dir, name);
	unlink(tmp);
	if (bpf_obj_pin(fd, tmp) < 0)
		return -errno;
	if (rename(tmp, path) < 0) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

static int layout_write(int fd)
{
	__u32 zero = 0, v = XBR_LAYOUT_VERSION;

	return bpf_map_update_elem(fd, &zero, &v, BPF_ANY) < 0 ? -errno : 0;
}

/*
 * pins_commit - pin @ls's programs and fresh maps over the bridge's pins.
 * The layout map is pinned last, so that an interrupted migration still
 * reads as the old layout and the next reload finishes it (the maps already
 * replaced have this build's shape and are reused then). @creating: a new
 * bridge, whose layout is written and pinned first, so that an interrupted
 * `up` reads as a half-made bridge of this layout, never as an old one.
 */
static int commit(struct xbr_bridge *br, struct xbr_loadset *ls, int creating)
{
	int i, err;

	err = layout_write(ls->map[XBR_M_LAYOUT]);
	if (!err && creating)
		err = pin_replace(br->dir, xbr_map_names[XBR_M_LAYOUT], ls->map[XBR_M_LAYOUT]);
	for (i = 0; i < XBR_M__MAX && !err; i++)
		if (ls->fresh[i] && i != XBR_M_LAYOUT)
			err = pin_replace(br->dir, xbr_map_names[i], ls->map[i]);
	for (i = 0; i < XBR_P__MAX && !err; i++)
		err = pin_replace(br->dir, xbr_prog_names[i], ls->prog[i]);
	if (!err && !creating && ls->fresh[XBR_M_LAYOUT])
		err = pin_replace(br->dir, xbr_map_names[XBR_M_LAYOUT], ls->map[XBR_M_LAYOUT]);
	if (err) {
		pr_warn("bridge \"%s\": cannot pin the new datapath in %s: %s", br->name, br->dir,
			strerror(-err));
		return err;
	}
	return pins_open(br, 0);
}

int pins_commit(struct xbr_bridge *br, struct xbr_loadset *ls)
{
	return commit(br, ls, 0);
}

int pins_create(struct xbr_bridge *br, uint32_t fdb_size)
{
	struct xbr_loadset ls;
	int err;

	if (mkdir(XBR_PIN_ROOT, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		pr_warn("bridge \"%s\": cannot create %s: %s", br->name, XBR_PIN_ROOT,
			strerror(errno));
		return err;
	}
	if (mkdir(br->dir, 0700) < 0) {
		err = -errno;
		pr_warn("bridge \"%s\": cannot create %s: %s", br->name, br->dir, strerror(errno));
		return err;
	}
	err = prepare(br, &ls, fdb_size);
	if (err)
		return err;
	err = xbr_fault("pins");
	if (!err)
		err = commit(br, &ls, 1);
	else
		pr_warn("bridge \"%s\": cannot pin the datapath: %s", br->name, strerror(-err));
	loadset_free(&ls);
	return err;
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t sz)
{
	size_t i;

	for (i = 0; i < sz; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

uint64_t xbr_dp_version(void)
{
	const char *fake = getenv("XBR_TEST_DP_VERSION"); /* test hook: another build */
	uint64_t h = 14695981039346656037ULL;
	size_t sz;
	const void *p;

	if (fake && *fake)
		return strtoull(fake, NULL, 0);
	p = xbr_tc__elf_bytes(&sz);
	h = fnv1a(h, p, sz);
	p = xbr_ctl__elf_bytes(&sz);
	h = fnv1a(h, p, sz);
	p = xbr_xdp__elf_bytes(&sz);
	return fnv1a(h, p, sz);
}
