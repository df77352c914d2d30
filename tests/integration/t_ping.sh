#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The default lab: `xbr up` with no namespace arguments makes ns1
# (172.16.1.1/16) and ns2 (172.16.1.2/16) behind gateway 172.16.1.254.
# Both namespaces ping each other with 0% loss, each pings the gateway, the
# gateway side pings both; `show` describes exactly that lab.
T_BR=xping
. "$(dirname "$0")/lib.sh"

must timeout 30 "$XBR" -b "$T_BR" up
case $T_OUT in
"bridge $T_BR up: 2 namespaces, gateway 172.16.1.254 on $T_BR") ;;
*) t_fail "unexpected output of up: $T_OUT" ;;
esac

# Inside each namespace: eth0 up with the station MAC and address, default
# route via the gateway.
for i in 1 2; do
	ns=ns$i addr=172.16.1.$i
	l=$(ip -n "$ns" -j link show eth0) || t_fail "$ns has no eth0"
	jq_ok "$l" ".[0].address == \"$(station_mac $addr)\"" "$ns eth0 MAC is not the station MAC"
	jq_ok "$l" '.[0].flags | index("UP") != null' "$ns eth0 is not up"
	a=$(ip -n "$ns" -j -4 addr show dev eth0)
	jq_ok "$a" "[.[0].addr_info[] | \"\\(.local)/\\(.prefixlen)\"] == [\"$addr/16\"]" "$ns eth0 address"
	r=$(ip -n "$ns" -j -4 route show default)
	jq_ok "$r" '.[0].gateway == "172.16.1.254" and .[0].dev == "eth0"' "$ns default route"
	# The host-side port carries the tc program.
	f=$(tc -j filter show dev "$T_BR-$ns" ingress)
	jq_ok "$f" '[.[] | select(.options.bpf_name != null)] | length >= 1' "no BPF filter on $T_BR-$ns ingress"
done
f=$(tc -j filter show dev "$T_BR-gw" ingress)
jq_ok "$f" '[.[] | select(.options.bpf_name != null)] | length >= 1' "no BPF filter on $T_BR-gw ingress"
a=$(ip -j -4 addr show dev "$T_BR")
jq_ok "$a" '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] == ["172.16.1.254/16"]' "gateway address on $T_BR"

# The datapath: both ways, each to the gateway, the gateway to each.
assert_ping ns1 172.16.1.2 5
assert_ping ns2 172.16.1.1 5
assert_ping ns1 172.16.1.254 3
assert_ping ns2 172.16.1.254 3
assert_ping "" 172.16.1.1 3
assert_ping "" 172.16.1.2 3

# show: gateway first, then ns1, ns2, with their addresses and flags.
xjson show
jq_ok "$J" ".bridge == \"$T_BR\" and .mode == \"$XBR_MODE\" and .subnet == \"172.16.0.0/16\" and .gateway == \"172.16.1.254\" and .ageing == 300 and .fdb_size == 65536" "show: bridge fields"
jq_ok "$J" '.ports | length == 3' "show: three ports"
jq_ok "$J" ".ports[0] | .ifname == \"$T_BR-gw\" and .netns == \"\" and .addr == \"172.16.1.254\" and (.flags | index(\"gateway\") != null)" "show: gateway port first"
jq_ok "$J" ".ports[1] | .ifname == \"$T_BR-ns1\" and .netns == \"ns1\" and .addr == \"172.16.1.1\" and .prefixlen == 16 and .mac == \"0a:58:ac:10:01:01\" and .flags == [\"learning\",\"flood\",\"neigh-suppress\"]" "show: ns1 port"
jq_ok "$J" ".ports[2] | .ifname == \"$T_BR-ns2\" and .netns == \"ns2\" and .addr == \"172.16.1.2\" and .mac == \"0a:58:ac:10:01:02\"" "show: ns2 port"
jq_ok "$J" "[.ports[].ifindex] == [$(cat /sys/class/net/$T_BR-gw/ifindex),$(cat /sys/class/net/$T_BR-ns1/ifindex),$(cat /sys/class/net/$T_BR-ns2/ifindex)]" "show: ifindexes match the links"

t_pass "ns1<->ns2 and both<->gateway 0% loss; eth0 MAC/address/route, tc filters and show are right"
