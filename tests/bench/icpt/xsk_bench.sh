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
# reflector sends each frame back out of kxb-d0. Rate = frames per second
# leaving the egress veth (kegd: kxb-d1, reflector: kxb-d0; tx_packets
# from netlink, read the same way and over the same window for both, 1 s
# after the AF_XDP side started), for 64- and 1500-byte frames, 1 and 2
# queues. Target: kegd >= 0.8x.
#
# Fairness: the flood goes to 10.230.2.20, an address no namespace owns
# (the DUT has a permanent neighbour entry for it pointing at kxb-s0), and
# neither the generator nor the sink forwards. So the receiver of either
# side's output does the same thing - routing lookup, drop - in the softirq
# that the transmitting thread runs. (Before, the sink delivered to an
# unbound UDP port and sent ICMP unreachables, all charged to kegd's
# sendto(), while the reflector's frames were dropped at the generator.)
#
# Run by `make bench` (root); prints a table; exit 0 unless setup fails.
set -u
root=$(cd "$(dirname "$0")/../../.." && pwd)
B=$root/build
SECS=${XSK_BENCH_SECS:-3}
ROUNDS=${XSK_BENCH_ROUNDS:-3}	# kegd and reflector alternate; medians shown
KEGD=${KEGD:-$B/kegd}
G=kxb-gen D=kxb-dut S=kxb-sink
DST=10.230.2.20	# routed to kxb-s0, owned by nobody: dropped by the sink's routing
for t in "$B/kegctl" "$KEGD" "$B/xsk_reflect" "$B/wan_udpgen" "$B/xdp_pass.bpf.o"; do
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
LOG=$(mktemp)
trap 'cleanup; rm -f "$LOG"' EXIT

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
	nsx $D ip neigh replace $DST dev kxb-d1 nud permanent \
		lladdr "$(ip -n $S -j link show kxb-s0 | jq -r '.[0].address')" || return 1
	nsx $D "$B/kegctl" attach kxb-d0 >/dev/null || return 1
	nsx $D "$B/kegctl" intercept add --site bench --src 10.230.1.0/24 \
		--dst 10.230.2.0/24 --proto udp >/dev/null
}

flood() {	# flood NQUEUES SIZE: senders in the background
	local q
	for q in $(seq "$1"); do
		timeout $((SECS + 5)) taskset -c $((q - 1)) nsenter --net=/run/netns/$G "$B/wan_udpgen" send \
			--dst $DST --port $((9000 + q)) --count 1000000000 --size "$2" \
			>/dev/null 2>&1 &
	done
}

tx_pkts() {	# IFACE: tx_packets of the DUT's IFACE
	ip -n $D -s -j link show "$1" | jq -r '.[0].stats64.tx.packets // 0'
}

rate() {	# EGRESS: frames/s leaving EGRESS over SECS, after 1 s of warm-up, into RES
	local a b t0 t1
	sleep 1
	a=$(tx_pkts "$1"); t0=$(date +%s%N)
	sleep "$SECS"
	b=$(tx_pkts "$1"); t1=$(date +%s%N)
	RES=$(((b - a) * 1000000000 / (t1 - t0)))
}

# start_app WORD CMD...: start CMD in the DUT (pinned like the other side),
# wait for WORD in its log; retried, because a socket just closed by the
# previous run can keep its queue busy for a moment (EBUSY).
start_app() {
	local word=$1 try
	shift
	for try in $(seq 20); do
		nsenter --net=/run/netns/$D $PIN_APP "$@" >"$LOG" 2>&1 &
		KPID=$!
		for _ in $(seq 30); do
			grep -q "$word" "$LOG" && return 0
			kill -0 "$KPID" 2>/dev/null || break
			sleep 0.1
		done
		kill "$KPID" 2>/dev/null; wait "$KPID" 2>/dev/null; KPID=""
		sleep 0.3
	done
	echo "xsk_bench: $1 did not start: $(tail -1 "$LOG")" >&2
	return 1
}

# run APP-ARGS...: flood, start, measure into RES ("-" if the app was not
# running for the whole window: the kernel would have forwarded instead).
run() {	# NQUEUES SIZE EGRESS WORD CMD...
	local nq=$1 size=$2 egress=$3
	shift 3
	RES=-
	flood "$nq" "$size"
	if start_app "$@"; then
		rate "$egress"
		kill -0 "$KPID" 2>/dev/null || RES=-
		kill "$KPID"; wait "$KPID" 2>/dev/null; KPID=""
	fi
	wait 2>/dev/null
}

run_kegd() { run "$1" "$2" kxb-d1 "running on" "$KEGD" --iface kxb-d0; }
run_reflect() {
	run "$1" "$2" kxb-d0 "running" "$B/xsk_reflect" --iface kxb-d0 --seconds $((SECS + 30))
}

median() {	# VALUES...: the median, "-" if any is "-"
	printf '%s\n' "$@" | sort -n | awk '/-/ { bad = 1 } { v[NR] = $1 }
		END { if (bad || !NR) print "-"; else print v[int((NR + 1) / 2)] }'
}

echo "AF_XDP forwarding on veth (copy mode), ${SECS}s per run, median of $ROUNDS" \
	"alternating runs, frames/s"
printf '  %-7s %-6s %12s %12s %7s\n' queues frame kegd reflector ratio
for nq in 1 2; do
	# Pinning, the same for both sides: one queue, the generator on CPU 0 and
	# the AF_XDP process on CPU 1; two queues, one generator per CPU and the
	# AF_XDP threads wherever the scheduler puts them.
	PIN_APP=""
	[ "$nq" = 1 ] && PIN_APP="taskset -c 1"
	setup "$nq" || { echo "xsk_bench: setup failed"; exit 1; }
	for size in 24 1458; do
		frame=$((size + 42))
		ks=() rs=()
		for _ in $(seq "$ROUNDS"); do
			run_kegd "$nq" "$size"
			ks+=("$RES")
			run_reflect "$nq" "$size"
			rs+=("$RES")
		done
		k=$(median "${ks[@]}")
		r=$(median "${rs[@]}")
		ratio=$(awk -v k="$k" -v r="$r" 'BEGIN { if (k != "-" && r > 0) printf "%.2f", k / r; else print "-" }')
		printf '  %-7s %-6s %12s %12s %7s%s\n' "$nq" "$frame" "$k" "$r" "$ratio" \
			"$(awk -v x="$ratio" 'BEGIN { if (x == "-" || x + 0 < 0.8) print "  (below 0.8x)" }')"
		if [ -n "${XSK_BENCH_VERBOSE:-}" ]; then
			echo "          runs: kegd ${ks[*]}; reflector ${rs[*]}"
		fi
	done
done
# A missed target is a figure in the table, not a failure of the bench.
exit 0
