# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Shared harness of the build tests (tests/build/t_*.sh): the build, install
# and documentation of xbr itself, run once (not per datapath mode), without
# namespaces or root. A test sources this file:
#
#     . "$(dirname "$0")/lib.sh"
#
# and gets T_REPO (the source tree), XBR (the binary, default build/xbr),
# T_TMP (a scratch directory removed on exit) and t_pass/t_fail/t_skip, which
# print "PASS|FAIL|SKIP <test>: <reason>" and exit 0, 1 or 77.
set -uo pipefail

T_NAME=$(basename "$0" .sh)
T_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XBR=${XBR:-$T_REPO/build/xbr}
case $XBR in /*) ;; *) XBR=$PWD/$XBR ;; esac

t_pass() { echo "PASS $T_NAME${1:+: $1}"; exit 0; }
t_fail() { echo "FAIL $T_NAME: $*"; exit 1; }
t_skip() { echo "SKIP $T_NAME: $*"; exit 77; }
t_log() { echo "# $*" >&2; }

T_TMP=$(mktemp -d "/tmp/xbr-$T_NAME.XXXXXX") || t_fail "mktemp failed"
trap 'rm -rf "$T_TMP"' EXIT

# t_copy_tree DIR: the tree's sources (tracked and new files, not build/) in DIR.
t_copy_tree() {
	mkdir -p "$1" || return 1
	(cd "$T_REPO" && git ls-files -co --exclude-standard -z | grep -zv '^build/' |
		tar --null -cf - -T -) | tar -xf - -C "$1"
}

# `CMD | gq [GREP-OPTIONS] PATTERN`: whether CMD printed a matching line,
# reading to the end (tests/integration/lib.sh says why not grep -q).
gq() { grep -c "$@" >/dev/null; }
