/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench_run.h - keg_bench's measuring primitives: one BPF_PROG_TEST_RUN
 * call timed by the calling thread's CPU clock, per-CPU counter sums, and
 * the summary (median, quartiles) of interleaved rounds.
 */
#ifndef KEG_BENCH_RUN_H
#define KEG_BENCH_RUN_H

#include <stddef.h>
#include <linux/types.h>

#define BENCH_MAX_ROUNDS 64

/* One call of prog_fd on a fresh copy of data: `repeat` repetitions.
 * ns (may be NULL) gets thread CPU time per repetition; retval the last
 * repetition's verdict; out/out_len (may be NULL) the frame after one
 * repetition. Returns 0 or -errno. */
int bench_run(int prog_fd, const void *data, __u32 len, __u32 repeat,
	      __u32 *retval, double *ns, void *out, __u32 *out_len);

/* Sum over all possible CPUs of the first nwords __u64 of the per-CPU
 * value at key of map_fd, whose value is val_size bytes. 0 or -errno. */
int bench_percpu_sum(int map_fd, __u32 key, size_t val_size, __u64 *sum,
		     unsigned int nwords);

/* Median and quartiles of n values (n >= 1; v is sorted in place). */
struct bench_summary {
	double med, q1, q3;
};
void bench_summarize(double *v, unsigned int n, struct bench_summary *s);

/* Half the interquartile range relative to the median: the noise of one
 * figure, used to tell a real "below its bound" from jitter. */
double bench_rel_spread(const struct bench_summary *s);

#endif /* KEG_BENCH_RUN_H */
