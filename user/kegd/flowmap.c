// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * flowmap.c - flow to stream-slot assignment (see flowmap.h). An open
 * addressing table with linear probing; expiry rebuilds it, so there are
 * no tombstones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flowmap.h"

/* Flow ids may be sequential or a weak hash: mix them (murmur3 finaliser). */
static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h;
}

int keg_flowmap_init(struct keg_flowmap *m, uint32_t nslots, uint32_t max_flows,
		     uint64_t idle_ns)
{
	uint32_t cap = 16;

	memset(m, 0, sizeof(*m));
	if (!nslots || !max_flows || max_flows > (1U << 24))
		return -EINVAL;
	while (cap < 2 * max_flows)
		cap <<= 1;
	m->ents = calloc(cap, sizeof(*m->ents));
	m->slot_flows = calloc(nslots, sizeof(*m->slot_flows));
	if (!m->ents || !m->slot_flows) {
		keg_flowmap_free(m);
		return -ENOMEM;
	}
	m->nslots = nslots;
	m->max_flows = max_flows;
	m->cap = cap;
	m->idle_ns = idle_ns;
	return 0;
}

void keg_flowmap_free(struct keg_flowmap *m)
{
	free(m->ents);
	free(m->slot_flows);
	m->ents = NULL;
	m->slot_flows = NULL;
}

uint32_t keg_flowmap_hash_slot(const struct keg_flowmap *m, uint32_t flow_id)
{
	return mix32(flow_id) % m->nslots;
}

static struct keg_flow_ent *probe(struct keg_flowmap *m, uint32_t flow_id)
{
	uint32_t i = mix32(flow_id) & (m->cap - 1);

	/* The table is never more than half full: an empty entry ends the walk. */
	while (m->ents[i].used && m->ents[i].flow_id != flow_id)
		i = (i + 1) & (m->cap - 1);
	return &m->ents[i];
}

/* A slot no flow uses, searched from the flow's hash slot; else the least loaded. */
static uint32_t pick_slot(const struct keg_flowmap *m, uint32_t flow_id)
{
	uint32_t start = keg_flowmap_hash_slot(m, flow_id), best = start;

	for (uint32_t k = 0; k < m->nslots; k++) {
		uint32_t s = (start + k) % m->nslots;

		if (m->slot_flows[s] == 0)
			return s;
		if (m->slot_flows[s] < m->slot_flows[best])
			best = s;
	}
	return best;
}

uint32_t keg_flowmap_expire(struct keg_flowmap *m, uint64_t now)
{
	struct keg_flow_ent *old = m->ents, *fresh;
	uint32_t gone = 0;

	fresh = calloc(m->cap, sizeof(*fresh));
	if (!fresh)
		return 0;       /* try again next time; nothing is lost */
	m->ents = fresh;
	m->nflows = 0;
	for (uint32_t i = 0; i < m->cap; i++) {
		if (!old[i].used)
			continue;
		if (now - old[i].last >= m->idle_ns && now >= old[i].last) {
			m->slot_flows[old[i].slot]--;
			gone++;
			continue;
		}
		*probe(m, old[i].flow_id) = old[i];
		m->nflows++;
	}
	free(old);
	m->expired += gone;
	return gone;
}

bool keg_flowmap_has(const struct keg_flowmap *m, uint32_t flow_id)
{
	return probe((struct keg_flowmap *)m, flow_id)->used;
}

uint32_t keg_flowmap_get(struct keg_flowmap *m, uint32_t flow_id, uint64_t now)
{
	struct keg_flow_ent *e = probe(m, flow_id);

	if (e->used) {
		e->last = now;
		return e->slot;
	}
	if (m->nflows >= m->max_flows) {
		if (!keg_flowmap_expire(m, now)) {
			m->shared++;
			return keg_flowmap_hash_slot(m, flow_id);
		}
		e = probe(m, flow_id);
	}
	e->used = 1;
	e->flow_id = flow_id;
	e->last = now;
	e->slot = pick_slot(m, flow_id);
	m->slot_flows[e->slot]++;
	m->nflows++;
	return e->slot;
}
