#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Directory uplinks over TLS: one etcd member serving https with client
# certificate authentication (a CA, a server and a client certificate made
# here with openssl); hosts A and B with directory-ca, directory-cert and
# directory-key find each other and their stations ping; host C with the CA
# but no client certificate is refused by etcd: its agent says etcd is not
# reachable, `uplink show` says so, and it never becomes a peer.
T_BR=xdtls
. "$(dirname "$0")/lib.sh"
. "$T_LIBDIR/lib_hosts.sh"
command -v etcd >/dev/null || t_skip "etcd not installed (Debian etcd-server)"
command -v openssl >/dev/null || t_skip "openssl not installed"
AGENT=${XBR_AGENT:-$(dirname "${XBR_REAL:-$XBR}")/xbr-agent}
[ -x "$AGENT" ] || t_fail "no agent binary at $AGENT"

P=$T_TMP/pki
mkdir -p "$P"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$P/$1.key" 2>/dev/null; }
# cert NAME CN EXT: a certificate for NAME.key signed by the CA.
cert() {
	key "$1" && openssl req -new -key "$P/$1.key" -subj "/CN=$2" -out "$P/$1.csr" 2>/dev/null &&
		printf '%s\n' "$3" >"$P/$1.ext" &&
		openssl x509 -req -in "$P/$1.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
			-days 1 -extfile "$P/$1.ext" -out "$P/$1.pem" 2>/dev/null
}
key ca && openssl req -x509 -new -key "$P/ca.key" -subj /CN=xbr-test-ca -days 1 -out "$P/ca.pem" 2>/dev/null &&
	cert srv e1 $'subjectAltName=IP:198.51.100.101\nextendedKeyUsage=serverAuth,clientAuth' &&
	cert cli xbr-agent 'extendedKeyUsage=clientAuth' || t_fail "openssl could not make the certificates"

host_add A 1
host_add B 2
host_add C 3
ip netns add e1 && ip link add ul-e1 type veth peer name eth0 netns e1 && ip link set ul-e1 master ul up &&
	ip -n e1 addr add 198.51.100.101/24 dev eth0 && ip -n e1 link set eth0 up && ip -n e1 link set lo up ||
	t_fail "cannot make etcd's namespace"
t_bg ip netns exec e1 etcd --name e1 --data-dir "$T_TMP/e1" \
	--listen-peer-urls http://198.51.100.101:2380 --initial-advertise-peer-urls http://198.51.100.101:2380 \
	--initial-cluster e1=http://198.51.100.101:2380 --initial-cluster-state new \
	--listen-client-urls https://198.51.100.101:2379 --advertise-client-urls https://198.51.100.101:2379 \
	--cert-file "$P/srv.pem" --key-file "$P/srv.key" --client-cert-auth --trusted-ca-file "$P/ca.pem" \
	--log-level error --logger zap >"$T_TMP/e1.log" 2>&1
healthy() {
	ip netns exec e1 etcdctl --endpoints https://198.51.100.101:2379 --cacert "$P/ca.pem" \
		--cert "$P/cli.pem" --key "$P/cli.key" --dial-timeout 1s endpoint health >/dev/null 2>&1
}
wait_until 30 healthy || t_fail "etcd (TLS) not healthy: $(tail -3 "$T_TMP/e1.log")"

URL=etcd://198.51.100.101:2379/xdtls
declare -A APID=()
i=0
for h in A B C; do
	i=$((i + 1))
	hmust "$h" "$XBR" -b "$T_BR" up --subnet 172.16.0.0/16 --gateway "172.16.$i.254" "${h,,}1"
	tls=(directory-ca "$P/ca.pem" directory-cert "$P/cli.pem" directory-key "$P/cli.key")
	[ "$h" = C ] && tls=(directory-ca "$P/ca.pem")
	hmust "$h" "$XBR" -b "$T_BR" uplink add vx vxlan id 7 local "198.51.100.$i" directory "$URL" "${tls[@]}"
	hbg "$h" "$AGENT" >"$T_TMP/agent-$h.log" 2>&1
	APID[$h]=$T_BG_PID
done
npeers() { hx "$1" -j uplink show | jq '.[0].peers | length'; }
has_peers() { [ "$(npeers "$1")" = "$2" ]; }
wait_until 10 has_peers A 1 || t_fail "A: $(npeers A) peers, not 1: $(tail -3 "$T_TMP/agent-A.log")"
wait_until 10 has_peers B 1 || t_fail "B: $(npeers B) peers, not 1: $(tail -3 "$T_TMP/agent-B.log")"
hassert_ping A a1 172.16.2.1 2
hassert_ping B b1 172.16.1.1 2
hjson A uplink show
jq_ok "$J" '.[0].directory | .tls and .connected and .endpoint == "198.51.100.101:2379"' "A: connected over TLS"

# C, without a client certificate: refused, said, never a peer.
wait_until 5 grep -q 'not reachable yet' "$T_TMP/agent-C.log" || t_fail "C's agent did not say etcd refused it: $(cat "$T_TMP/agent-C.log")"
hjson C uplink show
jq_ok "$J" '.[0].directory | .tls and .agent and (.connected | not) and .events.peers_added == 0' "C: not connected"
has_peers A 1 || t_fail "A took C (no client certificate) as a peer"
# Stopped; under the sanitizers (make check) any report is in their logs.
for h in A B C; do kill -TERM "${APID[$h]}"; done
for h in A B C; do wait "${APID[$h]}" 2>/dev/null; done
for h in A B C; do
	grep -q -E 'Sanitizer|runtime error' "$T_TMP/agent-$h.log" &&
		t_fail "agent $h: $(grep -m12 -E 'Sanitizer|runtime error|#[0-9] ' "$T_TMP/agent-$h.log" | tr '\n' ' ')"
done
t_pass "etcd over TLS with client certificates: A and B in step; C without a certificate refused"
