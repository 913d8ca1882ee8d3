// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_keg_frame.c - libFuzzer harness for the keg decoder
 * (user/kegd/keg_frame.c): the peer's stream bytes are hostile.
 *
 * The first input byte picks how the rest is cut into chunks for keg_rx;
 * the same bytes also go through keg_decode() in one piece. Checks:
 * keg_rx delivers exactly the packets that whole-buffer decoding finds, in
 * the same order, whatever the chunking; every accepted keg re-encodes to
 * the same bytes through keg_packer (what is decoded is what was sent).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keg_frame.h"

#define SEG KEG_SEGSIZE_DEFAULT

struct seen {
	const uint8_t *ref[4096];
	size_t reflen[4096];
	size_t n, got;
};

static int note(void *ctx, const struct keg_view *k, const uint8_t *p, size_t l)
{
	struct seen *s = ctx;

	(void)k;
	if (s->n < 4096) {
		s->ref[s->n] = p;
		s->reflen[s->n] = l;
	}
	s->n++;
	return 0;
}

static int compare(void *ctx, const struct keg_view *k, const uint8_t *p, size_t l)
{
	struct seen *s = ctx;

	(void)k;
	if (s->got < 4096 && s->got < s->n &&
	    (l != s->reflen[s->got] || memcmp(p, s->ref[s->got], l)))
		abort();
	s->got++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t kbuf[KEG_HDR_LEN + SEG];
	struct seen s = { .n = 0 };
	struct keg_view v;
	struct keg_rx rx;
	const uint8_t *p;
	size_t left, chunk;
	ssize_t n;
	int bad = 0;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 61 + 1;
	data++;
	size--;
	/* Whole-buffer decoding; re-encode every accepted keg. */
	for (p = data, left = size; left; p += n, left -= (size_t)n) {
		struct keg_packer pk;
		struct keg_iter it;
		const uint8_t *pkt;
		size_t l;

		n = keg_decode(p, left, SEG, &v);
		if (n <= 0) {
			bad = n < 0;
			break;
		}
		/* A compressed keg: refused by a keg_rx without an expander
		 * (keg/1); fuzz_keg_compress.c takes those apart. */
		if (v.flags & KEG_F_COMPRESSED) {
			bad = 1;
			break;
		}
		if (keg_packer_init(&pk, kbuf, SEG, 0))
			abort();
		keg_iter_init(&it, &v);
		while (keg_iter_next(&it, &pkt, &l)) {
			note(&s, &v, pkt, l);
			if (keg_packer_add(&pk, v.flow_id, pkt, l, 0) < 0)
				abort();
		}
		if (keg_packer_finish(&pk) != (size_t)n || memcmp(kbuf, p, (size_t)n))
			abort();
	}
	/* The same bytes in chunks through keg_rx. */
	if (keg_rx_init(&rx, SEG))
		return 0;
	int rc = 0;

	for (p = data, left = size; left && rc >= 0;) {
		size_t c = left < chunk ? left : chunk;

		rc = keg_rx_push(&rx, p, c, compare, &s);
		p += c;
		left -= c;
	}
	if (s.got != s.n || (rc < 0) != bad)
		abort();
	keg_rx_free(&rx);
	return 0;
}
