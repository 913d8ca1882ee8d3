#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# run_suites.sh - run every shell suite: tests/integration/test_*.sh, then
# tests/wan/test_*.sh. A suite exits 0 (passed), 77 (skipped) or anything
# else (failed); one that outlives SUITE_TIMEOUT seconds (default 300) is
# killed and failed. Prints each suite's output and result, a summary, and
# last a line "N passed, N failed, N skipped". Exit 1 if any suite failed.
#
#   tests/run_suites.sh [-q] [PATTERN...]
#     -q        print a suite's output only when it fails
#     PATTERN   run only suites whose path contains one of the patterns
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
quiet=0
if [ "${1:-}" = -q ]; then
	quiet=1
	shift
fi
timeout_s=${SUITE_TIMEOUT:-300}

suites=()
for f in "$root"/tests/integration/test_*.sh "$root"/tests/wan/test_*.sh; do
	[ -f "$f" ] || continue
	rel=${f#"$root"/tests/}
	if [ $# -gt 0 ]; then
		keep=0
		for p in "$@"; do
			case $rel in *"$p"*) keep=1 ;; esac
		done
		[ $keep = 1 ] || continue
	fi
	suites+=("$rel")
done

passed=0 failed=0 skipped=0
summary=()
for rel in "${suites[@]+"${suites[@]}"}"; do
	start=$SECONDS
	[ $quiet = 1 ] || echo "=== $rel"
	out=$(mktemp)
	# --foreground: a suite's own trap still runs when it is timed out.
	timeout --foreground -k 15 "$timeout_s" bash "$root/tests/$rel" >"$out" 2>&1 &
	pid=$!
	[ $quiet = 1 ] || tail -f -s 0.2 --pid=$pid "$out" 2>/dev/null
	wait $pid
	rc=$?
	secs=$((SECONDS - start))
	case $rc in
	0)	result=PASS; passed=$((passed + 1)) ;;
	77)	result=SKIP; skipped=$((skipped + 1)) ;;
	124)	result=FAIL; failed=$((failed + 1)); echo "timed out after ${timeout_s}s" >>"$out" ;;
	*)	result=FAIL; failed=$((failed + 1)) ;;
	esac
	if [ $quiet = 1 ] && [ $result = FAIL ]; then
		echo "=== $rel"
		cat "$out"
	fi
	if [ $result = SKIP ]; then
		why=$(sed -n 's/^SKIP - //p' "$out" | tail -1)
		line=$(printf '%-4s %-36s %4ss  %s' $result "$rel" $secs "$why")
	else
		line=$(printf '%-4s %-36s %4ss' $result "$rel" $secs)
	fi
	echo "--- $line"
	summary+=("$line")
	rm -f "$out"
done

echo
echo "suites:"
for line in "${summary[@]+"${summary[@]}"}"; do
	echo "  $line"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
