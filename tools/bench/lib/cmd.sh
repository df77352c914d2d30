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

# cmd_bridge MODE K -> the name of the row's K-th bridge in MODE
cmd_bridge() { echo "$(mode_bridge "$1")c$2"; }

# cmd_up MODE K N : bridge K of N namespaces (172.(16+K).0.0/16)
cmd_up() {
	local br o=$((16 + $2)) i
	br=$(cmd_bridge "$1" "$2")
	# shellcheck disable=SC2046,SC2086
	"$XBR" -b "$br" up --subnet "172.$o.0.0/16" --gateway "172.$o.1.254" "${XBR_BASE_ARGS[@]}" \
		${MODE_ARGS[$1]} $(for ((i = 1; i <= $3; i++)); do
			printf '%sn%s=172.%s.%s.%s/16 ' "$br" "$i" "$o" $((10 + i / 250)) $((i % 250 + 1)); done) \
		>>"$OUT/logs/topo.log" 2>&1
}

# cmd_settle NS N : settle_ns (run.sh) on namespace NS of a bridge of N
cmd_settle() {
	settle_ns "$1" "cmd [ns=$2]"
}

CMD_UP=()
cmd_down_all() {
	local b
	for b in "${CMD_UP[@]}"; do timeout 300 "$XBR" -b "$b" down >/dev/null 2>&1 || true; done
	CMD_UP=()
}

cmd_unit() { # MODE
	local mode=$1 br r a s d sb k op n j big=0
	local -a sa vals=() ok=()
	wait_idle 20
	for k in "${!CMD_SIZES[@]}"; do
		n=${CMD_SIZES[$k]}
		br=$(cmd_bridge "$mode" "$k")
		CMD_UP+=("$br")
		if cmd_up "$mode" "$k" "$n"; then ok[k]=1; else
			record_note cmd "ns=$n" "$mode" "bridge up ($n namespaces) failed"; ok[k]=0; fi
		(( n >= BIG_NS )) && big=1
	done
	# the biggest bridge settles last (one wait covers them all)
	if (( big )); then
		k=$(( ${#CMD_SIZES[@]} - 1 ))
		cmd_settle "$(cmd_bridge "$mode" "$k")n2" "${CMD_SIZES[$k]}"
	fi
	for ((r = 1; r <= CMD_REPS; r++)); do
		wait_idle 2
		for ((j = 0; j < ${#CMD_SIZES[@]}; j++)); do
			k=$(( (j + r) % ${#CMD_SIZES[@]} ))
			n=${CMD_SIZES[$k]}
			(( ok[k] )) || continue
			br=$(cmd_bridge "$mode" "$k")
			a="" s="" d=""
			cmd_time a taskset -c "$CPU_GEN" "$XBR" -b "$br" port add "$CMD_STATION" &&
				cmd_time s taskset -c "$CPU_GEN" "$XBR" -b "$br" port set "$CMD_STATION" learning off &&
				cmd_time d taskset -c "$CPU_GEN" "$XBR" -b "$br" port del "$CMD_STATION"
			if [[ -z $d ]]; then
				record_note cmd "ns=$n" "$mode" "port add/set/del of $CMD_STATION failed (round $r; see logs/cmd.log)"
				"$XBR" -b "$br" port del "$CMD_STATION" >/dev/null 2>&1 || true
				continue
			fi
			record_sample cmd "ns=$n" "$mode" "$r" false add_ms="$a" set_ms="$s" del_ms="$d"
		done
	done
	# the syscall profile: the same three commands once under strace
	for k in "${!CMD_SIZES[@]}"; do
		n=${CMD_SIZES[$k]}
		(( ok[k] )) || continue
		br=$(cmd_bridge "$mode" "$k")
		vals=()
		for op in add set del; do
			case $op in
			add) sa=(port add "$CMD_STATION") ;;
			set) sa=(port set "$CMD_STATION" learning off) ;;
			del) sa=(port del "$CMD_STATION") ;;
			esac
			read -r s sb < <(cmd_strace "$mode-$n-$op" "$XBR" -b "$br" "${sa[@]}")
			vals+=("${op}_sys=$s" "${op}_bpf=$sb")
		done
		record_sample cmd "ns=$n: syscalls" "$mode" 0 false "${vals[@]}"
	done
	cmd_down_all
}

run_cmd() {
	local mode any=0
	for mode in "${ACTIVE_BR[@]}"; do
		[[ $mode == kbr ]] && continue
		any=1
		unit $(( (CMD_REPS + 1) * ${#CMD_SIZES[@]} )) cmd_unit "$mode"
	done
	if (( any == 0 && PLANNING == 0 )); then
		record_note cmd all xbr "not measured: the command row runs xbr (add xbr-tc or xbr-xdp to --modes)"
	fi
}
