#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# Progress on a terminal only: `up` and `down` of several namespaces show
# "N of M" on standard error when it is a terminal (script(1) gives them
# one), and print nothing of it when it is not; the progress line is erased,
# so the result line stands alone.
T_BR=xprog
. "$(dirname "$0")/lib.sh"

command -v script >/dev/null || t_skip "script (bsdutils) not installed"
ns=(p1 p2 p3 p4 p5 p6)

# Not a terminal: up prints its one line, nothing on stderr.
must timeout 60 "$XBR" -b "$T_BR" up "${ns[@]}"
[ -z "$T_ERR" ] || t_fail "up printed on stderr without a terminal: $T_ERR"
[ "$(t_nlines "$T_OUT")" -eq 1 ] || t_fail "up printed more than one line: $T_OUT"
must timeout 60 "$XBR" -b "$T_BR" down
[ -z "$T_ERR$T_OUT" ] || t_fail "down printed without a terminal: $T_OUT $T_ERR"

# A terminal: N of M while it works.
script -qec "timeout 60 $XBR -b $T_BR up ${ns[*]}" /dev/null >"$T_TMP/up.tty" 2>&1 ||
	t_fail "up on a terminal failed: $(tr '\r' '\n' <"$T_TMP/up.tty" | tail -3)"
grep -aq "up: namespace 1 of 6" "$T_TMP/up.tty" || t_fail "up on a terminal shows no 'namespace 1 of 6': $(tr '\r\033' '|~' <"$T_TMP/up.tty")"
grep -aq "bridge $T_BR up: 6 namespaces" "$T_TMP/up.tty" || t_fail "up on a terminal: no result line"
# The progress is erased before the result: the result line starts clean.
tr '\r' '\n' <"$T_TMP/up.tty" | grep -aq "^$(printf '\033')\[Kbridge $T_BR up" ||
	t_fail "the progress line is not erased before the result"
script -qec "timeout 60 $XBR -b $T_BR down" /dev/null >"$T_TMP/down.tty" 2>&1 ||
	t_fail "down on a terminal failed"
grep -aq "down: namespace 1 of 7" "$T_TMP/down.tty" || t_fail "down on a terminal shows no 'namespace 1 of 7': $(tr '\r\033' '|~' <"$T_TMP/down.tty")"
[ ! -e /run/netns/p1 ] || t_fail "down left p1"
t_pass "up/down of 6 namespaces: N of M on a terminal, erased before the result; nothing of it otherwise"
