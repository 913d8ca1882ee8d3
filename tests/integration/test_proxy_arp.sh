#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_proxy_arp.sh - proxy-ARP seen by a real client (arping).
#
#   kta-c1 [kta-c0 10.201.1.10/24] ==veth== [kta-gw0] kta-gw   (keg on kta-gw0)
#
# keg answers ARP for every address of 10.201.1.0/24 except the customers
# assigned on kta-gw0, with kta-gw0's MAC; customer add/del flips that live;
# targets outside the subnet and senders outside it get no answer. The
# client side runs nothing: on veth keg sends its replies from tc ingress
# (keg_tc_reply) in the default mode, XDP_TX with --mode generic.
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
path=$(t_reply_path $GW $GIF)
t_check "kegctl status: replies leave from tc ingress on a veth (path $path)" [ "$path" = tc ]
t_check "keg_tc_reply on $GIF's clsact ingress" \
	eval "t_in $GW tc filter show dev $GIF ingress | grep -q keg_tc_reply"
t_check "the client side $CIF runs no XDP program" t_no_xdp $C1 $CIF
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

# A tagged request (this kernel has no 8021q module for a VLAN device, so
# scapy sends it): the stack takes the tag out of the frame (vlan_tci) on
# the way in; the reply must leave with it. Prints "VLAN SRC_MAC" or "none".
tagged_arp() {
	t_in $C1 /usr/bin/python3 - "$CIF" "$@" <<'PY'
import logging, sys, time
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import AsyncSniffer, Ether, Dot1Q, ARP, sendp, get_if_hwaddr, conf
conf.verb = 0
iface, spa, tpa = sys.argv[1:4]
mac = get_if_hwaddr(iface)
sniff = AsyncSniffer(iface=iface, timeout=1,
                     lfilter=lambda p: ARP in p and p[ARP].op == 2 and p[ARP].psrc == tpa)
sniff.start()
time.sleep(0.2)
sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=42) /
      ARP(op=1, hwsrc=mac, psrc=spa, pdst=tpa), iface=iface)
sniff.join()
r = sniff.results[0] if sniff.results else None
print(f"{r[Dot1Q].vlan if Dot1Q in r else 'untagged'} {r[ARP].hwsrc}" if r else "none")
PY
}
if /usr/bin/python3 -c 'import scapy.all' 2>/dev/null; then
	t_keg_ok $GW "subnet add $NET.0/24 again" subnet add $NET.0/24 --iface $GIF
	got=$(tagged_arp $NET.10 $NET.90)
	t_check "ARP request tagged 42 for $NET.90 answered with tag 42 ($got)" \
		[ "$got" = "42 $GWMAC" ]
else
	echo "# no scapy in /usr/bin/python3: tagged request skipped"
fi

# Detach takes keg_tc_reply and the clsact qdisc it created away.
t_keg_ok $GW "detach $GIF" detach $GIF
t_check "no tc ingress filter left on $GIF" \
	eval "[ -z \"\$(t_in $GW tc filter show dev $GIF ingress)\" ]"
t_check "no clsact qdisc left on $GIF" \
	eval "! t_in $GW tc qdisc show dev $GIF | grep -q clsact"

# An explicit --mode native keeps XDP_TX, with one warning that the peer
# needs XDP to receive the replies.
T_ATTACHED+=("$GW $GIF")
if t_kegctl $GW attach $GIF --mode native; then
	n=$(grep -c "warning: $GIF is a veth" <<<"$T_OUT")
	t_check "--mode native on a veth: attached, warned once ($n)" [ "$n" = 1 ]
else
	t_fail "kegctl attach $GIF --mode native: $T_OUT"
fi
path=$(t_reply_path $GW $GIF)
t_check "kegctl status: replies by XDP_TX with --mode native (path $path)" [ "$path" = xdp ]
t_check "no keg_tc_reply with --mode native" \
	eval "! t_in $GW tc filter show dev $GIF ingress | grep -q keg_tc_reply"
t_keg_ok $GW "subnet add $NET.0/24" subnet add $NET.0/24 --iface $GIF
replied=$(t_stat $GIF arp_replied)
t_arping $C1 $CIF $NET.91 >/dev/null
t_expect_delta "--mode native: the request is still answered by XDP_TX" $GIF arp_replied "$replied" 1

# The same in generic (skb) mode: XDP_TX goes through the stack and arrives.
t_keg_ok $GW "detach $GIF" detach $GIF
t_attach $GW $GIF --mode generic
path=$(t_reply_path $GW $GIF)
t_check "kegctl status: replies by XDP_TX in generic mode (path $path)" [ "$path" = xdp ]
t_check "kegctl status says generic" \
	eval "t_kegctl $GW status --json && jq -e '.[] | select(.iface == \"$GIF\") | .xdp.mode == \"generic\"' <<<\"\$T_OUT\" >/dev/null"
t_keg_ok $GW "subnet add $NET.0/24" subnet add $NET.0/24 --iface $GIF
t_keg_ok $GW "customer add $NET.20" customer add $NET.20 --iface $GIF
t_expect_arp_reply "generic mode: $NET.77 answered" $C1 $CIF $NET.77 "$GWMAC"
t_expect_arp_silence "generic mode: assigned $NET.20 not answered" $C1 $CIF $NET.20

t_done
