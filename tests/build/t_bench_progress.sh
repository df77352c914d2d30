#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make bench` progress (tools/bench/lib/common.sh): after each sample,
# "sample N of M (WHAT), about T left" with T from the mean time per sample
# so far, on a terminal only (never in the logs, nothing when standard error
# is not a terminal). The planned count M is checked against a real run by
# tools/bench/smoke.sh.
. "$(dirname "$0")/lib.sh"

# shellcheck source=../../tools/bench/lib/common.sh
. "$T_REPO/tools/bench/lib/common.sh"
l=$(progress_line 12 96 60 "tcp [P=1] xbr-tc")
[ "$l" = "[bench] sample 12 of 96 (tcp [P=1] xbr-tc), about 7 min left" ] || t_fail "progress_line 12 96 60: $l"
l=$(progress_line 1 4 10 "pps [64B] kbr")
[ "$l" = "[bench] sample 1 of 4 (pps [64B] kbr), about 30 s left" ] || t_fail "progress_line 1 4 10: $l"
l=$(progress_line 4 4 10 "lat [64B] kbr")
[ "$l" = "[bench] sample 4 of 4 (lat [64B] kbr), done" ] || t_fail "progress_line 4 4 10: $l"

# Not a terminal: record_sample logs the sample, nothing of progress.
OUT=$T_TMP/out
mkdir -p "$OUT"
PROGRESS_TOTAL=3 PROGRESS_T0=$(now)
unset PROGRESS_FD
out=$(record_sample tcp P=1 kbr 1 false gbps=1.5 2>&1)
grep -q 'sample tcp \[P=1\] kbr' <<<"$out" || t_fail "record_sample did not log: $out"
! grep -q 'of 3' <<<"$out" || t_fail "progress shown without a terminal: $out"

# A terminal (script(1)): the line appears, on the terminal only.
command -v script >/dev/null || t_skip "script (bsdutils) not installed: terminal case not checked"
cat >"$T_TMP/tty.sh" <<INNER
. "$T_REPO/tools/bench/lib/common.sh"
OUT=$OUT PROGRESS_TOTAL=3 PROGRESS_T0=\$(now)
[[ -t 2 ]] && exec {PROGRESS_FD}>&2
exec 2>>"$T_TMP/log"
record_sample pps 64B kbr 1 false pps=100
record_sample pps 64B kbr 2 false pps=100
INNER
script -qec "bash $T_TMP/tty.sh" /dev/null >"$T_TMP/tty.out" 2>&1 || t_fail "terminal run failed: $(cat "$T_TMP/tty.out")"
grep -aq 'sample 1 of 3 (pps \[64B\] kbr), about' "$T_TMP/tty.out" || t_fail "no 'sample 1 of 3' on the terminal: $(cat "$T_TMP/tty.out")"
grep -aq 'sample 2 of 3' "$T_TMP/tty.out" || t_fail "no 'sample 2 of 3' on the terminal"
! grep -q 'of 3' "$T_TMP/log" || t_fail "progress went to the log: $(cat "$T_TMP/log")"
grep -q 'sample pps' "$T_TMP/log" || t_fail "the samples were not logged"
t_pass "sample N of M with minutes/seconds left, on a terminal only, never in the log"
