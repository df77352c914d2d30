// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The bridge's lifecycle: the lock, opening a running bridge, `up`, `down`,
 * `reload` (with live migration of an older pinned layout) and mode switches.
 * Ports are port.c's, the pinned objects pins.c's, the hooks datapath.c's.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <bpf/bpf.h>
#include "bridge.h"
#include "pins.h"
#include "directory.h"
#include "datapath.h"
#include "log.h"
#include "migrate.h"
#include "names.h"
#include "nat.h"
#include "netns.h"
#include "port.h"

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

/* The lock taken once for many commands (br_lock_hold()), -1 when none. */
static int held_lock_fd = -1;

/* Open and lock the bpffs root (the one lock of all xbr commands). */
static int lock_take(const char *name, int *fd)
{
	int err;

	*fd = open(XBR_BPFFS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0 || flock(*fd, LOCK_EX) < 0) {
		err = -errno;
		pr_warn("bridge \"%s\": cannot lock %s: %s", name, XBR_BPFFS, strerror(errno));
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return err;
	}
	return 0;
}

int br_lock_hold(const char *name)
{
	int err;

	if (geteuid() != 0) {
		pr_warn("bridge \"%s\": must run as root (needs CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF)",
			name);
		return -EPERM;
	}
	if (held_lock_fd >= 0)
		return 0;
	err = bpffs_ensure();
	return err ? err : lock_take(name, &held_lock_fd);
}

int br_lock_try(const char *name)
{
	int fd, err;

	if (held_lock_fd >= 0)
		return 0;
	err = bpffs_ensure();
	if (err)
		return err;
	fd = open(XBR_BPFFS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_warn("bridge \"%s\": cannot open %s: %s", name, XBR_BPFFS, strerror(errno));
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		err = errno == EWOULDBLOCK ? -EAGAIN : -errno;
		if (err != -EAGAIN)
			pr_warn("bridge \"%s\": cannot lock %s: %s", name, XBR_BPFFS, strerror(errno));
		close(fd);
		return err;
	}
	held_lock_fd = fd;
	return 0;
}

void br_lock_release(void)
{
	if (held_lock_fd >= 0)
		close(held_lock_fd);
	held_lock_fd = -1;
}

int br_init(struct xbr_bridge **brp, const char *name)
{
	struct xbr_bridge *br;
	int err;

	*brp = br = calloc(1, sizeof(*br));
	if (!br) {
		pr_warn("bridge \"%s\": out of memory", name);
		return -ENOMEM;
	}
	br->lock_fd = -1;
	pins_reset(br);
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
	/* One lock for all xbr commands on this bpffs: commands are short.
	 * Held already when this command is one line of `up -f`. */
	if (held_lock_fd < 0) {
		err = lock_take(name, &br->lock_fd);
		if (err)
			return err;
	}
	err = nl_open(&br->nl);
	if (err) {
		pr_warn("bridge \"%s\": cannot open rtnetlink: %s", name, strerror(-err));
		return err;
	}
	return 0;
}

void br_close(struct xbr_bridge *br)
{
	if (!br)
		return;
	pins_close(br);
	nl_close(&br->nl);
	if (br->lock_fd >= 0)
		close(br->lock_fd);
	free(br);
}

int br_is_up(const struct xbr_bridge *br)
{
	return pins_exist(br);
}

/* Is the bridge's pinned layout this build's? Says what to do when not. */
static int layout_check(struct xbr_bridge *br)
{
	uint32_t l = pins_layout(br);

	if (l == XBR_LAYOUT_VERSION || l == 0)
		return 0;
	if (l < XBR_LAYOUT_VERSION)
		pr_warn("bridge \"%s\" runs pinned layout %u of an older xbr: run `xbr -b %s reload` to migrate it to layout %u",
			br->name, l, br->name, XBR_LAYOUT_VERSION);
	else
		pr_warn("bridge \"%s\" runs pinned layout %u of a newer xbr (this one knows %u): use that xbr",
			br->name, l, XBR_LAYOUT_VERSION);
	return -EPROTO;
}

int br_open(struct xbr_bridge *br)
{
	int err;

	if (!br_is_up(br)) {
		pr_warn("bridge \"%s\" is not up", br->name);
		return -ENOENT;
	}
	err = layout_check(br);
	if (!err)
		err = pins_open(br, 0);
	if (err)
		return err;
	err = pins_config_read(br);
	if (err)
		pr_warn("bridge \"%s\": cannot read configuration: %s", br->name, strerror(-err));
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
	char path[PATH_MAX], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
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
		/* Layout 1's config is a prefix of this one's: the fields read are in it. */
		memset(&other, 0, sizeof(other));
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
				inet_ntop(AF_INET6, br->cfg.subnet6, a, sizeof(a));
				inet_ntop(AF_INET6, other.subnet6, b, sizeof(b));
				pr_warn("bridge \"%s\": subnet6 %s/%u overlaps bridge \"%s\" (%s/%u)",
					br->name, a, br->cfg.plen6, de->d_name, b, other.plen6);
				err = -EADDRINUSE;
			}
		}
		close(fd);
	}
	closedir(d);
	return err;
}

/* `up` over a bridge that is there: reload it if another build made it,
 * finish an interrupted `up` by starting over, or refuse. */
static int up_existing(struct xbr_bridge *br)
{
	int err;

	if (pins_layout(br) == XBR_LAYOUT_VERSION && pins_open(br, 1) == 0 &&
	    pins_config_read(br) == 0 && (br->cfg.flags & XBR_CFG_F_UP_DONE) &&
	    !intent_get(br, "", NULL)) {
		port_cleanup_intents(br, 0); /* leftovers of an interrupted `port add` */
		if (br->cfg.dp_version == xbr_dp_version()) {
			pr_warn("bridge \"%s\" is already up (use `xbr -b %s port add` or `xbr -b %s down`)",
				br->name, br->name, br->name);
			return -EEXIST;
		}
	} else if (pins_layout(br) == XBR_LAYOUT_VERSION || pins_layout(br) == 0) {
		/* An `up` was interrupted: finish the job by starting over. */
		pr_info("bridge \"%s\" was left half-made by an interrupted command: removing it",
			br->name);
		br_down(br);
		pins_close(br);
		return 0;
	}
	/* Up already, by another build of xbr (or another layout): upgrade it. */
	err = br_reload(br);
	if (!err)
		pr_info("bridge \"%s\" was up with another datapath: reloaded", br->name);
	return err ? err : XBR_UP_RELOADED;
}

int br_up(struct xbr_bridge *br, const struct xbr_up_opts *o)
{
	struct xbr_ns_spec *specs = NULL, gw = { .kind = XBR_KIND_GATEWAY };
	uint32_t *used = NULL;
	char gwname[XBR_IFNAMSIZ], abuf[INET_ADDRSTRLEN];
	struct xbr_link l;
	size_t i, k;
	int err, code;

	if (br_is_up(br)) {
		err = up_existing(br);
		if (err)
			return err;
	}
	memset(&br->cfg, 0, sizeof(br->cfg));
	br->cfg.subnet = o->subnet & xbr_plen_mask(o->plen);
	br->cfg.plen = o->plen;
	br->cfg.gateway = o->gateway;
	br->cfg.ageing_ns = (uint64_t)o->ageing_sec * 1000000000ULL;
	br->cfg.fdb_size = o->fdb_size;
	br->cfg.mode = o->mode;
	br->cfg.mtu = o->mtu;
	br->cfg.pub_addr = o->pub_addr;
	gw.mtu = o->mtu;
	if (o->owner)
		snprintf(gw.owner, sizeof(gw.owner), "%s", o->owner);
	/* Host bits cleared here, once: the datapath copies the prefix as is. */
	xbr_station_addr6(o->subnet6, o->plen6, 0, br->cfg.subnet6);
	br->cfg.plen6 = o->plen6;
	br->cfg.dp_version = xbr_dp_version();
	names_domain_set(&br->cfg, br->name);
	if (o->no_dns)
		br->cfg.flags |= XBR_CFG_F_NO_DNS;
	if (o->no_icc)
		br->cfg.flags |= XBR_CFG_F_NO_ICC;
	if (!o->no_neigh_suppress)
		br->cfg.flags |= XBR_CFG_F_NEIGH_SUPPRESS;
	if (o->fw_accept)
		br->cfg.flags |= XBR_CFG_F_FW_ACCEPT;
	if (o->no_nat6)
		br->cfg.flags |= XBR_CFG_F_NO_NAT6;
	if (o->has_gw6) {
		char a6[INET6_ADDRSTRLEN];
		uint8_t gw4as6[16];

		inet_ntop(AF_INET6, o->gw6, a6, sizeof(a6));
		if (o->plen6 < 64 || !xbr_in6_prefix(o->gw6, br->cfg.subnet6, o->plen6)) {
			pr_warn("bridge \"%s\": IPv6 gateway %s %s", br->name, a6,
				o->plen6 < 64 ? "needs an IPv6 prefix of /64 or longer" :
						"is outside the IPv6 prefix");
			return -EINVAL;
		}
		/* The prefix + the IPv4 gateway already: nothing to keep. */
		xbr_station_addr6(br->cfg.subnet6, o->plen6, o->gateway, gw4as6);
		if (memcmp(gw4as6, o->gw6, 16)) {
			br->cfg.flags |= XBR_CFG_F_GW6;
			memcpy(br->cfg.gw_iid6, o->gw6 + 8, 8);
		}
	}
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
		if (!specs[i].mtu)
			specs[i].mtu = o->mtu;
		if (specs[i].has_addr) {
			err = port_spec_resolve(br, &specs[i], used, i);
			if (err)
				goto out;
		}
		used[i] = specs[i].addr;
	}
	for (i = 0; i < o->nns; i++) {
		if (!specs[i].has_addr) {
			err = port_spec_resolve(br, &specs[i], used, o->nns);
			if (err)
				goto out;
			used[i] = specs[i].addr;
		}
		if (netns_exists(specs[i].name)) {
			pr_warn("namespace \"%s\" already exists (not created by xbr for bridge \"%s\")",
				specs[i].name, br->name);
			err = -EEXIST;
			goto out;
		}
	}
	port_host_ifname(br, XBR_KIND_GATEWAY, "", gwname);
	if (nl_link_get(&br->nl, br->name, &l) == 0 || nl_link_get(&br->nl, gwname, &l) == 0) {
		pr_warn("bridge \"%s\": interface %s or %s already exists (not created by xbr)",
			br->name, br->name, gwname);
		err = -EEXIST;
		goto out;
	}

	err = pins_create(br, o->fdb_size);
	if (err) {
		pins_remove(br);
		goto out;
	}
	if (xbr_clock_calibrate(br->prog[XBR_P_CTL], &br->cfg))
		pr_debug("bridge \"%s\": jiffies clock not calibrated: the datapath calls the coarse clock",
			 br->name);
	err = pins_config_write(br);
	if (!err) {
		struct xbr_ctl_req c = { .op = XBR_OP_TIMER_START };

		err = ctl_run(br->prog[XBR_P_CTL], &c);
		if (err)
			pr_warn("bridge \"%s\": cannot start the ageing sweep: %s", br->name,
				strerror(-err));
	}
	/* The gateway's crash-journal entry marks `up` in progress until the end. */
	if (!err)
		err = port_add(br, &gw);
	if (!err) /* many at once by a few threads (port_batch.c) */
		err = port_add_batch(br, specs, o->nns);
	if (!err)
		err = nat_up(br, o->nat);
	if (!err) {
		err = xbr_fault("up-end");
		if (err)
			pr_warn("bridge \"%s\": cannot complete up: %s", br->name, strerror(-err));
	}
	if (!err) {
		intent_del(br, ""); /* `up` complete */
		br->cfg.flags |= XBR_CFG_F_UP_DONE;
		err = pins_config_write(br);
	}
	if (err)
		br_down(br);
out:
	free(specs);
	free(used);
	return err;
}

/* ---- down ---- */

struct down_ctx {
	struct xbr_bridge *br;
	char names[XBR_MAX_PORTS][XBR_IFNAMSIZ];
	char ns[XBR_MAX_PORTS][XBR_NSNAMSIZ]; /* a station's namespace, else "" */
	unsigned int kind[XBR_MAX_PORTS];
	size_t n;
};

/* Host links that carry one of this bridge's aliases (port_alias()). */
static int down_collect(const struct xbr_link *l, void *data)
{
	struct down_ctx *c = data;
	char name[XBR_NSNAMSIZ];
	unsigned int kind;

	if (c->n >= XBR_MAX_PORTS || port_alias_parse(c->br, l->alias, &kind, name))
		return 0;
	snprintf(c->names[c->n], XBR_IFNAMSIZ, "%s", l->ifname);
	snprintf(c->ns[c->n], XBR_NSNAMSIZ, "%s", kind == XBR_KIND_STATION ? name : "");
	c->kind[c->n] = kind;
	c->n++;
	return 0;
}

/* Links of this bridge (by alias) into @c; the number of station ports. */
static size_t down_scan(struct xbr_bridge *br, struct down_ctx *c)
{
	size_t i, nst = 0;
	int err;

	c->n = 0;
	err = nl_link_dump(&br->nl, down_collect, c);
	if (err)
		pr_warn("bridge \"%s\": cannot list links: %s", br->name,
			nl_strerror(&br->nl, err));
	for (i = 0; i < c->n; i++)
		if (c->ns[i][0])
			nst++;
	return nst;
}

/* Append ", WHAT NAME" to the list of what `down` left behind. */
static void down_left(char *buf, size_t len, const char *what, const char *name)
{
	size_t n = strlen(buf);

	if (n + 40 < len)
		snprintf(buf + n, len - n, "%s%s %s", n ? ", " : "", what, name);
	else if (n + 6 < len && strcmp(buf + n - 3, "..."))
		snprintf(buf + n, len - n, ", ...");
}

int br_down(struct xbr_bridge *br)
{
	struct down_ctx *c;
	struct xbr_port *v = NULL;
	size_t n = 0, i, nscan, nwait;
	char left[512] = "";
	int tries, err = 0;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->br = br;
	nat_down(br);
	/* Its directories first: the agent stops serving the bridge. */
	dir_remove_bridge(br->name);

	/*
	 * 1. The stations' namespaces first, those the pinned table knows and
	 * those our aliases name. Once unmounted, the kernel destroys each
	 * namespace with its veth pair, in batches (cleanup_net): much faster
	 * than one RTM_DELLINK, each with its own synchronize_net(), per port.
	 * Attached ports' namespaces belong to someone else: never touched.
	 */
	if (br->map[XBR_M_PORTS] < 0)
		br->map[XBR_M_PORTS] = pin_get(br, "xbr_ports");
	/* Layout 1's port record is a prefix of this one's (kind 0: station). */
	if (br->map[XBR_M_PORTS] >= 0 && port_list(br, &v, &n) == 0) {
		const char **names = calloc(n ? n : 1, sizeof(*names));

		for (i = 0; names && i < n; i++)
			if (v[i].kind == XBR_KIND_STATION && v[i].name[0])
				names[i] = v[i].name;
		if (names)
			netns_delete_many(names, n, "down: namespace");
		else /* no memory for the list: one at a time */
			for (i = 0; i < n; i++)
				if (v[i].kind == XBR_KIND_STATION && v[i].name[0])
					netns_delete(v[i].name);
		free(names);
	}
	nwait = down_scan(br, c);
	for (i = 0; i < c->n; i++) /* named by an alias only (a crash before the record) */
		if (c->ns[i][0] && netns_exists(c->ns[i]))
			netns_delete(c->ns[i]);

	/* 2. Wait (bounded) for the host-side ends to go with their namespaces. */
	for (tries = 0; tries < 500 && (nscan = down_scan(br, c)) > 0; tries++) {
		xbr_progress("down: ports gone", nwait > nscan ? nwait - nscan : 0, nwait);
		usleep(10000);
	}
	xbr_progress(NULL, 0, 0);

	/* 3. Whatever is left (the gateway, attached ports, a crash between
	 * steps): removed one by one, as each kind says. */
	for (i = 0; i < n; i++) {
		/* A station whose namespace is gone went with it; a link of one
		 * that stayed behind is in the scan below. */
		if (v[i].kind == XBR_KIND_STATION && v[i].name[0] && !netns_exists(v[i].name))
			continue;
		xbr_teardown(br, v[i].kind, v[i].name, v[i].ifname);
	}
	down_scan(br, c);
	for (i = 0; i < c->n; i++)
		xbr_teardown(br, c->kind[i], c->ns[i], c->names[i]);

	/* 4. Whatever interrupted commands journaled, then the pins. */
	if (br->map[XBR_M_INTENT] < 0 && pins_layout(br) == XBR_LAYOUT_VERSION)
		br->map[XBR_M_INTENT] = pin_get(br, "xbr_intent");
	port_cleanup_intents(br, 0);
	pins_remove(br);

	/* 5. What is still there fails the command, named in one line. */
	down_scan(br, c);
	for (i = 0; i < c->n; i++)
		down_left(left, sizeof(left), "interface", c->names[i]);
	for (i = 0; i < n; i++)
		if (v[i].kind == XBR_KIND_STATION && v[i].name[0] && netns_exists(v[i].name))
			down_left(left, sizeof(left), "namespace", v[i].name);
	if (br_is_up(br))
		down_left(left, sizeof(left), "pin directory", br->dir);
	if (left[0]) {
		pr_warn("bridge \"%s\": down could not remove %s", br->name, left);
		err = -EBUSY;
	}
	free(v);
	free(c);
	return err;
}

/* ---- reload ---- */

/*
 * After a reload: what this build keeps beside the maps, for a bridge an
 * older build made. Its stations' resolv.conf (names came with layout 4), and
 * its nf_tables table as this build writes it (the rule that sends other
 * names to the host's resolver) when it differs; the publications' rules
 * stay as they are. Best effort: the datapath runs either way, and `xbr
 * show` says when the table is not complete.
 */
static void reload_catch_up(struct xbr_bridge *br)
{
	struct nat_health h;
	struct xbr_port *v = NULL;
	char path[128];
	size_t n = 0, i;

	if (!(br->cfg.flags & XBR_CFG_F_NO_DNS) && port_list(br, &v, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (v[i].kind != XBR_KIND_STATION || !v[i].name[0])
				continue;
			snprintf(path, sizeof(path), XBR_NETNS_ETC "/%.15s/resolv.conf", v[i].name);
			if (access(path, F_OK) != 0)
				port_station_resolv(br, v[i].name);
		}
		free(v);
	}
	if (nat_health(br, &h) == 0 && h.table && !h.intact)
		nat_sync(br);
}

int br_reload(struct xbr_bridge *br)
{
	struct xbr_ctl_req c = { .op = XBR_OP_TIMER_START };
	struct xbr_migration *m = NULL;
	struct xbr_loadset ls;
	struct xbr_port *v = NULL;
	size_t n = 0;
	uint32_t layout = pins_layout(br);
	int err, swapped = 0;

	if (layout > XBR_LAYOUT_VERSION) {
		pr_warn("bridge \"%s\": its pinned layout %u is newer than this xbr's (%u): use the newer xbr; nothing changed",
			br->name, layout, XBR_LAYOUT_VERSION);
		return -EPROTONOSUPPORT;
	}
	/* The running programs (the swap replaces them against these). */
	pins_close(br);
	br->prog[XBR_P_TC] = pin_get(br, "tc_ingress");
	br->prog[XBR_P_XDP] = pin_get(br, "xdp_ingress");
	br->map[XBR_M_CONFIG] = pin_get(br, "xbr_config");
	memset(&br->cfg, 0, sizeof(br->cfg));
	if (br->prog[XBR_P_TC] < 0 || br->map[XBR_M_CONFIG] < 0 || pins_config_read(br)) {
		pr_warn("bridge \"%s\": pinned objects under %s are incomplete; run `xbr -b %s down`",
			br->name, br->dir, br->name);
		return -ENOENT;
	}
	err = pins_prepare(br, &ls);
	if (err)
		return err;
	ls.layout = layout;
	err = migrate_check(br, &ls, &m);
	if (!err)
		err = xbr_fault("reload-copy");
	if (!err)
		err = migrate_copy(br, &ls, m);
	if (err)
		goto out; /* nothing changed yet: the running datapath goes on */

	/* The ports as the new maps have them, and the new programs on them. */
	{
		struct xbr_bridge nb = *br;

		memcpy(nb.map, ls.map, sizeof(nb.map));
		nb.ports = NULL; /* the new maps' records, read once here */
		err = port_list(&nb, &v, &n);
		port_index_drop(&nb);
	}
	if (!err)
		err = dp_swap(br, &ls, v, n);
	if (err)
		goto out;
	swapped = 1;
	err = migrate_delta(br, &ls, m);
	if (!err) {
		/* The timer map is kept: this points its callback at the new program. */
		err = ctl_run(ls.prog[XBR_P_CTL], &c);
		if (err)
			pr_warn("bridge \"%s\": reload: cannot hand the ageing sweep over: %s",
				br->name, strerror(-err));
	}
	if (!err) {
		struct xbr_config cfg;
		__u32 zero = 0;

		if (bpf_map_lookup_elem(ls.map[XBR_M_CONFIG], &zero, &cfg) == 0) {
			cfg.dp_version = xbr_dp_version();
			/* Bridges of older builds get their DNS domain (layout 4). */
			names_domain_set(&cfg, br->name);
			/* Bridges of older builds get the jiffies clock too. */
			xbr_clock_calibrate(ls.prog[XBR_P_CTL], &cfg);
			bpf_map_update_elem(ls.map[XBR_M_CONFIG], &zero, &cfg, BPF_ANY);
		}
		err = pins_commit(br, &ls);
	}
	if (!err)
		err = pins_config_read(br);
	if (!err)
		reload_catch_up(br);
out:
	if (err && swapped)
		pr_warn("bridge \"%s\": reload: the new datapath runs but is not complete: %s; run `xbr -b %s reload` again",
			br->name, strerror(-err), br->name);
	free(v);
	migrate_free(m);
	loadset_free(&ls);
	return err;
}

/* ---- modes ---- */

int br_set_mode(struct xbr_bridge *br, int mode)
{
	struct xbr_port *v = NULL;
	struct dp_port *d = NULL;
	size_t n = 0, i, k;
	int err;

	err = port_list(br, &v, &n);
	if (err)
		return err;
	d = calloc(n + 1, sizeof(*d));
	if (!d) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0, k = 0; i < n; i++) {
		/* An uplink (a VXLAN device) runs tc in both modes. */
		if (v[i].flags & XBR_PORT_F_TUNNEL)
			continue;
		d[k].ifindex = v[i].ifindex;
		snprintf(d[k].ifname, sizeof(d[k].ifname), "%s", v[i].ifname);
		d[k].rx_err = port_rx_open(br, &v[i], &d[k].rx_nsfd, d[k].rx_ifname);
		k++;
	}
	err = dp_set_mode(br, mode, d, k);
	for (i = 0; i < k; i++)
		if (d[i].rx_nsfd >= 0)
			close(d[i].rx_nsfd);
	free(d);
	free(v);
	return err;
}

/* ---- the command layer's view of ports ---- */

int br_port_add(struct xbr_bridge *br, const struct xbr_ns_spec *in)
{
	struct xbr_ns_spec spec = *in;
	struct xbr_port existing;
	uint32_t *used = NULL;
	size_t nused = 0;
	int err;

	port_cleanup_intents(br, 1); /* what an interrupted `port add` left */
	if (port_find(br, spec.name, &existing) == 0) {
		pr_warn("%s \"%s\" is already a port of bridge \"%s\"", port_noun(spec.kind),
			spec.name, br->name);
		return -EEXIST;
	}
	err = port_used_addrs(br, &used, &nused);
	if (err)
		return err;
	err = port_spec_resolve(br, &spec, used, nused);
	free(used);
	if (err)
		return err;
	spec.mtu = (uint32_t)br_uplink_mtu(br, 0); /* the tunnel's, with an uplink */
	if (br->cfg.mtu && (!spec.mtu || br->cfg.mtu < spec.mtu))
		spec.mtu = br->cfg.mtu; /* the bridge's own */
	return port_add(br, &spec);
}

int br_port_del(struct xbr_bridge *br, const char *name)
{
	struct xbr_port p;

	/* An uplink takes its peers and the other ports' MTU with it. */
	if (port_find(br, name, &p) == 0 && p.kind == XBR_KIND_UPLINK)
		return br_uplink_del(br, name);
	nat_pub_del_station(br, name);
	return port_del(br, name);
}

int br_ports(struct xbr_bridge *br, struct xbr_port **out, size_t *n)
{
	return port_list(br, out, n);
}

int br_port_find(struct xbr_bridge *br, const char *name, struct xbr_port *out)
{
	return port_find(br, name, out);
}

int br_port_lookup(struct xbr_bridge *br, const char *name, struct xbr_port *out)
{
	return port_lookup(br, name, out);
}

int br_port_update(struct xbr_bridge *br, const struct xbr_port *p)
{
	return port_record_update(br, p);
}

int br_port_meta(struct xbr_bridge *br, uint32_t ifindex, struct xbr_port_meta *out)
{
	return port_meta_get(br, ifindex, out);
}

int br_port_set_meta(struct xbr_bridge *br, uint32_t ifindex, const struct xbr_port_meta *m)
{
	return port_meta_set(br, ifindex, m);
}

const char *br_port_kind_name(unsigned int kind)
{
	return port_kind_name(kind);
}

int br_names(struct xbr_bridge *br, struct xbr_name_ent **out, size_t *n)
{
	return names_list(br->map[XBR_M_NAMES], out, n);
}

int br_set_dns(struct xbr_bridge *br, int on)
{
	__u16 old = br->cfg.flags;
	int err;

	if (on)
		br->cfg.flags &= (__u16)~XBR_CFG_F_NO_DNS;
	else
		br->cfg.flags |= XBR_CFG_F_NO_DNS;
	if (br->cfg.flags == old)
		return 0;
	err = pins_config_write(br);
	if (!err) /* the rule that sends other names to the host's resolver */
		err = nat_sync(br);
	return err;
}

int br_config_write(struct xbr_bridge *br)
{
	return pins_config_write(br);
}
