#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# A host whose forward policy drops (issue 12): Docker's (iptables-nft's
# table ip filter, chain FORWARD policy drop, with DOCKER-USER), a plain nft
# table's, and legacy iptables' (when iptables-legacy is installed). Each is
# detected by `xbr set nat on`, `publish add` and `up` (a warning, exit 0,
# naming the chain), the stations really are cut off, and running the
# commands the warning gives lets them out again. xbr itself never edits
# those tables.
T_BR=xnatpol
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nat.sh"

X=("$XBR" -b "$T_BR")
nat_outside
must timeout 30 "${X[@]}" up ns1
serve out tcp 5000
assert_peer ns1 tcp "$OUT4" 5000 "$HOST4"

# advice CMD...: run an xbr command that must succeed and warn about the
# forward policy; the commands after "with: " in ADVICE.
advice() {
	must "$@"
	ADVICE=$(printf '%s\n' "$T_ERR" | grep -m1 "forward policy drops" | sed 's/.*let the bridge through with: //')
	[ -n "$ADVICE" ] || t_fail "'$*' did not warn about the forward policy: $T_ERR"
}
# follow: run each command of ADVICE; afterwards the station gets out.
follow() {
	local cmd
	while IFS= read -r cmd; do
		t_log "running the advice: $cmd"
		eval "$cmd" || t_fail "the advised command failed: $cmd"
	done < <(printf '%s\n' "$ADVICE" | sed 's/; /\n/g')
	assert_peer ns1 tcp "$OUT4" 5000 "$HOST4"
}

# ---- Docker's: iptables-nft, FORWARD policy DROP, DOCKER-USER ----
if command -v iptables-nft >/dev/null 2>&1; then
	# As Docker leaves it: policy DROP, the first rule jumps to DOCKER-USER.
	iptables-nft -P FORWARD DROP && iptables-nft -N DOCKER-USER && iptables-nft -A FORWARD -j DOCKER-USER ||
		t_fail "cannot set up Docker's forward policy"
	advice "${X[@]}" set nat on
	case $ADVICE in *"-I DOCKER-USER -i $T_BR -j ACCEPT"*) ;; *) t_fail "advice does not use DOCKER-USER: $ADVICE" ;; esac
	assert_no_answer ns1 tcp "$OUT4" 5000 "the forward policy drops, yet the station got out"
	mine=$(nft list table inet "xbr-$T_BR")
	follow
	[ "$(nft list table inet "xbr-$T_BR")" = "$mine" ] || t_fail "xbr's table changed"
	nft delete table ip filter || t_fail "cannot remove Docker's table"
else
	t_log "iptables-nft not installed: Docker's case not checked"
fi

# ---- a plain nft table ----
nft -f - <<'NFT' || t_fail "cannot add a dropping forward chain"
table inet fw {
	chain fwdpol { type filter hook forward priority 0; policy drop; }
}
NFT
advice "${X[@]}" publish add 8080 ns1:80
case $ADVICE in *"nft insert rule inet fw fwdpol iifname \"$T_BR\" accept"*) ;; *) t_fail "advice for table inet fw: $ADVICE" ;; esac
assert_no_answer ns1 tcp "$OUT4" 5000 "the forward policy drops, yet the station got out"
follow
nft delete table inet fw || t_fail "cannot remove table inet fw"

# ---- legacy iptables ----
legacy=no
if command -v iptables-legacy >/dev/null 2>&1 && iptables-legacy -P FORWARD DROP 2>/dev/null; then
	legacy=yes
	must timeout 30 "${X[@]}" down
	advice timeout 30 "${X[@]}" up ns1
	case $ADVICE in *"iptables-legacy -I FORWARD -i $T_BR -j ACCEPT"*) ;; *) t_fail "advice for legacy iptables: $ADVICE" ;; esac
	serve ns1 tcp 80
	assert_no_answer ns1 tcp "$OUT4" 5000 "the legacy forward policy drops, yet the station got out"
	follow
	iptables-legacy -F FORWARD && iptables-legacy -P FORWARD ACCEPT || t_fail "cannot reset legacy iptables"
fi
t_run "${X[@]}" set nat on
case $T_ERR in *"forward policy"*) t_fail "warned with no dropping policy left: $T_ERR" ;; esac
t_pass "dropping forward policies detected (iptables-nft/DOCKER-USER, nft, legacy: $legacy); the advice works"
