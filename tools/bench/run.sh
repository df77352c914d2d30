#!/usr/bin/env bash
# xbr benchmark harness: kernel bridge vs xbr (tc, xdp) on the same lab topology.
#
# Usage: tools/bench/run.sh [options]
#   --metrics LIST     comma list of tcp,pps,lat,setup,flood,fdb,nat,vxlan (default: all;
#                      "none" with --profile runs only the profile)
#   --modes LIST       comma list of kbr,xbr-tc,xbr-xdp            (default: all)
#   --reps N           measured repetitions per case               (default: 5)
#   --warmup N         warm-up rounds, recorded but not summarised (default: 1)
#   --quick            smoke sizes: 1 rep, no warm-up, 1 s runs, tiny N
#                      (setup 1,3; flood 2,4; fdb 1000; 1 TCP stream)
#   --out DIR          output directory        (default: build/bench/<UTC time>)
#   --setup-sizes L    namespaces for setup/teardown   (default: 1,10,100,500)
#   --flood-ports L    ports for the flood scaling run (default: 2,8,32,128)
#   --fdb-sizes L      learned MACs for the unicast run (default: 10,100000)
#   --tcp-streams L    iperf3 parallel streams          (default: 1,4)
#   --duration S       measured seconds per tcp/pps/lat sample (default: 2)
#   --big-reps N       repetitions for setup sizes >= 500 (default: 3, to keep
#                      the standard set under 15 min; --big-reps 5 for all)
#   --cpus G,S         CPU of generator/client, CPU of sink/server (default: 0,1)
#   --profile          also perf-record each mode during a TCP and a pps run
#   --wait-quiet S     before measuring, wait up to S seconds for the machine
#                      to be idle for 10 s (other load distorts every figure)
#   --no-plots         skip gnuplot
#   -h, --help
# Environment: XBR=path/to/xbr (default: build/xbr of this repo).
#
# Everything runs inside a private network + mount namespace (unshare -n -m)
# with its own /run/netns (tmpfs), sysfs and bpffs, so nothing leaks to the
# host and all of it vanishes when the run exits. Needs root.
# Outputs: DIR/results.json, DIR/summary.md, DIR/plots/*.png, DIR/raw/, DIR/logs/.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=lib/topo.sh
source "$BENCH_DIR/lib/topo.sh"
# shellcheck source=lib/metrics.sh
source "$BENCH_DIR/lib/metrics.sh"
# shellcheck source=lib/vxlan.sh
source "$BENCH_DIR/lib/vxlan.sh"

usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

# ---- defaults (standard set, sized for < 15 min on 2 cores) ----
METRICS_CSV=tcp,pps,lat,setup,flood,fdb,nat,vxlan
MODES_CSV=kbr,xbr-tc,xbr-xdp
REPS=5 WARMUP=1 QUICK=0 PROFILE=0 PLOTS=1 OUT=""
SETUP_CSV=1,10,100,500 FLOOD_CSV=2,8,32,128 FDB_CSV=10,100000 STREAMS_CSV=1,4
DUR=2 CPUS_CSV=0,1 BIG_REPS=3 WAIT_QUIET=0
declare -A SET=()

ORIG_ARGS=("$@")
while [[ $# -gt 0 ]]; do
	case $1 in
	--metrics) METRICS_CSV=$2; SET[metrics]=1; shift 2 ;;
	--modes) MODES_CSV=$2; shift 2 ;;
	--reps) REPS=$2; SET[reps]=1; shift 2 ;;
	--warmup) WARMUP=$2; SET[warmup]=1; shift 2 ;;
	--quick) QUICK=1; shift ;;
	--out) OUT=$2; shift 2 ;;
	--setup-sizes) SETUP_CSV=$2; SET[setup]=1; shift 2 ;;
	--flood-ports) FLOOD_CSV=$2; SET[flood]=1; shift 2 ;;
	--fdb-sizes) FDB_CSV=$2; SET[fdb]=1; shift 2 ;;
	--tcp-streams) STREAMS_CSV=$2; SET[streams]=1; shift 2 ;;
	--duration) DUR=$2; SET[dur]=1; shift 2 ;;
	--big-reps) BIG_REPS=$2; shift 2 ;;
	--cpus) CPUS_CSV=$2; shift 2 ;;
	--profile) PROFILE=1; shift ;;
	--wait-quiet) WAIT_QUIET=$2; shift 2 ;;
	--no-plots) PLOTS=0; shift ;;
	-h|--help) usage 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage 2 ;;
	esac
done

if (( QUICK )); then
	[[ -n ${SET[reps]:-} ]] || REPS=1
	[[ -n ${SET[warmup]:-} ]] || WARMUP=0
	[[ -n ${SET[setup]:-} ]] || SETUP_CSV=1,3
	[[ -n ${SET[flood]:-} ]] || FLOOD_CSV=2,4
	[[ -n ${SET[fdb]:-} ]] || FDB_CSV=1000
	[[ -n ${SET[streams]:-} ]] || STREAMS_CSV=1
	[[ -n ${SET[dur]:-} ]] || DUR=1
fi
[[ $METRICS_CSV == none ]] && METRICS_CSV=""
[[ $REPS =~ ^[1-9][0-9]*$ && $WARMUP =~ ^[0-9]+$ && $DUR =~ ^[1-9][0-9]*$ && $BIG_REPS =~ ^[1-9][0-9]*$ ]] ||
	die "--reps and --big-reps must be >= 1, --warmup >= 0, --duration >= 1 (integers)"

# durations (seconds)
TCP_DUR=$DUR TCP_OMIT=1 PPS_DUR=$DUR LAT_DUR=$DUR SCALE_DUR=1
RAMP=0.4 PROF_DUR=5 PROF_FREQ=999 FILL_RATE=100000pps
IDLE_CAP=1000
if (( QUICK )); then TCP_OMIT=0 RAMP=0.3 PROF_DUR=2 BIG_REPS=$REPS IDLE_CAP=0; fi
MAX_RUNTIME=$(( ${BENCH_MAX_RUNTIME:-$(( QUICK ? 300 : 2400 ))} + WAIT_QUIET ))

mapfile -t METRICS < <(split_csv "$METRICS_CSV")
mapfile -t MODES < <(split_csv "$MODES_CSV")
mapfile -t TCP_STREAMS < <(split_csv "$STREAMS_CSV")
mapfile -t SETUP_SIZES < <(split_csv "$SETUP_CSV")
mapfile -t FLOOD_PORTS < <(split_csv "$FLOOD_CSV")
mapfile -t FDB_SIZES < <(split_csv "$FDB_CSV")
CPU_GEN=${CPUS_CSV%%,*} CPU_SINK=${CPUS_CSV#*,}
(( $(nproc) >= 2 )) || { CPU_GEN=0 CPU_SINK=0; }
for m in "${METRICS[@]}"; do
	[[ $m =~ ^(tcp|pps|lat|setup|flood|fdb|nat|vxlan)$ ]] || die "unknown metric '$m'"
done
[[ ${#METRICS[@]} -gt 0 || $PROFILE == 1 ]] || die "nothing to do (no metrics, no --profile)"
[[ ${#MODES[@]} -gt 0 && ${MODES[0]} == kbr ]] || die "--modes must start with kbr (the baseline)"

XBR=${XBR:-$REPO/build/xbr}
[[ $XBR == /* ]] || XBR=$PWD/$XBR
OUT=${OUT:-$REPO/build/bench/$(date -u +%Y%m%dT%H%M%SZ)}
[[ $OUT == /* ]] || OUT=$PWD/$OUT

# ---- enter the sandbox ----
if [[ -z ${XBR_BENCH_SANDBOX:-} ]]; then
	(( $(id -u) == 0 )) || die "needs root (network namespaces, bpffs, perf)"
	for t in ip bridge jq iperf3 sockperf trafgen taskset unshare ss awk; do
		command -v "$t" >/dev/null || die "missing tool: $t"
	done
	mkdir -p "$OUT"
	export XBR_BENCH_SANDBOX=1 BENCH_CMDLINE="tools/bench/run.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}"
	export XBR OUT
	rc=0
	timeout -k 10 "$MAX_RUNTIME" unshare -n -m -- bash "${BASH_SOURCE[0]}" "${ORIG_ARGS[@]}" || rc=$?
	(( rc == 124 )) && warn "run exceeded BENCH_MAX_RUNTIME=${MAX_RUNTIME}s and was stopped"
	exit "$rc"
fi

# ---- inside: private netns + mount ns ----
mount --make-rprivate /
mkdir -p /run/netns
mount -t tmpfs -o size=8m,mode=755 bench-netns /run/netns
mount -t sysfs sysfs /sys            # /sys/class/net of this netns
mount -t bpf bpf /sys/fs/bpf         # fresh, private bpffs
ip link set lo up
for f in /proc/sys/net/bridge/bridge-nf-call-{iptables,ip6tables,arptables}; do
	[[ -w $f ]] && echo 0 >"$f"     # no netfilter on bridged frames (per-netns)
done

mkdir -p "$OUT"/{raw,tmp,logs}
: >"$OUT/samples.jsonl"; : >"$OUT/notes.jsonl"; : >"$OUT/busy.log"; : >"$OUT/idle_wait.log"
# Progress (sample N of M, time left) goes to the terminal, if there is one,
# and never to the log: keep the terminal before stderr is teed to the log.
if [[ -t 2 ]]; then exec {PROGRESS_FD}>&2; fi
exec 2> >(tee -a "$OUT/logs/run.log" >&2)

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	local j
	for j in $(jobs -p); do kill -TERM "$j" 2>/dev/null || true; done
	topo_cleanup_all
	rm -rf "$OUT/tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T_START=$(now)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# Measure a snapshot of the binary: a rebuild during the run must not swap it.
XBR_PATH=$XBR
if [[ -x $XBR ]]; then cp "$XBR" "$OUT/tmp/xbr" && XBR=$OUT/tmp/xbr; fi
log "output: $OUT"
log "command: $BENCH_CMDLINE"
QUIET=null
if (( WAIT_QUIET > 0 )); then
	log "waiting up to ${WAIT_QUIET}s for the machine to be idle for 10 s"
	if wait_quiet "$WAIT_QUIET"; then QUIET=true; else QUIET=false; warn "machine never quiet; measuring anyway"; fi
fi
probe_modes
mapfile -t ACTIVE < <(active_modes)
log "active modes: ${ACTIVE[*]}"

has_metric() { local m; for m in "${METRICS[@]}"; do [[ $m == "$1" ]] && return 0; done; return 1; }
ROUNDS=$((WARMUP + REPS))
is_warm() { (( $1 <= WARMUP )) && echo true || echo false; }
# Scaled metrics (setup, flood, fdb) run their warm-up round(s) at the first
# (smallest) size only; setup sizes >= 500 get BIG_REPS measured rounds.
first_round() { (( $1 == 0 )) && echo 1 || echo $((WARMUP + 1)); } # SIZE_INDEX
last_round() { (( $1 >= 500 )) && echo $((WARMUP + (BIG_REPS < REPS ? BIG_REPS : REPS))) || echo "$ROUNDS"; } # N

# Pair metrics (tcp, pps, lat) share a fresh 2-namespace topology per mode and
# round; rounds alternate the modes: A B C A B C ...
run_pair_metrics() {
	local r mode warm m
	for ((r = 1; r <= ROUNDS; r++)); do
		warm=$(is_warm "$r")
		for mode in "${ACTIVE[@]}"; do
			wait_idle 5
			if ! topo_up "$mode" 2; then record_note pair all "$mode" "topology up failed (round $r)"; topo_down "$mode" || true; continue; fi
			if ! l2_pair "$mode" 1 2; then record_note pair all "$mode" "no L2 reachability ns1<->ns2 (round $r)"; fi
			for m in tcp pps lat nat; do has_metric "$m" && "m_$m" "$mode" "$r" "$warm"; done
			topo_down "$mode" || warn "topo_down $mode failed"
		done
	done
}

run_setup() {
	local i n r mode
	for i in "${!SETUP_SIZES[@]}"; do
		n=${SETUP_SIZES[$i]}
		for ((r = $(first_round "$i"); r <= $(last_round "$n"); r++)); do
			for mode in "${ACTIVE[@]}"; do
				wait_idle $(( n >= 500 ? 20 : n >= 100 ? 10 : 5 ))
				m_setup "$mode" "$r" "$(is_warm "$r")" "$n"
			done
		done
	done
}

# scaled metric: topology of N namespaces per mode and round
run_scaled() { # METRIC NS_FOR(size) SIZES...
	local metric=$1 fixed_ns=$2 size r mode n i=0; shift 2
	for size in "$@"; do
		n=$size; [[ $fixed_ns != - ]] && n=$fixed_ns
		for ((r = $(first_round "$i"); r <= ROUNDS; r++)); do
			for mode in "${ACTIVE[@]}"; do
				wait_idle $(( n >= 100 ? 10 : 5 ))
				# xbr's FDB is a fixed-capacity hash (default 65536): size it to hold the test's MACs
				TOPO_XBR_EXTRA=()
				if [[ $metric == fdb ]] && (( size + 1024 > 65536 )); then TOPO_XBR_EXTRA=(--fdb-size $((size * 2))); fi
				if ! topo_up "$mode" "$n"; then record_note "$metric" "$size" "$mode" "topology up ($n namespaces) failed"; topo_down "$mode" || true; continue; fi
				if ! l2_pair "$mode" 1 2; then record_note "$metric" "$size" "$mode" "no L2 reachability ns1<->ns2"; fi
				[[ $metric == fdb ]] && { l2_pair "$mode" 3 1 || record_note fdb "$size" "$mode" "no L2 reachability ns3<->ns1"; }
				"m_$metric" "$mode" "$r" "$(is_warm "$r")" "$size"
				topo_down "$mode" || warn "topo_down $mode failed"
				TOPO_XBR_EXTRA=()
			done
		done
		i=$((i + 1))
	done
}

# The samples planned, for the progress line (common.sh progress_step).
count_samples() {
	local n=0 i m
	for m in tcp pps lat nat; do
		has_metric "$m" || continue
		if [[ $m == tcp || $m == nat ]]; then n=$((n + ROUNDS * ${#TCP_STREAMS[@]})); else n=$((n + ROUNDS)); fi
	done
	if has_metric setup; then
		for i in "${!SETUP_SIZES[@]}"; do
			n=$((n + $(last_round "${SETUP_SIZES[$i]}") - $(first_round "$i") + 1))
		done
	fi
	if has_metric flood; then
		for i in "${!FLOOD_PORTS[@]}"; do n=$((n + ROUNDS - $(first_round "$i") + 1)); done
	fi
	if has_metric fdb; then
		for i in "${!FDB_SIZES[@]}"; do n=$((n + ROUNDS - $(first_round "$i") + 1)); done
	fi
	if has_metric vxlan; then n=$((n + 2 * ROUNDS)); fi
	echo $((n * ${#ACTIVE[@]}))
}
PROGRESS_TOTAL=$(count_samples)
PROGRESS_T0=$(now)
log "samples planned: $PROGRESS_TOTAL"

if has_metric nat; then nat_outside_up || die "cannot make the outside namespace for the nat metric"; fi
if has_metric tcp || has_metric pps || has_metric lat || has_metric nat; then run_pair_metrics; fi
if has_metric setup; then run_setup; fi
if has_metric flood; then run_scaled flood - "${FLOOD_PORTS[@]}"; fi
if has_metric fdb; then run_scaled fdb 3 "${FDB_SIZES[@]}"; fi
if has_metric vxlan; then run_vxlan; fi
if (( PROFILE )); then
	command -v perf >/dev/null || die "--profile needs perf (linux-perf)"
	for mode in "${ACTIVE[@]}"; do
		wait_idle 5
		topo_up "$mode" 2 || { record_note profile all "$mode" "topology up failed"; continue; }
		l2_pair "$mode" 1 2 || record_note profile all "$mode" "no L2 reachability"
		m_profile "$mode"
		topo_down "$mode" || true
	done
fi

# ---- metadata for the report ----
ELAPSED=$(fsub "$(now)" "$T_START")
modes_json='{}'
for m in "${MODES[@]}"; do
	modes_json=$(jq -c --arg m "$m" --arg s "${MODE_STATUS[$m]}" --arg r "${MODE_REASON[$m]}" \
		--arg n "${MODE_NOTE[$m]:-}" --arg a "${MODE_ARGS[$m]:-}" \
		'. + {($m): {status:$s, reason:$r, note:$n, xbr_args:$a}}' <<<"$modes_json")
done
jq -n --arg cmd "$BENCH_CMDLINE" --arg started "$STARTED" \
	--arg finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson elapsed "$ELAPSED" \
	--argjson machine "$(machine_json)" --argjson modes "$modes_json" \
	--arg git "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo none)" \
	--arg xbr "$XBR_PATH" --arg xbr_base "${XBR_BASE_ARGS[*]}" --arg xbr_sha "$(sha256sum "$XBR" 2>/dev/null | cut -c1-12)" \
	--arg xbr_ver "$("$XBR" -V 2>/dev/null | head -n 1)" \
	--argjson reps "$REPS" --argjson warmup "$WARMUP" --argjson quick "$QUICK" \
	--argjson big_reps "$BIG_REPS" --argjson busy "$(wc -l <"$OUT/busy.log")" \
	--argjson idle_s "$(awk '{s+=$1} END{printf "%.1f", s}' "$OUT/idle_wait.log")" --argjson quiet "$QUIET" \
	--argjson profile "$PROFILE" \
	--arg metrics "${METRICS[*]}" --arg streams "${TCP_STREAMS[*]}" \
	--arg setup "${SETUP_SIZES[*]}" --arg flood "${FLOOD_PORTS[*]}" --arg fdb "${FDB_SIZES[*]}" \
	--argjson tcp_dur "$TCP_DUR" --argjson tcp_omit "$TCP_OMIT" --argjson pps_dur "$PPS_DUR" \
	--argjson lat_dur "$LAT_DUR" --argjson scale_dur "$SCALE_DUR" --arg fill_rate "$FILL_RATE" \
	--argjson gen "$CPU_GEN" --argjson sink "$CPU_SINK" \
	'def nums: split(" ") | map(select(length>0) | tonumber);
	{schema:"xbr-bench/1", command:$cmd, started:$started, finished:$finished, elapsed_s:$elapsed,
	 machine:$machine, git_commit:$git, xbr:{path:$xbr, version:$xbr_ver, sha256_12:$xbr_sha, up_args:$xbr_base}, modes:$modes,
	 busy_before_samples:$busy, idle_wait_s:$idle_s, quiet_at_start:$quiet,
	 config:{metrics:($metrics|split(" ")|map(select(length>0))), reps:$reps, warmup:$warmup,
	   big_reps:$big_reps, idle_wait:($quick==0),
	   warmup_rule:"tcp/pps/lat: warm-up round(s) before the measured rounds; setup/flood/fdb: warm-up only at the smallest size; setup sizes >= 500: big_reps measured rounds",
	   quick:($quick==1), profile:($profile==1), tcp_streams:($streams|nums),
	   setup_sizes:($setup|nums), flood_ports:($flood|nums), fdb_sizes:($fdb|nums),
	   tcp_duration_s:$tcp_dur, tcp_omit_s:$tcp_omit, pps_duration_s:$pps_dur,
	   lat_duration_s:$lat_dur, scale_duration_s:$scale_dur, fdb_fill_rate:$fill_rate,
	   xbr_fdb_size:"default (65536); --fdb-size 2*MACS in the fdb metric when MACS+1024 > 65536",
	   frame_bytes:"64 incl. FCS (60 handed to the device)"},
	 pinning:{
	   tcp:"iperf3 client in ns1 on CPU \($gen), iperf3 server in ns2 on CPU \($sink) (taskset)",
	   nat:"iperf3 client in ns1 on CPU \($gen), iperf3 server in the outside namespace (198.51.100.2, behind the host veth carrying its default route) on CPU \($sink); kbr: ip_forward on and Docker'"'"'s rule `iptables -t nat -A POSTROUTING -s 172.16.0.0/16 ! -o kb -j MASQUERADE`; xbr: its own masquerade (the default of xbr up)",
	   pps:"trafgen (-P 1, qdisc bypass) in ns1 on CPU \($gen); no user-space sink: frames counted from rx_packets of ns2 eth0 (bridge/veth softirq work runs on the sending CPU)",
	   lat:"sockperf ping-pong client in ns1 on CPU \($gen), sockperf server in ns2 on CPU \($sink)",
	   setup:"xbr / kbr-lab.sh pinned to CPU \($gen)",
	   flood:"trafgen in ns1 on CPU \($gen); counted at ns2 rx_packets",
	   fdb:"FDB filled by trafgen in ns3 (distinct source MACs); trafgen ns1->ns2 on CPU \($gen)",
	   vxlan:"two hosts (net + mount namespaces) joined by a veth underlay; iperf3 client / trafgen in host A'"'"'s station on CPU \($gen), iperf3 server in host B'"'"'s station on CPU \($sink); station MTU 1450 in every mode",
	   profile:"perf record -a -g -F 999 (all CPUs), same pinning as tcp/pps"}}' >"$OUT/meta.json"

log "measurements done in ${ELAPSED}s; writing report"
report_args=("$OUT")
(( PLOTS )) || report_args+=(--no-plots)
bash "$BENCH_DIR/report.sh" "${report_args[@]}"
log "results: $OUT/results.json  summary: $OUT/summary.md"
