#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The way out (issue 12): with a namespace "out" playing the outside network
# (lib_nat.sh), a station reaches an outside server over TCP, UDP and ICMP,
# IPv4 and IPv6, and the server sees the host's outside address; `set nat
# off` lets the station's own address through and `set nat on` translates
# again, `set nat6 off` lets IPv6 through untranslated while IPv4 is;
# traffic between stations meets no netfilter hook of the host (not
# even netdev ingress on the ports) while traffic to the gateway does; `down`
# leaves the ruleset exactly as before and forwarding as it was, also with
# two bridges (the second keeps forwarding on until it goes too).
T_BR=xnat
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nat.sh"

sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 || t_fail "cannot set forwarding off"
nat_outside
# What the outside sees arrive: echo requests by source.
ip netns exec out nft -f - <<EOF || t_fail "cannot add the outside's counters"
table inet seen {
	counter host4 {}
	counter station4 {}
	counter host6 {}
	counter station6 {}
	chain input {
		type filter hook input priority 0; policy accept;
		ip saddr $HOST4 icmp type echo-request counter name host4
		ip saddr 172.16.0.0/16 icmp type echo-request counter name station4
		ip6 saddr $HOST6 icmpv6 type echo-request counter name host6
		ip6 saddr fd00:172:16::/64 icmpv6 type echo-request counter name station6
	}
}
EOF
seen() { ip netns exec out nft list counter inet seen "$1" | grep -o 'packets [0-9]*' | cut -d' ' -f2; }

before=$(ruleset)
[ -z "$before" ] || t_log "ruleset before up is not empty: $before"
# A failure writing the table: one line, nothing left (ruleset, forwarding too).
expect_error "up with the table refused" '"'"$T_BR"'"' env XBR_FAULT=nat-table "$XBR" -b "$T_BR" up ns1 ns2
[ "$(ruleset)" = "$before" ] && [ "$(forwarding)" = "0 0" ] || t_fail "a failed up left a ruleset or forwarding on"
must timeout 30 "$XBR" -b "$T_BR" up ns1 ns2
[ "$(forwarding)" = "1 1" ] || t_fail "up left forwarding at $(forwarding), expected 1 1"
xjson show
jq_ok "$J" '.nat == "masquerade"' "show does not say nat masquerade"
must "$XBR" -b "$T_BR" show
case $T_OUT in *" nat masquerade "*) ;; *) t_fail "show (text) does not say nat masquerade: $T_OUT" ;; esac

# ---- out, masqueraded ----
serve out tcp 5000
serve out udp 5001
assert_peer ns1 tcp "$OUT4" 5000 "$HOST4"
assert_peer ns1 udp "$OUT4" 5001 "$HOST4"
assert_peer ns2 tcp "$OUT6" 5000 "$HOST6"
assert_peer ns2 udp "$OUT6" 5001 "$HOST6"
assert_ping ns1 "$OUT4" 2
assert_ping ns1 "$OUT6" 2
[ "$(seen host4)" -ge 2 ] && [ "$(seen station4)" -eq 0 ] ||
	t_fail "echo requests seen outside: $(seen host4) from the host, $(seen station4) from stations (expected >= 2 and 0)"
[ "$(seen host6)" -ge 2 ] && [ "$(seen station6)" -eq 0 ] ||
	t_fail "IPv6 echo requests seen outside: $(seen host6) from the host, $(seen station6) from stations"

# ---- station to station: no netfilter hook, gateway: the host stack ----
nft -f - <<EOF || t_fail "cannot add the test's counters"
table inet xtcount {
	counter s2s {}
	counter gw {}
	chain c_pre { type filter hook prerouting priority -400; policy accept; jump c; }
	chain c_in { type filter hook input priority -400; policy accept; jump c; }
	chain c_fwd { type filter hook forward priority -400; policy accept; jump c; }
	chain c_out { type filter hook output priority -400; policy accept; jump c; }
	chain c_post { type filter hook postrouting priority -400; policy accept; jump c; }
	chain c {
		ip saddr { 172.16.1.1, 172.16.1.2 } ip daddr { 172.16.1.1, 172.16.1.2 } counter name s2s
		ip6 saddr { fd00:172:16::ac10:101, fd00:172:16::ac10:102 } ip6 daddr { fd00:172:16::ac10:101, fd00:172:16::ac10:102 } counter name s2s
		ip saddr 172.16.1.1 ip daddr 172.16.1.254 counter name gw
	}
}
table netdev xtcount {
	counter s2s {}
	chain p1 { type filter hook ingress device "$T_BR-ns1" priority -500; policy accept; ip daddr 172.16.1.2 counter name s2s; ip6 daddr fd00:172:16::ac10:102 counter name s2s; }
	chain p2 { type filter hook ingress device "$T_BR-ns2" priority -500; policy accept; ip daddr 172.16.1.1 counter name s2s; ip6 daddr fd00:172:16::ac10:101 counter name s2s; }
}
EOF
serve ns2 tcp 7000
assert_ping ns1 172.16.1.2 3
assert_ping ns1 fd00:172:16::ac10:102 3
assert_peer ns1 tcp 172.16.1.2 7000 172.16.1.1
assert_peer ns1 tcp fd00:172:16::ac10:102 7000 fd00:172:16::ac10:101
assert_ping ns1 172.16.1.254 2
n_inet=$(nft list counter inet xtcount s2s | grep -o 'packets [0-9]*')
n_netdev=$(nft list counter netdev xtcount s2s | grep -o 'packets [0-9]*')
n_gw=$(nft list counter inet xtcount gw | grep -o 'packets [0-9]*')
[ "$n_inet" = "packets 0" ] || t_fail "station-to-station traffic met the host's inet hooks: $n_inet"
[ "$n_netdev" = "packets 0" ] || t_fail "station-to-station traffic met netdev ingress on a port: $n_netdev"
[ "${n_gw#packets }" -ge 2 ] || t_fail "traffic to the gateway did not reach the host stack: $n_gw"
nft delete table inet xtcount && nft delete table netdev xtcount || t_fail "cannot remove the test's counters"

# ---- set nat off: untranslated (the outside routes the subnet back) ----
ip -n out route add 172.16.0.0/16 via "$HOST4" && ip -n out -6 route add fd00:172:16::/64 via "$HOST6" ||
	t_fail "cannot route the subnet back from outside"
must "$XBR" -b "$T_BR" set nat off
xjson show
jq_ok "$J" '.nat == "off"' "show does not say nat off"
assert_peer ns1 tcp "$OUT4" 5000 172.16.1.1
assert_peer ns1 udp "$OUT6" 5001 fd00:172:16::ac10:101
assert_ping ns2 "$OUT4" 2
[ "$(seen station4)" -ge 2 ] || t_fail "with nat off, the outside saw no echo request from a station address"
# Still nothing enters unasked: the outside cannot open a connection to a station.
assert_no_answer out tcp 172.16.1.2 7000 "an unpublished station port is reachable from outside"
must "$XBR" -b "$T_BR" set nat on
assert_peer ns1 tcp "$OUT4" 5000 "$HOST4"
assert_peer ns1 tcp "$OUT6" 5000 "$HOST6"
# nat6 off: IPv4 still masqueraded, IPv6 leaves with the station's own
# address (Docker's bridge networks); on again: both translated.
must "$XBR" -b "$T_BR" set nat6 off
xjson show
jq_ok "$J" '.nat == "masquerade" and .nat6 == "off"' "show does not say nat masquerade, nat6 off"
"$XBR" -b "$T_BR" show | head -1 | gq " nat masquerade nat6 off " || t_fail "show's text does not say nat6 off: $("$XBR" -b "$T_BR" show | head -1)"
assert_peer ns1 tcp "$OUT4" 5000 "$HOST4"
assert_peer ns1 tcp "$OUT6" 5000 fd00:172:16::ac10:101
must "$XBR" -b "$T_BR" set nat6 on
xjson show
jq_ok "$J" '.nat6 == "masquerade"' "show does not say nat6 masquerade after set nat6 on"
assert_peer ns1 tcp "$OUT6" 5000 "$HOST6"
t_run "$XBR" -b "$T_BR" set nat6 maybe
[ "$T_RC" -ne 0 ] && [ "$(t_nlines "$T_ERR")" -eq 1 ] && [[ $T_ERR == *'nat6 "maybe": not on or off'* ]] ||
	t_fail "set nat6 maybe: not refused in one line (exit $T_RC): $T_ERR"

# ---- down: the ruleset as before, forwarding as it was ----
must timeout 30 "$XBR" -b "$T_BR" down
[ "$(ruleset)" = "$before" ] || t_fail "down changed the ruleset: $(diff <(echo "$before") <(ruleset) | head -10 | tr '\n' '|')"
[ "$(forwarding)" = "0 0" ] || t_fail "down left forwarding at $(forwarding), it was 0 0"

# Forwarding on before: left on. Two bridges: the last one down restores it.
sysctl -qw net.ipv4.ip_forward=1 || t_fail "cannot set ip_forward"
must timeout 30 "$XBR" -b "$T_BR" up ns1
must timeout 30 "$XBR" -b "$T_BR" down
[ "$(forwarding)" = "1 0" ] || t_fail "down switched off forwarding that was on before up: $(forwarding)"
sysctl -qw net.ipv4.ip_forward=0 || t_fail "cannot set ip_forward"
T_BRIDGES+=(xnat2)
must timeout 30 "$XBR" -b "$T_BR" up ns1
must timeout 30 "$XBR" -b xnat2 up --subnet 10.99.0.0/16 --gateway 10.99.0.254 na=10.99.0.1/16
must timeout 30 "$XBR" -b "$T_BR" down
[ "$(forwarding)" = "1 1" ] || t_fail "down of one bridge switched forwarding off under another: $(forwarding)"
assert_peer na tcp "$OUT4" 5000 "$HOST4"
must timeout 30 "$XBR" -b xnat2 down
[ "$(forwarding)" = "0 0" ] || t_fail "down of the last bridge left forwarding at $(forwarding), it was 0 0"
[ "$(ruleset)" = "$before" ] || t_fail "two bridges up and down changed the ruleset: $(ruleset | head -5 | tr '\n' '|')"
t_pass "TCP/UDP/ICMP out over IPv4 and IPv6 as the host's address; nat off/on; nat6 off (IPv6 untranslated, IPv4 still masqueraded)/on; stations never meet netfilter; down restores ruleset and forwarding"
