#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# No inter-container communication (docs/security.md 8): `xbr up --no-icc
# ns1 ns2 ns3`: every namespace pings the gateway (v4 and v6) and the host
# pings each; no namespace reaches another (v4 and v6, every pair); ns1's
# ARP broadcasts reach the gateway but not ns2 or ns3 (inbound captures);
# a port added later is isolated too. `xbr set icc on` restores every pair,
# `xbr set icc off` removes it again - also for stations that already know
# each other's MAC (learned unicast, counted as drops.isolated).
T_BR=xhicc
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"
need_tcpdump

P6=fd00:172:16::
must timeout 30 "$XBR" -b "$T_BR" up --no-icc ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16
m1=$(station_mac 172.16.1.1)
v6() { printf '%sac10:1%02x' "$P6" "$1"; }

xjson show
jq_ok "$J" '[.ports[] | select(.netns != "") | .flags | index("isolated") != null] | all' "show: a namespace port is not isolated under --no-icc"
jq_ok "$J" '.ports[] | select(.netns == "") | .flags | index("isolated") == null' "show: the gateway port is isolated"

# every_ns_reaches_gateway: v4 and v6, both directions.
every_ns_reaches_gateway() {
	local i
	for i in 1 2 3; do
		assert_ping ns$i 172.16.1.254 2
		assert_ping ns$i "$(v6 254)" 2
		assert_ping "" 172.16.1.$i 2
	done
}
# no_pair WHAT: no namespace reaches another, v4 or v6, any direction (the
# 12 pings run in parallel, 2 requests each, bounded).
no_pair() {
	local i j d n=0 pids=() dsts=() bad=""
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ $i -eq $j ] && continue
			for d in 172.16.1.$j "$(v6 $j)"; do
				timeout 10 ip netns exec ns$i ping -n -q -c 2 -i 0.3 -W 1 "$d" >"$T_TMP/np.$n" 2>&1 &
				pids+=($!)
				dsts+=("ns$i->$d")
				n=$((n + 1))
			done
		done
	done
	for n in "${!pids[@]}"; do
		wait "${pids[$n]}"
		grep -Eq ' [1-9][0-9]* received' "$T_TMP/np.$n" && bad+="${dsts[$n]} "
	done
	[ -z "$bad" ] || t_fail "$1: namespaces reach one another: $bad"
}
wait_until 10 sh -c "[ -z \"\$(ip -n ns1 -6 addr show tentative; ip -n ns2 -6 addr show tentative; ip -n ns3 -6 addr show tentative)\" ]" ||
	t_fail "IPv6 addresses stay tentative"

# ---- --no-icc ----
every_ns_reaches_gateway
cap_start ns2 "$T_TMP/ns2.pcap" arp
c2=$CAP_PID
cap_start ns3 "$T_TMP/ns3.pcap" arp
c3=$CAP_PID
cap_start "" "$T_TMP/gw.pcap" arp
cg=$CAP_PID
ip -n ns1 neigh flush all
ping_ok ns1 172.16.1.2 1 && t_fail "--no-icc: ns1 reaches ns2"
ping_ok ns1 172.16.1.254 1 || t_fail "--no-icc: ns1 no longer reaches the gateway"
cap_stop $c2 $c3 $cg
n2=$(cap_count "$T_TMP/ns2.pcap" "arp and ether src $m1 and ether broadcast")
n3=$(cap_count "$T_TMP/ns3.pcap" "arp and ether src $m1 and ether broadcast")
ng=$(cap_count "$T_TMP/gw.pcap" "arp and ether src $m1 and ether broadcast")
[ "$ng" -ge 1 ] || t_fail "control: the gateway saw none of ns1's ARP broadcasts (capture broken?)"
[ "$n2" -eq 0 ] || t_fail "--no-icc: ns2 received $n2 ARP broadcasts from ns1"
[ "$n3" -eq 0 ] || t_fail "--no-icc: ns3 received $n3 ARP broadcasts from ns1"
no_pair "--no-icc"

# A port added to a no-icc bridge is isolated like the others.
must timeout 30 "$XBR" -b "$T_BR" port add ns4 172.16.1.4/16
xjson show
jq_ok "$J" '.ports[] | select(.netns == "ns4") | .flags | index("isolated") != null' "port added under --no-icc is not isolated"
assert_ping ns4 172.16.1.254 2
ping_ok ns4 172.16.1.1 2 && t_fail "--no-icc: the later port ns4 reaches ns1"
ping_ok ns1 172.16.1.4 2 && t_fail "--no-icc: ns1 reaches the later port ns4"
must timeout 30 "$XBR" -b "$T_BR" port del ns4

# ---- icc on ----
must timeout 20 "$XBR" -b "$T_BR" set icc on
xjson show
jq_ok "$J" '[.ports[] | .flags | index("isolated") == null] | all' "set icc on: a port is still isolated"
for i in 1 2 3; do
	for j in 1 2 3; do
		[ $i -eq $j ] && continue
		assert_ping ns$i 172.16.1.$j 2
		assert_ping ns$i "$(v6 $j)" 2
	done
done
every_ns_reaches_gateway

# ---- icc off again: the stations know each other now ----
xjson fdb
jq_ok "$J" '[.[] | select(.netns | test("^ns[123]$"))] | length == 3' "icc on: not all stations learned"
stats_get
S0=$S
must timeout 20 "$XBR" -b "$T_BR" set icc off
xjson show
jq_ok "$J" '[.ports[] | select(.netns != "") | .flags | index("isolated") != null] | all' "set icc off: a namespace port is not isolated"
no_pair "set icc off"
every_ns_reaches_gateway
stats_get
iso=0
for i in 1 2 3; do
	iso=$((iso + $(port_stat "$S" ns$i '.drops.isolated') - $(port_stat "$S0" ns$i '.drops.isolated')))
done
[ "$iso" -ge 1 ] || t_fail "set icc off: no drops.isolated counted although the stations sent to known MACs"

t_pass "--no-icc: gateway reachable v4/v6, 0 of 6 pairs reachable, no ARP broadcast crossed, later port isolated; icc on: all pairs; icc off: none again ($iso isolated drops)"
