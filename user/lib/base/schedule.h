/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * schedule.h - time-of-day bandwidth rules, pure functions.
 *
 *   "mon-fri 08:00-18:00 down 20mbit; * down 100mbit"
 *
 * Rules are separated by ';' and tried in order, the first that matches
 * the minute wins. A rule: DAYS [HH:MM-HH:MM] down RATE [up RATE].
 * DAYS: '*', a day (mon..sun), a range (mon-fri, fri-mon wraps) or a
 * comma list of those. A time range is [from, to): 22:00-06:00 wraps past
 * midnight (the part after midnight belongs to the next day: "fri
 * 22:00-06:00" covers Saturday 00:00-06:00). No range: the whole day.
 * Minutes of the week count from Monday 00:00 (0 .. 10079), local time.
 */
#ifndef KEG_SCHEDULE_H
#define KEG_SCHEDULE_H

#include <stdint.h>
#include <time.h>

#include "err.h"

#define KEG_SCHED_MAX_RULES 16
#define KEG_WEEK_MINUTES    (7 * 24 * 60)

struct keg_sched_rule {
	uint8_t days;		/* bit 0 Monday .. bit 6 Sunday */
	uint16_t from, to;	/* minutes of the day; from == to: all day */
	uint32_t down_kbit, up_kbit;	/* up 0: not given */
};

struct keg_sched {
	struct keg_sched_rule r[KEG_SCHED_MAX_RULES];
	int n;
};

int keg_sched_parse(const char *s, struct keg_sched *out, struct keg_err *err);

/* A site's MaxRate schedule: the same rules with "maxrate RATE" (no "up"),
 * "mon-fri 08:00-18:00 maxrate 50mbit; * maxrate 200mbit"; the rate is in
 * down_kbit. */
int keg_sched_parse_maxrate(const char *s, struct keg_sched *out, struct keg_err *err);

/* Index of the rule in force at minute-of-week w, or -1. */
int keg_sched_at(const struct keg_sched *s, int w);

/* The next minute-of-week after w (searching one week ahead) where the rule
 * in force changes to one with other rates: 0 and *next_w, *ahead (minutes
 * from w), *rule (-1: none); -ENOENT when it never changes. */
int keg_sched_next(const struct keg_sched *s, int w, int *next_w, int *ahead, int *rule);

/* Minute of the week of a local time. */
int keg_week_minute(time_t t);

#endif /* KEG_SCHEDULE_H */
