#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_keg_proxy.sh - proxy mode across the emulated WAN (deploy/lab/keg.sh):
# gwa stands for b1 with addresses of site A's LAN that a1 reaches as if b1
# were a neighbour; nothing of keg runs on a1 or b1.
#
#  - kegctl proxy add on gwa: a1 resolves the proxy address by ARP (IPv4)
#    and Neighbor Discovery (IPv6) to gwa's LAN MAC;
#  - TCP to the proxy address (a port mapped to another, and a proxy of
#    every port) reaches b1 byte-exact (sha256) both ways, and b1 sees gwb's
#    own address as the client, never a1's;
#  - proxy list [--json] shows the proxies with their rule's counters;
#  - bad input exits non-zero with a message naming the problem and
#    changes nothing (unknown or local site, an address off the LAN, of
#    the gateway, a proxy already, a customer, a destination on the LAN,
#    bad ports, UDP, intercept del of a proxy's rule);
#  - proxy del: the address is no longer answered nor carried;
#  - apply: a file's proxy lines are the interface's proxies (dry run
#    changes nothing; a bad line changes nothing; a file without them
#    removes them) and leave its other rules alone; its limits line sets
#    the limits.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_build
need_cmd jq nc ndisc6
KEG=$WAN_ROOT/deploy/lab/keg.sh
[ -x "$WAN_ROOT/build/kegd" ] && [ -x "$WAN_ROOT/build/kegctl" ] || skip "build kegd and kegctl (make)"

P=$(prefix_for kp)
lab_up "$P" --hosts 2 --rate 100mbit --rtt 20 --buffer 500000
T_CLEANUP+=("LAB_QUIET=1 '$KEG' down --prefix '$P'")
TMP=$(mktemp -d /tmp/test_keg_proxy.XXXXXX)
T_CLEANUP+=("rm -rf '$TMP'")

# UDP flows end after 5 s idle here (60 s by default), so the suite sees it.
"$KEG" up --prefix "$P" --kegd-args "--udp-idle-s 5" || { fail "keg.sh up"; finish; }
check "both sites up within 10 s" "$KEG" wait-up --prefix "$P" 10

GWA=$("$LAB" addr --prefix "$P" gwa)
GWB=$("$LAB" addr --prefix "$P" gwb)
GWB6=$("$LAB" addr --prefix "$P" gwb 6)
A2=$("$LAB" addr --prefix "$P" a2)
B1=$("$LAB" addr --prefix "$P" b1)
B16=$("$LAB" addr --prefix "$P" b1 6)
NET=$(cut -d. -f2 <<<"$GWA")
PX4=10.$NET.1.200
PX6=fd00:$NET:1::200
LAN=$P-gal
ctl() { "$KEG" ctl --prefix "$P" gwa "$@"; }
site() {	# NODE FIELD: the other site's FIELD in NODE's site list --json
	local s
	s=$([ "$1" = gwa ] && echo B || echo A)
	"$KEG" ctl --prefix "$P" "$1" site list --json |
		jq -r --arg s "$s" --arg f "$2" '.[] | select(.name == $s) | .[$f]'
}
gwa_mac=$(in_ns "$P" gwa cat "/sys/class/net/$LAN/address")

PORT=7100
TC_TIMEOUT=60

# ---- adding: TCP both ways, IPv4 with a port mapped, IPv6 with every port ------
out=$(ctl proxy add --site B --proxy "$PX4:8080" --dest "$B1:7101" --iface "$LAN" 2>&1)
check "proxy add $PX4:8080 -> $B1:7101 prints its rule id ($out)" grep -qx '[0-9]\+' <<<"$out"
RULE4=$out
out=$(ctl proxy add --site B --proxy "$PX6" --dest "$B16" --iface "$LAN" 2>&1)
check "proxy add $PX6 -> $B16 (every port) prints its rule id ($out)" grep -qx '[0-9]\+' <<<"$out"

serve b1 sha                      # port 7101
out=$(client a1 send "$PX4" 8080 5000000)
wait "$SRV"
check "5 MB a1 -> $PX4:8080 reach b1:7101 byte-exact, answered after a1's FIN ($out)" \
	test "$(kv ok "$out")" = 1
check "b1 saw gwb's own address as the client ($(kv peer "$out"), gwb is $GWB)" \
	test "$(kv peer "$out")" = "$GWB"
neigh=$(in_ns "$P" a1 ip neigh show "$PX4")
check "a1 resolved $PX4 by ARP to gwa's LAN MAC $gwa_mac ($neigh)" grep -q "lladdr $gwa_mac" <<<"$neigh"

serve b1 source 3000000           # port 7102
out=$(client a1 sink "$PX6" "$PORT")
wait "$SRV"
check "3 MB b1 -> a1 through [$PX6]:$PORT (the port kept) byte-exact ($(kv sha "$out" | cut -c1-12) vs $(kv sha "$(cat "$TMP/b1.out")" | cut -c1-12))" \
	eval "[ -n \"$(kv sha "$out")\" ] && [ \"$(kv sha "$out")\" = \"$(kv sha "$(cat "$TMP/b1.out")")\" ]"
neigh=$(in_ns "$P" a1 ip -6 neigh show "$PX6")
check "a1 resolved $PX6 by Neighbor Discovery to gwa's LAN MAC ($neigh)" grep -q "lladdr $gwa_mac" <<<"$neigh"

serve b1 sha                      # port 7103
out=$(client a1 send "$PX6" "$PORT" 2000000)
wait "$SRV"
check "2 MB a1 -> [$PX6]:$PORT byte-exact, b1 saw gwb ($(kv peer "$out"), gwb is $GWB6)" \
	eval "[ \"$(kv ok "$out")\" = 1 ] && [ \"$(kv peer "$out")\" = \"$GWB6\" ]"

# UDP: the same proxies (tcp,udp by default): datagrams both ways whole, the
# server sees gwb; a second client's flow is its own.
in_ns "$P" b1 timeout 30 "$PY" "$TC" udpecho 7101 12 >"$TMP/udp.out" 2>&1 &
UECHO=$!
in_ns "$P" b1 timeout 30 "$PY" "$TC" udpecho 7105 12 >"$TMP/udp6.out" 2>&1 &
UECHO6=$!
sleep 0.5
out=$(client a1 udpping "$PX4" 8080 50)
check "50 datagrams a1 -> $PX4:8080 -> b1:7101 and back, whole (1..1400 bytes) ($out)" \
	test "$(kv ok "$out")" = 50
check "... b1 saw gwb's own address ($(kv peer "$out"), gwb is $GWB)" test "$(kv peer "$out")" = "$GWB"
out=$(client a2 udpping "$PX4" 8080 20)
check "a second client (a2) through the same proxy: its own flow, 20 of 20 back ($out)" \
	eval "[ \"$(kv ok "$out")\" = 20 ] && [ \"$(kv peer "$out")\" = \"$GWB\" ]"
out=$(client a1 udpping "$PX6" 7105 30)
check "30 datagrams a1 -> [$PX6]:7105 (every port) and back, b1 saw gwb ($out, gwb is $GWB6)" \
	eval "[ \"$(kv ok "$out")\" = 30 ] && [ \"$(kv peer "$out")\" = \"$GWB6\" ]"
sleep 0.6	# kegd writes its counters every 250 ms
busy_a=$(site gwa tcp_conns) busy_b=$(site gwb tcp_conns)
check "the UDP flows are open at both gateways right after (gwa $busy_a, gwb $busy_b: 3 flows)" \
	eval "[ $busy_a = 3 ] && [ $busy_b = 3 ]"
wait "$UECHO" "$UECHO6"
sleep 1	# idle 5 s (the echo servers ran 12 s), looked for every second
check "the UDP flows ended after 5 s idle (kegd --udp-idle-s 5): gwa holds $(site gwa tcp_conns), gwb $(site gwb tcp_conns)" \
	eval "[ $(site gwa tcp_conns) = 0 ] && [ $(site gwb tcp_conns) = 0 ]"
in_ns "$P" b1 timeout 30 "$PY" "$TC" udpecho 7101 5 >"$TMP/udp.out" 2>&1 &
UECHO=$!
sleep 0.5
out=$(client a1 udpping "$PX4" 8080 10)
check "... and a new flow of the same client and port works (10 of 10: $out)" test "$(kv ok "$out")" = 10
wait "$UECHO"

# Another host of the LAN (a2) uses the same proxy: it is the LAN's, not a1's.
serve b1 sha                      # port 7104
ctl proxy del --proxy "$PX4" --iface "$LAN" >/dev/null
ctl proxy add --site B --proxy "$PX4:8080" --dest "$B1:$PORT" --iface "$LAN" >/dev/null
out=$(client a2 send "$PX4" 8080 1000000)
wait "$SRV"
check "a2 ($A2) reaches b1 through the same proxy address ($out)" \
	eval "[ \"$(kv ok "$out")\" = 1 ] && [ \"$(kv peer "$out")\" = \"$GWB\" ]"
RULE4=$(ctl proxy list --json | jq -r --arg p "$PX4" '.[] | select(.proxy == $p) | .rule')

# ---- listing -------------------------------------------------------------------
jqe() { jq -e "$@" >/dev/null; }
js=$(ctl proxy list --json)
check "proxy list --json: two proxies ($(jq -c 'map(.proxy)' <<<"$js"))" \
	test "$(jq length <<<"$js")" = 2
check "... $PX4 port 8080 -> $B1 port $PORT, site B, tcp, its rule counted packets" \
	jqe --arg p "$PX4" --arg d "$B1" --argjson dp "$PORT" \
	'.[] | select(.proxy == $p) | .port == 8080 and .dest == $d and .dport == $dp and .site == "B" and .proto == "tcp,udp" and .packets > 0' <<<"$js"
check "... $PX6 every port (0) -> $B16" \
	jqe --arg p "$PX6" --arg d "$B16" '.[] | select(.proxy == $p) | .port == 0 and .dport == 0 and .dest == $d' <<<"$js"
txt=$(ctl proxy list)
check "proxy list: one line per proxy ($(head -n 1 <<<"$txt"))" \
	eval "[ $(wc -l <<<"$txt") = 2 ] && grep -q -- '--proxy $PX4:8080 --dest $B1:$PORT --proto tcp,udp' <<<\"\$txt\""
check "intercept list shows the proxies' rules marked (proxy)" \
	eval "[ $(ctl intercept list | grep -c '(proxy)') = 2 ]"
check "intercept list --json: the proxies' rules say \"proxy\": true, the lab's false" \
	test "$(ctl intercept list --json | jq -c 'map(.proxy)')" = '[false,false,true,true]'

# ---- refusals: non-zero, a message naming the problem, nothing changed -------------
n_rules=$(ctl intercept list | wc -l)
exit_and_says() { [ "$1" != 0 ] && grep -qiF -- "$2" <<<"$3"; }
refused() {
	local why=$1 want=$2 rc=0 msg
	shift 2
	msg=$(ctl "$@" 2>&1 >/dev/null) || rc=$?
	check "$why: refused (exit $rc): $msg" exit_and_says "$rc" "$want" "$msg"
}
refused "unknown site" "unknown site Z" proxy add --site Z --proxy 10.$NET.1.201 --dest "$B1" --iface "$LAN"
refused "the gateway's own site" "this gateway's own" proxy add --site A --proxy 10.$NET.1.201 --dest "$B1" --iface "$LAN"
refused "an address off the LAN" "not on $LAN's LAN" proxy add --site B --proxy 10.$NET.9.1 --dest "$B1" --iface "$LAN"
refused "the gateway's own address" "address of this gateway" proxy add --site B --proxy "$GWA" --dest "$B1" --iface "$LAN"
refused "a proxy already" "proxy of $LAN already" proxy add --site B --proxy "$PX4" --dest "$B1" --iface "$LAN"
refused "a destination on the LAN" "on this LAN" proxy add --site B --proxy 10.$NET.1.201 --dest "$A2" --iface "$LAN"
refused "a port range" "one port" proxy add --site B --proxy 10.$NET.1.201:80-90 --dest "$B1" --iface "$LAN"
refused "port 0" "port" proxy add --site B --proxy 10.$NET.1.201:0 --dest "$B1" --iface "$LAN"
refused "port 70000" "port" proxy add --site B --proxy 10.$NET.1.201:70000 --dest "$B1" --iface "$LAN"
refused "a destination port without a proxy port" "has a port but" proxy add --site B --proxy 10.$NET.1.201 --dest "$B1:80" --iface "$LAN"
refused "a prefix" "one address" proxy add --site B --proxy 10.$NET.1.0/24 --dest "$B1" --iface "$LAN"
refused "mixed families" "same family" proxy add --site B --proxy 10.$NET.1.201 --dest "$B16" --iface "$LAN"
refused "ICMP" "not ICMP" proxy add --site B --proxy 10.$NET.1.201 --dest "$B1" --proto icmp --iface "$LAN"
refused "a missing --dest" "required" proxy add --site B --proxy 10.$NET.1.201 --iface "$LAN"
refused "intercept del of a proxy's rule" "proxy del" intercept del "$RULE4" --iface "$LAN"
refused "proxy del of no proxy" "no proxy" proxy del --proxy 10.$NET.1.201 --iface "$LAN"
ctl customer add 10.$NET.1.202 --iface "$LAN" >/dev/null 2>&1
refused "a customer's address" "customer of" proxy add --site B --proxy 10.$NET.1.202 --dest "$B1" --iface "$LAN"
check "nothing half-applied: still 2 proxies and $n_rules rules" \
	eval "[ \$(ctl proxy list --json | jq length) = 2 ] && [ \$(ctl intercept list | wc -l) = $n_rules ]"

# ---- counters, a kegd restart, an older far kegd ---------------------------------
acc=$(site gwa tcp_accepted) con=$(site gwb tcp_connected)
"$KEG" stop --prefix "$P" gwa
"$KEG" start --prefix "$P" gwa
check "after a kegd restart at gwa the sites come up again" "$KEG" wait-up --prefix "$P" 10
PORT=7149
serve b1 sha                      # port 7150
ctl proxy del --proxy "$PX4" --iface "$LAN" >/dev/null
ctl proxy add --site B --proxy "$PX4:8080" --dest "$B1:$PORT" --iface "$LAN" >/dev/null
out=$(client a1 send "$PX4" 8080 1000000)
wait "$SRV"
check "after the restart the proxy carries a new connection byte-exact ($out)" \
	eval "[ \"$(kv ok "$out")\" = 1 ] && [ \"$(kv peer "$out")\" = \"$GWB\" ]"
sleep 0.6	# kegd writes its counters every 250 ms
check "gwb counted the connections it opened for the proxy (tcp_connected $con -> $(site gwb tcp_connected))" \
	test "$(site gwb tcp_connected)" -gt "$con"
check "gwa counts the one accepted since its restart (tcp_accepted $(site gwa tcp_accepted))" \
	test "$(site gwa tcp_accepted)" -ge 1
RULE4=$(ctl proxy list --json | jq -r --arg p "$PX4" '.[] | select(.proxy == $p) | .rule')
# A far kegd from before proxy mode (KEG_OLD_KEGD: its binary) refuses the
# flag: the client gets a reset, the server nothing.
if [ -x "${KEG_OLD_KEGD:-}" ]; then
	"$KEG" stop --prefix "$P" gwb
	KEGD=$KEG_OLD_KEGD "$KEG" start --prefix "$P" gwb
	"$KEG" wait-up --prefix "$P" 10 || fail "sites up with the older kegd at gwb"
	serve b1 sha
	out=$(client a1 refused "$PX4" 8080)
	kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null
	check "an older far kegd ($KEG_OLD_KEGD) refuses the proxy's stream: the client gets a reset ($out), b1 no connection ($(cat "$TMP/b1.out"))" \
		eval "[ \"$(kv refused "$out")\" = 1 ] && ! grep -q served \"$TMP/b1.out\""
	"$KEG" stop --prefix "$P" gwb
	"$KEG" start --prefix "$P" gwb
	"$KEG" wait-up --prefix "$P" 10 || fail "sites up again with this kegd at gwb"
else
	echo "# skipped: an older far kegd (set KEG_OLD_KEGD to one from before proxy mode)"
fi

# ---- deleting ------------------------------------------------------------------
out=$(ctl proxy del --proxy "$PX4" --iface "$LAN" 2>&1)
check "proxy del $PX4 ($out)" grep -q -- "- proxy $PX4" <<<"$out"
check "... its rule is gone with it" eval "[ \$(ctl intercept list | grep -c '(proxy)') = 1 ]"
in_ns "$P" a1 ip neigh flush dev "$(in_ns "$P" a1 ip -o route get "$PX4" | grep -o 'dev [^ ]*' | cut -d' ' -f2)" 2>/dev/null
serve b1 sha
rc=0
in_ns "$P" a1 nc -z -w 3 "$PX4" 8080 >/dev/null 2>&1 || rc=$?
kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null
check "a1 can no longer connect to $PX4:8080 (nc exit $rc)" test "$rc" != 0
neigh=$(in_ns "$P" a1 ip neigh show "$PX4")
check "$PX4 is no longer resolved ($neigh)" eval "! grep -q lladdr <<<\"\$neigh\""
ctl proxy del --proxy "$PX6" --iface "$LAN" >/dev/null
check "proxy list --json is [] after both are deleted" test "$(ctl proxy list --json | jq length)" = 0

# ---- apply: proxy and limits lines -----------------------------------------------
F=$TMP/keg.conf
write_conf() {
	{
		echo "interface $LAN"
		echo "intercept B 10.$NET.1.0/24 10.$NET.2.0/24 IUT forward  # keg.sh's rules"
		echo "intercept B fd00:$NET:1::/64 fd00:$NET:2::/64 IUT forward"
		printf '%s\n' "$@"
	} >"$F"
}
PX5=10.$NET.1.210
limit_tcp() { ctl limits show --json | jq -r .tcp; }
write_conf "proxy B $PX5:8081 $B1:7200 tcp" "limits tcp 500 udp none"
out=$(ctl apply --dry-run "$F" 2>&1)
check "apply --dry-run shows the proxy and the limits it would set ($(grep -c . <<<"$out") lines)" \
	eval "grep -q -- '+ proxy --site B --proxy $PX5:8081 --dest $B1:7200' <<<\"\$out\" && grep -q 'limits: ~ limits tcp 500' <<<\"\$out\""
check "... and changes nothing (proxies $(ctl proxy list --json | jq length), limits tcp $(limit_tcp))" \
	eval "[ \$(ctl proxy list --json | jq length) = 0 ] && [ \$(limit_tcp) = 0 ]"
out=$(ctl apply "$F" 2>&1)
check "apply adds the proxy ($(grep proxy <<<"$out"))" grep -q -- "+ proxy --site B --proxy $PX5:8081" <<<"$out"
check "... sets the limits (tcp $(limit_tcp))" test "$(limit_tcp)" = 500
check "... and keeps keg.sh's two rules (unchanged: $(grep -o '[0-9]* unchanged' <<<"$out"))" \
	grep -q "2 unchanged" <<<"$out"
PORT=7199
serve b1 sha                      # port 7200
out=$(client a1 send "$PX5" 8081 1000000)
wait "$SRV"
check "1 MB a1 -> $PX5:8081 (the applied proxy) byte-exact, b1 saw gwb ($out)" \
	eval "[ \"$(kv ok "$out")\" = 1 ] && [ \"$(kv peer "$out")\" = \"$GWB\" ]"
out=$(ctl apply "$F" 2>&1)
check "the same file again changes nothing ($(tail -n 1 <<<"$out"))" \
	eval "grep -q '^applied 0 changes' <<<\"\$out\" && ! grep -q '^limits:' <<<\"\$out\""
write_conf "proxy B $PX5:8081 $B1:7200 tcp" "proxy Z 10.$NET.1.211 $B1"
rc=0
out=$(ctl apply "$F" 2>&1) || rc=$?
check "a proxy line of an unknown site: refused (exit $rc): $out" \
	exit_and_says "$rc" "unknown site Z" "$out"
check "... nothing changed (proxies: $(ctl proxy list --json | jq -c 'map(.proxy)'))" \
	test "$(ctl proxy list --json | jq -c 'map(.proxy)')" = "[\"$PX5\"]"
write_conf
out=$(ctl apply "$F" 2>&1)
check "a file without proxy lines removes the proxy ($(grep proxy <<<"$out"))" \
	eval "grep -q -- '- proxy --site B --proxy $PX5:8081' <<<\"\$out\" && [ \$(ctl proxy list --json | jq length) = 0 ]"
check "... and without a limits line leaves the limits (tcp $(limit_tcp))" test "$(limit_tcp)" = 500
check "... keg.sh's rules are still there, and no proxy rule" \
	eval "[ \$(ctl intercept list | wc -l) = 2 ] && ! ctl intercept list | grep -q '(proxy)'"
ctl limits set --tcp none --udp none >/dev/null

finish
