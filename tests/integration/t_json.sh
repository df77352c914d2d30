#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# -j for every command of the table (`xbr -j help` lists them; a command
# missing from the list below fails the test): each command the table marks
# as printing prints exactly one JSON document, an object or an array
# (monitor: one object a line), and each other command prints nothing on
# success. Also: `fdb add|replace|del ... dev IFNAME` as `bridge fdb` has it,
# and fdb flush tells its count. The uplink commands run over an underlay veth
# in the test's namespace.
T_BR=xjson
. "$(dirname "$0")/lib.sh"

declare -A inv=(
	[up]="up"
	[show]="show"
	["fdb show"]="fdb show"
	["fdb add"]="fdb add 02:00:00:00:00:0a dev $T_BR-ns1"
	["fdb replace"]="fdb replace 02:00:00:00:00:0a dev $T_BR-ns2 sticky"
	["fdb del"]="fdb del 02:00:00:00:00:0a dev $T_BR-ns2"
	["fdb flush"]="fdb flush port ns2 dynamic"
	["port show"]="port show"
	["port add"]="port add ns3"
	["port set"]="port set ns3 isolated on"
	["port del"]="port del ns3"
	[stats]="stats"
	[reload]="reload"
	["set ageing"]="set ageing 120"
	["set icc"]="set icc on"
	["set neigh-suppress"]="set neigh-suppress on"
	["set mode"]="set mode $XBR_MODE"
	["set nat"]="set nat on"
	["set nat6"]="set nat6 on"
	["set dns"]="set dns on"
	["set publish-address"]="set publish-address any"
	[dns]="dns"
	["publish show"]="publish show"
	["publish add"]="publish add 8080 ns1:80"
	["publish del"]="publish del 8080"
	[restore]="restore"
	["uplink add"]="uplink add vx vxlan id 5 local 198.51.100.1 remote 198.51.100.2"
	["uplink show"]="uplink show"
	["uplink peer add"]="uplink peer add vx 198.51.100.3"
	["uplink peer del"]="uplink peer del vx 198.51.100.3"
	["uplink del"]="uplink del vx"
	[save]="save $T_TMP/saved.conf"
	[monitor]="monitor count 1 timeout 10"
	[help]="help"
	[version]="version"
	[down]="down"
)
order=(up show "fdb show" "fdb add" "fdb replace" "fdb del" "fdb flush" "port show" "port add"
	"port set" "port del" stats reload "set ageing" "set icc" "set neigh-suppress" "set mode" "set nat"
	"set nat6" "set dns" "set publish-address" dns "publish add" "publish show" "publish del" restore "uplink add" "uplink show" "uplink peer add"
	"uplink peer del" "uplink del" save monitor help version down)
# The uplink's local address: an underlay veth here.
ip link add ul0 type veth peer name ul1 && ip link set ul0 up && ip link set ul1 up &&
	ip addr add 198.51.100.1/24 dev ul0 || t_fail "cannot make the underlay veth"


t_run "$XBR" -j help
table=$T_OUT
declare -A prints=()
while IFS=$'\t' read -r path json; do
	[ -n "${inv[$path]:-}" ] || t_fail "command \"$path\" of the table has no -j check here"
	prints[$path]=$json
done < <(jq -r '.. | objects | select(has("synopsis")) | [.path, .json] | @tsv' <<<"$table")
[ "${#prints[@]}" -eq "${#order[@]}" ] || t_fail "the table has ${#prints[@]} commands, this test checks ${#order[@]}"

# One document, an object or an array.
one_doc() { jq -se 'length == 1 and (.[0] | type == "object" or type == "array")' >/dev/null 2>&1 <<<"$1"; }

n=0
for path in "${order[@]}"; do
	# shellcheck disable=SC2086
	set -- ${inv[$path]}
	if [ "$path" = monitor ]; then
		# count N: exactly N lines, each one object (traffic may add events of
		# its own, so which event is not asserted here) ...
		"$XBR" -b "$T_BR" -j "$@" >"$T_TMP/mon.out" 2>"$T_TMP/mon.err" &
		mpid=$!
		sleep 0.5
		must "$XBR" -b "$T_BR" fdb add 02:00:00:00:00:0b port ns1
		wait "$mpid" || t_fail "xbr -j monitor count 1 failed: $(cat "$T_TMP/mon.err")"
		T_OUT=$(cat "$T_TMP/mon.out")
		[ "$(t_nlines "$T_OUT")" -eq 1 ] && one_doc "$T_OUT" || t_fail "monitor -j count 1: not one JSON object: $T_OUT"
		# ... and until a timeout, one object a line, the entry added among them.
		"$XBR" -b "$T_BR" -j monitor timeout 2 >"$T_TMP/mon.out" 2>"$T_TMP/mon.err" &
		mpid=$!
		sleep 0.5
		must "$XBR" -b "$T_BR" fdb add 02:00:00:00:00:0d port ns1
		wait "$mpid" || t_fail "xbr -j monitor timeout 2 failed: $(cat "$T_TMP/mon.err")"
		while IFS= read -r line; do
			one_doc "$line" || t_fail "monitor -j: a line is not one JSON object: $line"
		done <"$T_TMP/mon.out"
		jq -e -s 'any(.[]; .event == "added" and .mac == "02:00:00:00:00:0d")' "$T_TMP/mon.out" >/dev/null ||
			t_fail "monitor -j: the added entry is not reported: $(cat "$T_TMP/mon.out")"
		n=$((n + 1))
		continue
	fi
	t_run timeout 30 "$XBR" -b "$T_BR" -j "$@"
	[ "$T_RC" -eq 0 ] || t_fail "xbr -j ${inv[$path]}: exit $T_RC: $T_ERR"
	if [ "${prints[$path]}" = true ]; then
		one_doc "$T_OUT" || t_fail "xbr -j ${inv[$path]}: not one JSON object or array: $T_OUT"
		# -p: the same document, indented
		if [ "$path" != up ] && [ "$path" != "port add" ] && [ "$path" != "fdb flush" ] &&
			[ "$path" != "publish add" ] && [ "$path" != "publish del" ] &&
			[ "$path" != "uplink add" ]; then
			p=$(timeout 30 "$XBR" -b "$T_BR" -p "$@" 2>&1) || t_fail "xbr -p ${inv[$path]} failed: $p"
			[ "$(jq -cS 'del(.. | .age?, .ts_ns?, .rx_packets?, .tx_packets?, .rx_bytes?, .tx_bytes?)' <<<"$p")" = \
				"$(jq -cS 'del(.. | .age?, .ts_ns?, .rx_packets?, .tx_packets?, .rx_bytes?, .tx_bytes?)' <<<"$T_OUT")" ] ||
				[ "$path" = stats ] || t_fail "xbr -p ${inv[$path]} differs from -j"
		fi
	else
		[ -z "$T_OUT" ] || t_fail "xbr -j ${inv[$path]} printed although it prints nothing: $T_OUT"
	fi
	case $path in
	up) jq_ok "$T_OUT" ".bridge == \"$T_BR\" and (.ports | length) == 3" "up -j: not the bridge" ;;
	"fdb add")
		xjson fdb show dev "$T_BR-ns1"
		jq_ok "$J" '[.[] | select(.mac == "02:00:00:00:00:0a" and .state == "static" and .origin == "user")] | length == 1' "fdb add ... dev: entry not on ns1" ;;
	"fdb replace")
		xjson fdb show port ns2
		jq_ok "$J" '[.[] | select(.mac == "02:00:00:00:00:0a" and .flags == ["sticky"])] | length == 1' "fdb replace ... dev: entry not moved to ns2, sticky" ;;
	"fdb del")
		xjson fdb
		jq_ok "$J" '[.[] | select(.mac == "02:00:00:00:00:0a")] | length == 0' "fdb del ... dev: entry still there" ;;
	"fdb flush") jq_ok "$T_OUT" '.removed | type == "number"' "fdb flush -j: no count" ;;
	"port add") jq_ok "$T_OUT" '.netns == "ns3" and .kind == "station" and (.addr | test("^172\\.16\\.1\\."))' "port add -j: not the new port" ;;
	"set mode") jq_ok "$T_OUT" ".mode == \"$XBR_MODE\" and .was == \"$XBR_MODE\"" "set mode -j" ;;
	"set nat") jq_ok "$T_OUT" '.nat == "masquerade" and .was == "masquerade"' "set nat -j" ;;
	"set nat6") jq_ok "$T_OUT" '.nat6 == "masquerade" and .was == "masquerade"' "set nat6 -j" ;;
	"set dns") jq_ok "$T_OUT" '.dns == "on" and .was == "on"' "set dns -j" ;;
	"set publish-address") jq_ok "$T_OUT" '.publish_address == "any" and .was == "any"' "set publish-address -j" ;;
	dns) jq_ok "$T_OUT" ".dns and .domain == \"$T_BR\" and ([.names[].name] | index(\"ns1\") != null)" "dns -j" ;;
	"publish add") jq_ok "$T_OUT" '.host_port == 8080 and .station == "ns1" and .station_port == 80 and .rules == 2' "publish add -j" ;;
	"publish show") jq_ok "$T_OUT" 'length == 1 and .[0].host_port == 8080 and .[0].rules == 2' "publish show -j" ;;
	"publish del") jq_ok "$T_OUT" '.host_port == 8080 and .rules == 2' "publish del -j" ;;
	"uplink add") jq_ok "$T_OUT" '.name == "vx" and .id == 5 and .mtu == 1450 and .peers == ["198.51.100.2"]' "uplink add -j" ;;
	"uplink show") jq_ok "$T_OUT" 'length == 1 and .[0].local == "198.51.100.1"' "uplink show -j" ;;
	version) jq_ok "$T_OUT" '.xbr and (.libbpf | startswith("v")) and (.datapath | length == 16)' "version -j" ;;
	esac
	n=$((n + 1))
done
# Help is JSON too with -j, at every level: the command's entry of the table.
xjson up help
jq_ok "$J" '.path == "up" and (.options | length) == 17' "-j up help: not up's entry"
xjson fdb help
jq_ok "$J" '.path == "fdb" and (.commands | length) == 5' "-j fdb help: not fdb's entry"
xjson -h
jq_ok "$J" '.objects | length >= 10' "-j -h: not the table"
# fdb del with a port the entry is not on: refused, entry kept.
must "$XBR" -b "$T_BR" up
must "$XBR" -b "$T_BR" fdb add 02:00:00:00:00:0c port ns1
expect_error "fdb del on another port" 02:00:00:00:00:0c "$XBR" -b "$T_BR" fdb del 02:00:00:00:00:0c dev "$T_BR-ns2"
# fdb flush says how many entries it removed, in text too.
must "$XBR" -b "$T_BR" fdb flush static
[ "$T_OUT" = "fdb flush: 1 entry removed" ] || t_fail "fdb flush printed: $T_OUT"
t_pass "$n commands with -j: printing ones one JSON document each (monitor one a line), others silent; fdb add/replace/del dev IFNAME"
