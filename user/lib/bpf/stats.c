// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* stats.c - see stats.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

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
	/* Per-CPU values come 8-byte aligned, one per possible CPU. */
	size_t stride = (sizeof(struct keg_stats) + 7) & ~(size_t)7;
	int ncpu = libbpf_num_possible_cpus();
	const __u64 *cpu;
	__u32 zero = 0;
	uint8_t *buf;
	int c, i, ret = 0;

	if (ncpu < 0)
		return ncpu;
	buf = calloc((size_t)ncpu, stride);
	if (!buf)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(fd, &zero, buf) < 0) {
		ret = -errno;
	} else {
		for (c = 0; c < ncpu; c++) {
			cpu = (const __u64 *)(buf + (size_t)c * stride);
			for (i = 0; i < KEG_STAT__MAX; i++)
				out->v[i] += cpu[i];
		}
	}
	free(buf);
	return ret;
}

int keg_stat_index(const char *name)
{
	int i;

	for (i = 0; i < KEG_STAT__MAX; i++)
		if (!strcmp(keg_stat_names[i], name))
			return i;
	return -ENOENT;
}
