# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Shared harness of the integration tests (tests/integration/t_*.sh).
#
# A test sets T_BR (its own bridge name, at most 12 characters, unique among
# the tests) and sources this file:
#
#     T_BR=xping
#     . "$(dirname "$0")/lib.sh"
#
# The first time through, this re-executes the test inside `unshare -n -m`:
# a private network namespace and a private mount namespace with its own
# tmpfs on /run/netns, its own sysfs and a fresh bpffs on /sys/fs/bpf. Every
# namespace, veth, pin and route the test makes lives and dies there; nothing
# reaches the host, and everything vanishes when the test exits. An EXIT trap
# also runs `xbr -b NAME down` for every bridge the test registered, on
# success and on failure, and stops background jobs.
#
# Result: one line "PASS|FAIL|SKIP <test>: <reason>" on stdout, exit status
# 0 pass, 1 fail, 77 skip.
#
# Knobs: XBR=path of the binary (default build/xbr of this tree),
# T_NO_BPFFS=1 (before sourcing) leaves /sys/fs/bpf as inherited,
# T_KEEP_CGROUP=1 keeps the host's /sys/fs/cgroup under the fresh sysfs (for
# a container runtime), T_CLEANUP_HOOK=FUNCTION runs first in the cleanup.

set -uo pipefail

T_NAME=$(basename "$0" .sh)
T_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T_REPO=$(cd "$T_LIBDIR/../.." && pwd)
XBR=${XBR:-$T_REPO/build/xbr}
case $XBR in /*) ;; *) XBR=$PWD/$XBR ;; esac
export XBR

t_pass() { echo "PASS $T_NAME${1:+: $1}"; exit 0; }
t_fail() { echo "FAIL $T_NAME: $*"; exit 1; }
t_skip() { echo "SKIP $T_NAME: $*"; exit 77; }
t_log() { echo "# $*" >&2; }

: "${T_BR:?test must set T_BR before sourcing lib.sh}"
[ ${#T_BR} -le 12 ] || t_fail "T_BR '$T_BR' longer than 12 characters"

# ---- outside: checks, then re-exec in private namespaces ----
if [ -z "${XBR_T_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || t_skip "needs root (creates namespaces, veths and BPF programs)"
	for tool in unshare ip tc jq timeout mount; do
		command -v "$tool" >/dev/null 2>&1 || t_skip "tool '$tool' not installed (tools/deps.sh test)"
	done
	[ -x "$XBR" ] || t_fail "$XBR is missing: run make"
	T_ERR=$(unshare -n -m true 2>&1) || t_skip "cannot make namespaces here (unshare -n -m: $T_ERR)"
	XBR_T_INNER=1 exec unshare -n -m -- bash "$0" "$@"
	t_fail "cannot exec unshare -n -m"
fi

# ---- inside: private /run/netns, sysfs, bpffs ----
mount --make-rprivate / || t_fail "mount --make-rprivate / failed"
mkdir -p /run/netns
mount -t tmpfs -o size=4m,mode=755 xbr-test-netns /run/netns || t_fail "cannot mount tmpfs on /run/netns"
# /etc/netns: the resolv.conf xbr writes for each station (which `ip netns
# exec` mounts over /etc/resolv.conf), private too. The directory is made on
# the host when missing (empty: what iproute2's convention has there). A
# station takes a page there: 64 MiB holds t_big's 4,095 (4 MiB did not).
[ -d /etc/netns ] || mkdir -m 755 /etc/netns || t_fail "cannot make /etc/netns"
mount -t tmpfs -o size=64m,mode=755 xbr-test-etc-netns /etc/netns || t_fail "cannot mount tmpfs on /etc/netns"
if [ "${T_KEEP_CGROUP:-0}" = 1 ]; then
	# The cgroup hierarchies live under /sys/fs/cgroup: a container runtime
	# (runc) needs them, and a fresh sysfs would hide them. Moved over it.
	mkdir /run/netns/.cgroup && mount --rbind /sys/fs/cgroup /run/netns/.cgroup ||
		t_fail "cannot keep /sys/fs/cgroup"
fi
mount -t sysfs sysfs /sys || t_fail "cannot mount sysfs"
if [ "${T_KEEP_CGROUP:-0}" = 1 ]; then
	mount --move /run/netns/.cgroup /sys/fs/cgroup && rmdir /run/netns/.cgroup ||
		t_fail "cannot put /sys/fs/cgroup back"
fi
if [ "${T_NO_BPFFS:-0}" != 1 ]; then
	mount -t bpf bpf /sys/fs/bpf || t_fail "cannot mount a fresh bpffs on /sys/fs/bpf"
fi
ip link set lo up

T_TMP=$(mktemp -d "/tmp/xbr-$T_NAME.XXXXXX") || t_fail "mktemp failed"

# XBR_MODE=tc|xdp: the datapath every `xbr up` of the test gets (tests/run.sh
# runs the suite once per mode). Other than tc, $XBR becomes a wrapper that
# adds `--mode MODE` right after the `up` object (a test's own --mode, later
# on the line, still wins); the real binary is $XBR_REAL.
XBR_MODE=${XBR_MODE:-tc}
XBR_REAL=$XBR
if [ "$XBR_MODE" != tc ]; then
	XBR=$T_TMP/xbr-$XBR_MODE
	cat >"$XBR" <<EOF || t_fail "cannot write the xbr --mode wrapper"
#!/bin/bash
a=("\$@") i=0
while [ \$i -lt \${#a[@]} ]; do
	case \${a[\$i]} in
	-b | --bridge) i=\$((i + 2)) ;;
	-*) i=\$((i + 1)) ;;
	up) exec "$XBR_REAL" "\${a[@]:0:\$((i + 1))}" --mode "$XBR_MODE" "\${a[@]:\$((i + 1))}" ;;
	*) break ;;
	esac
done
exec "$XBR_REAL" "\$@"
EOF
	chmod +x "$XBR"
fi
export XBR XBR_REAL XBR_MODE
T_BRIDGES=("$T_BR")
T_BG_PIDS=()

t_cleanup() {
	local rc=$? p br
	trap - EXIT
	if [ -n "${T_CLEANUP_HOOK:-}" ]; then
		"$T_CLEANUP_HOOK"
	fi
	for p in "${T_BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${T_BG_PIDS[@]}"; do
		timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL "$p" 2>/dev/null
	done
	for br in "${T_BRIDGES[@]}"; do
		if ! timeout 30 "$XBR" -b "$br" down >"$T_TMP/cleanup.log" 2>&1; then
			echo "# cleanup: xbr -b $br down failed: $(cat "$T_TMP/cleanup.log")" >&2
		fi
	done
	rm -rf "$T_TMP"
	exit "$rc"
}
trap t_cleanup EXIT
trap 't_fail "interrupted by a signal (timeout?)"' TERM INT HUP

# t_overlay DIR...: from here on, what this test's processes write under each
# DIR (e.g. /run, /var/lib: container runtimes, CNI plugins and iptables
# write there) lands in $T_TMP and never reaches the host; they still read
# the host's files. /run keeps this test's own tmpfs on /run/netns.
t_overlay() {
	local d up
	for d in "$@"; do
		up=$T_TMP/overlay${d//\//_}
		mkdir -p "$up/up" "$up/work" &&
			mount -t overlay "xbr-test-overlay" -o "lowerdir=$d,upperdir=$up/up,workdir=$up/work" "$d" ||
			t_fail "cannot put an overlay on $d"
		if [ "$d" = /run ]; then
			mount -t tmpfs -o size=4m,mode=755 xbr-test-netns /run/netns ||
				t_fail "cannot mount tmpfs on /run/netns"
		fi
	done
}

# ---- running commands ----

# t_run CMD...: run, keep stdout/stderr/status in T_OUT, T_ERR, T_RC.
t_run() {
	"$@" >"$T_TMP/run.out" 2>"$T_TMP/run.err"
	T_RC=$?
	T_OUT=$(cat "$T_TMP/run.out")
	T_ERR=$(cat "$T_TMP/run.err")
}

# `CMD | gq [GREP-OPTIONS] PATTERN`: whether CMD printed a matching line.
# Not `grep -q`: under pipefail a `CMD | grep -q` fails when grep exits at
# the first match while CMD is still writing (SIGPIPE; nft flushes every
# line), so a positive check fails and a negative one cannot, by timing.
# grep -c reads to the end.
gq() { grep -c "$@" >/dev/null; }

# Number of lines in a string (a last line without newline counts).
t_nlines() { printf '%s' "$1" | awk 'END { print NR }'; }

# must CMD...: run, fail the test when it fails. Output in T_OUT/T_ERR.
must() {
	t_run "$@"
	[ "$T_RC" -eq 0 ] || t_fail "command failed (exit $T_RC): $*: $(printf '%s' "$T_ERR" | head -5)"
}

# xbr ARGS...: the binary on this test's bridge.
xbr() { "$XBR" -b "$T_BR" "$@"; }

# xjson ARGS...: run `xbr -b T_BR -j ARGS`, keep its JSON output in J; fails
# the test on an error exit or when the output is not JSON.
# xjson_b BRIDGE ARGS...: the same on another bridge.
xjson_b() {
	local br=$1
	shift
	J=$(timeout 20 "$XBR" -b "$br" -j "$@" 2>"$T_TMP/xj.err") ||
		t_fail "xbr -b $br -j $* failed: $(cat "$T_TMP/xj.err")"
	printf '%s\n' "$J" | jq -e . >/dev/null 2>&1 || t_fail "xbr -b $br -j $* printed invalid JSON: $J"
}
xjson() { xjson_b "$T_BR" "$@"; }

# jq_ok JSON FILTER WHAT [jq options]: assert FILTER is true on JSON.
jq_ok() {
	local json=$1 filter=$2 what=$3
	shift 3
	printf '%s\n' "$json" | jq -e "$@" "$filter" >/dev/null 2>&1 ||
		t_fail "$what (jq '$filter' is not true on: $(printf '%s' "$json" | head -c 1500))"
}

# jq_val JSON FILTER [jq options]: raw value of FILTER.
jq_val() {
	local json=$1 filter=$2
	shift 2
	printf '%s\n' "$json" | jq -r "$@" "$filter"
}

# Station MAC of an IPv4 address: 0a:58 + the four address bytes.
station_mac() {
	local IFS=.
	# shellcheck disable=SC2086
	set -- $1
	printf '0a:58:%02x:%02x:%02x:%02x\n' "$1" "$2" "$3" "$4"
}

# The host-side port name of namespace NS on bridge BR (short form only).
port_name() { echo "$1-$2"; }

# wait_until SECONDS CMD...: poll CMD every 0.1 s, at most SECONDS.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# cap_settle FILE...: wait until the capture files (tcpdump -U) have stopped
# growing: unchanged over 3 looks 0.3 s apart, at most 10 s. Before stopping
# a capture: a busy machine's tcpdump may still be writing frames it was
# sent (a fixed pause lost some under load: t_xdp_policy in run L1).
cap_settle() {
	local sizes prev="" same=0 i
	for ((i = 0; i < 33 && same < 3; i++)); do
		sleep 0.3
		sizes=$(stat -c %s "$@" 2>/dev/null | tr '\n' ' ')
		if [ "$sizes" = "$prev" ]; then same=$((same + 1)); else same=0; fi
		prev=$sizes
	done
}

# t_bg CMD...: start a background job (pid in T_BG_PID), stopped by the cleanup.
t_bg() {
	"$@" &
	T_BG_PIDS+=($!)
	T_BG_PID=$!
}

# ---- traffic ----

# ping_ok NS DST [COUNT]: COUNT echo requests from NS ("" = this test's own
# namespace, i.e. the gateway side) to DST, all answered.
ping_ok() {
	local ns=$1 dst=$2 count=${3:-3} out
	local -a pre=()
	[ -n "$ns" ] && pre=(ip netns exec "$ns")
	out=$(timeout $((count + 10)) "${pre[@]}" ping -n -q -c "$count" -i 0.2 -W 2 "$dst" 2>&1)
	[ $? -eq 0 ] && [[ $out == *' 0% packet loss'* ]]
}

assert_ping() {
	local ns=$1 dst=$2 count=${3:-3} out
	local -a pre=()
	[ -n "$ns" ] && pre=(ip netns exec "$ns")
	out=$(timeout $((count + 10)) "${pre[@]}" ping -n -q -c "$count" -i 0.2 -W 2 "$dst" 2>&1)
	local rc=$?
	if [ $rc -ne 0 ] || [[ $out != *' 0% packet loss'* ]]; then
		# What dropped it, where the attack library (ping_veth_drops) is
		# loaded: the veth rings, the namespaces' interfaces, xbr's drops.
		local why=""
		declare -F ping_veth_drops >/dev/null && why=" ($(ping_veth_drops))"
		t_fail "ping ${ns:-host} -> $dst (exit $rc): not 0% loss: $(printf '%s' "$out" | grep -v -e '^PING' -e '^---' -e '^rtt' -e '^$' | head -4 | tr '\n' '|')$why"
	fi
}

assert_no_ping() {
	local ns=$1 dst=$2
	if ping_ok "$ns" "$dst" 2; then
		t_fail "ping ${ns:-host} -> $dst answered, expected no connectivity"
	fi
}

# softnet_drops: frames the kernel dropped at its per-CPU input backlogs so
# far (the second column of /proc/net/softnet_stat, every CPU). It grows
# when the machine's other traffic fills the backlog: a frame lost while it
# grew may be the machine's load, not xbr's (as test_datapath tells them).
softnet_drops() {
	local sum=0 p d rest
	while read -r p d rest; do
		sum=$((sum + 16#$d))
	done </proc/net/softnet_stat
	echo $sum
}

# ---- state snapshots: what a failed command must leave untouched ----

snapshot() {
	{
		echo "## links"
		ip -o link show | sed -E 's/ +$//'
		echo "## qdiscs"
		tc qdisc show
		echo "## netns"
		ip netns list
		ls -a /run/netns
		echo "## bpffs"
		(cd /sys/fs/bpf && ls -aR .)
		echo "## etc-netns"
		(cd /etc/netns && ls -aR .)
		echo "## routes"
		ip -4 route show table all
		echo "## addresses"
		ip -o -4 addr show
	} >"$1" 2>&1
}

# assert_same BEFORE WHAT: the current state equals snapshot BEFORE.
assert_same() {
	local before=$1 what=$2
	snapshot "$T_TMP/snap.now"
	if ! diff -u "$before" "$T_TMP/snap.now" >"$T_TMP/snap.diff"; then
		t_fail "$what: state changed: $(grep -E '^[-+][^-+]' "$T_TMP/snap.diff" | head -8 | tr '\n' ' ')"
	fi
}

# expect_error WHAT OBJECT CMD...: CMD must fail with exactly one line on
# stderr that names OBJECT, print nothing on stdout, and leave the links,
# qdiscs, namespaces, pins, routes and addresses as they were.
expect_error() {
	local what=$1 obj=$2
	shift 2
	snapshot "$T_TMP/snap.before"
	t_run timeout 30 "$@"
	[ "$T_RC" -ne 0 ] || t_fail "$what: exit status 0, expected an error: $*"
	[ "$T_RC" -ne 124 ] || t_fail "$what: timed out: $*"
	[ "$(t_nlines "$T_ERR")" -eq 1 ] ||
		t_fail "$what: expected exactly one line on stderr, got $(t_nlines "$T_ERR"): $(printf '%s' "$T_ERR" | head -5 | tr '\n' '|')"
	case $T_ERR in
	*"$obj"*) ;;
	*) t_fail "$what: stderr does not name \"$obj\": $T_ERR" ;;
	esac
	[ -z "$T_OUT" ] || t_fail "$what: printed on stdout although it failed: $T_OUT"
	assert_same "$T_TMP/snap.before" "$what"
}
