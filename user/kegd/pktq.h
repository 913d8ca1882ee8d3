/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pktq.h - a bounded queue of packets from kegd's forwarding threads (many
 * producers) to its transport thread (one consumer), one per remote site.
 *
 * Fixed slots of KEGD_PKTQ_SLOT bytes allocated once: the memory a site's
 * queue may hold is depth * slot, whatever the WAN does. A full queue
 * refuses (the producer drops and counts: backpressure lands on the AF_XDP
 * receive side, never on memory). Producers copy into free slots under the
 * mutex; the consumer reads the filled slots without it (no producer
 * writes a slot before the consumer has released it) and takes the mutex
 * only to learn how many there are and to release them.
 */
#ifndef KEGD_PKTQ_H
#define KEGD_PKTQ_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define KEGD_PKTQ_SLOT 4096		/* an AF_XDP frame holds no more */

struct kegd_pktq {
	pthread_mutex_t lock;
	uint32_t depth;			/* slots, a power of two */
	uint32_t head, tail;		/* free-running; used = tail - head */
	uint8_t *buf;			/* depth * KEGD_PKTQ_SLOT */
	uint32_t *len, *flow, *flags;
	_Atomic uint64_t dropped;	/* refused: full */
};

/* depth is rounded up to a power of two. -ENOMEM, -EINVAL for 0. */
int  kegd_pktq_init(struct kegd_pktq *q, uint32_t depth);
void kegd_pktq_free(struct kegd_pktq *q);

/* Producer: copy one packet in. -ENOBUFS when full (counted in dropped),
 * -EMSGSIZE when larger than a slot. Returns 1 when the queue was empty
 * before (the consumer may be asleep: wake it), else 0. */
int kegd_pktq_push(struct kegd_pktq *q, uint32_t flow, uint32_t flags, const void *pkt,
		   size_t len);

/* Consumer: how many packets are ready, from *first on. */
uint32_t kegd_pktq_ready(struct kegd_pktq *q, uint32_t *first);

/* Consumer: packet i (first <= i < first + ready), with what was pushed. */
static inline const uint8_t *kegd_pktq_at(const struct kegd_pktq *q, uint32_t i,
					  uint32_t *len, uint32_t *flow, uint32_t *flags)
{
	uint32_t k = i & (q->depth - 1);

	*len = q->len[k];
	*flow = q->flow[k];
	*flags = q->flags[k];
	return q->buf + (size_t)k * KEGD_PKTQ_SLOT;
}

/* Consumer: give back the n oldest packets. */
void kegd_pktq_release(struct kegd_pktq *q, uint32_t n);

/* Bytes reserved by the queue (for the memory figure in the stats). */
size_t kegd_pktq_mem(const struct kegd_pktq *q);

#endif /* KEGD_PKTQ_H */
