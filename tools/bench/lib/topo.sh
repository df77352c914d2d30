# shellcheck shell=bash
# Topology back-ends. A "mode" is one way of building the same lab:
#   kbr      Linux bridge built by kbr-lab.sh (classic ip(8) lab)
#   xbr-tc   xbr -b BR up --mode tc
#   xbr-xdp  xbr -b BR up --mode xdp
#   wire     the two namespaces joined by ONE veth pair, no bridge at all: the
#            limit of any bridge built on veth (pair metrics only)
#   floor    a veth pair per namespace whose host end's tc ingress program is a
#            single bpf_redirect_peer() to the other port (floor.bpf.c): the
#            limit of xbr's tc design (pair metrics only)
# Every mode gets the same addressing: namespace i has 172.16.(10+i/250).(i%250+1)/16,
# gateway 172.16.1.254 on the host side (kbr, xbr-*; wire and floor have none).

BENCH_SUBNET=172.16.0.0/16
BENCH_GW=172.16.1.254
MODES_ALL=(kbr xbr-tc xbr-xdp wire floor)
# Modes that only build the 2-namespace lab of the pair metrics (tcp, pps, lat).
pair_only() { [[ $1 == wire || $1 == floor ]]; }
declare -gA MODE_STATUS=() MODE_REASON=() MODE_NOTE=()
# Arguments selecting the datapath, per mode (decided by probe_modes).
declare -gA MODE_ARGS=([xbr-tc]="--mode tc" [xbr-xdp]="--mode xdp")
# Command prefix for the topology builders (m_setup pins them with taskset).
TOPO_RUN=(env)
# Extra arguments for `xbr up` (the fdb metric sizes the table with them).
TOPO_XBR_EXTRA=()
# Arguments for every `xbr up`: IPv4 only like the kernel-bridge lab, if this
# xbr knows --subnet6 (set by probe_modes).
XBR_BASE_ARGS=()

mode_bridge() {
	case $1 in
	kbr) echo kb ;;
	xbr-tc) echo xt ;;
	xbr-xdp) echo xx ;;
	wire) echo wi ;;
	floor) echo fl ;;
	*) die "unknown mode $1" ;;
	esac
}
ns_name() { echo "$(mode_bridge "$1")$2"; }                  # MODE I
ns_ip()   { echo "172.16.$((10 + $1 / 250)).$(($1 % 250 + 1))"; } # I

# ns_specs MODE N -> "NS=ADDR/16 ..." for namespaces 1..N
# (ns_name and ns_ip inlined: two command substitutions per namespace cost
# ~1.7 s for 1,000 and were counted in the setup time, which expands this
# inside the timed call.)
ns_specs() {
	local i br
	br=$(mode_bridge "$1")
	for ((i = 1; i <= $2; i++)); do printf '%s%s=172.16.%s.%s/16 ' "$br" "$i" $((10 + i / 250)) $((i % 250 + 1)); done
}

# topo_up MODE N : build the lab with N namespaces. Output of the builder goes
# to $OUT/logs/topo.log. Returns the builder's exit code.
topo_up() {
	local mode=$1 n=$2 br
	br=$(mode_bridge "$mode")
	# shellcheck disable=SC2046
	case $mode in
	kbr) "${TOPO_RUN[@]}" "$BENCH_DIR/kbr-lab.sh" -b "$br" up --gateway "$BENCH_GW/16" $(ns_specs "$mode" "$n") ;;
	xbr-*) "${TOPO_RUN[@]}" "$XBR" -b "$br" up --subnet "$BENCH_SUBNET" --gateway "$BENCH_GW" \
		"${XBR_BASE_ARGS[@]}" ${MODE_ARGS[$mode]} "${TOPO_XBR_EXTRA[@]}" $(ns_specs "$mode" "$n") ;;
	wire) (( n == 2 )) && wire_up ;;
	floor) (( n == 2 )) && floor_up ;;
	esac >>"$OUT/logs/topo.log" 2>&1
}

# ns_up NS I : namespace NS exists with eth0; give it lo, the address of
# namespace I and bring eth0 up (wire and floor labs).
ns_up() {
	ip -n "$1" link set lo up &&
		ip -n "$1" addr add "$(ns_ip "$2")/16" dev eth0 &&
		ip -n "$1" link set eth0 up
}

# wire: wi1 eth0 <-> wi2 eth0, one veth pair, default offloads.
wire_up() {
	ip netns add wi1 && ip netns add wi2 &&
		ip link add eth0 netns wi1 type veth peer name eth0 netns wi2 &&
		ns_up wi1 1 && ns_up wi2 2
}

# floor_obj IFINDEX -> path of floor.bpf.c compiled to redirect to IFINDEX
# (built once per ifindex into $OUT/tmp).
floor_obj() {
	local o="$OUT/tmp/floor-$1.o" arch
	if [[ ! -s $o ]]; then
		arch=$(${CC:-gcc} -dumpmachine 2>/dev/null || echo "$(uname -m)-linux-gnu")
		"${CLANG:-clang}" -O2 -g -target bpf -Wall -I"/usr/include/$arch" \
			-DFLOOR_PEER_IFINDEX="$1" -c "$BENCH_DIR/floor.bpf.c" -o "$o.tmp" && mv "$o.tmp" "$o" || return 1
	fi
	echo "$o"
}

# floor: per namespace flI a veth pair fl-pI (host) / eth0 (flI), default
# offloads; fl-pI's tc ingress redirects every frame to the peer of the other.
floor_up() {
	local i o
	for i in 1 2; do
		ip netns add "fl$i" && ip link add "fl-p$i" type veth peer name eth0 netns "fl$i" &&
			ip link set "fl-p$i" up && ns_up "fl$i" "$i" || return 1
	done
	for i in 1 2; do
		o=$(floor_obj "$(cat "/sys/class/net/fl-p$((3 - i))/ifindex")") &&
			tc qdisc add dev "fl-p$i" clsact &&
			tc filter add dev "fl-p$i" ingress bpf direct-action obj "$o" sec tc || return 1
	done
}

topo_down() {
	local mode=$1 br
	br=$(mode_bridge "$mode")
	case $mode in
	kbr) "${TOPO_RUN[@]}" "$BENCH_DIR/kbr-lab.sh" -b "$br" down ;;
	xbr-*) "${TOPO_RUN[@]}" "$XBR" -b "$br" down ;;
	wire | floor) # the veth pairs go with the namespaces
		local ns rc=0
		for ns in "${br}1" "${br}2"; do
			if ip netns list | grep -c "^$ns\b" >/dev/null; then ip netns del "$ns" || rc=1; fi
		done
		return $rc ;;
	esac >>"$OUT/logs/topo.log" 2>&1
}

# Emergency cleanup (trap): remove whatever any mode may have left.
topo_cleanup_all() {
	local m
	for m in "${MODES_ALL[@]}"; do topo_down "$m" 2>/dev/null || true; done
}

# ns_mac NS -> MAC of eth0 in NS
ns_mac() { ip -n "$1" -j link show dev eth0 | jq -r '.[0].address'; }

# l2_check NS_A NS_B IP_B : make A resolve B's MAC through the bridge (ARP
# request flooded, reply unicast: the bridge learns both MACs). A one-byte UDP
# datagram to port 9 (discard; nothing listens) triggers the resolution; no
# ping binary is needed. Returns 0 once A has B's lladdr, 1 after ~3 s.
l2_check() {
	local a=$1 ipb=$3 i
	ip -n "$a" neigh flush dev eth0 >/dev/null 2>&1 || true
	for ((i = 0; i < 30; i++)); do
		(( i % 10 == 0 )) && ip netns exec "$a" bash -c "echo x >/dev/udp/$ipb/9" 2>/dev/null || true
		if ip -n "$a" neigh show "$ipb" dev eth0 | grep -c lladdr >/dev/null; then return 0; fi
		sleep 0.1
	done
	return 1
}

# l2_pair MODE I J : resolve both directions between namespaces I and J.
l2_pair() {
	local mode=$1 a b
	a=$(ns_name "$mode" "$2") b=$(ns_name "$mode" "$3")
	l2_check "$a" "$b" "$(ns_ip "$3")" && l2_check "$b" "$a" "$(ns_ip "$2")"
}

# probe_modes : decide which modes run. kbr and wire always; floor if tc is
# there and floor.bpf.c compiles; xbr modes only if the
# binary exists and `xbr up --mode M` succeeds in a scratch network namespace
# and two namespaces then reach each other. Fills MODE_STATUS / MODE_REASON.
# An xbr that does not know --mode yet is used without it for xbr-tc (its
# only datapath is tc); the run's notes say so.
probe_one() { # MODE ARGS -> 0 if usable; reason on stdout otherwise
	bounded 60 unshare -n -m -- bash "$BENCH_DIR/lib/probe.sh" "$XBR" "$@" "${XBR_BASE_ARGS[@]}" 2>&1
}
probe_modes() {
	local m reason
	if [[ -x $XBR ]] && "$XBR" help up 2>&1 | grep -c -- '--subnet6' >/dev/null; then XBR_BASE_ARGS=(--subnet6 none); fi
	for m in "${MODES[@]}"; do
		MODE_NOTE[$m]=""
		case $m in
		kbr | wire) MODE_STATUS[$m]=ok; MODE_REASON[$m]="" ;;
		floor)
			MODE_STATUS[$m]=ok; MODE_REASON[$m]=""
			if ! command -v tc >/dev/null; then
				MODE_STATUS[$m]=skipped; MODE_REASON[$m]="tc (iproute2) not installed"
			elif ! floor_obj 1 >/dev/null 2>"$OUT/logs/floor-build.log"; then
				MODE_STATUS[$m]=skipped
				MODE_REASON[$m]="cannot compile tools/bench/floor.bpf.c: $(grep -m1 -i error "$OUT/logs/floor-build.log" | cut -c1-200)"
			fi
			;;
		xbr-*)
			if [[ ! -x $XBR ]]; then
				MODE_STATUS[$m]=skipped; MODE_REASON[$m]="xbr binary not found at $XBR"
				log "mode $m: skipped (${MODE_REASON[$m]})"
				continue
			fi
			MODE_STATUS[$m]=ok; MODE_REASON[$m]=""
			if ! reason=$(probe_one "${m#xbr-}" ${MODE_ARGS[$m]}); then
				if [[ $m == xbr-tc ]] && probe_one tc >/dev/null; then
					MODE_ARGS[$m]=""
					MODE_NOTE[$m]="xbr up rejected --mode tc ($(tail -n 1 <<<"$reason" | cut -c1-120)); ran without --mode (default datapath: tc)"
				else
					MODE_STATUS[$m]=skipped
					MODE_REASON[$m]=$(tail -n 2 <<<"$reason" | tr '\n' ' ' | sed 's/ *$//' | cut -c1-300)
					[[ -n ${MODE_REASON[$m]} ]] || MODE_REASON[$m]="probe failed"
				fi
			fi
			;;
		*) die "unknown mode $m (known: ${MODES_ALL[*]})" ;;
		esac
		log "mode $m: ${MODE_STATUS[$m]}${MODE_REASON[$m]:+ (${MODE_REASON[$m]})}${MODE_NOTE[$m]:+ [${MODE_NOTE[$m]}]}"
	done
}

# active_modes -> modes whose status is ok, in the configured order
active_modes() {
	local m
	for m in "${MODES[@]}"; do [[ ${MODE_STATUS[$m]} == ok ]] && echo "$m"; done
	return 0
}
