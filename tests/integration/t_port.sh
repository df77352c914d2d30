#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `port add` and `port del` on a live bridge.
# add: the new namespace gets the next free address (or the one given), a
# port, and pings the others and the gateway; the others ping it.
# del: the namespace, its veth pair and its FDB entries are gone, the show
# table no longer lists it, the remaining ports keep forwarding (also the
# port whose flood slot moved into the freed one), and the name can be
# added again. Deleting an unknown port fails with one line.
T_BR=xport
. "$(dirname "$0")/lib.sh"

must timeout 30 "$XBR" -b "$T_BR" up
assert_ping ns1 172.16.1.2 2

# add with the next free address
must timeout 30 "$XBR" -b "$T_BR" port add ns3
[ "$T_OUT" = "port $T_BR-ns3: namespace ns3 eth0 172.16.1.3/16" ] || t_fail "port add printed: $T_OUT"
ip netns list | gq -w ns3 || t_fail "namespace ns3 not created"
[ -e "/sys/class/net/$T_BR-ns3" ] || t_fail "host-side port $T_BR-ns3 not created"
# add with an explicit address in another /24 of the subnet
must timeout 30 "$XBR" -b "$T_BR" port add ns4 172.16.7.4/16
[ "$T_OUT" = "port $T_BR-ns4: namespace ns4 eth0 172.16.7.4/16" ] || t_fail "port add ns4 printed: $T_OUT"

xjson show
jq_ok "$J" '.ports | length == 5' "show after two adds: expected 5 ports"
jq_ok "$J" ".ports[] | select(.netns == \"ns3\") | .ifname == \"$T_BR-ns3\" and .addr == \"172.16.1.3\" and .mac == \"$(station_mac 172.16.1.3)\"" "show: ns3 port"
jq_ok "$J" ".ports[] | select(.netns == \"ns4\") | .ifname == \"$T_BR-ns4\" and .addr == \"172.16.7.4\"" "show: ns4 port"

for dst in 172.16.1.1 172.16.1.2 172.16.1.254 172.16.7.4; do assert_ping ns3 $dst 2; done
for dst in 172.16.1.1 172.16.1.3; do assert_ping ns4 $dst 2; done
assert_ping ns1 172.16.1.3 2
assert_ping ns2 172.16.1.3 2
assert_ping "" 172.16.1.3 2
xjson fdb
jq_ok "$J" ".[] | select(.mac == \"$(station_mac 172.16.1.3)\") | .ifname == \"$T_BR-ns3\" and .netns == \"ns3\"" "fdb: ns3 station not learned on $T_BR-ns3"

# del ns3 (not the last port: ns4's flood slot moves into ns3's)
must timeout 30 "$XBR" -b "$T_BR" port del ns3
ip netns list | gq -w ns3 && t_fail "namespace ns3 still exists after port del"
[ -e "/sys/class/net/$T_BR-ns3" ] && t_fail "veth $T_BR-ns3 still exists after port del"
ip -o link show | gq "$T_BR-ns3" && t_fail "a link named $T_BR-ns3 remains"
xjson fdb
jq_ok "$J" "[.[] | select(.ifname == \"$T_BR-ns3\" or .netns == \"ns3\" or .mac == \"$(station_mac 172.16.1.3)\")] | length == 0" "fdb still has ns3 entries after port del"
jq_ok "$J" 'all(.[]; .ifname | test("^if[0-9]+$") | not)' "fdb has entries on a port that no longer exists"
xjson show
jq_ok "$J" '.ports | length == 4' "show after del: expected 4 ports"
jq_ok "$J" '[.ports[] | select(.netns == "ns3")] | length == 0' "show still lists ns3"

# The rest keeps forwarding, flooding (ARP) included.
for ns in ns1 ns2 ns4; do ip -n $ns neigh flush dev eth0; done
assert_ping ns1 172.16.1.2 2
assert_ping ns1 172.16.7.4 2
assert_ping ns4 172.16.1.2 2
assert_ping ns4 172.16.1.254 2

# Deleting it again, or an unknown port, fails cleanly.
expect_error "port del of a deleted port" ns3 "$XBR" -b "$T_BR" port del ns3
expect_error "port del of an unknown port" nosuch "$XBR" -b "$T_BR" port del nosuch

# The name can be used again; it gets the lowest free address back.
must timeout 30 "$XBR" -b "$T_BR" port add ns3
[ "$T_OUT" = "port $T_BR-ns3: namespace ns3 eth0 172.16.1.3/16" ] || t_fail "re-add printed: $T_OUT"
assert_ping ns3 172.16.1.1 2
assert_ping ns1 172.16.1.3 2

# Delete the last port in the table and the first namespace port.
must timeout 30 "$XBR" -b "$T_BR" port del ns4
must timeout 30 "$XBR" -b "$T_BR" port del ns1
xjson show
jq_ok "$J" '[.ports[].netns] == ["", "ns2", "ns3"]' "show after deleting ns4 and ns1"
for ns in ns2 ns3; do ip -n $ns neigh flush dev eth0; done
assert_ping ns2 172.16.1.3 2
assert_ping ns3 172.16.1.254 2

t_pass "add (auto and explicit address) pings all; del removes netns, veth, fdb entries and keeps the rest forwarding"
