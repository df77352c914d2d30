// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Datapath test harness: see dpt.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dpt.h"

/* The kernel's ENOTSUPP (include/linux/errno.h), not in user headers. */
#define ENOTSUPP_DPT 524
#include "xbr_rules.h"
#include "xbr_tc.skel.h"
#include "xbr_ctl.skel.h"
#include "xbr_xdp.skel.h"
#include "datapath.h"
#include "parse.h"
#include "port.h"

struct dpt_env dpt_env;
bool dpt_test_tunnel;

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Create a veth pair @name/@peer here (rtnetlink over libmnl; the harness
 * keeps its own few lines rather than depend on the loader's netlink code). */
static int veth_add(const char *name, const char *peer)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct nlattr *linkinfo, *data, *peerinfo;
	unsigned int portid, seq = 1;
	ssize_t n;
	int err;

	memset(buf, 0, sizeof(buf));
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, peerinfo);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	err = n < 0 ? -errno : mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL);
	if (err > 0) /* MNL_CB_OK / MNL_CB_STOP */
		err = 0;
	else if (err < 0 && n >= 0)
		err = -errno;
	mnl_socket_close(nl);
	return err;
}

static int link_up(const char *name)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * GRO on the namespace-side ends: a veth accepts XDP_REDIRECT (ndo_xdp_xmit)
 * only when its peer has an XDP program or GRO on, as the loader arranges in
 * XDP mode. Off for tc, as a veth comes up.
 */
static int peers_gro(bool on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SGRO, .data = on };
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), i, err = 0;

	if (fd < 0)
		return -errno;
	for (i = 0; i < DPT_NPOS && !err; i++) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dpt_env.peer[i]);
		ifr.ifr_data = (void *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
			err = -errno;
	}
	close(fd);
	return err;
}

int dpt_env_setup(void)
{
	static int done;
	int i, err = 0;

	if (done)
		return done < 0 ? done : 0;
	done = -1;
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		fprintf(stderr, "datapath: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return err;
	}
	/* No IPv6 autoconfiguration chatter on the test links. */
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	for (i = 0; i < DPT_NPOS && !err; i++) {
		snprintf(dpt_env.name[i], sizeof(dpt_env.name[i]), "xbrt%d", i);
		snprintf(dpt_env.peer[i], sizeof(dpt_env.peer[i]), "xbrt%dp", i);
		err = veth_add(dpt_env.name[i], dpt_env.peer[i]);
		if (!err)
			err = link_up(dpt_env.name[i]);
		if (!err)
			err = link_up(dpt_env.peer[i]);
		dpt_env.ifindex[i] = (int)if_nametoindex(dpt_env.name[i]);
		dpt_env.peer_ifindex[i] = (int)if_nametoindex(dpt_env.peer[i]);
		if (!err && (!dpt_env.ifindex[i] || !dpt_env.peer_ifindex[i]))
			err = -ENODEV;
		if (err)
			fprintf(stderr, "datapath: veth %s: %s\n", dpt_env.name[i], strerror(-err));
	}
	if (err)
		return err;
	done = 1;
	return 0;
}

static int set_mtu(int fd, const char *name, int mtu)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = mtu;
	return ioctl(fd, SIOCSIFMTU, &ifr) < 0 ? -errno : 0;
}

int dpt_env_set_mtu(int mtu)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), i, err = 0;

	if (fd < 0)
		return -errno;
	for (i = 0; i < DPT_NPOS && !err; i++) {
		err = set_mtu(fd, dpt_env.name[i], mtu);
		if (!err)
			err = set_mtu(fd, dpt_env.peer[i], mtu);
	}
	close(fd);
	return err;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct dpt *d = ctx;

	if (size < sizeof(struct xbr_event))
		return 0;
	if (d->nev >= d->ev_cap) {
		int cap = d->ev_cap ? 2 * d->ev_cap : 1024;
		struct xbr_event *ev = realloc(d->ev, (size_t)cap * sizeof(*ev));

		if (!ev) {
			d->ev_overflow = true;
			return 0;
		}
		d->ev = ev;
		d->ev_cap = cap;
	}
	memcpy(&d->ev[d->nev++], data, sizeof(struct xbr_event));
	return 0;
}

uint32_t dpt_ring_room(uint32_t ring_size)
{
	uint32_t rec = (BPF_RINGBUF_HDR_SZ + (uint32_t)sizeof(struct xbr_event) + 7) & ~7u;

	return ring_size ? (ring_size - 1) / rec : 0;
}

static void unpin_all(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		bpf_map__set_pin_path(m, NULL);
}

int dpt_open(struct dpt *d, uint32_t fdb_size)
{
	return dpt_open_hook(d, DPT_TC, fdb_size, false);
}

const char *dpt_hook_name(int hook)
{
	return hook == DPT_XDP ? "xdp" : "tc";
}

/* Only a kernel without the feature makes a test skip: these are the errors
 * such a kernel gives (an unknown program type or test_run flag). */
static int feature_errno(int e)
{
	return e == EINVAL || e == EOPNOTSUPP || e == ENOTSUPP_DPT;
}

/* Anything else (no permission, a bad interface of the test's own set-up,
 * no memory) is a broken test environment: said, and the run fails. */
static void probe_broken(const char *what, int e)
{
	fprintf(stderr, "test_datapath: the XDP probe failed (%s: %s), which is not a missing kernel feature: failing, not skipping\n",
		what, strerror(e));
	printf("FAIL XDP probe: %s: %s\n", what, strerror(e));
	fflush(stdout);
	exit(1);
}

const char *dpt_hook_missing(int hook)
{
	static int probed = -1;
	static char why[160];
	struct bpf_insn prog[] = {
		/* r0 = XDP_PASS; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	uint8_t frame[ETH_ZLEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
	struct xdp_md ctx = { .data_end = sizeof(frame), .ingress_ifindex = 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	int fd;

	if (hook != DPT_XDP)
		return NULL;
	if (probed >= 0)
		return probed ? why : NULL;
	probed = 1;
	ctx.ingress_ifindex = (__u32)dpt_env.ifindex[0];
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "dpt_probe", "GPL", prog, 2, NULL);
	if (fd < 0) {
		if (!feature_errno(errno))
			probe_broken("loading a two-instruction XDP program", errno);
		snprintf(why, sizeof(why), "cannot load an XDP program: %s", strerror(errno));
		return why;
	}
	if (bpf_prog_test_run_opts(fd, &opts) < 0) {
		if (!feature_errno(errno))
			probe_broken("BPF_PROG_TEST_RUN of it with BPF_F_TEST_XDP_LIVE_FRAMES", errno);
		snprintf(why, sizeof(why),
			 "BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES fails: %s (kernel < 5.18?)",
			 strerror(errno));
		close(fd);
		return why;
	}
	close(fd);
	probed = 0;
	return NULL;
}

/* Point every map of @obj that @tc also has at the tc object's map. */
static int share_maps(struct bpf_object *obj, struct bpf_object *tc)
{
	struct bpf_map *m, *tm;
	int err;

	bpf_object__for_each_map(m, obj) {
		if (bpf_map__is_internal(m))
			continue;
		tm = bpf_object__find_map_by_name(tc, bpf_map__name(m));
		if (!tm)
			continue;
		err = bpf_map__reuse_fd(m, bpf_map__fd(tm));
		if (err)
			return err;
	}
	return 0;
}

int dpt_open_hook(struct dpt *d, int hook, uint32_t fdb_size, bool real_clock)
{
	return dpt_open_ring(d, hook, fdb_size, real_clock, 0);
}

int dpt_open_ring(struct dpt *d, int hook, uint32_t fdb_size, bool real_clock,
		  uint32_t ring_size)
{
	int err, i;

	memset(d, 0, sizeof(*d));
	d->hook = hook;
	d->ncpu = libbpf_num_possible_cpus();
	if (d->ncpu < 1)
		return -EINVAL;
	d->tc = xbr_tc__open();
	if (!d->tc)
		return -errno;
	/* Private maps: never touch (or reuse) a running bridge's pins. */
	unpin_all(d->tc->obj);
	d->tc->rodata->xbr_test_clock = !real_clock;
	d->tc->rodata->xbr_test_tunnel = dpt_test_tunnel;
	d->fdb_size = fdb_size ? fdb_size : XBR_FDB_DEFAULT_SIZE;
	err = bpf_map__set_max_entries(d->tc->maps.xbr_fdb, d->fdb_size);
	if (!err && ring_size)
		err = bpf_map__set_max_entries(d->tc->maps.xbr_events, ring_size);
	d->ring_size = bpf_map__max_entries(d->tc->maps.xbr_events);
	d->ev_room = dpt_ring_room(d->ring_size);
	if (!err)
		err = xbr_tc__load(d->tc);
	if (err)
		goto fail;

	d->ctl = xbr_ctl__open();
	if (!d->ctl) {
		err = -errno;
		goto fail;
	}
	unpin_all(d->ctl->obj);
	d->ctl->rodata->xbr_test_clock = !real_clock;
	/* The control program works on the datapath's maps (as the loader's pins do). */
	err = share_maps(d->ctl->obj, d->tc->obj);
	if (!err)
		err = xbr_ctl__load(d->ctl);
	if (err)
		goto fail;

	d->prog_fd = bpf_program__fd(d->tc->progs.xbr_tc_ingress);
	err = peers_gro(hook == DPT_XDP);
	if (err)
		goto fail;
	if (hook == DPT_XDP) {
		d->xdp = xbr_xdp__open();
		if (!d->xdp) {
			err = -errno;
			goto fail;
		}
		unpin_all(d->xdp->obj);
		d->xdp->rodata->xbr_test_clock = !real_clock;
		d->xdp->rodata->xbr_xdp_trace = 1;
		err = share_maps(d->xdp->obj, d->tc->obj);
		if (!err)
			err = xbr_xdp__load(d->xdp);
		if (err)
			goto fail;
		d->prog_fd = bpf_program__fd(d->xdp->progs.xbr_xdp_ingress);
		d->xegress_fd = bpf_program__fd(d->xdp->progs.xbr_xdp_egress);
		d->xtx_fd = bpf_map__fd(d->xdp->maps.xbr_xdp_tx);
		d->xflood_fd = bpf_map__fd(d->xdp->maps.xbr_xdp_flood);
		d->xiso_fd = bpf_map__fd(d->xdp->maps.xbr_xdp_flood_iso);
	}
	d->ctl_fd = bpf_program__fd(d->ctl->progs.xbr_ctl);
	d->fdb_fd = bpf_map__fd(d->tc->maps.xbr_fdb);
	d->ports_fd = bpf_map__fd(d->tc->maps.xbr_ports);
	d->flood_fd = bpf_map__fd(d->tc->maps.xbr_flood);
	d->config_fd = bpf_map__fd(d->tc->maps.xbr_config);
	d->pstats_fd = bpf_map__fd(d->tc->maps.xbr_port_stats);
	d->learned_fd = bpf_map__fd(d->tc->maps.xbr_learned);
	d->brstats_fd = bpf_map__fd(d->tc->maps.xbr_br_stats);
	d->clock_fd = bpf_map__fd(d->tc->maps.xbr_clock);
	d->rb = ring_buffer__new(bpf_map__fd(d->tc->maps.xbr_events), on_event, d, NULL);
	if (!d->rb) {
		err = -errno;
		goto fail;
	}
	for (i = 0; i < DPT_NPOS; i++)
		d->slot_pos[i] = -1;
	d->cfg.ageing_ns = (uint64_t)XBR_AGEING_DEFAULT_SEC * 1000000000ULL;
	d->cfg.fdb_size = d->fdb_size;
	if (inet_pton(AF_INET6, DPT_PREFIX6, d->cfg.subnet6) != 1) {
		err = -EINVAL;
		goto fail;
	}
	d->cfg.plen6 = DPT_PLEN6;
	err = dpt_set_ageing(d, d->cfg.ageing_ns);
	if (!err)
		err = dpt_set_clock(d, 1000ULL * 1000000000ULL);
	if (err)
		goto fail;
	return 0;
fail:
	if (err > 0)
		err = -err;
	dpt_close(d);
	return err ? err : -EINVAL;
}

void dpt_close(struct dpt *d)
{
	ring_buffer__free(d->rb);
	d->rb = NULL;
	free(d->ev);
	d->ev = NULL;
	d->nev = d->ev_cap = 0;
	xbr_xdp__destroy(d->xdp);
	d->xdp = NULL;
	xbr_ctl__destroy(d->ctl);
	d->ctl = NULL;
	xbr_tc__destroy(d->tc);
	d->tc = NULL;
}

int dpt_set_clock(struct dpt *d, uint64_t now)
{
	__u32 k = 0;

	if (bpf_map_update_elem(d->clock_fd, &k, &now, BPF_ANY) < 0)
		return -errno;
	d->now = now;
	return 0;
}

static int config_write(struct dpt *d)
{
	__u32 k = 0;

	return bpf_map_update_elem(d->config_fd, &k, &d->cfg, BPF_ANY) < 0 ? -errno : 0;
}

int dpt_set_ageing(struct dpt *d, uint64_t ageing_ns)
{
	d->cfg.ageing_ns = ageing_ns;
	return config_write(d);
}

int dpt_set_prefix6(struct dpt *d, const uint8_t prefix[16], uint8_t plen6)
{
	/* As `xbr up` stores it: host bits cleared (the datapath relies on it). */
	xbr_station_addr6(prefix, plen6, 0, d->cfg.subnet6);
	d->cfg.plen6 = plen6;
	return config_write(d);
}

void dpt_station(int pos, uint8_t mac[6], uint32_t *addr)
{
	*addr = htonl(0x0a000000u | (uint32_t)(10 + pos));
	xbr_station_mac(*addr, mac);
}

int dpt_pos_of(const struct dpt *d, uint32_t ifindex)
{
	int i;

	for (i = 0; i < DPT_NPOS; i++)
		if (d->present[i] && d->port[i].ifindex == ifindex)
			return i;
	return -1;
}

static int flood_write(struct dpt *d, __u32 slot, const struct xbr_port *p)
{
	struct xbr_flood_ent fe = {};

	if (p) {
		fe.ifindex = p->ifindex;
		fe.flags = (__u16)p->flags;
		fe.idx = (__u16)p->idx;
	}
	return bpf_map_update_elem(d->flood_fd, &slot, &fe, BPF_ANY) < 0 ? -errno : 0;
}

static int snap_read(struct dpt *d, int pos, struct dpt_port_snap *out)
{
	struct xbr_port_stats *v = calloc((size_t)d->ncpu, sizeof(*v));
	__u32 idx = dpt_idx(pos);
	int c, r;

	if (!v)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(d->pstats_fd, &idx, v) < 0) {
		free(v);
		return -errno;
	}
	for (c = 0; c < d->ncpu; c++) {
		out->rx_packets += v[c].rx_packets;
		out->rx_bytes += v[c].rx_bytes;
		out->tx_packets += v[c].tx_packets;
		out->tx_bytes += v[c].tx_bytes;
		out->rx_flood += v[c].rx_flood;
		for (r = 0; r < (int)DPT_NDROPS; r++)
			out->drops[r] += v[c].drops[r];
	}
	free(v);
	return 0;
}

int dpt_port_stats(struct dpt *d, int pos, struct dpt_port_snap *out)
{
	return snap_read(d, pos, out);
}

int dpt_port_add(struct dpt *d, int pos, uint32_t flags, uint32_t max_learned)
{
	struct xbr_port *p = &d->port[pos];
	struct xbr_port_stats *z;
	__u32 idx = dpt_idx(pos), zero = 0;
	int err;

	if (d->present[pos] || d->cfg.nports >= DPT_NPOS)
		return -EEXIST;
	memset(p, 0, sizeof(*p));
	p->ifindex = (__u32)dpt_env.ifindex[pos];
	p->flags = flags;
	p->max_learned = max_learned;
	p->slot = d->cfg.nports;
	p->idx = idx;
	dpt_station(pos, p->mac, &p->addr);
	p->plen = 24;
	snprintf(p->name, sizeof(p->name), "dpt%d", pos);
	memcpy(p->ifname, dpt_env.name[pos], sizeof(p->ifname));
	z = calloc((size_t)d->ncpu, sizeof(*z));
	if (!z)
		return -ENOMEM;
	err = bpf_map_update_elem(d->pstats_fd, &idx, z, BPF_ANY);
	free(z);
	if (err < 0 || bpf_map_update_elem(d->learned_fd, &idx, &zero, BPF_ANY) < 0)
		return -errno;
	if (bpf_map_update_elem(d->ports_fd, &p->ifindex, p, BPF_NOEXIST) < 0)
		return -errno;
	err = flood_write(d, p->slot, p);
	if (err)
		return err;
	if (d->hook == DPT_XDP) {
		err = dp_devmaps_sync(d->xtx_fd, d->xflood_fd, d->xiso_fd, d->xegress_fd, p);
		if (err)
			return err;
	}
	d->slot_pos[p->slot] = pos;
	d->present[pos] = true;
	d->cfg.nports++;
	memset(&d->snap[pos], 0, sizeof(d->snap[pos]));
	return config_write(d);
}

int dpt_uplink_add(struct dpt *d, int pos, uint32_t ifindex, uint32_t vni, uint32_t mtu,
		   const uint32_t local[4], int v6)
{
	struct xbr_port *p = &d->port[pos];
	int err = dpt_port_add(d, pos, XBR_PORT_F_DEFAULT | XBR_PORT_F_TUNNEL, 0);

	if (err)
		return err;
	/* Moved to the device: its record under the new ifindex, same slot. */
	if (bpf_map_delete_elem(d->ports_fd, &p->ifindex) < 0)
		return -errno;
	if (d->hook == DPT_XDP) {
		bpf_map_delete_elem(d->xtx_fd, &p->ifindex);
		bpf_map_delete_elem(d->xflood_fd, &p->ifindex);
		bpf_map_delete_elem(d->xiso_fd, &p->ifindex);
	}
	p->ifindex = ifindex;
	p->kind = XBR_KIND_UPLINK;
	p->addr = 0;
	p->vni = vni;
	p->mtu = mtu;
	memcpy(p->local, local, sizeof(p->local));
	p->tun_flags = v6 ? XBR_PEER_F_V6 : 0;
	if (bpf_map_update_elem(d->ports_fd, &p->ifindex, p, BPF_NOEXIST) < 0)
		return -errno;
	if (d->hook == DPT_XDP) {
		err = dp_devmaps_sync(d->xtx_fd, d->xflood_fd, d->xiso_fd, d->xegress_fd, p);
		if (err)
			return err;
	}
	return flood_write(d, p->slot, p);
}

int dpt_peers_set(struct dpt *d, const struct xbr_peer *v, uint32_t n)
{
	int fd = bpf_map__fd(d->tc->maps.xbr_peers);
	__u32 i;

	for (i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, &i, &v[i], BPF_ANY) < 0)
			return -errno;
	d->cfg.npeers = n;
	return config_write(d);
}

int dpt_port_set(struct dpt *d, int pos, uint32_t flags, uint32_t max_learned)
{
	struct xbr_port *p = &d->port[pos];

	if (!d->present[pos])
		return -ENOENT;
	/* PEER comes with the port's kind and is fixed for its life, as in xbr
	 * (`port set` has no word for it; the entries on it carry it). */
	p->flags = (flags & ~(uint32_t)XBR_PORT_F_PEER) | (p->flags & XBR_PORT_F_PEER);
	p->max_learned = max_learned;
	if (bpf_map_update_elem(d->ports_fd, &p->ifindex, p, BPF_EXIST) < 0)
		return -errno;
	if (d->hook == DPT_XDP) {
		int err = dp_devmaps_sync(d->xtx_fd, d->xflood_fd, d->xiso_fd, d->xegress_fd, p);

		if (err)
			return err;
	}
	return flood_write(d, p->slot, p);
}

int dpt_port_del(struct dpt *d, int pos)
{
	struct xbr_port *p = &d->port[pos];
	struct xbr_ctl_req c = {
		.op = XBR_OP_FLUSH,
		.ifindex = p->ifindex,
		.flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC,
	};
	__u32 last;
	int err, mpos;

	if (!d->present[pos])
		return -ENOENT;
	/* The loader's swap-remove (user/port_table.c), then the mirror here. */
	last = d->cfg.nports - 1;
	mpos = d->slot_pos[last];
	err = flood_list_remove(d->flood_fd, d->ports_fd, &d->cfg.nports, p->slot);
	if (err)
		return err;
	if (p->slot != last) {
		d->port[mpos].slot = p->slot;
		d->slot_pos[p->slot] = mpos;
	}
	d->slot_pos[last] = -1;
	err = config_write(d);
	if (!err && bpf_map_delete_elem(d->ports_fd, &p->ifindex) < 0)
		err = -errno;
	if (!err && d->hook == DPT_XDP) {
		bpf_map_delete_elem(d->xtx_fd, &p->ifindex);
		bpf_map_delete_elem(d->xflood_fd, &p->ifindex);
		bpf_map_delete_elem(d->xiso_fd, &p->ifindex);
	}
	if (err)
		return err;
	d->present[pos] = false;
	/* Entries on the removed port go, as the loader's port_record_del() does. */
	err = dpt_ctl(d, &c);
	return err;
}

int dpt_fdb_put(struct dpt *d, const uint8_t mac[6], uint32_t ifindex, uint32_t flags,
	       uint64_t updated_ns)
{
	struct xbr_fdb_key k = {};
	struct xbr_fdb_val v = { .ifindex = ifindex, .flags = flags, .updated_ns = updated_ns };
	int pos = dpt_pos_of(d, ifindex);
	__u32 idx, cnt;

	memcpy(k.mac, mac, 6);
	if (bpf_map_update_elem(d->fdb_fd, &k, &v, BPF_NOEXIST) < 0)
		return -errno;
	if (pos >= 0 && !(flags & XBR_FDB_F_USER)) {
		idx = dpt_idx(pos);
		if (bpf_map_lookup_elem(d->learned_fd, &idx, &cnt) < 0)
			return -errno;
		cnt++;
		if (bpf_map_update_elem(d->learned_fd, &idx, &cnt, BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

/*
 * An entry as the rules see it: the egress-port bits (XBR_FDB_F_OUT*) are the
 * datapath's copy of its port's record, not a rule the model states. They
 * must agree with the record of the port the entry is on (when present and
 * not remote), or the entry is reported as corrupt (-EBADMSG); then they are
 * taken off.
 */
static int fdb_val_check(const struct dpt *d, struct xbr_fdb_val *v)
{
	int pos = dpt_pos_of(d, v->ifindex);
	uint32_t want;

	if ((v->flags & XBR_FDB_F_OUT) && pos >= 0 && !(v->flags & XBR_FDB_F_REMOTE)) {
		want = xbr_fdb_out(d->port[pos].flags, d->port[pos].idx);
		if ((v->flags & XBR_FDB_F_OUT_MASK) != want) {
			fprintf(stderr, "dpt: entry on port %d carries out bits %#x, its port %#x\n",
				pos, v->flags & XBR_FDB_F_OUT_MASK, want);
			return -EBADMSG;
		}
	}
	v->flags &= ~XBR_FDB_F_OUT_MASK;
	return 0;
}

int dpt_fdb_get(struct dpt *d, const uint8_t mac[6], struct xbr_fdb_val *v)
{
	struct xbr_fdb_key k = {};

	memcpy(k.mac, mac, 6);
	if (bpf_map_lookup_elem(d->fdb_fd, &k, v) < 0)
		return -errno;
	return fdb_val_check(d, v);
}

struct kv {
	struct xbr_fdb_key k;
	struct xbr_fdb_val v;
};

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	return memcmp(&x->k, &y->k, sizeof(x->k));
}

int dpt_fdb_dump(struct dpt *d, struct xbr_fdb_key **keys, struct xbr_fdb_val **vals)
{
	struct xbr_fdb_key k, next, *prev = NULL;
	struct kv *a = NULL, *na;
	size_t n = 0, cap = 0, i;

	while (bpf_map_get_next_key(d->fdb_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			na = realloc(a, cap * sizeof(*a));
			if (!na) {
				free(a);
				return -ENOMEM;
			}
			a = na;
		}
		a[n].k = k;
		if (bpf_map_lookup_elem(d->fdb_fd, &k, &a[n].v) < 0)
			continue;
		if (fdb_val_check(d, &a[n].v)) {
			free(a);
			return -EBADMSG;
		}
		n++;
	}
	if (n)
		qsort(a, n, sizeof(*a), kv_cmp);
	*keys = calloc(n + 1, sizeof(**keys));
	*vals = calloc(n + 1, sizeof(**vals));
	if (!*keys || !*vals) {
		free(a);
		free(*keys);
		free(*vals);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		(*keys)[i] = a[i].k;
		(*vals)[i] = a[i].v;
	}
	free(a);
	return (int)n;
}

int dpt_ctl(struct dpt *d, struct xbr_ctl_req *req)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = req, .ctx_size_in = sizeof(*req));

	if (bpf_prog_test_run_opts(d->ctl_fd, &opts) < 0)
		return -errno;
	dpt_events_drain(d);
	return req->result;
}

uint32_t dpt_learned(struct dpt *d, int pos)
{
	__u32 idx = dpt_idx(pos), v = 0;

	bpf_map_lookup_elem(d->learned_fd, &idx, &v);
	return v;
}

int dpt_br_stats(struct dpt *d, struct xbr_br_stats *out)
{
	struct xbr_br_stats *v = calloc((size_t)d->ncpu, sizeof(*v));
	__u32 k = 0;
	int c;

	if (!v)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(d->brstats_fd, &k, v) < 0) {
		free(v);
		return -errno;
	}
	for (c = 0; c < d->ncpu; c++) {
		out->learned += v[c].learned;
		out->moved += v[c].moved;
		out->aged += v[c].aged;
		out->refused += v[c].refused;
		out->refused_port += v[c].refused_port;
		out->deleted += v[c].deleted;
		out->evicted += v[c].evicted;
		out->ev_lost += v[c].ev_lost;
		out->arp_replied += v[c].arp_replied;
		out->nd_replied += v[c].nd_replied;
	}
	free(v);
	return 0;
}

void dpt_events_reset(struct dpt *d)
{
	d->nev = 0;
	d->ev_overflow = false;
}

int dpt_events_drain(struct dpt *d)
{
	int n = ring_buffer__consume(d->rb);

	return n < 0 ? n : 0;
}

/* Room for any frame test_run takes (data_out must hold all of it). */
#define MRUN_OUT_MAX 16384

static int run_tc(struct dpt *d, uint32_t ifindex, const void *frame, uint32_t len,
		  struct dpt_obs *o)
{
	struct __sk_buff ctx = { .ifindex = ifindex };
	static uint8_t out[MRUN_OUT_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx));

	if (bpf_prog_test_run_opts(d->prog_fd, &opts) < 0 && errno != ENOSPC)
		return -errno;
	o->retval = (int)opts.retval;
	o->out_len = opts.data_size_out < sizeof(o->out) ? opts.data_size_out : sizeof(o->out);
	memcpy(o->out, out, o->out_len);
	return 0;
}

/*
 * XDP with BPF_F_TEST_XDP_LIVE_FRAMES: the redirect is carried out (devmap,
 * broadcast, the egress program counting tx), but test_run does not report the
 * program's return value then; the program's test trace (xbr_xdp_last) tells
 * its decision instead.
 */
static int run_xdp(struct dpt *d, uint32_t ifindex, const void *frame, uint32_t len,
		   struct dpt_obs *o)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	struct xbr_xdp_decision *t = &d->xdp->bss->xbr_xdp_last;

	memset(t, 0xff, sizeof(*t));
	if (bpf_prog_test_run_opts(d->prog_fd, &opts) < 0)
		return -errno;
	o->retval = (int)t->verdict;
	o->xdp = *t;
	return 0;
}

int dpt_resync(struct dpt *d)
{
	struct xbr_br_stats bs;
	int pos, err;

	for (pos = 0; pos < DPT_NPOS; pos++) {
		err = snap_read(d, pos, &d->snap[pos]);
		if (err)
			return err;
	}
	err = dpt_br_stats(d, &bs);
	if (!err)
		d->replied_snap = bs.arp_replied + bs.nd_replied;
	return err;
}

/* Decode one test_run from the counter deltas of every position. */
int dpt_frame(struct dpt *d, uint32_t ifindex, const void *frame, uint32_t len, struct dpt_obs *o)
{
	struct dpt_port_snap now[DPT_NPOS];
	int in = -1, pos, r, nrx = 0, ndrop = 0, nflood = 0, ntx = 0, nreplied, err, kind;
	uint32_t reason = XBR_DROP_NONE;

	memset(o, 0, sizeof(*o));
	o->kind = DPT_BAD;
	err = d->hook == DPT_XDP ? run_xdp(d, ifindex, frame, len, o) :
				   run_tc(d, ifindex, frame, len, o);
	if (err) {
		o->err = err;
		snprintf(o->why, sizeof(o->why), "test_run failed: %s", strerror(-err));
		return err;
	}
	for (pos = 0; pos < DPT_NPOS; pos++) {
		struct dpt_port_snap *a = &d->snap[pos], *b = &now[pos];

		err = snap_read(d, pos, b);
		if (err)
			return err;
		if (b->rx_packets != a->rx_packets) {
			nrx++;
			in = pos;
			if (b->rx_packets - a->rx_packets != 1 || b->rx_bytes - a->rx_bytes != len)
				snprintf(o->why, sizeof(o->why), "rx delta %llu/%llu bytes on pos %d",
					 (unsigned long long)(b->rx_packets - a->rx_packets),
					 (unsigned long long)(b->rx_bytes - a->rx_bytes), pos);
		}
		if (b->rx_flood != a->rx_flood)
			nflood += (int)(b->rx_flood - a->rx_flood);
		for (r = 0; r < (int)DPT_NDROPS; r++) {
			if (b->drops[r] != a->drops[r]) {
				ndrop += (int)(b->drops[r] - a->drops[r]);
				reason = (uint32_t)r;
			}
		}
		if (b->tx_packets != a->tx_packets) {
			ntx++;
			o->txmask |= 1u << pos;
			if (b->tx_packets - a->tx_packets != 1 || b->tx_bytes - a->tx_bytes != len)
				snprintf(o->why, sizeof(o->why), "tx delta %llu/%llu bytes on pos %d",
					 (unsigned long long)(b->tx_packets - a->tx_packets),
					 (unsigned long long)(b->tx_bytes - a->tx_bytes), pos);
		}
	}
	memcpy(d->snap, now, sizeof(now));
	{
		struct xbr_br_stats bs;

		err = dpt_br_stats(d, &bs);
		if (err)
			return err;
		nreplied = (int)(bs.arp_replied + bs.nd_replied - d->replied_snap);
		d->replied_snap = bs.arp_replied + bs.nd_replied;
	}
	err = dpt_events_drain(d);
	if (err)
		return err;
	if (o->why[0])
		return 0;

	/* What the counters say. */
	if (nrx > 1 || (in >= 0 && d->port[in].ifindex != ifindex)) {
		snprintf(o->why, sizeof(o->why), "rx counted on %d ports (last pos %d)", nrx, in);
		return 0;
	}
	if (nrx == 0) {
		if (ntx || nflood || ndrop) {
			snprintf(o->why, sizeof(o->why), "tx/flood/drop counted without rx");
			return 0;
		}
		kind = DPT_DROP;
		reason = XBR_DROP_NOPORT;
	} else if (nreplied) {
		if (nreplied != 1 || ndrop || ntx != 1 || o->txmask != 1u << in) {
			snprintf(o->why, sizeof(o->why), "reply with %d replied, %d drops, tx %#x",
				 nreplied, ndrop, o->txmask);
			return 0;
		}
		kind = DPT_REPLY;
	} else if (nflood) {
		if (nflood != 1 || ndrop) {
			snprintf(o->why, sizeof(o->why), "flood with %d rx_flood, %d drops", nflood,
				 ndrop);
			return 0;
		}
		kind = DPT_FLOOD;
	} else if (ndrop) {
		if (ndrop != 1 || ntx) {
			snprintf(o->why, sizeof(o->why), "drop with %d drops, %d tx ports", ndrop, ntx);
			return 0;
		}
		kind = DPT_DROP;
	} else {
		if (ntx != 1) {
			snprintf(o->why, sizeof(o->why), "unicast with %d tx ports", ntx);
			return 0;
		}
		kind = DPT_UNICAST;
	}

	/* What the program says must agree. */
	if (d->hook == DPT_TC) {
		/* A flood sends the frame itself to its last port. */
		int want = kind == DPT_UNICAST || kind == DPT_REPLY ||
					   (kind == DPT_FLOOD && o->txmask) ?
				   TC_ACT_REDIRECT :
				   TC_ACT_SHOT;

		if (o->retval != want) {
			snprintf(o->why, sizeof(o->why), "counters say %s, verdict %d",
				 dpt_kind_str(kind), o->retval);
			return 0;
		}
	} else {
		const struct xbr_xdp_decision *t = &o->xdp;
		int bad = (int)t->verdict != kind;

		if (kind == DPT_DROP)
			bad |= t->reason != reason;
		else
			bad |= t->reason != XBR_DROP_NONE;
		if (kind == DPT_UNICAST || kind == DPT_REPLY)
			bad |= (int)t->out_ifindex != dpt_env.ifindex[ffs((int)o->txmask) - 1];
		if (kind == DPT_FLOOD)
			bad |= t->flood_map != ((d->port[in].flags & XBR_PORT_F_ISOLATED) ?
							(uint32_t)XBR_XDP_FLOOD_ISO :
							(uint32_t)XBR_XDP_FLOOD_ALL);
		if (bad) {
			snprintf(o->why, sizeof(o->why),
				 "counters say %s/%s, trace verdict %u out %u map %u reason %u",
				 dpt_kind_str(kind), dpt_reason_str(reason), t->verdict,
				 t->out_ifindex, t->flood_map, t->reason);
			return 0;
		}
	}
	o->kind = kind;
	o->reason = kind == DPT_DROP ? reason : XBR_DROP_NONE;
	return 0;
}

const char *dpt_mac_str(const uint8_t mac[6])
{
	static char buf[8][18];
	static int i;
	char *b = buf[i++ & 7];

	snprintf(b, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return b;
}

int dpt_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

const char *dpt_kind_str(int kind)
{
	switch (kind) {
	case DPT_DROP:
		return "drop";
	case DPT_UNICAST:
		return "unicast";
	case DPT_FLOOD:
		return "flood";
	case DPT_REPLY:
		return "reply";
	default:
		return "inconsistent";
	}
}

const char *dpt_reason_str(uint32_t reason)
{
	static const char *const n[] = {
		[XBR_DROP_NONE] = "none",	  [XBR_DROP_RUNT] = "runt",
		[XBR_DROP_NOPORT] = "noport",	  [XBR_DROP_SAME_PORT] = "same-port",
		[XBR_DROP_BAD_SRC] = "bad-src",	  [XBR_DROP_LOCKED] = "locked",
		[XBR_DROP_ISOLATED] = "isolated", [XBR_DROP_REDIRECT] = "redirect",
		[XBR_DROP_SPOOF] = "spoof",	  [XBR_DROP_TOO_BIG] = "too-big",
	};

	return reason < sizeof(n) / sizeof(n[0]) && n[reason] ? n[reason] : "?";
}

long long dpt_dev_rx_packets(const char *ifname)
{
	FILE *f = fopen("/proc/net/dev", "r");
	char line[512], name[64];
	unsigned long long bytes, pkts;
	long long ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!c)
			continue;
		*c = ' ';
		if (sscanf(line, "%63s %llu %llu", name, &bytes, &pkts) == 3 && !strcmp(name, ifname)) {
			ret = (long long)pkts;
			break;
		}
	}
	fclose(f);
	return ret;
}
