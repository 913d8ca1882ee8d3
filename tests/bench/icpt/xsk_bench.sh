#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# xsk_bench.sh - kegd's forwarding rate through AF_XDP next to the minimal
# reflector (build/xsk_reflect), same steering, same run, on veth:
#
#   kxb-gen [kxb-g0] == [kxb-d0] kxb-dut [kxb-d1] == [kxb-s0] kxb-sink
#
# keg on kxb-d0 with an intercept rule for the generator's UDP flood
# (build/wan_udpgen, sendmmsg, as fast as it goes, one sender per queue).
# kegd forwards kxb-d0 -> kxb-d1 (route, MACs, TTL, AF_XDP TX); the
# reflector sends each frame back out of kxb-d0. Rate = frames sent by
# the AF_XDP side per second (kegd: its tx counters; reflector: its own),
# for 64- and 1500-byte frames, 1 and 2 queues. Target: kegd >= 0.8x.
#
# Run by `make bench` (root); prints a table; exit 0 unless setup fails.
set -u
root=$(cd "$(dirname "$0")/../../.." && pwd)
B=$root/build
SECS=${XSK_BENCH_SECS:-3}
G=kxb-gen D=kxb-dut S=kxb-sink
for t in "$B/kegctl" "$B/kegd" "$B/xsk_reflect" "$B/wan_udpgen" "$B/xdp_pass.bpf.o"; do
	[ -e "$t" ] || { echo "xsk_bench: no $t (run make)"; exit 1; }
done
nsx() { local ns=$1; shift; nsenter --net=/run/netns/$ns "$@"; }
cleanup() {
	[ -n "${KPID:-}" ] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
	nsx $D "$B/kegctl" detach kxb-d0 >/dev/null 2>&1
	for ns in $G $D $S; do ip netns del $ns 2>/dev/null; done
	rm -rf /sys/fs/bpf/keg/kxb-* 2>/dev/null
}
trap cleanup EXIT

setup() {	# setup NQUEUES
	cleanup
	for ns in $G $D $S; do ip netns add $ns; nsx $ns ip link set lo up; done
	ip -n $G link add kxb-g0 numtxqueues "$1" numrxqueues "$1" type veth peer name kxb-d0 \
		netns $D numrxqueues "$1" numtxqueues "$1"
	ip -n $D link add kxb-d1 numtxqueues "$1" numrxqueues "$1" type veth peer name kxb-s0 \
		netns $S
	nsx $G ip link set kxb-g0 up
	nsx $D ip link set kxb-d0 up
	nsx $D ip link set kxb-d1 up
	nsx $S ip link set kxb-s0 up
	nsx $G ethtool -K kxb-g0 tx off >/dev/null 2>&1
	nsx $G ip link set dev kxb-g0 xdpdrv obj "$B/xdp_pass.bpf.o" sec xdp
	nsx $S ip link set dev kxb-s0 xdpdrv obj "$B/xdp_pass.bpf.o" sec xdp
	nsx $G ip addr add 10.230.1.10/24 dev kxb-g0
	nsx $D ip addr add 10.230.1.1/24 dev kxb-d0
	nsx $D ip addr add 10.230.2.1/24 dev kxb-d1
	nsx $S ip addr add 10.230.2.10/24 dev kxb-s0
	nsx $G ip route add default via 10.230.1.1
	nsx $S ip route add default via 10.230.2.1
	nsx $D sysctl -qw net.ipv4.ip_forward=1
	nsx $G ping -c 1 -W 1 10.230.2.10 >/dev/null || return 1
	nsx $D "$B/kegctl" attach kxb-d0 >/dev/null || return 1
	nsx $D "$B/kegctl" intercept add --site bench --src 10.230.1.0/24 \
		--dst 10.230.2.0/24 --proto udp >/dev/null
}

flood() {	# flood NQUEUES SIZE: senders in the background
	local q
	for q in $(seq "$1"); do
		timeout $((SECS + 3)) nsenter --net=/run/netns/$G "$B/wan_udpgen" send \
			--dst 10.230.2.10 --port $((9000 + q)) --count 1000000000 --size "$2" \
			>/dev/null 2>&1 &
	done
}

kegd_tx() {
	bpftool -j map dump pinned /sys/fs/bpf/keg/kxb-d0/keg_kegd 2>/dev/null |
		jq -r '[.[0].formatted.value.q[].tx] | add // 0'
}

run_kegd() {	# NQUEUES SIZE: frames/s into RES
	local a b
	nsenter --net=/run/netns/$D "$B/kegd" --iface kxb-d0 2>/dev/null &
	KPID=$!
	sleep 0.5
	flood "$1" "$2"
	sleep 1
	a=$(kegd_tx)
	sleep "$SECS"
	b=$(kegd_tx)
	kill "$KPID"; wait "$KPID" 2>/dev/null; KPID=""
	wait 2>/dev/null
	RES=$(((b - a) / SECS))
}

run_reflect() {	# NQUEUES SIZE: frames/s into RES
	local out
	flood "$1" "$2"
	out=$(nsx $D "$B/xsk_reflect" --iface kxb-d0 --seconds "$SECS" 2>/dev/null)
	wait 2>/dev/null
	RES=$(sed -n 's/.* pps \([0-9]*\).*/\1/p' <<<"$out")
}

echo "AF_XDP forwarding on veth (copy mode), ${SECS}s per run, frames/s"
printf '  %-7s %-6s %12s %12s %7s\n' queues frame kegd reflector ratio
for nq in 1 2; do
	setup "$nq" || { echo "xsk_bench: setup failed"; exit 1; }
	for size in 24 1458; do
		frame=$((size + 42))
		run_kegd "$nq" "$size"
		k=$RES
		run_reflect "$nq" "$size"
		r=$RES
		ratio=$(awk -v k="$k" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", k / r; else print "-" }')
		printf '  %-7s %-6s %12s %12s %7s%s\n' "$nq" "$frame" "$k" "$r" "$ratio" \
			"$(awk -v x="$ratio" 'BEGIN { if (x != "-" && x + 0 < 0.8) print "  (below 0.8x)" }')"
	done
done
