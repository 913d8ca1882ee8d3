#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_rate.sh - the bottleneck: iperf3 UDP goodput within 2% of the rate
# (100 mbit/s), and a tail-drop buffer that bounds the queueing
# delay to its size in milliseconds or bytes.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_cmd iperf3 jq
need_build

P=$(prefix_for ra)
lab_up "$P" --delay 5 --rate 100mbit --buffer 10ms
quiet_or_skip "$P"

# iperf3 UDP, 1400-byte datagrams offered at 1.25x the rate. The rate counts
# Ethernet frames: 1400 + 8 (UDP) + 20 (IP) + 14 (Ethernet) = 1442 bytes.
# A 1 s run first warms the path up; the second is measured. 50 ms of buffer
# keeps the bottleneck busy through the sender's hiccups. 100 mbit/s is a
# rate this machine carries with room to spare even with a neighbour busy;
# how exact the emulator stays at 800 mbit/s is a figure of make bench-wan.
# What the link delivered is what iperf3 received plus what the receiving
# socket dropped for want of room (counted by the kernel); a run where the
# sender could not offer the rate, or where those overflows are more than 1%
# of what arrived, measured the host and is not judged.
IPERF_JSON=$(mktemp)
T_CLEANUP+=("rm -f $IPERF_JSON")
rate_block() {
	local rate=$1 got sent secs over link want offered
	offered=$((rate * 5 / 4))
	lab_set "$P" --delay 5 --rate "${rate}mbit" --buffer 50ms
	iperf "$P" a1 b1 -u -b "${offered}M" -l 1400 -w 4M -t 1 >/dev/null
	in_ns "$P" b1 nstat -n
	got=$(iperf "$P" a1 b1 -u -b "${offered}M" -l 1400 -w 4M -t 4)
	sent=$(jq '.end.sum.bits_per_second / 1e6 | round' "$IPERF_JSON" 2>/dev/null)
	secs=$(jq '.end.sum_received.seconds' "$IPERF_JSON" 2>/dev/null)
	over=$(in_ns "$P" b1 nstat -az UdpRcvbufErrors | awk '/Rcvbuf/ { print $2 }')
	case $got in
	error*|"") fail "rate ${rate}mbit: iperf3 UDP ($got)"; return ;;
	esac
	if awk -v s="${sent:-0}" -v o="$offered" 'BEGIN { exit !(s < o * 0.95) }'; then
		invalid "rate ${rate}mbit: iperf3 sent ${sent:-?} of the ${offered} Mbit/s asked"
		return
	fi
	if awk -v n="${over:-0}" -v g="$got" -v t="${secs:-1}" \
		'BEGIN { exit !(n * 1400 * 8 / t / 1e6 > g * 0.01) }'; then
		invalid "rate ${rate}mbit: ${over} receive-socket overflows, over 1% of the $got Mbit/s received"
		return
	fi
	link=$(calc "$got + ${over:-0} * 1400 * 8 / ${secs:-1} / 1e6")
	want=$(calc "$rate * 1400 / 1442")
	check_range "rate ${rate}mbit: UDP goodput (${want} expected +-2%; iperf3 sent $sent, received $got + ${over:-?} socket overflows)" \
		"$link" "$(calc "$want * 0.98")" "$(calc "$want * 1.02")" " Mbit/s"
}
try3 rate_block 100

# Time-sized buffer: 50 mbit/s with 20 ms of buffer, offered 80 mbit/s. The
# queue stays full, so datagrams wait the whole buffer: 20 ms + delay 5 ms.
time_buffer_block() {
	local r
	lab_set "$P" --delay 5 --rate 50mbit --buffer 20ms
	r=$(udp "$P" a1 b1 24000 8000 1208)	# 1250-byte frames at 8000/s = 80 mbit/s
	judged "24000 datagrams a1 -> b1 at 8000/s" "$r" 8000 || return
	check_range "buffer 20ms at 50mbit: median one-way delay (25 ms + 1 frame)" \
		"$(kv lat_p50_us "$r")" 24000 25500 " us"
	check_range "buffer 20ms at 50mbit: p90 one-way delay (p99 $(kv lat_p99_us "$r"))" \
		"$(kv lat_p90_us "$r")" 24000 26000 " us"
	check_range "buffer 20ms at 50mbit, offered 80: loss (37.5% expected)" \
		"$(kv loss_pct "$r")" 35 40 %
}
try3 time_buffer_block

# Byte-sized buffer: 10 mbit/s with 50 KiB: 51200 * 8 / 10e6 = 40.96 ms.
byte_buffer_block() {
	local r
	lab_set "$P" --delay 5 --rate 10mbit --buffer 50k
	r=$(udp "$P" a1 b1 3000 1500 1208)	# 15 mbit/s for 2 s
	judged "3000 datagrams a1 -> b1 at 1500/s" "$r" 1500 || return
	check_range "buffer 50k at 10mbit: median one-way delay (45.96 ms)" \
		"$(kv lat_p50_us "$r")" 44500 46500 " us"
}
try3 byte_buffer_block

# No buffer overflow below the rate: 40 of 50 mbit/s, nothing lost.
under_rate_block() {
	local r s
	lab_set "$P" --delay 5 --rate 50mbit --buffer 20ms
	r=$(udp "$P" a1 b1 8000 4000 1208)
	judged "8000 datagrams a1 -> b1 at 4000/s" "$r" 4000 || return
	s=$(wanem_stats "$P" a2b)
	check "40 mbit/s through 50mbit: $(kv unique "$r") of 8000 arrive (bursts $(kv bursts "$r"), head $(kv lost_head "$r"), buffer drops $(kv dropped_buffer "$s"))" \
		test "$(kv lost "$r")" = 0
	check_range "40 mbit/s through 50mbit: median one-way delay (5 ms + 0.2)" \
		"$(kv lat_p50_us "$r")" 5000 5600 " us"
}
try3 under_rate_block
finish
