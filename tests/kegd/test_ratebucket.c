// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_ratebucket.c - the MaxRate token bucket (user/kegd/ratebucket.c)
 * on a driven clock.
 */
#include <errno.h>

#include <criterion/criterion.h>

#include "ratebucket.h"

#define MS 1000000ULL

Test(ratebucket, refill_and_take)
{
	struct keg_rbucket b;
	const uint64_t t0 = 123456789;

	/* 1 MB/s, 10 kB deep, starts full. */
	cr_assert_eq(keg_rbucket_init(&b, 1000000, 10000, t0), 0);
	cr_expect_eq(keg_rbucket_avail(&b, t0), 10000);
	keg_rbucket_take(&b, 10000, t0);
	cr_expect_eq(keg_rbucket_avail(&b, t0), 0);
	cr_expect_eq(keg_rbucket_avail(&b, t0 + MS), 1000);
	cr_expect_eq(keg_rbucket_wait(&b, 5000, t0 + MS), 4 * MS);
	cr_expect_eq(keg_rbucket_wait(&b, 1000, t0 + MS), 0);
	/* Asking for more than the depth waits for a full bucket only. */
	cr_expect_eq(keg_rbucket_wait(&b, 1 << 20, t0 + MS), 9 * MS);
	/* Time running backwards adds nothing. */
	cr_expect_eq(keg_rbucket_avail(&b, t0), 1000);
	/* A long idle time fills it to the depth, no further. */
	cr_expect_eq(keg_rbucket_avail(&b, t0 + 3600ULL * KEG_NSEC), 10000);
	/* Taking more than there is empties it (sent bytes are never refused). */
	keg_rbucket_take(&b, 50000, t0 + 3600ULL * KEG_NSEC);
	cr_expect_eq(keg_rbucket_avail(&b, t0 + 3600ULL * KEG_NSEC), 0);
	/* Sub-byte precision: 1 byte/s fills one byte per second exactly. */
	cr_assert_eq(keg_rbucket_init(&b, 1, 1, 0), 0);
	keg_rbucket_take(&b, 1, 0);
	cr_expect_eq(keg_rbucket_avail(&b, KEG_NSEC - 1), 0);
	cr_expect_eq(keg_rbucket_avail(&b, KEG_NSEC), 1);
}

Test(ratebucket, limits)
{
	struct keg_rbucket b;

	cr_expect_eq(keg_rbucket_init(&b, 1000, 0, 0), -EINVAL);
	cr_expect_eq(keg_rbucket_init(&b, 100000000000ULL, 1000, 0), -EINVAL);
	cr_expect_eq(keg_rbucket_init(&b, 1000, 1ULL << 40, 0), -EINVAL);
	cr_assert_eq(keg_rbucket_init(&b, 0, 0, 0), 0);
	cr_expect_eq(keg_rbucket_avail(&b, 0), UINT64_MAX);
	cr_expect_eq(keg_rbucket_wait(&b, 1 << 30, 0), 0);
	/* 100 Gbit/s, 1 GiB, a day apart: no overflow. */
	cr_assert_eq(keg_rbucket_init(&b, 12500000000ULL, 1ULL << 30, 0), 0);
	keg_rbucket_take(&b, 1ULL << 30, 0);
	cr_expect_eq(keg_rbucket_avail(&b, 86400ULL * KEG_NSEC), 1ULL << 30);
}

/* A sender driven by the bucket for 10 simulated seconds in 100 us steps
 * sends rate * t + depth bytes, within one step's worth. */
Test(ratebucket, long_run_rate)
{
	const uint64_t rate = 12500000, depth = 64000, step = 100000;  /* 100 mbit/s */
	struct keg_rbucket b;
	uint64_t sent = 0, t;

	cr_assert_eq(keg_rbucket_init(&b, rate, depth, 0), 0);
	for (t = 0; t <= 10 * KEG_NSEC; t += step) {
		uint64_t a = keg_rbucket_avail(&b, t);

		/* Sends whole 1452-byte packets, as QUIC does. */
		a -= a % 1452;
		keg_rbucket_take(&b, a, t);
		sent += a;
	}
	cr_expect_leq(sent, rate * 10 + depth);
	cr_expect_geq(sent, rate * 10 + depth - 2 * 1452);
	/* A schedule step halves the rate: the next second carries half. */
	cr_assert_eq(keg_rbucket_set(&b, rate / 2, depth, t), 0);
	sent = 0;
	for (uint64_t u = t + step; u <= t + KEG_NSEC; u += step) {
		uint64_t a = keg_rbucket_avail(&b, u);

		keg_rbucket_take(&b, a, u);
		sent += a;
	}
	cr_expect_leq(sent, rate / 2 + depth);
	cr_expect_geq(sent, rate / 2 - 2 * 1452);
}

/* Bytes sent beyond the tokens (acknowledgements, retransmissions) are
 * owed, up to one depth, and repaid before tokens count again. */
Test(ratebucket, debt_is_repaid_first)
{
	struct keg_rbucket b;

	/* 1 MB/s, 10 kB deep, full at 0. */
	cr_assert_eq(keg_rbucket_init(&b, 1000000, 10000, 0), 0);
	keg_rbucket_take(&b, 14000, 0);			/* 4000 owed */
	cr_expect_eq(keg_rbucket_avail(&b, 0), 0);
	cr_expect_eq(keg_rbucket_avail(&b, 4 * MS), 0, "4 ms repay the 4000 bytes");
	cr_expect_eq(keg_rbucket_avail(&b, 5 * MS), 1000);
	cr_expect_eq(keg_rbucket_wait(&b, 3000, 5 * MS), 2 * MS);
	/* The debt is at most one depth, however much was sent. */
	keg_rbucket_take(&b, 1000000, 5 * MS);
	cr_expect_eq(keg_rbucket_avail(&b, 15 * MS), 0);
	cr_expect_eq(keg_rbucket_avail(&b, 16 * MS), 1000);
	/* A long idle time clears debt and fills the bucket. */
	keg_rbucket_take(&b, 30000, 16 * MS);
	cr_expect_eq(keg_rbucket_avail(&b, 3600ULL * KEG_NSEC), 10000);
}
