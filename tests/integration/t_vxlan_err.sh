#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Bad uplink input, one host (the test's namespace, an underlay veth with
# 198.51.100.1/24 and 2001:db8::1/64): each refusal is one line naming the
# uplink or the value, exit status non-zero, and links, pins, addresses and
# MTUs exactly as they were. Covers: syntax (no id, VNI out of range, no
# remote, a bad address, dstport 0, a bad name), a local address not on this
# host, a peer of the other family, twice the same peer, the local address as
# a peer, an unknown dev, a name taken, the UDP port taken by another
# bridge's uplink, and failures injected after the device was made
# (XBR_FAULT=uplink-vxlan, uplink-peers): undone, MTU back to 1500.
T_BR=xvxe
. "$(dirname "$0")/lib.sh"

ip link add ul0 type veth peer name ul1 && ip link set ul0 up && ip link set ul1 up &&
	ip addr add 198.51.100.1/24 dev ul0 && ip addr add 2001:db8::1/64 dev ul0 nodad ||
	t_fail "cannot make the underlay veth"
must timeout 30 "$XBR" -b "$T_BR" up ns1
T_BRIDGES+=(xvxe2)

add() { echo timeout 30 "$XBR" -b "$T_BR" uplink add "$@"; }
L=(local 198.51.100.1)
R=(remote 198.51.100.2)
expect_error "no id" '"u1"' $(add u1 vxlan "${L[@]}" "${R[@]}")
expect_error "VNI too big" '16777216' $(add u1 vxlan id 16777216 "${L[@]}" "${R[@]}")
expect_error "no remote" '"u1"' $(add u1 vxlan id 1 "${L[@]}")
expect_error "no local" '"u1"' $(add u1 vxlan id 1 "${R[@]}")
expect_error "not vxlan" 'geneve' $(add u1 geneve id 1 "${L[@]}" "${R[@]}")
expect_error "bad remote" '198.51.100.300' $(add u1 vxlan id 1 "${L[@]}" remote 198.51.100.300)
expect_error "multicast remote" '239.1.1.1' $(add u1 vxlan id 1 "${L[@]}" remote 239.1.1.1)
expect_error "dstport 0" 'dstport' $(add u1 vxlan id 1 "${L[@]}" "${R[@]}" dstport 0)
expect_error "bad name" 'u/1' $(add u/1 vxlan id 1 "${L[@]}" "${R[@]}")
expect_error "name too long" 'abcdefghijklmnop' $(add abcdefghijklmnop vxlan id 1 "${L[@]}" "${R[@]}")
expect_error "local not ours" '198.51.100.9' $(add u1 vxlan id 1 local 198.51.100.9 "${R[@]}")
expect_error "peer of the other family" '2001:db8::2' $(add u1 vxlan id 1 "${L[@]}" remote 2001:db8::2)
expect_error "same peer twice" '198.51.100.2' $(add u1 vxlan id 1 "${L[@]}" "${R[@]}" "${R[@]}")
expect_error "local as peer" '198.51.100.1' $(add u1 vxlan id 1 "${L[@]}" remote 198.51.100.1)
expect_error "unknown dev" 'nosuchdev' $(add u1 vxlan id 1 "${L[@]}" "${R[@]}" dev nosuchdev)
expect_error "name of a station" '"ns1"' $(add ns1 vxlan id 1 "${L[@]}" "${R[@]}")
XBR_FAULT=uplink-vxlan expect_error "fault: vxlan device" '"u1"' $(add u1 vxlan id 1 "${L[@]}" "${R[@]}")
XBR_FAULT=uplink-peers expect_error "fault: peers" '"u1"' $(add u1 vxlan id 1 "${L[@]}" "${R[@]}")
m=$(ip netns exec ns1 ip -j link show eth0 | jq -r '.[0].mtu')
[ "$m" = 1500 ] || t_fail "ns1 eth0 MTU $m after failed uplink adds, expected 1500"
expect_error "del of no uplink" '"u1"' timeout 30 "$XBR" -b "$T_BR" uplink del u1
expect_error "peer add to no uplink" '"u1"' timeout 30 "$XBR" -b "$T_BR" uplink peer add u1 198.51.100.2

# The UDP port is the host's: a second bridge's uplink needs another one.
must timeout 30 "$XBR" -b "$T_BR" uplink add u1 vxlan id 1 "${L[@]}" "${R[@]}"
expect_error "uplink twice" '"u1"' $(add u1 vxlan id 2 "${L[@]}" "${R[@]}")
must timeout 30 "$XBR" -b xvxe2 up --subnet 10.77.0.0/16 --gateway 10.77.1.254 e1
expect_error "UDP port taken" '4789' timeout 30 "$XBR" -b xvxe2 uplink add u2 vxlan id 2 "${L[@]}" "${R[@]}"
must timeout 30 "$XBR" -b xvxe2 uplink add u2 vxlan id 2 "${L[@]}" "${R[@]}" dstport 4790
expect_error "peer twice" '198.51.100.2' timeout 30 "$XBR" -b "$T_BR" uplink peer add u1 198.51.100.2
expect_error "peer del of no peer" '198.51.100.3' timeout 30 "$XBR" -b "$T_BR" uplink peer del u1 198.51.100.3
expect_error "spoof-check on an uplink" 'u1' timeout 30 "$XBR" -b "$T_BR" port set u1 spoof-check on
must timeout 30 "$XBR" -b xvxe2 down
ip link show xvxe2-u2 >/dev/null 2>&1 && t_fail "down left xvxe2-u2"
# port del of an uplink is uplink del (peers and MTU go too).
must timeout 30 "$XBR" -b "$T_BR" port del u1
ip link show "$T_BR-u1" >/dev/null 2>&1 && t_fail "port del left $T_BR-u1"
m=$(ip netns exec ns1 ip -j link show eth0 | jq -r '.[0].mtu')
[ "$m" = 1500 ] || t_fail "ns1 eth0 MTU $m after port del of the uplink, expected 1500"
xjson uplink
jq_ok "$J" 'length == 0' "uplinks after port del"
t_pass "bad uplink input refused in one line with nothing changed; injected faults undone; UDP port clash named; port del of an uplink"
