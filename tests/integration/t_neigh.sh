#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# neigh-suppress (on by default): an ARP request, and an IPv6 neighbour
# solicitation, from ns1 for a station the bridge knows (ns2) is answered by
# the bridge with ns2's MAC and reaches no other port (a witness, ns3,
# captures none), counted in stats (arp_replied, nd_replied); ping works.
# `port set ns2 neigh-suppress off` floods the requests for ns2 again (the
# witness sees them); `set neigh-suppress off` turns it off on every port and
# as the default; `up --neigh-suppress off` makes a bridge without it.
T_BR=xneigh
. "$(dirname "$0")/lib.sh"
command -v tcpdump >/dev/null || t_skip "tcpdump not installed"

must timeout 30 "$XBR" -b "$T_BR" up ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16
m2=$(station_mac 172.16.1.2)
ip6_2=fd00:172:16::ac10:102
xjson show
jq_ok "$J" '.neigh_suppress == true and ([.ports[] | .flags | index("neigh-suppress") != null] | all)' \
	"show: neigh-suppress is not the default on every port"

# The bridge knows ns2 once it has spoken.
assert_ping ns2 172.16.1.254 1
assert_ping ns2 $ip6_2 1 # its own address: nothing leaves, but DAD and RS did

# witness FILE: capture ARP and neighbour solicitations for ns2 in ns3.
witness() {
	rm -f "$T_TMP/ready.$1"
	t_bg ip netns exec ns3 timeout 20 tcpdump -Z root -i eth0 -nn -U --immediate-mode -s 128 -c 200 -w "$T_TMP/$1" \
		"(arp and arp[24:4] = 0xac100102) or (icmp6 and ip6[40] = 135)" 2>"$T_TMP/$1.err"
	W_PID=$T_BG_PID
	wait_until 10 grep -q 'listening on' "$T_TMP/$1.err" || t_fail "tcpdump in ns3 did not start: $(cat "$T_TMP/$1.err")"
}
witness_stop() {
	cap_settle "$T_TMP/$1"
	kill -TERM "$W_PID" 2>/dev/null
	wait "$W_PID" 2>/dev/null
	NARP=$(tcpdump -nn -r "$T_TMP/$1" arp 2>/dev/null | wc -l)
	NNS=$(tcpdump -nn -r "$T_TMP/$1" icmp6 2>/dev/null | grep -c "who has $ip6_2")
}
# ask: ns1 forgets ns2 and pings it over IPv4 and IPv6 (an ARP request and a
# neighbour solicitation go out first: broadcast/multicast, never a unicast
# probe to a MAC the flushed entry might keep).
ask() {
	ip netns exec ns1 sysctl -qw net.ipv4.neigh.eth0.ucast_solicit=0 net.ipv6.neigh.eth0.ucast_solicit=0
	ip -n ns1 neigh flush dev eth0
	assert_ping ns1 172.16.1.2 2
	assert_ping ns1 $ip6_2 2
	l=$(ip -n ns1 -j neigh show 172.16.1.2 dev eth0)
	jq_ok "$l" ".[0].lladdr == \"$m2\"" "ns1 resolved 172.16.1.2 to the wrong MAC"
}

xjson stats
arp0=$(jq_val "$J" .fdb.arp_replied) nd0=$(jq_val "$J" .fdb.nd_replied)
witness on.pcap
ask
witness_stop on.pcap
[ "$NARP" -eq 0 ] || t_fail "neigh-suppress on: the witness saw $NARP ARP requests for ns2"
[ "$NNS" -eq 0 ] || t_fail "neigh-suppress on: the witness saw $NNS solicitations for ns2"
xjson stats
jq_ok "$J" ".fdb.arp_replied > $arp0 and .fdb.nd_replied > $nd0" "stats: no ARP/ND answered by the bridge"
arp1=$(jq_val "$J" .fdb.arp_replied)

# Off on ns2's port: the requests for ns2 flood again.
must xbr port set ns2 neigh-suppress off
xjson show
jq_ok "$J" '.ports[] | select(.netns == "ns2") | .flags | index("neigh-suppress") == null' "port set ns2 neigh-suppress off: still on"
witness off.pcap
ask
witness_stop off.pcap
[ "$NARP" -ge 1 ] || t_fail "neigh-suppress off on ns2: the witness saw no ARP request for ns2 ($(tcpdump -nn -r "$T_TMP/off.pcap" 2>&1 | head -5 | tr '\n' '|') $(tail -2 "$T_TMP/off.pcap.err"))"
[ "$NNS" -ge 1 ] || t_fail "neigh-suppress off on ns2: the witness saw no solicitation for ns2"
xjson stats
jq_ok "$J" ".fdb.arp_replied == $arp1" "neigh-suppress off on ns2: the bridge still answered ARP"

# Bridge-wide: off everywhere and as the default; on again.
must xbr set neigh-suppress off
must xbr port add ns4 172.16.1.4/16
xjson show
jq_ok "$J" '.neigh_suppress == false and ([.ports[] | .flags | index("neigh-suppress") == null] | all)' "set neigh-suppress off: a port still has it"
must xbr set neigh-suppress on
xjson show
jq_ok "$J" '.neigh_suppress == true and ([.ports[] | .flags | index("neigh-suppress") != null] | all)' "set neigh-suppress on: a port lacks it"
expect_error "set neigh-suppress maybe" "neigh-suppress" "$XBR" -b "$T_BR" set neigh-suppress maybe
expect_error "port set neigh-suppress maybe" "neigh-suppress" "$XBR" -b "$T_BR" port set ns2 neigh-suppress maybe

# A bridge made without it.
must xbr down
must timeout 30 "$XBR" -b "$T_BR" up --neigh-suppress off ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16
xjson show
jq_ok "$J" '.neigh_suppress == false and ([.ports[] | .flags | index("neigh-suppress") == null] | all)' "up --neigh-suppress off: a port has it"
assert_ping ns2 172.16.1.254 1
witness up-off.pcap
ask
witness_stop up-off.pcap
[ "$NARP" -ge 1 ] || t_fail "up --neigh-suppress off: the witness saw no ARP request for ns2 ($(tcpdump -nn -r "$T_TMP/up-off.pcap" 2>&1 | head -5 | tr '\n' '|') $(tail -2 "$T_TMP/up-off.pcap.err" | tr '\n' '|'))"
expect_error "up --neigh-suppress sometimes" "neigh-suppress" "$XBR" -b xneigh2 up --neigh-suppress sometimes

t_pass "ARP and ND for a known station answered by the bridge (stats +$((arp1 - arp0)) ARP), none reached a witness; port off, bridge off and up --neigh-suppress off flood them"
