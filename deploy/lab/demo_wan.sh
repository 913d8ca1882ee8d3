#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# demo_wan.sh - `make demo-wan`: the two-site lab with a 100 mbit/s, 200 ms
# RTT, 1% loss WAN, one short TCP transfer from site A to site B, its
# goodput, and the lab torn down again (also on failure or ^C).
#
#   demo_wan.sh [--time S] [--cc cubic|bbr|reno] [--prefix P]
#
# TCP uses CUBIC unless --cc says otherwise: the default of stock Debian
# kernels (this lab's kernel may default to BBR).
#
# Then the same transfer through keg (deploy/lab/keg.sh: kegd at both
# gateways) and both goodputs.
set -o nounset -o pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LAB=$ROOT/deploy/lab/lab.sh
export WANEM=${WANEM:-$ROOT/build/wanem} LAB_QUIET=1
TIME=20
CC=cubic
P=kdemo

while [ $# -gt 0 ]; do
	case $1 in
	--time) TIME=$2; shift 2 ;;
	--cc) CC=$2; shift 2 ;;
	--prefix) P=$2; shift 2 ;;
	*) echo "usage: demo_wan.sh [--time S] [--cc ALGO] [--prefix P]" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "demo-wan: must run as root" >&2; exit 1; }

RATE_MBIT=100 RTT=200 LOSS=1
RATE=${RATE_MBIT}mbit
# One bandwidth-delay product of buffer: 100 mbit/s * 200 ms = 2.5 MB.
BUF=2500000

trap '"$LAB" down --prefix "$P" >/dev/null 2>&1' EXIT
trap 'exit 130' INT TERM
echo "demo-wan: building the lab: site A (a1) -- gwa -- WAN -- gwb -- site B (b1)"
echo "demo-wan: WAN: $RATE, RTT ${RTT} ms, ${LOSS}% loss each way, ${BUF}-byte buffer"
"$LAB" up --prefix "$P" --rate "$RATE" --rtt "$RTT" --loss "$LOSS" --buffer "$BUF" ||
	exit 1
A1=$("$LAB" addr --prefix "$P" a1)
B1=$("$LAB" addr --prefix "$P" b1)
rtt=$(ip netns exec "$P-a1" ping -c 3 -i 0.2 -q "$B1" | awk -F/ '/^rtt/ { print $5 }')
echo "demo-wan: ping $A1 -> $B1: RTT ${rtt:-?} ms"

# transfer PORT WHAT: one iperf3 run a1 -> b1; prints its line, and the
# goodput in Mbit/s on the last line.
transfer() {
	local j g
	ip netns exec "$P-b1" iperf3 -s -1 -D -p "$1" || return 1
	sleep 0.3
	j=$(ip netns exec "$P-a1" iperf3 -c "$B1" -p "$1" -t "$TIME" -C "$CC" -J) || {
		echo "demo-wan: iperf3 ($2) failed" >&2
		return 1
	}
	g=$(jq '.end.sum_received.bits_per_second / 1e6' <<<"$j")
	printf 'demo-wan: %s (%s), %s s, a1 -> b1: %.1f Mbit/s goodput, %.1f%% of the link\n' \
		"$2" "$CC" "$TIME" "$g" "$(awk -v g="$g" -v r="$RATE_MBIT" 'BEGIN { print 100 * g / r }')"
	echo "$g"
}

out=$(transfer 5201 "plain TCP") || exit 1
head -n -1 <<<"$out"
good=$(tail -n 1 <<<"$out")

# The same transfer through keg: kegd at both gateways, kegs over QUIC.
KEG=$ROOT/deploy/lab/keg.sh
echo "demo-wan: now through keg: kegd at gwa and gwb, a1's flows to site B in kegs (QUIC, BBR)"
"$KEG" up --prefix "$P" && "$KEG" wait-up --prefix "$P" 15 || exit 1
out=$(transfer 5202 "TCP through keg") || exit 1
head -n -1 <<<"$out"
kg=$(tail -n 1 <<<"$out")
printf 'demo-wan: keg / plain TCP: %.1fx\n' "$(awk -v k="$kg" -v p="$good" 'BEGIN { print (p > 0 ? k / p : 0) }')"
"$KEG" ctl --prefix "$P" gwa site list
