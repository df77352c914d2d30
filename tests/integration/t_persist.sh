#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The datapath lives in the kernel, not in the loader: after `xbr up` has
# returned (no xbr process is left), the namespaces ping each other, and a
# later `xbr fdb` process reads the live table - it shows a MAC that first
# sent a frame after `up` exited (a macvlan in ns1), and stops showing it
# once it has been silent longer than the ageing time (--ageing 2).
T_BR=xpersist
. "$(dirname "$0")/lib.sh"

must timeout 30 "$XBR" -b "$T_BR" up --ageing 2
jobs -p | grep -q . && t_fail "xbr up left a background job"
[ -e "/sys/fs/bpf/xbr/$T_BR/xbr_fdb" ] || t_fail "fdb map not pinned: $(ls "/sys/fs/bpf/xbr/$T_BR")"
xjson show
jq_ok "$J" '.ageing == 2' "show: ageing is not 2"

assert_ping ns1 172.16.1.2 3
assert_ping ns2 172.16.1.1 3
xjson fdb
jq_ok "$J" "[.[] | select(.mac == \"$(station_mac 172.16.1.1)\" or .mac == \"$(station_mac 172.16.1.2)\")] | length == 2" "a later fdb process does not see ns1 and ns2"

# A new station behind ns1's port, born after the loader exited.
mv=02:00:00:00:00:aa
ip -n ns1 link add link eth0 name mv0 address $mv type macvlan mode bridge || t_skip "cannot create a macvlan in ns1"
ip -n ns1 addr add 172.16.1.50/16 dev mv0
ip -n ns1 link set mv0 up
timeout 10 ip netns exec ns1 ping -n -q -c 2 -i 0.2 -W 2 -I mv0 172.16.1.2 >"$T_TMP/mvping" 2>&1 ||
	t_fail "ping from the macvlan in ns1 to ns2 failed: $(grep -E 'loss|rror' "$T_TMP/mvping")"
xjson fdb
jq_ok "$J" ".[] | select(.mac == \"$mv\") | .ifname == \"$T_BR-ns1\" and .netns == \"ns1\" and .origin == \"learned\" and .age <= 2" "fdb does not show the new station $mv on $T_BR-ns1"

# Silence it: after the ageing time it is no longer listed.
ip -n ns1 link del mv0
fdb_without_mv() { "$XBR" -b "$T_BR" -j fdb | jq -e "all(.[]; .mac != \"$mv\")"; }
wait_until 8 fdb_without_mv || t_fail "$mv still listed 8 s after it went silent (ageing 2 s)"

assert_ping ns1 172.16.1.2 2
assert_ping ns2 172.16.1.254 2
t_pass "forwarding with no loader process; later fdb processes see a new station appear and age out"
