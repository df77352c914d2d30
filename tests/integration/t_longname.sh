#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Names at the limits: a 12-character bridge (its gateway port <name>-gw is
# 15 characters) and 13-15 character namespaces, whose host-side ports do
# not fit "<bridge>-<ns>" and get the hashed form "<6 chars>-<8 hex>". The
# lab forwards, show/fdb report the hashed names (which are real links),
# port del and down find and remove them.
T_BR=xlongname123
. "$(dirname "$0")/lib.sh"

snapshot "$T_TMP/pristine"
must timeout 30 "$XBR" -b "$T_BR" up namespace-one=172.16.1.1/16 abcdefghijklmno=172.16.1.2/16
[ -e "/sys/class/net/$T_BR-gw" ] || t_fail "gateway port $T_BR-gw missing"
xjson show
jq_ok "$J" '[.ports[1:][] | .ifname | test("^xlongn-[0-9a-f]{8}$")] | all' "port names are not in the hashed form"
jq_ok "$J" '[.ports[].ifname] | unique | length == 3' "port names collide"
for ifn in $(jq -r '.ports[].ifname' <<<"$J"); do
	[ -e "/sys/class/net/$ifn" ] || t_fail "show lists $ifn, which is not a link"
done
p1=$(jq -r '.ports[] | select(.netns == "namespace-one") | .ifname' <<<"$J")
assert_ping namespace-one 172.16.1.2 2
assert_ping abcdefghijklmno 172.16.1.254 2
xjson fdb
jq_ok "$J" ".[] | select(.mac == \"$(station_mac 172.16.1.1)\") | .ifname == \"$p1\" and .netns == \"namespace-one\"" "fdb: namespace-one not on $p1"

must timeout 30 "$XBR" -b "$T_BR" port add ns-number-three
must timeout 30 "$XBR" -b "$T_BR" port del namespace-one
[ -e "/sys/class/net/$p1" ] && t_fail "port del left $p1"
assert_ping ns-number-three 172.16.1.2 2
must timeout 30 "$XBR" -b "$T_BR" down
assert_same "$T_TMP/pristine" "down of the long-named bridge"
t_pass "12-char bridge, hashed port names for 13-15 char namespaces: forward, listed, removed"
