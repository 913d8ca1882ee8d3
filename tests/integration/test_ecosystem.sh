#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_ecosystem.sh - what operators run keg with (issue 14):
#  - `kegctl stats --format prometheus` on a running lab with traffic
#    (proxy-ARP, shaped customers, an intercept rule, kegd forwarding):
#    promtool accepts it, the counters moved, each keg_stats counter is
#    there once with the value `kegctl stats --json` shows, the families
#    are the ones kegctl(8) documents;
#  - the textfile service (deploy/systemd/keg-metrics.*, deploy/keg-metrics.sh)
#    writes a file promtool accepts, atomically, and keeps the old one when
#    kegctl fails;
#  - the man pages render without warnings and match the programs: every
#    kegctl command and option of --help and no other, kegd's and wanem's
#    options, keg.conf(5)'s statements as the parser prints their usage;
#  - bash completion, in a real bash: commands, options, attached
#    interfaces, customers of an interface, rule ids.
#
#   kec-b [kec-b0] ==== [kec-a0] kec-a [kec-a1] ==== [kec-c0] kec-c
#   10.235.0.2, .5      keg + kegd  10.236.0.254        10.236.0.1
#                        10.235.0.1
. "$(dirname "$0")/lib.sh"
t_init kec
t_need ping arping ethtool promtool groff man awk

WANEM=${WANEM:-$T_ROOT/build/wanem}
[ -x "$KEGD" ] || t_skip "no $KEGD (run make)"
[ -x "$WANEM" ] || t_skip "no $WANEM (run make)"
A=kec-a B=kec-b C=kec-c E=kec-e
MAN=$T_ROOT/docs/man

# not CMD...: CMD fails (for t_check).
not() {
	! "$@"
}

# ---- lab -----------------------------------------------------------------

t_netns $A
t_netns $B
t_netns $C
t_netns $E
t_veth $A kec-a0 $B kec-b0
t_veth $A kec-a1 $C kec-c0
# Frames kegd sends leave through AF_XDP: no checksum offload to finish.
t_in $A ethtool -K kec-a0 tx off >/dev/null 2>&1
t_in $B ethtool -K kec-b0 tx off tso off gso off >/dev/null 2>&1
t_in $A sysctl -qw net.ipv4.ip_forward=1
t_in $A ip addr add 10.235.0.1/24 dev kec-a0
t_in $A ip addr add 10.236.0.254/24 dev kec-a1
t_in $B ip addr add 10.235.0.2/24 dev kec-b0
t_in $B ip addr add 10.235.0.5/32 dev kec-b0
t_in $B ip route add 10.236.0.0/24 via 10.235.0.1 src 10.235.0.2
t_in $C ip addr add 10.236.0.1/24 dev kec-c0
t_in $C ip route add default via 10.236.0.254
t_check "baseline ping through the gateway (neighbours resolved)" \
	t_quiet t_in $B ping -c 2 -i 0.2 -W 1 10.236.0.1

t_attach $A kec-a0
t_keg_ok $A "subnet add 10.235.0.0/24" subnet add 10.235.0.0/24
t_keg_ok $A "subnet add 2001:db8:235::/64" subnet add 2001:db8:235::/64
t_keg_ok $A "shaped customer 10.235.0.5" customer add 10.235.0.5 --down 20mbit --up 5mbit
t_keg_ok $A "shaped customer 10.235.0.6" customer add 10.235.0.6 --down 10mbit --ceil 30mbit
t_keg_ok $A "customer 2001:db8:235::5" customer add 2001:db8:235::5
t_keg_ok $A "intercept rule" intercept add --site hq --src 10.235.0.0/24 \
	--dst 10.236.0.0/24 --proto IUT
RULE=$T_OUT

t_check "kegd starts on kec-a0" t_kegd_start $A kec-a0

# Traffic: ARP answered by keg, pings to a shaped customer, pings through
# the intercept rule into kegd.
t_expect_arp_reply "proxy-ARP for 10.235.0.9 answered" $B kec-b0 10.235.0.9 \
	"$(t_mac $A kec-a0)"
t_check "ping to the shaped customer 10.235.0.5" \
	t_quiet t_in $A ping -c 4 -i 0.2 -W 1 10.235.0.5
t_check "ping through the intercept rule (kegd forwards)" \
	t_quiet t_in $B ping -c 5 -i 0.2 -W 1 10.236.0.1
sleep 1.2	# kegd publishes its counters every 200 ms, a heartbeat every second

# ---- metrics -------------------------------------------------------------

t_tmp PROM
t_tmp PROMTOOL_OUT
# prom_value NAME LABELS: the value of the sample NAME{LABELS} in $PROM.
prom_value() {
	awk -v want="$1{$2}" '$1 == want { print $2; found = 1 } END { if (!found) print "none" }' "$PROM"
}
# at_least DESC NAME LABELS MIN
at_least() {
	local v
	v=$(prom_value "$2" "$3")
	if [ "$v" != none ] && [ "$v" -ge "$4" ]; then
		t_ok "$1 ($2{$3} $v)"
	else
		t_fail "$1 ($2{$3} is $v, want >= $4)"
	fi
}

prom_read() {
	t_in $A "$KEGCTL" stats --format prometheus >"$PROM" 2>"$PROMTOOL_OUT"
}
t_check "kegctl stats --format prometheus" prom_read
t_info "$(wc -l <"$PROM") lines"
if promtool check metrics <"$PROM" >"$PROMTOOL_OUT" 2>&1; then
	t_ok "promtool check metrics accepts it (format and lint)"
else
	t_fail "promtool check metrics"
	t_info "$(head -20 "$PROMTOOL_OUT")"
fi
at_least "frames received" keg_rx_packets_total 'iface="kec-a0"' 10
at_least "proxy-ARP reply counted" keg_proxy_replies_total 'iface="kec-a0",proto="arp"' 1
at_least "shaped customer's interactive leaf (ICMP)" keg_leaf_packets_total \
	'iface="kec-a0",customer="10.235.0.5",leaf="interactive",direction="down"' 4
at_least "intercept rule hits" keg_intercept_rule_packets_total \
	"iface=\"kec-a0\",rule=\"$RULE\",site=\"hq\"" 5
at_least "redirected into kegd" keg_intercept_redirected_total 'iface="kec-a0"' 1
at_least "kegd running" keg_kegd_running 'iface="kec-a0"' 1
at_least "kegd received on queue 0" keg_kegd_rx_packets_total 'iface="kec-a0",queue="0"' 1
at_least "kegd forwarded on queue 0" keg_kegd_tx_packets_total 'iface="kec-a0",queue="0"' 1
t_check "customers by family: 2 IPv4, 1 IPv6" \
	[ "$(prom_value keg_customers 'iface="kec-a0",family="ipv4"') $(prom_value keg_customers 'iface="kec-a0",family="ipv6"')" = "2 1" ]
t_check "configured rates in bytes/s: down 20mbit, up 5mbit, ceil 30mbit" \
	[ "$(prom_value keg_customer_rate_bytes_per_second 'iface="kec-a0",customer="10.235.0.5",direction="down"') $(prom_value keg_customer_rate_bytes_per_second 'iface="kec-a0",customer="10.235.0.5",direction="up"') $(prom_value keg_customer_ceil_bytes_per_second 'iface="kec-a0",customer="10.235.0.6"')" = "2500000 625000 3750000" ]
t_check "no uplink shaped here: no leaf series with direction=\"up\"" \
	[ "$(grep -c '^keg_leaf_.*direction="up"' "$PROM")" = 0 ]
t_check "the unshaped IPv6 customer has no leaf series" \
	[ "$(grep -c 'customer="2001:db8:235::5"' "$PROM")" = 0 ]
t_check "one metric for the parse errors, reasons as labels" \
	grep -q '^keg_parse_errors_total{iface="kec-a0",reason="trunc_eth"} ' "$PROM"
t_check "one metric for the proxy refusals, reasons as labels" \
	grep -q '^keg_proxy_refused_total{iface="kec-a0",proto="ndp",reason="bad_checksum"} ' "$PROM"

# The families documented in kegctl(8) METRICS: the keg_stats subsection,
# and all of them.
man_families() {	# [keg_stats]
	awk -v only="${1:-}" '
		/^\.SH/ { on = ($0 ~ /METRICS/); sub_ = ""; next }
		on && /^\.SS/ { sub_ = $0; next }
		on && /^\.TP/ { tp = 1; next }
		tp { tp = 0; if (only == "" || sub_ ~ /keg_stats/) print $2 }
	' "$MAN/kegctl.8" | sort
}
out_families() {
	sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' "$PROM" | sort
}
d=$(diff <(man_families) <(out_families))
t_check "the families in the output are those kegctl(8) documents" [ -z "$d" ]
[ -n "$d" ] && t_info "$d"

# Each keg_stats counter exactly once, with kegctl's value: the multiset of
# keg_stats sample values equals that of `kegctl stats --json` (read before
# and after, retried while the lab was not quiet).
stats_values_json() {
	t_in $A "$KEGCTL" stats --iface kec-a0 --json |
		jq -r '.[0].counters | to_entries[] | .value' | sort -n
}
stats_values_prom() {
	awk -v fams="$(man_families keg_stats | tr '\n' ' ')" '
		BEGIN { n = split(fams, f, " "); for (i = 1; i <= n; i++) keep[f[i]] = 1 }
		!/^#/ { split($1, name, "{"); if (name[1] in keep) print $2 }' "$PROM" | sort -n
}
same=0
for _ in 1 2 3; do
	j1=$(stats_values_json)
	prom_read
	j2=$(stats_values_json)
	[ "$j1" = "$j2" ] || continue
	p=$(stats_values_prom)
	[ "$p" = "$j1" ] && same=1
	break
done
t_check "every keg_stats counter once, as kegctl stats --json has it ($(wc -l <<<"$j1") counters)" \
	[ $same = 1 ]
[ $same = 1 ] || t_info "$(diff <(echo "$j1") <(echo "${p:-}") | head)"
shape_json=$(t_in $A "$KEGCTL" shape show --iface kec-a0 --json)
want=$(jq -r '.[0].customers[] | select(.addr == "10.235.0.5") | "\(.interactive.packets) \(.interactive.bytes)"' <<<"$shape_json")
got="$(prom_value keg_leaf_packets_total 'iface="kec-a0",customer="10.235.0.5",leaf="interactive",direction="down"') $(prom_value keg_leaf_bytes_total 'iface="kec-a0",customer="10.235.0.5",leaf="interactive",direction="down"')"
t_check "leaf counters as kegctl shape show --json has them ($got)" [ "$got" = "$want" ]

t_kegctl $A stats --format prometheus --interval 1
t_check "--format prometheus with --interval: usage error (exit 2)" [ $? = 2 ]
out=$(t_in $A "$KEGCTL" stats --format prometheus --iface kec-nope 2>/dev/null)
rc=$?
t_check "an interface not attached: exit 1, nothing on stdout" [ $rc = 1 -a -z "$out" ]
out=$(t_in $E "$KEGCTL" stats --format prometheus)
rc=$?
t_check "a namespace without keg: exit 0, keg_interfaces_attached 0" \
	[ $rc = 0 -a "$(grep -cx 'keg_interfaces_attached 0' <<<"$out")" = 1 ]
t_check "... and promtool accepts that too" t_quiet promtool check metrics <<<"$out"

# ---- textfile service ----------------------------------------------------

UNIT=$T_ROOT/deploy/systemd/keg-metrics.service
TIMER=$T_ROOT/deploy/systemd/keg-metrics.timer
SCRIPT=$T_ROOT/deploy/keg-metrics.sh
t_tmp TXT -d
t_tmp UNITS -d
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
t_check "keg-metrics.service runs keg-metrics ($exec_start)" \
	[ "$exec_start" = /usr/local/sbin/keg-metrics ]
t_check "keg-metrics.service reads /etc/default/keg-metrics" \
	grep -qx 'EnvironmentFile=-/etc/default/keg-metrics' "$UNIT"
if command -v systemd-analyze >/dev/null; then
	sed "s|^ExecStart=/usr/local/sbin/keg-metrics|ExecStart=$SCRIPT|" "$UNIT" \
		>"$UNITS/keg-metrics.service"
	cp "$TIMER" "$UNITS/"
	t_check "systemd-analyze verify: the service and the timer" \
		t_quiet systemd-analyze verify "$UNITS/keg-metrics.service" "$UNITS/keg-metrics.timer"
fi
t_check "default file: node_exporter's textfile directory" \
	grep -qx 'KEG_METRICS_FILE=/var/lib/prometheus/node-exporter/keg.prom' \
	"$T_ROOT/deploy/keg-metrics.default"

# The unit's command with its environment file, pointed at a test directory.
run_service() {	# [KEGCTL]
	(
		set -a
		# shellcheck disable=SC1091
		. "$T_ROOT/deploy/keg-metrics.default"
		KEG_METRICS_FILE=$TXT/keg.prom
		KEGCTL=${1:-$KEGCTL}
		set +a
		t_in $A "${exec_start/\/usr\/local\/sbin\/keg-metrics/$SCRIPT}"
	)
}
t_check "keg-metrics writes $TXT/keg.prom" run_service
t_check "promtool accepts the file" t_quiet promtool check metrics <"$TXT/keg.prom"
t_check "the file is world-readable (node_exporter runs as prometheus)" \
	[ "$(stat -c %a "$TXT/keg.prom")" = 644 ]
t_check "the file holds the lab's counters" \
	grep -q '^keg_intercept_rule_packets_total{iface="kec-a0"' "$TXT/keg.prom"
t_check "no temporary file left" [ "$(ls -A "$TXT")" = keg.prom ]
cp "$TXT/keg.prom" "$TXT.before"
T_FILES+=("$TXT.before")
t_check "a failing kegctl fails the service" not run_service /bin/false 2>/dev/null
t_check "... and leaves the previous file as it was" cmp -s "$TXT/keg.prom" "$TXT.before"
t_check "... and no temporary file" [ "$(ls -A "$TXT")" = keg.prom ]
t_check "a missing directory is an error naming it" \
	bash -c "KEG_METRICS_FILE=$TXT/nope/keg.prom '$SCRIPT' 2>&1 | grep -q '$TXT/nope: no such directory'"

# ---- man pages -----------------------------------------------------------

for m in "$MAN"/*.[1-8]; do
	w=$(groff -ww -z -man "$m" 2>&1)
	t_check "groff -ww -z -man ${m##*/}: no warnings" [ -z "$w" ]
	[ -z "$w" ] || t_info "$w"
	w=$(MANWIDTH=80 man -l "$m" 2>&1 >/dev/null)
	t_check "man -l ${m##*/} renders, nothing on stderr" \
		[ -z "$w" -a "$(MANWIDTH=80 man -l "$m" 2>/dev/null | wc -l)" -gt 20 ]
	[ -z "$w" ] || t_info "$w"
done

# man_defs FILE: "SECTION|SUBSECTION|OPTION|HASARG" for each
# option of a .TP entry (its tag line).
man_defs() {
	awk '
		/^\.SH/ { sh = $0; sub(/^\.SH +/, "", sh); gsub(/"/, "", sh); ss = ""; next }
		/^\.SS/ { ss = $0; sub(/^\.SS +/, "", ss); gsub(/"/, "", ss); next }
		/^\.TP/ { tp = 1; next }
		tp {
			tp = 0
			line = $0
			gsub(/\\-/, "-", line); gsub(/\\f[BIRP]/, "", line); gsub(/"/, "", line)
			n = split(line, w, /[ ,]+/)
			arg = 0
			for (i = 2; i <= n; i++)
				if (w[i] != "" && w[i] !~ /^--?[A-Za-z0-9][A-Za-z0-9-]*$/) arg = 1
			for (i = 2; i <= n; i++)
				if (w[i] ~ /^--?[A-Za-z0-9][A-Za-z0-9-]*$/)
					print sh "|" ss "|" w[i] "|" arg
		}' "$1"
}
# help_opts: the options of a --help text on stdin (its Usage line and the
# lines that start with an option).
help_opts() {
	grep -E '^(Usage:|[[:space:]]+-)' |
		grep -oE '(^|[[:space:][])--?[A-Za-z0-9][a-z0-9-]*' | tr -d ' [' | sort -u
}

# kegctl: the command list is the COMMANDS subsections, each command's
# options are the .TP entries under it (the common -v/-h are in OPTIONS).
cmds_help=$("$KEGCTL" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
	on { sub(/^ +/, ""); split($0, c, /  +/); print c[1] }' | sort)
cmds_man=$(awk '/^\.SH/ { on = ($0 ~ /COMMANDS/) } on && /^\.SS/ { sub(/^\.SS +/, ""); print }' \
	"$MAN/kegctl.8" | sort)
d=$(diff <(echo "$cmds_help") <(echo "$cmds_man"))
t_check "kegctl(8) has exactly the commands of kegctl --help ($(wc -l <<<"$cmds_help"))" [ -z "$d" ]
[ -z "$d" ] || t_info "$d"
common=$(man_defs "$MAN/kegctl.8" | awk -F'|' '$1 == "OPTIONS" { print $3 }' | sort)
t_check "kegctl(8) OPTIONS: -v, --verbose, -h, --help" \
	[ "$(echo $common)" = "--help --verbose -h -v" ]
bad=0
while IFS= read -r c; do
	read -ra words <<<"$(sed 's/ [A-Z].*//' <<<"$c")"
	h=$("$KEGCTL" "${words[@]}" --help | grep -v -e '--verbose' -e '--help' | help_opts | sed '/^$/d')
	m=$(man_defs "$MAN/kegctl.8" | awk -F'|' -v ss="$c" '$1 == "COMMANDS" && $2 == ss { print $3 }' | sort -u | sed '/^$/d')
	if [ "$h" != "$m" ]; then
		bad=1
		t_info "kegctl $c: --help vs kegctl(8): $(diff <(echo "$h") <(echo "$m") | grep '^[<>]' | tr '\n' ' ')"
	fi
done <<<"$cmds_help"
t_check "every kegctl command: the options of its --help are exactly those in kegctl(8)" [ $bad = 0 ]

# kegd and wanem: every option --help names is in the man page, and every
# option the man page describes is one the program accepts (it is started
# with a stray argument after it, so it stops at the usage check).
probe_opts() {	# PROG MANFILE [LINK-SECTION]
	local prog=$1 page=$2 link=${3:-} o arg sec v bad=0 err
	while IFS='|' read -r sec _ o arg; do
		v=()
		if [[ $o == --* ]]; then
			[ "$arg" = 1 ] && v=("$o=1") || v=("$o")
		else
			v=("$o")
			[ "$arg" = 1 ] && v+=(1)
		fi
		local -a forms=("${v[*]}")
		[ -n "$link" ] && [ "$sec" = "$link" ] && forms+=("--a2b-${o#--}=1" "--b2a-${o#--}=1")
		for f in "${forms[@]}"; do
			# shellcheck disable=SC2086 # f is an option and maybe its value
			err=$(timeout 5 "$prog" $f kec-stray-argument 2>&1 >/dev/null)
			if grep -qiE 'unrecognized option|unknown option|invalid option' <<<"$err"; then
				t_info "${prog##*/} does not accept $f (documented in ${page##*/}): $err"
				bad=1
			fi
		done
	done < <(man_defs "$page")
	return $bad
}
for p in kegd:8 wanem:1; do
	prog=${p%:*} page=$MAN/${p%:*}.${p#*:}
	bin=$KEGD
	[ $prog = wanem ] && bin=$WANEM
	h=$("$bin" --help | help_opts)
	m=$(man_defs "$page" | cut -d'|' -f3 | sort -u)
	missing=$(comm -23 <(echo "$h") <(echo "$m"))
	t_check "$prog(${p#*:}) documents every option of $prog --help ($(echo $h))" [ -z "$missing" ]
	[ -z "$missing" ] || t_info "missing: $missing"
	if [ $prog = wanem ]; then
		t_check "$prog accepts every option $prog(1) describes (link options also as a2b-/b2a-)" \
			probe_opts "$bin" "$page" "LINK OPTIONS"
	else
		t_check "$prog accepts every option $prog(8) describes" probe_opts "$bin" "$page"
	fi
done
t_check "probing notices an option that does not exist" not probe_opts "$KEGD" \
	<(printf '.TH X 8\n.SH OPTIONS\n.TP\n.B \\-\\-no\\-such\\-option\n') 2>/dev/null >/dev/null

# keg.conf(5): each statement's tag reads as the parser's usage line, and
# the parser has no keyword the page lacks.
kw_src=$(awk '/keywords\[\] = \{/ { on = 1; next } on && /^\};/ { exit }
	on && match($0, /^[[:space:]]*\{ "[a-z]+"/) { s = substr($0, RSTART, RLENGTH); gsub(/[^a-z]/, "", s); print s }' \
	"$T_ROOT/user/lib/base/config.c")
conf_page=$(groff -man -Tascii -P-cbou -rLL=250n "$MAN/keg.conf.5" 2>/dev/null)
tags=$(awk '/^\.SH/ { on = ($0 ~ /STATEMENTS/) }
	on && /^\.TP/ { tp = 1; next } tp { tp = 0; print $2 }' "$MAN/keg.conf.5" | sort)
t_check "keg.conf(5) has a statement for each keyword of the parser ($(echo $kw_src))" \
	[ -n "$kw_src" -a "$(sort <<<"$kw_src")" = "$tags" ]
bad=0
for kw in $kw_src; do
	usage=$(printf 'interface kec-a0\n%s\n' "$kw" | t_in $A "$KEGCTL" apply --dry-run - 2>&1 |
		sed -n 's/.*-:2: usage: //p')
	if [ -z "$usage" ] || ! sed 's/^ *//' <<<"$conf_page" | grep -qxF -- "$usage"; then
		bad=1
		t_info "keg.conf(5) lacks the statement '${usage:-$kw}' as kegctl apply prints it"
	fi
done
t_check "keg.conf(5) statements read as kegctl apply's usage lines" [ $bad = 0 ]
t_tmp CONF
t_tmp KEYDIR d
# The example's site key is a file of the operator's: one made here stands in for it.
"$KEGCTL" keygen "$KEYDIR/br1.key" >/dev/null || t_die "kegctl keygen"
awk '/^\.SH EXAMPLE/ { on = 1; next } on && /^\.nf/ { p = 1; next } on && /^\.fi/ { exit } p' \
	"$MAN/keg.conf.5" | sed "s/\\\\-/-/g; s/eth1/kec-a0/g; s|/etc/keg/br1.key|$KEYDIR/br1.key|" >"$CONF"
# ... and the example's eth1 has the gateway's address on its LAN (a proxy
# address must be on it).
t_in $A ip addr add 10.1.2.1/24 dev kec-a0
t_keg_ok $A "keg.conf(5) EXAMPLE passes kegctl apply --dry-run" apply --dry-run "$CONF"
t_in $A ip addr del 10.1.2.1/24 dev kec-a0

# ---- bash completion -----------------------------------------------------

# complete_in NS WORDS...: the completion of the last word, in a real bash
# in namespace NS with build/kegctl as kegctl.
complete_in() {
	local ns=$1
	shift
	t_in "$ns" env PATH="$T_ROOT/build:$PATH" bash --norc --noprofile -c '
		source "$1"; shift
		complete -p kegctl | grep -q -- "-F _kegctl" || exit 3
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_kegctl
		printf "%s\n" "${COMPREPLY[@]}"' \
		bash "$T_ROOT/deploy/completion/kegctl.bash" "$@"
}
# offers DESC NS EXPECTED WORDS...: EXPECTED (space-separated) all among
# the candidates.
offers() {
	local desc=$1 ns=$2 want=$3 got w
	shift 3
	got=$(complete_in "$ns" "$@")
	for w in $want; do
		if ! grep -qxF -- "$w" <<<"$got"; then
			t_fail "$desc (wanted $w, got: $(echo $got))"
			return
		fi
	done
	t_ok "$desc ($(echo $got | cut -c1-100))"
}
offers "completion: commands" $A "attach stats customer intercept" kegctl ""
offers "completion: subcommands of customer" $A "add set del list" kegctl customer ""
offers "completion: attached interfaces for detach" $A "kec-a0" kegctl detach ""
offers "completion: attached interfaces for --iface" $A "kec-a0" kegctl stats --iface kec-
offers "completion: every interface of the namespace for attach" $A "kec-a0 kec-a1" kegctl attach kec-
offers "completion: stats options" $A "--format --json --interval --iface" kegctl stats --
offers "completion: --format choices" $A "table json prometheus" kegctl stats --format ""
offers "completion: customers of the interface" $A "10.235.0.5 10.235.0.6 2001:db8:235::5" \
	kegctl customer del --iface kec-a0 ""
offers "completion: customers, --iface=IFACE split at '=' as readline does" $A \
	"10.235.0.5 10.235.0.6" kegctl -v customer set --iface = kec-a0 10.235.0.
offers "completion: subnets for subnet del" $A "10.235.0.0/24 2001:db8:235::/64" kegctl subnet del ""
offers "completion: rule ids" $A "$RULE" kegctl intercept disable ""
offers "completion: sites" $A "hq" kegctl site down ""
got=$(complete_in $A kegctl stats --iface nomatch)
t_check "completion: nothing for an interface that is not attached" [ -z "$got" ]

t_done
