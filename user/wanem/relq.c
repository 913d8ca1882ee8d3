// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * relq.c - the release queue (see relq.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "relq.h"

int wan_relq_init(struct wan_relq *q, size_t cap)
{
	*q = (struct wan_relq){ .cap = cap };
	q->v = calloc(cap ? cap : 1, sizeof(*q->v));
	return q->v ? 0 : -ENOMEM;
}

void wan_relq_free(struct wan_relq *q)
{
	free(q->v);
	*q = (struct wan_relq){ 0 };
}

static inline bool before(const struct wan_relq_ent *a,
			  const struct wan_relq_ent *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

int wan_relq_push(struct wan_relq *q, uint64_t t, uint32_t slot)
{
	struct wan_relq_ent e = { .t = t, .seq = q->seq++, .slot = slot };
	size_t i;

	if (q->n == q->cap)
		return -ENOSPC;
	for (i = q->n++; i > 0; ) {
		size_t parent = (i - 1) / 2;

		if (!before(&e, &q->v[parent]))
			break;
		q->v[i] = q->v[parent];
		i = parent;
	}
	q->v[i] = e;
	return 0;
}

void wan_relq_pop(struct wan_relq *q)
{
	struct wan_relq_ent last = q->v[--q->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= q->n)
			break;
		if (c + 1 < q->n && before(&q->v[c + 1], &q->v[c]))
			c++;
		if (!before(&q->v[c], &last))
			break;
		q->v[i] = q->v[c];
		i = c;
	}
	if (q->n)
		q->v[i] = last;
}
