#!/usr/bin/env bash
# bench-smoke: run the benchmark harness in quick mode (tiny sizes, 1 rep,
# 1 s runs) and check its outputs are well-formed. Never asserts timings.
#   tools/bench/smoke.sh [extra run.sh options]
# Prints "bench-smoke: N passed, M failed[, K skipped]"; exits non-zero on failure.
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pass=0 fail=0 skip=0
ok()  { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() { # DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi
}
finish() { echo "bench-smoke: $pass passed, $fail failed${skip:+, $skip skipped}"; exit $(( fail > 0 )); }

if (( $(id -u) != 0 )); then
	skip=1; echo "skip - bench smoke needs root (network namespaces, bpffs)"; finish
fi

out=$(mktemp -d /tmp/xbr-bench-smoke.XXXXXX)
log="$out/run.log"
rc=0
# Its own bound is generous: on a busy machine the quick run takes longer,
# and a run stopped half-way would fail the output checks by the load
# (tests/run.sh bounds the whole smoke test at BENCH_TIMEOUT, 600 s).
BENCH_MAX_RUNTIME=${BENCH_MAX_RUNTIME:-420} bash "$BENCH_DIR/run.sh" --quick --out "$out" "$@" >"$log" 2>&1 || rc=$?
R="$out/results.json"
if (( rc == 0 )); then ok "run.sh --quick exits 0"; else bad "run.sh --quick exits 0 (exit $rc; log: $log)"; tail -n 20 "$log"; fi
check "results.json is valid JSON" jq -e . "$R"
check "results.json has machine (CPU model, cores, kernel)" \
	jq -e '.machine.cpu_model and (.machine.cores | type == "number") and .machine.kernel' "$R"
check "results.json has command line, config and pinning" jq -e '.command and .config.reps and .pinning.tcp' "$R"
check "every sample has metric, case, mode, round and numeric or null values" \
	jq -e '(.samples | length > 0) and all(.samples[]; .metric and .case and .mode and (.round | type == "number")
	        and (.values | type == "object") and all(.values[]; type == "number" or type == "null"))' "$R"
for m in $(jq -r '.config.metrics[]' "$R" 2>/dev/null); do
	check "kernel-bridge samples for metric $m" jq -e --arg m "$m" 'any(.samples[]; .metric == $m and .mode == "kbr")' "$R"
done
if jq -e '.config.metrics | index("nat")' "$R" >/dev/null 2>&1; then
	check "nat (TCP to the outside through NAT) samples for every bridge mode that ran" \
		jq -e '. as $r | all($r.modes | to_entries[] | select(.value.status == "ok" and .key != "wire" and .key != "floor"
			and .key != "dnsmasq" and .key != "docker") | .key;
			. as $m | any($r.samples[]; .metric == "nat" and .mode == $m))' "$R"
fi
if jq -e '.config.metrics | index("dns")' "$R" >/dev/null 2>&1; then
	check "dns samples for every side that ran (the bridge modes and the dnsmasq/docker sides)" \
		jq -e '. as $r | all($r.modes | to_entries[] | select(.value.status == "ok" and .key != "wire" and .key != "floor") | .key;
			. as $m | any($r.samples[]; .metric == "dns" and .mode == $m))' "$R"
	check "dns samples carry queries/s, p50 and p99 as numbers, none lost to a wrong rcode" \
		jq -e '[.samples[] | select(.metric == "dns")] | length > 0 and all(.[]; (.values.qps | type == "number") and
			(.values.p50_us | type == "number") and (.values.p99_us | type == "number") and .values.other_rcodes == 0)' "$R"
	check "dns: xbr answered from its datapath, the dnsmasq side did not (xbr stats -j .dns)" \
		jq -e 'all(.samples[] | select(.metric == "dns" and (.mode | startswith("xbr-"))); .values.dp_pct > 0) and
			all(.samples[] | select(.metric == "dns" and .mode == "dnsmasq"); .values.dp_pct == 0)' "$R"
	if jq -e '.modes.dnsmasq.status == "ok"' "$R" >/dev/null 2>&1; then
		check "dns rows of the other sides have a ratio to dnsmasq" \
			jq -e 'all(.summary[] | select(.metric == "dns" and .field == "qps" and .mode != "dnsmasq"); .ratio_vs_dnsmasq != null)' "$R"
	fi
fi
check "every mode is ok or skipped with a reason" \
	jq -e 'all(.modes[]; .status == "ok" or (.status == "skipped" and (.reason | length > 0)))' "$R"
check "summary rows carry median/min/max and ratio" \
	jq -e '(.summary | length > 0) and all(.summary[]; has("median") and has("min") and has("max") and has("ratio_vs_kbr"))' "$R"
check "summary rows carry the ratios to the wire and the floor" \
	jq -e 'all(.summary[]; has("ratio_vs_wire") and has("ratio_vs_floor"))' "$R"
for m in wire floor; do
	# (wire and floor run the tcp/pps/lat metrics only: a run of other rows has none)
	if jq -e --arg m "$m" '.modes[$m].status == "ok" and (.config.metrics | index("tcp") and index("pps"))' "$R" >/dev/null 2>&1; then
		check "$m: samples for tcp and pps (lat too outside --quick)" \
			jq -e --arg m "$m" '[.samples[] | select(.mode == $m) | .metric] | unique | . == ["pps", "tcp"] or . == ["lat", "pps", "tcp"]' "$R"
		check "pps rows of the other modes have a ratio to $m" \
			jq -e --arg m "$m" 'all(.summary[] | select(.metric == "pps" and .field == "pps"); .["ratio_vs_" + $m] != null)' "$R"
	fi
done
check "targets are MET, MISSED or n/a" \
	jq -e '(.targets | length == 12) and all(.targets[]; .status | test("^(MET|MISSED|n/a)"))' "$R"
check "the run's log has no shell errors (a broken step still records notes)" \
	bash -c "! grep -E 'syntax error|command not found|unbound variable|integer expression expected' '$log' '$out/logs/run.log'"
check "the run's log has no progress lines (terminal only)" bash -c "! grep -q 'sample [0-9]* of [0-9]*' '$out/logs/run.log'"
# The progress line's M: every planned sample was taken or noted (notes may add).
planned=$(sed -n 's/.*samples planned: \([0-9]*\).*/\1/p' "$log" | head -1)
taken=$(( $(wc -l <"$out/samples.jsonl" 2>/dev/null || echo 0) + $(wc -l <"$out/notes.jsonl" 2>/dev/null || echo 0) ))
check "samples planned ($planned) = samples taken or noted ($taken)" \
	bash -c "[ -n '$planned' ] && { [ '$planned' -eq '$taken' ] || { [ -s '$out/notes.jsonl' ] && [ '$taken' -ge '$planned' ]; }; }"
check "summary.md exists with a Markdown table" grep -q '^| --- |' "$out/summary.md"
check "summary.md lists the targets" grep -q '^## Targets' "$out/summary.md"
if command -v gnuplot >/dev/null; then
	for p in $(jq -r '[.summary[].metric] | unique[]' "$R" 2>/dev/null); do
		check "plot $p.png is a PNG" bash -c "head -c 8 '$out/plots/$p.png' | od -An -c | grep -q 'P   N   G'"
	done
else
	skip=$((skip + 1)); echo "skip - gnuplot not installed: plots not checked"
fi
check "no namespace left behind on the host" bash -c "! ip netns list 2>/dev/null | grep -Eq '^(kb|xt|xx|xd|wi|fl|pr)[0-9]'"
(( fail == 0 )) && rm -rf "$out"
(( skip > 0 )) || skip=""
finish
