// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* test_schedule.c - time-of-day rules (user/lib/base/schedule.c). */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "schedule.h"

#define W(day, h, m) ((day) * 1440 + (h) * 60 + (m))	/* day 0 = Monday */

Test(schedule, issue_example)
{
	struct keg_sched s;
	struct keg_err e;
	int nw, ahead, r;

	cr_assert_eq(keg_sched_parse("mon-fri 08:00-18:00 down 20mbit; * down 100mbit", &s, &e), 0,
		     "%s", e.msg);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.r[0].down_kbit, 20000);
	cr_expect_eq(s.r[1].down_kbit, 100000);
	cr_expect_eq(keg_sched_at(&s, W(0, 8, 0)), 0);	/* Monday 08:00 */
	cr_expect_eq(keg_sched_at(&s, W(0, 7, 59)), 1);
	cr_expect_eq(keg_sched_at(&s, W(4, 17, 59)), 0);	/* Friday */
	cr_expect_eq(keg_sched_at(&s, W(4, 18, 0)), 1);
	cr_expect_eq(keg_sched_at(&s, W(5, 12, 0)), 1);	/* Saturday */
	/* Friday 17:00: next change at 18:00 to rule 2, in 60 minutes. */
	cr_assert_eq(keg_sched_next(&s, W(4, 17, 0), &nw, &ahead, &r), 0);
	cr_expect_eq(nw, W(4, 18, 0));
	cr_expect_eq(ahead, 60);
	cr_expect_eq(r, 1);
	/* Friday 19:00: next is Monday 08:00, across the weekend and the week wrap. */
	cr_assert_eq(keg_sched_next(&s, W(4, 19, 0), &nw, &ahead, &r), 0);
	cr_expect_eq(nw, W(0, 8, 0));
	cr_expect_eq(r, 0);
	cr_expect_eq(ahead, W(7, 8, 0) - W(4, 19, 0));
}

Test(schedule, wrap_lists_and_up)
{
	struct keg_sched s;
	struct keg_err e;
	int nw, ahead, r;

	cr_assert_eq(keg_sched_parse("fri 22:00-06:00 down 50mbit up 10mbit; sat,sun down 30mbit; * down 10mbit",
				     &s, &e), 0, "%s", e.msg);
	cr_expect_eq(s.r[0].up_kbit, 10000);
	cr_expect_eq(keg_sched_at(&s, W(4, 23, 0)), 0);	/* Friday night */
	cr_expect_eq(keg_sched_at(&s, W(5, 5, 59)), 0);	/* Saturday early */
	cr_expect_eq(keg_sched_at(&s, W(5, 6, 0)), 1);	/* then the weekend rule */
	cr_expect_eq(keg_sched_at(&s, W(6, 23, 0)), 1);
	cr_expect_eq(keg_sched_at(&s, W(0, 1, 0)), 2);	/* Monday: no Sunday-night wrap */
	cr_expect_eq(keg_sched_at(&s, W(3, 23, 0)), 2);
	/* A constant schedule never changes. */
	cr_assert_eq(keg_sched_parse("* down 5mbit", &s, &e), 0);
	cr_expect_eq(keg_sched_next(&s, 0, &nw, &ahead, &r), -ENOENT);
	cr_assert_eq(keg_sched_parse("fri-mon down 1mbit", &s, &e), 0);
	cr_expect_eq(s.r[0].days, 0x71);	/* fri sat sun mon */
}

Test(schedule, errors)
{
	static const struct { const char *s, *msg; } bad[] = {
		{ "", "no rules" },
		{ "mon-fry down 1mbit", "days are" },
		{ "* 8:00-25:00 down 1mbit", "not a time range" },
		{ "* 08:00-08:00 down 1mbit", "empty time range" },
		{ "* up 1mbit", "needs 'down RATE'" },
		{ "* down", "expected down RATE" },
		{ "* down 1zbit", "unknown unit" },
	};
	struct keg_sched s;
	struct keg_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		cr_expect_eq(keg_sched_parse(bad[i].s, &s, &e), -EINVAL, "accepted '%s'", bad[i].s);
		cr_expect(strstr(e.msg, bad[i].msg), "'%s': \"%s\", want \"%s\"", bad[i].s, e.msg,
			  bad[i].msg);
	}
}

/* A site's MaxRate schedule: "maxrate RATE" rules, no "up", no "down". */
Test(schedule, site_maxrate)
{
	static const struct { const char *s, *msg; } bad[] = {
		{ "* down 1mbit", "expected maxrate RATE" },
		{ "* maxrate 1mbit up 1mbit", "expected maxrate RATE" },
		{ "mon 08:00-09:00", "needs 'maxrate RATE'" },
		{ "* maxrate", "expected maxrate RATE" },
	};
	struct keg_sched s;
	struct keg_err e;

	cr_assert_eq(keg_sched_parse_maxrate("mon-fri 08:00-18:00 maxrate 50mbit; * maxrate 200mbit",
					     &s, &e), 0, "%s", e.msg);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.r[0].down_kbit, 50000);
	cr_expect_eq(s.r[1].down_kbit, 200000);
	cr_expect_eq(keg_sched_at(&s, W(2, 12, 0)), 0);	/* Wednesday noon */
	cr_expect_eq(keg_sched_at(&s, W(6, 12, 0)), 1);	/* Sunday */
	cr_expect_eq(keg_sched_parse("* maxrate 1mbit", &s, &e), -EINVAL,
		     "a customer schedule takes no maxrate");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		cr_expect_eq(keg_sched_parse_maxrate(bad[i].s, &s, &e), -EINVAL, "accepted '%s'",
			     bad[i].s);
		cr_expect(strstr(e.msg, bad[i].msg), "'%s': \"%s\", want \"%s\"", bad[i].s, e.msg,
			  bad[i].msg);
	}
}
