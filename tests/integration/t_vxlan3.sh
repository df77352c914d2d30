#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Three hosts on one VXLAN segment (lib_hosts.sh), each peering with the two
# others (ageing 4 s):
# - after learning, 20 pings a1 (host A) <-> b1 (host B) never reach c1 on
#   host C (tcpdump there counts 0), while an ARP broadcast and an IPv6
#   multicast neighbour solicitation from a1 do (head-end replication);
# - a frame from an uplink never goes back out of it (split horizon): A's
#   broadcast reaches B once, not again through C;
# - C's fdb has a1 and b1 behind its uplink with dst their hosts, and they age
#   out once quiet (counted aged);
# - station a1 moves from A to B (same MAC): C's entry moves to dst B
#   (counted moved), B's becomes local;
# - `uplink peer del` on C of A: C no longer sends to A (nothing from C to A
#   on the underlay while c1 broadcasts), refuses A's frames (drop tunnel),
#   keeps no entry behind A; B and C still talk;
# - `uplink del` and `down` leave no VXLAN device and no remote entry.
T_BR=xvx3
. "$(dirname "$0")/lib.sh"
. "$T_LIBDIR/lib_hosts.sh"
command -v tcpdump >/dev/null || t_skip "tcpdump not installed"

host_add A 1
host_add B 2
host_add C 3
# The underlay's neighbours resolved first: the kernel queues only a few
# packets per unresolved neighbour (unres_qlen) and start-up floods would
# overflow it.
for h in A B C; do
	for k in 1 2 3; do
		on "$h" ping -n -c 1 -W 2 "198.51.100.$k" >/dev/null || t_fail "underlay: $h cannot reach 198.51.100.$k"
	done
done
i=0
for h in A B C; do
	i=$((i + 1))
	hmust "$h" "$XBR" -b "$T_BR" up --subnet 172.16.0.0/16 --gateway "172.16.$i.254" --ageing 4 "${h,,}1"
	peers=()
	for k in 1 2 3; do [ "$k" = "$i" ] || peers+=(remote "198.51.100.$k"); done
	hmust "$h" "$XBR" -b "$T_BR" uplink add vx vxlan id 7 local "198.51.100.$i" "${peers[@]}"
done
hmust A "$XBR" -b "$T_BR" port add a2
ma1=$(station_mac 172.16.1.1) mb1=$(station_mac 172.16.2.1)

hassert_ping A a1 172.16.2.1 3
hassert_ping C c1 172.16.1.1 2
hassert_ping C c1 172.16.2.1 2

# C's fdb: a1 and b1 behind the uplink, dst their hosts.
hjson C fdb
jq_ok "$J" '.[] | select(.mac == "'$ma1'") | .dst == "198.51.100.1" and .ifname == "'$T_BR'-vx"' "fdb C: $ma1 dst A"
jq_ok "$J" '.[] | select(.mac == "'$mb1'") | .dst == "198.51.100.2"' "fdb C: $mb1 dst B"

# Known unicast A <-> B stays off C; group frames reach it.
hcap_start C c1 "$T_TMP/c1.pcap" 'icmp or arp or icmp6'
hassert_ping A a1 172.16.2.1 20
hassert_ping B b1 172.16.1.1 5
on A ip netns exec a1 ping -n -c 1 -W 1 172.16.9.9 >/dev/null 2>&1        # ARP broadcast
on A ip netns exec a1 ping -n -c 1 -W 1 fd00:172:16::ac10:909 >/dev/null 2>&1 # ND multicast
cap=$(hcap_stop "$T_TMP/c1.pcap")
uni=$(grep -c 'ICMP echo' <<<"$cap")
[ "$uni" -eq 0 ] || t_fail "c1 saw $uni unicast echo frames between a1 and b1: $(grep 'ICMP echo' <<<"$cap" | head -3)"
grep -q 'Request who-has 172.16.9.9' <<<"$cap" || t_fail "c1 did not see a1's ARP broadcast: $cap"
grep -q 'who has fd00:172:16::ac10:909' <<<"$cap" || t_fail "c1 did not see a1's neighbour solicitation: $cap"

# Split horizon: B gets each of A's broadcasts once (from A), never a
# second copy relayed by C.
hcap_start B b1 "$T_TMP/b1.pcap" 'icmp and dst host 172.16.255.255'
on A ip netns exec a1 ping -n -b -c 3 -i 0.2 -W 1 172.16.255.255 >/dev/null 2>&1
n=$(hcap_stop "$T_TMP/b1.pcap" | grep -c 'ICMP echo request')
[ "$n" -eq 3 ] || t_fail "b1 saw $n copies of a1's 3 broadcast pings (split horizon: expected 3)"


# Ageing: quiet for 4 s, the remote entries go (swept, counted).
hassert_ping A a1 172.16.3.1 1
hassert_ping B b1 172.16.3.1 1
hjson C stats
aged0=$(jq_val "$J" '.fdb.aged')
hjson C fdb
jq_ok "$J" '[.[] | select(.mac == "'$ma1'" or .mac == "'$mb1'")] | length == 2' "fdb C: $ma1 and $mb1 fresh before ageing"
wait_until 12 sh -c "nsenter -t ${T_HOST_PID[C]} -n -m -- '$XBR' -b $T_BR -j fdb | jq -e 'all(.[]; .mac != \"$ma1\" and .mac != \"$mb1\")'" ||
	t_fail "remote entries on C did not age out: $(hx C fdb)"
wait_until 5 sh -c "nsenter -t ${T_HOST_PID[C]} -n -m -- '$XBR' -b $T_BR -j stats | jq -e '.fdb.aged >= $aged0 + 2'" ||
	t_fail "C did not count the remote entries aged"

# a1 moves from A to B (same address, same MAC); C keeps entries a minute now.
hmust C "$XBR" -b "$T_BR" set ageing 60
hassert_ping A a1 172.16.3.1 2
hjson C fdb
jq_ok "$J" '.[] | select(.mac == "'$ma1'") | .dst == "198.51.100.1"' "fdb C before the move: $ma1 dst A"
hjson C stats
moved0=$(jq_val "$J" '.fdb.moved')
hmust A "$XBR" -b "$T_BR" port del a1
hmust B "$XBR" -b "$T_BR" port add a1 172.16.1.1/16
n=$(on B ip netns exec a1 ip -j link show eth0 | jq -r '.[0].address')
[ "$n" = "$ma1" ] || t_fail "moved station has MAC $n, expected $ma1"
hassert_ping B a1 172.16.3.1 3
hjson C fdb
jq_ok "$J" '[.[] | select(.mac == "'$ma1'")] | length == 1' "fdb C: $ma1 once after the move"
jq_ok "$J" '.[] | select(.mac == "'$ma1'") | .dst == "198.51.100.2"' "fdb C: $ma1 moved to dst B"
hjson C stats
jq_ok "$J" ".fdb.moved > $moved0" "C counts the move"
hjson B fdb
jq_ok "$J" '.[] | select(.mac == "'$ma1'") | .ifname == "'$T_BR'-a1" and (has("dst") | not)' "fdb B: $ma1 local now"
hassert_ping A a2 172.16.1.1 3 # A reaches it on B

# peer del on C of A.
hassert_ping A a2 172.16.3.1 2
hmust C "$XBR" -b "$T_BR" uplink peer del vx 198.51.100.1
hjson C uplink
jq_ok "$J" '.[0].peers == ["198.51.100.2"]' "C's peers after peer del"
hjson C fdb
jq_ok "$J" 'all(.[]; .dst != "198.51.100.1")' "C keeps an entry behind the deleted peer"
hping_ok A a2 172.16.3.1 2 && t_fail "a2 on A still reaches c1 after C removed peer A"
hjson C stats
jq_ok "$J" '.ports[] | select(.ifname == "'$T_BR'-vx") | .drops.tunnel > 0' "C counts A's frames as drop tunnel"
hjson C fdb
jq_ok "$J" 'all(.[]; .dst != "198.51.100.1")' "C learned behind the deleted peer"
hassert_ping C c1 172.16.2.1 2
# C's 3 ARP broadcasts now go to B only: watched on the underlay.
cap_start "$T_TMP/ul.pcap" 'udp port 4789 and src host 198.51.100.3' ul
on C ip netns exec c1 ping -n -c 3 -i 0.2 -W 1 172.16.9.7 >/dev/null 2>&1
ul=$(hcap_stop "$T_TMP/ul.pcap")
n=$(grep -c '> 198.51.100.1.4789' <<<"$ul")
[ "$n" -eq 0 ] || t_fail "C still sends to A after C removed peer A: $(grep '> 198.51.100.1.4789' <<<"$ul" | head -2)"
n=$(grep -c '> 198.51.100.2.4789' <<<"$ul")
[ "$n" -ge 1 ] || t_fail "C's broadcast did not reach B: $ul"
expect_error "peer del of a non-peer" "198.51.100.1" nsenter -t "${T_HOST_PID[C]}" -n -m -- "$XBR" -b "$T_BR" uplink peer del vx 198.51.100.1

# uplink del on C, down everywhere: no device, no remote entry.
hmust C "$XBR" -b "$T_BR" uplink del vx
on C ip -o link show type vxlan | gq . && t_fail "a VXLAN device is left on C after uplink del: $(on C ip -o link show type vxlan)"
hjson C fdb
jq_ok "$J" 'all(.[]; has("dst") | not)' "remote entries left on C after uplink del"
for h in A B C; do
	hmust "$h" "$XBR" -b "$T_BR" down
	on "$h" ip -o link show type vxlan | gq . && t_fail "a VXLAN device is left on $h after down"
	on "$h" ip -o link show | gq "$T_BR" && t_fail "links of $T_BR left on $h after down: $(on "$h" ip -o link show | grep "$T_BR")"
done
t_pass "three hosts: A<->B unicast stays off C, ARP/ND reach it, split horizon, dst in fdb, ageing, a station move A->B, peer del, uplink del and down clean"
