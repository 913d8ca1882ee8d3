#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_shaping_attach.sh - `kegctl attach IFACE --uplink UPLINK` turns
# shaping on; `kegctl detach IFACE` turns it off first, leaving no keg
# qdisc or filter on IFACE or on the uplink.
#
#   ksa-r: ksa-r0 (uplink, veth to ksa-s) and ksa-r1 (customers, veth to ksa-c)
. "$(dirname "$0")/lib.sh"
t_init ksa
t_need tc

S=ksa-s R=ksa-r C=ksa-c
t_netns $S
t_netns $R
t_netns $C
t_veth $R ksa-r0 $S ksa-s0
t_veth $R ksa-r1 $C ksa-c1

# qdiscs: the kinds on DEV other than the kernel's defaults, sorted.
qdiscs() {
	t_in $R tc qdisc show dev "$1" | awk '$2 != "noqueue" && $2 != "pfifo_fast" && $2 != "mq" { print $2 }' |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}
egress_filters() {
	t_in $R tc filter show dev "$1" egress 2>/dev/null | grep -c . || true
}

fails() { ! "$@" >/dev/null 2>&1; }
uplink_clean() { [ -z "$(qdiscs ksa-r0)" ] && [ "$(egress_filters ksa-r0)" = 0 ]; }
t_check "attach --uplink with a missing uplink fails" \
	fails t_kegctl $R attach ksa-r1 --uplink ksa-nope
t_check "... and leaves ksa-r1 unattached" [ ! -d "$KEG_PIN_ROOT/ksa-r1" ]

t_attach $R ksa-r1 --uplink ksa-r0
t_info "$T_OUT"
t_check "attach --uplink says shaping is on" grep -q "shaping on" <<<"$T_OUT"
t_check "HTB on ksa-r1 ($(qdiscs ksa-r1))" grep -qw htb <<<"$(qdiscs ksa-r1)"
t_check "HTB on the uplink ksa-r0 ($(qdiscs ksa-r0))" grep -qw htb <<<"$(qdiscs ksa-r0)"
t_check "keg_tc on the uplink's egress" grep -q keg_tc <<<"$(t_in $R tc filter show dev ksa-r0 egress)"
t_keg_ok $R "customer add 10.203.2.2 --down 20mbit --up 10mbit" \
	customer add 10.203.2.2 --iface ksa-r1 --down 20mbit --up 10mbit
t_check "customer outside every proxied subnet: one warning line ($T_OUT)" \
	[ "$(grep -c "warning: 10.203.2.2 is outside every subnet proxied on ksa-r1" <<<"$T_OUT")" = 1 ]
t_keg_ok $R "subnet add 10.203.2.0/24" subnet add 10.203.2.0/24 --iface ksa-r1
t_keg_ok $R "customer add 10.203.2.3 (inside 10.203.2.0/24)" customer add 10.203.2.3 --iface ksa-r1
t_check "no warning inside a proxied subnet ($T_OUT)" fails grep -q warning <<<"$T_OUT"
t_keg_ok $R "customer add 2001:db8:203::3" customer add 2001:db8:203::3 --iface ksa-r1
t_check "IPv6 customer outside the IPv4 subnet: warning" grep -q "warning: 2001:db8:203::3 is outside" <<<"$T_OUT"

t_keg_ok $R "detach ksa-r1" detach ksa-r1
for d in ksa-r1 ksa-r0; do
	q=$(qdiscs $d)
	t_check "no keg qdisc left on $d (${q:-none})" [ -z "$q" ]
	f=$(egress_filters $d)
	t_check "no egress filter left on $d ($f lines)" [ "$f" = 0 ]
done
t_check "pins of ksa-r1 gone" [ ! -d "$KEG_PIN_ROOT/ksa-r1" ]

# Again, and detach before any customer: same result.
t_attach $R ksa-r1 --uplink ksa-r0
t_keg_ok $R "detach ksa-r1 (second time)" detach ksa-r1
t_check "uplink clean after the second detach ($(qdiscs ksa-r0); $(egress_filters ksa-r0) filter lines)" \
	uplink_clean
t_done
