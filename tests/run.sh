#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The `make test` driver. Runs, in this order:
#   unit         every build/tests/test_* cmocka binary (but test_datapath)
#   datapath     build/tests/test_datapath, when it was built
#   integration  every tests/integration/t_*.sh (root; each in its own
#                network + mount namespace, see tests/integration/lib.sh)
#   build        every tests/build/t_*.sh, once (the build and install
#                themselves: make install, reproducibility, man page)
#   bench        tools/bench/smoke.sh, when it exists
# and prints one line per test, "PASS|FAIL|SKIP <name> <reason> (<secs>s)",
# the tail of the log under a failed one, then every skip with its reason
# (a cmocka case skipped inside a binary counts as a skip of its own,
# "test_datapath/<case>") and last the summary line "N passed, N failed,
# N skipped". Exit status 1 when any test failed. With CI=true a skip that is
# not listed in tests/expected-skips (with why it is expected on this
# machine kind) is a failure: a check cannot vanish silently.
#
# An integration test that means the same in every datapath mode says so in
# a line "# test-modes: tc" (the modes it runs in); it then runs once.
#
# Usage: tests/run.sh [unit|datapath|integration|build|bench|NAME...]
#   NAME is a test's name: test_parse, t_ping, t_ping.sh, smoke, ...
# Environment:
#   BUILD=dir         build directory (default build)
#   XBR=path          binary under test (default $BUILD/xbr)
#   TEST_TIMEOUT=s    per-test limit in seconds (default 120; a test may ask
#                     for more with a line "# test-timeout: SECONDS")
#   BENCH_TIMEOUT=s   limit for the bench smoke test (default 600)
#   DATAPATH_TIMEOUT=s  limit for test_datapath (default 600: its 255 cases
#                     and 50,000-frame fuzz take ~60 s on this machine kind
#                     when idle, and went past 120 s beside two other CI runs)
#   TEST_LOG_LINES=n  lines of log shown under a failure (default 20)
#   TEST_JOBS=n       tests run at a time (default 1; `make test` gives 2).
#                     A test with a line "# test-serial: WHY" runs alone, after
#                     the others, as the bench smoke test does; results print
#                     as tests end.
#   SAN_BUILD=dir     a build with AddressSanitizer and UBSan (`make test`:
#                     build/san): the integration tests of tc mode run its
#                     binaries (xbr, xbr-cni, xbr-docker, xbr-agent), the XDP
#                     ones the normal build's, so every test runs once under
#                     the sanitizers and once as shipped. A sanitizer report
#                     fails the test. A test that says "# test-san: no WHY"
#                     runs the normal build in tc mode too.
#   XBR_MODES=list    datapath modes the integration tests run in (default
#                     "tc xdp"; the datapath binary covers both by itself)
#   EXPECTED_SKIPS=f  the expected skips (default tests/expected-skips)
# Exit codes of a test: 0 pass, 77 skip, anything else fail (124: timeout).
# Full logs: $BUILD/tests/logs/<name>.log
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 2
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
XBR=${XBR:-$BUILD/xbr}
export XBR
TEST_TIMEOUT=${TEST_TIMEOUT:-120}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
DATAPATH_TIMEOUT=${DATAPATH_TIMEOUT:-600}
TEST_LOG_LINES=${TEST_LOG_LINES:-20}
TEST_JOBS=${TEST_JOBS:-1}
XBR_MODES=${XBR_MODES:-tc xdp}
EXPECTED_SKIPS=${EXPECTED_SKIPS:-$REPO/tests/expected-skips}
SAN_BUILD=${SAN_BUILD:-}
case $SAN_BUILD in '' | /*) ;; *) SAN_BUILD=$REPO/$SAN_BUILD ;; esac
if [ -n "$SAN_BUILD" ]; then
	[ -x "$SAN_BUILD/xbr" ] || { echo "tests/run.sh: SAN_BUILD=$SAN_BUILD has no xbr (make san)" >&2; exit 2; }
	# A report ends the process with its own exit code, which the test sees
	# as a failed command; the log is searched for one besides (a daemon's).
	export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=86
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87
fi
LOGDIR=$BUILD/tests/logs
# cmocka writes results to stdout and errors to stderr: line-buffer both so
# the log keeps them in order.
LINEBUF=()
command -v stdbuf >/dev/null 2>&1 && LINEBUF=(stdbuf -oL -eL)

usage() {
	sed -n '2,/^set -uo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" | sed -n '/^Usage/,$p'
}

# ---- what exists ----
unit_tests() {
	local f
	for f in "$BUILD"/tests/test_*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		case ${f##*/} in test_datapath | *.d | *.o | *.log) continue ;; esac
		echo "unit $f"
	done
}
datapath_tests() { [ -x "$BUILD/tests/test_datapath" ] && echo "datapath $BUILD/tests/test_datapath"; }
# Each integration test runs once per datapath mode (XBR_MODE, lib.sh),
# or in the modes of its "# test-modes:" line only; a mode other than tc
# shows in the name: t_ping@xdp.
test_modes() { # FILE: the modes the test runs in, "" for every mode
	sed -n 's/^# test-modes: *\([a-z ]*\)$/\1/p' "$1" | head -1
}
integration_tests() {
	local f m only
	for m in $XBR_MODES; do
		for f in "$REPO"/tests/integration/t_*.sh; do
			[ -f "$f" ] || continue
			only=$(test_modes "$f")
			[ -z "$only" ] || [[ " $only " == *" $m "* ]] || continue
			echo "integration:$m $f"
		done
	done
}
build_tests() {
	local f
	for f in "$REPO"/tests/build/t_*.sh; do
		[ -f "$f" ] && echo "build $f"
	done
}
bench_tests() { [ -f "$REPO/tools/bench/smoke.sh" ] && echo "bench $REPO/tools/bench/smoke.sh"; }
all_tests() { unit_tests; datapath_tests; integration_tests; build_tests; bench_tests; }

# ---- selection ----
selected=()
add_lines() {
	local l
	while IFS= read -r l; do
		[ -n "$l" ] && selected+=("$l")
	done
}
if [ $# -eq 0 ]; then
	add_lines < <(all_tests)
else
	for arg in "$@"; do
		case $arg in
		-h | --help) usage; exit 0 ;;
		all) add_lines < <(all_tests) ;;
		unit) add_lines < <(unit_tests) ;;
		datapath) add_lines < <(datapath_tests) ;;
		integration) add_lines < <(integration_tests) ;;
		build) add_lines < <(build_tests) ;;
		bench) add_lines < <(bench_tests) ;;
		*)
			want=${arg%.sh}
			want=${want##*/}
			match=$(all_tests | awk -v w="$want" '{ n = $2; sub(/.*\//, "", n); sub(/\.sh$/, "", n); if (n == w) print }')
			if [ -z "$match" ]; then
				echo "tests/run.sh: no test named '$arg' (try: unit, datapath, integration, build, bench, or a name from: $(all_tests | awk '{ n = $2; sub(/.*\//, "", n); sub(/\.sh$/, "", n); printf "%s ", n }'))" >&2
				exit 2
			fi
			add_lines <<<"$match"
			;;
		esac
	done
fi

# ---- running ----
# shellcheck source=tests/lib_skips.sh
. "$REPO/tests/lib_skips.sh"
mkdir -p "$LOGDIR"
passed=0 failed=0 skipped=0
failed_names=()
skip_lines=() # "NAME: reason", every skip of the run

# The reason shown on a test's line, from its log.
reason_of() { # KIND NAME LOG RC
	local kind=$1 name=$2 log=$3 rc=$4 r=""
	case $kind in
	unit | datapath)
		if grep -q '^\[  PASSED  \]' "$log"; then
			r=$(grep -E '^\[==========\] [0-9]+ test\(s\) run' "$log" | tail -1 | sed -E 's/^\[=+\] ([0-9]+) test\(s\) run.*/\1 cases/')
		fi
		if grep -q '^\[  FAILED  \] [0-9]' "$log"; then
			r="failed: $(grep -E '^\[  FAILED  \] [a-zA-Z_]' "$log" | sed 's/^\[  FAILED  \] //' | sort -u | paste -sd' ')"
			r="$r$(grep -E '\[   LINE   \]' "$log" | head -3 | sed 's/.*\[   LINE   \] --- / at /' | paste -sd' ')"
		fi
		[ -z "$r" ] && r=$(grep -E "^(PASS|FAIL|SKIP)" "$log" | tail -1 | sed -E 's/^(PASS|FAIL|SKIP):? *//')
		;;
	integration* | build)
		r=$(grep -E "^(PASS|FAIL|SKIP) ${name%@*}(: |$)" "$log" | tail -1 | sed -E "s/^(PASS|FAIL|SKIP) ${name%@*}:? ?//")
		;;
	esac
	[ -z "$r" ] && r=$(grep -v '^[[:space:]]*$' "$log" | tail -1 | cut -c1-200)
	case $rc in
	124 | 137) r="timed out after ${5}s${r:+; last: $r}" ;;
	esac
	printf '%s' "$r"
}

# The name a test is reported under: its file's, with @MODE but for tc.
test_name() { # KIND PATH
	local n=${2##*/}
	n=${n%.sh}
	case $1 in integration:*) [ "${1#integration:}" = tc ] || n=$n@${1#integration:} ;; esac
	printf '%s' "$n"
}

# The time limit of a test: its kind's, or its "# test-timeout: SECONDS".
test_limit() { # KIND PATH
	local limit=$TEST_TIMEOUT t
	[ "$1" = bench ] && limit=$BENCH_TIMEOUT
	[ "$1" = datapath ] && limit=$DATAPATH_TIMEOUT
	# A test that needs longer says so in a line "# test-timeout: SECONDS".
	case $1 in integration:* | build)
		t=$(sed -n 's/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$2" | head -1)
		[ -n "$t" ] && [ "$t" -gt "$limit" ] && limit=$t ;;
	esac
	# ASan and UBSan slow xbr's own work: 180 s at least under them.
	is_san "$1" "$2" && [ "$limit" -lt 180 ] && limit=180
	printf '%s' "$limit"
}

# Run one test; its exit status and seconds go to LOG.res (exec_one may run
# in the background: report_one, in this shell, counts and prints).
exec_one() { # KIND PATH
	local kind=$1 path=$2 name limit rc t0 t1 log mode=tc
	name=$(test_name "$kind" "$path")
	case $kind in integration:*) mode=${kind#integration:} ;; esac
	log=$LOGDIR/$name.log
	limit=$(test_limit "$kind" "$path")
	t0=$(date +%s%N)
	case $kind in
	unit | datapath) timeout -k 10 "$limit" "${LINEBUF[@]}" "$path" </dev/null >"$log" 2>&1 ;;
	*)
		if is_san "$kind" "$path"; then
			XBR=$SAN_BUILD/xbr XBR_MODE=$mode timeout -k 10 "$limit" bash "$path" </dev/null >"$log" 2>&1
		else
			XBR_MODE=$mode timeout -k 10 "$limit" bash "$path" </dev/null >"$log" 2>&1
		fi
		;;
	esac
	rc=$?
	# A sanitizer report anywhere in the log (a daemon's too) fails the test.
	if is_san "$kind" "$path" && grep -cE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log" >/dev/null; then
		echo "FAIL ${name%@*}: sanitizer report: $(grep -m2 -E 'Sanitizer|runtime error' "$log" | tr '\n' ' ' | cut -c1-300)" >>"$log"
		[ "$rc" -ne 0 ] || rc=86
	fi
	t1=$(date +%s%N)
	echo "$rc $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" >"$log.res"
}

# Does the test run the sanitizer build? Integration tests of tc mode do when
# SAN_BUILD is set, but those that say "# test-san: no WHY".
is_san() { # KIND PATH
	[ -n "$SAN_BUILD" ] && [ "$1" = integration:tc ] && ! grep -c '^# test-san: no ' "$2" >/dev/null
}

run_one() { # KIND PATH
	exec_one "$1" "$2"
	report_one "$1" "$2"
}

# Does the test run alone? A benchmark does; an integration or build test
# that says "# test-serial: WHY" does (it measures rates or losses, or
# floods: another test beside it would change what it measures, or lose
# frames in the kernel's shared per-CPU input queues).
is_serial() { # KIND PATH
	case $1 in
	bench) return 0 ;;
	unit | datapath) return 1 ;;
	esac
	grep -c '^# test-serial: ' "$2" >/dev/null
}

report_one() { # KIND PATH
	local kind=$1 path=$2 name limit rc secs status reason log
	name=$(test_name "$kind" "$path")
	log=$LOGDIR/$name.log
	limit=$(test_limit "$kind" "$path")
	[ "$kind" = bench ] && limit=$BENCH_TIMEOUT
	[ "$kind" = datapath ] && limit=$DATAPATH_TIMEOUT
	read -r rc secs <"$log.res" || { rc=1 secs=0; }
	rm -f "$log.res"
	case $rc in
	0) status=PASS passed=$((passed + 1)) ;;
	77) status=SKIP skipped=$((skipped + 1)) ;;
	*) status=FAIL failed=$((failed + 1)) failed_names+=("$name") ;;
	esac
	reason=$(reason_of "$kind" "$name" "$log" "$rc" "$limit")
	[ "$status" = SKIP ] && skip_lines+=("$name: $reason")
	# cmocka cases skipped inside a binary that passed: each a skip, with
	# the reason the case printed ("SKIP <case>: <reason>").
	case $kind in unit | datapath)
		local c why n=0
		while IFS= read -r c; do
			[ -n "$c" ] || continue
			why=$(grep -F "SKIP $c: " "$log" | tail -1)
			why=${why#"SKIP $c: "}
			skip_lines+=("$name/${c// /_}: ${why:-no reason printed}")
			skipped=$((skipped + 1)) n=$((n + 1))
		done < <(cmocka_skipped <"$log")
		[ "$n" -eq 0 ] || reason="$reason${reason:+, }$n skipped"
		;;
	esac
	[ "$status" = FAIL ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] && reason="exit $rc${reason:+: $reason}"
	printf '%s %s %s (%ss)\n' "$status" "$name" "${reason:-}" "$secs"
	if [ "$status" = FAIL ] && [ "$TEST_LOG_LINES" -gt 0 ]; then
		# What explains the failure: cmocka's error lines, or the log's end
		# without the result line already shown.
		{ grep -E '\[ +(ERROR|FAILED|LINE) +\]' "$log" ||
			grep -Ev "^(PASS|FAIL|SKIP) ${name%@*}(:|$)" "$log"; } |
			tail -n "$TEST_LOG_LINES" | sed 's/^/    | /'
	fi
}

if [ "${#selected[@]}" -eq 0 ]; then
	echo "FAIL tests no tests found: build them with make test (looked in $BUILD/tests and tests/integration)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
if [ -z "$(unit_tests)" ] && [ $# -eq 0 ]; then
	echo "FAIL unit no unit test binaries in $BUILD/tests: run make test"
	failed=$((failed + 1))
fi

# TEST_JOBS tests at a time (each integration test lives in namespaces of
# its own); the tests that is_serial() says run alone come after them, one
# by one (so they never stall the pool).
declare -A seen=() jobs=()
serial=()
drain_one() {
	local pid
	wait -n -p pid "${!jobs[@]}"
	report_one ${jobs[$pid]%% *} "${jobs[$pid]#* }"
	unset "jobs[$pid]"
}
for t in "${selected[@]}"; do
	[ -n "${seen[$t]:-}" ] && continue
	seen[$t]=1
	if [ "$TEST_JOBS" -le 1 ]; then
		run_one ${t%% *} "${t#* }"
		continue
	fi
	if is_serial ${t%% *} "${t#* }"; then
		serial+=("$t")
		continue
	fi
	while [ "${#jobs[@]}" -ge "$TEST_JOBS" ]; do drain_one; done
	exec_one ${t%% *} "${t#* }" &
	jobs[$!]=$t
done
while [ "${#jobs[@]}" -gt 0 ]; do drain_one; done
for t in "${serial[@]}"; do run_one ${t%% *} "${t#* }"; done

# Every skip, with its reason; under CI, one not in the expected list fails.
skips_report "${skip_lines[@]}"
for n in "${UNEXPECTED_SKIPS[@]}"; do
	failed=$((failed + 1)) failed_names+=("$n(skip)")
done
[ "$failed" -eq 0 ] || echo "failed: ${failed_names[*]} (logs in $LOGDIR)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
