#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-timeout: 480
# test-san: no strace fault injection and LeakSanitizer both need ptrace (the sweep kills the release binary)
# SIGKILL at chosen steps, deterministically (the random-delay version is
# t_h_kill.sh): strace injects SIGKILL into `xbr up ns1 ns2 ns3` at its K-th
# bpf(2) call and at its K-th netlink sendto(2) - map/pin/program steps and
# link/address/route/qdisc requests. For each command and syscall, K runs
# over every STRIDE-th call from a random offset, at most POINTS[cmd,sc] kill
# points (repeated runs cover every call): the work is bounded by count, not
# by the clock, so a busy machine makes the test slower, never failed (the
# per-test limit above is tests/run.sh's). After each kill, a follow-up
# `xbr up ns1 ns2 ns3` must give a working bridge (success, or "already up"
# over a working bridge: never an error, never a bridge that is "up" but does
# not forward), and `down` must then leave the host clean. The same for
# `port add ns3` on a live ns1/ns2 bridge: a follow-up `port add ns3` gives a
# working ns3, `port del` removes it completely and leaves ns1/ns2 working.
# Working = `show` lists exactly the gateway and the namespaces, and with
# neighbour caches flushed (every ping starts with a flooded ARP) every
# namespace reaches every other one and the gateway.
T_BR=xhsweep
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"
command -v strace >/dev/null 2>&1 || t_skip "strace not installed (it injects the SIGKILLs)"

X=("$XBR" -b "$T_BR")
# Kill points per command and syscall (XBR_SWEEP_ALL=1: every call).
declare -A POINTS=([up,bpf]=30 [up,sendto]=15 [pa,bpf]=25 [pa,sendto]=15)

# count_calls SYSCALL CMD...: how many SYSCALL calls CMD makes (it runs).
count_calls() {
	local sc=$1
	shift
	strace -f -o "$T_TMP/count.trace" -e trace="$sc" "$@" >/dev/null 2>&1 || t_fail "traced run of '$*' failed"
	grep -c "^[0-9]* *$sc(" "$T_TMP/count.trace"
}
# kill_at SYSCALL K CMD...: run CMD, SIGKILLed at its K-th SYSCALL call.
kill_at() {
	local sc=$1 k=$2
	shift 2
	{ strace -f -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$k" "$@" >/dev/null 2>&1; } 2>/dev/null
	KRC=$?
}
must timeout 30 "${X[@]}" up ns1 ns2 ns3
must timeout 30 "${X[@]}" down
left=$(clean_state) || t_fail "plain up/down is not clean: $left"

# points CMD SC TOTAL: the K values to kill CMD at, every STRIDE-th of TOTAL
# calls from a random offset in the first stride.
points() {
	local max=${POINTS[$1,$2]} total=$3 stride
	[ "${XBR_SWEEP_ALL:-0}" = 1 ] && max=$total
	stride=$(((total + max - 1) / max))
	seq $((1 + RANDOM % stride)) "$stride" "$total"
}

# ---- up ----
n_up=0
for sc in bpf sendto; do
	total=$(count_calls $sc "${X[@]}" up ns1 ns2 ns3)
	must timeout 30 "${X[@]}" down
	[ "$total" -ge 5 ] || t_fail "a complete up makes only $total $sc calls?"
	for k in $(points up $sc "$total"); do
		kill_at $sc "$k" "${X[@]}" up ns1 ns2 ns3
		what="up killed at $sc #$k of $total (exit $KRC)"
		n_up=$((n_up + 1))
		t_run timeout 30 "${X[@]}" up ns1 ns2 ns3
		if [ "$T_RC" -ne 0 ]; then
			case $T_ERR in
			*"already up"*) ;;
			*) problem "$what: follow-up up failed: $(tail -1 <<<"$T_ERR")"; continue ;;
			esac
		fi
		check_working ns1 ns2 ns3
		[ -z "$WHY" ] || { problem "$what: follow-up up (exit $T_RC${T_ERR:+: $(tail -1 <<<"$T_ERR")}): $WHY"; continue; }
		t_run timeout 30 "${X[@]}" down
		[ "$T_RC" -eq 0 ] || t_fail "$what: down failed: $T_ERR"
		left=$(clean_state) || t_fail "$what: down left: $left"
	done
done

# ---- port add ----
must timeout 30 "${X[@]}" up ns1 ns2
n_pa=0
for sc in bpf sendto; do
	total=$(count_calls $sc "${X[@]}" port add ns3)
	must timeout 30 "${X[@]}" port del ns3
	[ "$total" -ge 3 ] || t_fail "a complete port add makes only $total $sc calls?"
	for k in $(points pa $sc "$total"); do
		kill_at $sc "$k" "${X[@]}" port add ns3
		what="port add killed at $sc #$k of $total (exit $KRC)"
		n_pa=$((n_pa + 1))
		t_run timeout 30 "${X[@]}" port add ns3
		if [ "$T_RC" -ne 0 ]; then
			case $T_ERR in
			*"already a port"*) ;;
			*) problem "$what: follow-up port add failed: $(tail -1 <<<"$T_ERR")"; must timeout 30 "${X[@]}" up ns1 ns2; continue ;;
			esac
		fi
		check_working ns1 ns2 ns3
		[ -z "$WHY" ] || { problem "$what: follow-up port add (exit $T_RC${T_ERR:+: $(tail -1 <<<"$T_ERR")}): $WHY"; must timeout 30 "${X[@]}" up ns1 ns2; continue; }
		t_run timeout 30 "${X[@]}" port del ns3
		[ "$T_RC" -eq 0 ] || { problem "$what: port del after the follow-up failed: $T_ERR"; must timeout 30 "${X[@]}" up ns1 ns2; continue; }
		if [ -e /run/netns/ns3 ] || ip link show "$T_BR-ns3" >/dev/null 2>&1; then
			problem "$what: port del after the follow-up left ns3 behind"
			must timeout 30 "${X[@]}" up ns1 ns2
			continue
		fi
		check_working ns1 ns2
		[ -z "$WHY" ] || { problem "$what: after port del: $WHY"; must timeout 30 "${X[@]}" up ns1 ns2; continue; }
	done
done
must timeout 30 "${X[@]}" down
left=$(clean_state) || t_fail "final down left: $left"
problems_report $((n_up + n_pa))
t_pass "$n_up kill points in up and $n_pa in port add: each follow-up gave a working bridge, each down a clean host"
