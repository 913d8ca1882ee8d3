#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# bench_wan.sh - the baseline keg is measured against: iperf3 from site A to
# site B across the emulated WAN, for a matrix of links, with CUBIC, BBR and
# CUBIC held to a 64 KB window; one table of goodput and goodput/link rate.
#
#   bench_wan.sh [--time S] [--rates "100 800"] [--rtts "20 200"]
#                [--losses "0 0.1 1"] [--buffer bdp|SIZE|TIME] [--csv FILE]
#                [--prefix P] [--targets "keg term"]
#
# The link: --rate both ways, RTT split evenly, random loss both ways, a
# tail-drop buffer of one bandwidth-delay product unless --buffer says
# otherwise. Goodput is the receiver's, over the whole run (slow start
# included). The most a TCP flow can show against the link rate is
# 1448/1514 = 95.6% (headers; the rate counts Ethernet frames).
# The keg column: one CUBIC flow through kegd at both gateways (kegs over
# QUIC with BBR, TCP terminated at the gateways: deploy/lab/keg.sh). After
# the table, the targets of --targets (default all): keg, the keg
# transport's (tests/wan/bench_keg.sh); term, TCP termination's
# (tests/wan/bench_term.sh); compress, compression's
# (tests/wan/bench_compress.sh, on a lab of its own). An empty --rates
# skips the table.
set -o nounset -o pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LAB=$ROOT/deploy/lab/lab.sh
KEG=$ROOT/deploy/lab/keg.sh
export WANEM=${WANEM:-$ROOT/build/wanem} LAB_QUIET=1

TIME=10
RATES="100 800"
RTTS="20 200"
LOSSES="0 0.1 1"
BUFFER=bdp
CSV=$ROOT/build/bench-wan.csv
TARGETS="keg term compress"
P=wb$(($$ % 1000))

die() { echo "bench-wan: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--time) TIME=$2; shift 2 ;;
	--rates) RATES=$2; shift 2 ;;
	--rtts) RTTS=$2; shift 2 ;;
	--losses) LOSSES=$2; shift 2 ;;
	--buffer) BUFFER=$2; shift 2 ;;
	--csv) CSV=$2; shift 2 ;;
	--prefix) P=$2; shift 2 ;;
	--targets) TARGETS=$2; shift 2 ;;
	-h|--help) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
[ "$(id -u)" = 0 ] || die "must run as root"
for c in iperf3 jq; do command -v "$c" >/dev/null || die "needs $c"; done
[ -x "$WANEM" ] || die "no $WANEM (make wanem)"

trap '"$LAB" down --prefix "$P" >/dev/null 2>&1' EXIT
trap 'exit 130' INT TERM
"$LAB" up --prefix "$P" --delay 1 || die "lab up failed"
B1=$("$LAB" addr --prefix "$P" b1)
have_bbr=0
ip netns exec "$P-a1" sysctl -n net.ipv4.tcp_available_congestion_control |
	grep -qw bbr && have_bbr=1

# iperf3 a1 -> b1; prints goodput in Mbit/s, or "fail".
iperf() {
	local port=$((5400 + RANDOM % 500)) j
	ip netns exec "$P-b1" iperf3 -s -1 -D -p "$port" || { echo fail; return; }
	sleep 0.2
	j=$(ip netns exec "$P-a1" timeout $((TIME + 30)) iperf3 -c "$B1" -p "$port" \
		-t "$TIME" -J "$@" 2>/dev/null)
	jq -r '.end.sum_received.bits_per_second / 1e6 | . * 10 | round / 10' \
		<<<"$j" 2>/dev/null || echo fail
}

# The keg transport over the same link: the intercept rules on (keg.sh
# resume) for this run only, one CUBIC flow through kegd at both gateways.
keg_on() {
	"$KEG" resume --prefix "$P" && "$KEG" wait-up --prefix "$P" 15 >/dev/null 2>&1
}
keg_off() { "$KEG" pause --prefix "$P"; }
run_keg() {
	local g
	if ! keg_on; then echo fail; keg_off; return; fi
	g=$(iperf "$@")
	keg_off
	echo "$g"
}

# keg at both gateways, its rules paused until a keg run (plain runs cross
# the same gateways, routed by the kernel).
"$KEG" up --prefix "$P" >/dev/null || die "keg.sh up failed"
keg_off

cell() {	# GOODPUT RATE -> "goodput  pct%"
	case $1 in
	n/a|fail) printf '%9s %7s' "$1" "" ;;
	*) printf '%9.1f %6.1f%%' "$1" "$(awk -v g="$1" -v r="$2" 'BEGIN { print 100 * g / r }')" ;;
	esac
}

echo "bench-wan: iperf3 a1 -> b1 across wanem, ${TIME} s per run, buffer ${BUFFER}," \
	"loss both ways, Mbit/s of goodput and goodput/link rate"
printf '%-8s %-6s %-5s %-10s | %-17s | %-17s | %-17s | %-17s\n' \
	rate rtt loss buffer cubic bbr "cubic -w 64K" keg
echo "rate_mbit,rtt_ms,loss_pct,buffer,cubic,bbr,cubic_64k,keg" >"$CSV"
for rate in $RATES; do
	for rtt in $RTTS; do
		if [ "$BUFFER" = bdp ]; then
			buf=$((rate * 1000000 * rtt / 8000))
		else
			buf=$BUFFER
		fi
		for loss in $LOSSES; do
			"$LAB" set --prefix "$P" --rate "${rate}mbit" --rtt "$rtt" \
				--loss "$loss" --buffer "$buf" --seed 1 >/dev/null 2>&1 ||
				die "lab set failed"
			ip netns exec "$P-a1" ping -c 1 -W 2 "$B1" >/dev/null 2>&1
			c=$(iperf -C cubic)
			if [ "$have_bbr" = 1 ]; then b=$(iperf -C bbr); else b=n/a; fi
			w=$(iperf -C cubic -w 64K)
			k=$(run_keg -C cubic)
			printf '%-8s %-6s %-5s %-10s | %s | %s | %s | %s\n' \
				"${rate}mbit" "${rtt}ms" "${loss}%" "$buf" \
				"$(cell "$c" "$rate")" "$(cell "$b" "$rate")" \
				"$(cell "$w" "$rate")" "$(cell "$k" "$rate")"
			echo "$rate,$rtt,$loss,$buf,$c,$b,$w,$k" >>"$CSV"
		done
	done
done
echo "bench-wan: table also in $CSV"
# bench_keg.sh defines the helpers the others use; its runs only with "keg".
BENCH_KEG_RUN=0
case " $TARGETS " in *" keg "*) BENCH_KEG_RUN=1 ;; esac
BENCH_KEG_PREFIX=$P . "$ROOT/tests/wan/bench_keg.sh"
case " $TARGETS " in *" term "*) . "$ROOT/tests/wan/bench_term.sh" ;; esac
# Keg compression's targets, on a lab of its own (tests/wan/bench_compress.sh).
case " $TARGETS " in
*" compress "*) "$ROOT/tests/wan/bench_compress.sh" --time "${KEG_TIME:-30}" ;;
esac
