// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ports.c - see ports.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports.h"

static int port_num(const char *s, size_t len, const char *whole, uint16_t *out,
		    struct keg_err *err)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0)
		return keg_err_set(err, -EINVAL, "%s: empty port", whole);
	if (len > 5)
		return keg_err_set(err, -EINVAL, "%.*s: port out of range (1-65535)",
				   (int)len, s);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return keg_err_set(err, -EINVAL,
					   "%s: '%c' is not part of a port (forms: 22, 11.12.13, 1000-2000, !44.55, !111-222)",
					   whole, s[i]);
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return keg_err_set(err, -EINVAL, "%.*s: port out of range (1-65535)",
				   (int)len, s);
	*out = (uint16_t)v;
	return 0;
}

int keg_ports_parse(const char *s, struct keg_port_spec *out, struct keg_err *err)
{
	const char *whole = s, *p;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return 0;
	if (*s == '!') {
		out->negate = 1;
		s++;
		if (!*s)
			return keg_err_set(err, -EINVAL, "%s: '!' needs ports after it", whole);
	}
	for (p = s;;) {
		const char *end = strchr(p, '.');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *dash = memchr(p, '-', len);
		uint16_t lo, hi;

		if (out->n == KEG_ICPT_PORT_RANGES)
			return keg_err_set(err, -EINVAL, "%s: more than %d ports or ranges",
					   whole, KEG_ICPT_PORT_RANGES);
		if (dash) {
			ret = port_num(p, (size_t)(dash - p), whole, &lo, err);
			if (!ret)
				ret = port_num(dash + 1, len - (size_t)(dash - p) - 1, whole,
					       &hi, err);
			if (ret)
				return ret;
			if (lo > hi)
				return keg_err_set(err, -EINVAL,
						   "%.*s: range runs backwards (low-high)",
						   (int)len, p);
		} else {
			ret = port_num(p, len, whole, &lo, err);
			if (ret)
				return ret;
			hi = lo;
		}
		out->lo[out->n] = lo;
		out->hi[out->n] = hi;
		out->n++;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

const char *keg_ports_str(const struct keg_port_spec *p, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	if (p->negate && used < len)
		used += (size_t)snprintf(buf + used, len - used, "!");
	for (i = 0; i < p->n && i < KEG_ICPT_PORT_RANGES && used < len; i++) {
		if (p->lo[i] == p->hi[i])
			used += (size_t)snprintf(buf + used, len - used, "%s%u", i ? "." : "",
						 p->lo[i]);
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%u-%u",
						 i ? "." : "", p->lo[i], p->hi[i]);
	}
	return buf;
}

bool keg_ports_match(const struct keg_port_spec *p, uint16_t port)
{
	bool in = false;
	int i;

	for (i = 0; i < p->n && i < KEG_ICPT_PORT_RANGES; i++)
		if (port >= p->lo[i] && port <= p->hi[i])
			in = true;
	if (!p->n)
		return !p->negate;
	return in != (bool)p->negate;
}
