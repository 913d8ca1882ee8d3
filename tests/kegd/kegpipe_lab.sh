#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# kegpipe_lab.sh - goodput of keg's QUIC transport across the WAN lab
# (deploy/lab) next to plain TCP over the same link, one run each:
# kegpipe (build/kegpipe) from gwa to gwb with BBR, BBR2 and CUBIC, and
# iperf3 TCP CUBIC and BBR, at 0% and 1% loss.
#
#   tests/kegd/kegpipe_lab.sh [--prefix h9a] [--rate 100mbit] [--rtt 200]
#                             [--time 20] [--losses "0 1"] [--flows 4]
#
# Root; builds nothing (make build/kegpipe build/wanem first). The lab is
# torn down on exit, whatever happens.
set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/deploy/lab/lab.sh
PIPE=$ROOT/build/kegpipe
P=h9a RATE=100mbit RTT=200 T=20 LOSSES="0 1" FLOWS=4 NET=79

while [ $# -gt 0 ]; do
	case $1 in
	--prefix) P=$2; shift 2 ;;
	--rate) RATE=$2; shift 2 ;;
	--rtt) RTT=$2; shift 2 ;;
	--time) T=$2; shift 2 ;;
	--losses) LOSSES=$2; shift 2 ;;
	--flows) FLOWS=$2; shift 2 ;;
	*) echo "usage: $0 [--prefix P] [--rate R] [--rtt MS] [--time S] [--losses L] [--flows N]" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "kegpipe_lab: needs root" >&2; exit 77; }
[ -x "$PIPE" ] || { echo "kegpipe_lab: build $PIPE first" >&2; exit 77; }

TMP=$(mktemp -d /tmp/kegpipe_lab.XXXXXX)
cleanup() {
	LAB_QUIET=1 "$LAB" down --prefix "$P" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM HUP PIPE

A=$("$PIPE" keygen "$TMP/a.key")
B=$("$PIPE" keygen "$TMP/b.key")
GWA=10.$NET.0.1 GWB=10.$NET.0.2

run_keg() {         # cc -> prints the server's line
	local cc=$1 out
	"$LAB" exec --prefix "$P" gwb timeout $((T + 40)) "$PIPE" server --local "$GWB:3919" \
		--key "$TMP/b.key" --peer-pub "$A" --cc "$cc" --rtt "$RTT" >"$TMP/srv" 2>&1 &
	local spid=$!
	sleep 0.5
	"$LAB" exec --prefix "$P" gwa timeout $((T + 40)) "$PIPE" client --local "$GWA:0" \
		--peer "$GWB:3919" --key "$TMP/a.key" --peer-pub "$B" --cc "$cc" \
		--rtt "$RTT" --time "$T" --flows "$FLOWS" >"$TMP/cli" 2>&1 || true
	wait "$spid" || true
	out=$(cat "$TMP/srv")
	echo "$out | $(cat "$TMP/cli")"
}

run_tcp() {         # cc -> mbit/s of iperf3's receiver
	local cc=$1
	"$LAB" exec --prefix "$P" gwb iperf3 -s -1 -B "$GWB" >/dev/null 2>&1 &
	local spid=$!
	sleep 0.5
	"$LAB" exec --prefix "$P" gwa iperf3 -c "$GWB" -t "$T" -C "$cc" -J >"$TMP/ip.json" 2>&1 || true
	# A client that never connected leaves the one-shot server waiting.
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	jq -r 'if .error then "error: " + .error else .end.sum_received.bits_per_second / 1e6 | floor end' \
		"$TMP/ip.json" 2>/dev/null || echo "?"
}

first=1
for loss in $LOSSES; do
	if [ $first = 1 ]; then
		LAB_QUIET=1 "$LAB" up --prefix "$P" --net "$NET" --rate "$RATE" --rtt "$RTT" --loss "$loss" >/dev/null
		first=0
	else
		LAB_QUIET=1 "$LAB" set --prefix "$P" --rate "$RATE" --rtt "$RTT" --loss "$loss" >/dev/null
	fi
	echo "== $RATE, ${RTT} ms RTT, ${loss}% loss, ${T} s per run"
	for cc in bbr bbr2 cubic; do
		echo "keg/$cc: $(run_keg $cc)"
	done
	for cc in cubic bbr; do
		echo "tcp/$cc: $(run_tcp $cc) mbit/s"
	done
	"$LAB" status --prefix "$P" 2>&1 | grep -iE 'drop|lost|buffer' | head -6 || true
done
