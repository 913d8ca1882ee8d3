#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_robust.sh - kegctl under concurrency and crashes (issue 13 §1, §2):
# readers never wait for a writer, work on one interface never waits for
# work on another, and one apply after a kill -9 at any point of a large
# apply leaves the kernel as a clean apply does.
#
#   kro-gw: kro-gw0 == kro-c0 (kro-c)   customers, shaped, uplink kro-up
#           kro-gw1 == kro-c1 (kro-c)   customers, unshaped
#           kro-up  == kro-c2 (kro-c)   kro-gw0's uplink
#
# ROBUST_N customers (default 3000) make the large apply; ROBUST_KILLS the
# points (ms after its start) where it is killed.
. "$(dirname "$0")/lib.sh"
t_init kro
t_need flock

GW=kro-gw C=kro-c
N=${ROBUST_N:-3000}

t_netns $GW
t_netns $C
t_veth $GW kro-gw0 $C kro-c0
t_veth $GW kro-gw1 $C kro-c1
t_veth $GW kro-up $C kro-c2
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
conf "$BIG" "$N" 1

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
t_check "the apply of $N shaped customers succeeded ($((SECONDS - start))s)" \
	[ "$(cat "$BIG.rc")" = 0 ]
[ "$(cat "$BIG.rc")" = 0 ] || t_info "$(tail -3 "$BIG.out")"

# ---- §2: one apply after a kill -9 at any point equals a clean apply --------

# The kernel state of kro-gw0 and its uplink that an apply decides: class
# and qdisc counts, keg's routes, the subnets, and the customers with their
# rates (not their class ids: a repaired run may hand out other slots).
state() {
	local d m
	for d in kro-gw0 kro-up; do
		echo "$d classes $(t_in $GW tc class show dev $d | wc -l)" \
			"qdiscs $(t_in $GW tc qdisc show dev $d | wc -l)"
	done
	echo "routes $(t_in $GW ip route show proto 75 | wc -l)" \
		"$(t_in $GW ip route show proto 75 | sort | md5sum)"
	echo "routes6 $(t_in $GW ip -6 route show proto 75 | sort | md5sum)"
	for m in keg_subnets4 keg_customers4; do
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
	local label=$1 from=$2 to=$3 ms=$4 pid landed killed want got
	apply_ok "$label: apply $(basename "$from") first" "$from" || return
	nsenter --net=/run/netns/$GW "$KEGCTL" apply "$to" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	landed=no
	kill -9 $pid 2>/dev/null && landed=yes
	wait $pid 2>/dev/null
	killed=$(state)
	apply_ok "$label: the apply after the kill" "$to" || return
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
	REF[$base]=$(state)
	t0=$(date +%s%N)
	apply_ok "$kind: clean apply of $n" "$big" || continue
	up_ms=$((($(date +%s%N) - t0) / 1000000))
	REF[$big]=$(state)
	t0=$(date +%s%N)
	apply_ok "$kind: clean apply of 5 (removing $((n - 5)))" "$base" || continue
	down_ms=$((($(date +%s%N) - t0) / 1000000))
	t_ok "$kind: clean applies: 5 -> $n in ${up_ms}ms, back in ${down_ms}ms"
	t_info "5: $(summary "${REF[$base]}")" "$n: $(summary "${REF[$big]}")"
	LANDED=0
	for pct in 10 45 80; do
		crash "$kind, 5 -> $n" "$base" "$big" $((up_ms * pct / 100))
		crash "$kind, $n -> 5" "$big" "$base" $((down_ms * pct / 100))
	done
	t_check "$kind: $LANDED of 6 kills landed mid-apply (at least 4)" [ $LANDED -ge 4 ]
done

t_done
