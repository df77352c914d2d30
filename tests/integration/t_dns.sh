#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-timeout: 240
# Names answered by the bridge itself (issue 20; bpf/lib/dns.h): a station
# asks the gateway, whose datapath answers A, AAAA and PTR for the names of
# its ports (station names, `port add ... name` aliases) as NAME and
# NAME.BRIDGE; NXDOMAIN under the bridge's domain; other names go on to the
# host's resolver (here a resolver of the test's own in an "outside"
# namespace, 198.51.100.53, which /etc/resolv.conf of the test's mount
# namespace names). Stations get /etc/netns/NS/resolv.conf (gateway, search
# BRIDGE): getent and ping by name work. Two bridges never answer each
# other's names; names follow port add/del at once, survive reload and a
# mode switch; hostile queries are never answered wrongly and leave the
# datapath working; dns off leaves every query to the gateway.
T_BR=xdns
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || t_skip "tool 'python3' not installed (tools/deps.sh test)"
Q="python3 $T_REPO/tools/dns/dnsq.py"
GW=172.16.1.254

# ---- the outside: an upstream resolver the host's resolv.conf names ----
ip netns add xdns-out || t_fail "cannot add the outside namespace"
ip link add xdns-up type veth peer name eth0 netns xdns-out || t_fail "cannot add the outside veth"
ip addr add 198.51.100.1/24 dev xdns-up && ip link set xdns-up up || t_fail "outside veth (host end)"
ip -n xdns-out addr add 198.51.100.53/24 dev eth0 && ip -n xdns-out link set eth0 up &&
	ip -n xdns-out link set lo up || t_fail "outside veth (its end)"
UPLOG=$T_TMP/upstream.log
: >"$UPLOG"
t_bg ip netns exec xdns-out python3 "$T_LIBDIR/dns_upstream.py" 198.51.100.53 "$UPLOG" \
	outside.example=192.0.2.80
printf 'nameserver 198.51.100.53\n' >"$T_TMP/resolv.conf"
mount --bind "$T_TMP/resolv.conf" /etc/resolv.conf || t_fail "cannot bind-mount the test's resolv.conf"
cleanup_out() { ip netns del xdns-out 2>/dev/null; }
T_CLEANUP_HOOK=cleanup_out

must timeout 60 "$XBR" -b "$T_BR" up ns1 ns2
# The stations' resolver configuration.
r=$(cat /etc/netns/ns1/resolv.conf 2>/dev/null) || t_fail "no /etc/netns/ns1/resolv.conf"
case $r in *"nameserver $GW"*"search $T_BR"*) ;; *) t_fail "ns1's resolv.conf: $r" ;; esac

# q NS NAME [TYPE] [dnsq options]: the answer of the bridge's gateway, as JSON.
q() { local ns=$1; shift; ip netns exec "$ns" $Q "$GW" "$@"; }
answers() { jq_val "$1" '[.answers[] | "\(.type) \(.data)"] | join(",")'; }

# ---- by name, both address families, PTR ----
J=$(q ns1 ns2) || t_fail "dnsq failed"
jq_ok "$J" '.qr and .aa and .id_ok and .rcode == 0 and ([.answers[] | .type + " " + .data] == ["A 172.16.1.2"]) and .answers[0].ttl == 10' "A ns2"
J=$(q ns1 ns2.$T_BR AAAA)
jq_ok "$J" '.rcode == 0 and ([.answers[] | .type + " " + .data] == ["AAAA fd00:172:16::ac10:102"])' "AAAA ns2.$T_BR"
J=$(q ns1 NS2.${T_BR^^} ANY)
jq_ok "$J" '.rcode == 0 and .question == "NS2.XDNS" and ([.answers[].type] == ["A","AAAA"])' "ANY in capitals: both records, the question's case kept"
J=$(q ns1 2.1.16.172.in-addr.arpa PTR)
jq_ok "$J" ".rcode == 0 and ([.answers[] | .type + \" \" + .data] == [\"PTR ns2.$T_BR\"])" "PTR of 172.16.1.2"
J=$(q ns1 2.0.1.0.0.1.c.a.0.0.0.0.0.0.0.0.0.0.0.0.6.1.0.0.2.7.1.0.0.0.d.f.ip6.arpa PTR)
jq_ok "$J" ".rcode == 0 and ([.answers[] | .data] == [\"ns2.$T_BR\"])" "PTR of fd00:172:16::ac10:102"
J=$(q ns1 nobody.$T_BR)
jq_ok "$J" '.rcode == 3 and .aa and (.answers | length) == 0' "NXDOMAIN under the bridge's domain"
J=$(q ns1 9.9.16.172.in-addr.arpa PTR)
jq_ok "$J" '.rcode == 3' "NXDOMAIN for a PTR of the subnet nobody has"
J=$(q ns1 ns2 A --class 3)
jq_ok "$J" '.rcode == 5 and (.answers | length) == 0' "REFUSED for class CH"
J=$(q ns1 ns2 MX)
jq_ok "$J" '.rcode == 0 and (.answers | length) == 0' "NOERROR, no data, for MX of a known name"
# Over IPv6 to the gateway's IPv6 address.
J=$(ip netns exec ns1 $Q fd00:172:16::ac10:1fe ns2 AAAA)
jq_ok "$J" '.rcode == 0 and ([.answers[].data] == ["fd00:172:16::ac10:102"])' "AAAA asked over IPv6"
# The way users ask: glibc through /etc/netns/ns1/resolv.conf.
out=$(ip netns exec ns1 getent ahostsv4 ns2 | head -1)
case $out in "172.16.1.2 "*) ;; *) t_fail "getent ahostsv4 ns2: $out" ;; esac
out=$(ip netns exec ns1 getent hosts ns2.$T_BR)
case $out in "fd00:172:16::ac10:102"*"ns2.$T_BR"*) ;; *) t_fail "getent hosts ns2.$T_BR: $out" ;; esac
out=$(ip netns exec ns1 getent hosts 172.16.1.2)
case $out in "172.16.1.2"*"ns2.$T_BR"*) ;; *) t_fail "getent hosts 172.16.1.2 (PTR): $out" ;; esac
ip netns exec ns1 ping -4 -c 2 -W 2 ns2 >/dev/null || t_fail "ping -4 ns2 failed"
ip netns exec ns2 ping -6 -c 2 -W 2 ns1.$T_BR >/dev/null || t_fail "ping -6 ns1.$T_BR failed"
# None of it reached the upstream.
! grep -q "ns2\|in-addr\|ip6" "$UPLOG" || t_fail "a name of the bridge reached the upstream: $(tr '\n' ' ' <"$UPLOG")"

# ---- other names: the host's resolver ----
out=$(ip netns exec ns1 getent ahostsv4 outside.example | head -1)
case $out in "192.0.2.80 "*) ;; *) t_fail "getent outside.example (through the upstream): '$out'" ;; esac
grep -qx outside.example "$UPLOG" || t_fail "outside.example did not reach the upstream"
J=$(q ns1 nope.example)
jq_ok "$J" '.rcode == 3 and (.aa | not)' "an unknown outside name: the upstream's NXDOMAIN"
grep -qx nope.example "$UPLOG" || t_fail "nope.example did not reach the upstream"

# ---- names follow ports, at once ----
must "$XBR" -b "$T_BR" port add web1 name web name WWW
J=$(q ns1 www)
jq_ok "$J" '.rcode == 0 and ([.answers[].data] == ["172.16.1.3"])' "an alias answers as soon as port add returns"
out=$(ip netns exec ns2 getent ahostsv4 web | head -1)
case $out in "172.16.1.3 "*) ;; *) t_fail "getent web: $out" ;; esac
xjson dns
jq_ok "$J" "[.names[] | \"\(.name) \(.port) \(.alias)\"] == [\"ns1 ns1 false\",\"ns2 ns2 false\",\"web web1 true\",\"web1 web1 false\",\"www web1 true\"] and .domain == \"$T_BR\" and .dns" "xbr dns -j"
expect_error "alias taken" '"web"' "$XBR" -b "$T_BR" port add web2 name web
expect_error "alias not a label" '"a_b"' "$XBR" -b "$T_BR" port add web2 name a_b
expect_error "station name an alias" '"www"' "$XBR" -b "$T_BR" port add www
must "$XBR" -b "$T_BR" port del web1
J=$(q ns1 www.$T_BR)
jq_ok "$J" '.rcode == 3' "an alias is gone with its port"
J=$(q ns1 3.1.16.172.in-addr.arpa PTR)
jq_ok "$J" '.rcode == 3' "the PTR is gone with the port"

# ---- two bridges: neither answers the other's names ----
T_BRIDGES+=(xdns2)
must timeout 60 "$XBR" -b xdns2 up --subnet 10.99.0.0/16 --subnet6 none s3
J=$(ip netns exec s3 $Q 10.99.1.254 s3)
jq_ok "$J" '.rcode == 0 and ([.answers[].data] == ["10.99.1.1"])' "xdns2 answers its own station"
a0=$(xjson stats; jq_val "$J" '.dns.answered')
J=$(q ns1 s3.xdns2)
jq_ok "$J" '.rcode == 3 and (.aa | not)' "xdns2's name asked at xdns's gateway: not answered by the bridge (the upstream's NXDOMAIN)"
grep -qx s3.xdns2 "$UPLOG" || t_fail "s3.xdns2 did not go on to the upstream"
J=$(ip netns exec s3 $Q 10.99.1.254 ns1.$T_BR)
jq_ok "$J" '(.aa | not)' "xdns's name asked at xdns2's gateway: not answered by the bridge"
xjson stats
jq_ok "$J" ".dns.answered == $a0" "xdns answered a name of another bridge"

# ---- reload and mode switch keep the table ----
must "$XBR" -b "$T_BR" reload
jq_ok "$(q ns1 ns2)" '.rcode == 0 and .aa' "after reload"
other=xdp; [ "$XBR_MODE" = xdp ] && other=tc
must "$XBR_REAL" -b "$T_BR" set mode $other
jq_ok "$(q ns1 ns2)" '.rcode == 0 and .aa and ([.answers[].data] == ["172.16.1.2"])' "after set mode $other"
must "$XBR_REAL" -b "$T_BR" set mode "$XBR_MODE"

# ---- the gateway's MAC out of the table (as after an idle ageing time):
# the query floods, and is still the bridge's to answer ----
gwmac=$(station_mac $GW)
must "$XBR" -b "$T_BR" fdb del "$gwmac"
J=$(q ns1 ns2)
jq_ok "$J" '.aa and .rcode == 0 and ([.answers[].data] == ["172.16.1.2"])' "a query while the gateway's MAC is unknown"

# ---- hostile queries: dropped, forwarded or answered right; never wrong ----
xjson stats
ans0=$(jq_val "$J" '.dns.answered')
hdr=5a5a01000001000000000000
raw() { ip netns exec ns1 $Q "$GW" x --timeout 1 --raw "$1"; }
# truncated: header only, name cut, type/class cut
for m in 5a5a0100 ${hdr} ${hdr}036e73 ${hdr}036e733200 ${hdr}036e73320000; do
	J=$(raw "$m")
	jq_ok "$J" '(.aa // false) | not' "truncated query $m answered by the bridge"
done
# a compression pointer to itself, and one to the header
for m in ${hdr}c00c00010001 ${hdr}036e7332c00000010001; do
	J=$(raw "$m")
	jq_ok "$J" '(.aa // false) | not' "pointer query $m answered by the bridge"
done
# 255-byte name of 63-byte labels, and a name of 40 one-byte labels
long=$(printf '3f%s' "$(printf '61%.0s' $(seq 63))")
m=$hdr$long$long$long${long:0:122}0000010001
J=$(raw "$m")
jq_ok "$J" '(.aa // false) | not' "a 255-byte name answered by the bridge"
m=$hdr$(printf '0161%.0s' $(seq 40))0000010001
J=$(raw "$m")
jq_ok "$J" '(.aa // false) | not' "a 40-label name answered by the bridge"
# 100 questions; a response; opcode 2; extended label type 0x41
for m in 5a5a01000064000000000000036e73320000010001 5a5a81000001000000000000036e73320000010001 \
	5a5a11000001000000000000036e73320000010001 ${hdr}41616100010001; do
	J=$(raw "$m")
	jq_ok "$J" '(.aa // false) | not' "query $m answered by the bridge"
done
# with an EDNS OPT record: answered, without it
J=$(raw ${hdr%0000}0001036e73320000010001000029100000000000000000)
jq_ok "$J" '.aa and .rcode == 0 and .counts == [1,1,0,0] and ([.answers[].data] == ["172.16.1.2"])' "a query with EDNS"
xjson stats
jq_ok "$J" ".dns.answered == $((ans0 + 1))" "answered counter after the hostile queries (only the EDNS one)"
assert_ping ns1 172.16.1.2 3

# ---- dns off: every query reaches the gateway untouched ----
must "$XBR" -b "$T_BR" set dns off
J=$(q ns1 ns2 --timeout 1)
jq_ok "$J" '.timeout or (.aa | not)' "dns off: answered by the bridge"
xjson show
jq_ok "$J" '.dns == false' "show -j: dns false"
must "$XBR" -b "$T_BR" set dns on
jq_ok "$(q ns1 ns2)" '.aa and .rcode == 0' "dns on again"
xjson stats
jq_ok "$J" '.dns.answered > 10 and .dns.nxdomain >= 4 and .dns.refused == 1 and .dns.forwarded >= 3' "dns counters"

# ---- down: the stations' resolv.conf goes with them ----
must "$XBR" -b xdns2 down
must "$XBR" -b "$T_BR" down
[ -z "$(ls -A /etc/netns)" ] || t_fail "left in /etc/netns: $(ls -A /etc/netns)"
t_pass "A/AAAA/ANY/PTR (v4, v6) by name and NAME.$T_BR, NXDOMAIN/REFUSED/NODATA, getent and ping by name, outside names through the host's resolver, aliases follow port add/del, two bridges apart, reload and mode switch keep names, hostile queries never answered wrongly, dns off/on, resolv.conf removed ($XBR_MODE)"
