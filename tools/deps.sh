#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Install the Debian packages xbr needs to build, test and benchmark, if any
# is missing. Quiet and quick when everything is there already.
#   tools/deps.sh [build|run|test|bench]   (default: test)
# run: what `make run` needs besides the build (the lab script runs ip and ping).
set -euo pipefail

# libjansson-dev: JSON parsing for the CNI plugin (build/xbr-cni) and xbr-agent;
# libcurl4-openssl-dev: xbr-agent's etcd client (the v3 JSON gateway over HTTP),
# and xbr-docker's questions to dockerd; libmicrohttpd-dev: xbr-docker's HTTP
# server (Docker's plugin protocol).
build_pkgs="clang llvm make gcc pkg-config libbpf-dev bpftool libelf-dev zlib1g-dev libmnl-dev libjansson-dev libnftables-dev libcurl4-openssl-dev libmicrohttpd-dev"
run_pkgs="$build_pkgs iproute2 iputils-ping"
# containernetworking-plugins (host-local, tuning, portmap, firewall for the
# CNI tests; the last two run iptables), podman + runc + busybox-static (a
# real runtime and a local image); etcd-server + etcd-client + openssl (the
# directory tests: an etcd cluster, TLS certificates).
test_pkgs="$run_pkgs groff-base libcmocka-dev jq iperf3 tcpdump util-linux procps valgrind ethtool strace python3-scapy nftables containernetworking-plugins iptables podman runc busybox-static etcd-server etcd-client openssl curl"
# docker.io (Docker 20.10: the Docker plugin's test drives a private dockerd;
# docker-compose 1.29 runs a compose file against it)
# only where no systemd runs: on a systemd host installing it starts
# docker.service, which rewrites the host's FORWARD policy; there the test
# skips and says how to install it.
if [ ! -d /run/systemd/system ]; then
	test_pkgs="$test_pkgs docker.io docker-compose"
fi
# dnsperf, dnsmasq-base: the dns row (a load generator, and the DNS server
# xbr's answers are compared with; dnsmasq-base starts no service).
bench_pkgs="$test_pkgs sockperf netsniff-ng gnuplot-nox bc linux-perf dnsperf dnsmasq-base"

case "${1:-test}" in
build) want=$build_pkgs ;;
run) want=$run_pkgs ;;
test) want=$bench_pkgs ;; # make test runs the bench smoke test too
bench) want=$bench_pkgs ;;
*) echo "usage: $0 [build|run|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
