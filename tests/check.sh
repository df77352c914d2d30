#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make check`: the unit suite on the AddressSanitizer +
# UndefinedBehaviorSanitizer build (build/san), then Valgrind on up/fdb/down
# with the normal build (the integration suite runs on build/san in `make
# test`: every test of tc mode). Any sanitizer report or leak fails the run. Every
# skip is listed at the end with its reason; with CI=true one that is not in
# tests/expected-skips fails the run (as in tests/run.sh).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
REPO=$PWD
SAN=$REPO/build/san
EXPECTED_SKIPS=${EXPECTED_SKIPS:-$REPO/tests/expected-skips}
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87
pass=0 fail=0 skip=0
skip_lines=()
T0=$SECONDS

result() { # name rc reason
	local secs=$((SECONDS - T0))
	T0=$SECONDS
	case $2 in
	0) echo "PASS $1 (${secs}s)"; pass=$((pass + 1)) ;;
	77) echo "SKIP $1: $3 (${secs}s)"; skip=$((skip + 1)); skip_lines+=("$1: $3") ;;
	*) echo "FAIL $1 (exit $2) $3 (${secs}s)"; fail=$((fail + 1)) ;;
	esac
}
# cmocka cases skipped inside a unit binary (OUT is its output): each a skip.
cmocka_skips() { # NAME OUT
	local c why
	while IFS= read -r c; do
		[ -n "$c" ] || continue
		why=$(printf '%s\n' "$2" | grep -F "SKIP $c: " | tail -1)
		why=${why#"SKIP $c: "}
		echo "SKIP $1/${c// /_}: ${why:-no reason printed}"
		skip=$((skip + 1))
		skip_lines+=("$1/${c// /_}: ${why:-no reason printed}")
	done < <(printf '%s\n' "$2" | cmocka_skipped)
}
# shellcheck source=tests/lib_skips.sh
. "$REPO/tests/lib_skips.sh"

# 1. unit tests under the sanitizers
for t in "$SAN"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1)
	rc=$?
	result "san:unit:$(basename "$t")" $rc "$(printf '%s' "$out" | grep -m3 -E 'ERROR|runtime error|FAILED' | tr '\n' ' ')"
	cmocka_skips "san:unit:$(basename "$t")" "$out"
done

# 2. The integration tests under the sanitizers: `make test` runs those of
#    tc mode on this build (tests/run.sh, SAN_BUILD), so they are not run a
#    second time here.

# 3. Valgrind: no leak and no error in up, fdb, show, stats, port add/del,
#    publish, set nat, down.
if command -v valgrind >/dev/null; then
	vg_script=$(mktemp)
	cat >"$vg_script" <<'INNER'
set -u
mount --make-rprivate /
mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns
mount -t bpf bpf /sys/fs/bpf
VG="valgrind -q --suppressions=$SUPP --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
rc=0
for cmd in "up" "fdb" "-j fdb" "show" "-j stats" "port add ns3" "fdb add 02:00:00:00:00:09 port ns3" "fdb flush" "publish add 8080 ns3:80" "-j publish show" "set nat off" "publish del 8080" "port del ns3" "down" "down"; do
	# shellcheck disable=SC2086
	$VG "$XBR" -b vg $cmd >/dev/null 2>"$LOG" || { echo "valgrind: xbr $cmd: $(head -20 "$LOG")"; rc=1; }
	if [ "$cmd" = up ]; then ip netns exec ns1 ping -c1 -W1 172.16.1.2 >/dev/null; fi
done
exit $rc
INNER
	out=$(SUPP=$REPO/tests/valgrind.supp XBR=$REPO/build/xbr LOG=$(mktemp) timeout 300 unshare -n -m bash "$vg_script" 2>&1)
	rc=$?
	result "valgrind:up-fdb-down" $rc "$out"
	rm -f "$vg_script"
else
	result "valgrind:up-fdb-down" 77 "valgrind not installed"
fi

skips_report "${skip_lines[@]}"
fail=$((fail + ${#UNEXPECTED_SKIPS[@]}))
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
