/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mapwalk.h - the two ways keg reads a map whole: every key, and one
 * per-CPU value summed over CPUs.
 *
 * keg_map_walk() hands fn a copy of each key in the kernel's order. fn must
 * not delete from the map: deleting while walking an LPM trie restarts the
 * walk, so callers collect keys first and delete afterwards.
 *
 * Per-CPU counters are structs of __u64 only (keg_stats, keg_icpt_hits);
 * the kernel returns one 8-byte-aligned copy per possible CPU.
 * keg_percpu_sum() adds them up field by field; keg_percpu_set()
 * writes a value into CPU 0's copy and zeroes the others, so the sum reads
 * back as that value (moving a rule's counters when it is renumbered).
 */
#ifndef KEG_MAPWALK_H
#define KEG_MAPWALK_H

#include <stddef.h>
#include <stdint.h>

/* 0 after the last key, fn's non-zero return when it stops the walk, or a
 * negative errno. */
int keg_map_walk(int fd, int (*fn)(const void *key, void *arg), void *arg);

/* Number of keys of any map. */
int keg_map_count(int fd, size_t *n);

/* Sum the value at key over every possible CPU into out[0..n_u64). */
int keg_percpu_sum(int fd, const void *key, uint64_t *out, size_t n_u64);

/* Add ncpu per-CPU copies of such a value, stride bytes apart (as a lookup
 * or a batch read returns them), into out[0..n_u64), which the caller
 * zeroes. */
void keg_percpu_add(const void *vals, int ncpu, size_t stride, uint64_t *out, size_t n_u64);

/* Store val[0..n_u64) as the value at key (CPU 0; other CPUs zero). */
int keg_percpu_set(int fd, const void *key, const uint64_t *val, size_t n_u64);

#endif /* KEG_MAPWALK_H */
