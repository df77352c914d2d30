#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-serial: iperf3 across ports
# Learned unicast goes to exactly one port: during a bounded ping and iperf3
# burst between ns1 and ns2, a third namespace ns3 on the same bridge
# captures zero frames addressed to ns1's or ns2's MAC. As a control, ns3
# does see the broadcast ARP requests the burst starts with (so the capture
# works and flooding reaches ns3).
T_BR=xiso
. "$(dirname "$0")/lib.sh"
command -v tcpdump >/dev/null || t_skip "tcpdump not installed"

# neigh-suppress off: the control needs the ARP requests flooded (with it on,
# the bridge answers them and nobody else sees them: t_neigh).
must timeout 30 "$XBR" -b "$T_BR" up --neigh-suppress off ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16
m1=$(station_mac 172.16.1.1) m2=$(station_mac 172.16.1.2)

# Learn both stations first.
assert_ping ns1 172.16.1.2 2
xjson fdb
jq_ok "$J" "[.[] | select(.mac == \"$m1\" or .mac == \"$m2\")] | length == 2" "ns1/ns2 not learned before the burst"

# Capture in ns3: everything to m1/m2, and ARP; bounded in count and time.
cap=$T_TMP/ns3.pcap
t_bg ip netns exec ns3 timeout 40 tcpdump -Z root -i eth0 -nn -U -s 128 -c 20000 -w "$cap" \
	"ether dst $m1 or ether dst $m2 or arp" 2>"$T_TMP/tcpdump.err"
wait_until 10 grep -q 'listening on' "$T_TMP/tcpdump.err" || t_fail "tcpdump in ns3 did not start: $(cat "$T_TMP/tcpdump.err")"

# Forget the neighbours so the burst begins with broadcast ARP requests.
ip -n ns1 neigh flush dev eth0
ip -n ns2 neigh flush dev eth0
assert_ping ns1 172.16.1.2 3
# Bounded burst: 200 pings at 5 ms, then 1 s of TCP.
timeout 20 ip netns exec ns1 ping -n -q -c 200 -i 0.005 -W 1 172.16.1.2 >"$T_TMP/burst" 2>&1 ||
	t_fail "ping burst ns1->ns2 failed: $(tail -2 "$T_TMP/burst")"
grep -q ' 0% packet loss' "$T_TMP/burst" || t_fail "ping burst lost packets: $(grep loss "$T_TMP/burst")"
if command -v iperf3 >/dev/null; then
	t_bg ip netns exec ns2 timeout 20 iperf3 -s -1 -B 172.16.1.2 -p 5201 >/dev/null 2>&1
	wait_until 10 sh -c "ip netns exec ns2 ss -ltn | grep -q ':5201'" || t_fail "iperf3 server did not start"
	timeout 20 ip netns exec ns1 iperf3 -c 172.16.1.2 -p 5201 -t 1 -J >"$T_TMP/iperf.json" 2>&1 ||
		t_fail "iperf3 ns1->ns2 failed: $(jq -r '.error // empty' "$T_TMP/iperf.json" 2>/dev/null | head -1)"
fi
assert_ping ns2 172.16.1.1 3
cap_settle "$cap"
for p in "${T_BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
wait 2>/dev/null

[ -s "$cap" ] || t_fail "no capture file from ns3: $(cat "$T_TMP/tcpdump.err")"
leaked=$(tcpdump -nn -r "$cap" "ether dst $m1 or ether dst $m2" 2>/dev/null | wc -l)
arp_bcast=$(tcpdump -nn -r "$cap" "arp and ether broadcast" 2>/dev/null | wc -l)
[ "$leaked" -eq 0 ] || t_fail "ns3 received $leaked frames addressed to ns1/ns2: $(tcpdump -nn -e -r "$cap" "ether dst $m1 or ether dst $m2" 2>/dev/null | head -3 | tr '\n' '|')"
[ "$arp_bcast" -ge 1 ] || t_fail "control failed: ns3 saw no broadcast ARP (capture broken or no flooding)"

t_pass "ns3 saw 0 unicast frames for ns1/ns2 during the burst and $arp_bcast broadcast ARP frames"
