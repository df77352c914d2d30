// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fuzz (see test_fuzz.c), tagged frames for real: test_run hands tc a frame
 * with its VLAN tag in place, where a real tc ingress has it in skb metadata,
 * so a spoof-checked port's station sends untagged and tagged frames from its
 * veth peer into the attached program (tc clsact ingress / native XDP).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <cmocka.h>
#include <bpf/libbpf.h>

#include "dpt.h"
#include "tests.h"
#include "fuzz.h"

struct live g_live[2];

int live_teardown(void **state)
{
	struct live *lv = *state;
	LIBBPF_OPTS(bpf_tc_hook, th, .ifindex = dpt_env.ifindex[0],
		    .attach_point = BPF_TC_INGRESS);

	if (lv->tc_attached)
		bpf_tc_hook_destroy(&th);
	if (lv->xdp_attached)
		bpf_xdp_detach(dpt_env.ifindex[0], XDP_FLAGS_DRV_MODE, NULL);
	lv->tc_attached = lv->xdp_attached = false;
	if (lv->d) {
		dpt_close(lv->d);
		free(lv->d);
		lv->d = NULL;
	}
	return 0;
}

/* Send @f out of port 0's peer; wait for port 0 to count it (1 s at most). */
static void live_send(struct live *lv, const uint8_t *f, uint32_t len, struct dpt_port_snap *dlt)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	struct dpt_port_snap a, b;
	int fd, i;

	sa.sll_ifindex = dpt_env.peer_ifindex[0];
	assert_int_equal(dpt_port_stats(lv->d, 0, &a), 0);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(sendto(fd, f, len, 0, (struct sockaddr *)&sa, sizeof(sa)), (int)len);
	close(fd);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(dpt_port_stats(lv->d, 0, &b), 0);
		if (b.rx_packets != a.rx_packets)
			break;
		usleep(1000);
	}
	memset(dlt, 0, sizeof(*dlt));
	dlt->rx_packets = b.rx_packets - a.rx_packets;
	dlt->rx_bytes = b.rx_bytes - a.rx_bytes;
	dlt->rx_flood = b.rx_flood - a.rx_flood;
	for (i = 0; i < (int)DPT_NDROPS; i++)
		dlt->drops[i] = b.drops[i] - a.drops[i];
}

/*
 * A spoof-checked port's station sends IPv4 from its own MAC and address:
 * untagged it is flooded; behind one 802.1Q tag, or an 802.1ad and an 802.1Q
 * tag, it is refused (drop spoof): "Other EtherTypes, VLAN tags included, are
 * refused" (fdb.h, xbr_spoof_ok()). The byte counts are shown, not checked:
 * tc's skb->len leaves out the tag the kernel moved into metadata.
 */
void test_tagged_live(void **state)
{
	struct live *lv = *state;
	const char *why = dpt_hook_missing(lv->hook);
	LIBBPF_OPTS(bpf_tc_hook, th, .ifindex = dpt_env.ifindex[0],
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to);
	struct dpt_port_snap dl;
	uint8_t f[80], mac[6];
	uint32_t addr, off;
	int ntags, i, err;

	if (why) {
		DPT_SKIP(why);
	}
	/* veth takes XDP only with an MTU that fits a page. */
	assert_int_equal(dpt_env_set_mtu(ETH_DATA_LEN), 0);
	lv->d = calloc(1, sizeof(*lv->d));
	assert_non_null(lv->d);
	assert_int_equal(dpt_open_hook(lv->d, lv->hook, 0, false), 0);
	assert_int_equal(dpt_port_add(lv->d, 0, XBR_PORT_F_DEFAULT | XBR_PORT_F_SPOOFCHK, 0), 0);
	assert_int_equal(dpt_port_add(lv->d, 1, XBR_PORT_F_DEFAULT, 0), 0);
	if (lv->hook == DPT_TC) {
		err = bpf_tc_hook_create(&th);
		if (err && err != -EEXIST)
			fail_msg("clsact on %s: %s", dpt_env.name[0], strerror(-err));
		lv->tc_attached = true;
		to.prog_fd = lv->d->prog_fd;
		err = bpf_tc_attach(&th, &to);
	} else {
		err = bpf_xdp_attach(dpt_env.ifindex[0], lv->d->prog_fd, XDP_FLAGS_DRV_MODE, NULL);
		lv->xdp_attached = !err;
	}
	if (err)
		fail_msg("attaching the %s program to %s: %s", dpt_hook_name(lv->hook),
			 dpt_env.name[0], strerror(-err));
	dpt_station(0, mac, &addr);
	for (ntags = 0; ntags <= 2; ntags++) {
		memset(f, 0, sizeof(f));
		memset(f, 0xff, ETH_ALEN);
		memcpy(f + ETH_ALEN, mac, ETH_ALEN);
		off = 12;
		for (i = 0; i < ntags; i++) {
			put16(f + off, ntags == 2 && i == 0 ? ETH_P_8021AD : ETH_P_8021Q);
			put16(f + off + 2, (uint16_t)(10 + i));
			off += 4;
		}
		put16(f + off, ETH_P_IP);
		f[off + 2] = 0x45;
		f[off + 2 + 9] = 17;
		memcpy(f + off + 2 + 12, &addr, 4);
		memset(f + off + 2 + 16, 0xff, 4);
		live_send(lv, f, ETH_ZLEN + 4 * (uint32_t)ntags, &dl);
		print_message("  %s, %d tag%s: rx %llu (%llu bytes of %u), flooded %llu, "
			      "drops.spoof %llu\n",
			      dpt_hook_name(lv->hook), ntags, ntags == 1 ? "" : "s",
			      (unsigned long long)dl.rx_packets, (unsigned long long)dl.rx_bytes,
			      ETH_ZLEN + 4 * ntags, (unsigned long long)dl.rx_flood,
			      (unsigned long long)dl.drops[XBR_DROP_SPOOF]);
		if (dl.rx_packets != 1)
			fail_msg("%d tags: the frame sent was not counted on the port", ntags);
		if (!ntags && (dl.rx_flood != 1 || dl.drops[XBR_DROP_SPOOF]))
			fail_msg("untagged frame from the station itself not flooded");
		if (ntags && (dl.rx_flood || dl.drops[XBR_DROP_SPOOF] != 1))
			fail_msg("%d tag%s: a spoof-checked port let a tagged frame in", ntags,
				 ntags == 1 ? "" : "s");
	}
}
