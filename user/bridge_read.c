// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A bridge as a front-end reads and changes it without reaching into
 * struct xbr_bridge (see bridge.h): its name and settings, its counters
 * summed over the CPUs, one forwarding entry, its event ring, and the
 * settings `xbr set` changes on a live bridge.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>
#include "bridge.h"
#include "datapath.h"
#include "pins.h"

const char *br_name(const struct xbr_bridge *br)
{
	return br->name;
}

const struct xbr_config *br_config(const struct xbr_bridge *br)
{
	return &br->cfg;
}

/* Sum a per-CPU value laid out as @ncpu copies of @n u64 counters. */
static void sum_percpu(const __u64 *vals, int ncpu, size_t n, __u64 *out)
{
	int c;
	size_t i;

	memset(out, 0, n * sizeof(*out));
	for (c = 0; c < ncpu; c++)
		for (i = 0; i < n; i++)
			out[i] += vals[(size_t)c * n + i];
}

/* Read per-CPU map @fd's entry @key (@size bytes a CPU) summed into @out. */
static int read_percpu(int fd, const void *key, void *out, size_t size)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *v;
	int err = 0;

	if (ncpu < 1)
		return ncpu ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, size);
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, key, v) < 0)
		err = -errno;
	else
		sum_percpu(v, ncpu, size / 8, out);
	free(v);
	return err;
}

int br_stats(struct xbr_bridge *br, struct xbr_br_stats *out)
{
	__u32 zero = 0;

	return read_percpu(br->map[XBR_M_BR_STATS], &zero, out, sizeof(*out));
}

void br_port_stats(struct xbr_bridge *br, __u32 idx, struct xbr_port_stats *out, __u32 *learned)
{
	if (read_percpu(br->map[XBR_M_PORT_STATS], &idx, out, sizeof(*out)))
		memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(br->map[XBR_M_LEARNED], &idx, learned) < 0)
		*learned = 0;
}

int br_fdb_get(struct xbr_bridge *br, const uint8_t mac[6], struct xbr_fdb_val *val)
{
	struct xbr_fdb_key key = {};

	memcpy(key.mac, mac, 6);
	return bpf_map_lookup_elem(br->map[XBR_M_FDB], &key, val) < 0 ? -errno : 0;
}

struct ring_buffer *br_events_open(struct xbr_bridge *br, br_event_fn fn, void *ctx)
{
	return ring_buffer__new(br->map[XBR_M_EVENTS], fn, ctx, NULL);
}

void br_unlock(struct xbr_bridge *br)
{
	if (br->lock_fd >= 0)
		close(br->lock_fd);
	br->lock_fd = -1;
}

int br_set_ageing(struct xbr_bridge *br, uint32_t sec)
{
	br->cfg.ageing_ns = (__u64)sec * 1000000000ULL;
	return br_config_write(br);
}

int br_set_pub_addr(struct xbr_bridge *br, uint32_t addr)
{
	br->cfg.pub_addr = addr;
	return br_config_write(br);
}

int br_set_flag_ports(struct xbr_bridge *br, uint16_t cfg_flag, int cfg_set, uint32_t port_flag,
		      int port_set, uint32_t skip)
{
	struct xbr_port *ports = NULL;
	size_t n = 0, i;
	int err;

	if (cfg_set)
		br->cfg.flags |= cfg_flag;
	else
		br->cfg.flags &= (__u16)~cfg_flag;
	err = br_config_write(br);
	if (!err)
		err = br_ports(br, &ports, &n);
	for (i = 0; !err && i < n; i++) {
		if (ports[i].flags & skip)
			continue;
		if (port_set)
			ports[i].flags |= port_flag;
		else
			ports[i].flags &= ~port_flag;
		err = br_port_update(br, &ports[i]);
	}
	free(ports);
	return err;
}

/* A pinned map of bridge @bridge by name, read-only, without the lock. */
static int peek_map(const char *bridge, const char *map)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s/%s", XBR_PIN_ROOT, bridge, map);
	return bpf_obj_get(path);
}

void br_peek_ports(const char *bridge, void (*fn)(const struct xbr_port *p, void *ctx), void *ctx)
{
	__u32 key, *prev = NULL;
	struct xbr_port p;
	int fd = peek_map(bridge, "xbr_ports");

	if (fd < 0)
		return;
	while (bpf_map_get_next_key(fd, prev, &key) == 0) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &p) == 0)
			fn(&p, ctx);
	}
	close(fd);
}

void br_peek_macs(const char *bridge, size_t max, void (*fn)(const uint8_t mac[6], void *ctx),
		  void *ctx)
{
	struct xbr_fdb_key key, *prev = NULL;
	int fd = peek_map(bridge, "xbr_fdb");
	size_t n = 0;

	if (fd < 0)
		return;
	while (n++ < max && bpf_map_get_next_key(fd, prev, &key) == 0) {
		prev = &key;
		fn(key.mac, ctx);
	}
	close(fd);
}

/* ---- the host's side, for the CNI plugin ---- */

int br_link_get(struct xbr_bridge *br, const char *ifname, struct xbr_link *out)
{
	return nl_link_get(&br->nl, ifname, out);
}

const char *br_strerror(struct xbr_bridge *br, int err)
{
	return nl_strerror(&br->nl, err);
}

int br_gateway_addr6_add(struct xbr_bridge *br, const uint8_t addr[16], uint8_t plen)
{
	struct xbr_link gw;
	int err = nl_link_get(&br->nl, br->name, &gw);

	return err ? err : nl_addr6_add(&br->nl, gw.ifindex, addr, plen);
}

int br_link_set_mtu(struct xbr_bridge *br, int ifindex, uint32_t mtu)
{
	return nl_link_set_mtu(&br->nl, ifindex, mtu);
}

int br_port_forwarding(struct xbr_bridge *br, int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	hook.ifindex = ifindex;
	return bpf_tc_query(&hook, &opts) == 0 &&
	       bpf_obj_get_info_by_fd(br->prog[XBR_P_TC], &info, &len) == 0 &&
	       opts.prog_id == info.id;
}

int br_open_try(struct xbr_bridge **brp, const char *name)
{
	int err;

	*brp = NULL;
	err = br_lock_try(name);
	if (!err)
		err = br_init(brp, name);
	if (!err)
		err = br_open(*brp);
	return err;
}

int br_mode_parse(const char *s, int *mode, int *is_auto)
{
	return dp_mode_parse(s, mode, is_auto);
}

const char *br_mode_name(int mode)
{
	return dp_mode_name(mode);
}
