#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Reproducer of the "XDP stall" (docs/benchmarks.md, "The XDP-mode stall"):
# a flat-out trafgen into a veth whose host end runs native XDP that
# redirects to another veth sometimes delivers ~nothing after the first
# second. What happens: trafgen exits ("Flushing TX_RING failed: Resource
# temporarily unavailable!") when its socket's send buffer is full of frames
# waiting in the host end's ring, which happens once that ring's NAPI poll
# runs on the other CPU than trafgen. With --setup minimal there is no xbr at
# all: two namespaces, two veth pairs and a one-line XDP program
# (xdp-redirect.bpf.c) on each host end.
#
# Usage: tools/bench/xdp-stall.sh [options]
#   --setup minimal|xbr  minimal (default): no xbr; xbr: `xbr up --mode xdp`
#                        with two namespaces (XBR=path, default build/xbr)
#   --runs N             fresh setup and trafgen run, N times (default 10, <= 30)
#   --seconds S          trafgen runs S seconds per run (default 4, <= 15)
#   --queues Q           queues of each veth end (default 1; with --setup xbr set
#                        after `up` with ethtool -L on both ends of each port)
#   --xps                XPS on the namespace ends, CPU i -> tx queue i (needs
#                        --queues >= CPUs): frames sent on another CPU land in
#                        another ring of the host end, with its own NAPI
#   --ipv6 on|off        IPv6 in the two namespaces (default on: its link-local
#                        autoconfiguration sends the frames that move the NAPI)
#   --trace              perf record napi:napi_poll during each run and show, for
#                        the runs where trafgen exited, on which CPU the sender's
#                        host end was polled, in 100 ms steps (needs perf)
#   -h, --help
# Everything runs in a private network + mount namespace (unshare -n -m); the
# frames (60 bytes, EtherType 0x88b5) go only between its two namespaces. Each
# trafgen run is bounded by timeout. Prints one line per run and a summary:
# "SETUP: trafgen exited early in K of N runs". Needs root, trafgen, clang
# (minimal) and ethtool.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" | sed -n '/^Usage/,$p'; exit "${1:-0}"; }
die() { echo "xdp-stall: $*" >&2; exit 1; }

SETUP=minimal RUNS=10 SECS=4 QUEUES=1 XPS=0 IPV6=on TRACE=0
ARGS=("$@")
while [[ $# -gt 0 ]]; do
	case $1 in
	--setup) SETUP=${2:-}; shift 2 ;;
	--runs) RUNS=${2:-}; shift 2 ;;
	--seconds) SECS=${2:-}; shift 2 ;;
	--queues) QUEUES=${2:-}; shift 2 ;;
	--xps) XPS=1; shift ;;
	--ipv6) IPV6=${2:-}; shift 2 ;;
	--trace) TRACE=1; shift ;;
	-h | --help) usage 0 ;;
	*) echo "xdp-stall: unknown option $1" >&2; usage 2 ;;
	esac
done
[[ $SETUP == minimal || $SETUP == xbr ]] || die "--setup must be minimal or xbr"
[[ $RUNS =~ ^[0-9]+$ ]] && (( RUNS >= 1 && RUNS <= 30 )) || die "--runs must be 1..30"
[[ $SECS =~ ^[0-9]+$ ]] && (( SECS >= 2 && SECS <= 15 )) || die "--seconds must be 2..15"
[[ $QUEUES =~ ^[0-9]+$ ]] && (( QUEUES >= 1 && QUEUES <= 64 )) || die "--queues must be 1..64"
[[ $IPV6 == on || $IPV6 == off ]] || die "--ipv6 must be on or off"
NCPU=$(nproc)
(( XPS == 0 || QUEUES >= NCPU )) || die "--xps needs --queues >= $NCPU (one per CPU)"
XBR=${XBR:-$REPO/build/xbr}

if [[ -z ${XBR_STALL_INNER:-} ]]; then
	(( $(id -u) == 0 )) || die "needs root (namespaces, XDP)"
	for t in ip trafgen ethtool jq timeout unshare taskset; do command -v "$t" >/dev/null || die "missing tool: $t"; done
	[[ $SETUP == xbr ]] && { [[ -x $XBR ]] || die "$XBR missing: run make"; }
	[[ $SETUP == minimal ]] && { command -v "${CLANG:-clang}" >/dev/null || die "missing tool: clang"; }
	(( TRACE == 0 )) || command -v perf >/dev/null || die "--trace needs perf (linux-perf)"
	export XBR_STALL_INNER=1 XBR
	exec timeout -k 5 $(( RUNS * (SECS + 20) + 30 )) unshare -n -m -- bash "${BASH_SOURCE[0]}" "${ARGS[@]}"
fi

# ---- inside: private network + mount namespace ----
mount --make-rprivate /
mkdir -p /run/netns
mount -t tmpfs -o size=4m,mode=755 stall-netns /run/netns
mount -t sysfs sysfs /sys
mount -t bpf bpf /sys/fs/bpf
(( TRACE == 0 )) || mount -t tracefs tracefs /sys/kernel/tracing
ip link set lo up
TMP=$(mktemp -d /tmp/xdp-stall.XXXXXX)
GEN_CPU=0
cleanup() {
	ip netns del m1 2>/dev/null || true
	ip netns del m2 2>/dev/null || true
	[[ $SETUP == xbr ]] && timeout 30 "$XBR" -b xs down >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# The namespace ends get what xbr's XDP mode gives them: GRO on (NAPI: a
# redirect into a veth is dropped without it), tx checksumming, TSO, GSO off.
xdp_offloads() { ip netns exec "$1" ethtool -K eth0 gro on tx off tso off gso off >/dev/null 2>&1; }
no_ipv6() { ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }
# xps NS: CPU i sends on tx queue i of NS's eth0
xps() {
	local q
	for ((q = 0; q < QUEUES; q++)); do
		ip netns exec "$1" sh -c "printf '%x' $(( q < NCPU ? 1 << q : 0 )) >/sys/class/net/eth0/queues/tx-$q/xps_cpus"
	done
}

redirect_obj() { # IFINDEX -> object redirecting to it
	local o="$TMP/redirect-$1.o" arch
	if [[ ! -s $o ]]; then
		arch=$(${CC:-gcc} -dumpmachine 2>/dev/null || echo "$(uname -m)-linux-gnu")
		"${CLANG:-clang}" -O2 -target bpf -I"/usr/include/$arch" -DREDIRECT_IFINDEX="$1" \
			-c "$BENCH_DIR/xdp-redirect.bpf.c" -o "$o"
	fi
	echo "$o"
}

# setup_up -> namespaces m1 (sender) and m2 (sink) with eth0, HOST1 = the
# sender's host end
setup_up() {
	local i
	if [[ $SETUP == xbr ]]; then
		"$XBR" -b xs up --mode xdp --subnet6 none m1=172.16.10.1/16 m2=172.16.10.2/16 >"$TMP/up.log" 2>&1 ||
			die "xbr up failed: $(tail -n 1 "$TMP/up.log")"
		HOST1=xs-m1
		[[ $IPV6 == on ]] || { no_ipv6 m1; no_ipv6 m2; }
		for i in 1 2; do
			if (( QUEUES > 1 )); then
				ethtool -L "xs-m$i" rx "$QUEUES" tx "$QUEUES" && ip netns exec "m$i" ethtool -L eth0 rx "$QUEUES" tx "$QUEUES" ||
					die "cannot give the ports of xbr $QUEUES queues (ethtool -L)"
			fi
			(( XPS == 0 )) || xps "m$i"
		done
		return 0
	fi
	for i in 1 2; do
		ip netns add "m$i"
		ip link add "h$i" numtxqueues "$QUEUES" numrxqueues "$QUEUES" type veth \
			peer name eth0 netns "m$i" numtxqueues "$QUEUES" numrxqueues "$QUEUES"
		[[ $IPV6 == on ]] || no_ipv6 "m$i"
		(( XPS == 0 )) || xps "m$i"
		ip -n "m$i" link set lo up
		ip -n "m$i" addr add "172.16.10.$i/16" dev eth0
		ip link set "h$i" up
		ip -n "m$i" link set eth0 up
		xdp_offloads "m$i"
	done
	for i in 1 2; do
		ip link set dev "h$i" xdpdrv obj "$(redirect_obj "$(cat "/sys/class/net/h$((3 - i))/ifindex")")" sec xdp
	done
	HOST1=h1
}
setup_down() {
	if [[ $SETUP == xbr ]]; then timeout 30 "$XBR" -b xs down >/dev/null 2>&1; else ip netns del m1; ip netns del m2; fi
}

rx() { ip -n m2 -j -s link show dev eth0 | jq '.[0].stats64.rx.packets'; }

desc="$SETUP, IPv6 $IPV6"
desc+=", $QUEUES queue(s)"
(( XPS == 0 )) || desc+=", XPS per CPU"
echo "# $desc; $RUNS runs of $SECS s; trafgen on CPU $GEN_CPU of $NCPU; load average $(cut -d' ' -f1-3 /proc/loadavg)"
exits=0
for ((run = 1; run <= RUNS; run++)); do
	setup_up
	da=$(ip -n m2 -j link show dev eth0 | jq -r '.[0].address')
	sa=$(ip -n m1 -j link show dev eth0 | jq -r '.[0].address')
	printf '{ eth(da=%s, sa=%s, type=0x88b5), fill(0x00, 46) }\n' "$da" "$sa" >"$TMP/frame.cfg"
	ppid=""
	if (( TRACE )); then
		perf record -q -e napi:napi_poll -a -o "$TMP/napi.data" -- sleep $(( SECS + 1 )) >/dev/null 2>&1 &
		ppid=$!
		sleep 0.3
	fi
	ip netns exec m1 taskset -c "$GEN_CPU" timeout -k 2 "$SECS" \
		trafgen -i "$TMP/frame.cfg" -o eth0 -P 1 --no-sock-mem --notouch-irq -C >"$TMP/trafgen.log" 2>&1 &
	tpid=$!
	r0=$(rx) died="" per=()
	for ((s = 1; s <= SECS; s++)); do
		sleep 1
		r1=$(rx); per+=($(( r1 - r0 ))); r0=$r1
		if [[ -z $died ]] && ! kill -0 "$tpid" 2>/dev/null; then died=$s; fi
	done
	rc=0; wait "$tpid" || rc=$?
	[[ -n $ppid ]] && { wait "$ppid" || true; }
	if (( rc != 124 )); then
		exits=$((exits + 1))
		why=$(grep -v -i 'socket memory' "$TMP/trafgen.log" | grep . | tail -n 1)
		echo "run $run: trafgen exited (status $rc) within ${died:-$SECS} s: ${why:-no message}; sink frames per second: ${per[*]}"
		if (( TRACE )); then
			# polls of the sender's host end per CPU, 100 ms steps (the last 12 with polls)
			perf script -i "$TMP/napi.data" -F cpu,time,trace 2>/dev/null | awk -v dev="$HOST1" '
				$0 ~ ("device " dev " ") { t = $2 + 0; if (t0 == "") t0 = t; b = int((t - t0) * 10)
					c = $1; gsub(/[^0-9]/, "", c); n[b, c]++; if (b > last) last = b; cpus[c] = 1 }
				END { for (b = 0; b <= last; b++) { l = ""; any = 0
					for (c in cpus) { l = l sprintf(" cpu%s:%d", c, n[b, c]); any += n[b, c] }
					if (any) lines[++k] = sprintf("    t=%.1fs%s", b / 10, l) }
				      for (i = (k > 12 ? k - 11 : 1); i <= k; i++) print lines[i] }'
		fi
	else
		echo "run $run: trafgen ran its $SECS s; sink frames per second: ${per[*]}"
	fi
	setup_down
	sleep 0.3
done
echo "$desc: trafgen exited early in $exits of $RUNS runs"
