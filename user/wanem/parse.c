// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * parse.c - strict parsers for wanem's command-line values (see parse.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

struct unit {
	const char *name;
	double mult;
};

/*
 * Split "12.5mbit" into 12.5 and "mbit". Only plain decimal numbers: strtod
 * alone would also take "-1", "1e3", "0x10" and "inf".
 */
static int split_number(const char *s, double *num, const char **unit)
{
	char buf[64];
	size_t n = 0, digits = 0;
	bool dot = false;

	for (; s[n]; n++) {
		if (s[n] >= '0' && s[n] <= '9')
			digits++;
		else if (s[n] == '.' && !dot)
			dot = true;
		else
			break;
	}
	if (!digits || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*num = strtod(buf, NULL);
	*unit = s + n;
	return 0;
}

static int lookup_unit(const struct unit *tab, const char *u, double *mult)
{
	for (; tab->name; tab++) {
		if (!strcasecmp(tab->name, u)) {
			*mult = tab->mult;
			return 0;
		}
	}
	return -EINVAL;
}

/* num * mult rounded to an integer no larger than max. */
static int scale(double num, double mult, uint64_t max, uint64_t *out)
{
	double v = num * mult;

	if (!isfinite(v) || v > (double)max)
		return -ERANGE;
	*out = (uint64_t)llround(v);
	return 0;
}

static const struct unit time_units[] = {
	{ "", 1e6 }, { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	{ NULL, 0 },
};

int wan_parse_time_ns(const char *s, uint64_t *out)
{
	const char *u;
	double num, mult;

	if (split_number(s, &num, &u) || lookup_unit(time_units, u, &mult))
		return -EINVAL;
	return scale(num, mult, WAN_TIME_MAX_NS, out);
}

static const struct unit rate_prefixes[] = {
	{ "", 1 }, { "k", 1e3 }, { "m", 1e6 }, { "g", 1e9 }, { "t", 1e12 },
	{ "ki", 1024.0 }, { "mi", 1048576.0 }, { "gi", 1073741824.0 },
	{ NULL, 0 },
};

int wan_parse_rate_bps(const char *s, uint64_t *out)
{
	char prefix[8];
	const char *u;
	double num, mult, per = 1;
	size_t len;

	if (!strcasecmp(s, "none") || !strcasecmp(s, "off") ||
	    !strcasecmp(s, "unlimited")) {
		*out = 0;
		return 0;
	}
	if (split_number(s, &num, &u))
		return -EINVAL;
	len = strlen(u);
	if (len >= 3 && !strcasecmp(u + len - 3, "bit")) {
		len -= 3;
	} else if (len >= 3 && !strcasecmp(u + len - 3, "bps")) {
		len -= 3;
		per = 8;	/* tc: "bps" is bytes per second */
	}
	if (len >= sizeof(prefix))
		return -EINVAL;
	memcpy(prefix, u, len);
	prefix[len] = '\0';
	if (lookup_unit(rate_prefixes, prefix, &mult))
		return -EINVAL;
	return scale(num, mult * per, WAN_RATE_MAX_BPS, out);
}

static const struct unit size_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1024.0 }, { "kb", 1024.0 }, { "kib", 1024.0 },
	{ "m", 1048576.0 }, { "mb", 1048576.0 }, { "mib", 1048576.0 },
	{ "g", 1073741824.0 }, { "gb", 1073741824.0 }, { "gib", 1073741824.0 },
	{ NULL, 0 },
};

int wan_parse_size(const char *s, uint64_t *out)
{
	const char *u;
	double num, mult;

	if (split_number(s, &num, &u) || lookup_unit(size_units, u, &mult))
		return -EINVAL;
	return scale(num, mult, WAN_SIZE_MAX, out);
}

int wan_parse_buffer(const char *s, uint64_t *out, bool *is_time)
{
	const char *u;
	double num, mult;

	if (split_number(s, &num, &u))
		return -EINVAL;
	/* A bare number is a size; only an explicit time unit makes a time. */
	if (*u && !lookup_unit(time_units, u, &mult)) {
		*is_time = true;
		return wan_parse_time_ns(s, out);
	}
	*is_time = false;
	return wan_parse_size(s, out);
}

int wan_parse_percent(const char *s, double *out)
{
	const char *u;
	double num;

	if (split_number(s, &num, &u) || (*u && strcmp(u, "%")))
		return -EINVAL;
	if (num > 100.0)
		return -ERANGE;
	*out = num / 100.0;
	return 0;
}

int wan_parse_ge(const char *s, struct wan_ge_params *out)
{
	double v[4] = { 0, 0, 0, 1 };	/* h = 0%, k = 100% by default */
	char buf[128], *tok, *save = NULL;
	int n = 0, err;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	/* strtok_r would silently merge ",," into one separator. */
	if (strstr(buf, ",,") || buf[0] == ',' || !buf[0] ||
	    buf[strlen(buf) - 1] == ',')
		return -EINVAL;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == 4)
			return -EINVAL;
		err = wan_parse_percent(tok, &v[n++]);
		if (err)
			return err;
	}
	if (n < 2)
		return -EINVAL;
	/* r = 0 would make the bad state absorbing: 100% loss for ever. */
	if (v[1] <= 0.0)
		return -ERANGE;
	out->p = v[0];
	out->r = v[1];
	out->h = v[2];
	out->k = v[3];
	return 0;
}

int wan_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
