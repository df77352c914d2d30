#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-serial: floods the bridge; another test beside it would lose frames in the shared per-CPU input queues
# MAC flooding (docs/design.md "The forwarding table", docs/security.md 5):
# ns1 (the attacker) sends 2 x 100,000 frames with random source MACs
# (trafgen, drnd() source bytes, unicast to the gateway's MAC) on a bridge
# with --fdb-size 4096, while ns2 and ns3 ping each other at 100/s both ways.
#   phase 1: `port set ns1 max-learned 1000`: ns1 learns exactly up to its
#            cap, every other new source is refused_port, refused stays 0;
#   phase 2: cap lifted (max-learned 0): the table fills to exactly 4096,
#            the rest is refused, refused_port stays put; nothing is evicted.
# Throughout: ns2/ns3 lose no ping, their entries stay on their ports, a
# static entry added before survives (even when ns1 claims its MAC), every
# flood frame is still forwarded to its destination (gateway tx), a station
# added to the full table is not learned but still communicates (flooded).
T_BR=xhmac
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_attack.sh"
need_trafgen

CAP=4096 PORTCAP=1000 N=100000 PINGS=500
must timeout 30 "$XBR" -b "$T_BR" up --fdb-size $CAP ns1=172.16.1.1/16 ns2=172.16.1.2/16 ns3=172.16.1.3/16
m1=$(station_mac 172.16.1.1) m2=$(station_mac 172.16.1.2) m3=$(station_mac 172.16.1.3) mg=$(station_mac 172.16.1.254)
MS=02:00:5e:00:be:ef # a MAC pinned by hand on ns3

# Hand-made static entry before any attack, then warm up: every station
# (gateway included) learned.
must timeout 20 "$XBR" -b "$T_BR" fdb add $MS port ns3 static
for ns in ns1 ns2 ns3; do assert_ping $ns 172.16.1.254 1; done
assert_ping ns2 172.16.1.3 2
must timeout 20 "$XBR" -b "$T_BR" port set ns1 max-learned $PORTCAP
xjson show
jq_ok "$J" ".fdb_size == $CAP" "show: fdb_size is not $CAP"
xjson fdb
for spec in "$m1 ns1" "$m2 ns2" "$m3 ns3" "$mg "; do
	read -r mac ns <<<"$spec"
	jq_ok "$J" "[.[] | select(.mac == \"$mac\" and .netns == \"${ns:-}\")] | length == 1" "warm-up: $mac not learned on ${ns:-gateway}"
done
jq_ok "$J" "[.[] | select(.mac == \"$MS\" and .netns == \"ns3\" and .state == \"static\")] | length == 1" "static $MS not on ns3"
stats_get
S0=$S
a_learned0=$(port_stat "$S0" ns1 .learned)
[ "$a_learned0" -eq 1 ] || t_fail "attacker port learned $a_learned0 entries before the attack, expected 1 (its station)"
jq_ok "$S0" ".ports[] | select(.netns == \"ns1\") | .max_learned == $PORTCAP" "stats: ns1 max_learned is not $PORTCAP"

# Random source MACs: 02 (unicast, locally administered) + 5 random bytes,
# to the gateway's MAC, a local experimental EtherType the host ignores.
cfg=$T_TMP/flood.cfg
printf '{ %s, 0x02, drnd(5), c16(0x88b5), fill(0x00, 50) }\n' \
	"$(sed 's/^/0x/; s/:/, 0x/g' <<<"$mg")" >"$cfg"
cfg_ms=$T_TMP/claim.cfg
printf '{ %s, %s, c16(0x88b5), fill(0x00, 50) }\n' \
	"$(sed 's/^/0x/; s/:/, 0x/g' <<<"$mg")" "$(sed 's/^/0x/; s/:/, 0x/g' <<<"$MS")" >"$cfg_ms"

ping_start ns2 172.16.1.3 $PINGS 0.01 "$T_TMP/p23"
P23=$T_BG_PID
ping_start ns3 172.16.1.2 $PINGS 0.01 "$T_TMP/p32"
P32=$T_BG_PID
sleep 0.5

# ---- phase 1: per-port cap ----
trafgen_send ns1 "$cfg" $N
sent1=$TG_SENT
[ "$sent1" -ge $N ] || t_fail "trafgen sent $sent1 frames, wanted $N"
sleep 0.3
stats_get
S1=$S
xjson fdb
F1=$J
a_learned1=$(port_stat "$S1" ns1 .learned)
[ "$a_learned1" -eq $PORTCAP ] || t_fail "phase 1: attacker port learned $a_learned1, expected exactly its cap $PORTCAP"
on_port=$(jq_val "$F1" '[.[] | select(.netns == "ns1")] | length')
[ "$on_port" -eq $PORTCAP ] || t_fail "phase 1: $on_port fdb entries on ns1, expected $PORTCAP"
total1=$(jq_val "$F1" length)
[ "$total1" -le $CAP ] || t_fail "phase 1: $total1 fdb entries > capacity $CAP"
d_rp=$(($(fdb_stat "$S1" refused_port) - $(fdb_stat "$S0" refused_port)))
d_r=$(($(fdb_stat "$S1" refused) - $(fdb_stat "$S0" refused)))
d_l=$(($(fdb_stat "$S1" learned) - $(fdb_stat "$S0" learned)))
[ "$d_r" -eq 0 ] || t_fail "phase 1: refused (table full) rose by $d_r although the table ($total1/$CAP) is not full"
[ "$d_l" -eq $((PORTCAP - a_learned0)) ] || t_fail "phase 1: bridge learned rose by $d_l, expected $((PORTCAP - a_learned0))"
# Every frame had a new random source: learned or refused by the port cap
# (5 random bytes: a repeated MAC among 1e5 has probability ~0.5%).
acc=$((d_l + d_rp))
[ "$acc" -le "$sent1" ] && [ "$acc" -ge $((sent1 - 3)) ] ||
	t_fail "phase 1: learned $d_l + refused_port $d_rp = $acc, expected the $sent1 frames sent (design: port at cap -> refused-port)"
d_rx=$(($(port_stat "$S1" ns1 .rx_packets) - $(port_stat "$S0" ns1 .rx_packets)))
[ "$d_rx" -ge "$sent1" ] && [ "$d_rx" -le $((sent1 + 100)) ] || t_fail "phase 1: ns1 rx_packets rose by $d_rx, trafgen sent $sent1"
d_gtx=$(($(jq_val "$S1" '.ports[] | select(.ifname | endswith("-gw")) | .tx_packets') - $(jq_val "$S0" '.ports[] | select(.ifname | endswith("-gw")) | .tx_packets')))
[ "$d_gtx" -ge "$sent1" ] || t_fail "phase 1: gateway tx rose by $d_gtx < $sent1: frames of refused stations were not forwarded"

# ---- phase 2: no port cap, the table fills ----
must timeout 20 "$XBR" -b "$T_BR" port set ns1 max-learned 0
trafgen_send ns1 "$cfg" $N
sent2=$TG_SENT
[ "$sent2" -ge $N ] || t_fail "trafgen sent $sent2 frames, wanted $N"
# ns1 also claims the static MAC: a static entry never moves.
trafgen_send ns1 "$cfg_ms" 50
sleep 0.3
stats_get
S2=$S
xjson fdb
F2=$J
total2=$(jq_val "$F2" length)
[ "$total2" -eq $CAP ] || t_fail "phase 2: $total2 fdb entries, expected a full table of $CAP"
a_learned2=$(port_stat "$S2" ns1 .learned)
on_port2=$(jq_val "$F2" '[.[] | select(.netns == "ns1")] | length')
[ "$a_learned2" -eq "$on_port2" ] || t_fail "phase 2: ns1 stats learned $a_learned2 but $on_port2 fdb entries on ns1"
d_r=$(($(fdb_stat "$S2" refused) - $(fdb_stat "$S1" refused)))
d_rp=$(($(fdb_stat "$S2" refused_port) - $(fdb_stat "$S1" refused_port)))
d_l=$(($(fdb_stat "$S2" learned) - $(fdb_stat "$S1" learned)))
[ "$d_rp" -eq 0 ] || t_fail "phase 2: refused_port rose by $d_rp without a port cap"
[ "$d_l" -eq $((CAP - total1)) ] || t_fail "phase 2: learned rose by $d_l, expected the $((CAP - total1)) free slots"
acc=$((d_l + d_r))
[ "$acc" -le "$sent2" ] && [ "$acc" -ge $((sent2 - 3)) ] ||
	t_fail "phase 2: learned $d_l + refused $d_r = $acc, expected the $sent2 frames sent (design: table full -> refused)"
jq_ok "$S2" '.fdb.evicted == 0' "phase 2: evicted is not 0"
[ "$(fdb_stat "$S2" moved)" -eq "$(fdb_stat "$S0" moved)" ] || t_fail "phase 2: moved changed ($(fdb_stat "$S0" moved) -> $(fdb_stat "$S2" moved)): an entry was taken over"

wait_pid $P23 $((PINGS / 100 + 30))
wait_pid $P32 $((PINGS / 100 + 30))
ping_check "$T_TMP/p23" $PINGS "ns2 -> ns3 during the flood"
ping_check "$T_TMP/p32" $PINGS "ns3 -> ns2 during the flood"

# Nothing of what was there before was evicted or moved.
for spec in "$m1 ns1" "$m2 ns2" "$m3 ns3" "$mg "; do
	read -r mac ns <<<"$spec"
	jq_ok "$F2" "[.[] | select(.mac == \"$mac\" and .netns == \"${ns:-}\")] | length == 1" "after the flood: $mac no longer on ${ns:-gateway}"
done
jq_ok "$F2" "[.[] | select(.mac == \"$MS\" and .netns == \"ns3\" and .state == \"static\")] | length == 1" "after the flood: static $MS lost or moved"
jq_ok "$F2" "[.[] | select(.netns != \"ns1\" and (.mac | startswith(\"02:\")) and .mac != \"$MS\")] | length == 0" "a flood MAC was learned on a port other than ns1"

# A station that arrives at the full table is refused but still talks.
r_before=$(fdb_stat "$S2" refused)
must timeout 30 "$XBR" -b "$T_BR" port add ns4 172.16.1.4/16
assert_ping ns4 172.16.1.2 5
assert_ping ns2 172.16.1.4 5
stats_get
xjson fdb
jq_ok "$J" "[.[] | select(.mac == \"$(station_mac 172.16.1.4)\")] | length == 0" "ns4 was learned in a full table (something was evicted?)"
jq_ok "$J" "length == $CAP" "table no longer holds $CAP entries"
[ "$(fdb_stat "$S" refused)" -gt "$r_before" ] || t_fail "ns4's frames did not count as refused"

t_pass "sent $sent1+$sent2 random-source frames: port cap held at $PORTCAP (refused_port $(fdb_stat "$S2" refused_port)), table full at $CAP (refused $(fdb_stat "$S2" refused)), 2x$PINGS pings lost 0, static entry kept"
