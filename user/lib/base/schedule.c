// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* schedule.c - see schedule.h */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rate.h"
#include "schedule.h"

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int day_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 3 && !strncmp(s, day_names[i], 3))
			return i;
	return -1;
}

static int parse_days(const char *tok, uint8_t *days, struct keg_err *err)
{
	const char *p = tok;

	*days = 0;
	if (!strcmp(tok, "*")) {
		*days = 0x7f;
		return 0;
	}
	while (*p) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *dash = memchr(p, '-', (size_t)(end - p));
		int a = day_index(p, (size_t)((dash ? dash : end) - p)), b = a;

		if (dash)
			b = day_index(dash + 1, (size_t)(end - dash - 1));
		if (a < 0 || b < 0)
			return keg_err_set(err, -EINVAL, "'%s': days are *, mon..sun, mon-fri or lists like sat,sun",
					   tok);
		for (int d = a;; d = (d + 1) % 7) {
			*days |= (uint8_t)(1U << d);
			if (d == b)
				break;
		}
		p = comma ? comma + 1 : end;
	}
	return 0;
}

static int parse_hhmm(const char *s, const char *end, uint16_t *min)
{
	unsigned int h, m;
	char buf[8];
	int n;

	if (end - s <= 0 || end - s >= (long)sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(end - s));
	buf[end - s] = '\0';
	if (sscanf(buf, "%2u:%2u%n", &h, &m, &n) != 2 || buf[n] || m > 59 || h > 24 ||
	    (h == 24 && m))
		return -1;
	*min = (uint16_t)(h * 60 + m);
	return 0;
}

/* word: the rate word of the rule ("down" [up RATE] for customers,
 * "maxrate" alone for sites); its rate lands in down_kbit. */
static int parse_rule(char *text, const char *word, struct keg_sched_rule *r,
		      struct keg_err *err)
{
	bool site = !strcmp(word, "maxrate");
	char *save = NULL, *tok[8];
	int n = 0, i = 1, ret;

	memset(r, 0, sizeof(*r));
	for (char *t = strtok_r(text, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == 8)
			return keg_err_set(err, -EINVAL, "too many words in a rule");
		tok[n++] = t;
	}
	if (!n)
		return keg_err_set(err, -EINVAL, "empty rule");
	ret = parse_days(tok[0], &r->days, err);
	if (ret)
		return ret;
	if (i < n && strchr(tok[i], ':')) {
		char *dash = strchr(tok[i], '-');

		if (!dash || parse_hhmm(tok[i], dash, &r->from) ||
		    parse_hhmm(dash + 1, dash + strlen(dash), &r->to))
			return keg_err_set(err, -EINVAL, "'%s': not a time range HH:MM-HH:MM", tok[i]);
		if (r->to == 1440)
			r->to = 0;
		if (r->from == r->to)
			return keg_err_set(err, -EINVAL, "'%s': empty time range", tok[i]);
		i++;
	}
	for (; i < n; i += 2) {
		uint32_t *dst = !strcmp(tok[i], word) ? &r->down_kbit :
				!site && !strcmp(tok[i], "up") ? &r->up_kbit : NULL;

		if (!dst || i + 1 >= n)
			return keg_err_set(err, -EINVAL, site ? "'%s': expected maxrate RATE" :
					   "'%s': expected down RATE [up RATE]", tok[i]);
		ret = keg_rate_parse(tok[i + 1], dst, err);
		if (ret)
			return ret;
	}
	if (!r->down_kbit)
		return keg_err_set(err, -EINVAL, "a rule needs '%s RATE'", word);
	return 0;
}

static int parse_rules(const char *s, const char *word, struct keg_sched *out,
		       struct keg_err *err);

int keg_sched_parse(const char *s, struct keg_sched *out, struct keg_err *err)
{
	return parse_rules(s, "down", out, err);
}

int keg_sched_parse_maxrate(const char *s, struct keg_sched *out, struct keg_err *err)
{
	return parse_rules(s, "maxrate", out, err);
}

static int parse_rules(const char *s, const char *word, struct keg_sched *out,
		       struct keg_err *err)
{
	char *dup = strdup(s), *save = NULL, *part;
	int ret = 0;

	if (!dup)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	for (part = strtok_r(dup, ";", &save); part && !ret; part = strtok_r(NULL, ";", &save)) {
		if (strspn(part, " \t") == strlen(part))
			continue;
		if (out->n == KEG_SCHED_MAX_RULES) {
			ret = keg_err_set(err, -EINVAL, "more than %d rules", KEG_SCHED_MAX_RULES);
			break;
		}
		ret = parse_rule(part, word, &out->r[out->n++], err);
	}
	free(dup);
	if (!ret && !out->n)
		ret = keg_err_set(err, -EINVAL, "no rules");
	return ret;
}

static int matches(const struct keg_sched_rule *r, int w)
{
	int day = w / 1440, m = w % 1440;

	if (r->from == r->to)
		return r->days >> day & 1;
	if (r->from < r->to)
		return (r->days >> day & 1) && m >= r->from && m < r->to;
	/* Wraps past midnight: the evening of a listed day, or the early
	 * morning after one. */
	return ((r->days >> day & 1) && m >= r->from) ||
	       ((r->days >> ((day + 6) % 7) & 1) && m < r->to);
}

int keg_sched_at(const struct keg_sched *s, int w)
{
	w = ((w % KEG_WEEK_MINUTES) + KEG_WEEK_MINUTES) % KEG_WEEK_MINUTES;
	for (int i = 0; i < s->n; i++)
		if (matches(&s->r[i], w))
			return i;
	return -1;
}

static int same(const struct keg_sched *s, int a, int b)
{
	if (a < 0 || b < 0)
		return a == b;
	return s->r[a].down_kbit == s->r[b].down_kbit && s->r[a].up_kbit == s->r[b].up_kbit;
}

int keg_sched_next(const struct keg_sched *s, int w, int *next_w, int *ahead, int *rule)
{
	int now = keg_sched_at(s, w);

	for (int d = 1; d <= KEG_WEEK_MINUTES; d++) {
		int r = keg_sched_at(s, w + d);

		if (!same(s, r, now)) {
			*next_w = (w + d) % KEG_WEEK_MINUTES;
			*ahead = d;
			*rule = r;
			return 0;
		}
	}
	return -ENOENT;
}

int keg_week_minute(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return ((tm.tm_wday + 6) % 7) * 1440 + tm.tm_hour * 60 + tm.tm_min;
}
