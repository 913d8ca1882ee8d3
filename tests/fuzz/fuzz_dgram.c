// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_dgram.c - libFuzzer harness for the datagrams of a proxy's UDP flow
 * in its stream (keg_dgram_take, user/kegd/tcpstream.h): the peer's bytes
 * are hostile. Input: byte 0 picks the piece size the stream arrives in;
 * the rest is the stream. Checks, whatever the pieces:
 *  - the datagrams given out are exactly those a whole-buffer reading of
 *    the framing finds (2-byte length, that many bytes), in order;
 *  - an error comes exactly where that reading meets a length of 0 or
 *    above KEG_DGRAM_MAX, and nowhere else;
 *  - every call takes at least one byte of what it is given (no stall)
 *    and never more.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keg_frame.h"
#include "tcpstream.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct keg_dgram_rx rx;
	size_t chunk, off = 0, ref = 0, len;
	const uint8_t *s;
	bool bad = false;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] * 257 % 70001 + 1;
	s = data + 1;
	len = size - 1;
	memset(&rx, 0, sizeof(rx));
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;

		while (n) {
			const uint8_t *dg;
			size_t dl;
			ssize_t t = keg_dgram_take(&rx, s + off, n, &dg, &dl);

			if (t < 0) {
				/* The reference: the header at ref is bad. */
				size_t want;

				CHECK(t == -EBADMSG);
				CHECK(ref + KEG_DGRAM_HDR <= len);
				want = keg_get_be16(s + ref);
				CHECK(want == 0 || want > KEG_DGRAM_MAX);
				bad = true;
				break;
			}
			CHECK(t > 0 && (size_t)t <= n);
			off += (size_t)t;
			n -= (size_t)t;
			if (!dg)
				continue;
			/* The reference datagram at ref. */
			CHECK(ref + KEG_DGRAM_HDR <= len);
			CHECK(keg_get_be16(s + ref) == dl && dl >= 1 && dl <= KEG_DGRAM_MAX);
			CHECK(ref + KEG_DGRAM_HDR + dl <= len);
			CHECK(!memcmp(dg, s + ref + KEG_DGRAM_HDR, dl));
			CHECK(off == ref + KEG_DGRAM_HDR + dl);
			ref = off;
		}
		if (bad)
			break;
	}
	if (!bad && ref + KEG_DGRAM_HDR <= len) {
		/* Stopped inside the last datagram: its header was good. */
		size_t want = keg_get_be16(s + ref);

		CHECK(want >= 1 && want <= KEG_DGRAM_MAX && ref + KEG_DGRAM_HDR + want > len);
	}
	return 0;
}
