/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * flowmap.h - which stream slot carries a flow's kegs.
 *
 * A connection to a site has a pool of `nslots` stream slots; each slot
 * sends on one QUIC stream at a time, so everything in one slot is in
 * order and a loss in one slot never holds back another (QUIC orders bytes
 * per stream only). A new flow gets a slot no other flow uses when one is
 * free, otherwise the least loaded; it keeps that slot while it is active
 * (order within the flow), and is forgotten after `idle_ns` without a
 * packet. When the table is full a flow rides on its hash slot (shared,
 * counted) rather than being refused.
 *
 * Pure: the clock is an argument, nothing here knows QUIC. Returns a slot
 * index or a negative errno.
 */
#ifndef KEGD_FLOWMAP_H
#define KEGD_FLOWMAP_H

#include <stdbool.h>
#include <stdint.h>

struct keg_flow_ent {
	uint32_t flow_id;
	uint32_t slot;
	uint64_t last;          /* time of the flow's last packet */
	uint8_t  used;
	uint8_t  pad[7];
};

struct keg_flowmap {
	uint32_t nslots;
	uint32_t max_flows;
	uint32_t cap;           /* table entries: power of two >= 2 * max_flows */
	uint32_t nflows;
	uint64_t idle_ns;
	struct keg_flow_ent *ents;
	uint32_t *slot_flows;   /* flows mapped to each slot */
	uint64_t shared;        /* packets of flows the full table could not hold */
	uint64_t expired;       /* flows forgotten after idle_ns */
};

/* -EINVAL for 0 slots/flows, -ENOMEM. */
int  keg_flowmap_init(struct keg_flowmap *m, uint32_t nslots, uint32_t max_flows,
		      uint64_t idle_ns);
void keg_flowmap_free(struct keg_flowmap *m);

/* Whether flow_id is in the table now (not expired yet). */
bool keg_flowmap_has(const struct keg_flowmap *m, uint32_t flow_id);

/* The slot of flow `flow_id` at time `now` (ns); never fails once initialised. */
uint32_t keg_flowmap_get(struct keg_flowmap *m, uint32_t flow_id, uint64_t now);

/* Forget flows idle for idle_ns at `now`; returns how many. Call about once
 * a second; keg_flowmap_get() also calls it when the table is full. */
uint32_t keg_flowmap_expire(struct keg_flowmap *m, uint64_t now);

/* The slot a flow would share when the table is full. */
uint32_t keg_flowmap_hash_slot(const struct keg_flowmap *m, uint32_t flow_id);

#endif /* KEGD_FLOWMAP_H */
