#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-timeout: 240
# `xbr save` and `xbr up -f` (issue 17): a bridge with every kind of setting
# (non-default subnet, gateway, IPv6 prefix, ageing, table size, MTU,
# publish-address, NAT off,
# neigh-suppress off, `set ageing`; three stations with IPv4 and IPv6
# addresses; port flags on stations, the gateway and an uplink; static and
# sticky entries, one behind an uplink peer; three publications; a VXLAN
# uplink with three peers on an underlay veth; an attached port, which save
# skips with a comment) is saved, taken down and brought back from the file:
# `show -j` (less ifindexes and the uplink's random MAC), the static and
# sticky entries of `fdb -j`, `publish show -j` and `uplink show -j` are
# identical, and the stations ping one another and the gateway over IPv4 and
# IPv6, with the uplink's MTU. Saving twice gives the same file but the date line; the file is 0644,
# stdout's copy is the same; -b brings the file up under another name; `up -f
# DIR` brings up each *.conf on its own (a bad one leaves nothing, one that is
# up is skipped).
# Refusals: save of a bridge that is not up; `up -f` of a bridge that is up
# (untouched); a file whose line 3 is bad - at run time (after `up` made the
# bridge) and at the check before anything (a `down` line): one line naming
# FILE:3, exit non-zero, and links, namespaces, pins, routes, addresses, the
# ruleset and forwarding exactly as before; a file others may write.
T_BR=xsave
. "$(dirname "$0")/lib.sh"

X=("$XBR" -b "$T_BR")
# `up -f` takes the mode from the file: the real binary, not the --mode wrapper.
XR=("$XBR_REAL" -b "$T_BR")
T_BRIDGES+=(xsave2 xsave3)
F=$T_TMP/xsave.conf

ip link add ul0 type veth peer name ul1 && ip link set ul0 up && ip link set ul1 up &&
	ip addr add 198.51.100.1/24 dev ul0 || t_fail "cannot make the underlay veth"

# ---- a bridge with every kind of setting ----
must timeout 60 "${X[@]}" up --subnet 10.61.0.0/16 --gateway 10.61.0.1 --subnet6 fd00:61::/64 \
	--gateway6 fd00:61::1 --no-nat6 --ageing 120 --fdb-size 4096 --mtu 1400 --no-nat --neigh-suppress off s1 s2=10.61.1.20/16 s3
must "${X[@]}" set ageing 150
[ "$(ip netns exec s2 cat /sys/class/net/eth0/mtu)" = 1400 ] ||
	t_fail "up --mtu 1400: s2's eth0 has MTU $(ip netns exec s2 cat /sys/class/net/eth0/mtu)"
must timeout 30 "${X[@]}" uplink add u1 vxlan id 4242 local 198.51.100.1 remote 198.51.100.2 \
	remote 198.51.100.3 dstport 4790 dev ul0
must "${X[@]}" uplink peer add u1 198.51.100.4
ip netns add att || t_fail "cannot make namespace att"
must timeout 30 "${X[@]}" port add a1 netns /run/netns/att
# A station with aliases (names the bridge answers), and DNS answers off.
must timeout 30 "${X[@]}" port add s4 10.61.1.40/16 name web4 name WWW4
must "${X[@]}" set dns off
m3=$(station_mac "$(ip -n s3 -j addr show eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')")
must "${X[@]}" port set s1 hairpin on max-learned 10
must "${X[@]}" port set s2 spoof-check on neigh-suppress on
must "${X[@]}" port set s3 isolated on locked on learning off
must "${X[@]}" port set gateway max-learned 100
must "${X[@]}" port set u1 flood off
must "${X[@]}" fdb replace "$m3" port s3 static
must "${X[@]}" fdb add 02:00:00:aa:00:01 port s1 static
must "${X[@]}" fdb add 02:00:00:aa:00:02 port s2 sticky
must "${X[@]}" fdb add 02:00:00:aa:00:03 port gateway
must "${X[@]}" fdb add 02:00:00:bb:00:01 uplink u1 dst 198.51.100.3 static
must "${X[@]}" publish add 8080 s1:80
must "${X[@]}" publish add 127.0.0.1:9090 s2:90 udp
must "${X[@]}" publish add '[::]:7000-7010' s1:7100-7110
must "${X[@]}" publish add 6000 a1:60
# Publications made from now on without a host address go on the gateway's
# (those above stay on every address).
must "${X[@]}" set publish-address 10.61.0.1
assert_ping s1 10.61.1.20 2
assert_ping s1 10.61.0.1 2

# state: the configuration as the read commands show it (no ifindexes, no
# uplink MAC: the kernel picks those; only static and sticky entries).
state() {
	xjson_b "$1" show
	jq -S 'del(.ports[] | select(.kind == "attached")) |
		.ports |= map(del(.ifindex) | if .kind == "uplink" then del(.mac) else . end)' <<<"$J"
	xjson_b "$1" fdb
	jq -S 'map(select(.state == "static" or (.flags | index("sticky"))) |
		select(.netns != "a1") | del(.age))' <<<"$J"
	xjson_b "$1" publish show
	jq -S 'map(select(.station != "a1"))' <<<"$J"
	xjson_b "$1" uplink show
	jq -S . <<<"$J"
	xjson_b "$1" dns
	jq -S '.names |= map(select(.port != "a1"))' <<<"$J"
	for ns in s1 s2 s3 s4; do
		echo "$ns mtu $(ip -n "$ns" -j link show eth0 | jq '.[0].mtu')"
	done
}
state "$T_BR" >"$T_TMP/before.json"
grep -q '"sticky"' "$T_TMP/before.json" && grep -q '"static"' "$T_TMP/before.json" ||
	t_fail "the bridge has no static or sticky entry to save: $(head -c 600 "$T_TMP/before.json")"

# ---- save: a file of xbr command lines, the same twice, 0644 ----
must timeout 30 "${X[@]}" save "$F"
[ -z "$T_OUT" ] || t_fail "save FILE printed: $T_OUT"
[ "$(stat -c %a "$F")" = 644 ] || t_fail "saved file has mode $(stat -c %a "$F"), expected 644"
t_log "saved file:"
sed 's/^/#   /' "$F" >&2
grep -q "^xbr -b $T_BR up .*--subnet 10.61.0.0/16 .*--mtu 1400 .*--no-nat --no-dns" "$F" || t_fail "no up line with the options: $(grep up "$F")"
grep -q "^xbr -b $T_BR up .*--subnet6 fd00:61::/64 --gateway6 fd00:61::1 --no-nat6 " "$F" || t_fail "no up line with the IPv6 gateway and nat6: $(grep up "$F")"
# publish-address after the publications, which stay on every address.
[ "$(grep -v '^#' "$F" | tail -1)" = "xbr -b $T_BR set publish-address 10.61.0.1" ] ||
	t_fail "publish-address is not the file's last line: $(grep -v '^#' "$F" | tail -2)"
grep -qx "xbr -b $T_BR port add s4 10.61.1.40/16 name web4 name www4" "$F" || t_fail "no port add line with s4's names: $(grep s4 "$F")"
grep -q '^# port "a1" not saved' "$F" || t_fail "no comment line for the attached port a1"
grep -q '^# publication .*a1:60 not saved' "$F" || t_fail "no comment line for a1's publication"
grep -v '^#' "$F" | gq 'a1' && t_fail "attached port a1 saved: $(grep a1 "$F" | grep -v '^#')"
for tmp in "$F".*; do
	[ -e "$tmp" ] && t_fail "save left a temporary file: $tmp"
done
must timeout 30 "${X[@]}" save "$T_TMP/again.conf"
diff <(grep -v '^# saved ' "$F") <(grep -v '^# saved ' "$T_TMP/again.conf") >/dev/null ||
	t_fail "save twice differs: $(diff <(grep -v '^# saved ' "$F") <(grep -v '^# saved ' "$T_TMP/again.conf") | head -4)"
must timeout 30 "${X[@]}" save
diff <(grep -v '^# saved ' "$F") <(grep -v '^# saved ' <<<"$T_OUT") >/dev/null || t_fail "save to stdout differs from the file"
must timeout 30 "${X[@]}" save -
diff <(grep -v '^# saved ' "$F") <(grep -v '^# saved ' <<<"$T_OUT") >/dev/null || t_fail "save - differs from the file"

# ---- up -f of a bridge that is up: refused, nothing touched ----
t_run timeout 30 "${XR[@]}" up -f "$F"
[ "$T_RC" -ne 0 ] || t_fail "up -f of a bridge that is up succeeded"
[ "$(t_nlines "$T_ERR")" -eq 1 ] || t_fail "up -f of a bridge that is up said $(t_nlines "$T_ERR") lines: $T_ERR"
state "$T_BR" >"$T_TMP/still.json"
cmp -s "$T_TMP/before.json" "$T_TMP/still.json" || t_fail "refused up -f changed the bridge"

# ---- down, up -f: the same bridge ----
must timeout 60 "${X[@]}" port del a1
must timeout 60 "${X[@]}" down
must timeout 60 "$XBR_REAL" up -f "$F" # the bridge is the file's
grep -q "^bridge $T_BR up from $F" <<<"$T_OUT" || t_fail "up -f said: $T_OUT"
state "$T_BR" >"$T_TMP/after.json"
diff -u "$T_TMP/before.json" "$T_TMP/after.json" >"$T_TMP/diff" ||
	t_fail "restored bridge differs: $(grep '^[-+] ' "$T_TMP/diff" | head -6 | tr '\n' ' ')"
assert_ping s1 10.61.1.20 3
assert_ping s2 "$(ip -n s1 -j addr show eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')" 2
assert_ping s1 10.61.0.1 2
assert_ping s2 10.61.0.1 2
assert_ping s1 fd00:61::a3d:114 2
must timeout 30 "${X[@]}" save "$T_TMP/third.conf"
diff <(grep -v '^# saved ' "$F" | grep -v 'a1') <(grep -v '^# saved ' "$T_TMP/third.conf") >/dev/null ||
	t_fail "the restored bridge saves another file: $(diff <(grep -v '^# saved ' "$F" | grep -v a1) <(grep -v '^# saved ' "$T_TMP/third.conf") | head -4)"

# ---- -b: the same file under another bridge name ----
must timeout 60 "${X[@]}" down
must timeout 60 "$XBR_REAL" -b xsave2 -j up -f "$F"
jq_ok "$T_OUT" '.bridge == "xsave2" and (.ports | length) == 6' "up -j -f: not the bridge as up -j prints it"
state xsave2 | sed 's/xsave2/xsave/g' >"$T_TMP/other2.json"
diff -u "$T_TMP/before.json" "$T_TMP/other2.json" >"$T_TMP/diff" ||
	t_fail "the file under -b xsave2 differs: $(grep '^[-+] ' "$T_TMP/diff" | head -6 | tr '\n' ' ')"
must timeout 60 "$XBR_REAL" -b xsave2 down

# ---- up -f DIR: every *.conf on its own; a bad one leaves no trace, an up one is skipped ----
D=$T_TMP/etc-xbr
mkdir "$D" && cp "$F" "$D/b-xsave.conf" && echo "not a saved file" >"$D/README" || t_fail "cannot make $D"
printf 'xbr -b xsave3 up --subnet 10.62.0.0/16 --empty\nxbr -b xsave3 fdb add 02:00:00:cc:00:01 port nosuch\n' >"$D/a-bad.conf"
t_run timeout 90 "$XBR_REAL" up -f "$D"
[ "$T_RC" -ne 0 ] || t_fail "up -f DIR with a bad file exited 0"
grep -qF "$D/a-bad.conf:2:" <<<"$T_ERR" || t_fail "up -f DIR: the bad file's line not named: $T_ERR"
ip link show xsave3 >/dev/null 2>&1 && t_fail "up -f DIR: the bad file's bridge xsave3 is left"
state "$T_BR" >"$T_TMP/dir.json"
diff -u "$T_TMP/before.json" "$T_TMP/dir.json" >"$T_TMP/diff" ||
	t_fail "up -f DIR: the good file's bridge differs: $(grep '^[-+] ' "$T_TMP/diff" | head -6 | tr '\n' ' ')"
rm "$D/a-bad.conf"
must timeout 60 "$XBR_REAL" up -f "$D"
grep -q 'already up' <<<"$T_ERR" || t_fail "up -f DIR again: the bridge that is up not said skipped: $T_ERR"
t_run timeout 30 "$XBR_REAL" -b "$T_BR" up -f "$D"
[ "$T_RC" -ne 0 ] && [ "$(t_nlines "$T_ERR")" -eq 1 ] || t_fail "up -f DIR with -b: not refused in one line: $T_ERR"
must timeout 60 "${X[@]}" down

# ---- refusals ----
t_run timeout 30 "${X[@]}" save "$T_TMP/none.conf"
[ "$T_RC" -ne 0 ] || t_fail "save of a bridge that is not up succeeded"
[ "$(t_nlines "$T_ERR")" -eq 1 ] && grep -q "$T_BR" <<<"$T_ERR" ||
	t_fail "save of a bridge that is not up: not one line naming it: $T_ERR"
[ -e "$T_TMP/none.conf" ] && t_fail "failed save wrote a file"

# snap: everything a failed up -f must leave as it was.
snap() {
	ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | sort
	ls -A /run/netns | sort
	find /sys/fs/bpf -mindepth 1 | sort
	command -v nft >/dev/null && nft list ruleset
	ip -4 route show table all
	ip -6 route show table all
	ip -o addr show | awk '{ print $2, $4 }'
	cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding
}
ip netns del att
snap >"$T_TMP/snap0"
# bad_file N LINE3 WHAT: a file whose line 3 is LINE3 fails at FILE:3, one line, nothing left.
bad_file() {
	local what=$2 bad=$T_TMP/bad.conf
	{
		grep "^xbr -b $T_BR up " "$F"
		grep "^xbr -b $T_BR port set s1 " "$F"
		echo "$1"
		grep "^xbr -b $T_BR publish add 8080 " "$F"
	} >"$bad"
	t_run timeout 60 "${XR[@]}" up -f "$bad"
	[ "$T_RC" -ne 0 ] || t_fail "$what: up -f succeeded"
	[ "$(t_nlines "$T_ERR")" -eq 1 ] || t_fail "$what: $(t_nlines "$T_ERR") lines of error: $T_ERR"
	grep -qF "$bad:3:" <<<"$T_ERR" || t_fail "$what: the error does not name $bad:3: $T_ERR"
	snap >"$T_TMP/snap1"
	diff -u "$T_TMP/snap0" "$T_TMP/snap1" >"$T_TMP/diff" ||
		t_fail "$what: left: $(grep '^[-+][^-+]' "$T_TMP/diff" | head -5 | tr '\n' ' ')"
	t_log "$what: $T_ERR"
}
bad_file "xbr -b $T_BR port set s2 hairpin maybe" "bad value on line 3"
bad_file "xbr -b $T_BR fdb add 02:00:00:aa:00:09 port nosuch" "unknown port on line 3"
bad_file "xbr -b $T_BR down" "down on line 3"
bad_file "xbr -b other port set s2 hairpin on" "another bridge on line 3"
bad_file "ip link del ul0" "not an xbr line on line 3"
# A file others may write is refused: its lines run as root.
cp "$F" "$T_TMP/open.conf" && chmod 0666 "$T_TMP/open.conf"
t_run timeout 30 "$XBR_REAL" up -f "$T_TMP/open.conf"
[ "$T_RC" -ne 0 ] && [ "$(t_nlines "$T_ERR")" -eq 1 ] && grep -q 'writable by others' <<<"$T_ERR" ||
	t_fail "a world-writable file was not refused in one line: $T_ERR"
snap >"$T_TMP/snap1"
cmp -s "$T_TMP/snap0" "$T_TMP/snap1" || t_fail "refused world-writable file changed something"
t_pass "every setting saved and brought back identical in mode $XBR_MODE (show, static/sticky fdb, publications, uplink); stations ping again; save is stable, 0644, atomic; attached port skipped with a comment; bad line 3 named, nothing left"
