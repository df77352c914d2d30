# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Skips, shared by the runners (tests/run.sh, tests/check.sh): every skip is
# listed at the end with its reason, and with CI=true one that is not in
# EXPECTED_SKIPS (tests/expected-skips: each line a name and why it is
# expected on this machine kind) fails the run.

# cmocka_skipped <LOG: the names of the cases cmocka skipped, once each
# (cmocka prints a skipped case's line again in its group's summary).
cmocka_skipped() {
	sed -n -E '/^\[  SKIPPED \] [0-9]+ test\(s\)/d; s/^\[  SKIPPED \] (.+)$/\1/p' | sort -u
}

# expected_skip NAME: NAME (t_dummy, t_ping@xdp, test_datapath/case,
# san:t_x) is listed in the expected skips (first word of a line).
expected_skip() {
	[ -f "$EXPECTED_SKIPS" ] && awk -v n="$1" '!/^#/ && $1 == n { f = 1 } END { exit !f }' "$EXPECTED_SKIPS"
}

# skips_report LINE...: print "skipped:" and each "NAME: reason" line; under
# CI, a FAIL line for each unexpected one, whose names go to UNEXPECTED_SKIPS.
skips_report() {
	local l
	UNEXPECTED_SKIPS=()
	[ $# -gt 0 ] || return 0
	echo "skipped:"
	for l in "$@"; do
		echo "  $l"
		if [ "${CI:-}" = true ] && ! expected_skip "${l%%: *}"; then
			echo "FAIL ${l%%: *} skipped, and the skip is not in ${EXPECTED_SKIPS#"$REPO"/}: ${l#*: }"
			UNEXPECTED_SKIPS+=("${l%%: *}")
		fi
	done
}
