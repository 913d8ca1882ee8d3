# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
# bench_term.sh - TCP termination's targets (issue "TCP termination",
# section 5), each measured in the same run as plain TCP over the same
# link. Sourced by bench_wan.sh after bench_keg.sh: uses its lab ($P,
# keg.sh up with terminating rules, paused), iperf(), keg_on/keg_off,
# set_link, kegd_cpu, site_stat, verdict, $KT.
#
#   one flow    100 mbit/s, 200 ms, 1% loss: one CUBIC flow through keg
#               >= 0.9 of the link; plain CUBIC beside
#   64 KB       the same link, a sender limited to a 64 KB window
#               (iperf3 -w 64K) through keg >= 0.9 of the link; plain beside
#   10 MB       time to move 10 MB on a fresh connection, connect() to the
#               server's last byte, <= 1.5 x (10 MB / link rate + 1 RTT);
#               plain beside
#   memory      bytes kegd holds per terminated connection (both gateways,
#               sampled during the one-flow run) and kegd CPU seconds per GB
# Rows print PASS or MISS against the target; a miss is a figure.

TC=$ROOT/tests/wan/tcpcheck.py

# move10: seconds from connect() at a1 to the last of 10 MB at b1.
move10() {
	local port=$((7400 + RANDOM % 500)) s c
	ip netns exec "$P-b1" timeout 120 /usr/bin/python3 "$TC" serve "$port" sha \
		>"/tmp/bench-term-$P.srv" 2>&1 &
	s=$!
	sleep 0.3
	c=$(ip netns exec "$P-a1" timeout 120 /usr/bin/python3 "$TC" send "$B1" "$port" 10485760)
	wait "$s"
	awk -v a="$(grep -o 'start=[0-9.]*' <<<"$c" | cut -d= -f2)" \
	    -v b="$(grep -o 'eof_at=[0-9.]*' "/tmp/bench-term-$P.srv" | cut -d= -f2)" \
	    'BEGIN { if (a && b) printf "%.2f", b - a; else print "fail" }'
	rm -f "/tmp/bench-term-$P.srv"
}

echo
echo "bench-term: TCP termination's targets (${KT} s runs on the 200 ms link)"
set_link 100 200 1

p1=$(TIME=$KT iperf -C cubic)
pw=$(TIME=$KT iperf -C cubic -w 64K)
pm=$(move10)

keg_on >/dev/null || echo "bench-term: keg did not come up"
c0=$(kegd_cpu)
( TIME=$KT iperf -C cubic >"/tmp/bench-term-$P.k1" ) &
ipf=$!
mem=0
for _ in $(seq 1 $((KT - 2))); do
	sleep 1
	m=$(( $(site_stat gwa tcp_mem_bytes) + $(site_stat gwb tcp_mem_bytes) ))
	[ "$m" -le "$mem" ] || mem=$m
done
wait "$ipf"
c1=$(kegd_cpu)
k1=$(cat "/tmp/bench-term-$P.k1")
rm -f "/tmp/bench-term-$P.k1"
kw=$(TIME=$KT iperf -C cubic -w 64K)
km=$(move10)
keg_off

f1=$(awk -v g="$k1" 'BEGIN { printf "%.3f", g / 100 }')
fw=$(awk -v g="$kw" 'BEGIN { printf "%.3f", g / 100 }')
lim=$(awk 'BEGIN { printf "%.2f", 1.5 * (10485760 * 8 / 100e6 + 0.2) }')
gb=$(awk -v g="$k1" -v t="$KT" 'BEGIN { print g * 1e6 * t / 8 / 1e9 }')
printf 'bench-term: 100mbit 200ms 1%%: one CUBIC flow through keg %s Mbit/s = %s of the link (target >= 0.9: %s); plain CUBIC %s\n' \
	"$k1" "$f1" "$(verdict "$f1" '>=' 0.9)" "$p1"
printf 'bench-term: 100mbit 200ms 1%%: a 64 KB window (iperf3 -w 64K) through keg %s Mbit/s = %s of the link (target >= 0.9: %s); plain %s\n' \
	"$kw" "$fw" "$(verdict "$fw" '>=' 0.9)" "$pw"
printf 'bench-term: 100mbit 200ms 1%%: 10 MB on a fresh connection through keg %s s (target <= %s s: %s); plain %s s\n' \
	"$km" "$lim" "$(verdict "$km" '<=' "$lim")" "$pm"
printf 'bench-term: memory per terminated connection (both gateways, the most seen during the one-flow run): %s bytes; kegd CPU %s s for %.2f GB = %s s/GB (both gateways)\n' \
	"$mem" "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" "$gb" \
	"$(awk -v a="$c0" -v b="$c1" -v g="$gb" 'BEGIN { printf "%.1f", (g > 0 ? (b - a) / g : 0) }')"
