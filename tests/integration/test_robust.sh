#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_robust.sh - kegctl under concurrency and crashes (issue 13 §1, §2):
# readers never wait for a writer, work on one interface never waits for
# work on another, and one apply after a kill -9 at any point of a large
# apply leaves the kernel as a clean apply does.
#
#   kro-gw: kro-gw0 == kro-c0 (kro-c)   customers, shaped, uplink kro-up
#           kro-gw1 == kro-c1 (kro-c)   customers, unshaped
#           kro-up  == kro-s0 (kro-s)   kro-gw0's uplink, a server behind it
#
# ROBUST_N customers (default 2000) make the large shaped apply (4 x N
# unshaped); it is killed at 10%, 35% and 60% of a clean run's time.
# Last (issue 13 §5): re-attaches (upgrades) under ping -i 0.01 and iperf3.
. "$(dirname "$0")/lib.sh"
t_init kro
t_need flock ping iperf3

GW=kro-gw C=kro-c S=kro-s
N=${ROBUST_N:-2000}

t_netns $GW
t_netns $C
t_netns $S
t_veth $GW kro-gw0 $C kro-c0
t_veth $GW kro-gw1 $C kro-c1
t_veth $GW kro-up $S kro-s0
t_attach $GW kro-gw0
t_attach $GW kro-gw1
t_keg_ok $GW "shaping on kro-gw0, uploads on kro-up" shape set kro-gw0 --uplink kro-up

# conf FILE N SHAPED: kro-gw0 with N customers of 10.60.0.0/16 (down/up
# rates when SHAPED is 1).
conf() {
	awk -v n="$2" -v shaped="$3" 'BEGIN {
		print "interface kro-gw0"
		print "  subnet 10.60.0.0/16"
		for (i = 0; i < n; i++)
			printf "  customer 10.60.%d.%d%s\n", int(i / 250), i % 250 + 1,
				shaped ? " down 10mbit up 2mbit" : ""
	}' >"$1"
}

# The lock of one interface is held (by a kegctl at work).
iface_locked() {
	[ -n "$(t_flock_pids "$KEG_LOCK_DIR/$1")" ]
}

# ---- §1: readers never wait; one interface never waits for another --------

t_tmp BIG
conf "$BIG" 2000 1	# seconds of HTB classes, whatever ROBUST_N is

# A writer of all of keg (kegd's schedule tick takes the same lock).
flock -x "$KEG_PIN_ROOT" sleep 8 &
holder=$!
sleep 0.3
for args in "status" "customer list" "subnet list" "shape show" "stats"; do
	# shellcheck disable=SC2086  # the words of the command
	T_KEGCTL_TIMEOUT=3 t_kegctl $GW $args
	rc=$?
	t_check "kegctl $args while a writer holds all of keg: exit $rc, did not wait" \
		[ $rc -eq 0 ]
	[ $rc -eq 0 ] || t_info "$T_OUT"
done
T_KEGCTL_TIMEOUT=2 t_kegctl $GW customer add 10.61.0.9 --iface kro-gw1
rc=$?
t_check "a change waits for that writer (exit $rc: timed out)" [ $rc -eq 124 ]
kill $holder 2>/dev/null
wait $holder 2>/dev/null

# A long apply of kro-gw0 (shaped: seconds of HTB classes).
start=$SECONDS
( timeout 120 nsenter --net=/run/netns/$GW "$KEGCTL" apply "$BIG" >"$BIG.out" 2>&1
  echo $? >"$BIG.rc" ) &
bigpid=$!
T_FILES+=("$BIG.out" "$BIG.rc")
for _ in $(seq 200); do
	iface_locked kro-gw0 && break
	sleep 0.05
done
t_check "the apply holds the lock of kro-gw0" iface_locked kro-gw0
t_keg_ok $GW "customer add on kro-gw1 while kro-gw0 is being applied" \
	customer add 10.61.0.7 --iface kro-gw1
t_check "... returned while that apply still ran (did not wait for it)" kill -0 $bigpid
t_keg_ok $GW "status while it runs" status
t_check "... still running" kill -0 $bigpid
t_keg_ok $GW "customer add on kro-gw0 waits for the apply, then is made" \
	customer add 10.60.250.1 --iface kro-gw0
t_check "... it said it waited" grep -q "waiting up to" <<<"$T_OUT"
wait $bigpid
t_check "the apply of 2000 shaped customers succeeded ($((SECONDS - start))s)" \
	[ "$(cat "$BIG.rc")" = 0 ]
[ "$(cat "$BIG.rc")" = 0 ] || t_info "$(tail -3 "$BIG.out")"

# Readers take no lock, yet never fail while an interface comes and goes.
( for _ in $(seq 8); do
	t_kegctl $GW detach kro-gw1
	t_kegctl $GW attach kro-gw1
	t_kegctl $GW subnet add 10.61.0.0/24 --iface kro-gw1
	t_kegctl $GW customer add 10.61.0.5 --down 10mbit --iface kro-gw1
  done ) &
churn=$!
reads=0 bad=0
while kill -0 $churn 2>/dev/null; do
	for args in "status" "status --json" "customer list" "subnet list" "shape show" "stats"; do
		# shellcheck disable=SC2086  # the words of the command
		if t_kegctl $GW $args; then
			reads=$((reads + 1))
		else
			bad=$((bad + 1))
			t_info "kegctl $args: $(head -2 <<<"$T_OUT")"
		fi
	done
done
wait $churn
t_check "$reads reads while kro-gw1 was detached and attached 8 times: $bad failed" \
	eval '[ $bad = 0 ] && [ $reads -ge 12 ]'

# ---- §2: one apply after a kill -9 at any point equals a clean apply --------

# The kernel state of kro-gw0 and its uplink that an apply decides: class,
# qdisc and filter (root HTB, clsact egress) counts, keg's routes, the
# proxied prefixes, and the customers with their rates (not their class
# ids: a repaired run may hand out other slots).
state() {
	local d m
	for d in kro-gw0 kro-up; do
		echo "$d classes $(t_in $GW tc class show dev $d | wc -l)" \
			"qdiscs $(t_in $GW tc qdisc show dev $d | wc -l)" \
			"filters $(t_in $GW tc filter show dev $d | wc -l)" \
			"$(t_in $GW tc filter show dev $d egress | wc -l)"
	done
	echo "routes $(t_in $GW ip route show proto 75 | wc -l)" \
		"$(t_in $GW ip route show proto 75 | sort | md5sum)"
	echo "routes6 $(t_in $GW ip -6 route show proto 75 | sort | md5sum)"
	for m in keg_prefixes4 keg_customers4; do
		[ -e "$KEG_PIN_ROOT/kro-gw0/$m" ] || t_fail "no pinned map $m"
		echo "$m $(bpftool -j map dump pinned "$KEG_PIN_ROOT/kro-gw0/$m" |
			jq -c '[.[] | .formatted // . | del(.value.class_id)] | sort_by(tostring)' |
			md5sum)"
	done
}

# summary STATE: its counts, one line.
summary() {
	awk '/classes/ { printf "%s %s classes, %s qdiscs; ", $1, $3, $5 }
	     /^routes / { printf "%s keg routes", $2 }' <<<"$1"
}

apply_ok() {	# apply_ok DESC FILE
	T_KEGCTL_TIMEOUT=240 t_kegctl $GW apply "$2" || { t_fail "$1: $T_OUT"; return 1; }
}

# crash LABEL FROM TO MS: from the state of FROM, kill -9 the apply of TO
# MS ms after its start, apply TO once more: the state must equal a clean
# apply's (REF_<TO>).
crash() {
	local label=$1 from=$2 to=$3 ms=$4 pid landed killed want got dry=none
	apply_ok "$label: apply $(basename "$from") first" "$from" || return
	nsenter --net=/run/netns/$GW "$KEGCTL" apply "$to" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	landed=no
	kill -9 $pid 2>/dev/null && landed=yes
	wait $pid 2>/dev/null
	killed=$(state)
	if [ "$DRY" = 1 ]; then
		DRY=0
		T_KEGCTL_TIMEOUT=240 t_kegctl $GW apply --dry-run "$to"
		dry=$(sed -n 's/.*would repair \([0-9]*\) leftover.*/\1/p' <<<"$T_OUT")
		t_check "$label: --dry-run after the kill changes nothing (would repair ${dry:-0})" \
			[ "$(state)" = "$killed" ]
	fi
	apply_ok "$label: the apply after the kill" "$to" || return
	if [ "$dry" != none ]; then
		got=$(sed -n 's/.*repaired \([0-9]*\) leftover.*/\1/p' <<<"$T_OUT")
		t_check "$label: ... then the apply repaired what the dry run said (${got:-0})" \
			[ "${got:-0}" = "${dry:-0}" ]
	fi
	want=${REF[$to]}
	got=$(state)
	t_check "$label: kill -9 after ${ms}ms (mid-apply: $landed), one more apply equals a clean one" \
		[ "$got" = "$want" ]
	t_info "killed: $(summary "$killed")" "after:  $(summary "$got")" \
		"$(grep -o 'applied.*' <<<"$T_OUT")"
	[ "$got" = "$want" ] || t_info "want:   $(summary "$want")" "$(diff <(echo "$want") <(echo "$got"))"
	[ $landed = yes ] && LANDED=$((LANDED + 1))
}

declare -A REF
for kind in shaped unshaped; do
	if [ $kind = shaped ]; then n=$N; sh=1; else n=$((N * 4)); sh=0; fi
	t_tmp base
	t_tmp big
	conf "$base" 5 $sh
	conf "$big" "$n" $sh
	# Clean applies, timed: the references, and where to kill.
	apply_ok "$kind: clean apply of 5" "$base" || continue
	t0=$(date +%s%N)
	apply_ok "$kind: clean apply of $n" "$big" || continue
	up_ms=$((($(date +%s%N) - t0) / 1000000))
	REF[$big]=$(state)
	t0=$(date +%s%N)
	apply_ok "$kind: clean apply of 5 (removing $((n - 5)))" "$base" || continue
	down_ms=$((($(date +%s%N) - t0) / 1000000))
	# After the large one: keg keeps the customer groups it made, empty.
	REF[$base]=$(state)
	t_ok "$kind: clean applies: 5 -> $n in ${up_ms}ms, back in ${down_ms}ms"
	t_info "5: $(summary "${REF[$base]}")" "$n: $(summary "${REF[$big]}")"
	# A dry run after a kill midway through the shaped apply (leftover
	# classes are certain there; an unshaped kill may leave none).
	LANDED=0 DRY=0
	for pct in 10 35 60; do
		[ $pct = 35 ] && DRY=$sh
		crash "$kind, 5 -> $n" "$base" "$big" $((up_ms * pct / 100))
		crash "$kind, $n -> 5" "$big" "$base" $((down_ms * pct / 100))
	done
	t_check "$kind: $LANDED of 6 kills landed mid-apply (at least 4)" [ $LANDED -ge 4 ]
done

# ---- §5: upgrades under load lose nothing ----------------------------------

# kro-s (10.63.0.1) -- kro-up [kro-gw] kro-gw0 -- kro-c (10.62.0.2), a
# shaped customer: downloads through kro-gw0's HTB, uploads kro-up's.
t_in $GW ip addr add 10.62.0.254/24 dev kro-gw0
t_in $GW ip addr add 10.63.0.254/24 dev kro-up
t_in $C ip addr add 10.62.0.2/24 dev kro-c0
t_in $S ip addr add 10.63.0.1/24 dev kro-s0
t_in $C ip route add default via 10.62.0.254
t_in $S ip route add default via 10.63.0.254
t_in $GW sysctl -qw net.ipv4.ip_forward=1
t_keg_ok $GW "a shaped customer behind kro-gw0" \
	customer add 10.62.0.2 --down 100mbit --up 50mbit --iface kro-gw0
t_check "kro-s reaches it" t_quiet t_in $S ping -c 2 -W 2 10.62.0.2

# upgrades_while PID: re-attach kro-gw0 every 0.3 s while PID runs; the
# count in UPGRADES, failures in UPGRADE_FAILS.
upgrades_while() {
	UPGRADES=0 UPGRADE_FAILS=0
	while kill -0 "$1" 2>/dev/null; do
		if t_kegctl $GW attach kro-gw0; then
			UPGRADES=$((UPGRADES + 1))
		else
			UPGRADE_FAILS=$((UPGRADE_FAILS + 1))
			t_info "$T_OUT"
		fi
		sleep 0.3
	done
}

t_tmp PING
t_in $S ping -q -i 0.01 -c 800 10.62.0.2 >"$PING" 2>&1 &
pid=$!
sleep 0.3
upgrades_while $pid
wait $pid
lost=$(awk -F', ' '/transmitted/ { split($1, a, " "); split($2, b, " "); print a[1] - b[1] }' "$PING")
t_check "ping -i 0.01 during $UPGRADES upgrades ($UPGRADE_FAILS failed): ${lost:-?} of 800 lost" \
	eval '[ "${lost:-x}" = 0 ] && [ "$UPGRADES" -ge 5 ] && [ "$UPGRADE_FAILS" = 0 ]'
t_info "$(tail -1 "$PING")"
egress_prog() {
	t_in $GW tc -j filter show dev "$1" egress | jq -r '[.[] | .options.prog.id // empty][0] // "none"'
}
down_id=$(egress_prog kro-gw0) up_id=$(egress_prog kro-up)
t_check "the uplink runs the upgraded keg_tc too (kro-gw0: $down_id, kro-up: $up_id)" \
	eval '[ "$down_id" != none ] && [ "$down_id" = "$up_id" ]'

# iperf3 both ways, without and with upgrades: retransmits no higher.
iperf() {	# iperf DIR(up|down) UPG(0|1): retransmits into RETR, rate into BPS
	local out pid rev=
	[ "$1" = down ] && rev=-R
	t_tmp out
	t_in $S timeout 30 iperf3 -s -1 -p 5299 >/dev/null 2>&1 &
	sleep 0.3
	t_in $C timeout 30 iperf3 -c 10.63.0.1 -p 5299 -t 6 $rev -J >"$out" 2>&1 &
	pid=$!
	UPGRADES=0
	if [ "$2" = 1 ]; then sleep 0.3; upgrades_while $pid; fi
	wait $pid
	RETR=$(jq '.end.sum_sent.retransmits // "?"' "$out" 2>/dev/null)
	BPS=$(jq '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' "$out" 2>/dev/null)
	wait
}
# A pair of runs: without, then with upgrades; PAIR_OK says whether the
# second had no more retransmits (10 of slack) and enough upgrades.
pair() {
	iperf "$1" 0
	r0=$RETR b0=$BPS
	iperf "$1" 1
	PAIR="$RETR retransmits during $UPGRADES upgrades ($BPS Mbit/s), $r0 without ($b0 Mbit/s)"
	PAIR_OK=0
	[ "$RETR" != "?" ] && [ "$r0" != "?" ] && [ "$RETR" -le $((r0 + 10)) ] &&
		[ "$UPGRADES" -ge 3 ] && PAIR_OK=1
}
for dir in down up; do
	pair $dir
	first=
	# This machine's other load can cost a few retransmits in one run:
	# a second pair decides (upgrades that cost packets fail both).
	[ $PAIR_OK = 1 ] || { first=$PAIR; pair $dir; }
	t_check "iperf3 ${dir}load: $PAIR" [ $PAIR_OK = 1 ]
	[ -z "$first" ] || t_info "(a first pair: $first)"
done

# A detach under load: the programs go (atomically each), keg's routes go
# (the connected route still reaches the customer), nothing is lost. Only
# unshaped: removing a root qdisc (the HTB tree) drops what the device
# sends at that moment whoever does it (plain 'tc qdisc add/del root' on
# a veth lost 5 of 1,500 pings at 10 ms over 106 changes), so the HTB
# tree goes first, unmeasured.
t_keg_ok $GW "shaping off on kro-gw0 (before the measured detach)" shape off kro-gw0
t_in $S ping -q -i 0.01 -c 300 10.62.0.2 >"$PING" 2>&1 &
pid=$!
sleep 1
t_keg_ok $GW "detach kro-gw0 while pinged" detach kro-gw0
wait $pid
lost=$(awk -F', ' '/transmitted/ { split($1, a, " "); split($2, b, " "); print a[1] - b[1] }' "$PING")
t_check "ping -i 0.01 across the detach: ${lost:-?} of 300 lost" [ "${lost:-x}" = 0 ]

t_done
