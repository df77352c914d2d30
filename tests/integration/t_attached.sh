#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The attached port kind: namespaces made by someone else, as a container
# runtime makes them (not named under /run/netns), attached by
# /proc/PID/ns/net and by a bind-mounted namespace file, with `ifname`.
# Stations and attached ports reach each other and the gateway; `port del`
# and `down` remove only the veth xbr made: each namespace survives with its
# other interfaces, addresses and routes exactly as before. Refusals (not a
# namespace, missing path, the host's own namespace, an inside name taken,
# a kernel refusal with its extended-ACK message) are one line each and
# leave the namespace and the bridge as they were.
T_BR=xattach
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"

# inside PID: what a namespace holds (links, addresses, routes), normalized.
inside() {
	{
		nsenter -t "$1" -n ip -j link show | jq -c 'map({ifname, flags, mtu, address}) | sort_by(.ifname)'
		nsenter -t "$1" -n ip -j addr show | jq -c 'map({ifname, a: [.addr_info[] | "\(.local)/\(.prefixlen)"]}) | sort_by(.ifname)'
		nsenter -t "$1" -n ip -j route show table all | jq -c 'map(del(.flags)) | sort_by(tostring)'
	} 2>&1
}

must timeout 30 "$XBR" -b "$T_BR" up ns1=172.16.1.1/16

# Runtime A: a namespace of a process, with an interface and route of its own.
t_bg unshare -n sleep 120
PA=$T_BG_PID
wait_until 5 sh -c "[ \"\$(readlink /proc/$PA/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]" ||
	t_fail "runtime namespace A did not appear"
nsenter -t $PA -n ip link add keep0 type veth peer name keep1 || t_fail "cannot add keep0 in A"
nsenter -t $PA -n ip addr add 198.51.100.7/24 dev keep0
nsenter -t $PA -n ip link set keep0 up
nsenter -t $PA -n ip route add 203.0.113.0/24 via 198.51.100.1 dev keep0 onlink
A0=$(inside $PA)
case $A0 in *keep0*198.51.100.7/24*203.0.113.0/24*) ;; *) t_fail "cannot read namespace A: $A0" ;; esac

# Runtime B: a namespace kept by a bind mount only (its process is gone).
t_bg unshare -n sleep 2
PB=$T_BG_PID
wait_until 5 sh -c "[ \"\$(readlink /proc/$PB/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]" ||
	t_fail "runtime namespace B did not appear"
NSB=$T_TMP/nsb
touch "$NSB"
mount --bind /proc/$PB/ns/net "$NSB" || t_fail "cannot bind-mount namespace B"
kill $PB 2>/dev/null
wait_pid $PB 5
# A holder in B, to look inside it with nsenter -t.
t_bg nsenter --net="$NSB" sleep 120
HB=$T_BG_PID
# nsenter enters, then execs sleep in place: wait until it is inside B.
NSB_ID="net:[$(stat -L -c %i "$NSB")]"
wait_until 5 sh -c "[ \"\$(readlink /proc/$HB/ns/net)\" = '$NSB_ID' ]" ||
	t_fail "the holder of namespace B did not enter it ($NSB_ID)"
B0=$(inside $HB)
case $B0 in *'"lo"'*) ;; *) t_fail "cannot read namespace B: $B0" ;; esac

snapshot "$T_TMP/before-errors"
show0=$(timeout 10 "$XBR" -b "$T_BR" -j show | jq -c .ports)
expect_error "netns path that is not a namespace" '"cbad"' "$XBR" -b "$T_BR" port add cbad netns /etc/hostname
expect_error "netns path that does not exist" '"cbad"' "$XBR" -b "$T_BR" port add cbad netns "$T_TMP/none"
expect_error "the host's own namespace" "host" "$XBR" -b "$T_BR" port add cbad netns /proc/self/ns/net
expect_error "netns without a path" '"cbad"' "$XBR" -b "$T_BR" port add cbad netns
expect_error "ifname taken inside" "keep0" "$XBR" -b "$T_BR" port add cbad netns /proc/$PA/ns/net ifname keep0
expect_error "bad ifname" '"cbad"' "$XBR" -b "$T_BR" port add cbad netns /proc/$PA/ns/net ifname 'a b'
expect_error "address outside the subnet" "10.9.9.9" "$XBR" -b "$T_BR" port add cbad netns /proc/$PA/ns/net 10.9.9.9/24
expect_error "address of a station" "172.16.1.1" "$XBR" -b "$T_BR" port add cbad netns /proc/$PA/ns/net 172.16.1.1/16
# The kernel refuses an IPv6 address where IPv6 is disabled, and says so.
t_bg unshare -n sleep 120
PC=$T_BG_PID
wait_until 5 sh -c "[ \"\$(readlink /proc/$PC/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]" || t_fail "namespace C did not appear"
nsenter -t $PC -n sysctl -qw net.ipv6.conf.default.disable_ipv6=1
C0=$(inside $PC)
expect_error "kernel refusal" "(kernel: ipv6: IPv6 is disabled on this device)" "$XBR" -b "$T_BR" port add cbad netns /proc/$PC/ns/net
[ "$(inside $PC)" = "$C0" ] || t_fail "the refused attach changed namespace C"
assert_same "$T_TMP/before-errors" "refused attaches"
[ "$(timeout 10 "$XBR" -b "$T_BR" -j show | jq -c .ports)" = "$show0" ] || t_fail "refused attaches changed the port table"
[ "$(inside $PA)" = "$A0" ] || t_fail "refused attaches changed namespace A"

# ---- attach both ----
must timeout 20 "$XBR" -b "$T_BR" port add ca netns /proc/$PA/ns/net 172.16.1.50/16
must timeout 20 "$XBR" -b "$T_BR" port add cb netns "$NSB" ifname net1
xjson show
jq_ok "$J" '[.ports[] | select(.kind == "attached")] | length == 2' "show does not list two attached ports"
jq_ok "$J" '.ports[] | select(.netns == "cb") | .nspath == "'"$NSB"'" and .dev == "net1"' "show: cb's path or interface wrong"
nsenter -t $HB -n ip -br addr show net1 | gq '172.16.1.2/16' || t_fail "cb: net1 did not get the next free address: $(nsenter -t $HB -n ip -br addr)"
nsenter -t $PA -n ip -4 route show default | gq 'via 172.16.1.254 dev eth0' || t_fail "ca: no default route via the gateway"

ping_in() { nsenter -t "$1" -n ping -c "${3:-2}" -W 2 -i 0.2 "$2" >/dev/null 2>&1; }
ping_in $PA 172.16.1.1 || t_fail "ca cannot reach station ns1"
assert_ping ns1 172.16.1.50 2
ping_in $PA 172.16.1.2 || t_fail "ca cannot reach cb (bind-mounted namespace)"
ping_in $HB 172.16.1.254 || t_fail "cb cannot reach the gateway"
ping_in $PA fd00:172:16::ac10:101 || t_fail "ca cannot reach ns1 over IPv6"
xjson fdb
jq_ok "$J" '[.[] | select(.netns == "ca" or .netns == "cb")] | length == 2' "fdb does not show the attached ports' MACs"

# ---- port del: only the veth goes ----
must timeout 20 "$XBR" -b "$T_BR" port del ca
[ "$(inside $PA)" = "$A0" ] || t_fail "port del changed namespace A: before $A0, after $(inside $PA)"
ip link show "$T_BR-ca" >/dev/null 2>&1 && t_fail "port del left the host-side veth"
assert_ping ns1 172.16.1.2 1
# attach again, then down: the namespaces survive, as their owners expect.
must timeout 20 "$XBR" -b "$T_BR" port add ca netns /proc/$PA/ns/net
must timeout 30 "$XBR" -b "$T_BR" down
# same_inside PID WANT: the namespace reads WANT again (the kernel finishes
# removing a deleted veth's addresses and routes right away; 3 s of grace).
same_inside() { [ "$(inside "$1")" = "$2" ]; }
wait_until 3 same_inside $PA "$A0" || t_fail "down changed namespace A: before $A0, after $(inside $PA)"
wait_until 3 same_inside $HB "$B0" || t_fail "down changed namespace B: before $B0, after $(inside $HB)"
mountpoint -q "$NSB" || t_fail "down removed the bind mount of namespace B"
kill -0 $PA 2>/dev/null || t_fail "down killed runtime A's process"
clean_state >"$T_TMP/left" || t_fail "down left: $(cat "$T_TMP/left")"
umount "$NSB"

t_pass "attached by /proc/PID/ns/net and by bind mount (ifname net1): pings station/attached/gateway, v4 and v6; port del and down left both namespaces exactly as before; 9 refusals one line each, kernel's message shown"
