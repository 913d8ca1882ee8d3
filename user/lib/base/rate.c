// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* rate.c - see rate.h */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rate.h"

struct unit {
	const char *name;
	double kbit;		/* kbit/s per unit */
};

static const struct unit rate_units[] = {
	{ "", 0.001 },	  { "bit", 0.001 },   { "kbit", 1 },	 { "mbit", 1e3 },
	{ "gbit", 1e6 },  { "tbit", 1e9 },    { "bps", 0.008 },	 { "kbps", 8 },
	{ "mbps", 8e3 },  { "gbps", 8e6 },
};

/* Digits with at most one '.' among them, from s to end: what strtod read
 * must not have been hex ("0x10"), an exponent ("1e6"), "inf" or "nan". */
static bool plain_decimal(const char *s, const char *end)
{
	bool dot = false;

	if (s == end || *s < '0' || *s > '9')
		return false;
	for (; s < end; s++) {
		if (*s == '.' && !dot)
			dot = true;
		else if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

int keg_rate_parse(const char *s, uint32_t *kbit, struct keg_err *err)
{
	const char *u;
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v <= 0 || !plain_decimal(s, end))
		return keg_err_set(err, -EINVAL, "%s: not a rate (like 20mbit, 512kbit, 1gbit)", s);
	u = end;
	for (size_t i = 0; i < sizeof(rate_units) / sizeof(rate_units[0]); i++) {
		double k;

		if (strcasecmp(u, rate_units[i].name))
			continue;
		k = v * rate_units[i].kbit;
		if (k < 1 || k > 4e9)
			return keg_err_set(err, -EINVAL,
					   "%s: out of range (1kbit to 4tbit)", s);
		*kbit = (uint32_t)(k + 0.5);
		return 0;
	}
	return keg_err_set(err, -EINVAL,
			   "%s: unknown unit '%s' (bit, kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps)",
			   s, u);
}

const char *keg_rate_str(uint32_t kbit, char *buf, size_t len)
{
	if (kbit >= 1000000 && kbit % 1000000 == 0)
		snprintf(buf, len, "%ugbit", kbit / 1000000);
	else if (kbit >= 1000 && kbit % 1000 == 0)
		snprintf(buf, len, "%umbit", kbit / 1000);
	else
		snprintf(buf, len, "%ukbit", kbit);
	return buf;
}

int keg_size_parse(const char *s, uint32_t *bytes, struct keg_err *err)
{
	static const struct { const char *n; double m; } units[] = {
		{ "", 1 }, { "b", 1 }, { "k", 1024 }, { "kb", 1024 },
		{ "m", 1048576 }, { "mb", 1048576 },
	};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v <= 0 || !plain_decimal(s, end))
		return keg_err_set(err, -EINVAL, "%s: not a size (like 1600, 15k, 1m)", s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].n))
			continue;
		v *= units[i].m;
		if (v < 1 || v > 64.0 * 1048576)
			return keg_err_set(err, -EINVAL, "%s: out of range (1 byte to 64m)", s);
		*bytes = (uint32_t)(v + 0.5);
		return 0;
	}
	return keg_err_set(err, -EINVAL, "%s: unknown unit '%s' (b, k, m)", s, end);
}
