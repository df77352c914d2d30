/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Frame parsing helpers shared by the tc and XDP programs. */
#ifndef XBR_BPF_PARSE_H
#define XBR_BPF_PARSE_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

/*
 * xbr_parse_eth - bounds-check the Ethernet header at @data.
 * Returns the header, or NULL when the frame is shorter than ETH_HLEN.
 */
static __always_inline struct ethhdr *xbr_parse_eth(void *data, void *data_end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return NULL;
	return eth;
}

/* True for group (multicast and broadcast) addresses: I/G bit set. */
static __always_inline int xbr_mac_is_group(const __u8 *mac)
{
	return mac[0] & 1;
}

/* True for 00:00:00:00:00:00. */
static __always_inline int xbr_mac_is_zero(const __u8 *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

#endif /* XBR_BPF_PARSE_H */
