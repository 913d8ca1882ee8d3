#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# demo.sh - keg in a namespace lab (`make demo` builds first, then runs this).
#
#   kdemo-c1 [kdemo-c1a 10.77.0.10/24] == [kdemo-gw1] kdemo-gw [kdemo-gw2] == [kdemo-c2a 10.77.0.20/24] kdemo-c2
#
# The gateway proxies 10.77.0.0/24 on both interfaces: keg answers ARP for
# every address of it except the customers assigned behind the asking
# interface, with that interface's MAC, so two customers of one /24 on
# different links reach each other through the gateway's /32 routes.
# Everything is torn down on exit, success or not. Then, if the WAN lab
# provides `make demo-wan`, that runs too.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEGCTL=${KEGCTL:-$ROOT/build/kegctl}
GW=kdemo-gw C1=kdemo-c1 C2=kdemo-c2
NET=10.77.0
ATTACHED=()
FAILED=0

step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
good() { printf '    ok: %s\n' "$*"; }
bad() { printf '    UNEXPECTED: %s\n' "$*"; FAILED=1; }
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }
# Show a command as typed in the namespace, then its indented output.
show() {
	local ns=$1 rc
	shift
	printf '    [%s]# %s\n' "$ns" "$*"
	in_ns "$ns" "$@" 2>&1 | sed 's/^/      /'
	rc=${PIPESTATUS[0]}
	return "$rc"
}
kegctl() {
	local ns=$1 rc
	shift
	printf '    [%s]# kegctl %s\n' "$ns" "$*"
	in_ns "$ns" "$KEGCTL" "$@" 2>&1 | sed 's/^/      /'
	rc=${PIPESTATUS[0]}
	return "$rc"
}
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# Idempotent: the EXIT trap and the normal path both call it.
teardown() {
	local a ns
	[ -e /run/netns/$GW ] || [ -e /run/netns/$C1 ] || [ -e /run/netns/$C2 ] || return 0
	step "Cleaning up"
	for a in "${ATTACHED[@]+"${ATTACHED[@]}"}"; do
		in_ns $GW "$KEGCTL" detach "$a" >/dev/null 2>&1
	done
	for ns in $GW $C1 $C2; do
		ip netns del $ns 2>/dev/null
	done
	rm -rf /sys/fs/bpf/keg/kdemo-* 2>/dev/null
	note "keg detached, namespaces kdemo-* removed"
}

on_exit() {
	local rc=$?
	trap - EXIT
	teardown
	exit "$rc"
}

[ "$(id -u)" -eq 0 ] || die "run as root (namespaces, XDP)"
[ -x "$KEGCTL" ] || die "no $KEGCTL: run make first"
for t in ip nsenter arping ping; do
	command -v $t >/dev/null || die "needs $t (make deps)"
done
# keg pins its maps under /sys/fs/bpf; a bare container may lack the bpffs.
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	mount -t bpf bpf /sys/fs/bpf || die "no bpffs at /sys/fs/bpf"
fi
for ns in $GW $C1 $C2; do
	ip netns del $ns 2>/dev/null	# leftovers of an interrupted run
done
rm -rf /sys/fs/bpf/keg/kdemo-* 2>/dev/null	# and its pins: kdemo-* are the demo's
trap on_exit EXIT
trap 'exit 130' INT TERM HUP PIPE

step "Building the lab: gateway $GW, customers $C1 and $C2 on separate veths"
for ns in $GW $C1 $C2; do
	ip netns add $ns || die "ip netns add $ns"
	in_ns $ns ip link set lo up
done
ip -n $GW link add kdemo-gw1 type veth peer name kdemo-c1a netns $C1 || die veth
ip -n $GW link add kdemo-gw2 type veth peer name kdemo-c2a netns $C2 || die veth
in_ns $GW ip link set kdemo-gw1 up
in_ns $GW ip link set kdemo-gw2 up
in_ns $C1 ip link set kdemo-c1a up
in_ns $C2 ip link set kdemo-c2a up
in_ns $GW sysctl -qw net.ipv4.ip_forward=1
in_ns $GW ip addr add $NET.1/32 dev kdemo-gw1
in_ns $GW ip addr add $NET.1/32 dev kdemo-gw2
in_ns $C1 ip addr add $NET.10/24 dev kdemo-c1a
in_ns $C2 ip addr add $NET.20/24 dev kdemo-c2a
MAC1=$(ip -n $GW -br link show kdemo-gw1 | awk '{print $3}')
note "customers see $NET.0/24 as on-link; the gateway has only $NET.1/32 (no /24 route)"
note "the customers run nothing but their address: on veth keg answers from tc ingress"
note "kdemo-gw1 MAC $MAC1"

step "Attaching keg to both gateway interfaces"
for ifc in kdemo-gw1 kdemo-gw2; do
	ATTACHED+=("$ifc")
	kegctl $GW attach $ifc || die "attach $ifc failed"
done

step "Proxying $NET.0/24 on both, customers $NET.10 (behind gw1) and $NET.20 (behind gw2)"
kegctl $GW subnet add $NET.0/24 --iface kdemo-gw1 || die "subnet add"
kegctl $GW subnet add $NET.0/24 --iface kdemo-gw2 || die "subnet add"
kegctl $GW customer add $NET.10 --iface kdemo-gw1 || die "customer add"
kegctl $GW customer add $NET.20 --iface kdemo-gw2 || die "customer add"
note "a second customer behind gw1, $NET.11, not plugged in yet"
kegctl $GW customer add $NET.11 --iface kdemo-gw1 || die "customer add"
note "kegctl installed one /32 route per customer (proto 75):"
show $GW ip route show proto 75

step "Proxy-ARP answers: $C1 asks for $NET.99, an unassigned address"
out=$(show $C1 arping -c 1 -C 1 -w 1 -I kdemo-c1a $NET.99)
printf '%s\n' "$out"
if grep -qi "from $MAC1 " <<<"$out"; then
	good "answered with kdemo-gw1's MAC $MAC1"
else
	bad "no reply with $MAC1"
fi

step "Proxy-ARP refuses: $C1 asks for $NET.11, assigned behind the same interface"
if show $C1 arping -c 1 -C 1 -w 1 -I kdemo-c1a $NET.11; then
	bad "$NET.11 was answered"
else
	good "no reply: $NET.11 belongs to a customer on kdemo-gw1, keg stays silent"
fi

step "Customers ping each other through the gateway"
if show $C1 ping -c 3 -i 0.2 -W 1 $NET.20; then
	good "$NET.10 -> $NET.20"
else
	bad "$NET.10 cannot reach $NET.20"
fi
if show $C2 ping -c 3 -i 0.2 -W 1 $NET.10; then
	good "$NET.20 -> $NET.10"
else
	bad "$NET.20 cannot reach $NET.10"
fi
note "what $C1 learnt: $NET.20 is at the gateway's MAC"
show $C1 ip neigh show $NET.20

step "kegctl status: on veth, proxy replies leave from tc ingress"
kegctl $GW status
if in_ns $GW "$KEGCTL" status --json | grep -q '"path":"tc"'; then
	good "replies from tc ingress (a native XDP_TX would reach the customer only if it ran XDP)"
else
	bad "kegctl status does not report the tc ingress reply path"
fi
step "kegctl stats (kdemo-gw1)"
kegctl $GW stats --iface kdemo-gw1

if [ $FAILED = 0 ]; then
	step "keg demo: everything behaved as expected"
else
	step "keg demo: something did not behave as expected (see UNEXPECTED above)"
fi

# Tear the lab down before the WAN lab builds its own.
teardown
trap - EXIT
if make -C "$ROOT" -n demo-wan >/dev/null 2>&1; then
	step "Running the WAN lab demo (make demo-wan)"
	make -C "$ROOT" --no-print-directory demo-wan || FAILED=1
else
	note "(no demo-wan target: WAN lab demo skipped)"
fi
exit $FAILED
