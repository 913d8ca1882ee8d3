#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_proxy_arp.sh - proxy-ARP seen by a real client (arping).
#
#   kta-c1 [kta-c0 10.201.1.10/24] ==veth== [kta-gw0] kta-gw   (keg on kta-gw0)
#
# keg answers ARP for every address of 10.201.1.0/24 except the customers
# assigned on kta-gw0, with kta-gw0's MAC; customer add/del flips that live;
# targets outside the subnet and senders outside it get no answer.
. "$(dirname "$0")/lib.sh"
t_init kta
t_need arping

GW=kta-gw C1=kta-c1 GIF=kta-gw0 CIF=kta-c0 NET=10.201.1

t_netns $GW
t_netns $C1
t_veth $GW $GIF $C1 $CIF
t_in $C1 ip addr add $NET.10/24 dev $CIF
t_in $C1 ip addr add 192.0.2.10/32 dev $CIF	# a source outside the subnet
GWMAC=$(t_mac $GW $GIF) || t_die "no MAC for $GIF"

t_attach $GW $GIF
t_keg_ok $GW "subnet add $NET.0/24" subnet add $NET.0/24 --iface $GIF
t_keg_ok $GW "customer add $NET.10" customer add $NET.10 --iface $GIF
t_keg_ok $GW "customer add $NET.20" customer add $NET.20 --iface $GIF

replied=$(t_stat $GIF arp_replied)
assigned=$(t_stat $GIF arp_target_assigned)
t_expect_arp_reply "unassigned $NET.77 answered with $GIF's MAC $GWMAC" $C1 $CIF $NET.77 "$GWMAC"
t_expect_arp_reply "unassigned $NET.254 answered" $C1 $CIF $NET.254 "$GWMAC"
t_expect_arp_silence "assigned $NET.20 not answered" $C1 $CIF $NET.20
t_expect_delta "answers counted" $GIF arp_replied "$replied" 2
t_expect_delta "refusal counted" $GIF arp_target_assigned "$assigned" 1

# The kernel's view of what the client learnt.
t_in $C1 ping -c 1 -W 1 $NET.78 >/dev/null 2>&1	# resolves, no one answers the echo
lladdr=$(t_in $C1 ip neigh show $NET.78 dev $CIF | awk '/lladdr/ {print $3}')
t_check "client's neighbour table maps $NET.78 to $GWMAC (got '${lladdr:-none}')" \
	[ "$lladdr" = "$GWMAC" ]

# Live flips: no re-attach, no restart.
t_keg_ok $GW "customer del $NET.20" customer del $NET.20 --iface $GIF
t_expect_arp_reply "$NET.20 answered once deleted" $C1 $CIF $NET.20 "$GWMAC"
t_keg_ok $GW "customer add $NET.77" customer add $NET.77 --iface $GIF
t_expect_arp_silence "$NET.77 not answered once assigned" $C1 $CIF $NET.77

# Outside the subnet: target, then sender.
outside=$(t_stat $GIF arp_target_outside)
t_expect_arp_silence "10.201.9.5 (outside $NET.0/24) not answered" $C1 $CIF 10.201.9.5
t_expect_delta "target outside counted" $GIF arp_target_outside "$outside" 1
sender=$(t_stat $GIF arp_sender_outside)
if got=$(t_in $C1 arping -c 1 -C 1 -w 1 -S 192.0.2.10 -I $CIF $NET.79 2>&1); then
	t_fail "sender 192.0.2.10 (outside) answered: $got"
else
	t_ok "sender 192.0.2.10 (outside the subnet) not answered"
fi
t_expect_delta "sender outside counted" $GIF arp_sender_outside "$sender" 1

# An address probe (RFC 5227, sender 0.0.0.0) is answered for an address
# the proxy owns: the prober learns the address is taken.
if got=$(t_in $C1 arping -0 -c 1 -C 1 -w 1 -I $CIF $NET.83 2>&1) &&
	grep -qi "from $GWMAC " <<<"$got"; then
	t_ok "address probe (sender 0.0.0.0) for $NET.83 answered"
else
	t_fail "address probe (sender 0.0.0.0) for $NET.83 not answered: $got"
fi
if got=$(t_in $C1 arping -0 -c 1 -C 1 -w 1 -I $CIF $NET.10 2>&1); then
	t_fail "address probe for the customer's own $NET.10 answered: $got"
else
	t_ok "address probe for the customer's own $NET.10 not answered"
fi
gratuitous=$(t_stat $GIF arp_gratuitous)
t_in $C1 arping -U -c 1 -w 0.2 -I $CIF $NET.10 >/dev/null 2>&1
t_expect_delta "gratuitous ARP from $NET.10 ignored and counted" $GIF arp_gratuitous "$gratuitous" 1

# Subnet removal stops everything on that subnet.
t_keg_ok $GW "subnet del $NET.0/24" subnet del $NET.0/24 --iface $GIF
t_expect_arp_silence "$NET.80 not answered once the subnet is gone" $C1 $CIF $NET.80

# kegctl's own counters agree with the map.
a=$(t_stat $GIF arp_replied)
b=$(t_stat_kegctl $GW $GIF arp_replied)
t_check "kegctl stats --json arp_replied ($b) = map ($a)" [ "$a" = "$b" ]

# The same in generic (skb) mode.
t_keg_ok $GW "detach $GIF" detach $GIF
t_attach $GW $GIF --mode generic
t_check "kegctl status says generic" \
	eval "t_kegctl $GW status --json && jq -e '.[] | select(.iface == \"$GIF\") | .xdp.mode == \"generic\"' <<<\"\$T_OUT\" >/dev/null"
t_keg_ok $GW "subnet add $NET.0/24" subnet add $NET.0/24 --iface $GIF
t_keg_ok $GW "customer add $NET.20" customer add $NET.20 --iface $GIF
t_expect_arp_reply "generic mode: $NET.77 answered" $C1 $CIF $NET.77 "$GWMAC"
t_expect_arp_silence "generic mode: assigned $NET.20 not answered" $C1 $CIF $NET.20

t_done
