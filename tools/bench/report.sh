#!/usr/bin/env bash
# Build results.json, summary.md and plots/*.png from a run directory.
#   tools/bench/report.sh OUTDIR [--no-plots]
# Reads OUTDIR/meta.json, samples.jsonl, notes.jsonl (written by run.sh).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:?usage: report.sh OUTDIR [--no-plots]}
PLOTS=1; [[ ${2:-} == --no-plots ]] && PLOTS=0

# ---- results.json ----
jq -n --slurpfile meta "$OUT/meta.json" \
	--slurpfile samples "$OUT/samples.jsonl" --slurpfile notes "$OUT/notes.jsonl" \
	-L "$BENCH_DIR/lib" 'include "summary";
	{meta: $meta[0], samples: $samples, notes: $notes}
	| (stats | with_ratios) as $rows
	| .meta + {samples: .samples, notes: .notes, summary: $rows,
	           targets: targets($rows; .meta.modes)}' >"$OUT/results.json.tmp"
mv "$OUT/results.json.tmp" "$OUT/results.json"
R="$OUT/results.json"

# ---- summary.md ----
# One table per metric, one row per case and mode: the median [min - max] of
# its main field(s), that median over the kernel bridge's, the wire's and the
# floor's (when the run has them: "x kbr", "x wire", "x floor"), then the
# medians of the other fields.
fmt_md() {
	jq -r -L "$BENCH_DIR/lib" 'include "summary";
	def num: if . == null then "-"
	  elif (. | fabs) >= 1e6 then "\(. / 1e6 * 1000 | round / 1000)M"
	  elif (. | fabs) >= 1e4 then "\(. / 1e3 * 10 | round / 10)k"
	  elif (. | fabs) >= 100 then "\(. | round)"
	  elif (. | fabs) >= 1 then "\(. * 100 | round / 100)"
	  else "\(. * 10000 | round / 10000)" end;
	def ratio: if . == null then "-" else "\(. * 100 | round / 100)x" end;
	def unit_of: if .unit == "" then "" else ", \(.unit)" end;
	. as $r
	| ($r.modes | keys_unsorted) as $modes
	| ($modes | map(select($r.modes[.].status == "ok"))) as $ok
	| "# xbr benchmark results",
	  "",
	  "- command: `\($r.command)`",
	  "- run: \($r.started) .. \($r.finished) (\($r.elapsed_s | round) s, of which \($r.idle_wait_s // 0 | round) s waiting for the machine to go idle between samples), git \($r.git_commit), \($r.xbr.version // "xbr") sha256 \($r.xbr.sha256_12 // "-")",
	  "- machine: \($r.machine.cpu_model), \($r.machine.cores) cores, kernel \($r.machine.kernel), hypervisor \($r.machine.hypervisor), \($r.machine.memory); load average \($r.load_avg.start // "-") at the start, \($r.load_avg.end // "-") at the end",
	  "- tools: \($r.machine.tools.iperf3); sockperf \($r.machine.tools.sockperf); \($r.machine.tools.trafgen)\(if ($r.config.metrics | index("dns")) then "; \($r.machine.tools.dnsperf // "no dnsperf"); \($r.machine.tools.dnsmasq // "no dnsmasq")" else "" end)",
	  "- repetitions: \($r.config.reps) measured + \($r.config.warmup) warm-up round(s), modes alternating per round (A B C D E A B C D E ...); figures are median [min - max] of the measured rounds (\($r.config.warmup_rule // ""))",
	  "- frames: \($r.config.frame // "-"); generator: \($r.config.generator // "-")",
	  (if ($r.config.idle_wait // true) == false then "- idle waits before samples were off (quick mode)"
	   elif ($r.busy_before_samples // 0) > 0 then "- **caution**: the machine was still busy (> 10% CPU after the bounded idle wait) before \($r.busy_before_samples) sample(s); other load may have disturbed them (see logs/run.log)" else "- the machine was idle (< 10% CPU) before every sample" end),
	  "",
	  "## Modes",
	  "",
	  ($modes[] | "- **\(.)**: " + (if $r.modes[.].status == "ok" then "ran" else "skipped: \($r.modes[.].reason)" end)),
	  "",
	  "## Pinning",
	  "",
	  ($r.pinning | to_entries[] | "- \(.key): \(.value)"),
	  "",
	  "## Targets (informational, not assertions)",
	  "",
	  "| target | mode | goal | measured | status |",
	  "| --- | --- | --- | --- | --- |",
	  ($r.targets[] | "| \(.name) | \(.mode // "-") | \(.cmp) \(.target) | \(if .value == null then "-" else "\(.value * 1000 | round / 1000)" end) | **\(.status)** |"),
	  "",
	  ( ["tcp", "TCP throughput (iperf3, \($r.config.tcp_duration_s) s + \($r.config.tcp_omit_s) s omitted)"],
	    ["pps", "60-byte frame forwarding rate (trafgen ns1 -> ns2, counted at ns2 eth0 rx_packets)"],
	    ["lat", "UDP latency (sockperf ping-pong, 64-byte messages; sockperf reports RTT/2)"],
	    ["setup", "Setup / teardown of N namespaces (xbr up/down vs classic ip(8) lab script)"],
	    ["flood", "Flood: unknown-unicast 60-byte frames, counted at one receiver"],
	    ["fdb", "Unicast 60-byte rate with N learned MACs in the FDB"],
	    ["ports", "Known-unicast 60-byte rate with N namespaces on the bridge (N + 1 ports with the gateway)"],
	    ["nat", "TCP from a station to the outside namespace through NAT (iperf3; kbr: Docker'"'"'s MASQUERADE rule, xbr: its own masquerade)"],
	    ["vxlan", "Two hosts, one segment over VXLAN: TCP (iperf3, 1 stream) and 60-byte frames (trafgen) from a station on host A to one on host B (kbr: a kernel bridge with a VXLAN port on each host; xbr: xbr uplink add)"],
	    ["directory", "Directory uplinks (etcd + xbr-agent) vs static peers (flood-and-learn): time from port add on one host to the first answered ping from another, and underlay frames meanwhile (xbr tc mode; case = variant)"],
	    ["cmd", "Port commands on a small and a big bridge: xbr port add, port set (learning off), port del of one extra station, wall time per command; the syscalls of each (strace -f -c) in the \"syscalls\" case"],
	    ["dns", "Names: DNS queries from a station to the gateway for the bridge'"'"'s names (dnsperf; xbr: answered by the datapath; kbr: dnsmasq on the kernel bridge'"'"'s gateway; dnsmasq: the same on an xbr bridge in tc mode with dns off; docker: Docker'"'"'s embedded DNS on a network of the xbr driver); flat out, \($r.config.dns_duration_s) s, and p50/p99 at \($r.config.dns_latency_qps) queries/s"]
	  ) as [$m, $title]
	  | ($r.summary | map(select(.metric == $m))) as $rows
	  | ($r.notes | map(select(.metric == $m))) as $notes
	  | select(($rows | length) > 0 or ($notes | length) > 0)
	  | ($ok | map(. as $x | select($rows | any(.mode == $x)))) as $mm
	  | (baselines | map(. as $b | select($mm | index($b)))) as $bases
	  | (primary_fields[$m] // []) as $prim
	  | ($rows | map(.field) | unique | map(select(. as $f | $prim | index($f) | not))
	     | sort_by(. as $f | $rows | map(select(.field == $f)) | first | .order)) as $extra
	  | def info($f): $rows | map(select(.field == $f)) | first;
	  "## \($title)",
	    "",
	  (if $m == "pps" and ($bases | index("floor")) then ["ns per frame over the floor"] else [] end) as $derived
	  | "| case | mode | "
	      + ([ $prim[] as $f | info($f) | select(. != null) | "\(.label)\(unit_of)", ($bases[] | "x \(.)") ] + [ $extra[] | info(.) | "\(.label)\(unit_of)" ] + $derived | join(" | ")) + " |",
	    "| --- | --- | "
	      + ([ $prim[] as $f | info($f) | select(. != null) | "---", ($bases[] | "---") ] + [ $extra[] | "---" ] + ($derived | map("---")) | join(" | ")) + " |",
	    ( $rows | map(.case) | unique | sort_by(case_num) [] as $c
	      | $mm[] as $mode
	      | ($rows | map(select(.case == $c and .mode == $mode))) as $cell
	      | select(($cell | length) > 0)
	      | def get($f): $cell | map(select(.field == $f)) | first;
	      "| \($c) | \($mode) | "
	        + ([ $prim[] as $f | select(info($f) != null) | get($f) as $x
	             | (if $x == null then "-" else "\($x.median | num) [\($x.min | num) - \($x.max | num)]" end),
	               ($bases[] as $b | if $x == null or $mode == $b then "-" else ($x["ratio_vs_" + $b] | ratio) end) ]
	           + [ $extra[] as $f | get($f) | if . == null then "-" else (.median | num) end ]
	           + (if $m == "pps" and ($bases | index("floor")) then
	                [ (get("ns_per_frame") | .median?) as $x
	                  | ($rows | map(select(.case == $c and .mode == "floor" and .field == "ns_per_frame")) | first | .median?) as $f
	                  | if $x == null or $f == null then "-" else "\($x - $f | . * 10 | round / 10)" end ]
	              else [] end)
	           | join(" | ")) + " |" ),
	    ( if ($notes | length) > 0 then "", ($notes[] | "- note: \(.case) \(.mode): \(.reason)") else empty end ),
	    ""
	' "$R"
}
{
	fmt_md
	if [[ -d $OUT/profile ]]; then
		echo "## perf profiles (top symbols, --no-children, all CPUs)"
		echo
		for f in "$OUT"/profile/*-{tcp,pps}.txt; do
			[[ -s $f ]] || continue
			echo "**$(basename "$f" .txt)**"
			echo
			echo '```'
			head -n 15 "$f"
			echo '```'
			echo
		done
	fi
	if [[ $PLOTS == 1 ]]; then
		echo "## Plots"
		echo
		for p in tcp pps lat setup flood fdb ports nat vxlan dns; do
			[[ $(jq --arg m "$p" '[.summary[] | select(.metric == $m)] | length' "$R") -gt 0 ]] &&
				echo "![$p](plots/$p.png)"
		done
		echo
	fi
} >"$OUT/summary.md"

# ---- plots ----
if [[ $PLOTS == 1 ]] && command -v gnuplot >/dev/null; then
	bash "$BENCH_DIR/plot.sh" "$OUT"
fi

# ---- console: targets ----
echo "bench targets:"
jq -r '.targets[] | "  \(.status): \(.name)\(if .mode then " (" + .mode + ")" else "" end): \(if .value == null then "-" else "\(.value * 1000 | round / 1000)" end) (goal \(.cmp) \(.target))"' "$R"
jq -r '.modes | to_entries[] | select(.value.status != "ok") | "  mode \(.key): skipped: \(.value.reason)"' "$R"
