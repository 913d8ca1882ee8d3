#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_keg_term.sh - TCP termination across the emulated WAN
# (deploy/lab/keg.sh with its default rules, which terminate TCP): a1 and b1
# talk to their own gateway's TCP stack, and the bytes cross in kegs.
#
#  - a connection a1 -> b1 is accepted by gwa (its rule's SYN assigned to
#    kegd's listener) and opened by gwb with a1's address: the server sees
#    the client's address; the bytes cross as a byte stream, not as packets;
#  - byte-exact (sha256) both ways, IPv4 and IPv6, with 1% and 5% loss and
#    reordering on the WAN; connections opened from either site;
#  - half-close: the client's FIN reaches the server, which answers after it;
#  - a reset by the server reaches the client as a reset; a connection to a
#    closed port ends in a reset at the client, and is counted;
#  - 1000 concurrent connections all complete, byte-exact;
#  - a server that reads slowly holds the client back: kegd's memory for the
#    connection stays under its bounds (a send ring and a stream window)
#    and the client's writes block;
#  - kegd restarted at the client's side: the connection through it ends in
#    a reset, a new one works once the site is up again;
#  - compression (keg/3): text crosses in compressed byte kegs, byte-exact,
#    both ways at 1% loss, and 1000 concurrent text connections all
#    complete (compressed kegs are taken whole at the receiver: this is
#    where their sender's credit reservation must keep the connection
#    window from deadlocking); random bytes are passed through; a peer on
#    keg/2 (kegd --wire 2) gets no compressed byte keg and the bytes cross;
#  - connection limits (kegctl limits): past the TCP limit a new connection
#    is reset and counted, the ones open keep going; with --forward-at-limit
#    rules it is routed unaccelerated instead; past the UDP limit a new
#    flow's datagrams are dropped and counted, or with --forward-at-limit
#    delivered through the kernel.
# Speed against plain TCP is make bench-wan's; here only behaviour is judged.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_build
need_cmd jq nc sha256sum ss
KEG=$WAN_ROOT/deploy/lab/keg.sh
[ -x "$WAN_ROOT/build/kegd" ] && [ -x "$WAN_ROOT/build/kegctl" ] || skip "build kegd and kegctl (make)"

P=$(prefix_for kt)
RTT=40
link() { lab_set "$P" --rate 100mbit --rtt "$RTT" --buffer 500000 "$@"; }
lab_up "$P" --rate 100mbit --rtt "$RTT" --buffer 500000
T_CLEANUP+=("LAB_QUIET=1 '$KEG' down --prefix '$P'")
TMP=$(mktemp -d /tmp/test_keg_term.XXXXXX)
T_CLEANUP+=("rm -rf '$TMP'")

"$KEG" up --prefix "$P" || { fail "keg.sh up"; finish; }
check "both sites up within 10 s" "$KEG" wait-up --prefix "$P" 10

A1=$("$LAB" addr --prefix "$P" a1)
B1=$("$LAB" addr --prefix "$P" b1)
B16=$("$LAB" addr --prefix "$P" b1 6)

# site NODE FIELD: the other site's FIELD in `kegctl site list --json` at NODE.
site() {
	local s
	s=$([ "$1" = gwa ] && echo B || echo A)
	"$KEG" ctl --prefix "$P" "$1" site list --json |
		jq -r --arg s "$s" --arg f "$2" '.[] | select(.name == $s) | .[$f]'
}
fresh() { sleep 0.6; }	# kegd writes its counters every 250 ms

PORT=7000

# ---- one connection: accepted at gwa, opened at gwb as the client -----------------
basic_block() {
	local out acc con pk0 tx0
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	acc=$(site gwa tcp_accepted) con=$(site gwb tcp_connected)
	pk0=$(site gwa lan_packets_sent) tx0=$(site gwa tcp_bytes_sent)
	serve b1 sha
	out=$(client a1 send "$B1" "$PORT" 20000000)
	wait "$SRV"
	check "20 MB a1 -> b1 (IPv4) through termination, answered after a1's FIN: byte-exact ($out)" \
		test "$(kv ok "$out")" = 1
	check "b1 saw the client's own address ($(kv peer "$out"), a1 is $A1)" \
		test "$(kv peer "$out")" = "$A1"
	fresh
	check "gwa accepted it (tcp_accepted $acc -> $(site gwa tcp_accepted))" \
		test "$(site gwa tcp_accepted)" -gt "$acc"
	check "gwb opened it to b1 (tcp_connected $con -> $(site gwb tcp_connected))" \
		test "$(site gwb tcp_connected)" -gt "$con"
	check "the bytes crossed as a stream (tcp_bytes_sent $tx0 -> $(site gwa tcp_bytes_sent)), not as packets (lan_packets_sent $pk0 -> $(site gwa lan_packets_sent))" \
		eval "[ $(site gwa tcp_bytes_sent) -ge $((tx0 + 20000000)) ] && [ $(site gwa lan_packets_sent) -lt $((pk0 + 100)) ]"
	check "no terminated connection left open (gwa $(site gwa tcp_conns), gwb $(site gwb tcp_conns))" \
		eval "[ $(site gwa tcp_conns) = 0 ] && [ $(site gwb tcp_conns) = 0 ]"

	serve b1 sha
	out=$(client a1 send "$B16" "$PORT" 5000000)
	wait "$SRV"
	check "5 MB a1 -> b1 over IPv6 through termination: byte-exact ($out)" \
		test "$(kv ok "$out")" = 1
}
try3 basic_block

# ---- both directions, both sites, loss and reordering ---------------------------------
both_ways_block() {
	local loss=$1 out want
	link --loss "$loss" --reorder 2 --reorder-delay 5
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up at $loss% loss"; return; }
	serve b1 sha
	out=$(client a1 send "$B1" "$PORT" 10000000)
	wait "$SRV"
	check "$loss% loss, reordering: 10 MB client a1 -> server b1, byte-exact ($out)" \
		test "$(kv ok "$out")" = 1
	serve b1 source 10000000
	out=$(client a1 sink "$B1" "$PORT")
	wait "$SRV"
	want=$(kv sha "$(cat "$TMP/b1.out")")
	check "$loss% loss, reordering: 10 MB server b1 -> client a1, byte-exact (sent ${want:0:16}, got $(kv sha "$out" | cut -c1-16))" \
		test "$(kv sha "$out")" = "$want"
	serve a1 sha
	out=$(client b1 send "$A1" "$PORT" 10000000)
	wait "$SRV"
	check "$loss% loss, reordering: 10 MB from site B's b1 to a1 (terminated at gwb), byte-exact ($out)" \
		test "$(kv ok "$out")" = 1
}
try3 both_ways_block 1
try3 both_ways_block 5

# ---- resets and refusals ---------------------------------------------------------------------
reset_block() {
	local out r0
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	serve b1 rst
	out=$(client a1 reset "$B1" "$PORT")
	wait "$SRV"
	check "b1 resets the connection: a1 sees a reset ($out)" test "$(kv reset "$out")" = 1
	fresh
	r0=$(site gwb tcp_refused)
	out=$(client a1 refused "$B1" 9)
	check "a connection to a closed port of b1 ends in a reset at a1 ($out)" \
		test "$(kv refused "$out")" = 1
	fresh
	check "gwb counted the refused connect (tcp_refused $r0 -> $(site gwb tcp_refused))" \
		test "$(site gwb tcp_refused)" -gt "$r0"
}
try3 reset_block

# ---- a thousand at once ---------------------------------------------------------------------------
# many [--text] BYTES: 1000 connections a1 -> b1 at once, BYTES each (random,
# or text), each answered with the sha of what the server got; prints
# "ok=N of=1000; server served=N".
many() {
	local text= out
	[ "$1" = --text ] && { text=--text; shift; }
	PORT=$((PORT + 1))
	in_ns "$P" b1 sh -c "ulimit -n 8192; exec timeout 150 '$PY' '$TC' serve $PORT many 1000" \
		>"$TMP/b1.out" 2>&1 &
	SRV=$!
	for _ in $(seq 1 100); do
		in_ns "$P" b1 ss -Htln "sport = :$PORT" | grep -q . && break
		sleep 0.05
	done
	out=$(in_ns "$P" a1 sh -c "ulimit -n 8192; exec timeout 150 '$PY' '$TC' $text many '$B1' $PORT 1000 $1" 2>&1)
	wait "$SRV"
	echo "$out; server $(cat "$TMP/b1.out")"
}
many_block() {
	local out
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	out=$(many 20000)
	check "1000 concurrent connections a1 -> b1, 20 kB each, all answered byte-exact ($out)" \
		test "$(kv ok "$out")" = 1000
}
try3 many_block

# ---- a slow reader holds the writer back ------------------------------------------------------
slow_block() {
	local out max_a=0 max_b=0 m
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	serve b1 slow 500000
	client a1 push "$B1" "$PORT" 12 >"$TMP/push.out" &
	local cl=$!
	for _ in $(seq 1 12); do
		sleep 1
		m=$(site gwa tcp_mem_bytes); [ "$m" -le "$max_a" ] || max_a=$m
		m=$(site gwb tcp_mem_bytes); [ "$m" -le "$max_b" ] || max_b=$m
	done
	wait "$cl"
	out=$(cat "$TMP/push.out")
	kill "$SRV" 2>/dev/null
	wait "$SRV" 2>/dev/null
	# 12 s at 0.5 MB/s is 6 MB read; the rest sits in bounded buffers:
	# the hosts' sockets, gwa's send ring (8 MiB) and gwb's stream window
	# (16 MiB). An unbounded relay would have taken all 12 s of a1's
	# 100 mbit/s (150 MB).
	check "a1's writes were held back by b1's slow reading: $(kv sent "$out") bytes sent in 12 s (under 60 MB)" \
		test "$(kv sent "$out")" -lt 60000000
	check "kegd's memory for the connection stayed bounded: gwa at most $max_a bytes (send ring, 8 MiB), gwb at most $max_b (stream window, 16 MiB)" \
		eval "[ $max_a -le $((8 << 20)) ] && [ $max_b -le $((17 << 20)) ]"
}
try3 slow_block

# ---- kegd restarted ------------------------------------------------------------------------------
restart_block() {
	local out
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	serve b1 sha
	client a1 hold "$B1" "$PORT" 4 >"$TMP/hold.out" &
	local cl=$!
	sleep 1
	"$KEG" stop --prefix "$P" gwa
	"$KEG" start --prefix "$P" gwa
	wait "$cl"
	kill "$SRV" 2>/dev/null
	wait "$SRV" 2>/dev/null
	out=$(cat "$TMP/hold.out")
	check "kegd restarted at gwa: the connection through it ended in a reset ($out)" \
		test "$(kv broken "$out")" = 1
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up after the restart"; return; }
	serve b1 sha
	out=$(client a1 send "$B1" "$PORT" 1000000)
	wait "$SRV"
	check "a new connection after the restart crosses byte-exact ($out)" test "$(kv ok "$out")" = 1
}
try3 restart_block

# ---- compressed byte streams (keg/3) -------------------------------------------------------------
# zs NODE: the other site's "z_bytes_in z_bytes_out z_kegs unz_kegs drop_unz wire" at NODE.
zs() {
	local s
	s=$([ "$1" = gwa ] && echo B || echo A)
	"$KEG" ctl --prefix "$P" "$1" site list --json |
		jq -r --arg s "$s" '.[] | select(.name == $s) |
			"\(.z_bytes_in) \(.z_bytes_out) \(.z_kegs) \(.unz_kegs) \(.drop_unz) \(.wire)"'
}
# zd BEFORE AFTER I: field I of AFTER minus BEFORE.
zd() { echo $(( $(cut -d' ' -f"$3" <<<"$2") - $(cut -d' ' -f"$3" <<<"$1") )); }
z_block() {
	local out a0 a1 b0 b1 zin zout nz want
	link --loss 1
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	fresh
	a0=$(zs gwa) b0=$(zs gwb)
	check "keg/3 negotiated at both ends ($(cut -d' ' -f6 <<<"$a0") $(cut -d' ' -f6 <<<"$b0"))" \
		test "$(cut -d' ' -f6 <<<"$a0") $(cut -d' ' -f6 <<<"$b0")" = "3 3"
	serve b1 sha
	out=$(client a1 --text send "$B1" "$PORT" 20000000)
	wait "$SRV"
	check "1% loss: 20 MB of text a1 -> b1 through termination, compressed: byte-exact ($out)" \
		test "$(kv ok "$out")" = 1
	fresh
	a1=$(zs gwa) b1=$(zs gwb)
	zin=$(zd "$a0" "$a1" 1) zout=$(zd "$a0" "$a1" 2) nz=$(zd "$a0" "$a1" 3)
	check "gwa sent its byte kegs compressed: $nz kegs, $zin -> $zout bytes (below 0.5)" \
		awk -v i="$zin" -v o="$zout" -v n="$nz" 'BEGIN { exit !(n > 100 && o < 0.5 * i) }'
	check "gwb expanded them ($(zd "$b0" "$b1" 4) kegs) and dropped none (drop_unz $(cut -d' ' -f5 <<<"$b1"))" \
		eval "[ $(zd "$b0" "$b1" 4) -ge $nz ] && [ $(cut -d' ' -f5 <<<"$b1") = 0 ]"

	serve b1 --text source 10000000
	out=$(client a1 sink "$B1" "$PORT")
	wait "$SRV"
	want=$(kv sha "$(cat "$TMP/b1.out")")
	check "1% loss: 10 MB of text server b1 -> client a1, compressed by gwb: byte-exact (sent ${want:0:16}, got $(kv sha "$out" | cut -c1-16))" \
		test "$(kv sha "$out")" = "$want"

	a0=$(zs gwa)
	serve b1 sha
	out=$(client a1 send "$B1" "$PORT" 10000000)
	wait "$SRV"
	fresh
	a1=$(zs gwa)
	check "10 MB random a1 -> b1: byte-exact ($out), its kegs passed as they were ($(zd "$a0" "$a1" 1) -> $(zd "$a0" "$a1" 2) bytes)" \
		eval "[ $(kv ok "$out") = 1 ] && [ $(zd "$a0" "$a1" 2) -ge $(( $(zd "$a0" "$a1" 1) * 99 / 100 )) ]"
}
try3 z_block

# 1000 connections of 100 kB text at once: 100 MB in flight for a 16 MiB
# connection window, each stream's kegs compressed and taken whole.
z_many_block() {
	local out
	link --loss 1
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	out=$(many --text 100000)
	check "1% loss: 1000 concurrent connections a1 -> b1, 100 kB of text each, compressed: all answered byte-exact ($out)" \
		test "$(kv ok "$out")" = 1000
}
try3 z_many_block

# A peer from before compressed byte streams (kegd --wire 2).
wire2_block() {
	local out a0 a1
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	fresh
	a0=$(zs gwa)
	serve b1 sha
	out=$(client a1 --text send "$B1" "$PORT" 5000000)
	wait "$SRV"
	fresh
	a1=$(zs gwa)
	check "peer on keg/2: keg/2 negotiated ($(cut -d' ' -f6 <<<"$a1"))" test "$(cut -d' ' -f6 <<<"$a1")" = 2
	check "peer on keg/2: 5 MB of text a1 -> b1 through termination, byte-exact ($out)" \
		test "$(kv ok "$out")" = 1
	check "peer on keg/2: no byte keg sent compressed ($(zd "$a0" "$a1" 3))" test "$(zd "$a0" "$a1" 3)" = 0
}
kegd_restart_with "$P" gwb --wire 2
try3 wire2_block
"$KEG" stop --prefix "$P" gwb
"$KEG" start --prefix "$P" gwb
check "gwb back on keg/3: sites up within 10 s" "$KEG" wait-up --prefix "$P" 10

# ---- connection limits -------------------------------------------------------------------------
# limits NODE FIELD: a field of `kegctl limits show --json` at NODE.
limits() { "$KEG" ctl --prefix "$P" "$1" limits show --json | jq -r ".$2"; }
# set_rules NODE [--forward-at-limit]: NODE's rules for the other site again, with the flag or not.
set_rules() {
	local node=$1 flag=${2:-} lan src dst id
	lan=$P-g${node#gw}l
	for id in $("$KEG" ctl --prefix "$P" "$node" intercept list --json |
		    jq -r --arg i "$lan" '.[] | select(.iface == $i) | .id'); do
		"$KEG" ctl --prefix "$P" "$node" intercept del "$id" --iface "$lan" >/dev/null
	done
	src=${A1%.*}.0/24 dst=${B1%.*}.0/24
	"$KEG" ctl --prefix "$P" "$node" intercept add --site B --src "$src" --dst "$dst" \
		--proto IUT $flag --iface "$lan" >/dev/null
}
# udp_pair PORT COUNTER: a flow a1 -> b1:PORT fills gwa's UDP limit, then a
# second flow to PORT+1 sends 50 datagrams; prints "got=N (of 50)
# before=C after=C" with gwa's limits COUNTER around the second flow.
udp_pair() {
	local p=$1 counter=$2 k1 k2 before
	in_ns "$P" b1 timeout 30 "$PY" "$TC" udpsink "$p" 4 >"$TMP/u1.out" &
	k1=$!
	in_ns "$P" b1 timeout 30 "$PY" "$TC" udpsink $((p + 1)) 3 >"$TMP/u2.out" &
	k2=$!
	sleep 0.3
	client a1 udpsend "$B1" "$p" 150 >/dev/null &
	sleep 0.8
	before=$(limits gwa "$counter")
	client a1 udpsend "$B1" $((p + 1)) 50 >/dev/null
	wait "$k1" "$k2"
	fresh
	echo "$(cat "$TMP/u2.out") (of 50) before=$before after=$(limits gwa "$counter")"
}
limits_block() {
	local out r0 acc
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	set_rules gwa
	"$KEG" ctl --prefix "$P" gwa limits set --tcp 2 --udp 1 >/dev/null
	sleep 0.6
	PORT=$((PORT + 1))
	in_ns "$P" b1 timeout 60 "$PY" "$TC" serve "$PORT" many 4 >"$TMP/b1.out" 2>&1 &
	SRV=$!
	sleep 0.3
	client a1 hold "$B1" "$PORT" 12 >"$TMP/h1.out" &
	local h1=$!
	client a1 hold "$B1" "$PORT" 12 >"$TMP/h2.out" &
	local h2=$!
	sleep 1.5
	r0=$(limits gwa tcp_refused)
	out=$(client a1 refused "$B1" "$PORT")
	check "gwa at its TCP limit (2 open, $(limits gwa tcp_now) counted): a third connection is reset ($out)" \
		test "$(kv refused "$out")" = 1
	fresh
	check "gwa counted it (tcp_refused $r0 -> $(limits gwa tcp_refused))" \
		test "$(limits gwa tcp_refused)" -gt "$r0"
	set_rules gwa --forward-at-limit
	sleep 0.6
	acc=$(site gwa tcp_accepted)
	out=$(client a1 send "$B1" "$PORT" 1000000)
	check "with --forward-at-limit, a connection past the limit is routed unaccelerated, byte-exact ($out)" \
		test "$(kv ok "$out")" = 1
	fresh
	check "... and gwa did not terminate it (tcp_accepted $acc -> $(site gwa tcp_accepted))" \
		test "$(site gwa tcp_accepted)" = "$acc"
	wait "$h1" "$h2"
	check "the two connections within the limit kept going ($(cat "$TMP/h1.out") $(cat "$TMP/h2.out"))" \
		eval "[ \"\$(kv broken \"\$(cat $TMP/h1.out)\")\" = 0 ] && [ \"\$(kv broken \"\$(cat $TMP/h2.out)\")\" = 0 ]"
	kill "$SRV" 2>/dev/null
	wait "$SRV" 2>/dev/null

	# UDP: one flow fills the limit; a second flow is refused, or with
	# --forward-at-limit (the rules now) delivered through the kernel.
	out=$(udp_pair 7601 udp_forwarded)
	check "past the UDP limit with --forward-at-limit, a second flow's datagrams arrive through the kernel ($out)" \
		eval "[ $(kv got "$out") -ge 45 ] && [ $(kv after "$out") -gt $(kv before "$out") ]"
	set_rules gwa
	sleep 2
	out=$(udp_pair 7603 udp_refused)
	check "past the UDP limit, a second flow's datagrams are dropped and counted ($out)" \
		eval "[ $(kv got "$out") = 0 ] && [ $(kv after "$out") -gt $(kv before "$out") ]"
	"$KEG" ctl --prefix "$P" gwa limits set --tcp none --udp none >/dev/null
}
try3 limits_block

finish
