# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
# lib.sh - sourced by tests/wan/test_*.sh.
#
# Contract of every test script: standalone bash, one line per check
# ("ok - ...", "FAIL - ...", "INVALID - why", "SKIP - why"), exit 0 all
# passed, 1 something failed, 77 skipped (not root, tool or build missing);
# whatever it set up is torn down by an EXIT trap, also on failure or ^C.
#
# What make test judges is behaviour (delay, loss, rate, reordering,
# duplication at moderate rates); how fast this machine is belongs to
# make bench-wan (tests/wan/bench_emu.sh). A measurement whose own tool says
# it was overloaded (receive-socket overflows, a sender that could not keep
# its rate, wanem releasing frames late because the machine kept it from
# running) proves nothing either way: it is reported INVALID with the
# reason, measured again by try3, and never passes or fails.

set -o nounset -o pipefail

WAN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$WAN_ROOT/deploy/lab/lab.sh
WANEM=$WAN_ROOT/build/wanem
UDPGEN=$WAN_ROOT/build/wan_udpgen
export WANEM LAB_QUIET=1

T_PASS=0
T_FAIL=0
T_INVALID=0
T_NAME=$(basename "$0" .sh)
T_LABS=()
T_CLEANUP=()

skip() { echo "SKIP - $T_NAME: $*"; exit 77; }

need_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }
need_cmd() { local c; for c; do command -v "$c" >/dev/null || skip "needs $c"; done; }
need_build() {
	local f
	for f in "$WANEM" "$UDPGEN" "$@"; do
		[ -x "$f" ] || skip "$f not built (make wanem)"
	done
}

pass() { T_PASS=$((T_PASS + 1)); echo "ok - $*"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL - $*"; }
# invalid WHAT: the measurement behind the next checks cannot be judged.
invalid() { T_INVALID=$((T_INVALID + 1)); echo "INVALID - $*"; }

# check NAME CMD...: pass if CMD succeeds.
check() {
	local name=$1; shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# quiet CMD...: CMD with its output thrown away (for check).
quiet() { "$@" >/dev/null 2>&1; }

# check_range NAME VALUE LO HI [UNIT]: pass if LO <= VALUE <= HI.
check_range() {
	local name=$1 v=$2 lo=$3 hi=$4 unit=${5:-}
	if [ -n "$v" ] && awk -v v="$v" -v lo="$lo" -v hi="$hi" \
		'BEGIN { exit !(v + 0 >= lo + 0 && v + 0 <= hi + 0) }'; then
		pass "$name: $v$unit in [$lo, $hi]"
	else
		fail "$name: ${v:-<none>}$unit not in [$lo, $hi]"
	fi
}

# kv KEY TEXT: the value of KEY=value in TEXT (first match).
kv() { grep -o "\\b$1=[^ ]*" <<<"$2" | head -n 1 | cut -d= -f2; }

# calc EXPR: floating-point arithmetic.
calc() { awk "BEGIN { printf \"%.4f\", $* }"; }

finish() {
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed, $T_INVALID invalid (not judged)"
	[ "$T_FAIL" = 0 ]
	exit $?
}

cleanup() {
	local p c
	for c in "${T_CLEANUP[@]+"${T_CLEANUP[@]}"}"; do eval "$c" || true; done
	for p in "${T_LABS[@]+"${T_LABS[@]}"}"; do "$LAB" down --prefix "$p" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A prefix of our own: w, two letters of the test, the pid mod 1000.
prefix_for() { printf 'w%s%03d' "$1" $(($$ % 1000)); }

# lab_up PREFIX ARGS...: build a lab, torn down at exit; try3 looks at the
# emulator of the last one built.
T_LAB=""
lab_up() {
	local p=$1; shift
	T_LABS+=("$p")
	T_LAB=$p
	"$LAB" up --prefix "$p" "$@" || { fail "lab up --prefix $p $*"; finish; }
}

lab_set() {
	local p=$1; shift
	"$LAB" set --prefix "$p" "$@" >/dev/null 2>&1 || { fail "lab set $*"; finish; }
}

# try3 FUNC ARGS...: FUNC measures and runs a block of checks. On a shared
# machine another job can starve the network stack for a moment, so a block
# that fails or whose measurement was invalid is measured again, up to three
# times; the output of the passing attempt (or of the third) is what counts,
# marked with its attempt number.
try3() {
	local i out nbad
	for i in 1 2 3; do
		out=$("$@" 2>&1)
		nbad=$(grep -c '^\(FAIL\|INVALID\) - ' <<<"$out")
		[ "$nbad" = 0 ] && break
	done
	[ "$i" = 1 ] || out=$(sed "s/^\(ok\|FAIL\|INVALID\) - /\1 - [attempt $i] /" <<<"$out")
	# A block that still fails while wanem itself says it was starved
	# (released its frames late) measured the machine, not the emulator.
	local why
	if grep -q '^FAIL - ' <<<"$out" && why=$(emu_starved "$T_LAB"); then
		out=$(sed "s/^FAIL - /INVALID - ($why) /" <<<"$out")
	fi
	printf '%s\n' "$out"
	T_PASS=$((T_PASS + $(grep -c '^ok - ' <<<"$out")))
	T_FAIL=$((T_FAIL + $(grep -c '^FAIL - ' <<<"$out")))
	T_INVALID=$((T_INVALID + $(grep -c '^INVALID - ' <<<"$out")))
}

# quiet_or_skip PREFIX: the timing checks measure tens of microseconds; on a
# machine where other work starves the network stack (the path without
# wanem is slow) they would measure that work instead. Measure the path with
# a plain bridge in wanem's place and skip if its median RTT is over 0.3 ms
# (on an idle 2-core VM it is about 0.05 ms).
quiet_or_skip() {
	local p=$1 med
	"$LAB" set --prefix "$p" --no-emu >/dev/null 2>&1 || { fail "lab set --no-emu"; finish; }
	ping_rtt "$p" a1 b1 3 0.1 >/dev/null
	med=$(ping_rtt "$p" a1 b1 100 0.005 | awk '{ print $2 }')
	if awk -v m="${med:-99}" 'BEGIN { exit !(m > 0.3) }'; then
		skip "machine too busy for timing checks: median RTT across a plain bridge is ${med:-?} ms"
	fi
	echo "# machine quiet enough: median RTT across a plain bridge $med ms"
}

# in_ns PREFIX NODE CMD...
in_ns() { local p=$1 n=$2; shift 2; ip netns exec "$p-$n" "$@"; }

# tcpcheck.py's endpoints in the lab (tests/wan/tcpcheck.py, Debian's
# python3), for suites that set P, TMP and PORT (each serve takes the next
# port) and perhaps TC_TIMEOUT (seconds; 150).
TC=$WAN_ROOT/tests/wan/tcpcheck.py
PY=/usr/bin/python3
# serve NODE [--text] MODE [ARG]: its server in NODE's namespace in the
# background (SRV its pid), output in $TMP/NODE.out; returns once the
# listener on the new PORT is up.
serve() {
	local node=$1 text=
	shift
	[ "$1" = --text ] && { text=--text; shift; }
	PORT=$((PORT + 1))
	# shellcheck disable=SC2086  # text is empty or one word
	in_ns "$P" "$node" timeout "${TC_TIMEOUT:-150}" "$PY" "$TC" $text serve "$PORT" "$@" \
		>"$TMP/$node.out" 2>&1 &
	SRV=$!
	for _ in $(seq 1 100); do
		in_ns "$P" "$node" ss -Htln "sport = :$PORT" | grep -q . && return 0
		sleep 0.05
	done
}
# client NODE [--text] MODE ARGS...: its client in NODE's namespace.
client() { local node=$1; shift; in_ns "$P" "$node" timeout "${TC_TIMEOUT:-150}" "$PY" "$TC" "$@" 2>&1; }

# kegd_restart_with PREFIX NODE ARGS...: NODE's kegd (deploy/lab/keg.sh)
# restarted with ARGS added to its arguments for this run only (a later
# `keg.sh start` has the usual ones again).
kegd_restart_with() {
	local p=$1 node=$2 ks old
	shift 2
	ks=/run/keg-lab/$p/keg
	old=$(cat "$ks/kegd_args")
	"$WAN_ROOT/deploy/lab/keg.sh" stop --prefix "$p" "$node"
	echo "$old $*" >"$ks/kegd_args"
	"$WAN_ROOT/deploy/lab/keg.sh" start --prefix "$p" "$node"
	# keg.sh reads the arguments in its background child: restore them
	# only once the new kegd runs with them.
	for _ in $(seq 1 100); do
		tr '\0' ' ' <"/proc/$(cat "$ks/kegd-$node.pid")/cmdline" 2>/dev/null |
			grep -q -- "$*" && break
		sleep 0.05
	done
	echo "$old" >"$ks/kegd_args"
}

# wanem_stats PREFIX DIR: the emulator's latest counters for a2b or b2a.
wanem_stats() {
	local log=/run/keg-lab/$1/wanem.log pid
	pid=$(cat "/run/keg-lab/$1/wanem.pid")
	kill -USR1 "$pid"
	sleep 0.2
	grep "^wanem: $2 stats" "$log" | tail -n 1
}

# udp PREFIX SRC DST_NODE COUNT PPS SIZE [FAMILY]: numbered datagrams from SRC
# to DST_NODE; prints the receiver's key=value line.
udp() {
	local p=$1 src=$2 dst=$3 count=$4 pps=$5 size=$6 fam=${7:-4} out port
	local addr
	addr=$("$LAB" addr --prefix "$p" "$dst" "$fam")
	port=$((9000 + RANDOM % 1000))
	out=$(mktemp)
	in_ns "$p" "$dst" "$UDPGEN" recv --port "$port" --count "$count" \
		--idle 1500 --timeout 120 >"$out" 2>"$out.err" &
	local rpid=$! i
	for i in $(seq 1 500); do
		grep -q listening "$out.err" 2>/dev/null && break
		sleep 0.02
	done
	grep -q listening "$out.err" 2>/dev/null ||
		echo "wan: udp receiver in $dst not listening after 10 s" >&2
	local snd
	snd=$(in_ns "$p" "$src" "$UDPGEN" send --dst "$addr" --port "$port" \
		--count "$count" --pps "$pps" --size "$size")
	wait "$rpid"
	# Where else datagrams can die: the receiving socket's buffer. And
	# whether the sender kept the rate it was asked for.
	printf '%s rcvbuf_errors=%s send_pps=%s\n' "$(cat "$out")" \
		"$(in_ns "$p" "$dst" nstat -az UdpRcvbufErrors Udp6RcvbufErrors |
		   awk '/RcvbufErrors/ { n += $2 } END { print n + 0 }')" \
		"$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "=");
		      if (kv[1] == "sent") n = kv[2]; if (kv[1] == "seconds") s = kv[2] } }
		      END { printf "%.0f", (s > 0 ? n / s : 0) }' <<<"$snd")"
	rm -f "$out" "$out.err"
}

# udp_invalid RESULT [PPS]: prints why a udp measurement cannot be judged
# and succeeds, or fails when it is valid. Datagrams the receiving socket
# dropped are the host's losses, not the emulator's. With PPS (checks of a
# rate or a full buffer, which assume the load was offered): a sender that
# fell more than 10% short of PPS did not offer it.
udp_invalid() {
	local r=$1 pps=${2:-} over sent
	over=$(kv rcvbuf_errors "$r")
	sent=$(kv send_pps "$r")
	if [ "${over:-0}" != 0 ]; then
		echo "the receiving socket overflowed ($over datagrams dropped by the host)"
	elif [ -n "$pps" ] && awk -v s="${sent:-0}" -v p="$pps" 'BEGIN { exit !(s < p * 0.9) }'; then
		echo "the sender managed ${sent:-?} of $pps datagrams/s"
	else
		return 1
	fi
}

# ping_rtt PREFIX SRC DST_NODE COUNT INTERVAL: "min median avg p99 max" RTT
# in ms.
ping_rtt() {
	local p=$1 src=$2 dst=$3 n=$4 i=$5 addr
	addr=$("$LAB" addr --prefix "$p" "$dst")
	in_ns "$p" "$src" ping -c "$n" -i "$i" -W 5 "$addr" |
		sed -n 's/.* time=\([0-9.]*\) ms$/\1/p' | sort -n |
		awk '{ v[NR] = $1; s += $1 }
		     END { if (NR) printf "%.3f %.3f %.3f %.3f %.3f\n", v[1],
			   v[int((NR + 1) / 2)], s / NR, v[int((NR - 1) * 0.99) + 1], v[NR] }'
}

# iperf PREFIX SRC DST_NODE IPERF3-CLIENT-ARGS...: receiver's goodput in
# Mbit/s, or "error: ..." (the server is started for the one run and waited
# for, so a slow machine does not turn into a refused connection). The JSON
# goes to $IPERF_JSON if set.
iperf() {
	local p=$1 src=$2 dst=$3 port=$((5300 + RANDOM % 600)) j i
	shift 3
	in_ns "$p" "$dst" iperf3 -s -1 -D -p "$port" || { echo "error: iperf3 -s"; return; }
	for i in $(seq 1 100); do
		in_ns "$p" "$dst" ss -Htln "sport = :$port" | grep -q . && break
		sleep 0.05
	done
	j=$(in_ns "$p" "$src" timeout 60 iperf3 -c "$("$LAB" addr --prefix "$p" "$dst")" \
		-p "$port" -J "$@" 2>&1)
	[ -z "${IPERF_JSON:-}" ] || printf '%s\n' "$j" >"$IPERF_JSON"
	jq -r 'if .error then "error: " + .error
	       else .end.sum_received.bits_per_second / 1e6 end' <<<"$j" 2>/dev/null ||
		echo "error: no result from iperf3"
}

# judged WHAT RESULT [PPS]: succeeds when a udp measurement can be judged;
# otherwise reports it INVALID (try3 measures again) and fails, so a block
# writes `judged ... || return` before its checks.
judged() {
	local why
	why=$(udp_invalid "$2" "${3:-}") || return 0
	invalid "$1: $why"
	return 1
}

# emu_starved PREFIX: prints why wanem's own timing since it was last
# (re)started cannot be trusted, and succeeds; fails when it can. wanem
# counts how late it released frames against their schedule (late_avg_us):
# at SCHED_FIFO it is a few microseconds; hundreds mean the machine kept
# it from running, and every delay, rate and buffer figure measured through
# it then measures that.
EMU_LATE_MAX_US=${EMU_LATE_MAX_US:-200}
emu_starved() {
	local p=$1 d s late
	[ -n "$p" ] && [ -f "/run/keg-lab/$p/wanem.pid" ] || return 1
	for d in a2b b2a; do
		s=$(wanem_stats "$p" "$d")
		late=$(kv late_avg_us "$s")
		if awk -v l="${late:-0}" -v m="$EMU_LATE_MAX_US" 'BEGIN { exit !(l > m) }'; then
			echo "wanem starved: $d frames released ${late} us late on average, max $(kv late_max_us "$s") us"
			return 0
		fi
	done
	return 1
}
