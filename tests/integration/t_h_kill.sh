#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-timeout: 420
# The loader killed with SIGKILL at random points (docs/design.md "Errors
# leave nothing behind", crash journal):
#   up:       60 times `xbr up ns1 ns2 ns3` killed after a random 0-150 ms
#             (every other one within the time a whole `up` takes here, a
#             few tens of ms), followed alternately (two and two, so both
#             delay ranges meet both) by `xbr up ns1 ns2 ns3` and `xbr down`.
#             After a follow-up up: success and a working bridge, or "already
#             up" (the killed one had finished) and a working bridge - never
#             an error over a broken bridge. After a follow-up down: clean -
#             no namespace, no link but lo, no pin under /sys/fs/bpf/xbr, no
#             route or address.
#   port add: 30 times `xbr port add ns3` on a live ns1/ns2 bridge, killed
#             the same way (short range 0-5 ms), followed in turn by `port
#             add ns3` (ns3 then complete and working), `port del ns3` (ns3
#             then gone: no netns, link or fdb entry, ns1/ns2 working) and
#             `down` (clean).
# Working = `show` lists the gateway and exactly the expected namespaces
# with their addresses and, neighbour caches flushed, every namespace
# reaches every other one and the gateway (lib_attack.sh check_working).
# A broken state is recorded and the loop goes on from a clean `down`; the
# test fails at the end with each kind of breakage seen.
T_BR=xhkill
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"

X=("$XBR" -b "$T_BR")
UP_ITER=60 PA_ITER=30
# The work is bounded by count (UP_ITER, PA_ITER), never by the clock: on a
# busy machine the test takes longer, it does not fail (tests/run.sh's
# per-test limit above is the only clock).

# A first clean cycle: what "clean" looks like here.
must timeout 30 "${X[@]}" up ns1 ns2 ns3
must timeout 30 "${X[@]}" down
left=$(clean_state) || t_fail "plain up/down is not clean: $left"

# rand_delay I SHORT: 0-150 ms, every other iteration 0-SHORT ms (the
# commands take a few ms to a few tens of ms).
rand_delay() {
	if [ $(($1 % 2)) -eq 0 ]; then echo $((RANDOM % 151)); else echo $((RANDOM % ($2 + 1))); fi
}
# killed_run DELAY_MS CMD...: run CMD in the background, SIGKILL it after
# DELAY_MS. KILLED=1 when it was still running (it died by the signal).
killed_run() {
	local d=$1 pid rc
	shift
	"$@" >"$T_TMP/killed.out" 2>&1 &
	pid=$!
	[ "$d" -eq 0 ] || sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
	kill -KILL $pid 2>/dev/null
	{ wait $pid; } 2>/dev/null
	rc=$?
	KILLED=0
	[ $rc -eq 137 ] && KILLED=1
	[ $rc -eq 0 ] || [ $rc -eq 137 ] || t_fail "killed run of '$*' failed on its own (exit $rc): $(head -2 "$T_TMP/killed.out")"
}
# How long a whole `up` takes here: the short delays cover exactly that.
t0=$(date +%s%N)
must timeout 30 "${X[@]}" up ns1 ns2 ns3
UP_MS=$((($(date +%s%N) - t0) / 1000000 + 5))
must timeout 30 "${X[@]}" down

# ---- up ----
mid_up=0 n=0
for i in $(seq 1 $UP_ITER); do
	d=$(rand_delay $i $UP_MS)
	killed_run $d "${X[@]}" up ns1 ns2 ns3
	mid_up=$((mid_up + KILLED))
	n=$((n + 1))
	what="up #$i killed after ${d}ms (killed=$KILLED)"
	if [ $(((i - 1) / 2 % 2)) -eq 0 ]; then
		t_run timeout 30 "${X[@]}" up ns1 ns2 ns3
		if [ "$T_RC" -ne 0 ]; then
			case $T_ERR in
			*"already up"*) ;;
			*) problem "$what: follow-up up failed: $(tail -1 <<<"$T_ERR")"; continue ;;
			esac
		fi
		check_working ns1 ns2 ns3
		[ -z "$WHY" ] || { problem "$what: follow-up up (exit $T_RC${T_ERR:+: $(tail -1 <<<"$T_ERR")}): $WHY"; continue; }
	fi
	t_run timeout 30 "${X[@]}" down
	[ "$T_RC" -eq 0 ] || t_fail "$what: down failed: $T_ERR"
	left=$(clean_state) || t_fail "$what: down left: $left"
done

# ---- port add ----
# ns3_gone: nothing of ns3 left (no netns, link, port record, fdb entry),
# ns1/ns2 still working. WHY says what is wrong.
ns3_gone() {
	WHY=""
	[ ! -e /run/netns/ns3 ] || WHY="/run/netns/ns3 left"
	[ -n "$WHY" ] || ! ip link show "$T_BR-ns3" >/dev/null 2>&1 || WHY="link $T_BR-ns3 left"
	if [ -z "$WHY" ]; then
		xjson fdb
		jq -e '[.[] | select(.netns == "ns3" or .ifname == "'"$T_BR"'-ns3")] | length == 0' <<<"$J" >/dev/null || WHY="fdb entries of ns3 left"
	fi
	[ -n "$WHY" ] || check_working ns1 ns2
}
must timeout 30 "${X[@]}" up ns1 ns2
mid_pa=0
for i in $(seq 1 $PA_ITER); do
	d=$(rand_delay $i 5)
	killed_run $d "${X[@]}" port add ns3
	mid_pa=$((mid_pa + KILLED))
	n=$((n + 1))
	what="port add #$i killed after ${d}ms (killed=$KILLED)"
	case $((i % 3)) in
	0)
		t_run timeout 30 "${X[@]}" port add ns3
		if [ "$T_RC" -ne 0 ]; then
			case $T_ERR in
			*"already a port"*) ;;
			*) problem "$what: follow-up port add failed: $(tail -1 <<<"$T_ERR")"; must timeout 30 "${X[@]}" up ns1 ns2; continue ;;
			esac
		fi
		check_working ns1 ns2 ns3
		[ -z "$WHY" ] || { problem "$what: follow-up port add (exit $T_RC): $WHY"; must timeout 30 "${X[@]}" up ns1 ns2; continue; }
		t_run timeout 30 "${X[@]}" port del ns3
		[ "$T_RC" -eq 0 ] || { problem "$what: port del after the follow-up failed: $T_ERR"; must timeout 30 "${X[@]}" up ns1 ns2; continue; }
		ns3_gone
		[ -z "$WHY" ] || { problem "$what: port del after the follow-up: $WHY"; must timeout 30 "${X[@]}" up ns1 ns2; continue; }
		;;
	1)
		t_run timeout 30 "${X[@]}" port del ns3
		if [ "$T_RC" -ne 0 ]; then
			case $T_ERR in
			*"not a port"*) ;; # acceptable only when nothing of ns3 is left
			*) problem "$what: follow-up port del failed: $T_ERR"; must timeout 30 "${X[@]}" up ns1 ns2; continue ;;
			esac
		fi
		ns3_gone
		[ -z "$WHY" ] || { problem "$what: follow-up port del (exit $T_RC${T_ERR:+: $(tail -1 <<<"$T_ERR")}): $WHY"; must timeout 30 "${X[@]}" up ns1 ns2; continue; }
		;;
	2)
		t_run timeout 30 "${X[@]}" down
		[ "$T_RC" -eq 0 ] || t_fail "$what: follow-up down failed: $T_ERR"
		left=$(clean_state) || t_fail "$what, follow-up down left: $left"
		must timeout 30 "${X[@]}" up ns1 ns2
		;;
	esac
done
must timeout 30 "${X[@]}" down
left=$(clean_state) || t_fail "final down left: $left"
[ $mid_up -ge 5 ] && [ $mid_pa -ge 5 ] || t_log "few kills landed mid-command (up $mid_up, port add $mid_pa)"
problems_report $n
t_pass "$UP_ITER killed ups ($mid_up mid-way) and $PA_ITER killed port adds ($mid_pa mid-way): every follow-up left a working bridge or a clean host"
