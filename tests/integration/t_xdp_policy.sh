#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Flood policy on a live bridge, in the harness's mode (XBR_MODE): XDP floods
# with one devmap broadcast over the ports allowed to receive, so a port with
# flood off and an isolated port seen from an isolated sender must be left out
# of that map, and `port set` must update it live.
#   ns1, ns2 isolated; ns3 flood off; ns4 and the gateway plain.
#   Broadcast pings from ns1 reach ns4 and the host; not ns2 (isolated from
#   ns1) nor ns3 (flood off). Unicast ns1 -> ns2 is dropped, ns1 -> ns4 works.
#   After `port set ns3 flood on` and `port set ns2 isolated off`, both get
#   the broadcasts too.
T_BR=xpolicy
. "$(dirname "$0")/lib.sh"
command -v tcpdump >/dev/null || t_skip "tcpdump not installed"

must timeout 30 "$XBR" -b "$T_BR" up ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16 ns4=172.16.1.4/16
for ns in ns2 ns3 ns4; do assert_ping ns1 "172.16.1.${ns#ns}" 1; done
assert_ping ns1 172.16.1.254 1

must timeout 30 "$XBR" -b "$T_BR" port set ns1 isolated on
must timeout 30 "$XBR" -b "$T_BR" port set ns2 isolated on
must timeout 30 "$XBR" -b "$T_BR" port set ns3 flood off

# capture_bcast TAG WANT...: in ns2, ns3, ns4 and the host, count ICMP echo
# requests to the broadcast MAC while ns1 sends 5 of them. The captures stop
# once those of WANT (the ones that must get all 5) have them, or after
# 10 s; the others get as long (the copies of a flood leave together) and
# half a second more. (A fixed half second after the pings lost copies that
# a busy machine's tcpdump had not read yet: run L1, "got 3 of 5".)
capture_bcast() {
	local tag=$1 ns pids=()
	shift
	for ns in ns2 ns3 ns4 host; do
		local -a pre=()
		local ifc=eth0
		[ "$ns" = host ] && ifc=$T_BR || pre=(ip netns exec "$ns")
		"${pre[@]}" timeout 15 tcpdump -Z root -i "$ifc" -nn -U -c 50 -w "$T_TMP/$tag.$ns.pcap" \
			"icmp and ether broadcast" 2>"$T_TMP/$tag.$ns.err" &
		pids+=($!)
		T_BG_PIDS+=($!)
	done
	for ns in ns2 ns3 ns4 host; do
		wait_until 10 grep -q 'listening on' "$T_TMP/$tag.$ns.err" || t_fail "tcpdump in $ns did not start"
	done
	timeout 10 ip netns exec ns1 ping -n -q -b -c 5 -i 0.1 -W 0.1 172.16.255.255 >/dev/null 2>&1
	for ns in "$@"; do
		wait_until 10 pcap_has "$T_TMP/$tag.$ns.pcap" 5
	done
	sleep 0.5
	kill -INT "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	for ns in ns2 ns3 ns4 host; do
		eval "got_$ns=\$(tcpdump -nn -r \"\$T_TMP/\$tag.\$ns.pcap\" 2>/dev/null | wc -l)"
	done
}

# pcap_has FILE N: FILE (written packet by packet, -U) holds N packets.
pcap_has() { [ "$(tcpdump -nn -r "$1" 2>/dev/null | wc -l)" -ge "$2" ]; }

capture_bcast policy ns4 host
# shellcheck disable=SC2154
{
	[ "$got_ns4" -ge 5 ] || t_fail "ns4 (plain) got $got_ns4 of 5 broadcasts from ns1"
	[ "$got_host" -ge 5 ] || t_fail "the gateway got $got_host of 5 broadcasts from ns1"
	[ "$got_ns2" -eq 0 ] || t_fail "ns2 (isolated) got $got_ns2 broadcasts from isolated ns1"
	[ "$got_ns3" -eq 0 ] || t_fail "ns3 (flood off) got $got_ns3 broadcasts"
}
assert_no_ping ns1 172.16.1.2
assert_ping ns1 172.16.1.4 2
assert_ping ns2 172.16.1.254 2
xjson stats
jq_ok "$J" '[.ports[] | select(.netns == "ns1" or .netns == "ns2") | .drops.isolated] | add > 0' "no isolated drops counted"

must timeout 30 "$XBR" -b "$T_BR" port set ns3 flood on
must timeout 30 "$XBR" -b "$T_BR" port set ns2 isolated off
capture_bcast open ns2 ns3 ns4
# shellcheck disable=SC2154
{
	[ "$got_ns2" -ge 5 ] || t_fail "ns2 (isolation off) got $got_ns2 of 5 broadcasts"
	[ "$got_ns3" -ge 5 ] || t_fail "ns3 (flood on again) got $got_ns3 of 5 broadcasts"
	[ "$got_ns4" -ge 5 ] || t_fail "ns4 got $got_ns4 of 5 broadcasts after the changes"
}
assert_ping ns1 172.16.1.2 2

t_pass "mode $XBR_MODE: broadcasts from isolated ns1 skip isolated ns2 and flood-off ns3, reach ns4 and the host; live policy changes apply"
