# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
# lib.sh - sourced by tests/integration/test_*.sh.
#
# A suite calls t_init PREFIX, builds its lab with t_netns/t_veth, runs
# checks that print "ok - ..." or "FAIL - ...", and ends with t_done, which
# exits 0 (all ok) or 1. A missing tool exits 77 (skipped) through t_need.
# Everything a suite creates is registered and torn down by an EXIT trap,
# failure or not: keg detached, namespaces (and the links in them) deleted,
# leftover pins of the suite's interfaces removed. PREFIX is unique per
# suite and starts every namespace and interface name, so suites never
# collide with each other or with the demo ("kdemo") and WAN lab.
#
# kegctl runs inside a namespace with `nsenter --net=/run/netns/NAME`
# (t_kegctl), never `ip netns exec`, which remounts /sys and would hide the
# bpffs where keg pins its maps.

set -u

T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KEGCTL=${KEGCTL:-$T_ROOT/build/kegctl}
# A foreign XDP program, for suites that check keg refuses to replace one
# on its own interface (never loaded on a customer side).
XDP_PASS_OBJ=${XDP_PASS_OBJ:-$T_ROOT/build/xdp_pass.bpf.o}
KEG_PIN_ROOT=/sys/fs/bpf/keg
KEG_LOCK_DIR=/sys/fs/bpf/keg_locks	# one lock per interface (pins.h)
T_SKIP=77

T_PREFIX=""
T_FAILS=0
T_CHECKS=0
T_NETNS=()		# namespaces to delete
T_ATTACHED=()		# "NS IFACE" pairs to detach
T_PINS=()		# interface names whose pin directory must not survive
T_FILES=()		# temporary files and directories
T_START=$SECONDS
T_OUT=""		# output of the last t_kegctl

# ---- reporting -----------------------------------------------------------

t_ok() {
	T_CHECKS=$((T_CHECKS + 1))
	echo "ok - $*"
}

t_fail() {
	T_CHECKS=$((T_CHECKS + 1))
	T_FAILS=$((T_FAILS + 1))
	echo "FAIL - $*"
}

# t_check DESCRIPTION CMD...: ok if CMD succeeds.
t_check() {
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_fail "$desc"; fi
}

# t_info TEXT: indented detail under the last check.
t_info() {
	printf '%s\n' "$@" | sed 's/^/    /'
}

# t_quiet CMD...: CMD with its output discarded (for t_check).
t_quiet() {
	"$@" >/dev/null 2>&1
}

t_skip() {
	echo "SKIP - $*"
	exit $T_SKIP
}

t_die() {
	t_fail "$*"
	exit 1
}

t_done() {
	echo "# $T_CHECKS checks, $T_FAILS failed, $((SECONDS - T_START))s"
	[ "$T_FAILS" -eq 0 ] && exit 0
	exit 1
}

# ---- prerequisites -------------------------------------------------------

# t_need TOOL...: skip the suite when a tool is missing.
t_need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || t_skip "needs $t"
	done
}

t_init() {
	T_PREFIX=$1
	[ "$(id -u)" -eq 0 ] || t_skip "needs root"
	t_need ip nsenter jq bpftool
	[ -x "$KEGCTL" ] || t_skip "no $KEGCTL (run make)"
	[ -f "$XDP_PASS_OBJ" ] || t_skip "no $XDP_PASS_OBJ (run make)"
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM HUP PIPE
	t_bpffs
	# A previous run killed with SIGKILL leaves its namespaces behind.
	t_cleanup_stale
}

# keg pins under /sys/fs/bpf: make sure a bpffs is mounted there (systemd
# does it on a normal host; a bare container may not have it).
t_bpffs() {
	if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
		mount -t bpf bpf /sys/fs/bpf 2>/dev/null ||
			t_skip "no bpffs at /sys/fs/bpf and cannot mount one"
		echo "# mounted bpffs at /sys/fs/bpf"
	fi
}

t_cleanup_stale() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $ns in
		"$T_PREFIX"-*) ip netns del "$ns" 2>/dev/null ;;
		esac
	done
	for ns in "$KEG_PIN_ROOT/$T_PREFIX"-*; do
		[ -d "$ns" ] && rm -rf "$ns"
	done
	return 0
}

# ---- kegd -------------------------------------------------------------------

KEGD=${KEGD:-$T_ROOT/build/kegd}
T_KEGD_PID=""		# the suite's kegd, stopped first by t_cleanup
T_KEGD_LOG=""

# t_kegd_start NS IFACE...: kegd on IFACEs inside NS, its log in
# $T_KEGD_LOG; succeeds once it says it runs (within 5 s), else prints the
# log and fails.
t_kegd_start() {
	local ns=$1 ifc args=()
	shift
	for ifc; do args+=(--iface "$ifc"); done
	t_tmp T_KEGD_LOG
	nsenter --net="/run/netns/$ns" "$KEGD" "${args[@]}" >"$T_KEGD_LOG" 2>&1 &
	T_KEGD_PID=$!
	for _ in $(seq 50); do
		grep -q "running on" "$T_KEGD_LOG" && return 0
		kill -0 "$T_KEGD_PID" 2>/dev/null || break
		sleep 0.1
	done
	t_info "$(cat "$T_KEGD_LOG")"
	return 1
}

# t_kegd_stop: SIGTERM, and wait for it to leave the XSKMAP and exit.
t_kegd_stop() {
	[ -n "$T_KEGD_PID" ] || return 0
	kill -TERM "$T_KEGD_PID" 2>/dev/null
	wait "$T_KEGD_PID" 2>/dev/null
	T_KEGD_PID=""
}

t_cleanup() {
	local rc=$? a ns ifc
	trap - EXIT
	t_kegd_stop
	for a in "${T_ATTACHED[@]+"${T_ATTACHED[@]}"}"; do
		ns=${a% *}
		ifc=${a#* }
		[ -e "/run/netns/$ns" ] &&
			timeout 30 nsenter --net="/run/netns/$ns" "$KEGCTL" detach "$ifc" >/dev/null 2>&1
	done
	for ns in "${T_NETNS[@]+"${T_NETNS[@]}"}"; do
		ip netns del "$ns" 2>/dev/null
	done
	for ifc in "${T_PINS[@]+"${T_PINS[@]}"}"; do
		[ -n "$ifc" ] && [ -d "$KEG_PIN_ROOT/$ifc" ] && rm -rf "${KEG_PIN_ROOT:?}/$ifc"
		[ -n "$ifc" ] && rmdir "$KEG_LOCK_DIR/$ifc" 2>/dev/null
	done
	for a in "${T_FILES[@]+"${T_FILES[@]}"}"; do
		rm -rf "$a"
	done
	exit "$rc"
}

# t_tmp VAR [-d]: a temporary file (directory with -d) removed on exit.
t_tmp() {
	local p
	p=$(mktemp ${2:+-d} "/tmp/$T_PREFIX.XXXXXX") || t_die "mktemp"
	T_FILES+=("$p")
	printf -v "$1" '%s' "$p"
}

# ---- lab -----------------------------------------------------------------

# t_netns NAME: a namespace with lo up, no DAD, no IPv6 router solicitation
# noise. NAME must start with the suite prefix.
t_netns() {
	local ns=$1
	case $ns in "$T_PREFIX"-*) ;; *) t_die "namespace $ns lacks prefix $T_PREFIX" ;; esac
	ip netns add "$ns" || t_die "ip netns add $ns"
	T_NETNS+=("$ns")
	t_in "$ns" ip link set lo up
	t_in "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.all.forwarding=0 >/dev/null
}

# t_in NS CMD...: run CMD in the network namespace NS.
t_in() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# t_veth NS1 IF1 NS2 IF2: a veth pair, both ends up. IF1 is the side keg
# may attach to; IF2 is the client side and gets nothing but what the suite
# gives it (addresses, routes): keg's replies must reach a customer's
# container as it is (on veth keg sends them from tc ingress, reply.h).
t_veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" ||
		t_die "veth $2/$4"
	T_PINS+=("$2" "$4")
	t_in "$1" ip link set "$2" up
	t_in "$3" ip link set "$4" up
}

# t_no_xdp NS IFACE: true when IFACE runs no XDP program (a customer side
# must not need one).
t_no_xdp() {
	[ "$(t_in "$1" ip -j link show dev "$2" | jq -r '.[0].xdp // empty')" = "" ]
}

# t_reply_path NS IFACE: the proxy reply path `kegctl status --json` reports
# for IFACE ("xdp", "tc"), or "none".
t_reply_path() {
	t_kegctl "$1" status --json || { echo none; return; }
	printf '%s\n' "$T_OUT" | jq -r --arg i "$2" \
		'first(.[] | select(.iface == $i) | .replies.path) // "none"'
}

# A server and a customer namespace on either side of a router namespace,
# routed both ways through it: P-s (10.N.1.1) on P-s0 -- P-r0 (10.N.1.254)
# P-r P-r1 (10.N.2.254) -- P-c1 (10.N.2.2) on P-c. For the shaping suites.
t_routed_pair() {
	local p=$1 n=$2
	t_netns "$p-s"
	t_netns "$p-r"
	t_netns "$p-c"
	t_veth "$p-r" "$p-r0" "$p-s" "$p-s0"
	t_veth "$p-r" "$p-r1" "$p-c" "$p-c1"
	t_in "$p-s" ip addr add "10.$n.1.1/24" dev "$p-s0"
	t_in "$p-r" ip addr add "10.$n.1.254/24" dev "$p-r0"
	t_in "$p-r" ip addr add "10.$n.2.254/24" dev "$p-r1"
	t_in "$p-c" ip addr add "10.$n.2.2/24" dev "$p-c1"
	t_in "$p-s" ip route add default via "10.$n.1.254"
	t_in "$p-c" ip route add default via "10.$n.2.254"
	t_in "$p-r" sysctl -qw net.ipv4.ip_forward=1
}

# t_mac NS IFACE: the interface's MAC, lower case; fails when there is
# none. (Not from /sys/class/net: nsenter --net keeps the root namespace's
# sysfs.)
t_mac() {
	local mac
	mac=$(t_in "$1" ip -j link show dev "$2" | jq -r '.[0].address // empty')
	[ -n "$mac" ] && printf '%s\n' "$mac"
}

# ---- kegctl --------------------------------------------------------------

# t_kegctl NS ARGS...: kegctl inside NS; output (stdout+stderr) in T_OUT,
# returns kegctl's exit status.
# kegctl serialises every change on one lock: a kegctl that does not return
# within T_KEGCTL_TIMEOUT seconds (default 60) fails with a message saying
# so instead of hanging the suite.
t_kegctl() {
	local ns=$1 rc
	shift
	T_OUT=$(timeout "${T_KEGCTL_TIMEOUT:-60}" \
		nsenter --net="/run/netns/$ns" "$KEGCTL" "$@" 2>&1)
	rc=$?
	[ $rc -eq 124 ] && T_OUT="${T_OUT:+$T_OUT
}kegctl $* did not return within ${T_KEGCTL_TIMEOUT:-60}s (waiting for the keg lock? $(t_lock_holders))"
	return $rc
}

# Who holds keg's locks (flock on /sys/fs/bpf/keg, and on
# /sys/fs/bpf/keg_locks/IFACE), as "held by PID: COMMAND".
t_lock_holders() {
	local ino pid d
	for d in "$KEG_PIN_ROOT" "$KEG_LOCK_DIR"/*; do
		ino=$(stat -c %i "$d" 2>/dev/null) || continue
		for pid in $(t_flock_pids "$d"); do
			printf '%s held by %s: %s\n' "$d" "$pid" \
				"$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80)"
		done
	done
}

# t_flock_pids PATH: the PIDs holding a flock on PATH (none: no output).
t_flock_pids() {
	local ino
	ino=$(stat -c %i "$1" 2>/dev/null) || return 0
	awk -v i=":$ino" '$2 == "FLOCK" && $4 != "->" && substr($6, length($6) - length(i) + 1) == i { print $5 }' /proc/locks
}

# t_expect_err NS DESC REGEX ARGS...: kegctl ARGS (in NS) exits non-zero
# and its message matches REGEX (extended, case-insensitive).
t_expect_err() {
	local ns=$1 desc=$2 re=$3 rc
	shift 3
	t_kegctl "$ns" "$@"
	rc=$?
	if [ $rc -ne 0 ] && grep -Eqi -- "$re" <<<"$T_OUT"; then
		t_ok "$desc: exit $rc, \"$(head -1 <<<"$T_OUT")\""
	elif [ $rc -eq 0 ]; then
		t_fail "$desc: kegctl $* succeeded: ${T_OUT:-(no output)}"
	else
		t_fail "$desc: exit $rc but message does not match /$re/: ${T_OUT:-(no output)}"
	fi
}

# t_keg_ok NS DESC ARGS...: a kegctl command that must succeed.
t_keg_ok() {
	local ns=$1 desc=$2
	shift 2
	if t_kegctl "$ns" "$@"; then
		t_ok "$desc"
	else
		t_fail "$desc (kegctl $*: exit $?)"
		t_info "$T_OUT"
	fi
}

# t_attach NS IFACE [ARGS...]: attach keg and remember to detach it.
t_attach() {
	local ns=$1 ifc=$2
	shift 2
	T_ATTACHED+=("$ns $ifc")
	T_PINS+=("$ifc")
	t_keg_ok "$ns" "kegctl attach $ifc${*:+ $*}" attach "$ifc" "$@"
}

# t_stat IFACE COUNTER: the counter summed over CPUs, read from the pinned
# keg_stats map with bpftool (independent of kegctl's output format).
t_stat() {
	bpftool -j map dump pinned "$KEG_PIN_ROOT/$1/keg_stats" 2>/dev/null |
		jq -r --arg c "$2" \
			'[.[0].formatted.values[].value[$c]] | add // "none"'
}

# t_stat_kegctl NS IFACE COUNTER: the same through `kegctl stats --json`.
t_stat_kegctl() {
	t_kegctl "$1" stats --iface "$2" --json || { echo none; return; }
	printf '%s\n' "$T_OUT" | jq -r --arg c "$3" --arg i "$2" \
		'first(.[] | select(.iface == $i) | .counters[$c]) // "none"'
}

# ---- clients -------------------------------------------------------------

# t_arping NS IFACE ADDR: prints the replying MAC (lower case), returns
# arping's status (0 = answered). One request, 1 s wait, exit at the reply.
t_arping() {
	local out rc
	out=$(t_in "$1" arping -c 1 -C 1 -w 1 -I "$2" "$3" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed -n 's/.* from \([0-9a-fA-F:]\{17\}\) .*/\1/p' |
		head -1 | tr 'A-F' 'a-f'
	return $rc
}

# t_ndisc NS IFACE ADDR [SRC]: prints the target link-layer address,
# returns ndisc6's status (0 = answered).
t_ndisc() {
	local out rc src=()
	[ $# -ge 4 ] && src=(-s "$4")
	out=$(t_in "$1" ndisc6 -1 -n -r 1 -w 1000 "${src[@]+"${src[@]}"}" "$3" "$2" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed -n 's/^Target link-layer address: *//p' |
		head -1 | tr 'A-F' 'a-f'
	return $rc
}

# t_expect_arp_reply DESC NS IFACE ADDR MAC / t_expect_arp_silence DESC NS
# IFACE ADDR; the ns variants take an optional source address last.: ARP for ADDR answered with MAC.
t_expect_arp_reply() {
	local desc=$1 got
	got=$(t_arping "$2" "$3" "$4")
	if [ $? -eq 0 ] && [ "$got" = "$5" ]; then
		t_ok "$desc"
	else
		t_fail "$desc (expected a reply from $5, got '${got:-no reply}')"
	fi
}

t_expect_arp_silence() {
	local desc=$1 got
	if got=$(t_arping "$2" "$3" "$4"); then
		t_fail "$desc (unexpected reply from $got)"
	else
		t_ok "$desc"
	fi
}

t_expect_ns_reply() {
	local desc=$1 got
	got=$(t_ndisc "$2" "$3" "$4" ${6:+"$6"})
	if [ $? -eq 0 ] && [ "$got" = "$5" ]; then
		t_ok "$desc"
	else
		t_fail "$desc (expected a reply from $5, got '${got:-no reply}')"
	fi
}

t_expect_ns_silence() {
	local desc=$1 got
	if got=$(t_ndisc "$2" "$3" "$4" ${5:+"$5"}); then
		t_fail "$desc (unexpected reply from $got)"
	else
		t_ok "$desc"
	fi
}

# t_expect_delta DESC IFACE COUNTER BEFORE MIN: COUNTER grew by >= MIN.
t_expect_delta() {
	local now
	now=$(t_stat "$2" "$3")
	if [ "$now" != none ] && [ "$4" != none ] && [ $((now - $4)) -ge "$5" ]; then
		t_ok "$1 ($3 +$((now - $4)))"
	else
		t_fail "$1 ($3: before $4, now $now, expected +$5 or more)"
	fi
}
