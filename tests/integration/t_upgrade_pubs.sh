#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-serial: asserts 0 pings lost across the live migration
# Upgrade from pinned layout 2, whose only record of published ports was the
# ruleset (docs/design.md "Pinned layout and migration"): the last layout-2
# build (commit below, built from git history like t_upgrade's release)
# brings a bridge up with masquerade and two publications; this build's
# `reload` migrates it to its layout while a 100/s ping runs: the ping loses
# nothing, the publications' rules are not touched (same text before and
# after; the base chains gain this build's DNS forward rule), and both publications land in the new pinned record (`publish
# show` lists them, their rules ok) and still answer from outside; after
# `nft flush ruleset`, `restore` brings them back from the record.
T_BR=xupgpub
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_upgrade.sh"
. "$(dirname "$0")/lib_attack.sh"
. "$(dirname "$0")/lib_nat.sh"

command -v bpftool >/dev/null 2>&1 || t_skip "bpftool not installed"

# The last commit of pinned layout 2 (before xbr_pubs).
L2_COMMIT=00e8e36f833233f27f33272320a688271bd4762d
old_build "$L2_COMMIT" "layout-2 commit $L2_COMMIT"

X=("$XBR" -b "$T_BR")
T=xbr-$T_BR
LAYOUT=$(awk '$2 == "XBR_LAYOUT_VERSION" { print $3 }' "$T_REPO/include/xbr.h")
layout() { bpftool -j map dump pinned "/sys/fs/bpf/xbr/$T_BR/xbr_layout" 2>/dev/null | jq -r '.[0].formatted.value // empty'; }

nat_outside
must timeout 30 "$OLD" -b "$T_BR" up --mode "$XBR_MODE" ns1 ns2
[ "$(layout)" = 2 ] || t_fail "the layout-2 build recorded layout '$(layout)'"
serve ns1 tcp 80
serve ns2 udp 53
must timeout 20 "$OLD" -b "$T_BR" publish add 8080 ns1:80
must timeout 20 "$OLD" -b "$T_BR" publish add 0.0.0.0:5353 ns2:53 udp
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
assert_peer out udp "$HOST4" 5353 "$OUT4" 53
assert_ping ns1 172.16.1.2 2

# ---- this build's reload, under a ping ----
t_run "${X[@]}" show
case $T_ERR in *reload*) ;; *) t_fail "show of a layout-2 bridge does not say to reload: $T_ERR" ;; esac
# The publications' rules, in any order (this build's table is written from
# the record, a hash map: the rules may come back in another order).
pubs() { { nft list chain inet "$T" pub; nft list chain inet "$T" pub_lo; } | sort; }
pubs0=$(pubs)
PINGS=300
ping_start ns1 172.16.1.2 $PINGS 0.01 "$T_TMP/ping"
PING=$T_BG_PID
sleep 1
t_run timeout 30 "${X[@]}" reload
[ "$T_RC" -eq 0 ] || t_fail "reload of the layout-2 bridge failed (exit $T_RC): $T_ERR"
[ "$(layout)" = "$LAYOUT" ] || t_fail "after the reload the layout is '$(layout)', not $LAYOUT"
wait_pid "$PING" $((PINGS / 100 + 30))
ping_check "$T_TMP/ping" $PINGS "ping ns1 -> ns2 at 100/s across the migration"
# The publications' rules as they were; the base chains as this build writes
# them (they gain the rule that sends other DNS names to the host's resolver).
[ "$(pubs)" = "$pubs0" ] || t_fail "the reload changed the publications' chains of table inet $T"
nft list chain inet "$T" prerouting | gq "th dport 53 dnat ip to" ||
	t_fail "after the reload table inet $T has no DNS forward rule: $(nft list chain inet "$T" prerouting | tr '\n\t' '  ')"

# ---- the publications are in the record ----
xjson publish show
jq_ok "$J" 'length == 2 and
	(map(select(.host_port == 8080 and .proto == "tcp" and .station == "ns1" and .station_port == 80 and .host_addr == "" and .rules == 2 and .state == "ok")) | length) == 1 and
	(map(select(.host_port == 5353 and .proto == "udp" and .station == "ns2" and .host_addr == "0.0.0.0" and .rules == 1 and .state == "ok")) | length) == 1' \
	"publish show -j after the migration does not list both publications"
xjson show
jq_ok "$J" '.nat == "masquerade" and .nat_rules == "ok"' "show -j after the migration"
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
assert_peer out udp "$HOST4" 5353 "$OUT4" 53

# ---- and they come back from it after a flush ----
nft flush ruleset || t_fail "nft flush ruleset failed"
xjson publish show
jq_ok "$J" 'length == 2 and all(.[]; .state == "missing")' "publish show -j after the flush"
must "${X[@]}" restore
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
assert_peer out udp "$HOST4" 5353 "$OUT4" 53

must timeout 30 "${X[@]}" down
nft list table inet "$T" >/dev/null 2>&1 && t_fail "down left table inet $T"
[ ! -e "/sys/fs/bpf/xbr/$T_BR" ] || t_fail "down left /sys/fs/bpf/xbr/$T_BR"
t_pass "layout-2 bridge with 2 publications migrated to layout $LAYOUT ($PINGS pings at 100/s lost 0, publication rules untouched); publications recorded from its rules, answer from outside, restored after a flush"
