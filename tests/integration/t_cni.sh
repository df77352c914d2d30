#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The CNI plugin by itself, driven as a runtime drives it: CNI_* variables,
# the network configuration on stdin, host-local as IPAM (private dataDir).
# - DEL before anything exists succeeds and leaves the host untouched.
# - For each accepted cniVersion: ADD (result shaped for that version, the
#   address and routes inside, the port in `xbr show` with its container ID,
#   the gateway answers), CHECK (0.4.0 on; code 1 before), DEL (port, lease and
#   interface gone).
# - Two containers reach each other; `xbr fdb` tags their MACs with the IDs.
# - CHECK notices a missing address and a missing port.
# - DEL twice, DEL without ADD, DEL after the namespace vanished: all succeed.
# - Errors: malformed JSON (6), unknown cniVersion (1), missing CNI_NETNS (4),
#   a path that is not a namespace (4), a namespace that does not exist (3), a
#   failing IPAM plugin (its code, 11), an IPAM subnet that is not the
#   bridge's (7), a route the kernel refuses after the port was made (999;
#   also on a bridge that ADD created): each an error object on stdout, exit
#   1, nothing left behind (links, namespaces, pins, routes, addresses,
#   leases, the bridge).
# - 8 parallel ADDs get 8 distinct working ports; GC (1.1.0) removes the
#   port and lease of a vanished container and keeps live ones; STATUS.
# - Dual stack: an IPv6 range gets its address and route inside, and its
#   gateway on the bridge's gateway interface answers.
# - icc false, mtu and macspoofchk on a bridge the plugin makes: containers
#   reach the gateway, not each other; MTU on both ends; spoof-check on; a
#   network asking icc false on a bridge with icc on is refused (7).
# - Chained after xbr as libcni runs a conflist: tuning (sysctl, MTU),
#   portmap (the gateway's port 8080 reaches the container's 80), firewall
#   (rules for the container's address); xbr's CHECK passes on the chain's
#   final result; DEL in reverse removes their rules and the port.
# - Everything removed and `xbr down`: the host is as it was at the start.
T_BR=xcni
[ -n "${T_TRACE:-}" ] && exec 9>>"$T_TRACE" && BASH_XTRACEFD=9 && set -x
. "$(dirname "$0")/lib.sh"

CNI_BIN=${XBR_CNI:-$(dirname "$XBR_REAL")/xbr-cni}
[ -x "$CNI_BIN" ] || t_fail "$CNI_BIN is missing: run make"
[ -x /usr/lib/cni/host-local ] ||
	t_skip "containernetworking-plugins is not installed (tools/deps.sh test)"
command -v iptables >/dev/null || t_fail "iptables is missing (portmap and firewall run it): tools/deps.sh test"
command -v python3 >/dev/null || t_fail "python3 is missing: tools/deps.sh test"

# portmap and firewall take iptables' lock file in /run: kept in the test.
t_overlay /run
BIN=$T_TMP/cni-bin
IPAMDIR=$T_TMP/ipam
mkdir -p "$BIN" "$IPAMDIR"
ln -s "$CNI_BIN" "$BIN/xbr"
for p in host-local static tuning portmap firewall; do ln -s /usr/lib/cni/$p "$BIN/$p"; done
# An IPAM plugin that refuses, the way a plugin reports an error.
cat >"$BIN/ipam-fail" <<'EOF'
#!/bin/sh
cat >/dev/null
echo '{"cniVersion":"1.0.0","code":11,"msg":"no leases now","details":"try later"}'
exit 1
EOF
chmod +x "$BIN/ipam-fail"

SUBNET=10.79.0.0/24
GW=10.79.0.1

# conf VERSION [JQ-EXPR]: the network configuration, changed by JQ-EXPR.
conf() {
	jq -nc --arg v "$1" --arg br "$T_BR" --arg mode "$XBR_MODE" --arg dir "$IPAMDIR" \
		--arg subnet "$SUBNET" '{cniVersion: $v, name: "tnet", type: "xbr", bridge: $br,
		mode: $mode, isDefaultGateway: true,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: $subnet}]]}} | '"${2:-.}"
}

# cni CMD CONF CID NETNS [IFNAME]: run the plugin; T_OUT, T_ERR, T_RC.
cni() {
	local cmd=$1 cf=$2 cid=$3 ns=$4 ifn=${5-eth0}
	printf '%s' "$cf" >"$T_TMP/conf.json"
	t_run timeout 30 env CNI_COMMAND="$cmd" CNI_CONTAINERID="$cid" CNI_NETNS="$ns" \
		CNI_IFNAME="$ifn" CNI_PATH="$BIN" "$BIN/${PLUGIN:-xbr}" <"$T_TMP/conf.json"
}

must_cni() {
	cni "$@"
	[ "$T_RC" -eq 0 ] || t_fail "$1 ${3}: exit $T_RC: $T_OUT $T_ERR"
	if [ -n "$T_OUT" ]; then
		printf '%s' "$T_OUT" | jq -e . >/dev/null 2>&1 || t_fail "$1 $3 printed invalid JSON: $T_OUT"
	fi
}

# state FILE: the snapshot of lib.sh and the IPAM leases. A namespace's id
# (`ip netns list` shows "(id: N)") is the kernel's note that a veth once
# linked it to ours; it stays for the namespace's life and is left out.
state() {
	snapshot "$1"
	sed -i -E 's/ \(id: [0-9]+\)$//' "$1"
	ls -R "$IPAMDIR" >>"$1"
}

# expect_cni CODE WHAT CMD CONF CID NETNS: fails with error object CODE and
# leaves links, namespaces, pins, routes, addresses and leases as they were.
expect_cni() {
	local code=$1 what=$2
	shift 2
	state "$T_TMP/snap.before"
	cni "$@"
	[ "$T_RC" -ne 0 ] || t_fail "$what: exit status 0, expected error $code"
	jq_ok "$T_OUT" ".code == $code and (.msg | length > 0) and (.cniVersion | type == \"string\")" \
		"$what: expected an error object with code $code"
	state "$T_TMP/snap.now"
	diff -u "$T_TMP/snap.before" "$T_TMP/snap.now" >"$T_TMP/snap.diff" ||
		t_fail "$what: state changed: $(grep -E '^[-+][^-+]' "$T_TMP/snap.diff" | head -8 | tr '\n' ' ')"
}

# Lease files of host-local (named by address) in the network's directory.
leases() {
	local f
	for f in "$IPAMDIR"/tnet/*; do
		f=${f##*/}
		[[ $f =~ ^[0-9a-f.:]+$ ]] && echo "$f"
	done | sort
}

# has_lease ADDR: host-local holds a lease for ADDR (no pipe into grep -q:
# with pipefail its early exit would fail the pipeline).
has_lease() { grep -qx "$1" <<<"$(leases)"; }

# The address of the container interface in an ADD result.
result_addr() { jq_val "$1" '.ips[0].address | split("/")[0]'; }

port_of() { # CID: the show entry of its port, "" if none
	xjson show
	jq_val "$J" ".ports[] | select(.owner == \"$1\") | .ifname"
}

snapshot "$T_TMP/snap.start"

# ---- DEL before anything exists ----
ip netns add c0
expect_cni_ok_del() {
	snapshot "$T_TMP/snap.b"
	must_cni DEL "$(conf 1.0.0)" "$@"
	[ -z "$T_OUT" ] || t_fail "DEL printed: $T_OUT"
	snapshot "$T_TMP/snap.a"
	diff -q "$T_TMP/snap.b" "$T_TMP/snap.a" >/dev/null || t_fail "DEL of nothing changed the host"
}
expect_cni_ok_del nothing0 /run/netns/c0
[ -e /sys/fs/bpf/xbr ] && t_fail "DEL without ADD created pins"

# ---- ADD / CHECK / DEL per version ----
for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
	cid=ctr${v//./}
	ip netns add "v$cid"
	ns=/run/netns/v$cid
	must_cni ADD "$(conf "$v")" "$cid" "$ns"
	R=$T_OUT
	jq_ok "$R" ".cniVersion == \"$v\"" "ADD $v: result cniVersion"
	jq_ok "$R" '.interfaces[.ips[0].interface] | .name == "eth0"' "ADD $v: ips[0].interface is not eth0"
	jq_ok "$R" ".interfaces[.ips[0].interface].sandbox == \"$ns\"" "ADD $v: sandbox"
	jq_ok "$R" "[.interfaces[] | select(.sandbox == null)] | length == 2" "ADD $v: host interfaces"
	jq_ok "$R" ".ips[0].gateway == \"$GW\" and (.ips[0].address | startswith(\"10.79.0.\"))" "ADD $v: ips"
	jq_ok "$R" ".routes == [{\"dst\": \"0.0.0.0/0\", \"gw\": \"$GW\"}]" "ADD $v: routes"
	if [ "$v" = 1.0.0 ] || [ "$v" = 1.1.0 ]; then
		jq_ok "$R" '.ips | all(has("version") | not)' "ADD $v: ips carry version"
	else
		jq_ok "$R" '.ips[0].version == "4"' "ADD $v: ips lack version \"4\""
	fi
	addr=$(result_addr "$R")
	mac=$(ip -n "v$cid" -j link show eth0 | jq -r '.[0].address')
	jq_ok "$R" ".interfaces[2].mac == \"$mac\"" "ADD $v: result MAC is not eth0's $mac"
	grep -q "inet $addr/24" <<<"$(ip -n "v$cid" -o -4 addr show dev eth0)" || t_fail "ADD $v: $addr not on eth0"
	grep -q "via $GW dev eth0" <<<"$(ip -n "v$cid" route show default)" || t_fail "ADD $v: no default route"
	[ -n "$(port_of "$cid")" ] || t_fail "ADD $v: xbr show has no port owned by $cid"
	has_lease "$addr" || t_fail "ADD $v: no lease for $addr"
	assert_ping "v$cid" "$GW" 2

	chk=$(printf '%s' "$R" | jq -c 'del(.cniVersion)')
	if [ "$v" = 0.3.0 ] || [ "$v" = 0.3.1 ]; then
		cni CHECK "$(conf "$v" ".prevResult = $chk")" "$cid" "$ns"
		jq_ok "$T_OUT" '.code == 1' "CHECK $v must be refused with code 1"
	else
		must_cni CHECK "$(conf "$v" ".prevResult = $chk")" "$cid" "$ns"
	fi

	must_cni DEL "$(conf "$v")" "$cid" "$ns"
	[ -z "$(port_of "$cid")" ] || t_fail "DEL $v: port of $cid remains"
	has_lease "$addr" && t_fail "DEL $v: lease $addr remains"
	ip -n "v$cid" link show eth0 >/dev/null 2>&1 && t_fail "DEL $v: eth0 remains in the namespace"
	ip netns del "v$cid"
done

# ---- two containers; fdb tags; CHECK finds breakage ----
ip netns add c1
ip netns add c2
must_cni ADD "$(conf 1.0.0)" c1id /run/netns/c1
R1=$T_OUT
must_cni ADD "$(conf 1.0.0)" c2id /run/netns/c2
R2=$T_OUT
a1=$(result_addr "$R1")
a2=$(result_addr "$R2")
[ "$a1" != "$a2" ] || t_fail "two containers got the same address $a1"
assert_ping c1 "$a2" 2
assert_ping c2 "$a1" 2
xjson fdb
for pair in "c1id $R1" "c2id $R2"; do
	id=${pair%% *}
	mac=$(jq_val "${pair#* }" '.interfaces[2].mac')
	jq_ok "$J" "any(.[]; .mac == \"$mac\" and .owner == \"$id\")" "fdb: $mac not tagged with $id"
done

chk=$(printf '%s' "$R1" | jq -c 'del(.cniVersion)')
ip -n c1 addr del "$a1/24" dev eth0
cni CHECK "$(conf 1.0.0 ".prevResult = $chk")" c1id /run/netns/c1
[ "$T_RC" -ne 0 ] || t_fail "CHECK passed although $a1 was removed from eth0"
jq_ok "$T_OUT" ".msg | contains(\"$a1\")" "CHECK: message does not name the missing address"
ip -n c1 addr add "$a1/24" dev eth0
ip -n c1 route add default via "$GW" dev eth0
must_cni CHECK "$(conf 1.0.0 ".prevResult = $chk")" c1id /run/netns/c1
must timeout 20 "$XBR" -b "$T_BR" port del "$(jq_val "$(xbr -j show)" '.ports[] | select(.owner == "c1id") | .netns')"
cni CHECK "$(conf 1.0.0 ".prevResult = $chk")" c1id /run/netns/c1
[ "$T_RC" -ne 0 ] || t_fail "CHECK passed although the port was removed"

# ---- DEL twice, without ADD, after the namespace vanished ----
must_cni DEL "$(conf 1.0.0)" c1id /run/netns/c1
must_cni DEL "$(conf 1.0.0)" c1id /run/netns/c1
has_lease "$a1" && t_fail "lease $a1 remains after DEL"
must_cni DEL "$(conf 1.0.0)" never-added /run/netns/c1
ip netns del c2
must_cni DEL "$(conf 1.0.0)" c2id /run/netns/c2
[ -z "$(port_of c2id)" ] || t_fail "DEL after the namespace vanished left the port"
has_lease "$a2" && t_fail "DEL after the namespace vanished left lease $a2"
must_cni DEL "$(conf 1.0.0)" c2id ""

# ---- names: the container's (CNI_ARGS K8S_POD_NAME) and runtimeConfig's aliases ----
ip netns add c3
NAMES='.runtimeConfig = {aliases: {tnet: ["api", "API2"], othernet: ["elsewhere"]}}'
export CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=webapp;K8S_POD_NAMESPACE=x"
must_cni ADD "$(conf 1.0.0 "$NAMES")" c3id /run/netns/c3
R3=$T_OUT
a3=$(result_addr "$R3")
jq_ok "$R3" ".dns == {nameservers: [\"$GW\"], search: [\"$T_BR\"]}" "ADD result: dns names the gateway and the bridge's domain"
xjson dns
jq_ok "$J" "[.names[] | select(.alias and .addr == \"$a3\") | .name] | sort == [\"api\",\"api2\",\"webapp\"]" "xbr dns: the container's names"
J=$(ip netns exec c3 python3 "$T_REPO/tools/dns/dnsq.py" "$GW" webapp)
jq_ok "$J" ".aa and .rcode == 0 and ([.answers[].data] == [\"$a3\"])" "the bridge answers the container's name"
must_cni DEL "$(conf 1.0.0 "$NAMES")" c3id /run/netns/c3
xjson dns
jq_ok "$J" '[.names[] | select(.name == "webapp" or .name == "api")] | length == 0' "DEL left the container's names"
# The configuration's own dns wins; a name that is no DNS label is refused.
must_cni ADD "$(conf 1.0.0 '.dns = {nameservers: ["192.0.2.53"]}')" c3id /run/netns/c3
jq_ok "$T_OUT" '.dns == {nameservers: ["192.0.2.53"]}' "ADD result: the configuration's dns"
must_cni DEL "$(conf 1.0.0)" c3id /run/netns/c3
unset CNI_ARGS
expect_cni 7 "alias not a DNS label" ADD "$(conf 1.0.0 '.runtimeConfig = {aliases: {tnet: ["a_b"]}}')" c3id /run/netns/c3
jq_ok "$T_OUT" '.msg | contains("a_b")' "the error names the alias"
ip netns del c3

# ---- errors leave nothing ----
ip netns add e1
: >"$T_TMP/plainfile"
expect_cni 6 "malformed JSON" ADD '{"cniVersion": "1.0.0", "name": ' e1id /run/netns/e1
expect_cni 1 "unknown cniVersion" ADD "$(conf 0.2.0)" e1id /run/netns/e1
expect_cni 1 "unknown cniVersion" ADD "$(conf 7.0.0)" e1id /run/netns/e1
expect_cni 4 "missing CNI_NETNS" ADD "$(conf 1.0.0)" e1id ""
expect_cni 4 "netns path that is not a namespace" ADD "$(conf 1.0.0)" e1id "$T_TMP/plainfile"
expect_cni 4 "netns path of another namespace type" ADD "$(conf 1.0.0)" e1id /proc/self/ns/uts
expect_cni 3 "netns path that does not exist" ADD "$(conf 1.0.0)" e1id /run/netns/nosuch
expect_cni 11 "failing IPAM plugin" ADD "$(conf 1.0.0 '.ipam = {type: "ipam-fail"}')" e1id /run/netns/e1
jq_ok "$T_OUT" '.msg | contains("no leases now")' "IPAM's message not passed on"
expect_cni 7 "IPAM plugin not in CNI_PATH" ADD "$(conf 1.0.0 '.ipam.type = "nosuch"')" e1id /run/netns/e1
expect_cni 7 "IPAM subnet that is not the bridge's" ADD \
	"$(conf 1.0.0 '.ipam.ranges = [[{subnet: "10.80.0.0/24"}]]')" e1id /run/netns/e1
expect_cni 7 "an IPAM address the bridge refuses (its gateway's)" ADD \
	"$(conf 1.0.0 ".ipam = {type: \"static\", addresses: [{address: \"$GW/24\", gateway: \"$GW\"}]}")" \
	e1id /run/netns/e1
expect_cni 2 "ipMasq" ADD "$(conf 1.0.0 '.ipMasq = true')" e1id /run/netns/e1
expect_cni 4 "missing CNI_IFNAME" ADD "$(conf 1.0.0)" e1id /run/netns/e1 ""
# A step inside the container fails after the port was made (the kernel
# refuses a route via an unreachable gateway): the port, the lease, and the
# bridge when this ADD made it, are undone.
BAD_ROUTE='.ipam.routes = [{dst: "198.51.100.0/24", gw: "203.0.113.1"}]'
expect_cni 999 "a route the kernel refuses" ADD "$(conf 1.0.0 "$BAD_ROUTE")" e1id /run/netns/e1
jq_ok "$T_OUT" '.msg | contains("route")' "the refused route is not named"
T_BRIDGES+=(xcni3)
expect_cni 999 "a route the kernel refuses, on a bridge this ADD made" ADD \
	"$(conf 1.0.0 "$BAD_ROUTE | .bridge = \"xcni3\" | .ipam.ranges = [[{subnet: \"10.77.0.0/24\"}]]")" \
	e1id /run/netns/e1

# ---- parallel ADDs ----
N=8
for i in $(seq 1 $N); do ip netns add "p$i"; done
conf 1.0.0 >"$T_TMP/pconf.json"
for i in $(seq 1 $N); do
	(timeout 60 env CNI_COMMAND=ADD CNI_CONTAINERID="par$i" CNI_NETNS="/run/netns/p$i" \
		CNI_IFNAME=eth0 CNI_PATH="$BIN" "$BIN/xbr" <"$T_TMP/pconf.json" >"$T_TMP/p$i.out" 2>&1
	echo $? >"$T_TMP/p$i.rc") &
done
wait
for i in $(seq 1 $N); do
	[ "$(cat "$T_TMP/p$i.rc")" = 0 ] || t_fail "parallel ADD $i failed: $(cat "$T_TMP/p$i.out")"
done
xjson show
jq_ok "$J" "[.ports[] | select(.owner | startswith(\"par\")?)] | length == $N" "parallel: expected $N ports"
jq_ok "$J" "[.ports[] | select(.owner | startswith(\"par\")?) | .addr] | unique | length == $N" \
	"parallel: addresses are not distinct"
for i in $(seq 1 $N); do assert_ping "p$i" "$GW" 1; done
assert_ping p1 "$(jq_val "$(cat "$T_TMP/p$N.out")" '.ips[0].address | split("/")[0]')" 1
for i in $(seq 1 $N); do
	must_cni DEL "$(conf 1.0.0)" "par$i" "/run/netns/p$i"
	ip netns del "p$i"
done

# ---- GC and STATUS (1.1.0) ----
ip netns add g1
ip netns add g2
must_cni ADD "$(conf 1.1.0)" g1id /run/netns/g1
ag1=$(result_addr "$T_OUT")
must_cni ADD "$(conf 1.1.0)" g2id /run/netns/g2
ag2=$(result_addr "$T_OUT")
pg1=$(port_of g1id)
ip netns del g1 # the runtime lost it: no DEL
wait_until 5 bash -c "! ip link show $pg1" || t_fail "g1's veth $pg1 outlived its namespace"
cni GC "$(conf 1.1.0 '.["cni.dev/valid-attachments"] = []')" "" ""
[ "$T_RC" -eq 0 ] || t_fail "GC failed (exit $T_RC): $T_OUT $T_ERR"
[ -z "$(port_of g1id)" ] || t_fail "GC left the port of a vanished container"
has_lease "$ag1" && t_fail "GC left the lease $ag1 of a vanished container"
[ -n "$(port_of g2id)" ] || t_fail "GC removed the port of a live container"
has_lease "$ag2" || t_fail "GC removed the lease of a live container"
must_cni STATUS "$(conf 1.1.0)" "" ""
cni STATUS "$(conf 1.1.0 '.ipam.type = "nosuch"')" "" ""
jq_ok "$T_OUT" '.code == 50' "STATUS with a missing IPAM plugin: expected code 50"
cni STATUS "$(conf 1.0.0)" "" ""
jq_ok "$T_OUT" '.code == 1' "STATUS on a 1.0.0 config: expected code 1"
must_cni DEL "$(conf 1.1.0)" g2id /run/netns/g2

# ---- dual stack ----
cf6=$(conf 1.0.0 '.ipam.ranges += [[{subnet: "fd00:79::/64"}]] | .ipam.routes = [{dst: "0.0.0.0/0"}, {dst: "::/0"}]')
must_cni ADD "$cf6" d6id /run/netns/g2
jq_ok "$T_OUT" '[.ips[].address] | length == 2 and (.[1] | startswith("fd00:79::"))' "dual stack: no IPv6 address"
a6=$(jq_val "$T_OUT" '.ips[1].address')
grep -q "inet6 $a6" <<<"$(ip -n g2 -o -6 addr show dev eth0)" ||
	t_fail "dual stack: $a6 not on eth0: $(ip -n g2 -o addr show | tr '\n' '|')"
grep -q "via fd00:79::1 dev eth0" <<<"$(ip -n g2 -6 route show default)" || t_fail "dual stack: no IPv6 default route"
# The IPv6 gateway is on the bridge's gateway interface: it answers.
assert_ping g2 fd00:79::1 2
chk=$(printf '%s' "$T_OUT" | jq -c 'del(.cniVersion)')
must_cni CHECK "$(printf '%s' "$cf6" | jq -c ".prevResult = $chk")" d6id /run/netns/g2
must_cni DEL "$cf6" d6id /run/netns/g2
ip netns del g2

# ---- chained plugins see xbr's result ----
# link CMD PLUGIN-JSON PREV: one plugin of a conflist, as libcni runs it
# (name and cniVersion of the list, the previous plugin's result).
link() {
	local cf
	cf=$(jq -nc --argjson p "$2" --argjson prev "${3:-null}" \
		'$p + {cniVersion: "1.0.0", name: "tnet"} + (if $prev then {prevResult: $prev} else {} end)')
	PLUGIN=$(jq_val "$2" .type) must_cni "$1" "$cf" chid /run/netns/ch
}
TUN='{"type":"tuning","sysctl":{"net.ipv4.conf.eth0.arp_ignore":"1"},"mtu":1400}'
PM='{"type":"portmap","capabilities":{"portMappings":true},"runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}}'
FW='{"type":"firewall","backend":"iptables"}'
ip netns add ch
ip -n ch link set lo up # as a runtime does
XC=$(conf 1.0.0)
link ADD "$XC"
R=$T_OUT
ach=$(result_addr "$R")
for pc in "$TUN" "$PM" "$FW"; do
	link ADD "$pc" "$R"
	jq_ok "$T_OUT" '.interfaces[2].sandbox == "/run/netns/ch" and (.ips | length == 1)' \
		"$(jq_val "$pc" .type) after xbr: the result lost xbr's interfaces or addresses"
	R=$T_OUT
done
[ "$(ip netns exec ch sysctl -n net.ipv4.conf.eth0.arp_ignore)" = 1 ] || t_fail "tuning: sysctl not set"
[ "$(ip -n ch -j link show eth0 | jq '.[0].mtu')" = 1400 ] || t_fail "tuning: MTU not set"
grep -q -- "-s $ach/32 -j ACCEPT" <<<"$(iptables -S CNI-FORWARD)" || t_fail "firewall: no rule for $ach"
# A one-answer-per-connection TCP server on the container's port 80 (not
# http.server: it looks its address up in DNS, which no one answers here).
t_bg ip netns exec ch timeout 60 python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 80))
s.listen(8)
while True:
    c, _ = s.accept()
    c.recv(4096)
    c.sendall(b"HTTP/1.0 200 OK\r\n\r\nxbr-pm-ok\n")
    c.close()' "$ach"
wait_until 10 timeout 2 bash -c "echo >/dev/tcp/$ach/80" || t_fail "portmap: the container's server did not start"
got=$(timeout 10 bash -c "exec 3<>/dev/tcp/$GW/8080; printf 'GET /index.html HTTP/1.0\r\n\r\n' >&3; cat <&3" | tail -n 1)
[ "$got" = xbr-pm-ok ] || t_fail "portmap: $GW:8080 did not reach the container's port 80 (got '$got')"
chk=$(printf '%s' "$R" | jq -c 'del(.cniVersion)')
must_cni CHECK "$(conf 1.0.0 ".prevResult = $chk")" chid /run/netns/ch
for pc in "$FW" "$PM" "$TUN" "$XC"; do link DEL "$pc" "$R"; done
grep -q -- "$ach" <<<"$(iptables -S; iptables -t nat -S)" && t_fail "firewall/portmap rules for $ach remain after DEL"
[ -z "$(port_of chid)" ] || t_fail "chain DEL left xbr's port"
ip netns del ch

# ---- icc false, mtu, macspoofchk: a second bridge made by the plugin ----
BR2=xcni2
T_BRIDGES+=("$BR2")
CF2=$(conf 1.0.0 ".name = \"tnet2\" | .bridge = \"$BR2\" | .icc = false | .mtu = 1400 |
	.macspoofchk = true | .ipam.ranges = [[{subnet: \"10.78.0.0/24\"}]]")
ip netns add i1
ip netns add i2
must_cni ADD "$CF2" i1id /run/netns/i1
ai1=$(result_addr "$T_OUT")
must_cni ADD "$CF2" i2id /run/netns/i2
ai2=$(result_addr "$T_OUT")
assert_ping i1 10.78.0.1 2
assert_ping i2 10.78.0.1 2
assert_no_ping i1 "$ai2"
assert_no_ping i2 "$ai1"
xjson_b "$BR2" show
hp=$(jq_val "$J" '.ports[] | select(.owner == "i1id") | .ifname')
jq_ok "$J" '.ports[] | select(.owner == "i1id") | .flags | index("spoof-check") and index("isolated")' \
	"icc false + macspoofchk: port flags"
[ "$(ip -n i1 -j link show eth0 | jq '.[0].mtu')" = 1400 ] || t_fail "mtu: eth0 inside is not 1400"
[ "$(ip -j link show "$hp" | jq '.[0].mtu')" = 1400 ] || t_fail "mtu: host port $hp is not 1400"
# A network asking icc false on a bridge that lets ports talk: refused.
expect_cni 7 "icc false on a bridge with icc on" ADD "$(conf 1.0.0 '.icc = false')" i3id /run/netns/i1 eth1
for i in 1 2; do
	must_cni DEL "$CF2" "i${i}id" "/run/netns/i$i"
	ip netns del "i$i"
done
must timeout 30 "$XBR" -b "$BR2" down

# ---- the host as it was ----
ip netns del c0
ip netns del c1
ip netns del e1
must timeout 30 "$XBR" -b "$T_BR" down
[ -z "$(leases)" ] || t_fail "leases remain: $(leases | tr '\n' ' ')"
assert_same "$T_TMP/snap.start" "after every DEL and xbr down"

t_pass "ADD/CHECK/DEL for 0.3.0-1.1.0, errors 1/2/3/4/6/7/11/999 leave nothing, DEL idempotent, $N parallel ADDs, GC, STATUS, dual stack, icc/mtu/spoofchk, tuning+portmap+firewall chained, names (K8S_POD_NAME, aliases, dns result)"
