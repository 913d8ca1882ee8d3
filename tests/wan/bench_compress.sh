#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# bench_compress.sh - keg compression's targets (issue "adaptive lossless
# compression of kegs", section 3), each next to its alternative in the
# same run, on a lab of its own (deploy/lab/lab.sh + keg.sh): 100 mbit/s,
# 200 ms, 1% loss both ways, a tail-drop buffer of one BDP. Goodput is the
# receiver's application bytes over the whole transfer (4 TCP flows, CUBIC,
# a1 -> b1; slow start included). TCP is terminated at the gateways (the
# default rules), so its bytes cross in compressed byte kegs (keg/3);
# --no-terminate measures TCP carried as packets in kegs instead.
#
#   corpus    a tar of /usr/include sent over and over: goodput through keg
#             with zstd level 1 >= 2 x the link rate; the same with
#             compression off beside it
#   random    random data: goodput with compression on >= 0.98 x the same
#             transfer with it off, and kegd's CPU seconds per GB (both
#             gateways) within 10% of off
#   speed     kegd's compression throughput on the corpus (keg bytes in /
#             CPU time in the compressor, gwa's site stats) >= 0.7 x
#             `zstd -b1` on the same file on the same machine; beside it the
#             same compressor outside the daemon (build/keg_zbench) and
#             `zstd -b1 -B32768` (blocks of a keg's size)
# Also printed, not judged: the corpus with BBR at the end hosts (CUBIC's
# slow growth at an RTT that kegd's retransmissions stretch is what holds
# the CUBIC figure back, see the "halfway" line).
#
#   bench_compress.sh [--time S] [--prefix P] [--only corpus|random] [--no-terminate]
# make bench-wan runs it after bench_wan.sh's table and bench_keg.sh. Rows
# print PASS or MISS; a miss is a figure, not an error (exit status 0).
set -o nounset -o pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LAB=$ROOT/deploy/lab/lab.sh
KEG=$ROOT/deploy/lab/keg.sh
export WANEM=${WANEM:-$ROOT/build/wanem} LAB_QUIET=1

TIME=${KEG_TIME:-30}
P=wz$(($$ % 1000))
ONLY=
NT=
die() { echo "bench-compress: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case $1 in
	--time) TIME=$2; shift 2 ;;
	--prefix) P=$2; shift 2 ;;
	--only) ONLY=$2; shift 2 ;;
	--no-terminate) NT=--no-terminate; shift ;;
	-h|--help) sed -n '3,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
[ "$(id -u)" = 0 ] || die "must run as root"
for c in jq nc zstd tar; do command -v "$c" >/dev/null || die "needs $c"; done
[ -x "$WANEM" ] || die "no $WANEM (make wanem)"
[ -x "$ROOT/build/kegd" ] && [ -x "$ROOT/build/keg_zbench" ] || die "no $ROOT/build/kegd or keg_zbench (make)"

TMP=$(mktemp -d /tmp/bench_compress.XXXXXX)
trap '"$LAB" down --prefix "$P" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

tar -cf "$TMP/corpus" -C /usr include 2>/dev/null || die "tar of /usr/include"
head -c $((128 << 20)) /dev/urandom >"$TMP/random"

"$LAB" up --prefix "$P" --delay 1 || die "lab up failed"
B1=$("$LAB" addr --prefix "$P" b1)
# shellcheck disable=SC2086  # NT is empty or one word
"$KEG" up --prefix "$P" $NT >/dev/null || die "keg.sh up failed"
"$KEG" wait-up --prefix "$P" 15 >/dev/null 2>&1 || die "sites not up"
buf=$((100 * 1000000 * 200 / 8000))
"$LAB" set --prefix "$P" --rate 100mbit --rtt 200 --loss 1 --buffer "$buf" --seed 1 \
	>/dev/null 2>&1 || die "lab set failed"
ip netns exec "$P-a1" ping -c 1 -W 2 "$B1" >/dev/null 2>&1

# gwa's counter FIELD for site B.
zstat() {
	"$KEG" ctl --prefix "$P" gwa site list --json |
		jq -r --arg f "$1" '.[] | select(.name == "B") | .[$f]'
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

compress() {	# MODE: both ways (data a -> b, ACKs back)
	"$KEG" ctl --prefix "$P" gwa site set B --compress "$1" >/dev/null || die "site set B --compress $1"
	"$KEG" ctl --prefix "$P" gwb site set A --compress "$1" >/dev/null || die "site set A --compress $1"
	sleep 0.6	# kegd polls the sites every 250 ms
}

# send FILE: 4 TCP flows a1 -> b1 through keg, each sending FILE over and
# over for $TIME s. Prints "MBIT BYTES SECS": the receivers' bytes over
# the time from the first send to the last byte.
send() {
	local f=$1 i port0=$((7000 + RANDOM % 400)) t0 t1 bytes=0 pids=()
	for i in 0 1 2 3; do
		ip netns exec "$P-b1" sh -c "nc -l -d -p $((port0 + i)) | wc -c >'$TMP/rx$i'" &
		pids+=($!)
	done
	for i in 0 1 2 3; do
		for _ in $(seq 1 50); do
			ip netns exec "$P-b1" ss -Htln "sport = :$((port0 + i))" | grep -q . && break
			sleep 0.05
		done
	done
	t0=$(date +%s.%N)
	# Halfway: what limits the senders (ss: rtt, cwnd, *_limited); and the
	# bytes b1 acknowledged then and 2 s before the end (the second half's
	# goodput, past TCP's ramp).
	rm -f "$TMP/ss" "$TMP/ss2"
	(sleep $((TIME / 2)); ip netns exec "$P-a1" ss -tinH dst "$B1" >"$TMP/ss" 2>&1
	 date +%s.%N >"$TMP/ss.t"; sleep $((TIME / 2 - 2))
	 ip netns exec "$P-a1" ss -tinH dst "$B1" >"$TMP/ss2" 2>&1; date +%s.%N >"$TMP/ss2.t") &
	for i in 0 1 2 3; do
		ip netns exec "$P-a1" sh -c "timeout $TIME sh -c 'while cat \"$f\"; do :; done' |
			nc -N $B1 $((port0 + i))" >/dev/null 2>&1 &
	done
	wait "${pids[@]}"
	t1=$(date +%s.%N)
	wait
	for i in 0 1 2 3; do bytes=$((bytes + $(cat "$TMP/rx$i" 2>/dev/null || echo 0))); done
	awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.1f %d %.2f\n", b * 8 / (z - a) / 1e6, b, z - a }'
}

# Mbit/s b1 acknowledged between the two snapshots of the last send.
second_half() {
	local a b
	a=$(grep -o 'bytes_acked:[0-9]*' "$TMP/ss" 2>/dev/null | awk -F: '{ s += $2 } END { print s + 0 }')
	b=$(grep -o 'bytes_acked:[0-9]*' "$TMP/ss2" 2>/dev/null | awk -F: '{ s += $2 } END { print s + 0 }')
	awk -v a="$a" -v b="$b" -v t0="$(cat "$TMP/ss.t" 2>/dev/null || echo 0)" \
		-v t1="$(cat "$TMP/ss2.t" 2>/dev/null || echo 0)" \
		'BEGIN { printf "%.1f", (t1 > t0 && b > a ? (b - a) * 8 / (t1 - t0) / 1e6 : 0) }'
}

echo
echo "bench-compress: keg compression, 100mbit 200ms 1% loss, BDP buffer, 4 CUBIC flows a1 -> b1," \
	"TCP ${NT:+not }terminated, ${TIME} s per run (a shared machine: figures are noisy, ratios are of one run)"

# A short transfer first: the first runs on a fresh lab measured low.
TIME=5 send "$TMP/random" >/dev/null

# ---- the corpus ----------------------------------------------------------------------
if [ "$ONLY" != random ]; then
compress off
read -r c_off _ _ <<<"$(send "$TMP/corpus")"
c_off_half=$(second_half)
compress zstd:1
zin0=$(zstat z_bytes_in) zcpu0=$(zstat z_cpu_us) zout0=$(zstat z_bytes_out)
dq0=$(zstat drop_queue) k0=$(kegd_cpu)
ip netns exec "$P-a1" nstat -n >/dev/null 2>&1
read -r c_on _ c_secs <<<"$(send "$TMP/corpus")"
c_half=$(second_half)
tcp=$(ip netns exec "$P-a1" nstat -z TcpRetransSegs TcpExtTCPTimeouts TcpExtTCPSpuriousRTOs 2>/dev/null |
	awk 'NR > 1 { printf "%s %s ", $1, $2 }')
sleep 0.6
zin1=$(zstat z_bytes_in) zcpu1=$(zstat z_cpu_us) zout1=$(zstat z_bytes_out)
dq1=$(zstat drop_queue) k1=$(kegd_cpu)
ratio=$(awk -v i="$((zin1 - zin0))" -v o="$((zout1 - zout0))" 'BEGIN { printf "%.2f", (o ? i / o : 0) }')
eff=$(awk -v g="$c_on" 'BEGIN { printf "%.2f", g / 100 }')
printf 'bench-compress: corpus (tar of /usr/include, %s MB): zstd:1 %s Mbit/s = %s x the link (target >= 2: %s); compression off %s Mbit/s; keg bytes %s -> %s (%s:1)\n' \
	"$(($(stat -c %s "$TMP/corpus") >> 20))" "$c_on" "$eff" "$(verdict "$eff" '>=' 2)" "$c_off" \
	"$((zin1 - zin0))" "$((zout1 - zout0))" "$ratio"
printf 'bench-compress: corpus, the second half of each run only (bytes b1 acknowledged, past the ramp; not judged): zstd:1 %s Mbit/s = %s x the link; off %s Mbit/s\n' \
	"$c_half" "$(awk -v g="$c_half" 'BEGIN { printf "%.2f", g / 100 }')" "$c_off_half"
printf 'bench-compress: corpus, zstd:1: WAN carried %s Mbit/s of kegs; kegd CPU %s s in %s s (both gateways); gwa dropped %s LAN packets (queue full); a1: %s\n' \
	"$(awk -v o="$((zout1 - zout0))" -v t="$c_secs" 'BEGIN { printf "%.1f", o * 8 / t / 1e6 }')" \
	"$(awk -v a="$k0" -v b="$k1" 'BEGIN { printf "%.1f", b - a }')" "$c_secs" "$((dq1 - dq0))" "$tcp"
# The senders halfway through: RTT, cwnd and what held them back.
grep -o 'rtt:[0-9.]*\|cwnd:[0-9]*\|[a-z]*_limited:[0-9]*ms([0-9.]*%)\|notsent:[0-9]*\|rcv_space:[0-9]*\|snd_wnd:[0-9]*' "$TMP/ss" |
	tr '\n' ' ' | sed 's/^/bench-compress: corpus, zstd:1, a1 halfway: /; s/$/\n/' 

# ---- compression speed next to zstd -b1 -------------------------------------------------
kspeed=$(awk -v b="$((zin1 - zin0))" -v u="$((zcpu1 - zcpu0))" 'BEGIN { printf "%.1f", (u ? b / u : 0) }')
zb=$(zstd -b1 -i3 "$TMP/corpus" 2>&1 | tr '\r' '\n' | grep 'MB/s' | tail -1 | grep -o '[0-9.]* MB/s' | head -1 | cut -d' ' -f1)
zb32=$(zstd -b1 -i3 -B32768 "$TMP/corpus" 2>&1 | tr '\r' '\n' | grep 'MB/s' | tail -1 | grep -o '[0-9.]* MB/s' | head -1 | cut -d' ' -f1)
sr=$(awk -v k="$kspeed" -v z="${zb:-0}" 'BEGIN { printf "%.2f", (z ? k / z : 0) }')
printf 'bench-compress: compression speed on the corpus: kegd %s MB/s of CPU in the compressor, zstd -b1 %s MB/s: ratio %s (target >= 0.7: %s); zstd -b1 -B32768 (keg-sized blocks) %s MB/s\n' \
	"$kspeed" "${zb:-?}" "$sr" "$(verdict "$sr" '>=' 0.7)" "${zb32:-?}"
zo=$("$ROOT/build/keg_zbench" "$TMP/corpus" | grep -o '[0-9.]* MB/s' | cut -d' ' -f1)
printf 'bench-compress: compression speed outside the daemon (keg_zbench, the same compressor on kegs of the corpus): %s MB/s = %s x zstd -b1\n' \
	"${zo:-?}" "$(awk -v k="${zo:-0}" -v z="${zb:-0}" 'BEGIN { printf "%.2f", (z ? k / z : 0) }')"
if ip netns exec "$P-a1" sysctl -qw net.ipv4.tcp_congestion_control=bbr 2>/dev/null; then
	read -r c_bbr _ _ <<<"$(send "$TMP/corpus")"
	ip netns exec "$P-a1" sysctl -qw net.ipv4.tcp_congestion_control=cubic
	printf 'bench-compress: corpus, zstd:1, BBR at a1 (not judged): %s Mbit/s = %s x the link\n' \
		"$c_bbr" "$(awk -v g="$c_bbr" 'BEGIN { printf "%.2f", g / 100 }')"
else
	echo "bench-compress: corpus with BBR at a1: not measured (a1 cannot use bbr)"
fi
fi
[ "$ONLY" != corpus ] || exit 0

# ---- random data: on next to off ----------------------------------------------------------
# Twice each, alternating, so that a change of the machine's load hits both.
r_on=0 r_off=0 b_on=0 b_off=0 cpu_on=0 cpu_off=0
for round in 1 2; do
	for mode in off zstd:1; do
		compress "$mode"
		c0=$(kegd_cpu)
		read -r g b _ <<<"$(send "$TMP/random")"
		c1=$(kegd_cpu)
		cpu=$(awk -v a="$c0" -v z="$c1" 'BEGIN { print z - a }')
		if [ "$mode" = off ]; then
			r_off=$(awk -v a="$r_off" -v g="$g" 'BEGIN { print a + g }')
			b_off=$((b_off + b)); cpu_off=$(awk -v a="$cpu_off" -v c="$cpu" 'BEGIN { print a + c }')
		else
			r_on=$(awk -v a="$r_on" -v g="$g" 'BEGIN { print a + g }')
			b_on=$((b_on + b)); cpu_on=$(awk -v a="$cpu_on" -v c="$cpu" 'BEGIN { print a + c }')
		fi
		echo "bench-compress: random, run $round, $mode: $g Mbit/s, kegd CPU $cpu s"
	done
done
gr=$(awk -v a="$r_on" -v b="$r_off" 'BEGIN { printf "%.3f", (b ? a / b : 0) }')
pgb_on=$(awk -v c="$cpu_on" -v b="$b_on" 'BEGIN { printf "%.2f", (b ? c / (b / 1e9) : 0) }')
pgb_off=$(awk -v c="$cpu_off" -v b="$b_off" 'BEGIN { printf "%.2f", (b ? c / (b / 1e9) : 0) }')
cr=$(awk -v a="$pgb_on" -v b="$pgb_off" 'BEGIN { printf "%.3f", (b ? a / b : 0) }')
printf 'bench-compress: random data: zstd:1 %s Mbit/s, off %s Mbit/s (means of 2): ratio %s (target >= 0.98: %s)\n' \
	"$(awk -v a="$r_on" 'BEGIN { print a / 2 }')" "$(awk -v a="$r_off" 'BEGIN { print a / 2 }')" \
	"$gr" "$(verdict "$gr" '>=' 0.98)"
printf 'bench-compress: random data: kegd CPU %s s/GB with zstd:1, %s s/GB off (both gateways): ratio %s (target <= 1.10: %s); kegs passed through %s, compressed %s\n' \
	"$pgb_on" "$pgb_off" "$cr" "$(verdict "$cr" '<=' 1.10)" "$(zstat z_kegs_passed)" "$(zstat z_kegs)"
