// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * unit_parse.c - wanem's value parsers: one table per kind, good and bad.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "parse.h"

struct u64_case {
	const char *in;
	int err;
	uint64_t want;
};

static void walk_u64(const struct u64_case *c, size_t n,
		     int (*fn)(const char *, uint64_t *), const char *kind)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = 0xdeadbeef;
		int err = fn(c[i].in, &v);

		cr_expect_eq(err, c[i].err, "%s '%s': err %d, want %d", kind,
			     c[i].in, err, c[i].err);
		if (!c[i].err)
			cr_expect_eq(v, c[i].want, "%s '%s': %llu, want %llu", kind,
				     c[i].in, (unsigned long long)v,
				     (unsigned long long)c[i].want);
		else
			cr_expect_eq(v, 0xdeadbeef, "%s '%s': written on error",
				     kind, c[i].in);
	}
}

#define WALK(tab, fn) walk_u64(tab, sizeof(tab) / sizeof(tab[0]), fn, #fn)

Test(parse, time)
{
	static const struct u64_case t[] = {
		{ "20", 0, 20000000 },
		{ "20ms", 0, 20000000 },
		{ "1.5ms", 0, 1500000 },
		{ "200us", 0, 200000 },
		{ "0.2s", 0, 200000000 },
		{ "7ns", 0, 7 },
		{ "0", 0, 0 },
		{ "100MS", 0, 100000000 },
		{ ".5s", 0, 500000000 },
		{ "3600s", 0, 3600000000000ULL },
		{ "3601s", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ "ms", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
		{ "nan", -EINVAL, 0 },
		{ "1.2.3", -EINVAL, 0 },
		{ "10 ms", -EINVAL, 0 },
		{ "10min", -EINVAL, 0 },
	};

	WALK(t, wan_parse_time_ns);
}

Test(parse, rate)
{
	static const struct u64_case t[] = {
		{ "100mbit", 0, 100000000 },
		{ "800Mbit", 0, 800000000 },
		{ "1gbit", 0, 1000000000 },
		{ "1.5gbit", 0, 1500000000 },
		{ "64kbit", 0, 64000 },
		{ "1kibit", 0, 1024 },
		{ "1mibit", 0, 1048576 },
		{ "12.5mbps", 0, 100000000 },	/* tc: bytes per second */
		{ "1000bps", 0, 8000 },
		{ "500000", 0, 500000 },
		{ "10m", 0, 10000000 },
		{ "1tbit", 0, 1000000000000ULL },
		{ "2tbit", -ERANGE, 0 },
		{ "0", 0, 0 },
		{ "none", 0, 0 },
		{ "unlimited", 0, 0 },
		{ "100xbit", -EINVAL, 0 },
		{ "mbit", -EINVAL, 0 },
		{ "100mbitx", -EINVAL, 0 },
		{ "-5mbit", -EINVAL, 0 },
		{ "1e9", -EINVAL, 0 },
	};

	WALK(t, wan_parse_rate_bps);
}

Test(parse, size)
{
	static const struct u64_case t[] = {
		{ "1500", 0, 1500 },
		{ "1500b", 0, 1500 },
		{ "64k", 0, 65536 },
		{ "64K", 0, 65536 },
		{ "64kb", 0, 65536 },
		{ "64KiB", 0, 65536 },
		{ "1.5m", 0, 1572864 },
		{ "2g", 0, 2147483648ULL },
		{ "64g", 0, 64ULL << 30 },
		{ "65g", -ERANGE, 0 },
		{ "1t", -EINVAL, 0 },
		{ "k", -EINVAL, 0 },
		{ "12 k", -EINVAL, 0 },
	};

	WALK(t, wan_parse_size);
}

Test(parse, buffer_size_or_time)
{
	static const struct {
		const char *in;
		int err;
		uint64_t want;
		bool is_time;
	} t[] = {
		{ "256k", 0, 262144, false },
		{ "100000", 0, 100000, false },
		{ "50ms", 0, 50000000, true },
		{ "1s", 0, 1000000000, true },
		{ "250us", 0, 250000, true },
		{ "50mx", -EINVAL, 0, false },
		{ "", -EINVAL, 0, false },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 0;
		bool is_time = !t[i].is_time;
		int err = wan_parse_buffer(t[i].in, &v, &is_time);

		cr_expect_eq(err, t[i].err, "buffer '%s': err %d", t[i].in, err);
		if (err)
			continue;
		cr_expect_eq(v, t[i].want, "buffer '%s': %llu", t[i].in,
			     (unsigned long long)v);
		cr_expect_eq(is_time, t[i].is_time, "buffer '%s': kind", t[i].in);
	}
}

Test(parse, percent)
{
	static const struct {
		const char *in;
		int err;
		double want;
	} t[] = {
		{ "1", 0, 0.01 }, { "0.1%", 0, 0.001 }, { "100", 0, 1.0 },
		{ "0", 0, 0.0 }, { "100.1", -ERANGE, 0 }, { "-1", -EINVAL, 0 },
		{ "1%%", -EINVAL, 0 }, { "x", -EINVAL, 0 }, { "5pct", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double v = -1;
		int err = wan_parse_percent(t[i].in, &v);

		cr_expect_eq(err, t[i].err, "percent '%s': err %d", t[i].in, err);
		if (!err)
			cr_expect_float_eq(v, t[i].want, 1e-12, "percent '%s': %g",
					   t[i].in, v);
	}
}

Test(parse, gilbert_elliott)
{
	struct wan_ge_params g;

	cr_assert_eq(wan_parse_ge("1,20", &g), 0);
	cr_expect_float_eq(g.p, 0.01, 1e-12);
	cr_expect_float_eq(g.r, 0.20, 1e-12);
	cr_expect_float_eq(g.h, 0.0, 1e-12);	/* default: all lost in bad */
	cr_expect_float_eq(g.k, 1.0, 1e-12);	/* default: none lost in good */
	cr_assert_eq(wan_parse_ge("0.5,10,30,99.9", &g), 0);
	cr_expect_float_eq(g.h, 0.30, 1e-12);
	cr_expect_float_eq(g.k, 0.999, 1e-12);
	cr_expect_eq(wan_parse_ge("1", &g), -EINVAL);
	cr_expect_eq(wan_parse_ge("1,,2", &g), -EINVAL);
	cr_expect_eq(wan_parse_ge("1,2,", &g), -EINVAL);
	cr_expect_eq(wan_parse_ge(",1,2", &g), -EINVAL);
	cr_expect_eq(wan_parse_ge("1,2,3,4,5", &g), -EINVAL);
	cr_expect_eq(wan_parse_ge("1,0", &g), -ERANGE);	/* absorbing bad state */
	cr_expect_eq(wan_parse_ge("1,200", &g), -ERANGE);
}

Test(parse, u64)
{
	uint64_t v;

	cr_expect_eq(wan_parse_u64("42", 100, &v), 0);
	cr_expect_eq(v, 42);
	cr_expect_eq(wan_parse_u64("101", 100, &v), -ERANGE);
	cr_expect_eq(wan_parse_u64("18446744073709551616", UINT64_MAX, &v), -ERANGE);
	cr_expect_eq(wan_parse_u64("-1", 100, &v), -EINVAL);
	cr_expect_eq(wan_parse_u64(" 1", 100, &v), -EINVAL);
	cr_expect_eq(wan_parse_u64("1x", 100, &v), -EINVAL);
}
