#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_shaping_scale.sh - many shaped customers through `kegctl apply`:
# set up (routes, map entries, 3 HTB classes each, batched netlink),
# re-rated in place, removed again, each step checked in the kernel. The time
# of each step is printed (about 2-4 s for 10,000 on the 2-core VM), not
# judged: how fast the machine is at that moment is no verdict on keg.
#
# Customers sit in groups of 1024, each group its own HTB under the root
# HTB (keg_shape.h): the kernel walks every class of a qdisc on each class
# creation and deletion (tc_bind_tclass), so one flat tree of 30,000
# classes took minutes. N=10000 by default (KSS_N to change).
#
#   kss-a [kss-a0] ==veth== [kss-b0] kss-b      keg + HTB on kss-a0
. "$(dirname "$0")/lib.sh"
t_init kss
t_need awk

A=kss-a B=kss-b N=${KSS_N:-10000}

t_netns $A
t_netns $B
t_veth $A kss-a0 $B kss-b0
t_in $A ip addr add 10.204.0.1/16 dev kss-a0
t_attach $A kss-a0
t_keg_ok $A "shape set kss-a0" shape set kss-a0 --default-rate 1gbit

t_tmp CONF
t_tmp CONF2
t_tmp CONF3
# N customers 10.205.x.y, 1..N mbit/s spread over 10..99 mbit/s.
gen() {	# RATE_BASE
	awk -v n="$N" -v base="$1" 'BEGIN {
		print "interface kss-a0"
		for (i = 0; i < n; i++)
			printf "customer 10.205.%d.%d down %dmbit up %dmbit\n",
			       int(i / 250), i % 250 + 1, base + i % 90, 5
	}'
}
gen 10 >"$CONF"
gen 11 >"$CONF2"
printf 'interface kss-a0\n' >"$CONF3"

classes() {
	t_in $A tc class show dev kss-a0 | wc -l
}

start=$(date +%s.%N)
t_keg_ok $A "apply $N shaped customers" apply "$CONF"
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
t_info "$(printf '%s\n' "$T_OUT" | tail -1)"
t_info "$N customers set up in $secs s (a figure, not a verdict: it depends on the machine)"
G=$(((N + 1023) / 1024))	# groups of 1024 customers: 2 classes each
n=$(classes)
t_check "HTB classes: 4 + 2 x $G + 3 x $N = $((4 + 2 * G + 3 * N)) (have $n)" \
	[ "$n" = $((4 + 2 * G + 3 * N)) ]
rt=$(t_in $A ip route show proto 75 | wc -l)
t_check "$N keg routes ($rt)" [ "$rt" = "$N" ]
cls=$(t_in $A tc class show dev kss-a0 | awk '$4 == "parent" && $5 ~ /:1$/ && $5 != "1:1" { n++ } END { print n + 0 }')
t_check "every customer parent class under its group's root (have $cls)" [ "$cls" = "$N" ]

start=$(date +%s.%N)
t_keg_ok $A "apply: re-rate all $N customers" apply "$CONF2"
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
t_info "$N customers re-rated in $secs s (a figure, not a verdict: it depends on the machine)"
r=$(t_in $A tc class show dev kss-a0 | awk '$3 == "2:100" { for (i = 4; i < NF; i++) if ($i == "rate") print $(i + 1) }')
t_check "first customer's class now at 11mbit (tc: $r)" [ "$r" = 11Mbit ]
n=$(classes)
t_check "still $((4 + 2 * G + 3 * N)) classes ($n)" [ "$n" = $((4 + 2 * G + 3 * N)) ]

start=$(date +%s.%N)
t_keg_ok $A "apply: remove all $N customers" apply "$CONF3"
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
t_info "$N customers removed in $secs s (a figure, not a verdict: it depends on the machine)"
n=$(classes)
t_check "back to the root, default and (empty) group classes ($n)" [ "$n" = $((4 + 2 * G)) ]
t_keg_ok $A "shape off kss-a0" shape off kss-a0
t_done
