#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# IPv6 across the bridge: every station has prefix + IPv4 as its address and
# a default route via the gateway's; neighbour discovery (multicast) floods,
# so ping -6 works both ways and to the gateway. `xbr monitor -j` reports the
# table events the traffic causes, one JSON object per line.
T_BR=xipv6
. "$(dirname "$0")/lib.sh"

must timeout 30 "$XBR" -b "$T_BR" up --subnet6 fd00:99::/64 ns1 ns2
xjson show
jq_ok "$J" '.subnet6 == "fd00:99::/64"' "show: subnet6"
jq_ok "$J" '.ports[] | select(.netns == "ns1") | .addr6 == "fd00:99::ac10:101"' "show: ns1 addr6"

a=$(ip -n ns1 -j -6 addr show dev eth0 scope global)
jq_ok "$a" '[.[0].addr_info[] | .local] | index("fd00:99::ac10:101") != null' "ns1 eth0 has no fd00:99::ac10:101"
r=$(ip -n ns1 -j -6 route show default)
jq_ok "$r" '.[0].gateway == "fd00:99::ac10:1fe"' "ns1 IPv6 default route"

# Events: start the monitor, then make traffic; it stops after 2 events.
t_bg timeout 20 "$XBR" -b "$T_BR" -j monitor count 2 >"$T_TMP/mon.json"
mon=$T_BG_PID
sleep 0.5
must xbr fdb flush dynamic

ping6_ok() {
	# No pipe into grep -q: under pipefail ping's last line can meet a closed pipe.
	local out
	out=$(timeout 15 ip netns exec "$1" ping -6 -n -q -c 3 -i 0.2 -W 2 "$2" 2>&1) &&
		[[ $out == *' 0% packet loss'* ]]
}
ping6_ok ns1 fd00:99::ac10:102 || t_fail "ping -6 ns1 -> ns2 lost packets"
ping6_ok ns2 fd00:99::ac10:101 || t_fail "ping -6 ns2 -> ns1 lost packets"
ping6_ok ns1 fd00:99::ac10:1fe || t_fail "ping -6 ns1 -> gateway lost packets"
wait "$mon" 2>/dev/null
lines=$(wc -l <"$T_TMP/mon.json")
[ "$lines" -ge 2 ] || t_fail "monitor count 2 printed $lines lines: $(cat "$T_TMP/mon.json")"
while read -r l; do
	jq_ok "$l" '(.event | test("^(learned|moved|aged|deleted|added)$")) and (.mac | test("^[0-9a-f:]{17}$")) and .master == "'"$T_BR"'"' "monitor: bad event line"
done <"$T_TMP/mon.json"

xjson fdb
jq_ok "$J" "[.[] | select(.netns == \"ns1\" or .netns == \"ns2\")] | length >= 2" "fdb: stations not learned from IPv6 traffic"
t_pass "ping -6 both ways and to the gateway, addresses/routes from --subnet6, monitor -j events ($XBR_MODE)"
