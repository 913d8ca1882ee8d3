// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_config_sched.c - the `schedule` statement of the `kegctl apply`
 * file (config.h): refused texts with their line and message, and what a
 * good one gives (rules appended per target, customers linked to theirs).
 */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "config.h"

#define TXT(s) s, sizeof(s) - 1

struct bad_sched {
	const char *name, *text;
	size_t len;
	unsigned int line;
	const char *msg;	/* substring of the message */
};

static const struct bad_sched bad[] = {
	{ "outside a block", TXT("schedule default * down 1mbit\n"), 1,
	  "'schedule' outside an interface block" },
	{ "too few words", TXT("interface a\nschedule default down 1mbit\n"), 2,
	  "usage: schedule default|ADDR" },
	{ "bad target", TXT("interface a\nschedule nobody * down 1mbit\n"), 2,
	  "expected default or a customer address" },
	{ "bad day", TXT("interface a\nschedule default mon-fry down 1mbit\n"), 2,
	  "days are *, mon..sun" },
	{ "bad time", TXT("interface a\nschedule default * 08:00-25:00 down 1mbit\n"), 2,
	  "not a time range" },
	{ "no down", TXT("interface a\nschedule default * up 1mbit\n"), 2,
	  "a rule needs 'down RATE'" },
	{ "bad rate", TXT("interface a\nschedule default * down fast\n"), 2, "fast" },
	{ "second rule bad", TXT("interface a\n\nschedule default * down 1mbit; sat dwn 2mbit\n"),
	  3, "expected down RATE" },
	{ "customer not declared",
	  TXT("interface a\ncustomer 10.0.0.1\nschedule 10.0.0.2 * down 1mbit\n"), 3,
	  "schedule for 10.0.0.2: no 'customer 10.0.0.2' under interface a" },
	{ "customer of another block",
	  TXT("interface a\ncustomer 10.0.0.1\ninterface b\nschedule 10.0.0.1 * down 1mbit\n"), 4,
	  "under interface b" },
	{ "too many rules over two lines",
	  TXT("interface a\n"
	      "schedule default mon down 1mbit; tue down 1mbit; wed down 1mbit; thu down 1mbit; fri down 1mbit; sat down 1mbit; sun down 1mbit; * down 1mbit\n"
	      "schedule default mon down 2mbit; tue down 2mbit; wed down 2mbit; thu down 2mbit; fri down 2mbit; sat down 2mbit; sun down 2mbit; * down 2mbit; * down 3mbit\n"),
	  3, "more than 16 rules for default" },
};

Test(config_sched, refused)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct keg_err err;
		struct keg_conf conf;
		int ret = keg_conf_parse_buf(bad[i].text, bad[i].len, &conf, &err);

		cr_expect_eq(ret, -EINVAL, "%s: ret %d", bad[i].name, ret);
		cr_expect_eq(err.line, bad[i].line, "%s: line %u, want %u (%s)", bad[i].name,
			     err.line, bad[i].line, err.msg);
		cr_expect(strstr(err.msg, bad[i].msg), "%s: message '%s' lacks '%s'",
			  bad[i].name, err.msg, bad[i].msg);
		cr_expect_eq(conf.n_ifaces, 0, "%s: conf left filled", bad[i].name);
	}
}

Test(config_sched, parsed)
{
	static const char text[] =
		"interface kca   # shaped\n"
		"  customer 10.1.2.5 down 50mbit\n"
		"  customer 10.1.2.6 down 10mbit\n"
		"  schedule 10.1.2.5 mon-fri 08:00-18:00 down 20mbit; * down 100mbit\n"
		"  schedule default sat,sun down 1gbit up 200mbit\n"
		"  schedule default * down 500mbit   # rest of the week\n";
	const struct keg_conf_iface *f;
	const struct keg_conf_sched *s;
	struct keg_err err;
	struct keg_conf conf;

	cr_assert_eq(keg_conf_parse_buf(text, sizeof(text) - 1, &conf, &err), 0, "%u: %s",
		     err.line, err.msg);
	f = keg_conf_find(&conf, "kca");
	cr_assert(f);
	cr_assert_eq(f->schedules.n, 2);

	s = &f->schedules.v[0];
	cr_expect(!s->is_default);
	cr_expect_eq(s->line, 4);
	cr_expect_eq(s->s.n, 2);
	cr_expect_eq(s->s.r[0].days, 0x1f);
	cr_expect_eq(s->s.r[0].from, 8 * 60);
	cr_expect_eq(s->s.r[0].to, 18 * 60);
	cr_expect_eq(s->s.r[0].down_kbit, 20000);
	cr_expect_eq(s->s.r[1].down_kbit, 100000);
	cr_expect_str_eq(s->text, "mon-fri 08:00-18:00 down 20mbit; * down 100mbit");

	s = &f->schedules.v[1];
	cr_expect(s->is_default);
	cr_expect_eq(s->line, 5);
	cr_expect_eq(s->s.n, 2, "rules of both lines, in order");
	cr_expect_eq(s->s.r[0].days, 0x60);
	cr_expect_eq(s->s.r[0].up_kbit, 200000);
	cr_expect_eq(s->s.r[1].down_kbit, 500000);
	cr_expect_str_eq(s->text, "sat,sun down 1gbit up 200mbit; * down 500mbit");

	/* customers sorted: .5 then .6; only .5 has a schedule */
	cr_assert_eq(f->customers.n, 2);
	cr_expect_eq(f->customers.v[0].sched, &f->schedules.v[0].s);
	cr_expect_null(f->customers.v[1].sched);
	keg_conf_free(&conf);
}
