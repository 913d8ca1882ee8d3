// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_flowmap.c - flow to stream-slot mapping (user/kegd/flowmap.c):
 * flows get slots of their own while there are enough, keep them while
 * active, release them when idle (driven clock); and, through the framing,
 * per-flow order with no head-of-line blocking across slots when one
 * slot's stream is held back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "flowmap.h"
#include "keg_frame.h"

#define MS 1000000ULL

Test(flowmap, own_slot_while_free)
{
	struct keg_flowmap m;
	uint32_t seen[64] = { 0 };

	cr_expect_eq(keg_flowmap_init(&m, 0, 10, MS), -EINVAL);
	cr_assert_eq(keg_flowmap_init(&m, 64, 1000, 1000 * MS), 0);
	/* 64 flows, 64 slots: each flow alone on its slot, stable. */
	for (uint32_t f = 0; f < 64; f++)
		seen[keg_flowmap_get(&m, f * 4, 0)]++;
	for (uint32_t s = 0; s < 64; s++)
		cr_expect_eq(seen[s], 1, "slot %u has %u flows", s, seen[s]);
	for (uint32_t f = 0; f < 64; f++) {
		uint32_t s = keg_flowmap_get(&m, f * 4, 10 * MS);

		cr_expect_eq(keg_flowmap_get(&m, f * 4, 20 * MS), s);
	}
	/* 640 more: spread evenly (10 or 11 per slot), never refused. */
	for (uint32_t f = 1000; f < 1640; f++)
		keg_flowmap_get(&m, f, 30 * MS);
	for (uint32_t s = 0; s < 64; s++)
		cr_expect(m.slot_flows[s] == 11, "slot %u: %u", s, m.slot_flows[s]);
	cr_expect_eq(m.shared, 0);
	keg_flowmap_free(&m);
}

Test(flowmap, idle_flows_release_slots)
{
	struct keg_flowmap m;
	uint32_t a, b;

	cr_assert_eq(keg_flowmap_init(&m, 4, 8, 100 * MS), 0);
	for (uint32_t f = 0; f < 4; f++)
		keg_flowmap_get(&m, f, 0);
	a = keg_flowmap_get(&m, 0, 50 * MS);      /* flow 0 stays active */
	cr_expect_eq(keg_flowmap_expire(&m, 99 * MS), 0);
	cr_expect_eq(keg_flowmap_expire(&m, 100 * MS), 3);
	cr_expect_eq(m.nflows, 1);
	cr_expect_eq(keg_flowmap_get(&m, 0, 120 * MS), a);
	/* A new flow gets a slot of its own again. */
	b = keg_flowmap_get(&m, 99, 120 * MS);
	cr_expect_neq(a, b);
	cr_expect_eq(m.slot_flows[b], 1);
	/* Table full (8) with nothing idle: hash slot, counted, not refused. */
	for (uint32_t f = 100; f < 106; f++)
		keg_flowmap_get(&m, f, 130 * MS);
	cr_expect_eq(m.nflows, 8);
	cr_expect_eq(keg_flowmap_get(&m, 500, 131 * MS), keg_flowmap_hash_slot(&m, 500));
	cr_expect_eq(m.shared, 1);
	/* Full, but some idle: they make room. */
	cr_expect_lt(keg_flowmap_get(&m, 501, 500 * MS), 4);
	cr_expect_eq(m.nflows, 1);
	cr_expect_eq(m.expired, 3 + 8);
	keg_flowmap_free(&m);
}

/* Per-flow order without head-of-line blocking: 16 flows on 8 slots, each
 * slot's kegs on its own byte stream (as QUIC streams are). Slot 3's
 * stream is held back (its packets lost and waiting for retransmission);
 * every flow on another slot is delivered completely and in order, the
 * flows on slot 3 as soon as its stream moves. */
struct order {
	uint32_t next[16];
	int bad;
};

static int in_order(void *ctx, const struct keg_view *k, const uint8_t *p, size_t l)
{
	struct order *o = ctx;
	uint32_t f = k->flow_id, n;

	cr_assert_lt(f, 16);
	cr_assert_eq(l, 8);
	memcpy(&n, p + 4, 4);
	if (n != o->next[f])
		o->bad++;
	o->next[f] = n + 1;
	return 0;
}

Test(flowmap, no_head_of_line_across_slots)
{
	enum { FLOWS = 16, SLOTS = 8, PKTS = 500 };
	static uint8_t stream[SLOTS][FLOWS * PKTS * 20];
	size_t slen[SLOTS] = { 0 };
	uint8_t kbuf[SLOTS][KEG_HDR_LEN + KEG_SEGSIZE_MIN];
	struct keg_packer pk[SLOTS];
	struct keg_rx rx[SLOTS];
	struct keg_flowmap m;
	struct order o = { { 0 }, 0 };
	uint32_t slot_of[FLOWS];
	uint64_t now = 0;

	cr_assert_eq(keg_flowmap_init(&m, SLOTS, 64, 1000 * MS), 0);
	for (int s = 0; s < SLOTS; s++) {
		cr_assert_eq(keg_packer_init(&pk[s], kbuf[s], KEG_SEGSIZE_MIN, MS), 0);
		cr_assert_eq(keg_rx_init(&rx[s], KEG_SEGSIZE_MIN), 0);
	}
	/* Interleaved senders; kegs flushed on flow change, size or deadline. */
	for (uint32_t n = 0; n < PKTS; n++) {
		for (uint32_t f = 0; f < FLOWS; f++) {
			uint8_t pkt[8];
			uint32_t s = keg_flowmap_get(&m, f, now);
			int rc;

			slot_of[f] = s;
			memcpy(pkt, &f, 4);
			memcpy(pkt + 4, &n, 4);
			while ((rc = keg_packer_add(&pk[s], f, pkt, 8, now)) == -ENOBUFS) {
				size_t l = keg_packer_finish(&pk[s]);

				memcpy(stream[s] + slen[s], kbuf[s], l);
				slen[s] += l;
			}
			cr_assert_geq(rc, 0);
			now += 10000;
			for (int t = 0; t < SLOTS; t++)
				if (keg_packer_due(&pk[t], now) || rc == 1) {
					size_t l = keg_packer_finish(&pk[t]);

					memcpy(stream[t] + slen[t], kbuf[t], l);
					slen[t] += l;
				}
		}
	}
	for (int s = 0; s < SLOTS; s++) {
		size_t l = keg_packer_finish(&pk[s]);

		memcpy(stream[s] + slen[s], kbuf[s], l);
		slen[s] += l;
	}
	/* Deliver every stream but slot 3's in 700-byte chunks, round robin. */
	size_t off[SLOTS] = { 0 };
	int more = 1;

	while (more) {
		more = 0;
		for (int s = 0; s < SLOTS; s++) {
			size_t c = slen[s] - off[s] < 700 ? slen[s] - off[s] : 700;

			if (s == 3 || !c)
				continue;
			cr_assert_geq(keg_rx_push(&rx[s], stream[s] + off[s], c, in_order, &o), 0);
			off[s] += c;
			more = 1;
		}
	}
	for (uint32_t f = 0; f < FLOWS; f++)
		cr_expect_eq(o.next[f], slot_of[f] == 3 ? 0 : PKTS, "flow %u (slot %u): %u",
			     f, slot_of[f], o.next[f]);
	cr_expect(m.slot_flows[3] >= 1);
	/* Slot 3 moves: its flows complete, in order. */
	cr_assert_geq(keg_rx_push(&rx[3], stream[3], slen[3], in_order, &o), 0);
	for (uint32_t f = 0; f < FLOWS; f++)
		cr_expect_eq(o.next[f], PKTS);
	cr_expect_eq(o.bad, 0);
	for (int s = 0; s < SLOTS; s++)
		keg_rx_free(&rx[s]);
	keg_flowmap_free(&m);
}
