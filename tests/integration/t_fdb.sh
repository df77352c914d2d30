#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `xbr fdb` after traffic lists both station MACs on the right ports: each
# MAC exactly once, .ifname the namespace's host-side port, .netns the
# namespace, master the bridge, learned (state "" as `bridge -j fdb show`
# gives an entry that ages, origin learned), a small age; the gateway's MAC
# on the gateway port. The keys come in `bridge -j fdb show`'s order, xbr's
# own after them. Text, -j and -p outputs agree. The `fdb show` filters
# (port NAME, dev IFNAME, port gateway, static, dynamic, combined) keep
# exactly the matching entries and leave out the others.
T_BR=xfdb
. "$(dirname "$0")/lib.sh"

must timeout 30 "$XBR" -b "$T_BR" up
assert_ping ns1 172.16.1.2 3
assert_ping ns2 172.16.1.1 3
assert_ping ns1 172.16.1.254 2

m1=$(station_mac 172.16.1.1) m2=$(station_mac 172.16.1.2) mg=$(station_mac 172.16.1.254)

xjson fdb
fdb=$J
for spec in "$m1 $T_BR-ns1 ns1" "$m2 $T_BR-ns2 ns2" "$mg $T_BR-gw "; do
	read -r mac ifn ns <<<"$spec"
	jq_ok "$fdb" "[.[] | select(.mac == \"$mac\")] | length == 1" "fdb: $mac not listed exactly once"
	jq_ok "$fdb" ".[] | select(.mac == \"$mac\") | .ifname == \"$ifn\" and .netns == \"${ns:-}\"" "fdb: $mac not on port $ifn / netns '${ns:-}'"
	jq_ok "$fdb" ".[] | select(.mac == \"$mac\") | .master == \"$T_BR\" and .state == \"\" and .origin == \"learned\" and .flags == [] and .age <= 10 and (has(\"updated\") | not)" "fdb: $mac master/state/origin/flags/age"
done
# Every entry has the documented keys, bridge's first and in its order.
jq_ok "$fdb" 'all(.[]; keys_unsorted == ["mac","ifname","flags","master","state","netns","age","origin"])' "fdb: keys not in bridge -j fdb show order"
# Every entry has the documented keys; nothing points at an unknown port.
jq_ok "$fdb" 'all(.[]; has("mac") and has("ifname") and has("master") and has("netns") and has("state") and has("flags"))' "fdb: an entry misses a key"
jq_ok "$fdb" "all(.[]; .ifname | test(\"^$T_BR-(ns1|ns2|gw)\$\"))" "fdb: entry on an unknown port"
# The station MACs are the namespaces' real eth0 addresses.
for i in 1 2; do
	real=$(ip -n ns$i -j link show eth0 | jq -r '.[0].address')
	jq_ok "$fdb" "[.[] | select(.ifname == \"$T_BR-ns$i\") | .mac] | index(\"$real\") != null" "fdb: ns$i eth0 MAC $real missing"
done

# `fdb`, `fdb show` and `fdb list` are the same table; -p is the same JSON.
xjson fdb show
[ "$(jq -cS 'map(del(.age))' <<<"$J")" = "$(jq -cS 'map(del(.age))' <<<"$fdb")" ] || t_fail "fdb show differs from fdb"
t_run timeout 20 "$XBR" -b "$T_BR" -p fdb
[ "$T_RC" -eq 0 ] || t_fail "xbr -p fdb failed: $T_ERR"
[ "$(t_nlines "$T_OUT")" -gt 3 ] || t_fail "xbr -p fdb is not indented: $T_OUT"
[ "$(jq -cS 'map(del(.age))' <<<"$T_OUT")" = "$(jq -cS 'map(del(.age))' <<<"$fdb")" ] || t_fail "-p output differs from -j"

# Text form: one line per entry, "MAC dev PORT master BR netns NS age N" (bridge's
# fields, then xbr's).
must timeout 20 "$XBR" -b "$T_BR" fdb
text=$T_OUT
[ "$(t_nlines "$text")" -eq "$(jq length <<<"$fdb")" ] || t_fail "text fdb has $(t_nlines "$text") lines, JSON $(jq length <<<"$fdb") entries"
grep -Eq "^$m1 dev $T_BR-ns1 master $T_BR netns ns1 age [0-9]+$" <<<"$text" || t_fail "text fdb line for ns1 wrong: $text"
grep -Eq "^$m2 dev $T_BR-ns2 master $T_BR netns ns2 age [0-9]+$" <<<"$text" || t_fail "text fdb line for ns2 wrong: $text"
grep -Eq "^$mg dev $T_BR-gw master $T_BR age [0-9]+$" <<<"$text" || t_fail "text fdb line for the gateway wrong: $text"

# ---- filters (docs/xbr.8, fdb show): each keeps exactly the matching
# entries of the whole table and leaves out the others, which exist.
must "$XBR" -b "$T_BR" fdb add 02:00:00:00:00:a1 port ns1 static
must "$XBR" -b "$T_BR" fdb add 02:00:00:00:00:a2 port ns2 static
must "$XBR" -b "$T_BR" fdb add 02:00:00:00:00:a3 port ns2 sticky
# filter_ok WHAT PRED MUST-IN MUST-OUT ARGS...: `fdb show ARGS` lists the MACs
# of the whole table that PRED (jq) keeps, MUST-IN among them, and none of
# MUST-OUT (space-separated MACs, all in the whole table).
filter_ok() {
	local what=$1 pred=$2 in=$3 out=$4 full want got m
	shift 4
	xjson fdb
	full=$J
	xjson fdb show "$@"
	want=$(jq -c "[.[] | select($pred) | .mac] | sort" <<<"$full")
	got=$(jq -c '[.[].mac] | sort' <<<"$J")
	[ "$got" = "$want" ] || t_fail "fdb show $*: lists $got, expected $want ($what)"
	for m in $in; do
		jq -e --arg m "$m" 'index($m) != null' <<<"$got" >/dev/null || t_fail "fdb show $*: $m missing ($what)"
	done
	for m in $out; do
		jq -e --arg m "$m" 'any(.[]; .mac == $m)' <<<"$full" >/dev/null ||
			t_fail "fdb: $m is not in the whole table (the filter check needs it)"
		jq -e --arg m "$m" 'index($m) == null' <<<"$got" >/dev/null || t_fail "fdb show $*: $m listed, it does not match ($what)"
	done
}
a1=02:00:00:00:00:a1 a2=02:00:00:00:00:a2 a3=02:00:00:00:00:a3
filter_ok "port ns1" ".ifname == \"$T_BR-ns1\"" "$m1 $a1" "$m2 $mg $a2 $a3" port ns1
filter_ok "dev IFNAME" ".ifname == \"$T_BR-ns2\"" "$m2 $a2 $a3" "$m1 $mg $a1" dev "$T_BR-ns2"
filter_ok "port gateway" ".ifname == \"$T_BR-gw\"" "$mg" "$m1 $m2 $a1 $a2 $a3" port gateway
filter_ok "static" '.state == "static"' "$a1 $a2" "$m1 $m2 $mg $a3" static
filter_ok "dynamic" '.state != "static"' "$m1 $m2 $mg $a3" "$a1 $a2" dynamic
filter_ok "port ns2 static" ".ifname == \"$T_BR-ns2\" and .state == \"static\"" "$a2" "$m1 $m2 $mg $a1 $a3" port ns2 static
filter_ok "port ns2 dynamic" ".ifname == \"$T_BR-ns2\" and .state != \"static\"" "$m2 $a3" "$m1 $mg $a1 $a2" port ns2 dynamic
# The text form filters the same way.
must timeout 20 "$XBR" -b "$T_BR" fdb show port ns2 static
[ "$T_OUT" = "$a2 dev $T_BR-ns2 master $T_BR static netns ns2" ] || t_fail "text fdb show port ns2 static: $T_OUT"

t_pass "fdb lists $m1 on $T_BR-ns1/ns1, $m2 on $T_BR-ns2/ns2, $mg on $T_BR-gw; text, -j, -p agree; port/dev/gateway/static/dynamic filters keep the matching entries and leave out the rest"
