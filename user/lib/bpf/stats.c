// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* stats.c - see stats.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapwalk.h"
#include "stats.h"

#define KEG_STAT_NAME_(name) #name,

const char *const keg_stat_names[KEG_STAT__MAX] = {
	KEG_STATS_LIST(KEG_STAT_NAME_)
};

/* The struct is the list of counters and nothing else. */
_Static_assert(sizeof(struct keg_stats) == KEG_STAT__MAX * sizeof(__u64),
	       "struct keg_stats must hold exactly the KEG_STATS_LIST counters");

int keg_stats_read(int fd, struct keg_stat_values *out)
{
	__u32 zero = 0;

	return keg_percpu_sum(fd, &zero, out->v, KEG_STAT__MAX);
}

int keg_stat_index(const char *name)
{
	int i;

	for (i = 0; i < KEG_STAT__MAX; i++)
		if (!strcmp(keg_stat_names[i], name))
			return i;
	return -ENOENT;
}
