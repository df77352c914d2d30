#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# Bad addresses, for `up` and for `port add` on a live bridge: outside the
# subnet, malformed, equal to the gateway, the subnet's network or broadcast
# address, a prefix that does not contain the gateway, an address already
# used; and bad --subnet / --gateway / --ageing / --fdb-size values. Each: non-zero
# exit, exactly one line on stderr naming the object, nothing left behind.
T_BR=xaddr
. "$(dirname "$0")/lib.sh"

X=("$XBR" -b "$T_BR")

# ---- up ----
expect_error "up: address outside the subnet" 10.9.9.9 "${X[@]}" up ns1=10.9.9.9/16
expect_error "up: address outside the subnet (2nd ns)" 172.17.1.2 "${X[@]}" up ns1=172.16.1.1/16 ns2=172.17.1.2/16
expect_error "up: prefix shorter than the subnet's" ns1 "${X[@]}" up ns1=172.16.1.1/8
expect_error "up: address == gateway" 172.16.1.254 "${X[@]}" up ns1=172.16.1.254/16
expect_error "up: address == custom gateway" 10.20.0.1 "${X[@]}" up --subnet 10.20.0.0/24 --gateway 10.20.0.1 ns1=10.20.0.1/24
expect_error "up: network address" 172.16.0.0 "${X[@]}" up ns1=172.16.0.0/16
expect_error "up: broadcast address" 172.16.255.255 "${X[@]}" up ns1=172.16.255.255/16
expect_error "up: prefix without the gateway" 172.16.2.1 "${X[@]}" up ns1=172.16.2.1/24
expect_error "up: duplicate address" 172.16.1.5 "${X[@]}" up ns1=172.16.1.5/16 ns2=172.16.1.5/16
for bad in 172.16.1.300/16 172.16.1.1 172.16.1.1/33 172.16.1.1/ abc 172.16.1/16 '172.16.1.1/16 ' ' 172.16.1.1/16' 172.16.1.1/-1; do
	expect_error "up: malformed address '$bad'" "ns1=$bad" "${X[@]}" up "ns1=$bad"
done
expect_error "up: malformed --subnet" 172.16.0.0/99 "${X[@]}" up --subnet 172.16.0.0/99
expect_error "up: --subnet without prefix" 10.0.0.0 "${X[@]}" up --subnet 10.0.0.0
expect_error "up: --subnet /31" 10.0.0.0/31 "${X[@]}" up --subnet 10.0.0.0/31 --gateway 10.0.0.1
expect_error "up: malformed --gateway" 172.16.1.x "${X[@]}" up --gateway 172.16.1.x
expect_error "up: --gateway outside the subnet" 10.1.1.1 "${X[@]}" up --gateway 10.1.1.1
expect_error "up: --gateway = network address" 172.16.0.0 "${X[@]}" up --gateway 172.16.0.0
expect_error "up: --ageing 0" 0 "${X[@]}" up --ageing 0
expect_error "up: --ageing not a number" 5m "${X[@]}" up --ageing 5m
expect_error "up: --fdb-size too small" 15 "${X[@]}" up --fdb-size 15
expect_error "up: --subnet without value" --subnet "${X[@]}" up --subnet
expect_error "up: unknown option" --frobnicate "${X[@]}" up --frobnicate

# ---- port add on a live bridge ----
must timeout 30 "$XBR" -b "$T_BR" up
xjson show
before_show=$J
expect_error "port add: outside the subnet" 10.9.9.9 "${X[@]}" port add ns3 10.9.9.9/16
expect_error "port add: address == gateway" 172.16.1.254 "${X[@]}" port add ns3 172.16.1.254/16
expect_error "port add: address in use" 172.16.1.2 "${X[@]}" port add ns3 172.16.1.2/16
expect_error "port add: network address" 172.16.0.0 "${X[@]}" port add ns3 172.16.0.0/16
expect_error "port add: broadcast address" 172.16.255.255 "${X[@]}" port add ns3 172.16.255.255/16
expect_error "port add: prefix without the gateway" 172.16.2.1 "${X[@]}" port add ns3 172.16.2.1/24
for bad in 172.16.1.300/16 172.16.1.3 172.16.1.3/33 x; do
	expect_error "port add: malformed address '$bad'" "$bad" "${X[@]}" port add ns3 "$bad"
done
expect_error "port add: NS=ADDR form is not accepted" "ns3=172.16.1.3/16" "${X[@]}" port add ns3=172.16.1.3/16
expect_error "port add: too many arguments" port "${X[@]}" port add ns3 172.16.1.3/16 extra
xjson show
[ "$J" = "$before_show" ] || t_fail "show changed after failed port adds: $J"
assert_ping ns1 172.16.1.2 2
t_pass "outside/gateway/network/broadcast/no-gateway/in-use/malformed addresses and bad options refused cleanly"
