// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_repair.c - what `kegctl apply` says it repaired (user/lib/ops/repair.h):
 * only the counts that are not zero, singular and plural, and "would" in a
 * dry run. The repair itself needs the kernel: tests/integration/test_robust.sh.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "repair.h"

Test(repair, str_lists_what_was_done)
{
	struct keg_repair r = { 0 };
	char buf[256];

	cr_assert_eq(keg_repair_total(&r), 0);
	cr_assert_str_eq(keg_repair_str(&r, false, buf, sizeof(buf)), "");
	r.routes_del = 1;
	r.classes_del = 2940;
	cr_assert_eq(keg_repair_total(&r), 2941);
	cr_assert_str_eq(keg_repair_str(&r, false, buf, sizeof(buf)),
			 "removed 1 leftover route, removed 2940 leftover HTB classes");
	cr_assert_str_eq(keg_repair_str(&r, true, buf, sizeof(buf)),
			 "would remove 1 leftover route, would remove 2940 leftover HTB classes");
	r = (struct keg_repair){ .routes_add = 2, .groups_del = 1, .groups_adopted = 3 };
	cr_assert_str_eq(keg_repair_str(&r, false, buf, sizeof(buf)),
			 "put back 2 missing customer routes, removed 1 unrecorded HTB group, "
			 "recorded 3 HTB groups");
}

/* A short buffer is cut, never overrun. */
Test(repair, str_short_buffer)
{
	struct keg_repair r = { .routes_del = 5, .routes_add = 5, .classes_del = 5 };
	char buf[24];

	memset(buf, 'x', sizeof(buf));
	keg_repair_str(&r, false, buf, 20);
	cr_assert_eq(strlen(buf), 19);
	cr_assert_eq(buf[20], 'x');
}
