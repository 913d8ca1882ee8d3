# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
# bench_keg.sh - the keg transport's targets (issue "keg transport", section
# 7), each measured in the same run as its alternative over the same link.
# Sourced by bench_wan.sh after its table: uses its lab ($P, keg.sh up,
# rules paused), its iperf(), keg_on/keg_off, $LAB, $KEG, $B1.
#
#   ceiling     payload / wire bytes of full-sized TCP segments in kegs,
#               next to plain TCP's 1448/1514
#   1% loss     100 mbit/s, 200 ms, BDP buffer: 4 CUBIC flows through keg
#               >= 0.88 of the link; plain CUBIC and BBR (4 flows) beside;
#               kegd's self-inflicted bottleneck drops (wanem's tail drops /
#               datagrams kegd sent) < 1%
#   0% loss     the same link: one CUBIC flow through keg >= 0.9 x plain CUBIC
#   800 mbit/s  20 ms, 0%: keg goodput and kegd CPU seconds per GB, next to
#               plain kernel forwarding
# Rows print PASS or MISS against the target; a miss is a figure, not an
# error (exit status 0).

KT=${KEG_TIME:-30}	# seconds per run on the 200 ms link: TCP ramps slowly there

# site_stat NODE FIELD: the other site's FIELD in NODE's keg_site_stats.
site_stat() {
	local site
	site=$([ "$1" = gwa ] && echo B || echo A)
	"$KEG" ctl --prefix "$P" "$1" site list --json |
		jq -r --arg s "$site" --arg f "$2" '.[] | select(.name == $s) | .[$f]'
}

# wanem's a2b counter NAME (its stats line, on SIGUSR1).
wan_a2b() {
	local pid log=/run/keg-lab/$P/wanem.log
	pid=$(cat "/run/keg-lab/$P/wanem.pid")
	kill -USR1 "$pid"
	sleep 0.3
	grep "^wanem: a2b stats" "$log" | tail -n 1 | grep -o "\b$1=[0-9]*" | cut -d= -f2
}

# CPU seconds (user + system) of both kegd processes so far.
kegd_cpu() {
	local pid t=0 tck
	tck=$(getconf CLK_TCK)
	for pid in $(cat "/run/keg-lab/$P/keg/kegd-gwa.pid" "/run/keg-lab/$P/keg/kegd-gwb.pid"); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
	done
	awk -v t="$t" -v h="$tck" 'BEGIN { printf "%.2f", t / h }'
}

verdict() {	# VALUE OP TARGET
	if awk -v v="$1" -v t="$3" "BEGIN { exit !(v $2 t) }"; then echo PASS; else echo MISS; fi
}

set_link() {	# RATE_MBIT RTT_MS LOSS
	local buf=$(($1 * 1000000 * $2 / 8000))
	"$LAB" set --prefix "$P" --rate "$1mbit" --rtt "$2" --loss "$3" --buffer "$buf" \
		--seed 1 >/dev/null 2>&1 || die "lab set failed"
	ip netns exec "$P-a1" ping -c 1 -W 2 "$B1" >/dev/null 2>&1
}

[ "${BENCH_KEG_RUN:-1}" = 1 ] || return 0
echo
echo "bench-keg: the keg transport's targets (${KT} s runs on the 200 ms link)"

# ---- the ceiling ----------------------------------------------------------------
# A full TCP segment: 1448 payload bytes in a 1500-byte IP packet, 2 bytes
# of keg record (the 12-byte keg header per 32 KiB is left out). A QUIC
# datagram of P bytes carries P - 44 of stream (short header with a 16-byte
# connection id and a 4-byte packet number, 16-byte AEAD tag, STREAM frame
# header) and costs P + 42 on the emulated wire (UDP, IP, Ethernet).
pmtu=1452	# ngtcp2 0.12's PMTUD cap (NGTCP2_MAX_PMTUD_UDP_PAYLOAD_SIZE), reached on the lab's 1500 MTU
ceil=$(awk -v p="$pmtu" 'BEGIN { printf "%.3f", (1448 / 1502) * ((p - 44) / (p + 42)) }')
printf 'bench-keg: ceiling: payload/wire of full TCP segments in kegs (QUIC datagrams of %s bytes): %s; plain TCP: %.3f\n' \
	"$pmtu" "$ceil" "$(awk 'BEGIN { print 1448 / 1514 }')"

# ---- 100 mbit/s, 200 ms, 1% loss ------------------------------------------------
set_link 100 200 1
pc=$(TIME=$KT iperf -C cubic -P 4)
if [ "$have_bbr" = 1 ]; then pb=$(TIME=$KT iperf -C bbr -P 4); else pb=n/a; fi
keg_on >/dev/null || echo "bench-keg: keg did not come up"
d0=$(wan_a2b dropped_buffer) tx0=$(wan_a2b tx_bytes) s0=$(site_stat gwa packets_sent)
kg=$(TIME=$KT iperf -C cubic -P 4)
d1=$(wan_a2b dropped_buffer) tx1=$(wan_a2b tx_bytes) s1=$(site_stat gwa packets_sent)
keg_off
frac=$(awk -v g="$kg" 'BEGIN { printf "%.3f", g / 100 }')
self=$(awk -v d="$((d1 - d0))" -v s="$((s1 - s0))" 'BEGIN { printf "%.2f", (s ? 100 * d / s : 0) }')
meas=$(awk -v g="$kg" -v t="$KT" -v b="$((tx1 - tx0))" 'BEGIN { printf "%.3f", (b ? g * 1e6 * t / 8 / b : 0) }')
printf 'bench-keg: 100mbit 200ms 1%%: 4 CUBIC flows through keg %s Mbit/s = %s of the link (target >= 0.88: %s; %.0f%% of the ceiling); plain CUBIC x4 %s, BBR x4 %s\n' \
	"$kg" "$frac" "$(verdict "$frac" '>=' 0.88)" "$(awk -v f="$frac" -v c="$ceil" 'BEGIN { print 100 * f / c }')" "$pc" "$pb"
printf 'bench-keg: 100mbit 200ms 1%%: measured payload/wire %s; kegd self-inflicted drops: %s of %s datagrams = %s%% (target < 1%%: %s)\n' \
	"$meas" "$((d1 - d0))" "$((s1 - s0))" "$self" "$(verdict "$self" '<' 1)"

# ---- the same link, 0% loss: one flow ----------------------------------------------
set_link 100 200 0
p1=$(TIME=$KT iperf -C cubic)
k1=$(TIME=$KT run_keg -C cubic)
r1=$(awk -v k="$k1" -v p="$p1" 'BEGIN { printf "%.2f", (p > 0 ? k / p : 0) }')
printf 'bench-keg: 100mbit 200ms 0%%: one CUBIC flow through keg %s Mbit/s, plain CUBIC %s: ratio %s (target >= 0.9: %s)\n' \
	"$k1" "$p1" "$r1" "$(verdict "$r1" '>=' 0.9)"

# ---- 800 mbit/s, 20 ms, 0% loss: goodput and CPU ---------------------------------
set_link 800 20 0
p8=$(iperf -C cubic -P 4)
keg_on >/dev/null || echo "bench-keg: keg did not come up"
c0=$(kegd_cpu)
k8=$(iperf -C cubic -P 4)
c1=$(kegd_cpu)
keg_off
gb=$(awk -v g="$k8" -v t="$TIME" 'BEGIN { print g * 1e6 * t / 8 / 1e9 }')
printf 'bench-keg: 800mbit 20ms 0%%: 4 CUBIC flows through keg %s Mbit/s (plain kernel forwarding %s); kegd CPU %s s for %.2f GB = %s s/GB (both gateways)\n' \
	"$k8" "$p8" "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" "$gb" \
	"$(awk -v a="$c0" -v b="$c1" -v g="$gb" 'BEGIN { printf "%.1f", (g > 0 ? (b - a) / g : 0) }')"
