#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_cli_errors.sh - kegctl refuses what it must refuse, says why, and
# changes nothing when it refuses; re-attach (upgrade) keeps the tables;
# detach removes pins, routes and programs.
#
#   kte-c1 [kte-c0 10.201.6.10/24] == [kte-gw0] kte-gw [kte-gw1] == [kte-c1b] kte-c1
#                                              [kte-gw2] == [kte-c2b] kte-c2   (never attached)
#                                              [kte-gw3] == [kte-c3b] kte-c3   (foreign XDP program)
. "$(dirname "$0")/lib.sh"
t_init kte
t_need arping setpriv

GW=kte-gw C1=kte-c1 C2=kte-c2 C3=kte-c3 NET=10.201.6 NET6=fd00:201:6:

t_netns $GW
t_netns $C1
t_netns $C2
t_netns $C3
t_veth $GW kte-gw0 $C1 kte-c0
t_veth $GW kte-gw1 $C1 kte-c1b
t_veth $GW kte-gw2 $C2 kte-c2b
t_veth $GW kte-gw3 $C3 kte-c3b
t_in $C1 ip addr add $NET.10/24 dev kte-c0
t_in $GW sysctl -qw net.ipv4.ip_forward=1

# Everything keg keeps for the interfaces of this suite, as text.
snapshot() {
	local ifc m
	for ifc in kte-gw0 kte-gw1; do
		for m in keg_prefixes4 keg_prefixes6 keg_prefix_lens keg_customers4 keg_customers6; do
			echo "== $ifc $m"
			bpftool -j map dump pinned "$KEG_PIN_ROOT/$ifc/$m" 2>&1 |
				jq -c '[.[] | .formatted // .] | sort_by(tostring)' 2>&1
		done
	done
	echo "== routes"
	t_in $GW ip route show proto 75
	t_in $GW ip -6 route show proto 75
}

# ---- before anything is attached ------------------------------------------

# Not root: drop to nobody inside the namespace.
t_tmp nobody_bin -d
cp "$KEGCTL" "$nobody_bin/kegctl" && chmod 755 "$nobody_bin" "$nobody_bin/kegctl"
for args in "attach kte-gw0" "subnet add $NET.0/24 --iface kte-gw0" "status"; do
	out=$(t_in $GW setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$nobody_bin/kegctl" $args 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -Eqi 'root|permission|privilege|CAP_|not permitted' <<<"$out"; then
		t_ok "not root: kegctl $args: exit $rc, \"$(head -1 <<<"$out")\""
	else
		t_fail "not root: kegctl $args: exit $rc: ${out:-(no output)}"
	fi
done

t_expect_err $GW "no such interface" 'kte-nope0' attach kte-nope0
t_expect_err $GW "unsupported mode" 'mode|turbo' attach kte-gw0 --mode turbo
t_expect_err $GW "subnet on an interface keg is not attached to" 'attach|kte-gw2' \
	subnet add $NET.0/24 --iface kte-gw2

# A foreign XDP program: keg must not replace it, and it must survive.
t_in $GW ip link set dev kte-gw3 xdp obj "$XDP_PASS_OBJ" sec xdp ||
	t_die "cannot attach xdp_pass.bpf.o to kte-gw3"
T_ATTACHED+=("$GW kte-gw3")	# in case kegctl wrongly attaches
foreign=$(t_in $GW ip -j link show kte-gw3 | jq -r '.[0].xdp.prog.id // empty')
t_expect_err $GW "foreign XDP program on kte-gw3" 'xdp|program|attached|busy' attach kte-gw3
after=$(t_in $GW ip -j link show kte-gw3 | jq -r '.[0].xdp.prog.id // empty')
t_check "foreign program $foreign still attached (now ${after:-none})" \
	[ -n "$foreign" ] && [ "$foreign" = "$after" ]
t_check "no pins left for kte-gw3" [ ! -e "$KEG_PIN_ROOT/kte-gw3" ]
t_in $GW ip link set dev kte-gw3 xdp off

# ---- attached ---------------------------------------------------------------

t_attach $GW kte-gw0
t_attach $GW kte-gw1
t_keg_ok $GW "subnet add $NET.0/24 on kte-gw0" subnet add $NET.0/24 --iface kte-gw0
t_keg_ok $GW "subnet add $NET6:/64 on kte-gw0" subnet add $NET6:/64 --iface kte-gw0
t_keg_ok $GW "subnet add $NET.0/24 on kte-gw1" subnet add $NET.0/24 --iface kte-gw1
t_keg_ok $GW "customer add $NET.20 on kte-gw0" customer add $NET.20 --iface kte-gw0
t_keg_ok $GW "customer add $NET6:20 on kte-gw0" customer add $NET6:20 --iface kte-gw0

t_expect_err $GW "attach twice in a different mode" 'mode|attached|detach' \
	attach kte-gw0 --mode generic
t_expect_err $GW "bad IPv4 address" '10\.201\.6\.300' customer add $NET.300 --iface kte-gw0
t_expect_err $GW "incomplete IPv4 address" '10\.201\.6' customer add $NET --iface kte-gw0
t_expect_err $GW "bad IPv6 address" 'fd00:201:6::g' customer add $NET6:g --iface kte-gw0
t_expect_err $GW "prefix length out of range" '/33|prefix|length' subnet add $NET.0/33 --iface kte-gw0
t_expect_err $GW "no prefix length" 'prefix|length|/' subnet add $NET.0 --iface kte-gw0
t_expect_err $GW "IPv4 subnet with host bits set" 'host' subnet add $NET.1/24 --iface kte-gw0
t_expect_err $GW "IPv6 subnet with host bits set" 'host' subnet add $NET6:1/64 --iface kte-gw0
t_expect_err $GW "customer with a prefix length" '/24|prefix|single|32' customer add $NET.0/24 --iface kte-gw0
t_expect_err $GW "duplicate subnet" 'exist|already|duplicate' subnet add $NET.0/24 --iface kte-gw0
t_expect_err $GW "duplicate customer" 'exist|already|duplicate' customer add $NET.20 --iface kte-gw0
t_expect_err $GW "customer of two interfaces" 'kte-gw0' customer add $NET.20 --iface kte-gw1
t_expect_err $GW "IPv6 customer of two interfaces" 'kte-gw0' customer add $NET6:20 --iface kte-gw1
t_expect_err $GW "customer del of a missing entry" 'not found|no such|not a customer|does not exist|unknown' \
	customer del $NET.99 --iface kte-gw0
t_expect_err $GW "customer del on the wrong interface" 'kte-gw0|not found|no such|not a customer' \
	customer del $NET.20 --iface kte-gw1
t_expect_err $GW "subnet del of a missing entry" 'not found|no such|not a subnet|does not exist|unknown' \
	subnet del 10.201.99.0/24 --iface kte-gw0
# Addresses that cannot be customers, prefixes that cannot be proxied
# (issue 13 §3): refused with the reason, nothing added, no route.
before=$(snapshot)
routes=$(t_in $GW ip route show proto 75; t_in $GW ip -6 route show proto 75)
for p in fe80::/64 ::/0 224.0.0.0/4 127.0.0.0/8 255.255.255.255/32; do
	t_expect_err $GW "subnet add $p refused" \
		'cannot be proxied.*(link-local|covers|multicast|loopback|broadcast)' \
		subnet add $p --iface kte-gw0
done
for a in 0.0.0.0 255.255.255.255 224.0.0.1 :: ff02::1 fe80::1 ::ffff:10.1.2.5; do
	t_expect_err $GW "customer add $a refused" \
		'cannot be a customer.*(unspecified|broadcast|multicast|link-local|IPv4-mapped)' \
		customer add $a --iface kte-gw0
done
t_check "the refused addresses changed nothing" [ "$before" = "$(snapshot)" ]
t_check "... and installed no route" \
	[ "$routes" = "$(t_in $GW ip route show proto 75; t_in $GW ip -6 route show proto 75)" ]
t_tmp SPECIAL
printf 'interface kte-gw0\n  subnet %s.0/24\n  subnet fe80::/64\n' "$NET" >"$SPECIAL"
t_expect_err $GW "apply with subnet fe80::/64 refused at its line" "$SPECIAL:3: .*link-local" \
	apply "$SPECIAL"
printf 'interface kte-gw0\n  customer 224.0.0.1\n' >"$SPECIAL"
t_expect_err $GW "apply with customer 224.0.0.1 refused at its line" "$SPECIAL:2: .*multicast" \
	apply "$SPECIAL"
t_check "the refused applies changed nothing" [ "$before" = "$(snapshot)" ]

# The gateway's own address is said to be one, not "table 254" (issue 13 §6).
t_in $GW ip addr add 10.201.99.1/32 dev kte-gw3
t_expect_err $GW "customer add of the gateway's own address: named as such" \
	"address of this gateway.*table local" customer add 10.201.99.1 --iface kte-gw0
t_in $GW ip addr del 10.201.99.1/32 dev kte-gw3

# An IPv6 address with a port must be bracketed: the bare form is ambiguous
# (issue 13 §6), and refused without a change.
t_expect_err $GW "intercept --dst 2001:db8::1:80 refused as ambiguous" "ambiguous.*ADDR.:PORTS" \
	intercept add --site hq --src fd00:1::/64 --dst 2001:db8::1:80 --proto T --iface kte-gw0
t_kegctl $GW intercept list --iface kte-gw0
t_check "... and added no rule" [ -z "$T_OUT" ]

# A long argument is cut in its error, the reason kept (issue 13 §6).
long=$(printf '1%.0s' $(seq 3000))
for args in "customer add $long --iface kte-gw0" "customer add $NET.22 --down $long --iface kte-gw0" \
	"intercept add --site $long --src $NET.0/24 --dst 10.9.0.0/16 --proto T --iface kte-gw0" \
	"site add $long 10.9.9.9 --pubkey x"; do
	# shellcheck disable=SC2086  # the words of the command
	t_kegctl $GW $args
	t_check "${args//$long/<${#long} ones>}: the argument is cut in the message (${#T_OUT} characters: $(cut -c1-90 <<<"$T_OUT")...)" \
		[ "${#T_OUT}" -lt 300 ]
done

t_expect_err $GW "no --iface with two interfaces attached" 'iface|interface' customer add $NET.21
t_expect_err $GW "unknown command" 'frobnicate|unknown|usage' frobnicate
t_expect_err $GW "unknown option" 'bogus|unknown|unrecognized|usage' status --bogus

# A route keg did not install is not keg's to remove or overwrite.
t_in $GW ip route add $NET.30/32 dev kte-gw0 proto static
t_expect_err $GW "customer whose /32 route exists already (not keg's)" \
	'route|exist|10\.201\.6\.30' customer add $NET.30 --iface kte-gw0
t_check "the static route survived" \
	eval "t_in $GW ip route show $NET.30/32 proto static | grep -q kte-gw0"
t_in $GW ip route del $NET.30/32 dev kte-gw0 proto static

# apply with a bad line: FILE:LINE, nothing changed.
t_tmp conf
cat >"$conf" <<EOF
# line 1
interface kte-gw0
	subnet $NET.0/24
	subnet 10.201.60.0/24
	customer $NET.20
	customer $NET.40
	customer 10.201.6.999
interface kte-gw1
	subnet $NET.0/24
EOF
before=$(snapshot)
t_check "the map dumps compared below are readable" \
	eval 'grep -q "\"prefixlen\":24" <<<"$before" && grep -q "\"ifindex\"" <<<"$before"'
t_expect_err $GW "apply with a bad address on line 7" "$conf:7" apply "$conf"
t_check "apply with a bad line changed nothing" [ "$before" = "$(snapshot)" ]
printf 'interface kte-gw0\n\tsubnet %s.0/24\n\tcustomer %s.20\n\tbogus 1\n' $NET $NET >"$conf"
t_expect_err $GW "apply with an unknown keyword on line 4" "$conf:4" apply "$conf"
printf 'interface kte-gw0\n\tcustomer %s.20\ninterface kte-gw1\n\tcustomer %s.20\n' $NET $NET >"$conf"
t_expect_err $GW "apply with a customer under two interfaces" "$conf:4" apply "$conf"
printf 'interface kte-gw2\n\tsubnet %s.0/24\n' $NET >"$conf"
t_expect_err $GW "apply to an interface keg is not attached to" "kte-gw2" apply "$conf"
t_check "failed applies changed nothing" [ "$before" = "$(snapshot)" ]
t_expect_err $GW "apply of a missing file" 'kte-missing|no such file' apply /tmp/kte-missing.conf

# Bounded input: endless or oversized input is refused naming the limit,
# and the input is read before the lock, so a slow one holds nobody up.
t_expect_err $GW "apply of endless input (/dev/zero)" 'larger than 16 MiB' apply /dev/zero
t_expect_err $GW "schedule show of endless input (/dev/zero)" 'larger than 16 MiB' schedule show /dev/zero
t_expect_err $GW "apply of a directory" 'is a directory' apply /tmp
awk 'BEGIN { printf "#"; for (i = 0; i < 5000; i++) printf "x"; print "" }' >"$conf"
t_expect_err $GW "apply with a 5001-byte line" "$conf:1: line longer than 4096" apply "$conf"
t_check "refused inputs changed nothing" [ "$before" = "$(snapshot)" ]
( sleep 8 | timeout 30 nsenter --net=/run/netns/$GW "$KEGCTL" apply - >/dev/null 2>&1 ) &
slow=$!
sleep 0.5
t_keg_ok $GW "status while an apply waits for its standard input" status
t_check "that apply is still waiting for its input (status did not wait for it)" \
	kill -0 $slow
wait $slow
t_keg_ok $GW "customer add while no apply holds the lock" customer add $NET.41 --iface kte-gw0
t_keg_ok $GW "customer del" customer del $NET.41 --iface kte-gw0

# A change that can only fail on the system (a foreign route in the way),
# after others succeeded: all undone.
t_in $GW ip route add $NET.31/32 dev kte-gw0 proto static
printf 'interface kte-gw0\n\tsubnet %s.0/24\n\tsubnet %s:/64\n\tsubnet 10.201.61.0/24\n\tcustomer %s.20\n\tcustomer %s:20\n\tcustomer %s.29\n\tcustomer %s.31\n\tcustomer %s.32\n' \
	$NET $NET6 $NET $NET6 $NET $NET $NET >"$conf"
t_expect_err $GW "apply blocked by a foreign route" "10\.201\.6\.31" apply "$conf"
t_check "apply that failed midway changed nothing" [ "$before" = "$(snapshot)" ]
t_in $GW ip route del $NET.31/32 dev kte-gw0 proto static

# Arguments checked before the first change (issue 13 §4).
id_before=$(t_in $GW ip -j link show kte-gw1 | jq -r '.[0].xdp.prog.id // .[0].xdp.attached[0].prog.id // empty')
t_expect_err $GW "attach kte-gw1 --uplink kte-gw1" 'must not be kte-gw1 itself' \
	attach kte-gw1 --uplink kte-gw1
t_check "... left kte-gw1's program as it was (prog $id_before)" \
	[ "$(t_in $GW ip -j link show kte-gw1 | jq -r '.[0].xdp.prog.id // .[0].xdp.attached[0].prog.id // empty')" = "$id_before" ]
htb() { t_in $GW tc qdisc show dev kte-gw1 | grep -c htb; }
t_expect_err $GW "shape set with a default rate above the link rate" \
	'default rate 10gbit is above the link rate 1kbit' \
	shape set kte-gw1 --link-rate 1kbit --default-rate 10gbit
t_check "... built no HTB tree" [ "$(htb)" = 0 ]
t_keg_ok $GW "shape set kte-gw1 --leaf pfifo" shape set kte-gw1 --leaf pfifo
t_expect_err $GW "another leaf qdisc on a shaped interface" 'leaf qdisc pfifo, fixed' \
	shape set kte-gw1 --leaf sfq
t_keg_ok $GW "shape show --iface kte-gw1 --json" shape show --iface kte-gw1 --json
t_check "... which kept pfifo" eval "jq -e '.[0].leaf_qdisc == \"pfifo\"' <<<\"\$T_OUT\" >/dev/null"
t_keg_ok $GW "customer add --up without an uplink" \
	customer add $NET.50 --iface kte-gw1 --down 10mbit --up 5mbit
t_check "... says that nothing applies the upload rate" grep -q "shapes no uplink" <<<"$T_OUT"
t_keg_ok $GW "customer del $NET.50" customer del $NET.50 --iface kte-gw1
t_keg_ok $GW "shape off kte-gw1" shape off kte-gw1

# Re-attach = upgrade: the program is replaced, the tables stay.
before=$(snapshot)
old_id=$(t_in $GW ip -j link show kte-gw0 | jq -r '.[0].xdp.prog.id // .[0].xdp.attached[0].prog.id // empty')
t_keg_ok $GW "re-attach kte-gw0 (upgrade)" attach kte-gw0
t_check "re-attach kept subnets, customers and routes" [ "$before" = "$(snapshot)" ]
new_id=$(t_in $GW ip -j link show kte-gw0 | jq -r '.[0].xdp.prog.id // .[0].xdp.attached[0].prog.id // empty')
t_info "XDP program id on kte-gw0: $old_id -> $new_id"
t_expect_arp_reply "proxy-ARP still answers after re-attach" $C1 kte-c0 $NET.77 "$(t_mac $GW kte-gw0)"
t_expect_arp_silence "and still refuses the assigned $NET.20" $C1 kte-c0 $NET.20

# Detach: pins, routes, programs gone; the other interface untouched.
t_keg_ok $GW "detach kte-gw0" detach kte-gw0
t_check "pin directory of kte-gw0 removed" [ ! -e "$KEG_PIN_ROOT/kte-gw0" ]
t_check "keg's routes via kte-gw0 removed" \
	eval "[ -z \"\$(t_in $GW ip route show proto 75 dev kte-gw0; t_in $GW ip -6 route show proto 75 dev kte-gw0)\" ]"
t_check "no XDP program left on kte-gw0" \
	eval "! t_in $GW ip link show kte-gw0 | grep -q 'xdp'"
t_check "no tc egress filter left on kte-gw0" \
	eval "[ -z \"\$(t_in $GW tc filter show dev kte-gw0 egress 2>/dev/null)\" ]"
t_check "kte-gw1 still attached with its pins" [ -e "$KEG_PIN_ROOT/kte-gw1/keg_prefixes4" ]
t_expect_arp_silence "no proxy-ARP on kte-gw0 after detach" $C1 kte-c0 $NET.78
t_expect_err $GW "detach of an interface keg is not attached to" 'kte-gw0|not attached' detach kte-gw0

# An attached interface that disappears: reported, refused, cleaned up.
t_attach $GW kte-gw2
t_keg_ok $GW "subnet add $NET.0/24 on kte-gw2" subnet add $NET.0/24 --iface kte-gw2
t_in $GW ip link del kte-gw2
t_kegctl $GW status --json
t_check "status reports kte-gw2 as vanished" \
	eval "jq -e '.[] | select(.iface == \"kte-gw2\") | .state == \"vanished\"' <<<\"\$T_OUT\" >/dev/null"
t_expect_err $GW "subnet add on a vanished interface" 'vanished|gone|kte-gw2' \
	subnet add 10.201.62.0/24 --iface kte-gw2
t_keg_ok $GW "detach of the vanished kte-gw2" detach kte-gw2
t_check "its pins are gone" [ ! -e "$KEG_PIN_ROOT/kte-gw2" ]

t_done
