# shellcheck shell=bash
# Common helpers for the xbr benchmark harness: logging, JSON sample
# recording, machine description, timing, quiescence waits.
# Sourced by run.sh; expects OUT (output dir) to be set before record_* calls.

log()  { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { printf '[bench %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# Monotonic-ish wall clock with ns resolution, as seconds (float string).
now() { date +%s.%N; }

# fsub A B -> A-B with 6 decimals; fdiv A B -> A/B (0 if B==0).
fsub() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.6f", a-b}'; }
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b==0) print 0; else printf "%.6f", a/b}'; }

# split_csv "a,b,c" -> prints one item per line
split_csv() { tr ',' '\n' <<<"$1" | sed '/^$/d'; }

# Run a command with a hard time bound (SIGTERM, then SIGKILL 2 s later).
bounded() { local t=$1; shift; timeout -k 2 "$t" "$@"; }

# --- JSON sample recording -------------------------------------------------
# record_sample METRIC CASE MODE ROUND WARMUP KEY=NUM ...
# Appends one JSON object per line to $OUT/samples.jsonl. Values must be
# numbers (or "null"); keys become fields of .values.
record_sample() {
	local metric=$1 case=$2 mode=$3 round=$4 warm=$5; shift 5
	local kv vals='{}'
	for kv in "$@"; do
		local k=${kv%%=*} v=${kv#*=}
		[[ $v =~ ^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$ ]] || v=null
		vals=$(jq -c --arg k "$k" --argjson v "$v" '. + {($k): $v}' <<<"$vals")
	done
	jq -nc --arg metric "$metric" --arg case "$case" --arg mode "$mode" \
		--argjson round "$round" --argjson warmup "$warm" \
		--arg time "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson values "$vals" \
		'{metric:$metric, case:$case, mode:$mode, round:$round, warmup:$warmup, time:$time, values:$values}' \
		>>"$OUT/samples.jsonl"
	log "sample $metric [$case] $mode round=$round${warm:+$([[ $warm == true ]] && echo ' (warm-up)')}: $*"
	progress_step "$metric [$case] $mode"
}

# record_note METRIC CASE MODE TEXT -> a skipped/failed sample with a reason
record_note() {
	jq -nc --arg metric "$1" --arg case "$2" --arg mode "$3" --arg reason "$4" \
		'{metric:$metric, case:$case, mode:$mode, skipped:true, reason:$reason}' \
		>>"$OUT/notes.jsonl"
	warn "$1 [$2] $3: $4"
	progress_step "$1 [$2] $3"
}

# --- progress on a terminal ------------------------------------------------
# PROGRESS_TOTAL samples are planned (run.sh counts them); each sample or
# note is one step. On a terminal only (PROGRESS_FD, opened by run.sh when
# standard error is one), after each step: "sample N of M (WHAT), about T
# left", T from the mean time per step so far. Never in the logs.
PROGRESS_TOTAL=${PROGRESS_TOTAL:-0} PROGRESS_DONE=0 PROGRESS_T0=${PROGRESS_T0:-}

# progress_line DONE TOTAL ELAPSED_S WHAT -> the line shown
progress_line() {
	awk -v d="$1" -v t="$2" -v e="$3" -v w="$4" 'BEGIN {
		left = (d > 0 && t > d) ? e / d * (t - d) : 0
		if (left >= 90) eta = sprintf("about %d min left", int(left / 60 + 0.5))
		else eta = sprintf("about %d s left", int(left + 0.5))
		if (d >= t) eta = "done"
		printf "[bench] sample %d of %d (%s), %s\n", d, t, w, eta }'
}

progress_step() {
	PROGRESS_DONE=$((PROGRESS_DONE + 1))
	[[ -n ${PROGRESS_FD:-} && $PROGRESS_TOTAL -gt 0 ]] || return 0
	local d=$PROGRESS_DONE
	(( d > PROGRESS_TOTAL )) && d=$PROGRESS_TOTAL
	progress_line "$d" "$PROGRESS_TOTAL" "$(fsub "$(now)" "${PROGRESS_T0:-$(now)}")" "$1" >&"$PROGRESS_FD"
}

# --- machine description ---------------------------------------------------
machine_json() {
	local cpu cores kernel kver virt mem
	cpu=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo)
	cores=$(nproc)
	kernel=$(uname -r)
	kver=$(uname -v)
	virt=$(lscpu 2>/dev/null | awk -F': *' '/Hypervisor vendor/{print $2}')
	mem=$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)
	jq -n --arg cpu "$cpu" --argjson cores "$cores" --arg kernel "$kernel" \
		--arg kver "$kver" --arg virt "${virt:-none}" --arg mem "$mem" \
		--arg iperf3 "$(iperf3 --version 2>/dev/null | head -1)" \
		--arg sockperf "$(sockperf --version 2>/dev/null | awk '/version/{print $NF; exit}')" \
		--arg trafgen "$(trafgen -v 2>/dev/null | head -1)" \
		--arg perf "$(perf --version 2>/dev/null)" \
		--arg dnsperf "$(dnsperf -h 2>&1 | awk '/^Version/ { print "dnsperf " $2; exit }')" \
		--arg dnsmasq "$(dnsmasq --version 2>/dev/null | awk 'NR == 1 { print "dnsmasq " $3 }')" \
		'{cpu_model:$cpu, cores:$cores, kernel:$kernel, kernel_build:$kver,
		  hypervisor:$virt, memory:$mem,
		  tools:{iperf3:$iperf3, sockperf:$sockperf, trafgen:$trafgen, perf:$perf, dnsperf:$dnsperf, dnsmasq:$dnsmasq}}'
}

# --- quiescence --------------------------------------------------------------
# wait_idle [MAX_SECONDS] : wait until the machine is (nearly) idle, e.g. after
# namespace teardown whose cleanup runs asynchronously in kernel workers.
# Idle = less than 10% busy over a 300 ms window. Bounded by MAX_SECONDS.
cpu_busy_pct() {
	local a b
	a=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat)
	sleep 0.2
	b=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," "); split(b,y," ");
		t=y[2]-x[2]; if (t<=0) {print 0; exit} printf "%d", 100*(y[1]-x[1])/t}'
}
# Time spent here is logged to $OUT/idle_wait.log (seconds per call), and
# each wait that timed out to $OUT/busy.log. After two waits in a row that
# timed out, the machine is busy with someone else's load, which waiting does
# not end: the next waits give it 2 s only, until it is found idle again.
IDLE_MISSES=0
wait_idle() {
	local max=${1:-10} t0 busy=0 s0
	(( max > ${IDLE_CAP:-1000} )) && max=$IDLE_CAP
	(( max > 0 )) || return 0
	(( IDLE_MISSES >= 2 && max > 2 )) && max=2
	t0=$SECONDS s0=$(now)
	while (( SECONDS - t0 < max )); do
		busy=$(cpu_busy_pct)
		if (( busy < 10 )); then
			IDLE_MISSES=0
			[[ -n ${OUT:-} && -d $OUT ]] && fsub "$(now)" "$s0" >>"$OUT/idle_wait.log" && echo >>"$OUT/idle_wait.log"
			return 0
		fi
	done
	IDLE_MISSES=$((IDLE_MISSES + 1))
	warn "machine still ${busy}% busy after ${max}s; continuing"
	if [[ -n ${OUT:-} && -d $OUT ]]; then
		echo "$(date -u +%H:%M:%S) ${busy}%" >>"$OUT/busy.log"
		fsub "$(now)" "$s0" >>"$OUT/idle_wait.log" && echo >>"$OUT/idle_wait.log"
	fi
	return 0
}

# wait_quiet MAX : before a run, wait until the machine has been idle for
# 10 s in a row, at most MAX seconds. Returns 1 if it never got quiet.
wait_quiet() {
	local max=$1 t0=$SECONDS calm=0
	while (( SECONDS - t0 < max )); do
		if (( $(cpu_busy_pct) < 10 )); then
			calm=$((calm + 1)); (( calm >= 50 )) && return 0   # 50 x ~0.2 s
		else
			calm=0; sleep 1
		fi
	done
	return 1
}
