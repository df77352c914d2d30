#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Upgrade from the previous release, live (docs/design.md "Pinned layout and
# migration"). The last release (tag v0.1.0, pinned layout 1; its commit is
# in tests/integration/releases) is built from git history; it brings a
# bridge up with static, sticky and learned entries, port flags and traffic.
# Then this build's `xbr reload` migrates the pinned maps to its layout while
# a 100/s ping and a TCP stream run: the ping loses nothing, TCP completes,
# the table keeps every entry with its flags, port policy stays, counters
# only grow, and the layout is recorded. The reverse is refused cleanly: the
# old release's reload fails and the bridge still forwards with its table;
# this build refuses a bridge of a newer layout (99) with one line and
# leaves it forwarding. Last, this build's `down` removes a bridge the old
# release brought up, completely.
T_BR=xupgrade
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"
. "$(dirname "$0")/lib_upgrade.sh"

command -v iperf3 >/dev/null 2>&1 || t_skip "iperf3 not installed"
command -v bpftool >/dev/null 2>&1 || t_skip "bpftool not installed"

# ---- the previous release (lib_upgrade.sh) ----
REL=$(awk '!/^#/ && NF { print $1, $2; exit }' "$T_LIBDIR/releases")
REL_TAG=${REL% *} REL_COMMIT=${REL#* }
if git -C "$T_REPO" rev-parse -q --verify "$REL_TAG^{commit}" >/dev/null 2>&1; then
	old_build "$REL_TAG" "release $REL_TAG"
else
	old_build "$REL_COMMIT" "release $REL_TAG"
fi

old() { "$OLD" -b "$T_BR" "$@"; }
# This build's pinned layout.
LAYOUT=$(awk '$2 == "XBR_LAYOUT_VERSION" { print $3 }' "$T_REPO/include/xbr.h")
layout() { bpftool -j map dump pinned "/sys/fs/bpf/xbr/$1/xbr_layout" 2>/dev/null | jq -r 'if type == "array" then .[0].formatted.value // empty else empty end'; }
# entries OUT: mac, port name and kind of every entry, from either build's fdb -j.
entries() { jq -c 'map({mac, netns, static: (.state == "static"), sticky: ((.flags // []) | index("sticky") != null)}) | sort_by(.mac)'; }

# ---- a bridge of the old release, with every kind of state ----
must timeout 30 "$OLD" -b "$T_BR" up --mode "$XBR_MODE" ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16 ns4=172.16.1.4/16
[ -z "$(layout "$T_BR")" ] || t_fail "the old release already records a layout"
MS=02:00:5e:00:0a:01 MK=02:00:5e:00:0a:02
must timeout 20 "$OLD" -b "$T_BR" fdb add $MS port ns3 static
must timeout 20 "$OLD" -b "$T_BR" fdb add $MK port ns4 sticky
must timeout 20 "$OLD" -b "$T_BR" port set ns2 max-learned 50 hairpin on
must timeout 20 "$OLD" -b "$T_BR" port set ns4 isolated on
for ns in ns1 ns2 ns3 ns4; do assert_ping $ns 172.16.1.254 1; done
assert_ping ns1 172.16.1.2 2
assert_ping ns2 172.16.1.3 2
F0=$(timeout 10 "$OLD" -b "$T_BR" -j fdb | entries) || t_fail "old fdb -j failed"
S0=$(timeout 10 "$OLD" -b "$T_BR" -j stats) || t_fail "old stats -j failed"
[ "$(jq length <<<"$F0")" -ge 7 ] || t_fail "expected >= 7 entries (5 learned, static, sticky): $F0"

# ---- this build's reload, under traffic ----
t_bg ip netns exec ns3 timeout 40 iperf3 -s -1 -B 172.16.1.3 -p 5201 >"$T_TMP/iperf.server" 2>&1
wait_until 10 sh -c "ip netns exec ns3 ss -ltn | grep -q ':5201'" || t_fail "iperf3 server did not start"
# TCP from ns4, not from a station of the ping: TCP fills its sender's veth
# ring, and a full ring drops what else that station sends (CI run A2 and
# here: ns2 pinged while it sent the stream, eth0 tx_dropped 64, one reply
# lost).
t_bg timeout 40 ip netns exec ns4 iperf3 -c 172.16.1.3 -p 5201 -t 5 -J >"$T_TMP/iperf.json" 2>&1
IPERF=$T_BG_PID
PINGS=500
ping_start ns1 172.16.1.2 $PINGS 0.01 "$T_TMP/ping"
PING=$T_BG_PID
sleep 1.5
t_run timeout 30 "$XBR" -b "$T_BR" reload
[ "$T_RC" -eq 0 ] || t_fail "reload of the $REL_TAG bridge failed (exit $T_RC): $T_ERR"
[ "$(layout "$T_BR")" = "$LAYOUT" ] || t_fail "after the reload the pinned layout is '$(layout "$T_BR")', not $LAYOUT"
wait_pid $PING $((PINGS / 100 + 30))
ping_check "$T_TMP/ping" $PINGS "ping ns1 -> ns2 at 100/s across the migration"
wait_pid $IPERF 40
jq -e '.error == null and .end.sum_received.bytes > 0 and .end.sum_received.seconds >= 4' "$T_TMP/iperf.json" >/dev/null 2>&1 ||
	t_fail "iperf3 ns4 -> ns3 across the migration failed: $(jq -r '.error // "no result"' "$T_TMP/iperf.json" 2>/dev/null | head -1)"

xjson fdb
F1=$(entries <<<"$J")
missing=$(jq -rn --argjson a "$F0" --argjson b "$F1" '[$a[] | select(. as $e | $b | index([$e]) | not) | "\(.mac)@\(.netns)"] | join(" ")')
[ -z "$missing" ] || t_fail "the migration lost or changed fdb entries: $missing (before $F0, after $F1)"
xjson show
jq_ok "$J" '.mode == "'"$XBR_MODE"'"' "mode lost by the migration"
jq_ok "$J" '(.ports[] | select(.netns == "ns2") | .flags | index("hairpin") != null) and (.ports[] | select(.netns == "ns4") | .flags | index("isolated") != null)' "port flags lost by the migration"
jq_ok "$J" '[.ports[] | .kind] | sort == ["gateway", "station", "station", "station", "station"]' "port kinds not derived by the migration"
stats_get
jq_ok "$S" '.ports[] | select(.netns == "ns2") | .max_learned == 50' "max-learned lost by the migration"
bad=$(jq -rn --argjson a "$S0" --argjson b "$S" '
	[($a.fdb | to_entries[] | . as $e | select(($b.fdb[$e.key] // -1) < $e.value) | "fdb.\($e.key)")] +
	[$a.ports[] as $p | ($b.ports[] | select(.ifname == $p.ifname)) as $q |
	 (["rx_packets","rx_bytes","tx_packets","tx_bytes","rx_flood"][] as $k | select($q[$k] < $p[$k]) | "\($p.ifname).\($k) \($p[$k])->\($q[$k])"),
	 ($p.drops | to_entries[] | select(($q.drops[.key] // -1) < .value) | "\($p.ifname).drops.\(.key)")] | join(", ")')
[ -z "$bad" ] || t_fail "counters went back in the migration: $bad"
rx0=$(jq -r '.ports[] | select(.netns == "ns1") | .rx_packets' <<<"$S0")
rx1=$(port_stat "$S" ns1 .rx_packets)
[ "$rx1" -ge $((rx0 + PINGS)) ] || t_fail "ns1 rx_packets $rx0 -> $rx1: the pings during the migration were not all counted"
# The learned count carried over: static/sticky entries are not counted.
assert_ping ns1 172.16.1.3 2
assert_ping ns4 172.16.1.1 2
must timeout 20 "$XBR" -b "$T_BR" port add ns5
assert_ping ns5 172.16.1.1 2

# ---- the reverse: refused, the bridge untouched and forwarding ----
xjson fdb
F2=$(entries <<<"$J")
t_run timeout 30 "$OLD" -b "$T_BR" reload
[ "$T_RC" -ne 0 ] || t_fail "the old release reloaded a layout-$LAYOUT bridge (exit 0)"
[ "$(layout "$T_BR")" = "$LAYOUT" ] || t_fail "the old release's refused reload changed the layout"
assert_ping ns1 172.16.1.2 2
xjson fdb
F3=$(entries <<<"$J")
[ "$(jq -rn --argjson a "$F2" --argjson b "$F3" '[$a[] | select(. as $e | $b | index([$e]) | not)] | length')" -eq 0 ] ||
	t_fail "the old release's refused reload lost entries"

# A bridge of a newer layout than this build's: refused with one line, untouched.
bpftool map update pinned "/sys/fs/bpf/xbr/$T_BR/xbr_layout" key 0 0 0 0 value 99 0 0 0 ||
	t_fail "cannot mark the bridge as layout 99"
t_run timeout 30 "$XBR" -b "$T_BR" reload
[ "$T_RC" -ne 0 ] || t_fail "this build reloaded a bridge of layout 99"
[ "$(t_nlines "$T_ERR")" -eq 1 ] || t_fail "refusal of layout 99: not one line: $T_ERR"
case $T_ERR in *"$T_BR"*"layout 99"*) ;; *) t_fail "refusal of layout 99 does not name the bridge and layout: $T_ERR" ;; esac
t_run timeout 30 "$XBR" -b "$T_BR" show
[ "$T_RC" -ne 0 ] && [ "$(t_nlines "$T_ERR")" -eq 1 ] || t_fail "show of a layout-99 bridge: exit $T_RC: $T_ERR"
assert_ping ns1 172.16.1.2 2
bpftool map update pinned "/sys/fs/bpf/xbr/$T_BR/xbr_layout" key 0 0 0 0 value "$LAYOUT" 0 0 0
must timeout 30 "$XBR" -b "$T_BR" down
clean_state >"$T_TMP/left" || t_fail "down after the upgrade left: $(cat "$T_TMP/left")"

# ---- this build's down of a bridge the old release brought up ----
must timeout 30 "$OLD" -b "$T_BR" up --mode "$XBR_MODE" ns1 ns2
assert_ping ns1 172.16.1.2 1
t_run timeout 30 "$XBR" -b "$T_BR" show
case $T_ERR in *reload*) ;; *) t_fail "show of a layout-1 bridge does not say to reload: $T_ERR" ;; esac
must timeout 30 "$XBR" -b "$T_BR" down
clean_state >"$T_TMP/left" || t_fail "down of a $REL_TAG bridge left: $(cat "$T_TMP/left")"

t_pass "$REL_TAG bridge migrated live to layout $LAYOUT ($PINGS pings at 100/s lost 0, TCP completed, $(jq length <<<"$F0") entries, flags and counters kept); old reload and layout 99 refused, bridge untouched; down of a $REL_TAG bridge clean"
