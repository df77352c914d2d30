#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Paths that used to fail without a word now print exactly one line naming
# the object and the cause, exit non-zero and leave everything as it was:
# - a bridge name bpffs cannot hold (`-b br.0`: bpffs refuses dots) is
#   refused up front, as is one no interface can carry;
# - the pin directory cannot be created (a read-only bpffs);
# - a pinned map of a running bridge is missing (stats, show, fdb);
# - the kernel refuses a request: its own message (extended ACK) is in the
#   line (an IPv6 address where IPv6 is disabled);
# - `down` that cannot remove something fails, naming what is left; once it
#   is gone, `down` succeeds.
T_BR=xsilent
. "$(dirname "$0")/lib.sh"

# Every tool this test needs, before any check runs (never a half-run).
command -v bpftool >/dev/null 2>&1 || t_skip "tool 'bpftool' not installed (tools/deps.sh build)"

X=("$XBR" -b "$T_BR")

# Bridge names, refused before anything is touched.
expect_error "dotted bridge name" '"br.0"' "$XBR" -b br.0 up q1
expect_error "bridge name with a colon" '"a:b"' "$XBR" -b a:b up q1
[ ! -e /run/netns/q1 ] || t_fail "a namespace q1 was created for a refused bridge name"

# A read-only bpffs: the pin directory cannot be made.
mount -o remount,ro /sys/fs/bpf || t_fail "cannot remount the test's bpffs read-only"
expect_error "read-only bpffs" /sys/fs/bpf/xbr "${X[@]}" up q1
grep -q 'Read-only' <<<"$T_ERR" || t_fail "read-only bpffs: the cause is not named: $T_ERR"
mount -o remount,rw /sys/fs/bpf || t_fail "cannot remount the test's bpffs read-write"

# The kernel's reason in the line: no IPv6 on this namespace's interfaces.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
	t_fail "cannot disable IPv6 in the test's namespace"
expect_error "IPv6 disabled" "$T_BR" "${X[@]}" up q1
grep -q '(kernel: .*IPv6 is disabled' <<<"$T_ERR" || t_fail "the kernel's message is not in the line: $T_ERR"
sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0

# A bridge with a map missing: each reader says so in one line.
must timeout 30 "${X[@]}" up q1
D=/sys/fs/bpf/xbr/$T_BR
mv "$D/xbr_br_stats" "$D/saved_br_stats" 2>/dev/null || mount --bind /dev/null "$D/xbr_br_stats" 2>/dev/null ||
	t_fail "cannot hide the pinned xbr_br_stats"
for cmd in stats show fdb; do
	expect_error "$cmd with a pin missing" "$T_BR" "${X[@]}" $cmd
done
mv "$D/saved_br_stats" "$D/xbr_br_stats" || t_fail "cannot put xbr_br_stats back"
must timeout 20 "${X[@]}" stats

# down that cannot remove the pin directory (someone pinned a map in it).
bpftool map create "$D/foreign" type array key 4 value 4 entries 1 name foreign ||
	t_fail "cannot pin a foreign map in $D"
t_run timeout 30 "${X[@]}" down
[ "$T_RC" -ne 0 ] || t_fail "down exited 0 although $D/foreign kept the pin directory"
[ "$(t_nlines "$T_ERR")" -eq 1 ] || t_fail "down: expected one line, got: $T_ERR"
grep -q "pin directory $D" <<<"$T_ERR" || t_fail "down does not name what is left: $T_ERR"
[ ! -e /run/netns/q1 ] || t_fail "down left the namespace q1 although it could remove it"
rm -f "$D/foreign"
must timeout 30 "${X[@]}" down
[ ! -e "$D" ] || t_fail "down left $D"
t_pass "dotted/colon bridge names, read-only bpffs, kernel extended ACK, missing pin (stats/show/fdb), down leaving a pin directory: one line each, non-zero"
