#!/usr/bin/env bash
# Probe whether `xbr up [ARGS]` works. Run as:
#   unshare -n -m -- bash probe.sh XBR LABEL [ARGS...]
# i.e. in a scratch network + mount namespace that vanishes when it exits.
# Exit 0 = usable; otherwise the last line printed is the reason.
set -uo pipefail
xbr=$1 label=$2; shift 2
mount --make-rprivate /
mkdir -p /run/netns && mount -t tmpfs -o size=1m,mode=755 probe-netns /run/netns
mount -t sysfs sysfs /sys && mount -t bpf bpf /sys/fs/bpf
ip link set lo up
out=$(timeout -k 2 30 "$xbr" -b pr up "$@" pr1=172.16.10.1/16 pr2=172.16.10.2/16 2>&1)
rc=$?
if (( rc != 0 )); then
	echo "xbr up $* failed (exit $rc): $(grep . <<<"$out" | tail -n 1)"
	timeout -k 2 30 "$xbr" -b pr down >/dev/null 2>&1
	exit 1
fi
ok=1
for i in $(seq 30); do
	(( i % 10 == 1 )) && ip netns exec pr1 bash -c 'echo x >/dev/udp/172.16.10.2/9' 2>/dev/null
	if ip -n pr1 neigh show 172.16.10.2 dev eth0 | grep -c lladdr >/dev/null; then ok=0; break; fi
	sleep 0.1
done
timeout -k 2 30 "$xbr" -b pr down >/dev/null 2>&1
if (( ok != 0 )); then
	echo "xbr up $* ($label) succeeded but pr1 could not resolve pr2 (no L2 forwarding)"
	exit 1
fi
exit 0
