// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fixtures: the spoof check (a network header after the MACs; station N is
 * dpt_station(N)).
 * See fixtures.h for the shorthands, test_fixtures.c for how a fixture runs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

#include "dpt.h"
#include "fixtures.h"

const struct fixture fx_spoof[] = {
	/* ---- spoof check ---- */
	{ "spoof check: the station's IPv4 frame passes and its source is learned",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4, .l3src = S0_IP,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: the station's IPv4 unicast reaches a known destination",
	  SPF, .pre = { { B, 2, 0, 10 } }, .in = 0, .dst = B, .src = S0, .l3 = L3_IP4,
	  .l3src = S0_IP, UNI_(O(2)), .post = { { S0, 0, 0, 0 }, { B, 2, 0, 10 } }, LEARNED1 },
	{ "spoof check: IPv4 from 0.0.0.0 (DHCP) passes",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4, .l3src = "0.0.0.0",
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv4 from another station's address is dropped (SPOOF), not learned",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4, .l3src = S1_IP, SPOOFED },
	{ "spoof check: another source MAC is dropped, even with the station's address",
	  SPF, .in = 0, .dst = BC, .src = A, .l3 = L3_IP4, .l3src = S0_IP, SPOOFED },
	{ "spoof check: a group source is dropped as spoofed (the spoof check comes first)",
	  SPF, .in = 0, .dst = BC, .src = MC4, .l3 = L3_IP4, .l3src = S0_IP, SPOOFED },
	{ "spoof check: IPv4 header cut short is dropped (XDP only: tc's test_run refuses "
	  "an IPv4 frame without a whole header)",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4, .l3src = S0_IP, .len = ETH_HLEN + 12,
	  SPOOFED, .hooks = HOOK_XDP },
	{ "spoof check: ARP from the station passes",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S0_IP,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: ARP probe (sender 0.0.0.0) passes",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = "0.0.0.0",
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: ARP with a sender MAC not the station's is dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S0_IP, .arp_sha = A,
	  SPOOFED },
	{ "spoof check: ARP claiming another station's address is dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S1_IP, SPOOFED },
	{ "spoof check: ARP for another hardware type is dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S0_IP, .arp_hrd = 6,
	  SPOOFED },
	{ "spoof check: ARP cut short is dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_ARP, .l3src = S0_IP, .len = ETH_HLEN + 20,
	  SPOOFED },
	{ "spoof check: IPv6 from :: (duplicate address detection) passes",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = "::",
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv6 from the station's EUI-64 link-local address passes",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_LL,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv6 from a station's own address (Docker's: prefix + its iid6) passes",
	  SPF6, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_OWN6,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: a station with its own IPv6 address sending from the prefix + IPv4 form "
	  "is dropped (SPOOF)",
	  SPF6, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_IP6, SPOOFED },
	{ "spoof check: a station without its own IPv6 address sending from that form is "
	  "dropped (SPOOF)",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_OWN6, SPOOFED },
	{ "spoof check: its link-local address still passes with an address of its own",
	  SPF6, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_LL,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv6 from the station's address (bridge prefix + IPv4) passes",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_IP6,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv6 from another station's address is dropped",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = "fd00:db8:1:2::a00:b",
	  SPOOFED },
	{ "spoof check: IPv6 from the station's address under another prefix is dropped",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = "fd00:db8:1:3::a00:a",
	  SPOOFED },
	{ "spoof check: without an IPv6 prefix the prefix-derived address is dropped",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_IP6, .no_v6 = true,
	  SPOOFED },
	{ "spoof check: without an IPv6 prefix link-local still passes",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = S0_LL, .no_v6 = true,
	  FLOOD_(O(1) | O(2) | O(3)), S0_LEARNED },
	{ "spoof check: IPv6 header cut short is dropped (XDP only: tc's test_run refuses "
	  "an IPv6 frame without a whole header)",
	  SPF, .in = 0, .dst = MC6, .src = S0, .l3 = L3_IP6, .l3src = "::", .len = ETH_HLEN + 30,
	  SPOOFED, .hooks = HOOK_XDP },
	{ "spoof check: other EtherTypes from the station are dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, SPOOFED },
	{ "spoof check: VLAN-tagged frames are dropped",
	  SPF, .in = 0, .dst = BC, .src = S0, .l3 = L3_VLAN, SPOOFED },
	{ "spoof check, then lock: a valid station frame on a locked port without a static "
	  "entry is dropped as LOCKED",
	  { PD | PS | PK, PD, PD, PD }, .in = 0, .dst = BC, .src = S0, .l3 = L3_IP4,
	  .l3src = S0_IP, DROP_(XBR_DROP_LOCKED), .events = "" },
	{ "spoof check applies to the checked port only",
	  SPF, .in = 1, .dst = BC, .src = A, FLOOD_(O(0) | O(2) | O(3)),
	  .post = { { A, 1, 0, 0 } }, LEARNED1 },
};

const size_t fx_spoof_n = sizeof(fx_spoof) / sizeof(fx_spoof[0]);
