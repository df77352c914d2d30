#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The datapath lives in the kernel, not in the loader: after `xbr up` has
# returned (no xbr process is left), the namespaces ping each other, and a
# later `xbr fdb` process reads the live table - it shows a MAC that first
# sent a frame after `up` exited (a macvlan in ns1), and stops showing it
# once it has been silent longer than the ageing time (--ageing 2).
T_BR=xpersist
. "$(dirname "$0")/lib.sh"

# The kernel features this test needs, before any check runs: a macvlan (the
# station born after `up` exited), tried on a throwaway veth here.
ip link add xpv0 type veth peer name xpv1 || t_skip "cannot create a veth pair"
ip link add link xpv0 name xpmv0 type macvlan mode bridge 2>"$T_TMP/mverr" ||
	t_skip "kernel cannot create a macvlan: $(cat "$T_TMP/mverr")"
ip link del xpv0

# leftovers: every process, but this shell and its own helpers, whose
# network namespace is this test's own (the `unshare -n` of lib.sh) or one
# of its named ones (/run/netns): whatever `xbr up` started there and left
# running, daemonized or not, whatever its name. One "PID: CMDLINE" a line.
leftovers() {
	local nets f d pid net ppid
	nets=" $(readlink /proc/$$/ns/net) "
	for f in /run/netns/*; do
		[ -e "$f" ] && nets+="net:[$(stat -L -c %i "$f")] "
	done
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		net=$(readlink "$d/ns/net" 2>/dev/null) || continue
		[[ $nets == *" $net "* ]] || continue
		ppid=$(awk '$1 == "PPid:" { print $2 }' "$d/status" 2>/dev/null) || continue
		[ "$pid" != $$ ] && [ "$pid" != "$BASHPID" ] && [ "$ppid" != $$ ] && [ "$ppid" != "$BASHPID" ] || continue
		echo "$pid: $(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)"
	done
}
# The check itself must see a process: a marked sleep in a namespace of the
# test's own, forked off and daemonized (setsid -f, parent gone) like a
# leftover would be, is listed; then stopped.
control_seen() { local l; l=$(leftovers); [[ $l == *"sleep 61.5"* ]]; }
no_leftovers() { [ -z "$(leftovers)" ]; }
ip netns add xpcheck || t_fail "cannot create a namespace xpcheck"
ip netns exec xpcheck setsid -f sleep 61.5 </dev/null >/dev/null 2>&1 || t_fail "cannot start the control sleep"
wait_until 5 control_seen || t_fail "positive control: a daemonized sleep in namespace xpcheck is not found: $(leftovers)"
l=$(leftovers)
ctlpids=$(awk -F: '/sleep 61.5/ { print $1 }' <<<"$l")
# shellcheck disable=SC2086 # one pid a word
[ -z "$ctlpids" ] || kill $ctlpids
wait_until 5 no_leftovers || t_fail "the control sleep does not stop: $(leftovers)"
ip netns del xpcheck

must timeout 30 "$XBR" -b "$T_BR" up --ageing 2
left=$(leftovers)
[ -z "$left" ] || t_fail "xbr up left processes running in the test's namespaces: $(tr '\n' '|' <<<"$left")"
[ -e "/sys/fs/bpf/xbr/$T_BR/xbr_fdb" ] || t_fail "fdb map not pinned: $(ls "/sys/fs/bpf/xbr/$T_BR")"
xjson show
jq_ok "$J" '.ageing == 2' "show: ageing is not 2"

assert_ping ns1 172.16.1.2 3
assert_ping ns2 172.16.1.1 3
xjson fdb
jq_ok "$J" "[.[] | select(.mac == \"$(station_mac 172.16.1.1)\" or .mac == \"$(station_mac 172.16.1.2)\")] | length == 2" "a later fdb process does not see ns1 and ns2"

# A new station behind ns1's port, born after the loader exited.
mv=02:00:00:00:00:aa
ip -n ns1 link add link eth0 name mv0 address $mv type macvlan mode bridge || t_fail "cannot create a macvlan in ns1"
# Two interfaces of ns1 on one subnet: only mv0 may answer ARP for its address
# (else eth0 answers too, and ns2's replies to the macvlan's pings reach eth0,
# which the ping bound to mv0 never sees; with neigh-suppress ns2 has to ask).
ip netns exec ns1 sysctl -qw net.ipv4.conf.all.arp_ignore=1
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
