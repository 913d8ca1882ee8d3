// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_run.c - see bench_run.h.
 *
 * Time is CLOCK_THREAD_CPUTIME_ID around the call, divided by repeat:
 * wall time would count other tasks sharing the CPU, and the kernel's own
 * duration is whole nanoseconds, too coarse next to a 4 ns baseline. The
 * syscall itself adds < 0.01 ns per repetition at repeat >= 1,000,000.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_run.h"
#include "../unit/pktbuild.h"

int bench_run(int prog_fd, const void *data, __u32 len, __u32 repeat,
	      __u32 *retval, double *ns, void *out, __u32 *out_len)
{
	uint8_t in[PB_MAX_LEN];
	struct timespec t0, t1;
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = in,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = out ? *out_len : 0,
		.repeat = repeat,
	);
	int err;

	if (len > sizeof(in))
		return -EINVAL;
	memcpy(in, data, len);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	err = bpf_prog_test_run_opts(prog_fd, &o);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	if (err)
		return -errno;
	if (ns)
		*ns = ((t1.tv_sec - t0.tv_sec) * 1e9 +
		       (t1.tv_nsec - t0.tv_nsec)) / repeat;
	if (retval)
		*retval = o.retval;
	if (out_len)
		*out_len = o.data_size_out;
	return 0;
}

int bench_percpu_sum(int map_fd, __u32 key, size_t val_size, __u64 *sum,
		     unsigned int nwords)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t vsz = (val_size + 7) & ~7UL;
	__u64 *v;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	if (nwords * sizeof(__u64) > vsz)
		return -EINVAL;
	v = calloc(ncpus, vsz);
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &key, v)) {
		int err = -errno;

		free(v);
		return err;
	}
	memset(sum, 0, nwords * sizeof(*sum));
	for (int c = 0; c < ncpus; c++)
		for (unsigned int i = 0; i < nwords; i++)
			sum[i] += v[c * (vsz / 8) + i];
	free(v);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Linear interpolation between the closest ranks of sorted v. */
static double quantile(const double *v, unsigned int n, double q)
{
	double pos = q * (n - 1);
	unsigned int i = (unsigned int)pos;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

void bench_summarize(double *v, unsigned int n, struct bench_summary *s)
{
	qsort(v, n, sizeof(*v), cmp_double);
	s->med = quantile(v, n, 0.5);
	s->q1 = quantile(v, n, 0.25);
	s->q3 = quantile(v, n, 0.75);
}

double bench_rel_spread(const struct bench_summary *s)
{
	return s->med > 0 ? (s->q3 - s->q1) / 2 / s->med : 0;
}
