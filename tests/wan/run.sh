#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# run.sh - run tests/wan/test_*.sh (or the ones named) one after the other;
# `make test-wan` calls it. Exit 0 when none failed.
cd "$(dirname "$0")" || exit 1
pass=0 failed=0 skipped=0
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test_*.sh)
for t in "${tests[@]}"; do
	start=$SECONDS
	./"$t"
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); r=PASS ;;
	77) skipped=$((skipped + 1)); r=SKIP ;;
	*) failed=$((failed + 1)); r=FAIL ;;
	esac
	echo "== $r $t ($((SECONDS - start)) s)"
done
echo "wan: $pass passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
