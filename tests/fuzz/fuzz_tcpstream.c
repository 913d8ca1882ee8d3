// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_tcpstream.c - libFuzzer harness for the stream decoder of terminated
 * TCP connections (user/kegd/tcpstream.c): the peer's bytes are hostile.
 *
 * Input: byte 0 picks the chunk size, byte 1 whether an open header comes
 * first (bit 0) and whether compressed kegs may come (bit 1: keg/3, the
 * decoder has keg_compress.c's expander); the rest is the stream. Checks,
 * whatever the chunking:
 *  - the bytes given out are exactly the record bytes whole-buffer
 *    keg_decode() (and keg_z_expand() for a compressed keg) finds in the
 *    kegs it accepts, in order, and perhaps a prefix of the next keg's (the decoder passes bytes on before a keg is
 *    complete, and may only find it malformed later);
 *  - an error is reported only where keg_decode() also finds one, or in
 *    the incomplete keg it stopped at (whose bytes so far already break a
 *    rule no later byte can mend);
 *  - credit returned + bytes held == bytes pushed, at every step (flow
 *    control cannot drift);
 *  - memory never beyond the window;
 *  - an open header that decodes encodes back to the same 40 bytes (its
 *    flags, KEG_TCP_OPEN_F_PROXY, included).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keg_compress.h"
#include "keg_frame.h"
#include "tcpstream.h"

#define WINDOW (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ref[1 << 20], got[1 << 20];
	size_t nref = 0, ngot = 0, chunk, pushed = 0, credit = 0, off, skip = 0;
	struct keg_tcp_ends e;
	struct keg_z_conf zc = { .codec = KEG_COMPRESS_ZSTD, .level = 1, .gain_pct = 10 };
	struct keg_z zref, zrx;
	struct keg_tsrx rx;
	bool open, z, opened = false, ref_bad = false, ref_short = false, got_bad = false;
	const uint8_t *s, *p;
	size_t len;
	ssize_t n;

	if (size < 2 || size > WINDOW)
		return 0;
	chunk = (size_t)data[0] % 97 + 1;
	open = data[1] & 1;
	z = data[1] & 2;
	if (keg_z_init(&zref, &zc, KEG_SEGSIZE_MAX, KEG_SEGSIZE_MAX) ||
	    keg_z_init(&zrx, &zc, KEG_SEGSIZE_MAX, KEG_SEGSIZE_MAX))
		abort();
	s = data + 2;
	len = size - 2;

	/* The reference: the open header, then whole-buffer keg_decode(). */
	if (open) {
		if (len < KEG_TCP_OPEN_LEN)
			ref_short = true;
		else if (keg_tcp_open_decode(s, &e))
			ref_bad = true;
		else {
			uint8_t again[KEG_TCP_OPEN_LEN];

			if (keg_tcp_open_encode(again, (const struct sockaddr *)&e.client,
						(const struct sockaddr *)&e.server, e.proto,
						e.proxy ? KEG_TCP_OPEN_F_PROXY : 0) ||
			    memcmp(again, s, sizeof(again)))
				abort();
		}
		skip = KEG_TCP_OPEN_LEN;
	}
	for (off = skip; !ref_bad && off < len;) {
		struct keg_view v;
		struct keg_iter it;
		const uint8_t *pkt;
		size_t l;

		n = keg_decode(s + off, len - off, KEG_SEGSIZE_MAX, &v);
		if (n < 0)
			ref_bad = true;
		if (n == 0)
			ref_short = true;
		if (n <= 0)
			break;
		if (v.flags && !z) {    /* keg/2 and keg/1: never compressed */
			ref_bad = true;
			break;
		}
		if (v.flags) {
			struct keg_view out;

			if (keg_z_expand(&zref, &v, &out)) {
				ref_bad = true;
				break;
			}
			v = out;
		}
		keg_iter_init(&it, &v);
		while (keg_iter_next(&it, &pkt, &l) == 1) {
			memcpy(ref + nref, pkt, l);
			nref += l;
		}
		off += (size_t)n;
	}

	if (keg_tsrx_init(&rx, WINDOW, open))
		abort();
	if (z) {
		rx.expand = keg_z_expand;
		rx.expand_ctx = &zrx;
	}
	for (off = 0; off < len && !got_bad; off += chunk) {
		size_t c = len - off < chunk ? len - off : chunk;

		if (keg_tsrx_push(&rx, s + off, c))
			abort();                /* len <= WINDOW: always fits */
		pushed += c;
		if (open && !opened) {
			int r = keg_tsrx_open(&rx, &e);

			if (r < 0) {
				got_bad = true;
				break;
			}
			opened = r == 1;
			credit += keg_tsrx_consume(&rx, 0);
			if (!opened)
				continue;
		}
		while ((n = keg_tsrx_peek(&rx, &p)) > 0) {
			/* Consume in two steps: partial consumption must hold. */
			size_t half = (size_t)n / 2;

			memcpy(got + ngot, p, (size_t)n);
			ngot += (size_t)n;
			credit += keg_tsrx_consume(&rx, half);
			credit += keg_tsrx_consume(&rx, (size_t)n - half);
		}
		if (n < 0)
			got_bad = true;
		/* (rx.credit: header bytes passed, returned with the next consume) */
		if (credit + rx.credit + keg_tsrx_held(&rx) != pushed || rx.cap > WINDOW ||
		    rx.plain_cap > KEG_SEGSIZE_MAX)
			abort();
	}
	/* Errors only where the reference has one (or stopped short). */
	if (got_bad && !ref_bad && !ref_short)
		abort();
	/* What came out is the reference's bytes, maybe more of a bad keg. */
	if (ngot < nref && !got_bad && !ref_bad)
		abort();
	if (memcmp(got, ref, ngot < nref ? ngot : nref))
		abort();
	if (ngot > nref && !ref_bad && !ref_short)
		abort();
	keg_tsrx_free(&rx);
	keg_z_free(&zref);
	keg_z_free(&zrx);
	return 0;
}
