// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * unit_relq.c - the release queue comes out in time order, ties in push order.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "model.h"
#include "relq.h"

Test(relq, random_times_come_out_sorted_ties_fifo)
{
	enum { N = 20000 };
	struct wan_relq q;
	struct wan_rng r;
	uint64_t last_t = 0;
	uint32_t last_slot = 0;

	cr_assert_eq(wan_relq_init(&q, N), 0);
	wan_rng_seed(&r, 7);
	/* Few distinct times, so there are many ties; slot = push order. */
	for (uint32_t i = 0; i < N; i++)
		cr_assert_eq(wan_relq_push(&q, wan_rng_next(&r) % 500, i), 0);
	cr_expect_eq(wan_relq_push(&q, 1, N), -ENOSPC);
	for (uint32_t i = 0; i < N; i++) {
		const struct wan_relq_ent *e = wan_relq_peek(&q);

		cr_assert_not_null(e);
		cr_assert_geq(e->t, last_t, "pop %u: time %llu after %llu", i,
			      (unsigned long long)e->t, (unsigned long long)last_t);
		if (i && e->t == last_t)
			cr_assert_gt(e->slot, last_slot, "tie out of push order");
		last_t = e->t;
		last_slot = e->slot;
		wan_relq_pop(&q);
	}
	cr_expect_null(wan_relq_peek(&q));
	wan_relq_free(&q);
}

Test(relq, interleaved_push_pop)
{
	static const uint64_t want[] = { 5, 10, 20, 30 };
	struct wan_relq q;
	size_t k = 0;

	cr_assert_eq(wan_relq_init(&q, 8), 0);
	wan_relq_push(&q, 30, 0);
	wan_relq_push(&q, 10, 1);
	wan_relq_push(&q, 20, 2);
	cr_expect_eq(wan_relq_peek(&q)->t, 10);
	cr_expect_eq(wan_relq_peek(&q)->slot, 1);
	wan_relq_pop(&q);
	wan_relq_push(&q, 5, 3);
	wan_relq_push(&q, 10, 4);
	for (; wan_relq_peek(&q); k++) {
		cr_assert_lt(k, 4);
		cr_expect_eq(wan_relq_peek(&q)->t, want[k], "entry %zu", k);
		wan_relq_pop(&q);
	}
	cr_expect_eq(k, 4);
	wan_relq_free(&q);
}
