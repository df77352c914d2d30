#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Real containers on xbr: podman (Debian's 4.3, CNI network backend, runc,
# cgroupfs, explicit ulimits) with an image built here from busybox-static,
# on a network whose conflist uses the xbr plugin.
# - two containers ping each other and the gateway, and talk TCP (HTTP);
# - each finds the other by its container name (nslookup through its
#   resolv.conf: the gateway, whose datapath answers; xbr dns lists both);
# - `xbr fdb` shows both MACs on ports tagged with their container IDs;
# - `podman stop` removes a port, `podman kill` + `rm` leaves nothing;
# - 20 containers started in parallel get 20 distinct ports that work;
# - `podman network rm` and `xbr down` leave the host as it was.
# Podman stays private: its configuration, storage, run root, CNI config and
# plugin directories are in the test's directory, its cgroups under a parent
# of the test's own, and /run and /var/lib are overlays inside the test's
# mount namespace (t_overlay: what podman, runc and libcni write there never
# reaches the host).
T_BR=xpod
# shellcheck disable=SC2034 # both read by lib.sh
T_KEEP_CGROUP=1 T_CLEANUP_HOOK=pod_cleanup
. "$(dirname "$0")/lib.sh"

CNI_BIN=${XBR_CNI:-$(dirname "$XBR_REAL")/xbr-cni}
[ -x "$CNI_BIN" ] || t_fail "$CNI_BIN is missing: run make"
for tool in podman runc; do
	command -v $tool >/dev/null || t_skip "$tool is not installed (tools/deps.sh test)"
done
[ -x /usr/lib/cni/host-local ] || t_skip "containernetworking-plugins is not installed (tools/deps.sh test)"
ldd /bin/busybox >/dev/null 2>&1 && t_skip "/bin/busybox is not static (install busybox-static)"
[ -x /bin/busybox ] || t_skip "busybox-static is not installed (tools/deps.sh test)"

P_DIR=$T_TMP/podman
CGP=xbr-test-$$ # the cgroup parent of everything podman starts here
SUBNET=10.82.0.0/24
GW=10.82.0.1

# ---- private /run and /var/lib, then podman's own directories ----
t_overlay /run /var/lib
mkdir -p "$P_DIR"/{bin,conf,root,runroot,tmp,ipam,rootfs/bin,rootfs/www}

ln -s "$CNI_BIN" "$P_DIR/bin/xbr"
ln -s /usr/lib/cni/host-local "$P_DIR/bin/host-local"
cat >"$P_DIR/containers.conf" <<EOF
[containers]
log_driver = "k8s-file"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P_DIR/events.log"
tmp_dir = "$P_DIR/tmp"
volume_path = "$P_DIR/volumes"
static_dir = "$P_DIR/root/libpod"
[network]
network_backend = "cni"
cni_plugin_dirs = ["$P_DIR/bin"]
network_config_dir = "$P_DIR/conf"
EOF
cat >"$P_DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$P_DIR/root"
runroot = "$P_DIR/runroot"
EOF
: >"$P_DIR/registries.conf"
export CONTAINERS_CONF=$P_DIR/containers.conf CONTAINERS_STORAGE_CONF=$P_DIR/storage.conf
export CONTAINERS_REGISTRIES_CONF=$P_DIR/registries.conf TMPDIR=$P_DIR/tmp
pod() { timeout 60 podman --root "$P_DIR/root" --runroot "$P_DIR/runroot" "$@"; }
RUN=(run -d --network xnet --cgroup-parent "/$CGP" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# Containers, the storage's own mounts, and the cgroups (conmon may take a
# moment to leave its cgroup after rm: bounded retries).
pod_cleanup() {
	local d m i
	pod rm -a -f -t 0 >/dev/null 2>&1
	for m in $(findmnt -rn -o TARGET | grep "^$P_DIR/" | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	for i in $(seq 1 50); do
		for d in /sys/fs/cgroup/*/"$CGP"; do
			[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		done
		compgen -G "/sys/fs/cgroup/*/$CGP" >/dev/null || return 0
		sleep 0.1
	done
	echo "# cleanup: cgroups $CGP remain: $(cat /sys/fs/cgroup/*/"$CGP"/*/cgroup.procs 2>/dev/null | tr '\n' ' ')" >&2
}

# The image: busybox-static and one page for its httpd.
cp /bin/busybox "$P_DIR/rootfs/bin/busybox"
for a in sh sleep ping nc httpd ip cat nslookup; do ln -s busybox "$P_DIR/rootfs/bin/$a"; done
echo xbr-ok >"$P_DIR/rootfs/www/index.html"
tar -C "$P_DIR/rootfs" -c . | pod import - localhost/xbrtest >/dev/null || t_fail "podman import failed"

snapshot "$T_TMP/snap.start"

# The network: a conflist that names the xbr plugin.
jq -n --arg br "$T_BR" --arg mode "$XBR_MODE" --arg dir "$P_DIR/ipam" --arg subnet "$SUBNET" \
	'{cniVersion: "1.0.0", name: "xnet", plugins: [{type: "xbr", bridge: $br, mode: $mode,
	  isDefaultGateway: true, ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: $subnet}]]}}]}' \
	>"$P_DIR/conf/xnet.conflist"
must pod network ls --format '{{.Name}} {{.Driver}}'
grep -qx "xnet xbr" <<<"$T_OUT" || t_fail "podman does not list network xnet (driver xbr): $T_OUT"

# inspect FIELD CTR: a field of the container's xnet attachment.
inspect() { pod inspect -f "{{.NetworkSettings.Networks.xnet.$1}}" "$2"; }
owner_ports() { # CONTAINER-ID...: how many ports these containers own
	xjson show
	printf '%s\n' "$J" | jq -r --args '[.ports[] | select(.owner as $o | $ARGS.positional | index($o))] | length' "$@"
}
no_ports() { [ "$(owner_ports "$@")" = 0 ]; }
leases() { # how many leases host-local holds (files named by address)
	local f n=0
	for f in "$P_DIR"/ipam/xnet/*; do
		[[ ${f##*/} =~ ^[0-9.]+$ ]] && n=$((n + 1))
	done
	echo $n
}

# ---- two containers ----
must pod "${RUN[@]}" --name a localhost/xbrtest sleep 600
ID_A=$T_OUT
must pod "${RUN[@]}" --name b localhost/xbrtest httpd -f -p 8080 -h /www
ID_B=$T_OUT
IP_A=$(inspect IPAddress a)
IP_B=$(inspect IPAddress b)
if [ -z "$IP_A" ] || [ -z "$IP_B" ] || [ "$IP_A" = "$IP_B" ]; then
	t_fail "addresses: a '$IP_A' b '$IP_B'"
fi
for c in "a $IP_B" "b $IP_A" "a $GW" "b $GW"; do
	t_run pod exec "${c%% *}" ping -c 2 -W 2 "${c#* }"
	[ "$T_RC" -eq 0 ] || t_fail "container ${c%% *} cannot ping ${c#* }: $T_OUT $T_ERR"
done
# By name: podman gives the container's name (CNI_ARGS K8S_POD_NAME), the
# plugin makes it a name of the port, the bridge answers it; the container's
# resolv.conf names the gateway (the result's "dns").
t_run pod exec a cat /etc/resolv.conf
grep -q "^nameserver $GW" <<<"$T_OUT" || t_fail "container a's resolv.conf does not name the gateway: $(tr '\n' '|' <<<"$T_OUT")"
for c in "a b $IP_B" "b a $IP_A"; do
	read -r from to addr <<<"$c"
	t_run pod exec "$from" nslookup "$to"
	grep -q "Address: $addr\$\|Address: $addr " <<<"$T_OUT" ||
		t_fail "container $from: nslookup $to did not answer $addr (exit $T_RC): $(tr '\n' '|' <<<"$T_OUT$T_ERR")"
done
xjson dns
jq_ok "$J" '[.names[] | select(.alias) | .name] | sort == ["a","b"]' "xbr dns: the containers' names"
# (busybox's wget crashes in an image without NSS files; nc does not resolve)
printf 'GET /index.html HTTP/1.0\r\n\r\n' >"$T_TMP/req"
t_run pod exec -i a nc -w 5 "$IP_B" 8080 <"$T_TMP/req"
[ "$(tail -n 1 <<<"$T_OUT")" = xbr-ok ] || t_fail "TCP a -> b:8080 failed (exit $T_RC): $T_OUT $T_ERR"
xjson fdb
for c in "$ID_A a" "$ID_B b"; do
	mac=$(inspect MacAddress "${c#* }")
	jq_ok "$J" "any(.[]; .mac == \"$mac\" and .owner == \"${c%% *}\")" \
		"xbr fdb: MAC $mac of container ${c#* } is not on a port tagged ${c%% *}"
done

# ---- stop removes the port; kill + rm leaves nothing ----
must pod stop -t 0 a
wait_until 10 no_ports "$ID_A" || t_fail "podman stop left container a's port"
must pod rm a
must pod kill b
must pod rm b
wait_until 10 no_ports "$ID_A" "$ID_B" || t_fail "podman kill + rm left container b's port"
xjson show
jq_ok "$J" '.ports | length == 1' "ports other than the gateway remain"
[ "$(leases)" = 0 ] || t_fail "leases remain after rm: $(ls "$P_DIR/ipam/xnet")"
[ -z "$(ip netns list)" ] || t_fail "namespaces remain after rm: $(ip netns list | tr '\n' ' ')"

# ---- 20 in parallel ----
N=20
for i in $(seq 1 $N); do
	(pod "${RUN[@]}" --name "p$i" localhost/xbrtest sleep 600 >"$T_TMP/p$i.out" 2>&1
	echo $? >"$T_TMP/p$i.rc") &
done
wait
ids=()
for i in $(seq 1 $N); do
	[ "$(cat "$T_TMP/p$i.rc")" = 0 ] || t_fail "parallel podman run p$i failed: $(tail -3 "$T_TMP/p$i.out")"
	ids+=("$(cat "$T_TMP/p$i.out")")
done
[ "$(owner_ports "${ids[@]}")" = $N ] || t_fail "parallel: $N containers do not own $N ports"
xjson show
jq_ok "$J" "[.ports[] | select(.kind == \"attached\") | .addr] | unique | length == $N" \
	"parallel: the ports' addresses are not distinct"
jq_ok "$J" "[.ports[] | select(.kind == \"attached\") | .ifname] | unique | length == $N" \
	"parallel: the ports' interfaces are not distinct"
for i in $(seq 1 $N); do
	t_run pod exec "p$i" ping -c 1 -W 2 "$GW"
	[ "$T_RC" -eq 0 ] || t_fail "parallel: p$i cannot ping the gateway: $T_OUT $T_ERR"
done
t_run pod exec p1 ping -c 1 -W 2 "$(inspect IPAddress p$N)"
[ "$T_RC" -eq 0 ] || t_fail "parallel: p1 cannot ping p$N"
must pod rm -f -t 0 "${ids[@]}"
[ "$(owner_ports "${ids[@]}")" = 0 ] || t_fail "podman rm -f left ports of the parallel containers"
[ "$(leases)" = 0 ] || t_fail "leases remain after rm -f: $(ls "$P_DIR/ipam/xnet")"

# ---- network rm + xbr down: the host as before ----
must pod network rm xnet
[ -e "$P_DIR/conf/xnet.conflist" ] && t_fail "podman network rm left the conflist"
must timeout 30 "$XBR" -b "$T_BR" down
assert_same "$T_TMP/snap.start" "after podman network rm and xbr down"

t_pass "podman: ping, TCP, by container name (nslookup, resolv.conf names the gateway), fdb owners, stop/kill+rm clean, $N parallel containers, network rm + down leave nothing"
