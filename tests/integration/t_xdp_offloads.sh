#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: xdp
# test-serial: TCP with offloads off, a throughput run
# XDP mode sets the veth offloads XDP needs, by itself, and gives them back:
# on each port's receiving end (eth0 in the namespace, and the host gateway
# interface) GRO on (NAPI: otherwise veth drops redirected frames), tx
# checksumming, TSO and GSO off (redirected frames lose checksum-offload state).
# `set mode tc` restores what each end had before, also non-default values a
# user set (ns2 here). A port added in XDP mode gets the same treatment. XDP is
# attached on every port in XDP mode and on none in tc mode.
# XDP-specific: runs in the xdp pass of tests/run.sh (it switches modes itself).
T_BR=xoffl
. "$(dirname "$0")/lib.sh"
[ "$XBR_MODE" = xdp ] || t_skip "XDP-specific: runs with XBR_MODE=xdp"
command -v ethtool >/dev/null || t_skip "ethtool not installed (tools/deps.sh test)"
command -v iperf3 >/dev/null || t_skip "iperf3 not installed"

# feats NS IFNAME: "tx=on gso=on tso=on gro=off" (NS "" = this namespace)
feats() {
	local -a pre=()
	[ -n "$1" ] && pre=(ip netns exec "$1")
	"${pre[@]}" ethtool -k "$2" | awk -F': ' '
		$1 == "tx-checksumming" { tx = $2 } $1 == "generic-segmentation-offload" { gso = $2 }
		$1 == "tcp-segmentation-offload" { tso = $2 } $1 == "generic-receive-offload" { gro = $2 }
		END { gsub(/ .*/, "", tx); gsub(/ .*/, "", gso); gsub(/ .*/, "", tso); gsub(/ .*/, "", gro)
		      printf "tx=%s gso=%s tso=%s gro=%s\n", tx, gso, tso, gro }'
}
xdp_on() { ip -j -d link show dev "$1" | jq -e '.[0].xdp != null' >/dev/null; }
XDP_FEATS="tx=off gso=off tso=off gro=on"

must timeout 30 "$XBR_REAL" -b "$T_BR" up --mode tc ns1=172.16.1.1/16 ns2=172.16.1.2/16
# A user's own, non-default settings on ns2: these must come back, not defaults.
ip netns exec ns2 ethtool -K eth0 gro on tso off || t_fail "cannot change ns2's offloads"
b1=$(feats ns1 eth0) b2=$(feats ns2 eth0) bgw=$(feats "" "$T_BR")
t_log "before: ns1 $b1 | ns2 $b2 | gw $bgw"
[ "$b2" != "$b1" ] || t_fail "ns2's custom offloads did not take: $b2"
for p in "$T_BR-gw" "$T_BR-ns1" "$T_BR-ns2"; do
	xdp_on "$p" && t_fail "$p has XDP attached in tc mode"
done

must timeout 30 "$XBR" -b "$T_BR" set mode xdp
for e in ns1:eth0 ns2:eth0 ":$T_BR"; do
	f=$(feats "${e%%:*}" "${e#*:}")
	[ "$f" = "$XDP_FEATS" ] || t_fail "xdp mode: ${e#:} has $f, expected $XDP_FEATS"
done
for p in "$T_BR-gw" "$T_BR-ns1" "$T_BR-ns2"; do
	xdp_on "$p" || t_fail "xdp mode: no XDP program on $p"
done

# TCP works across XDP between namespaces and to the host gateway.
for dst in 172.16.1.2 172.16.1.254; do
	if [ "$dst" = 172.16.1.2 ]; then
		t_bg ip netns exec ns2 timeout 20 iperf3 -s -1 -B "$dst" -p 5301 >/dev/null 2>&1
		wait_until 10 sh -c "ip netns exec ns2 ss -ltn | grep -q ':5301 '" || t_fail "iperf3 server did not start"
	else
		t_bg timeout 20 iperf3 -s -1 -B "$dst" -p 5301 >/dev/null 2>&1
		wait_until 10 sh -c "ss -ltn | grep -q '$dst:5301 '" || t_fail "iperf3 server did not start"
	fi
	timeout 20 ip netns exec ns1 iperf3 -c "$dst" -p 5301 -t 1 -J >"$T_TMP/ip.json" 2>&1 ||
		t_fail "iperf3 ns1 -> $dst in xdp mode failed: $(jq -r '.error // empty' "$T_TMP/ip.json" 2>/dev/null)"
	b=$(jq -r '.end.sum_received.bytes // 0' "$T_TMP/ip.json")
	[ "$b" -gt 1000000 ] || t_fail "iperf3 ns1 -> $dst moved only $b bytes"
done

# A port added in XDP mode is ready at once.
must timeout 30 "$XBR" -b "$T_BR" port add ns3 172.16.1.3/16
f=$(feats ns3 eth0)
[ "$f" = "$XDP_FEATS" ] || t_fail "port added in xdp mode: ns3 eth0 has $f"
xdp_on "$T_BR-ns3" || t_fail "port added in xdp mode has no XDP program"
assert_ping ns3 172.16.1.1 2
assert_ping ns3 172.16.1.254 2

must timeout 30 "$XBR" -b "$T_BR" set mode tc
[ "$(feats ns1 eth0)" = "$b1" ] || t_fail "back in tc: ns1 has $(feats ns1 eth0), had $b1"
[ "$(feats ns2 eth0)" = "$b2" ] || t_fail "back in tc: ns2 has $(feats ns2 eth0), had $b2 (user's own settings lost)"
[ "$(feats "" "$T_BR")" = "$bgw" ] || t_fail "back in tc: gateway has $(feats "" "$T_BR"), had $bgw"
[ "$(feats ns3 eth0)" = "$b1" ] || t_fail "back in tc: ns3 has $(feats ns3 eth0), expected the defaults $b1"
for p in "$T_BR-gw" "$T_BR-ns1" "$T_BR-ns2" "$T_BR-ns3"; do
	xdp_on "$p" && t_fail "back in tc mode: $p still has XDP attached"
done
assert_ping ns1 172.16.1.3 2
# Switching to the mode it is in is a no-op that succeeds.
must timeout 30 "$XBR" -b "$T_BR" set mode tc
[ "$(feats ns2 eth0)" = "$b2" ] || t_fail "a second set mode tc changed ns2's offloads"

t_pass "xdp: receiving ends $XDP_FEATS, XDP on all ports (also one added live), TCP works; tc: offloads restored (ns2's own kept), XDP gone"
