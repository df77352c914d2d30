# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The two-host row (metric "vxlan"): one segment across two hosts over VXLAN,
# TCP (iperf3, 1 stream) and 60-byte frames of a local EtherType (trafgen) from a station on host
# A to a station on host B, for every mode:
#   kbr      on each host a kernel bridge with the station's veth and a VXLAN
#            port (`ip link add vx type vxlan id 42 local A remote B`), as
#            Docker's overlay and flannel do;
#   xbr-*    on each host `xbr up --mode M` with the station and
#            `xbr uplink add vx vxlan id 42 local A remote B`.
# A host is a network namespace with its own mount namespace (its own
# /run/netns and bpffs, so each runs its own xbr), entered with nsenter, as in
# tests/integration/lib_hosts.sh; the underlay is one veth pair between the
# two (198.51.100.1/.2). Stations have MTU 1450 in every mode (xbr sets it;
# kbr gets it by hand). Sourced by run.sh after metrics.sh (trafgen_cfg,
# stop_pid, record_sample); run_vxlan is its entry point.

VX_SUBNET=172.16.0.0/16

# vx_host_up NAME : a new host; its holder's PID appended to VX_PIDS
vx_host_up() {
	local fifo=$OUT/tmp/vx-$1.ready ok="" pid
	rm -f "$fifo"
	mkfifo "$fifo" || return 1
	unshare -n -m --propagation private -- sh -c '
		mount -t tmpfs -o size=4m,mode=755 vx-host /run/netns &&
		mount -t sysfs sysfs /sys && mount -t bpf bpf /sys/fs/bpf &&
		ip link set lo up && echo ok >"$1" && exec sleep 3600' host "$fifo" \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	VX_PIDS="${VX_PIDS:-} $pid"
	read -r -t 10 ok <"$fifo"
	rm -f "$fifo"
	[[ $ok == ok ]]
}

# vx_on PID CMD... : CMD inside the host of holder PID
vx_on() { local p=$1; shift; nsenter -t "$p" -n -m -- "$@"; }
# vx_st PID CMD... : CMD inside that host's station "s"
vx_st() { local p=$1; shift; nsenter -t "$p" -n -m -- ip netns exec s "$@"; }

vx_counters() { # PID -> "rx_packets tx_packets tx_dropped" of the station's eth0
	vx_st "$1" ip -j -s link show dev eth0 |
		jq -r '.[0].stats64 | "\(.rx.packets) \(.tx.packets) \(.tx.dropped)"'
}

# vx_kbr_host PID N : kernel bridge + VXLAN port + station s (172.16.N.1)
vx_kbr_host() {
	local p=$1 n=$2 peer=$(( 3 - $2 ))
	vx_on "$p" ip netns add s &&
		vx_on "$p" ip link add kb type bridge &&
		vx_on "$p" ip link add s-h type veth peer name eth0 netns /run/netns/s &&
		vx_on "$p" ip link add vx type vxlan id 42 local "198.51.100.$n" \
			remote "198.51.100.$peer" dstport 4789 &&
		vx_on "$p" ip link set vx mtu 1450 &&
		vx_on "$p" ip link set s-h mtu 1450 master kb up &&
		vx_on "$p" ip link set vx master kb up &&
		vx_on "$p" ip link set kb up &&
		vx_st "$p" ip link set lo up &&
		vx_st "$p" ip link set eth0 mtu 1450 up &&
		vx_st "$p" ip addr add "172.16.$n.1/16" dev eth0
}

# vx_xbr_host PID N MODE : xbr bridge with station s (172.16.N.1) and its uplink
vx_xbr_host() {
	local p=$1 n=$2 m=${3#xbr-} peer=$(( 3 - $2 ))
	vx_on "$p" "$XBR" -b xb up --mode "$m" --subnet "$VX_SUBNET" \
		--gateway "172.16.$n.254" "s=172.16.$n.1/16" >/dev/null &&
		vx_on "$p" "$XBR" -b xb uplink add vx vxlan id 42 local "198.51.100.$n" \
			remote "198.51.100.$peer" >/dev/null
}

# vx_up MODE : both hosts (holders in VX_A, VX_B), the underlay, bridges, stations
vx_up() {
	local mode=$1 n p
	VX_PIDS=""
	vx_host_up A || return 1
	VX_A=${VX_PIDS##* }
	vx_host_up B || return 1
	VX_B=${VX_PIDS##* }
	ip link add vxu-a netns "/proc/$VX_A/ns/net" type veth peer name vxu-b \
		netns "/proc/$VX_B/ns/net" || return 1
	vx_on "$VX_A" ip addr add 198.51.100.1/24 dev vxu-a && vx_on "$VX_A" ip link set vxu-a up &&
		vx_on "$VX_B" ip addr add 198.51.100.2/24 dev vxu-b && vx_on "$VX_B" ip link set vxu-b up ||
		return 1
	vx_on "$VX_A" ping -c 1 -W 2 198.51.100.2 >/dev/null || return 1 # underlay neighbours resolved
	n=1
	for p in $VX_A $VX_B; do
		if [[ $mode == kbr ]]; then vx_kbr_host "$p" "$n" || return 1
		else vx_xbr_host "$p" "$n" "$mode" || return 1; fi
		n=$((n + 1))
	done
}

vx_down() {
	local p
	for p in ${VX_PIDS:-}; do
		vx_on "$p" "$XBR" -b xb down >/dev/null 2>&1 || true
		kill "$p" 2>/dev/null || true
	done
	for p in ${VX_PIDS:-}; do wait "$p" 2>/dev/null || true; done
	VX_PIDS="" VX_A="" VX_B=""
}

# m_vxlan MODE ROUND WARMUP
m_vxlan() {
	local mode=$1 round=$2 warm=$3 a b mb rc f spid gbps rtx i rx off loss
	local pa a0 b0 a1 b1 pb qa qb t0 t1
	if ! vx_up "$mode" >"$OUT/raw/vxlan-up-$mode-r$round.log" 2>&1; then
		record_note vxlan all "$mode" "two-host topology up failed (round $round)"; vx_down; return 0
	fi
	a=$VX_A b=$VX_B
	# L2 reachability both ways: MACs learned across (and ARP resolved).
	for i in 1 2 3; do vx_st "$a" ping -c 1 -W 1 172.16.2.1 >/dev/null 2>&1 && break; done
	if ! vx_st "$b" ping -c 2 -i 0.2 -W 1 172.16.1.1 >/dev/null 2>&1; then
		record_note vxlan all "$mode" "no reachability across the overlay (round $round)"; vx_down; return 0
	fi

	f="$OUT/raw/vxlan-tcp-$mode-r$round.json"
	vx_st "$b" taskset -c "$CPU_SINK" timeout -k 2 "$((TCP_DUR + 20))" \
		iperf3 -s -1 -p "$IPERF_PORT" >/dev/null 2>&1 &
	spid=$!
	for i in $(seq 50); do
		[[ -n $(vx_st "$b" ss -Hltn "sport = :$IPERF_PORT" 2>/dev/null) ]] && break
		sleep 0.1
	done
	rc=0
	vx_st "$a" taskset -c "$CPU_GEN" timeout -k 2 "$((TCP_DUR + 15))" \
		iperf3 -c 172.16.2.1 -p "$IPERF_PORT" -t "$TCP_DUR" -O "$TCP_OMIT" -J >"$f" 2>&1 || rc=$?
	stop_pid "$spid"
	if (( rc == 0 )) && jq -e '.end.sum_received.bits_per_second' "$f" >/dev/null 2>&1; then
		gbps=$(jq '.end.sum_received.bits_per_second / 1e9' "$f")
		rtx=$(jq '.end.sum_sent.retransmits // 0' "$f")
		record_sample vxlan "tcp P=1" "$mode" "$round" "$warm" gbps="$gbps" retransmits="$rtx"
	else
		record_note vxlan "tcp P=1" "$mode" "iperf3 across the overlay failed (exit $rc)"
	fi

	# 60-byte frames a -> b, counted at b's eth0 (as m_pps, inside the hosts)
	mb=$(vx_st "$b" cat /sys/class/net/eth0/address)
	trafgen_cfg "$mb" "$(vx_st "$a" cat /sys/class/net/eth0/address)" >"$OUT/tmp/vxlan-pps.cfg"
	pb=$(vx_counters "$b"); pa=$(vx_counters "$a")
	vx_st "$a" taskset -c "$CPU_GEN" timeout -k 2 "$(awk -v d="$PPS_DUR" 'BEGIN { printf "%d", d + 15.5 }')" \
		trafgen -i "$OUT/tmp/vxlan-pps.cfg" -o eth0 -P 1 --no-sock-mem --notouch-irq -C \
		>"$OUT/raw/vxlan-pps-$mode-r$round.log" 2>&1 &
	spid=$!
	sleep "$RAMP"
	t0=$(now); b0=$(vx_counters "$b"); a0=$(vx_counters "$a")
	sleep "$PPS_DUR"
	t1=$(now); b1=$(vx_counters "$b"); a1=$(vx_counters "$a")
	stop_pid "$spid"
	sleep 0.1
	qb=$(vx_counters "$b"); qa=$(vx_counters "$a")
	read -r rx off loss < <(awk -v el="$(fsub "$t1" "$t0")" -v b0="$b0" -v b1="$b1" -v a0="$a0" \
		-v a1="$a1" -v pb="$pb" -v pa="$pa" -v qb="$qb" -v qa="$qa" 'BEGIN {
		split(b0, B0, " "); split(b1, B1, " "); split(a0, A0, " "); split(a1, A1, " ")
		split(pb, PB, " "); split(pa, PA, " "); split(qb, QB, " "); split(qa, QA, " ")
		rx = (B1[1] - B0[1]) / el; off = (A1[2] + A1[3] - A0[2] - A0[3]) / el
		toff = QA[2] + QA[3] - PA[2] - PA[3]; trx = QB[1] - PB[1]
		loss = (toff > 0) ? (toff - trx) / toff : 0; if (loss < 0) loss = 0
		printf "%.1f %.1f %.6f\n", rx, off, loss }')
	record_sample vxlan "pps 60B" "$mode" "$round" "$warm" pps="$rx" offered_pps="$off" \
		loss_pct="$(awk -v l="$loss" 'BEGIN{printf "%.4f", 100 * l}')"
	vx_down
}

# run_vxlan: every round, the bridge modes alternating (A B C A B C ...);
# two samples (TCP, 60-byte frames) each. Not for wire and floor: no bridge
# to give an uplink.
vxlan_unit() { # MODE ROUND
	wait_idle 5
	m_vxlan "$1" "$2" "$(is_warm "$2")"
}
run_vxlan() {
	local r mode
	for ((r = 1; r <= ROUNDS; r++)); do
		for mode in "${ACTIVE_BR[@]}"; do unit 2 vxlan_unit "$mode" "$r"; done
	done
}
