// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* intercept_dir.c - the IPv4 direct table and long-prefix tries from the
 * trie contents (see intercept_dir.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "intercept_dir.h"

#define REGIONS (1U << KEG_ICPT_DIR_SHIFT)		/* /16s of one match */
#define SIDE_ENTRIES (KEG_ICPT_DIR_MATCHES * REGIONS)	/* of one side */
#define SET_UNMADE (-2L)

uint32_t keg_icpt_dir_index(int side, uint8_t match, const uint8_t addr[4])
{
	return KEG_ICPT_DIR_INDEX(side, match, (uint32_t)addr[0] << 8 | addr[1]);
}

/* The set of trie entry i: made at its first /16, -1 once the sets are
 * full. Entries hold distinct prefixes, so their sets are not shared. */
static long set_of(struct keg_icpt_dir *d, const struct keg_icpt_trie *t, size_t i,
		   long *set_ids)
{
	if (set_ids[i] == SET_UNMADE) {
		if (d->n_sets == KEG_ICPT_DIR_SETS) {
			set_ids[i] = -1;
		} else {
			d->sets[d->n_sets] = t->v[i].bits;
			set_ids[i] = (long)d->n_sets++;
		}
	}
	return set_ids[i];
}

/* Scratch of one side, per (match, /16). */
struct side_scratch {
	int32_t best[SIDE_ENTRIES];	/* entry of the longest prefix <= /16, or -1 */
	bool longer[SIDE_ENTRIES];	/* a prefix > /16 lies inside */
};

/* One side: paint each /16 with its longest containing prefix of length
 * <= 16, mark /16s with a longer prefix inside and copy those prefixes into
 * the long trie. */
static int side_build(struct keg_icpt_dir *d, const struct keg_icpt_trie *t, int side,
		      struct side_scratch *sc)
{
	struct keg_icpt_trie *lng = &d->lng[side];
	long *set_ids = malloc((t->n ? t->n : 1) * sizeof(*set_ids));
	size_t i;
	uint32_t r;

	lng->v = calloc(t->n ? t->n : 1, sizeof(*lng->v));
	if (!set_ids || !lng->v) {
		free(set_ids);
		return -ENOMEM;
	}
	for (i = 0; i < t->n; i++)
		set_ids[i] = SET_UNMADE;
	for (r = 0; r < SIDE_ENTRIES; r++) {
		sc->best[r] = -1;
		sc->longer[r] = false;
	}
	for (i = 0; i < t->n; i++) {
		const struct keg_icpt_trie_entry *e = &t->v[i];
		uint32_t base = keg_icpt_dir_index(0, e->match, e->prefix.bytes);
		uint32_t span;

		if (e->prefix.family != AF_INET)
			continue;
		if (e->prefix.plen > KEG_ICPT_DIR_SHIFT) {
			sc->longer[base] = true;
			lng->v[lng->n++] = *e;	/* stays sorted */
			continue;
		}
		/* Prefixes are masked: base is the first /16 of the prefix. */
		span = 1U << (KEG_ICPT_DIR_SHIFT - e->prefix.plen);
		for (r = base; r < base + span; r++) {
			if (sc->best[r] < 0 || t->v[sc->best[r]].prefix.plen < e->prefix.plen)
				sc->best[r] = (int32_t)i;
		}
	}
	for (r = 0; r < SIDE_ENTRIES; r++) {
		uint64_t *out = &d->ent[(uint32_t)side * SIDE_ENTRIES + r];
		uint64_t code = KEG_ICPT_DIR_NONE;

		if (sc->best[r] >= 0) {
			long set = set_of(d, t, (size_t)sc->best[r], set_ids);

			if (set < 0) {
				*out = KEG_ICPT_DIR_TRIE;
				continue;
			}
			code = KEG_ICPT_DIR_SET0 + (uint64_t)set;
		}
		*out = code | (sc->longer[r] ? KEG_ICPT_DIR_LONG : 0);
	}
	free(set_ids);
	return 0;
}

int keg_icpt_dir_build(const struct keg_icpt_trie *src4, const struct keg_icpt_trie *dst4,
		       struct keg_icpt_dir *d)
{
	struct side_scratch *sc = malloc(sizeof(*sc));
	int ret = -ENOMEM;

	memset(d, 0, sizeof(*d));
	d->ent = calloc(KEG_ICPT_DIR_ENTRIES, sizeof(*d->ent));
	d->sets = calloc(KEG_ICPT_DIR_SETS, sizeof(*d->sets));
	if (sc && d->ent && d->sets) {
		ret = side_build(d, src4, 0, sc);
		if (!ret)
			ret = side_build(d, dst4, 1, sc);
	}
	free(sc);
	if (ret)
		keg_icpt_dir_free(d);
	return ret;
}

void keg_icpt_dir_free(struct keg_icpt_dir *d)
{
	int side;

	free(d->ent);
	free(d->sets);
	for (side = 0; side < KEG_ICPT_DIR_SIDES; side++)
		free(d->lng[side].v);
	memset(d, 0, sizeof(*d));
}
