#!/usr/bin/env bash
# Kernel-bridge baseline: the classic "Docker-style" namespace lab, built with
# plain ip(8) commands, one namespace at a time.
#
#   kbr-lab.sh -b BRIDGE up [--gateway IP/PLEN] NS=ADDR/PLEN ...
#   kbr-lab.sh -b BRIDGE down
#
# Topology: a Linux bridge BRIDGE holding the gateway address; per namespace a
# veth pair, host end "BRIDGE-NS" enslaved to the bridge, namespace end "eth0"
# with the address and a default route via the gateway. Default offloads.
# No netfilter on the bridge: run.sh sets net.bridge.bridge-nf-call-* = 0 in
# its private network namespace (the bridge is created with nf_call_* off).
#
# For fairness the script uses `ip -n NS ...` (netlink straight into the
# namespace) instead of the slower `ip netns exec NS ip ...` that many lab
# write-ups use; it is otherwise the usual sequence of commands.
set -euo pipefail

usage() { sed -n '2,16p' "$0" >&2; exit 2; }

br=""
gw="172.16.1.254/16"
while [[ $# -gt 0 ]]; do
	case $1 in
	-b) br=$2; shift 2 ;;
	-h|--help) usage ;;
	*) break ;;
	esac
done
[[ -n $br && $# -ge 1 ]] || usage
cmd=$1; shift

port_name() { # host-side veth name for namespace $1
	local n="$br-$1"
	if (( ${#n} > 15 )); then n="${br:0:6}-$(printf '%s' "$1" | cksum | cut -c1-8)"; fi
	printf '%s' "$n"
}

case $cmd in
up)
	if [[ ${1:-} == --gateway ]]; then gw=$2; shift 2; fi
	ip link add "$br" type bridge
	ip link set "$br" type bridge nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0
	ip addr add "$gw" dev "$br"
	ip link set "$br" up
	for spec in "$@"; do
		ns=${spec%%=*} addr=${spec#*=}
		[[ $addr != "$spec" ]] || { echo "kbr-lab: $spec: need NS=ADDR/PLEN" >&2; exit 2; }
		p=$(port_name "$ns")
		ip netns add "$ns"
		ip link add "$p" type veth peer name eth0 netns "$ns"
		ip link set "$p" master "$br"
		ip link set "$p" up
		ip -n "$ns" link set lo up
		ip -n "$ns" addr add "$addr" dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" route add default via "${gw%/*}"
	done
	;;
down)
	# namespaces are found from the bridge's ports (BRIDGE-NS), plus any given
	for p in $(ip -o link show master "$br" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
		ns=${p#"$br"-}
		[[ $ns != "$p" ]] && set -- "$@" "$ns"
	done
	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	ip link del "$br" 2>/dev/null || true
	;;
*) usage ;;
esac
