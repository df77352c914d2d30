#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# A fresh boot has no bpffs on /sys/fs/bpf. `xbr up` mounts it itself, pins
# there, and later processes find the bridge through it; `down` cleans up.
# (The harness gives this test a fresh sysfs and no bpffs.)
T_BR=xbpffs
T_NO_BPFFS=1
. "$(dirname "$0")/lib.sh"

[ "$(stat -f -c %T /sys/fs/bpf)" != bpf_fs ] || t_fail "harness: /sys/fs/bpf is already bpffs"
must timeout 30 "$XBR" -b "$T_BR" up
[ "$(stat -f -c %T /sys/fs/bpf)" = bpf_fs ] || t_fail "xbr up did not mount bpffs on /sys/fs/bpf"
[ -d "/sys/fs/bpf/xbr/$T_BR" ] || t_fail "no pins under /sys/fs/bpf/xbr/$T_BR"
assert_ping ns1 172.16.1.2 2
xjson fdb
jq_ok "$J" 'length >= 2' "fdb from a later process is empty"
must timeout 30 "$XBR" -b "$T_BR" down
[ -e /sys/fs/bpf/xbr ] && t_fail "/sys/fs/bpf/xbr remains after down"
must timeout 30 "$XBR" -b "$T_BR" down
t_pass "up mounted bpffs itself and pinned there; down removed the pins"
