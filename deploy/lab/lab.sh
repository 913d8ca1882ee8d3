#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# lab.sh - a two-site lab in network namespaces, joined by the wanem WAN
# emulator.
#
#   a1..aN --[swa bridge]-- gwa ==WAN== [wan: wanem] ==WAN== gwb --[swb]-- b1..bN
#
# Every namespace and link name starts with the prefix (default "kl"), so
# several labs and other tests can run side by side. Addressing, NET = 10.X:
#   site A LAN  NET.1.0/24  gwa .1, host aK .(10+K)   fd00:X:1::/64
#   WAN         NET.0.0/24  gwa .1, gwb .2            fd00:X::/64
#   site B LAN  NET.2.0/24  gwb .1, host bK .(10+K)   fd00:X:2::/64
# LAN hosts route through their gateway; the gateways route the other site's
# LAN across the WAN. Only the WAN link is emulated, and only there are the
# veth offloads (TSO/GSO/GRO, checksums) off: wanem sees real frames.
#
# Usage: lab.sh COMMAND [--prefix P] [options]
#   up      build the lab and start wanem (tears down what it built on failure)
#   set     restart wanem with new link options (the whole set, not a delta)
#   down    stop wanem (its summary is printed) and remove everything
#   exec    NODE CMD...  run CMD in node NODE (a1, b2, gwa, gwb, wan, swa, swb)
#   addr    NODE [4|6]   print the address of NODE (gateways: LAN side;
#                        gwa-wan, gwb-wan: WAN side)
#   status  show nodes, wanem and its counters
#
# up options: --hosts N (per site, default 1), --queues Q (per veth, default 1),
#   --net X (second octet, default 77), --tcp-mem BYTES (hosts' TCP buffer
#   max, default 67108864), --offload-lan on|off (default on), --no-emu (plain
#   bridge instead of wanem, for comparison)
# link options (up and set), as wanem takes them (see wanem --help), for both
#   directions or, with a2b-/b2a- in front, for one: --delay MS
#   --rtt MS (= --delay RTT/2) --jitter MS --jitter-dist D --jitter-reorder on
#   --loss PCT --ge P,R[,H,K] --rate RATE --buffer SIZE|TIME --reorder PCT
#   --reorder-delay MS --dup PCT --overhead BYTES --seed N
#   --rt-prio N (wanem's data path SCHED_FIFO priority, default 10; 0: off)
#   --wanem-args "..." (any other wanem option, e.g. "--ring v3")
# Environment: WANEM (path of the binary, default build/wanem of this tree),
#   LAB_PREFIX (default prefix), LAB_STATE (state directory, /run/keg-lab).

set -o errexit -o nounset -o pipefail -o errtrace

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WANEM=${WANEM:-$ROOT/build/wanem}
STATE_ROOT=${LAB_STATE:-/run/keg-lab}

P=${LAB_PREFIX:-kl}
HOSTS=1
QUEUES=1
NET=77
TCPMEM=67108864
OFFLOAD_LAN=on
EMU=1
RTPRIO=10
LINK=()
SEED=1

die() { echo "lab: $*" >&2; exit 1; }
log() { [ -n "${LAB_QUIET:-}" ] || echo "lab: $*" >&2; }

ns() { echo "$P-$1"; }
nsx() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }

usage() {
	sed -n '/^# Usage:/,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}

# ---- option parsing ---------------------------------------------------------

need() { [ $# -ge 2 ] || die "$1 needs a value"; }

parse_opts() {
	while [ $# -gt 0 ]; do
		case $1 in
		--prefix) need "$@"; P=$2; shift 2 ;;
		--hosts) need "$@"; HOSTS=$2; shift 2 ;;
		--queues) need "$@"; QUEUES=$2; shift 2 ;;
		--net) need "$@"; NET=$2; shift 2 ;;
		--tcp-mem) need "$@"; TCPMEM=$2; shift 2 ;;
		--offload-lan) need "$@"; OFFLOAD_LAN=$2; shift 2 ;;
		--no-emu) EMU=0; shift ;;
		--rt-prio) need "$@"; RTPRIO=$2; shift 2 ;;
		--rtt)
			need "$@"
			[[ $2 =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--rtt: bad value '$2' (ms)"
			LINK+=(--delay "$(awk -v r="$2" 'BEGIN { printf "%.6gms", r / 2 }')")
			shift 2 ;;
		--delay|--jitter|--jitter-dist|--jitter-reorder|--loss|--ge|--rate|--buffer|\
		--reorder|--reorder-delay|--dup|--overhead|--a2b-*|--b2a-*)
			need "$@"; LINK+=("$1" "$2"); shift 2 ;;
		--seed) need "$@"; SEED=$2; shift 2 ;;
		--wanem-args)
			need "$@"
			# shellcheck disable=SC2206  # word splitting wanted here
			LINK+=($2)
			shift 2 ;;
		-h|--help) usage 0 ;;
		*) die "unknown option '$1' (see lab.sh --help)" ;;
		esac
	done
	[[ $P =~ ^[a-z][a-z0-9]{0,5}$ ]] ||
		die "--prefix: '$P' must be 1-6 of [a-z0-9], starting with a letter"
	[[ $HOSTS =~ ^[0-9]+$ ]] && [ "$HOSTS" -ge 1 ] && [ "$HOSTS" -le 99 ] ||
		die "--hosts: 1..99"
	[[ $QUEUES =~ ^[0-9]+$ ]] && [ "$QUEUES" -ge 1 ] && [ "$QUEUES" -le 64 ] ||
		die "--queues: 1..64"
	[[ $NET =~ ^[0-9]+$ ]] && [ "$NET" -le 255 ] || die "--net: 0..255"
	[[ $TCPMEM =~ ^[0-9]+$ ]] || die "--tcp-mem: bytes"
	[[ $OFFLOAD_LAN =~ ^(on|off)$ ]] || die "--offload-lan: on or off"
	[[ $RTPRIO =~ ^[0-9]+$ ]] && [ "$RTPRIO" -le 99 ] || die "--rt-prio: 0..99"
	STATE=$STATE_ROOT/$P
}

# ---- addressing -------------------------------------------------------------

# addr NODE [4|6]: the node's address on its LAN (gateways: LAN side).
addr_of() {
	local node=$1 fam=${2:-4}
	case $node in
	a[0-9]*) site=1; host=$((10 + ${node#a})) ;;
	b[0-9]*) site=2; host=$((10 + ${node#b})) ;;
	gwa) site=1; host=1 ;;
	gwb) site=2; host=1 ;;
	gwa-wan) site=0; host=1 ;;
	gwb-wan) site=0; host=2 ;;
	*) die "no address for node '$node'" ;;
	esac
	if [ "$fam" = 6 ]; then
		if [ $site = 0 ]; then echo "fd00:$NET::$host"; else echo "fd00:$NET:$site::$host"; fi
	else
		echo "10.$NET.$site.$host"
	fi
}

# ---- building ---------------------------------------------------------------

nodes() {
	local k
	for k in $(seq 1 "$HOSTS"); do echo "a$k"; done
	echo swa gwa wan gwb swb
	for k in $(seq 1 "$HOSTS"); do echo "b$k"; done
}

# veth NAME1 NODE1 NAME2 NODE2: one veth pair straight into two namespaces.
veth() {
	ip link add "$1" numtxqueues "$QUEUES" numrxqueues "$QUEUES" netns "$(ns "$2")" \
		type veth peer name "$3" numtxqueues "$QUEUES" numrxqueues "$QUEUES" \
		netns "$(ns "$4")"
}

offloads_off() {	# NODE DEV
	nsx "$1" ethtool -K "$2" gro off gso off tso off tx off rx off >/dev/null 2>&1 ||
		nsx "$1" ethtool -K "$2" gro off gso off tso off tx off >/dev/null
}

build_site() {	# SITE(a|b) SITENUM
	local s=$1 n=$2 k gw="gw$1" sw="sw$1" br="$P-br$1" gwl="$P-g${1}l"
	nsx "$sw" ip link add "$br" type bridge stp_state 0 mcast_snooping 0
	for k in $(seq 1 "$HOSTS"); do
		veth "$P-$s$k" "$s$k" "$P-$s${k}s" "$sw"
		nsx "$sw" ip link set "$P-$s${k}s" master "$br" up
		nsx "$s$k" ip link set "$P-$s$k" up
		nsx "$s$k" ip addr add "$(addr_of "$s$k")/24" dev "$P-$s$k"
		nsx "$s$k" ip -6 addr add "$(addr_of "$s$k" 6)/64" dev "$P-$s$k" nodad
		nsx "$s$k" ip route add default via "10.$NET.$n.1"
		nsx "$s$k" ip -6 route add default via "fd00:$NET:$n::1"
		nsx "$s$k" sysctl -qw net.ipv4.tcp_rmem="4096 131072 $TCPMEM" \
			net.ipv4.tcp_wmem="4096 16384 $TCPMEM"
		if [ "$OFFLOAD_LAN" = off ]; then
			offloads_off "$s$k" "$P-$s$k"
			offloads_off "$sw" "$P-$s${k}s"
		fi
	done
	veth "$gwl" "$gw" "${gwl}s" "$sw"
	nsx "$sw" ip link set "${gwl}s" master "$br" up
	nsx "$sw" ip link set "$br" up
	nsx "$gw" ip link set "$gwl" up
	nsx "$gw" ip addr add "10.$NET.$n.1/24" dev "$gwl"
	nsx "$gw" ip -6 addr add "fd00:$NET:$n::1/64" dev "$gwl" nodad
	if [ "$OFFLOAD_LAN" = off ]; then
		offloads_off "$gw" "$gwl"
		offloads_off "$sw" "${gwl}s"
	fi
}

start_wan() {
	local wa=$P-wa wb=$P-wb
	mkdir -p "$STATE"
	if [ "$EMU" = 0 ]; then
		nsx wan ip link add "$P-wbr" type bridge stp_state 0
		nsx wan ip link set "$wa" master "$P-wbr"
		nsx wan ip link set "$wb" master "$P-wbr"
		nsx wan ip link set "$P-wbr" up
		echo "no-emu" >"$STATE/link"
		return 0
	fi
	[ -x "$WANEM" ] || die "no emulator at $WANEM (run 'make wanem')"
	printf '%s\n' "${LINK[*]:-} --seed $SEED" >"$STATE/link"
	# The log keeps every run (set appends): look only past this point.
	local from
	from=$(($(stat -c %s "$STATE/wanem.log" 2>/dev/null || echo 0) + 1))
	# The WAN namespace holds wanem and nothing else.
	ip netns exec "$(ns wan)" "$WANEM" --a "$wa" --b "$wb" --seed "$SEED" \
		--rt-prio "$RTPRIO" \
		${LINK[@]+"${LINK[@]}"} >>"$STATE/wanem.log" 2>&1 </dev/null &
	echo $! >"$STATE/wanem.pid"
	for _ in $(seq 1 250); do
		if tail -c +"$from" "$STATE/wanem.log" | grep -q '^wanem: ready'; then
			return 0
		fi
		alive "$(cat "$STATE/wanem.pid")" || break
		sleep 0.02
	done
	tail -c +"$from" "$STATE/wanem.log" | sed 's/^/lab: /' >&2
	die "wanem did not start"
}

# alive PID: running (a zombie waiting for init to reap it is not).
alive() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

stop_wan() {
	local pid
	nsx wan ip link del "$P-wbr" 2>/dev/null || true	# --no-emu bridge
	[ -f "$STATE/wanem.pid" ] || return 0
	pid=$(cat "$STATE/wanem.pid")
	rm -f "$STATE/wanem.pid"
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 250); do
		alive "$pid" || break
		sleep 0.02
	done
	if alive "$pid"; then
		log "wanem (pid $pid) ignored SIGTERM; killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	if [ -z "${LAB_QUIET:-}" ]; then
		grep -E '^wanem: (a2b|b2a) summary' "$STATE/wanem.log" | tail -n 2 | sed 's/^/lab: /' >&2 || true
	fi
}

cmd_up() {
	local node
	[ "$(id -u)" = 0 ] || die "must run as root"
	for node in $(nodes); do
		[ ! -e "/run/netns/$(ns "$node")" ] ||
			die "namespace $(ns "$node") exists: lab.sh down --prefix $P first"
	done
	# From here on, a failure (or ^C) removes whatever was built.
	trap 'up_failed' EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$STATE"
	: >"$STATE/wanem.log"
	printf 'HOSTS=%s\nNET=%s\n' "$HOSTS" "$NET" >"$STATE/lab.env"
	for node in $(nodes); do
		ip netns add "$(ns "$node")"
		nsx "$node" ip link set lo up
	done
	# No IPv6 chatter (RS, MLD, DAD) from the WAN namespace or the switches.
	for node in wan swa swb; do
		nsx "$node" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	for node in gwa gwb; do
		nsx "$node" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	done
	# Usable at once: no duplicate address detection on link-locals.
	for node in $(nodes); do
		nsx "$node" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0
	done
	build_site a 1
	build_site b 2
	# The WAN: gwa -- wan -- gwb, offloads off on all four ends.
	veth "$P-gaw" gwa "$P-wa" wan
	veth "$P-gbw" gwb "$P-wb" wan
	offloads_off gwa "$P-gaw"
	offloads_off wan "$P-wa"
	offloads_off wan "$P-wb"
	offloads_off gwb "$P-gbw"
	nsx gwa ip addr add "10.$NET.0.1/24" dev "$P-gaw"
	nsx gwb ip addr add "10.$NET.0.2/24" dev "$P-gbw"
	nsx gwa ip -6 addr add "fd00:$NET::1/64" dev "$P-gaw" nodad
	nsx gwb ip -6 addr add "fd00:$NET::2/64" dev "$P-gbw" nodad
	nsx wan ip link set "$P-wa" up
	nsx wan ip link set "$P-wb" up
	nsx gwa ip link set "$P-gaw" up
	nsx gwb ip link set "$P-gbw" up
	nsx gwa ip route add "10.$NET.2.0/24" via "10.$NET.0.2"
	nsx gwb ip route add "10.$NET.1.0/24" via "10.$NET.0.1"
	nsx gwa ip -6 route add "fd00:$NET:2::/64" via "fd00:$NET::2"
	nsx gwb ip -6 route add "fd00:$NET:1::/64" via "fd00:$NET::1"
	start_wan
	warm_up
	trap - EXIT INT TERM
	log "up: prefix $P, $HOSTS host(s) per site, $QUEUES queue(s) per veth," \
		"wan: $(cat "$STATE/link")"
	log "site A 10.$NET.1.0/24 (gwa .1, a1 .11), site B 10.$NET.2.0/24 (gwb .1, b1 .11)"
}

# Resolve the gateways' neighbours across the WAN now, not on first use (a
# fresh IPv6 interface ignores solicitations for about a second).
# A lossy or very long link may not answer: a few tries, then carry on.
warm_up() {
	local v6
	nsx gwa ping -6 -c 4 -i 0.5 -w 4 -W 2 "fd00:$NET::2" >/dev/null 2>&1 &
	v6=$!
	nsx gwa ping -c 3 -i 0.2 -w 4 -W 2 "10.$NET.0.2" >/dev/null 2>&1 ||
		log "warning: gwa got no answer from gwb across the WAN (yet)"
	wait "$v6" || true
}

up_failed() {
	local rc=$?
	trap - EXIT
	log "up failed (exit $rc), tearing down"
	LAB_QUIET=1 cmd_down
	exit $((rc ? rc : 1))
}

cmd_set() {
	[ -d "$STATE" ] && [ -e "/run/netns/$(ns wan)" ] || die "no lab '$P' (lab.sh up)"
	stop_wan
	start_wan
	log "set: $(cat "$STATE/link")"
}

cmd_down() {
	local n pid
	[ "$(id -u)" = 0 ] || die "must run as root"
	# keg on the lab (keg.sh): its pins and sites outlive the namespaces.
	if [ -d "$STATE/keg" ]; then
		LAB_STATE=$STATE_ROOT "$ROOT/deploy/lab/keg.sh" down --prefix "$P" || true
	fi
	[ -d "$STATE" ] && stop_wan
	# Whatever still runs in our namespaces (iperf3 servers...) was started
	# for the lab: end it by pid, then drop the namespaces.
	local spaces
	spaces=$(ip netns list | awk '{ print $1 }' | grep -E "^$P-" || true)
	lab_pids() { for n in $spaces; do ip netns pids "$n" 2>/dev/null || true; done; }
	for pid in $(lab_pids); do kill -TERM "$pid" 2>/dev/null || true; done
	for _ in $(seq 1 40); do
		[ -n "$(lab_pids)" ] || break
		sleep 0.05
	done
	for pid in $(lab_pids); do kill -KILL "$pid" 2>/dev/null || true; done
	for n in $spaces; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$STATE"
	return 0
}

cmd_status() {
	local n
	[ -d "$STATE" ] || die "no lab '$P'"
	ip netns list | awk '{ print $1 }' | grep -E "^$P-" | sort | tr '\n' ' '
	echo
	echo "wan: $(cat "$STATE/link" 2>/dev/null)"
	if [ -f "$STATE/wanem.pid" ] && kill -USR1 "$(cat "$STATE/wanem.pid")" 2>/dev/null; then
		sleep 0.2
		grep -E '^wanem: (a2b|b2a) stats' "$STATE/wanem.log" | tail -n 2
	fi
	for n in gwa gwb; do
		echo "$n:"; nsx "$n" ip -br addr
	done
}

main() {
	[ $# -ge 1 ] || usage
	local cmd=$1; shift
	case $cmd in
	up) parse_opts "$@"; cmd_up ;;
	set) parse_opts "$@"; cmd_set ;;
	down) parse_opts "$@"; cmd_down ;;
	status) parse_opts "$@"; cmd_status ;;
	exec|addr)
		local a=()
		while [ $# -gt 0 ] && [ "$1" = --prefix ]; do need "$@"; a+=("$1" "$2"); shift 2; done
		parse_opts ${a[@]+"${a[@]}"}
		[ $# -ge 1 ] || die "$cmd: which node?"
		# shellcheck disable=SC1090  # written by cmd_up
		[ ! -f "$STATE_ROOT/$P/lab.env" ] || . "$STATE_ROOT/$P/lab.env"
		if [ "$cmd" = addr ]; then addr_of "$@"; exit 0; fi
		local node=$1; shift
		[ "${1:-}" != -- ] || shift
		[ $# -ge 1 ] || die "exec: what command?"
		exec ip netns exec "$P-$node" "$@" ;;
	-h|--help|help) usage 0 ;;
	*) die "unknown command '$cmd' (up, set, down, exec, addr, status)" ;;
	esac
}

main "$@"
