#!/usr/bin/env bash
# Publish a finished run into the docs: docs/benchmarks.md (methodology +
# the run's summary), docs/bench/*.png, docs/bench/results.json and the perf
# top lists under docs/bench/profile/.
#   tools/bench/publish.sh OUTDIR [--notes FILE] [--profile-from DIR]
# FILE (Markdown) is inserted as "Observations" (hand-written analysis of
# that run). Commit the result yourself.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
OUT=${1:?usage: publish.sh OUTDIR [--notes FILE]}
NOTES="" PROF="$OUT"
shift
while [[ $# -gt 0 ]]; do
	case $1 in
	--notes) NOTES=${2:?--notes needs a file}; shift 2 ;;
	--profile-from) PROF=${2:?--profile-from needs a run directory}; shift 2 ;;
	*) echo "publish: unknown option $1" >&2; exit 2 ;;
	esac
done
R="$OUT/results.json"
[[ -s $R && -s $OUT/summary.md ]] || { echo "publish: $OUT has no results.json/summary.md" >&2; exit 1; }
D="$REPO/docs/bench"
mkdir -p "$D"
rm -f "$D"/*.png
cp "$OUT"/plots/*.png "$D/" 2>/dev/null || true
jq . "$R" >"$D/results.json"
rm -rf "$D/profile"
if [[ -d $PROF/profile ]]; then
	mkdir -p "$D/profile"
	for f in "$PROF"/profile/*.txt; do cp "$f" "$D/profile/"; done
fi

{
	cat <<'MD'
# Benchmarks: xbr vs the kernel bridge

`make bench` (i.e. `tools/bench/run.sh`) builds the same lab three ways in one
run and measures each the same way:

| mode | how the lab is built |
| --- | --- |
| `kbr` | the classic Docker-style lab: a Linux bridge holding the gateway address, one veth pair per namespace enslaved to it, default offloads, no netfilter on the bridge (`net.bridge.bridge-nf-call-*` = 0); built by `tools/bench/kbr-lab.sh`, one `ip` command at a time |
| `xbr-tc` | `xbr -b xt up --mode tc NS=ADDR ...` (eBPF on the tc ingress hook of the host-side veth ends) |
| `xbr-xdp` | `xbr -b xx up --mode xdp NS=ADDR ...`; probed first in a scratch network namespace and reported as *skipped: reason* until it works |

Same addressing in every mode: namespace *i* has 172.16.(10+i/250).(i%250+1)/16,
gateway 172.16.1.254 on the host side.

## How to run

```sh
make bench                                   # standard set, < 15 min on 2 cores
tools/bench/run.sh --metrics tcp,pps --reps 5 --out /tmp/b   # a subset
tools/bench/run.sh --quick                   # seconds; tiny sizes, 1 rep
tools/bench/run.sh --profile --metrics none  # only the perf profiles
tools/bench/smoke.sh                         # quick run + output checks (make test)
tools/bench/publish.sh DIR --notes FILE      # refresh this page from a run
```

Options: `--metrics tcp,pps,lat,setup,flood,fdb,nat`, `--modes kbr,xbr-tc,xbr-xdp`,
`--reps N` (default 5), `--warmup N` (default 1), `--duration S` (default 2),
`--big-reps N` (default 3, setup sizes >= 500), `--setup-sizes`, `--flood-ports`,
`--fdb-sizes`, `--tcp-streams`, `--cpus G,S`, `--profile`, `--wait-quiet S`,
`--no-plots`, `--out DIR` (default `build/bench/<UTC time>`),
`XBR=path` for another binary. Every run happens inside its own
`unshare -n -m` (private `/run/netns` tmpfs, sysfs and bpffs), so nothing leaks
to the host; a trap removes the labs, and every traffic generator runs under
`timeout`. Outputs: `results.json` (every sample, summary, targets, machine,
pinning, command line), `summary.md`, `plots/*.png`, raw tool output in `raw/`.

## Method

- **Alternation.** Each round builds a fresh lab per mode, in the order
  kbr, xbr-tc, xbr-xdp, so the modes interleave (A B C A B C ...). One warm-up
  round (recorded, flagged `warmup`, not summarised), then 5 measured rounds.
  To keep the standard set under 15 minutes, setup/flood/fdb run their warm-up
  at the smallest size only, and setup of 500 namespaces gets 3 measured
  rounds (`--big-reps 5` for all five).
  Figures are median [min - max]; ratios are median(mode) / median(kbr).
  Before each sample the harness waits (bounded) for the machine to be idle,
  since namespace teardown finishes asynchronously in kernel workers.
- **TCP** (`tcp`): iperf3, 1 and 4 streams, ns1 -> ns2, 2 s measured after 1 s
  omitted (`--duration`); Gbit/s at the receiver and sender retransmits.
- **64-byte rate** (`pps`): trafgen (one process, packet-mmap TX ring with qdisc
  bypass) sends 64-byte frames (60 bytes handed to veth + 4 FCS) of UDP to port
  9 of ns2, nothing listening. The sink's MAC is learned first (a UDP datagram
  triggers ARP in both directions; no ping binary needed). After a 0.4 s ramp the
  rate is ns2 eth0 `rx_packets` over 2 s; offered = ns1 eth0 tx_packets +
  tx_dropped; loss is counted over the whole trafgen run. The sink's IP/UDP
  input (and its attempt to send ICMP port-unreachable) runs for every frame.
- **Latency** (`lat`): sockperf ping-pong, UDP, 64-byte messages, 2 s;
  p50/p99/p99.9 as sockperf reports them, i.e. **RTT/2** in microseconds.
- **Setup/teardown** (`setup`): wall time of `xbr up` with N namespaces in one
  call and `xbr down`, against `kbr-lab.sh up/down` (per namespace: `ip netns
  add`, `ip link add ... type veth peer name eth0 netns NS`, `ip link set master`,
  `ip link set up`, `ip -n NS addr add`, `ip -n NS link set up` (eth0, lo),
  `ip -n NS route add default`; teardown `ip netns del` each, then the bridge).
  The script uses `ip -n NS` rather than the slower `ip netns exec NS ip`, so
  the baseline is the faster variant of the classic lab. N = 1, 10, 100, 500.
- **Flood scaling** (`flood`): 64-byte frames to an unknown unicast MAC from
  ns1 with 2, 8, 32, 128 ports; counted at one receiver (ns2 rx_packets) over 1 s.
- **FDB size** (`fdb`): ns3 sends frames with 10 or 100,000 distinct source MACs
  (trafgen `dinc`, 100 kpps) addressed to its own MAC, so every bridge learns
  them and drops the frames; then the ns1 -> ns2 64-byte unicast rate is measured (1 s).
  xbr's FDB is a fixed-size hash (65536 by default), so the 100,000 case
  brings xbr up with `--fdb-size 200000`; the kernel bridge has no limit.
- **Quiet machine.** Before each sample the harness waits (bounded) until the
  CPUs are < 10 % busy and counts the samples where that never happened; the
  summary prints a caution line then. `--wait-quiet S` also waits for 10 idle
  seconds before starting. Other load on this 2-core VM moves every figure.
- **xbr labs** are IPv4-only like the script (`--subnet6 none`, when xbr knows it).
- **Pinning.** Generator/client on CPU 0, sink/server on CPU 1 (`taskset`);
  setup commands on CPU 0. On veth, the bridge's forwarding work (softirq)
  runs on the CPU of the sender, so in the pps, flood and fdb runs CPU 0
  carries generator + bridge + the sink's receive path, and CPU 1 is idle.
- **Profile** (`--profile`): per mode, `perf record -a -g -F 999` for 5 s during a
  1-stream TCP run and during a pps run; `perf report --no-children --sort
  symbol` top entries in `profile/MODE-{tcp,pps}.txt` (call graphs beside them).
  This VM has no hardware PMU, so perf samples the cpu-clock.
- **Targets** are printed as MET/MISSED and are not assertions: TCP xbr-tc >=
  1.1x kbr; 64-byte rate >= 1.5x in the best xbr mode; p50 latency <= 0.85x
  (best xbr mode); setup of 100 namespaces >= 10x faster than the script
  (best xbr mode). The smoke test (`tools/bench/smoke.sh`) checks output
  well-formedness only, never timings.

MD
	echo "## Latest committed run"
	echo
	# the summary, with image paths pointing at docs/bench and the title dropped
	sed -e '1{/^# /d}' -e 's#](plots/#](bench/#g' -e 's/^## /### /' "$OUT/summary.md"
	if [[ $PROF != "$OUT" && -d $PROF/profile ]]; then
		echo "### perf profiles"
		echo
		echo "From a separate run: \`$(jq -r .command "$PROF/results.json")\` ($(jq -r .started "$PROF/results.json")); top entries"
		echo "(\`perf report --no-children\`, all CPUs, cpu-clock). Full lists and call graphs: [bench/profile/](bench/profile/)."
		echo
		for f in "$PROF"/profile/*-{tcp,pps}.txt; do
			[[ -s $f ]] || continue
			echo "**$(basename "$f" .txt)**"
			echo
			echo '```'
			head -n 18 "$f"
			echo '```'
			echo
		done
	fi
	if [[ -n $NOTES ]]; then
		echo "## Observations"
		echo
		cat "$NOTES"
		echo
	fi
	echo "All samples of this run: [bench/results.json](bench/results.json)."
} >"$REPO/docs/benchmarks.md"
echo "published $OUT -> docs/benchmarks.md, docs/bench/" >&2
