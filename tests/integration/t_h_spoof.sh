#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Spoof-check (docs/security.md 7): ns1 crafts, with scapy, eleven kinds of
# forged frames (5 of each): a foreign source MAC; ns2's MAC (theft); a
# gratuitous ARP reply and an ARP request claiming ns2's IPv4 address; IPv4
# from ns2's address, unicast to ns3 and broadcast; IPv6 from ns2's address
# and from a foreign link-local address; an 802.1Q-tagged frame (inner
# packet legitimate) and a tagged ARP reply claiming ns2's address; another
# EtherType.
#   control, spoof-check off: every kind is seen by a victim (ns2, ns3 or the
#            gateway), so the captures can see them;
#   spoof-check on: no victim receives any of them (inbound captures in ns2,
#            ns3 and on the gateway count 0), none enters or changes the
#            table (`xbr -j fdb`), drops.spoof of ns1 rises by exactly the 50
#            frames, and legitimate traffic still works - ping v4 both ways
#            and to the gateway, ping v6 (global and link-local) - without
#            counting a single spoof drop.
T_BR=xhspoof
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"
need_scapy
need_tcpdump

# neigh-suppress off: the victims must see what a forger sends, ARP requests
# included (with it on, the bridge answers those itself: t_neigh).
must timeout 30 "$XBR" -b "$T_BR" up --neigh-suppress off ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16
m1=$(station_mac 172.16.1.1) m2=$(station_mac 172.16.1.2) m3=$(station_mac 172.16.1.3)
P6=fd00:172:16:: FORGED=02:de:ad:be:ef:01
ll2=fe80::858:acff:fe10:102 # ns2's EUI-64 link-local address
for ns in ns1 ns2 ns3; do
	wait_until 10 sh -c "[ -z \"\$(ip -n $ns -6 addr show dev eth0 tentative)\" ]" || t_fail "$ns: IPv6 addresses stay tentative"
	assert_ping $ns 172.16.1.254 1
done
assert_ping ns2 172.16.1.3 1

# The forged frames: KIND -> scapy expression. Each is sent 5 times.
KINDS=(fmac theft garp arpreq ip4u ip4b ip6g ip6ll vlan vlanarp etype)
declare -A PKT=(
	[fmac]="Ether(src='$FORGED', dst='ff:ff:ff:ff:ff:ff')/IP(src='172.16.1.1', dst='172.16.255.255')/UDP(sport=7001, dport=7001)/Raw(b'x' * 20)"
	[theft]="Ether(src='$m2', dst='ff:ff:ff:ff:ff:ff')/ARP(op=2, hwsrc='$m2', psrc='172.16.1.2', hwdst='ff:ff:ff:ff:ff:ff', pdst='172.16.1.2')"
	[garp]="Ether(src='$m1', dst='ff:ff:ff:ff:ff:ff')/ARP(op=2, hwsrc='$m1', psrc='172.16.1.2', hwdst='ff:ff:ff:ff:ff:ff', pdst='172.16.1.2')"
	[arpreq]="Ether(src='$m1', dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc='$m1', psrc='172.16.1.2', pdst='172.16.1.3')"
	[ip4u]="Ether(src='$m1', dst='$m3')/IP(src='172.16.1.2', dst='172.16.1.3')/ICMP(id=4242)"
	[ip4b]="Ether(src='$m1', dst='ff:ff:ff:ff:ff:ff')/IP(src='172.16.1.2', dst='172.16.255.255')/UDP(sport=7002, dport=7002)/Raw(b'x' * 20)"
	[ip6g]="Ether(src='$m1', dst='$m3')/IPv6(src='${P6}ac10:102', dst='${P6}ac10:103')/ICMPv6EchoRequest(id=4242)"
	[ip6ll]="Ether(src='$m1', dst='33:33:00:00:00:01')/IPv6(src='fe80::1', dst='ff02::1')/ICMPv6EchoRequest(id=4243)"
	[vlan]="Ether(src='$m1', dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=10)/IP(src='172.16.1.1', dst='172.16.255.255')/UDP(sport=7003, dport=7003)/Raw(b'x' * 20)"
	[vlanarp]="Ether(src='$m1', dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=11)/ARP(op=2, hwsrc='$m1', psrc='172.16.1.2', hwdst='ff:ff:ff:ff:ff:ff', pdst='172.16.1.2')"
	[etype]="Ether(src='$m1', dst='ff:ff:ff:ff:ff:ff', type=0x88b5)/Raw(b'y' * 46)"
)
# How a victim's inbound capture recognizes each kind.
declare -A FILTER=(
	[fmac]="ether src $FORGED"
	[theft]="ether src $m2 and ether dst ff:ff:ff:ff:ff:ff and arp and arp[6:2] = 2" # (ns2's own ARP is unicast replies and requests)
	[garp]="ether src $m1 and arp and arp[6:2] = 2 and arp[14:4] = 0xac100102"
	[arpreq]="ether src $m1 and arp and arp[6:2] = 1 and arp[14:4] = 0xac100102"
	[ip4u]="ether src $m1 and icmp and src host 172.16.1.2"
	[ip4b]="ether src $m1 and udp port 7002"
	[ip6g]="ether src $m1 and ip6 and src host ${P6}ac10:102"
	[ip6ll]="ether src $m1 and ip6 and src host fe80::1"
	[vlan]="ether src $m1 and vlan 10"
	[vlanarp]="ether src $m1 and vlan 11"
	[etype]="ether src $m1 and ether proto 0x88b5"
)
PER=5
NFRAMES=$((PER * ${#KINDS[@]}))
send_all() {
	local code="pkts = []" k
	for k in "${KINDS[@]}"; do
		code+=$'\n'"pkts += [${PKT[$k]}] * $PER"
	done
	code+=$'\n'"sendp(pkts, iface='eth0', inter=0.002)"
	scapy_in ns1 "$code"
}
# capture_round NAME: inbound captures in ns2, ns3, gateway around send_all.
capture_round() {
	local r=$1 p2 p3 pg
	cap_start ns2 "$T_TMP/$r.ns2.pcap"
	p2=$CAP_PID
	cap_start ns3 "$T_TMP/$r.ns3.pcap"
	p3=$CAP_PID
	cap_start "" "$T_TMP/$r.gw.pcap"
	pg=$CAP_PID
	send_all
	cap_stop "$p2" "$p3" "$pg"
}
# seen ROUND KIND: frames of KIND the victims received in ROUND.
seen() {
	local r=$1 k=$2 n=0 v
	for v in ns2 ns3 gw; do
		n=$((n + $(cap_count "$T_TMP/$r.$v.pcap" "${FILTER[$k]}")))
	done
	echo $n
}

# ---- control: no spoof-check, every kind gets through ----
capture_round control
for k in "${KINDS[@]}"; do
	n=$(seen control "$k")
	[ "$n" -ge 1 ] || t_fail "control (spoof-check off): no victim saw a '$k' frame; the capture cannot see it ($(cat "$T_TMP/control.ns3.pcap.err" | tail -1))"
done
# Repair what the control did: the stolen MAC, the forged entry, the caches.
for ns in ns1 ns2 ns3; do ip -n $ns neigh flush all; done
ip neigh flush dev "$T_BR"
assert_ping ns2 172.16.1.254 1
must timeout 20 "$XBR" -b "$T_BR" fdb del $FORGED
assert_ping ns2 172.16.1.3 1
assert_ping ns3 172.16.1.254 1
xjson fdb
jq_ok "$J" "[.[] | select(.mac == \"$m2\" and .netns == \"ns2\")] | length == 1" "control repair: ns2's MAC not back on ns2"

# ---- spoof-check on ----
must timeout 20 "$XBR" -b "$T_BR" port set ns1 spoof-check on
xjson show
jq_ok "$J" '.ports[] | select(.netns == "ns1") | .flags | index("spoof-check") != null' "show: ns1 has no spoof-check flag"
jq_ok "$J" '[.ports[] | select(.flags | index("spoof-check") != null)] | length == 1' "show: spoof-check on another port too"
xjson fdb
F0=$(jq -c 'map({mac, ifname, state}) | sort_by(.mac)' <<<"$J")
stats_get
S0=$S

capture_round checked
errs=() # every kind that got through, reported together
for k in "${KINDS[@]}"; do
	n=$(seen checked "$k")
	[ "$n" -eq 0 ] || errs+=("$PER '$k' frames sent, victims received $n (ns2 $(cap_count "$T_TMP/checked.ns2.pcap" "${FILTER[$k]}"), ns3 $(cap_count "$T_TMP/checked.ns3.pcap" "${FILTER[$k]}"), gateway $(cap_count "$T_TMP/checked.gw.pcap" "${FILTER[$k]}")): $(for v in ns2 ns3 gw; do tcpdump -nn -e -r "$T_TMP/checked.$v.pcap" "${FILTER[$k]}" 2>/dev/null | head -1; done | head -1 | cut -c17-140)")
done
xjson fdb
F1=$(jq -c 'map({mac, ifname, state}) | sort_by(.mac)' <<<"$J")
[ "$F1" = "$F0" ] || errs+=("spoofed frames changed the table: before $F0, after $F1")
stats_get
S1=$S
d_spoof=$(($(port_stat "$S1" ns1 .drops.spoof) - $(port_stat "$S0" ns1 .drops.spoof)))
[ "$d_spoof" -eq $NFRAMES ] || errs+=("ns1 drops.spoof rose by $d_spoof, expected the $NFRAMES forged frames")
[ ${#errs[@]} -eq 0 ] || t_fail "spoof-check on: $(printf '%s; ' "${errs[@]}")"
for ns in ns2 ns3; do
	[ "$(port_stat "$S1" $ns .drops.spoof)" -eq 0 ] || t_fail "$ns (no spoof-check) counts spoof drops"
done
# No victim learned the forged binding.
for ns in ns2 ns3; do
	if ip -n $ns neigh show 172.16.1.2 | gq "$m1"; then t_fail "$ns maps 172.16.1.2 to ns1's MAC"; fi
done

# ---- legitimate traffic from the spoof-checked port ----
ip -n ns1 neigh flush all
assert_ping ns1 172.16.1.2 3
assert_ping ns2 172.16.1.1 3
assert_ping ns1 172.16.1.254 2
assert_ping "" 172.16.1.1 2
assert_ping ns1 "${P6}ac10:103" 3
assert_ping ns3 "${P6}ac10:101" 3
assert_ping ns1 "$ll2%eth0" 3
stats_get
d_after=$(($(port_stat "$S" ns1 .drops.spoof) - $(port_stat "$S1" ns1 .drops.spoof)))
[ "$d_after" -eq 0 ] || t_fail "legitimate traffic of ns1 counted $d_after spoof drops"
xjson fdb
jq_ok "$J" "[.[] | select(.mac == \"$m1\" and .netns == \"ns1\")] | length == 1" "ns1's own MAC not learned on ns1"

t_pass "${#KINDS[@]} kinds of forged frames: all seen without spoof-check, none ($NFRAMES sent) reached ns2/ns3/gateway or the table with it, drops.spoof +$NFRAMES; ping v4/v6/link-local still work"
