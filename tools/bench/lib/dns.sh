# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The names row (metric "dns"; issue 20): how many queries a second a
# station's resolver gets answered for the names of its bridge, and how fast,
# by the bridge's datapath against a DNS server on the same gateway address.
# Sides, one fresh lab each, alternating round by round like the modes:
#   kbr      the kernel bridge of kbr-lab.sh, dnsmasq on its gateway address
#            (the classic lab's resolver, as libvirt runs it)
#   xbr-tc   xbr up --mode tc: the datapath answers (bpf/lib/dns.h)
#   xbr-xdp  xbr up --mode xdp: the same in XDP mode
#   dnsmasq  xbr up --mode tc, then `xbr set dns off`, dnsmasq on the
#            gateway address: the same names from the same address, answered
#            by a process (the ratios' "x dnsmasq")
#   docker   Docker's embedded DNS (127.0.0.11 in each container, served by
#            dockerd) on a network of the xbr driver (xbr-docker), queried
#            from container 1; built once per run, not per round (dockerd and
#            its containers take ~10 s to start), in a "host" of its own (net
#            + mount namespace; overlays on /run, /var/lib, /etc as in
#            t_docker), torn down at the end. Docker forwards the names it
#            does not know (the NXDOMAIN queries) to the resolver of the
#            host's resolv.conf, here dnsmasq on the network's gateway
#            (--local=/dk/: NXDOMAIN for the domain; xbr's dns off on that
#            bridge). Its networks are IPv4 only: AAAA answers have no data.
# Every lab: DNS_NS stations BR1..BRN (the other rows' addressing, with
# IPv6: xbr's AAAA answers have data) and one more, BRw (172.16.1.1), with
# the aliases web and www (`xbr port add BRw 172.16.1.1/16 name web name
# www`; docker: containers and --network-alias). The names are the bridge's
# own list (`xbr -j dns`; for kbr and docker the same list made here, the
# addresses xbr would give, none of IPv6 for docker); dnsmasq serves them
# from a hosts file (--no-resolv --no-hosts --addn-hosts=FILE
# --local=/BR/ --bind-interfaces --listen-address GW, pinned to CPU_SINK).
# Queries (one file per lab): each name as NAME A and NAME.BR AAAA, and
# DNS_NX names under the domain that nobody has (NXDOMAIN).
# Per side and round, dnsperf (Debian's 2.10) in station 1 on CPU_GEN, to
# the gateway (172.16.1.254; docker: container 1, to 127.0.0.11), UDP:
#   check    every query of the file once (-n 1 -v): each answered, with
#            the rcode it should have (NOERROR, NXDOMAIN for the nobodies);
#            dnsq.py checks the data of one A and one AAAA (in the side's
#            first round); on xbr the datapath's counters (xbr stats -j
#            .dns) grow by exactly those answers, on the dnsmasq and docker
#            sides they do not move. A side that fails gets a note and no
#            sample.
#   rate     flat out for DNS_DUR s, one client, at most DNS_OUTSTANDING
#            queries in flight (-c 1 -T 1 -q N -t 1): queries/s, lost %,
#            dnsperf's mean latency under that load, the share answered
#            by the datapath (xbr stats -j .dns before and after)
#   latency  DNS_LAT_QPS queries/s (-Q) for DNS_DUR s with -v (a line per
#            answer with its latency): p50, p99 by nearest rank. dnsperf
#            2.10 prints mean, min and max only, and -v costs it a line a
#            query, which is why it is not on in the rate run.
# Sourced by run.sh after metrics.sh; dns_probe decides the extra sides
# (DNS_SIDES_CSV: dnsmasq, docker), run_dns runs the row.

DNS_NS=8 DNS_NX=3 DNS_OUTSTANDING=100 # run.sh: DNS_NS=2 in --quick
declare -gA DNS_DATA_OK=()
DNSQ="$REPO/tools/dns/dnsq.py"
DOCKER=/usr/bin/docker

# dns_bridge SIDE -> its lab's bridge name (and the names' domain)
dns_bridge() {
	case $1 in
	dnsmasq) echo xd ;;
	docker) echo dk ;;
	*) mode_bridge "$1" ;;
	esac
}

# dns_specs BR N -> "BR1=ADDR/16 ... BRN=ADDR/16" (the addressing of ns_specs)
dns_specs() {
	local i
	for ((i = 1; i <= $2; i++)); do printf '%s%s=172.16.%s.%s/16 ' "$1" "$i" $((10 + i / 250)) $((i % 250 + 1)); done
}

# dns_v6 IPV4 -> the IPv6 address xbr gives it (fd00:172:16::/64 + IPv4)
dns_v6() {
	local a
	IFS=. read -r -a a <<<"$1"
	printf 'fd00:172:16::%x:%x' $((a[0] << 8 | a[1])) $((a[2] << 8 | a[3]))
}

# dns_probe: the status of the extra side(s), as probe_modes does for the
# modes (MODE_STATUS, MODE_REASON, MODE_NOTE); they join EXTRA_MODES.
dns_probe() {
	local s plugin
	mapfile -t DNS_SIDES_EXTRA < <(split_csv "$DNS_SIDES_CSV")
	for s in "${DNS_SIDES_EXTRA[@]}"; do
		[[ $s == dnsmasq || $s == docker ]] || die "--dns-sides: unknown side '$s' (known: dnsmasq, docker)"
		EXTRA_MODES+=("$s")
		MODE_STATUS[$s]=ok MODE_REASON[$s]="" MODE_NOTE[$s]="runs the dns row only"
		# both run on xbr in tc mode (docker: the xbr driver's network)
		MODE_ARGS[$s]=${MODE_ARGS[xbr-tc]:-}
		if ! command -v dnsmasq >/dev/null; then
			MODE_STATUS[$s]=skipped MODE_REASON[$s]="dnsmasq not installed (Debian dnsmasq-base; tools/deps.sh bench)"
		elif [[ ${MODE_STATUS[xbr-tc]:-} != ok ]]; then
			MODE_STATUS[$s]=skipped MODE_REASON[$s]="needs mode xbr-tc (runs on an xbr bridge in tc mode)"
		fi
		case $s in
		dnsmasq) MODE_NOTE[$s]="runs the dns row only: xbr tc mode with dns off, dnsmasq on the gateway" ;;
		docker)
			MODE_NOTE[$s]="runs the dns row only: Docker's embedded DNS on a network of the xbr driver (tc mode); unknown names forwarded to dnsmasq on the gateway"
			plugin=${XBR_DOCKER:-$(dirname "$XBR_PATH")/xbr-docker}
			if [[ ${MODE_STATUS[$s]} != ok ]]; then :
			elif [[ ! -x $DOCKER ]] || ! command -v dockerd >/dev/null || ! command -v containerd >/dev/null; then
				MODE_STATUS[$s]=skipped MODE_REASON[$s]="docker.io not installed (dockerd, containerd, $DOCKER)"
			elif [[ ! -x $plugin ]]; then
				MODE_STATUS[$s]=skipped MODE_REASON[$s]="$plugin not found (run make; XBR_DOCKER= for another)"
			elif [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
				MODE_STATUS[$s]=skipped MODE_REASON[$s]="no static /bin/busybox for the containers' image (Debian busybox-static)"
			elif [[ ! -d /sys/fs/cgroup/memory && ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
				MODE_STATUS[$s]=skipped MODE_REASON[$s]="no cgroup hierarchy under /sys/fs/cgroup (dockerd needs one)"
			else
				cp "$plugin" "$OUT/tmp/xbr-docker" && DK_PLUGIN=$OUT/tmp/xbr-docker
			fi ;;
		esac
		log "dns side $s: ${MODE_STATUS[$s]}${MODE_REASON[$s]:+ (${MODE_REASON[$s]})}"
	done
}

# dns_sides -> the sides of the dns row: the bridge modes, then the extra
# sides that can run
dns_sides() {
	local s
	for s in "${ACTIVE_BR[@]}"; do echo "$s"; done
	for s in "${DNS_SIDES_EXTRA[@]}"; do [[ ${MODE_STATUS[$s]} == ok ]] && echo "$s"; done
	return 0
}

# dns_names SIDE -> "NAME FQDN ADDR ADDR6" per name of SIDE's lab (ADDR6
# "-": none)
dns_names() {
	local side=$1 br i a
	br=$(dns_bridge "$side")
	if [[ $side == kbr || $side == docker ]]; then
		for ((i = 1; i <= DNS_NS; i++)); do
			a=172.16.$((10 + i / 250)).$((i % 250 + 1))
			echo "$br$i $br$i.$br $a $([[ $side == docker ]] && echo - || dns_v6 "$a")"
		done
		for i in "${br}w" web www; do echo "$i $i.$br 172.16.1.1 $([[ $side == docker ]] && echo - || dns_v6 172.16.1.1)"; done
		return 0
	fi
	"$XBR" -b "$br" -j dns | jq -r '.names[] | "\(.name) \(.fqdn) \(.addr) \(.addr6 // "-")"'
}

# dns_lab_up SIDE : SIDE's lab, its names in $OUT/tmp/dns-SIDE.names, the
# query file (.queries) and the hosts file (.hosts) beside it
dns_lab_up() {
	local side=$1 br t i
	br=$(dns_bridge "$side") t=$OUT/tmp/dns-$side
	if [[ $side == docker ]]; then
		# once per run; a failed start is not tried again
		[[ -z $DK_FAILED ]] || return 1
		if [[ -z $DK_HOST ]] && ! dk_up; then dk_down; DK_FAILED=1; return 1; fi
	else
		# shellcheck disable=SC2046,SC2086
		case $side in
		kbr) "$BENCH_DIR/kbr-lab.sh" -b "$br" up --gateway "$BENCH_GW/16" $(dns_specs "$br" "$DNS_NS") "${br}w=172.16.1.1/16" ;;
		*) "$XBR" -b "$br" up --subnet "$BENCH_SUBNET" --gateway "$BENCH_GW" ${MODE_ARGS[$side]} \
			$(dns_specs "$br" "$DNS_NS") &&
			"$XBR" -b "$br" port add "${br}w" 172.16.1.1/16 name web name www ;;
		esac >>"$OUT/logs/topo.log" 2>&1 || return 1
		DNS_UP=$side
	fi
	if [[ $side == dnsmasq ]]; then "$XBR" -b "$br" set dns off >>"$OUT/logs/topo.log" 2>&1 || return 1; fi
	dns_names "$side" >"$t.names" 2>>"$OUT/logs/topo.log" || return 1
	(( $(wc -l <"$t.names") == DNS_NS + 3 )) || { warn "dns: $side lists $(wc -l <"$t.names") names, not $((DNS_NS + 3))"; return 1; }
	{
		awk '{ print $1, "A"; print $2, "AAAA" }' "$t.names"
		for ((i = 1; i <= DNS_NX; i++)); do
			if (( i % 2 )); then echo "nobody$i.$br A"; else echo "nobody$i.$br AAAA"; fi
		done
	} >"$t.queries"
	awk '{ print $3, $1, $2; if ($4 != "-") print $4, $1, $2 }' "$t.names" >"$t.hosts"
	[[ $side == docker ]] && : >"$t.hosts" # its upstream knows no names
	return 0
}

DNS_UP=""
dns_lab_down() {
	local br
	br=$(dns_bridge "$1")
	DNS_UP=""
	case $1 in
	kbr) "$BENCH_DIR/kbr-lab.sh" -b "$br" down ;;
	docker) return 0 ;; # at the end of the run (dk_down)
	*) "$XBR" -b "$br" down ;;
	esac >>"$OUT/logs/topo.log" 2>&1
}

# dns_server_start SIDE : dnsmasq on the gateway address (kbr, dnsmasq;
# docker: its upstream, in the docker host), pinned to CPU_SINK, bounded;
# DNS_SERVER_PID. Nothing for the xbr sides.
DNS_SERVER_PID=""
dns_server_start() {
	local side=$1 br t i
	local -a on=()
	DNS_SERVER_PID=""
	[[ $side == kbr || $side == dnsmasq || $side == docker ]] || return 0
	br=$(dns_bridge "$side") t=$OUT/tmp/dns-$side
	[[ $side == docker ]] && on=(nsenter -t "$DK_HOST" -n -m --)
	"${on[@]}" taskset -c "$CPU_SINK" timeout -k 2 "$(awk -v d="$DNS_DUR" 'BEGIN { printf "%d", 2 * d + 60 }')" \
		dnsmasq --keep-in-foreground -C /dev/null --user=root --group=root \
		--no-resolv --no-hosts --addn-hosts="$t.hosts" --local="/$br/" \
		--bind-interfaces --listen-address "$BENCH_GW" --port 53 \
		--pid-file="$t.pid" --log-facility="$OUT/logs/dnsmasq.log" >>"$OUT/logs/dnsmasq.log" 2>&1 &
	DNS_SERVER_PID=$!
	for ((i = 0; i < 50; i++)); do
		[[ -n $("${on[@]}" ss -Hlun "sport = :53" 2>/dev/null | grep -F "$BENCH_GW:53") ]] && return 0
		kill -0 "$DNS_SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
dns_server_stop() {
	[[ -n $DNS_SERVER_PID ]] && stop_pid "$DNS_SERVER_PID"
	DNS_SERVER_PID=""
}

# dns_counters SIDE -> "answered nxdomain" of the datapath (xbr stats -j),
# "null null" where no xbr bridge is
dns_counters() {
	local -a on=()
	[[ $1 == kbr ]] && { echo "null null"; return 0; }
	[[ $1 == docker ]] && on=(nsenter -t "$DK_HOST" -n -m --)
	"${on[@]}" "$XBR" -b "$(dns_bridge "$1")" -j stats 2>/dev/null |
		jq -r '"\(.dns.answered // "null") \(.dns.nxdomain // "null")"' 2>/dev/null || echo "null null"
}

# dns_in SIDE CMD... : CMD where SIDE's queries come from: station 1's
# namespace (docker: container 1's network namespace)
dns_in() {
	local side=$1; shift
	if [[ $side == docker ]]; then nsenter -t "$DK_CPID" -n -- "$@"; else ip netns exec "$(dns_bridge "$side")1" "$@"; fi
}
# dns_server SIDE -> the address SIDE's station asks
dns_server() { if [[ $1 == docker ]]; then echo 127.0.0.11; else echo "$BENCH_GW"; fi; }

# dns_perf SIDE OUT ARGS... : dnsperf from SIDE's station on CPU_GEN to its
# server, bounded; its output in OUT
dns_perf() {
	local side=$1 f=$2; shift 2
	dns_in "$side" taskset -c "$CPU_GEN" timeout -k 2 "$(awk -v d="$DNS_DUR" 'BEGIN { printf "%d", d + 15 }')" \
		dnsperf -s "$(dns_server "$side")" -c 1 -T 1 -t 1 "$@" >"$f" 2>&1 || true # its figures say what went wrong
}

# dns_stat FILE WHAT -> a figure of dnsperf's statistics
dns_stat() {
	case $2 in
	sent) awk '/Queries sent:/ { print $3 }' "$1" ;;
	completed) awk '/Queries completed:/ { print $3 }' "$1" ;;
	lost) awk '/Queries lost:/ { print $3 }' "$1" ;;
	qps) awk '/Queries per second:/ { print $4 }' "$1" ;;
	avg_us) awk '/Average Latency \(s\):/ { printf "%.1f", $4 * 1e6 }' "$1" ;;
	noerror | nxdomain) awk -v rc="${2^^}" '/Response codes:/ {
		for (i = 3; i <= NF; i++) if ($i == rc) { print $(i + 1); exit } print 0 }' "$1" ;;
	esac
}

# dns_check SIDE ROUND : every query once, with the rcode it should have;
# the data of one A and one AAAA; the datapath's counters. 1 and DNS_WHY
# when anything is wrong.
dns_check() {
	local side=$1 r=$2 br t f c0 c1 n nx bad want j
	br=$(dns_bridge "$side") t=$OUT/tmp/dns-$side f=$OUT/raw/dns-$side-r$r-check.txt
	DNS_WHY=""
	n=$(wc -l <"$t.queries") nx=$DNS_NX
	c0=$(dns_counters "$side")
	dns_perf "$side" "$f" -d "$t.queries" -n 1 -v
	c1=$(dns_counters "$side")
	if [[ $(dns_stat "$f" sent) != "$n" || $(dns_stat "$f" completed) != "$n" ]]; then
		DNS_WHY="check: $(dns_stat "$f" completed) of $n queries answered (raw/$(basename "$f"))"; return 1
	fi
	bad=$(awk '/^> / { want = ($3 ~ /^nobody[0-9]+\./) ? "NXDOMAIN" : "NOERROR"; if ($2 != want) { print $3 " " $4 ": " $2 " (want " want ")"; exit } }' "$f")
	[[ -z $bad ]] || { DNS_WHY="check: $bad"; return 1; }
	# the data, in the side's first round (a python start costs ~0.5 s of
	# CPU): the alias www's A and station 1's AAAA, as the names list has them
	if [[ -z ${DNS_DATA_OK[$side]:-} ]] && command -v python3 >/dev/null && [[ -f $DNSQ ]]; then
		want=$(awk -v n="${br}1.$br" '$1 == "www" { a = "[\"" $3 "\"]" }
			$2 == n { b = ($4 == "-") ? "[]" : "[\"" $4 "\"]" } END { print a, b }' "$t.names")
		j=$(dns_in "$side" timeout 10 python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import dnsq
dnsq.main([sys.argv[2], "www", "A"]); dnsq.main([sys.argv[2], sys.argv[3], "AAAA"])' \
			"$(dirname "$DNSQ")" "$(dns_server "$side")" "${br}1.$br" 2>&1) || true
		jq -e -s --argjson a "${want% *}" --argjson b "${want#* }" \
			'length == 2 and .[0].rcode == 0 and ([.[0].answers[].data] == $a) and .[1].rcode == 0 and ([.[1].answers[].data] == $b)' \
			<<<"$j" >/dev/null 2>&1 ||
			{ DNS_WHY="check: www A, ${br}1.$br AAAA answered $(tr -d '\n' <<<"$j" | head -c 300), want $want"; return 1; }
		DNS_DATA_OK[$side]=1
	elif [[ -z ${DNS_DATA_OK[$side]:-} ]]; then
		log "dns $side: python3 or $DNSQ missing: answers' data not checked (rcodes only)"
		DNS_DATA_OK[$side]=0
	fi
	# the datapath's counters: exactly the check's answers on xbr, none where it is off
	case $side in
	xbr-*) [[ $(awk -v a="$c0" -v b="$c1" 'BEGIN { split(a, x, " "); split(b, y, " "); print y[1] - x[1], y[2] - x[2] }') == "$((n - nx)) $nx" ]] ||
		{ DNS_WHY="check: xbr stats -j .dns went from '$c0' to '$c1' (answered nxdomain), not up by $((n - nx)) $nx"; return 1; } ;;
	dnsmasq | docker) [[ $c0 == "$c1" ]] || { DNS_WHY="check: dns off, but the datapath answered (xbr stats -j .dns '$c0' -> '$c1')"; return 1; } ;;
	esac
	return 0
}

# dns_unit SIDE ROUND : one side's lab, check, rate and latency runs
dns_unit() {
	local side=$1 r=$2 warm t f c0 c1 qps lost sent avg dp p50 p99 nlat other
	warm=$(is_warm "$r")
	t=$OUT/tmp/dns-$side
	wait_idle 5
	if ! dns_lab_up "$side"; then
		record_note dns udp "$side" "lab up failed (round $r; see logs/topo.log${DK_LOG:+ and logs/docker.log})"; dns_lab_down "$side" || true; return 0
	fi
	[[ $side == docker ]] || quiet_sender "$(dns_bridge "$side")1"
	if ! dns_server_start "$side"; then
		record_note dns udp "$side" "dnsmasq did not listen on $BENCH_GW:53 (round $r; see logs/dnsmasq.log)"
		dns_server_stop; dns_lab_down "$side" || true; return 0
	fi
	if ! dns_check "$side" "$r"; then
		record_note dns udp "$side" "answers wrong, not measured (round $r): $DNS_WHY"
		dns_server_stop; dns_lab_down "$side" || true; return 0
	fi
	# rate: flat out
	f=$OUT/raw/dns-$side-r$r-rate.txt
	c0=$(dns_counters "$side")
	dns_perf "$side" "$f" -d "$t.queries" -l "$DNS_DUR" -q "$DNS_OUTSTANDING"
	c1=$(dns_counters "$side")
	qps=$(dns_stat "$f" qps) sent=$(dns_stat "$f" sent) lost=$(dns_stat "$f" lost) avg=$(dns_stat "$f" avg_us)
	other=$(awk -v c="$(dns_stat "$f" completed)" -v a="$(dns_stat "$f" noerror)" -v b="$(dns_stat "$f" nxdomain)" \
		'BEGIN { print c - a - b }')
	dp=$(awk -v a="$c0" -v b="$c1" -v c="$(dns_stat "$f" completed)" 'BEGIN { split(a, x, " "); split(b, y, " ");
		if (x[1] == "null" || y[1] == "null" || c <= 0) print "null"
		else printf "%.2f", 100 * (y[1] + y[2] - x[1] - x[2]) / c }')
	# latency: a fixed rate, a line per answer
	f=$OUT/raw/dns-$side-r$r-lat.txt
	dns_perf "$side" "$f" -d "$t.queries" -l "$DNS_DUR" -Q "$DNS_LAT_QPS" -v
	read -r nlat p50 p99 < <(awk '/^> / && NF == 5 && $5 ~ /^[0-9.]+$/ { print $5 * 1e6 }' "$f" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print 0, "null", "null"; exit }
			i = int(NR * 0.50); if (i < NR * 0.50) i++; j = int(NR * 0.99); if (j < NR * 0.99) j++
			printf "%d %.1f %.1f\n", NR, v[i], v[j] }')
	dns_server_stop
	dns_lab_down "$side" || warn "dns: $side lab down failed"
	if [[ -z $qps || -z $sent || $sent == 0 ]]; then
		record_note dns udp "$side" "dnsperf (rate) failed in round $r: $(grep -v '^\[Status\]' "$OUT/raw/dns-$side-r$r-rate.txt" | grep . | tail -n 1 | cut -c1-160)"
		return 0
	fi
	record_sample dns udp "$side" "$r" "$warm" qps="$qps" \
		lost_pct="$(awk -v l="$lost" -v s="$sent" 'BEGIN { printf "%.4f", 100 * l / s }')" \
		other_rcodes="$other" load_avg_us="$avg" p50_us="$p50" p99_us="$p99" lat_answers="$nlat" dp_pct="$dp"
}

# ---- the docker side: one host with dockerd, built once per run ----
DK_HOST="" DK_DOCKERD="" DK_PLUGIN_PID="" DK_CPID="" DK_LOG="" DK_PLUGIN="" DK_FAILED=""
DK_CGROUP=xbr-bench-dns-$$
dk() { timeout 60 "$DOCKER" -H "unix://$OUT/tmp/dk/docker.sock" "$@"; }
dk_on() { nsenter -t "$DK_HOST" -n -m -- "$@"; }

# dk_up : the docker host (a net + mount namespace held by a sleep, with
# overlays on /run, /var/lib and /etc, its own sysfs and bpffs, the host's
# cgroups kept), dockerd (pinned to CPU_SINK, as dnsmasq is) and xbr-docker
# in it, the image (a static busybox), the network dk (xbr driver, tc mode,
# 172.16.0.0/16, gateway 172.16.1.254, xbr's dns off on it), containers
# dk1..dkN (the stations' addresses) and dkw (172.16.1.1, aliases web, www).
dk_up() {
	local d=$OUT/tmp/dk fifo ok="" i
	DK_LOG=$OUT/logs/docker.log
	mkdir -p "$d/rootfs/bin" || return 1
	fifo=$d/ready
	rm -f "$fifo"; mkfifo "$fifo" || return 1
	unshare -n -m --propagation private -- bash -c '
		d=$1
		for m in /run /var/lib /etc; do
			u=$d/ov${m//\//_}
			mkdir -p "$u/up" "$u/work" &&
				mount -t overlay xbr-bench-dk -o "lowerdir=$m,upperdir=$u/up,workdir=$u/work" "$m" || exit 1
		done
		mount -t tmpfs -o size=4m,mode=755 xbr-bench-dk-netns /run/netns &&
			mkdir /run/netns/.cgroup && mount --rbind /sys/fs/cgroup /run/netns/.cgroup &&
			mount -t sysfs sysfs /sys && mount --move /run/netns/.cgroup /sys/fs/cgroup &&
			rmdir /run/netns/.cgroup && mount -t bpf bpf /sys/fs/bpf && ip link set lo up || exit 1
		mkdir -p /etc/docker /run/docker/plugins
		echo "nameserver 172.16.1.254" >/etc/resolv.conf
		echo ok >"$d/ready"
		exec sleep 7200' dk-host "$d" </dev/null >>"$DK_LOG" 2>&1 &
	DK_HOST=$!
	read -r -t 10 ok <"$fifo"
	rm -f "$fifo"
	[[ $ok == ok ]] || { warn "dns: the docker host did not come up (logs/docker.log)"; return 1; }
	# nsenter and taskset exec: $! is dockerd's (and the plugin's) own PID
	nsenter -t "$DK_HOST" -n -m -- taskset -c "$CPU_SINK" dockerd --data-root /var/lib/docker --exec-root /run/docker \
		--pidfile /run/xbr-bench-dockerd.pid -H "unix://$d/docker.sock" --bridge=none --storage-driver vfs \
		--exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$DK_CGROUP" \
		--default-ulimit nofile=1024:1024 --iptables=true >>"$DK_LOG" 2>&1 &
	DK_DOCKERD=$!
	nsenter -t "$DK_HOST" -n -m -- "$DK_PLUGIN" --socket /run/docker/plugins/xbr.sock --docker-host "$d/docker.sock" >>"$DK_LOG" 2>&1 &
	DK_PLUGIN_PID=$!
	for ((i = 0; i < 150; i++)); do dk info >/dev/null 2>&1 && break; sleep 0.2; done
	dk info >/dev/null 2>&1 || { warn "dns: dockerd did not start (logs/docker.log)"; return 1; }
	cp /bin/busybox "$d/rootfs/bin/busybox" && ln -sf busybox "$d/rootfs/bin/sleep" &&
		tar -C "$d/rootfs" -c . | dk import - xbr-bench/busybox >>"$DK_LOG" 2>&1 || return 1
	dk network create -d xbr --subnet "$BENCH_SUBNET" --gateway "$BENCH_GW" \
		-o com.docker.network.bridge.name=dk -o "xbr.mode=tc" dk >>"$DK_LOG" 2>&1 &&
		dk_on "$XBR" -b dk set dns off >>"$DK_LOG" 2>&1 || return 1
	for ((i = 1; i <= DNS_NS; i++)); do
		dk run -d --network dk --name "dk$i" --ip "172.16.$((10 + i / 250)).$((i % 250 + 1))" \
			--ulimit nofile=1024:1024 xbr-bench/busybox sleep 7200 >>"$DK_LOG" 2>&1 || return 1
	done
	dk run -d --network dk --name dkw --ip 172.16.1.1 --network-alias web --network-alias www \
		--ulimit nofile=1024:1024 xbr-bench/busybox sleep 7200 >>"$DK_LOG" 2>&1 || return 1
	DK_CPID=$(dk inspect -f '{{.State.Pid}}' dk1) && [[ $DK_CPID =~ ^[1-9][0-9]*$ ]] || return 1
	log "dns: docker host up: dockerd $(dk version -f '{{.Server.Version}}' 2>/dev/null), $((DNS_NS + 1)) containers on the xbr driver's network dk"
}

# dk_down : containers, network, xbr-docker, dockerd, the host, the cgroups
# (each step whatever the one before did: run.sh runs under set -e)
dk_down() {
	local ids m
	[[ -n $DK_HOST ]] || return 0
	if [[ -n $DK_DOCKERD ]]; then
		ids=$(dk ps -aq 2>/dev/null) || ids=""
		# shellcheck disable=SC2086
		[[ -z $ids ]] || dk rm -f $ids >>"$DK_LOG" 2>&1 || true
		dk network rm dk >>"$DK_LOG" 2>&1 || true
		[[ -z $DK_PLUGIN_PID ]] || stop_pid "$DK_PLUGIN_PID"
		# dockerd stops its containerd
		kill -TERM "$DK_DOCKERD" 2>/dev/null || true
		timeout 20 tail --pid="$DK_DOCKERD" -f /dev/null 2>/dev/null || kill -KILL "$DK_DOCKERD" 2>/dev/null || true
		wait "$DK_DOCKERD" 2>/dev/null || true
	fi
	# a bridge left behind (the plugin gone before the network): down in the host
	dk_on "$XBR" -b dk down >/dev/null 2>&1 || true
	stop_pid "$DK_HOST"
	for m in /sys/fs/cgroup/*/"$DK_CGROUP" /sys/fs/cgroup/"$DK_CGROUP"; do
		[[ ! -d $m ]] || find "$m" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	DK_HOST="" DK_DOCKERD="" DK_PLUGIN_PID="" DK_CPID=""
	return 0
}

run_dns() {
	local r s
	if ! command -v dnsperf >/dev/null; then
		for s in $(dns_sides); do
			unit 1 record_note dns udp "$s" "not measured: dnsperf not installed (Debian dnsperf; tools/deps.sh bench)"
		done
		return 0
	fi
	for ((r = 1; r <= ROUNDS; r++)); do
		for s in $(dns_sides); do
			if [[ $s == kbr ]] && ! command -v dnsmasq >/dev/null; then
				(( r == 1 )) && unit 1 record_note dns udp kbr "not measured: dnsmasq not installed (Debian dnsmasq-base; tools/deps.sh bench)"
				continue
			fi
			unit 1 dns_unit "$s" "$r"
		done
	done
	(( PLANNING )) || dk_down
}
