#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-serial: measures TCP throughput
# A TCP transfer through the bridge: iperf3 for 2 s from ns1 to ns2 and 2 s
# in reverse (-R), each bounded by timeouts; both complete without error and
# move data (more than 10 Mbit/s: a datapath that breaks checksums or GSO
# moves none). Pings still work afterwards.
T_BR=xiperf
. "$(dirname "$0")/lib.sh"
command -v iperf3 >/dev/null || t_skip "iperf3 not installed"

must timeout 30 "$XBR" -b "$T_BR" up
assert_ping ns1 172.16.1.2 2

run_iperf() { # PORT [CLIENT-ARGS...]
	local port=$1
	shift
	t_bg ip netns exec ns2 timeout 30 iperf3 -s -1 -B 172.16.1.2 -p "$port" >/dev/null 2>&1
	wait_until 10 sh -c "ip netns exec ns2 ss -ltn | grep -q ':$port '" || t_fail "iperf3 server did not start"
	timeout 30 ip netns exec ns1 iperf3 -c 172.16.1.2 -p "$port" -t 2 -J "$@" >"$T_TMP/iperf.json" 2>"$T_TMP/iperf.err"
	local rc=$?
	jq -e . "$T_TMP/iperf.json" >/dev/null 2>&1 || t_fail "iperf3 $* (exit $rc) printed no JSON: $(head -c 300 "$T_TMP/iperf.err")"
	local err
	err=$(jq -r '.error // empty' "$T_TMP/iperf.json")
	[ "$rc" -eq 0 ] && [ -z "$err" ] || t_fail "iperf3 $* failed (exit $rc): $err"
	IPERF_BPS=$(jq -r '.end.sum_received.bits_per_second // 0 | floor' "$T_TMP/iperf.json")
	IPERF_BYTES=$(jq -r '.end.sum_received.bytes // 0' "$T_TMP/iperf.json")
	[ "$IPERF_BYTES" -gt 0 ] || t_fail "iperf3 $*: nothing received"
	[ "$IPERF_BPS" -gt 10000000 ] || t_fail "iperf3 $*: only $IPERF_BPS bit/s"
}

run_iperf 5201
fwd=$((IPERF_BPS / 1000000))
run_iperf 5202 -R
rev=$((IPERF_BPS / 1000000))

assert_ping ns2 172.16.1.1 2
t_pass "TCP ns1->ns2 $fwd Mbit/s, ns2->ns1 $rev Mbit/s (2 s each)"
