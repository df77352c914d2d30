# shellcheck shell=bash
# Metric implementations. Each m_* function takes: MODE ROUND WARMUP(true|false)
# and records one sample per case with record_sample (or a note on failure).
# Namespaces: 1 = generator/client (CPU_GEN), 2 = sink/server (CPU_SINK),
# 3 = FDB filler (fdb metric only).

IPERF_PORT=5201
SOCKPERF_PORT=11111
UNKNOWN_MAC=02:00:00:00:ee:01  # never used by any namespace: flooded

# if_counters NS -> "rx_packets tx_packets tx_dropped" of eth0 in NS
if_counters() {
	ip -n "$1" -j -s link show dev eth0 |
		jq -r '.[0].stats64 | "\(.rx.packets) \(.tx.packets) \(.tx.dropped)"'
}

# wait_listen NS PROTO PORT : wait up to 5 s for a listening socket
wait_listen() {
	local i flag=-Hltn
	[[ $2 == udp ]] && flag=-Hlun
	for ((i = 0; i < 50; i++)); do
		[[ -n $(ss -N "$1" $flag "sport = :$3" 2>/dev/null) ]] && return 0
		sleep 0.1
	done
	return 1
}

# stop_pid PID : terminate a background job we started, then reap it
stop_pid() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# 60 bytes handed to the device (a 64-byte frame on a wire, with its FCS) of a
# local EtherType (0x88b5, IEEE 802 local experimental): not IP, so the sink's
# stack drops each frame at once and answers nothing, in every mode alike.
BENCH_ETHERTYPE=0x88b5

# trafgen_cfg DA SA [SA_DINC_MAX] -> trafgen packet config on stdout: 14 bytes
# of Ethernet header and 46 of zeros. With SA_DINC_MAX the source MAC counts
# up through SA_DINC_MAX values (the FDB fill).
trafgen_cfg() {
	local sa="sa=$2"
	[[ -n ${3:-} ]] && sa="sa=$2, sa=dinc(1, $3)"
	printf '{ eth(da=%s, %s, type=%s), fill(0x00, 46) }\n' "$1" "$sa" "$BENCH_ETHERTYPE"
}

# quiet_sender NS : no IPv6 in the generator's namespace (every mode alike).
# Its link-local autoconfiguration (DAD, MLD, router solicitations) sends a
# few frames in the first seconds after the link comes up, from whichever CPU
# runs the work. In XDP mode one of them can move the NAPI poll of the host
# end (the consumer of veth's 256-frame ring) to the other CPU; trafgen then
# outruns it, its socket's send buffer fills with frames waiting in the ring,
# the non-blocking flush gets EAGAIN, and trafgen exits ("Flushing TX_RING
# failed"): the "XDP stall" of docs/benchmarks.md.
quiet_sender() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
}

# trafgen_window TX_NS RX_NS CFG DURATION LOG
# Runs trafgen (1 process, pinned to CPU_GEN, qdisc bypass) in TX_NS, lets it
# ramp for RAMP seconds, then counts DURATION seconds of rx_packets on RX_NS's
# eth0 (the rate) and offered frames (tx_packets + tx_dropped of TX_NS's eth0).
# Loss is taken over the whole trafgen run (counters before start and after
# stop), which avoids the skew of reading two namespaces' counters one after
# the other. Prints "rx_pps offered_pps loss_fraction exited", exited = 1 when
# trafgen was gone before the window ended (then the figures mean nothing).
trafgen_window() {
	local tx=$1 rx=$2 cfg=$3 dur=$4 log=$5 pid pre_a pre_b a0 b0 a1 b1 post_a post_b t0 t1 el exited=0
	pre_b=$(if_counters "$rx"); pre_a=$(if_counters "$tx")
	ip netns exec "$tx" taskset -c "$CPU_GEN" timeout -k 2 "$(awk -v d="$dur" 'BEGIN { printf "%d", d + 15 }')" \
		trafgen -i "$cfg" -o eth0 -P 1 --no-sock-mem --notouch-irq -C >"$log" 2>&1 &
	pid=$!
	sleep "$RAMP"
	t0=$(now); b0=$(if_counters "$rx"); a0=$(if_counters "$tx")
	sleep "$dur"
	t1=$(now); b1=$(if_counters "$rx"); a1=$(if_counters "$tx")
	kill -0 "$pid" 2>/dev/null || exited=1
	stop_pid "$pid"
	sleep 0.1
	post_b=$(if_counters "$rx"); post_a=$(if_counters "$tx")
	el=$(fsub "$t1" "$t0")
	awk -v el="$el" -v b0="$b0" -v b1="$b1" -v a0="$a0" -v a1="$a1" -v ex="$exited" \
		-v pb="$pre_b" -v pa="$pre_a" -v qb="$post_b" -v qa="$post_a" 'BEGIN {
		split(b0, B0, " "); split(b1, B1, " "); split(a0, A0, " "); split(a1, A1, " ")
		split(pb, PB, " "); split(pa, PA, " "); split(qb, QB, " "); split(qa, QA, " ")
		rx = (B1[1] - B0[1]) / el; off = (A1[2] + A1[3] - A0[2] - A0[3]) / el
		toff = QA[2] + QA[3] - PA[2] - PA[3]; trx = QB[1] - PB[1]
		loss = (toff > 0) ? (toff - trx) / toff : 0; if (loss < 0) loss = 0
		printf "%.1f %.1f %.6f %d\n", rx, off, loss, ex }'
}

# tg_measure TX_NS RX_NS CFG DURATION LOG : trafgen_window, tried again (3
# tries in all) when trafgen exited before the window ended, since such a
# window measured a dead generator, not the datapath. Sets TG_RX, TG_OFF,
# TG_LOSS and TG_EXITS (early exits seen, each one retried; the samples
# record it); returns 1 when all three tries ended that way (TG_WHY: trafgen's
# last words).
tg_measure() {
	local i r exited log=$5
	TG_EXITS=0 TG_WHY=""
	for ((i = 1; i <= 3; i++)); do
		(( i > 1 )) && log="${5%.log}-try$i.log"
		r=$(trafgen_window "$1" "$2" "$3" "$4" "$log")
		read -r TG_RX TG_OFF TG_LOSS exited <<<"$r"
		(( exited )) || return 0
		TG_EXITS=$((TG_EXITS + 1))
		TG_WHY=$(grep -v -i 'socket memory' "$log" | grep . | tail -n 1 | cut -c1-160)
		warn "trafgen in $1 exited before the window ended (${TG_WHY:-no message}); try $i of 3"
		sleep 0.3
	done
	return 1
}

# --- 1. TCP throughput -------------------------------------------------------
m_tcp() {
	local mode=$1 round=$2 warm=$3 a b ipb p spid rc f gbps rtx
	a=$(ns_name "$mode" 1) b=$(ns_name "$mode" 2) ipb=$(ns_ip 2)
	for p in "${TCP_STREAMS[@]}"; do
		f="$OUT/raw/tcp-$mode-P$p-r$round.json"
		ip netns exec "$b" taskset -c "$CPU_SINK" timeout -k 2 "$((TCP_DUR + 20))" \
			iperf3 -s -1 -p "$IPERF_PORT" >/dev/null 2>&1 &
		spid=$!
		if ! wait_listen "$b" tcp "$IPERF_PORT"; then
			stop_pid "$spid"; record_note tcp "P=$p" "$mode" "iperf3 server did not start"; continue
		fi
		rc=0
		ip netns exec "$a" taskset -c "$CPU_GEN" timeout -k 2 "$((TCP_DUR + 15))" \
			iperf3 -c "$ipb" -p "$IPERF_PORT" -t "$TCP_DUR" -O "$TCP_OMIT" -P "$p" -J >"$f" 2>&1 || rc=$?
		stop_pid "$spid"
		if (( rc != 0 )) || ! jq -e '.end.sum_received.bits_per_second' "$f" >/dev/null 2>&1; then
			record_note tcp "P=$p" "$mode" "iperf3 client failed (exit $rc): $(jq -r '.error // empty' "$f" 2>/dev/null | head -c 200)"
			continue
		fi
		gbps=$(jq '.end.sum_received.bits_per_second / 1e9' "$f")
		rtx=$(jq '.end.sum_sent.retransmits // 0' "$f")
		record_sample tcp "P=$p" "$mode" "$round" "$warm" gbps="$gbps" retransmits="$rtx"
	done
}

# --- 2. 60-byte frame forwarding rate ----------------------------------------
m_pps() {
	local mode=$1 round=$2 warm=$3 a b cfg
	a=$(ns_name "$mode" 1) b=$(ns_name "$mode" 2)
	cfg="$OUT/tmp/pps-$mode.cfg"
	# destination MAC: the sink's eth0, already learned by the bridge (l2_pair)
	trafgen_cfg "$(ns_mac "$b")" "$(ns_mac "$a")" >"$cfg"
	if ! tg_measure "$a" "$b" "$cfg" "$PPS_DUR" "$OUT/raw/pps-$mode-r$round.log"; then
		record_note pps 60B "$mode" "trafgen exited early in 3 tries (round $round): $TG_WHY"
		return 0
	fi
	record_sample pps 60B "$mode" "$round" "$warm" pps="$TG_RX" offered_pps="$TG_OFF" \
		ns_per_frame="$(awk -v r="$TG_RX" 'BEGIN { if (r > 0) printf "%.1f", 1e9 / r; else print "null" }')" \
		lost_pps="$(awk -v o="$TG_OFF" -v l="$TG_LOSS" 'BEGIN{printf "%.1f", o * l}')" \
		loss_pct="$(awk -v l="$TG_LOSS" 'BEGIN{printf "%.4f", 100 * l}')" gen_exits="$TG_EXITS"
}

# --- 3. latency ------------------------------------------------------------------
m_lat() {
	local mode=$1 round=$2 warm=$3 a b ipb spid rc f p50 p99 p999 avg
	a=$(ns_name "$mode" 1) b=$(ns_name "$mode" 2) ipb=$(ns_ip 2)
	f="$OUT/raw/lat-$mode-r$round.txt"
	ip netns exec "$b" taskset -c "$CPU_SINK" timeout -k 2 "$((LAT_DUR + 20))" \
		sockperf server -i "$ipb" -p "$SOCKPERF_PORT" >/dev/null 2>&1 &
	spid=$!
	if ! wait_listen "$b" udp "$SOCKPERF_PORT"; then
		stop_pid "$spid"; record_note lat 64B "$mode" "sockperf server did not start"; return 0
	fi
	rc=0
	ip netns exec "$a" taskset -c "$CPU_GEN" timeout -k 2 "$((LAT_DUR + 15))" \
		sockperf ping-pong -i "$ipb" -p "$SOCKPERF_PORT" -t "$LAT_DUR" -m 64 2>&1 |
		sed 's/\x1b\[[0-9;]*m//g' >"$f" || rc=$?
	stop_pid "$spid"
	p50=$(awk '/percentile 50.000/{print $NF}' "$f")
	p99=$(awk '/percentile 99.000/{print $NF}' "$f")
	p999=$(awk '/percentile 99.900/{print $NF}' "$f")
	avg=$(sed -n 's/.*avg-latency=\([0-9.]*\).*/\1/p' "$f" | head -1)
	if [[ -z $p50 || -z $p99 ]]; then
		record_note lat 64B "$mode" "sockperf ping-pong failed (exit $rc)"; return 0
	fi
	record_sample lat 64B "$mode" "$round" "$warm" p50_us="$p50" p99_us="$p99" p999_us="$p999" avg_us="$avg"
}

# --- 4. setup / teardown -----------------------------------------------------------
# m_setup MODE ROUND WARMUP N
m_setup() {
	local mode=$1 round=$2 warm=$3 n=$4 t0 t1 t2 got rc=0 br
	br=$(mode_bridge "$mode")
	local -a TOPO_RUN=(taskset -c "$CPU_GEN")
	local links i
	links=$(ip -o link show | wc -l)
	t0=$(now)
	topo_up "$mode" "$n" || rc=$?
	t1=$(now)
	got=$(ip netns list | grep -c "^${br}[0-9]" || true)
	if (( rc != 0 || got != n )); then
		record_note setup "N=$n" "$mode" "up failed (exit $rc, $got of $n namespaces)"
		topo_down "$mode" || true
		return 0
	fi
	topo_down "$mode" || rc=$?
	t2=$(now)
	got=$(ip netns list | grep -c "^${br}[0-9]" || true)
	(( rc == 0 && got == 0 )) || record_note setup "N=$n" "$mode" "down left $got namespaces (exit $rc)"
	# The next sample starts on a clean machine: the script's `ip netns del`
	# returns before the kernel has destroyed the namespaces and their veth
	# pairs (xbr's down waits for it), and that work, holding the RTNL lock,
	# would slow whichever `up` comes next. Not timed (at most 60 s).
	for ((i = 0; i < 600; i++)); do
		(( $(ip -o link show | wc -l) <= links )) && break
		sleep 0.1
	done
	record_sample setup "N=$n" "$mode" "$round" "$warm" up_s="$(fsub "$t1" "$t0")" down_s="$(fsub "$t2" "$t1")"
}

# --- 5a. flood scaling ------------------------------------------------------------
# m_flood MODE ROUND WARMUP PORTS : topology with PORTS namespaces is up;
# ns1 sends 60-byte frames to an unknown unicast MAC; counted at ns2.
m_flood() {
	local mode=$1 round=$2 warm=$3 ports=$4 a b cfg
	a=$(ns_name "$mode" 1) b=$(ns_name "$mode" 2)
	cfg="$OUT/tmp/flood-$mode.cfg"
	trafgen_cfg "$UNKNOWN_MAC" "$(ns_mac "$a")" >"$cfg"
	if ! tg_measure "$a" "$b" "$cfg" "$SCALE_DUR" "$OUT/raw/flood-$mode-p$ports-r$round.log"; then
		record_note flood "ports=$ports" "$mode" "trafgen exited early in 3 tries (round $round): $TG_WHY"
		return 0
	fi
	record_sample flood "ports=$ports" "$mode" "$round" "$warm" pps="$TG_RX" offered_pps="$TG_OFF" \
		copies_pps="$(awk -v r="$TG_RX" -v p="$ports" 'BEGIN{printf "%.1f", r*(p-1)}')" gen_exits="$TG_EXITS"
}

# fdb_count MODE -> number of FDB entries the bridge reports, or "null"
fdb_count() {
	local mode=$1 br out
	br=$(mode_bridge "$mode")
	case $mode in
	kbr) bridge fdb show br "$br" | grep -vc permanent || true ;;
	xbr-*)
		if out=$("$XBR" -b "$br" -j fdb show 2>/dev/null) && jq -e 'type == "array"' <<<"$out" >/dev/null 2>&1; then
			jq '[.[] | select((.state // "learned") != "permanent")] | length' <<<"$out"
		else echo null; fi ;;
	esac
}

# --- 5b. unicast rate vs FDB size ---------------------------------------------------
# m_fdb MODE ROUND WARMUP MACS : topology with 3 namespaces is up. ns3 sends
# MACS frames with distinct source MACs (02:00:00:xx:xx:xx) addressed to its
# own MAC, so the bridge learns them all (pointing at ns3's port) and drops
# the frames. Then ns1 -> ns2 unicast 60-byte rate is measured as for pps.
m_fdb() {
	local mode=$1 round=$2 warm=$3 macs=$4 a b c cfg fill entries rc=0
	a=$(ns_name "$mode" 1) b=$(ns_name "$mode" 2) c=$(ns_name "$mode" 3)
	fill="$OUT/tmp/fill-$mode.cfg" cfg="$OUT/tmp/fdb-$mode.cfg"
	trafgen_cfg "$(ns_mac "$c")" 02:00:00:00:00:00 "$macs" >"$fill"
	ip netns exec "$c" taskset -c "$CPU_GEN" timeout -k 2 "$((macs / 50000 + 15))" \
		trafgen -i "$fill" -o eth0 -P 1 --no-sock-mem --notouch-irq -C -n "$macs" -b "$FILL_RATE" \
		>"$OUT/raw/fdbfill-$mode-m$macs-r$round.log" 2>&1 || rc=$?
	(( rc == 0 )) || record_note fdb "macs=$macs" "$mode" "fill trafgen exited $rc"
	sleep 0.2
	entries=$(fdb_count "$mode")
	trafgen_cfg "$(ns_mac "$b")" "$(ns_mac "$a")" >"$cfg"
	if ! tg_measure "$a" "$b" "$cfg" "$SCALE_DUR" "$OUT/raw/fdb-$mode-m$macs-r$round.log"; then
		record_note fdb "macs=$macs" "$mode" "trafgen exited early in 3 tries (round $round): $TG_WHY"
		return 0
	fi
	record_sample fdb "macs=$macs" "$mode" "$round" "$warm" pps="$TG_RX" offered_pps="$TG_OFF" \
		loss_pct="$(awk -v l="$TG_LOSS" 'BEGIN{printf "%.4f", 100 * l}')" fdb_entries="$entries" \
		gen_exits="$TG_EXITS"
}

# --- 5c. known unicast vs ports on the bridge ---------------------------------------
# m_ports MODE ROUND WARMUP NS : topology with NS namespaces is up (NS + 1
# bridge ports with the gateway); ns1 -> ns2 known-unicast 60-byte rate, as
# for pps, over PPS_DUR seconds.
m_ports() {
	local mode=$1 round=$2 warm=$3 n=$4 a b cfg
	a=$(ns_name "$mode" 1) b=$(ns_name "$mode" 2)
	cfg="$OUT/tmp/ports-$mode.cfg"
	trafgen_cfg "$(ns_mac "$b")" "$(ns_mac "$a")" >"$cfg"
	if ! tg_measure "$a" "$b" "$cfg" "$PPS_DUR" "$OUT/raw/ports-$mode-n$n-r$round.log"; then
		record_note ports "ns=$n" "$mode" "trafgen exited early in 3 tries (round $round): $TG_WHY"
		return 0
	fi
	record_sample ports "ns=$n" "$mode" "$round" "$warm" pps="$TG_RX" offered_pps="$TG_OFF" \
		loss_pct="$(awk -v l="$TG_LOSS" 'BEGIN{printf "%.4f", 100 * l}')" gen_exits="$TG_EXITS"
}

# --- 6. TCP to the outside through NAT --------------------------------------------
# A namespace plays the outside network (documentation addresses, inside the
# run's private network namespace); the host's default route points at it.
# kbr gets what Docker installs for a bridge network's way out: ip_forward on
# and its MASQUERADE rule (iptables, as Docker does); xbr masquerades by
# itself (xbr up's default). Untranslated traffic would get no answer (the
# outside has no route back to the stations), so a sample means NAT worked.
NAT_OUT_NS=bout NAT_OUT_IP=198.51.100.2 NAT_HOST_IP=198.51.100.1
nat_outside_up() {
	ip netns add "$NAT_OUT_NS" &&
		ip link add bout0 type veth peer name eth0 netns "$NAT_OUT_NS" &&
		ip addr add "$NAT_HOST_IP/24" dev bout0 && ip link set bout0 up &&
		ip -n "$NAT_OUT_NS" addr add "$NAT_OUT_IP/24" dev eth0 &&
		ip -n "$NAT_OUT_NS" link set eth0 up && ip -n "$NAT_OUT_NS" link set lo up &&
		ip route add default via "$NAT_OUT_IP"
}

m_nat() {
	local mode=$1 round=$2 warm=$3 a p spid rc f gbps rtx fwd0=""
	local -a masq=(POSTROUTING -t nat -s "$BENCH_SUBNET" ! -o "$(mode_bridge kbr)" -j MASQUERADE)
	a=$(ns_name "$mode" 1)
	if [[ $mode == kbr ]]; then
		fwd0=$(cat /proc/sys/net/ipv4/ip_forward)
		echo 1 >/proc/sys/net/ipv4/ip_forward
		if ! iptables -A "${masq[@]}" 2>>"$OUT/logs/topo.log"; then
			echo "$fwd0" >/proc/sys/net/ipv4/ip_forward
			for p in "${TCP_STREAMS[@]}"; do
				record_note nat "P=$p" "$mode" "cannot add Docker's MASQUERADE rule (iptables)"
			done
			return 0
		fi
	fi
	for p in "${TCP_STREAMS[@]}"; do
		f="$OUT/raw/nat-$mode-P$p-r$round.json"
		ip netns exec "$NAT_OUT_NS" taskset -c "$CPU_SINK" timeout -k 2 "$((TCP_DUR + 20))" \
			iperf3 -s -1 -p "$IPERF_PORT" >/dev/null 2>&1 &
		spid=$!
		if ! wait_listen "$NAT_OUT_NS" tcp "$IPERF_PORT"; then
			stop_pid "$spid"; record_note nat "P=$p" "$mode" "iperf3 server did not start"; continue
		fi
		rc=0
		ip netns exec "$a" taskset -c "$CPU_GEN" timeout -k 2 "$((TCP_DUR + 15))" \
			iperf3 -c "$NAT_OUT_IP" -p "$IPERF_PORT" -t "$TCP_DUR" -O "$TCP_OMIT" -P "$p" -J >"$f" 2>&1 || rc=$?
		stop_pid "$spid"
		if (( rc != 0 )) || ! jq -e '.end.sum_received.bits_per_second' "$f" >/dev/null 2>&1; then
			record_note nat "P=$p" "$mode" "iperf3 client failed (exit $rc): $(jq -r '.error // empty' "$f" 2>/dev/null | head -c 200)"
			continue
		fi
		gbps=$(jq '.end.sum_received.bits_per_second / 1e9' "$f")
		rtx=$(jq '.end.sum_sent.retransmits // 0' "$f")
		record_sample nat "P=$p" "$mode" "$round" "$warm" gbps="$gbps" retransmits="$rtx"
	done
	if [[ $mode == kbr ]]; then
		iptables -D "${masq[@]}" 2>>"$OUT/logs/topo.log" || warn "cannot remove the MASQUERADE rule"
		echo "$fwd0" >/proc/sys/net/ipv4/ip_forward
	fi
}

# --- perf profile ---------------------------------------------------------------------
# m_profile MODE : 2-namespace topology is up. perf record -a -g during a
# 1-stream TCP run and during a 60-byte pps run; saves perf report top lists.
perf_top() { # DATA OUTFILE
	local strip='s/[[:space:]]+-[[:space:]]+-[[:space:]]*$//'
	{
		echo "# by command (all CPUs)"
		perf report -i "$1" --stdio --no-children --sort comm -g none --percent-limit 1 2>/dev/null |
			grep -v '^#' | sed -E "$strip" | sed '/^[[:space:]]*$/d' | head -n 8
		echo "# by symbol"
		perf report -i "$1" --stdio --no-children --sort symbol -g none --percent-limit 0.5 2>/dev/null |
			grep -v '^#' | sed -E "$strip" | sed '/^[[:space:]]*$/d' | head -n 40
	} >"$2" || true
	perf report -i "$1" --stdio --no-children --sort symbol -g graph,1,caller --percent-limit 2 2>/dev/null |
		grep -v '^#' | sed -E "$strip" | sed '/^[[:space:]]*$/d' | head -n 400 >"${2%.txt}.callgraph.txt" || true
}
m_profile() {
	local mode=$1 a b ipb spid cpid tpid cfg d
	a=$(ns_name "$mode" 1) b=$(ns_name "$mode" 2) ipb=$(ns_ip 2)
	d="$OUT/profile"; mkdir -p "$d"
	# TCP
	ip netns exec "$b" taskset -c "$CPU_SINK" timeout -k 2 "$((PROF_DUR + 25))" \
		iperf3 -s -1 -p "$IPERF_PORT" >/dev/null 2>&1 &
	spid=$!
	wait_listen "$b" tcp "$IPERF_PORT" || warn "profile: iperf3 server not listening"
	ip netns exec "$a" taskset -c "$CPU_GEN" timeout -k 2 "$((PROF_DUR + 20))" \
		iperf3 -c "$ipb" -p "$IPERF_PORT" -t "$((PROF_DUR + 3))" -P 1 -J >"$d/$mode-tcp.iperf3.json" 2>&1 &
	cpid=$!
	sleep 1
	timeout -k 2 "$((PROF_DUR + 20))" perf record -a -g -F "$PROF_FREQ" -o "$d/$mode-tcp.perf.data" -- sleep "$PROF_DUR" \
		>"$d/$mode-tcp.record.log" 2>&1 || warn "perf record (tcp, $mode) failed"
	wait "$cpid" 2>/dev/null || true
	stop_pid "$spid"
	perf_top "$d/$mode-tcp.perf.data" "$d/$mode-tcp.txt"
	# pps
	cfg="$OUT/tmp/prof-$mode.cfg"
	trafgen_cfg "$(ns_mac "$b")" "$(ns_mac "$a")" >"$cfg"
	ip netns exec "$a" taskset -c "$CPU_GEN" timeout -k 2 "$((PROF_DUR + 20))" \
		trafgen -i "$cfg" -o eth0 -P 1 --no-sock-mem --notouch-irq -C >"$d/$mode-pps.trafgen.log" 2>&1 &
	tpid=$!
	sleep 1
	timeout -k 2 "$((PROF_DUR + 20))" perf record -a -g -F "$PROF_FREQ" -o "$d/$mode-pps.perf.data" -- sleep "$PROF_DUR" \
		>"$d/$mode-pps.record.log" 2>&1 || warn "perf record (pps, $mode) failed"
	stop_pid "$tpid"
	perf_top "$d/$mode-pps.perf.data" "$d/$mode-pps.txt"
	log "profile $mode: $d/$mode-{tcp,pps}.txt"
}
