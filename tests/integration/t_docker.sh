#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-timeout: 420
# Docker on xbr: a real dockerd (Debian's docker.io, 20.10) with its
# defaults (iptables on: it switches forwarding on and sets the FORWARD
# policy to DROP) and xbr-docker as its network driver "xbr".
# - `docker network create -d xbr` makes an xbr bridge from Docker's IPAM
#   data, with accepts in DOCKER-USER that `iptables -S` still lists;
# - two containers ping each other by address and by name (Docker's DNS),
#   reach the gateway, talk TCP; `xbr fdb` names the containers;
# - a container reaches an "outside" namespace beyond the host (masquerade
#   through the FORWARD DROP); `-p 18080:8080` answers from outside and
#   stops when the container is removed (also on the loopback only, a range,
#   -P); no docker-proxy runs; host_binding_ipv4 puts TCP and UDP ports on
#   its address only;
# - network connect/disconnect; --internal has no way out; --ipv6: the
#   containers have Docker's IPv6 addresses and gateway, ping each other and
#   the gateway with every port spoof-checked, IPv6 is not masqueraded (as
#   Docker's bridge without ip6tables);
# - xbr-docker SIGKILLed: forwarding goes on; restarted: a new container
#   reaches the others by name; dockerd restarted with live-restore: the
#   containers keep their network and ports;
# - a docker-compose file (Debian's 1.29) whose network has driver xbr:
#   services reach each other by name, down removes the bridge; without it: the ports of the
#   containers it killed are removed when the plugin starts, and they
#   start again; a reboot (bridges gone, dockerd's networks kept): the
#   plugin makes them again and the containers start on them;
# - bad options fail `network create` with one line naming the cause,
#   nothing made; the API asked directly answers with Docker's error objects;
# - 20 containers started at once all work; removing containers and
#   networks leaves no veth, no bridge, no rule.
# dockerd stays private: /run, /var/lib and /etc are overlays inside the
# test's mount namespace, its sockets and plugin directory are there, its
# cgroups under the test's.
T_BR=xdk
# shellcheck disable=SC2034 # both read by lib.sh
T_KEEP_CGROUP=1 T_CLEANUP_HOOK=dk_cleanup
. "$(dirname "$0")/lib.sh"
. "$T_LIBDIR/lib_nat.sh"

PLUGIN=${XBR_DOCKER:-$(dirname "$XBR_REAL")/xbr-docker}
[ -x "$PLUGIN" ] || t_fail "$PLUGIN is missing: run make"
[ -x /usr/bin/docker ] && command -v dockerd >/dev/null ||
	t_skip "docker.io is not installed (apt-get install --no-install-recommends docker.io; tools/deps.sh installs it where no systemd runs)"
for tool in iptables curl runc containerd docker-compose; do
	command -v $tool >/dev/null || t_skip "$tool is not installed (tools/deps.sh test)"
done
ldd /bin/busybox >/dev/null 2>&1 && t_skip "/bin/busybox is not static (install busybox-static)"
[ -x /bin/busybox ] || t_skip "busybox-static is not installed (tools/deps.sh test)"

DSOCK=/run/xbrt-docker.sock
PSOCK=/run/docker/plugins/xbr.sock
D_DIR=$T_TMP/docker
CGP=xbr-dk-$$
SUBNET=10.83.0.0/24 GW=10.83.0.1

D() { timeout 90 /usr/bin/docker -H "unix://$DSOCK" "$@"; }
# The plugin's API, asked directly: body in T_OUT, HTTP status in T_CODE.
api() {
	T_OUT=$(timeout 20 curl -s --unix-socket "$PSOCK" -o - -w '\n%{http_code}' -X "${3:-POST}" \
		"http://x/$1" --data-binary "$2")
	T_CODE=${T_OUT##*$'\n'}
	T_OUT=${T_OUT%$'\n'*}
}

dk_cleanup() {
	local m
	if [ -S "$DSOCK" ]; then
		D rm -f $(D ps -aq 2>/dev/null) >/dev/null 2>&1
		D network prune -f >/dev/null 2>&1
	fi
	[ -n "${DOCKERD_PID:-}" ] && kill -TERM "$DOCKERD_PID" 2>/dev/null &&
		timeout 20 tail --pid="$DOCKERD_PID" -f /dev/null 2>/dev/null
	[ -n "${DOCKERD_PID:-}" ] && kill -KILL "$DOCKERD_PID" 2>/dev/null
	pkill -KILL -f "containerd-shim.*$D_DIR" 2>/dev/null
	for m in $(findmnt -rn -o TARGET | grep -E '^/run/docker|^/var/lib/docker' | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	for m in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
		[ -d "$m" ] && find "$m" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# ---- a private dockerd ----
t_overlay /run /var/lib /etc
mkdir -p "$D_DIR/rootfs/bin" "$D_DIR/rootfs/www" "$D_DIR/rootfs/etc" /etc/docker
sysctl -qw net.ipv4.ip_forward=0 # dockerd turns it on, with FORWARD DROP
nat_outside
dockerd_start() { # [--no-live-restore]
	local live=--live-restore
	[ "${1:-}" = --no-live-restore ] && live=
	# shellcheck disable=SC2086 # $live: one word or none
	dockerd --data-root /var/lib/docker --exec-root /run/docker --pidfile /run/xbrt-dockerd.pid \
		-H "unix://$DSOCK" --bridge=none --storage-driver vfs --exec-opt native.cgroupdriver=cgroupfs \
		--cgroup-parent "/$CGP" --default-ulimit nofile=1024:1024 --iptables=true $live \
		>>"$T_TMP/dockerd.log" 2>&1 &
	DOCKERD_PID=$!
	wait_until 60 D info || t_fail "dockerd did not start: $(tail -5 "$T_TMP/dockerd.log")"
}
# gone PID: the process has exited (a zombie counts: it is this shell's to reap).
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
dockerd_start
t_bg "$PLUGIN" --socket "$PSOCK" --docker-host "$DSOCK" 2>>"$T_TMP/plugin.log"
PLUGIN_PID=$T_BG_PID
wait_until 10 test -S "$PSOCK" || t_fail "xbr-docker did not make $PSOCK: $(cat "$T_TMP/plugin.log")"

cp /bin/busybox "$D_DIR/rootfs/bin/busybox"
for a in sh sleep ping nc httpd ip cat echo; do ln -s busybox "$D_DIR/rootfs/bin/$a"; done
echo xbr-ok >"$D_DIR/rootfs/www/index.html"
tar -C "$D_DIR/rootfs" -c . | D import - xbrt/busybox >/dev/null || t_fail "docker import failed"
RUN=(run -d --ulimit nofile=1024:1024)

snapshot "$T_TMP/snap.start"
iptables -S FORWARD | gq -x -- '-P FORWARD DROP' ||
	t_fail "dockerd did not set the FORWARD policy to DROP (the premise): $(iptables -S FORWARD | head -3)"

# ---- bad options: one line naming the cause, nothing made ----
bad_net() { # WHAT WORDS -- ARGS...
	local what=$1 words=$2
	shift 2
	snapshot "$T_TMP/snap.bad"
	t_run D network create -d xbr "$@" bad
	[ "$T_RC" -ne 0 ] || t_fail "network create $what: succeeded"
	[[ $T_ERR == *"$words"* ]] || t_fail "network create $what: error does not say \"$words\": $T_ERR"
	[ "$(t_nlines "$T_ERR")" -eq 1 ] || t_fail "network create $what: more than one line: $T_ERR"
	assert_same "$T_TMP/snap.bad" "network create $what"
}
bad_net "-o foo=bar" 'unknown option "foo"' --subnet 10.86.0.0/24 -o foo=bar
bad_net "an IPv6 prefix shorter than /64" 'the prefix must be /64 to /96' --subnet 10.86.0.0/24 \
	--ipv6 --subnet 2001:db8:86::/48
bad_net "-o xbr.mode=fast" 'xbr.mode: "fast"' --subnet 10.86.0.0/24 -o xbr.mode=fast
bad_net "a long bridge name" 'at most 12 characters' --subnet 10.86.0.0/24 \
	-o com.docker.network.bridge.name=name-too-long-here

# ---- the network ----
must D network create -d xbr --subnet "$SUBNET" --gateway "$GW" \
	-o com.docker.network.bridge.name="$T_BR" -o xbr.mode="$XBR_MODE" n1
NID=$T_OUT
xjson show
jq_ok "$J" ".subnet == \"10.83.0.0/24\" and .gateway == \"$GW\" and .mode == \"$XBR_MODE\"" \
	"the bridge does not carry the network's subnet, gateway and mode"
jq_ok "$J" ".ports[0].owner == \"docker:$NID\"" "the gateway port does not name the network"
t_run iptables -S DOCKER-USER
[ "$T_RC" -eq 0 ] || t_fail "iptables -S DOCKER-USER fails after xbr's rules (iptables-nft must still read the chain): $T_ERR"
printf '%s\n' "$T_OUT" | grep -n -e "-i $T_BR .*-j ACCEPT" -e "-o $T_BR .*-j ACCEPT" -e '-j RETURN' >"$T_TMP/du"
[ "$(cut -d: -f1 "$T_TMP/du" | tr '\n' ' ')" = "$(sed -n '1,3p' "$T_TMP/du" | cut -d: -f1 | sort -n | tr '\n' ' ')" ] &&
	[ "$(wc -l <"$T_TMP/du")" = 3 ] && tail -1 "$T_TMP/du" | gq RETURN ||
	t_fail "DOCKER-USER does not accept $T_BR before its RETURN: $T_OUT"
bad_net "a bridge name in use" "exists already" --subnet 10.86.0.0/24 \
	-o com.docker.network.bridge.name="$T_BR"

# ---- two containers: address, name, gateway, TCP, fdb ----
must D "${RUN[@]}" --network n1 --name c1 xbrt/busybox sleep 600
must D "${RUN[@]}" --network n1 --name c2 xbrt/busybox httpd -f -p 8080 -h /www
ip_of() { D inspect -f "{{(index .NetworkSettings.Networks \"${2:-n1}\").IPAddress}}" "$1"; }
mac_of() { D inspect -f "{{(index .NetworkSettings.Networks \"${2:-n1}\").MacAddress}}" "$1"; }
IP1=$(ip_of c1) IP2=$(ip_of c2)
[ -n "$IP1" ] && [ -n "$IP2" ] && [ "$IP1" != "$IP2" ] || t_fail "addresses: c1 '$IP1' c2 '$IP2'"
for c in "c1 $IP2" "c2 $IP1" "c1 $GW" "c1 c2" "c2 c1"; do
	t_run D exec "${c%% *}" ping -c 2 -W 2 "${c#* }"
	[ "$T_RC" -eq 0 ] || t_fail "container ${c%% *} cannot ping ${c#* }: $T_OUT $T_ERR"
done
printf 'GET /index.html HTTP/1.0\r\n\r\n' >"$T_TMP/req"
t_run D exec -i c1 nc -w 5 "$IP2" 8080 <"$T_TMP/req"
[ "$(tail -n 1 <<<"$T_OUT")" = xbr-ok ] || t_fail "TCP c1 -> c2:8080 failed (exit $T_RC): $T_OUT $T_ERR"
owners_ok() {
	xjson fdb
	printf '%s\n' "$J" | jq -e --arg m1 "$(mac_of c1)" --arg m2 "$(mac_of c2)" \
		'any(.[]; .mac == $m1 and .owner == "c1") and any(.[]; .mac == $m2 and .owner == "c2")'
}
wait_until 10 owners_ok || t_fail "xbr fdb does not show c1's and c2's MACs with their names: $J"
xjson show
jq_ok "$J" "[.ports[] | select(.kind == \"docker\") | .addr] | sort == ([\"$IP1\", \"$IP2\"] | sort)" \
	"xbr show: the docker ports do not carry Docker's addresses"

# ---- the outside, through dockerd's FORWARD DROP ----
serve out tcp 7000
t_run D exec c1 nc -w 5 "$OUT4" 7000 </dev/null
[ "${T_OUT%% *}" = "$HOST4" ] || t_fail "c1 -> outside: the server saw '$T_OUT' (expected the host's $HOST4, masqueraded)"

# ---- a published port ----
# c3 says xbr-ok to every connection (busybox nc, one at a time).
# Every address, the host's loopback only, a range (one port of it).
must D "${RUN[@]}" --network n1 --name c3 -p 18080:8080 -p 127.0.0.1:18081:8080 \
	-p 18090-18099:8080 xbrt/busybox sh -c 'while :; do echo xbr-ok | nc -l -p 8080; done'
page() { ask "${2-out}" tcp "${3:-$HOST4}" "${1:-18080}" && [ "$ANS" = xbr-ok ]; }
wait_until 10 page || t_fail "-p 18080:8080: no answer from outside ($ANS)"
xjson publish show
jq_ok "$J" 'length == 3 and any(.[]; .host_port == 18080 and .host_addr == "")' \
	"publish show does not list 18080 on every address: $J"
jq_ok "$J" 'any(.[]; .host_port == 18081 and .host_addr == "127.0.0.1" and .host_only)' \
	"publish show does not list 127.0.0.1:18081: $J"
RP=$(jq_val "$J" '.[] | select(.host_port >= 18090 and .host_port <= 18099) | .host_port')
[ -n "$RP" ] && [ "$(wc -w <<<"$RP")" = 1 ] || t_fail "-p 18090-18099:8080 did not take one port of the range: $J"
wait_until 10 page "$RP" || t_fail "-p 18090-18099:8080: port $RP does not answer from outside ($ANS)"
wait_until 10 page 18081 "" 127.0.0.1 || t_fail "-p 127.0.0.1:18081:8080: no answer from the host ($ANS)"
page 18081 out "$HOST4" && t_fail "-p 127.0.0.1:18081:8080 answers from outside"
# -P: Docker asks for any free port (HostPort 0): the ephemeral range's.
must D "${RUN[@]}" --network n1 --name c8 -P --expose 8080 xbrt/busybox \
	sh -c 'while :; do echo xbr-ok | nc -l -p 8080; done'
xjson publish show
lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
PP=$(jq_val "$J" ".[] | select(.host_port >= $lo and .station_port == 8080 and .host_addr == \"\") | .host_port")
[ -n "$PP" ] || t_fail "-P: no publication from the ephemeral range ($lo and up): $J"
wait_until 10 page "$PP" || t_fail "-P: port $PP does not answer from outside ($ANS)"
must D rm -f c8
pgrep -x docker-proxy >/dev/null && t_fail "a docker-proxy runs: ports are xbr's"
must D rm -f c3
xjson publish show
jq_ok "$J" 'length == 0' "c3 and c8 removed, publications stay: $J"
page && t_fail "c3 removed, 18080 still answers"

# ---- host_binding_ipv4: ports published without an address go on it; UDP ----
# A second address of the host on the outside's link: the network binds to
# it, so 18100 answers there and not on the host's first address.
HOSTB=198.51.100.5
must ip addr add "$HOSTB/24" dev xo0
must D network create -d xbr --subnet 10.87.0.0/24 -o com.docker.network.bridge.name=xdk4 \
	-o xbr.mode="$XBR_MODE" -o com.docker.network.bridge.host_binding_ipv4="$HOSTB" n4
T_BRIDGES+=(xdk4)
xjson_b xdk4 show
jq_ok "$J" ".publish_address == \"$HOSTB\"" "host_binding_ipv4 is not the bridge's publish-address: $J"
must D "${RUN[@]}" --network n4 --name c9 -p 18100:8080 -p 18101:8081/udp xbrt/busybox \
	sh -c 'while :; do echo xbr-ok | nc -l -p 8080; done'
# busybox's nc has no UDP: the UDP server runs in c9's network namespace
# (the host's python), where the publication's DNAT sends the datagrams.
C9=$(D inspect -f '{{.State.Pid}}' c9)
NAT_NSERV=$((NAT_NSERV + 1))
t_bg nsenter -t "$C9" -n "$NAT_PY" "$NAT_PEER" serve udp 8081 --ready "$T_TMP/ready.udp9" \
	--log "$T_TMP/serve.c9.udp" --timeout 110
wait_until 10 test -e "$T_TMP/ready.udp9" || t_fail "the UDP server in c9 did not start"
wait_until 10 page 18100 out "$HOSTB" || t_fail "-p 18100:8080 with host_binding_ipv4=$HOSTB: no answer there ($ANS)"
page 18100 out "$HOST4" && t_fail "-p 18100:8080 with host_binding_ipv4=$HOSTB answers on $HOST4 too"
xjson_b xdk4 publish show
jq_ok "$J" "length == 2 and all(.[]; .host_addr == \"$HOSTB\") and any(.[]; .proto == \"udp\" and .host_port == 18101 and .station_port == 8081)" \
	"publish show of n4: not both on $HOSTB, or no UDP 18101: $J"
# UDP from outside: the server in c9 sees the outside's own address.
assert_peer out udp "$HOSTB" 18101 "$OUT4" 8081
assert_no_answer out udp "$HOST4" 18101 "host_binding_ipv4=$HOSTB: UDP answered on $HOST4"
must D rm -f c9
xjson_b xdk4 publish show
jq_ok "$J" 'length == 0' "c9 removed, its publications stay: $J"
assert_no_answer out udp "$HOSTB" 18101 "c9 removed, UDP 18101 still answers"
must D network rm n4
[ -e /sys/fs/bpf/xbr/xdk4 ] && t_fail "network rm n4 left the bridge's pins"
must ip addr del "$HOSTB/24" dev xo0

# ---- connect / disconnect ----
must D network create -d xbr --subnet 10.84.0.0/24 -o com.docker.network.bridge.name=xdk2 \
	-o xbr.mode="$XBR_MODE" n2
T_BRIDGES+=(xdk2)
must D "${RUN[@]}" --network n2 --name c4 xbrt/busybox sleep 600
must D network connect n2 c1
t_run D exec c1 ping -c 2 -W 2 c4
[ "$T_RC" -eq 0 ] || t_fail "c1 connected to n2 cannot ping c4: $T_OUT $T_ERR"
xjson_b xdk2 show
jq_ok "$J" '[.ports[] | select(.kind == "docker")] | length == 2' "n2 does not have c1's and c4's ports"
must D network disconnect n2 c1
xjson_b xdk2 show
jq_ok "$J" '[.ports[] | select(.kind == "docker")] | length == 1' "disconnect left c1's port on n2"
t_run D exec c1 ip -o link show eth1
[ "$T_RC" -ne 0 ] || t_fail "disconnect left eth1 in c1"

# ---- internal: no way out ----
must D network create -d xbr --internal --subnet 10.85.0.0/24 \
	-o com.docker.network.bridge.name=xdk3 -o xbr.mode="$XBR_MODE" ni
T_BRIDGES+=(xdk3)
must D "${RUN[@]}" --network ni --name c5 xbrt/busybox sleep 600
must D "${RUN[@]}" --network ni --name c6 xbrt/busybox sleep 600
t_run D exec c5 ping -c 2 -W 2 c6
[ "$T_RC" -eq 0 ] || t_fail "internal: c5 cannot ping c6: $T_OUT $T_ERR"
serve out tcp 7001
t_run D exec c1 nc -w 5 "$OUT4" 7001 </dev/null
[ "${T_OUT%% *}" = "$HOST4" ] || t_fail "c1 -> outside (the control of the next check) failed: '$T_OUT'"
t_run D exec c5 nc -w 3 "$OUT4" 7001 </dev/null
[ -z "$T_OUT" ] || t_fail "internal: c5 reached the outside ($T_OUT)"
iptables -S DOCKER-USER | gq -e "-i xdk3 " && t_fail "internal network got a DOCKER-USER accept"

# ---- IPv6: Docker's addresses and gateway, spoof-checked, masquerade IPv4's ----
must D network create -d xbr --ipv6 --subnet 10.88.0.0/24 --subnet 2001:db8:88::/64 \
	-o com.docker.network.bridge.name=xdk6 -o xbr.mode="$XBR_MODE" n6
T_BRIDGES+=(xdk6)
must D "${RUN[@]}" --network n6 --name v1 xbrt/busybox sleep 600
must D "${RUN[@]}" --network n6 --name v2 xbrt/busybox sleep 600
ip6_of() { D inspect -f "{{(index .NetworkSettings.Networks \"n6\").GlobalIPv6Address}}" "$1"; }
A1=$(ip6_of v1) A2=$(ip6_of v2) GW6=2001:db8:88::1
[[ $A1 == 2001:db8:88:* && $A2 == 2001:db8:88:* && $A1 != "$A2" ]] ||
	t_fail "IPv6: Docker gave v1 '$A1', v2 '$A2' (want two addresses in 2001:db8:88::/64)"
xjson_b xdk6 show
jq_ok "$J" ".subnet6 == \"2001:db8:88::/64\" and .gateway6 == \"$GW6\" and .nat6 == \"off\" and .nat == \"masquerade\"" \
	"IPv6: the bridge does not carry Docker's prefix and gateway, or masquerades IPv6"
jq_ok "$J" "[.ports[] | select(.kind == \"docker\") | .addr6] | sort == ([\"$A1\", \"$A2\"] | sort)" \
	"IPv6: the docker ports do not carry Docker's IPv6 addresses"
# Every port spoof-checked: a station's own IPv6 address (not the prefix +
# its IPv4) is what passes.
for p in $(printf '%s\n' "$J" | jq -r '.ports[] | select(.kind == "docker") | .netns'); do
	must "$XBR" -b xdk6 port set "$p" spoof-check on
done
ping6_ok() { D exec "$1" ping -6 -c 2 -W 2 "$2" >/dev/null 2>&1; }
xjson_b xdk6 stats
nd0=$(jq_val "$J" .fdb.nd_replied)
for c in "v1 $A2" "v2 $A1" "v1 $GW6" "v2 $GW6"; do
	# the first one waits out duplicate address detection
	wait_until 10 ping6_ok ${c% *} ${c#* } || t_fail "IPv6: ${c% *} cannot ping ${c#* }: $(D exec ${c% *} ping -6 -c 1 -W 2 ${c#* } 2>&1 | tail -2 | tr '\n' '|')"
done
# The solicitations for the containers' own addresses were the bridge's to
# answer (neighbour suppression finds them through their ports' names).
xjson_b xdk6 stats
jq_ok "$J" ".fdb.nd_replied > $nd0" "IPv6: the bridge answered no neighbour solicitation for a container's address"
t_run D exec v1 ip -6 route show default
[[ $T_OUT == *"via $GW6"* ]] || t_fail "IPv6: v1's default route is not via $GW6: $T_OUT"
nft list table inet "xbr-xdk6" | gq "ip6 saddr 2001:db8:88::/64 masquerade" &&
	! nft list table inet "xbr-xdk6" | gq "oifname != .*ip6 saddr 2001:db8:88::/64 masquerade" ||
	t_fail "IPv6: the network masquerades IPv6 (Docker's bridge does not)"
must D rm -f v2 # v1 and n6 stay for the reboot below

# ---- the plugin killed: forwarding goes on; restarted: it knows everything ----
kill -KILL "$PLUGIN_PID"
t_run D exec c1 ping -c 5 -i 0.2 -W 2 c2
[ "$T_RC" -eq 0 ] || t_fail "xbr-docker killed: c1 cannot ping c2: $T_OUT"
t_bg "$PLUGIN" --socket "$PSOCK" --docker-host "$DSOCK" 2>>"$T_TMP/plugin.log"
PLUGIN_PID=$T_BG_PID
wait_until 10 test -S "$PSOCK" || t_fail "xbr-docker did not restart"
must D "${RUN[@]}" --network n1 --name c7 xbrt/busybox sleep 600
t_run D exec c7 ping -c 2 -W 2 c1
[ "$T_RC" -eq 0 ] || t_fail "after the restart, new c7 cannot ping c1 by name: $T_OUT $T_ERR"
must D rm -f c2 # an endpoint made before the kill
xjson show
jq_ok "$J" '[.ports[] | select(.kind == "docker")] | length == 2' "c2 removed after the restart, its port stays"

# ---- dockerd restarted (live-restore): the containers keep their network ----
xjson show
ports_before=$(jq_val "$J" '[.ports[] | "\(.ifindex) \(.netns)"] | sort | join(",")')
kill -TERM "$DOCKERD_PID"
wait_until 30 gone "$DOCKERD_PID" || t_fail "dockerd did not stop on TERM"
wait "$DOCKERD_PID"
dockerd_start
t_run D exec c1 ping -c 2 -W 2 c7
[ "$T_RC" -eq 0 ] || t_fail "after dockerd's restart c1 cannot ping c7: $T_OUT $T_ERR"
xjson show
[ "$(jq_val "$J" '[.ports[] | "\(.ifindex) \(.netns)"] | sort | join(",")')" = "$ports_before" ] ||
	t_fail "dockerd's restart changed the bridge's ports: before $ports_before, now $(jq_val "$J" '[.ports[] | "\(.ifindex) \(.netns)"] | sort | join(",")')"

# ---- dockerd restarted without live-restore: its containers die, their ports go ----
# dockerd kills the containers it finds at start; their namespaces take the
# veth pairs along, or dockerd keeps a sandbox's namespace (and the pair)
# and forgets the endpoint. The plugin (restarted meanwhile, as after a
# host's crash) removes at its start the ports whose pair is gone, and at a
# new endpoint the one that holds its address: `docker start` gives c1 and
# c7 ports again.
kill -TERM "$DOCKERD_PID"
wait_until 30 gone "$DOCKERD_PID" || t_fail "dockerd did not stop on TERM"
wait "$DOCKERD_PID"
kill -KILL "$PLUGIN_PID"
wait "$PLUGIN_PID" 2>/dev/null
dockerd_start --no-live-restore
running() { [ "$(D inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = "$2" ]; }
wait_until 30 running c1 false || t_fail "dockerd without live-restore kept c1 running"
wait_until 30 running c7 false || t_fail "dockerd without live-restore kept c7 running"
xjson show
stale=$(jq_val "$J" '[.ports[] | select(.kind == "docker") | .ifname] | join(" ")')
t_log "ports left by the containers dockerd killed: ${stale:-none}"
t_bg "$PLUGIN" --socket "$PSOCK" --docker-host "$DSOCK" 2>>"$T_TMP/plugin.log"
PLUGIN_PID=$T_BG_PID
wait_until 10 test -S "$PSOCK" || t_fail "xbr-docker did not restart"
# c1 gets its old address again (Docker's IPAM), still held by the port of
# its old endpoint when dockerd kept that sandbox's namespace.
must D start c1 c7
t_run D exec c1 ping -c 2 -W 2 c7
[ "$T_RC" -eq 0 ] || t_fail "c1 and c7 started again: c1 cannot ping c7 by name: $T_OUT $T_ERR"
xjson show
jq_ok "$J" '[.ports[] | select(.kind == "docker")] | length == 2' "c1 and c7 started again: not 2 docker ports: $J"
[ "$(ip -br link | grep -c '^xdk-')" = 3 ] ||
	t_fail "c1 and c7 started again: host ends other than the gateway's and their two: $(ip -br link | grep '^xdk-' | cut -d' ' -f1 | tr '\n' ' ')"

# ---- a reboot: the bridges are gone, dockerd still has its networks ----
# As a reboot leaves things: the containers stopped, dockerd and the plugin
# gone, and the bridges with them (pins and namespaces live in memory
# filesystems). Then the plugin and dockerd start again: the plugin makes
# the four networks' bridges again from dockerd's record of them (n6's with
# its IPv6 prefix and gateway), and the containers start on them.
xjson show
sub1=$(jq_val "$J" '"\(.subnet) \(.gateway) \(.mode)"')
xjson_b xdk6 show
sub6=$(jq_val "$J" '"\(.subnet) \(.subnet6) \(.gateway6) \(.nat6)"')
kill -TERM "$DOCKERD_PID" # without live-restore: it stops the containers
wait_until 60 gone "$DOCKERD_PID" || t_fail "dockerd did not stop on TERM"
wait "$DOCKERD_PID"
kill -TERM "$PLUGIN_PID"
wait "$PLUGIN_PID"
for b in "$T_BR" xdk2 xdk3 xdk6; do
	must timeout 60 "$XBR" -b "$b" down
done
t_bg "$PLUGIN" --socket "$PSOCK" --docker-host "$DSOCK" 2>>"$T_TMP/plugin.log"
PLUGIN_PID=$T_BG_PID
dockerd_start --no-live-restore
for b in "$T_BR" xdk2 xdk3 xdk6; do
	wait_until 20 test -e "/sys/fs/bpf/xbr/$b/xbr_config" ||
		t_fail "after the reboot, bridge $b was not made again: $(tail -3 "$T_TMP/plugin.log" | tr '\n' '|')"
done
gq "network n1 (.*): its bridge was gone, made again" "$T_TMP/plugin.log" ||
	t_fail "xbr-docker did not say it made n1's bridge again: $(tail -3 "$T_TMP/plugin.log" | tr '\n' '|')"
xjson show
[ "$(jq_val "$J" '"\(.subnet) \(.gateway) \(.mode)"')" = "$sub1" ] ||
	t_fail "n1's bridge made again with $(jq_val "$J" '"\(.subnet) \(.gateway) \(.mode)"'), was $sub1"
xjson_b xdk6 show
[ "$(jq_val "$J" '"\(.subnet) \(.subnet6) \(.gateway6) \(.nat6)"')" = "$sub6" ] ||
	t_fail "n6's bridge made again with $(jq_val "$J" '"\(.subnet) \(.subnet6) \(.gateway6) \(.nat6)"'), was $sub6"
must D start c1 c7 c4 v1
wait_until 10 ping6_ok v1 "$GW6" || t_fail "after the reboot v1 cannot ping n6's IPv6 gateway $GW6"
must D rm -f v1
must D network rm n6
t_run D exec c1 ping -c 2 -W 2 c7
[ "$T_RC" -eq 0 ] || t_fail "after the reboot c1 cannot ping c7 by name: $T_OUT $T_ERR"
t_run D exec c4 ping -c 2 -W 2 10.84.0.1
[ "$T_RC" -eq 0 ] || t_fail "after the reboot c4 cannot ping n2's gateway: $T_OUT $T_ERR"
serve out tcp 7002
t_run D exec c1 nc -w 5 "$OUT4" 7002 </dev/null
[ "${T_OUT%% *}" = "$HOST4" ] || t_fail "after the reboot c1 -> outside: the server saw '$T_OUT' (masquerade and DOCKER-USER back?)"

# ---- the API asked directly ----
api Plugin.Activate ''
[ "$T_CODE" = 200 ] && jq -e '.Implements == ["NetworkDriver"]' <<<"$T_OUT" >/dev/null ||
	t_fail "Plugin.Activate: $T_CODE $T_OUT"
api NetworkDriver.GetCapabilities ''
jq -e '.Scope == "local" and .ConnectivityScope == "local"' <<<"$T_OUT" >/dev/null ||
	t_fail "GetCapabilities: $T_CODE $T_OUT"
snapshot "$T_TMP/snap.api"
api NetworkDriver.CreateNetwork '{bad'
[ "$T_CODE" = 400 ] && jq -e '.Err | test("malformed")' <<<"$T_OUT" >/dev/null ||
	t_fail "malformed JSON: $T_CODE $T_OUT"
api NetworkDriver.CreateNetwork '{"NetworkID": 5}'
[ "$T_CODE" = 400 ] || t_fail "NetworkID 5: $T_CODE $T_OUT"
api NetworkDriver.CreateEndpoint '{"NetworkID":"abc123","EndpointID":"def456","Interface":{"Address":"10.9.0.2/24"}}'
[ "$T_CODE" = 200 ] && jq -e '.Err | test("abc123")' <<<"$T_OUT" >/dev/null ||
	t_fail "CreateEndpoint of an unknown network: $T_CODE $T_OUT"
api NetworkDriver.Join '{"NetworkID":"abc123","EndpointID":"def456","SandboxKey":"/x"}'
[ "$T_CODE" = 200 ] && jq -e '.Err' <<<"$T_OUT" >/dev/null || t_fail "Join of an unknown network: $T_CODE $T_OUT"
for m in DeleteEndpoint Leave DeleteNetwork RevokeExternalConnectivity; do
	api "NetworkDriver.$m" '{"NetworkID":"abc123","EndpointID":"def456"}'
	[ "$T_CODE" = 200 ] && [ "$T_OUT" = '{}' ] || t_fail "$m of unknown IDs: $T_CODE $T_OUT (expected 200 {})"
done
api Plugin.Activate '' GET
[ "$T_CODE" = 405 ] || t_fail "GET Plugin.Activate: $T_CODE"
api NetworkDriver.AllocateNetwork '{}'
[ "$T_CODE" = 404 ] || t_fail "AllocateNetwork (swarm): $T_CODE"
head -c 2097152 /dev/zero | tr '\0' ' ' >"$T_TMP/big"
api NetworkDriver.CreateNetwork "@$T_TMP/big"
[ "$T_CODE" = 413 ] || t_fail "a 2 MiB body: $T_CODE"
assert_same "$T_TMP/snap.api" "the API asked directly"
# A socket whose directories do not exist yet: made (0755), the socket 0600.
"$PLUGIN" --socket "$T_TMP/nodir/a/xbr.sock" --docker-host "" 2>>"$T_TMP/plugin2.log" &
P2=$!
wait_until 10 test -S "$T_TMP/nodir/a/xbr.sock" || t_fail "xbr-docker did not make $T_TMP/nodir/a/xbr.sock"
[ "$(stat -c %a "$T_TMP/nodir/a/xbr.sock")" = 600 ] || t_fail "the plugin's socket is not 0600"
kill -TERM "$P2"
wait "$P2" || t_fail "the second xbr-docker exited $? on TERM: $(cat "$T_TMP/plugin2.log")"

# ---- 20 at once ----
N=20
pids=()
for i in $(seq 1 $N); do
	(D "${RUN[@]}" --network n1 --name "p$i" xbrt/busybox sleep 600 >"$T_TMP/p$i.out" 2>&1
	echo $? >"$T_TMP/p$i.rc") &
	pids+=($!)
done
wait "${pids[@]}" # (not dockerd and the plugin, also children of this shell)
for i in $(seq 1 $N); do
	[ "$(cat "$T_TMP/p$i.rc")" = 0 ] || t_fail "parallel docker run p$i failed: $(tail -3 "$T_TMP/p$i.out")"
done
xjson show
jq_ok "$J" "[.ports[] | select(.kind == \"docker\") | .addr] | unique | length == $((N + 2))" \
	"parallel: $N new containers do not have $N distinct ports"
for i in 1 $N; do
	t_run D exec "p$i" ping -c 1 -W 2 c1
	[ "$T_RC" -eq 0 ] || t_fail "parallel: p$i cannot ping c1: $T_OUT $T_ERR"
done

# ---- docker-compose: a file whose network's driver is xbr ----
mkdir -p "$T_TMP/compose"
cat >"$T_TMP/compose/docker-compose.yml" <<EOF
version: "2.4"
services:
  web:
    image: xbrt/busybox
    command: httpd -f -p 8080 -h /www
    networks: [xn]
  client:
    image: xbrt/busybox
    command: sleep 600
    networks: [xn]
networks:
  xn:
    driver: xbr
    driver_opts:
      com.docker.network.bridge.name: xdkc
      xbr.mode: $XBR_MODE
    ipam:
      config:
        - subnet: 10.89.0.0/24
EOF
DC=(timeout 120 env DOCKER_HOST="unix://$DSOCK" docker-compose -p xbrc -f "$T_TMP/compose/docker-compose.yml")
T_BRIDGES+=(xdkc)
must "${DC[@]}" up -d
xjson_b xdkc show
jq_ok "$J" '.subnet == "10.89.0.0/24" and ([.ports[] | select(.kind == "docker")] | length == 2)' \
	"compose up: bridge xdkc is not the file's network with its two containers: $J"
t_run "${DC[@]}" exec -T client ping -c 2 -W 2 web
[ "$T_RC" -eq 0 ] || t_fail "compose: client cannot ping web by its service name: $T_OUT $T_ERR"
t_run "${DC[@]}" exec -T client sh -c 'printf "GET / HTTP/1.0\r\n\r\n" | nc -w 5 web 8080'
[[ $T_OUT == *xbr-ok* ]] || t_fail "compose: client -> web:8080 over TCP: '$T_OUT' $T_ERR"
must "${DC[@]}" down
[ -e /sys/fs/bpf/xbr/xdkc ] && t_fail "compose down left bridge xdkc"

# ---- everything removed: no veth, no bridge, no rule ----
must D rm -f $(D ps -aq)
must D network rm n1 n2 ni
for b in "$T_BR" xdk2 xdk3; do
	[ -e "/sys/fs/bpf/xbr/$b" ] && t_fail "network rm left bridge $b"
done
t_run iptables -S DOCKER-USER
[ "$T_RC" -eq 0 ] || t_fail "iptables -S DOCKER-USER fails at the end: $T_ERR"
grep -q xdk <<<"$T_OUT" && t_fail "network rm left DOCKER-USER rules: $T_OUT"
nft list tables | gq 'xbr-' && t_fail "network rm left an xbr table: $(nft list tables)"
assert_same "$T_TMP/snap.start" "after removing every container and network"

# The plugin stops cleanly on TERM (under the sanitizers: no report, no leak).
kill -TERM "$PLUGIN_PID"
wait_until 15 gone "$PLUGIN_PID" || t_fail "xbr-docker did not stop on TERM"
wait "$PLUGIN_PID"
rc=$?
[ "$rc" = 0 ] || t_fail "xbr-docker exited $rc on TERM: $(grep -m3 -E 'ERROR|runtime error|leak' "$T_TMP/plugin.log")"
[ -e "$PSOCK" ] && t_fail "xbr-docker left its socket $PSOCK"

t_pass "dockerd with FORWARD DROP: create (bad options refused), ping by address and name, TCP, fdb names, outside, -p (every address, loopback, a range, -P; TCP and UDP on host_binding_ipv4), connect/disconnect, internal, IPv6 (Docker's addresses and gateway, spoof-checked, IPv4-only masquerade), plugin killed and restarted, dockerd restarted (live-restore; without it: the killed containers' ports removed), a reboot (bridges made again), API errors, $N at once, a compose file with driver xbr, rm leaves nothing"
