#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The man page is complete against the code: its SYNOPSIS is the one the
# command table gives (`make man`), every command of the table has its own
# section in which each of its options (and their other spellings) is
# described, every global option is under OPTIONS, every drop reason of
# `xbr stats` and every XBR_FAULT step of the code is named, and groff
# renders it without a warning.
. "$(dirname "$0")/lib.sh"

MAN=$T_REPO/docs/xbr.8
command -v jq >/dev/null || t_skip "jq not installed"
[ -x "$XBR" ] || t_fail "$XBR is missing: run make"

# roff's escaped form of a word: '-' is '\-'.
esc() { printf '%s' "$1" | sed 's/-/\\-/g'; }
# Lines of section $1 (".SH NAME" or ".SS xbr fdb add") up to the next heading.
section() {
	awk -v h="$1" '
		$0 == h { on = 1; next }
		on && /^\.S[HS] / { exit }
		on' "$MAN"
}

# 1. The synopsis is the table's.
"$XBR" __man-synopsis >"$T_TMP/syn" || t_fail "xbr __man-synopsis failed"
{ echo ".SH SYNOPSIS"; section ".SH SYNOPSIS"; } >"$T_TMP/man.syn"
diff -u "$T_TMP/syn" "$T_TMP/man.syn" >"$T_TMP/syn.diff" ||
	t_fail "SYNOPSIS differs from the command table (run make man): $(grep '^[-+][^-+]' "$T_TMP/syn.diff" | head -4 | tr '\n' ' ')"

# 2. Every command has a section describing each of its options.
"$XBR" -j help >"$T_TMP/table.json" || t_fail "xbr -j help failed"
ncmd=0 nopt=0
while IFS=$'\t' read -r path names; do
	sec=$(section ".SS xbr $(esc "$path")")
	[ -n "$sec" ] || t_fail "no section \".SS xbr $path\" in docs/xbr.8"
	for n in $names; do
		grep -qF -- "$(esc "$n")" <<<"$sec" || t_fail "section \"xbr $path\" does not describe \"$n\""
		nopt=$((nopt + 1))
	done
	ncmd=$((ncmd + 1))
done < <(jq -r '.. | objects | select(has("synopsis")) |
	[.path, ([.options[] | .name, (.alias // empty)] | join(" "))] | @tsv' "$T_TMP/table.json")
[ "$ncmd" -ge 20 ] || t_fail "only $ncmd commands found in xbr -j help"

# 3. Global options, long and short.
opts=$(section ".SH OPTIONS")
for n in $(jq -r '.options[] | .name, .short' "$T_TMP/table.json"); do
	grep -qF -- "$(esc "$n")" <<<"$opts" || t_fail "OPTIONS does not describe $n"
done

# 4. Drop reasons and fault-injection steps the code has.
stats=$(section ".SS xbr stats")
ndrop=0
for r in $(sed -n '/drop_names\[\] = {/,/^};/p' "$T_REPO/cli/cmd_stats.c" | grep -o '= "[a-z-]*"' | sed 's/= "\(.*\)"/\1/' | grep -vx none); do
	grep -qF -- ".B $(esc "$r")" <<<"$stats" || t_fail "xbr stats section does not name drop reason $r"
	ndrop=$((ndrop + 1))
done
[ "$ndrop" -gt 0 ] || t_fail "no drop reason found in cli/cmd_stats.c's drop_names[] (moved?)"
envs=$(section ".SH ENVIRONMENT")
nfault=0
for f in $(grep -rho 'xbr_fault("[a-z0-9-]*")' "$T_REPO/user" "$T_REPO/cli" | sed 's/.*("\(.*\)")/\1/' | sort -u); do
	grep -qF -- "$(esc "$f")" <<<"$envs" || t_fail "ENVIRONMENT does not list XBR_FAULT step $f"
	nfault=$((nfault + 1))
done

# 5. It renders cleanly.
if command -v groff >/dev/null; then
	w=$(groff -man -ww -z "$MAN" 2>&1)
	[ -z "$w" ] || t_fail "groff warns: $(head -3 <<<"$w" | tr '\n' ' ')"
else
	t_log "groff not installed: rendering not checked"
fi
t_pass "synopsis = table; $ncmd command sections with their $nopt options; global options; $ndrop drop reasons; $nfault fault steps"
