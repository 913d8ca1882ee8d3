#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_lab.sh - the two-site lab: topology, addressing and routing, queues,
# offloads on the WAN path, two labs side by side, teardown after failure.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_cmd ethtool ping
need_build

P=$(prefix_for la)
Q=$(prefix_for lb)
lab_up "$P" --hosts 2 --queues 2 --delay 1

want="$P-a1 $P-a2 $P-b1 $P-b2 $P-gwa $P-gwb $P-swa $P-swb $P-wan"
have=$(ip netns list | awk '{ print $1 }' | grep "^$P-" | sort | tr '\n' ' ')
check "namespaces: $want" test "$have" = "$want "

q=$(in_ns "$P" a2 ls "/sys/class/net/$P-a2/queues" | tr '\n' ' ')
check "2 queues per veth: $q" test "$q" = "rx-0 rx-1 tx-0 tx-1 "

gw=$(in_ns "$P" a1 ip -4 route show default | awk '{ print $3 }')
check "a1 routes through gwa ($gw)" test "$gw" = "$("$LAB" addr --prefix "$P" gwa)"
gw=$(in_ns "$P" b2 ip -6 route show default | awk '{ print $3 }')
check "b2 routes through gwb ($gw)" test "$gw" = "$("$LAB" addr --prefix "$P" gwb 6)"
via=$(in_ns "$P" gwa ip route get "$("$LAB" addr --prefix "$P" b1)" | grep -o 'via [^ ]*')
check "gwa reaches site B $via (gwb's WAN address)" \
	test "$via" = "via $("$LAB" addr --prefix "$P" gwb-wan)"

for s in a1 a2; do
	for d in b1 b2; do
		for fam in 4 6; do
			check "$s -> $d IPv$fam across the WAN" quiet in_ns "$P" "$s" \
				ping -"$fam" -c 1 -W 2 "$("$LAB" addr --prefix "$P" "$d" "$fam")"
		done
	done
done
ttl=$(in_ns "$P" a1 ping -c 1 -W 2 "$("$LAB" addr --prefix "$P" b1)" | grep -o 'ttl=[0-9]*')
check "two routed hops between the sites ($ttl)" test "$ttl" = ttl=62

for e in gwa:gaw wan:wa wan:wb gwb:gbw; do
	f=$(in_ns "$P" "${e%%:*}" ethtool -k "$P-${e#*:}")
	on=$(grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|tx-checksumming|rx-checksumming):' <<<"$f" | grep -c ': on' || true)
	check "offloads off on the WAN end $P-${e#*:}" test "$on" = 0
done

# A second lab alongside, then the first goes away: the second is unharmed.
lab_up "$Q" --delay 1
check "lab $Q works beside lab $P" quiet in_ns "$Q" a1 ping -c 1 -W 2 "$("$LAB" addr --prefix "$Q" b1)"
"$LAB" down --prefix "$P" >/dev/null 2>&1
left=$(ip netns list | awk '{ print $1 }' | grep -c "^$P-" || true)
check "down removes every $P- namespace ($left left)" test "$left" = 0
check "down removes the state directory" test ! -e "/run/keg-lab/$P"
check "lab $Q still works after $P went" quiet in_ns "$Q" a1 ping -c 1 -W 2 "$("$LAB" addr --prefix "$Q" b1)"
check "up refuses a prefix in use" bash -c "! '$LAB' up --prefix $Q >/dev/null 2>&1"
check "lab $Q survives the refused up" quiet in_ns "$Q" a1 ping -c 1 -W 2 "$("$LAB" addr --prefix "$Q" b1)"

# A failure half-way (wanem refuses its options) leaves nothing behind.
"$LAB" up --prefix "$P" --rate 12xbit >/dev/null 2>&1
rc=$?
left=$(ip netns list | awk '{ print $1 }' | grep -c "^$P-" || true)
check "failed up exits non-zero ($rc) and tears down ($left namespaces left)" \
	test "$rc" != 0 -a "$left" = 0 -a ! -e "/run/keg-lab/$P"
check "down is idempotent" "$LAB" down --prefix "$P"
check "bad prefix rejected" bash -c "! '$LAB' up --prefix 'Bad-One' >/dev/null 2>&1"
finish
