// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_rate.c - rate and size parsing (user/lib/base/rate.c) and the shaping
 * options of `customer` in the apply file (user/lib/base/config.c).
 */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "config.h"
#include "rate.h"

Test(rate, parse)
{
	static const struct { const char *s; uint32_t kbit; } ok[] = {
		{ "20mbit", 20000 }, { "1gbit", 1000000 }, { "512kbit", 512 },
		{ "1.5mbit", 1500 }, { "100000000", 100000 }, { "2Mbit", 2000 },
		{ "1mbps", 8000 }, { "125kbps", 1000 }, { "4tbit", 4000000000U },
	};
	/* Issue 13 §3: hex, exponents, inf and nan are no rates operators write. */
	static const char *const bad[] = { "", "mbit", "-1mbit", "20 mbit", "20mbits",
					    "0kbit", "999bit", "5tbit", "1e400mbit",
					    "0x10mbit", "1e6bit", "infmbit", "nanmbit", ".5mbit",
					    "+5mbit", "1.2.3mbit" };
	struct keg_err e;
	uint32_t k;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_expect_eq(keg_rate_parse(ok[i].s, &k, &e), 0, "%s: %s", ok[i].s, e.msg);
		cr_expect_eq(k, ok[i].kbit, "%s -> %u, want %u", ok[i].s, k, ok[i].kbit);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(keg_rate_parse(bad[i], &k, &e), -EINVAL, "'%s' accepted", bad[i]);
}

Test(rate, format)
{
	char b[32];

	cr_expect_str_eq(keg_rate_str(20000, b, sizeof(b)), "20mbit");
	cr_expect_str_eq(keg_rate_str(1000000, b, sizeof(b)), "1gbit");
	cr_expect_str_eq(keg_rate_str(1500, b, sizeof(b)), "1500kbit");
}

Test(rate, size)
{
	struct keg_err e;
	uint32_t v;

	cr_expect_eq(keg_size_parse("15k", &v, &e), 0);
	cr_expect_eq(v, 15360);
	cr_expect_eq(keg_size_parse("1600", &v, &e), 0);
	cr_expect_eq(v, 1600);
	cr_expect_eq(keg_size_parse("1m", &v, &e), 0);
	cr_expect_eq(v, 1048576);
	cr_expect_eq(keg_size_parse("1x", &v, &e), -EINVAL);
	cr_expect_eq(keg_size_parse("100m", &v, &e), -EINVAL);
}

#define TXT(s) s, sizeof(s) - 1

Test(rate, config_customer_rates)
{
	struct keg_conf conf = { 0 };
	struct keg_err err;
	const struct keg_conf_entry *e;
	int ret;

	ret = keg_conf_parse_buf(TXT("interface a\n"
				     "customer 10.0.0.1 down 20mbit up 5mbit ceil 40mbit burst 15k\n"
				     "customer 10.0.0.2\n"
				     "customer 10.0.0.3 down 1gbit\n"),
				 &conf, &err);
	cr_assert_eq(ret, 0, "line %u: %s", err.line, err.msg);
	cr_assert_eq(conf.ifaces[0].customers.n, 3);
	e = &conf.ifaces[0].customers.v[0];
	cr_expect_eq(e->down_kbit, 20000);
	cr_expect_eq(e->up_kbit, 5000);
	cr_expect_eq(e->ceil_kbit, 40000);
	cr_expect_eq(e->burst, 15360);
	cr_expect_eq(conf.ifaces[0].customers.v[1].down_kbit, 0);
	cr_expect_eq(conf.ifaces[0].customers.v[2].down_kbit, 1000000);
	keg_conf_free(&conf);
}

Test(rate, config_customer_rate_errors)
{
	static const struct { const char *txt; const char *msg; } bad[] = {
		{ "interface a\ncustomer 10.0.0.1 down\n", "'down' needs a value" },
		{ "interface a\ncustomer 10.0.0.1 up 5mbit\n", "need a down rate" },
		{ "interface a\ncustomer 10.0.0.1 down 5mbit down 6mbit\n", "given twice" },
		{ "interface a\ncustomer 10.0.0.1 fast 5mbit\n", "expected down, up, ceil or burst" },
		{ "interface a\ncustomer 10.0.0.1 down 5mbps5\n", "unknown unit" },
		{ "interface a\ncustomer 10.0.0.1 down 20mbit ceil 10mbit\n", "ceil must not be below" },
		{ "interface a\ncustomer 10.0.0.1 down 1 up 1 ceil 1 burst 1 x\n", "usage: customer ADDR" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct keg_conf conf = { 0 };
		struct keg_err err;

		cr_expect_eq(keg_conf_parse_buf(bad[i].txt, strlen(bad[i].txt), &conf, &err),
			     -EINVAL, "accepted: %s", bad[i].txt);
		cr_expect(strstr(err.msg, bad[i].msg), "%s: message \"%s\", want \"%s\"",
			  bad[i].txt, err.msg, bad[i].msg);
		cr_expect_eq(err.line, 2);
	}
}
