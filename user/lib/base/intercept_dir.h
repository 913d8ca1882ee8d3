/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * intercept_dir.h - the IPv4 direct table in front of the intercept tries
 * and the long-prefix tries behind it (layout: headers/keg_intercept.h),
 * built from the trie contents. Pure.
 *
 * For each side (src, dst), match and /16 R: every prefix of length <= 16
 * containing an address of R contains all of R, so the longest of them is
 * one for all of R; the entry names a set holding its bitmap (as the trie
 * holds it: with the bits of every shorter prefix containing it), or
 * KEG_ICPT_DIR_NONE. If a longer prefix lies inside R, the entry also
 * carries KEG_ICPT_DIR_LONG, and that prefix is in the side's long trie:
 * for an address of R the trie answers with the longest prefix containing
 * it, which is a long one if any long one contains it, else R's. Each
 * prefix named by an entry has one set; past KEG_ICPT_DIR_SETS of them, the
 * remaining /16s are KEG_ICPT_DIR_TRIE.
 */
#ifndef KEG_INTERCEPT_DIR_H
#define KEG_INTERCEPT_DIR_H

#include <stddef.h>
#include <stdint.h>

#include "intercept_rules.h"
#include "keg_intercept.h"

struct keg_icpt_dir {
	uint64_t *ent;			/* KEG_ICPT_DIR_ENTRIES */
	struct keg_icpt_bits *sets;	/* n_sets, at most KEG_ICPT_DIR_SETS */
	size_t n_sets;
	/* The entries longer than /16 of src4 and dst4. */
	struct keg_icpt_trie lng[KEG_ICPT_DIR_SIDES];
};

/* From the src4 and dst4 tries (keg_icpt_build). 0 or -ENOMEM. */
int keg_icpt_dir_build(const struct keg_icpt_trie *src4, const struct keg_icpt_trie *dst4,
		       struct keg_icpt_dir *d);
void keg_icpt_dir_free(struct keg_icpt_dir *d);

/* The table's index of an IPv4 address (network order bytes); side 0 is
 * src, 1 dst. */
uint32_t keg_icpt_dir_index(int side, uint8_t match, const uint8_t addr[4]);

#endif /* KEG_INTERCEPT_DIR_H */
