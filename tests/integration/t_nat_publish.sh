#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-timeout: 300
# Published ports (issue 12), with a namespace "out" as the outside network:
# an outside client reaches a station's TCP and UDP servers through the
# host's address, IPv4 and IPv6, and the station sees the client's own
# address (no proxy process); a 1,000-port range is one rule per family and
# 20 sampled ports of it work, also shifted to other station ports; hairpin
# (a station to its own and another's published port through the host's
# addresses); a port published on 127.0.0.1 works from the host and is
# refused from outside, also to a forged 127.0.0.1 destination (scapy), while
# the same probe reaches an ordinary publication; `publish del`, `port del`
# and `reload`; bad input is one line and changes nothing; a `publish add`
# killed at any netlink step leaves its rules whole or absent and the next
# command works; `down` leaves the ruleset as before.
T_BR=xnatpub
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nat.sh"

# Every tool this test needs, before any check runs: a missing one skips the
# whole test here, never a half-run.
for tool in strace ss; do
	command -v "$tool" >/dev/null 2>&1 || t_skip "tool '$tool' not installed (tools/deps.sh test)"
done
"$NAT_PY" -c 'import scapy.all' >/dev/null 2>&1 || t_skip "scapy not importable by $NAT_PY (apt-get install python3-scapy)"

X=("$XBR" -b "$T_BR")
T=xbr-$T_BR
# pub_rules COMMENT-PART: how many rules of the table carry a publication.
pub_rules() { nft list chain inet "$T" "${2:-pub}" | grep -c "comment \"xbr-pub $1 "; }

nat_outside
before=$(ruleset)
must timeout 30 "${X[@]}" up ns1 ns2
serve ns1 tcp 80 81
serve ns1 udp 53
serve ns2 tcp 80

# ---- TCP and UDP from outside, IPv4 and IPv6; the station sees the client ----
must "${X[@]}" publish add 8080 ns1:80
must "${X[@]}" publish add 5353 ns1:53 udp
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
assert_peer out tcp "$HOST6" 8080 "$OUT6" 80
assert_peer out udp "$HOST4" 5353 "$OUT4" 53
assert_peer out udp "$HOST6" 5353 "$OUT6" 53
# No proxy process: every process of this test's own network namespace (the
# host side, where a proxy would listen) that looks like one (except the
# test's own nat_peer.py servers) is collected here, in this shell (not in a
# pipeline's subshell, where t_fail would end only the subshell), then
# asserted on.
proxies=
for pid in $(pgrep --nslist net --ns $$ -f "nat_peer|socat|docker-proxy|$XBR_REAL"); do
	[ "$pid" != $$ ] || continue
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || continue
	case $cmd in *"nat_peer.py serve"* | "") ;; *) proxies+="[$pid] $cmd; " ;; esac
done
[ -z "$proxies" ] || t_fail "a proxy process runs: $proxies"
# ... and nothing on the host listens on the published ports.
listeners=$(ss -Hltun '( sport = :8080 or sport = :5353 )' 2>&1) || t_fail "ss failed: $listeners"
[ -z "$listeners" ] || t_fail "a socket listens on a published host port (a proxy): $listeners"

# ---- a range of 1,000 ports is one rule per family; 20 of them work ----
must "${X[@]}" publish add 10000-10999 ns2
[ "$(pub_rules "tcp \\* 10000-10999")" -eq 2 ] ||
	t_fail "publishing 10000-10999 made $(pub_rules "tcp \\* 10000-10999") rules, expected 2 (IPv4, IPv6)"
must "${X[@]}" publish add 0.0.0.0:20000-20999 ns2:30000-30999
[ "$(pub_rules "tcp 0.0.0.0 20000-20999")" -eq 1 ] ||
	t_fail "publishing 0.0.0.0:20000-20999 made $(pub_rules "tcp 0.0.0.0 20000-20999") rules, expected 1"
xjson publish show
jq_ok "$J" 'map(select(.host_port == 10000))[0] | .rules == 2 and .host_port_end == 10999 and .station == "ns2" and .host_addr == ""' \
	"publish show -j does not list 10000-10999 as 2 rules"
jq_ok "$J" 'map(select(.host_port == 20000))[0] | .rules == 1 and .station_port == 30000 and .station_port_end == 30999 and .host_addr == "0.0.0.0"' \
	"publish show -j does not list 0.0.0.0:20000-20999 -> ns2:30000-30999"
mapfile -t samples < <(echo 10000; echo 10999; shuf -i 10001-10998 -n 18)
serve ns2 tcp "${samples[@]}"
mapfile -t offs < <(echo 0; echo 999; shuf -i 1-998 -n 18)
mapfile -t shifted < <(for o in "${offs[@]}"; do echo $((30000 + o)); done)
serve ns2 tcp "${shifted[@]}"
for i in "${!samples[@]}"; do
	assert_peer out tcp "$HOST4" "${samples[$i]}" "$OUT4" "${samples[$i]}"
	assert_peer out tcp "$HOST4" $((20000 + ${offs[$i]})) "$OUT4" $((30000 + ${offs[$i]}))
done
assert_peer out tcp "$HOST6" "${samples[5]}" "$OUT6" "${samples[5]}"

# ---- hairpin: through the host's addresses, to another station and to itself ----
assert_peer ns2 tcp "$HOST4" 8080 172.16.1.254 80
assert_peer ns1 tcp "$HOST4" 8080 172.16.1.254 80
assert_peer ns2 tcp 172.16.1.254 8080 172.16.1.254 80
assert_peer ns2 tcp "$HOST6" 8080 fd00:172:16::ac10:1fe 80
assert_peer ns1 udp "$HOST4" 5353 172.16.1.254 53
# ... and from the host itself, on its own addresses and on localhost.
assert_peer "" tcp "$HOST4" 8080 "$HOST4" 80
assert_peer "" tcp 127.0.0.1 8080 172.16.1.254 80

# ---- loopback only: from the host yes, from outside never ----
must "${X[@]}" publish add 127.0.0.1:9090 ns1:81
assert_peer "" tcp 127.0.0.1 9090 172.16.1.254 81
assert_no_answer out tcp "$HOST4" 9090 "a 127.0.0.1 publication is reachable from outside"
assert_no_answer ns2 tcp "$HOST4" 9090 "a 127.0.0.1 publication is reachable from a station"
# Forged: a SYN to 127.0.0.1 sent to the host's MAC (Docker #45610 style).
hostmac=$(cat /sys/class/net/xo0/address)
probe=$(timeout 30 ip netns exec out "$NAT_PY" - "$hostmac" <<'EOF' 2>&1
import sys
from scapy.all import Ether, IP, TCP, srp1, conf
conf.verb = 0
def synack(dst, port):
    r = srp1(Ether(dst=sys.argv[1]) / IP(src="198.51.100.2", dst=dst) /
             TCP(sport=40000 + port % 1000, dport=port, flags="S"), iface="eth0", timeout=2)
    return "synack" if r is not None and TCP in r and (int(r[TCP].flags) & 0x12) == 0x12 else "none"
print(synack("198.51.100.1", 8080), synack("127.0.0.1", 9090), synack("127.0.0.1", 8080))
EOF
)
[ "$probe" = "synack none none" ] ||
	t_fail "forged probes from outside: '$probe', expected 'synack none none' (ordinary publication answers, 127.0.0.1 never)"

# ---- help, text output ----
must "${X[@]}" help publish
case $T_OUT in *"publish add [HOSTADDR:]PORT[-PORT]"*) ;; *) t_fail "help publish: $T_OUT" ;; esac
must "${X[@]}" publish show
grep -qx 'tcp 127.0.0.1:9090 -> ns1:81 host-only' <<<"$T_OUT" || t_fail "publish show does not list the loopback publication: $T_OUT"
grep -qx 'tcp \*:10000-10999 -> ns2:10000-10999' <<<"$T_OUT" || t_fail "publish show does not list the range: $T_OUT"

# ---- errors: one line, nothing changed ----
r0=$(ruleset)
expect_error "unknown station" '"ns9"' "${X[@]}" publish add 8081 ns9
expect_error "overlap" "8080" "${X[@]}" publish add 8000-8100 ns2
expect_error "overlap with a loopback one" "9090" "${X[@]}" publish add 9090 ns2
expect_error "IPv6 loopback" "::1" "${X[@]}" publish add "[::1]:8081" ns1
expect_error "not a host address" "198.51.100.77" "${X[@]}" publish add 198.51.100.77:8081 ns1
expect_error "uneven ranges" "ns1" "${X[@]}" publish add 8081-8082 ns1:80
expect_error "bad port" '"0"' "${X[@]}" publish add 0 ns1
expect_error "bad protocol" '"sctp"' "${X[@]}" publish add 8081 ns1 sctp
expect_error "not published" "8082" "${X[@]}" publish del 8082
expect_error "the batch refused" "8081" env XBR_FAULT=publish-add "${X[@]}" publish add 8081 ns1
serve "" tcp 7777
expect_error "a host program listens" "7777" "${X[@]}" publish add 7777 ns1
[ "$(ruleset)" = "$r0" ] || t_fail "a refused publish changed the ruleset"

# ---- publish-address: what is published without an address goes on it ----
must ip addr add 198.51.100.5/24 dev xo0
must "${X[@]}" -j set publish-address 198.51.100.5
jq_ok "$T_OUT" '.publish_address == "198.51.100.5" and .was == "any"' "set publish-address -j: $T_OUT"
must "${X[@]}" publish add 8300 ns1:80
assert_peer out tcp 198.51.100.5 8300 "$OUT4" 80
assert_no_answer out tcp "$HOST4" 8300 "publish-address 198.51.100.5: 8300 answered on $HOST4"
assert_no_answer out tcp "$HOST6" 8300 "publish-address 198.51.100.5: 8300 answered on $HOST6"
xjson publish show
jq_ok "$J" 'any(.[]; .host_port == 8300 and .host_addr == "198.51.100.5")' "8300 is not on the publish-address: $J"
xjson show
jq_ok "$J" '.publish_address == "198.51.100.5"' "show -j has no publish_address: $J"
must "${X[@]}" show
[[ $T_OUT == *" publish-address 198.51.100.5 "* ]] || t_fail "show does not say the publish-address: $T_OUT"
must "${X[@]}" publish del 8300 # without an address: the one on the publish-address
assert_no_answer out tcp 198.51.100.5 8300 "8300 deleted, still answers"
expect_error "bad publish-address" '"1.2.3"' "${X[@]}" set publish-address 1.2.3
must "${X[@]}" set publish-address any
xjson show
jq_ok "$J" 'has("publish_address") | not' "set publish-address any: show -j still has one: $J"
must ip addr del 198.51.100.5/24 dev xo0

# ---- reload keeps them; del removes one; port del removes a station's ----
must timeout 60 "${X[@]}" reload
assert_peer out tcp "$HOST4" 8080 "$OUT4" 80
must "${X[@]}" publish del 8080
assert_no_answer out tcp "$HOST4" 8080 "still published after publish del"
[ "$(pub_rules "tcp \\* 8080-8080")" -eq 0 ] || t_fail "publish del left rules behind"
must "${X[@]}" port del ns2
[ "$(nft list table inet "$T" | grep -c "xbr-pub.* ns2 ")" -eq 0 ] || t_fail "port del ns2 left its publications"
xjson publish show
jq_ok "$J" 'map(.station) | sort == ["ns1","ns1"]' "publish show after port del ns2"

# ---- killed publish add: the rules whole or absent, the next add works ----
# The traced runs without LeakSanitizer (make check's build): its exit-time
# leak check needs ptrace, which strace holds; ASan's other checks stay on.
NOLSAN=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
n=0
for sc in sendmsg recvmsg; do
	total=$("${NOLSAN[@]}" strace -f -o "$T_TMP/trace" -e trace=$sc "${X[@]}" publish add 6000 ns1 >/dev/null 2>&1 && grep -c "^[0-9]* *$sc(" "$T_TMP/trace")
	[ "${total:-0}" -gt 0 ] || t_fail "strace saw no $sc of publish add: cannot kill it at each step"
	must "${X[@]}" publish del 6000
	for k in $(seq 1 "${total:-0}"); do
		"${NOLSAN[@]}" strace -f -o /dev/null -e trace=$sc -e inject=$sc:signal=KILL:when=$k "${X[@]}" publish add 6000 ns1 >/dev/null 2>&1
		got=$(pub_rules "tcp \\* 6000-6000")
		[ "$got" -eq 0 ] || [ "$got" -eq 2 ] || t_fail "publish add killed at $sc #$k left $got rules (not 0 or 2)"
		t_run "${X[@]}" publish add 6000 ns1
		[ "$T_RC" -eq 0 ] || [ "$got" -eq 2 ] || t_fail "publish add after a kill at $sc #$k failed: $T_ERR"
		[ "$(pub_rules "tcp \\* 6000-6000")" -eq 2 ] || t_fail "after a kill at $sc #$k and a retry: not 2 rules"
		must "${X[@]}" publish del 6000
		n=$((n + 1))
	done
done
t_log "publish add killed at $n netlink steps"

must timeout 30 "${X[@]}" down
[ "$(ruleset)" = "$before" ] || t_fail "down changed the ruleset: $(ruleset | head -5 | tr '\n' '|')"
t_pass "TCP/UDP published from outside (IPv4, IPv6), 1000-port range = 1 rule per family, hairpin, loopback host-only, publish-address, del/port del/reload, errors, kills"
