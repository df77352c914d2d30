#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `xbr up` twice: the second fails with one line naming the bridge, changes
# nothing (not even with other namespaces or options), and the first bridge
# keeps forwarding with its table intact.
T_BR=xtwice
. "$(dirname "$0")/lib.sh"

X=("$XBR" -b "$T_BR")
must timeout 30 "${X[@]}" up
assert_ping ns1 172.16.1.2 2
xjson show
show0=$J
expect_error "second up (same arguments)" "$T_BR" "${X[@]}" up
expect_error "second up (other namespaces)" "$T_BR" "${X[@]}" up ns3 ns4
expect_error "second up (other subnet)" "$T_BR" "${X[@]}" up --subnet 10.30.0.0/16 --gateway 10.30.1.254 ns3
xjson show
[ "$J" = "$show0" ] || t_fail "port table changed: $J"
assert_ping ns1 172.16.1.2 2
assert_ping ns2 172.16.1.254 2
xjson fdb
jq_ok "$J" "[.[] | select(.mac == \"$(station_mac 172.16.1.1)\" and .ifname == \"$T_BR-ns1\")] | length == 1" "fdb lost ns1"
t_pass "second up refused three ways, nothing changed, bridge still forwards"
