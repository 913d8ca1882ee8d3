/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * clock.h - the one clock keg's programs compare times on: CLOCK_MONOTONIC
 * in nanoseconds (kegd's heartbeat, kegctl's rate sampling, the WAN
 * emulator's schedule). It never jumps with the wall clock.
 */
#ifndef KEG_CLOCK_H
#define KEG_CLOCK_H

#include <stdint.h>
#include <time.h>

#define KEG_NSEC_PER_SEC  1000000000ULL
#define KEG_NSEC_PER_MSEC 1000000ULL

static inline uint64_t keg_timespec_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * KEG_NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static inline uint64_t keg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return keg_timespec_ns(&ts);
}

#endif /* KEG_CLOCK_H */
