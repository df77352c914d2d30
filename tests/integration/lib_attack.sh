# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Helpers of the hardening tests (tests/integration/t_h_*.sh). Source after
# lib.sh:
#
#     T_BR=xhmac
#     . "$(dirname "$0")/lib.sh"
#     . "$(dirname "$0")/lib_attack.sh"
#
# Everything here is bounded in count and time and sends traffic only inside
# the namespaces the test made.

# Scapy comes with Debian's python3 (python3-scapy); a python3 earlier in
# PATH (pyenv, a venv) may not have it.
A_PY=${A_PY:-/usr/bin/python3}

need_scapy() {
	[ -x "$A_PY" ] && "$A_PY" -c 'import scapy.all' >/dev/null 2>&1 ||
		t_skip "scapy not importable by $A_PY (apt-get install python3-scapy)"
}
need_trafgen() { command -v trafgen >/dev/null 2>&1 || t_skip "trafgen not installed (apt-get install netsniff-ng)"; }
need_tcpdump() { command -v tcpdump >/dev/null 2>&1 || t_skip "tcpdump not installed"; }

# scapy_in NS SCRIPT: run a scapy script (from scapy.all import * done) in
# namespace NS, at most 30 s. Output in T_OUT/T_ERR; fails the test on error.
scapy_in() {
	local ns=$1 code=$2
	t_run timeout 30 ip netns exec "$ns" "$A_PY" -c "import logging
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.all import *
conf.verb = 0
$code"
	[ "$T_RC" -eq 0 ] || t_fail "scapy in $ns failed (exit $T_RC): $(printf '%s' "$T_ERR" | tail -3 | tr '\n' '|')"
}

# trafgen_send NS CFGFILE COUNT: send COUNT frames of CFGFILE out of NS's eth0
# with one generator CPU, at most 60 s. TG_SENT: the count trafgen reports
# ("N packets outgoing"); fails the test when trafgen fails or reports none.
# -b 100000pps: in XDP mode a flat-out trafgen exits on EAGAIN ("Flushing
# TX_RING failed") when the host end's NAPI poll moves to the other CPU and
# its socket's send buffer fills with frames waiting in that veth end's ring
# (docs/benchmarks.md, "The XDP-mode stall"); paced, the ring drains from
# either CPU. -q: through the qdisc layer. 100k frames take ~1 s.
trafgen_send() {
	local ns=$1 cfg=$2 n=$3 log=$T_TMP/trafgen.log
	timeout 60 ip netns exec "$ns" trafgen -q -b 100000pps -i "$cfg" -o eth0 -n "$n" -P 1 >"$log" 2>&1
	local rc=$?
	TG_SENT=$(tr -d '\r' <"$log" | awk '$2 == "packets" && $3 == "outgoing" { print $1 }' | tail -1)
	[ "$rc" -eq 0 ] || t_fail "trafgen in $ns exited $rc: $(grep -v 'socket memory' "$log" | tail -3 | tr '\n' '|')"
	[ -n "$TG_SENT" ] || t_fail "trafgen in $ns reported no packet count: $(tail -3 "$log" | tr '\n' '|')"
}

# ping_start NS DST COUNT INTERVAL OUT [ping options]: a bounded background
# ping (timeout COUNT*INTERVAL + 20 s), output in OUT. PID in T_BG_PID.
ping_start() {
	local ns=$1 dst=$2 count=$3 ival=$4 out=$5 limit
	shift 5
	limit=$(awk -v c="$count" -v i="$ival" 'BEGIN { printf "%d", c * i + 20 }')
	softnet_drops >"$out.softnet" # for ping_check's message
	t_bg timeout "$limit" ip netns exec "$ns" ping -n -q -c "$count" -i "$ival" -W 2 "$@" "$dst" >"$out" 2>&1
}

# The drop counters of the test's veth ends (host side) that are not zero,
# for a failure's message: what the kernel dropped outside xbr's counters.
ping_veth_drops() {
	local d out=""
	for d in /sys/class/net/*; do
		[ -e "$d/phys_switch_id" ] || [ -e "$d/device" ] && continue
		case $(cat "$d/type" 2>/dev/null) in 1) ;; *) continue ;; esac
		out+=$(ethtool -S "${d##*/}" 2>/dev/null | awk -v n="${d##*/}" '/drop|err/ && $2 > 0 { printf "%s %s %s; ", n, $1, $2 }')
	done
	# The kernel's own counters of every interface here and in every
	# namespace (a veth's drop of a full ring is its sender's tx_dropped),
	# and xbr's drops by reason on the test's bridges.
	local ns j
	for ns in "" $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		j=$(ip ${ns:+-n "$ns"} -s -j link show 2>/dev/null) || continue
		out+=$(jq -r --arg ns "${ns:-host}" '.[] | select((.stats64.rx.dropped // 0) + (.stats64.tx.dropped // 0) > 0) | "\($ns)/\(.ifname) rx_dropped \(.stats64.rx.dropped) tx_dropped \(.stats64.tx.dropped); "' <<<"$j" 2>/dev/null)
	done
	for b in "${T_BRIDGES[@]}"; do
		out+=$(timeout 10 "$XBR" -b "$b" -j stats 2>/dev/null | jq -r --arg b "$b" '[.ports[]? | . as $p | (.drops // {} | to_entries[] | select(.value > 0) | "\($b) \($p.netns // $p.ifname // "?") drops \(.key) \(.value)")] | join("; ")' 2>/dev/null)
	done
	echo "${out:-no veth drop counter above 0}"
}

# ping_check OUT COUNT WHAT: OUT (a finished ping -q) says COUNT transmitted,
# COUNT received.
ping_check() {
	local out=$1 count=$2 what=$3 line
	line=$(grep 'packets transmitted' "$out")
	case $line in
	"$count packets transmitted, $count received,"*) ;;
	*) t_fail "$what: lost packets: ${line:-no summary: $(tail -2 "$out" | tr '\n' '|')} (the kernel's input backlogs dropped $(($(softnet_drops) - $(cat "$out.softnet" 2>/dev/null || echo 0))) frames meanwhile; $(ping_veth_drops))" ;;
	esac
}

# wait_pid PID SECONDS: wait for a background job, at most SECONDS.
wait_pid() {
	local pid=$1 limit=$2
	timeout "$limit" tail --pid="$pid" -f /dev/null 2>/dev/null
	wait "$pid" 2>/dev/null
}

# cap_start NS PCAP [FILTER]: tcpdump of the frames NS's eth0 receives
# ("" = the gateway interface $T_BR in the test's namespace), at most 60 s and
# 50000 frames, into PCAP; waits until it listens. PID in CAP_PID.
cap_start() {
	local ns=$1 pcap=$2 filter=${3:-}
	local -a pre=() dev=(-i eth0)
	[ -n "$ns" ] && pre=(ip netns exec "$ns")
	[ -z "$ns" ] && dev=(-i "$T_BR")
	# shellcheck disable=SC2086
	# --immediate-mode: each frame handed to tcpdump as it arrives, not
	# when a ring block fills or times out (a partly filled block is not
	# read before the capture stops: its frames would be lost).
	t_bg "${pre[@]}" timeout 60 tcpdump -Z root -Q in "${dev[@]}" -nn -U --immediate-mode -s 256 -c 50000 -w "$pcap" $filter 2>"$pcap.err"
	CAP_PID=$T_BG_PID
	wait_until 10 grep -q 'listening on' "$pcap.err" || t_fail "tcpdump in ${ns:-host} did not start: $(cat "$pcap.err")"
}

# cap_stop PID...: stop captures once they have caught up: every capture's
# file unchanged over 3 looks 0.3 s apart (at most 10 s), so a capture that a
# busy machine runs late still writes what it was sent before it stops.
cap_stop() {
	local p f sizes prev="" same=0 i
	for ((i = 0; i < 33 && same < 3; i++)); do
		sleep 0.3
		sizes=""
		for p in "$@"; do
			for f in $(tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | sed -n '/^-w$/{n;p}'); do
				sizes+="$(stat -c %s "$f" 2>/dev/null) "
			done
		done
		if [ "$sizes" = "$prev" ]; then same=$((same + 1)); else same=0; fi
		prev=$sizes
	done
	for p in "$@"; do
		kill -INT "$p" 2>/dev/null
	done
	for p in "$@"; do
		wait_pid "$p" 10
	done
}

# cap_count PCAP FILTER: frames in PCAP matching FILTER.
cap_count() {
	tcpdump -nn -r "$1" "$2" 2>/dev/null | wc -l
}

# stats_get: `xbr -j stats` into S (fails the test on error).
stats_get() {
	xjson stats
	S=$J
}
# port_stat JSON NS PATH: a port's counter, e.g. port_stat "$S" ns1 .drops.spoof
port_stat() { jq_val "$1" ".ports[] | select(.netns == \"$2\") | $3"; }
# fdb_stat JSON NAME: a bridge-wide FDB counter (.fdb.NAME).
fdb_stat() { jq_val "$1" ".fdb.$2"; }

# clean_state: nothing of any bridge left - no named namespace, no link but
# lo, no pin under /sys/fs/bpf/xbr, no route but the local table's lo
# routes, no IPv6 route at all, no nf_tables rule (the test's namespace has
# none of its own) and IP forwarding as the test found it. Prints what is
# left; status 1 when something is.
A_FWD0="$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null) $(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)"
clean_state() {
	local left="" fwd
	if command -v nft >/dev/null 2>&1; then
		[ -z "$(nft list ruleset 2>&1)" ] || left+="nft: $(nft list tables 2>&1 | tr '\n' ' '); "
	fi
	fwd="$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null) $(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)"
	[ "$fwd" = "$A_FWD0" ] || left+="forwarding: $fwd (was $A_FWD0); "
	[ -z "$(ls -A /run/netns 2>/dev/null)" ] || left+="netns: $(ls -A /run/netns | tr '\n' ' '); "
	[ "$(ip -o link show | awk -F': ' '{ print $2 }' | grep -cv '^lo$')" -eq 0 ] ||
		left+="links: $(ip -o link show | awk -F': ' '{ print $2 }' | grep -v '^lo$' | tr '\n' ' '); "
	if [ -e /sys/fs/bpf/xbr ]; then
		[ -z "$(find /sys/fs/bpf/xbr -mindepth 1 2>/dev/null)" ] ||
			left+="pins: $(find /sys/fs/bpf/xbr -mindepth 1 | head -5 | tr '\n' ' '); "
	fi
	[ -z "$(ip -4 route show table all | grep -v ' dev lo ')" ] ||
		left+="routes: $(ip -4 route show table all | grep -v ' dev lo ' | head -3 | tr '\n' '|'); "
	[ -z "$(ip -6 route show table all 2>/dev/null | grep -v ' dev lo ')" ] ||
		left+="routes6: $(ip -6 route show table all | grep -v ' dev lo ' | head -3 | tr '\n' '|'); "
	[ -z "$(ip -o addr show | grep -v ' lo ')" ] || left+="addresses: $(ip -o addr show | grep -v ' lo ' | head -2); "
	if [ -n "$left" ]; then
		printf '%s\n' "$left"
		return 1
	fi
	return 0
}

# dump_state: what a failure report needs, on stderr (the test's log).
dump_state() {
	{
		echo "## xbr show"
		timeout 10 "$XBR" -b "$T_BR" show 2>&1
		echo "## xbr fdb"
		timeout 10 "$XBR" -b "$T_BR" fdb 2>&1 | head -20
		echo "## links"
		ip -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' '
		echo
		echo "## netns: $(ls -A /run/netns 2>/dev/null | tr '\n' ' ')"
		echo "## pins: $(find /sys/fs/bpf/xbr 2>/dev/null | head -30 | tr '\n' ' ')"
		echo "## stats"
		timeout 10 "$XBR" -b "$T_BR" -j stats 2>&1 | jq -c '.fdb, (.ports[]? | {ifname, rx_packets, tx_packets, drops})' 2>&1
	} | sed 's/^/# /' >&2
}

# reaches NS DST: one of up to 3 single pings (1 s each) from NS to DST is
# answered: connectivity, not loss-free delivery. A retry is logged.
reaches() {
	local ns=$1 dst=$2 t
	for t in 1 2 3; do
		if timeout 5 ip netns exec "$ns" ping -n -q -c 1 -W 1 "$dst" >/dev/null 2>&1; then
			[ $t -eq 1 ] || t_log "ping $ns -> $dst answered only at try $t"
			return 0
		fi
	done
	return 1
}

# ---- the SIGKILL tests (t_h_kill.sh, t_h_killsweep.sh) ----

# check_working NS...: WHY is empty when `show` lists exactly the gateway and
# NS..., each has its address, and - neighbour caches flushed, so every
# ping starts with a flooded ARP and a port missing from the flood list
# shows - every namespace reaches every other one and the gateway.
check_working() {
	local want ns i j
	WHY=""
	want=$(printf '"%s",' "" "$@")
	xjson show
	printf '%s\n' "$J" | jq -e "[.ports[].netns] == [${want%,}]" >/dev/null ||
		WHY="show lists [$(jq -r '[.ports[].netns] | join(",")' <<<"$J")], not gateway + $*"
	for ns in "$@"; do
		[ -n "$WHY" ] && break
		[ -e "/run/netns/$ns" ] || WHY="namespace $ns missing"
		ip -n "$ns" -4 addr show dev eth0 2>/dev/null | gq "inet 172.16.1.${ns#ns}/16" || WHY="$ns eth0 has no address"
	done
	for ns in "$@"; do ip -n "$ns" neigh flush all 2>/dev/null; done
	ip neigh flush dev "$T_BR" 2>/dev/null
	for i in "$@"; do
		for j in "$@" gw; do
			[ -n "$WHY" ] && break 2
			[ "$i" = "$j" ] && continue
			if [ "$j" = gw ]; then
				reaches "$i" 172.16.1.254 || WHY="$i -> gateway does not ping"
			else
				reaches "$i" "172.16.1.${j#ns}" || WHY="$i -> $j does not ping"
			fi
		done
	done
}
# problem WHAT: record a broken state (the first of each kind, numbers aside,
# is reported; the first two get a state dump), then start over from a
# clean host (`down` must manage that). problems_report: fail with them.
PROBLEMS=()
declare -A PKINDS=()
NPROB=0
problem() {
	local kind
	NPROB=$((NPROB + 1))
	kind=$(sed -E 's/#[0-9]+ of [0-9]+/#K/; s/[0-9]+/N/g' <<<"$1")
	if [ -z "${PKINDS[$kind]:-}" ]; then
		PKINDS[$kind]=1
		PROBLEMS+=("$1")
	fi
	t_log "PROBLEM: $1"
	[ $NPROB -le 2 ] && dump_state
	t_run timeout 30 "$XBR" -b "$T_BR" down
	[ "$T_RC" -eq 0 ] || t_fail "$1; then down failed: $T_ERR"
	left=$(clean_state) || t_fail "$1; then down left: $left"
}

problems_report() { # TOTAL: kill points tried
	[ $NPROB -eq 0 ] || t_fail "$NPROB of $1 kill points left a broken bridge; ${#PROBLEMS[@]} kinds: $(printf '[%s] ' "${PROBLEMS[@]}")"
}
