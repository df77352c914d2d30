#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# Not root: every command that touches the system (up, down, show, fdb,
# port add, port del) fails with exactly one line on stderr naming the
# bridge, and leaves nothing behind - both with no bridge and with a live
# one (which keeps working). help still works. Runs xbr as nobody via
# `setpriv --reuid=65534 --regid=65534 --clear-groups`.
T_BR=xroot
. "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || t_skip "setpriv (util-linux) not installed: cannot drop root"

# A copy nobody can execute, whatever the permissions of the checkout (the
# real binary: $XBR may be lib.sh's --mode wrapper, which only matters for up).
chmod 755 "$T_TMP"
install -m 755 "${XBR_REAL:-$XBR}" "$T_TMP/xbr"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${NOBODY[@]}" "$T_TMP/xbr" help >/dev/null 2>&1 || t_skip "cannot run xbr as uid 65534 with setpriv"
[ "$("${NOBODY[@]}" id -u)" = 65534 ] || t_skip "setpriv did not drop to uid 65534"

NB=("${NOBODY[@]}" "$T_TMP/xbr")
check_all() { # WHEN
	expect_error "up as non-root ($1)" "$T_BR" "${NB[@]}" -b "$T_BR" up
	expect_error "up with namespaces as non-root ($1)" "$T_BR" "${NB[@]}" -b "$T_BR" up ns7 ns8
	expect_error "down as non-root ($1)" "$T_BR" "${NB[@]}" -b "$T_BR" down
	expect_error "show as non-root ($1)" "$T_BR" "${NB[@]}" -b "$T_BR" show
	expect_error "fdb as non-root ($1)" "$T_BR" "${NB[@]}" -b "$T_BR" -j fdb
	expect_error "port add as non-root ($1)" "$T_BR" "${NB[@]}" -b "$T_BR" port add ns7
	expect_error "port del as non-root ($1)" "$T_BR" "${NB[@]}" -b "$T_BR" port del ns1
	case $T_ERR in *root*) ;; *) t_fail "the message does not say root is needed: $T_ERR" ;; esac
}

check_all "no bridge"
must timeout 30 "$XBR" -b "$T_BR" up
check_all "bridge up"
assert_ping ns1 172.16.1.2 2

t_run "${NB[@]}" help
[ "$T_RC" -eq 0 ] && grep -q '^Usage:' <<<"$T_OUT" || t_fail "help as non-root: exit $T_RC: $T_ERR"
t_pass "up/down/show/fdb/port add/port del as uid 65534 fail with one line naming $T_BR, change nothing"
