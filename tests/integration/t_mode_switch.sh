#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Live mode switches under traffic: while ns3 pings ns4 every 10 ms (600
# requests, bounded) and an 8 s iperf3 TCP transfer runs ns1 -> ns2, the
# bridge is switched xdp/tc/xdp/tc... six times (starting from the mode the
# harness gave it, XBR_MODE). Asserted: every switch succeeds and `show`
# tells the new mode; the TCP transfer completes without error and moved data
# in every second; ping loses nothing; the learned table (MAC -> port) and
# the counters survive (counters only grow). Ends in the mode it started in.
T_BR=xswitch
. "$(dirname "$0")/lib.sh"
command -v iperf3 >/dev/null || t_skip "iperf3 not installed"

must timeout 30 "$XBR" -b "$T_BR" up ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16 ns4=172.16.1.4/16
assert_ping ns1 172.16.1.2 2
assert_ping ns3 172.16.1.4 2
assert_ping ns2 172.16.1.254 2
xjson show
start=$(jq_val "$J" .mode)
other=xdp
[ "$start" = xdp ] && other=tc
xjson fdb
fdb_before=$(jq -c '[.[] | {mac, ifname}] | sort_by(.mac)' <<<"$J")
xjson stats
rx_before=$(jq '[.ports[].rx_packets] | add' <<<"$J")

# Traffic: bounded ping (600 x 10 ms) and an 8 s TCP transfer, on two
# pairs of stations: TCP fills its sender's veth ring, and a ring that is
# full drops what else that station sends (its tx_dropped), which is not
# what this test measures.
t_bg ip netns exec ns2 timeout 40 iperf3 -s -1 -B 172.16.1.2 -p 5201 >/dev/null 2>&1
wait_until 10 sh -c "ip netns exec ns2 ss -ltn | grep -q ':5201 '" || t_fail "iperf3 server did not start"
timeout 40 ip netns exec ns3 ping -n -q -c 600 -i 0.01 -W 1 172.16.1.4 >"$T_TMP/ping" 2>&1 &
ping_pid=$!
timeout 40 ip netns exec ns1 iperf3 -c 172.16.1.2 -p 5201 -t 8 -i 1 -J >"$T_TMP/iperf.json" 2>"$T_TMP/iperf.err" &
iperf_pid=$!
T_BG_PIDS+=("$ping_pid" "$iperf_pid")

sleep 1
modes=()
for m in "$other" "$start" "$other" "$start" "$other" "$start"; do
	t_run timeout 30 "$XBR" -b "$T_BR" set mode "$m"
	[ "$T_RC" -eq 0 ] || t_fail "set mode $m failed (exit $T_RC): $T_ERR"
	xjson show
	[ "$(jq_val "$J" .mode)" = "$m" ] || t_fail "after set mode $m, show says mode $(jq_val "$J" .mode)"
	modes+=("$m")
	sleep 0.8
done

wait "$iperf_pid"
irc=$?
wait "$ping_pid"
prc=$?
jq -e . "$T_TMP/iperf.json" >/dev/null 2>&1 || t_fail "iperf3 (exit $irc) printed no JSON: $(head -c 300 "$T_TMP/iperf.err")"
err=$(jq -r '.error // empty' "$T_TMP/iperf.json")
[ "$irc" -eq 0 ] && [ -z "$err" ] || t_fail "TCP transfer broke during the switches (exit $irc): $err"
bytes=$(jq -r '.end.sum_received.bytes // 0' "$T_TMP/iperf.json")
mbps=$(jq -r '.end.sum_received.bits_per_second // 0 | . / 1e6 | floor' "$T_TMP/iperf.json")
stalls=$(jq '[.intervals[].sum.bytes | select(. == 0)] | length' "$T_TMP/iperf.json")
retr=$(jq -r '.end.sum_sent.retransmits // 0' "$T_TMP/iperf.json")
[ "$bytes" -gt 0 ] || t_fail "TCP transfer moved nothing"
[ "$stalls" -eq 0 ] || t_fail "TCP transfer stalled for $stalls of its 1 s intervals"

sent=$(grep -oE '[0-9]+ packets transmitted' "$T_TMP/ping" | grep -oE '^[0-9]+')
recv=$(grep -oE '[0-9]+ received' "$T_TMP/ping" | grep -oE '^[0-9]+')
[ -n "$sent" ] && [ -n "$recv" ] || t_fail "ping (exit $prc) printed no summary: $(tail -2 "$T_TMP/ping")"
[ "$sent" -eq 600 ] || t_fail "ping sent $sent of 600 requests (exit $prc)"
[ "$recv" -eq "$sent" ] || t_fail "ping lost $((sent - recv)) of $sent during the switches"

# The learned table and the counters survived.
xjson fdb
fdb_after=$(jq -c '[.[] | {mac, ifname}] | sort_by(.mac)' <<<"$J")
[ "$fdb_after" = "$fdb_before" ] || t_fail "fdb changed across switches: before $fdb_before after $fdb_after"
xjson stats
rx_after=$(jq '[.ports[].rx_packets] | add' <<<"$J")
[ "$rx_after" -gt "$rx_before" ] || t_fail "counters did not survive: rx $rx_before -> $rx_after"
assert_ping ns2 172.16.1.1 2
assert_ping "" 172.16.1.1 2

t_pass "6 switches (${modes[*]}) under traffic: ping 0/$sent lost, TCP $mbps Mbit/s, $retr retransmits, no stalled second; fdb and counters kept"
