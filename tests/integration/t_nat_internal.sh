#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `up --internal` (issue 12): on a host that forwards (as a Docker host
# does), nothing leaves the bridge and nothing enters it, stations still
# reach one another and the gateway, publishing and `set nat` are refused in
# one line, forwarding is left alone. `up --no-nat`: stations' traffic leaves
# untranslated and published ports work. The two options exclude each other.
T_BR=xnatint
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nat.sh"

X=("$XBR" -b "$T_BR")
nat_outside
ip -n out route add 172.16.0.0/16 via "$HOST4" && ip -n out -6 route add fd00:172:16::/64 via "$HOST6" ||
	t_fail "cannot route the subnet back from outside"
sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || t_fail "cannot switch forwarding on"
before=$(ruleset)

# ---- internal ----
must timeout 30 "${X[@]}" up --internal ns1 ns2
xjson show
jq_ok "$J" '.nat == "internal"' "show does not say nat internal"
serve out tcp 5000
serve ns1 tcp 80
serve ns1 udp 53
assert_no_answer ns1 tcp "$OUT4" 5000 "a station of an internal bridge reached the outside"
assert_no_answer ns1 tcp "$OUT6" 5000 "a station of an internal bridge reached the outside over IPv6"
assert_no_ping ns2 "$OUT4"
assert_no_answer out tcp 172.16.1.1 80 "the outside reached a station of an internal bridge"
assert_no_answer out udp 172.16.1.1 53 "the outside reached a station of an internal bridge (UDP)"
assert_no_answer out tcp fd00:172:16::ac10:101 80 "the outside reached a station of an internal bridge over IPv6"
assert_ping ns1 172.16.1.2 2
assert_ping ns1 172.16.1.254 2
assert_peer ns2 tcp 172.16.1.1 80 172.16.1.2 80
expect_error "publish on an internal bridge" '"'"$T_BR"'"' "${X[@]}" publish add 8080 ns1:80
expect_error "set nat on an internal bridge" '"'"$T_BR"'"' "${X[@]}" set nat on
must timeout 30 "${X[@]}" down
[ "$(ruleset)" = "$before" ] || t_fail "down changed the ruleset"
[ "$(forwarding)" = "1 1" ] || t_fail "an internal bridge changed forwarding: $(forwarding)"

# ---- --no-nat ----
expect_error "--no-nat with --internal" "--internal" "${X[@]}" up --no-nat --internal ns1
must timeout 30 "${X[@]}" up --no-nat ns1 ns2
serve ns1 tcp 80 # in the new ns1 (the first server lives on in the old one)
xjson show
jq_ok "$J" '.nat == "off"' "show does not say nat off"
assert_peer ns2 tcp "$OUT4" 5000 172.16.1.2
assert_peer ns2 tcp "$OUT6" 5000 fd00:172:16::ac10:102
assert_no_answer out tcp 172.16.1.1 80 "an unpublished station port is reachable from outside with nat off"
must "${X[@]}" publish add 8080 ns1:80
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
must timeout 30 "${X[@]}" down
[ "$(ruleset)" = "$before" ] || t_fail "down changed the ruleset"
[ "$(forwarding)" = "1 1" ] || t_fail "down switched forwarding that was on before: $(forwarding)"
t_pass "internal: nothing leaves or enters, stations and gateway reachable, publish/set nat refused; no-nat: untranslated out, published in"
