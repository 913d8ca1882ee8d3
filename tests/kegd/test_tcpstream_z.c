// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_tcpstream_z.c - compressed kegs in the byte stream of a terminated
 * TCP connection (keg/3; user/kegd/tcpstream.c with keg_compress.c's
 * expander): plain and compressed kegs (zstd and LZ4) mixed, fed in chunks
 * cut at every offset and drained both ways (peek and peekv), come out as
 * the same bytes with credit for exactly the wire bytes; a compressed keg
 * gives nothing out until it is whole; refused without an expander;
 * corrupt bodies, bombs and bad flag combinations are errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "keg_compress.h"
#include "keg_frame.h"
#include "tcpstream.h"

#define SEG 32768

/* The TCP bytes: text-like, so kegs of them compress. */
static uint8_t tcp_byte(size_t i)
{
	static const char words[] = "the quick brown fox jumps over the lazy dog; ";

	return (uint8_t)(words[i % (sizeof(words) - 1)] + (i / 4096) % 3);
}

/* A keg of TCP bytes [from, from + len), compressed with codec (or
 * plain: KEG_COMPRESS_OFF) as a keg/3 sender makes it. Returns its
 * length at out. */
static size_t make_keg(uint8_t *out, size_t from, size_t len, uint8_t codec)
{
	struct keg_z_conf conf = { .codec = codec == KEG_COMPRESS_OFF ? KEG_COMPRESS_ZSTD : codec,
				   .level = 1, .gain_pct = 10 };
	static uint8_t plain[KEG_HDR_LEN + SEG];
	struct keg_z z;
	const uint8_t *k;
	size_t klen = KEG_TCP_KEG_HDR + len;

	keg_tcp_keg_hdr(plain, len);
	for (size_t i = 0; i < len; i++)
		plain[KEG_TCP_KEG_HDR + i] = tcp_byte(from + i);
	if (codec == KEG_COMPRESS_OFF) {
		memcpy(out, plain, klen);
		return klen;
	}
	cr_assert_eq(keg_z_init(&z, &conf, SEG, SEG), 0);
	z.peer_z = true;
	k = keg_z_keg(&z, NULL, plain, &klen);
	cr_assert_neq(k, plain, "a keg of %zu text bytes did not compress", len);
	memcpy(out, k, klen);
	keg_z_free(&z);
	return klen;
}

/* plain, zstd, plain, LZ4, zstd: their TCP bytes in *tcp. */
static size_t make_mixed(uint8_t *out, size_t *tcp)
{
	static const struct { size_t len; uint8_t codec; } kegs[] = {
		{ 300, KEG_COMPRESS_OFF }, { SEG - KEG_REC_HDR_LEN, KEG_COMPRESS_ZSTD },
		{ 5000, KEG_COMPRESS_OFF }, { 9000, KEG_COMPRESS_LZ4 }, { 2000, KEG_COMPRESS_ZSTD },
	};
	size_t n = 0, t = 0;

	for (size_t i = 0; i < sizeof(kegs) / sizeof(kegs[0]); i++) {
		n += make_keg(out + n, t, kegs[i].len, kegs[i].codec);
		t += kegs[i].len;
	}
	*tcp = t;
	return n;
}

struct zrx {
	struct keg_tsrx rx;
	struct keg_z z;
};

static void zrx_init(struct zrx *r, bool expand)
{
	struct keg_z_conf conf = { .codec = KEG_COMPRESS_ZSTD, .level = 1, .gain_pct = 10 };

	cr_assert_eq(keg_tsrx_init(&r->rx, 1 << 20, false), 0);
	cr_assert_eq(keg_z_init(&r->z, &conf, SEG, SEG), 0);
	if (expand) {
		r->rx.expand = keg_z_expand;
		r->rx.expand_ctx = &r->z;
	}
}

static void zrx_free(struct zrx *r)
{
	keg_tsrx_free(&r->rx);
	keg_z_free(&r->z);
}

/* Drain what is readable into got, by peek or by peekv; the credit. */
static size_t drain(struct keg_tsrx *rx, bool vec, uint8_t *got, size_t *ngot, ssize_t *err)
{
	size_t credit = 0;

	for (;;) {
		struct iovec iov[4];
		size_t n = 0;
		int nv;

		if (!vec) {
			const uint8_t *p;
			ssize_t len = keg_tsrx_peek(rx, &p);

			if (len <= 0) {
				*err = len;
				break;
			}
			memcpy(got + *ngot, p, (size_t)len);
			*ngot += (size_t)len;
			credit += keg_tsrx_consume(rx, (size_t)len);
			continue;
		}
		nv = keg_tsrx_peekv(rx, iov, 4);
		if (nv <= 0) {
			*err = nv;
			break;
		}
		for (int i = 0; i < nv; i++) {
			memcpy(got + *ngot, iov[i].iov_base, iov[i].iov_len);
			*ngot += iov[i].iov_len;
			n += iov[i].iov_len;
		}
		credit += keg_tsrx_consumev(rx, n);
	}
	return credit + keg_tsrx_consume(rx, 0);
}

Test(tcp_stream_z, mixed_kegs_every_chunking_same_bytes_and_credit)
{
	static uint8_t s[1 << 17], got[1 << 17];
	size_t tcp, len = make_mixed(s, &tcp);

	cr_assert_lt(len, tcp, "compressed kegs made the stream shorter");
	for (int vec = 0; vec < 2; vec++) {
		for (size_t chunk = 1; chunk <= len; chunk += chunk < 40 ? 1 : 331) {
			struct zrx r;
			size_t ngot = 0, credit = 0;
			ssize_t err = 0;

			zrx_init(&r, true);
			for (size_t off = 0; off < len; off += chunk) {
				size_t n = len - off < chunk ? len - off : chunk;

				cr_assert_eq(keg_tsrx_push(&r.rx, s + off, n), 0);
				credit += drain(&r.rx, vec, got, &ngot, &err);
				cr_assert_eq(err, 0, "chunk %zu off %zu: %zd", chunk, off, err);
			}
			cr_assert_eq(ngot, tcp, "vec %d chunk %zu: %zu of %zu bytes", vec, chunk,
				     ngot, tcp);
			for (size_t i = 0; i < ngot; i++)
				cr_assert_eq(got[i], tcp_byte(i), "chunk %zu byte %zu", chunk, i);
			cr_expect_eq(credit, len, "chunk %zu: credit %zu of %zu", chunk, credit,
				     len);
			cr_expect_eq(keg_tsrx_held(&r.rx), 0);
			cr_expect_eq(r.rx.bytes, tcp);
			cr_expect_eq(r.z.st.rx_kegs_z, 3);
			cr_expect_eq(r.z.st.drop_unz, 0);
			zrx_free(&r);
		}
	}
}

/* A compressed keg cut anywhere gives none of its bytes and no error. */
Test(tcp_stream_z, truncated_compressed_keg_waits_whole)
{
	static uint8_t s[1 << 16], got[1 << 16];
	size_t plain = make_keg(s, 0, 700, KEG_COMPRESS_OFF);
	size_t len = plain + make_keg(s + plain, 700, 20000, KEG_COMPRESS_ZSTD);

	for (size_t cut = plain; cut < len; cut++) {
		struct zrx r;
		size_t ngot = 0;
		ssize_t err;

		zrx_init(&r, true);
		cr_assert_eq(keg_tsrx_push(&r.rx, s, cut), 0);
		drain(&r.rx, cut & 1, got, &ngot, &err);
		cr_expect_eq(err, 0, "cut at %zu: %zd", cut, err);
		cr_expect_eq(ngot, 700, "cut at %zu: %zu bytes out", cut, ngot);
		zrx_free(&r);
	}
}

static ssize_t decode_z(const uint8_t *s, size_t len, bool expand, uint64_t *drops)
{
	static uint8_t got[1 << 17];
	struct zrx r;
	size_t ngot = 0;
	ssize_t err;

	zrx_init(&r, expand);
	cr_assert_eq(keg_tsrx_push(&r.rx, s, len), 0);
	drain(&r.rx, false, got, &ngot, &err);
	if (drops)
		*drops = r.z.st.drop_unz;
	zrx_free(&r);
	return err;
}

Test(tcp_stream_z, malformed_compressed_kegs)
{
	static uint8_t good[1 << 16], s[1 << 16];
	size_t len = make_keg(good, 0, 20000, KEG_COMPRESS_ZSTD);
	uint64_t drops;

	cr_assert_eq(decode_z(good, len, true, NULL), 0);
	/* keg/2 and keg/1 connections: refused like any flag. */
	cr_expect_eq(decode_z(good, len, false, NULL), -EBADMSG);
#define BAD(off, val, what) do {                                            \
		memcpy(s, good, len);                                       \
		s[off] = (val);                                             \
		cr_expect_lt(decode_z(s, len, true, NULL), 0, "%s", what);  \
	} while (0)
	BAD(1, KEG_F_COMPRESSED | 0x80, "an unknown flag beside COMPRESSED");
	BAD(1, KEG_F_LZ4, "LZ4 without COMPRESSED");
	BAD(1, KEG_F_COMPRESSED | KEG_F_LZ4, "a zstd body called LZ4");
	BAD(3, 2, "npkts 2, one record inside");
	BAD(3, 0, "npkts 0");
	BAD(KEG_HDR_LEN + 4 + 6, 0x55, "a corrupt zstd frame");
	BAD(KEG_HDR_LEN + 2, 0x80, "raw_len far beyond Segsize (a bomb)");
	BAD(KEG_HDR_LEN + 3, 0x01, "raw_len not what the frame holds");
#undef BAD
	/* The body's last byte gone, len one short: not the frame declared. */
	memcpy(s, good, len);
	s[11] = (uint8_t)(s[11] - 1);
	cr_expect_lt(decode_z(s, len - 1, true, &drops), 0);
	cr_expect_eq(drops, 1, "a keg that does not expand is counted");
	/* A compressed keg's len above any Segsize: refused before waiting. */
	memcpy(s, good, len);
	s[8] = 0x7f;
	cr_expect_eq(decode_z(s, len, true, NULL), -EMSGSIZE);
}
