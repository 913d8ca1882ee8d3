#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_delay.sh - delay and jitter: ping RTT within 1 ms of the configured
# RTT (20 ms and 200 ms), per-direction delays seen one way, jitter that
# varies the delay without reordering (and reorders only when asked).
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_cmd ping
need_build

P=$(prefix_for de)
lab_up "$P" --rtt 20
quiet_or_skip "$P"

# The median is checked: on a shared machine the odd ping waits for a CPU
# somewhere in the five namespaces it crosses; avg, p99 and max are shown.
rtt_block() {
	local rtt=$1 min med avg p99 max
	lab_set "$P" --rtt "$rtt"
	ping_rtt "$P" a1 b1 2 0.2 >/dev/null	# warm the neighbour caches
	read -r min med avg p99 max <<<"$(ping_rtt "$P" a1 b1 200 0.005)"
	check_range "RTT $rtt ms: ping median (avg $avg, p99 $p99, max $max)" \
		"$med" "$rtt" $((rtt + 1)) " ms"
	check_range "RTT $rtt ms: ping min (never early)" "$min" "$rtt" $((rtt + 1)) " ms"
}
try3 rtt_block 20
try3 rtt_block 200

# Asymmetric: 30 ms a->b, 5 ms b->a. One-way latencies from udpgen's stamps.
asym_block() {
	local min med avg p99 max r
	lab_set "$P" --a2b-delay 30 --b2a-delay 5
	ping_rtt "$P" a1 b1 2 0.2 >/dev/null
	read -r min med avg p99 max <<<"$(ping_rtt "$P" a1 b1 50 0.01)"
	check_range "asymmetric 30+5 ms: ping median (avg $avg)" "$med" 35 36 " ms"
	r=$(udp "$P" a1 b1 2000 2000 200)
	judged "2000 datagrams a1 -> b1 at 2000/s" "$r" || return
	check_range "a->b one-way (30 ms): udp median (avg $(kv lat_avg_us "$r"))" \
		"$(kv lat_p50_us "$r")" 30000 30500 " us"
	r=$(udp "$P" b1 a1 2000 2000 200)
	judged "2000 datagrams b1 -> a1 at 2000/s" "$r" || return
	check_range "b->a one-way (5 ms): udp median (avg $(kv lat_avg_us "$r"))" \
		"$(kv lat_p50_us "$r")" 5000 5500 " us"
}
try3 asym_block

# Jitter +-5 ms on 20 ms, 1000 datagrams/s (gaps of 1 ms): without leave to
# reorder, nothing arrives out of order, yet the delay varies.
jitter_block() {
	local r spread
	lab_set "$P" --delay 20 --jitter 5
	r=$(udp "$P" a1 b1 3000 1000 200)
	judged "3000 datagrams a1 -> b1 at 1000/s" "$r" || return
	check "jitter: 3000 datagrams, none reordered ($(kv reordered "$r"))" \
		test "$(kv reordered "$r")" = 0 -a "$(kv unique "$r")" = 3000
	check_range "jitter: min one-way delay" "$(kv lat_min_us "$r")" 15000 20000 " us"
	check_range "jitter: p99 one-way delay (max $(kv lat_max_us "$r"))" \
		"$(kv lat_p99_us "$r")" 20000 25500 " us"
	spread=$(calc "$(kv lat_p99_us "$r") - $(kv lat_min_us "$r")")
	check_range "jitter: p99 - min spread" "$spread" 3000 10500 " us"
}
try3 jitter_block

jitter_reorder_block() {
	local r
	lab_set "$P" --delay 20 --jitter 5 --jitter-reorder on
	r=$(udp "$P" a1 b1 3000 1000 200)
	judged "3000 datagrams a1 -> b1 at 1000/s" "$r" || return
	check_range "jitter with --jitter-reorder on: reordered" "$(kv reorder_pct "$r")" 10 100 %
}
try3 jitter_reorder_block
finish
