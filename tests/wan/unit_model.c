// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * unit_model.c - the link model against its definition: exact where the
 * model is deterministic (delay, rate, buffer), within 5 standard deviations
 * where it is random (loss, Gilbert-Elliott, reordering, duplication).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "model.h"

#define MS 1000000ULL
#define US 1000ULL

static struct wan_link mk(const struct wan_dir_cfg *c, uint64_t seed)
{
	struct wan_link l;
	const char *why = NULL;

	cr_assert_eq(wan_link_init(&l, c, seed, &why), 0, "init: %s", why);
	return l;
}

/* 5 sigma of a binomial proportion. */
static double tol(double p, double n)
{
	return 5.0 * sqrt(p * (1 - p) / n);
}

Test(model, rng_is_repeatable_and_uniform)
{
	struct wan_rng a, b, c;
	double sum = 0;
	int same = 0;

	wan_rng_seed(&a, 42);
	wan_rng_seed(&b, 42);
	wan_rng_seed(&c, 43);
	for (int i = 0; i < 100000; i++) {
		uint64_t x = wan_rng_next(&a);
		double u;

		cr_assert_eq(x, wan_rng_next(&b));
		same += x == wan_rng_next(&c);
		u = wan_rng_unit(&a);
		wan_rng_unit(&b);
		cr_assert(u >= 0.0 && u < 1.0);
		sum += u;
	}
	cr_expect_eq(same, 0);
	cr_expect_float_eq(sum / 100000, 0.5, 5 * sqrt(1.0 / 12 / 100000));
}

Test(model, init_rejects_and_defaults)
{
	struct wan_link l;
	const char *why;
	struct wan_dir_cfg c = { .buffer_ns = 10 * MS };

	cr_expect_eq(wan_link_init(&l, &c, 1, &why), -EINVAL, "time buffer, no rate");
	c = (struct wan_dir_cfg){ .reorder = 0.1 };
	cr_expect_eq(wan_link_init(&l, &c, 1, &why), -EINVAL, "reorder, no delay");
	c = (struct wan_dir_cfg){ .rate_bps = 80000000 };	/* 10 MB/s */
	cr_assert_eq(wan_link_init(&l, &c, 1, &why), 0);
	cr_expect_eq(l.cfg.buffer_bytes, 1000000, "default 100 ms at 10 MB/s");
	c.buffer_ns = 5 * MS;
	cr_assert_eq(wan_link_init(&l, &c, 1, &why), 0);
	cr_expect_eq(l.cfg.buffer_bytes, 50000);
}

Test(model, plain_delay_is_exact_and_in_order)
{
	struct wan_dir_cfg c = { .delay_ns = 100 * MS };
	struct wan_link l = mk(&c, 1);
	uint64_t rel[2];

	for (uint64_t t = 0; t < 1000 * US; t += 7 * US) {
		cr_assert_eq(wan_link_admit(&l, t, 1514, rel), 1);
		cr_assert_eq(rel[0], t + 100 * MS);
	}
}

Test(model, rate_spaces_frames_by_serialisation_time)
{
	/* 100 Mbit/s: a 1500-byte frame takes exactly 120 us. */
	struct wan_dir_cfg c = { .rate_bps = 100000000, .buffer_bytes = 1 << 30,
				 .delay_ns = 10 * MS };
	struct wan_link l = mk(&c, 1);
	uint64_t rel[2], prev = 0;

	for (int i = 0; i < 10000; i++) {
		/* Offered at 12 Gbit/s: the bottleneck sets the pace. */
		cr_assert_eq(wan_link_admit(&l, (uint64_t)i * US, 1500, rel), 1);
		if (i)
			cr_assert_eq(rel[0] - prev, 120 * US, "frame %d", i);
		else
			cr_assert_eq(rel[0], 120 * US + 10 * MS);
		prev = rel[0];
	}
	/* With overhead 24 the same frame takes 121.92 us. */
	c.overhead = 24;
	l = mk(&c, 1);
	wan_link_admit(&l, 0, 1500, rel);
	cr_expect_eq(rel[0], 121920 + 10 * MS);
	/* An idle link does not bank credit: a late frame leaves at once. */
	wan_link_admit(&l, 1000 * MS, 1500, rel);
	cr_expect_eq(rel[0], 1000 * MS + 121920 + 10 * MS);
}

Test(model, byte_buffer_tail_drops)
{
	/* 8 Mbit/s = 1 byte/us. 10,000 bytes of buffer: ten 1000-byte frames. */
	struct wan_dir_cfg c = { .rate_bps = 8000000, .buffer_bytes = 10000 };
	struct wan_link l = mk(&c, 1);
	uint64_t rel[2];
	int passed = 0;

	for (int i = 0; i < 30; i++)
		passed += wan_link_admit(&l, 0, 1000, rel);
	cr_expect_eq(passed, 10);
	cr_expect_eq(l.st.dropped_buffer, 20);
	cr_expect_eq(wan_link_backlog(&l, 0), 10000);
	/* 3 ms later 3000 bytes have left: room for exactly three more. */
	passed = 0;
	for (int i = 0; i < 10; i++)
		passed += wan_link_admit(&l, 3 * MS, 1000, rel);
	cr_expect_eq(passed, 3);
}

Test(model, time_buffer_bounds_queueing_delay)
{
	/* 10 Mbit/s, 20 ms of buffer, offered 20 Mbit/s for a second. */
	struct wan_dir_cfg c = { .rate_bps = 10000000, .buffer_ns = 20 * MS };
	struct wan_link l = mk(&c, 1);
	uint64_t rel[2], worst = 0, n = 0;

	for (uint64_t t = 0; t < 1000 * MS; t += 600 * US) {
		if (wan_link_admit(&l, t, 1500, rel)) {
			n++;
			if (rel[0] - t > worst)
				worst = rel[0] - t;
		}
	}
	/* Queueing delay never above buffer + one serialisation (1.2 ms). */
	cr_expect_leq(worst, 20 * MS + 1200 * US);
	cr_expect_geq(worst, 19 * MS);
	/* Throughput: 1 s at 10 Mbit/s is 833 frames (+ the buffer's 16). */
	cr_expect(n >= 833 && n <= 833 + 17, "passed %llu", (unsigned long long)n);
}

Test(model, bernoulli_loss_rate)
{
	const double n = 1000000;
	struct wan_dir_cfg c = { .loss = 0.01 };
	struct wan_link l = mk(&c, 3);
	uint64_t rel[2];

	for (int i = 0; i < n; i++)
		wan_link_admit(&l, (uint64_t)i, 1000, rel);
	cr_expect_float_eq(l.st.lost_random / n, 0.01, tol(0.01, n),
			   "loss %g", l.st.lost_random / n);
	cr_expect_eq(l.st.lost_ge, 0);
}

/* Loss rate and mean loss-burst length of a GE link over n frames. */
static void ge_run(const struct wan_ge_params *g, uint64_t seed, int n,
		   double *loss, double *burst)
{
	struct wan_dir_cfg c = { .ge_on = true, .ge = *g };
	struct wan_link l = mk(&c, seed);
	uint64_t rel[2], lost = 0, bursts = 0;
	bool in_burst = false;

	for (int i = 0; i < n; i++) {
		bool lost_now = wan_link_admit(&l, (uint64_t)i, 1000, rel) == 0;

		lost += lost_now;
		if (lost_now && !in_burst)
			bursts++;
		in_burst = lost_now;
	}
	*loss = (double)lost / n;
	*burst = bursts ? (double)lost / (double)bursts : 0;
}

Test(model, gilbert_elliott_simple)
{
	/* Gilbert: all lost in bad, none in good. loss = p/(p+r), burst = 1/r. */
	struct wan_ge_params g = { .p = 0.01, .r = 0.20, .h = 0, .k = 1 };
	double loss, burst;

	ge_run(&g, 11, 2000000, &loss, &burst);
	/* Correlated draws: 5 sigma with the variance inflated (1+l)/(1-l). */
	cr_expect_float_eq(loss, 0.01 / 0.21, 0.003, "loss %g", loss);
	cr_expect_float_eq(burst, 5.0, 0.25, "mean burst %g", burst);
}

Test(model, gilbert_elliott_general)
{
	/* loss = piB (1-h) + piG (1-k) = 0.0625*0.8 + 0.9375*0.01 = 0.059375 */
	struct wan_ge_params g = { .p = 0.02, .r = 0.30, .h = 0.20, .k = 0.99 };
	double loss, burst, loss2, burst2;

	ge_run(&g, 5, 2000000, &loss, &burst);
	cr_expect_float_eq(loss, 0.059375, 0.003, "loss %g", loss);
	ge_run(&g, 5, 2000000, &loss2, &burst2);
	cr_expect_eq(loss, loss2, "same seed, same losses");
}

/* Release minus arrival of n frames spaced by gap; returns the number of
 * frames released before an earlier one. */
static int jitter_run(struct wan_dir_cfg *c, uint64_t gap, int n, uint64_t *lo,
		      uint64_t *hi, double *sd)
{
	struct wan_link l = mk(c, 9);
	uint64_t rel[2], prev = 0;
	double sum = 0, sq = 0;
	int back = 0;

	*lo = UINT64_MAX;
	*hi = 0;
	for (int i = 0; i < n; i++) {
		uint64_t t = (uint64_t)i * gap, d;

		cr_assert_eq(wan_link_admit(&l, t, 1000, rel), 1);
		back += rel[0] < prev;
		prev = rel[0] > prev ? rel[0] : prev;
		d = rel[0] - t;
		*lo = d < *lo ? d : *lo;
		*hi = d > *hi ? d : *hi;
		sum += (double)d;
		sq += (double)d * (double)d;
	}
	*sd = sqrt(sq / n - (sum / n) * (sum / n));
	cr_expect_eq(l.st.reordered, 0);
	return back;
}

Test(model, jitter_distribution)
{
	/* Frames 20 ms apart never catch up with each other: pure jitter. */
	struct wan_dir_cfg c = { .delay_ns = 10 * MS, .jitter_ns = 5 * MS };
	uint64_t lo, hi;
	double sd;

	cr_expect_eq(jitter_run(&c, 20 * MS, 20000, &lo, &hi, &sd), 0);
	cr_expect_geq(lo, 5 * MS);
	cr_expect_leq(hi, 15 * MS);
	cr_expect_float_eq(sd, 10e6 / sqrt(12), 0.05e6, "uniform sd %g", sd);
	c.jitter_dist = WAN_JITTER_NORMAL;
	cr_expect_eq(jitter_run(&c, 20 * MS, 20000, &lo, &hi, &sd), 0);
	cr_expect_leq(hi, 25 * MS);	/* clipped at 3 sigma */
	cr_expect_float_eq(sd, 5e6, 0.2e6, "normal sd %g", sd);
}

Test(model, jitter_never_reorders_unless_asked)
{
	/* 100 us apart with +-5 ms of jitter: would reorder all the time. */
	struct wan_dir_cfg c = { .delay_ns = 10 * MS, .jitter_ns = 5 * MS };
	uint64_t lo, hi;
	double sd;

	cr_expect_eq(jitter_run(&c, 100 * US, 20000, &lo, &hi, &sd), 0);
	cr_expect_geq(lo, 5 * MS);
	cr_expect_leq(hi, 15 * MS);
	c.jitter_reorder = true;
	cr_expect_gt(jitter_run(&c, 100 * US, 20000, &lo, &hi, &sd), 1000);
	cr_expect_float_eq(sd, 10e6 / sqrt(12), 0.1e6, "sd %g", sd);
}

Test(model, reorder_holds_back_a_fraction)
{
	const double n = 200000;
	struct wan_dir_cfg c = { .delay_ns = 10 * MS, .reorder = 0.05,
				 .reorder_delay_ns = 5 * MS };
	struct wan_link l = mk(&c, 17);
	uint64_t rel[2], held = 0;

	for (int i = 0; i < n; i++) {
		uint64_t t = (uint64_t)i * 100 * US;

		cr_assert_eq(wan_link_admit(&l, t, 1000, rel), 1);
		if (rel[0] == t + 15 * MS)
			held++;
		else
			cr_assert_eq(rel[0], t + 10 * MS);
	}
	cr_expect_eq(held, l.st.reordered);
	cr_expect_float_eq(held / n, 0.05, tol(0.05, n), "reordered %g", held / n);
}

Test(model, duplication_fraction)
{
	const double n = 200000;
	struct wan_dir_cfg c = { .delay_ns = 1 * MS, .dup = 0.02 };
	struct wan_link l = mk(&c, 23);
	uint64_t rel[2], out = 0;

	for (int i = 0; i < n; i++) {
		int k = wan_link_admit(&l, (uint64_t)i * US, 1000, rel);

		cr_assert(k == 1 || k == 2);
		if (k == 2)
			cr_assert_eq(rel[0], rel[1]);
		out += (uint64_t)k;
	}
	cr_expect_eq(out - (uint64_t)n, l.st.duplicated);
	cr_expect_float_eq(l.st.duplicated / n, 0.02, tol(0.02, n));
}

Test(model, same_seed_same_fate)
{
	struct wan_dir_cfg c = { .loss = 0.1, .dup = 0.1, .reorder = 0.1,
				 .reorder_delay_ns = MS, .jitter_ns = MS,
				 .delay_ns = 5 * MS };
	struct wan_link a = mk(&c, 99), b = mk(&c, 99), d = mk(&c, 100);
	uint64_t ra[2], rb[2], rd[2];
	int differ = 0;

	for (int i = 0; i < 10000; i++) {
		int na = wan_link_admit(&a, (uint64_t)i * US, 100, ra);
		int nb = wan_link_admit(&b, (uint64_t)i * US, 100, rb);
		int nd = wan_link_admit(&d, (uint64_t)i * US, 100, rd);

		cr_assert_eq(na, nb);
		cr_assert_arr_eq(ra, rb, (size_t)na * sizeof(ra[0]));
		differ += na != nd || (na && ra[0] != rd[0]);
	}
	cr_expect_gt(differ, 100, "another seed gives another sequence");
}
