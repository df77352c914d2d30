#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `down` leaves no namespace, veth, qdisc, pin, route or address behind (the
# state equals the one before `up`), a second `down` succeeds, `down` of a
# bridge that never existed succeeds, and things xbr did not make - a
# namespace, a veth whose name starts with the bridge's - survive it.
# Also after port add/del and traffic, so down handles a changed table.
T_BR=xdown
. "$(dirname "$0")/lib.sh"

# Someone else's objects, present before and after.
ip netns add other || t_fail "cannot create namespace 'other'"
ip link add "$T_BR-foo" type veth peer name other0 || t_fail "cannot create veth $T_BR-foo"
snapshot "$T_TMP/pristine"

must timeout 30 "$XBR" -b "$T_BR" down
assert_same "$T_TMP/pristine" "down of a bridge that was never up"

must timeout 30 "$XBR" -b "$T_BR" up ns1 ns2 ns3
assert_ping ns1 172.16.1.2 2
assert_ping ns3 172.16.1.254 2
must timeout 30 "$XBR" -b "$T_BR" port add ns4
must timeout 30 "$XBR" -b "$T_BR" port del ns2
assert_ping ns4 172.16.1.1 2
[ -d "/sys/fs/bpf/xbr/$T_BR" ] || t_fail "no pin directory /sys/fs/bpf/xbr/$T_BR while up"

must timeout 30 "$XBR" -b "$T_BR" down
[ -z "$T_ERR" ] || t_fail "down printed on stderr: $T_ERR"
assert_same "$T_TMP/pristine" "after down"
[ -e /sys/fs/bpf/xbr ] && t_fail "/sys/fs/bpf/xbr remains after the only bridge went down"
ip -4 route show | gq '172\.16\.' && t_fail "a 172.16/16 route remains: $(ip -4 route show)"
ip netns list | grep -Eq '^ns[1-4]( |$)' && t_fail "a namespace remains: $(ip netns list)"

must timeout 30 "$XBR" -b "$T_BR" down
assert_same "$T_TMP/pristine" "second down"

# After down the bridge is gone for every command.
expect_error "show after down" "$T_BR" "$XBR" -b "$T_BR" show
expect_error "fdb after down" "$T_BR" "$XBR" -b "$T_BR" fdb
expect_error "port add after down" "$T_BR" "$XBR" -b "$T_BR" port add ns9

# And it can come back up.
must timeout 30 "$XBR" -b "$T_BR" up
assert_ping ns1 172.16.1.2 2
must timeout 30 "$XBR" -b "$T_BR" down
assert_same "$T_TMP/pristine" "down after the second up"

ip netns list | gq -w other || t_fail "down removed namespace 'other' it did not create"
[ -e "/sys/class/net/$T_BR-foo" ] || t_fail "down removed $T_BR-foo it did not create"
t_pass "down restores the pre-up state (links, qdiscs, netns, pins, routes, addresses); repeated down succeeds; foreign objects survive"
