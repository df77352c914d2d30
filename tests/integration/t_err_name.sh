#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# Bad names: a namespace (for `up`, `port add`, `port del`) or a bridge (-b)
# with '/', "..", ".", more than 15 characters (bridge: more than 12),
# empty, a leading '-', spaces or other characters. Each: non-zero exit,
# exactly one line on stderr naming it, nothing created - in particular no
# file outside /run/netns and no pin outside /sys/fs/bpf/xbr.
T_BR=xname
. "$(dirname "$0")/lib.sh"

X=("$XBR" -b "$T_BR")
bad_ns=('a/b' '../x' '..' '.' '/x' 'abcdefghijklmnop' 'a-very-long-namespace-name' 'a b' 'ns$1' 'ns;1' 'ns*' 'ns:1' 'é')

for n in "${bad_ns[@]}"; do
	expect_error "up: namespace '$n'" "\"$n\"" "${X[@]}" up "$n"
	expect_error "up: namespace '$n' with address" "$n" "${X[@]}" up "$n=172.16.1.1/16"
done
expect_error "up: empty namespace name" '""' "${X[@]}" up ""
expect_error "up: empty name before '='" "=172.16.1.1/16" "${X[@]}" up "=172.16.1.1/16"
expect_error "up: duplicate namespace" ns1 "${X[@]}" up ns1 ns1
expect_error "up: duplicate namespace, different addresses" ns1 "${X[@]}" up ns1=172.16.1.1/16 ns2 ns1=172.16.1.9/16

for b in 'a/b' '..' '.' 'abcdefghijklm' 'abcdefghijklmnop' 'a b' '-x' 'b$r'; do
	expect_error "bridge name '$b' (up)" "\"$b\"" "$XBR" -b "$b" up
	expect_error "bridge name '$b' (down)" "\"$b\"" "$XBR" -b "$b" down
done
expect_error "bridge name empty" '""' "$XBR" -b "" up
expect_error "-b without a name" "-b" "$XBR" up -b

must timeout 30 "${X[@]}" up
xjson show
before_show=$J
for n in "${bad_ns[@]}"; do
	expect_error "port add: namespace '$n'" "\"$n\"" "${X[@]}" port add "$n"
	expect_error "port del: namespace '$n'" "\"$n\"" "${X[@]}" port del "$n"
done
expect_error "port add: duplicate namespace (already a port)" ns1 "${X[@]}" port add ns1
expect_error "port add: duplicate namespace with address" ns2 "${X[@]}" port add ns2 172.16.1.9/16
expect_error "port add: no namespace" "port add" "${X[@]}" port add
expect_error "port: unknown command" frob "${X[@]}" port frob
expect_error "unknown object" frob "${X[@]}" frob
xjson show
[ "$J" = "$before_show" ] || t_fail "show changed after failed commands: $J"
[ -z "$(find /run/netns -mindepth 1 ! -name ns1 ! -name ns2)" ] || t_fail "unexpected files in /run/netns: $(ls /run/netns)"
[ "$(cd /sys/fs/bpf && find . -mindepth 1 -maxdepth 1 ! -name '*.debug')" = "./xbr" ] || t_fail "unexpected entries in /sys/fs/bpf: $(ls /sys/fs/bpf)"
assert_ping ns1 172.16.1.2 2
t_pass "${#bad_ns[@]} bad namespace names, 9 bad bridge names, duplicates: one-line errors, nothing created"
