// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_pktq.c - the per-site packet queue between kegd's forwarding
 * threads and its transport thread (user/kegd/pktq.c): bounds, order,
 * wake-up signal, and four producers racing one consumer.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <criterion/criterion.h>

#include "pktq.h"

Test(pktq, bounds_order_and_wakeup)
{
	struct kegd_pktq q;
	uint8_t big[KEGD_PKTQ_SLOT + 1] = { 0 };
	uint32_t first, n, len, flow, fl;

	cr_assert_eq(kegd_pktq_init(&q, 0), -EINVAL);
	cr_assert_eq(kegd_pktq_init(&q, 3), 0);
	cr_expect_eq(q.depth, 4, "depth rounds up to a power of two");
	cr_expect_eq(kegd_pktq_push(&q, 1, 0, big, sizeof(big)), -EMSGSIZE);
	cr_expect_eq(kegd_pktq_push(&q, 1, 0, "a", 1), 1, "first packet: wake the consumer");
	cr_expect_eq(kegd_pktq_push(&q, 2, 0, "bb", 2), 0);
	cr_expect_eq(kegd_pktq_push(&q, 3, 0, "ccc", 3), 0);
	cr_expect_eq(kegd_pktq_push(&q, 4, 0, big, KEGD_PKTQ_SLOT), 0, "a full slot fits");
	cr_expect_eq(kegd_pktq_push(&q, 5, 0, "e", 1), -ENOBUFS, "full: refused");
	cr_expect_eq(q.dropped, 1, "and counted");
	n = kegd_pktq_ready(&q, &first);
	cr_assert_eq(n, 4);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p = kegd_pktq_at(&q, first + i, &len, &flow, &fl);

		cr_expect_eq(flow, i + 1, "order kept");
		cr_expect_eq(len, i < 3 ? i + 1 : KEGD_PKTQ_SLOT);
		if (i < 3)
			cr_expect_eq(p[0], "abc"[i]);
	}
	kegd_pktq_release(&q, 2);
	cr_expect_eq(kegd_pktq_push(&q, 6, 0, "f", 1), 0, "room again, not empty: no wake-up");
	n = kegd_pktq_ready(&q, &first);
	cr_expect_eq(n, 3);
	kegd_pktq_at(&q, first, &len, &flow, &fl);
	cr_expect_eq(flow, 3, "the oldest unreleased comes first");
	kegd_pktq_release(&q, 3);
	cr_expect_eq(kegd_pktq_ready(&q, &first), 0);
	cr_expect_eq(kegd_pktq_push(&q, 7, 0, "g", 1), 1, "empty again: wake-up");
	cr_expect_gt(kegd_pktq_mem(&q), 4 * KEGD_PKTQ_SLOT - 1);
	kegd_pktq_free(&q);
}

#define PRODUCERS 4
#define PER_PRODUCER 20000

struct producer {
	struct kegd_pktq *q;
	uint32_t id;
	uint32_t refused;
};

static void *produce(void *arg)
{
	struct producer *p = arg;

	for (uint32_t seq = 0; seq < PER_PRODUCER; seq++) {
		uint32_t pkt[2] = { p->id, seq };

		while (kegd_pktq_push(p->q, p->id, 0, pkt, sizeof(pkt)) == -ENOBUFS)
			p->refused++;
	}
	return NULL;
}

/* Every packet arrives once, intact, in order per producer. */
Test(pktq, many_producers_one_consumer)
{
	struct producer p[PRODUCERS];
	pthread_t t[PRODUCERS];
	uint32_t next[PRODUCERS] = { 0 }, got = 0;
	struct kegd_pktq q;

	cr_assert_eq(kegd_pktq_init(&q, 64), 0);
	for (uint32_t i = 0; i < PRODUCERS; i++) {
		p[i] = (struct producer){ .q = &q, .id = i };
		cr_assert_eq(pthread_create(&t[i], NULL, produce, &p[i]), 0);
	}
	while (got < PRODUCERS * PER_PRODUCER) {
		uint32_t first, n = kegd_pktq_ready(&q, &first), len, flow, fl;

		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *b = kegd_pktq_at(&q, first + i, &len, &flow, &fl);
			uint32_t pkt[2];

			cr_assert_eq(len, sizeof(pkt));
			memcpy(pkt, b, sizeof(pkt));
			cr_assert_eq(pkt[0], flow);
			cr_assert_lt(flow, PRODUCERS);
			cr_assert_eq(pkt[1], next[flow], "producer %u: got %u, expected %u",
				     flow, pkt[1], next[flow]);
			next[flow]++;
		}
		kegd_pktq_release(&q, n);
		got += n;
	}
	for (uint32_t i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	cr_expect_eq(kegd_pktq_ready(&q, &(uint32_t){ 0 }), 0);
	kegd_pktq_free(&q);
}
