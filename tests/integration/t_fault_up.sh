#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Fault injection in `up`: with XBR_FAULT set to each step (gateway veth and
# address, each port step, and the very end), `up` exits non-zero and leaves
# no trace - links, qdiscs, namespaces, pins, routes and addresses equal the
# state before. Also with three namespaces (the fault hits the first port,
# after the gateway is done). Afterwards a normal `up` works.
T_BR=xfup
. "$(dirname "$0")/lib.sh"

# journal-*: the undo journal cannot grow when noting that kind of object
# (as out of memory): the gateway's veth pair (link), a station's entry,
# namespace or veth pair.
steps=(gw-veth journal-link gw-addr journal-intent journal-namespace port-veth port-addr port-route port-attach port-record up-end)
X=("$XBR" -b "$T_BR")
ip netns add bystander
snapshot "$T_TMP/pristine"
n=0
for step in "${steps[@]}"; do
	for args in "" "ns1 ns2 ns3=172.16.9.9/16"; do
		# shellcheck disable=SC2086
		XBR_FAULT=$step t_run timeout 30 "${X[@]}" up $args
		[ "$T_RC" -ne 0 ] || t_fail "XBR_FAULT=$step up $args: exit 0"
		[ "$T_RC" -ne 124 ] || t_fail "XBR_FAULT=$step up $args: timed out"
		[ -z "$T_OUT" ] || t_fail "XBR_FAULT=$step up $args: printed success: $T_OUT"
		[ "$(t_nlines "$T_ERR")" -le 1 ] || t_fail "XBR_FAULT=$step up $args: more than one line on stderr: $(tr '\n' '|' <<<"$T_ERR")"
		assert_same "$T_TMP/pristine" "XBR_FAULT=$step up $args"
		n=$((n + 1))
	done
done
# An unknown step name injects nothing.
XBR_FAULT=no-such-step must timeout 30 "${X[@]}" up
assert_ping ns1 172.16.1.2 2
must timeout 30 "${X[@]}" down
assert_same "$T_TMP/pristine" "down after the fault runs"
t_pass "$n faulted ups (${#steps[@]} steps) failed and left no trace; a clean up/down works after them"
