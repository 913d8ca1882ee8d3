#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# bench_emu.sh - how fast the WAN emulator itself is on this machine: the
# figures that depend on the machine's speed at the moment, printed next to
# a plain bridge measured in the same run (make test judges the emulator's
# behaviour at moderate rates; this is where speed goes).
#
#   1. 1 gbit/s of 1514-byte frames: delivered, and the one-way delay wanem
#      adds over a plain bridge in its place (avg, p50, p99).
#      Targets: under 0.01% lost, added avg and p50 <= 200 us, p99 <= 1 ms.
#   2. Light load (5000 frames/s), delay 10 ms: mean one-way delay minus the
#      10 ms asked, next to the bridge's. Target <= 200 us.
#   3. Flat out, 200,000 frames/s offered: delivered Mbit/s. Target >= 1000
#      (invalid when the sender, not wanem, was the limit).
#   4. TCP through wanem (delay 1 ms) next to the bridge. Target >= 1000.
#   5. Bottleneck rate 800 mbit/s: UDP goodput / the rate. Target 0.98-1.02.
#
# A row whose measuring tool was overloaded (receive-socket overflows, a
# sender short of its rate) is printed INVALID with the reason; a missed
# target is printed MISS. Exits 0 when it ran (77: not root or not built).
#   tests/wan/bench_emu.sh
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_cmd iperf3 jq
need_build

P=$(prefix_for be)
lab_up "$P" --no-emu

ROWS=()
# row NAME VALUE BASELINE TARGET VERDICT [NOTE]
row() { ROWS+=("$(printf '%-44s %12s %12s %-14s %-7s %s' "$@")"); }
# verdict VALUE LO HI: PASS or MISS
verdict() {
	awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { print (v != "" && v + 0 >= lo + 0 && v + 0 <= hi + 0) ? "PASS" : "MISS" }'
}

# 1. 1 gbit/s: 1472-byte datagrams = 1514-byte frames; 85,000/s = 1.03 gbit/s.
N=255000
lab_set "$P" --no-emu
base=$(udp "$P" a1 b1 "$N" 85000 1472)
lab_set "$P" --delay 0
emu=$(udp "$P" a1 b1 "$N" 85000 1472)
s=$(wanem_stats "$P" a2b)
why=$(udp_invalid "$base" 85000) || why=$(udp_invalid "$emu" 85000) || why=""
if [ -n "$why" ]; then
	row "1 gbit/s: frames lost (of $N)" "-" "-" "<= $((N / 10000))" INVALID "$why"
	row "1 gbit/s: added one-way delay, avg/p50/p99" "-" "-" "" INVALID "$why"
else
	row "1 gbit/s: frames lost (of $N)" "$(kv lost "$emu")" "$(kv lost "$base")" \
		"<= $((N / 10000))" "$(verdict "$(kv lost "$emu")" 0 $((N / 10000)))" \
		"ring/tx/pool drops $(kv ring_drops "$s")/$(kv tx_errors "$s")/$(kv pool_drops "$s")"
	for q in avg p50 p99; do
		b=$(kv "lat_${q}_us" "$base")
		e=$(kv "lat_${q}_us" "$emu")
		hi=200
		[ $q = p99 ] && hi=1000
		row "1 gbit/s: one-way delay $q (us), added" "$e" "$b" "+<= $hi" \
			"$(verdict "$(calc "$e - $b")" -1000000 $hi)" "added $(calc "$e - $b") us"
	done
fi

# 2. Light load, delay 10 ms.
lab_set "$P" --no-emu
b=$(udp "$P" a1 b1 5000 5000 200)
lab_set "$P" --delay 10
r=$(udp "$P" a1 b1 5000 5000 200)
if why=$(udp_invalid "$r" 5000) || why=$(udp_invalid "$b" 5000); then
	row "light load, delay 10 ms: mean - 10 ms (us)" "-" "-" "<= 200" INVALID "$why"
else
	add=$(calc "$(kv lat_avg_us "$r") - 10000")
	row "light load, delay 10 ms: mean - 10 ms (us)" "$add" "$(kv lat_avg_us "$b")" \
		"0..200" "$(verdict "$add" 0 200)" "baseline: the bridge's mean"
fi

# 3. Flat out.
lab_set "$P" --delay 1
r=$(udp "$P" a1 b1 300000 200000 1472)
# Flat out means wanem is the limit: if the sender fell short and wanem
# passed nearly all it sent, the figure is the sender's, not wanem's.
if why=$(udp_invalid "$r") ||
   { udp_invalid "$r" 200000 >/dev/null &&
     awk -v l="$(kv lost "$r")" 'BEGIN { exit !(l + 0 <= 300000 * 0.01) }' &&
     why="sender-limited: wanem passed all but $(kv lost "$r") of the $(kv send_pps "$r")/s the sender managed"; }; then
	row "flat out, 200k frames/s offered (Mbit/s)" "$(kv mbit "$r")" "-" ">= 1000" INVALID "$why"
else
	row "flat out, 200k frames/s offered (Mbit/s)" "$(kv mbit "$r")" "-" ">= 1000" \
		"$(verdict "$(kv mbit "$r")" 1000 1e9)" "sender $(kv send_pps "$r")/s"
fi

# 4. TCP, delay 1 ms, next to the bridge.
lab_set "$P" --no-emu
tb=$(iperf "$P" a1 b1 -t 3 | awk '{ printf (/^error/ ? "%s" : "%.1f"), $0 }')
lab_set "$P" --delay 1
te=$(iperf "$P" a1 b1 -t 3 | awk '{ printf (/^error/ ? "%s" : "%.1f"), $0 }')
row "TCP through wanem, delay 1 ms (Mbit/s)" "$te" "$tb" ">= 1000" "$(verdict "$te" 1000 1e9)"

# 5. 800 mbit/s bottleneck, iperf3 UDP at 1.25x (see test_rate.sh).
IPERF_JSON=$(mktemp)
T_CLEANUP+=("rm -f $IPERF_JSON")
lab_set "$P" --delay 5 --rate 800mbit --buffer 50ms
iperf "$P" a1 b1 -u -b 1000M -l 1400 -w 4M -t 1 >/dev/null
in_ns "$P" b1 nstat -n
got=$(iperf "$P" a1 b1 -u -b 1000M -l 1400 -w 4M -t 4)
sent=$(jq '.end.sum.bits_per_second / 1e6 | round' "$IPERF_JSON" 2>/dev/null)
secs=$(jq '.end.sum_received.seconds' "$IPERF_JSON" 2>/dev/null)
over=$(in_ns "$P" b1 nstat -az UdpRcvbufErrors | awk '/Rcvbuf/ { print $2 }')
want=$(calc "800 * 1400 / 1442")
if awk -v s="${sent:-0}" 'BEGIN { exit !(s < 950) }'; then
	row "rate 800mbit: UDP goodput / rate" "-" "$want" "0.98..1.02" INVALID \
		"iperf3 sent ${sent:-?} of 1000 Mbit/s asked"
elif awk -v n="${over:-0}" -v g="$got" -v t="${secs:-1}" \
	'BEGIN { exit !(n * 1400 * 8 / t / 1e6 > g * 0.01) }'; then
	row "rate 800mbit: UDP goodput / rate" "-" "$want" "0.98..1.02" INVALID \
		"$over receive-socket overflows (over 1% of $got Mbit/s received)"
else
	link=$(calc "$got + ${over:-0} * 1400 * 8 / ${secs:-1} / 1e6")
	ratio=$(calc "$link / $want")
	row "rate 800mbit: UDP goodput / rate" "$ratio" "$want" "0.98..1.02" \
		"$(verdict "$ratio" 0.98 1.02)" "$link Mbit/s incl. $over socket overflows"
fi

echo
echo "WAN emulator on this machine (make bench-wan; baseline = plain bridge in the same run)"
printf '%-44s %12s %12s %-14s %-7s %s\n' figure wanem baseline target verdict note
printf '%s\n' "${ROWS[@]}"
exit 0
