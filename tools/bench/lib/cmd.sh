# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The command row (metric "cmd", opt-in: --metrics cmd; issue 18): what one
# port command costs on a small and on a big bridge. Per xbr mode and size N
# in CMD_SIZES (default 2 and 4,094 namespaces: 3 and 4,095 ports with the
# gateway, so that the extra station fits under XBR_MAX_PORTS = 4,096), one
# bridge is brought up (`xbr up` of N namespaces, as the ports
# row; the big one left to settle as there), then CMD_REPS times, one extra
# station "cx" (an address the bridge picks):
#   xbr port add cx ; xbr port set cx learning off ; xbr port del cx
# each timed alone (wall clock around the command, ms). One sample per
# repetition: add_ms, set_ms, del_ms. Then the same three once more under
# `strace -f -c` (the profile that explains the times): the calls of each
# command, all and bpf(2) alone (add_sys, add_bpf, ...; one sample, case
# "ns=N: syscalls"). The summary's target is the big bridge's median over the
# small one's, per command (issue 18: <= 1.5).
# Sourced by run.sh after metrics.sh; run_cmd is its entry point.

CMD_STATION=cx

# cmd_time OUTVAR CMD... : run CMD, its wall time in ms into OUTVAR
# (empty when it failed; its stderr goes to the run's log)
cmd_time() {
	local __v=$1 t0 t1; shift
	t0=$(now)
	if ! "$@" >/dev/null 2>>"$OUT/logs/cmd.log"; then printf -v "$__v" ''; return 1; fi
	t1=$(now)
	printf -v "$__v" '%s' "$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.2f", (a - b) * 1000 }')"
}

# cmd_strace OP CMD... -> "SYSCALLS BPF" of CMD (strace -f -c totals)
cmd_strace() {
	local op=$1 f; shift
	f=$OUT/raw/cmd-$op.strace
	strace -f -c -o "$f" "$@" >/dev/null 2>>"$OUT/logs/cmd.log" || { echo "null null"; return 0; }
	# columns: % time, seconds, usecs/call, calls, [errors], syscall
	awk '$NF == "bpf" { b = $4 } $NF == "total" { t = $4 }
	     END { print (t == "" ? "null" : t), (b == "" ? 0 : b) }' "$f"
}

cmd_unit() { # MODE N
	local mode=$1 n=$2 br r a s d sb k op
	local -a sa vals=()
	br=$(mode_bridge "$mode")
	k="ns=$n"
	wait_idle $(( n >= BIG_NS ? 20 : 5 ))
	if ! topo_up "$mode" "$n"; then record_note cmd "$k" "$mode" "topology up ($n namespaces) failed"; topo_down "$mode" || true; return 0; fi
	(( n >= BIG_NS )) && settle_big "$mode" "$n"
	for ((r = 1; r <= CMD_REPS; r++)); do
		wait_idle 2
		a="" s="" d=""
		cmd_time a taskset -c "$CPU_GEN" "$XBR" -b "$br" port add "$CMD_STATION" &&
			cmd_time s taskset -c "$CPU_GEN" "$XBR" -b "$br" port set "$CMD_STATION" learning off &&
			cmd_time d taskset -c "$CPU_GEN" "$XBR" -b "$br" port del "$CMD_STATION"
		if [[ -z $d ]]; then
			record_note cmd "$k" "$mode" "port add/set/del of $CMD_STATION failed (rep $r; see logs/cmd.log)"
			"$XBR" -b "$br" port del "$CMD_STATION" >/dev/null 2>&1 || true
			continue
		fi
		record_sample cmd "$k" "$mode" "$r" false add_ms="$a" set_ms="$s" del_ms="$d"
	done
	# the syscall profile: the same three commands once under strace
	for op in add set del; do
		case $op in
		add) sa=(port add "$CMD_STATION") ;;
		set) sa=(port set "$CMD_STATION" learning off) ;;
		del) sa=(port del "$CMD_STATION") ;;
		esac
		read -r s sb < <(cmd_strace "$mode-$n-$op" "$XBR" -b "$br" "${sa[@]}")
		vals+=("${op}_sys=$s" "${op}_bpf=$sb")
	done
	record_sample cmd "$k: syscalls" "$mode" 0 false "${vals[@]}"
	topo_down "$mode" || warn "topo_down $mode failed"
}

run_cmd() {
	local n mode any=0
	for mode in "${ACTIVE_BR[@]}"; do
		[[ $mode == kbr ]] && continue
		any=1
		for n in "${CMD_SIZES[@]}"; do unit $((CMD_REPS + 1)) cmd_unit "$mode" "$n"; done
	done
	if (( any == 0 && PLANNING == 0 )); then
		record_note cmd all xbr "not measured: the command row runs xbr (add xbr-tc or xbr-xdp to --modes)"
	fi
}
