#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-serial: TCP across the tunnel and DF limits
# One segment across two hosts over an IPv6 underlay (lib_hosts.sh): uplinks
# with local 2001:db8::1 and ::2.
# - MTU 1430 (1500 - 70) on every port; DF pings: 1,402 bytes of payload
#   (1,430 on the wire) pass, 1,403 fail in the station;
# - ping over IPv4 and IPv6 both ways, TCP both ways (iperf3) with SYNs
#   announcing MSS 1390;
# - fdb shows the far station with an IPv6 dst;
# - a static remote entry (fdb add MAC uplink vx dst 2001:db8::2) is listed
#   static with its dst, carries traffic, and goes with `uplink peer del`;
#   dst must be a peer of the uplink, and of the uplink's family.
T_BR=xvx6
. "$(dirname "$0")/lib.sh"
. "$T_LIBDIR/lib_hosts.sh"
command -v iperf3 >/dev/null || t_skip "iperf3 not installed"
command -v tcpdump >/dev/null || t_skip "tcpdump not installed"

host_add A 1
host_add B 2
on A ping -n -c 1 -W 2 2001:db8::2 >/dev/null || t_fail "underlay: A cannot reach B over IPv6"

hmust A "$XBR" -b "$T_BR" up --subnet 172.16.0.0/16 --gateway 172.16.1.254 a1
hmust B "$XBR" -b "$T_BR" up --subnet 172.16.0.0/16 --gateway 172.16.2.254 b1 b2
hmust A "$XBR" -b "$T_BR" uplink add vx vxlan id 100 local 2001:db8::1 remote 2001:db8::2 dstport 4790 dev ul0
hmust B "$XBR" -b "$T_BR" uplink add vx vxlan id 100 local 2001:db8::2 remote 2001:db8::1 dstport 4790
hjson A uplink
jq_ok "$J" '.[0].local == "2001:db8::1" and .[0].peers == ["2001:db8::2"] and .[0].mtu == 1430 and .[0].dstport == 4790 and .[0].dev == "ul0"' "uplink show on A"
m=$(on B ip netns exec b1 ip -j link show eth0 | jq -r '.[0].mtu')
[ "$m" = 1430 ] || t_fail "b1 eth0 MTU $m, expected 1430"

hassert_ping A a1 172.16.2.1 3
hassert_ping B b1 172.16.1.1 3
hassert_ping A a1 fd00:172:16::ac10:201 3
hassert_ping B b2 fd00:172:16::ac10:101 3
hassert_ping A a1 172.16.2.1 2 -M do -s 1402
hping_ok A a1 172.16.2.1 1 -M do -s 1403 && t_fail "a 1431-byte DF ping crossed a 1430 tunnel"

mb1=$(station_mac 172.16.2.1) mb2=$(station_mac 172.16.2.2)
hjson A fdb
jq_ok "$J" '.[] | select(.mac == "'$mb1'") | .dst == "2001:db8::2" and .origin == "learned"' "fdb A: $mb1 dst 2001:db8::2"

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
[ "$(grep -c 'mss 1390' <<<"$syn")" -eq 8 ] || t_fail "SYNs do not all announce MSS 1390: $syn"

# A static remote entry: listed with its dst, used, removed with its peer.
expect_error "static entry behind a non-peer" "2001:db8::3" nsenter -t "${T_HOST_PID[A]}" -n -m -- "$XBR" -b "$T_BR" fdb add "$mb2" uplink vx dst 2001:db8::3
expect_error "static entry with an IPv4 dst" "198.51.100.2" nsenter -t "${T_HOST_PID[A]}" -n -m -- "$XBR" -b "$T_BR" fdb add "$mb2" uplink vx dst 198.51.100.2
expect_error "static entry on an uplink without dst" "$mb2" nsenter -t "${T_HOST_PID[A]}" -n -m -- "$XBR" -b "$T_BR" fdb add "$mb2" uplink vx
expect_error "dst on a station port" "a1" nsenter -t "${T_HOST_PID[A]}" -n -m -- "$XBR" -b "$T_BR" fdb add "$mb2" port a1 dst 2001:db8::2
expect_error "a peer of the other family" "198.51.100.9" nsenter -t "${T_HOST_PID[A]}" -n -m -- "$XBR" -b "$T_BR" uplink peer add vx 198.51.100.9
hmust A "$XBR" -b "$T_BR" fdb replace "$mb2" uplink vx dst 2001:db8::2 # b2 was learned
hjson A fdb
jq_ok "$J" '.[] | select(.mac == "'$mb2'") | .dst == "2001:db8::2" and .state == "static" and .origin == "user" and .ifname == "'$T_BR'-vx"' "static remote entry listed"
hmust A "$XBR" -b "$T_BR" fdb
grep -Eq "^$mb2 dev $T_BR-vx dst 2001:db8::2 master $T_BR static uplink vx$" <<<"$T_OUT" || t_fail "fdb text: $T_OUT"
hassert_ping A a1 172.16.2.2 3
hjson A stats
jq_ok "$J" '[.ports[].drops | to_entries[] | select(.key != "redirect") | .value] | add == 0' "drops on A"
hmust A "$XBR" -b "$T_BR" uplink peer del vx 2001:db8::2
hjson A fdb
jq_ok "$J" 'all(.[]; has("dst") | not)' "entries behind the removed peer (static included) left"
hping_ok A a1 172.16.2.2 2 && t_fail "a1 reaches b2 after its host's peer was removed"
hmust A "$XBR" -b "$T_BR" uplink peer add vx 2001:db8::2
hassert_ping A a1 172.16.2.2 3
t_pass "two hosts over IPv6: MTU 1430, DF limits, ping v4/v6 both ways, TCP with MSS 1390, IPv6 dst, static remote entry, peer del/add"
