#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Nothing a user set is lost when the firewall is flushed (issue 17), with a
# namespace "out" as the outside network: a bridge with masquerade and a
# published port; `nft flush ruleset` takes its table; `xbr show` (text and
# -j) and `publish show` say the rules are missing (exit 0) and still list
# what was set (so does `xbr save`); `xbr restore` brings masquerade and the publication back
# (traffic from outside to the published port, and from a station out,
# masqueraded), leaves a foreign table alone, and a second restore changes
# nothing (`nft -j list table` before and after); one deleted rule is found
# and put back; a publish command repairs a flushed table on the way; bad
# input is one line and changes nothing; `restore --all`; then the watcher
# (`xbr monitor --restore`) puts the table back after another flush with no
# command typed (the delay is measured and reported; bounded wait), logs one
# line per restore, and stops cleanly (on SIGTERM, and by itself when the
# bridge goes down).
T_BR=xnatrest
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nat.sh"

X=("$XBR" -b "$T_BR")
T=xbr-$T_BR
tablej() { nft -j list table inet "$T" 2>&1; }
keepme() { nft -j list table inet keepme 2>&1; }
make_keepme() {
	nft -f - <<-'EOF' || t_fail "cannot make the foreign table"
		table inet keepme {
			chain c {
				type filter hook input priority 10; policy accept;
				tcp dport 9 accept comment "not xbr's"
			}
		}
	EOF
}
# nat_rules_are STATE: xbr -j show says the table is STATE (ok, missing), exit 0.
nat_rules_are() {
	xjson show
	jq_ok "$J" ".nat == \"masquerade\" and .nat_rules == \"$1\"" "show -j: nat_rules is not $1"
}

nat_outside
must timeout 30 "${X[@]}" up ns1 ns2
serve ns1 tcp 80
serve out tcp 7000
must "${X[@]}" publish add 8080 ns1:80
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
assert_peer ns2 tcp "$OUT4" 7000 "$HOST4"
nat_rules_are ok

# ---- flushed: show tells, publish show still lists from the record ----
nft flush ruleset || t_fail "nft flush ruleset failed"
nat_rules_are missing
must "${X[@]}" show
grep -q 'nat masquerade (rules missing: run xbr restore)' <<<"$T_OUT" || t_fail "show does not say the rules are missing: $(head -1 <<<"$T_OUT")"
xjson publish show
jq_ok "$J" 'length == 1 and .[0].host_port == 8080 and .[0].station == "ns1" and .[0].rules == 0 and .[0].state == "missing"' \
	"publish show -j after the flush does not list 8080 as missing"
must "${X[@]}" publish show
grep -qx 'tcp \*:8080 -> ns1:80 (rules missing: run xbr restore)' <<<"$T_OUT" || t_fail "publish show after the flush: $T_OUT"
assert_no_answer out tcp "$HOST4" 8080 "published port answers with the table flushed"
# `xbr save` (a front-end reading pub_list()) still sees the publication.
must "${X[@]}" save "$T_TMP/saved.conf"
grep -q "publish add .*8080 ns1:80" "$T_TMP/saved.conf" || t_fail "save after the flush lost the publication: $(cat "$T_TMP/saved.conf")"

# ---- restore: back, a foreign table untouched, twice changes nothing ----
make_keepme
k0=$(keepme)
must "${X[@]}" restore
grep -q "restored: nat masquerade, 1 publication" <<<"$T_OUT" || t_fail "restore said: $T_OUT"
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
assert_peer ns2 tcp "$OUT4" 7000 "$HOST4"
nat_rules_are ok
xjson publish show
jq_ok "$J" '.[0].rules == 2 and .[0].state == "ok"' "publish show -j after restore"
t0=$(tablej)
must "${X[@]}" restore
grep -q "nothing to restore" <<<"$T_OUT" || t_fail "second restore said: $T_OUT"
[ "$(tablej)" = "$t0" ] || t_fail "a second restore changed the table"
xjson restore
jq_ok "$J" '.restored == false and .publications == 1 and .nat == "masquerade"' "restore -j of a complete table"
[ "$(tablej)" = "$t0" ] || t_fail "a third restore changed the table"
[ "$(keepme)" = "$k0" ] || t_fail "restore changed the foreign table inet keepme"

# ---- one rule deleted: found, put back ----
h=$(nft -a list chain inet "$T" pub | awk '/xbr-pub/ { print $NF; exit }')
[ -n "$h" ] || t_fail "no publication rule in chain pub"
nft delete rule inet "$T" pub handle "$h" || t_fail "cannot delete rule $h"
nat_rules_are missing
must "${X[@]}" restore
nat_rules_are ok

# ---- a publish command repairs a flushed table on the way ----
nft delete table inet "$T" || t_fail "cannot delete table inet $T"
must "${X[@]}" publish add 8081 ns1:80
nat_rules_are ok
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
assert_peer out tcp "$HOST4" 8081 "$OUT4" 80
must "${X[@]}" publish del 8081
[ "$(keepme)" = "$k0" ] || t_fail "publish changed the foreign table inet keepme"

# ---- bad input: one line, nothing changed ----
r0=$(ruleset)
expect_error "bridge not up" '"nosuch"' "$XBR" -b nosuch restore
expect_error "bridge not up, -j" '"nosuch"' "$XBR" -j -b nosuch restore
expect_error "unknown option" '"--bogus"' "${X[@]}" restore --bogus
[ "$(ruleset)" = "$r0" ] || t_fail "a refused restore changed the ruleset"

# ---- restore --all: every bridge that is up ----
nft flush table inet "$T" || t_fail "cannot flush table inet $T"
xjson restore --all
jq_ok "$J" 'length == 1 and .[0].bridge == "'"$T_BR"'" and .[0].restored == true' "restore --all -j"
nat_rules_are ok

# ---- the other ways out: --no-nat and --internal (and IPv4 only) ----
B2=xnrnonat B3=xnrint
T_BRIDGES+=("$B2" "$B3")
must timeout 30 "$XBR" -b "$B2" up --no-nat --subnet 172.18.0.0/16 --subnet6 none n2a
must timeout 30 "$XBR" -b "$B3" up --internal --subnet 172.19.0.0/16 n3a
for b in "$B2" "$B3"; do
	xjson_b "$b" show
	jq_ok "$J" '.nat_rules == "ok"' "bridge $b: show -j after up"
done
nft flush ruleset || t_fail "nft flush ruleset failed"
for b in "$B2" "$B3"; do
	xjson_b "$b" show
	jq_ok "$J" '.nat_rules == "missing"' "bridge $b: show -j after the flush"
done
xjson restore --all
jq_ok "$J" 'length == 3 and all(.[]; .restored == true) and (map(.nat) | sort) == ["internal", "masquerade", "off"]' "restore --all -j of three bridges"
for b in "$B2" "$B3"; do
	xjson_b "$b" show
	jq_ok "$J" '.nat_rules == "ok"' "bridge $b: show -j after restore --all"
done
must timeout 30 "$XBR" -b "$B2" down
must timeout 30 "$XBR" -b "$B3" down
nat_rules_are ok

# ---- the watcher: a flush is undone with no command typed ----
t_bg "${X[@]}" monitor --restore >"$T_TMP/mon" 2>"$T_TMP/mon.err"
MON=$T_BG_PID
wait_until 10 grep -q "^watching table inet $T" "$T_TMP/mon" || t_fail "monitor --restore did not start: $(cat "$T_TMP/mon.err")"
nat_rules_are ok
[ "$(grep -c '^restored' "$T_TMP/mon")" -eq 0 ] || t_fail "the watcher restored a complete table: $(cat "$T_TMP/mon")"
worst=0
for i in 1 2 3; do
	start=$(date +%s%N)
	nft flush ruleset || t_fail "nft flush ruleset failed"
	# The issue asks for 2 s; the bound is wider so that a loaded machine
	# does not fail the test: the measured delay is reported.
	wait_until 10 sh -c "nft list table inet $T 2>/dev/null | grep -q xbr-pub" ||
		t_fail "flush $i: the watcher did not put the table back within 10 s: $(cat "$T_TMP/mon" "$T_TMP/mon.err")"
	ms=$((($(date +%s%N) - start) / 1000000))
	t_log "flush $i: table back after $ms ms"
	[ "$ms" -le "$worst" ] || worst=$ms
	wait_until 10 sh -c "[ \$(grep -c '^restored' '$T_TMP/mon') -ge $i ]" || t_fail "flush $i: no restore line: $(cat "$T_TMP/mon")"
done
nat_rules_are ok
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
assert_peer ns2 tcp "$OUT4" 7000 "$HOST4"
sleep 0.5
n=$(grep -c '^restored' "$T_TMP/mon")
[ "$n" -eq 3 ] || t_fail "expected one restore line per flush (3), got $n: $(cat "$T_TMP/mon")"
t_log "watcher: $(grep '^restored' "$T_TMP/mon" | tr '\n' '|')"
# Its own figure: from the first notification of the flush to the table rebuilt.
own=$(sed -n 's/^restored .*(\([0-9]*\) ms after the change)$/\1/p' "$T_TMP/mon" | sort -n | tail -1)
[ -n "$own" ] || t_fail "the watcher's restore lines carry no delay: $(cat "$T_TMP/mon")"
# A change to another table is none of the watcher's business.
make_keepme
nft delete table inet keepme
sleep 0.5
[ "$(grep -c '^restored' "$T_TMP/mon")" -eq 3 ] || t_fail "the watcher restored after a change to another table"
kill -TERM "$MON"
wait "$MON"
rc=$?
[ "$rc" -eq 0 ] || t_fail "monitor --restore exited $rc on SIGTERM: $(cat "$T_TMP/mon.err")"
[ ! -s "$T_TMP/mon.err" ] || t_fail "monitor --restore wrote errors: $(cat "$T_TMP/mon.err")"

# A watcher stops by itself when its bridge goes down (and does not bring
# the table back).
t_bg "${X[@]}" monitor --restore >"$T_TMP/mon2" 2>&1
MON2=$T_BG_PID
wait_until 10 grep -q "^watching table inet $T" "$T_TMP/mon2" || t_fail "second monitor --restore did not start: $(cat "$T_TMP/mon2")"
must timeout 30 "${X[@]}" down
wait_until 10 sh -c "! kill -0 $MON2" || t_fail "the watcher did not stop when the bridge went down: $(cat "$T_TMP/mon2")"
wait "$MON2"
rc=$?
[ "$rc" -eq 0 ] || t_fail "the watcher exited $rc when the bridge went down: $(cat "$T_TMP/mon2")"
grep -q "^bridge down: stopped watching table inet $T" "$T_TMP/mon2" || t_fail "the watcher did not say it stopped: $(cat "$T_TMP/mon2")"
nft list table inet "$T" >/dev/null 2>&1 && t_fail "down left table inet $T"
t_pass "flush shown as missing (text, -j), restore brings masquerade + publication back (traffic), foreign table untouched, idempotent, publish repairs on the way; watcher restored 3 flushes, slowest $worst ms after the flush as polled (watcher's own: <= $own ms)"
