#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_apply.sh - `kegctl apply FILE`: a file is the desired state of the
# interfaces it names; applying it twice changes nothing the second time
# ("0 changes"); an edited file applies just the difference, --dry-run
# only shows it; interfaces the file does not name are left alone.
#
#   ktp-c1 [ktp-c0 10.201.7.5/24] == [ktp-gw0] ktp-gw [ktp-gw1] == [ktp-c1b] ktp-c1
. "$(dirname "$0")/lib.sh"
t_init ktp
t_need arping

GW=ktp-gw C1=ktp-c1 NET=10.201.7 NET6=fd00:201:7:
t_tmp CONF

t_netns $GW
t_netns $C1
t_veth $GW ktp-gw0 $C1 ktp-c0
t_veth $GW ktp-gw1 $C1 ktp-c1b
t_in $C1 ip addr add $NET.5/24 dev ktp-c0
GWMAC=$(t_mac $GW ktp-gw0) || t_die "no MAC for ktp-gw0"
t_attach $GW ktp-gw0
t_attach $GW ktp-gw1

# What keg holds, as sorted "IFACE KIND ADDR" lines: customers from the
# kernel routes kegctl installed, subnets from `kegctl subnet list`, each
# cross-checked against the number of map entries.
state() {
	local ifc
	{
		t_in $GW ip route show proto 75 | awk '{print $3, "customer", $1}'
		t_in $GW ip -6 route show proto 75 | awk '{print $3, "customer", $1}'
		for ifc in ktp-gw0 ktp-gw1; do
			t_kegctl $GW subnet list --iface $ifc
			grep -Eo '[0-9a-f.:]+/[0-9]+' <<<"$T_OUT" | sed "s/^/$ifc subnet /"
		done
	} | sort
}

# The number of entries of one pinned map.
entries() {
	bpftool -j map dump pinned "$KEG_PIN_ROOT/$1/$2" 2>/dev/null | jq length
}

# expect_state DESC LINE...: state() is exactly these lines, and the maps
# hold as many entries as the lines say.
expect_state() {
	local desc=$1 want got ifc m kind n c
	shift
	want=$(printf '%s\n' "$@" | sort)
	got=$(state)
	if [ "$got" != "$want" ]; then
		t_fail "$desc"
		t_info "expected:" "$want" "got:" "$got"
		return
	fi
	for ifc in ktp-gw0 ktp-gw1; do
		for m in prefixes4:subnet:'\.' prefixes6:subnet:: customers4:customer:'\.' customers6:customer::; do
			IFS=: read -r n kind c <<<"$m"
			n=keg_$n
			[ "$c" = "" ] && c=:
			want=$(printf '%s\n' "$@" | grep "^$ifc $kind " | grep -c -- "$c")
			got=$(entries $ifc $n)
			if [ "$got" != "$want" ]; then
				t_fail "$desc ($ifc $n has $got entries, expected $want)"
				return
			fi
		done
	done
	t_ok "$desc"
}

# apply_ok DESC REGEX ARGS...: kegctl apply succeeds and says REGEX.
apply_ok() {
	local desc=$1 re=$2
	shift 2
	if t_kegctl $GW apply "$@" && grep -Eqi -- "$re" <<<"$T_OUT"; then
		t_ok "$desc: \"$(tail -1 <<<"$T_OUT")\""
	else
		t_fail "$desc (exit $?, expected /$re/): $T_OUT"
	fi
}

cat >"$CONF" <<EOF
# keg desired state, version 1
interface ktp-gw0
	subnet $NET.0/24
	subnet $NET6:/64
	customer $NET.10
	customer $NET.11	# trailing comment
	customer $NET6:10

interface ktp-gw1
	subnet $NET.0/24
	customer $NET.20
EOF
V1=("ktp-gw0 subnet $NET.0/24" "ktp-gw0 subnet $NET6:/64" "ktp-gw0 customer $NET.10"
    "ktp-gw0 customer $NET.11" "ktp-gw0 customer $NET6:10"
    "ktp-gw1 subnet $NET.0/24" "ktp-gw1 customer $NET.20")

apply_ok "dry run of version 1 lists 7 changes" '(^|[^0-9])7 change' "$CONF" --dry-run
expect_state "dry run changed nothing" 
apply_ok "apply version 1: 7 changes" '(^|[^0-9])7 change' "$CONF"
expect_state "state is version 1" "${V1[@]}"
apply_ok "apply version 1 again: no-op" '(^|[^0-9])0 changes' "$CONF"
apply_ok "dry run of version 1 again: no-op" '(^|[^0-9])0 changes' "$CONF" --dry-run
expect_state "state is still version 1" "${V1[@]}"
t_expect_arp_silence "$NET.11 (assigned on ktp-gw0) not answered" $C1 ktp-c0 $NET.11
t_expect_arp_reply "$NET.12 (unassigned) answered" $C1 ktp-c0 $NET.12 "$GWMAC"

# Version 2: .11 leaves, .12 arrives, .20 moves from ktp-gw1 to ktp-gw0,
# ktp-gw1 gets a second subnet.
cat >"$CONF" <<EOF
interface ktp-gw0
	subnet $NET.0/24
	subnet $NET6:/64
	customer $NET.10
	customer $NET.12
	customer $NET.20
	customer $NET6:10
interface ktp-gw1
	subnet $NET.0/24
	subnet 10.201.8.0/24
EOF
V2=("ktp-gw0 subnet $NET.0/24" "ktp-gw0 subnet $NET6:/64" "ktp-gw0 customer $NET.10"
    "ktp-gw0 customer $NET.12" "ktp-gw0 customer $NET.20" "ktp-gw0 customer $NET6:10"
    "ktp-gw1 subnet $NET.0/24" "ktp-gw1 subnet 10.201.8.0/24")
apply_ok "dry run of version 2: 5 changes" '(^|[^0-9])5 change' "$CONF" --dry-run
t_check "dry run names what it would change ($NET.11, $NET.12, $NET.20, 10.201.8.0/24)" \
	eval 'for a in "$NET\.11" "$NET\.12" "$NET\.20" "10\.201\.8\.0/24"; do grep -q "$a" <<<"$T_OUT" || exit 1; done'
expect_state "dry run changed nothing" "${V1[@]}"
apply_ok "apply version 2: 5 changes" '(^|[^0-9])5 change' "$CONF"
expect_state "state is version 2" "${V2[@]}"
apply_ok "apply version 2 again: no-op" '(^|[^0-9])0 changes' "$CONF"
t_expect_arp_reply "$NET.11 (removed) now answered" $C1 ktp-c0 $NET.11 "$GWMAC"
t_expect_arp_silence "$NET.12 (added) now refused" $C1 ktp-c0 $NET.12

# A file naming only ktp-gw1 leaves ktp-gw0 alone; an empty block empties.
printf 'interface ktp-gw1\n' >"$CONF"
apply_ok "apply an empty ktp-gw1 block: 2 changes" '(^|[^0-9])2 change' "$CONF"
expect_state "ktp-gw1 emptied, ktp-gw0 untouched" \
	"ktp-gw0 subnet $NET.0/24" "ktp-gw0 subnet $NET6:/64" "ktp-gw0 customer $NET.10" \
	"ktp-gw0 customer $NET.12" "ktp-gw0 customer $NET.20" "ktp-gw0 customer $NET6:10"

t_done
