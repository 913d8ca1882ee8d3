/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * stats.h - keg_stats summed over CPUs, with the counters' names.
 *
 * keg_stats is a per-CPU array of one struct keg_stats; its fields and
 * their names both come from KEG_STATS_LIST in keg_maps.h, so the order of
 * keg_stat_names[] is the order of the fields.
 */
#ifndef KEG_STATS_H
#define KEG_STATS_H

#include <stdint.h>

#include "keg_maps.h"

extern const char *const keg_stat_names[KEG_STAT__MAX];

struct keg_stat_values {
	uint64_t v[KEG_STAT__MAX];	/* indexed by enum keg_stat */
};

/* Sum the per-CPU values of the keg_stats map fd into *out. */
int keg_stats_read(int fd, struct keg_stat_values *out);

/* Index of a counter name, or -ENOENT. */
int keg_stat_index(const char *name);

#endif /* KEG_STATS_H */
