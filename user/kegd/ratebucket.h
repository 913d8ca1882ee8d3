/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ratebucket.h - a token bucket for a site's MaxRate. kegd hands QUIC
 * only as many stream bytes as the bucket holds, so the connection is
 * app-limited at the cap and the congestion controller (BBR) sees that.
 *
 * Pure: every call takes the time `now` in ns (any monotonic origin;
 * time never runs backwards, a smaller `now` counts as no time passing).
 * Tokens are kept in byte-nanoseconds (bytes * 1e9) so no rate loses
 * precision to rounding.
 */
#ifndef KEGD_RATEBUCKET_H
#define KEGD_RATEBUCKET_H

#include <stdint.h>

#define KEG_NSEC 1000000000ULL

struct keg_rbucket {
	uint64_t rate;          /* bytes per second; 0 = no cap */
	uint64_t burst;         /* bucket depth in bytes */
	uint64_t tokens;        /* byte-ns */
	uint64_t debt;          /* byte-ns sent beyond the tokens, repaid first */
	uint64_t last;          /* ns of the last refill */
};

/* rate in bytes/s (0 = unlimited), burst in bytes (>= 1 when rate is set);
 * the bucket starts full. -EINVAL when rate or burst is out of range. */
int keg_rbucket_init(struct keg_rbucket *b, uint64_t rate, uint64_t burst, uint64_t now);

/* Change the cap (a schedule step) keeping the tokens held, clipped to the new depth. */
int keg_rbucket_set(struct keg_rbucket *b, uint64_t rate, uint64_t burst, uint64_t now);

/* Bytes that may be sent at `now` (UINT64_MAX when uncapped). */
uint64_t keg_rbucket_avail(struct keg_rbucket *b, uint64_t now);

/* Take `bytes` that were sent (never refused): beyond the tokens held
 * they become a debt, at most one depth, that refills repay first. */
void keg_rbucket_take(struct keg_rbucket *b, uint64_t bytes, uint64_t now);

/* ns until `bytes` (clipped to the depth) are available; 0 if they are now. */
uint64_t keg_rbucket_wait(struct keg_rbucket *b, uint64_t bytes, uint64_t now);

#endif /* KEGD_RATEBUCKET_H */
