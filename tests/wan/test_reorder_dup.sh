#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_reorder_dup.sh - reordering and duplication as a receiver sees them.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_build

P=$(prefix_for rd)
lab_up "$P" --delay 5
quiet_or_skip "$P"

# 5% of a->b frames held back 5 ms; datagrams 0.1 ms apart overtake them.
reorder_block() {
	local r
	lab_set "$P" --delay 5 --a2b-reorder 5 --a2b-reorder-delay 5ms --seed 4
	r=$(udp "$P" a1 b1 20000 10000 200)
	judged "20000 datagrams a1 -> b1 at 10000/s" "$r" || return
	check_range "reorder 5%: datagrams arriving after a later one" "$(kv reorder_pct "$r")" 4.2 5.8 %
	check "reorder 5%: none lost or duplicated ($(kv lost "$r")/$(kv dup "$r"))" \
		test "$(kv lost "$r")" = 0 -a "$(kv dup "$r")" = 0
	check_range "reorder 5%: late ones arrive 5 ms late (p99 of one-way delay)" \
		"$(kv lat_p99_us "$r")" 10000 10600 " us"
	r=$(udp "$P" b1 a1 20000 10000 200)
	judged "20000 datagrams b1 -> a1 at 10000/s" "$r" || return
	check "b->a (no reordering configured): in order" test "$(kv reordered "$r")" = 0
}
try3 reorder_block

dup_block() {
	local r
	lab_set "$P" --delay 5 --a2b-dup 2 --seed 5
	r=$(udp "$P" a1 b1 20000 10000 200)
	judged "20000 datagrams a1 -> b1 at 10000/s" "$r" || return
	check_range "dup 2%: duplicates received" "$(kv dup_pct "$r")" 1.5 2.5 %
	check "dup 2%: none lost or reordered ($(kv lost "$r")/$(kv reordered "$r"))" \
		test "$(kv lost "$r")" = 0 -a "$(kv reordered "$r")" = 0
}
try3 dup_block

# TCP copes with both: a short iperf3 run completes with data delivered.
if command -v iperf3 >/dev/null && command -v jq >/dev/null; then
	lab_set "$P" --delay 5 --reorder 2 --reorder-delay 3ms --dup 1 --seed 6
	check_range "TCP over reorder 2% + dup 1%: goodput" \
		"$(iperf "$P" a1 b1 -t 2)" 1 100000 " Mbit/s"
fi
finish
