#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# keg.sh - keg's transport on the two-site lab of lab.sh: both gateways
# attached, a key each, each other's site, intercept rules for the other
# site's LAN (IPv4 and IPv6, TCP, UDP, ICMP) and kegd running, so traffic
# between a1 and b1 crosses the WAN in kegs.
#
# Usage: keg.sh COMMAND [--prefix P] [options]
#   up      set it all up on a lab that is up (lab.sh up)
#   down    stop kegd, delete the sites and rules, detach (lab.sh down
#           calls it)
#   stop    NODE [SIGNAL]  stop kegd on gwa or gwb (default TERM; KILL to
#           crash it)
#   start   NODE           start kegd on gwa or gwb again
#   ctl     NODE ARGS...   kegctl ARGS in NODE's network namespace
#   wait-up [SECONDS]      wait until both gateways report their site up
#   pause | resume         disable | enable the intercept rules on both
#                          gateways (traffic crosses plain | in kegs)
#   log     NODE           kegd's log of NODE
# up options: --cc ALGO (kegd's congestion control, default bbr),
#   --maxrate RATE (both sites' MaxRate), --when-down forward|block,
#   --no-terminate (TCP carried as packets in kegs, not terminated at the
#   gateways),
#   --kegd-args "..." (any other kegd option)
# Environment: KEGCTL, KEGD (default build/ of this tree), LAB_STATE.
#
# kegctl and kegd run in a gateway's namespace with nsenter --net (not ip
# netns exec, which would hide the root bpffs where keg pins its maps).

set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KEGCTL=${KEGCTL:-$ROOT/build/kegctl}
KEGD=${KEGD:-$ROOT/build/kegd}
STATE_ROOT=${LAB_STATE:-/run/keg-lab}

P=${LAB_PREFIX:-kl}
CC=bbr
MAXRATE=
WHEN_DOWN=forward
KEGD_ARGS=
TERMINATE=

die() { echo "keg.sh: $*" >&2; exit 1; }
log() { [ -n "${LAB_QUIET:-}" ] || echo "keg.sh: $*" >&2; }

usage() {
	sed -n '/^# Usage:/,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}

in_ns() { local n=$1; shift; nsenter --net="/run/netns/$P-$n" "$@"; }
ctl() { local n=$1; shift; in_ns "$n" "$KEGCTL" "$@"; }

# NODE -> its LAN interface, its site name, the other side's node.
lan_if() { echo "$P-g${1#gw}l"; }
site_of() { [ "$1" = gwa ] && echo A || echo B; }
peer_of() { [ "$1" = gwa ] && echo gwb || echo gwa; }

parse_opts() {
	local args=()
	while [ $# -gt 0 ]; do
		case $1 in
		--prefix) [ $# -ge 2 ] || die "--prefix needs a value"; P=$2; shift 2 ;;
		--cc) [ $# -ge 2 ] || die "--cc needs a value"; CC=$2; shift 2 ;;
		--maxrate) [ $# -ge 2 ] || die "--maxrate needs a value"; MAXRATE=$2; shift 2 ;;
		--when-down) [ $# -ge 2 ] || die "--when-down needs a value"; WHEN_DOWN=$2; shift 2 ;;
		--kegd-args) [ $# -ge 2 ] || die "--kegd-args needs a value"; KEGD_ARGS=$2; shift 2 ;;
		--no-terminate) TERMINATE=--no-terminate; shift ;;
		-h|--help) usage 0 ;;
		*)
			# From the first word that is no option of ours on,
			# everything is the command's (ctl passes it to kegctl
			# as it is: its --maxrate is not ours).
			args+=("$@")
			break ;;
		esac
	done
	STATE=$STATE_ROOT/$P
	KSTATE=$STATE/keg
	REST=(${args[@]+"${args[@]}"})
}

net_of_lab() {
	[ -f "$STATE/lab.env" ] || die "no lab '$P' (lab.sh up --prefix $P first)"
	# shellcheck disable=SC1091
	. "$STATE/lab.env"
}

kegd_start() {
	local node=$1 pid
	# nsenter execs kegd: $! is kegd's pid (a shell function in the
	# background would be a subshell, and killing it would not kill kegd).
	# shellcheck disable=SC2086  # KEGD_ARGS is a list of words
	nsenter --net="/run/netns/$P-$node" "$KEGD" --iface "$(lan_if "$node")" \
		--cc "$(cat "$KSTATE/cc")" $(cat "$KSTATE/kegd_args") \
		>>"$KSTATE/kegd-$node.log" 2>&1 &
	pid=$!
	echo "$pid" >"$KSTATE/kegd-$node.pid"
	# Running when it published its sockets (or gone: say why).
	for _ in $(seq 1 100); do
		grep -q "running on" "$KSTATE/kegd-$node.log" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	tail -n 5 "$KSTATE/kegd-$node.log" >&2
	die "kegd on $node did not start"
}

kegd_stop() {
	local node=$1 sig=${2:-TERM} pid
	[ -f "$KSTATE/kegd-$node.pid" ] || return 0
	pid=$(cat "$KSTATE/kegd-$node.pid")
	rm -f "$KSTATE/kegd-$node.pid"
	kill "-$sig" "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
}

cmd_up() {
	local node lan peer net4 net6 pub
	[ "$(id -u)" = 0 ] || die "must run as root"
	[ -x "$KEGCTL" ] && [ -x "$KEGD" ] || die "build $KEGCTL and $KEGD first (make)"
	net_of_lab
	[ ! -d "$KSTATE" ] || die "keg is up on lab '$P' already (keg.sh down first)"
	mkdir -p "$KSTATE"
	chmod 700 "$KSTATE"
	echo "$CC" >"$KSTATE/cc"
	echo "$KEGD_ARGS" >"$KSTATE/kegd_args"
	trap 'rc=$?; trap - EXIT; [ $rc = 0 ] || { log "up failed, undoing"; cmd_down; }; exit $rc' EXIT
	for node in gwa gwb; do
		ctl "$node" attach "$(lan_if "$node")" >/dev/null
		ctl "$node" keygen "$KSTATE/$node.key" >"$KSTATE/$node.pub"
	done
	for node in gwa gwb; do
		peer=$(peer_of "$node")
		pub=$(cat "$KSTATE/$peer.pub")
		ctl "$node" site add "$(site_of "$node")" "$("$ROOT/deploy/lab/lab.sh" addr --prefix "$P" "$node-wan")" \
			--local --key "$KSTATE/$node.key" ${MAXRATE:+--maxrate "$MAXRATE"} >/dev/null
		ctl "$node" site add "$(site_of "$peer")" "$("$ROOT/deploy/lab/lab.sh" addr --prefix "$P" "$peer-wan")" \
			--pubkey "$pub" ${MAXRATE:+--maxrate "$MAXRATE"} >/dev/null
		lan=$(lan_if "$node")
		if [ "$node" = gwa ]; then net4="10.$NET.1.0/24 10.$NET.2.0/24" net6="fd00:$NET:1::/64 fd00:$NET:2::/64"
		else net4="10.$NET.2.0/24 10.$NET.1.0/24" net6="fd00:$NET:2::/64 fd00:$NET:1::/64"; fi
		set -- $net4
		ctl "$node" intercept add --site "$(site_of "$peer")" --src "$1" --dst "$2" \
			--proto IUT --when-down "$WHEN_DOWN" $TERMINATE --iface "$lan" >>"$KSTATE/rules-$node"
		set -- $net6
		ctl "$node" intercept add --site "$(site_of "$peer")" --src "$1" --dst "$2" \
			--proto IUT --when-down "$WHEN_DOWN" $TERMINATE --iface "$lan" >>"$KSTATE/rules-$node"
	done
	kegd_start gwa
	kegd_start gwb
	trap - EXIT
	log "up: sites A (gwa) and B (gwb), kegd on both ($CC); keg.sh wait-up to wait for the connection"
}

# Until both gateways see the other site up (state from `kegctl site list`).
cmd_wait_up() {
	local limit=${REST[0]:-10} i node st ok
	for i in $(seq 1 $((limit * 10))); do
		ok=1
		for node in gwa gwb; do
			st=$(ctl "$node" site list --json 2>/dev/null |
				jq -r --arg s "$(site_of "$(peer_of "$node")")" \
					'.[] | select(.name == $s) | .state' 2>/dev/null || true)
			[ "$st" = up ] || ok=0
		done
		[ $ok = 0 ] || return 0
		sleep 0.1
	done
	die "the sites are not up after ${limit}s"
}

# pause: the rules disabled on both gateways (traffic crosses plain, routed
# by the kernel; kegd and its connection stay up); resume: enabled again.
cmd_rules() {
	local verb=$1 node id
	for node in gwa gwb; do
		for id in $(grep -o '[0-9]\+' "$KSTATE/rules-$node"); do
			ctl "$node" intercept "$verb" "$id" --iface "$(lan_if "$node")" >/dev/null
		done
	done
}

cmd_down() {
	local node name
	[ -d "$KSTATE" ] || return 0
	for node in gwa gwb; do kegd_stop "$node" TERM; done
	for node in gwa gwb; do
		[ -e "/run/netns/$P-$node" ] || continue
		for name in "$(site_of "$(peer_of "$node")")" "$(site_of "$node")"; do
			ctl "$node" site del "$name" >/dev/null 2>&1 || true
		done
		ctl "$node" detach "$(lan_if "$node")" >/dev/null 2>&1 || true
	done
	rm -rf "$KSTATE"
}

main() {
	[ $# -ge 1 ] || usage
	local cmd=$1; shift
	parse_opts "$@"
	case $cmd in
	up) cmd_up ;;
	down) cmd_down ;;
	wait-up) cmd_wait_up ;;
	pause|resume)
		[ -d "$KSTATE" ] || die "keg is not up on lab '$P' (keg.sh up)"
		cmd_rules "$([ "$cmd" = pause ] && echo disable || echo enable)" ;;
	stop|start|log|ctl)
		[ ${#REST[@]} -ge 1 ] || die "$cmd: which node (gwa or gwb)?"
		local node=${REST[0]}
		[[ $node =~ ^gw[ab]$ ]] || die "$cmd: node is gwa or gwb, not '$node'"
		[ -d "$KSTATE" ] || die "keg is not up on lab '$P' (keg.sh up)"
		case $cmd in
		stop) kegd_stop "$node" "${REST[1]:-TERM}" ;;
		start) kegd_start "$node" ;;
		log) cat "$KSTATE/kegd-$node.log" ;;
		ctl) ctl "$node" "${REST[@]:1}" ;;
		esac ;;
	-h|--help|help) usage 0 ;;
	*) die "unknown command '$cmd' (up, down, stop, start, ctl, wait-up, pause, resume, log)" ;;
	esac
}

main "$@"
