# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The directory row (metric "directory", opt-in: --metrics directory): DIR_HOSTS
# hosts on one VXLAN segment (VNI 7), each an xbr bridge in tc mode with one
# station "s" (172.16.N.1), in two variants of the uplink, one after the other:
#   directory  `uplink add vx vxlan id 7 local A directory etcd://E/xbench`,
#              xbr-agent (--ttl 3) on every host, one etcd member
#              (198.51.100.101) on the underlay, its data on a tmpfs;
#              no peer lists;
#   static     `uplink add vx vxlan id 7 local A remote B remote C ...`: every
#              host has every other as a static peer; broadcasts and unknown
#              unicast go to every peer and remote MACs are learned from the
#              frames (static peers ARE flood-and-learn in xbr: no third
#              variant).
# Each repetition adds one station (`xbr port add rI 172.16.K.(10+I)/16`) on
# host K (2..N in turn) while host 1's station s pings it (ping -i 0.01, one
# answer wanted, at most 10 s; the pinging station retries ARP every 10 ms, so
# the neighbour timer is not what is measured). Recorded per repetition: ms
# from just before `port add` to the first answered ping (ping -D stamp) and
# the underlay frames meanwhile (the sum of rx_packets of every port of the
# underlay bridge: what every host and etcd put on the underlay, VXLAN,
# etcd's gateway traffic and ARP alike, counted once). After the
# repetitions, one summary sample per variant: p50, p99 (nearest rank) of
# the time, median frames.
# Hosts are as in vxlan.sh / tests/integration/lib_hosts.sh: a holder
# process with its own net + mount namespaces (/run/netns, /run/xbr, sysfs,
# bpffs), entered with nsenter; the underlay is a kernel bridge "dul" in the
# bench's namespace with one veth per host (198.51.100.N/24). Sourced by
# run.sh after metrics.sh; run_directory is its entry point.

DIR_VNI=7 DIR_TTL=3 DIR_ETCD=198.51.100.101:2379
declare -A DIR_PID=() DIR_AGENT=()
DIR_ETCD_PID=""

dir_on() { local p=$1; shift; nsenter -t "$p" -n -m -- "$@"; }

# dir_host_up N : host N, holder PID in DIR_PID[N], on the underlay
dir_host_up() {
	local n=$1 fifo=$OUT/tmp/dir-$1.ready ok="" pid
	rm -f "$fifo"
	mkfifo "$fifo" || return 1
	unshare -n -m --propagation private -- sh -c '
		mount -t tmpfs -o size=4m,mode=755 dir-host /run/netns &&
		mkdir -p /run/xbr && mount -t tmpfs -o size=1m,mode=755 dir-host-run /run/xbr &&
		mount -t sysfs sysfs /sys && mount -t bpf bpf /sys/fs/bpf &&
		ip link set lo up && echo ok >"$1" && exec sleep 3600' host "$fifo" \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	DIR_PID[$n]=$pid
	read -r -t 10 ok <"$fifo"
	rm -f "$fifo"
	[[ $ok == ok ]] || return 1
	ip link add "dul-$n" type veth peer name ul0 netns "/proc/$pid/ns/net" &&
		ip link set "dul-$n" master dul up &&
		dir_on "$pid" sysctl -qw net.ipv6.conf.ul0.disable_ipv6=1 &&
		dir_on "$pid" ip addr add "198.51.100.$n/24" dev ul0 &&
		dir_on "$pid" ip link set ul0 up
}

dir_frames() { cat /sys/class/net/dul-*/statistics/rx_packets | awk '{s += $1} END {print s + 0}'; }
# frames to and from etcd (its underlay port's rx + tx; 0 without etcd)
dir_etcd_frames() {
	[[ -e /sys/class/net/dul-e1 ]] || { echo 0; return 0; }
	echo $(( $(cat /sys/class/net/dul-e1/statistics/rx_packets) + $(cat /sys/class/net/dul-e1/statistics/tx_packets) ))
}
dir_npeers() { dir_on "${DIR_PID[$1]}" "$XBR" -b xd -j uplink show 2>/dev/null | jq '.[0].peers | length' 2>/dev/null; }

# dir_wait SECONDS CMD... : poll CMD every 0.2 s, at most SECONDS
dir_wait() {
	local t=$(( $1 * 5 )); shift
	while (( t-- > 0 )); do "$@" && return 0; sleep 0.2; done
	return 1
}
dir_peers_all() {
	local n
	for ((n = 1; n <= DIR_HOSTS; n++)); do [[ $(dir_npeers "$n") == $((DIR_HOSTS - 1)) ]] || return 1; done
}

# dir_up VARIANT : the underlay, DIR_HOSTS hosts, (etcd and agents), bridges
dir_up() {
	local v=$1 n k remotes
	ip link add dul type bridge && ip link set dul up || return 1
	sysctl -qw net.ipv6.conf.dul.disable_ipv6=1 || true
	if [[ $v == directory ]]; then
		mkdir -p /run/netns
		ip netns add de1 && ip link add dul-e1 type veth peer name eth0 netns de1 &&
			ip link set dul-e1 master dul up && ip -n de1 addr add 198.51.100.101/24 dev eth0 &&
			ip -n de1 link set eth0 up && ip -n de1 link set lo up || return 1
		# etcd's data on a tmpfs of the bench's own mount namespace: the row
		# measures the directory, not the disk's fsync (shared with other load)
		rm -rf "$OUT/tmp/dir-etcd" && mkdir -p "$OUT/tmp/dir-etcd" &&
			mount -t tmpfs -o size=64m,mode=700 dir-etcd "$OUT/tmp/dir-etcd" || return 1
		ip netns exec de1 timeout -k 2 900 etcd --name e1 --data-dir "$OUT/tmp/dir-etcd" \
			--listen-peer-urls http://198.51.100.101:2380 --initial-advertise-peer-urls http://198.51.100.101:2380 \
			--listen-client-urls "http://$DIR_ETCD" --advertise-client-urls "http://$DIR_ETCD" \
			--initial-cluster e1=http://198.51.100.101:2380 --initial-cluster-state new \
			--heartbeat-interval 100 --election-timeout 1000 --log-level error --logger zap \
			</dev/null >"$OUT/raw/directory-etcd.log" 2>&1 &
		DIR_ETCD_PID=$!
		dir_wait 30 ip netns exec de1 etcdctl --endpoints "$DIR_ETCD" --dial-timeout 1s \
			--command-timeout 2s endpoint health >/dev/null 2>&1 || { echo "etcd not healthy"; return 1; }
	fi
	for ((n = 1; n <= DIR_HOSTS; n++)); do dir_host_up "$n" || { echo "host $n not made"; return 1; }; done
	for ((n = 1; n <= DIR_HOSTS; n++)); do
		dir_on "${DIR_PID[$n]}" "$XBR" -b xd up --mode tc --subnet 172.16.0.0/16 \
			--gateway "172.16.$n.254" "s=172.16.$n.1/16" >/dev/null || { echo "host $n: up failed"; return 1; }
		if [[ $v == directory ]]; then
			dir_on "${DIR_PID[$n]}" "$XBR" -b xd uplink add vx vxlan id "$DIR_VNI" local "198.51.100.$n" \
				directory "etcd://$DIR_ETCD/xbench" >/dev/null || { echo "host $n: uplink add failed"; return 1; }
			dir_on "${DIR_PID[$n]}" timeout -k 2 900 "$DIR_AGENT_BIN" --ttl "$DIR_TTL" \
				</dev/null >"$OUT/raw/directory-agent-$n.log" 2>&1 &
			DIR_AGENT[$n]=$!
		else
			remotes=()
			for ((k = 1; k <= DIR_HOSTS; k++)); do (( k == n )) || remotes+=(remote "198.51.100.$k"); done
			dir_on "${DIR_PID[$n]}" "$XBR" -b xd uplink add vx vxlan id "$DIR_VNI" local "198.51.100.$n" \
				"${remotes[@]}" >/dev/null || { echo "host $n: uplink add failed"; return 1; }
		fi
	done
	dir_wait 60 dir_peers_all || { echo "not every host has $((DIR_HOSTS - 1)) peers"; return 1; }
	# host 1's station: ARP retried every 10 ms (the neighbour timer is not
	# what is measured); it reaches every host's first station once
	dir_on "${DIR_PID[1]}" ip netns exec s sysctl -qw net.ipv4.neigh.eth0.retrans_time_ms=10 \
		net.ipv4.neigh.eth0.mcast_solicit=100 net.ipv4.neigh.eth0.ucast_solicit=100 || return 1
	for ((n = 2; n <= DIR_HOSTS; n++)); do
		dir_on "${DIR_PID[1]}" ip netns exec s ping -n -q -i 0.01 -c 1 -w 10 "172.16.$n.1" >/dev/null ||
			{ echo "host 1 cannot reach host $n's station"; return 1; }
	done
}

dir_down() {
	local n
	for n in "${!DIR_AGENT[@]}"; do kill -TERM "${DIR_AGENT[$n]}" 2>/dev/null || true; done
	for n in "${!DIR_AGENT[@]}"; do wait "${DIR_AGENT[$n]}" 2>/dev/null || true; done
	for n in "${!DIR_PID[@]}"; do
		timeout 30 nsenter -t "${DIR_PID[$n]}" -n -m -- "$XBR" -b xd down >/dev/null 2>&1 || true
		kill "${DIR_PID[$n]}" 2>/dev/null || true
	done
	for n in "${!DIR_PID[@]}"; do wait "${DIR_PID[$n]}" 2>/dev/null || true; done
	if [[ -n $DIR_ETCD_PID ]]; then kill -TERM "$DIR_ETCD_PID" 2>/dev/null || true; wait "$DIR_ETCD_PID" 2>/dev/null || true; fi
	ip netns del de1 2>/dev/null || true
	ip link del dul 2>/dev/null || true
	for n in /sys/class/net/dul-*; do [[ -e $n ]] && ip link del "${n##*/}" 2>/dev/null; done
	umount "$OUT/tmp/dir-etcd" 2>/dev/null || true
	rm -rf "$OUT/tmp/dir-etcd"
	DIR_PID=() DIR_AGENT=() DIR_ETCD_PID=""
}

# m_directory_rep VARIANT I : one station added, timed and counted
m_directory_rep() {
	local v=$1 i=$2 k ip f0 f1 e0 e1 t0 ts pp pa1 ms frames f
	k=$(( 2 + (i - 1) % (DIR_HOSTS - 1) ))
	ip=172.16.$k.$((10 + i))
	f=$OUT/raw/directory-$v-r$i.ping
	f0=$(dir_frames) e0=$(dir_etcd_frames)
	dir_on "${DIR_PID[1]}" ip netns exec s timeout -k 2 15 ping -D -n -i 0.01 -c 1 -w 10 "$ip" >"$f" 2>&1 &
	pp=$!
	sleep 0.05
	t0=$(now)
	dir_on "${DIR_PID[$k]}" timeout 20 "$XBR" -b xd port add "r$i" "$ip/16" >/dev/null 2>>"$f" ||
		{ stop_pid "$pp"; record_note directory "$v" xbr-tc "port add r$i on host $k failed (rep $i)"; return 0; }
	pa1=$(now)
	wait "$pp" 2>/dev/null || true
	f1=$(dir_frames) e1=$(dir_etcd_frames)
	ts=$(awk '/bytes from/ { gsub(/[][]/, "", $1); print $1; exit }' "$f")
	if [[ -z $ts ]]; then
		record_note directory "$v" xbr-tc "no answer from r$i ($ip, host $k) within 10 s (rep $i)"
		return 0
	fi
	ms=$(awk -v a="$ts" -v b="$t0" 'BEGIN { printf "%.1f", (a - b) * 1000 }')
	frames=$((f1 - f0))
	echo "$ms $frames" >>"$OUT/tmp/dir-$v.vals"
	record_sample directory "$v" xbr-tc "$i" false ms="$ms" frames="$frames" etcd_frames=$((e1 - e0)) \
		port_add_ms="$(awk -v a="$pa1" -v b="$t0" 'BEGIN { printf "%.1f", (a - b) * 1000 }')"
}

directory_unit() { # VARIANT
	local v=$1 i
	wait_idle 5
	: >"$OUT/tmp/dir-$v.vals"
	if ! dir_up "$v" >"$OUT/raw/directory-up-$v.log" 2>&1; then
		record_note directory "$v" xbr-tc "$DIR_HOSTS-host topology up failed: $(tail -1 "$OUT/raw/directory-up-$v.log")"
		dir_down; return 0
	fi
	log "directory [$v]: $DIR_HOSTS hosts up"
	sleep 1
	for ((i = 1; i <= DIR_REPS; i++)); do m_directory_rep "$v" "$i"; sleep 0.2; done
	if [[ -s $OUT/tmp/dir-$v.vals ]]; then
		# shellcheck disable=SC2046
		local fm
		fm=$(sort -n -k2,2 "$OUT/tmp/dir-$v.vals" | awk '{ f[NR] = $2 } END { n = NR; print (n % 2) ? f[(n + 1) / 2] : (f[n / 2] + f[n / 2 + 1]) / 2 }')
		# shellcheck disable=SC2046
		record_sample directory "$v: summary" xbr-tc 0 false frames_median="$fm" $(sort -n -k1,1 "$OUT/tmp/dir-$v.vals" | awk '
			{ t[NR] = $1 }
			END { n = NR; i50 = int((50 * n + 99) / 100); i99 = int((99 * n + 99) / 100)
				printf "p50_ms=%s p99_ms=%s answered=%d", t[i50], t[i99], n }')
	fi
	dir_down
}

run_directory() {
	local v
	if [[ " ${ACTIVE_BR[*]} " != *" xbr-tc "* ]]; then
		(( PLANNING )) || record_note directory all xbr-tc "not measured: the directory row runs xbr in tc mode (add xbr-tc to --modes)"
		return 0
	fi
	if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null || [[ ! -x $DIR_AGENT_BIN ]]; then
		(( PLANNING )) || record_note directory all xbr-tc "not measured: needs etcd, etcdctl (Debian etcd-server, etcd-client) and xbr-agent ($DIR_AGENT_BIN)"
		return 0
	fi
	for v in directory static; do unit $((DIR_REPS + 1)) directory_unit "$v"; done
}
