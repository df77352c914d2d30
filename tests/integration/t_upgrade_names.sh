#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-timeout: 300
# test-serial: asserts 0 pings lost across the live migration
# Upgrade from pinned layout 3, whose datapath answered no names (docs/
# design.md "Pinned layout and migration"): the last layout-3 build (commit
# below, built from git history like t_upgrade's release) brings up ns1, ns2
# and an attached namespace; this build's `reload` migrates it to its layout
# while a 100/s ping runs: the ping loses nothing, the forwarding table is
# kept, and the new name table holds every named port at once (`xbr dns`),
# which the datapath answers (A, PTR); the stations get their resolv.conf,
# the nf_tables table this build's DNS forward rule, and `show` says the
# rules are complete.
T_BR=xupgnam
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_upgrade.sh"
. "$(dirname "$0")/lib_attack.sh"

command -v bpftool >/dev/null 2>&1 || t_skip "bpftool not installed"
command -v python3 >/dev/null 2>&1 || t_skip "tool 'python3' not installed (tools/deps.sh test)"

# The last commit of pinned layout 3 (before xbr_names and xbr_rnames).
L3_COMMIT=77cd794cdf46fb38e335a4c0f1e203416f87206e
old_build "$L3_COMMIT" "layout-3 commit $L3_COMMIT"

X=("$XBR" -b "$T_BR")
LAYOUT=$(awk '$2 == "XBR_LAYOUT_VERSION" { print $3 }' "$T_REPO/include/xbr.h")
layout() { bpftool -j map dump pinned "/sys/fs/bpf/xbr/$T_BR/xbr_layout" 2>/dev/null | jq -r '.[0].formatted.value // empty'; }
Q="python3 $T_REPO/tools/dns/dnsq.py"

must timeout 30 "$OLD" -b "$T_BR" up --mode "$XBR_MODE" ns1 ns2
[ "$(layout)" = 3 ] || t_fail "the layout-3 build recorded layout '$(layout)'"
ip netns add xupg-att || t_fail "cannot add a namespace to attach"
T_CLEANUP_HOOK=cleanup_att
cleanup_att() { ip netns del xupg-att 2>/dev/null; }
must timeout 30 "$OLD" -b "$T_BR" port add app 172.16.1.9/16 netns /run/netns/xupg-att
[ ! -e /etc/netns/ns1/resolv.conf ] || t_fail "the layout-3 build wrote a resolv.conf"
assert_ping ns1 172.16.1.2 2
assert_ping ns1 172.16.1.9 2
J=$("$OLD" -b "$T_BR" -j fdb show) || t_fail "fdb show of the layout-3 build failed"
fdb0=$(jq_val "$J" '[.[] | select(.flags | index("static") | not) | .mac] | sort | join(",")')

# ---- this build's reload, under a ping ----
PINGS=300
ping_start ns1 172.16.1.2 $PINGS 0.01 "$T_TMP/ping"
PING=$T_BG_PID
sleep 1
t_run timeout 30 "${X[@]}" reload
[ "$T_RC" -eq 0 ] || t_fail "reload of the layout-3 bridge failed (exit $T_RC): $T_ERR"
[ "$(layout)" = "$LAYOUT" ] || t_fail "after the reload the layout is '$(layout)', not $LAYOUT"
wait_pid "$PING" $((PINGS / 100 + 30))
ping_check "$T_TMP/ping" $PINGS "ping ns1 -> ns2 at 100/s across the migration"
xjson fdb show
jq_ok "$J" "([.[] | .mac] | sort | join(\",\")) as \$now | \"$fdb0\" | split(\",\") | all(. as \$m | \$now | contains(\$m))" "the learned entries after the migration (were $fdb0)"

# ---- the names are there, and answered ----
xjson dns
jq_ok "$J" "[.names[] | \"\(.name) \(.addr)\"] == [\"app 172.16.1.9\",\"ns1 172.16.1.1\",\"ns2 172.16.1.2\"] and .domain == \"$T_BR\"" "xbr dns -j after the migration"
J=$(ip netns exec ns1 $Q 172.16.1.254 app.$T_BR)
jq_ok "$J" '.aa and .rcode == 0 and ([.answers[].data] == ["172.16.1.9"])' "A of the attached port after the migration"
J=$(ip netns exec xupg-att $Q 172.16.1.254 1.1.16.172.in-addr.arpa PTR)
jq_ok "$J" ".aa and ([.answers[].data] == [\"ns1.$T_BR\"])" "PTR after the migration"
grep -q "nameserver 172.16.1.254" /etc/netns/ns1/resolv.conf 2>/dev/null ||
	t_fail "ns1 has no resolv.conf naming the gateway after the migration"
out=$(ip netns exec ns1 getent ahostsv4 ns2 | head -1)
case $out in "172.16.1.2 "*) ;; *) t_fail "getent ahostsv4 ns2 after the migration: $out" ;; esac
xjson show
jq_ok "$J" '.nat_rules == "ok" and .dns' "show -j after the migration (nf_tables rules of this build)"

must "${X[@]}" port del app
must timeout 30 "${X[@]}" down
[ -z "$(ls -A /etc/netns)" ] || t_fail "down left in /etc/netns: $(ls -A /etc/netns)"
[ ! -e "/sys/fs/bpf/xbr/$T_BR" ] || t_fail "down left /sys/fs/bpf/xbr/$T_BR"
t_pass "layout-3 bridge (2 stations, 1 attached port) migrated to layout $LAYOUT ($PINGS pings at 100/s lost 0, table kept): 3 names at once, A and PTR answered, stations' resolv.conf and the DNS forward rule added"
