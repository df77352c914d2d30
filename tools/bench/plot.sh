#!/usr/bin/env bash
# Plots (gnuplot, PNG) from OUTDIR/results.json: one per metric, per mode
# median with min..max error bars.   tools/bench/plot.sh OUTDIR
set -euo pipefail
OUT=${1:?usage: plot.sh OUTDIR}
R="$OUT/results.json"
P="$OUT/plots"
mkdir -p "$P"

SKIPPED=$(jq -r '[.modes | to_entries[] | select(.value.status != "ok") | .key] | if length > 0 then "  (skipped: " + join(", ") + ")" else "" end' "$R")
MACHINE=$(jq -r '.machine | "\(.cpu_model), \(.cores) cores, Linux \(.kernel)"' "$R")
declare -A COLOR=([kbr]="#7f7f7f" [xbr-tc]="#1f77b4" [xbr-xdp]="#ff7f0e" [wire]="#2ca02c" [floor]="#9467bd" [dnsmasq]="#d62728" [docker]="#8c564b")
# for_metric METRIC: the modes that ran and have figures for METRIC (wire and
# floor only have the pair metrics) -> OK, NM, colors, modes_json
for_metric() {
	local m
	mapfile -t OK < <(jq -r --arg m "$1" '.modes | to_entries[] | select(.value.status == "ok") | .key' "$R" |
		while read -r m; do
			jq -e --arg m "$1" --arg mode "$m" 'any(.summary[]; .metric == $m and .mode == $mode)' "$R" >/dev/null && echo "$m"
		done)
	colors=""; for m in "${OK[@]}"; do colors+="${COLOR[$m]:-#8c564b} "; done
	NM=${#OK[@]}
	modes_json=$(printf '%s\n' "${OK[@]}" | jq -R . | jq -sc .)
}

# table METRIC SELECTORS_JSON SCALE -> TSV: label, then median/min/max per mode
# SELECTORS_JSON: [[case, field, label], ...] ; "?" marks missing values
table() {
	jq -r --arg m "$1" --argjson sel "$2" --argjson sc "$3" --argjson modes "$modes_json" '
	  .summary as $s
	  | $sel[] as [$c, $f, $lbl]
	  | [$lbl] + ([ $modes[] as $mode
	      | ($s | map(select(.metric == $m and .case == $c and .field == $f and .mode == $mode)) | first)
	      | if . == null or .median == null then ["?", "?", "?"]
	        else [.median / $sc, .min / $sc, .max / $sc] end ] | add)
	  | @tsv' "$R"
}
# cases METRIC FIELD -> selectors for every case of METRIC that has FIELD
cases() {
	jq -c --arg m "$1" --arg f "$2" --arg fmt "${3:-}" '
	  [.summary[] | select(.metric == $m and .field == $f) | .case] | unique
	  | sort_by(capture("(?<n>[0-9]+)").n | tonumber)
	  | map([., $f, (if $fmt == "" then . else (capture("(?<n>[0-9]+)").n + $fmt) end)])' "$R"
}
has() { [[ $(jq --arg m "$1" '[.summary[] | select(.metric == $m)] | length' "$R") -gt 0 ]]; }

common() { # TITLE YLABEL
	cat <<GP
set terminal pngcairo size 800,480 font "sans,10"
set title "$1$SKIPPED\n{/*0.8 $MACHINE}"
set ylabel "$2"
set grid ytics lc rgb "#dddddd"
set key top left
set datafile missing "?"
set datafile separator "\t"
modes = "${OK[*]}"
colors = "$colors"
GP
}
histogram() { # NAME TITLE YLABEL DATAFILE [logy]
	local ymin=0
	[[ -n ${5:-} ]] && ymin=1
	{
		common "$2" "$3"
		cat <<GP
${5:+set logscale y}
set output "$P/$1.png"
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set yrange [$ymin:*]
set bars front
plot for [i=0:$NM-1] "$4" using (column(2+3*i)):(column(3+3*i)):(column(4+3*i)):xtic(1) title word(modes, i+1) lc rgb word(colors, i+1)
GP
	} | gnuplot
}
lines() { # NAME TITLE YLABEL XLABEL DATAFILE [logy]
	{
		common "$2" "$3"
		cat <<GP
set key top right
set output "$P/$1.png"
set xlabel "$4"
set logscale x 2
${6:+set logscale y}
$([[ -z ${6:-} ]] && echo 'set yrange [0:*]')
set offsets graph 0.05, graph 0.05, 0, 0
plot for [i=0:$NM-1] "$5" using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) title word(modes, i+1) with yerrorlines lw 2 pt 7 lc rgb word(colors, i+1)
GP
	} | gnuplot
}

if has tcp; then
	for_metric tcp
	table tcp "$(cases tcp gbps ' stream(s)')" 1 >"$P/tcp.dat"
	histogram tcp "TCP throughput (iperf3), median, bars min..max" "Gbit/s" "$P/tcp.dat"
fi
if has pps; then
	for_metric pps
	table pps '[["60B","pps","60-byte frames"]]' 1e6 >"$P/pps.dat"
	histogram pps "60-byte frame forwarding rate at the sink, median, bars min..max" "Mpps" "$P/pps.dat"
fi
if has lat; then
	for_metric lat
	table lat '[["64B","p50_us","p50"],["64B","p99_us","p99"],["64B","p999_us","p99.9"]]' 1 >"$P/lat.dat"
	histogram lat "UDP latency (sockperf ping-pong, RTT/2), median, bars min..max" "microseconds (log scale)" "$P/lat.dat" logy
fi
if has fdb; then
	for_metric fdb
	table fdb "$(cases fdb pps ' MACs')" 1e6 >"$P/fdb.dat"
	histogram fdb "Unicast 60-byte rate vs learned MACs, median, bars min..max" "Mpps" "$P/fdb.dat"
fi
if has ports; then
	for_metric ports
	table ports "$(cases ports pps)" 1e3 | sed 's/^ns=//' >"$P/ports.dat"
	lines ports "Known-unicast 60-byte rate vs namespaces on the bridge" "kpps" "namespaces on the bridge (+ the gateway port)" "$P/ports.dat"
fi
if has flood; then
	for_metric flood
	table flood "$(cases flood pps)" 1e3 | sed 's/^ports=//' >"$P/flood.dat"
	lines flood "Flood (unknown unicast) rate at one receiver vs ports" "kpps at one receiver (log scale)" "ports" "$P/flood.dat" logy
fi
if has nat; then
	for_metric nat
	table nat "$(cases nat gbps ' stream(s)')" 1 >"$P/nat.dat"
	histogram nat "TCP from a station to the outside through NAT (iperf3), median, bars min..max" "Gbit/s" "$P/nat.dat"
fi
if has vxlan; then
	{
		table vxlan '[["tcp P=1", "gbps", "TCP, Gbit/s"]]' 1
		table vxlan '[["pps 60B", "pps", "60-byte frames, 100 kpps"]]' 1e5
	} >"$P/vxlan.dat"
	histogram vxlan "Two hosts over VXLAN, station to station, median, bars min..max" "Gbit/s | 100 kpps" "$P/vxlan.dat"
fi
if has dns; then
	# two panels: queries/s flat out (left), p50 and p99 at a fixed rate (right)
	for_metric dns
	table dns '[["udp","qps","flat out"]]' 1e3 >"$P/dns-qps.dat"
	table dns '[["udp","p50_us","p50"],["udp","p99_us","p99"]]' 1 >"$P/dns-lat.dat"
	{
		common "Names" ""
		cat <<GP
set terminal pngcairo size 1000,480 font "sans,10"
set output "$P/dns.png"
set multiplot layout 1,2 title "DNS queries for the bridge's names from a station to the gateway (dnsperf), median, bars min..max$SKIPPED\n{/*0.8 $MACHINE}"
unset title
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set bars front
set title "answered flat out"
set ylabel "thousand queries/s"
set yrange [0:*]
plot for [i=0:$NM-1] "$P/dns-qps.dat" using (column(2+3*i)):(column(3+3*i)):(column(4+3*i)):xtic(1) title word(modes, i+1) lc rgb word(colors, i+1)
set title "latency at $(jq -r '.config.dns_latency_qps' "$R") queries/s"
set ylabel "microseconds (log scale)"
set logscale y
set yrange [1:*]
plot for [i=0:$NM-1] "$P/dns-lat.dat" using (column(2+3*i)):(column(3+3*i)):(column(4+3*i)):xtic(1) title word(modes, i+1) lc rgb word(colors, i+1)
unset multiplot
GP
	} | gnuplot
fi
if has setup; then
	for_metric setup
	table setup "$(cases setup up_s)" 1 | sed 's/^N=//' >"$P/setup-up.dat"
	table setup "$(cases setup down_s)" 1 | sed 's/^N=//' >"$P/setup-down.dat"
	{
		common "Setup and teardown of N namespaces" "seconds"
		cat <<GP
set terminal pngcairo size 1000,480 font "sans,10"
set output "$P/setup.png"
set multiplot layout 1,2 title "Setup (left) and teardown (right) of N namespaces$SKIPPED\n{/*0.8 $MACHINE}"
unset title
set xlabel "namespaces"
set logscale xy
set offsets graph 0.05, graph 0.05, 0, 0
set title "up"
plot for [i=0:$NM-1] "$P/setup-up.dat" using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) title word(modes, i+1) with yerrorlines lw 2 pt 7 lc rgb word(colors, i+1)
set title "down"
plot for [i=0:$NM-1] "$P/setup-down.dat" using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) title word(modes, i+1) with yerrorlines lw 2 pt 7 lc rgb word(colors, i+1)
unset multiplot
GP
	} | gnuplot
fi
ls "$P"/*.png >/dev/null 2>&1 && echo "plots: $(cd "$P" && ls ./*.png | tr '\n' ' ')" >&2
exit 0
