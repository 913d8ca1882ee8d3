#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_intercept_kegd.sh - intercept rules steer a flow through kegd:
# XDP -> AF_XDP -> kegd -> AF_XDP TX, with ping and iperf3 (TCP, UDP); kegd
# killed mid-transfer (forward rule keeps traffic flowing through the kernel,
# block rule stops it); kegd restarted (traffic back on the AF_XDP path).
#
#   kic-c1 [kic-c1a .1.10/24] == [kic-gw1 .1.1] kic-gw [kic-gw2 .2.1] == [kic-c2a .2.10/24] kic-c2
#
# The gateway's veths have 2 queues each (numrxqueues 2): kegd opens one
# socket and thread per queue. Both gateway interfaces carry the rule, so
# both directions of each flow go through kegd.
. "$(dirname "$0")/lib.sh"
t_init kic
t_need ping iperf3 ethtool

[ -x "$KEGD" ] || t_skip "no $KEGD (run make)"
GW=kic-gw C1=kic-c1 C2=kic-c2 N1=10.210.1 N2=10.210.2

t_netns $GW
t_netns $C1
t_netns $C2
for pair in "kic-gw1 kic-c1a $C1" "kic-gw2 kic-c2a $C2"; do
	set -- $pair
	ip -n $GW link add "$1" numrxqueues 2 numtxqueues 2 type veth peer name "$2" \
		netns "$3" numrxqueues 2 numtxqueues 2 || t_die "veth $1"
	T_PINS+=("$1" "$2")
	t_in $GW ip link set "$1" up
	t_in "$3" ip link set "$2" up
	# The hosts keep their offloads on (veth's default: partial checksums);
	# kegd completes what they left to the hardware.
done
t_in $GW sysctl -qw net.ipv4.ip_forward=1
t_in $GW ip addr add $N1.1/24 dev kic-gw1
t_in $GW ip addr add $N2.1/24 dev kic-gw2
t_in $C1 ip addr add $N1.10/24 dev kic-c1a
t_in $C2 ip addr add $N2.10/24 dev kic-c2a
t_in $C1 ip route add default via $N1.1
t_in $C2 ip route add default via $N2.1

t_check "baseline ping through the gateway (neighbours resolved)" \
	t_quiet t_in $C1 ping -c 2 -i 0.2 -W 1 $N2.10

t_attach $GW kic-gw1
t_attach $GW kic-gw2
for ifc in kic-gw1 kic-gw2; do
	t_keg_ok $GW "intercept add on $ifc" intercept add --site hq --src $N1.0/24 \
		--dst $N2.0/24 --proto IUT --iface $ifc
done


# kegd_stat IFACE FIELD: sum over queues of keg_kegd's rx, tx or drop.
kegd_stat() {
	bpftool -j map dump pinned "$KEG_PIN_ROOT/$1/keg_kegd" 2>/dev/null |
		jq -r --arg f "$2" '[.[0].formatted.value.q[][$f]] | add // 0'
}

t_check "kegd starts on kic-gw1 and kic-gw2" t_kegd_start $GW kic-gw1 kic-gw2
t_check "kegd opened a socket per queue (2 + 2)" \
	test "$(grep -c 'AF_XDP socket up' "$T_KEGD_LOG")" -eq 4
t_keg_ok $GW "intercept list" intercept list --iface kic-gw1
t_check "rule state A while kegd runs" grep -q "^kic-gw1 1 A " <<<"$T_OUT"

# A second kegd on an interface already served: refused, and the first
# keeps its sockets (issue 13 §6).
t_tmp K2LOG
nsenter --net="/run/netns/$GW" "$KEGD" --iface kic-gw1 >"$K2LOG" 2>&1
rc=$?
t_check "a second kegd on kic-gw1 exits non-zero (rc $rc)" [ $rc -ne 0 ]
t_check "... saying that another kegd serves it ($(tail -n 1 "$K2LOG"))" \
	grep -q "another kegd (pid $T_KEGD_PID) serves it" "$K2LOG"
# Its sockets still in the XSKMAP: requests keep being redirected to them.
r1=$(t_stat kic-gw1 icpt_redirected)
t_quiet t_in $C1 ping -c 3 -i 0.2 -W 1 $N2.10
t_check "... and removed nothing: requests still redirected to AF_XDP ($r1 -> $(t_stat kic-gw1 icpt_redirected))" \
	test "$(t_stat kic-gw1 icpt_redirected)" -ge $((r1 + 3))
t_keg_ok $GW "intercept list" intercept list --iface kic-gw1
t_check "the first kegd still serves the rule (state A)" grep -q "^kic-gw1 1 A " <<<"$T_OUT"

r1=$(t_stat kic-gw1 icpt_redirected)
r2=$(t_stat kic-gw2 icpt_redirected)
out=$(t_in $C1 ping -c 5 -i 0.2 -W 1 -p a5c3 -s 1000 $N2.10 2>&1)
t_check "ping with payload pattern through kegd, replies intact" \
	grep -q " 0% packet loss" <<<"$out"
t_check "no corrupted reply data" eval '! grep -qi "wrong data" <<<"$out"'
sleep 1.2	# kegd publishes its counters every 200 ms
t_check "requests redirected to AF_XDP on kic-gw1" \
	test "$(t_stat kic-gw1 icpt_redirected)" -ge $((r1 + 5))
t_check "replies redirected to AF_XDP on kic-gw2" \
	test "$(t_stat kic-gw2 icpt_redirected)" -ge $((r2 + 5))
t_check "kegd counted rx and tx on kic-gw1" \
	test "$(kegd_stat kic-gw1 tx)" -ge 5
t_keg_ok $GW "kegctl stats shows kegd's queues" stats --iface kic-gw1
t_check "kegctl stats: kegd queue 0 and 1 lines" grep -q "kegd queue 1 " <<<"$T_OUT"
t_info "$(grep kegd <<<"$T_OUT")"

t_in $C2 iperf3 -s -D -1 -p 5201 >/dev/null 2>&1
sleep 0.3
r1=$(t_stat kic-gw1 icpt_redirected)
out=$(t_in $C1 iperf3 -c $N2.10 -p 5201 -t 2 -J 2>&1)
bytes=$(jq -r '.end.sum_received.bytes // 0' <<<"$out" 2>/dev/null)
t_check "iperf3 TCP through kegd: $bytes bytes received" test "${bytes:-0}" -gt 1000000
t_check "TCP segments took the AF_XDP path" \
	test "$(t_stat kic-gw1 icpt_redirected)" -gt $((r1 + 500))

t_in $C2 iperf3 -s -D -1 -p 5202 >/dev/null 2>&1
sleep 0.3
# What the receiving host's socket drops (a busy machine can starve the
# iperf3 server) is counted by its kernel and is not kegd's loss.
t_in $C2 nstat -n
out=$(t_in $C1 iperf3 -c $N2.10 -p 5202 -u -b 20M -l 1200 -w 2M -t 2 -J 2>&1)
over=$(t_in $C2 nstat -az UdpRcvbufErrors | awk '/Rcvbuf/ { print $2 }')
lostn=$(jq -r '.end.sum.lost_packets // -1' <<<"$out" 2>/dev/null)
pk=$(jq -r '.end.sum.packets // 0' <<<"$out" 2>/dev/null)
t_check "iperf3 UDP through kegd: $pk datagrams, $lostn lost, ${over:-?} of them by the receiving socket; the rest under 5%" \
	awk -v l="${lostn:--1}" -v o="${over:-0}" -v p="${pk:-0}" \
	'BEGIN { exit !(p > 1000 && l >= 0 && l - o < p * 0.05) }'

# kegd killed in the middle of a TCP transfer: the forward rule hands the
# flow to the kernel, which keeps routing it.
t_in $C2 iperf3 -s -D -1 -p 5203 >/dev/null 2>&1
sleep 0.3
t_tmp IPERF_OUT
t_in $C1 iperf3 -c $N2.10 -p 5203 -t 4 -J >"$IPERF_OUT" 2>&1 &
iperf_pid=$!
sleep 1.5
f1=$(t_stat kic-gw1 icpt_down_forward)
t_kegd_stop
t_check "kegd logged removing its sockets" grep -q "removed from the XSKMAP" "$T_KEGD_LOG"
wait $iperf_pid
bytes=$(jq -r '.end.sum_received.bytes // 0' <"$IPERF_OUT" 2>/dev/null)
t_check "TCP transfer survives kegd's death (forward): $bytes bytes" \
	test "${bytes:-0}" -gt 1000000
t_check "after kegd: packets counted as down/forward" \
	test "$(t_stat kic-gw1 icpt_down_forward)" -gt "$f1"
t_keg_ok $GW "intercept list (kegd down)" intercept list --iface kic-gw1
t_check "rule state Y while kegd is down" grep -q "^kic-gw1 1 Y " <<<"$T_OUT"

# A block rule stops the traffic while kegd is down.
for ifc in kic-gw1 kic-gw2; do
	t_keg_ok $GW "intercept del 1 on $ifc" intercept del 1 --iface $ifc
	t_keg_ok $GW "intercept add --when-down block on $ifc" intercept add --site hq \
		--src $N1.0/24 --dst $N2.0/24 --proto IUT --when-down block --iface $ifc
done
b1=$(t_stat kic-gw1 icpt_down_block)
t_check "ping blocked while kegd is down (block)" \
	eval '! t_in $C1 ping -c 2 -i 0.2 -W 1 -q $N2.10 >/dev/null 2>&1'
t_check "blocked packets counted" test "$(t_stat kic-gw1 icpt_down_block)" -ge $((b1 + 2))

# kegd back: traffic returns to the AF_XDP path.
t_check "kegd restarts" t_kegd_start $GW kic-gw1 kic-gw2
r1=$(t_stat kic-gw1 icpt_redirected)
t_check "ping through kegd again" t_quiet t_in $C1 ping -c 3 -i 0.2 -W 1 $N2.10
t_check "redirected again" test "$(t_stat kic-gw1 icpt_redirected)" -ge $((r1 + 3))
t_kegd_stop
t_done
