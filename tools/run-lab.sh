#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make run`: bring up the default lab with xbr and show it working.
# The lab stays up afterwards; remove it with `build/xbr down`.
set -euo pipefail
XBR=${1:-build/xbr}

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "make run: xbr creates namespaces and loads BPF programs; run as root" >&2
	exit 1
fi

"$XBR" down >/dev/null 2>&1 || true
run "$XBR" up
run "$XBR" show
run ip netns exec ns1 ping -c 3 -i 0.2 -W 1 172.16.1.2
run ip netns exec ns2 ping -c 3 -i 0.2 -W 1 172.16.1.1
run ip netns exec ns1 ping -c 2 -i 0.2 -W 1 172.16.1.254
run ip netns exec ns1 ping -4 -c 2 -i 0.2 -W 1 ns2.xbr0   # the name, answered by the bridge
run "$XBR" dns
if command -v iperf3 >/dev/null; then
	ip netns exec ns2 timeout 10 iperf3 -s -1 >/dev/null 2>&1 &
	sleep 0.5
	say ip netns exec ns1 iperf3 -c 172.16.1.2 -t 2
	ip netns exec ns1 timeout 10 iperf3 -c 172.16.1.2 -t 2 | grep -E 'sender|receiver'
	wait || true
fi
run "$XBR" fdb
echo
echo "The lab is up: ns1 (172.16.1.1) and ns2 (172.16.1.2) behind gateway 172.16.1.254 on xbr0."
echo "Try:  ip netns exec ns1 ping ns2     $XBR -j fdb | jq     $XBR stats"
echo "Done: $XBR down"
