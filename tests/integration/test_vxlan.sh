#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_vxlan.sh - kernel VXLAN across an interface keg is attached to: the
# parser follows the tunnel and counts the inner headers.
#
#   ktv-s [ktv-vx0 10.201.5.1] -- ktv-u0 10.201.4.1 ==veth== ktv-u1 10.201.4.2 -- [ktv-vx1 10.201.5.2] ktv-r
#                                                 keg on ktv-u1 (receiver's underlay)
. "$(dirname "$0")/lib.sh"
t_init ktv
t_need ping

S=ktv-s R=ktv-r COUNT=20

t_netns $S
t_netns $R
t_veth $R ktv-u1 $S ktv-u0
t_in $S ip addr add 10.201.4.1/24 dev ktv-u0
t_in $R ip addr add 10.201.4.2/24 dev ktv-u1
t_in $S ip link add ktv-vx0 type vxlan id 42 local 10.201.4.1 remote 10.201.4.2 \
	dstport 4789 dev ktv-u0 || t_die "vxlan device in $S"
t_in $R ip link add ktv-vx1 type vxlan id 42 local 10.201.4.2 remote 10.201.4.1 \
	dstport 4789 dev ktv-u1 || t_die "vxlan device in $R"
t_in $S ip addr add 10.201.5.1/24 dev ktv-vx0
t_in $R ip addr add 10.201.5.2/24 dev ktv-vx1
t_in $S ip link set ktv-vx0 up
t_in $R ip link set ktv-vx1 up

t_attach $R ktv-u1
# The overlay prefix is proxied on the underlay: keg must still leave the
# ARP inside the tunnel alone (it answers on the link only).
t_keg_ok $R "subnet add 10.201.5.0/24 on ktv-u1" subnet add 10.201.5.0/24 --iface ktv-u1

declare -A before
for c in tun_vxlan inner_ipv4 inner_icmp arp_replied rx_packets; do
	before[$c]=$(t_stat ktv-u1 $c)
done
t_check "ping -c $COUNT 10.201.5.2 through VXLAN" \
	t_quiet t_in $S ping -c $COUNT -i 0.05 -W 1 -q 10.201.5.2
t_expect_delta "VXLAN frames seen on ktv-u1" ktv-u1 tun_vxlan "${before[tun_vxlan]}" $COUNT
t_expect_delta "inner IPv4 counted" ktv-u1 inner_ipv4 "${before[inner_ipv4]}" $COUNT
t_expect_delta "inner ICMP counted" ktv-u1 inner_icmp "${before[inner_icmp]}" $COUNT
t_expect_delta "every frame counted" ktv-u1 rx_packets "${before[rx_packets]}" $COUNT
now=$(t_stat ktv-u1 arp_replied)
t_check "ARP inside the tunnel not answered by keg (arp_replied ${before[arp_replied]} -> $now)" \
	[ "$now" = "${before[arp_replied]}" ]
mac=$(t_in $S ip neigh show 10.201.5.2 dev ktv-vx0 | awk '/lladdr/ {print $3}')
t_check "sender learnt the receiver's VXLAN MAC (${mac:-none})" \
	[ "$mac" = "$(t_mac $R ktv-vx1)" ]

t_done
