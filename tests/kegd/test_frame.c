// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_frame.c - keg framing (user/kegd/keg_frame.c): round trips at many
 * packet sizes and Segsizes, every truncation boundary, every malformed
 * field, the flush deadline on a driven clock, and stream reassembly from
 * chunks cut at every offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "keg_frame.h"

/* Deterministic packet contents: byte i of packet n of flow f. */
static uint8_t pat(uint32_t f, uint32_t n, size_t i)
{
	return (uint8_t)(f * 131 + n * 31 + i * 7 + (i >> 8));
}

static void fill(uint8_t *p, size_t len, uint32_t f, uint32_t n)
{
	for (size_t i = 0; i < len; i++)
		p[i] = pat(f, n, i);
}

struct sink {
	uint32_t flow;
	uint32_t next;          /* packet number expected next */
	uint32_t mod;           /* packet numbers restart every mod packets */
	size_t   sizes[4096];
	int      bad;
};

static int check_pkt(void *ctx, const struct keg_view *keg, const uint8_t *pkt, size_t len)
{
	struct sink *s = ctx;

	if (keg->flow_id != s->flow || len != s->sizes[s->next % 4096]) {
		s->bad++;
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		if (pkt[i] != pat(s->flow, s->mod ? s->next % s->mod : s->next, i)) {
			s->bad++;
			break;
		}
	s->next++;
	return 0;
}

/* Build one keg of packets of the given sizes; returns its length. */
static size_t build(uint8_t *buf, uint32_t segsize, uint32_t flow, const size_t *sizes,
		    size_t n)
{
	struct keg_packer p;
	uint8_t pkt[KEG_PKT_MAX];

	cr_assert_eq(keg_packer_init(&p, buf, segsize, 1000), 0);
	for (size_t i = 0; i < n; i++) {
		fill(pkt, sizes[i], flow, (uint32_t)i);
		cr_assert_geq(keg_packer_add(&p, flow, pkt, sizes[i], 5), 0, "pkt %zu", i);
	}
	return keg_packer_finish(&p);
}

Test(frame, round_trip_sizes)
{
	static const uint32_t segs[] = { KEG_SEGSIZE_MIN, 9000, KEG_SEGSIZE_DEFAULT,
					 KEG_SEGSIZE_MAX };
	static const size_t sizes[] = { 1, 2, 3, 20, 40, 64, 576, 1279, 1280, 1452,
					1500, 1501, 2046, 4000, 9000, 16384, 32766,
					65535 };
	uint8_t *buf = malloc(keg_buf_size(KEG_SEGSIZE_MAX));
	uint8_t *pkt = malloc(KEG_PKT_MAX);

	for (size_t s = 0; s < sizeof(segs) / sizeof(segs[0]); s++) {
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			struct keg_packer p;
			struct sink sink = { .flow = 77 };
			struct keg_rx rx;
			uint32_t sent = 0;
			int rc;

			if (KEG_REC_HDR_LEN + sizes[z] > segs[s]) {
				cr_assert_eq(keg_packer_init(&p, buf, segs[s], 0), 0);
				cr_expect_eq(keg_packer_add(&p, 1, pkt, sizes[z], 0), -EMSGSIZE);
				continue;
			}
			cr_assert_eq(keg_rx_init(&rx, segs[s]), 0);
			cr_assert_eq(keg_packer_init(&p, buf, segs[s], 0), 0);
			/* Three kegs' worth of packets, flushed at size. */
			while (sent < 3 * (segs[s] / (sizes[z] + 2)) + 1) {
				fill(pkt, sizes[z], 77, sent);
				sink.sizes[sent % 4096] = sizes[z];
				rc = keg_packer_add(&p, 77, pkt, sizes[z], 0);
				if (rc == -ENOBUFS) {
					size_t n = keg_packer_finish(&p);

					cr_assert_leq(n, keg_buf_size(segs[s]));
					cr_assert_geq(keg_rx_push(&rx, buf, n, check_pkt, &sink), 1);
					continue;
				}
				cr_assert_geq(rc, 0);
				sent++;
				if (rc == 1) {
					size_t n = keg_packer_finish(&p);

					cr_assert_geq(keg_rx_push(&rx, buf, n, check_pkt, &sink), 1);
				}
			}
			size_t n = keg_packer_finish(&p);

			if (n)
				cr_assert_geq(keg_rx_push(&rx, buf, n, check_pkt, &sink), 1);
			cr_expect_eq(sink.bad, 0, "seg %u size %zu", segs[s], sizes[z]);
			cr_expect_eq(sink.next, sent, "seg %u size %zu: %u of %u",
				     segs[s], sizes[z], sink.next, sent);
			cr_expect(keg_rx_idle(&rx));
			keg_rx_free(&rx);
		}
	}
	free(buf);
	free(pkt);
}

Test(frame, packer_limits)
{
	uint8_t buf[KEG_HDR_LEN + KEG_SEGSIZE_MIN], pkt[KEG_SEGSIZE_MIN] = { 0 };
	struct keg_packer p;

	cr_expect_eq(keg_packer_init(&p, buf, KEG_SEGSIZE_MIN - 1, 0), -EINVAL);
	cr_expect_eq(keg_packer_init(&p, buf, KEG_SEGSIZE_MAX + 1, 0), -EINVAL);
	cr_assert_eq(keg_packer_init(&p, buf, KEG_SEGSIZE_MIN, 0), 0);
	cr_expect_eq(keg_packer_add(&p, 1, pkt, 0, 0), -EMSGSIZE);
	cr_expect_eq(keg_packer_add(&p, 1, pkt, KEG_SEGSIZE_MIN - 1, 0), -EMSGSIZE);
	/* Exactly Segsize: one record fills the keg. */
	cr_expect_eq(keg_packer_add(&p, 1, pkt, KEG_SEGSIZE_MIN - 2, 0), 1);
	cr_expect_eq(keg_packer_add(&p, 1, pkt, 1, 0), -ENOBUFS);
	cr_expect_eq(keg_packer_finish(&p), KEG_HDR_LEN + KEG_SEGSIZE_MIN);
	cr_expect(keg_packer_empty(&p));
	cr_expect_eq(keg_packer_finish(&p), 0);
	/* Another flow never joins a keg. */
	cr_expect_eq(keg_packer_add(&p, 1, pkt, 100, 0), 0);
	cr_expect_eq(keg_packer_add(&p, 2, pkt, 100, 0), -ENOBUFS);
	cr_expect_eq(keg_packer_add(&p, 1, pkt, 100, 0), 0);
	cr_expect_eq(keg_packer_finish(&p), KEG_HDR_LEN + 2 * 102);
	/* Room for a record of 1 byte but not 2: full. */
	cr_expect_eq(keg_packer_add(&p, 1, pkt, KEG_SEGSIZE_MIN - 5, 0), 0);
	cr_expect_eq(keg_packer_add(&p, 1, pkt, 2, 0), -ENOBUFS);
	cr_expect_eq(keg_packer_add(&p, 1, pkt, 1, 0), 1);
}

Test(frame, deadline_driven_clock)
{
	uint8_t buf[KEG_HDR_LEN + KEG_SEGSIZE_DEFAULT], pkt[100] = { 0 };
	const uint64_t t0 = 5000000000ULL, d = KEG_DEADLINE_NS_DEFAULT;
	struct keg_packer p;

	cr_assert_eq(keg_packer_init(&p, buf, KEG_SEGSIZE_DEFAULT, d), 0);
	cr_expect_eq(keg_packer_deadline(&p), UINT64_MAX);
	cr_expect_not(keg_packer_due(&p, UINT64_MAX));
	cr_expect_eq(keg_packer_add(&p, 9, pkt, sizeof(pkt), t0), 0);
	cr_expect_eq(keg_packer_deadline(&p), t0 + d);
	/* Later packets do not push the deadline back. */
	cr_expect_eq(keg_packer_add(&p, 9, pkt, sizeof(pkt), t0 + d - 1), 0);
	cr_expect_eq(keg_packer_deadline(&p), t0 + d);
	cr_expect_not(keg_packer_due(&p, t0 + d - 1));
	cr_expect(keg_packer_due(&p, t0 + d));
	cr_expect_eq(keg_packer_finish(&p), KEG_HDR_LEN + 2 * 102);
	cr_expect_not(keg_packer_due(&p, t0 + 10 * d));
	/* The next keg's deadline starts at its own first packet. */
	cr_expect_eq(keg_packer_add(&p, 9, pkt, sizeof(pkt), t0 + 3 * d), 0);
	cr_expect_eq(keg_packer_deadline(&p), t0 + 4 * d);
	/* Deadline 0: due at once. */
	cr_assert_eq(keg_packer_init(&p, buf, KEG_SEGSIZE_DEFAULT, 0), 0);
	cr_expect_eq(keg_packer_add(&p, 9, pkt, sizeof(pkt), 0), 0);
	cr_expect(keg_packer_due(&p, 0));
}

/* A reference keg: flow 0x01020304, packets of 1, 300 and 1500 bytes. */
static const size_t ref_sizes[] = { 1, 300, 1500 };
static uint8_t ref[KEG_HDR_LEN + 3 * KEG_REC_HDR_LEN + 1801];
static size_t ref_len;

static void make_ref(void)
{
	static uint8_t buf[KEG_HDR_LEN + KEG_SEGSIZE_DEFAULT];

	ref_len = build(buf, KEG_SEGSIZE_DEFAULT, 0x01020304, ref_sizes, 3);
	cr_assert_eq(ref_len, sizeof(ref));
	memcpy(ref, buf, ref_len);
}

Test(frame, header_bytes)
{
	make_ref();
	/* Written out by hand from headers/keg_wire.h. */
	static const uint8_t hdr[] = { 1, 0, 0, 3, 1, 2, 3, 4, 0, 0, 0x07, 0x0f };
	cr_expect_arr_eq(ref, hdr, sizeof(hdr));
	cr_expect_eq(ref[12], 0);
	cr_expect_eq(ref[13], 1);
	cr_expect_eq(ref[14], pat(0x01020304, 0, 0));
	cr_expect_eq(ref[15], 0x01);
	cr_expect_eq(ref[16], 0x2c);
}

Test(frame, every_truncation)
{
	struct keg_view v;

	make_ref();
	cr_assert_eq(keg_decode(ref, ref_len, KEG_SEGSIZE_DEFAULT, &v), (ssize_t)ref_len);
	cr_expect_eq(v.npkts, 3);
	cr_expect_eq(v.flow_id, 0x01020304);
	for (size_t l = 0; l < ref_len; l++)
		cr_expect_eq(keg_decode(ref, l, KEG_SEGSIZE_DEFAULT, &v), 0, "prefix %zu", l);
	/* Trailing bytes belong to the next keg, never to this one. */
	uint8_t two[2 * sizeof(ref)];

	memcpy(two, ref, ref_len);
	memcpy(two + ref_len, ref, ref_len);
	for (size_t l = ref_len; l <= 2 * ref_len; l++)
		cr_expect_eq(keg_decode(two, l, KEG_SEGSIZE_DEFAULT, &v), (ssize_t)ref_len);
}

/* Two copies of the reference keg through keg_rx cut at every offset, and
 * byte by byte: six packets, in order, whatever the chunking. */
Test(frame, reassembly_every_split)
{
	uint8_t two[2 * sizeof(ref)];
	struct keg_rx rx;

	make_ref();
	memcpy(two, ref, ref_len);
	memcpy(two + ref_len, ref, ref_len);
	cr_assert_eq(keg_rx_init(&rx, KEG_SEGSIZE_DEFAULT), 0);
	for (size_t cut = 0; cut <= sizeof(two); cut++) {
		struct sink s = { .flow = 0x01020304, .mod = 3 };
		int a, b;

		for (int i = 0; i < 6; i++)
			s.sizes[i] = ref_sizes[i % 3];
		a = keg_rx_push(&rx, two, cut, check_pkt, &s);
		b = keg_rx_push(&rx, two + cut, sizeof(two) - cut, check_pkt, &s);
		cr_expect_eq(a + b, 6, "cut %zu: %d + %d", cut, a, b);
		cr_expect_eq(s.bad, 0, "cut %zu", cut);
		cr_expect(keg_rx_idle(&rx));
	}
	struct sink s = { .flow = 0x01020304, .mod = 3 };
	int total = 0;

	for (int i = 0; i < 6; i++)
		s.sizes[i] = ref_sizes[i % 3];
	for (size_t i = 0; i < sizeof(two); i++) {
		total += keg_rx_push(&rx, two + i, 1, check_pkt, &s);
	}
	cr_expect_eq(total, 6);
	cr_expect_eq(s.bad, 0);
	cr_expect_eq(rx.kegs, 2 * (sizeof(two) + 1) + 2);
	keg_rx_free(&rx);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int count_pkt(void *ctx, const struct keg_view *k, const uint8_t *p, size_t l)
{
	(void)k, (void)p, (void)l;
	(*(int *)ctx)++;
	return 0;
}

Test(frame, every_malformed_field)
{
	uint8_t m[sizeof(ref) + 8];
	struct keg_view v;

	make_ref();
#define MUT(expr, want) do { \
		memcpy(m, ref, ref_len); \
		expr; \
		cr_expect_eq(keg_decode(m, ref_len, KEG_SEGSIZE_DEFAULT, &v), want, "%s", #expr); \
	} while (0)
	/* version: every value but 1 */
	for (int x = 0; x < 256; x++)
		if (x != KEG_WIRE_VERSION)
			MUT(m[0] = (uint8_t)x, -EPROTO);
	/* flags: every unknown bit, LZ4 without COMPRESSED */
	for (int b = 0; b < 8; b++)
		if (!((1 << b) & KEG_F_COMPRESSED))
			MUT(m[1] = (uint8_t)(1 << b), -EBADMSG);
	MUT(m[1] = KEG_F_LZ4 | 0x80, -EBADMSG);
	/* a compressed body shorter than raw_len and one byte */
	MUT((m[1] = KEG_F_COMPRESSED, put32(m + 8, KEG_ZHDR_LEN)), -EBADMSG);
	/* npkts: 0, one too few, one too many, all too many for len */
	MUT(m[3] = 0, -EBADMSG);
	MUT(m[3] = 2, -EBADMSG);
	MUT(m[3] = 4, -EBADMSG);
	MUT(m[2] = 0xff, -EBADMSG);
	/* len: above Segsize, above the protocol maximum, one short, zero */
	MUT(put32(m + 8, KEG_SEGSIZE_DEFAULT + 1), -EMSGSIZE);
	MUT(put32(m + 8, 0xffffffff), -EMSGSIZE);
	MUT(put32(m + 8, (uint32_t)(ref_len - KEG_HDR_LEN - 1)), -EBADMSG);
	MUT(put32(m + 8, 0), -EBADMSG);
	/* record lengths: zero, one more than the keg holds, each one off by one */
	MUT((m[12] = 0, m[13] = 0), -EBADMSG);
	MUT((m[15] = 0x01, m[16] = 0x2d), -EBADMSG);
	MUT((m[15] = 0x01, m[16] = 0x2b), -EBADMSG);
	MUT(m[13] = 2, -EBADMSG);
	MUT(m[13] = 0, -EBADMSG);
	MUT((m[15] = 0xff, m[16] = 0xff), -EBADMSG);
	/* last record's length one short: a trailing byte no record owns */
	MUT(m[12 + 3 + 2 + 300 + 1] = 0xdb, -EBADMSG);
	/* A len field asking for more than is there is only truncation... */
	memcpy(m, ref, ref_len);
	put32(m + 8, (uint32_t)(ref_len - KEG_HDR_LEN + 1));
	cr_expect_eq(keg_decode(m, ref_len, KEG_SEGSIZE_DEFAULT, &v), 0);
	/* ...until the byte arrives and the records do not fill it. */
	m[ref_len] = 0;
	cr_expect_eq(keg_decode(m, ref_len + 1, KEG_SEGSIZE_DEFAULT, &v), -EBADMSG);

	/* keg_rx stops at the bad keg: what came before is delivered, not after. */
	struct keg_rx rx;
	uint8_t s[3 * sizeof(ref)];
	int n = 0;

	cr_assert_eq(keg_rx_init(&rx, KEG_SEGSIZE_DEFAULT), 0);
	memcpy(s, ref, ref_len);
	memcpy(s + ref_len, ref, ref_len);
	memcpy(s + 2 * ref_len, ref, ref_len);
	s[ref_len + 1] = 0x80;
	cr_expect_eq(keg_rx_push(&rx, s, sizeof(s), count_pkt, &n), -EBADMSG);
	cr_expect_eq(n, 3);
	keg_rx_free(&rx);
	/* The receiver's own limit is enforced, not only the protocol's. */
	cr_expect_eq(keg_decode(ref, ref_len, 1000, &v), -EMSGSIZE);
	cr_expect_eq(keg_rx_init(&rx, KEG_SEGSIZE_MAX + 1), -EINVAL);
}
