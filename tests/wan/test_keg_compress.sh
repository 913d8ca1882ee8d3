#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_keg_compress.sh - keg compression across the emulated WAN
# (deploy/lab/keg.sh, 100 mbit/s, 40 ms, 1% loss both ways):
#
#  - a text corpus (a tar of /usr/include/linux and c++) and a random file cross
#    a1 -> b1 byte-exact (sha256) with compression on (the default, zstd
#    level 1): the corpus in compressed kegs that shrink it, the random
#    file in kegs passed through as they were (almost none tried, none
#    sent compressed); the receiver drops no compressed keg;
#  - the same with --compress lz4 and --compress off, changed on the
#    running connection (it stays up);
#  - small interactive packets (ping) never go out compressed;
#  - a peer that speaks keg/1 only (kegd --wire 1, a kegd from before
#    compression): the sites come up, the corpus crosses intact and
#    nothing is sent compressed either way.
# Speed is make bench-wan's (tests/wan/bench_compress.sh); here only
# behaviour is judged.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_build
need_cmd iperf3 jq nc sha256sum tar
KEG=$WAN_ROOT/deploy/lab/keg.sh
[ -x "$WAN_ROOT/build/kegd" ] && [ -x "$WAN_ROOT/build/kegctl" ] || skip "build kegd and kegctl (make)"
[ -d /usr/include/linux ] || skip "needs /usr/include/linux (linux-libc-dev) for a text corpus"

P=$(prefix_for kz)
link() { lab_set "$P" --rate 100mbit --rtt 40 --buffer 500000 --loss 1 "$@"; }
lab_up "$P" --rate 100mbit --rtt 40 --buffer 500000 --loss 1
T_CLEANUP+=("LAB_QUIET=1 '$KEG' down --prefix '$P'")
TMP=$(mktemp -d /tmp/test_keg_compress.XXXXXX)
T_CLEANUP+=("rm -rf '$TMP'")

dirs=linux
[ -d /usr/include/c++ ] && dirs="linux c++"
# shellcheck disable=SC2086  # two directory words
tar -cf "$TMP/corpus" -C /usr/include $dirs 2>/dev/null || { fail "tar of /usr/include/{$dirs}"; finish; }
head -c $((16 << 20)) /dev/urandom >"$TMP/random"

# Packets in kegs: where keg.sh knows TCP termination, it is turned off
# (terminated TCP travels as byte streams, which this suite does not judge).
NT=
grep -q -- --no-terminate "$KEG" && NT=--no-terminate
# shellcheck disable=SC2086  # NT is empty or one word
"$KEG" up --prefix "$P" $NT || { fail "keg.sh up"; finish; }
check "both sites up within 10 s" "$KEG" wait-up --prefix "$P" 10
B1=$("$LAB" addr --prefix "$P" b1)

# z NODE FIELD...: the other site's FIELDs in NODE's `site list --json`.
z() {
	local node=$1 site
	shift
	site=$([ "$node" = gwa ] && echo B || echo A)
	"$KEG" ctl --prefix "$P" "$node" site list --json |
		jq -r --arg s "$site" --arg f "$*" \
			'.[] | select(.name == $s) | [.[($f | split(" "))[]]] | map(tostring) | join(" ")'
}
fresh() { sleep 0.6; }	# kegd writes its counters every 250 ms

# copy FILE: FILE from a1 to b1 over TCP through keg; prints
# "sent=SHA got=SHA bytes=N secs=S".
copy() {
	local src=$1 port=$((6000 + RANDOM % 500)) t0
	rm -f "$TMP/dst"
	in_ns "$P" b1 timeout 120 nc -l -d -p "$port" >"$TMP/dst" &
	local srv=$!
	for _ in $(seq 1 50); do
		in_ns "$P" b1 ss -Htln "sport = :$port" | grep -q . && break
		sleep 0.05
	done
	t0=$(date +%s.%N)
	in_ns "$P" a1 timeout 120 nc -N "$B1" "$port" <"$src" || true
	wait "$srv" || true
	echo "sent=$(sha256sum <"$src" | cut -c1-16) got=$(sha256sum <"$TMP/dst" | cut -c1-16)" \
		"bytes=$(stat -c %s "$TMP/dst") secs=$(calc "$(date +%s.%N) - $t0")"
}
same_sha() { [ "$(kv sent "$1")" = "$(kv got "$1")" ]; }

# delta BEFORE AFTER I: field I (1-based) of AFTER minus BEFORE.
delta() { echo $(( $(cut -d' ' -f"$3" <<<"$2") - $(cut -d' ' -f"$3" <<<"$1") )); }

F="z_bytes_in z_bytes_out z_kegs z_kegs_passed wire conn_lost"
G="unz_bytes_in unz_bytes_out unz_kegs drop_unz wire"

# corpus_block MODE: the corpus with gwa's kegs to B compressed by MODE.
corpus_block() {
	local mode=$1 a0 a1 b0 b1 r zin zout nz
	link
	"$KEG" ctl --prefix "$P" gwa site set B --compress "$mode" >/dev/null ||
		{ fail "site set B --compress $mode"; return; }
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	fresh
	a0=$(z gwa $F) b0=$(z gwb $G)
	r=$(copy "$TMP/corpus")
	fresh
	a1=$(z gwa $F) b1=$(z gwb $G)
	check "corpus ($(stat -c %s "$TMP/corpus") bytes) a1 -> b1 through keg, compress $mode, 1% loss: same sha256 ($r)" \
		same_sha "$r"
	zin=$(delta "$a0" "$a1" 1) zout=$(delta "$a0" "$a1" 2) nz=$(delta "$a0" "$a1" 3)
	check "both ends negotiated keg/3 (gwa $(cut -d' ' -f5 <<<"$a1"), gwb $(cut -d' ' -f5 <<<"$b1"))" \
		test "$(cut -d' ' -f5 <<<"$a1") $(cut -d' ' -f5 <<<"$b1")" = "3 3"
	check "the connection stayed up through the change (conn_lost $(cut -d' ' -f6 <<<"$a1"))" \
		test "$(cut -d' ' -f6 <<<"$a0")" = "$(cut -d' ' -f6 <<<"$a1")"
	if [ "$mode" = off ]; then
		check "compress off: no keg sent compressed ($nz), bytes out = in ($zin -> $zout)" \
			test "$nz" = 0 -a "$zin" = "$zout"
		check "gwb expanded nothing ($(delta "$b0" "$b1" 3) kegs)" test "$(delta "$b0" "$b1" 3)" = 0
		return
	fi
	check "gwa sent $nz compressed kegs, $zin -> $zout bytes (below 0.6)" \
		awk -v i="$zin" -v o="$zout" -v n="$nz" 'BEGIN { exit !(n > 0 && i > 0 && o < 0.6 * i) }'
	check "gwb expanded them: $(delta "$b0" "$b1" 3) kegs, $(delta "$b0" "$b1" 1) -> $(delta "$b0" "$b1" 2) bytes" \
		test "$(delta "$b0" "$b1" 3)" -ge "$nz"
	check "gwb dropped no compressed keg (drop_unz $(cut -d' ' -f4 <<<"$b1"))" \
		test "$(cut -d' ' -f4 <<<"$b1")" = 0
}
try3 corpus_block zstd
try3 corpus_block lz4
try3 corpus_block zstd:3
try3 corpus_block off

# ---- random data: passed through, hardly tried ------------------------------------------
random_block() {
	local a0 a1 r zin zout nz np
	link
	"$KEG" ctl --prefix "$P" gwa site set B --compress zstd >/dev/null ||
		{ fail "site set B --compress zstd"; return; }
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	fresh
	a0=$(z gwa $F)
	r=$(copy "$TMP/random")
	fresh
	a1=$(z gwa $F)
	check "16 MiB random a1 -> b1 through keg, compression on, 1% loss: same sha256 ($r)" same_sha "$r"
	zin=$(delta "$a0" "$a1" 1) zout=$(delta "$a0" "$a1" 2) nz=$(delta "$a0" "$a1" 3)
	np=$(delta "$a0" "$a1" 4)
	check "random: $np kegs passed through as they were, $nz compressed (at most 1%)" \
		awk -v z="$nz" -v p="$np" 'BEGIN { exit !(p > 100 && z * 100 <= z + p) }'
	check "random: wire bytes of the kegs within 0.5% of their bytes ($zin -> $zout)" \
		awk -v i="$zin" -v o="$zout" 'BEGIN { exit !(i > 0 && o >= 0.995 * i && o <= i) }'
}
try3 random_block

# ---- small interactive packets ------------------------------------------------------------
ping_block() {
	local a0 a1 out
	link --loss 0
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	fresh
	a0=$(z gwa $F)
	out=$(in_ns "$P" a1 ping -c 20 -i 0.05 -W 2 -s 400 -p 61 "$B1" 2>&1)
	fresh
	a1=$(z gwa $F)
	check "ping a1 -> b1 (400 bytes of 'a', compressible) through keg: no loss" \
		grep -q " 0% packet loss" <<<"$out"
	check "their small kegs went out as they were: $(delta "$a0" "$a1" 4) passed, $(delta "$a0" "$a1" 3) compressed" \
		test "$(delta "$a0" "$a1" 3)" = 0 -a "$(delta "$a0" "$a1" 4)" -ge 20
}
try3 ping_block

# ---- a peer from before compression (keg/1 only) ----------------------------------------------
keg1_block() {
	local a0 a1 b1 r
	link
	"$KEG" wait-up --prefix "$P" 10 || { fail "sites up"; return; }
	a0=$(z gwa $F)
	r=$(copy "$TMP/corpus")
	fresh
	a1=$(z gwa $F) b1=$(z gwb $G)
	check "peer on keg/1: keg/1 negotiated at both ends ($(cut -d' ' -f5 <<<"$a1") $(cut -d' ' -f5 <<<"$b1"))" \
		test "$(cut -d' ' -f5 <<<"$a1") $(cut -d' ' -f5 <<<"$b1")" = "1 1"
	check "peer on keg/1: corpus a1 -> b1 intact ($r)" same_sha "$r"
	check "peer on keg/1: nothing sent compressed ($(delta "$a0" "$a1" 3))" test "$(delta "$a0" "$a1" 3)" = 0
	check "peer on keg/1: gwb expanded nothing, dropped nothing ($b1)" \
		test "$(cut -d' ' -f3,4 <<<"$b1")" = "0 0"
}
kegd_restart_with "$P" gwb --wire 1
if "$KEG" wait-up --prefix "$P" 10; then
	try3 keg1_block
else
	fail "gwb with kegd --wire 1: sites not up within 10 s"
fi
"$KEG" stop --prefix "$P" gwb
"$KEG" start --prefix "$P" gwb
check "gwb back on keg/3: sites up within 10 s" "$KEG" wait-up --prefix "$P" 10
fresh
check "gwb back on keg/3: keg/3 negotiated again ($(z gwa wire))" test "$(z gwa wire)" = 3

finish
