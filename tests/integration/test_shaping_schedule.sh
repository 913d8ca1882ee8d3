#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_shaping_schedule.sh - bandwidth schedule applied by `kegctl schedule
# run --once` (the controller where kegd is not running) and by kegd, `schedule show`,
# and the per-leaf stats in `kegctl shape show --json`, which are the HTB
# leaf classes' own (tc -s class show).
#
#   ksc-a [ksc-a0 10.206.0.1] ==veth== [ksc-b0 10.206.0.2] ksc-b   keg + HTB on ksc-a0
. "$(dirname "$0")/lib.sh"
t_init ksc
t_need ping

A=ksc-a B=ksc-b
t_netns $A
t_netns $B
t_veth $A ksc-a0 $B ksc-b0
t_in $A ip addr add 10.206.0.1/24 dev ksc-a0
t_in $B ip addr add 10.206.0.2/24 dev ksc-b0
t_attach $A ksc-a0
t_keg_ok $A "customer add 10.206.0.2 --down 10mbit (shaping turned on)" \
	customer add 10.206.0.2 --iface ksc-a0 --down 10mbit

class_rate() {	# CLASSID
	t_in $A tc class show dev ksc-a0 | awk -v c="$1" '$3 == c { for (i = 4; i < NF; i++) if ($i == "rate") print $(i + 1) }'
}

t_tmp S1
now_day=$(date +%a | tr 'A-Z' 'a-z')
other_day=$(date -d tomorrow +%a | tr 'A-Z' 'a-z')
cat >"$S1" <<EOT
# the rule for today matches now; tomorrow's does not
ksc-a0 10.206.0.2 $other_day down 7mbit; $now_day down 15mbit; * down 3mbit
ksc-a0 default * down 200mbit
EOT
t_keg_ok $A "schedule run --once" schedule run --once "$S1"
t_info "$T_OUT"
t_check "customer class at today's rate 15mbit (tc: $(class_rate 2:100))" [ "$(class_rate 2:100)" = 15Mbit ]
t_check "default class at 200mbit (tc: $(class_rate 1:10))" [ "$(class_rate 1:10)" = 200Mbit ]
t_keg_ok $A "schedule run --once again: nothing to change" schedule run --once "$S1"
t_check "second pass changed nothing ('$T_OUT')" [ -z "$T_OUT" ]
t_kegctl $A schedule show "$S1" --at "2026-11-23 12:00"	# a Monday
t_info "$T_OUT"
t_check "schedule show: active rule and next change" \
	grep -q "10.206.0.2.*down .*mbit (rule .*) .*(in [0-9]* min)" <<<"$T_OUT"
# A rule for an address that is no customer is not shown as active (issue 13 §6).
t_tmp S9
printf 'ksc-a0 10.206.0.99 * down 7mbit\n' >"$S9"
t_kegctl $A schedule show "$S9"
t_check "schedule show: a non-customer is said to be one ($(tail -1 <<<"$T_OUT"))" \
	grep -q "10.206.0.99 .*not a customer here" <<<"$T_OUT"

t_check "ping through the shaped interface" t_quiet t_in $B ping -c 5 -i 0.2 -W 1 10.206.0.1
t_in $A ping -c 5 -i 0.2 -W 1 -q 10.206.0.2 >/dev/null 2>&1
t_kegctl $A shape show --iface ksc-a0 --json
pk=$(printf '%s\n' "$T_OUT" | jq '.[0].customers[] | select(.addr == "10.206.0.2") | .interactive.packets')
t_check "shape show --json: ICMP counted in the customer's interactive leaf ($pk)" [ "${pk:-0}" -ge 5 ]
# The same counter as the kernel's HTB class 2:101 has it, read by tc.
# (tc prints an HTB class as text even with -j.)
tp=$(t_in $A tc -s class show dev ksc-a0 classid 2:101 | awk '$1 == "Sent" { print $4 }')
t_check "shape show --json has HTB's own count of class 2:101 ($pk, tc: $tp)" \
	eval '[ -n "$tp" ] && [ "${pk:-0}" -le "$tp" ] && [ "$tp" -le $((${pk:-0} + 2)) ]'
# --- schedules from `kegctl apply FILE` ------------------------------------
t_tmp C1
cat >"$C1" <<EOT
interface ksc-a0
    customer 10.206.0.2 down 10mbit
    schedule 10.206.0.2 $other_day down 7mbit; $now_day down 25mbit
    schedule default * down 150mbit
EOT
t_keg_ok $A "apply with schedule lines" apply "$C1"
t_info "$T_OUT"
t_check "apply: customer at today's scheduled rate 25mbit (tc: $(class_rate 2:100))" \
	[ "$(class_rate 2:100)" = 25Mbit ]
t_check "apply: default class at 150mbit (tc: $(class_rate 1:10))" [ "$(class_rate 1:10)" = 150Mbit ]
t_check "apply kept the schedule in /run/keg/schedule/ksc-a0" \
	grep -q "^ksc-a0 10.206.0.2 $other_day down 7mbit; $now_day down 25mbit" /run/keg/schedule/ksc-a0
t_keg_ok $A "apply again: nothing to change" apply "$C1"
t_check "second apply changed nothing ('$T_OUT')" grep -q "0 changes" <<<"$T_OUT"
t_kegctl $A schedule show @applied
t_info "$T_OUT"
t_check "schedule show @applied lists the customer and the default class" \
	grep -q "10.206.0.2.*down 25mbit" <<<"$T_OUT"
t_keg_ok $A "schedule run --once @applied: nothing to change" schedule run --once @applied
t_check "run --once @applied changed nothing ('$T_OUT')" [ -z "$T_OUT" ]

# kegd applies the stored schedules at their minute (and at its start).
t_keg_ok $A "customer set 10.206.0.2 --down 10mbit (off the schedule)" \
	customer set 10.206.0.2 --iface ksc-a0 --down 10mbit
t_check "customer class at 10mbit (tc: $(class_rate 2:100))" [ "$(class_rate 2:100)" = 10Mbit ]
t_check "kegd starts on ksc-a0" t_kegd_start $A ksc-a0
for _ in $(seq 30); do [ "$(class_rate 2:100)" = 25Mbit ] && break; sleep 0.1; done
t_check "kegd brought the customer back to the rule in force, 25mbit (tc: $(class_rate 2:100))" \
	[ "$(class_rate 2:100)" = 25Mbit ]
t_check "kegd logged the change" grep -q "schedule: .*10.206.0.2" "$T_KEGD_LOG"
t_info "$(grep "schedule:" "$T_KEGD_LOG")"
t_kegd_stop
t_tmp C2
printf 'interface ksc-a0\n  customer 10.206.0.2 down 10mbit\n  schedule 10.206.0.2 * down x\n' >"$C2"
t_kegctl $A apply "$C2"
t_check "bad schedule refused with FILE:LINE ($T_OUT)" grep -q "$C2:3: " <<<"$T_OUT"
printf 'interface ksc-a0\n  customer 10.206.0.2 down 10mbit\n' >"$C2"
t_keg_ok $A "apply without schedules" apply "$C2"
t_check "... removes the kept schedule" [ ! -e /run/keg/schedule/ksc-a0 ]
t_check "... and sets the static rate (tc: $(class_rate 2:100))" [ "$(class_rate 2:100)" = 10Mbit ]
t_keg_ok $A "apply with schedule lines again" apply "$C1"
t_keg_ok $A "detach ksc-a0" detach ksc-a0
t_check "detach removes the kept schedule" [ ! -e /run/keg/schedule/ksc-a0 ]
t_done
