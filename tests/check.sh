#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make check`: the unit and integration suites on the AddressSanitizer +
# UndefinedBehaviorSanitizer build (build/san), then Valgrind on up/fdb/down
# with the normal build. Any sanitizer report or leak fails the run. Every
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

# 2. integration tests with the sanitized binary: any report makes xbr exit
#    86/87, which the tests see as a failed command. CHECK_JOBS at a time
#    (default 2; `make test` runs the same tests TEST_JOBS at a time), those
#    with a "# test-serial:" line alone after the others, as tests/run.sh
#    does.
CHECK_JOBS=${CHECK_JOBS:-2}
OUTDIR=$(mktemp -d)
trap 'rm -rf "$OUTDIR"' EXIT
san_exec() { # TEST: its output to OUTDIR/NAME, "rc seconds" to OUTDIR/NAME.rc
	local t=$1 n limit mode t0
	n=$(basename "$t" .sh)
	# 180 s each, or what the test asks for ("# test-timeout: SECONDS", as
	# tests/run.sh reads it).
	limit=$(sed -n 's/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -1)
	[ -n "$limit" ] && [ "$limit" -gt 180 ] || limit=180
	# A test of "# test-modes: M..." runs in its first mode (tc otherwise).
	mode=$(sed -n 's/^# test-modes: *\([a-z]*\).*$/\1/p' "$t" | head -1)
	t0=$SECONDS
	# t_big: 1,023 stations under the sanitizers (4,095 run in make test).
	XBR=$SAN/xbr XBR_MODE=${mode:-tc} XBR_BIG=${XBR_BIG:-1023} timeout -k 10 "$limit" bash "$t" </dev/null >"$OUTDIR/$n" 2>&1
	echo "$? $((SECONDS - t0))" >"$OUTDIR/$n.rc"
}
san_report() { # TEST
	local n rc secs out line
	n=$(basename "$1" .sh)
	read -r rc secs <"$OUTDIR/$n.rc" || { rc=1 secs=0; }
	out=$(cat "$OUTDIR/$n")
	line=$(printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP) ' | tail -1)
	if printf '%s' "$out" | grep -cE 'ERROR: (Address|Leak)Sanitizer|runtime error:' >/dev/null; then
		rc=1
		line="sanitizer report: $(printf '%s' "$out" | grep -m2 -E 'Sanitizer|runtime error' | tr '\n' ' ')"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		line="$line | $(printf '%s\n' "$out" | grep -v '^[[:space:]]*$' | tail -5 | cut -c1-200 | tr '\n' '|')"
	fi
	T0=$((SECONDS - secs))
	result "san:$n" "$rc" "$line"
}
declare -A running=()
san_drain() {
	local pid
	wait -n -p pid "${!running[@]}"
	san_report "${running[$pid]}"
	unset "running[$pid]"
}
serial=()
for t in tests/integration/t_*.sh; do
	case $t in
	*/t_h_killsweep.sh)
		# It runs xbr under strace to inject faults, and LeakSanitizer needs
		# ptrace itself at exit: the two cannot share a process.
		T0=$SECONDS
		result "san:$(basename "$t" .sh)" 77 "strace fault injection and LeakSanitizer both need ptrace; runs in make test"
		continue
		;;
	esac
	if [ "$CHECK_JOBS" -gt 1 ] && grep -c '^# test-serial: ' "$t" >/dev/null; then
		serial+=("$t")
		continue
	fi
	while [ "${#running[@]}" -ge "$CHECK_JOBS" ]; do san_drain; done
	san_exec "$t" &
	running[$!]=$t
done
while [ "${#running[@]}" -gt 0 ]; do san_drain; done
for t in "${serial[@]}"; do
	san_exec "$t"
	san_report "$t"
done

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
