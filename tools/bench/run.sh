#!/usr/bin/env bash
# xbr benchmark harness: kernel bridge vs xbr (tc, xdp) on the same lab
# topology, against the limits of any bridge on veth ("wire") and of xbr's tc
# design ("floor").
#
# Usage: tools/bench/run.sh [options]
#   --metrics LIST     comma list of tcp,pps,lat,setup,flood,fdb,ports,nat,vxlan,
#                      dns,directory,cmd (default: all but directory and cmd,
#                      which are opt-in;
#                      "none" with --profile runs only the profile)
#   --modes LIST       comma list of kbr,xbr-tc,xbr-xdp,wire,floor (default: all;
#                      kbr first; wire and floor run the tcp/pps/lat metrics only;
#                      the dns row adds the sides of --dns-sides)
#   --reps N           measured repetitions per case               (default: 5)
#   --warmup N         warm-up rounds, recorded but not summarised (default: 1)
#   --quick            smoke sizes: 1 rep, no warm-up, short runs, tiny N
#                      (setup 1,3; flood 2; fdb 1000; ports 2; 1 TCP stream;
#                      no latency for wire and floor)
#   --out DIR          output directory        (default: build/bench/<UTC time>)
#   --setup-sizes L    namespaces for setup/teardown   (default: 1,10,100,1000)
#   --flood-ports L    ports for the flood scaling run (default: 2,8,32,128)
#   --fdb-sizes L      learned MACs for the unicast run (default: 10,100000)
#   --port-sizes L     namespaces on the bridge for the known-unicast run
#                      (default: 2,4095: with the gateway, 4,096 ports)
#   --big-modes L      modes that build the bridges of 500+ namespaces of the
#                      ports run (default: kbr,xbr-tc,xbr-xdp)
#   --tcp-streams L    iperf3 parallel streams          (default: 1,4)
#   --duration S       measured seconds per tcp/pps/lat/ports sample (default: 2)
#   --big-reps N       repetitions for setup sizes >= 500 (default: 3, to keep
#                      the standard set under 30 min; --big-reps 5 for all)
#   --scaled-reps N    repetitions for flood, fdb and ports below 500
#                      namespaces (default: 3, same reason)
#   --dir-hosts N      hosts of the directory row (default: 10; --quick: 4)
#   --dir-reps N       stations added per variant in the directory row
#                      (default: 20; --quick: 3)
#   --cmd-sizes L      namespaces on the bridges of the cmd row (default: 2,4094:
#                      3 and 4,095 ports with the gateway; one more is added)
#   --cmd-reps N       port add/set/del repetitions per bridge in the cmd row
#                      (default: 15; --quick: 3)
#   --dns-qps N        the dns row's latency run: queries a second (default: 2000)
#   --dns-sides L      servers the dns row measures beside the modes: dnsmasq,
#                      docker (default: both; --quick: dnsmasq, since dockerd
#                      and its containers take ~10 s to start; "none")
#   --cpus G,S         CPU of generator/client, CPU of sink/server (default: 0,1)
#   --profile          also perf-record each mode during a TCP and a pps run
#   --wait-quiet S     before measuring, wait up to S seconds for the machine
#                      to be idle for 10 s (other load distorts every figure)
#   --no-plots         skip gnuplot
#   --plan             print how many samples the options give, then exit
#                      (nothing is measured)
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
# shellcheck source=lib/directory.sh
source "$BENCH_DIR/lib/directory.sh"
# shellcheck source=lib/cmd.sh
source "$BENCH_DIR/lib/cmd.sh"
# shellcheck source=lib/dns.sh
source "$BENCH_DIR/lib/dns.sh"

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" | sed -n '/^Usage/,$p'; exit "${1:-0}"; }

# ---- defaults (standard set, sized for < 30 min on 2 cores) ----
METRICS_CSV=tcp,pps,lat,setup,flood,fdb,ports,nat,vxlan,dns
MODES_CSV=kbr,xbr-tc,xbr-xdp,wire,floor
REPS=5 WARMUP=1 QUICK=0 PROFILE=0 PLOTS=1 OUT="" PLAN_ONLY=0
SETUP_CSV=1,10,100,1000 FLOOD_CSV=2,8,32,128 FDB_CSV=10,100000 STREAMS_CSV=1,4 PORTS_CSV=2,4095
BIG_MODES_CSV=kbr,xbr-tc,xbr-xdp
DUR=2 CPUS_CSV=0,1 BIG_REPS=3 SCALED_REPS=3 WAIT_QUIET=0
DIR_HOSTS=10 DIR_REPS=20
CMD_CSV=2,4094 CMD_REPS=15
DNS_LAT_QPS=2000 DNS_SIDES_CSV=dnsmasq,docker
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
	--port-sizes) PORTS_CSV=$2; SET[ports]=1; shift 2 ;;
	--big-modes) BIG_MODES_CSV=$2; shift 2 ;;
	--tcp-streams) STREAMS_CSV=$2; SET[streams]=1; shift 2 ;;
	--duration) DUR=$2; SET[dur]=1; shift 2 ;;
	--big-reps) BIG_REPS=$2; shift 2 ;;
	--scaled-reps) SCALED_REPS=$2; shift 2 ;;
	--cpus) CPUS_CSV=$2; shift 2 ;;
	--dir-hosts) DIR_HOSTS=$2; SET[dir_hosts]=1; shift 2 ;;
	--dir-reps) DIR_REPS=$2; SET[dir_reps]=1; shift 2 ;;
	--cmd-sizes) CMD_CSV=$2; SET[cmd_sizes]=1; shift 2 ;;
	--cmd-reps) CMD_REPS=$2; SET[cmd_reps]=1; shift 2 ;;
	--dns-qps) DNS_LAT_QPS=$2; shift 2 ;;
	--dns-sides) DNS_SIDES_CSV=$2; SET[dns_sides]=1; shift 2 ;;
	--profile) PROFILE=1; shift ;;
	--wait-quiet) WAIT_QUIET=$2; shift 2 ;;
	--no-plots) PLOTS=0; shift ;;
	--plan) PLAN_ONLY=1; shift ;;
	-h|--help) usage 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage 2 ;;
	esac
done

if (( QUICK )); then
	[[ -n ${SET[reps]:-} ]] || REPS=1
	[[ -n ${SET[warmup]:-} ]] || WARMUP=0
	[[ -n ${SET[setup]:-} ]] || SETUP_CSV=1,3
	[[ -n ${SET[flood]:-} ]] || FLOOD_CSV=2
	[[ -n ${SET[fdb]:-} ]] || FDB_CSV=1000
	[[ -n ${SET[ports]:-} ]] || PORTS_CSV=2
	[[ -n ${SET[streams]:-} ]] || STREAMS_CSV=1
	[[ -n ${SET[dur]:-} ]] || DUR=1
	[[ -n ${SET[dir_hosts]:-} ]] || DIR_HOSTS=4
	[[ -n ${SET[dir_reps]:-} ]] || DIR_REPS=3
	[[ -n ${SET[cmd_sizes]:-} ]] || CMD_CSV=2
	[[ -n ${SET[cmd_reps]:-} ]] || CMD_REPS=3
	[[ -n ${SET[dns_sides]:-} ]] || DNS_SIDES_CSV=dnsmasq
fi
[[ $DNS_SIDES_CSV == none ]] && DNS_SIDES_CSV=""
[[ $METRICS_CSV == none ]] && METRICS_CSV=""
[[ $REPS =~ ^[1-9][0-9]*$ && $WARMUP =~ ^[0-9]+$ && $DUR =~ ^[1-9][0-9]*$ && $BIG_REPS =~ ^[1-9][0-9]*$ && $SCALED_REPS =~ ^[1-9][0-9]*$ ]] ||
	die "--reps, --big-reps and --scaled-reps must be >= 1, --warmup >= 0, --duration >= 1 (integers)"

# durations (seconds)
TCP_DUR=$DUR TCP_OMIT=1 PPS_DUR=$DUR LAT_DUR=$DUR SCALE_DUR=1
RAMP=0.4 PROF_DUR=5 PROF_FREQ=999 FILL_RATE=100000pps
IDLE_CAP=1000
# Topologies of at least BIG_NS namespaces are built once per mode and
# measured REPS times (ports), or get BIG_REPS rounds (setup).
BIG_NS=500
BIG_SETTLE=15 BIG_SETTLE_MAX=300
# dns: seconds of each dnsperf run (rate, latency)
DNS_DUR=$DUR
# quick: frame-rate windows (and dnsperf runs) of 0.3 s (the smoke test
# checks output, not figures), unless --duration was given; 2 stations a
# lab in the dns row
if (( QUICK )); then
	TCP_OMIT=0 RAMP=0.15 PROF_DUR=2 BIG_REPS=$REPS SCALED_REPS=$REPS IDLE_CAP=0
	[[ -n ${SET[dur]:-} ]] || PPS_DUR=0.3 SCALE_DUR=0.3 DNS_DUR=0.3
	DNS_NS=2
fi
MAX_RUNTIME=$(( ${BENCH_MAX_RUNTIME:-$(( QUICK ? 300 : 3000 ))} + WAIT_QUIET ))

mapfile -t METRICS < <(split_csv "$METRICS_CSV")
mapfile -t MODES < <(split_csv "$MODES_CSV")
mapfile -t TCP_STREAMS < <(split_csv "$STREAMS_CSV")
mapfile -t SETUP_SIZES < <(split_csv "$SETUP_CSV")
mapfile -t FLOOD_PORTS < <(split_csv "$FLOOD_CSV")
mapfile -t FDB_SIZES < <(split_csv "$FDB_CSV")
mapfile -t PORT_SIZES < <(split_csv "$PORTS_CSV")
mapfile -t CMD_SIZES < <(split_csv "$CMD_CSV")
CPU_GEN=${CPUS_CSV%%,*} CPU_SINK=${CPUS_CSV#*,}
(( $(nproc) >= 2 )) || { CPU_GEN=0 CPU_SINK=0; }
for m in "${METRICS[@]}"; do
	[[ $m =~ ^(tcp|pps|lat|setup|flood|fdb|ports|nat|vxlan|dns|directory|cmd)$ ]] || die "unknown metric '$m'"
done
[[ $DIR_HOSTS =~ ^[0-9]+$ ]] && (( DIR_HOSTS >= 2 && DIR_HOSTS <= 99 )) && [[ $DIR_REPS =~ ^[1-9][0-9]*$ ]] && (( DIR_REPS <= 200 )) ||
	die "--dir-hosts must be 2-99, --dir-reps 1-200"
[[ $CMD_REPS =~ ^[1-9][0-9]*$ ]] && (( CMD_REPS <= 1000 )) || die "--cmd-reps must be 1-1000"
[[ $DNS_LAT_QPS =~ ^[1-9][0-9]*$ ]] && (( DNS_LAT_QPS <= 100000 )) || die "--dns-qps must be 1-100000"
for n in "${CMD_SIZES[@]}"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] && (( n <= 4094 )) || die "--cmd-sizes: namespaces must be 1-4094, one port short of 4,096 (got '$n')"
done
for n in "${SETUP_SIZES[@]}" "${FLOOD_PORTS[@]}" "${FDB_SIZES[@]}" "${PORT_SIZES[@]}" "${TCP_STREAMS[@]}"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "sizes and stream counts must be positive integers (got '$n')"
done
for n in "${FLOOD_PORTS[@]}" "${PORT_SIZES[@]}"; do
	(( n >= 2 )) || die "--flood-ports and --port-sizes need at least 2 namespaces (got $n)"
done
[[ ${#METRICS[@]} -gt 0 || $PROFILE == 1 ]] || die "nothing to do (no metrics, no --profile)"
[[ ${#MODES[@]} -gt 0 && ${MODES[0]} == kbr ]] || die "--modes must start with kbr (the baseline)"

XBR=${XBR:-$REPO/build/xbr}
[[ $XBR == /* ]] || XBR=$PWD/$XBR
OUT=${OUT:-$REPO/build/bench/$(date -u +%Y%m%dT%H%M%SZ)}
# --plan measures nothing: its scratch files go to a directory of its own
if (( PLAN_ONLY )) && [[ -z ${XBR_BENCH_SANDBOX:-} ]]; then OUT=$(mktemp -d /tmp/xbr-bench-plan.XXXXXX); fi
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
	(( PLAN_ONLY )) && rm -rf "$OUT"
	exit "$rc"
fi

# ---- inside: private netns + mount ns ----
mount --make-rprivate /
mkdir -p /run/netns
mount -t tmpfs -o size=8m,mode=755 bench-netns /run/netns
# /etc/netns: the resolv.conf xbr writes for each station, private too
[[ -d /etc/netns ]] || mkdir -m 755 /etc/netns
mount -t tmpfs -o size=64m,mode=755 bench-etc-netns /etc/netns
# the host's cgroup hierarchies stay under the fresh sysfs (dockerd and runc
# need them: the dns row's docker side)
mkdir /run/netns/.cgroup && mount --rbind /sys/fs/cgroup /run/netns/.cgroup
mount -t sysfs sysfs /sys            # /sys/class/net of this netns
mount --move /run/netns/.cgroup /sys/fs/cgroup && rmdir /run/netns/.cgroup
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
	(( ${#DIR_PID[@]} )) && dir_down
	(( ${#CMD_UP[@]} )) && cmd_down_all
	[[ -n $DNS_UP ]] && { dns_server_stop; dns_lab_down "$DNS_UP" || true; }
	[[ -n $DK_HOST ]] && { dns_server_stop; dk_down; }
	for j in $(jobs -p); do kill -TERM "$j" 2>/dev/null || true; done
	topo_cleanup_all
	rm -rf "$OUT/tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T_START=$(now)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# Measure a snapshot of the binary: a rebuild during the run must not swap it.
XBR_PATH=$XBR
if [[ -x $XBR ]]; then cp "$XBR" "$OUT/tmp/xbr" && XBR=$OUT/tmp/xbr; fi
DIR_AGENT_BIN=${XBR_AGENT:-$(dirname "$XBR_PATH")/xbr-agent}
if [[ -x $DIR_AGENT_BIN ]]; then cp "$DIR_AGENT_BIN" "$OUT/tmp/xbr-agent" && DIR_AGENT_BIN=$OUT/tmp/xbr-agent; fi
log "output: $OUT"
log "command: $BENCH_CMDLINE"
log "load average at start: $LOAD_START"
QUIET=null
if (( WAIT_QUIET > 0 )); then
	log "waiting up to ${WAIT_QUIET}s for the machine to be idle for 10 s"
	if wait_quiet "$WAIT_QUIET"; then QUIET=true; else QUIET=false; warn "machine never quiet; measuring anyway"; fi
fi
probe_modes
mapfile -t ACTIVE < <(active_modes)
log "active modes: ${ACTIVE[*]}"

has_metric() { local m; for m in "${METRICS[@]}"; do [[ $m == "$1" ]] && return 0; done; return 1; }
# Sides that only one row has (the dns row's dnsmasq, docker): in the report's modes
# beside --modes, with their status.
EXTRA_MODES=()
if has_metric dns; then dns_probe; fi
ROUNDS=$((WARMUP + REPS))
# flood, fdb and the small bridges of ports: SCALED_REPS measured rounds
SROUNDS=$((WARMUP + (SCALED_REPS < REPS ? SCALED_REPS : REPS)))
is_warm() { (( $1 <= WARMUP )) && echo true || echo false; }
# Scaled metrics (setup, flood, fdb, ports) run their warm-up round(s) at the
# first (smallest) size only; setup sizes >= BIG_NS get BIG_REPS measured rounds.
first_round() { (( $1 == 0 )) && echo 1 || echo $((WARMUP + 1)); } # SIZE_INDEX
last_round() { (( $1 >= BIG_NS )) && echo $((WARMUP + (BIG_REPS < REPS ? BIG_REPS : REPS))) || echo "$ROUNDS"; } # N
# Modes that build bridges of any size (not wire/floor).
mapfile -t ACTIVE_BR < <(for m in "${ACTIVE[@]}"; do pair_only "$m" || echo "$m"; done)

# Every unit of work (one topology and its samples) goes through `unit
# SAMPLES FUNCTION ARGS...`: a first pass over the loops only adds up the
# samples each unit records (PROGRESS_TOTAL, the M of the progress line
# "sample N of M", see common.sh), the second runs them.
PLANNING=0
unit() {
	local n=$1; shift
	if (( PLANNING )); then PROGRESS_TOTAL=$((PROGRESS_TOTAL + n)); else "$@"; fi
}

# Pair metrics (tcp, pps, lat, nat) share a fresh 2-namespace topology per
# mode and round; rounds alternate the modes: A B C D E A B C D E ...
# nat needs the gateway: not in wire and floor. --quick skips their latency
# (sockperf needs ~3 s however short the run; the smoke test stays < 1 min).
pair_metrics() { # MODE -> the pair metrics MODE runs
	local m
	for m in tcp pps lat nat; do
		has_metric "$m" || continue
		[[ $m == nat ]] && pair_only "$1" && continue
		[[ $m == lat ]] && (( QUICK )) && pair_only "$1" && continue
		echo "$m"
	done
}
pair_unit() { # MODE ROUND
	local mode=$1 r=$2 warm m
	warm=$(is_warm "$r")
	wait_idle 5
	if ! topo_up "$mode" 2; then record_note pair all "$mode" "topology up failed (round $r)"; topo_down "$mode" || true; return 0; fi
	if ! l2_pair "$mode" 1 2; then record_note pair all "$mode" "no L2 reachability ns1<->ns2 (round $r)"; fi
	quiet_sender "$(ns_name "$mode" 1)"
	for m in $(pair_metrics "$mode"); do "m_$m" "$mode" "$r" "$warm"; done
	topo_down "$mode" || warn "topo_down $mode failed"
}
pair_samples() { # MODE -> samples one pair round records
	local n=0 m
	for m in $(pair_metrics "$1"); do
		if [[ $m == tcp || $m == nat ]]; then n=$((n + ${#TCP_STREAMS[@]})); else n=$((n + 1)); fi
	done
	echo "$n"
}
run_pair_metrics() {
	local r mode
	for ((r = 1; r <= ROUNDS; r++)); do
		for mode in "${ACTIVE[@]}"; do unit "$(pair_samples "$mode")" pair_unit "$mode" "$r"; done
	done
}

run_setup() {
	local i n r mode
	for i in "${!SETUP_SIZES[@]}"; do
		n=${SETUP_SIZES[$i]}
		for ((r = $(first_round "$i"); r <= $(last_round "$n"); r++)); do
			for mode in "${ACTIVE_BR[@]}"; do
				unit 1 setup_unit "$mode" "$r" "$n"
			done
		done
	done
}
setup_unit() { # MODE ROUND N
	wait_idle $(( $3 >= 500 ? 20 : $3 >= 100 ? 10 : 5 ))
	m_setup "$1" "$2" "$(is_warm "$2")" "$3"
}

# case_of METRIC SIZE -> the case label its samples carry
case_of() { case $1 in flood) echo "ports=$2" ;; fdb) echo "macs=$2" ;; ports) echo "ns=$2" ;; *) echo "$2" ;; esac; }

# scaled metric: topology of N namespaces per mode and round
scaled_unit() { # METRIC MODE ROUND SIZE NAMESPACES
	local metric=$1 mode=$2 r=$3 size=$4 n=$5 k
	k=$(case_of "$metric" "$size")
	wait_idle $(( n >= 100 ? 10 : 5 ))
	# xbr's FDB is a fixed-capacity hash (default 65536): size it to hold the test's MACs
	TOPO_XBR_EXTRA=()
	if [[ $metric == fdb ]] && (( size + 1024 > 65536 )); then TOPO_XBR_EXTRA=(--fdb-size $((size * 2))); fi
	if ! topo_up "$mode" "$n"; then record_note "$metric" "$k" "$mode" "topology up ($n namespaces) failed"; topo_down "$mode" || true; TOPO_XBR_EXTRA=(); return 0; fi
	if ! l2_pair "$mode" 1 2; then record_note "$metric" "$k" "$mode" "no L2 reachability ns1<->ns2"; fi
	[[ $metric == fdb ]] && { l2_pair "$mode" 3 1 || record_note fdb "$k" "$mode" "no L2 reachability ns3<->ns1"; }
	quiet_sender "$(ns_name "$mode" 1)"
	"m_$metric" "$mode" "$r" "$(is_warm "$r")" "$size"
	topo_down "$mode" || warn "topo_down $mode failed"
	TOPO_XBR_EXTRA=()
}
run_scaled() { # METRIC NS_FOR(size) SIZES...
	local metric=$1 fixed_ns=$2 size r mode n i=0; shift 2
	for size in "$@"; do
		n=$size; [[ $fixed_ns != - ]] && n=$fixed_ns
		for ((r = $(first_round "$i"); r <= SROUNDS; r++)); do
			for mode in "${ACTIVE_BR[@]}"; do
				unit 1 scaled_unit "$metric" "$mode" "$r" "$size" "$n"
			done
		done
		i=$((i + 1))
	done
}

# Known unicast vs bridge size (ports). Below BIG_NS namespaces, a fresh
# topology per mode and round, like flood; from BIG_NS on, one topology per
# mode, built once and measured in REPS windows (a 4,095-namespace lab takes
# minutes to build). The kernel bridge takes at most 1024 ports (BR_MAX_PORTS).
# settle_ns NS WHAT: wait (at most BIG_SETTLE_MAX s) until namespace NS's
# eth0 stops receiving the floods of a fresh big lab (IPv6 start-up
# multicast of every namespace, flooded to every port); logs as WHAT.
settle_ns() {
	local ns=$1 what=$2 t=0 c0 c1 calm=0
	sleep "$BIG_SETTLE"
	c0=$(if_counters "$ns" | cut -d' ' -f1)
	while (( t < BIG_SETTLE_MAX - BIG_SETTLE && calm < 5 )); do
		sleep 1
		t=$((t + 1))
		c1=$(if_counters "$ns" | cut -d' ' -f1)
		if (( c1 - c0 < 20 )); then calm=$((calm + 1)); else calm=0; fi
		c0=$c1
	done
	if (( calm < 5 )); then
		warn "$what: still flooding after ${BIG_SETTLE_MAX} s (IPv6 start-up multicast): measured anyway"
	else
		log "$what: settled $((BIG_SETTLE + t)) s after up (IPv6 start-up multicast of every namespace, flooded to every port)"
	fi
}
settle_big() { # MODE N
	settle_ns "$(ns_name "$1" 2)" "ports [ns=$2] $1"
}
ports_big_unit() { # MODE N
	local mode=$1 n=$2 r
	wait_idle 20
	if ! topo_up "$mode" "$n"; then record_note ports "ns=$n" "$mode" "topology up ($n namespaces) failed"; topo_down "$mode" || true; return 0; fi
	l2_pair "$mode" 1 2 || record_note ports "ns=$n" "$mode" "no L2 reachability ns1<->ns2"
	quiet_sender "$(ns_name "$mode" 1)"
	# Every namespace's IPv6 link-local autoconfiguration (DAD, MLD, up to 3
	# router solicitations 4 s apart) is multicast that the bridge floods to
	# all N ports, N x N copies: with 4,095 namespaces the sending CPU is busy
	# with them for a minute or more after `up`. Wait (at least BIG_SETTLE s,
	# at most BIG_SETTLE_MAX) until ns2 receives fewer than 20 frames a second
	# for 5 s in a row (router solicitations are 4 s apart); the time it took
	# is in the run's log.
	settle_big "$mode" "$n"
	for ((r = WARMUP + 1; r <= ROUNDS; r++)); do
		wait_idle 10
		m_ports "$mode" "$r" false "$n"
	done
	topo_down "$mode" || warn "topo_down $mode failed"
}
run_ports() {
	local i n r mode
	for i in "${!PORT_SIZES[@]}"; do
		n=${PORT_SIZES[$i]}
		if (( PLANNING == 0 )) && (( n > 1024 )) && [[ " ${ACTIVE_BR[*]} " == *" kbr "* ]]; then
			record_note ports "ns=$n" kbr "not measured: the kernel bridge takes at most 1024 ports (BR_MAX_PORTS)"
		fi
		if (( n >= BIG_NS )); then
			for mode in "${ACTIVE_BR[@]}"; do
				[[ $mode == kbr ]] && (( n > 1024 )) && continue
				if [[ ",$BIG_MODES_CSV," != *",$mode,"* ]]; then
					(( PLANNING )) || record_note ports "ns=$n" "$mode" "not measured: not in --big-modes ($BIG_MODES_CSV)"
					continue
				fi
				unit "$REPS" ports_big_unit "$mode" "$n"
			done
			continue
		fi
		for ((r = $(first_round "$i"); r <= SROUNDS; r++)); do
			for mode in "${ACTIVE_BR[@]}"; do
				[[ $mode == kbr ]] && (( n > 1024 )) && continue
				unit 1 scaled_unit ports "$mode" "$r" "$n" "$n"
			done
		done
	done
}
profile_unit() { # MODE
	local mode=$1
	wait_idle 5
	topo_up "$mode" 2 || { record_note profile all "$mode" "topology up failed"; return 0; }
	l2_pair "$mode" 1 2 || record_note profile all "$mode" "no L2 reachability"
	quiet_sender "$(ns_name "$mode" 1)"
	m_profile "$mode"
	topo_down "$mode" || true
}
run_all() {
	if has_metric tcp || has_metric pps || has_metric lat || has_metric nat; then run_pair_metrics; fi
	if has_metric setup; then run_setup; fi
	if has_metric flood; then run_scaled flood - "${FLOOD_PORTS[@]}"; fi
	if has_metric fdb; then run_scaled fdb 3 "${FDB_SIZES[@]}"; fi
	if has_metric ports; then run_ports; fi
	if has_metric vxlan; then run_vxlan; fi
	if has_metric dns; then run_dns; fi
	if has_metric directory; then run_directory; fi
	if has_metric cmd; then run_cmd; fi
	if (( PROFILE )); then
		local mode
		for mode in "${ACTIVE[@]}"; do unit 0 profile_unit "$mode"; done
	fi
}
(( PROFILE )) && ! command -v perf >/dev/null && die "--profile needs perf (linux-perf)"
PROGRESS_TOTAL=0
PLANNING=1; run_all; PLANNING=0
log "samples planned: $PROGRESS_TOTAL"
(( PLAN_ONLY )) && exit 0
PROGRESS_T0=$(now)
if has_metric nat; then nat_outside_up || die "cannot make the outside namespace for the nat metric"; fi
run_all

# ---- metadata for the report ----
ELAPSED=$(fsub "$(now)" "$T_START")
modes_json='{}'
for m in "${MODES[@]}" "${EXTRA_MODES[@]}"; do
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
	--argjson big_reps "$BIG_REPS" --argjson scaled_reps "$SCALED_REPS" --argjson busy "$(wc -l <"$OUT/busy.log")" \
	--argjson idle_s "$(awk '{s+=$1} END{printf "%.1f", s}' "$OUT/idle_wait.log")" --argjson quiet "$QUIET" \
	--argjson profile "$PROFILE" \
	--arg metrics "${METRICS[*]}" --arg streams "${TCP_STREAMS[*]}" \
	--arg setup "${SETUP_SIZES[*]}" --arg flood "${FLOOD_PORTS[*]}" --arg fdb "${FDB_SIZES[*]}" \
	--arg ports "${PORT_SIZES[*]}" --arg cmd_sizes "${CMD_SIZES[*]}" --argjson cmd_reps "$CMD_REPS" --argjson big_ns "$BIG_NS" --arg big_modes "$BIG_MODES_CSV" \
	--arg load_start "$LOAD_START" --arg load_end "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--argjson tcp_dur "$TCP_DUR" --argjson tcp_omit "$TCP_OMIT" --argjson pps_dur "$PPS_DUR" \
	--argjson lat_dur "$LAT_DUR" --argjson scale_dur "$SCALE_DUR" --arg fill_rate "$FILL_RATE" \
	--argjson gen "$CPU_GEN" --argjson sink "$CPU_SINK" \
	--argjson dns_dur "$DNS_DUR" --argjson dns_qps "$DNS_LAT_QPS" --argjson dns_ns "$DNS_NS" \
	--argjson dns_nx "$DNS_NX" --argjson dns_q "$DNS_OUTSTANDING" \
	'def nums: split(" ") | map(select(length>0) | tonumber);
	{schema:"xbr-bench/1", command:$cmd, started:$started, finished:$finished, elapsed_s:$elapsed,
	 machine:$machine, git_commit:$git, xbr:{path:$xbr, version:$xbr_ver, sha256_12:$xbr_sha, up_args:$xbr_base}, modes:$modes,
	 busy_before_samples:$busy, idle_wait_s:$idle_s, quiet_at_start:$quiet,
	 load_avg:{start:$load_start, end:$load_end},
	 config:{metrics:($metrics|split(" ")|map(select(length>0))), reps:$reps, warmup:$warmup,
	   big_reps:$big_reps, scaled_reps:$scaled_reps, idle_wait:($quick==0),
	   warmup_rule:"tcp/pps/lat: warm-up round(s) before the measured rounds; setup/flood/fdb/ports: warm-up only at the smallest size; flood, fdb and ports below \($big_ns): scaled_reps measured rounds; setup sizes >= \($big_ns): big_reps measured rounds; ports sizes >= \($big_ns): one topology per mode, reps windows in it",
	   quick:($quick==1), profile:($profile==1), tcp_streams:($streams|nums),
	   setup_sizes:($setup|nums), flood_ports:($flood|nums), fdb_sizes:($fdb|nums), port_sizes:($ports|nums), cmd_sizes:($cmd_sizes|nums), cmd_reps:$cmd_reps, big_modes:($big_modes|split(",")),
	   tcp_duration_s:$tcp_dur, tcp_omit_s:$tcp_omit, pps_duration_s:$pps_dur,
	   lat_duration_s:$lat_dur, scale_duration_s:$scale_dur, fdb_fill_rate:$fill_rate,
	   dns_duration_s:$dns_dur, dns_latency_qps:$dns_qps, dns_outstanding:$dns_q, dns_stations:$dns_ns, dns_nxdomain_names:$dns_nx,
	   dns_queries:"per lab, each of its names (\($dns_ns) stations, one more with the aliases web and www) as NAME A and NAME.BRIDGE AAAA, and \($dns_nx) names under the bridge'"'"'s domain that nobody has (NXDOMAIN); UDP to the gateway 172.16.1.254",
	   xbr_fdb_size:"default (65536); --fdb-size 2*MACS in the fdb metric when MACS+1024 > 65536",
	   frame:"60 bytes handed to the device (64 on a wire with FCS), EtherType 0x88b5 (local experimental): not IP, the sink drops it and answers nothing",
	   generator:"trafgen -P 1 --no-sock-mem, qdisc bypass; IPv6 off in the generator namespace; a window whose trafgen exited early is measured again (at most 3 tries; gen_exits counts them)"},
	 pinning:{
	   tcp:"iperf3 client in ns1 on CPU \($gen), iperf3 server in ns2 on CPU \($sink) (taskset)",
	   nat:"iperf3 client in ns1 on CPU \($gen), iperf3 server in the outside namespace (198.51.100.2, behind the host veth carrying its default route) on CPU \($sink); kbr: ip_forward on and Docker'"'"'s rule `iptables -t nat -A POSTROUTING -s 172.16.0.0/16 ! -o kb -j MASQUERADE`; xbr: its own masquerade (the default of xbr up)",
	   pps:"trafgen (-P 1, qdisc bypass) in ns1 on CPU \($gen); no user-space sink: frames counted from rx_packets of ns2 eth0 (bridge/veth softirq work runs on the sending CPU)",
	   ports:"as pps, with N namespaces on the bridge",
	   lat:"sockperf ping-pong client in ns1 on CPU \($gen), sockperf server in ns2 on CPU \($sink)",
	   setup:"xbr / kbr-lab.sh pinned to CPU \($gen)",
	   flood:"trafgen in ns1 on CPU \($gen); counted at ns2 rx_packets",
	   fdb:"FDB filled by trafgen in ns3 (distinct source MACs); trafgen ns1->ns2 on CPU \($gen)",
	   vxlan:"two hosts (net + mount namespaces) joined by a veth underlay; iperf3 client / trafgen in host A'"'"'s station on CPU \($gen), iperf3 server in host B'"'"'s station on CPU \($sink); station MTU 1450 in every mode",
	   cmd:"xbr port add/set/del pinned to CPU \($gen) (taskset), one command at a time",
	   dns:"dnsperf (one client, one thread) in station 1 (docker: container 1) on CPU \($gen); kbr and dnsmasq: dnsmasq on the gateway on CPU \($sink); docker: dockerd (its embedded DNS) and the upstream dnsmasq on CPU \($sink); xbr: the answer is made in the datapath on the querying CPU (veth: the softirq of the sender)",
	   profile:"perf record -a -g -F 999 (all CPUs), same pinning as tcp/pps"}}' >"$OUT/meta.json"

log "measurements done in ${ELAPSED}s; writing report"
report_args=("$OUT")
(( PLOTS )) || report_args+=(--no-plots)
bash "$BENCH_DIR/report.sh" "${report_args[@]}"
log "results: $OUT/results.json  summary: $OUT/summary.md"
