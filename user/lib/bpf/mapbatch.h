/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mapbatch.h - every entry of a BPF hash map in a few system calls.
 *
 * keg_map_batch_walk() reads the map in chunks with BPF_MAP_LOOKUP_BATCH (one
 * syscall per chunk instead of two per entry: 100,000 customers in
 * milliseconds) and calls fn once per entry. Where the kernel refuses batch
 * operations for the map type it walks with get_next_key + lookup.
 *
 * Per-CPU maps: val holds w->ncpu values, w->stride bytes apart (the value
 * size rounded up to 8, as the kernel copies them); other maps ncpu is 1.
 * Memory is one chunk, whatever the map's size or the number of CPUs. The
 * walk sees a map that changes meanwhile as the kernel's iteration does:
 * an entry may be missed or seen twice, never torn.
 */
#ifndef KEG_MAPBATCH_H
#define KEG_MAPBATCH_H

#include <stddef.h>

struct keg_map_batch {
	size_t key_size;
	size_t value_size;	/* of one value */
	size_t stride;		/* bytes from one CPU's value to the next */
	int ncpu;		/* values per entry: possible CPUs, or 1 */
};

/* Return non-zero from fn to stop the walk with that value. */
typedef int (*keg_map_batch_fn)(const struct keg_map_batch *w, const void *key,
			       const void *val, void *ctx);

/* 0, fn's non-zero return, or a negative errno. */
int keg_map_batch_walk(int fd, keg_map_batch_fn fn, void *ctx);

#endif /* KEG_MAPBATCH_H */
