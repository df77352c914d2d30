#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# Bash completion (completion/xbr), sourced in bash as bash-completion does:
# it offers every object, every command of every object, every option of
# every command (all from `xbr -j help`: nothing of the table is missing), the
# global options, the values an option takes (tc|xdp|auto, on|off), file
# names for netns PATH, and what is live on the bridge: its port names (and
# host-side names, "gateway"), the MACs in its table, the bridges that are up.
T_BR=xcompl
. "$(dirname "$0")/lib.sh"

COMPL=$T_REPO/completion/xbr
[ -f "$COMPL" ] || t_fail "$COMPL is missing"

# comp LINE: the candidates bash gets for LINE (completing its last word), in
# a bash that sourced the completion script, with bash's default word breaks.
cat >"$T_TMP/comp.sh" <<'INNER'
source "$1" || exit 9
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
_xbr
printf '%s\n' "${COMPREPLY[@]}"
INNER
comp() { bash "$T_TMP/comp.sh" "$COMPL" "$XBR $1"; }
# offers LINE WORD...: each WORD is among the candidates for LINE.
offers() {
	local line=$1 got w
	shift
	got=$(comp "$line") || t_fail "completion of '$line' failed (exit $?)"
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" || t_fail "completion of 'xbr $line' does not offer '$w' (offers: $(tr '\n' ' ' <<<"$got"))"
	done
}
# offers_only LINE WORD...: exactly these candidates (any order).
offers_only() {
	local line=$1 got want
	shift
	got=$(comp "$line" | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || t_fail "completion of 'xbr $line': '$got', want '$want'"
}

must timeout 30 "$XBR" -b "$T_BR" up ns1 ns2
must timeout 30 "$XBR" -b "$T_BR" port add c3
assert_ping ns1 172.16.1.2 2

# The whole table.
t_run "$XBR" -j help
table=$T_OUT
nobj=0 ncmd=0 nopt=0
for o in $(jq -r '.objects[].name' <<<"$table"); do
	offers "" "$o"
	offers "${o:0:2}" "$o"
	nobj=$((nobj + 1))
done
while IFS=$'\t' read -r obj cmd; do
	offers "$obj " "$cmd" help
	ncmd=$((ncmd + 1))
done < <(jq -r '.objects[] | .name as $o | .commands[]? | [$o, .name] | @tsv' <<<"$table")
while IFS=$'\t' read -r path opt; do
	offers "-b $T_BR $path " "$opt"
	nopt=$((nopt + 1))
done < <(jq -r '.. | objects | select(has("synopsis")) | .path as $p | .options[] | [$p, .name] | @tsv' <<<"$table")
offers "-" $(jq -r '.options[].name' <<<"$table")
offers "fdb show -" --bridge --json

# Values of options and settings.
offers_only "up --mode " tc xdp auto
offers_only "up --mode=x" xdp  # bash replaces what follows "="
offers_only "set icc " on off help
offers_only "port set ns1 spoof-check o" on off
offers "port add c4 netns /pro" /proc

# What is live: bridges, ports, MACs.
offers "-b " "$T_BR"
offers "-b $T_BR port set " ns1 ns2 c3 gateway "$T_BR-ns1" "$T_BR-c3" "$T_BR-gw" learning
offers_only "-b $T_BR port del " ns1 ns2 c3 help
offers "-b $T_BR fdb show port " ns1 ns2 c3 gateway
offers "-b $T_BR fdb add 02:00:00:00:00:01 dev " "$T_BR-ns2"
m1=$(station_mac 172.16.1.1)
offers "-b $T_BR fdb del " "$m1"
# Inside a MAC, bash replaces only what follows the last ':'.
offers "-b $T_BR fdb del ${m1%?}" "${m1##*:}"
# Options already given are not offered again; nor the rest of their group.
got=$(comp "-b $T_BR fdb add $m1 port ns1 static ")
! grep -qx -e port -e static -e sticky -e dynamic <<<"$got" || t_fail "fdb add offers given/excluded keywords again: $got"
t_pass "$nobj objects (and prefixes), $ncmd commands, $nopt options, global options, values, files, bridges, port names, MACs"
