#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A flood reaches the host behind the gateway port as the kernel bridge
# passes one up to its own device: broadcast (an ARP request for an unknown
# address) and unicast for the gateway's own MAC, but not a unicast for an
# unknown MAC, which the host would only copy and drop. The other stations
# still get that one (the control: the flood happened).
T_BR=xfgw
. "$(dirname "$0")/lib.sh"
command -v tcpdump >/dev/null || t_skip "tcpdump not installed"

must timeout 30 "$XBR" -b "$T_BR" up ns1=172.16.1.1/16 ns2=172.16.1.2/16
unknown=02:00:00:00:00:99
assert_ping ns1 172.16.1.2 2

# Captures: on the gateway interface (the host's side) and in ns2.
cap_gw=$T_TMP/gw.pcap cap_ns2=$T_TMP/ns2.pcap
filter="ether dst $unknown or arp"
t_bg timeout 30 tcpdump -Z root -i "$T_BR" -nn -U -s 128 -c 2000 -w "$cap_gw" "$filter" 2>"$T_TMP/gw.err"
t_bg ip netns exec ns2 timeout 30 tcpdump -Z root -i eth0 -nn -U -s 128 -c 2000 -w "$cap_ns2" "$filter" 2>"$T_TMP/ns2.err"
wait_until 10 grep -q 'listening on' "$T_TMP/gw.err" || t_fail "tcpdump on $T_BR did not start: $(cat "$T_TMP/gw.err")"
wait_until 10 grep -q 'listening on' "$T_TMP/ns2.err" || t_fail "tcpdump in ns2 did not start: $(cat "$T_TMP/ns2.err")"

# Unicast to a MAC nobody has: ns1 believes 172.16.1.99 is at $unknown.
ip -n ns1 neigh replace 172.16.1.99 lladdr "$unknown" dev eth0 nud permanent ||
	t_fail "cannot add a neighbour entry in ns1"
timeout 10 ip netns exec ns1 ping -n -q -c 10 -i 0.05 -W 1 172.16.1.99 >/dev/null 2>&1
# Broadcast: ARP requests for an address nobody has (not answered by the bridge).
timeout 10 ip netns exec ns1 ping -n -q -c 1 -W 2 172.16.1.77 >/dev/null 2>&1
cap_settle "$cap_gw" "$cap_ns2"
for p in "${T_BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
wait 2>/dev/null

n() { tcpdump -nn -r "$1" "$2" 2>/dev/null | wc -l; }
ns2_u=$(n "$cap_ns2" "ether dst $unknown") gw_u=$(n "$cap_gw" "ether dst $unknown")
ns2_b=$(n "$cap_ns2" "arp and ether broadcast") gw_b=$(n "$cap_gw" "arp and ether broadcast")
[ "$ns2_u" -ge 10 ] || t_fail "control: ns2 saw $ns2_u of 10 frames for the unknown MAC (no flood?)"
[ "$gw_u" -eq 0 ] || t_fail "the gateway interface received $gw_u flooded frames for the unknown MAC $unknown"
[ "$ns2_b" -ge 1 ] || t_fail "control: ns2 saw no broadcast ARP request"
[ "$gw_b" -ge 1 ] || t_fail "the gateway interface saw no broadcast ARP request (broadcast must reach the host)"
# Unicast for the gateway itself still arrives.
assert_ping ns1 172.16.1.254 2
t_pass "unknown unicast: ns2 got $ns2_u, the gateway 0; broadcast ARP: ns2 $ns2_b, the gateway $gw_b; gateway reachable"
