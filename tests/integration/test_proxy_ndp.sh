#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_proxy_ndp.sh - proxy-NDP seen by a real client (ndisc6).
#
#   ktn-c1 [ktn-c0 fd00:201:2::10/64] ==veth== [ktn-gw0] ktn-gw  (keg on ktn-gw0)
#
# keg answers Neighbor Solicitations for every address of fd00:201:2::/64
# except the customers assigned on ktn-gw0, with ktn-gw0's MAC; live flips;
# targets and senders outside the prefix get no answer. DAD is off in both
# namespaces (t_netns) so addresses are usable at once. The client side runs
# nothing: on veth keg sends its NAs from tc ingress (keg_tc_reply).
. "$(dirname "$0")/lib.sh"
t_init ktn
t_need ndisc6 ping

GW=ktn-gw C1=ktn-c1 GIF=ktn-gw0 CIF=ktn-c0 NET=fd00:201:2:

t_netns $GW
t_netns $C1
t_veth $GW $GIF $C1 $CIF
t_in $C1 ip addr add $NET:10/64 dev $CIF nodad
t_in $C1 ip addr add fd00:201:99::10/64 dev $CIF nodad	# source outside
GWMAC=$(t_mac $GW $GIF) || t_die "no MAC for $GIF"

t_attach $GW $GIF
path=$(t_reply_path $GW $GIF)
t_check "kegctl status: replies leave from tc ingress on a veth (path $path)" [ "$path" = tc ]
t_check "the client side $CIF runs no XDP program" t_no_xdp $C1 $CIF
t_keg_ok $GW "subnet add $NET:/64" subnet add $NET:/64 --iface $GIF
t_keg_ok $GW "customer add $NET:10" customer add $NET:10 --iface $GIF
t_keg_ok $GW "customer add $NET:20" customer add $NET:20 --iface $GIF

replied=$(t_stat $GIF ns_replied)
assigned=$(t_stat $GIF ns_target_assigned)
t_expect_ns_reply "unassigned $NET:77 answered with $GIF's MAC (link-local source)" \
	$C1 $CIF $NET:77 "$GWMAC"
t_expect_ns_reply "unassigned $NET:78 answered (global source $NET:10)" \
	$C1 $CIF $NET:78 "$GWMAC" $NET:10
t_expect_ns_silence "assigned $NET:20 not answered" $C1 $CIF $NET:20
t_expect_delta "answers counted" $GIF ns_replied "$replied" 2
t_expect_delta "refusal counted" $GIF ns_target_assigned "$assigned" 1

# The kernel accepts keg's NA: it lands in the neighbour table.
t_in $C1 ping -6 -c 1 -W 1 $NET:79 >/dev/null 2>&1
lladdr=$(t_in $C1 ip -6 neigh show $NET:79 dev $CIF | awk '/lladdr/ {print $3}')
t_check "client's neighbour table maps $NET:79 to $GWMAC (got '${lladdr:-none}')" \
	[ "$lladdr" = "$GWMAC" ]
bad=$(t_stat $GIF ns_bad_checksum)
t_check "no NS failed keg's checksum check (ns_bad_checksum $bad)" [ "$bad" = 0 ]

# Live flips.
t_keg_ok $GW "customer del $NET:20" customer del $NET:20 --iface $GIF
t_expect_ns_reply "$NET:20 answered once deleted" $C1 $CIF $NET:20 "$GWMAC"
t_keg_ok $GW "customer add $NET:77" customer add $NET:77 --iface $GIF
t_expect_ns_silence "$NET:77 not answered once assigned" $C1 $CIF $NET:77

# Outside the prefix: target, then sender.
outside=$(t_stat $GIF ns_target_outside)
t_expect_ns_silence "fd00:201:99::5 (outside) not answered" $C1 $CIF fd00:201:99::5
t_expect_delta "target outside counted" $GIF ns_target_outside "$outside" 1
sender=$(t_stat $GIF ns_sender_outside)
t_expect_ns_silence "sender fd00:201:99::10 (outside) not answered" \
	$C1 $CIF $NET:81 fd00:201:99::10
t_expect_delta "sender outside counted" $GIF ns_sender_outside "$sender" 1

# What ndisc6 cannot send: a DAD probe (source ::) and an NS with a hop
# limit other than 255, from scapy (Debian's /usr/bin/python3 has it).
# Prints one line per probe: "TARGET: SRC_MAC DST_IP S=FLAG" or "TARGET: none".
nd_probe() {
	t_in $C1 /usr/bin/python3 - "$CIF" "$@" <<'PY'
import logging, sys, time
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (AsyncSniffer, Ether, IPv6, ICMPv6ND_NS, ICMPv6ND_NA,
                       in6_getnsma, in6_getnsmac, inet_pton, inet_ntop, sendp, conf)
from socket import AF_INET6
conf.verb = 0
iface = sys.argv[1]
for arg in sys.argv[2:]:
    tgt, src, hlim = arg.split(",")
    sn = in6_getnsma(inet_pton(AF_INET6, tgt))
    sniff = AsyncSniffer(iface=iface, timeout=1,
                         lfilter=lambda p: ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == tgt)
    sniff.start()
    time.sleep(0.2)
    sendp(Ether(dst=in6_getnsmac(sn)) / IPv6(src=src, dst=inet_ntop(AF_INET6, sn), hlim=int(hlim)) /
          ICMPv6ND_NS(tgt=tgt), iface=iface)
    sniff.join()
    na = sniff.results[0] if sniff.results else None
    print(f"{tgt}: " + (f"{na[Ether].src} {na[IPv6].dst} S={na[ICMPv6ND_NA].S}" if na else "none"))
PY
}
if /usr/bin/python3 -c 'import scapy.all' 2>/dev/null; then
	hop=$(t_stat $GIF ns_bad_hop_limit)
	out=$(nd_probe "$NET:84,::,255" "$NET:10,::,255" "$NET:85,$NET:10,64")
	t_check "DAD probe for $NET:84 answered to ff02::1, Solicited clear ($(sed -n 1p <<<"$out"))" \
		[ "$(sed -n 1p <<<"$out")" = "$NET:84: $GWMAC ff02::1 S=0" ]
	t_check "DAD probe for the customer's own $NET:10 not answered" \
		[ "$(sed -n 2p <<<"$out")" = "$NET:10: none" ]
	t_check "NS with hop limit 64 not answered" [ "$(sed -n 3p <<<"$out")" = "$NET:85: none" ]
	t_expect_delta "bad hop limit counted" $GIF ns_bad_hop_limit "$hop" 1
else
	echo "# no scapy in /usr/bin/python3: DAD and hop-limit probes skipped"
fi

t_keg_ok $GW "subnet del $NET:/64" subnet del $NET:/64 --iface $GIF
t_expect_ns_silence "$NET:82 not answered once the prefix is gone" $C1 $CIF $NET:82

a=$(t_stat $GIF ns_replied)
b=$(t_stat_kegctl $GW $GIF ns_replied)
t_check "kegctl stats --json ns_replied ($b) = map ($a)" [ "$a" = "$b" ]

t_done
