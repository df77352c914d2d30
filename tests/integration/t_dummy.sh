#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The gateway interface is a veth here because some kernels (this project's
# test machines) have no dummy netdev. This test probes for dummy: without
# it, it skips with the reason; with it, a dummy device holding the
# bridge's gateway name must block `up` cleanly (one line naming it,
# nothing changed, the dummy left alone).
T_BR=xdummy
. "$(dirname "$0")/lib.sh"

if ! ip link add "$T_BR" type dummy 2>"$T_TMP/dummy.err"; then
	t_skip "kernel has no dummy netdev (CONFIG_DUMMY unset); xbr uses a veth gateway here"
fi
expect_error "up with a dummy holding the gateway name" "$T_BR" "$XBR" -b "$T_BR" up
[ -e "/sys/class/net/$T_BR" ] || t_fail "up removed the dummy $T_BR"
ip link del "$T_BR"
must timeout 30 "$XBR" -b "$T_BR" up
assert_ping ns1 172.16.1.254 2
t_pass "an existing dummy named like the gateway blocks up cleanly; up works without it"
