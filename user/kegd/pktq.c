// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* pktq.c - bounded many-to-one packet queue (pktq.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pktq.h"

int kegd_pktq_init(struct kegd_pktq *q, uint32_t depth)
{
	uint32_t d = 1;

	memset(q, 0, sizeof(*q));
	if (!depth || depth > (1U << 20))
		return -EINVAL;
	while (d < depth)
		d <<= 1;
	q->depth = d;
	q->buf = malloc((size_t)d * KEGD_PKTQ_SLOT);
	q->len = calloc(d, sizeof(*q->len));
	q->flow = calloc(d, sizeof(*q->flow));
	q->flags = calloc(d, sizeof(*q->flags));
	if (!q->buf || !q->len || !q->flow || !q->flags) {
		kegd_pktq_free(q);
		return -ENOMEM;
	}
	pthread_mutex_init(&q->lock, NULL);
	atomic_init(&q->dropped, 0);
	return 0;
}

void kegd_pktq_free(struct kegd_pktq *q)
{
	if (q->depth && q->buf && q->len && q->flow)
		pthread_mutex_destroy(&q->lock);
	free(q->buf);
	free(q->len);
	free(q->flow);
	free(q->flags);
	memset(q, 0, sizeof(*q));
}

int kegd_pktq_push(struct kegd_pktq *q, uint32_t flow, uint32_t flags, const void *pkt,
		   size_t len)
{
	uint32_t k;
	bool was_empty;

	if (len > KEGD_PKTQ_SLOT)
		return -EMSGSIZE;
	pthread_mutex_lock(&q->lock);
	if (q->tail - q->head == q->depth) {
		pthread_mutex_unlock(&q->lock);
		atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
		return -ENOBUFS;
	}
	k = q->tail & (q->depth - 1);
	memcpy(q->buf + (size_t)k * KEGD_PKTQ_SLOT, pkt, len);
	q->len[k] = (uint32_t)len;
	q->flow[k] = flow;
	q->flags[k] = flags;
	was_empty = q->tail == q->head;
	q->tail++;
	pthread_mutex_unlock(&q->lock);
	return was_empty;
}

uint32_t kegd_pktq_ready(struct kegd_pktq *q, uint32_t *first)
{
	uint32_t n;

	pthread_mutex_lock(&q->lock);
	*first = q->head;
	n = q->tail - q->head;
	pthread_mutex_unlock(&q->lock);
	return n;
}

void kegd_pktq_release(struct kegd_pktq *q, uint32_t n)
{
	pthread_mutex_lock(&q->lock);
	q->head += n;
	pthread_mutex_unlock(&q->lock);
}

size_t kegd_pktq_mem(const struct kegd_pktq *q)
{
	return (size_t)q->depth * (KEGD_PKTQ_SLOT + 2 * sizeof(uint32_t));
}
