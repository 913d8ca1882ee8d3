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
	uint64_t cap = b->burst * KEG_NSEC, dt;

	if (now <= b->last)
		return;
	dt = now - b->last;
	b->last = now;
	/* A full bucket's worth of time fills it: no product can overflow. */
	if (dt >= cap / b->rate + 1 || cap - b->tokens <= dt * b->rate)
		b->tokens = cap;
	else
		b->tokens += dt * b->rate;
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
	if (bytes >= b->tokens / KEG_NSEC)
		b->tokens = 0;
	else
		b->tokens -= bytes * KEG_NSEC;
}

uint64_t keg_rbucket_wait(struct keg_rbucket *b, uint64_t bytes, uint64_t now)
{
	uint64_t need;

	if (!b->rate)
		return 0;
	refill(b, now);
	if (bytes > b->burst)
		bytes = b->burst;
	need = bytes * KEG_NSEC;
	if (b->tokens >= need)
		return 0;
	/* Round up: after this long the bytes are surely there. */
	return (need - b->tokens + b->rate - 1) / b->rate;
}
