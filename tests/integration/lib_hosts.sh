# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# "Hosts" for the multi-host tests (VXLAN uplinks), sourced after lib.sh.
#
# A host is what a machine is to xbr: a network namespace with its own
# /run/netns (where xbr keeps its stations' namespaces), its own /run/xbr
# (directory uplinks and xbr-agent's status), its own sysfs and its
# own bpffs on /sys/fs/bpf (pins, and the flock every command takes). `ip netns
# exec` would not do: it gives the command the caller's /run/netns and bpffs,
# so every host would share one set of pins. So each host is a holder process
# started with `unshare -n -m --propagation private` that mounts the three
# and sleeps; commands enter it with `nsenter -t PID -n -m` (network and mount
# namespaces both), and `ip netns exec` inside a host reaches that host's
# stations. All of it lives inside the test's own `unshare -n -m` (lib.sh).
#
# The underlay is a kernel bridge "ul" in the test's namespace with one veth
# per host: "ul0" in the host, 198.51.100.N/24 and 2001:db8::N/64 (N = the
# host's number), nothing else on it.
#
#     host_add A 1; host_add B 2      # hosts A and B, underlay .1 and .2
#     on A ip netns exec a1 ping ...  # a command in host A
#     hx A up --gateway 172.16.1.254  # $XBR -b $T_BR ... in host A
#
# The EXIT trap takes each host's bridge down (inside the host), then ends
# the holders; their namespaces go with them.

declare -A T_HOST_PID=()
T_HOSTS=()

# host_add NAME N: start host NAME with underlay address number N.
host_add() {
	local h=$1 n=$2 fifo=$T_TMP/host-$1.ready pid
	mkfifo "$fifo" || t_fail "mkfifo failed"
	unshare -n -m --propagation private -- sh -c '
		mount -t tmpfs -o size=4m,mode=755 xbr-host /run/netns &&
		mkdir -p /run/xbr && mount -t tmpfs -o size=1m,mode=755 xbr-host-run /run/xbr &&
		mount -t sysfs sysfs /sys && mount -t bpf bpf /sys/fs/bpf &&
		ip link set lo up && echo ok >"$1" && exec sleep 3600' host "$fifo" &
	pid=$!
	local ok=""
	read -r -t 10 ok <"$fifo"
	[ "$ok" = ok ] || t_fail "host $h: could not make its namespaces"
	T_HOST_PID[$h]=$pid
	T_HOSTS+=("$h")
	ip link show ul >/dev/null 2>&1 || {
		ip link add ul type bridge && ip link set ul up
	} || t_fail "cannot make the underlay bridge"
	ip link add "ul-$h" type veth peer name ul0 netns "/proc/$pid/ns/net" ||
		t_fail "host $h: cannot make its underlay veth"
	ip link set "ul-$h" master ul up || t_fail "host $h: cannot join the underlay"
	on "$h" ip addr add "198.51.100.$n/24" dev ul0 &&
		on "$h" ip addr add "2001:db8::$n/64" dev ul0 nodad &&
		on "$h" ip link set ul0 up || t_fail "host $h: cannot configure ul0"
}

# on HOST CMD...: run CMD inside HOST.
on() {
	local h=$1
	shift
	nsenter -t "${T_HOST_PID[$h]}" -n -m -- "$@"
}

# hbg HOST CMD...: t_bg of CMD inside HOST; T_BG_PID is CMD's own process
# (nsenter and `ip netns exec` exec it), so killing it stops CMD.
hbg() {
	local h=$1
	shift
	t_bg nsenter -t "${T_HOST_PID[$h]}" -n -m -- "$@"
}

# cap_start FILE FILTER DEV [CMD-PREFIX...]: tcpdump on DEV into FILE (written
# per packet) until hcap_stop, run by CMD-PREFIX (e.g. nsenter ...); waits
# until it says it listens (its packet socket exists a moment before its
# filter is attached: a frame then would be missed).
cap_start() {
	local file=$1 filter=$2 dev=$3
	shift 3
	t_bg "$@" timeout 60 tcpdump -nli "$dev" -U -w "$file" "$filter" 2>"$file.err"
	T_CAP_PID=$T_BG_PID
	wait_until 10 grep -q "listening on" "$file.err" || t_fail "tcpdump on $dev did not start: $(cat "$file.err")"
}

# hcap_start HOST NS FILE FILTER: cap_start on eth0 of station NS in HOST.
hcap_start() {
	cap_start "$3" "$4" eth0 nsenter -t "${T_HOST_PID[$1]}" -n -m -- ip netns exec "$2"
}

# hcap_stop FILE: stop the capture once it has caught up (its file unchanged
# over 3 looks 0.3 s apart, at most 10 s: a busy machine's tcpdump may still
# be writing frames it was sent) and print what it holds, one line per frame.
hcap_stop() {
	local size prev="" same=0 i
	for ((i = 0; i < 33 && same < 3; i++)); do
		sleep 0.3
		size=$(stat -c %s "$1" 2>/dev/null)
		if [ "$size" = "$prev" ]; then same=$((same + 1)); else same=0; fi
		prev=$size
	done
	kill -INT "$T_CAP_PID" 2>/dev/null
	wait_until 5 sh -c "! kill -0 $T_CAP_PID 2>/dev/null"
	tcpdump -nr "$1" 2>/dev/null
}

# hx HOST ARGS...: this test's bridge command in HOST.
hx() {
	local h=$1
	shift
	on "$h" "$XBR" -b "$T_BR" "$@"
}

# hjson HOST ARGS...: `xbr -j ARGS` in HOST, JSON in J (as xjson).
hjson() {
	local h=$1
	shift
	J=$(timeout 20 nsenter -t "${T_HOST_PID[$h]}" -n -m -- "$XBR" -b "$T_BR" -j "$@" 2>"$T_TMP/hj.err") ||
		t_fail "host $h: xbr -j $* failed: $(cat "$T_TMP/hj.err")"
	printf '%s\n' "$J" | jq -e . >/dev/null 2>&1 || t_fail "host $h: xbr -j $* printed invalid JSON: $J"
}

# hmust HOST CMD...: must, inside HOST.
hmust() {
	local h=$1
	shift
	must timeout 30 nsenter -t "${T_HOST_PID[$h]}" -n -m -- "$@"
}

# hping_ok HOST NS DST [COUNT [PING-ARGS...]]: as ping_ok, from station NS
# of HOST; the output in T_PING.
hping_ok() {
	local h=$1 ns=$2 dst=$3 count=${4:-3}
	shift $(($# < 4 ? $# : 4))
	T_PING=$(timeout $((count + 10)) nsenter -t "${T_HOST_PID[$h]}" -n -m -- \
		ip netns exec "$ns" ping -n -q -c "$count" -i 0.2 -W 2 "$@" "$dst" 2>&1)
	[ $? -eq 0 ] && [[ $T_PING == *' 0% packet loss'* ]]
}

# hassert_ping HOST NS DST [COUNT]: a ping that must fully succeed.
hassert_ping() {
	hping_ok "$@" || t_fail "ping $2@$1 -> $3 ${*:5}: not answered: $(printf '%s' "$T_PING" | grep -v -e '^PING' -e '^---' -e '^rtt' -e '^$' | head -3 | tr '\n' '|')"
}

t_hosts_cleanup() {
	local rc=$? h
	for h in "${T_HOSTS[@]}"; do
		timeout 30 nsenter -t "${T_HOST_PID[$h]}" -n -m -- "$XBR" -b "$T_BR" down \
			>"$T_TMP/hclean.log" 2>&1 ||
			echo "# cleanup: host $h: xbr down failed: $(cat "$T_TMP/hclean.log")" >&2
	done
	for h in "${T_HOSTS[@]}"; do
		kill "${T_HOST_PID[$h]}" 2>/dev/null
	done
	(exit "$rc")
	t_cleanup
}
trap t_hosts_cleanup EXIT
