#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# accuracy.sh - how close per-customer shaping gets to its configured rate,
# and what a saturated customer's queue does to its pings.
#
#   ksb-s 10.207.1.1 ==veth== ksb-r0 | ksb-r (router) | ksb-r1 ==veth== ksb-c 10.207.2.2
#                                                       keg + HTB on ksb-r1 (download)
#
# 1. Rate: the customer at 1, 10 and 100 mbit/s, iperf3 TCP ksb-s -> ksb-c
#    for DURATION s (default 5) each; measured = received TCP payload
#    converted to wire rate (HTB shapes Ethernet frames: payload * (MSS+66) /
#    MSS), ratio = measured / configured. Target: 0.95 .. 1.05.
# 2. Latency: the customer at 10 mbit/s saturated by iperf3 while pinging it
#    (0.1 s apart, the length of the transfer); ping p50/p99 with the
#    interactive leaf (ICMP gets its own leaf, the default) and without
#    (`shape set --interactive off`: ICMP queues behind the TCP bulk).
#    Target: p99 with the leaf below 20 ms.
#
# Prints a table; exits 0 even when targets are missed (77 when it cannot
# run: not root, no iperf3, no build). Root; uses network namespaces only.
#   tests/bench/shape/accuracy.sh [DURATION]
. "$(dirname "$0")/../../integration/lib.sh"
t_init ksb
t_need iperf3 ping jq awk

DUR=${1:-5}
S=ksb-s R=ksb-r C=ksb-c
PIDS=()
t_routed_pair ksb 207

stop_servers() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null; done
	PIDS=()
}
trap 'stop_servers; t_cleanup' EXIT

t_attach $R ksb-r1 >/dev/null
[ $T_FAILS -eq 0 ] || { echo "cannot attach keg: $T_OUT"; exit 1; }
t_kegctl $R subnet add 10.207.2.0/24 --iface ksb-r1 >/dev/null
t_kegctl $R customer add 10.207.2.2 --iface ksb-r1 --down 10mbit ||
	{ echo "customer add: $T_OUT"; exit 1; }

port=5300
t_tmp TMPD d	# results; iperf may run in a subshell
# iperf RATE_LABEL: received payload rate, bits/s, of a DUR s TCP transfer.
iperf() {
	local j
	port=$((port + 1))
	j=$TMPD/$port.json
	t_in $C iperf3 -s -1 -p $port -B 10.207.2.2 >/dev/null 2>&1 &
	PIDS+=($!)
	sleep 0.3
	t_in $S iperf3 -c 10.207.2.2 -p $port -t "$DUR" -J >"$j" 2>/dev/null
	jq -r '.end.sum_received.bits_per_second // 0' "$j"
}

printf '\n%-28s %12s %12s %8s %s\n' "shaped rate" "configured" "measured" "ratio" "target 0.95-1.05"
for r in 1 10 100; do
	t_kegctl $R customer set 10.207.2.2 --iface ksb-r1 --down ${r}mbit ||
		{ echo "customer set: $T_OUT"; continue; }
	bps=$(iperf)
	awk -v r="$r" -v b="$bps" 'BEGIN {
		w = b * (1448 + 66) / 1448 / 1e6; q = w / r
		printf "%-28s %7d mbit %7.2f mbit %8.3f %s\n", "customer down " r "mbit", r, w, q,
			(q >= 0.95 && q <= 1.05) ? "ok" : "MISSED" }'
done

# pings DST COUNT: "p50 p99 n" in ms over the replies.
pings() {
	t_in $S ping -c "$2" -i 0.1 -W 2 "$1" 2>/dev/null |
		sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -n |
		awk '{ v[NR] = $1 } END {
			if (!NR) { print "- - 0"; exit }
			i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5)
			if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
			printf "%.2f %.2f %d\n", v[i50], v[i99], NR }'
}

t_kegctl $R customer set 10.207.2.2 --iface ksb-r1 --down 10mbit >/dev/null
idle=$(pings 10.207.2.2 20)
count=$(awk -v d="$DUR" 'BEGIN { print int(d * 10) }')
printf '\n%-34s %10s %10s %8s\n' "ping 10.207.2.2 (10mbit customer)" "p50 ms" "p99 ms" "replies"
set -- $idle
printf '%-34s %10s %10s %8s\n' "idle" "$1" "$2" "$3"
for mode in on off; do
	t_kegctl $R shape set ksb-r1 --interactive $mode >/dev/null ||
		{ echo "shape set --interactive $mode: $T_OUT"; continue; }
	iperf >/dev/null &
	load=$!
	sleep 1	# the queue fills
	res=$(pings 10.207.2.2 "$count")
	wait $load
	set -- $res
	printf '%-34s %10s %10s %8s\n' "under load, interactive leaf $mode" "$1" "$2" "$3"
	[ $mode = on ] && awk -v p="$2" 'BEGIN { exit !(p != "-" && p < 20) }' &&
		echo "  (target: p99 < 20 ms with the interactive leaf: ok)"
done
echo
exit 0
