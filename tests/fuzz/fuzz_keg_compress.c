// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_keg_compress.c - libFuzzer harness for keg compression
 * (user/kegd/keg_compress.c): a keg/2 peer's compressed kegs are hostile.
 *
 * Input byte 0 picks the case:
 *  - even: the rest is a compressed keg's body from a peer: flags (zstd or
 *    LZ4) from byte 0, npkts from bytes 1-2, then raw_len and the codec's
 *    bytes as they come. Checks: keg_z_expand either refuses (counted) or
 *    gives a keg of exactly raw_len <= Segsize bytes whose records fill it;
 *    the same keg through keg_rx (with the expander) delivers exactly those
 *    records, cut into chunks of byte 0's choosing.
 *  - odd: the rest is packet bytes (lengths from the data itself); the keg
 *    they make goes through keg_z_keg (zstd or LZ4, gain 1%) and back
 *    through keg_rx: what comes out is what went in, byte for byte.
 * ASan bounds every read and write; nothing may touch more than raw_len
 * bytes of output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keg_compress.h"
#include "keg_frame.h"

#define SEG KEG_SEGSIZE_DEFAULT

struct cat {
	uint8_t buf[SEG];
	size_t len;
	size_t pkts;
};

static int collect(void *ctx, const struct keg_view *k, const uint8_t *p, size_t l)
{
	struct cat *c = ctx;

	(void)k;
	if (c->len + l > sizeof(c->buf))
		abort();
	memcpy(c->buf + c->len, p, l);
	c->len += l;
	c->pkts++;
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static struct keg_z tx, rx;
static int ready;

static void setup(void)
{
	const struct keg_z_conf c = { KEG_COMPRESS_ZSTD, 1, 1 };

	if (ready)
		return;
	if (keg_z_init(&tx, &c, SEG, SEG) || keg_z_init(&rx, &c, SEG, SEG))
		abort();
	tx.peer_z = true;
	ready = 1;
}

/* Push buf through a keg_rx with the expander, in chunks. */
static int via_rx(const uint8_t *buf, size_t len, size_t chunk, struct cat *out)
{
	struct keg_rx krx;
	int rc = 0, total = 0;

	if (keg_rx_init(&krx, SEG))
		abort();
	krx.expand = keg_z_expand;
	krx.expand_ctx = &rx;
	for (size_t off = 0; off < len && rc >= 0; off += chunk) {
		size_t c = len - off < chunk ? len - off : chunk;

		rc = keg_rx_push(&krx, buf + off, c, collect, out);
		if (rc > 0)
			total += rc;
	}
	keg_rx_free(&krx);
	return rc < 0 ? rc : total;
}

static void hostile(const uint8_t *data, size_t size, uint8_t sel)
{
	static uint8_t keg[KEG_HDR_LEN + SEG];
	static struct cat a, b;
	struct keg_view in, out;
	uint64_t drops = rx.st.drop_unz;
	size_t body;
	ssize_t n;
	int rc;

	if (size < 2 + KEG_ZHDR_LEN + 1)
		return;
	body = size - 2;
	if (body > SEG)
		body = SEG;
	keg[0] = KEG_WIRE_VERSION;
	keg[1] = KEG_F_COMPRESSED | (sel & 2 ? KEG_F_LZ4 : 0);
	keg[2] = data[0];
	keg[3] = data[1];
	if (!keg[2] && !keg[3])
		keg[3] = 1;
	put32(keg + 4, 77);
	put32(keg + 8, (uint32_t)body);
	memcpy(keg + KEG_HDR_LEN, data + 2, body);
	n = keg_decode(keg, KEG_HDR_LEN + body, SEG, &in);
	if (n != (ssize_t)(KEG_HDR_LEN + body))
		abort();
	rc = keg_z_expand(&rx, &in, &out);
	if (rc < 0) {
		if (rx.st.drop_unz != drops + 1)
			abort();
	} else {
		struct keg_iter it;
		const uint8_t *p;
		size_t l, sum = 0, np = 0;
		uint32_t raw = (uint32_t)keg[12] << 24 | (uint32_t)keg[13] << 16 |
			       (uint32_t)keg[14] << 8 | keg[15];

		if (out.len != raw || raw > SEG || out.npkts != in.npkts || out.flags)
			abort();
		keg_iter_init(&it, &out);
		a.len = a.pkts = 0;
		while (keg_iter_next(&it, &p, &l)) {
			sum += KEG_REC_HDR_LEN + l;
			np++;
			collect(&a, &out, p, l);
		}
		if (sum != raw || np != in.npkts)
			abort();
	}
	/* The same keg through keg_rx: the same verdict, the same records. */
	b.len = b.pkts = 0;
	rc = via_rx(keg, KEG_HDR_LEN + body, (size_t)(sel >> 2) % 97 + 1, &b);
	if (rc < 0)
		abort();        /* a bad compressed keg is dropped, never a stream error */
	if (rx.st.drop_unz == drops + 2) {
		if (b.pkts)
			abort();
	} else if (b.pkts != a.pkts || b.len != a.len || memcmp(a.buf, b.buf, a.len)) {
		abort();
	}
}

static void round_trip(const uint8_t *data, size_t size, uint8_t sel)
{
	static uint8_t kbuf[KEG_HDR_LEN + SEG];
	static struct cat want, got;
	struct keg_z_conf c = { sel & 2 ? KEG_COMPRESS_LZ4 : KEG_COMPRESS_ZSTD,
				(uint8_t)((sel >> 2) % 5 + 1), 1 };
	struct keg_packer pk;
	const uint8_t *out;
	size_t off = 0, len;

	if (keg_z_set_conf(&tx, &c) || keg_packer_init(&pk, kbuf, SEG, 0))
		abort();
	want.len = want.pkts = 0;
	/* Packets: a length byte (x 16, +1), then that many bytes. */
	while (off + 1 < size) {
		size_t l = (size_t)data[off] * 16 + 1;

		off++;
		if (l > size - off)
			l = size - off;
		if (keg_packer_add(&pk, 3, data + off, l, 0) < 0)
			break;
		collect(&want, NULL, data + off, l);
		off += l;
	}
	len = keg_packer_finish(&pk);
	if (!len)
		return;
	out = keg_z_keg(&tx, NULL, kbuf, &len);
	got.len = got.pkts = 0;
	if (via_rx(out, len, 4096, &got) != (int)want.pkts || got.len != want.len ||
	    memcmp(got.buf, want.buf, want.len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	setup();
	if (data[0] & 1)
		round_trip(data + 1, size - 1, data[0]);
	else
		hostile(data + 1, size - 1, data[0]);
	return 0;
}
