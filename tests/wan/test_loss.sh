#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_loss.sh - random loss within +-0.3 percentage points over 100,000
# datagrams, per direction, and Gilbert-Elliott losses that come in bursts.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_build

P=$(prefix_for lo)
lab_up "$P" --delay 2
quiet_or_skip "$P"

# 100,000 datagrams at 50,000/s, a->b with 1% loss; none configured b->a.
bernoulli_block() {
	local r s
	lab_set "$P" --delay 2 --a2b-loss 1 --seed 7
	r=$(udp "$P" a1 b1 100000 50000 200)
	judged "100000 datagrams a1 -> b1 at 50000/s" "$r" || return
	s=$(wanem_stats "$P" a2b)
	check_range "Bernoulli 1% a->b over 100,000: measured loss (wanem lost $(kv lost_random "$s"), ring drops $(kv ring_drops "$s"), rcvbuf $(kv rcvbuf_errors "$r"))" \
		"$(kv loss_pct "$r")" 0.7 1.3 %
	check_range "receiver's losses ($(kv lost "$r")) are wanem's (lost_random $(kv lost_random "$s"))" \
		"$(( $(kv lost "$r") - $(kv lost_random "$s") ))" -5 0
	check_range "Bernoulli: mean loss burst (independent losses)" "$(kv burst_mean "$r")" 1 1.1
	check "Bernoulli: nothing duplicated or reordered" \
		test "$(kv dup "$r")" = 0 -a "$(kv reordered "$r")" = 0
	r=$(udp "$P" b1 a1 20000 50000 200)
	judged "20000 datagrams b1 -> a1 at 50000/s" "$r" || return
	check "b->a (no loss configured): $(kv unique "$r") of 20000 arrive" \
		test "$(kv lost "$r")" = 0
}
try3 bernoulli_block

# 0.1%: the other loss rate of the benchmark matrix.
low_loss_block() {
	local r s
	lab_set "$P" --delay 2 --a2b-loss 0.1 --seed 8
	r=$(udp "$P" a1 b1 100000 50000 200)
	judged "100000 datagrams a1 -> b1 at 50000/s" "$r" || return
	s=$(wanem_stats "$P" a2b)
	check_range "Bernoulli 0.1% a->b over 100,000: measured loss (wanem lost $(kv lost_random "$s"), ring drops $(kv ring_drops "$s"), rcvbuf $(kv rcvbuf_errors "$r"))" \
		"$(kv loss_pct "$r")" 0 0.4 %
}
try3 low_loss_block

# Gilbert-Elliott, p = 1%, r = 20%: loss p/(p+r) = 4.76%, bursts of 1/r = 5.
# Losses are correlated, so the tolerance is 5 sigma of that process (~1 pp).
ge_block() {
	local r
	lab_set "$P" --delay 2 --a2b-ge 1,20 --seed 9
	r=$(udp "$P" a1 b1 100000 50000 200)
	judged "100000 datagrams a1 -> b1 at 50000/s" "$r" || return
	check_range "Gilbert-Elliott 1,20: measured loss (4.76% expected)" "$(kv loss_pct "$r")" 3.76 5.76 %
	check_range "Gilbert-Elliott 1,20: mean loss burst (5 expected)" "$(kv burst_mean "$r")" 4.3 5.7
}
try3 ge_block
finish
