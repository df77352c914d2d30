#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# SIGKILL at chosen steps, deterministically (the random-delay version is
# t_h_kill.sh): strace injects SIGKILL into `xbr up ns1 ns2 ns3` at its K-th
# bpf(2) call and at its K-th netlink sendto(2) - map/pin/program steps and
# link/address/route/qdisc requests. For up, K runs over every STRIDE-th call
# from a random offset (70 bpf and 30 sendto points, about a third and a
# half of them; repeated runs cover all); for port add over every call. After each kill, a follow-up `xbr up ns1 ns2 ns3` must give
# a working bridge (success, or "already up" over a working bridge: never an
# error, never a bridge that is "up" but does not forward), and `down` must
# then leave the host clean. The same for `port add ns3` on a live ns1/ns2
# bridge: a follow-up `port add ns3` gives a working ns3, `port del` removes
# it completely and leaves ns1/ns2 working.
# Working = `show` lists exactly the gateway and the namespaces, and with
# neighbour caches flushed (every ping starts with a flooded ARP) every
# namespace reaches every other one and the gateway.
T_BR=xhsweep
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"
command -v strace >/dev/null 2>&1 || t_skip "strace not installed (it injects the SIGKILLs)"

X=("$XBR" -b "$T_BR")
T_END=$((SECONDS + 95)) # bound on the sweep

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
working() {
	local what=$1 want ns i j why=""
	shift
	want=$(printf '"%s",' "" "$@")
	xjson show
	printf '%s\n' "$J" | jq -e "[.ports[].netns] == [${want%,}]" >/dev/null || why="show does not list exactly gateway + $*"
	for ns in "$@"; do
		[ -n "$why" ] && break
		[ -e "/run/netns/$ns" ] || why="namespace $ns missing"
		ip -n "$ns" -4 addr show dev eth0 2>/dev/null | grep -q "inet 172.16.1.${ns#ns}/16" || why="$ns eth0 has no address"
	done
	# Every pair both ways and each to the gateway, neighbour caches
	# flushed first: each ping starts with a flooded ARP request, so a port
	# missing from the flood list shows.
	for ns in "$@"; do ip -n "$ns" neigh flush all 2>/dev/null; done
	ip neigh flush dev "$T_BR" 2>/dev/null
	for i in "$@"; do
		for j in "$@" gw; do
			[ -n "$why" ] && break 2
			[ "$i" = "$j" ] && continue
			if [ "$j" = gw ]; then
				reaches "$i" 172.16.1.254 || why="$i -> gateway does not ping"
			else
				reaches "$i" "172.16.1.${j#ns}" || why="$i -> $j does not ping"
			fi
		done
	done
	if [ -n "$why" ]; then
		dump_state
		t_fail "$what: $why"
	fi
}

must timeout 30 "${X[@]}" up ns1 ns2 ns3
must timeout 30 "${X[@]}" down
left=$(clean_state) || t_fail "plain up/down is not clean: $left"

# ---- up ----
declare -A UP_POINTS=([bpf]=70 [sendto]=30)
n_up=0
for sc in bpf sendto; do
	total=$(count_calls $sc "${X[@]}" up ns1 ns2 ns3)
	must timeout 30 "${X[@]}" down
	[ "$total" -ge 5 ] || t_fail "a complete up makes only $total $sc calls?"
	# At most UP_POINTS[sc] kill points: every STRIDE-th call from a random
	# offset (so that repeated runs cover every call).
	stride=$(((total + ${UP_POINTS[$sc]} - 1) / ${UP_POINTS[$sc]}))
	for k in $(seq $((1 + RANDOM % stride)) "$stride" "$total"); do
		[ $SECONDS -lt $T_END ] || t_fail "time bound hit at up, $sc #$k of $total"
		kill_at $sc "$k" "${X[@]}" up ns1 ns2 ns3
		what="up killed at $sc #$k of $total (exit $KRC)"
		t_run timeout 30 "${X[@]}" up ns1 ns2 ns3
		if [ "$T_RC" -ne 0 ]; then
			case $T_ERR in
			*"already up"*) ;;
			*) dump_state; t_fail "$what: follow-up up failed: $T_ERR" ;;
			esac
		fi
		working "$what, follow-up up (exit $T_RC: ${T_ERR:-ok})" ns1 ns2 ns3
		t_run timeout 30 "${X[@]}" down
		[ "$T_RC" -eq 0 ] || t_fail "$what: down failed: $T_ERR"
		left=$(clean_state) || t_fail "$what: down left: $left"
		n_up=$((n_up + 1))
	done
done

# ---- port add ----
must timeout 30 "${X[@]}" up ns1 ns2
n_pa=0
for sc in bpf sendto; do
	total=$(count_calls $sc "${X[@]}" port add ns3)
	must timeout 30 "${X[@]}" port del ns3
	[ "$total" -ge 3 ] || t_fail "a complete port add makes only $total $sc calls?"
	for k in $(seq 1 "$total"); do
		[ $SECONDS -lt $T_END ] || t_fail "time bound hit at port add, $sc #$k of $total"
		kill_at $sc "$k" "${X[@]}" port add ns3
		what="port add killed at $sc #$k of $total (exit $KRC)"
		t_run timeout 30 "${X[@]}" port add ns3
		if [ "$T_RC" -ne 0 ]; then
			case $T_ERR in
			*"already a port"*) ;;
			*) dump_state; t_fail "$what: follow-up port add failed: $T_ERR" ;;
			esac
		fi
		working "$what, follow-up port add (exit $T_RC: ${T_ERR:-ok})" ns1 ns2 ns3
		t_run timeout 30 "${X[@]}" port del ns3
		[ "$T_RC" -eq 0 ] || t_fail "$what: port del failed: $T_ERR"
		[ ! -e /run/netns/ns3 ] && ! ip link show "$T_BR-ns3" >/dev/null 2>&1 || t_fail "$what: port del left ns3 behind"
		working "$what, after port del" ns1 ns2
		n_pa=$((n_pa + 1))
	done
done
working "after the port add sweep" ns1 ns2
must timeout 30 "${X[@]}" down
left=$(clean_state) || t_fail "final down left: $left"
t_pass "$n_up kill points in up and $n_pa in port add (every bpf and netlink send): each follow-up gave a working bridge, each down a clean host"
