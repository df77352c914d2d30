#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-timeout: 900
# A big bridge: `up` with N stations in one call (made by several threads,
# user/port_batch.c). N = 4095 in tc mode (4,096 ports with the gateway,
# XBR_MAX_PORTS), 1023 in XDP mode (whose up and down are slower), or
# XBR_BIG=N; fewer when this machine's memory cannot hold them (printed). The first
# and the last station ping each other; an ARP request from the first for
# the last is answered by the bridge and reaches none of three witnesses
# (second, middle, next-to-last); with neigh-suppress off it floods to them.
# Every port has a distinct stats index and flood slot, and at XBR_MAX_PORTS
# one more port is refused in one line with nothing changed. A fault in the
# middle of a threaded `up` leaves no trace. No timing is asserted.
T_BR=xbig
. "$(dirname "$0")/lib.sh"
# Every tool this test needs, before any check runs (never a half-run).
for tool in tcpdump bpftool; do
	command -v "$tool" >/dev/null 2>&1 || t_skip "tool '$tool' not installed (tools/deps.sh test)"
done

if [ "$XBR_MODE" = tc ]; then N=${XBR_BIG:-4095}; else N=${XBR_BIG:-1023}; fi
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 8 ] && [ "$N" -le 4095 ] || t_fail "XBR_BIG=$N: want 8..4095 stations"
# Memory: a namespace with its veth pair takes well under 1 MiB here; keep
# 256 MiB spare. Fewer stations when that does not fit.
avail=$(awk '/MemAvailable/ { print int($2 / 1024) }' /proc/meminfo)
if [ "$avail" -le $((N / 2 + 256)) ]; then
	fit=$(((avail - 256) * 2))
	[ "$fit" -ge 8 ] || t_skip "$avail MiB available: not enough for 8 stations"
	echo "# $N stations need about $((N / 2 + 256)) MiB, $avail MiB available: $fit stations" >&2
	N=$fit
fi
echo "# $N stations ($((N + 1)) ports), $avail MiB available" >&2

# Station i: s<i>, 172.16.<1 + i/250>.<i%250 + 1>/16 (never the gateway .1.254).
addr() { echo "172.16.$((1 + $1 / 250)).$(($1 % 250 + 1))"; }
specs=()
for ((i = 0; i < N; i++)); do specs+=("s$i=$(addr $i)/16"); done
first=s0 last=s$((N - 1)) a_last=$(addr $((N - 1)))

# A fault half-way through a threaded up: nothing left (the journal and the
# undo of every port made, whatever thread made it).
snapshot "$T_TMP/pristine"
XBR_FAULT=port-route t_run timeout 120 "$XBR" -b "$T_BR" up --subnet6 none "${specs[@]:0:16}"
[ "$T_RC" -ne 0 ] || t_fail "XBR_FAULT=port-route up of 16: exit 0"
[ "$(t_nlines "$T_ERR")" -eq 1 ] || t_fail "XBR_FAULT=port-route up of 16: expected one line, got: $(printf '%s' "$T_ERR" | head -4 | tr '\n' '|')"
assert_same "$T_TMP/pristine" "XBR_FAULT=port-route up of 16"

must timeout 300 "$XBR" -b "$T_BR" up --subnet6 none "${specs[@]}"
xjson show
jq_ok "$J" "(.ports | length) == $((N + 1))" "show: not $((N + 1)) ports"
n_ns=$(ip netns list | grep -c '^s[0-9]')
[ "$n_ns" -eq "$N" ] || t_fail "$n_ns namespaces, expected $N"
# Records (struct xbr_port, dumped as bytes): distinct stats indexes (bytes
# 60-61) and flood slots 0..N (bytes 12-13), whichever thread made the port.
ports=$(bpftool -j map dump pinned /sys/fs/bpf/xbr/$T_BR/xbr_ports 2>/dev/null) ||
	t_fail "cannot dump xbr_ports"
HEX='def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));
     def u16(o): (.value[o] | hex) + 256 * (.value[o + 1] | hex);'
jq_ok "$ports" "$HEX [.[] | u16(60)] | unique | length == $((N + 1))" "two ports share a stats index"
jq_ok "$ports" "$HEX [.[] | u16(12)] | sort == [range(0; $((N + 1)))]" "flood slots are not 0..$N"

# Each new station's IPv6 start-up (duplicate address detection of its
# link-local address, router solicitations, MLD reports) is multicast, and
# each is flooded to every port: N x N copies in the first seconds, which
# with thousands of stations fill the receive queues for a while. Wait
# (bounded) until the floods have calmed down.
floods() { "$XBR" -b "$T_BR" -j stats | jq '[.ports[].rx_flood] | add'; }
f0=$(floods) calm=0
for ((t = 0; t < 240 && calm < 3; t++)); do
	sleep 1
	f1=$(floods)
	if [ $((f1 - f0)) -lt 5 ]; then calm=$((calm + 1)); else calm=0; fi
	f0=$f1
done
echo "# floods calmed after ${t} s ($f0 flooded frames)" >&2

# First and last ping each other (the ARP requests are answered by the bridge
# once each has spoken).
assert_ping $first "$a_last" 2
assert_ping $last "$(addr 0)" 2

# witness: capture ARP requests for the last station in three other stations.
# In tc mode every flood copy is queued on the sending CPU's backlog
# (net.core.netdev_max_backlog, 1000 by default), and copies past it are
# dropped by the kernel (as for the kernel bridge: br_flood queues the same
# way). So with neigh-suppress off the witnesses are taken among the first
# ports of the flood list (slot order is `up` order), and the request's
# answer (queued behind the copies) may be lost on a bridge of more ports.
B=$(cat /proc/sys/net/core/netdev_max_backlog 2>/dev/null || echo 1000)
M=$((N < B * 9 / 10 ? N : B * 9 / 10))
W=(s1 s$((M / 2)) s$((M - 2)))
witness() {
	local w
	W_PIDS=()
	for w in "${W[@]}"; do
		rm -f "$T_TMP/$1.$w.err"
		t_bg ip netns exec "$w" timeout 20 tcpdump -Z root -i eth0 -nn -U --immediate-mode -s 96 -c 50 \
			-w "$T_TMP/$1.$w.pcap" "arp and arp[24:4] = 0x$(printf '%02x' ${a_last//./ })" 2>"$T_TMP/$1.$w.err"
		W_PIDS+=("$T_BG_PID")
	done
	for w in "${W[@]}"; do
		wait_until 10 grep -q 'listening on' "$T_TMP/$1.$w.err" || t_fail "tcpdump in $w did not start: $(cat "$T_TMP/$1.$w.err")"
	done
}
witness_count() {
	local w p n=0
	local files=()
	for w in "${W[@]}"; do files+=("$T_TMP/$1.$w.pcap"); done
	cap_settle "${files[@]}"
	for p in "${W_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${W_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for w in "${W[@]}"; do n=$((n + $(tcpdump -nn -r "$T_TMP/$1.$w.pcap" 2>/dev/null | wc -l))); done
	echo "$n"
}
# ask WHAT [may-fail]: the first station forgets the last and pings it (an
# ARP request goes out, broadcast).
ask() {
	ip netns exec $first sysctl -qw net.ipv4.neigh.eth0.ucast_solicit=0
	ip -n $first neigh flush dev eth0
	ping_ok $first "$a_last" 1 || [ -n "${2:-}" ] ||
		t_fail "$1: ping $first -> $a_last failed; $first's neighbours: $(ip -n $first neigh show | tr '\n' '|'); bridge: $("$XBR" -b "$T_BR" -j stats | jq -c .fdb)"
}

xjson stats
arp0=$(jq_val "$J" .fdb.arp_replied)
witness on
ask "neigh-suppress on"
seen=$(witness_count on)
[ "$seen" -eq 0 ] || t_fail "neigh-suppress on: $seen ARP requests for $last reached the witnesses"
xjson stats
jq_ok "$J" ".fdb.arp_replied > $arp0" "the bridge answered no ARP request"

must xbr set neigh-suppress off
witness off
if [ "$N" -le "$M" ]; then ask "neigh-suppress off"; else ask "neigh-suppress off" may-fail; fi
seen=$(witness_count off)
[ "$seen" -ge ${#W[@]} ] || t_fail "neigh-suppress off: the witnesses saw $seen ARP requests for $last, expected one each"

if [ "$N" -eq 4095 ]; then
	expect_error "port add past XBR_MAX_PORTS" "one-more" "$XBR" -b "$T_BR" port add one-more
fi
must timeout 300 "$XBR" -b "$T_BR" down
n_ns=$(ip netns list | grep -c '^s[0-9]')
[ "$n_ns" -eq 0 ] || t_fail "down left $n_ns namespaces"

t_pass "$N stations ($((N + 1)) ports): first<->last ping, ARP for the last answered by the bridge and seen by no witness (${W[*]}), flooded to them with neigh-suppress off; a faulted threaded up left nothing"
