#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# Objects xbr did not create block it, and it leaves them alone:
#  - an existing namespace (ip netns add) given to `up` or `port add`,
#  - an existing interface with the port's name (<bridge>-<ns>),
#  - an existing interface with the gateway's names (<bridge>, <bridge>-gw).
# Each: non-zero exit, exactly one line on stderr naming the object, and the
# links, qdiscs, namespaces, pins, routes and addresses unchanged (the
# foreign object included). A live bridge keeps forwarding.
T_BR=xexist
. "$(dirname "$0")/lib.sh"

# ---- with no bridge: `up` ----
ip netns add ns2 || t_fail "ip netns add ns2"
expect_error "up with an existing namespace" ns2 "$XBR" -b "$T_BR" up ns1 ns2
expect_error "up (defaults) with an existing namespace" ns2 "$XBR" -b "$T_BR" up
ip netns del ns2

ip link add "$T_BR-ns1" type veth peer name peer0 || t_fail "ip link add $T_BR-ns1"
expect_error "up with an existing port interface" "$T_BR-ns1" "$XBR" -b "$T_BR" up ns1 ns2
ip link del "$T_BR-ns1"

ip link add "$T_BR" type veth peer name peer0 || t_fail "ip link add $T_BR"
expect_error "up with an existing gateway interface" "$T_BR" "$XBR" -b "$T_BR" up
ip link del "$T_BR"

ip link add "$T_BR-gw" type veth peer name peer0 || t_fail "ip link add $T_BR-gw"
expect_error "up with an existing gateway port interface" "$T_BR-gw" "$XBR" -b "$T_BR" up
ip link del "$T_BR-gw"

# A bridge name that is already some interface's name, and that interface
# has an address: xbr must not take it over or delete it on cleanup.
ip link add "$T_BR" type veth peer name "$T_BR-gw" || t_fail "ip link add $T_BR/$T_BR-gw pair"
ip addr add 172.16.1.254/16 dev "$T_BR"
expect_error "up where both gateway names exist" "$T_BR" "$XBR" -b "$T_BR" up
ip link del "$T_BR"

# ---- with a live bridge: `port add` ----
must timeout 30 "$XBR" -b "$T_BR" up
ip netns add ns3 || t_fail "ip netns add ns3"
expect_error "port add of an existing namespace" ns3 "$XBR" -b "$T_BR" port add ns3
expect_error "port add of an existing namespace with an address" ns3 "$XBR" -b "$T_BR" port add ns3 172.16.1.3/16
ip netns del ns3
ip link add "$T_BR-ns4" type veth peer name peer0 || t_fail "ip link add $T_BR-ns4"
expect_error "port add with an existing port interface" "$T_BR-ns4" "$XBR" -b "$T_BR" port add ns4
ip link del "$T_BR-ns4"
# A namespace that would get the gateway port's name.
expect_error "port add of namespace 'gw' (port name = gateway port)" gw "$XBR" -b "$T_BR" port add gw

assert_ping ns1 172.16.1.2 2
assert_ping ns2 172.16.1.254 2
# With the obstacles gone, the same commands work.
must timeout 30 "$XBR" -b "$T_BR" port add ns3
must timeout 30 "$XBR" -b "$T_BR" port add ns4
assert_ping ns4 172.16.1.3 2
t_pass "existing namespace / port interface / gateway interfaces: one-line error naming it, nothing changed"
