# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# Shared by the NAT tests (t_nat*.sh), sourced after lib.sh: a namespace
# "out" that plays the outside network, and tiny servers (nat_peer.py) that
# answer with the address a connection came from.
#
#   test's own namespace (the host)            namespace out (the outside)
#   xo0 198.51.100.1/24 2001:db8::1/64 <-veth-> eth0 198.51.100.2/24 2001:db8::2/64
#   default routes via out
#
# Documentation ranges only, inside the test's private network namespace:
# nothing reaches the machine's own network.

command -v nft >/dev/null 2>&1 || t_skip "tool 'nft' not installed (tools/deps.sh test)"
# Debian's python3 (the one python3-scapy installs into), not an earlier one in PATH.
NAT_PY=${NAT_PY:-/usr/bin/python3}
[ -x "$NAT_PY" ] || t_skip "$NAT_PY not installed (tools/deps.sh test)"
NAT_PEER="$T_LIBDIR/nat_peer.py"
HOST4=198.51.100.1 OUT4=198.51.100.2
HOST6=2001:db8::1 OUT6=2001:db8::2
NAT_NSERV=0

# nat_outside: make the outside namespace and the host's default routes.
nat_outside() {
	ip netns add out &&
		ip link add xo0 type veth peer name eth0 netns out &&
		ip addr add "$HOST4/24" dev xo0 &&
		ip -6 addr add "$HOST6/64" dev xo0 nodad &&
		ip link set xo0 up &&
		ip -n out addr add "$OUT4/24" dev eth0 &&
		ip -n out -6 addr add "$OUT6/64" dev eth0 nodad &&
		ip -n out link set eth0 up &&
		ip -n out link set lo up &&
		ip route add default via "$OUT4" &&
		ip -6 route add default via "$OUT6" ||
		t_fail "cannot make the outside namespace"
}

# serve NS PROTO PORT...: a server in NS ("" = the host) on every PORT,
# answering "PEER PORT"; its answers are logged to $T_TMP/serve.<NS>.<PROTO>.
serve() {
	local ns=$1 proto=$2 ready
	shift 2
	local -a pre=()
	[ -n "$ns" ] && pre=(ip netns exec "$ns")
	NAT_NSERV=$((NAT_NSERV + 1))
	ready=$T_TMP/ready.$NAT_NSERV
	t_bg "${pre[@]}" "$NAT_PY" "$NAT_PEER" serve "$proto" "$@" --ready "$ready" \
		--log "$T_TMP/serve.${ns:-host}.$proto" --timeout 110
	wait_until 10 test -e "$ready" || t_fail "server $proto $* in ${ns:-host} did not start"
}

# ask NS PROTO HOST PORT: the server's answer in ANS; status 0 when one came.
ask() {
	local ns=$1
	shift
	local -a pre=()
	[ -n "$ns" ] && pre=(ip netns exec "$ns")
	ANS=$(timeout 10 "${pre[@]}" "$NAT_PY" "$NAT_PEER" ask "$@" 2>&1)
}

# assert_peer NS PROTO HOST PORT PEER [PORT2]: asking gets an answer, from a
# server that saw the connection come from PEER (and reached PORT2).
assert_peer() {
	local ns=$1 proto=$2 host=$3 port=$4 peer=$5 port2=${6:-}
	if ! ask "$ns" "$proto" "$host" "$port"; then
		nat_dump
		t_fail "${ns:-host} -> $proto $host port $port: no answer ($ANS)"
	fi
	[ "${ANS%% *}" = "$peer" ] ||
		t_fail "${ns:-host} -> $proto $host port $port: the server saw $ANS, expected it from $peer"
	[ -z "$port2" ] || [ "${ANS##* }" = "$port2" ] ||
		t_fail "${ns:-host} -> $proto $host port $port: reached port ${ANS##* }, expected $port2"
}

# assert_no_answer NS PROTO HOST PORT WHY
assert_no_answer() {
	if ask "$1" "$2" "$3" "$4" --timeout 1.5; then
		t_fail "${1:-host} -> $2 $3 port $4 answered ($ANS): $5"
	fi
}

# nat_dump: neighbours, routes and the bridge's table, for a failure report (stderr).
nat_dump() {
	{
		echo "## neighbours: host"; ip neigh show
		echo "## neighbours: out"; ip -n out neigh show
		echo "## addresses: host xo0, out eth0"; ip -o addr show dev xo0; ip -n out -o addr show dev eth0
		echo "## routes6: host"; ip -6 route show
		echo "## forwarding: $(forwarding)"
		echo "## ruleset"; nft list ruleset
	} 2>&1 | sed 's/^/# /' >&2
}

# ruleset: the whole nf_tables ruleset of the test's host namespace.
ruleset() { nft list ruleset 2>&1; }

# forwarding: "ipv4 ipv6" forwarding sysctls.
forwarding() { echo "$(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/net/ipv6/conf/all/forwarding)"; }
