#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_routing.sh - two customers of one /24 (and one /64) behind different
# interfaces of the gateway reach each other: proxy-ARP/NDP end to end.
#
#   ktr-c1 [ktr-c1a .10/24 ::10/64] == [ktr-gw1] ktr-gw [ktr-gw2] == [ktr-c2a .20/24 ::20/64] ktr-c2
#
# The customers think the whole /24 is on-link; keg on ktr-gw1/ktr-gw2
# answers their ARP/NS for each other with the gateway's MAC, and the
# gateway routes by the /32 and /128 routes `kegctl customer add` installs
# (proto 75). The gateway holds 10.201.3.1/32 on both sides as the source
# of its own ARP requests. The customers run nothing but their addresses:
# on veth keg answers from tc ingress (keg_tc_reply).
. "$(dirname "$0")/lib.sh"
t_init ktr
t_need ping

GW=ktr-gw C1=ktr-c1 C2=ktr-c2 NET=10.201.3 NET6=fd00:201:3:

t_netns $GW
t_netns $C1
t_netns $C2
t_veth $GW ktr-gw1 $C1 ktr-c1a
t_veth $GW ktr-gw2 $C2 ktr-c2a
t_in $GW sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
t_in $GW ip addr add $NET.1/32 dev ktr-gw1
t_in $GW ip addr add $NET.1/32 dev ktr-gw2
t_in $C1 ip addr add $NET.10/24 dev ktr-c1a
t_in $C2 ip addr add $NET.20/24 dev ktr-c2a
t_in $C1 ip addr add $NET6:10/64 dev ktr-c1a nodad
t_in $C2 ip addr add $NET6:20/64 dev ktr-c2a nodad

t_attach $GW ktr-gw1
t_attach $GW ktr-gw2
for ifc in ktr-gw1 ktr-gw2; do
	path=$(t_reply_path $GW $ifc)
	t_check "$ifc: proxy replies from tc ingress (path $path)" [ "$path" = tc ]
done
t_check "customer sides run no XDP program" \
	eval "t_no_xdp $C1 ktr-c1a && t_no_xdp $C2 ktr-c2a"
for ifc in ktr-gw1 ktr-gw2; do
	t_keg_ok $GW "subnet add $NET.0/24 on $ifc" subnet add $NET.0/24 --iface $ifc
	t_keg_ok $GW "subnet add $NET6:/64 on $ifc" subnet add $NET6:/64 --iface $ifc
done
t_keg_ok $GW "customer add $NET.10 on ktr-gw1" customer add $NET.10 --iface ktr-gw1
t_keg_ok $GW "customer add $NET.20 on ktr-gw2" customer add $NET.20 --iface ktr-gw2
t_keg_ok $GW "customer add $NET6:10 on ktr-gw1" customer add $NET6:10 --iface ktr-gw1
t_keg_ok $GW "customer add $NET6:20 on ktr-gw2" customer add $NET6:20 --iface ktr-gw2

routes=$(t_in $GW ip route show proto 75)
t_info "ip route show proto 75 (gateway):" "$routes"
t_check "route $NET.10/32 dev ktr-gw1 proto 75 installed" \
	grep -Eq "^$NET\.10 dev ktr-gw1( |$)" <<<"$routes"
t_check "route $NET.20/32 dev ktr-gw2 proto 75 installed" \
	grep -Eq "^$NET\.20 dev ktr-gw2( |$)" <<<"$routes"
routes6=$(t_in $GW ip -6 route show proto 75)
t_check "route $NET6:10/128 dev ktr-gw1 proto 75 installed" \
	grep -Eq "^$NET6:10 dev ktr-gw1( |$)" <<<"$routes6"
t_check "route $NET6:20/128 dev ktr-gw2 proto 75 installed" \
	grep -Eq "^$NET6:20 dev ktr-gw2( |$)" <<<"$routes6"

r1=$(t_stat ktr-gw1 arp_replied)
r2=$(t_stat ktr-gw2 arp_replied)
t_check "ping $NET.10 -> $NET.20 through the gateway" \
	t_quiet t_in $C1 ping -c 3 -i 0.2 -W 1 -q $NET.20
t_check "ping $NET.20 -> $NET.10 through the gateway" \
	t_quiet t_in $C2 ping -c 3 -i 0.2 -W 1 -q $NET.10
t_expect_delta "ktr-gw1 answered c1's ARP for $NET.20" ktr-gw1 arp_replied "$r1" 1
t_expect_delta "ktr-gw2 answered c2's ARP for $NET.10" ktr-gw2 arp_replied "$r2" 1
mac1=$(t_mac $GW ktr-gw1)
ll=$(t_in $C1 ip neigh show $NET.20 dev ktr-c1a | awk '/lladdr/ {print $3}')
t_check "c1 reaches $NET.20 via the gateway's MAC $mac1 (neigh: ${ll:-none})" [ "$ll" = "$mac1" ]
ttl=$(t_in $C1 ping -c 1 -W 1 $NET.20 | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
t_check "the reply crossed a router (ttl ${ttl:-none} = 63)" [ "${ttl:-0}" = 63 ]

t_check "ping6 $NET6:10 -> $NET6:20 through the gateway" \
	t_quiet t_in $C1 ping -6 -c 3 -i 0.2 -W 1 -q $NET6:20
t_check "ping6 $NET6:20 -> $NET6:10 through the gateway" \
	t_quiet t_in $C2 ping -6 -c 3 -i 0.2 -W 1 -q $NET6:10

t_keg_ok $GW "customer del $NET.20" customer del $NET.20 --iface ktr-gw2
t_keg_ok $GW "customer del $NET6:20" customer del $NET6:20 --iface ktr-gw2
routes=$(t_in $GW ip route show proto 75)
t_check "route $NET.20/32 gone after customer del" \
	eval '! grep -q "^$NET\.20 " <<<"$routes"'
t_check "route $NET.10/32 still there" grep -q "^$NET\.10 dev ktr-gw1" <<<"$routes"
t_check "route $NET6:20/128 gone after customer del" \
	eval '! t_in $GW ip -6 route show proto 75 | grep -q "^$NET6:20 "'
t_check "ping $NET.10 -> $NET.20 fails without the route" \
	eval '! t_in $C1 ping -c 1 -W 1 -q $NET.20 >/dev/null'

t_done
