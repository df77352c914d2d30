#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Fault injection in `port add` on a live bridge: with XBR_FAULT at each port
# step, `port add` exits non-zero with one line on stderr naming the
# namespace, and leaves no trace: links, qdiscs, namespaces, pins, routes,
# addresses, the port table (`show`) and the FDB's stations as before. The
# bridge keeps forwarding, and the same `port add` then succeeds.
T_BR=xfport
. "$(dirname "$0")/lib.sh"

# journal-*: the undo journal cannot grow when noting that kind of object
# (as out of memory): the object just made is removed, the rest undone.
steps=(journal-intent journal-namespace port-veth journal-link port-addr port-route port-attach port-record)
X=("$XBR" -b "$T_BR")
must timeout 30 "${X[@]}" up
assert_ping ns1 172.16.1.2 2
xjson show
show0=$J
snapshot "$T_TMP/live"
n=0
for step in "${steps[@]}"; do
	for args in "ns3" "ns3 172.16.3.3/16"; do
		# shellcheck disable=SC2086
		XBR_FAULT=$step t_run timeout 30 "${X[@]}" port add $args
		[ "$T_RC" -ne 0 ] || t_fail "XBR_FAULT=$step port add $args: exit 0"
		[ "$(t_nlines "$T_ERR")" -eq 1 ] || t_fail "XBR_FAULT=$step port add $args: expected one line on stderr, got: $(tr '\n' '|' <<<"$T_ERR")"
		case $T_ERR in *ns3*) ;; *) t_fail "XBR_FAULT=$step: message does not name ns3: $T_ERR" ;; esac
		[ -z "$T_OUT" ] || t_fail "XBR_FAULT=$step port add $args: printed on stdout: $T_OUT"
		assert_same "$T_TMP/live" "XBR_FAULT=$step port add $args"
		xjson show
		[ "$J" = "$show0" ] || t_fail "XBR_FAULT=$step: port table changed: $J"
		xjson fdb
		jq_ok "$J" '[.[] | select(.netns == "ns3" or (.ifname | test("^if[0-9]+$")))] | length == 0' "XBR_FAULT=$step: fdb has entries of the failed port"
		n=$((n + 1))
	done
	assert_ping ns1 172.16.1.2 1
done
# Steps of `up` do not exist in `port add`.
XBR_FAULT=gw-veth must timeout 30 "${X[@]}" port add ns3
assert_ping ns3 172.16.1.1 2
assert_ping ns2 172.16.1.3 2
t_pass "$n faulted port adds (${#steps[@]} steps) failed cleanly; bridge unchanged and forwarding; then port add works"
