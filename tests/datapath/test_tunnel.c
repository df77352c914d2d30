// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The VXLAN uplink's datapath (bpf/lib/tunnel.h) under BPF_PROG_TEST_RUN.
 *
 * What test_run can and cannot give: a frame *from* an uplink carries its
 * tunnel key in a metadata dst that only the VXLAN device's receive path
 * makes, so test_run frames have none; the tc program's test knob
 * (dpt_test_tunnel) hands it the key from .bss instead, so learning, the VNI
 * and peer checks and split horizon run here, not the key reading itself
 * (that is t_vxlan*.sh's). Frames *to* an uplink are real: the test makes an
 * external VXLAN device (by the loader's own nl_vxlan_add()) over a veth
 * underlay with static neighbours, so every flood copy bpf_clone_redirect()s
 * into it is encapsulated by the kernel and read back from the underlay's
 * far end: outer destination, UDP port, VNI and the inner frame are checked.
 * A unicast's bpf_redirect() is not carried out by test_run: its key is
 * checked in the knob's record (xbr_test_tx_key). XDP hands uplink-bound
 * frames to tc (XDP_PASS), taking back its ingress count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dpt.h"
#include "nl.h"
#include "tests.h"
#include "xbr_tc.skel.h"

#define PD XBR_PORT_F_DEFAULT
#define UP 6 /* position of the uplink */
#define VNI 4242
#define MTU 1450
#define NS_PER_S 1000000000ULL

/* The underlay: xbrtu0 (198.51.100.1, the local endpoint) <-> xbrtu1, where
 * the encapsulated copies are read; peers .2 and .3 are static neighbours. */
static struct {
	int vx_ifindex, u1_ifindex;
	int ready;
} env;

static uint32_t ip4(const char *s)
{
	uint32_t a = 0;

	inet_pton(AF_INET, s, &a);
	return a;
}

static int arp_static(int fd, const char *dev, const char *addr, const uint8_t mac[6])
{
	struct arpreq r = {};
	struct sockaddr_in *pa = (struct sockaddr_in *)&r.arp_pa;

	pa->sin_family = AF_INET;
	pa->sin_addr.s_addr = ip4(addr);
	r.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(r.arp_ha.sa_data, mac, 6);
	r.arp_flags = ATF_PERM | ATF_COM;
	snprintf(r.arp_dev, sizeof(r.arp_dev), "%s", dev);
	return ioctl(fd, SIOCSARP, &r) < 0 ? -errno : 0;
}

static int env_setup(void)
{
	static const uint8_t nmac[6] = { 0x02, 0, 0, 0, 0x0d, 0x01 };
	struct nl_vxlan v = { .name = "xbrtvx", .family = AF_INET, .dstport = XBR_VXLAN_PORT,
			      .mtu = MTU };
	struct xbr_nl nl;
	struct xbr_link l0, l1, lv;
	uint32_t local = ip4("198.51.100.1");
	int fd, err;

	if (env.ready)
		return env.ready < 0 ? -EIO : 0;
	env.ready = -1;
	err = nl_open(&nl);
	if (err)
		return err;
	memcpy(v.local, &local, 4);
	err = nl_veth_add(&nl, "xbrtu0", NULL, "xbrtu1", -1, NULL);
	if (!err)
		err = nl_vxlan_add(&nl, &v);
	if (!err)
		err = nl_link_get(&nl, "xbrtu0", &l0);
	if (!err)
		err = nl_link_get(&nl, "xbrtu1", &l1);
	if (!err)
		err = nl_link_get(&nl, "xbrtvx", &lv);
	if (!err)
		err = nl_link_set_up(&nl, l0.ifindex);
	if (!err)
		err = nl_link_set_up(&nl, l1.ifindex);
	if (!err)
		err = nl_link_set_up(&nl, lv.ifindex);
	if (!err)
		err = nl_addr_add(&nl, l0.ifindex, local, 24);
	nl_close(&nl);
	if (err) {
		fprintf(stderr, "tunnel: cannot make the underlay and VXLAN device: %s\n",
			strerror(-err));
		return err;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = arp_static(fd, "xbrtu0", "198.51.100.2", nmac);
	if (!err)
		err = arp_static(fd, "xbrtu0", "198.51.100.3", nmac);
	close(fd);
	if (err)
		return err;
	env.vx_ifindex = lv.ifindex;
	env.u1_ifindex = l1.ifindex;
	env.ready = 1;
	return 0;
}

/* A raw socket on xbrtu1, emptied of whatever arrived before. */
static int cap_open(void)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = env.u1_ifindex };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 300000 };
	uint8_t buf[2048];
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		close(fd);
		return -errno;
	}
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	return fd;
}

struct vxpkt {
	uint32_t dst; /* outer IPv4 destination */
	uint32_t src;
	uint16_t dport;
	uint32_t vni;
	uint8_t inner[128];
	uint32_t inner_len;
};

/* Read the VXLAN packets that arrive within the timeout (at most @max). */
static int cap_read(int fd, struct vxpkt *out, int max)
{
	uint8_t b[2048];
	int n = 0;
	ssize_t len;

	while (n < max && (len = recv(fd, b, sizeof(b), 0)) > 0) {
		uint32_t ihl;

		if (len < 14 + 20 + 8 + 8 || b[12] != 0x08 || b[13] != 0x00 || b[23] != 17)
			continue;
		ihl = (b[14] & 0xf) * 4u;
		if ((size_t)len < 14 + ihl + 16)
			continue;
		memcpy(&out[n].src, b + 14 + 12, 4);
		memcpy(&out[n].dst, b + 14 + 16, 4);
		out[n].dport = (uint16_t)(b[14 + ihl + 2] << 8 | b[14 + ihl + 3]);
		out[n].vni = (uint32_t)b[14 + ihl + 8 + 4] << 16 | (uint32_t)b[14 + ihl + 8 + 5] << 8 |
			     b[14 + ihl + 8 + 6];
		out[n].inner_len = (uint32_t)len - (14 + ihl + 16);
		if (out[n].inner_len > sizeof(out[n].inner))
			out[n].inner_len = sizeof(out[n].inner);
		memcpy(out[n].inner, b + 14 + ihl + 16, out[n].inner_len);
		n++;
	}
	return n;
}

/* A frame @src -> @dst of @len bytes (a local EtherType). */
static uint32_t frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint32_t len)
{
	uint32_t i;

	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (i = 14; i < len; i++)
		f[i] = (uint8_t)i;
	return len;
}

static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t RMAC[6] = { 0x02, 0x00, 0x5e, 0x99, 0x00, 0x01 }; /* behind the uplink */

static void peer4(struct xbr_peer *p, const char *a, uint32_t ifindex)
{
	memset(p, 0, sizeof(*p));
	p->remote[0] = ip4(a);
	p->ifindex = ifindex;
}

/* The key the knob gives the next frame "from the uplink". */
static void rx_key(struct dpt *d, uint32_t vni, const char *remote, int err)
{
	struct bpf_tunnel_key *k = &d->tc->bss->xbr_test_rx_key;

	memset(k, 0, sizeof(*k));
	k->tunnel_id = vni;
	k->remote_ipv4 = ntohl(ip4(remote));
	d->tc->bss->xbr_test_rx_err = err;
}

/* A bridge with stations at 0 and 1 and the uplink (peers .2, .3) at UP. */
static struct dpt *bridge(int hook)
{
	struct dpt *d = calloc(1, sizeof(*d));
	uint32_t local[4] = { ip4("198.51.100.1") };
	struct xbr_peer p[2];

	assert_non_null(d);
	assert_int_equal(env_setup(), 0);
	dpt_test_tunnel = true;
	assert_int_equal(dpt_open_hook(d, hook, 0, false), 0);
	dpt_test_tunnel = false;
	assert_int_equal(dpt_port_add(d, 0, PD, 0), 0);
	assert_int_equal(dpt_port_add(d, 1, PD, 0), 0);
	assert_int_equal(dpt_uplink_add(d, UP, (uint32_t)env.vx_ifindex, VNI, MTU, local, 0), 0);
	peer4(&p[0], "198.51.100.2", (uint32_t)env.vx_ifindex);
	peer4(&p[1], "198.51.100.3", (uint32_t)env.vx_ifindex);
	assert_int_equal(dpt_peers_set(d, p, 2), 0);
	return d;
}

static void done(struct dpt *d)
{
	dpt_close(d);
	free(d);
}

static void assert_remote4(struct dpt *d, const uint8_t mac[6], const char *remote)
{
	struct xbr_fdb_val v;

	assert_int_equal(dpt_fdb_get(d, mac, &v), 0);
	assert_int_equal(v.ifindex, (uint32_t)env.vx_ifindex);
	assert_int_equal(v.flags & (XBR_FDB_F_REMOTE | XBR_FDB_F_REMOTE6), XBR_FDB_F_REMOTE);
	assert_int_equal(v.remote[0], ip4(remote));
	assert_int_equal(v.remote[1] | v.remote[2] | v.remote[3], 0);
}

/* From the uplink: learned with the endpoint, moved between endpoints,
 * refused from a non-peer, another VNI or without a key; floods never go
 * back into the uplink, unicast to a station behind it is a same-port drop. */
static void test_rx(void **state)
{
	struct dpt *d = bridge(DPT_TC);
	struct dpt_obs o;
	struct dpt_port_snap s;
	struct xbr_br_stats bs;
	uint8_t f[ETH_ZLEN], m0[6], r2[6] = { 0x02, 0x00, 0x5e, 0x99, 0x00, 0x02 };
	uint32_t a0, vx = (uint32_t)env.vx_ifindex;

	(void)state;
	dpt_station(0, m0, &a0);
	rx_key(d, VNI, "198.51.100.2", 0);
	assert_int_equal(dpt_frame(d, vx, f, frame(f, BCAST, RMAC, ETH_ZLEN), &o), 0);
	assert_int_equal(o.kind, DPT_FLOOD);
	assert_int_equal(o.txmask, (1u << 0) | (1u << 1)); /* never back into the uplink */
	assert_remote4(d, RMAC, "198.51.100.2");
	assert_int_equal(d->nev, 1);
	assert_int_equal(d->ev[0].type, XBR_EV_LEARNED);
	assert_int_equal(d->ev[0].flags, XBR_FDB_F_REMOTE);

	/* The same station behind another peer: moved. */
	rx_key(d, VNI, "198.51.100.3", 0);
	dpt_events_reset(d);
	assert_int_equal(dpt_frame(d, vx, f, frame(f, BCAST, RMAC, ETH_ZLEN), &o), 0);
	assert_remote4(d, RMAC, "198.51.100.3");
	assert_int_equal(d->nev, 1);
	assert_int_equal(d->ev[0].type, XBR_EV_MOVED);
	assert_int_equal(dpt_br_stats(d, &bs), 0);
	assert_int_equal(bs.moved, 1);

	/* Refused, counted as drop tunnel, nothing learned or changed. */
	rx_key(d, VNI, "198.51.100.9", 0); /* not a peer */
	assert_int_equal(dpt_frame(d, vx, f, frame(f, BCAST, r2, ETH_ZLEN), &o), 0);
	assert_int_equal(o.kind, DPT_DROP);
	assert_int_equal(o.reason, XBR_DROP_TUNNEL);
	rx_key(d, VNI + 1, "198.51.100.2", 0); /* another VNI */
	assert_int_equal(dpt_frame(d, vx, f, frame(f, BCAST, r2, ETH_ZLEN), &o), 0);
	assert_int_equal(o.reason, XBR_DROP_TUNNEL);
	rx_key(d, VNI, "198.51.100.2", -ENOENT); /* no tunnel key at all */
	assert_int_equal(dpt_frame(d, vx, f, frame(f, BCAST, r2, ETH_ZLEN), &o), 0);
	assert_int_equal(o.reason, XBR_DROP_TUNNEL);
	assert_int_equal(dpt_fdb_get(d, r2, &(struct xbr_fdb_val){}), -ENOENT);
	assert_remote4(d, RMAC, "198.51.100.3");
	assert_int_equal(dpt_port_stats(d, UP, &s), 0);
	assert_int_equal(s.drops[XBR_DROP_TUNNEL], 3);

	/* To a station behind the same uplink: split horizon, same-port drop. */
	rx_key(d, VNI, "198.51.100.2", 0);
	assert_int_equal(dpt_frame(d, vx, f, frame(f, RMAC, r2, ETH_ZLEN), &o), 0);
	assert_int_equal(o.kind, DPT_DROP);
	assert_int_equal(o.reason, XBR_DROP_SAME_PORT);
	assert_remote4(d, r2, "198.51.100.2"); /* learned all the same */
	/* To a local station: unicast to it. */
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, frame(f, BCAST, m0, ETH_ZLEN),
				   &o),
			 0);
	assert_int_equal(dpt_frame(d, vx, f, frame(f, m0, RMAC, ETH_ZLEN), &o), 0);
	assert_int_equal(o.kind, DPT_UNICAST);
	assert_int_equal(o.txmask, 1u << 0);
	assert_remote4(d, RMAC, "198.51.100.2"); /* and moved back to .2 */

	/* The station comes to a local port: no endpoint any more. */
	dpt_events_reset(d);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[1], f,
				   frame(f, BCAST, RMAC, ETH_ZLEN), &o),
			 0);
	{
		struct xbr_fdb_val v;

		assert_int_equal(dpt_fdb_get(d, RMAC, &v), 0);
		assert_int_equal(v.ifindex, (uint32_t)dpt_env.ifindex[1]);
		assert_int_equal(v.flags, 0);
		assert_int_equal(v.remote[0] | v.remote[1] | v.remote[2] | v.remote[3], 0);
	}
	done(d);
}

/* An IPv6 underlay: the entry carries REMOTE6 and the 16-byte endpoint. */
static void test_rx6(void **state)
{
	struct dpt *d = calloc(1, sizeof(*d));
	uint32_t local[4], peer[4];
	struct xbr_peer p = {};
	struct xbr_fdb_val v;
	struct dpt_obs o;
	uint8_t f[ETH_ZLEN];
	struct bpf_tunnel_key *k;

	(void)state;
	assert_non_null(d);
	assert_int_equal(env_setup(), 0);
	inet_pton(AF_INET6, "2001:db8::1", local);
	inet_pton(AF_INET6, "2001:db8::2", peer);
	dpt_test_tunnel = true;
	assert_int_equal(dpt_open_hook(d, DPT_TC, 0, false), 0);
	dpt_test_tunnel = false;
	assert_int_equal(dpt_port_add(d, 0, PD, 0), 0);
	assert_int_equal(dpt_uplink_add(d, UP, (uint32_t)env.vx_ifindex, VNI, MTU, local, 1), 0);
	memcpy(p.remote, peer, 16);
	p.ifindex = (uint32_t)env.vx_ifindex;
	p.flags = XBR_PEER_F_V6;
	assert_int_equal(dpt_peers_set(d, &p, 1), 0);
	k = &d->tc->bss->xbr_test_rx_key;
	memset(k, 0, sizeof(*k));
	k->tunnel_id = VNI;
	memcpy(k->remote_ipv6, peer, 16);
	assert_int_equal(dpt_frame(d, (uint32_t)env.vx_ifindex, f, frame(f, BCAST, RMAC, ETH_ZLEN),
				   &o),
			 0);
	assert_int_equal(o.kind, DPT_FLOOD);
	assert_int_equal(dpt_fdb_get(d, RMAC, &v), 0);
	assert_int_equal(v.flags, XBR_FDB_F_REMOTE | XBR_FDB_F_REMOTE6);
	assert_memory_equal(v.remote, peer, 16);

	/* Back toward it: the key is IPv6, from the uplink's local endpoint. */
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f,
				   frame(f, RMAC, (uint8_t[6]){ 2, 0, 0, 0, 0, 7 }, ETH_ZLEN), &o),
			 0);
	assert_int_equal(o.kind, DPT_UNICAST);
	assert_int_equal(o.retval, TC_ACT_REDIRECT);
	assert_int_equal(d->tc->bss->xbr_test_tx_flags, BPF_F_TUNINFO_IPV6);
	assert_memory_equal(d->tc->bss->xbr_test_tx_key.remote_ipv6, peer, 16);
	assert_memory_equal(d->tc->bss->xbr_test_tx_key.local_ipv6, local, 16);
	assert_int_equal(d->tc->bss->xbr_test_tx_key.tunnel_id, VNI);
	done(d);
}

/* To a station behind the uplink: its endpoint's key, redirected into the
 * device, counted as tx there; too big for the tunnel: counted, not sent. */
static void test_tx_unicast(void **state)
{
	struct dpt *d = bridge(DPT_TC);
	struct xbr_ctl_req r = { .op = XBR_OP_ADD, .flags = XBR_FDB_F_STATIC | XBR_FDB_F_REMOTE };
	struct bpf_tunnel_key *t = &d->tc->bss->xbr_test_tx_key;
	struct dpt_port_snap s;
	struct dpt_obs o;
	uint8_t f[ETH_FRAME_LEN], m0[6];
	uint32_t a0;

	(void)state;
	dpt_station(0, m0, &a0);
	memcpy(r.mac, RMAC, 6);
	r.ifindex = (uint32_t)env.vx_ifindex;
	r.remote[0] = ip4("198.51.100.3");
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, frame(f, RMAC, m0, 200), &o),
			 0);
	assert_int_equal(o.kind, DPT_UNICAST);
	assert_int_equal(o.retval, TC_ACT_REDIRECT);
	assert_int_equal(o.txmask, 1u << UP);
	assert_int_equal(t->tunnel_id, VNI);
	assert_int_equal(t->remote_ipv4, ntohl(ip4("198.51.100.3")));
	assert_int_equal(t->local_ipv4, ntohl(ip4("198.51.100.1")));
	assert_int_equal(t->tunnel_ttl, 64);
	assert_int_equal(d->tc->bss->xbr_test_tx_flags, 0);

	/* The largest frame the tunnel takes, and one byte more. */
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f,
				   frame(f, RMAC, m0, MTU + ETH_HLEN), &o),
			 0);
	assert_int_equal(o.kind, DPT_UNICAST);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f,
				   frame(f, RMAC, m0, MTU + ETH_HLEN + 1), &o),
			 0);
	assert_int_equal(o.kind, DPT_DROP);
	assert_int_equal(o.reason, XBR_DROP_TOO_BIG);
	assert_int_equal(o.retval, TC_ACT_SHOT);
	assert_int_equal(dpt_port_stats(d, 0, &s), 0);
	assert_int_equal(s.drops[XBR_DROP_TOO_BIG], 1);
	done(d);
}

/* A flood from a station: one real encapsulated copy per peer of the uplink
 * (head-end replication), none for another uplink's peer; too big: none. */
static void test_tx_flood(void **state)
{
	struct dpt *d = bridge(DPT_TC);
	struct xbr_peer p[3];
	struct dpt_port_snap s0, s1;
	struct dpt_obs o;
	struct vxpkt pk[4];
	uint8_t f[ETH_FRAME_LEN], m0[6];
	uint32_t a0, len;
	int fd, n, i, seen2 = 0, seen3 = 0;

	(void)state;
	dpt_station(0, m0, &a0);
	peer4(&p[0], "198.51.100.2", (uint32_t)env.vx_ifindex);
	peer4(&p[1], "198.51.100.4", 12345); /* of another uplink */
	peer4(&p[2], "198.51.100.3", (uint32_t)env.vx_ifindex);
	assert_int_equal(dpt_peers_set(d, p, 3), 0);
	fd = cap_open();
	assert_true(fd >= 0);
	assert_int_equal(dpt_port_stats(d, UP, &s0), 0);
	len = frame(f, BCAST, m0, 100);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, len, &o), 0);
	/* The local station (port 1) is the flood's last port: it gets the
	 * frame itself, by the verdict. */
	assert_int_equal(o.retval, TC_ACT_REDIRECT);
	assert_int_equal(dpt_port_stats(d, UP, &s1), 0);
	assert_int_equal(s1.tx_packets - s0.tx_packets, 2);
	assert_int_equal(s1.tx_bytes - s0.tx_bytes, 2 * len);
	assert_true(o.txmask & (1u << 1)); /* the local station too */
	n = cap_read(fd, pk, 4);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_int_equal(pk[i].src, ip4("198.51.100.1"));
		assert_int_equal(pk[i].dport, XBR_VXLAN_PORT);
		assert_int_equal(pk[i].vni, VNI);
		assert_int_equal(pk[i].inner_len, len);
		assert_memory_equal(pk[i].inner, f, len);
		seen2 += pk[i].dst == ip4("198.51.100.2");
		seen3 += pk[i].dst == ip4("198.51.100.3");
	}
	assert_int_equal(seen2, 1);
	assert_int_equal(seen3, 1);

	/* Too big for the tunnel: no copy, one too-big drop; locals still get it. */
	s0 = s1;
	len = frame(f, BCAST, m0, MTU + ETH_HLEN + 1);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, len, &o), 0);
	assert_int_equal(dpt_port_stats(d, UP, &s1), 0);
	assert_int_equal(s1.tx_packets, s0.tx_packets);
	assert_int_equal(cap_read(fd, pk, 4), 0);
	assert_int_equal(dpt_port_stats(d, 0, &s1), 0);
	assert_int_equal(s1.drops[XBR_DROP_TOO_BIG], 1);
	close(fd);
	done(d);
}

/* The control program: remote entries only on an uplink and with an
 * endpoint; a flush by endpoint takes exactly the entries behind it. */
static void test_ctl(void **state)
{
	struct dpt *d = bridge(DPT_TC);
	struct xbr_ctl_req r = { .op = XBR_OP_ADD };
	struct xbr_fdb_val v;
	uint8_t mac[6] = { 0x02, 0, 0x5e, 0x99, 0, 0x10 };
	int i;

	(void)state;
	r.ifindex = (uint32_t)dpt_env.ifindex[0];
	r.flags = XBR_FDB_F_STATIC | XBR_FDB_F_REMOTE; /* remote on a station port */
	memcpy(r.mac, mac, 6);
	assert_int_equal(dpt_ctl(d, &r), -EINVAL);
	r.ifindex = (uint32_t)env.vx_ifindex;
	r.flags = XBR_FDB_F_STATIC; /* local on an uplink */
	assert_int_equal(dpt_ctl(d, &r), -EINVAL);
	r.flags = XBR_FDB_F_STATIC | XBR_FDB_F_REMOTE6; /* REMOTE6 alone */
	assert_int_equal(dpt_ctl(d, &r), -EINVAL);
	for (i = 0; i < 4; i++) { /* .2 .3 .2 .3, the last one learned-like */
		mac[5] = (uint8_t)(0x10 + i);
		memcpy(r.mac, mac, 6);
		r.flags = (i == 3 ? 0 : XBR_FDB_F_STATIC) | XBR_FDB_F_REMOTE;
		r.remote[0] = ip4(i % 2 ? "198.51.100.3" : "198.51.100.2");
		assert_int_equal(dpt_ctl(d, &r), 0);
	}
	mac[5] = 0x10;
	assert_int_equal(dpt_fdb_get(d, mac, &v), 0);
	assert_int_equal(v.flags, XBR_FDB_F_STATIC | XBR_FDB_F_REMOTE | XBR_FDB_F_USER);
	assert_int_equal(v.remote[0], ip4("198.51.100.2"));
	memset(&r, 0, sizeof(r));
	r.op = XBR_OP_FLUSH;
	r.ifindex = (uint32_t)env.vx_ifindex;
	r.flags = XBR_FLUSH_DYNAMIC | XBR_FLUSH_STATIC | XBR_FLUSH_REMOTE;
	r.remote[0] = ip4("198.51.100.3");
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(r.count, 2);
	for (i = 0; i < 4; i++) {
		mac[5] = (uint8_t)(0x10 + i);
		assert_int_equal(dpt_fdb_get(d, mac, &v), i % 2 ? -ENOENT : 0);
	}
	done(d);
}

/* XDP hands uplink-bound frames to tc: XDP_PASS, its ingress count taken
 * back; without peers a flood stays in XDP (the devmap). */
static void test_xdp_to_tc(void **state)
{
	const char *why = dpt_hook_missing(DPT_XDP);
	struct xbr_ctl_req r = { .op = XBR_OP_ADD, .flags = XBR_FDB_F_STATIC | XBR_FDB_F_REMOTE };
	struct dpt_port_snap s0, s1;
	struct dpt *d;
	struct dpt_obs o;
	uint8_t f[ETH_ZLEN], m0[6];
	uint32_t a0;

	(void)state;
	if (why) {
		DPT_SKIP(why);
	}
	d = bridge(DPT_XDP);
	dpt_station(0, m0, &a0);
	memcpy(r.mac, RMAC, 6);
	r.ifindex = (uint32_t)env.vx_ifindex;
	r.remote[0] = ip4("198.51.100.2");
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(dpt_port_stats(d, 0, &s0), 0);
	dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, frame(f, RMAC, m0, ETH_ZLEN), &o);
	assert_int_equal(o.xdp.verdict, XBR_V_UNICAST);
	assert_int_equal(o.xdp.flood_map, XBR_XDP_TO_TC);
	assert_int_equal(o.xdp.out_ifindex, (uint32_t)env.vx_ifindex);
	dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, frame(f, BCAST, m0, ETH_ZLEN), &o);
	assert_int_equal(o.xdp.verdict, XBR_V_FLOOD);
	assert_int_equal(o.xdp.flood_map, XBR_XDP_TO_TC);
	assert_int_equal(dpt_port_stats(d, 0, &s1), 0);
	/* Learned by XDP (tc would find it known), but counted by tc only. */
	assert_int_equal(s1.rx_packets, s0.rx_packets);
	assert_int_equal(s1.rx_bytes, s0.rx_bytes);
	assert_int_equal(s1.rx_flood, s0.rx_flood);
	assert_int_equal(dpt_fdb_get(d, m0, &(struct xbr_fdb_val){}), 0);
	/* No peers: XDP floods by itself, the uplink in no devmap. */
	assert_int_equal(dpt_peers_set(d, NULL, 0), 0);
	dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, frame(f, BCAST, m0, ETH_ZLEN), &o);
	assert_int_equal(o.xdp.flood_map, XBR_XDP_FLOOD_ALL);
	assert_int_equal(o.kind, DPT_FLOOD);
	assert_int_equal(o.txmask, 1u << 1);
	done(d);
}

/* An ARP request from a station into @f for @tip; its length. */
static uint32_t arp_request(uint8_t *f, const uint8_t mac[6], uint32_t sip, uint32_t tip)
{
	uint8_t *a = f + ETH_HLEN;

	memset(f, 0, ETH_ZLEN);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	a[1] = 1;
	a[2] = 0x08;
	a[4] = 6;
	a[5] = 4;
	a[7] = 1;
	memcpy(a + 8, mac, 6);
	memcpy(a + 14, &sip, 4);
	memcpy(a + 24, &tip, 4);
	return ETH_ZLEN;
}

/* neigh-suppress for a station on another host: answered when its entry is
 * static and remote (a directory's) and the bridge suppresses by default,
 * with the MAC its address implies; a learned remote entry, or a bridge
 * without the default, floods as before. */
static void test_neigh_remote(void **state)
{
	struct dpt *d = bridge(DPT_TC);
	struct xbr_ctl_req r = { .op = XBR_OP_ADD, .flags = XBR_FDB_F_STATIC | XBR_FDB_F_REMOTE };
	uint32_t a0, tip = ip4("172.16.9.9"), tip2 = ip4("172.16.9.10");
	uint8_t f[ETH_FRAME_LEN], m0[6], rm[6] = { 0x0a, 0x58 }, rm2[6] = { 0x0a, 0x58 };
	struct xbr_peer p;
	struct dpt_obs o;

	(void)state;
	/* One peer: a flood then counts one copy on the uplink, as dpt_frame()
	 * expects of every port. */
	peer4(&p, "198.51.100.3", (uint32_t)env.vx_ifindex);
	assert_int_equal(dpt_peers_set(d, &p, 1), 0);
	dpt_station(0, m0, &a0);
	memcpy(rm + 2, &tip, 4);
	memcpy(rm2 + 2, &tip2, 4);
	memcpy(r.mac, rm, 6);
	r.ifindex = (uint32_t)env.vx_ifindex;
	r.remote[0] = ip4("198.51.100.3");
	assert_int_equal(dpt_ctl(d, &r), 0);
	assert_int_equal(dpt_set_clock(d, 10 * NS_PER_S), 0);
	assert_int_equal(dpt_fdb_put(d, rm2, (uint32_t)env.vx_ifindex, XBR_FDB_F_REMOTE,
				     10 * NS_PER_S),
			 0);

	/* Without the bridge's default: flooded. */
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, arp_request(f, m0, a0, tip),
				   &o),
			 0);
	if (o.kind != DPT_FLOOD)
		fail_msg("kind %d: %s", o.kind, o.why);

	d->cfg.flags |= XBR_CFG_F_NEIGH_SUPPRESS;
	assert_int_equal(dpt_set_ageing(d, d->cfg.ageing_ns), 0);
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f, arp_request(f, m0, a0, tip),
				   &o),
			 0);
	assert_int_equal(o.kind, DPT_REPLY);
	assert_true(o.out_len >= 42);
	assert_memory_equal(o.out, m0, 6); /* to the asker */
	assert_memory_equal(o.out + 6, rm, 6); /* from the remote station's MAC */
	assert_int_equal(o.out[ETH_HLEN + 7], 2); /* an ARP reply */
	assert_memory_equal(o.out + ETH_HLEN + 8, rm, 6);
	assert_memory_equal(o.out + ETH_HLEN + 14, &tip, 4);
	assert_memory_equal(o.out + ETH_HLEN + 24, &a0, 4);

	/* A learned remote entry: not the bridge's to answer for. */
	assert_int_equal(dpt_frame(d, (uint32_t)dpt_env.ifindex[0], f,
				   arp_request(f, m0, a0, tip2), &o),
			 0);
	assert_int_equal(o.kind, DPT_FLOOD);
	done(d);
}

int run_tunnel_tests(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_rx),
		cmocka_unit_test(test_rx6),
		cmocka_unit_test(test_tx_unicast),
		cmocka_unit_test(test_tx_flood),
		cmocka_unit_test(test_ctl),
		cmocka_unit_test(test_xdp_to_tc),
		cmocka_unit_test(test_neigh_remote),
	};

	return dpt_run_group("datapath_tunnel", t, sizeof(t) / sizeof(t[0]), NULL, NULL);
}
