#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_keg.sh - the keg transport across the emulated WAN (deploy/lab/keg.sh):
# a1 and b1 talk through kegd at both gateways, in kegs over QUIC.
#
#  - the sites come up; ping (IPv4, IPv6), TCP and UDP cross in kegs, also
#    with 1% and 5% loss, reordering and duplication; UDP arrives whole
#    (kegs are reliable); a 100 MB file arrives with its sha256;
#  - the LAN hosts keep their checksum offloads on; no host counts a bad
#    checksum;
#  - forged, corrupted and replayed datagrams sent to UDP 3919 from the WAN
#    reach no LAN host and are counted;
#  - a peer presenting another key is refused, and counted;
#  - kegd killed at either end mid-transfer: the site goes down within 3 s,
#    --when-down forward carries the flow through the kernel, the file
#    arrives intact, and kegd back brings traffic back into kegs;
#  - key updates every second during a transfer lose nothing;
#  - MaxRate caps what one site sends; a schedule's rule in force and a
#    change of schedule are applied on the running connection.
# Speed against plain TCP is make bench-wan's; here only behaviour is judged.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_build
need_cmd iperf3 jq nc sha256sum tcpdump nstat
KEG=$WAN_ROOT/deploy/lab/keg.sh
[ -x "$WAN_ROOT/build/kegd" ] && [ -x "$WAN_ROOT/build/kegctl" ] || skip "build kegd and kegctl (make)"
SCAPY=/usr/bin/python3
"$SCAPY" -c 'import scapy' 2>/dev/null || skip "needs scapy for /usr/bin/python3"

P=$(prefix_for kg)
RTT=40
link() { lab_set "$P" --rate 100mbit --rtt "$RTT" --buffer 500000 "$@"; }
lab_up "$P" --rate 100mbit --rtt "$RTT" --buffer 500000
T_CLEANUP+=("LAB_QUIET=1 '$KEG' down --prefix '$P'")
TMP=$(mktemp -d /tmp/test_keg.XXXXXX)
T_CLEANUP+=("rm -rf '$TMP'")

# Key updates every second: every transfer below crosses several.
# TCP as packets: this suite is the packet transport's (test_keg_term.sh
# has TCP termination).
"$KEG" up --prefix "$P" --no-terminate --kegd-args "--key-update-s 1" || { fail "keg.sh up"; finish; }
check "both sites up within 10 s" "$KEG" wait-up --prefix "$P" 10

A1=$("$LAB" addr --prefix "$P" a1)
B1=$("$LAB" addr --prefix "$P" b1)
B16=$("$LAB" addr --prefix "$P" b1 6)

# kstat NODE FIELD...: the FIELDs of the other site in NODE's
# keg_site_stats (one snapshot), read with bpftool from the pinned map
# (named fields).
kstat() {
	local node=$1 site
	shift
	site=$([ "$node" = gwa ] && echo B || echo A)
	nsenter --net="/run/netns/$P-$node" /usr/bin/python3 - "$site" "$@" <<'PY'
import json, socket, subprocess, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
cookie = int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 71, 8), "little")  # SO_NETNS_COOKIE
out = subprocess.check_output(["bpftool", "-j", "map", "dump", "pinned",
                               "/sys/fs/bpf/keg/sites:%d/keg_site_stats" % cookie])
for e in json.loads(out):
    v = e["formatted"]["value"]
    if v["name"] == sys.argv[1]:
        print(" ".join(str(v[f]) for f in sys.argv[2:]))
        break
else:
    print(" ".join("0" for f in sys.argv[2:]))
PY
}
fresh() { sleep 0.6; }	# kegd writes its counters every 250 ms

# site_state NODE: the other site's state as kegctl reports it.
site_state() {
	local site
	site=$([ "$1" = gwa ] && echo B || echo A)
	"$KEG" ctl --prefix "$P" "$1" site list --json |
		jq -r --arg s "$site" '.[] | select(.name == $s) | .state'
}

# copy SIZE_MB: a random file from a1 to b1 over TCP; prints
# "sent=SHA got=SHA secs=S".
copy() {
	local mb=$1 port=$((6000 + RANDOM % 500)) t0
	head -c "$((mb * 1048576))" /dev/urandom >"$TMP/src"
	rm -f "$TMP/dst"
	# -d: the listener reads no stdin (at EOF there it would quit); -N:
	# the sender shuts its side down at the end of the file.
	in_ns "$P" b1 timeout 120 nc -l -d -p "$port" >"$TMP/dst" &
	local srv=$!
	for _ in $(seq 1 50); do
		in_ns "$P" b1 ss -Htln "sport = :$port" | grep -q . && break
		sleep 0.05
	done
	t0=$(date +%s.%N)
	in_ns "$P" a1 timeout 120 nc -N "$B1" "$port" <"$TMP/src" || true
	wait "$srv" || true
	echo "sent=$(sha256sum <"$TMP/src" | cut -c1-16) got=$(sha256sum <"$TMP/dst" | cut -c1-16)" \
		"bytes=$(stat -c %s "$TMP/dst") secs=$(calc "$(date +%s.%N) - $t0")"
}
same_sha() { [ "$(kv sent "$1")" = "$(kv got "$1")" ]; }

# ---- the basics, no loss ---------------------------------------------------------
basic_block() {
	local t0 out r
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up after the link changed"; return; }
	t0=$(kstat gwa pkts_tx)
	out=$(in_ns "$P" a1 ping -c 10 -i 0.1 -W 2 -p c0ffee -s 1200 "$B1" 2>&1)
	check "ping a1 -> b1 (IPv4, 1200 bytes, pattern) through keg: no loss, data intact" \
		eval 'grep -q " 0% packet loss" <<<"$out" && ! grep -qi "wrong data" <<<"$out"'
	out=$(in_ns "$P" a1 ping -6 -c 10 -i 0.1 -W 2 "$B16" 2>&1)
	check "ping a1 -> b1 (IPv6) through keg: no loss" grep -q " 0% packet loss" <<<"$out"
	fresh
	check "gwa put the 20 requests into kegs (pkts_tx $t0 -> $(kstat gwa pkts_tx))" \
		test "$(kstat gwa pkts_tx)" -ge $((t0 + 20))
	check "gwb took the 20 replies out of kegs... and gwa got them (pkts_rx $(kstat gwa pkts_rx))" \
		test "$(kstat gwa pkts_rx)" -ge 20
	r=$(iperf "$P" a1 b1 -t 4 -C cubic)
	check "iperf3 TCP a1 -> b1 through keg: $r Mbit/s (more than 10)" \
		awk -v r="$r" 'BEGIN { exit !(r + 0 > 10) }'
}
try3 basic_block

# ---- loss, reordering, duplication ------------------------------------------------------
lossy_block() {
	local loss=$1 r j lost
	link --loss "$loss" --reorder 2 --reorder-delay 5 --dup 1
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up at $loss% loss"; return; }
	IPERF_JSON=$TMP/udp.json
	r=$(iperf "$P" a1 b1 -u -b 10M -t 4 -l 1200)
	lost=$(jq '.end.sum.lost_packets' "$TMP/udp.json" 2>/dev/null || echo "?")
	j=$(jq '.end.sum.packets' "$TMP/udp.json" 2>/dev/null || echo "?")
	check "UDP 10 Mbit/s through keg at $loss% loss, reordering, duplication: $lost of $j datagrams lost (none: kegs are reliable)" \
		test "$lost" = 0
	IPERF_JSON=""
	r=$(iperf "$P" a1 b1 -t 4 -C cubic)
	check "TCP through keg at $loss% loss, reordering, duplication: $r Mbit/s (more than 2)" \
		awk -v r="$r" 'BEGIN { exit !(r + 0 > 2) }'
}
try3 lossy_block 1
try3 lossy_block 5

# ---- 100 MB, sha256, offloads on, no bad checksum --------------------------------------
file_block() {
	local r e0 e1
	link --loss 1 --reorder 1 --reorder-delay 5 --dup 0.5
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	e0=$(in_ns "$P" b1 nstat -az TcpInCsumErrors UdpInCsumErrors | awk 'NR > 1 { s += $2 } END { print s + 0 }')
	r=$(copy 100)
	check "100 MB a1 -> b1 through keg at 1% loss: same sha256 ($r)" same_sha "$r"
	e1=$(in_ns "$P" b1 nstat -az TcpInCsumErrors UdpInCsumErrors | awk 'NR > 1 { s += $2 } END { print s + 0 }')
	check "b1 counted no bad TCP/UDP checksum ($e0 -> $e1; a1 sends with checksum offload on)" \
		test "$e1" = "$e0"
	check "a1's LAN interface has tx checksum offload on (the lab's default)" \
		eval "in_ns '$P' a1 ethtool -k '$P-a1' | grep -q '^tx-checksumming: on'"
}
try3 file_block

# ---- hostile datagrams on UDP 3919 ----------------------------------------------------------
hostile_block() {
	local g0 a0 seen gaw wa wb
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	gaw=$(in_ns "$P" gwa cat "/sys/class/net/$P-gaw/address")
	wa=$P-wa wb=$P-wb
	# A datagram gwb really sent, captured on the WAN, to replay.
	in_ns "$P" wan timeout 5 tcpdump -i "$wb" -c 20 -w "$TMP/real.pcap" "udp port 3919" \
		>/dev/null 2>&1 &
	local cap=$!
	sleep 0.5
	in_ns "$P" a1 ping -c 10 -i 0.05 -W 1 "$B1" >/dev/null 2>&1 || true
	wait "$cap" || true
	in_ns "$P" a1 timeout 8 tcpdump -i "$P-a1" -n -c 1 \
		"not arp and not icmp6 and not (icmp and host $B1)" -w "$TMP/a1.pcap" >/dev/null 2>&1 &
	local watch=$!
	g0=$(kstat gwa drop_garbage)
	a0=$(kstat gwa drop_aead)
	in_ns "$P" wan "$SCAPY" - "$wa" "$gaw" "$("$LAB" addr --prefix "$P" gwb-wan)" \
		"$("$LAB" addr --prefix "$P" gwa-wan)" "$TMP/real.pcap" 2>"$TMP/scapy.err" <<'PY' || fail "scapy injection: $(tail -n 1 "$TMP/scapy.err")"
import os, random, sys
from scapy.all import Ether, IP, UDP, Raw, rdpcap, sendp
dev, dmac, src, dst, pcap = sys.argv[1:6]
real = [p for p in rdpcap(pcap) if UDP in p]
pkts = []
for i in range(200):  # forged: random bytes, short and long, any first byte
    pkts.append(Ether(dst=dmac) / IP(src=src, dst=dst) / UDP(sport=3919, dport=3919) /
                Raw(os.urandom(random.choice([1, 20, 40, 100, 1200]))))
for p in real:        # replayed as they were, and corrupted in one byte
    pkts.append(Ether(dst=dmac) / p[IP])
    b = bytearray(bytes(p[UDP].payload))
    b[len(b) // 2] ^= 0x55
    pkts.append(Ether(dst=dmac) / IP(src=p[IP].src, dst=p[IP].dst) /
                UDP(sport=p[UDP].sport, dport=p[UDP].dport) / Raw(bytes(b)))
sendp(pkts, iface=dev, verbose=False)
print(len(pkts), len(real))
PY
	sleep 1
	fresh
	check "forged datagrams counted as garbage at gwa ($g0 -> $(kstat gwa drop_garbage))" \
		test "$(kstat gwa drop_garbage)" -ge $((g0 + 100))
	check "corrupted datagrams failed decryption at gwa ($a0 -> $(kstat gwa drop_aead))" \
		test "$(kstat gwa drop_aead)" -ge $((a0 + 20))
	kill "$watch" 2>/dev/null; wait "$watch" 2>/dev/null
	seen=$(tcpdump -r "$TMP/a1.pcap" 2>/dev/null | wc -l)
	check "nothing of it reached a1 ($seen packets)" test "$seen" = 0
	check "the site stayed up" test "$(site_state gwa)" = up
	out=$(in_ns "$P" a1 ping -c 3 -i 0.1 -W 2 "$B1" 2>&1)
	check "traffic still crosses" grep -q " 0% packet loss" <<<"$out"
}
try3 hostile_block

# ---- a peer with another key --------------------------------------------------------------
wrong_key_block() {
	local good bad r0
	good=$(cat "$LAB_STATE_DIR/keg/gwa.pub")
	bad=$("$KEG" ctl --prefix "$P" gwb keygen "$TMP/other.key")
	r0=$(kstat gwb refused_key)
	"$KEG" ctl --prefix "$P" gwb site set A --pubkey "$bad" >/dev/null ||
		{ fail "site set A --pubkey on gwb"; return; }
	sleep 4
	fresh
	check "gwb expects another key for A: A is not up at gwb ($(site_state gwb))" \
		test "$(site_state gwb)" != up
	check "gwb refused and counted the handshakes of A ($r0 -> $(kstat gwb refused_key))" \
		test "$(kstat gwb refused_key)" -gt "$r0"
	check "gwb logged the refusal" eval "'$KEG' log --prefix '$P' gwb | grep -q 'refused'"
	"$KEG" ctl --prefix "$P" gwb site set A --pubkey "$good" >/dev/null
	check "the right key again: both sites up within 10 s" "$KEG" wait-up --prefix "$P" 10
}
LAB_STATE_DIR=/run/keg-lab/$P
try3 wrong_key_block

check "keys were updated during the transfers, nothing lost (gwa: $(kstat gwa key_updates) key updates)" \
	test "$(kstat gwa key_updates)" -ge 3

# ---- kegd killed mid-transfer, at either end ---------------------------------------------
kill_block() {
	local node=$1 r t0 down_at st
	link --loss 0.5
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	copy 40 >"$TMP/copy.out" &
	local cp=$!
	sleep 1.5
	"$KEG" stop --prefix "$P" "$node" KILL
	t0=$(date +%s.%N)
	down_at=""
	for _ in $(seq 1 40); do
		st=$(site_state "$([ "$node" = gwa ] && echo gwb || echo gwa)")
		[ "$st" = up ] || { down_at=$(calc "$(date +%s.%N) - $t0"); break; }
		sleep 0.1
	done
	check "kegd killed on $node: the other gateway sees the site down within 3.3 s (${down_at:-never})" \
		awk -v d="${down_at:-99}" 'BEGIN { exit !(d <= 3.3) }'
	sleep 2
	"$KEG" start --prefix "$P" "$node"
	check "kegd back on $node: both sites up within 10 s" "$KEG" wait-up --prefix "$P" 10
	wait "$cp"
	r=$(cat "$TMP/copy.out")
	check "40 MB copied across the crash and the restart, same sha256 ($r)" same_sha "$r"
	t0=$(kstat gwa pkts_tx)
	in_ns "$P" a1 ping -c 5 -i 0.1 -W 2 "$B1" >/dev/null 2>&1
	fresh
	check "traffic is back in kegs (gwa pkts_tx $t0 -> $(kstat gwa pkts_tx))" \
		test "$(kstat gwa pkts_tx)" -ge $((t0 + 5))
}
try3 kill_block gwb
try3 kill_block gwa


# ---- MaxRate and its schedule ----------------------------------------------------------------
# The cap counts what kegd hands the WAN (QUIC's UDP payload, the bytes
# kegd counts in udp_tx_bytes): measured over the middle 4 s of a run,
# past TCP's start. At most 2% over the cap (on an idle machine it is
# within 0.1% of it).
# cap_run MBIT WHAT: one run, judged against MBIT.
cap_run() {
	local mbit=$1 what=$2 r tx0 tx1 t0 t1 wire
	iperf "$P" a1 b1 -t 8 -C cubic >"$TMP/maxrate.out" &
	local ip=$!
	sleep 3
	read -r tx0 t0 <<<"$(kstat gwa udp_tx_bytes updated_ns)"
	sleep 4
	read -r tx1 t1 <<<"$(kstat gwa udp_tx_bytes updated_ns)"
	wait "$ip"
	r=$(cat "$TMP/maxrate.out")
	# The counters and kegd's clock of the same write: no skew from when
	# they were read.
	wire=$(calc "($tx1 - $tx0) * 8 / (($t1 - $t0) / 1e9) / 1e6")
	# A cap is a ceiling: never more than 2% over it. Under it a busy
	# machine may keep the sender below the cap; far below is a failure.
	check_range "$what: what gwa sent to B over 4 s (Mbit/s of UDP payload)" "$wire" \
		"$(calc "$mbit * 0.9")" "$(calc "$mbit * 1.02")"
	check_range "$what: iperf3 goodput through keg under the cap (Mbit/s)" "$r" \
		"$(calc "$mbit * 0.7")" "$mbit"
}

maxrate_block() {
	link
	"$KEG" ctl --prefix "$P" gwa site set B --maxrate 20mbit >/dev/null ||
		{ fail "site set B --maxrate 20mbit"; return; }
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	cap_run 20 "MaxRate 20mbit"
	"$KEG" ctl --prefix "$P" gwa site set B --maxrate none >/dev/null ||
		fail "site set B --maxrate none"
}
try3 maxrate_block

# A schedule whose first rule covers the next minutes, then a change of
# schedule: kegd applies each within its 250 ms poll, on the running
# connection.
schedule_block() {
	local from to
	link
	from=$(date +%H:%M)
	to=$(date -d "+4 min" +%H:%M)
	"$KEG" ctl --prefix "$P" gwa site set B \
		--schedule "* $from-$to maxrate 10mbit; * maxrate 40mbit" >/dev/null ||
		{ fail "site set B --schedule"; return; }
	sleep 0.6
	check "site list shows the schedule's rate in force" \
		eval "'$KEG' ctl --prefix '$P' gwa site list | grep -q 'in force 10mbit'"
	cap_run 10 "schedule, rule '* $from-$to maxrate 10mbit'"
	"$KEG" ctl --prefix "$P" gwa site set B --schedule "* maxrate 30mbit" >/dev/null ||
		{ fail "site set B --schedule (change)"; return; }
	sleep 0.6
	cap_run 30 "schedule changed to '* maxrate 30mbit'"
	check "the connection stayed up through the changes (conn_lost $(kstat gwa conn_lost))" \
		test "$(kstat gwa conn_lost)" = 0
	"$KEG" ctl --prefix "$P" gwa site set B --schedule none >/dev/null ||
		fail "site set B --schedule none"
}
try3 schedule_block

finish
