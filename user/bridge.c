// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bridge.h"
#include "datapath.h"
#include "log.h"
#include "nat.h"
#include "netns.h"
#include "xbr_ctl.skel.h"
#include "xbr_tc.skel.h"

#define PIN_TC_PROG "tc_ingress"
#define PIN_CTL_PROG "ctl"
static const char *const pinned_maps[] = {
	"xbr_fdb",	  "xbr_ports",	"xbr_flood",  "xbr_config", "xbr_port_stats",
	"xbr_learned", "xbr_br_stats", "xbr_events", "xbr_timer", "xbr_intent",
};

int xbr_fault(const char *step)
{
	const char *f = getenv("XBR_FAULT");

	if (f && !strcmp(f, step)) {
		pr_debug("fault injected at %s", step);
		return -EIO;
	}
	return 0;
}

void xbr_station_mac(uint32_t addr, uint8_t mac[6])
{
	mac[0] = 0x0a;
	mac[1] = 0x58;
	memcpy(mac + 2, &addr, 4);
}

/* ---- journal: what an operation made, undone in reverse on failure ---- */

enum undo_kind { UNDO_NETNS, UNDO_LINK, UNDO_PORTREC, UNDO_PINS, UNDO_INTENT };

struct undo {
	enum undo_kind kind;
	char name[XBR_IFNAMSIZ];
	uint32_t ifindex;
};

struct journal {
	struct undo v[12];
	int n;
};

static void journal_add(struct journal *j, enum undo_kind kind, const char *name, uint32_t ifindex)
{
	if (j->n >= (int)(sizeof(j->v) / sizeof(j->v[0])))
		return;
	j->v[j->n].kind = kind;
	snprintf(j->v[j->n].name, sizeof(j->v[j->n].name), "%s", name ? name : "");
	j->v[j->n].ifindex = ifindex;
	j->n++;
}

static int port_record_del(struct xbr_bridge *br, uint32_t ifindex);
static void pins_remove(struct xbr_bridge *br);
static void intent_del(struct xbr_bridge *br, const char *netns);
static int intent_has(struct xbr_bridge *br, const char *netns);
static void intent_cleanup(struct xbr_bridge *br);
static void port_teardown(struct xbr_bridge *br, const char *ifname, const char *netns);
static int br_open_objs(struct xbr_bridge *br, int quiet);

static void journal_undo(struct xbr_bridge *br, struct journal *j)
{
	while (j->n > 0) {
		struct undo *u = &j->v[--j->n];

		switch (u->kind) {
		case UNDO_NETNS:
			netns_delete(u->name);
			break;
		case UNDO_LINK:
			nl_link_del_name(&br->nl, u->name);
			break;
		case UNDO_PORTREC:
			port_record_del(br, u->ifindex);
			break;
		case UNDO_PINS:
			pins_remove(br);
			break;
		case UNDO_INTENT:
			intent_del(br, u->name);
			break;
		}
	}
}

/* ---- bpffs, lock, pins ---- */

static int bpffs_ensure(void)
{
	struct statfs st;

	if (statfs(XBR_BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", XBR_BPFFS, "bpf", 0, "mode=0700") < 0) {
		int err = -errno;

		pr_warn("cannot mount bpffs on %s: %s", XBR_BPFFS, strerror(errno));
		return err;
	}
	pr_info("mounted bpffs on %s", XBR_BPFFS);
	return 0;
}

int br_init(struct xbr_bridge *br, const char *name)
{
	int err;

	memset(br, 0, sizeof(*br));
	br->lock_fd = br->fdb_fd = br->ports_fd = br->flood_fd = -1;
	br->config_fd = br->tc_prog_fd = br->ctl_prog_fd = -1;
	br->port_stats_fd = br->br_stats_fd = br->learned_fd = br->events_fd = -1;
	br->intent_fd = -1;
	snprintf(br->name, sizeof(br->name), "%s", name);
	snprintf(br->dir, sizeof(br->dir), "%s/%s", XBR_PIN_ROOT, name);

	if (geteuid() != 0) {
		pr_warn("bridge \"%s\": must run as root (needs CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF)",
			name);
		return -EPERM;
	}
	err = bpffs_ensure();
	if (err)
		return err;
	/* One lock for all xbr commands on this bpffs: commands are short. */
	br->lock_fd = open(XBR_BPFFS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (br->lock_fd < 0 || flock(br->lock_fd, LOCK_EX) < 0) {
		err = -errno;
		pr_warn("bridge \"%s\": cannot lock %s: %s", name, XBR_BPFFS, strerror(errno));
		return err;
	}
	err = nl_open(&br->nl);
	if (err) {
		pr_warn("bridge \"%s\": cannot open rtnetlink: %s", name, strerror(-err));
		return err;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_objs(struct xbr_bridge *br)
{
	close_fd(&br->fdb_fd);
	close_fd(&br->ports_fd);
	close_fd(&br->flood_fd);
	close_fd(&br->config_fd);
	close_fd(&br->port_stats_fd);
	close_fd(&br->br_stats_fd);
	close_fd(&br->learned_fd);
	close_fd(&br->events_fd);
	close_fd(&br->intent_fd);
	close_fd(&br->tc_prog_fd);
	close_fd(&br->ctl_prog_fd);
	dp_close(br);
}

void br_close(struct xbr_bridge *br)
{
	close_objs(br);
	nl_close(&br->nl);
	close_fd(&br->lock_fd);
}

int br_is_up(const struct xbr_bridge *br)
{
	struct stat st;

	return stat(br->dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int pin_get(const struct xbr_bridge *br, const char *obj)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", br->dir, obj);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

static int config_read(struct xbr_bridge *br)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(br->config_fd, &zero, &br->cfg) < 0)
		return -errno;
	return 0;
}

static int config_write(struct xbr_bridge *br)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(br->config_fd, &zero, &br->cfg, BPF_ANY) < 0)
		return -errno;
	return 0;
}

static int br_open_objs(struct xbr_bridge *br, int quiet)
{
	br->fdb_fd = pin_get(br, "xbr_fdb");
	br->ports_fd = pin_get(br, "xbr_ports");
	br->flood_fd = pin_get(br, "xbr_flood");
	br->config_fd = pin_get(br, "xbr_config");
	br->port_stats_fd = pin_get(br, "xbr_port_stats");
	br->br_stats_fd = pin_get(br, "xbr_br_stats");
	br->learned_fd = pin_get(br, "xbr_learned");
	br->events_fd = pin_get(br, "xbr_events");
	br->intent_fd = pin_get(br, "xbr_intent");
	br->tc_prog_fd = pin_get(br, PIN_TC_PROG);
	br->ctl_prog_fd = pin_get(br, PIN_CTL_PROG);
	if (br->fdb_fd < 0 || br->ports_fd < 0 || br->flood_fd < 0 || br->config_fd < 0 ||
	    br->port_stats_fd < 0 || br->br_stats_fd < 0 || br->learned_fd < 0 ||
	    br->events_fd < 0 || br->intent_fd < 0 || br->tc_prog_fd < 0 ||
	    br->ctl_prog_fd < 0) {
		if (!quiet)
			pr_warn("bridge \"%s\": pinned objects under %s are incomplete; run `xbr -b %s down`",
				br->name, br->dir, br->name);
		return -ENOENT;
	}
	return 0;
}

int br_open(struct xbr_bridge *br)
{
	int err;

	if (!br_is_up(br)) {
		pr_warn("bridge \"%s\" is not up", br->name);
		return -ENOENT;
	}
	err = br_open_objs(br, 0);
	if (err)
		return err;
	err = config_read(br);
	if (err)
		pr_warn("bridge \"%s\": cannot read configuration: %s", br->name, strerror(-err));
	return err;
}

static void pins_remove(struct xbr_bridge *br)
{
	char path[PATH_MAX];
	size_t i;

	close_objs(br);
	for (i = 0; i < sizeof(pinned_maps) / sizeof(pinned_maps[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", br->dir, pinned_maps[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/%s", br->dir, PIN_TC_PROG);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", br->dir, PIN_CTL_PROG);
	unlink(path);
	dp_pins_remove(br);
	rmdir(br->dir);
	rmdir(XBR_PIN_ROOT); /* only succeeds when no other bridge is up */
}

/* Load the datapath and the control programs and pin them; maps are pinned
 * by name by libbpf, and the second object reuses what the first pinned. */
static int datapath_load(struct xbr_bridge *br, const struct xbr_up_opts *o)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = br->dir);
	struct xbr_tc *tc = NULL;
	struct xbr_ctl *ctl = NULL;
	char path[PATH_MAX];
	int err;

	if (mkdir(XBR_PIN_ROOT, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (mkdir(br->dir, 0700) < 0)
		return -errno;

	tc = xbr_tc__open_opts(&oo);
	ctl = xbr_ctl__open_opts(&oo);
	if (!tc || !ctl) {
		err = -errno;
		goto out;
	}
	bpf_map__set_max_entries(tc->maps.xbr_fdb, o->fdb_size);
	bpf_map__set_max_entries(ctl->maps.xbr_fdb, o->fdb_size);
	err = xbr_tc__load(tc);
	if (!err)
		err = xbr_ctl__load(ctl);
	if (err) {
		pr_warn("bridge \"%s\": cannot load the datapath: %s (run with -vv for the verifier log)",
			br->name, strerror(-err));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", br->dir, PIN_TC_PROG);
	err = bpf_program__pin(tc->progs.xbr_tc_ingress, path);
	if (err)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", br->dir, PIN_CTL_PROG);
	err = bpf_program__pin(ctl->progs.xbr_ctl, path);
	if (err)
		goto out;
	close_objs(br);
	err = br_open_objs(br, 0);
out:
	xbr_ctl__destroy(ctl);
	xbr_tc__destroy(tc);
	return err;
}

uint64_t xbr_dp_version(void)
{
	const char *fake = getenv("XBR_TEST_DP_VERSION"); /* test hook: another build */
	const unsigned char *p;
	uint64_t h = 14695981039346656037ULL;
	size_t sz, i;

	if (fake && *fake)
		return strtoull(fake, NULL, 0);
	p = xbr_tc__elf_bytes(&sz);
	for (i = 0; i < sz; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	p = xbr_ctl__elf_bytes(&sz);
	for (i = 0; i < sz; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return dp_elf_hash(h);
}

/* Pin @prog over @name in the bridge directory, never leaving it missing. */
static int pin_replace(struct xbr_bridge *br, struct bpf_program *prog, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", br->dir, name);
	return xbr_pin_prog(prog, path, 1);
}

int br_reload(struct xbr_bridge *br)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = br->dir);
	struct xbr_ctl_req c = { .op = XBR_OP_TIMER_START };
	struct xbr_tc *tc = NULL;
	struct xbr_ctl *ctl = NULL;
	const char *step;
	int err, fd;

	step = "load the new programs over the pinned maps";
	tc = xbr_tc__open_opts(&oo);
	ctl = xbr_ctl__open_opts(&oo);
	if (!tc || !ctl) {
		err = -errno;
		goto out;
	}
	xbr_maps_match_pins(tc->obj);
	xbr_maps_match_pins(ctl->obj);
	err = xbr_tc__load(tc);
	if (!err)
		err = xbr_ctl__load(ctl);
	if (err)
		goto out; /* nothing changed yet: the old datapath runs on */

	step = "pin the new programs";
	err = pin_replace(br, tc->progs.xbr_tc_ingress, PIN_TC_PROG);
	if (!err)
		err = pin_replace(br, ctl->progs.xbr_ctl, PIN_CTL_PROG);
	if (err)
		goto out;
	fd = dup(bpf_program__fd(tc->progs.xbr_tc_ingress));
	if (fd >= 0) {
		close_fd(&br->tc_prog_fd);
		br->tc_prog_fd = fd;
	}
	fd = dup(bpf_program__fd(ctl->progs.xbr_ctl));
	if (fd >= 0) {
		close_fd(&br->ctl_prog_fd);
		br->ctl_prog_fd = fd;
	}

	step = "swap the new programs in on every port";
	err = dp_reload(br);
	if (err)
		goto out;
	/* The sweep timer exists: this points its callback at the new program. */
	step = "hand the ageing sweep to the new control program";
	err = br_ctl(br, &c);
	if (err)
		goto out;
	br->cfg.dp_version = xbr_dp_version();
	step = "record the datapath version";
	err = config_write(br);
out:
	if (err)
		pr_warn("bridge \"%s\": reload: cannot %s: %s", br->name, step, strerror(-err));
	xbr_ctl__destroy(ctl);
	xbr_tc__destroy(tc);
	return err;
}

int br_ctl(struct xbr_bridge *br, struct xbr_ctl_req *c)
{
	/* Syscall programs write their context back into ctx_in. */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = c, .ctx_size_in = sizeof(*c));
	int err;

	err = bpf_prog_test_run_opts(br->ctl_prog_fd, &opts);
	if (err)
		return -errno;
	return c->result;
}

/* ---- port records and the flood list ---- */

/* Lowest stats index no port uses. */
static int port_idx_alloc(struct xbr_bridge *br, __u32 *idx)
{
	struct xbr_port *v;
	size_t n, i;
	int err;

	/* Read the table once per command; later allocations use the copy. */
	if (!br->idx_loaded) {
		err = br_ports(br, &v, &n);
		if (err)
			return err;
		memset(br->idx_used, 0, sizeof(br->idx_used));
		for (i = 0; i < n; i++)
			if (v[i].idx < XBR_MAX_PORTS)
				br->idx_used[v[i].idx] = 1;
		free(v);
		br->idx_loaded = 1;
	}
	for (i = 0; i < XBR_MAX_PORTS; i++) {
		if (!br->idx_used[i]) {
			br->idx_used[i] = 1;
			*idx = (__u32)i;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Zero a port's counters and learned count (the index may have been used). */
static int port_stats_reset(struct xbr_bridge *br, __u32 idx)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xbr_port_stats *z;
	__u32 zero = 0;
	int err = 0;

	if (ncpu < 1)
		return -EINVAL;
	z = calloc((size_t)ncpu, sizeof(*z));
	if (!z)
		return -ENOMEM;
	if (bpf_map_update_elem(br->port_stats_fd, &idx, z, BPF_ANY) < 0 ||
	    bpf_map_update_elem(br->learned_fd, &idx, &zero, BPF_ANY) < 0)
		err = -errno;
	free(z);
	return err;
}

static int port_record_add(struct xbr_bridge *br, struct xbr_port *p)
{
	struct xbr_flood_ent fe = { .ifindex = p->ifindex, .flags = (__u16)p->flags };
	__u32 slot = br->cfg.nports;
	int err;

	if (slot >= XBR_MAX_PORTS)
		return -ENOSPC;
	err = port_idx_alloc(br, &p->idx);
	if (!err)
		err = port_stats_reset(br, p->idx);
	if (err)
		return err;
	fe.idx = (__u16)p->idx;
	p->slot = slot;
	err = dp_port_sync(br, p);
	if (err)
		return err;
	if (bpf_map_update_elem(br->ports_fd, &p->ifindex, p, BPF_NOEXIST) < 0)
		return -errno;
	if (bpf_map_update_elem(br->flood_fd, &slot, &fe, BPF_ANY) < 0) {
		int err = -errno;

		bpf_map_delete_elem(br->ports_fd, &p->ifindex);
		return err;
	}
	br->cfg.nports++;
	return config_write(br);
}

/* Remove a port record, keep the flood list dense, forget its FDB entries. */
static int port_record_del(struct xbr_bridge *br, uint32_t ifindex)
{
	struct xbr_flood_ent last_fe, zero_fe = {};
	struct xbr_port p, moved;
	__u32 last;
	int err;

	if (bpf_map_lookup_elem(br->ports_fd, &ifindex, &p) < 0)
		return -errno;
	if (br->idx_loaded && p.idx < XBR_MAX_PORTS)
		br->idx_used[p.idx] = 0;
	if (br->cfg.nports > 0) {
		last = br->cfg.nports - 1;
		if (p.slot != last && bpf_map_lookup_elem(br->flood_fd, &last, &last_fe) == 0) {
			bpf_map_update_elem(br->flood_fd, &p.slot, &last_fe, BPF_ANY);
			if (bpf_map_lookup_elem(br->ports_fd, &last_fe.ifindex, &moved) == 0) {
				moved.slot = p.slot;
				bpf_map_update_elem(br->ports_fd, &last_fe.ifindex, &moved, BPF_EXIST);
			}
		}
		br->cfg.nports--;
		bpf_map_update_elem(br->flood_fd, &last, &zero_fe, BPF_ANY);
	}
	err = config_write(br);
	bpf_map_delete_elem(br->ports_fd, &ifindex);
	dp_port_forget(br, ifindex);

	/* Entries on the removed port: gone, as the kernel bridge does. */
	{
		struct xbr_ctl_req c = { .op = XBR_OP_FLUSH, .ifindex = ifindex,
				     .flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC };

		br_ctl(br, &c);
	}
	return err;
}

int br_ports(struct xbr_bridge *br, struct xbr_port **out, size_t *n)
{
	struct xbr_port *v = NULL, *nv;
	size_t cnt = 0, cap = 0, i, j;
	__u32 key, next, *prev = NULL;

	while (bpf_map_get_next_key(br->ports_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		if (bpf_map_lookup_elem(br->ports_fd, &key, &v[cnt]) == 0)
			cnt++;
	}
	/* Gateway first, then by namespace name (insertion sort: few ports). */
	for (i = 1; i < cnt; i++) {
		struct xbr_port t = v[i];

		for (j = i; j > 0; j--) {
			int tg = !!(t.flags & XBR_PORT_F_GATEWAY), pg = !!(v[j - 1].flags & XBR_PORT_F_GATEWAY);

			if (pg > tg || (pg == tg && strcmp(v[j - 1].name, t.name) <= 0))
				break;
			v[j] = v[j - 1];
		}
		v[j] = t;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int br_port_find(struct xbr_bridge *br, const char *netns, struct xbr_port *out)
{
	struct xbr_port *v;
	size_t n, i;
	int err = br_ports(br, &v, &n);

	if (err)
		return err;
	err = -ENOENT;
	for (i = 0; i < n; i++) {
		if (!(v[i].flags & XBR_PORT_F_GATEWAY) && !strcmp(v[i].name, netns)) {
			*out = v[i];
			err = 0;
			break;
		}
	}
	free(v);
	return err;
}

int br_port_lookup(struct xbr_bridge *br, const char *name, struct xbr_port *out)
{
	struct xbr_port *v;
	size_t n, i;
	int err;

	if (br_port_find(br, name, out) == 0)
		return 0;
	err = br_ports(br, &v, &n);
	if (err)
		return err;
	err = -ENOENT;
	for (i = 0; i < n; i++) {
		if (!strcmp(v[i].ifname, name) ||
		    (!strcmp(name, "gateway") && (v[i].flags & XBR_PORT_F_GATEWAY))) {
			*out = v[i];
			err = 0;
			break;
		}
	}
	free(v);
	return err;
}

/* ---- ports ---- */

static void alias_of(const struct xbr_bridge *br, const char *netns, char *buf, size_t len)
{
	snprintf(buf, len, "xbr:%s:%s", br->name, netns);
}

static void gw_port_name(const struct xbr_bridge *br, char *buf)
{
	xbr_port_ifname(br->name, XBR_GW_PORT_SUFFIX, buf);
}

/* Is @ifname taken in the host namespace? */
static int link_exists(struct xbr_bridge *br, const char *ifname)
{
	struct xbr_link l;

	return nl_link_get(&br->nl, ifname, &l) == 0;
}

/* Checks that can be made before anything is created. */
static int port_precheck(struct xbr_bridge *br, const char *netns)
{
	char ifname[XBR_IFNAMSIZ], gw[XBR_IFNAMSIZ];

	xbr_port_ifname(br->name, netns, ifname);
	gw_port_name(br, gw);
	if (!strcmp(ifname, gw) || !strcmp(ifname, br->name)) {
		pr_warn("namespace \"%s\": its port name %s is reserved for the gateway of bridge \"%s\"",
			netns, ifname, br->name);
		return -EINVAL;
	}
	if (netns_exists(netns) && intent_has(br, netns)) {
		pr_info("namespace \"%s\": removing what an interrupted command left", netns);
		port_teardown(br, ifname, netns);
		intent_del(br, netns);
	}
	if (netns_exists(netns)) {
		pr_warn("namespace \"%s\" already exists (not created by xbr for bridge \"%s\")", netns,
			br->name);
		return -EEXIST;
	}
	if (link_exists(br, ifname)) {
		pr_warn("namespace \"%s\": interface %s already exists", netns, ifname);
		return -EEXIST;
	}
	return 0;
}

/* Configure the inside of a namespace: lo up, eth0 address, default route. */
static int ns_configure(struct xbr_bridge *br, int nsfd, const struct xbr_ns_spec *spec)
{
	struct xbr_nl nsnl;
	struct xbr_link lo, eth0;
	int err;

	err = nl_open_netns(&nsnl, nsfd);
	if (err)
		return err;
	err = nl_link_get(&nsnl, "lo", &lo);
	if (!err)
		err = nl_link_set_up(&nsnl, lo.ifindex);
	if (!err)
		err = nl_link_get(&nsnl, "eth0", &eth0);
	if (!err)
		err = nl_link_set_up(&nsnl, eth0.ifindex);
	if (!err)
		err = xbr_fault("port-addr");
	if (!err)
		err = nl_addr_add(&nsnl, eth0.ifindex, spec->addr, spec->plen);
	if (!err)
		err = xbr_fault("port-route");
	if (!err)
		err = nl_route_add_default(&nsnl, eth0.ifindex, br->cfg.gateway);
	if (!err && br->cfg.plen6) {
		uint8_t a6[16], gw6[16];

		xbr_station_addr6(br->cfg.subnet6, br->cfg.plen6, spec->addr, a6);
		xbr_station_addr6(br->cfg.subnet6, br->cfg.plen6, br->cfg.gateway, gw6);
		err = nl_addr6_add(&nsnl, eth0.ifindex, a6, br->cfg.plen6);
		if (!err)
			err = nl_route6_add_default(&nsnl, eth0.ifindex, gw6);
	}
	nl_close(&nsnl);
	return err;
}

/* ---- crash journal (xbr_intent) ---- */

static int intent_add(struct xbr_bridge *br, const char *netns, const char *ifname)
{
	struct xbr_intent_key k = {};
	struct xbr_intent v = {};

	snprintf(k.name, sizeof(k.name), "%s", netns);
	snprintf(v.ifname, sizeof(v.ifname), "%s", ifname);
	if (bpf_map_update_elem(br->intent_fd, &k, &v, BPF_ANY) < 0)
		return -errno;
	return 0;
}

static void intent_del(struct xbr_bridge *br, const char *netns)
{
	struct xbr_intent_key k = {};

	snprintf(k.name, sizeof(k.name), "%s", netns);
	bpf_map_delete_elem(br->intent_fd, &k);
}

/* Is @netns a leftover of this bridge's interrupted command? */
static int intent_has(struct xbr_bridge *br, const char *netns)
{
	struct xbr_intent_key k = {};
	struct xbr_intent v;

	if (br->intent_fd < 0)
		return 0;
	snprintf(k.name, sizeof(k.name), "%s", netns);
	return bpf_map_lookup_elem(br->intent_fd, &k, &v) == 0;
}

/* Remove what interrupted commands left (journal entries), then the entries. */
/*
 * flood_rebuild - make the flood list and nports agree with the port table
 * again, after an interrupted command may have left them half-written.
 */
static int flood_rebuild(struct xbr_bridge *br)
{
	struct xbr_flood_ent zero_fe = {};
	struct xbr_port *v;
	size_t n, i;
	__u32 slot;
	int err = br_ports(br, &v, &n);

	if (err)
		return err;
	for (i = 0; i < n; i++) {
		struct xbr_flood_ent fe = { .ifindex = v[i].ifindex, .flags = (__u16)v[i].flags,
					    .idx = (__u16)v[i].idx };

		slot = (__u32)i;
		v[i].slot = slot;
		bpf_map_update_elem(br->flood_fd, &slot, &fe, BPF_ANY);
		bpf_map_update_elem(br->ports_fd, &v[i].ifindex, &v[i], BPF_EXIST);
	}
	for (slot = (__u32)n; slot < XBR_MAX_PORTS; slot++)
		bpf_map_update_elem(br->flood_fd, &slot, &zero_fe, BPF_ANY);
	br->cfg.nports = (__u32)n;
	free(v);
	return config_write(br);
}

/*
 * intent_cleanup - remove what interrupted commands left: for every journal
 * entry its port record (if it got that far), its host link and namespace;
 * then the flood list is rebuilt from the port table. @ports_only keeps the
 * gateway entry (an `up` in progress is not a port's business).
 * Returns the number of entries cleaned.
 */
static int intent_cleanup_sel(struct xbr_bridge *br, int ports_only)
{
	struct xbr_intent_key k, next, *prev = NULL;
	struct xbr_intent v;
	struct xbr_port p;
	__u32 ifi;
	int cleaned = 0, nl_ok;
	struct xbr_link l;

	if (br->intent_fd < 0)
		return 0;
	while (bpf_map_get_next_key(br->intent_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (ports_only && !k.name[0])
			continue;
		if (bpf_map_lookup_elem(br->intent_fd, &k, &v) < 0)
			continue;
		pr_info("cleaning up after an interrupted command: %s %s",
			k.name[0] ? k.name : "(gateway)", v.ifname);
		nl_ok = nl_link_get(&br->nl, v.ifname, &l) == 0;
		ifi = nl_ok ? (__u32)l.ifindex : 0;
		if (ifi && br->ports_fd >= 0 && bpf_map_lookup_elem(br->ports_fd, &ifi, &p) == 0) {
			struct xbr_ctl_req c = { .op = XBR_OP_FLUSH, .ifindex = ifi,
						 .flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC };

			bpf_map_delete_elem(br->ports_fd, &ifi);
			dp_port_forget(br, ifi);
			if (br->ctl_prog_fd >= 0)
				br_ctl(br, &c);
		}
		port_teardown(br, v.ifname, k.name);
		cleaned++;
	}
	prev = NULL;
	while (bpf_map_get_next_key(br->intent_fd, prev, &next) == 0) {
		k = next;
		if (ports_only && !k.name[0]) {
			prev = &k;
			continue;
		}
		bpf_map_delete_elem(br->intent_fd, &k);
		prev = NULL;
	}
	if (cleaned && br->ports_fd >= 0 && br->flood_fd >= 0 && br->config_fd >= 0)
		flood_rebuild(br);
	return cleaned;
}

static void intent_cleanup(struct xbr_bridge *br)
{
	intent_cleanup_sel(br, 0);
}

static int port_create(struct xbr_bridge *br, const struct xbr_ns_spec *spec, struct journal *j)
{
	struct xbr_port p = {};
	struct xbr_link host;
	char ifname[XBR_IFNAMSIZ], alias[64], abuf[INET_ADDRSTRLEN];
	uint8_t mac[6];
	const char *step;
	int nsfd, err;

	xbr_port_ifname(br->name, spec->name, ifname);
	xbr_station_mac(spec->addr, mac);
	inet_ntop(AF_INET, &spec->addr, abuf, sizeof(abuf));

	step = "journal";
	err = intent_add(br, spec->name, ifname);
	if (err)
		goto fail;
	journal_add(j, UNDO_INTENT, spec->name, 0); /* undone last */

	step = "create namespace";
	nsfd = netns_create(spec->name);
	if (nsfd < 0) {
		err = nsfd;
		goto fail;
	}
	journal_add(j, UNDO_NETNS, spec->name, 0);

	step = "create veth pair";
	err = xbr_fault("port-veth");
	if (!err)
		err = nl_veth_add(&br->nl, ifname, NULL, "eth0", nsfd, mac);
	if (err)
		goto fail_fd;
	journal_add(j, UNDO_LINK, ifname, 0);

	step = "look up host-side veth";
	err = nl_link_get(&br->nl, ifname, &host);
	if (err)
		goto fail_fd;
	alias_of(br, spec->name, alias, sizeof(alias));
	err = nl_link_set_alias(&br->nl, host.ifindex, alias);
	if (err)
		goto fail_fd;

	step = "configure namespace";
	err = ns_configure(br, nsfd, spec);
	if (!err)
		err = nl_link_set_up(&br->nl, host.ifindex);
	if (err)
		goto fail_fd;

	step = "attach the datapath";
	err = xbr_fault("port-attach");
	if (!err)
		err = dp_port_attach(br, host.ifindex, nsfd);
	if (err)
		goto fail_fd;

	step = "record port";
	p.ifindex = (uint32_t)host.ifindex;
	p.flags = XBR_PORT_F_DEFAULT | XBR_PORT_F_PEER;
	if (br->cfg.flags & XBR_CFG_F_NO_ICC)
		p.flags |= XBR_PORT_F_ISOLATED;
	memcpy(p.mac, mac, 6);
	p.addr = spec->addr;
	p.plen = spec->plen;
	snprintf(p.name, sizeof(p.name), "%s", spec->name);
	snprintf(p.ifname, sizeof(p.ifname), "%s", ifname);
	err = xbr_fault("port-record");
	if (!err)
		err = port_record_add(br, &p);
	if (err)
		goto fail_fd;
	journal_add(j, UNDO_PORTREC, NULL, p.ifindex);
	intent_del(br, spec->name);
	close(nsfd);
	pr_info("port %s: namespace %s, eth0 %s/%u", ifname, spec->name, abuf, spec->plen);
	return 0;

fail_fd:
	close(nsfd);
fail:
	pr_warn("namespace \"%s\": cannot %s: %s", spec->name, step, strerror(-err));
	return err;
}

/* Addresses already held by ports (for allocation and duplicate checks). */
static int used_addrs(struct xbr_bridge *br, uint32_t **out, size_t *n)
{
	struct xbr_port *v;
	size_t cnt, i;
	int err = br_ports(br, &v, &cnt);

	if (err)
		return err;
	*out = calloc(cnt + 1, sizeof(uint32_t));
	if (!*out) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < cnt; i++)
		(*out)[i] = v[i].addr;
	*n = cnt;
	free(v);
	return 0;
}

static int spec_resolve(struct xbr_bridge *br, struct xbr_ns_spec *s, const uint32_t *used,
			size_t nused)
{
	char abuf[INET_ADDRSTRLEN];
	size_t i;
	int code;

	if (!s->has_addr) {
		if (xbr_alloc_addr(br->cfg.subnet, br->cfg.plen, br->cfg.gateway, used, nused,
				   &s->addr)) {
			pr_warn("namespace \"%s\": no free address left in the bridge subnet", s->name);
			return -ENOSPC;
		}
		s->plen = br->cfg.plen;
		s->has_addr = 1;
		return 0;
	}
	inet_ntop(AF_INET, &s->addr, abuf, sizeof(abuf));
	code = xbr_check_station_addr(s->addr, s->plen, br->cfg.subnet, br->cfg.plen,
				      br->cfg.gateway);
	if (code) {
		pr_warn("namespace \"%s\": address %s/%u %s", s->name, abuf, s->plen,
			xbr_addr_strerror(code));
		return -EINVAL;
	}
	for (i = 0; i < nused; i++) {
		if (used[i] == s->addr) {
			pr_warn("namespace \"%s\": address %s is already in use on bridge \"%s\"",
				s->name, abuf, br->name);
			return -EADDRINUSE;
		}
	}
	return 0;
}

int br_port_add(struct xbr_bridge *br, const struct xbr_ns_spec *in)
{
	struct xbr_ns_spec spec = *in;
	struct journal j = { .n = 0 };
	struct xbr_port existing;
	uint32_t *used = NULL;
	size_t nused = 0;
	int err;

	intent_cleanup_sel(br, 1); /* what an interrupted `port add` left */
	if (br_port_find(br, spec.name, &existing) == 0) {
		pr_warn("namespace \"%s\" is already a port of bridge \"%s\"", spec.name, br->name);
		return -EEXIST;
	}
	err = used_addrs(br, &used, &nused);
	if (err)
		return err;
	err = spec_resolve(br, &spec, used, nused);
	free(used);
	if (err)
		return err;
	err = port_precheck(br, spec.name);
	if (err)
		return err;
	err = port_create(br, &spec, &j);
	if (err)
		journal_undo(br, &j);
	return err;
}

static void port_teardown(struct xbr_bridge *br, const char *ifname, const char *netns)
{
	int err = nl_link_del_name(&br->nl, ifname);

	if (err && err != -ENODEV)
		pr_warn("interface %s: cannot delete: %s", ifname, strerror(-err));
	if (netns && *netns) {
		err = netns_delete(netns);
		if (err)
			pr_warn("namespace \"%s\": cannot delete: %s", netns, strerror(-err));
	}
}

int br_port_del(struct xbr_bridge *br, const char *netns)
{
	struct xbr_port p;
	int err;

	if (intent_has(br, netns)) {
		/* Half-made by an interrupted `port add`: removing it is the job. */
		intent_cleanup_sel(br, 1);
		if (br_port_find(br, netns, &p) != 0)
			return 0;
	} else {
		intent_cleanup_sel(br, 1);
	}
	err = br_port_find(br, netns, &p);
	if (err) {
		pr_warn("namespace \"%s\" is not a port of bridge \"%s\"", netns, br->name);
		return -ENOENT;
	}
	nat_port_del(br, netns);
	err = port_record_del(br, p.ifindex);
	port_teardown(br, p.ifname, p.name);
	return err;
}

/* ---- the bridge ---- */

static int gateway_create(struct xbr_bridge *br, struct journal *j)
{
	struct xbr_port p = {};
	struct xbr_link port;
	char gw[XBR_IFNAMSIZ], alias[64];
	uint8_t mac[6];
	struct xbr_link host;
	const char *step;
	int err;

	gw_port_name(br, gw);
	xbr_station_mac(br->cfg.gateway, mac);
	alias_of(br, "gateway", alias, sizeof(alias));

	/* The "" entry also marks `up` as in progress until br_up() completes. */
	step = "journal the gateway";
	err = intent_add(br, "", br->name);
	if (err)
		goto fail;

	step = "create gateway veth pair";
	err = xbr_fault("gw-veth");
	if (!err)
		err = nl_veth_add(&br->nl, br->name, mac, gw, -1, NULL);
	if (err)
		goto fail;
	journal_add(j, UNDO_LINK, br->name, 0);

	step = "configure gateway";
	err = nl_link_get(&br->nl, br->name, &host);
	if (!err)
		err = nl_link_get(&br->nl, gw, &port);
	if (!err)
		err = nl_link_set_alias(&br->nl, host.ifindex, alias);
	if (!err)
		err = nl_link_set_alias(&br->nl, port.ifindex, alias);
	if (!err)
		err = xbr_fault("gw-addr");
	if (!err)
		err = nl_addr_add(&br->nl, host.ifindex, br->cfg.gateway, br->cfg.plen);
	if (!err && br->cfg.plen6) {
		uint8_t gw6[16];

		xbr_station_addr6(br->cfg.subnet6, br->cfg.plen6, br->cfg.gateway, gw6);
		err = nl_addr6_add(&br->nl, host.ifindex, gw6, br->cfg.plen6);
	}
	if (!err)
		err = nl_link_set_up(&br->nl, port.ifindex);
	if (!err)
		err = nl_link_set_up(&br->nl, host.ifindex);
	if (err)
		goto fail;

	step = "attach the datapath to the gateway port";
	err = dp_port_attach(br, port.ifindex, -1);
	if (err)
		goto fail;

	p.ifindex = (uint32_t)port.ifindex;
	p.flags = XBR_PORT_F_DEFAULT | XBR_PORT_F_GATEWAY;
	memcpy(p.mac, mac, 6);
	p.addr = br->cfg.gateway;
	p.plen = br->cfg.plen;
	snprintf(p.ifname, sizeof(p.ifname), "%s", gw);
	step = "record gateway port";
	err = port_record_add(br, &p);
	if (err)
		goto fail;
	return 0;
fail:
	pr_warn("bridge \"%s\": cannot %s: %s", br->name, step, strerror(-err));
	return err;
}

/* Do two IPv6 prefixes share an address (the shorter contains the longer)? */
static int prefix6_overlap(const uint8_t *a, uint8_t la, const uint8_t *b, uint8_t lb)
{
	int bits = la < lb ? la : lb, i;

	for (i = 0; i < 16 && bits > 0; i++, bits -= 8) {
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((a[i] ^ b[i]) & m)
			return 0;
	}
	return 1;
}

/* Another bridge whose subnet overlaps ours would make routes ambiguous. */
static int subnet_overlap_check(struct xbr_bridge *br)
{
	char path[PATH_MAX], a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct xbr_config other;
	struct dirent *de;
	__u32 zero = 0;
	DIR *d;
	int fd, err = 0;
	uint8_t plen;

	d = opendir(XBR_PIN_ROOT);
	if (!d)
		return 0;
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, br->name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/xbr_config", XBR_PIN_ROOT, de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (bpf_map_lookup_elem(fd, &zero, &other) == 0) {
			plen = other.plen < br->cfg.plen ? other.plen : br->cfg.plen;
			if (xbr_in_subnet(other.subnet, br->cfg.subnet, plen)) {
				inet_ntop(AF_INET, &br->cfg.subnet, a, sizeof(a));
				inet_ntop(AF_INET, &other.subnet, b, sizeof(b));
				pr_warn("bridge \"%s\": subnet %s/%u overlaps bridge \"%s\" (%s/%u)",
					br->name, a, br->cfg.plen, de->d_name, b, other.plen);
				err = -EADDRINUSE;
			} else if (br->cfg.plen6 && other.plen6 &&
				   prefix6_overlap(br->cfg.subnet6, br->cfg.plen6, other.subnet6,
						   other.plen6)) {
				char a6[INET6_ADDRSTRLEN], b6[INET6_ADDRSTRLEN];

				inet_ntop(AF_INET6, br->cfg.subnet6, a6, sizeof(a6));
				inet_ntop(AF_INET6, other.subnet6, b6, sizeof(b6));
				pr_warn("bridge \"%s\": subnet6 %s/%u overlaps bridge \"%s\" (%s/%u)",
					br->name, a6, br->cfg.plen6, de->d_name, b6, other.plen6);
				err = -EADDRINUSE;
			}
		}
		close(fd);
	}
	closedir(d);
	return err;
}

int br_up(struct xbr_bridge *br, const struct xbr_up_opts *o)
{
	struct journal j = { .n = 0 };
	struct xbr_ns_spec *specs = NULL;
	uint32_t *used = NULL;
	char gwname[XBR_IFNAMSIZ], abuf[INET_ADDRSTRLEN];
	size_t i, k;
	int err, code;

	if (br_is_up(br)) {
		if (br_open_objs(br, 1) == 0 && config_read(br) == 0 &&
		    (br->cfg.flags & XBR_CFG_F_UP_DONE) && !intent_has(br, "")) {
			intent_cleanup(br); /* leftovers of an interrupted `port add` */
			if (br->cfg.dp_version != xbr_dp_version()) {
				/* Up already, by another build of xbr: upgrade it in place. */
				err = br_reload(br);
				if (!err)
					pr_info("bridge \"%s\" was up with another datapath: reloaded",
						br->name);
				return err ? err : XBR_UP_RELOADED;
			}
			pr_warn("bridge \"%s\" is already up (use `xbr -b %s port add` or `xbr -b %s down`)",
				br->name, br->name, br->name);
			return -EEXIST;
		}
		/* An `up` was interrupted: finish the job by starting over. */
		pr_info("bridge \"%s\" was left half-made by an interrupted command: removing it",
			br->name);
		br_down(br);
		close_objs(br);
	}
	br->cfg.subnet = o->subnet & xbr_plen_mask(o->plen);
	br->cfg.plen = o->plen;
	br->cfg.gateway = o->gateway;
	br->cfg.ageing_ns = (uint64_t)o->ageing_sec * 1000000000ULL;
	br->cfg.fdb_size = o->fdb_size;
	br->cfg.mode = o->mode;
	/* Host bits cleared here, once: the datapath copies the prefix as is. */
	xbr_station_addr6(o->subnet6, o->plen6, 0, br->cfg.subnet6);
	br->cfg.plen6 = o->plen6;
	br->cfg.dp_version = xbr_dp_version();
	if (o->no_icc)
		br->cfg.flags |= XBR_CFG_F_NO_ICC;
	err = subnet_overlap_check(br);
	if (err)
		return err;

	inet_ntop(AF_INET, &o->gateway, abuf, sizeof(abuf));
	code = xbr_check_station_addr(o->gateway, o->plen, br->cfg.subnet, o->plen, 0);
	if (code == XBR_ADDR_OUTSIDE || code == XBR_ADDR_RESERVED) {
		pr_warn("bridge \"%s\": gateway %s %s", br->name, abuf, xbr_addr_strerror(code));
		return -EINVAL;
	}

	/* Resolve and check every namespace before creating anything. */
	specs = calloc(o->nns + 1, sizeof(*specs));
	used = calloc(o->nns + 1, sizeof(*used));
	if (!specs || !used) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < o->nns; i++) {
		for (k = 0; k < i; k++) {
			if (!strcmp(o->ns[k].name, o->ns[i].name)) {
				pr_warn("namespace \"%s\" is given twice", o->ns[i].name);
				err = -EINVAL;
				goto out;
			}
		}
		specs[i] = o->ns[i];
		if (specs[i].has_addr) {
			err = spec_resolve(br, &specs[i], used, i);
			if (err)
				goto out;
		}
		used[i] = specs[i].addr;
	}
	for (i = 0; i < o->nns; i++) {
		if (!specs[i].has_addr) {
			err = spec_resolve(br, &specs[i], used, o->nns);
			if (err)
				goto out;
			used[i] = specs[i].addr;
		}
		err = port_precheck(br, specs[i].name);
		if (err)
			goto out;
	}
	gw_port_name(br, gwname);
	if (link_exists(br, br->name) || link_exists(br, gwname)) {
		pr_warn("bridge \"%s\": interface %s or %s already exists (not created by xbr)",
			br->name, br->name, gwname);
		err = -EEXIST;
		goto out;
	}

	err = datapath_load(br, o);
	if (err) {
		if (err == -EEXIST)
			pr_warn("bridge \"%s\": %s exists", br->name, br->dir);
		pins_remove(br);
		goto out;
	}
	err = config_write(br);
	if (!err) {
		struct xbr_ctl_req c = { .op = XBR_OP_TIMER_START };

		err = br_ctl(br, &c);
		if (err)
			pr_warn("bridge \"%s\": cannot start the ageing sweep: %s", br->name,
				strerror(-err));
	}
	if (!err)
		err = gateway_create(br, &j);
	for (i = 0; !err && i < o->nns; i++) {
		j.n = 0; /* the last step succeeded: it is the bridge's now */
		err = port_create(br, &specs[i], &j);
	}
	if (!err)
		err = nat_up(br, o);
	if (!err) {
		err = xbr_fault("up-end");
		if (err)
			pr_warn("bridge \"%s\": cannot complete up: %s", br->name, strerror(-err));
	}
	if (!err) {
		intent_del(br, ""); /* `up` complete */
		br->cfg.flags |= XBR_CFG_F_UP_DONE;
		err = config_write(br);
	}
	if (err) {
		/* Undo the step that failed, then everything made before it. */
		journal_undo(br, &j);
		br_down(br);
	}
out:
	free(specs);
	free(used);
	return err;
}

struct down_ctx {
	struct xbr_bridge *br;
	char prefix[64];
	char names[XBR_MAX_PORTS][XBR_IFNAMSIZ];
	char netns[XBR_MAX_PORTS][XBR_NSNAMSIZ];
	size_t n;
};

/* Host links that carry this bridge's alias: "xbr:<bridge>:<netns|gateway>". */
static int down_collect(const struct xbr_link *l, void *data)
{
	struct down_ctx *c = data;
	size_t plen = strlen(c->prefix);

	if (strncmp(l->alias, c->prefix, plen) || c->n >= XBR_MAX_PORTS)
		return 0;
	snprintf(c->names[c->n], XBR_IFNAMSIZ, "%s", l->ifname);
	if (strcmp(l->alias + plen, "gateway"))
		snprintf(c->netns[c->n], XBR_NSNAMSIZ, "%s", l->alias + plen);
	else
		c->netns[c->n][0] = '\0';
	c->n++;
	return 0;
}

/* Links of this bridge (by alias) into @c; the number of namespace ports. */
static size_t down_scan(struct xbr_bridge *br, struct down_ctx *c)
{
	size_t i, nports = 0;
	int err;

	c->n = 0;
	err = nl_link_dump(&br->nl, down_collect, c);
	if (err)
		pr_warn("bridge \"%s\": cannot list links: %s", br->name, strerror(-err));
	for (i = 0; i < c->n; i++)
		if (c->netns[i][0])
			nports++;
	return nports;
}

int br_down(struct xbr_bridge *br)
{
	struct down_ctx *c;
	struct xbr_port *v = NULL;
	size_t n = 0, i;
	int tries;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->br = br;
	snprintf(c->prefix, sizeof(c->prefix), "xbr:%s:", br->name);
	nat_down(br);

	/*
	 * 1. The namespaces first, those the pinned table knows and those our
	 * aliases name. Once unmounted, the kernel destroys each namespace with
	 * its veth pair, in batches (cleanup_net): much faster than one
	 * RTM_DELLINK, each with its own synchronize_net(), per port.
	 */
	if (br->ports_fd < 0)
		br->ports_fd = pin_get(br, "xbr_ports");
	if (br->ports_fd >= 0 && br_ports(br, &v, &n) == 0) {
		for (i = 0; i < n; i++)
			if (v[i].name[0])
				netns_delete(v[i].name);
	}
	down_scan(br, c);
	for (i = 0; i < c->n; i++)
		if (c->netns[i][0])
			netns_delete(c->netns[i]);

	/* 2. Wait (bounded) for the host-side ends to go with their namespaces. */
	for (tries = 0; tries < 500 && down_scan(br, c) > 0; tries++)
		usleep(10000);

	/* 3. Whatever is left (the gateway, links whose namespace was not ours
	 * to unmount, a crash between steps): deleted one by one. */
	for (i = 0; i < n; i++)
		port_teardown(br, v[i].ifname, v[i].name);
	free(v);
	down_scan(br, c);
	for (i = 0; i < c->n; i++)
		port_teardown(br, c->names[i], c->netns[i]);
	free(c);

	/* 4. Whatever interrupted commands journaled, then the pins. */
	if (br->intent_fd < 0)
		br->intent_fd = pin_get(br, "xbr_intent");
	intent_cleanup(br);
	pins_remove(br);
	return 0;
}

static int fdb_row_cmp(const void *a, const void *b)
{
	const struct xbr_fdb_row *x = a, *y = b;
	int c = strcmp(x->ifname, y->ifname);

	if (c)
		return c;
	c = memcmp(x->mac, y->mac, 6);
	if (c)
		return c;
	return (int)x->vlan - (int)y->vlan;
}

int br_fdb_rows(struct xbr_bridge *br, struct xbr_fdb_row **out, size_t *n)
{
	struct xbr_fdb_row *rows = NULL, *nr;
	struct xbr_fdb_key key, next, *prev = NULL;
	struct xbr_fdb_val val;
	struct xbr_port *ports = NULL;
	size_t cnt = 0, cap = 0, np = 0, i;
	struct timespec ts;
	uint64_t now;
	int err;

	err = br_ports(br, &ports, &np);
	if (err)
		return err;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;

	while (bpf_map_get_next_key(br->fdb_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(br->fdb_fd, &key, &val) < 0)
			continue;
		if (!(val.flags & XBR_FDB_F_STATIC) && now > val.updated_ns &&
		    now - val.updated_ns > br->cfg.ageing_ns)
			continue; /* expired: the datapath no longer uses it */
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			nr = realloc(rows, cap * sizeof(*rows));
			if (!nr) {
				free(rows);
				free(ports);
				return -ENOMEM;
			}
			rows = nr;
		}
		memset(&rows[cnt], 0, sizeof(rows[cnt]));
		memcpy(rows[cnt].mac, key.mac, 6);
		rows[cnt].vlan = key.vlan;
		rows[cnt].ifindex = val.ifindex;
		rows[cnt].flags = val.flags;
		rows[cnt].age_sec = now > val.updated_ns ? (now - val.updated_ns) / 1000000000ULL : 0;
		for (i = 0; i < np; i++) {
			if (ports[i].ifindex == val.ifindex) {
				memcpy(rows[cnt].ifname, ports[i].ifname, XBR_IFNAMSIZ);
				memcpy(rows[cnt].netns, ports[i].name, XBR_NSNAMSIZ);
				break;
			}
		}
		if (!rows[cnt].ifname[0])
			snprintf(rows[cnt].ifname, XBR_IFNAMSIZ, "if%u", val.ifindex);
		cnt++;
	}
	free(ports);
	if (cnt)
		qsort(rows, cnt, sizeof(*rows), fdb_row_cmp);
	*out = rows;
	*n = cnt;
	return 0;
}

int br_config_write(struct xbr_bridge *br)
{
	return config_write(br);
}

int br_port_update(struct xbr_bridge *br, const struct xbr_port *p)
{
	struct xbr_flood_ent fe = { .ifindex = p->ifindex, .flags = (__u16)p->flags,
				    .idx = (__u16)p->idx };

	if (bpf_map_update_elem(br->ports_fd, &p->ifindex, p, BPF_EXIST) < 0)
		return -errno;
	if (bpf_map_update_elem(br->flood_fd, &p->slot, &fe, BPF_EXIST) < 0)
		return -errno;
	return dp_port_sync(br, p);
}
