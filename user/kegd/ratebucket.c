// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ratebucket.c - token bucket with the clock as an argument (ratebucket.h).
 */
#include <errno.h>
#include <string.h>

#include "ratebucket.h"

/* Up to 100 Gbit/s and 1 GiB of burst keep byte-ns below 2^63. */
#define RB_RATE_MAX  (12500000000ULL)
#define RB_BURST_MAX (1ULL << 30)

static void refill(struct keg_rbucket *b, uint64_t now)
{
	uint64_t cap = b->burst * KEG_NSEC, dt, add;

	if (now <= b->last)
		return;
	dt = now - b->last;
	b->last = now;
	/* Time to repay the debt and fill the bucket fills it: no product
	 * can overflow (debt and tokens are at most one depth each). */
	if (dt >= (cap + b->debt) / b->rate + 1) {
		b->debt = 0;
		b->tokens = cap;
		return;
	}
	add = dt * b->rate;
	if (add <= b->debt) {
		b->debt -= add;
		return;
	}
	add -= b->debt;
	b->debt = 0;
	b->tokens = cap - b->tokens <= add ? cap : b->tokens + add;
}

int keg_rbucket_set(struct keg_rbucket *b, uint64_t rate, uint64_t burst, uint64_t now)
{
	if (rate > RB_RATE_MAX || burst > RB_BURST_MAX || (rate && !burst))
		return -EINVAL;
	if (b->rate)
		refill(b, now);
	b->rate = rate;
	b->burst = burst;
	b->last = now;
	if (b->tokens > burst * KEG_NSEC)
		b->tokens = burst * KEG_NSEC;
	if (b->debt > burst * KEG_NSEC)
		b->debt = burst * KEG_NSEC;
	return 0;
}

int keg_rbucket_init(struct keg_rbucket *b, uint64_t rate, uint64_t burst, uint64_t now)
{
	memset(b, 0, sizeof(*b));
	b->tokens = burst <= RB_BURST_MAX ? burst * KEG_NSEC : 0;
	return keg_rbucket_set(b, rate, burst, now);
}

uint64_t keg_rbucket_avail(struct keg_rbucket *b, uint64_t now)
{
	if (!b->rate)
		return UINT64_MAX;
	refill(b, now);
	return b->tokens / KEG_NSEC;
}

void keg_rbucket_take(struct keg_rbucket *b, uint64_t bytes, uint64_t now)
{
	if (!b->rate)
		return;
	refill(b, now);
	if (bytes > RB_BURST_MAX)		/* no overflow below */
		bytes = RB_BURST_MAX;
	if (bytes * KEG_NSEC <= b->tokens) {
		b->tokens -= bytes * KEG_NSEC;
		return;
	}
	/* Sent beyond the tokens (acknowledgements and retransmissions are
	 * never held back): the excess is owed, up to one depth, and repaid
	 * before new tokens count, so the average stays at the rate. */
	b->debt += bytes * KEG_NSEC - b->tokens;
	if (b->debt > b->burst * KEG_NSEC)
		b->debt = b->burst * KEG_NSEC;
	b->tokens = 0;
}

uint64_t keg_rbucket_wait(struct keg_rbucket *b, uint64_t bytes, uint64_t now)
{
	uint64_t need;

	if (!b->rate)
		return 0;
	refill(b, now);
	if (bytes > b->burst)
		bytes = b->burst;
	need = bytes * KEG_NSEC + b->debt;
	if (b->tokens >= need)
		return 0;
	/* Round up: after this long the bytes are surely there. */
	return (need - b->tokens + b->rate - 1) / b->rate;
}
