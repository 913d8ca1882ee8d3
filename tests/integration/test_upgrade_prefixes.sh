#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_upgrade_prefixes.sh - `kegctl attach` over a keg from before the
# prefix hash maps (commit ff584da, LPM tries keg_subnets4/6) keeps every
# proxied prefix: they are moved into keg_prefixes4/6 and answered by the
# new programs, and the old pins go, the retired keg_leafstats too. A move
# that fails leaves the old keg running with its pins and nothing of the
# new one.
#
#   ktu-c1 [ktu-c0 10.201.9.5/24 fd00:201:9::5/64] == [ktu-gw0] ktu-gw
#          [ktu-c1b 10.201.11.5/24]                == [ktu-gw1]
#
# The old kegctl is $KEG_OLD_KEGCTL, or built once from this repository's
# history into build/old-ff584da/ (about 30 s; kept for later runs). Without
# git history to build it from, the suite is skipped.
. "$(dirname "$0")/lib.sh"
t_init ktu
t_need arping ndisc6 git make

OLD_COMMIT=ff584da
OLD_KEGCTL=${KEG_OLD_KEGCTL:-$T_ROOT/build/old-$OLD_COMMIT/build/kegctl}
if [ ! -x "$OLD_KEGCTL" ]; then
	[ -z "${KEG_OLD_KEGCTL:-}" ] || t_skip "KEG_OLD_KEGCTL=$KEG_OLD_KEGCTL is not executable"
	git -C "$T_ROOT" cat-file -e "$OLD_COMMIT^{commit}" 2>/dev/null ||
		t_skip "no commit $OLD_COMMIT here to build the old keg from"
	src=$T_ROOT/build/old-$OLD_COMMIT
	rm -rf "$src"
	echo "# building the old keg ($OLD_COMMIT) in $src"
	if ! { git clone -q "$T_ROOT" "$src" && git -C "$src" checkout -q "$OLD_COMMIT" &&
	       make -C "$src" -j2 build/kegctl >"$src.log" 2>&1; }; then
		tail -20 "$src.log" 2>/dev/null
		rm -rf "$src"
		t_die "building the old kegctl at $OLD_COMMIT failed"
	fi
fi

GW=ktu-gw C1=ktu-c1 GIF=ktu-gw0 CIF=ktu-c0 GIF2=ktu-gw1 CIF2=ktu-c1b
t_netns $GW
t_netns $C1
t_veth $GW $GIF $C1 $CIF
t_veth $GW $GIF2 $C1 $CIF2
t_in $C1 ip addr add 10.201.9.5/24 dev $CIF
t_in $C1 ip addr add fd00:201:9::5/64 dev $CIF nodad
t_in $C1 ip addr add 10.201.11.5/24 dev $CIF2
GWMAC=$(t_mac $GW $GIF) || t_die "no MAC for $GIF"
GWMAC2=$(t_mac $GW $GIF2) || t_die "no MAC for $GIF2"

# old_kegctl ARGS...: the old kegctl in $GW, output in T_OUT.
old_kegctl() {
	T_OUT=$(timeout 60 nsenter --net="/run/netns/$GW" "$OLD_KEGCTL" "$@" 2>&1)
}

old_ok() {
	local desc=$1
	shift
	if old_kegctl "$@"; then t_ok "old keg: $desc"; else t_fail "old keg: $desc: $T_OUT"; fi
}

pin() { [ -e "$KEG_PIN_ROOT/$1/$2" ]; }
entries() { bpftool -j map dump pinned "$KEG_PIN_ROOT/$1/$2" 2>/dev/null | jq length; }
xdp_id() { t_in $GW ip -j link show dev "$1" | jq -r '.[0].xdp.prog.id // empty'; }

# ---- an interface attached by the old keg, with prefixes of both families
T_ATTACHED+=("$GW $GIF" "$GW $GIF2")
old_ok "attach $GIF" attach $GIF
old_ok "subnet add 10.201.9.0/24" subnet add 10.201.9.0/24 --iface $GIF
old_ok "subnet add 10.201.10.0/25" subnet add 10.201.10.0/25 --iface $GIF
old_ok "subnet add fd00:201:9::/64" subnet add fd00:201:9::/64 --iface $GIF
old_ok "subnet add fd00:201:a::/48" subnet add fd00:201:a::/48 --iface $GIF
old_ok "customer add 10.201.9.20" customer add 10.201.9.20 --iface $GIF
t_check "old keg pinned its prefixes as LPM tries keg_subnets4/6" \
	eval 'pin $GIF keg_subnets4 && pin $GIF keg_subnets6'
t_check "old keg pinned its per-leaf counters keg_leafstats" pin $GIF keg_leafstats
t_expect_arp_reply "old keg answers 10.201.10.7" $C1 $CIF 10.201.10.7 "$GWMAC"

# The new kegctl reads what it can of a not yet upgraded interface.
t_keg_ok $GW "new kegctl status on the old attachment" status
t_expect_err $GW "new subnet list on the old attachment asks for the upgrade" \
	"kegctl attach $GIF.*upgrade" subnet list --iface $GIF

# ---- the upgrade
t_kegctl $GW attach $GIF
if [ $? -eq 0 ] && grep -q "upgraded" <<<"$T_OUT" &&
	grep -q "4 proxied prefixes moved" <<<"$T_OUT"; then
	t_ok "kegctl attach $GIF upgrades and moves 4 prefixes: \"$(tail -1 <<<"$T_OUT")\""
else
	t_fail "kegctl attach $GIF: $T_OUT"
fi
t_check "old pins keg_subnets4/6 are gone" \
	eval '! pin $GIF keg_subnets4 && ! pin $GIF keg_subnets6'
t_check "the retired keg_leafstats pin is gone (leaf counters are HTB's)" \
	eval '! pin $GIF keg_leafstats'
n4=$(entries $GIF keg_prefixes4) n6=$(entries $GIF keg_prefixes6)
t_check "keg_prefixes4/6 hold 2 and 2 (got $n4, $n6)" [ "$n4.$n6" = 2.2 ]
t_kegctl $GW subnet list --iface $GIF
got=$(grep -Eo '[0-9a-f.:]+/[0-9]+' <<<"$T_OUT" | sort | tr '\n' ' ')
want="10.201.10.0/25 10.201.9.0/24 fd00:201:9::/64 fd00:201:a::/48 "
t_check "subnet list shows the moved prefixes ($got)" [ "$got" = "$want" ]
t_kegctl $GW status --json
counts=$(jq -r --arg i $GIF '.[] | select(.iface == $i) | "\(.entries.subnets4) \(.entries.subnets6)"' \
	<<<"$T_OUT" 2>/dev/null)
t_check "status --json counts 2 IPv4 and 2 IPv6 subnets (got '$counts')" [ "$counts" = "2 2" ]
t_check "the client side $CIF runs no XDP program" t_no_xdp $C1 $CIF

t_expect_arp_reply "10.201.9.77 (in /24) answered after the upgrade" $C1 $CIF 10.201.9.77 "$GWMAC"
t_expect_arp_reply "10.201.10.7 (in /25) answered after the upgrade" $C1 $CIF 10.201.10.7 "$GWMAC"
t_expect_arp_silence "10.201.10.200 (outside the /25) not answered" $C1 $CIF 10.201.10.200
t_expect_arp_silence "customer 10.201.9.20 not answered" $C1 $CIF 10.201.9.20
t_expect_ns_reply "fd00:201:9::77 (in /64) answered after the upgrade" \
	$C1 $CIF fd00:201:9::77 "$GWMAC"
t_expect_ns_reply "fd00:201:a:5::7 (in /48) answered after the upgrade" \
	$C1 $CIF fd00:201:a:5::7 "$GWMAC"

# The lengths in use follow the moved prefixes: deleting one unmarks it.
t_keg_ok $GW "subnet del 10.201.10.0/25 (a moved prefix)" subnet del 10.201.10.0/25 --iface $GIF
t_expect_arp_silence "10.201.10.7 not answered once its prefix is deleted" $C1 $CIF 10.201.10.7
t_keg_ok $GW "subnet del fd00:201:a::/48 (a moved prefix)" subnet del fd00:201:a::/48 --iface $GIF
t_expect_ns_silence "fd00:201:a:5::7 not answered once its prefix is deleted" \
	$C1 $CIF fd00:201:a:5::7
t_kegctl $GW attach $GIF
rc=$?
t_check "attaching again is a plain upgrade, nothing moved ($(head -1 <<<"$T_OUT"))" \
	eval '[ $rc -eq 0 ] && ! grep -q "moved" <<<"$T_OUT"'

# ---- a move that fails: an old keg_subnets6 holding a length beyond 128.
# The IPv4 prefix is copied first, then the IPv6 map fails: everything goes
# back, the old keg keeps running with its pins.
old_ok "attach $GIF2" attach $GIF2
old_ok "subnet add 10.201.11.0/24" subnet add 10.201.11.0/24 --iface $GIF2
bad=$KEG_PIN_ROOT/$GIF2/keg_subnets6
rm -f "$bad"
bpftool map create "$bad" type hash key 20 value 8 entries 4 name keg_subnets6 ||
	t_die "bpftool map create $bad"
bpftool map update pinned "$bad" key 200 0 0 0 0xfd 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 \
	value 0 0 0 0 0 0 0 0 || t_die "bpftool map update $bad"
id_before=$(xdp_id $GIF2)
t_expect_err $GW "attach with a bad old keg_subnets6 fails naming the map" \
	"upgrading $GIF2: reading the old keg_subnets6" attach $GIF2
t_check "the old keg_xdp (id $id_before) still runs on $GIF2 (now $(xdp_id $GIF2))" \
	eval '[ -n "$id_before" ] && [ "$(xdp_id $GIF2)" = "$id_before" ]'
t_check "the old pins stay" eval 'pin $GIF2 keg_subnets4 && pin $GIF2 keg_subnets6'
t_check "no new prefix map is left pinned" \
	eval '! pin $GIF2 keg_prefixes4 && ! pin $GIF2 keg_prefixes6 && ! pin $GIF2 keg_prefix_lens'
t_expect_arp_reply "the old keg still answers 10.201.11.7" $C1 $CIF2 10.201.11.7 "$GWMAC2"

t_done
