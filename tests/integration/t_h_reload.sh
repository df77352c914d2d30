#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-serial: asserts 0 pings lost and an iperf3 run across reloads
# Live upgrade (`xbr help reload`, docs/design.md "Live upgrade"): while
# ns1 pings ns4 at 100 packets/s and an iperf3 TCP stream runs ns2 -> ns3 for
# 10 s (separate paths: the stream's load cannot drop a ping), `xbr reload`
# runs 10 times. Each reload really swaps the programs
# (the tc filters' program ids change), the ping loses nothing, the TCP
# stream completes, the learned table keeps every entry (and a static entry
# and port policy stay), every counter is monotonic across each reload
# (never reset), and afterwards the ageing sweep still runs (handed to the
# new control program: entries age out and `aged` counts them).
# `xbr up` on a running bridge, as `xbr help up`/xbr(8) document it: with this
# build's datapath it fails with "already up" and changes nothing; with
# another build's (XBR_TEST_DP_VERSION) it reloads and exits 0, keeping
# table and counters. `reload` of a bridge that is not up, or with an
# argument, fails with one line.
T_BR=xhreload
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"

"$XBR" help 2>&1 | gq -w reload || t_fail "xbr reload missing ($XBR help does not list it)"
command -v iperf3 >/dev/null 2>&1 || t_skip "iperf3 not installed"

RELOADS=10 PINGS=800
must timeout 30 "$XBR" -b "$T_BR" up ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16 ns4=172.16.1.4/16
MS=02:00:5e:00:0a:01
must timeout 20 "$XBR" -b "$T_BR" fdb add $MS port ns3 static
must timeout 20 "$XBR" -b "$T_BR" port set ns2 max-learned 50 hairpin on
for ns in ns1 ns2 ns3 ns4; do assert_ping $ns 172.16.1.254 1; done
assert_ping ns1 172.16.1.4 2
assert_ping ns1 172.16.1.2 2
assert_ping ns2 172.16.1.3 2

# prog_ids: the BPF program id of the tc filter on every port.
prog_ids() {
	local p ids=""
	for p in "$T_BR-gw" "$T_BR-ns1" "$T_BR-ns2" "$T_BR-ns3" "$T_BR-ns4"; do
		ids+="$(tc -j filter show dev "$p" ingress | jq -r '[.[] | .options.prog.id // empty] | first // "none"') "
	done
	echo "$ids"
}
fdb_set() { jq -c 'map({mac, ifname, state}) | sort_by(.mac)' <<<"$1"; }
# monotonic BEFORE AFTER WHAT: every counter in AFTER >= BEFORE.
monotonic() {
	local bad
	bad=$(jq -rn --argjson a "$1" --argjson b "$2" '
		[($a.fdb | to_entries[] | select(.key != "evicted") | . as $e | select(($b.fdb[$e.key] // -1) < $e.value) | "fdb.\($e.key) \($e.value)->\($b.fdb[$e.key])")] +
		[$a.ports[] as $p | ($b.ports[] | select(.ifname == $p.ifname)) as $q |
		 (["rx_packets","rx_bytes","tx_packets","tx_bytes","rx_flood"][] as $k | select($q[$k] < $p[$k]) | "\($p.ifname).\($k) \($p[$k])->\($q[$k])"),
		 ($p.drops | to_entries[] | select($q.drops[.key] < .value) | "\($p.ifname).drops.\(.key) \(.value)->\($q.drops[.key])")]
		| join(", ")')
	[ -z "$bad" ] || t_fail "$3: counters went back: $bad"
}

xjson fdb
F0=$(fdb_set "$J")
stats_get
S0=$S
ids0=$(prog_ids)
case $ids0 in *none*) t_fail "a port has no tc program: $ids0" ;; esac

# ---- traffic through 10 reloads ----
t_bg ip netns exec ns3 timeout 40 iperf3 -s -1 -B 172.16.1.3 -p 5201 >"$T_TMP/iperf.server" 2>&1
wait_until 10 sh -c "ip netns exec ns3 ss -ltn | grep -q ':5201'" || t_fail "iperf3 server did not start"
t_bg timeout 40 ip netns exec ns2 iperf3 -c 172.16.1.3 -p 5201 -t 10 -J >"$T_TMP/iperf.json" 2>&1
IPERF=$T_BG_PID
ping_start ns1 172.16.1.4 $PINGS 0.01 "$T_TMP/ping"
PING=$T_BG_PID
sleep 1
prev=$S0 ids_prev=$ids0
for r in $(seq 1 $RELOADS); do
	t_run timeout 30 "$XBR" -b "$T_BR" reload
	[ "$T_RC" -eq 0 ] || t_fail "reload #$r failed (exit $T_RC): $T_ERR"
	[ -z "$T_ERR" ] || t_fail "reload #$r printed on stderr: $T_ERR"
	ids=$(prog_ids)
	case $ids in *none*) t_fail "after reload #$r a port has no tc program: $ids" ;; esac
	for p in 1 2 3 4 5; do
		[ "$(echo "$ids" | cut -d' ' -f$p)" != "$(echo "$ids_prev" | cut -d' ' -f$p)" ] ||
			t_fail "reload #$r did not replace the program on port $p (ids $ids_prev -> $ids)"
	done
	stats_get
	monotonic "$prev" "$S" "reload #$r"
	xjson fdb
	missing=$(jq -rn --argjson a "$F0" --argjson b "$(fdb_set "$J")" '[$a[] | select(. as $e | $b | index([$e]) | not) | .mac] | join(" ")')
	[ -z "$missing" ] || t_fail "reload #$r lost fdb entries: $missing"
	prev=$S ids_prev=$ids
	sleep 0.4
done
wait_pid $PING $((PINGS / 100 + 30))
ping_check "$T_TMP/ping" $PINGS "ping ns1 -> ns4 at 100/s across $RELOADS reloads"
wait_pid $IPERF 40
jq -e '.error == null and .end.sum_sent.bytes > 0 and .end.sum_received.bytes > 0' "$T_TMP/iperf.json" >/dev/null 2>&1 ||
	t_fail "iperf3 ns2 -> ns3 across the reloads failed: $(jq -r '.error // "no result"' "$T_TMP/iperf.json" 2>/dev/null | head -1)"
gbits=$(jq -r '.end.sum_received.bits_per_second / 1e9 * 100 | floor / 100' "$T_TMP/iperf.json")
secs=$(jq -r '.end.sum_received.seconds | floor' "$T_TMP/iperf.json")
[ "$secs" -ge 9 ] || t_fail "iperf3 stream ended after ${secs}s, not 10"

# Table, static entry, port policy and mode kept.
xjson fdb
jq_ok "$J" "[.[] | select(.mac == \"$MS\" and .netns == \"ns3\" and .state == \"static\")] | length == 1" "static entry lost by the reloads"
xjson show
jq_ok "$J" '.mode == "'"$XBR_MODE"'" and (.ports[] | select(.netns == "ns2") | .flags | index("hairpin") != null)' "mode or port policy lost by the reloads"
stats_get
jq_ok "$S" '.ports[] | select(.netns == "ns2") | .max_learned == 50' "max-learned lost by the reloads"
monotonic "$S0" "$S" "after $RELOADS reloads"

# ---- `xbr up` on the running bridge ----
snapshot "$T_TMP/snap.up"
t_run timeout 30 "$XBR" -b "$T_BR" up ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16 ns4=172.16.1.4/16
[ "$T_RC" -eq 1 ] || t_fail "up on a bridge up with this build: exit $T_RC, expected 1 (already up)"
case $T_ERR in *"$T_BR"*"already up"*) ;; *) t_fail "up on a running bridge: not 'already up': $T_ERR" ;; esac
assert_same "$T_TMP/snap.up" "up on a running bridge (same build)"
[ "$(prog_ids)" = "$ids_prev" ] || t_fail "up on a bridge with this build replaced the programs"
stats_get
S1=$S
xjson fdb
F1=$(fdb_set "$J")
t_run env XBR_TEST_DP_VERSION=0x1234 timeout 30 "$XBR" -b "$T_BR" up ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16 ns4=172.16.1.4/16
[ "$T_RC" -eq 0 ] || t_fail "up on a bridge running another build's datapath: exit $T_RC: $T_ERR"
ids=$(prog_ids)
[ "$ids" != "$ids_prev" ] || t_fail "up on a bridge running another build did not reload (program ids unchanged)"
stats_get
monotonic "$S1" "$S" "up over another build"
xjson fdb
[ "$(jq -rn --argjson a "$F1" --argjson b "$(fdb_set "$J")" '[$a[] | select(. as $e | $b | index([$e]) | not)] | length')" -eq 0 ] ||
	t_fail "up over another build lost fdb entries"
xjson show
jq_ok "$J" '[.ports[].netns] == ["", "ns1", "ns2", "ns3", "ns4"]' "up over another build changed the ports"
assert_ping ns1 172.16.1.3 2
# The bridge now runs "build 0x1234": this build's up reloads it back, then
# refuses.
must timeout 30 "$XBR" -b "$T_BR" up
expect_error "up after the upgrade back" "already up" "$XBR" -b "$T_BR" up

# ---- the ageing sweep survived the reloads ----
stats_get
aged0=$(fdb_stat "$S" aged)
xjson fdb
nlearned=$(jq_val "$J" '[.[] | select(.origin == "learned")] | length')
[ "$nlearned" -ge 3 ] || t_fail "fewer than 3 learned entries before the ageing check: $J"
must timeout 20 "$XBR" -b "$T_BR" set ageing 1
aged_enough() {
	local s
	s=$(timeout 10 "$XBR" -b "$T_BR" -j stats) || return 1
	[ "$(jq -r .fdb.aged <<<"$s")" -ge $((aged0 + nlearned)) ]
}
wait_until 15 aged_enough || t_fail "no ageing sweep after the reloads: aged $aged0 -> $(timeout 10 "$XBR" -b "$T_BR" -j stats | jq .fdb.aged), $nlearned entries should have aged"
xjson fdb
jq_ok "$J" "[.[] | select(.mac == \"$MS\")] | length == 1" "the static entry aged"
must timeout 20 "$XBR" -b "$T_BR" set ageing 300
assert_ping ns1 172.16.1.2 2

# ---- bad reloads ----
expect_error "reload with an argument" extra "$XBR" -b "$T_BR" reload extra
expect_error "reload of a bridge that is not up" '"xhnone"' "$XBR" -b xhnone reload

t_pass "$RELOADS reloads: programs replaced each time, $PINGS pings at 100/s lost 0, iperf3 ${secs}s at $gbits Gbit/s completed, fdb and counters kept (monotonic), ageing sweep alive; up: same build 'already up', other build reloads"
