#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# Defaults that follow --subnet: without --gateway the gateway is address 254
# of the subnet's second /24 (10.77.1.254 for 10.77.0.0/16), or the last
# address before broadcast for a /24; stations count up from the gateway's
# /24; the IPv6 prefix follows too. `up --subnet` alone works, and every
# station pings its gateway (IPv4 and IPv6). The default lab keeps
# 172.16.1.254.
T_BR=xsubnet
. "$(dirname "$0")/lib.sh"

B2=xsubnet2 B3=xsubnet3
T_BRIDGES+=("$B2" "$B3")

# The issue's command, as written.
must timeout 30 "$XBR" -b "$T_BR" up --subnet 10.77.0.0/16 q2
xjson show
jq_ok "$J" '.subnet == "10.77.0.0/16" and .gateway == "10.77.1.254" and .subnet6 == "fd00:10:77::/64"' "show: gateway or IPv6 prefix do not follow --subnet"
jq_ok "$J" '.ports[] | select(.netns == "q2") | .addr == "10.77.1.1" and .prefixlen == 16' "q2 is not 10.77.1.1/16"
assert_ping q2 10.77.1.254 3
ip netns exec q2 ping -6 -n -q -c 2 -i 0.2 -W 2 fd00:10:77::a4d:1fe >/dev/null 2>&1 ||
	t_fail "q2 does not ping its IPv6 gateway fd00:10:77::a4d:1fe"
ip -4 route show dev "$T_BR" | gq '^10.77.0.0/16 ' || t_fail "no route to 10.77.0.0/16 on $T_BR: $(ip -4 route show dev "$T_BR")"

# A /24: the gateway is its .254.
must timeout 30 "$XBR" -b "$B2" up --subnet 10.78.5.0/24 r1 r2
xjson_b "$B2" show
jq_ok "$J" '.gateway == "10.78.5.254"' "/24: gateway is not 10.78.5.254"
jq_ok "$J" '[.ports[] | select(.netns != "") | .addr] | sort == ["10.78.5.1", "10.78.5.2"]' "/24: stations not 10.78.5.1 and .2"
assert_ping r1 10.78.5.254 2
assert_ping r1 10.78.5.2 2

# Without names: the lab's ns1 and ns2, in the given subnet.
must timeout 30 "$XBR" -b "$B3" up --subnet 10.79.0.0/16
xjson_b "$B3" show
jq_ok "$J" '.gateway == "10.79.1.254" and ([.ports[] | select(.netns != "") | "\(.netns)=\(.addr)"] | sort == ["ns1=10.79.1.1", "ns2=10.79.1.2"])' "lab in 10.79.0.0/16: not ns1=10.79.1.1 ns2=10.79.1.2 behind 10.79.1.254"
assert_ping ns1 10.79.1.254 2
assert_ping ns1 10.79.1.2 2
must timeout 30 "$XBR" -b "$B3" down

# An explicit --gateway still wins; the default lab keeps 172.16.1.254.
must timeout 30 "$XBR" -b "$B3" up --subnet 10.80.0.0/16 --gateway 10.80.0.1 s1
xjson_b "$B3" show
jq_ok "$J" '.gateway == "10.80.0.1"' "--gateway 10.80.0.1 not kept"
assert_ping s1 10.80.0.1 2
must timeout 30 "$XBR" -b "$B3" down
must timeout 30 "$XBR" -b "$B3" up
xjson_b "$B3" show
jq_ok "$J" '.subnet == "172.16.0.0/16" and .gateway == "172.16.1.254" and ([.ports[] | select(.netns != "") | .addr] | sort == ["172.16.1.1", "172.16.1.2"])' "default lab changed"
t_pass "--subnet alone: gateway 10.77.1.254 (/16), 10.78.5.254 (/24), 10.79.1.254 for the lab, pinged over IPv4 and IPv6; --gateway wins; default lab 172.16.1.254"
