/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * relq.h - the release queue: a binary min-heap of (release time, frame slot).
 *
 * Frames with equal release times come out in the order they were pushed
 * (a sequence number breaks ties), so an unperturbed link never reorders.
 * Pushing a time no earlier than every queued one - the common case of a
 * link without reordering - costs one comparison.
 */
#ifndef WANEM_RELQ_H
#define WANEM_RELQ_H

#include <stddef.h>
#include <stdint.h>

struct wan_relq_ent {
	uint64_t t;		/* release time, ns */
	uint64_t seq;		/* push order, breaks ties */
	uint32_t slot;		/* frame slot in the pool */
	uint32_t pad;
};

struct wan_relq {
	struct wan_relq_ent *v;
	size_t n;
	size_t cap;
	uint64_t seq;
};

/* Returns 0 or -ENOMEM. */
int wan_relq_init(struct wan_relq *q, size_t cap);
void wan_relq_free(struct wan_relq *q);
/* Returns 0, or -ENOSPC when full. */
int wan_relq_push(struct wan_relq *q, uint64_t t, uint32_t slot);
/* The earliest entry, or NULL when empty. */
static inline const struct wan_relq_ent *wan_relq_peek(const struct wan_relq *q)
{
	return q->n ? &q->v[0] : NULL;
}
/* Remove the earliest entry (the queue must not be empty). */
void wan_relq_pop(struct wan_relq *q);

#endif /* WANEM_RELQ_H */
