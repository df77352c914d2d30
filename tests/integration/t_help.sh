#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# Help at every level, for every object and command of the table
# (`xbr -j help`): `xbr help OBJ [CMD]`, `xbr OBJ help`, `xbr OBJ CMD help`,
# `help` after arguments (`xbr up ns1 help`), -h/--help anywhere: exit 0,
# "Usage:" naming the command on stdout, nothing on stderr, and nothing
# created: `help` is a keyword, never a namespace's or port's name. `xbr`
# alone prints usage on stderr and fails; an unknown or ambiguous word
# (`xbr help bogus`, `xbr s`, `xbr fdb frob`, `xbr up --sub`) fails with one
# line naming it.
T_BR=xhelp
. "$(dirname "$0")/lib.sh"

snapshot "$T_TMP/pristine"
X=("$XBR" -b "$T_BR")
check_help() { # EXPECTED-FIRST-LINE-REGEX ARGS...
	local re=$1
	shift
	t_run timeout 10 "${X[@]}" "$@"
	[ "$T_RC" -eq 0 ] || t_fail "xbr $*: exit $T_RC: $T_ERR"
	[ -z "$T_ERR" ] || t_fail "xbr $*: printed on stderr: $T_ERR"
	head -1 <<<"$T_OUT" | grep -Eq "$re" || t_fail "xbr $*: first line '$(head -1 <<<"$T_OUT")' does not match /$re/"
}
check_help '^Usage: xbr \[OPTIONS\] OBJECT' help
check_help '^Usage: xbr \[OPTIONS\] OBJECT' -h
check_help '^Usage: xbr \[OPTIONS\] OBJECT' --help
check_help '^xbr [0-9]' -V
check_help '^xbr [0-9]' version

# Every object and command of the table, each way of asking.
t_run "$XBR" -j help
[ "$T_RC" -eq 0 ] || t_fail "xbr -j help failed: $T_ERR"
table=$T_OUT
jq_ok "$table" '(.objects | length) >= 10 and (.options | length) == 6' "xbr -j help: not the command table"
n=0
while read -r obj cmd; do
	path="$obj${cmd:+ $cmd}"
	re="^Usage: xbr .*\\b$path\\b"
	check_help "$re" help $path
	check_help "$re" $path help
	check_help "$re" $path -h
	check_help "$re" --help $path
	n=$((n + 1))
done < <(jq -r '.objects[] | .name, (.name as $o | .commands[]? | "\($o) \(.name)")' <<<"$table")
[ "$n" -ge 20 ] || t_fail "only $n objects and commands in the table"

# `help` after arguments is still help, never a name (the issue's `xbr up help`).
check_help '^Usage: xbr .*up' up help
check_help '^Usage: xbr .*up' up ns1 help
check_help '^Usage: xbr .*up' up --subnet help
check_help '^Usage: xbr .*port add' port add help
check_help '^Usage: xbr .*port add' port add c1 netns help
check_help '^Usage: xbr .*fdb add' fdb add 02:00:00:00:00:01 port help
for o in show down reload stats set monitor; do
	check_help "^Usage: xbr .*$o" $o help
done

# The general usage names every object and the options the issue found missing.
t_run "$XBR" help
for w in "xbr up" "xbr down" "xbr show" "xbr fdb" "xbr port" "xbr stats" "xbr reload" "xbr set" \
	"xbr monitor" "xbr help" "xbr version" --subnet6 --no-icc --mode; do
	grep -q -- "$w" <<<"$T_OUT" || t_fail "xbr help does not mention '$w'"
done
# Per-command help documents its options.
t_run "$XBR" help up
for opt in --subnet --gateway --subnet6 --ageing --fdb-size --no-icc --mode; do
	grep -q -- "$opt" <<<"$T_OUT" || t_fail "xbr help up does not document $opt"
done
# -j help of one command: its entry of the table.
xjson help fdb add
jq_ok "$J" '.path == "fdb add" and (.options | map(.name) | index("port") != null)' "xbr -j help fdb add"

# Errors: usage on stderr for nothing at all; one line for unknown or ambiguous words.
t_run timeout 10 "$XBR"
[ "$T_RC" -ne 0 ] || t_fail "xbr with no arguments exited 0"
grep -q '^Usage:' <<<"$T_ERR" || t_fail "xbr with no arguments: no usage on stderr: $T_ERR"
[ -z "$T_OUT" ] || t_fail "xbr with no arguments printed on stdout"
expect_error "help of an unknown object" bogus "${X[@]}" help bogus
expect_error "help of an unknown command" frob "${X[@]}" help fdb frob
expect_error "ambiguous object" '"s"' "${X[@]}" s
expect_error "unknown command" frob "${X[@]}" fdb frob
expect_error "ambiguous option" --sub "${X[@]}" up --sub 10.0.0.0/16
expect_error "a command needed" set "${X[@]}" set

# Nothing was created by any of it: no bridge, no namespace named help.
assert_same "$T_TMP/pristine" "help commands"
[ ! -e /run/netns/help ] || t_fail "a namespace named help was created"
t_pass "help, OBJ help, OBJ CMD help, help OBJ CMD, -h for $n objects and commands; help after arguments; unknown/ambiguous words one line; nothing created"
