#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# Address allocation: namespaces given without an address get the next free
# one from the gateway's /24, skipping the gateway and addresses given
# explicitly (even later on the command line); `port add` continues from
# there; a full subnet refuses the next namespace with one line and no trace.
T_BR=xalloc
. "$(dirname "$0")/lib.sh"

X=("$XBR" -b "$T_BR")
addr_of() { jq -r ".ports[] | select(.netns == \"$1\") | \"\\(.addr)/\\(.prefixlen)\"" <<<"$J"; }

must timeout 30 "${X[@]}" up ns1 ns2=172.16.1.1/16 ns3
xjson show
[ "$(addr_of ns2)" = 172.16.1.1/16 ] || t_fail "ns2 got $(addr_of ns2), asked for 172.16.1.1/16"
[ "$(addr_of ns1)" = 172.16.1.2/16 ] || t_fail "ns1 got $(addr_of ns1), expected 172.16.1.2/16"
[ "$(addr_of ns3)" = 172.16.1.3/16 ] || t_fail "ns3 got $(addr_of ns3), expected 172.16.1.3/16"
for ns in ns1 ns2 ns3; do
	a=$(addr_of $ns)
	[ "$(ip -n $ns -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')" = "$a" ] ||
		t_fail "$ns eth0 does not hold $a"
done
assert_ping ns1 172.16.1.3 2
must timeout 30 "${X[@]}" down

# A /29 with the gateway at .6: room for exactly five stations.
must timeout 30 "${X[@]}" up --subnet 10.60.0.0/29 --gateway 10.60.0.6 s1 s2 s3 s4
xjson show
[ "$(jq -r '[.ports[1:][] | .addr] | join(" ")' <<<"$J")" = "10.60.0.1 10.60.0.2 10.60.0.3 10.60.0.4" ] ||
	t_fail "allocation in the /29: $(jq -c '[.ports[].addr]' <<<"$J")"
must timeout 30 "${X[@]}" port add s5
[ "$T_OUT" = "port $T_BR-s5: namespace s5 eth0 10.60.0.5/29" ] || t_fail "port add s5 printed: $T_OUT"
expect_error "port add into a full subnet" s6 "${X[@]}" port add s6
assert_ping s5 10.60.0.1 2
assert_ping s1 10.60.0.6 2
must timeout 30 "${X[@]}" port del s2
must timeout 30 "${X[@]}" port add s6
[ "$T_OUT" = "port $T_BR-s6: namespace s6 eth0 10.60.0.2/29" ] || t_fail "port add s6 after del s2 printed: $T_OUT"
assert_ping s6 10.60.0.5 2
t_pass "auto addresses skip gateway and explicit ones, continue in port add, reuse freed ones; full /29 refused cleanly"
