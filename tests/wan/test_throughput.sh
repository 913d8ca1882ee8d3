#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_throughput.sh - wanem keeps up with 1 gbit/s of 1514-byte frames and
# adds under 0.2 ms of its own delay: one-way delay through the emulator
# minus the same path with a plain bridge in its place.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_build

P=$(prefix_for th)
lab_up "$P" --no-emu
quiet_or_skip "$P"
# 1472-byte datagrams = 1514-byte frames; 85,000/s = 1.03 gbit/s of frames.
gbit_block() {
	local N=255000 base emu s q b e add
	lab_set "$P" --no-emu
	base=$(udp "$P" a1 b1 "$N" 85000 1472)
	lab_set "$P" --delay 0
	emu=$(udp "$P" a1 b1 "$N" 85000 1472)
	s=$(wanem_stats "$P" a2b)
	check "1 gbit/s of 1514-byte frames: $(kv unique "$emu") of $N arrive ($(kv mbit "$emu") Mbit/s of payload)" \
		test "$(kv lost "$emu")" -le $((N / 10000))
	check "wanem: no ring drops, tx errors or pool drops ($(kv ring_drops "$s")/$(kv tx_errors "$s")/$(kv pool_drops "$s"))" \
		test "$(kv ring_drops "$s")" = 0 -a "$(kv tx_errors "$s")" = 0 -a "$(kv pool_drops "$s")" = 0
	for q in avg p50 p99; do
		b=$(kv "lat_${q}_us" "$base")
		e=$(kv "lat_${q}_us" "$emu")
		add=$(calc "$e - $b")
		if [ "$q" = p99 ]; then
			# Shown, checked loosely: the tail belongs to the whole machine.
			check_range "added delay at 1 gbit/s, $q (bridge $b us, wanem $e us)" "$add" -1000 1000 " us"
		else
			check_range "added delay at 1 gbit/s, $q (bridge $b us, wanem $e us)" "$add" -1000 200 " us"
		fi
	done
}
try3 gbit_block

# Light load, delay 10 ms: the configured delay, plus under 0.2 ms.
light_block() {
	local r
	lab_set "$P" --delay 10
	r=$(udp "$P" a1 b1 5000 5000 200)
	check_range "light load, delay 10 ms: mean one-way delay - 10 ms" \
		"$(calc "$(kv lat_avg_us "$r") - 10000")" 0 200 " us"
}
try3 light_block

# What it does flat out (shown; must at least beat 1 gbit/s).
flat_block() {
	local r
	lab_set "$P" --delay 1
	r=$(udp "$P" a1 b1 300000 200000 1472)
	check_range "flat out, 200k frames/s offered: delivered" "$(kv mbit "$r")" 1000 100000 " Mbit/s"
}
try3 flat_block
if command -v iperf3 >/dev/null && command -v jq >/dev/null; then
	check_range "TCP through wanem, delay 1 ms" "$(iperf "$P" a1 b1 -t 3)" 1000 100000 " Mbit/s"
fi
finish
