// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_intercept_dir.c - the IPv4 direct table and long-prefix tries that
 * keg_icpt_dir_build() makes from the intercept tries
 * (user/lib/base/intercept_dir.c): entries on a small rule set, and on
 * 3,000 random rules, agreement with a reference longest-prefix match of
 * the whole trie. keg_xdp's use of the table is tested through
 * BPF_PROG_TEST_RUN in test_intercept.c (direct_table_and_trie).
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <criterion/criterion.h>

#include "intercept.h"
#include "intercept_dir.h"

/* Set in the bitmap and in its summary word, as test_intercept.c checks. */
static bool has_bit(const struct keg_icpt_bits *b, uint32_t pos)
{
	return (b->bits[pos / 64] >> (pos % 64)) & 1 &&
	       (b->summary[pos / 4096] >> ((pos / 64) % 64)) & 1;
}

static const uint8_t *v4(const char *a)
{
	static uint8_t b[4];

	cr_assert_eq(inet_pton(AF_INET, a, b), 1, "%s", a);
	return b;
}

/* The trie's answer for addr: the entry of the longest containing prefix. */
static const struct keg_icpt_trie_entry *ref_lookup(const struct keg_icpt_trie *t,
						    uint8_t match, const uint8_t addr[4])
{
	const struct keg_icpt_trie_entry *best = NULL;

	for (size_t i = 0; i < t->n; i++) {
		const struct keg_icpt_trie_entry *e = &t->v[i];
		uint32_t a = (uint32_t)addr[0] << 24 | addr[1] << 16 | addr[2] << 8 | addr[3];
		uint32_t p = (uint32_t)e->prefix.bytes[0] << 24 | e->prefix.bytes[1] << 16 |
			     e->prefix.bytes[2] << 8 | e->prefix.bytes[3];
		uint32_t mask = e->prefix.plen ? ~0U << (32 - e->prefix.plen) : 0;

		if (e->match == match && (a & mask) == p &&
		    (!best || e->prefix.plen > best->prefix.plen))
			best = e;
	}
	return best;
}

/* What keg_xdp finds for addr through the direct table and the long trie:
 * the bits, or NULL; *deferred when the table leaves it to the trie. */
static const struct keg_icpt_bits *dir_answer(const struct keg_icpt_dir *d, int side,
					      uint8_t match, const uint8_t addr[4],
					      bool *deferred)
{
	uint64_t e = d->ent[keg_icpt_dir_index(side, match, addr)];
	const struct keg_icpt_trie_entry *l;

	*deferred = false;
	if (e & KEG_ICPT_DIR_LONG) {
		l = ref_lookup(&d->lng[side], match, addr);
		if (l)
			return &l->bits;
	}
	e &= KEG_ICPT_DIR_CODE;
	if (e == KEG_ICPT_DIR_TRIE) {
		*deferred = true;
		return NULL;
	}
	if (e == KEG_ICPT_DIR_NONE)
		return NULL;
	cr_assert_lt(e - KEG_ICPT_DIR_SET0, d->n_sets);
	return &d->sets[e - KEG_ICPT_DIR_SET0];
}

/* ... agrees with the whole trie, or defers to it. */
static void expect_dir_agrees(const struct keg_icpt_dir *d, const struct keg_icpt_trie *t,
			      int side, uint8_t match, const uint8_t addr[4])
{
	const struct keg_icpt_trie_entry *ref = ref_lookup(t, match, addr);
	bool deferred;
	const struct keg_icpt_bits *b = dir_answer(d, side, match, addr, &deferred);

	if (deferred)
		return;
	cr_assert_eq(!b, !ref, "side %d %u.%u.%u.%u: table %s, trie %s", side, addr[0], addr[1],
		     addr[2], addr[3], b ? "bits" : "none", ref ? "bits" : "none");
	if (ref)
		cr_expect_eq(memcmp(b, &ref->bits, sizeof(ref->bits)), 0,
			     "side %d %u.%u.%u.%u: bits differ from the trie's /%u", side,
			     addr[0], addr[1], addr[2], addr[3], ref->prefix.plen);
}

Test(intercept_encode, direct_table)
{
	static struct keg_icpt_rule rules[KEG_ICPT_MAX_RULES];
	struct keg_icpt_trie t[KEG_ICPT_T__N];
	struct keg_icpt_dir d;
	struct keg_icpt_spec s;
	static const char *const r[][3] = {
		{ "10.0.0.0/8", "0.0.0.0/0", NULL },
		{ "10.1.2.0/24", "192.168.0.0/16", NULL },
		{ "172.16.0.0/12", "192.168.7.7", "outer" },
	};
	uint64_t e;

	memset(rules, 0, sizeof(rules));
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(keg_icpt_spec_parse(&s, "x", r[i][0], r[i][1], "T", NULL, r[i][2],
						 NULL), 0);
		keg_icpt_encode(&s, (uint32_t)i + 1, 0, &rules[i]);
	}
	cr_assert_eq(keg_icpt_build(rules, KEG_ICPT_MAX_RULES, t), 0);
	cr_assert_eq(keg_icpt_dir_build(&t[KEG_ICPT_T_SRC4], &t[KEG_ICPT_T_DST4], &d), 0);
	/* src: 10/8 everywhere in 10/8 but 10.1 (a /24 inside: the trie);
	 * outer 172.16/12 in its 16 /16s; nothing elsewhere. */
	e = d.ent[keg_icpt_dir_index(0, KEG_ICPT_MATCH_INNER, v4("10.200.0.1"))];
	cr_expect_geq(e, KEG_ICPT_DIR_SET0);
	cr_expect(has_bit(&d.sets[e - KEG_ICPT_DIR_SET0], 0));
	/* 10.1: the /24 inside it is in the long trie, 10/8 for the rest. */
	cr_expect_eq(d.ent[keg_icpt_dir_index(0, KEG_ICPT_MATCH_INNER, v4("10.1.9.9"))],
		     e | KEG_ICPT_DIR_LONG);
	cr_expect_eq(d.lng[0].n, 1);
	cr_expect_eq(d.lng[0].v[0].prefix.plen, 24);
	cr_expect_eq(d.ent[keg_icpt_dir_index(0, KEG_ICPT_MATCH_INNER, v4("11.0.0.1"))],
		     KEG_ICPT_DIR_NONE);
	cr_expect_eq(d.ent[keg_icpt_dir_index(0, KEG_ICPT_MATCH_OUTER, v4("10.200.0.1"))],
		     KEG_ICPT_DIR_NONE);
	cr_expect_geq(d.ent[keg_icpt_dir_index(0, KEG_ICPT_MATCH_OUTER, v4("172.31.0.1"))],
		      KEG_ICPT_DIR_SET0);
	cr_expect_eq(d.ent[keg_icpt_dir_index(0, KEG_ICPT_MATCH_OUTER, v4("172.32.0.1"))],
		     KEG_ICPT_DIR_NONE);
	/* dst: 0/0's set everywhere but 192.168/16, which has its own (with
	 * 0/0's rule in it too); the outer /32 is the long trie's. */
	e = d.ent[keg_icpt_dir_index(1, KEG_ICPT_MATCH_INNER, v4("192.168.1.1"))];
	cr_expect_geq(e, KEG_ICPT_DIR_SET0);
	cr_expect(has_bit(&d.sets[e - KEG_ICPT_DIR_SET0], 0) &&
		  has_bit(&d.sets[e - KEG_ICPT_DIR_SET0], 1));
	cr_expect_eq(d.ent[keg_icpt_dir_index(1, KEG_ICPT_MATCH_OUTER, v4("192.168.1.1"))],
		     KEG_ICPT_DIR_NONE | KEG_ICPT_DIR_LONG);
	cr_expect_eq(d.lng[1].n, 1);
	cr_expect_eq(d.n_sets, 4, "10/8, 172.16/12, 0/0, 192.168/16");
	for (int side = 0; side < 2; side++)
		for (uint32_t a = 0; a < 1U << 16; a += 7) {
			uint8_t b[4] = { (uint8_t)(a >> 8), (uint8_t)a, 3, 4 };

			expect_dir_agrees(&d, &t[side ? KEG_ICPT_T_DST4 : KEG_ICPT_T_SRC4], side,
					  (uint8_t)(a & 1), b);
		}
	keg_icpt_dir_free(&d);
	keg_icpt_tries_free(t);
}

/* Random rules with prefixes of every length, more short prefixes than
 * there are sets: every address either gets what the trie holds for it or
 * is left to the trie. */
Test(intercept_encode, direct_table_agrees_with_trie, .timeout = 60)
{
	static struct keg_icpt_rule rules[KEG_ICPT_MAX_RULES];
	struct keg_icpt_trie t[KEG_ICPT_T__N];
	struct keg_icpt_dir d;
	struct keg_icpt_spec s;
	unsigned int seed = 12;
	char src[32], dst[32];
	size_t deferred = 0, answered = 0, longer = 0;

	memset(rules, 0, sizeof(rules));
	for (int i = 0; i < 3000; i++) {
		int ls = rand_r(&seed) % 33, ld = i < 1500 ? 16 : rand_r(&seed) % 33;
		/* src: 16 /16s, many prefixes in each; dst: 1,500 /16s first
		 * (more than the sets), then any length. */
		uint32_t a = (uint32_t)(rand_r(&seed) % 4) << 24 |
			     (uint32_t)(rand_r(&seed) % 4) << 16 | ((uint32_t)rand_r(&seed) & 0xffff);
		uint32_t b = (uint32_t)i << 16 | (uint32_t)rand_r(&seed);
		uint32_t ma = ls ? ~0U << (32 - ls) : 0, mb = ld ? ~0U << (32 - ld) : 0;

		a &= ma;
		b &= mb;
		snprintf(src, sizeof(src), "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255,
			 (a >> 8) & 255, a & 255, ls);
		snprintf(dst, sizeof(dst), "%u.%u.%u.%u/%d", b >> 24, (b >> 16) & 255,
			 (b >> 8) & 255, b & 255, ld);
		cr_assert_eq(keg_icpt_spec_parse(&s, "x", src, dst, "T", NULL,
						 i % 5 ? NULL : "outer", NULL), 0, "%s %s", src, dst);
		keg_icpt_encode(&s, (uint32_t)i + 1, 0, &rules[i]);
	}
	cr_assert_eq(keg_icpt_build(rules, KEG_ICPT_MAX_RULES, t), 0);
	cr_assert_eq(keg_icpt_dir_build(&t[KEG_ICPT_T_SRC4], &t[KEG_ICPT_T_DST4], &d), 0);
	cr_expect_eq(d.n_sets, KEG_ICPT_DIR_SETS, "more short prefixes than sets");
	for (int side = 0; side < 2; side++)
		for (uint32_t r = 0; r < 2U << 16; r++) {
			uint8_t b[4] = { (uint8_t)(r >> 8), (uint8_t)r, (uint8_t)rand_r(&seed),
					 (uint8_t)rand_r(&seed) };

			uint64_t e = d.ent[keg_icpt_dir_index(side, (uint8_t)(r >> 16), b)];

			deferred += e == KEG_ICPT_DIR_TRIE;
			answered += (e & KEG_ICPT_DIR_CODE) >= KEG_ICPT_DIR_SET0;
			longer += (e & KEG_ICPT_DIR_LONG) != 0;
			expect_dir_agrees(&d, &t[side ? KEG_ICPT_T_DST4 : KEG_ICPT_T_SRC4], side,
					  (uint8_t)(r >> 16), b);
		}
	/* Inside each long prefix and in its sibling, just outside. */
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < d.lng[side].n; i++) {
			const struct keg_icpt_trie_entry *l = &d.lng[side].v[i];
			uint32_t a = (uint32_t)l->prefix.bytes[0] << 24 | l->prefix.bytes[1] << 16 |
				     l->prefix.bytes[2] << 8 | l->prefix.bytes[3];

			for (int k = 0; k < 2; k++) {
				uint32_t x = k ? a ^ (1U << (32 - l->prefix.plen)) : a;
				uint8_t b[4] = { (uint8_t)(x >> 24), (uint8_t)(x >> 16),
						 (uint8_t)(x >> 8), (uint8_t)x };

				expect_dir_agrees(&d, &t[side ? KEG_ICPT_T_DST4 : KEG_ICPT_T_SRC4],
						  side, l->match, b);
			}
		}
	cr_expect_gt(deferred, 1000);
	cr_expect_gt(answered, 10000);
	cr_expect_gt(longer, 100);
	keg_icpt_dir_free(&d);
	keg_icpt_tries_free(t);
}
