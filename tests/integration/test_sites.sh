#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_sites.sh - the keg transport's sites as an operator sets them up:
# kegctl keygen/pubkey (mode 0600, never overwrites, refuses a key others
# may read), site add (local first, then remotes), list (text, --json),
# set (in place, gen bumped), del (local last; the last one removes the
# pins). Every refused command exits non-zero with a message naming the
# problem and leaves the pinned keg_sites map as it was.
#
# No interfaces and no kegd: the sites live in bpffs per network namespace
# (/sys/fs/bpf/keg/sites:COOKIE), so kegctl runs inside kst-gw and the
# suite's sites never meet another suite's or the host's.
. "$(dirname "$0")/lib.sh"
t_init kst
t_need python3 stat sha256sum

GW=kst-gw
t_netns $GW

# The directory of GW's sites: its netns cookie (SO_NETNS_COOKIE = 71),
# read inside the namespace. Removed on exit whatever happened.
cookie=$(t_in $GW python3 -c 'import socket, struct
s = socket.socket()
print(struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, 71, 8))[0])') ||
	t_die "reading the netns cookie of $GW"
SITES=$KEG_PIN_ROOT/sites:$cookie
T_FILES+=("$SITES")

# The used slots of the pinned keg_sites, by field name (bpftool reads the
# map's BTF: independent of kegctl's output).
dump() {
	bpftool -j map dump pinned "$SITES/keg_sites" 2>&1 |
		jq -c '[.[] | .formatted | select(.value.used == 1)]' 2>&1
}

# site_field NAME FIELD: FIELD of site NAME in the dump.
site_field() {
	dump | jq -r --arg n "$1" --arg f "$2" '.[] | select(.value.name == $n) | .value[$f]'
}

# t_unchanged DESC BEFORE: the map dump still equals BEFORE.
t_unchanged() {
	local now
	now=$(dump)
	if [ "$now" = "$2" ]; then
		t_ok "$1: keg_sites unchanged"
	else
		t_fail "$1: keg_sites changed"
		t_info "before: $2" "after:  $now"
	fi
}

# ---- keys ---------------------------------------------------------------------

t_tmp KD -d
if pub_hq=$("$KEGCTL" keygen "$KD/hq.key" 2>&1) && [ ${#pub_hq} -eq 44 ]; then
	t_ok "keygen prints one public key line ($pub_hq)"
else
	t_fail "keygen: ${pub_hq:-(no output)}"
fi
t_check "keygen: key file mode 0600 (is $(stat -c %a "$KD/hq.key"))" \
	[ "$(stat -c %a "$KD/hq.key")" = 600 ]
sum=$(sha256sum <"$KD/hq.key")
out=$("$KEGCTL" keygen "$KD/hq.key" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "hq.key" <<<"$out" && grep -Eqi "exist" <<<"$out"; then
	t_ok "keygen refuses an existing file: exit $rc, \"$out\""
else
	t_fail "keygen over an existing file: exit $rc: ${out:-(no output)}"
fi
t_check "the existing key was not touched" [ "$(sha256sum <"$KD/hq.key")" = "$sum" ]
t_check "pubkey prints what keygen printed" \
	[ "$("$KEGCTL" pubkey "$KD/hq.key" 2>&1)" = "$pub_hq" ]
cp "$KD/hq.key" "$KD/open.key" && chmod 0644 "$KD/open.key"
out=$("$KEGCTL" pubkey "$KD/open.key" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -Eqi "open.key.*(group|others|0644)" <<<"$out"; then
	t_ok "pubkey refuses a key others may read: exit $rc, \"$out\""
else
	t_fail "pubkey of a 0644 key: exit $rc: ${out:-(no output)}"
fi
pub_b1=$("$KEGCTL" keygen "$KD/b1.key" 2>/dev/null)
pub_b2=$("$KEGCTL" keygen "$KD/b2.key" 2>/dev/null)
pub_b3=$("$KEGCTL" keygen "$KD/b3.key" 2>/dev/null)
t_check "three more keys, four distinct public keys in all" \
	[ "$(printf '%s\n' "$pub_hq" "$pub_b1" "$pub_b2" "$pub_b3" | grep . | sort -u | wc -l)" = 4 ]

# ---- add --------------------------------------------------------------------

t_expect_err $GW "remote site before the local one" "br1.*(own site|local)" \
	site add br1 10.255.0.2 --pubkey "$pub_b1"
t_check "nothing pinned after the refusal" [ ! -e "$SITES" ]
t_expect_err $GW "local site with a key others may read" "open.key" \
	site add hq 10.255.0.1 --local --key "$KD/open.key"
t_check "nothing pinned after the refusal" [ ! -e "$SITES" ]

# A relative key path is stored absolute (kegd does not run in our cwd).
cd "$KD" || t_die "cd $KD"
t_keg_ok $GW "site add hq (local, relative key path)" site add hq 10.255.0.1 --local --key hq.key
cd - >/dev/null || t_die "cd back"
t_keg_ok $GW "site add br1 --maxrate 50mbit" site add br1 10.255.0.2 --pubkey "$pub_b1" --maxrate 50mbit
t_keg_ok $GW "site add br2 [fd00:255::2]:4000 --segsize 16k" \
	site add br2 "[fd00:255::2]:4000" --pubkey "$pub_b2" --segsize 16k
t_check "pinned: $SITES/keg_sites" [ -e "$SITES/keg_sites" ]
t_check "pinned: $SITES/keg_site_stats" [ -e "$SITES/keg_site_stats" ]

# ---- list ---------------------------------------------------------------------

t_keg_ok $GW "site list" site list
t_info "$T_OUT"
t_check "text: three lines" [ "$(wc -l <<<"$T_OUT")" -eq 3 ]
t_check "text: the local site first: hq local local" \
	[ "$(head -1 <<<"$T_OUT" | awk '{print $1, $3, $4}')" = "hq local local" ]
t_check "text: br1 10.255.0.2:3919 remote down maxrate 50mbit segsize 32768" \
	grep -Eq '^br1 +10\.255\.0\.2:3919 +remote +down +maxrate 50mbit segsize 32768' <<<"$T_OUT"
t_check "text: br2 [fd00:255::2]:4000 segsize 16384" \
	grep -Eq '^br2 +\[fd00:255::2\]:4000 +remote +down .*segsize 16384' <<<"$T_OUT"
t_check "text: compression zstd level 1, gain 10% by default" \
	grep -Eq '^br1 .* compress zstd:1 \(gain 10%\)' <<<"$T_OUT"

t_keg_ok $GW "site list --json" site list --json
json=$T_OUT
t_check "json: an array of 3, hq first" \
	[ "$(jq -r 'length, .[0].name' <<<"$json" | tr '\n' ' ')" = "3 hq " ]
fields=(name addr port local state srtt_ms min_rtt_ms cwnd pacing_rate_bps delivery_rate_bps
	max_rate_bps bytes_sent bytes_received packets_sent packets_received bytes_retransmitted
	loss flows handshake_failures refused_key drop_garbage drop_aead mem_bytes maxrate
	segsize pubkey compress compress_gain_pct wire z_bytes_in z_bytes_out z_kegs z_kegs_passed
	z_cpu_us unz_bytes_in unz_bytes_out unz_kegs unz_cpu_us drop_unz)
missing=$(jq -r --arg f "${fields[*]}" \
	'.[] as $s | ($f | split(" "))[] as $k | select($s | has($k) | not) | "\($s.name).\($k)"' \
	<<<"$json" 2>&1)
t_check "json: every site has every field${missing:+ (missing: $(tr '\n' ' ' <<<"$missing"))}" [ -z "$missing" ]
t_check "json: hq local, state local, its own public key" \
	[ "$(jq -r '.[0] | "\(.local) \(.state) \(.pubkey)"' <<<"$json")" = "true local $pub_hq" ]
t_check "json: br1 10.255.0.2 3919 remote down, maxrate 50mbit, its public key" \
	[ "$(jq -r '.[] | select(.name == "br1") | "\(.addr) \(.port) \(.local) \(.state) \(.maxrate) \(.maxrate_kbit) \(.pubkey)"' <<<"$json")" = \
	  "10.255.0.2 3919 false down 50mbit 50000 $pub_b1" ]
t_check "json: br2 fd00:255::2 port 4000 segsize 16384 no cap" \
	[ "$(jq -r '.[] | select(.name == "br2") | "\(.addr) \(.port) \(.segsize) \(.maxrate)"' <<<"$json")" = \
	  "fd00:255::2 4000 16384 none" ]
t_check "json: no kegd, so counters zero and remote sites down" \
	[ "$(jq -r '[.[] | select(.local | not) | select(.state != "down" or .bytes_sent != 0)] | length' <<<"$json")" = 0 ]

# ---- what kegd reports --------------------------------------------------------------

# fake_stats SLOT GEN STATE AGE_MS: keg_site_stats[SLOT] as kegd would
# write it AGE_MS ago (CLOCK_MONOTONIC): srtt 12500 us, 1000 bytes sent,
# loss 2500 ppm (struct keg_site_stats: name[32], gen, state, updated_ns,
# then 31 __u64 counters).
fake_stats() {
	local -a key val
	read -ra key <<<"$(printf '%02x 00 00 00' "$1")"
	# The counters after name, gen, state and updated_ns: as many as the
	# map's value holds (the struct grows at its end).
	local size
	size=$(bpftool -j map show pinned "$SITES/keg_site_stats" | jq .bytes_value)
	read -ra val <<<"$(python3 - "$@" "$(( (size - 48) / 8 ))" <<'PY'
import struct, sys, time
slot, gen, state, age, n = (int(a) for a in sys.argv[1:6])
c = [0] * n
c[0] = 12500          # srtt_us
c[7] = 1000           # udp_tx_bytes
c[13] = 2500          # loss_ppm
v = struct.pack("<32sIIQ%dQ" % n, b"br1", gen, state, time.monotonic_ns() - age * 1000000, *c)
print(" ".join("%02x" % b for b in v))
PY
)"
	bpftool map update pinned "$SITES/keg_site_stats" key hex "${key[@]}" value hex "${val[@]}"
}

# site_state: "STATE SRTT_MS BYTES_SENT LOSS" of br1 in `site list --json`.
site_state() {
	t_kegctl $GW site list --json
	jq -r '.[] | select(.name == "br1") | "\(.state) \(.srtt_ms) \(.bytes_sent) \(.loss)"' <<<"$T_OUT"
}

slot=$(dump | jq -r '.[] | select(.value.name == "br1") | .key')
gen=$(dump | jq -r '.[] | select(.value.name == "br1") | .value.gen')
fake_stats "$slot" "$gen" 2 100
got=$(site_state)
t_check "kegd's fresh figures of this gen: br1 up, srtt 12.5 ms, 1000 bytes, loss 0.0025 ($got)" \
	[ "$got" = "up 12.5 1000 0.0025" ]
fake_stats "$slot" "$gen" 2 6000
got=$(site_state)
t_check "kegd silent for 6 s: br1 down, its last counters kept ($got)" [ "$got" = "down 12.5 1000 0.0025" ]
fake_stats "$slot" $((gen + 7)) 2 100
got=$(site_state)
t_check "figures of another gen of the slot: br1 down, counters not its ($got)" [ "$got" = "down 0 0 0" ]
read -ra zero <<<"$(printf '00 %.0s' $(seq "$(bpftool -j map show pinned "$SITES/keg_site_stats" | jq .bytes_value)"))"
read -ra key <<<"$(printf '%02x 00 00 00' "$slot")"
bpftool map update pinned "$SITES/keg_site_stats" key hex "${key[@]}" value hex "${zero[@]}"

# ---- the map as kegd reads it ---------------------------------------------------

before=$(dump)
t_check "bpftool dump of keg_sites: field names (name, maxrate_kbit, ...)" \
	[ "$(jq -r '.[] | select(.value.name == "br1") | .value.maxrate_kbit' <<<"$before")" = 50000 ]
t_check "bpftool dump: hq flagged local" [ "$(site_field hq flags)" = 1 ]
t_check "bpftool dump: key path stored absolute ($(site_field hq key_path))" \
	[ "$(site_field hq key_path)" = "$KD/hq.key" ]
t_check "bpftool dump: port 4000 and segsize 16384 for br2" \
	[ "$(site_field br2 port) $(site_field br2 segsize)" = "4000 16384" ]

# ---- set ----------------------------------------------------------------------

key_before=$(dump | jq -c '.[] | select(.value.name == "br1") | .key')
gen_before=$(site_field br1 gen)
t_keg_ok $GW "site set br1 --maxrate 20mbit" site set br1 --maxrate 20mbit
t_check "set: maxrate_kbit 20000 (was 50000)" [ "$(site_field br1 maxrate_kbit)" = 20000 ]
t_check "set: gen $gen_before -> $((gen_before + 1))" [ "$(site_field br1 gen)" = $((gen_before + 1)) ]
t_check "set: same slot" \
	[ "$(dump | jq -c '.[] | select(.value.name == "br1") | .key')" = "$key_before" ]
t_kegctl $GW site list --json
t_check "set: address and key kept" \
	[ "$(jq -r '.[] | select(.name == "br1") | "\(.addr):\(.port) \(.pubkey)"' <<<"$T_OUT")" = \
	  "10.255.0.2:3919 $pub_b1" ]
t_keg_ok $GW "site set br2 10.255.0.3 --maxrate none --pubkey (new key)" \
	site set br2 10.255.0.3 --maxrate none --pubkey "$pub_b3"
t_kegctl $GW site list --json
t_check "set: br2 at 10.255.0.3:3919, new key, no cap" \
	[ "$(jq -r '.[] | select(.name == "br2") | "\(.addr):\(.port) \(.pubkey) \(.maxrate)"' <<<"$T_OUT")" = \
	  "10.255.0.3:3919 $pub_b3 none" ]

# compression: kept by a set that does not name it, changed by one that does
t_keg_ok $GW "site set br1 --compress zstd:3 --compress-gain 20" \
	site set br1 --compress zstd:3 --compress-gain 20
t_check "compress 0 (zstd), level 3, gain 20 in the map" \
	[ "$(site_field br1 compress) $(site_field br1 compress_level) $(site_field br1 compress_gain)" = "0 3 20" ]
t_keg_ok $GW "site set br1 --maxrate 30mbit" site set br1 --maxrate 30mbit
t_kegctl $GW site list --json
t_check "set of another option keeps compress zstd:3, gain 20" \
	[ "$(jq -r '.[] | select(.name == "br1") | "\(.compress) \(.compress_gain_pct)"' <<<"$T_OUT")" = "zstd:3 20" ]
t_keg_ok $GW "site set br1 --compress lz4" site set br1 --compress lz4
t_check "lz4: compress 1" [ "$(site_field br1 compress)" = 1 ]
t_keg_ok $GW "site set br1 --compress off" site set br1 --compress off
t_kegctl $GW site list
t_check "text: compress off" grep -Eq '^br1 .* compress off ' <<<"$T_OUT"
t_keg_ok $GW "site set br1 --compress zstd --compress-gain 10" site set br1 --compress zstd --compress-gain 10

# ---- refused, and nothing changed ---------------------------------------------------

before=$(dump)
t_expect_err $GW "duplicate name" "br1.*(already|defined)" site add br1 10.255.0.9 --pubkey "$pub_b3"
t_unchanged "duplicate name" "$before"
t_expect_err $GW "duplicate address and port" "br9.*br1" site add br9 10.255.0.2 --pubkey "$pub_b3"
t_unchanged "duplicate address" "$before"
t_expect_err $GW "bad public key" "notakey" site add br9 10.255.0.9 --pubkey notakey
t_unchanged "bad public key" "$before"
t_expect_err $GW "bad port" "10\.255\.0\.9:70000" site add br9 10.255.0.9:70000 --pubkey "$pub_b3"
t_unchanged "bad port" "$before"
t_expect_err $GW "bad address" "10\.255\.0\.999" site add br9 10.255.0.999 --pubkey "$pub_b3"
t_unchanged "bad address" "$before"
t_expect_err $GW "a second local site" "hq2.*local" site add hq2 10.255.0.8 --local --key "$KD/b3.key"
t_unchanged "second local site" "$before"
t_expect_err $GW "set of an unknown site" "nosuch" site set nosuch --maxrate 1mbit
t_unchanged "set unknown" "$before"
t_expect_err $GW "del of an unknown site" "nosuch" site del nosuch
t_unchanged "del unknown" "$before"
t_expect_err $GW "set with a bad rate" "fast" site set br1 --maxrate fast
t_unchanged "set bad rate" "$before"
t_expect_err $GW "set a compression that does not exist" "br1: compress 'gzip' is none of zstd\[:LEVEL\], lz4, off" \
	site set br1 --compress gzip
t_unchanged "set bad compression" "$before"
t_expect_err $GW "set a zstd level out of range" "br1: compress 'zstd:20': a zstd level is 1-19" \
	site set br1 --compress zstd:20 --maxrate 1mbit
t_unchanged "set bad zstd level (with a good rate: nothing half-applied)" "$before"
t_expect_err $GW "set a gain out of range" "br1: compress-gain '95' is not a percentage of 1-90" \
	site set br1 --compress-gain 95
t_unchanged "set bad gain" "$before"
t_expect_err $GW "add with a bad compression" "br9: compress 'zip'" \
	site add br9 10.255.0.9 --pubkey "$pub_b3" --compress zip
t_unchanged "add bad compression" "$before"
t_expect_err $GW "set a remote site to another's address" "br2.*br1" site set br2 10.255.0.2
t_unchanged "set duplicate address" "$before"
t_expect_err $GW "del of the local site while remote sites exist" "hq.*(br1|remote)" site del hq
t_unchanged "del local first" "$before"

# KEG_SITES_MAX (64) slots: fill them, one more is refused.
n=$(dump | jq length)
added=0
for i in $(seq $((64 - n))); do
	t_kegctl $GW site add "x$i" "10.254.$((i / 200)).$((i % 200 + 1))" --pubkey "$pub_b3" &&
		added=$((added + 1))
done
t_check "$added more sites fill the 64 slots" [ "$(dump | jq length)" = 64 ]
before=$(dump)
t_expect_err $GW "a 65th site" "x65.*(too many|64)" site add x65 10.253.0.1 --pubkey "$pub_b3"
t_unchanged "65th site" "$before"
for i in $(seq $((64 - n))); do
	t_kegctl $GW site del "x$i" || t_info "$T_OUT"
done
t_check "and are deleted again" [ "$(dump | jq length)" = "$n" ]

# ---- the CLI around it ---------------------------------------------------------------

t_check "kegctl --help lists keygen, pubkey and site add|set|del|list|up|down" \
	eval '[ "$("$KEGCTL" --help | grep -Ec "^  (keygen|pubkey|site (add|set|del|list|up|down)) ")" = 8 ]'
t_check "site add --help shows --local, --key, --pubkey, --maxrate, --segsize" \
	eval '[ "$("$KEGCTL" site add --help | grep -Ec -- "--(local|key|pubkey|maxrate|segsize)\b")" -ge 5 ]'

# ---- del ----------------------------------------------------------------------------

t_keg_ok $GW "site del br1" site del br1
t_check "br1 gone from the map, hq and br2 stay" \
	[ "$(dump | jq -r '[.[].value.name] | sort | join(" ")')" = "br2 hq" ]
t_keg_ok $GW "site del br2" site del br2
t_keg_ok $GW "site del hq (the last)" site del hq
t_check "the last del removed $SITES" [ ! -e "$SITES" ]
t_keg_ok $GW "site list with no sites" site list --json
t_check "site list --json with no sites: []" [ "$(jq -c . <<<"$T_OUT")" = "[]" ]

# ---- sites in apply files -----------------------------------------------------------

t_tmp AF
cat >"$AF" <<EOT
# the sites of this gateway, HyperIP's Site Add and bandwidth schedule
site hq 10.255.0.1 local key $KD/hq.key
site br1 10.255.0.2 pubkey $pub_b1 maxrate 50mbit compress lz4 compress-gain 15
site br1 mon-fri 08:00-18:00 maxrate 20mbit
site br1 * maxrate 80mbit
EOT
t_keg_ok $GW "apply --dry-run with site lines" apply --dry-run "$AF"
t_check "dry run: would add hq and br1 ($T_OUT)" grep -q "would make 2 site changes" <<<"$T_OUT"
t_check "dry run pinned nothing" [ ! -e "$SITES" ]
t_keg_ok $GW "apply with site lines" apply "$AF"
t_check "apply: + site hq, + site br1" \
	eval 'grep -q "sites: + site hq" <<<"$T_OUT" && grep -q "sites: + site br1" <<<"$T_OUT"'
t_check "br1's schedule lines joined in order" \
	[ "$(site_field br1 schedule)" = "mon-fri 08:00-18:00 maxrate 20mbit; * maxrate 80mbit" ]
t_check "br1 maxrate 50mbit" [ "$(site_field br1 maxrate_kbit)" = 50000 ]
t_check "br1 compress lz4, gain 15 from the file" \
	[ "$(site_field br1 compress) $(site_field br1 compress_gain)" = "1 15" ]
t_keg_ok $GW "apply again" apply "$AF"
t_check "second apply: no site change ($T_OUT)" eval '! grep -q "sites:" <<<"$T_OUT"'
before=$(dump)
printf 'site hq 10.255.0.1 local key %s\nsite br1 10.255.0.2 pubkey %s\nsite br1 10.255.0.3 pubkey %s\n' \
	"$KD/hq.key" "$pub_b1" "$pub_b1" >"$AF.bad"
t_expect_err $GW "apply: a site defined twice" "$AF.bad:3: site br1 defined twice" apply "$AF.bad"
t_unchanged "apply: a site defined twice" "$before"
printf 'site hq 10.255.0.1 local key %s\nsite br9 sat maxrate 1mbit\n' "$KD/hq.key" >"$AF.bad"
t_expect_err $GW "apply: schedule of an undefined site" "$AF.bad:2: .*br9" apply "$AF.bad"
t_unchanged "apply: schedule of an undefined site" "$before"
printf 'site br1 10.255.0.2 pubkey %s\n' "$pub_b1" >"$AF.bad"
t_expect_err $GW "apply: no local site" "local" apply "$AF.bad"
t_unchanged "apply: no local site" "$before"
printf 'site hq 10.255.0.1 local key %s\nsite br1 10.255.0.2 pubkey %s compress brotli\n' \
	"$KD/hq.key" "$pub_b1" >"$AF.bad"
t_expect_err $GW "apply: a bad compression" "$AF.bad:2: site br1: compress 'brotli'" apply "$AF.bad"
t_unchanged "apply: a bad compression" "$before"
printf 'interface nosuch0\nsite hq 10.255.0.1 local key %s\n' "$KD/hq.key" >"$AF.bad"
t_expect_err $GW "apply: a bad interface block" "nosuch0" apply "$AF.bad"
t_unchanged "apply: a bad interface block changes no site" "$before"
printf 'site hq 10.255.0.1 local key %s\nsite br2 10.255.0.4 pubkey %s\n' "$KD/hq.key" "$pub_b1" >"$AF"
t_keg_ok $GW "apply a file naming hq and br2" apply "$AF"
t_check "apply: + site br2, - site br1 ($T_OUT)" \
	eval 'grep -q "sites: + site br2" <<<"$T_OUT" && grep -q "sites: - site br1" <<<"$T_OUT"'
t_check "the map holds hq and br2" \
	[ "$(dump | jq -r '[.[].value.name] | sort | join(" ")')" = "br2 hq" ]
printf '# no sites: they are left alone\n' >"$AF"
t_keg_ok $GW "apply a file without site lines" apply "$AF"
t_check "sites untouched" [ "$(dump | jq -r '[.[].value.name] | sort | join(" ")')" = "br2 hq" ]
t_keg_ok $GW "site del br2" site del br2
t_keg_ok $GW "site del hq" site del hq

t_done
