#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# test_units.sh - criterion unit tests of wanem's pure parts: value parsing,
# the link model (rate, buffer, loss, Gilbert-Elliott, jitter, reordering,
# duplication), the release queue and checksum completion.
# shellcheck source=tests/wan/lib.sh
. "$(dirname "$0")/lib.sh"

UNIT=$WAN_ROOT/build/wanem_unit
[ -x "$UNIT" ] || skip "$UNIT not built (make wanem)"
out=$("$UNIT" --jobs 1 2>&1)
rc=$?
grep -E '^\[(FAIL|----)\]' <<<"$out" | head -n 40
line=$(grep 'Synthesis' <<<"$out")
tested=$(sed -n 's/.*Tested: \([0-9]*\).*/\1/p' <<<"$line")
failing=$(sed -n 's/.*Failing: \([0-9]*\).*/\1/p' <<<"$line")
crashing=$(sed -n 's/.*Crashing: \([0-9]*\).*/\1/p' <<<"$line")
if [ "$rc" = 0 ] && [ "${tested:-0}" -gt 0 ]; then
	pass "criterion: ${tested} unit tests"
else
	fail "criterion: tested ${tested:-?}, failing ${failing:-?}, crashing ${crashing:-?} (exit $rc)"
fi
finish
