#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Concurrent commands (docs/design.md: one flock serializes them):
#   1. 16 `xbr port add nN` started at once in the background (no address:
#      each allocates the next free one): all succeed, all 16 namespaces
#      exist, `xbr -j show` has exactly 16 ports + the gateway, addresses,
#      MACs, ifnames and ifindexes are distinct and match the links, each
#      namespace pings the gateway and its neighbour n(i+1).
#   2. `fdb add` of static entries (a bounded loop, round-robin over ports
#      that are being deleted) while 8 `port del` run one after another,
#      with `stats`/`fdb` readers alongside: afterwards no fdb entry points
#      at a deleted port (every .ifname in `xbr -j fdb` is in `xbr -j show`),
#      no namespace or link of a deleted port is left, the remaining 8
#      still reach the gateway and each other.
T_BR=xhconc
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"

N=16
must timeout 30 "$XBR" -b "$T_BR" up
must timeout 30 "$XBR" -b "$T_BR" port del ns1
must timeout 30 "$XBR" -b "$T_BR" port del ns2
xjson show
jq_ok "$J" '.ports | length == 1' "gateway-only bridge expected after deleting ns1, ns2"

# ---- 1. 16 port adds at once ----
pids=()
for i in $(seq 1 $N); do
	timeout 60 "$XBR" -b "$T_BR" port add n$i >"$T_TMP/add.$i.out" 2>"$T_TMP/add.$i.err" &
	pids+=($!)
done
fails=""
for i in $(seq 1 $N); do
	wait "${pids[$((i - 1))]}" || fails+="n$i($(head -1 "$T_TMP/add.$i.err")) "
done
[ -z "$fails" ] || t_fail "concurrent port adds failed: $fails"
for i in $(seq 1 $N); do
	[ -e /run/netns/n$i ] || t_fail "namespace n$i missing"
done
xjson show
SHOW=$J
jq_ok "$SHOW" ".ports | length == $((N + 1))" "show does not have $N ports + gateway"
jq_ok "$SHOW" '[.ports[] | select(.netns != "") | .netns] | sort == ([range(1; 17) | "n\(.)"] | sort)' "show: namespaces are not n1..n16"
for k in addr mac ifname ifindex addr6; do
	jq_ok "$SHOW" "[.ports[].$k] | length == (unique | length)" "show: duplicate $k among the ports"
done
for i in $(seq 1 $N); do
	ifn=$(jq_val "$SHOW" ".ports[] | select(.netns == \"n$i\") | .ifname")
	idx=$(jq_val "$SHOW" ".ports[] | select(.netns == \"n$i\") | .ifindex")
	a=$(jq_val "$SHOW" ".ports[] | select(.netns == \"n$i\") | .addr")
	[ "$(cat "/sys/class/net/$ifn/ifindex" 2>/dev/null)" = "$idx" ] || t_fail "n$i: port $ifn ifindex $idx does not match the link"
	ip -n n$i -4 -o addr show dev eth0 | grep -q "inet $a/" || t_fail "n$i: eth0 does not hold $a"
done
for i in $(seq 1 $N); do
	j=$((i % N + 1))
	aj=$(jq_val "$SHOW" ".ports[] | select(.netns == \"n$j\") | .addr")
	assert_ping n$i 172.16.1.254 1
	assert_ping n$i "$aj" 1
done

# ---- 2. fdb add during port del ----
DEL=(n9 n10 n11 n12 n13 n14 n15 n16)
adder() { # bounded: at most 400 adds or 40 s
	local k=0 end=$((SECONDS + 40)) p
	while [ $k -lt 400 ] && [ $SECONDS -lt $end ] && [ ! -e "$T_TMP/stop" ]; do
		p=${DEL[$((k % ${#DEL[@]}))]}
		timeout 20 "$XBR" -b "$T_BR" fdb add "$(printf '02:00:5e:01:%02x:%02x' $((k / 256)) $((k % 256)))" port "$p" static >/dev/null 2>&1
		k=$((k + 1))
	done
	echo $k >"$T_TMP/adds"
}
reader() { # bounded readers: stats and fdb dumps must keep working
	local k=0 end=$((SECONDS + 40))
	while [ $k -lt 200 ] && [ $SECONDS -lt $end ] && [ ! -e "$T_TMP/stop" ]; do
		timeout 20 "$XBR" -b "$T_BR" -j stats >/dev/null 2>>"$T_TMP/reader.err" || echo "stats failed" >>"$T_TMP/reader.err"
		timeout 20 "$XBR" -b "$T_BR" -j fdb >/dev/null 2>>"$T_TMP/reader.err" || echo "fdb failed" >>"$T_TMP/reader.err"
		k=$((k + 1))
	done
}
adder &
ADDER=$!
reader &
READER=$!
T_BG_PIDS+=("$ADDER" "$READER")
sleep 0.3
for p in "${DEL[@]}"; do
	t_run timeout 30 "$XBR" -b "$T_BR" port del "$p"
	[ "$T_RC" -eq 0 ] || t_fail "port del $p during fdb adds failed: $T_ERR"
	sleep 0.05
done
touch "$T_TMP/stop"
wait_pid $ADDER 60
wait_pid $READER 60
adds=$(cat "$T_TMP/adds" 2>/dev/null || echo 0)
[ "$adds" -ge 10 ] || t_fail "only $adds fdb adds ran during the deletions"
[ ! -s "$T_TMP/reader.err" ] || t_fail "readers failed during the deletions: $(head -3 "$T_TMP/reader.err" | tr '\n' '|')"

xjson show
SHOW=$J
xjson fdb
FDB=$J
jq_ok "$SHOW" ".ports | length == $((N + 1 - ${#DEL[@]}))" "show: wrong port count after deleting ${#DEL[@]}"
orphans=$(jq -rn --argjson s "$SHOW" --argjson f "$FDB" '[$f[] | select(.ifname as $i | [$s.ports[].ifname] | index($i) | not) | "\(.mac)@\(.ifname)"] | join(" ")')
[ -z "$orphans" ] || t_fail "fdb entries on ports that are gone: $orphans"
for p in "${DEL[@]}"; do
	[ ! -e "/run/netns/$p" ] || t_fail "namespace $p left after port del"
	! ip link show "$T_BR-$p" >/dev/null 2>&1 || t_fail "link $T_BR-$p left after port del"
done
jq_ok "$FDB" '[.[] | select(.mac | startswith("02:00:5e:01:"))] | length == 0' "static entries added to the deleted ports survived them"
for i in $(seq 1 8); do
	j=$((i % 8 + 1))
	assert_ping n$i 172.16.1.254 1
	assert_ping n$i "$(jq_val "$SHOW" ".ports[] | select(.netns == \"n$j\") | .addr")" 1
done
t_pass "$N concurrent port adds all made distinct working ports; $adds fdb adds during ${#DEL[@]} port dels left no orphan entry; 8 survivors work"
