#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_cli.sh - wanem's command line: help, clear errors for bad input, and
# a clean exit on SIGTERM/SIGINT with a summary that adds up.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_build

# expect_usage NAME PATTERN ARGS...: exit 2 and PATTERN in the message.
WRAP=(env)
expect_usage() {
	local name=$1 pat=$2 out rc
	shift 2
	out=$("${WRAP[@]}" "$WANEM" "$@" 2>&1)
	rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$pat" <<<"$out"; then
		pass "rejects $name: $out"
	else
		fail "rejects $name: exit $rc, '$out'"
	fi
}

out=$("$WANEM" --help)
check "--help exits 0 and documents per-direction options" \
	grep -q -- '--a2b-NAME' <<<"$out"
check "--version" grep -q '^wanem [0-9]' <<<"$("$WANEM" --version)"
expect_usage "a bad rate" "--rate: bad value '10xbit'" --a x --b y --rate 10xbit
expect_usage "loss above 100%" "--loss: value out of range '101'" --a x --b y --loss 101
expect_usage "a negative delay" "--delay: bad value '-5'" --a x --b y --delay -5
expect_usage "a short GE spec" "--ge: bad value '1'" --a x --b y --ge 1
expect_usage "a bad per-direction value" "--b2a-dup: bad value 'lots'" --a x --b y --b2a-dup lots
expect_usage "an unknown option" "unknown option '--latency'" --a x --b y --latency 5
expect_usage "a missing port" "--a and --b are required" --a x
expect_usage "the same port twice" "must differ" --a lo --b lo
expect_usage "a missing interface" "no interface 'wanem-nope0'" --a wanem-nope0 --b lo

# A three-namespace wire: l0 (192.0.2.1) -- [m0 wanem m1] -- r0 (192.0.2.2).
P=$(prefix_for cl)
for n in l m r; do ip netns add "$P-$n"; done
T_CLEANUP+=("for n in l m r; do ip netns del $P-\$n 2>/dev/null; done")
ip link add "$P-l0" netns "$P-l" type veth peer name "$P-m0" netns "$P-m"
ip link add "$P-r0" netns "$P-r" type veth peer name "$P-m1" netns "$P-m"
for d in l:l0 m:m0 m:m1 r:r0; do
	ip -n "$P-${d%%:*}" link set "$P-${d#*:}" up
	ip netns exec "$P-${d%%:*}" ethtool -K "$P-${d#*:}" gso off tso off tx off >/dev/null
done
ip -n "$P-l" addr add 192.0.2.1/24 dev "$P-l0"
ip -n "$P-r" addr add 192.0.2.2/24 dev "$P-r0"

WRAP=(ip netns exec "$P-m")
expect_usage "a time buffer without a rate" "a buffer in time needs a rate" \
	--a "$P-m0" --b "$P-m1" --buffer 10ms
expect_usage "reordering without a reorder delay" "needs --reorder-delay" \
	--a "$P-m0" --b "$P-m1" --reorder 5
WRAP=(env)

for sig in TERM INT; do
	log=$(mktemp)
	ip netns exec "$P-m" "$WANEM" --a "$P-m0" --b "$P-m1" --delay 2 \
		--a2b-loss 20 --b2a-dup 50 --seed 3 >"$log" 2>&1 &
	pid=$!
	T_CLEANUP+=("kill -KILL $pid 2>/dev/null")
	for _ in $(seq 1 50); do grep -q '^wanem: ready' "$log" && break; sleep 0.05; done
	ip netns exec "$P-l" ping -q -c 50 -i 0.01 -W 1 192.0.2.2 >/dev/null 2>&1
	sleep 0.1
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	check "SIG$sig: exit 0" test "$rc" = 0
	check "SIG$sig: says why it exited" grep -q "^wanem: exit on" "$log"
	for dir in a2b b2a; do
		s=$(grep "^wanem: $dir summary" "$log")
		rx=$(kv rx_frames "$s"); tx=$(kv tx_frames "$s")
		lost=$(kv lost_random "$s"); dup=$(kv duplicated "$s")
		other=$(($(kv dropped_buffer "$s") + $(kv oversize "$s") + \
			$(kv pool_drops "$s") + $(kv tx_errors "$s") + $(kv pending "$s")))
		check "SIG$sig: $dir summary rx $rx = tx $tx + lost $lost - dup $dup + other $other, rx > 40" \
			test "${rx:-0}" -gt 40 -a "$rx" = $((tx + lost - dup + other))
	done
	s=$(grep "^wanem: a2b summary" "$log")
	check_range "SIG$sig: a2b lost 20% of $(kv rx_frames "$s")" \
		"$(calc "$(kv lost_random "$s") * 100 / $(kv rx_frames "$s")")" 5 40 %
	s=$(grep "^wanem: b2a summary" "$log")
	check_range "SIG$sig: b2a duplicated 50% of $(kv rx_frames "$s")" \
		"$(calc "$(kv duplicated "$s") * 100 / $(kv rx_frames "$s")")" 30 70 %
	rm -f "$log"
done
finish
