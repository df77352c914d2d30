#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Concurrent commands (docs/design.md: one flock serializes them):
#   1. 16 `xbr port add nN` started at once in the background (no address:
#      each allocates the next free one): all succeed, all 16 namespaces
#      exist, `xbr -j show` has exactly 16 ports + the gateway, addresses,
#      MACs, ifnames and ifindexes are distinct and match the links, each
#      namespace pings the gateway and its neighbour n(i+1).
#   2. `fdb add` of static entries (a bounded loop, round-robin over the 8
#      ports that are being deleted and the 8 that stay) while 8 `port del`
#      run one after another, with `stats`/`fdb` readers alongside; each add
#      that succeeded is recorded. Afterwards: adds to the staying ports all
#      succeeded, and at least one to a port being deleted did (the race ran);
#      every successful add to a staying port is in `xbr -j fdb` (static, on
#      its port) and the table holds exactly that many of the test's entries;
#      no fdb entry points at a deleted port (every .ifname in `xbr -j fdb`
#      is in `xbr -j show`), no namespace or link of a deleted port is left,
#      the remaining 8 still reach the gateway and each other.
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
	ip -n n$i -4 -o addr show dev eth0 | gq "inet $a/" || t_fail "n$i: eth0 does not hold $a"
done
for i in $(seq 1 $N); do
	j=$((i % N + 1))
	aj=$(jq_val "$SHOW" ".ports[] | select(.netns == \"n$j\") | .addr")
	assert_ping n$i 172.16.1.254 1
	assert_ping n$i "$aj" 1
done

# ---- 2. fdb add during port del ----
DEL=(n9 n10 n11 n12 n13 n14 n15 n16)
KEEP=(n1 n2 n3 n4 n5 n6 n7 n8)
TARGETS=(n9 n1 n10 n2 n11 n3 n12 n4 n13 n5 n14 n6 n15 n7 n16 n8)
# adder: bounded (at most 400 adds or 40 s); each add's outcome is recorded:
# "MAC PORT" in add.ok when it exited 0, "MAC PORT: error" in add.fail.
adder() {
	local k=0 end=$((SECONDS + 40)) p m
	while [ $k -lt 400 ] && [ $SECONDS -lt $end ] && [ ! -e "$T_TMP/stop" ]; do
		p=${TARGETS[$((k % ${#TARGETS[@]}))]}
		m=$(printf '02:00:5e:01:%02x:%02x' $((k / 256)) $((k % 256)))
		if timeout 20 "$XBR" -b "$T_BR" fdb add "$m" port "$p" static >/dev/null 2>"$T_TMP/add.err"; then
			echo "$m $p" >>"$T_TMP/add.ok"
		else
			echo "$m $p: $(head -1 "$T_TMP/add.err")" >>"$T_TMP/add.fail"
		fi
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
# The deletions start once the adder has made its first add.
wait_until 20 eval '[ -s "$T_TMP/add.ok" ] || [ -s "$T_TMP/add.fail" ]' || t_fail "the fdb adder did not start"
for p in "${DEL[@]}"; do
	t_run timeout 30 "$XBR" -b "$T_BR" port del "$p"
	[ "$T_RC" -eq 0 ] || t_fail "port del $p during fdb adds failed: $T_ERR"
	sleep 0.05
done
touch "$T_TMP/stop"
wait_pid $ADDER 60
wait_pid $READER 60
adds=$(cat "$T_TMP/adds" 2>/dev/null || echo 0)
touch "$T_TMP/add.ok" "$T_TMP/add.fail"
is_keep() { [[ " ${KEEP[*]} " == *" $1 "* ]]; }
ok_keep=0 ok_del=0
while read -r m p; do
	if is_keep "$p"; then ok_keep=$((ok_keep + 1)); else ok_del=$((ok_del + 1)); fi
done <"$T_TMP/add.ok"
while read -r m p rest; do
	! is_keep "${p%:}" || t_fail "fdb add $m port ${p%:} (a port that stays) failed: $rest"
done <"$T_TMP/add.fail"
[ $((ok_keep + ok_del + $(grep -c . "$T_TMP/add.fail"))) -eq "$adds" ] ||
	t_fail "the adder ran $adds adds but recorded $ok_keep + $ok_del successes and $(grep -c . "$T_TMP/add.fail") failures"
[ "$ok_keep" -ge 5 ] || t_fail "only $ok_keep fdb adds to the staying ports succeeded during the deletions"
[ "$ok_del" -ge 1 ] || t_fail "no fdb add to a port being deleted succeeded: the race did not run"
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
# The table holds exactly the successful adds to the staying ports, each
# static on its own port; none of those to the deleted ports.
got=$(jq_val "$FDB" '[.[] | select(.mac | startswith("02:00:5e:01:"))] | length')
[ "$got" -eq "$ok_keep" ] ||
	t_fail "fdb holds $got of the test's entries, but $ok_keep adds to the staying ports succeeded (and $ok_del to the deleted ones)"
while read -r m p; do
	is_keep "$p" || continue
	jq_ok "$FDB" "any(.[]; .mac == \"$m\" and .ifname == \"$T_BR-$p\" and .state == \"static\")" \
		"fdb add $m port $p succeeded, but the entry is not in the table (static, on $T_BR-$p)"
done <"$T_TMP/add.ok"
for i in $(seq 1 8); do
	j=$((i % 8 + 1))
	assert_ping n$i 172.16.1.254 1
	assert_ping n$i "$(jq_val "$SHOW" ".ports[] | select(.netns == \"n$j\") | .addr")" 1
done
t_pass "$N concurrent port adds all made distinct working ports; $adds fdb adds during ${#DEL[@]} port dels ($ok_keep succeeded on staying ports, all in the table; $ok_del on deleted ports, none left): no orphan entry; 8 survivors work"
