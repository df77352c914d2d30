#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-modes: tc
# test-timeout: 360
# Hostile input on the control plane (docs/security.md "Hostile input"):
# names with '/', "..", ".", over 15 characters, empty, a leading '-',
# unicode (accented, right-to-left override, newline) for up, port add/del,
# port set, fdb add/show/flush; duplicate namespaces in one `up`; addresses
# outside the subnet, equal to the gateway, the network or broadcast
# address; subnets overlapping another bridge (IPv4: inside, containing,
# equal; IPv6 --subnet6 equal and containing); unknown options, objects and
# commands; bad MACs for fdb add (malformed, group, zero); `port set` with bad
# values; `set ageing 0` and other bad settings; `monitor count x`.
# Each: exit status 1, exactly one line on stderr naming the offending
# object (no raw control character echoed from the input), nothing on stdout, and nothing changed - links, qdiscs, namespaces,
# pins, routes, addresses (lib.sh snapshot), plus IPv6 routes/addresses and
# the live bridge's `show` and `fdb` (refuse()).
T_BR=xhin
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"

X=("$XBR" -b "$T_BR")
B2=xhinb
T_BRIDGES+=("$B2")
NCASES=0

# live_state FILE: what expect_error's snapshot does not cover.
live_state() {
	{
		ip -6 -o addr show | sed -E 's/ +$//; s/valid_lft.*//'
		ip -6 route show table all
		local br
		for br in "$T_BR" "$B2"; do
			[ -d "/sys/fs/bpf/xbr/$br" ] || continue
			timeout 20 "$XBR" -b "$br" -j show
			timeout 20 "$XBR" -b "$br" -j fdb | jq -c 'map({mac, ifname, state}) | sort_by(.mac)'
		done
	} >"$1" 2>&1
}

# refuse WHAT OBJECT CMD...: expect_error, exit status exactly 1, and the
# live bridges and IPv6 state unchanged.
refuse() {
	local what=$1
	live_state "$T_TMP/live.before"
	expect_error "$@"
	[ "$T_RC" -eq 1 ] || t_fail "$what: exit status $T_RC, expected 1"
	# One clear line: no raw control character (ESC, CR, ...) from the input.
	if printf '%s' "$T_ERR" | LC_ALL=C gq '[[:cntrl:]]'; then
		t_fail "$what: stderr carries raw control characters: $(printf '%s' "$T_ERR" | od -c | head -3 | tr -s ' \n' ' ')"
	fi
	live_state "$T_TMP/live.after"
	diff -q "$T_TMP/live.before" "$T_TMP/live.after" >/dev/null ||
		t_fail "$what: bridge or IPv6 state changed: $(diff "$T_TMP/live.before" "$T_TMP/live.after" | grep '^[<>]' | head -4 | tr '\n' ' ')"
	NCASES=$((NCASES + 1))
}

BAD_NAMES=('a/b' '/etc' '../../x' '..' '.' 'abcdefghijklmnop' 'name-that-is-far-too-long' $'ns\u00e9' $'\u202ens1' $'n\u0131s' $'ns\xf0\x9f\x98\x80' 'a b' 'ns\1')
# How the error names a bad name: quoted, like every other object.
nm() { printf '"%s"' "$1"; }

# ---- up, before any bridge exists ----
for n in "${BAD_NAMES[@]}"; do
	refuse "up: namespace name '$n'" "$(nm "$n")" "${X[@]}" up ns1 "$n"
done
refuse "up: empty namespace name" '""' "${X[@]}" up ""
refuse "up: name with a leading '-'" "-ns1" "${X[@]}" up -ns1
refuse "up: name '--x'" "--x" "${X[@]}" up ns1 --x
refuse "up: duplicate namespace" '"ns1"' "${X[@]}" up ns1 ns2 ns1
refuse "up: duplicate namespace, other address" '"ns2"' "${X[@]}" up ns2=172.16.1.2/16 ns1 ns2=172.16.1.7/16
refuse "up: address outside the subnet" 10.9.9.9 "${X[@]}" up ns1=10.9.9.9/16
refuse "up: address = gateway" 172.16.1.254 "${X[@]}" up ns1=172.16.1.254/16
refuse "up: network address" 172.16.0.0 "${X[@]}" up ns1=172.16.0.0/16
refuse "up: broadcast address" 172.16.255.255 "${X[@]}" up ns1=172.16.255.255/16
refuse "up: custom subnet, network address" 10.7.0.0 "${X[@]}" up --subnet 10.7.0.0/24 --gateway 10.7.0.1 a=10.7.0.0/24
refuse "up: custom subnet, broadcast address" 10.7.0.255 "${X[@]}" up --subnet 10.7.0.0/24 --gateway 10.7.0.1 a=10.7.0.255/24
refuse "up: gateway = broadcast" 10.7.0.255 "${X[@]}" up --subnet 10.7.0.0/24 --gateway 10.7.0.255
refuse "up: unknown option" --frobnicate "${X[@]}" up --frobnicate ns1
refuse "up: option without its value" --gateway "${X[@]}" up ns1 --gateway
refuse "unknown global option" -Z "${X[@]}" -Z show
refuse "unknown object" frob "${X[@]}" frob
refuse "unknown object (near miss)" upp "${X[@]}" upp ns1
refuse "down with an argument" extra "${X[@]}" down extra
refuse "bridge name with '/'" '"a/b"' "$XBR" -b a/b up
refuse "bridge name '..'" '".."' "$XBR" -b .. up
refuse "bridge name unicode" "$(nm $'br\u00e9')" "$XBR" -b $'br\u00e9' up
refuse "bridge name over 12 characters" '"abcdefghijklm"' "$XBR" -b abcdefghijklm up
refuse "bridge name empty" '""' "$XBR" -b "" show

# ---- a live bridge ----
must timeout 30 "${X[@]}" up --subnet 10.1.0.0/16 --gateway 10.1.1.254 --subnet6 fd00:10:1::/64 ns1 ns2
assert_ping ns1 10.1.1.2 2
assert_ping ns2 10.1.1.254 2
# Let duplicate address detection settle (it adds link-local routes).
no_tentative() { [ -z "$(ip -6 addr show tentative)" ]; }
wait_until 15 no_tentative || t_fail "IPv6 addresses stay tentative"

for n in "${BAD_NAMES[@]}"; do
	refuse "port add: name '$n'" "$(nm "$n")" "${X[@]}" port add "$n"
	refuse "port del: name '$n'" "$(nm "$n")" "${X[@]}" port del "$n"
	refuse "port set: name '$n'" "$(nm "$n")" "${X[@]}" port set "$n" learning off
	refuse "fdb add: port '$n'" "$(nm "$n")" "${X[@]}" fdb add 02:00:00:00:00:01 port "$n"
done
refuse "port add: empty name" '""' "${X[@]}" port add ""
refuse "port add: leading '-'" "-x" "${X[@]}" port add -x
refuse "port del: leading '-'" "-x" "${X[@]}" port del -x
refuse "port add: existing port" '"ns1"' "${X[@]}" port add ns1
refuse "port add: outside the subnet" 172.16.1.3 "${X[@]}" port add ns3 172.16.1.3/16
refuse "port add: address = gateway" 10.1.1.254 "${X[@]}" port add ns3 10.1.1.254/16
refuse "port add: network address" 10.1.0.0 "${X[@]}" port add ns3 10.1.0.0/16
refuse "port add: broadcast address" 10.1.255.255 "${X[@]}" port add ns3 10.1.255.255/16
refuse "port add: address of another station" 10.1.1.2 "${X[@]}" port add ns3 10.1.1.2/16
refuse "port: unknown command" frob "${X[@]}" port frob
refuse "up on a live bridge, bad name" "$(nm 'a/b')" "${X[@]}" up 'a/b'

# Overlapping subnets between two bridges.
refuse "second bridge inside the first's subnet" 10.1.2.0/24 "$XBR" -b $B2 up --subnet 10.1.2.0/24 --gateway 10.1.2.254 --subnet6 fd00:10:2::/64 b1
refuse "second bridge containing the first's subnet" 10.0.0.0/8 "$XBR" -b $B2 up --subnet 10.0.0.0/8 --gateway 10.2.1.254 --subnet6 fd00:10:2::/64 b1
refuse "second bridge, same subnet" 10.1.0.0/16 "$XBR" -b $B2 up --subnet 10.1.0.0/16 --gateway 10.1.1.253 --subnet6 fd00:10:2::/64 b1
# Control: a disjoint second bridge is accepted, and both still work.
must timeout 30 "$XBR" -b $B2 up --subnet 10.2.0.0/16 --gateway 10.2.1.254 --subnet6 fd00:10:2::/64 b1
assert_ping b1 10.2.1.254 2
assert_ping "" fd00:10:2::a02:101 2
assert_ping "" fd00:10:1::a01:101 2
must timeout 30 "$XBR" -b $B2 down

# fdb add: bad MACs and arguments.
for m in zz:zz:zz:zz:zz:zz 0a:58:0a:01:01 0a:58:0a:01:01:01:01 0a580a010101 0a:58:0a:01:01:0g 0a:58:0a:01:01:001 0a-58-0a-01-01-09 ' 0a:58:0a:01:01:09' '0a:58:0a:01:01:09;'; do
	refuse "fdb add: MAC '$m'" "$m" "${X[@]}" fdb add "$m" port ns1
done
refuse "fdb add: empty MAC" 'MAC ""' "${X[@]}" fdb add "" port ns1
for m in ff:ff:ff:ff:ff:ff 00:00:00:00:00:00 01:00:5e:00:00:01 33:33:00:00:00:01; do
	refuse "fdb add: group/zero MAC $m" "$m" "${X[@]}" fdb add $m port ns1
done
refuse "fdb add: unknown kind" permanent "${X[@]}" fdb add 02:00:00:00:00:01 port ns1 permanent
refuse "fdb add: missing 'port'" "fdb add" "${X[@]}" fdb add 02:00:00:00:00:01 ns1
refuse "fdb add: trailing argument" "fdb add" "${X[@]}" fdb add 02:00:00:00:00:01 port ns1 static extra
refuse "fdb add: unknown port" '"nope"' "${X[@]}" fdb add 02:00:00:00:00:01 port nope
refuse "fdb add: MAC present" 0a:58:0a:01:01:01 "${X[@]}" fdb add 0a:58:0a:01:01:01 port ns2
refuse "fdb del: absent MAC" 02:00:00:00:00:77 "${X[@]}" fdb del 02:00:00:00:00:77
refuse "fdb: unknown command" frob "${X[@]}" fdb frob
refuse "fdb flush: unknown port" '"nope"' "${X[@]}" fdb flush port nope

# port set: bad values.
for kv in "learning maybe" "flood 2" "isolated yes" "hairpin ON" "locked -1" "spoof-check 1" \
	"max-learned -1" "max-learned abc" "max-learned 1e3" "max-learned 99999999999999999999" "max-learned 0x10"; do
	read -r k v <<<"$kv"
	refuse "port set: $k '$v'" "$v" "${X[@]}" port set ns1 "$k" "$v"
done
refuse "port set: unknown setting" frob "${X[@]}" port set ns1 frob on
refuse "port set: setting without value" "port set" "${X[@]}" port set ns1 learning
refuse "port set: spoof-check on the gateway" gateway "${X[@]}" port set gateway spoof-check on
refuse "port set: good then bad value (all or nothing)" maybe "${X[@]}" port set ns1 flood off learning maybe

# set / monitor.
refuse "set ageing 0" '"0"' "${X[@]}" set ageing 0
for v in -1 abc 1000001 1e3 ''; do
	refuse "set ageing '$v'" "\"$v\"" "${X[@]}" set ageing "$v"
done
refuse "set icc maybe" maybe "${X[@]}" set icc maybe
refuse "set mode bogus" bogus "${X[@]}" set mode bogus
refuse "set: unknown setting" frob "${X[@]}" set frob 1
refuse "monitor count x" '"x"' "${X[@]}" monitor count x
refuse "monitor count -1" '"-1"' "${X[@]}" monitor count -1
refuse "monitor timeout x" '"x"' "${X[@]}" monitor timeout x
refuse "monitor: unknown argument" frob "${X[@]}" monitor frob

# IPv6 prefixes of two bridges must not overlap either.
refuse "second bridge, same IPv6 subnet" fd00:10:1::/64 "$XBR" -b $B2 up --subnet 10.2.0.0/16 --gateway 10.2.1.254 --subnet6 fd00:10:1::/64 b1
refuse "second bridge, IPv6 subnet containing the first's" fd00:10::/32 "$XBR" -b $B2 up --subnet 10.2.0.0/16 --gateway 10.2.1.254 --subnet6 fd00:10::/32 b1

# Names with control characters: the one error line must stay one line.
refuse "up: name with a newline" '"a' "${X[@]}" up $'a\nb'
refuse "port add: name with a newline" '"a' "${X[@]}" port add $'a\nb'
refuse "port add: name with an escape sequence" 'ns' "${X[@]}" port add $'ns\e[2J'

# After all that, the bridge is exactly as it was and forwards.
xjson show
jq_ok "$J" '[.ports[].netns] == ["", "ns1", "ns2"] and ([.ports[] | select(.netns != "") | .flags] == [["learning","flood","neigh-suppress"],["learning","flood","neigh-suppress"]]) and .ageing == 300' "the bridge changed"
assert_ping ns1 10.1.1.2 2
assert_ping ns1 fd00:10:1::a01:102 2
[ "$(ls /run/netns | tr '\n' ' ')" = "ns1 ns2 " ] || t_fail "namespaces: $(ls /run/netns | tr '\n' ' ')"
t_pass "$NCASES hostile inputs refused with one line naming the object, exit 1, nothing changed"
