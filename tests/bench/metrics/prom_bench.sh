#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# prom_bench.sh - the cost of `kegctl stats --format prometheus` for
# 100,000 customers (issue 14: target under 1 s), next to `kegctl shape
# show --json`, the command that showed the per-customer counters before.
# Part of `make bench` (make bench-metrics).
#
# A namespace pair kpb-a/kpb-b, keg on kpb-a0 with shaping on, N customers
# (PROM_BENCH_N, default 100000) through one `kegctl apply`, S of them
# shaped (PROM_BENCH_SHAPED, default 10000): each shaped customer is 3 HTB
# classes, and this kernel spends time quadratic in the number of HTB
# classes of the whole machine creating them (htb_change_class ->
# tcf_block_get -> flow_indr_dev_setup_offload walks one global list per
# class): 100,000 shaped customers did not finish setting up in 14 minutes.
# So it measures twice, with the same N customers: none shaped (t0) and S
# shaped (tS), and prints tS - t0 per shaped customer and the extrapolation
# t0 + (tS - t0) * N / S for N shaped customers, marked as such: a lower
# bound, since the kernel's class dump costs more per class as qdiscs
# grow (each 32 KB part of a dump looks its qdisc up in a 16-bucket hash
# holding every leaf qdisc of the device): 6.7 us per shaped customer at
# S=5000, 10.5 us at S=10000 on the development machine. Each
# figure is the median of RUNS runs (PROM_BENCH_RUNS, default 5), wall
# time. A missed target is printed as a figure, not an error. The leaf
# counters are the HTB classes' own, read in the same class dump.
set -u
root=$(cd "$(dirname "$0")/../../.." && pwd)
KEGCTL=${KEGCTL:-$root/build/kegctl}
XDP_PASS_OBJ=$root/build/xdp_pass.bpf.o
N=${PROM_BENCH_N:-100000}
S=${PROM_BENCH_SHAPED:-10000}
RUNS=${PROM_BENCH_RUNS:-5}
A=kpb-a B=kpb-b
TARGET=1.0

[ "$(id -u)" -eq 0 ] || { echo "prom_bench: needs root (skipped)"; exit 0; }
[ -x "$KEGCTL" ] && [ -f "$XDP_PASS_OBJ" ] || { echo "prom_bench: run make first" >&2; exit 1; }

in_a() { nsenter --net=/run/netns/$A "$@"; }
tmp=""
cleanup() {
	[ -e /run/netns/$A ] && timeout 120 nsenter --net=/run/netns/$A "$KEGCTL" detach kpb-a0 >/dev/null 2>&1
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
	[ -d /sys/fs/bpf/keg/kpb-a0 ] && rm -rf /sys/fs/bpf/keg/kpb-a0
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
cleanup	# a run killed with SIGKILL leaves its namespaces behind
tmp=$(mktemp -d /tmp/kpb.XXXXXX)

die() { echo "prom_bench: $*" >&2; exit 1; }
ip netns add $A && ip netns add $B || die "netns"
ip -n $A link add kpb-a0 type veth peer name kpb-b0 netns $B || die "veth"
ip -n $A link set kpb-a0 up
ip -n $B link set kpb-b0 up
ip -n $B link set dev kpb-b0 xdpdrv obj "$XDP_PASS_OBJ" sec xdp || die "xdp_pass"
ip -n $A addr add 10.240.0.1/16 dev kpb-a0
in_a "$KEGCTL" attach kpb-a0 >/dev/null || die "attach"
in_a "$KEGCTL" shape set kpb-a0 --default-rate 1gbit >/dev/null || die "shape set"

# conf SHAPED: N customers 10.241.0.1 ..., the first SHAPED with rates.
conf() {
	awk -v n="$N" -v s="$1" 'BEGIN {
		print "interface kpb-a0"
		for (i = 0; i < n; i++) {
			printf "customer 10.%d.%d.%d", 241 + int(i / 62500),
			       int(i % 62500 / 250), i % 250 + 1
			if (i < s)
				printf " down %dmbit up 5mbit", 10 + i % 90
			printf "\n"
		}
	}'
}
apply() {	# SHAPED
	local start
	conf "$1" >"$tmp/conf"
	start=$(date +%s.%N)
	in_a "$KEGCTL" apply "$tmp/conf" >"$tmp/apply.out" 2>&1 ||
		{ tail -3 "$tmp/apply.out"; die "apply"; }
	printf '%d customers, %d shaped: kegctl apply took %.1f s\n' "$N" "$1" \
		"$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')"
}

# median_time CMD...: median wall seconds of RUNS runs (stdout to $tmp/out).
median_time() {
	local i s
	for ((i = 0; i < RUNS; i++)); do
		s=$(date +%s.%N)
		"$@" >"$tmp/out" || die "$* failed"
		awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.4f\n", e - s }'
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
size() {
	printf '%d samples, %.1f MB' "$(grep -vc '^#' "$tmp/out")" \
		"$(awk -v b="$(wc -c <"$tmp/out")" 'BEGIN { print b / 1e6 }')"
}
row() {	# LABEL SECONDS [DETAIL]
	printf '  %-52s %8.3f s  %s\n' "$1" "$2" "${3:-}"
}

apply 0
t0=$(median_time in_a "$KEGCTL" stats --iface kpb-a0 --format prometheus)
size0=$(size)
apply "$S"
tS=$(median_time in_a "$KEGCTL" stats --iface kpb-a0 --format prometheus)
sizeS=$(size)
cp "$tmp/out" "$tmp/prom"
tJ=$(median_time in_a "$KEGCTL" shape show --iface kpb-a0 --json)
ext=$(awk -v a="$t0" -v b="$tS" -v n="$N" -v s="$S" 'BEGIN { print a + (b - a) * n / s }')
echo "kegctl stats --format prometheus ($RUNS runs each, median wall time):"
row "$N customers, none shaped" "$t0" "($size0)"
row "$N customers, $S shaped" "$tS" "($sizeS)"
row "shape show --json, same $S shaped (the alternative)" "$tJ" \
	"(prometheus/json $(awk -v a="$tS" -v b="$tJ" 'BEGIN { printf "%.2f", a / b }'))"
printf '  %-52s %8.1f us\n' "per shaped customer: (tS - t0) / $S" \
	"$(awk -v a="$t0" -v b="$tS" -v s="$S" 'BEGIN { print (b - a) / s * 1e6 }')"
row "EXTRAPOLATED: $N customers, all shaped" "$ext" "(linear: a lower bound)"
for f in "$N customers, $S shaped:$tS" "$N shaped (extrapolated):$ext"; do
	if awk -v t="${f##*:}" -v m="$TARGET" 'BEGIN { exit !(t < m) }'; then
		echo "  target < ${TARGET} s, ${f%:*}: met (${f##*:} s)"
	else
		echo "  target < ${TARGET} s, ${f%:*}: MISSED (${f##*:} s)"
	fi
done
if command -v promtool >/dev/null; then
	s=$(date +%s.%N)
	if promtool check metrics <"$tmp/prom" >"$tmp/promtool" 2>&1; then
		r=accepted
	else
		r="REJECTED: $(head -3 "$tmp/promtool")"
	fi
	printf '  promtool check metrics on the %d-shaped output: %s (%.1f s)\n' "$S" "$r" \
		"$(awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')"
fi
exit 0
