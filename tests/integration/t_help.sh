#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Help: `xbr help`, `xbr help up`, `xbr fdb help` (and the other objects,
# -h/--help, `OBJECT help`) exit 0, print "Usage:" on stdout, nothing on
# stderr, and touch nothing. `xbr` with no arguments prints usage on stderr
# and exits non-zero.
T_BR=xhelp
. "$(dirname "$0")/lib.sh"

snapshot "$T_TMP/pristine"
check_help() { # EXPECTED-FIRST-LINE-REGEX ARGS...
	local re=$1
	shift
	t_run timeout 10 "$XBR" "$@"
	[ "$T_RC" -eq 0 ] || t_fail "xbr $*: exit $T_RC: $T_ERR"
	[ -z "$T_ERR" ] || t_fail "xbr $*: printed on stderr: $T_ERR"
	head -1 <<<"$T_OUT" | grep -Eq "$re" || t_fail "xbr $*: first line '$(head -1 <<<"$T_OUT")' does not match /$re/"
}
check_help '^Usage: xbr \[OPTIONS\] OBJECT' help
check_help '^Usage: xbr \[OPTIONS\] OBJECT' -h
check_help '^Usage: xbr \[OPTIONS\] OBJECT' --help
check_help '^Usage: xbr \[-b NAME\] up' help up
check_help '^Usage: xbr \[-b NAME\] up' up -h
check_help '^Usage: xbr \[-b NAME\] down' help down
check_help '^Usage: xbr \[-b NAME\] .*show' help show
check_help '^Usage: xbr \[-b NAME\] .*fdb' help fdb
check_help '^Usage: xbr \[-b NAME\] .*fdb' fdb help
check_help '^Usage: xbr \[-b NAME\] port' help port
check_help '^Usage: xbr \[-b NAME\] port' port help
check_help '^Usage: xbr \[-b NAME\] up' -b "$T_BR" help up
check_help '^xbr [0-9]' -V
# The general usage mentions every object.
t_run "$XBR" help
for o in up down show fdb port help; do
	grep -Eq "xbr $o( |$)" <<<"$T_OUT" || t_fail "xbr help does not mention '$o'"
done
# Per-object help documents its options.
t_run "$XBR" help up
for opt in --subnet --gateway --ageing --fdb-size; do
	grep -q -- "$opt" <<<"$T_OUT" || t_fail "xbr help up does not document $opt"
done

t_run timeout 10 "$XBR"
[ "$T_RC" -ne 0 ] || t_fail "xbr with no arguments exited 0"
grep -q '^Usage:' <<<"$T_ERR" || t_fail "xbr with no arguments: no usage on stderr: $T_ERR"
[ -z "$T_OUT" ] || t_fail "xbr with no arguments printed on stdout"

assert_same "$T_TMP/pristine" "help commands"
t_pass "help, help up/down/show/fdb/port, fdb help, port help, -h, --help, -V: exit 0 with Usage"
