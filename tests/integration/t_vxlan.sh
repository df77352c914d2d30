#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-serial: TCP across the tunnel and DF limits
# One segment across two hosts over an IPv4 underlay (lib_hosts.sh): host A
# (stations a1, a2; gateway 172.16.1.254) and host B (b1; 172.16.2.254), each
# with its own xbr bridge and an uplink `vx` to the other.
# - `uplink show` has the VNI, endpoints, port, MTU 1450 and the peer;
# - every other port gets MTU 1450 (1500 - 50) on both ends, stations made
#   before the uplink and after it, and the gateway;
# - a1 <-> b1 ping over IPv4 and IPv6 both ways, ARP and ND resolve the far
#   station's real MAC; TCP both ways (iperf3), each SYN announcing MSS 1410;
# - `fdb` shows the far stations on the uplink with `dst` the peer (text and
#   JSON);
# - a 1,500-byte ping with DF fails in the station (message too long) and is
#   never sent; 1,422 bytes of payload (1,450 on the wire) pass, 1,423 fail;
#   a station whose MTU was raised by hand sends a frame too big for the
#   tunnel: counted as drop too-big on its port;
# - everything survives `reload` and a mode switch there and back (the
#   uplink stays on tc); `uplink del` leaves no device, no remote entry,
#   MTU 1500 again, and the hosts apart.
T_BR=xvx
. "$(dirname "$0")/lib.sh"
. "$T_LIBDIR/lib_hosts.sh"
command -v iperf3 >/dev/null || t_skip "iperf3 not installed"
command -v tcpdump >/dev/null || t_skip "tcpdump not installed"

host_add A 1
host_add B 2
on A ping -c 1 -W 2 198.51.100.2 >/dev/null || t_fail "underlay: A cannot reach B"

hmust A "$XBR" -b "$T_BR" up --subnet 172.16.0.0/16 --gateway 172.16.1.254 a1 a2
hmust B "$XBR" -b "$T_BR" up --subnet 172.16.0.0/16 --gateway 172.16.2.254 b1
hmust A "$XBR" -b "$T_BR" uplink add vx vxlan id 4242 local 198.51.100.1 remote 198.51.100.2
[[ $T_OUT == "uplink vx: dev $T_BR-vx vxlan id 4242 mtu 1450 peers 1" ]] || t_fail "uplink add printed: $T_OUT"
hmust B "$XBR" -b "$T_BR" uplink add vx vxlan id 4242 local 198.51.100.2 remote 198.51.100.1

hjson A uplink show
jq_ok "$J" 'length == 1 and .[0].name == "vx" and .[0].ifname == "'$T_BR'-vx" and .[0].kind == "vxlan" and .[0].id == 4242 and .[0].local == "198.51.100.1" and .[0].dstport == 4789 and .[0].mtu == 1450 and .[0].peers == ["198.51.100.2"]' "uplink show -j"
up_json=$J
hmust A "$XBR" -b "$T_BR" uplink
[ "$T_OUT" = "vx dev $T_BR-vx vxlan id 4242 local 198.51.100.1 dstport 4789 mtu 1450 peers 198.51.100.2" ] || t_fail "uplink show text: $T_OUT"
on A ip -d link show "$T_BR-vx" | gq 'vxlan external' || t_fail "$T_BR-vx is not a VXLAN device in external mode"

# MTU: both ends of every port, stations made before and after the uplink.
hmust A "$XBR" -b "$T_BR" port add a3
mtu_of() { on "$1" "${@:2}" | jq -r '.[0].mtu'; }
for spec in "A a1" "A a2" "A a3" "B b1"; do
	read -r h ns <<<"$spec"
	m=$(mtu_of "$h" ip netns exec "$ns" ip -j link show eth0)
	[ "$m" = 1450 ] || t_fail "$ns@$h: eth0 MTU $m, expected 1450"
	m=$(mtu_of "$h" ip -j link show "$T_BR-$ns")
	[ "$m" = 1450 ] || t_fail "$ns@$h: host end MTU $m, expected 1450"
done
for h in A B; do
	m=$(mtu_of "$h" ip -j link show "$T_BR")
	[ "$m" = 1450 ] || t_fail "gateway interface on $h: MTU $m, expected 1450"
done

# Both ways, IPv4 and IPv6: ARP and neighbour discovery cross the tunnel.
hassert_ping A a1 172.16.2.1 3
hassert_ping B b1 172.16.1.2 3
hassert_ping A a1 fd00:172:16::ac10:201 3
hassert_ping B b1 fd00:172:16::ac10:101 3
hassert_ping A a3 172.16.2.254 2 # B's gateway, across
mb1=$(station_mac 172.16.2.1) ma1=$(station_mac 172.16.1.1)
n=$(on A ip netns exec a1 ip -j neigh show 172.16.2.1 | jq -r '.[0].lladdr')
[ "$n" = "$mb1" ] || t_fail "ARP: a1 has $n for 172.16.2.1, expected $mb1"
n=$(on A ip netns exec a1 ip -j -6 neigh show fd00:172:16::ac10:201 | jq -r '.[0].lladdr')
[ "$n" = "$mb1" ] || t_fail "ND: a1 has $n for fd00:172:16::ac10:201, expected $mb1"

# fdb: the far station behind the uplink, dst the peer.
hjson A fdb
jq_ok "$J" '[.[] | select(.mac == "'$mb1'")] | length == 1' "fdb A: $mb1 once"
jq_ok "$J" '.[] | select(.mac == "'$mb1'") | .ifname == "'$T_BR'-vx" and .dst == "198.51.100.2" and .uplink == "vx" and .origin == "learned" and .state == ""' "fdb A: $mb1 behind vx dst 198.51.100.2"
jq_ok "$J" '.[] | select(.mac == "'$ma1'") | has("dst") | not' "fdb A: local station a1 has no dst"
hmust A "$XBR" -b "$T_BR" fdb
grep -Eq "^$mb1 dev $T_BR-vx dst 198\.51\.100\.2 master $T_BR uplink vx age [0-9]+$" <<<"$T_OUT" || t_fail "fdb text on A: $T_OUT"
hjson B fdb
jq_ok "$J" '.[] | select(.mac == "'$ma1'") | .dst == "198.51.100.1"' "fdb B: $ma1 dst 198.51.100.1"

# TCP both ways; each SYN (and SYN-ACK) announces MSS 1410 = 1450 - 40.
hcap_start B b1 "$T_TMP/syn.pcap" 'tcp[tcpflags] & tcp-syn != 0'
for dir in "" -R; do
	hbg B ip netns exec b1 timeout 30 iperf3 -s -1 -B 172.16.2.1 -p 5201
	wait_until 10 sh -c "nsenter -t ${T_HOST_PID[B]} -n -m -- ip netns exec b1 ss -ltn | grep -q ':5201 '" || t_fail "iperf3 server did not start"
	on A ip netns exec a1 timeout 30 iperf3 -c 172.16.2.1 -p 5201 -t 1 -J $dir >"$T_TMP/iperf.json" 2>&1
	rc=$?
	bytes=$(jq -r '.end.sum_received.bytes // 0' "$T_TMP/iperf.json" 2>/dev/null)
	[ "$rc" -eq 0 ] && [ "${bytes:-0}" -gt 100000 ] || t_fail "iperf3 a1 -> b1 $dir: exit $rc, $bytes bytes: $(head -c 300 "$T_TMP/iperf.json")"
done
syn=$(hcap_stop "$T_TMP/syn.pcap")
[ "$(grep -c 'mss' <<<"$syn")" -eq 8 ] || t_fail "not 8 SYNs (2 connections x 2 runs x SYN, SYN-ACK) seen: $syn"
[ "$(grep -c 'mss 1410' <<<"$syn")" -eq 8 ] || t_fail "SYNs do not announce MSS 1410: $syn"

# DF: 1500 bytes fail in the station, 1450 pass, 1451 fail.
out=$(on A ip netns exec a1 timeout 10 ping -n -c 1 -W 2 -M do -s 1472 172.16.2.1 2>&1) &&
	t_fail "a 1500-byte DF ping crossed a 1450 tunnel"
[[ $out == *"message too long, mtu=1450"* ]] || t_fail "a 1500-byte DF ping did not fail with 'message too long': $out"
hassert_ping A a1 172.16.2.1 2 -M do -s 1422
hping_ok A a1 172.16.2.1 1 -M do -s 1423 && t_fail "a 1451-byte DF ping crossed a 1450 tunnel"
hassert_ping A a1 fd00:172:16::ac10:201 2 -M do -s 1402
hping_ok A a1 fd00:172:16::ac10:201 1 -M do -s 1403 && t_fail "a 1451-byte IPv6 ping crossed a 1450 tunnel"
# Too big for the tunnel: counted on the sender's port, never silent.
on A ip netns exec a2 ip link set eth0 mtu 1500 && on A ip link set "$T_BR-a2" mtu 1500 || t_fail "cannot raise a2's MTU"
hassert_ping A a2 172.16.2.1 1 # b1 learned
hping_ok A a2 172.16.2.1 2 -M do -s 1472 && t_fail "a 1514-byte frame crossed a 1450 tunnel"
hjson A stats
jq_ok "$J" '.ports[] | select(.ifname == "'$T_BR'-a2") | .drops["too-big"] == 2' "drops too-big on $T_BR-a2 (2 pings)"
jq_ok "$J" '[.ports[].drops.tunnel] | add == 0' "no tunnel drops"
jq_ok "$J" '.ports[] | select(.ifname == "'$T_BR'-vx") | .rx_packets > 10 and .tx_packets > 10' "uplink counts rx and tx"

# Reload keeps the uplink, its peers, remote entries and forwarding.
hmust A env XBR_TEST_DP_VERSION=7 "$XBR" -b "$T_BR" reload
hjson A uplink show
[ "$J" = "$up_json" ] || t_fail "uplink show changed by reload: $J"
hjson A fdb
jq_ok "$J" '.[] | select(.mac == "'$mb1'") | .dst == "198.51.100.2"' "fdb after reload: $mb1 dst 198.51.100.2"
hassert_ping A a1 172.16.2.1 3
hassert_ping B b1 fd00:172:16::ac10:101 2

# A mode switch there and back leaves the uplink on tc (no XDP on it).
other=xdp
[ "$XBR_MODE" = xdp ] && other=tc
for m in "$other" "$XBR_MODE"; do
	hmust A "$XBR_REAL" -b "$T_BR" set mode "$m"
	hassert_ping A a1 172.16.2.1 2
	hassert_ping A a1 fd00:172:16::ac10:201 2
done
on A ip -d link show "$T_BR-vx" | gq 'prog/xdp' && t_fail "an XDP program on the uplink"

# uplink del: no device, no remote entry, MTU back, hosts apart.
hmust A "$XBR" -b "$T_BR" uplink del vx
on A ip link show "$T_BR-vx" >/dev/null 2>&1 && t_fail "$T_BR-vx still exists after uplink del"
hjson A fdb
jq_ok "$J" 'all(.[]; has("dst") | not) and all(.[]; .ifname != "'$T_BR'-vx")' "remote entries left after uplink del"
hjson A uplink show
jq_ok "$J" 'length == 0' "uplink show after del"
m=$(mtu_of A ip netns exec a1 ip -j link show eth0)
[ "$m" = 1500 ] || t_fail "a1 eth0 MTU $m after uplink del, expected 1500"
hping_ok A a1 172.16.2.1 2 && t_fail "a1 reaches b1 without an uplink"
hassert_ping A a1 172.16.1.2 2
expect_error "uplink del twice" "uplink \"vx\"" nsenter -t "${T_HOST_PID[A]}" -n -m -- "$XBR" -b "$T_BR" uplink del vx

# down on B takes its VXLAN device.
hmust B "$XBR" -b "$T_BR" down
on B ip link show "$T_BR-vx" >/dev/null 2>&1 && t_fail "$T_BR-vx still exists on B after down"
t_pass "two hosts over IPv4: ping v4/v6 both ways, ARP/ND, TCP both ways with MSS 1410, dst in fdb, DF limits 1450, too-big counted, reload kept, uplink del and down clean"
