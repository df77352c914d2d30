#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Two bridges with different subnets coexist: each forwards its own
# namespaces and reaches its own gateway; their FDBs, port tables and pins
# are separate; a frame on one never reaches the other (an on-link ping
# across gets no answer); a namespace of one cannot be added to the other;
# `down` of one leaves the other intact and forwarding.
T_BR=xtwoa
. "$(dirname "$0")/lib.sh"
A=$T_BR B=xtwob
T_BRIDGES+=("$B")

snapshot "$T_TMP/pristine"
must timeout 30 "$XBR" -b "$A" up --subnet 10.10.0.0/16 --gateway 10.10.1.254 a1 a2
must timeout 30 "$XBR" -b "$B" up --subnet 10.20.0.0/16 --gateway 10.20.1.254 b1 b2
[ -d "/sys/fs/bpf/xbr/$A" ] && [ -d "/sys/fs/bpf/xbr/$B" ] || t_fail "pin directories: $(ls /sys/fs/bpf/xbr)"

assert_ping a1 10.10.1.2 2
assert_ping a2 10.10.1.254 2
assert_ping b1 10.20.1.2 2
assert_ping b2 10.20.1.254 2

xjson_b "$A" show
jq_ok "$J" '.subnet == "10.10.0.0/16" and .gateway == "10.10.1.254" and ([.ports[].netns] == ["", "a1", "a2"])' "show of $A"
xjson_b "$B" show
jq_ok "$J" '.subnet == "10.20.0.0/16" and .gateway == "10.20.1.254" and ([.ports[].netns] == ["", "b1", "b2"])' "show of $B"
xjson_b "$A" fdb
jq_ok "$J" "length >= 2 and all(.[]; .master == \"$A\" and (.ifname | startswith(\"$A-\")) and (.mac | startswith(\"0a:58:0a:0a:\")))" "fdb of $A holds foreign entries"
xjson_b "$B" fdb
jq_ok "$J" "length >= 2 and all(.[]; .master == \"$B\" and (.ifname | startswith(\"$B-\")) and (.mac | startswith(\"0a:58:0a:14:\")))" "fdb of $B holds foreign entries"

# L2 separation: make b's subnet on-link in a1; ARP for b1 floods inside $A only.
ip -n a1 route add 10.20.0.0/16 dev eth0 || t_fail "route in a1"
assert_no_ping a1 10.20.1.1
xjson_b "$B" fdb
jq_ok "$J" "all(.[]; .mac | startswith(\"0a:58:0a:14:\"))" "a frame from $A reached $B's fdb"

# A namespace of one bridge is an existing namespace for the other.
expect_error "port add of $B's namespace to $A" b1 "$XBR" -b "$A" port add b1 10.10.1.9/16

must timeout 30 "$XBR" -b "$A" down
[ -e "/sys/fs/bpf/xbr/$A" ] && t_fail "pins of $A remain after its down"
[ -d "/sys/fs/bpf/xbr/$B" ] || t_fail "down of $A removed $B's pins"
ip netns list | grep -Eq '^a[12]( |$)' && t_fail "namespaces of $A remain: $(ip netns list)"
ip netns list | gq '^b1' && ip netns list | grep -q '^b2' || t_fail "down of $A removed $B's namespaces"
assert_ping b1 10.20.1.2 2
assert_ping b2 10.20.1.254 2
xjson_b "$B" show
jq_ok "$J" '[.ports[].netns] == ["", "b1", "b2"]' "show of $B after $A went down"
expect_error "show of $A after its down" "$A" "$XBR" -b "$A" show

must timeout 30 "$XBR" -b "$B" down
assert_same "$T_TMP/pristine" "after both downs"
t_pass "$A (10.10/16) and $B (10.20/16) forward independently, separate fdb/ports/pins; down of one spares the other"
