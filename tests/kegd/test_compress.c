// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_compress.c - keg compression (user/kegd/keg_compress.c): round trips
 * of kegs of every size up to Segsize through zstd and LZ4 and keg_rx, the
 * back-off state machine, incompressible kegs passed through untouched,
 * and a hostile peer's compressed kegs (corrupt, truncated, bombs,
 * oversized, on a keg/1 stream) dropped and counted. The site option
 * words (`compress`, `compress-gain`) are tested here too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <lz4.h>
#include <zstd.h>

#include "keg_compress.h"
#include "keg_frame.h"
#include "site_conf.h"

static const struct keg_z_conf ZSTD1 = { KEG_COMPRESS_ZSTD, 1, 10 };
static const struct keg_z_conf LZ4 = { KEG_COMPRESS_LZ4, 1, 10 };

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Text-like bytes (words of a small vocabulary): they compress. */
static void fill_text(uint8_t *p, size_t len, uint32_t seed)
{
	static const char *w[] = { "keg ", "site ", "struct ", "return ", "int ", "0x1f, ",
				   "#include <stdio.h>\n", "the ", "packet ", "{\n\t" };
	size_t i = 0;

	seed |= 1;
	while (i < len) {
		const char *x = w[rnd(&seed) % 10];

		for (; *x && i < len; x++)
			p[i++] = (uint8_t)*x;
	}
}

static void fill_random(uint8_t *p, size_t len, uint32_t seed)
{
	seed |= 1;
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rnd(&seed);
}

/* The packets a keg_rx delivered, concatenated. */
struct sink {
	uint8_t *buf;
	size_t len, cap;
	uint32_t pkts;
};

static int collect(void *ctx, const struct keg_view *k, const uint8_t *pkt, size_t len)
{
	struct sink *s = ctx;

	(void)k;
	cr_assert_leq(s->len + len, s->cap);
	memcpy(s->buf + s->len, pkt, len);
	s->len += len;
	s->pkts++;
	return 0;
}

/* One plain keg holding one packet of `rec - 2` bytes (rec record bytes). */
static size_t one_packet_keg(uint8_t *kbuf, uint32_t segsize, const uint8_t *pkt, size_t rec)
{
	struct keg_packer p;

	cr_assert_eq(keg_packer_init(&p, kbuf, segsize, 0), 0);
	cr_assert_geq(keg_packer_add(&p, 42, pkt, rec - KEG_REC_HDR_LEN, 0), 0);
	return keg_packer_finish(&p);
}

static void round_trip_every_size(const struct keg_z_conf *conf)
{
	const uint32_t seg = KEG_SEGSIZE_DEFAULT;
	uint8_t *kbuf = malloc(keg_buf_size(seg)), *pkt = malloc(seg);
	struct sink s = { .buf = malloc(seg), .cap = seg };
	struct keg_z tx, rx;
	struct keg_rx krx;
	uint64_t compressed = 0;

	fill_text(pkt, seg, 7);
	cr_assert_eq(keg_z_init(&tx, conf, seg, seg), 0);
	cr_assert_eq(keg_z_init(&rx, conf, seg, seg), 0);
	tx.peer_z = true;
	cr_assert_eq(keg_rx_init(&krx, seg), 0);
	krx.expand = keg_z_expand;
	krx.expand_ctx = &rx;
	for (size_t rec = KEG_REC_HDR_LEN + 1; rec <= seg; rec++) {
		size_t n = one_packet_keg(kbuf, seg, pkt, rec), len = n;
		const uint8_t *out = keg_z_keg(&tx, NULL, kbuf, &len);

		if (rec < KEG_Z_SMALL) {
			/* Small: passed through, the very bytes. */
			cr_assert_eq(out, kbuf, "record bytes %zu", rec);
			cr_assert_eq(len, n);
		} else if (out != kbuf) {
			cr_assert_eq(out[1] & KEG_F_COMPRESSED, KEG_F_COMPRESSED);
			cr_assert_leq(len, n - n / 10, "%zu -> %zu", n, len);
			compressed++;
		}
		s.len = 0;
		s.pkts = 0;
		cr_assert_eq(keg_rx_push(&krx, out, len, collect, &s), 1, "record bytes %zu", rec);
		cr_assert(keg_rx_idle(&krx));
		cr_assert_eq(s.len, rec - KEG_REC_HDR_LEN);
		cr_assert_eq(memcmp(s.buf, pkt, s.len), 0, "record bytes %zu", rec);
	}
	/* Text compresses: every keg from the threshold up went out compressed. */
	cr_expect_eq(compressed, seg - KEG_Z_SMALL + 1);
	cr_expect_eq(tx.st.kegs_z, compressed);
	cr_expect_eq(rx.st.rx_kegs_z, compressed);
	cr_expect_eq(rx.st.drop_unz, 0);
	cr_expect_lt(tx.st.bytes_out, tx.st.bytes_in / 2);
	cr_expect_gt(tx.st.cpu_z_ns, 0);
	keg_rx_free(&krx);
	keg_z_free(&tx);
	keg_z_free(&rx);
	free(kbuf);
	free(pkt);
	free(s.buf);
}

Test(compress, zstd_round_trip_every_size)
{
	round_trip_every_size(&ZSTD1);
}

Test(compress, lz4_round_trip_every_size)
{
	round_trip_every_size(&LZ4);
}

/* The largest Segsize, full of 1500-byte packets, both codecs, and a
 * few zstd levels. */
Test(compress, segsize_max_many_packets)
{
	const uint32_t seg = KEG_SEGSIZE_MAX;
	const struct keg_z_conf confs[] = { ZSTD1, LZ4, { KEG_COMPRESS_ZSTD, 3, 10 },
					    { KEG_COMPRESS_ZSTD, 19, 10 } };
	uint8_t *kbuf = malloc(keg_buf_size(seg)), *data = malloc(seg);
	struct sink s = { .buf = malloc(seg), .cap = seg };

	fill_text(data, seg, 99);
	for (size_t c = 0; c < sizeof(confs) / sizeof(confs[0]); c++) {
		struct keg_packer p;
		struct keg_z tx, rx;
		struct keg_rx krx;
		size_t off = 0, n, len;
		int rc = 0;

		cr_assert_eq(keg_packer_init(&p, kbuf, seg, 0), 0);
		/* Until the next packet does not fit. */
		while (rc == 0) {
			rc = keg_packer_add(&p, 9, data + off, 1500, 0);
			cr_assert(rc >= 0 || rc == -ENOBUFS);
			if (rc >= 0)
				off += 1500;
		}
		n = keg_packer_finish(&p);
		len = n;
		cr_assert_eq(keg_z_init(&tx, &confs[c], seg, seg), 0);
		cr_assert_eq(keg_z_init(&rx, &confs[c], seg, seg), 0);
		tx.peer_z = true;
		const uint8_t *out = keg_z_keg(&tx, NULL, kbuf, &len);

		cr_assert_neq(out, kbuf);
		cr_assert_lt(len, n / 2);
		cr_assert_eq(keg_rx_init(&krx, seg), 0);
		krx.expand = keg_z_expand;
		krx.expand_ctx = &rx;
		s.len = s.pkts = 0;
		cr_assert_eq(keg_rx_push(&krx, out, len, collect, &s), (int)(off / 1500));
		cr_assert_eq(s.len, off);
		cr_assert_eq(memcmp(s.buf, data, off), 0);
		keg_rx_free(&krx);
		keg_z_free(&tx);
		keg_z_free(&rx);
	}
	free(kbuf);
	free(data);
	free(s.buf);
}

Test(compress, backoff_state_machine)
{
	struct keg_z_backoff b = { 0 };
	uint32_t want = KEG_Z_BACKOFF_MIN;

	cr_assert(keg_z_backoff_try(&b));
	/* Each miss doubles the run of untried kegs, up to the maximum. */
	for (int round = 0; round < 10; round++) {
		keg_z_backoff_result(&b, false);
		for (uint32_t i = 0; i < want; i++)
			cr_assert_not(keg_z_backoff_try(&b), "round %d keg %u", round, i);
		cr_assert(keg_z_backoff_try(&b), "round %d: probe after %u", round, want);
		want = want * 2 > KEG_Z_BACKOFF_MAX ? KEG_Z_BACKOFF_MAX : want * 2;
	}
	/* A gain ends the back-off: every keg is tried again. */
	keg_z_backoff_result(&b, true);
	for (int i = 0; i < 100; i++)
		cr_assert(keg_z_backoff_try(&b));
	/* and a new miss starts from the minimum. */
	keg_z_backoff_result(&b, false);
	cr_assert_not(keg_z_backoff_try(&b));
	cr_assert_not(keg_z_backoff_try(&b));
	cr_assert(keg_z_backoff_try(&b));
}

/* Random kegs: never sent compressed, their bytes untouched, and tried
 * about once per KEG_Z_BACKOFF_MAX kegs; text right after them is
 * compressed within one back-off, then every keg. */
Test(compress, incompressible_passed_through_backing_off)
{
	const uint32_t seg = KEG_SEGSIZE_DEFAULT;
	uint8_t *kbuf = malloc(keg_buf_size(seg)), *pkt = malloc(seg), *copy;
	struct keg_z_backoff b = { 0 };
	struct keg_z z;
	int first_z = -1;

	copy = malloc(keg_buf_size(seg));
	cr_assert_eq(keg_z_init(&z, &ZSTD1, seg, seg), 0);
	z.peer_z = true;
	for (int k = 0; k < 1000; k++) {
		fill_random(pkt, seg, (uint32_t)k + 1);
		size_t n = one_packet_keg(kbuf, seg, pkt, seg), len = n;

		memcpy(copy, kbuf, n);
		const uint8_t *out = keg_z_keg(&z, &b, kbuf, &len);

		cr_assert_eq(out, kbuf);
		cr_assert_eq(len, n);
		cr_assert_eq(memcmp(out, copy, n), 0);
	}
	cr_expect_eq(z.st.kegs_z, 0);
	cr_expect_eq(z.st.kegs_pass, 1000);
	cr_expect_eq(z.st.bytes_in, z.st.bytes_out);
	/* 1 + 2 + 4 + .. + 64, then one in 65: about 20 tries, not 1000. */
	cr_expect_leq(z.st.kegs_miss, 25, "tried %lu of 1000", z.st.kegs_miss);
	cr_expect_geq(z.st.kegs_miss, 10);
	for (int k = 0; k < 200; k++) {
		fill_text(pkt, seg, (uint32_t)k + 5);
		size_t len = one_packet_keg(kbuf, seg, pkt, seg);
		const uint8_t *out = keg_z_keg(&z, &b, kbuf, &len);

		if (out != kbuf && first_z < 0)
			first_z = k;
		if (first_z >= 0)
			cr_assert_neq(out, kbuf, "keg %d after the first compressed one", k);
	}
	cr_expect_geq(first_z, 0);
	cr_expect_leq(first_z, KEG_Z_BACKOFF_MAX);
	/* off, and a keg/1 peer: nothing tried. */
	uint64_t tried = z.st.kegs_z + z.st.kegs_miss;
	size_t len = one_packet_keg(kbuf, seg, pkt, seg);

	z.peer_z = false;
	cr_expect_eq(keg_z_keg(&z, NULL, kbuf, &len), kbuf);
	z.peer_z = true;
	cr_assert_eq(keg_z_set_conf(&z, &(struct keg_z_conf){ KEG_COMPRESS_OFF, 1, 10 }), 0);
	cr_expect_eq(keg_z_keg(&z, NULL, kbuf, &len), kbuf);
	cr_expect_eq(z.st.kegs_z + z.st.kegs_miss, tried);
	/* A gain threshold the codec cannot reach: passed through. */
	cr_assert_eq(keg_z_set_conf(&z, &(struct keg_z_conf){ KEG_COMPRESS_ZSTD, 1, 90 }), 0);
	fill_text(pkt, seg, 1);
	len = one_packet_keg(kbuf, seg, pkt, 2000);
	cr_expect_eq(keg_z_keg(&z, NULL, kbuf, &len), kbuf);
	keg_z_free(&z);
	free(kbuf);
	free(pkt);
	free(copy);
}

/* A compressed keg of `rec` text record bytes in out (returns its length). */
static size_t make_compressed(struct keg_z *tx, uint8_t *kbuf, uint8_t *out, size_t rec)
{
	uint8_t pkt[KEG_SEGSIZE_DEFAULT];
	size_t len = 0;

	fill_text(pkt, sizeof(pkt), 3);
	len = one_packet_keg(kbuf, KEG_SEGSIZE_DEFAULT, pkt, rec);
	const uint8_t *k = keg_z_keg(tx, NULL, kbuf, &len);

	cr_assert_neq(k, kbuf);
	memcpy(out, k, len);
	return len;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Expand a keg in buf[0..len) the way keg_rx would: 0 delivered / <0. */
static int expand_raw(struct keg_z *rx, const uint8_t *buf, size_t len)
{
	struct keg_view in, out;
	ssize_t n = keg_decode(buf, len, KEG_SEGSIZE_DEFAULT, &in);

	if (n <= 0)
		return n < 0 ? (int)n : -EAGAIN;
	return keg_z_expand(rx, &in, &out);
}

/* Every byte of a compressed body changed, every length cut: never a
 * crash or more than raw_len bytes; what is refused is counted. */
static void corrupt_case(const struct keg_z_conf *conf)
{
	uint8_t kbuf[KEG_HDR_LEN + KEG_SEGSIZE_DEFAULT], good[KEG_HDR_LEN + KEG_SEGSIZE_DEFAULT];
	uint8_t m[KEG_HDR_LEN + KEG_SEGSIZE_DEFAULT];
	struct keg_z tx, rx;
	size_t len;
	uint64_t refused = 0, accepted = 0, before;

	cr_assert_eq(keg_z_init(&tx, conf, KEG_SEGSIZE_DEFAULT, KEG_SEGSIZE_DEFAULT), 0);
	cr_assert_eq(keg_z_init(&rx, conf, KEG_SEGSIZE_DEFAULT, KEG_SEGSIZE_DEFAULT), 0);
	tx.peer_z = true;
	len = make_compressed(&tx, kbuf, good, 4000);
	cr_assert_eq(expand_raw(&rx, good, len), 0);
	for (size_t i = KEG_HDR_LEN; i < len; i++) {
		for (int x = 0; x < 3; x++) {
			static const uint8_t flip[] = { 0x01, 0x80, 0xff };
			int rc;

			memcpy(m, good, len);
			m[i] ^= flip[x];
			before = rx.st.drop_unz;
			rc = expand_raw(&rx, m, len);
			/* No checksum in the frame (QUIC's AEAD guards the
			 * bytes): a changed literal may still expand to valid
			 * records. Either way nothing else happens. */
			if (rc < 0) {
				refused++;
				cr_assert_eq(rx.st.drop_unz, before + 1, "byte %zu", i);
			} else {
				accepted++;
				cr_assert_eq(rx.st.drop_unz, before);
			}
		}
	}
	cr_expect_gt(refused, 0);
	cr_expect_eq(refused + accepted, 3 * (len - KEG_HDR_LEN));
	cr_log_info("%s: %lu of %lu changed bytes refused", conf->codec ? "lz4" : "zstd",
		    refused, refused + accepted);
	/* Cut short (the header's len says so): refused. */
	for (size_t cut = KEG_HDR_LEN + KEG_ZHDR_LEN + 1; cut < len; cut++) {
		memcpy(m, good, cut);
		put32(m + 8, (uint32_t)(cut - KEG_HDR_LEN));
		cr_assert_lt(expand_raw(&rx, m, cut), 0, "cut at %zu", cut);
	}
	/* raw_len off by one either way, above Segsize, below 3 bytes a packet. */
	memcpy(m, good, len);
	put32(m + KEG_HDR_LEN, 4000 + 1);
	cr_expect_lt(expand_raw(&rx, m, len), 0);
	put32(m + KEG_HDR_LEN, 4000 - 1);
	cr_expect_lt(expand_raw(&rx, m, len), 0);
	put32(m + KEG_HDR_LEN, KEG_SEGSIZE_DEFAULT + 1);
	cr_expect_eq(expand_raw(&rx, m, len), -EMSGSIZE);
	put32(m + KEG_HDR_LEN, 0xffffffff);
	cr_expect_eq(expand_raw(&rx, m, len), -EMSGSIZE);
	put32(m + KEG_HDR_LEN, 2);
	cr_expect_eq(expand_raw(&rx, m, len), -EMSGSIZE);
	/* npkts other than the records held: the records check refuses. */
	memcpy(m, good, len);
	m[3] = 2;
	cr_expect_eq(expand_raw(&rx, m, len), -EBADMSG);
	/* The other codec's flag on these bytes: refused. */
	memcpy(m, good, len);
	m[1] ^= KEG_F_LZ4;
	cr_expect_lt(expand_raw(&rx, m, len), 0);
	keg_z_free(&tx);
	keg_z_free(&rx);
}

Test(compress, corrupt_zstd)
{
	corrupt_case(&ZSTD1);
}

Test(compress, corrupt_lz4)
{
	corrupt_case(&LZ4);
}

/* A compressed keg with body b[0..blen) claiming raw_len and npkts 1. */
static size_t forge(uint8_t *m, uint8_t flags, uint32_t raw_len, const void *b, size_t blen)
{
	m[0] = KEG_WIRE_VERSION;
	m[1] = flags;
	m[2] = 0;
	m[3] = 1;
	put32(m + 4, 5);
	put32(m + 8, (uint32_t)(KEG_ZHDR_LEN + blen));
	put32(m + KEG_HDR_LEN, raw_len);
	memcpy(m + KEG_HDR_LEN + KEG_ZHDR_LEN, b, blen);
	return KEG_HDR_LEN + KEG_ZHDR_LEN + blen;
}

/* Decompression bombs: a small body that expands far beyond what it
 * declares is stopped at raw_len, whatever the codec. */
Test(compress, bombs_dropped)
{
	size_t big = 16 << 20, cap = ZSTD_compressBound(big), n, blen;
	uint8_t *zeros = calloc(1, big), *body = malloc(cap);
	uint8_t m[KEG_HDR_LEN + KEG_SEGSIZE_DEFAULT];
	struct keg_z rx;

	cr_assert_eq(keg_z_init(&rx, &ZSTD1, KEG_SEGSIZE_DEFAULT, KEG_SEGSIZE_DEFAULT), 0);
	/* zstd: 16 MiB of zeros in a few hundred bytes, declared 30000. */
	blen = ZSTD_compress(body, cap, zeros, big, 1);
	cr_assert(!ZSTD_isError(blen) && blen < 4096, "%zu", blen);
	n = forge(m, KEG_F_COMPRESSED, 30000, body, blen);
	cr_expect_eq(expand_raw(&rx, m, n), -EBADMSG);
	/* The same without a content size in the frame: refused too. */
	ZSTD_CCtx *c = ZSTD_createCCtx();

	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
	blen = ZSTD_compress2(c, body, cap, zeros, big);
	ZSTD_freeCCtx(c);
	cr_assert(!ZSTD_isError(blen) && blen < 4096);
	n = forge(m, KEG_F_COMPRESSED, 30000, body, blen);
	cr_expect_eq(expand_raw(&rx, m, n), -EBADMSG);
	/* LZ4: 1 MiB of zeros (about 4 KiB of block), declared 30000. */
	blen = (size_t)LZ4_compress_default((const char *)zeros, (char *)body, (int)(1 << 20),
					    (int)cap);
	cr_assert_gt(blen, 0);
	cr_assert_lt(blen, sizeof(m) - 100);
	n = forge(m, KEG_F_COMPRESSED | KEG_F_LZ4, 30000, body, blen);
	cr_expect_eq(expand_raw(&rx, m, n), -EBADMSG);
	/* Declared above the Segsize: refused before any work. */
	n = forge(m, KEG_F_COMPRESSED, KEG_SEGSIZE_DEFAULT + 1, body, 16);
	cr_expect_eq(expand_raw(&rx, m, n), -EMSGSIZE);
	cr_expect_eq(rx.st.drop_unz, 4);
	cr_expect_eq(rx.st.rx_kegs_z, 0);
	keg_z_free(&rx);
	free(zeros);
	free(body);
}

/* A keg/1 stream (no expander) refuses a compressed keg like any unknown
 * flag; a keg/2 stream drops a bad one and goes on with the next. */
Test(compress, keg1_refuses_keg2_drops_and_goes_on)
{
	uint8_t kbuf[KEG_HDR_LEN + KEG_SEGSIZE_DEFAULT], stream[4 * (KEG_HDR_LEN + 8192)];
	uint8_t pkt[8192];
	struct sink s = { .buf = malloc(1 << 16), .cap = 1 << 16 };
	struct keg_z tx, rx;
	struct keg_rx krx;
	size_t n1, n2, len;

	cr_assert_eq(keg_z_init(&tx, &ZSTD1, KEG_SEGSIZE_DEFAULT, KEG_SEGSIZE_DEFAULT), 0);
	cr_assert_eq(keg_z_init(&rx, &ZSTD1, KEG_SEGSIZE_DEFAULT, KEG_SEGSIZE_DEFAULT), 0);
	tx.peer_z = true;
	n1 = make_compressed(&tx, kbuf, stream, 5000);
	/* a broken copy (raw_len one more than its frame holds) */
	memcpy(stream + n1, stream, n1);
	put32(stream + n1 + KEG_HDR_LEN, 5001);
	/* and a plain keg after it */
	fill_text(pkt, sizeof(pkt), 11);
	n2 = one_packet_keg(kbuf, KEG_SEGSIZE_DEFAULT, pkt, 3000);
	memcpy(stream + 2 * n1, kbuf, n2);
	len = 2 * n1 + n2;

	cr_assert_eq(keg_rx_init(&krx, KEG_SEGSIZE_DEFAULT), 0);
	cr_expect_eq(keg_rx_push(&krx, stream, len, collect, &s), -EBADMSG);
	keg_rx_free(&krx);
	/* keg/2, the stream split at every offset */
	for (size_t cut = 0; cut <= len; cut++) {
		int got;

		cr_assert_eq(keg_rx_init(&krx, KEG_SEGSIZE_DEFAULT), 0);
		krx.expand = keg_z_expand;
		krx.expand_ctx = &rx;
		s.len = s.pkts = 0;
		got = keg_rx_push(&krx, stream, cut, collect, &s);
		cr_assert_geq(got, 0, "cut %zu", cut);
		got = keg_rx_push(&krx, stream + cut, len - cut, collect, &s);
		cr_assert_geq(got, 0, "cut %zu", cut);
		cr_assert(keg_rx_idle(&krx));
		cr_assert_eq(s.pkts, 2, "cut %zu: %u packets", cut, s.pkts);
		cr_assert_eq(s.len, 4998 + 2998);
		keg_rx_free(&krx);
	}
	cr_expect_eq(rx.st.drop_unz, len + 1);
	keg_z_free(&tx);
	keg_z_free(&rx);
	free(s.buf);
}

Test(compress, site_words)
{
	struct keg_site s;
	struct keg_err err = { 0 };
	char buf[16];

	cr_assert_eq(keg_site_parse_line("site B 192.0.2.2 pubkey "
					 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &s, &err), 0,
		     "%s", err.msg);
	cr_expect_eq(s.compress, KEG_COMPRESS_ZSTD);
	cr_expect_eq(s.compress_level, 1);
	cr_expect_eq(s.compress_gain, 10);
	cr_assert_eq(keg_site_parse_line("site B 192.0.2.2 pubkey "
					 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= compress "
					 "zstd:19 compress-gain 25%", &s, &err), 0, "%s", err.msg);
	cr_expect_eq(s.compress_level, 19);
	cr_expect_eq(s.compress_gain, 25);
	cr_expect_str_eq(keg_site_compress_str(s.compress, s.compress_level, buf, sizeof(buf)),
			 "zstd:19");
	cr_assert_eq(keg_site_parse_line("site B 192.0.2.2 pubkey "
					 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= --compress lz4",
					 &s, &err), 0);
	cr_expect_str_eq(keg_site_compress_str(s.compress, s.compress_level, buf, sizeof(buf)),
			 "lz4");
	cr_assert_eq(keg_site_parse_line("site B 192.0.2.2 pubkey "
					 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= compress off",
					 &s, &err), 0);
	cr_expect_eq(s.compress, KEG_COMPRESS_OFF);
	static const struct { const char *words, *msg; } bad[] = {
		{ "compress gzip", "compress 'gzip' is none of zstd[:LEVEL], lz4, off" },
		{ "compress zstd:0", "a zstd level is 1-19" },
		{ "compress zstd:20", "a zstd level is 1-19" },
		{ "compress zstd:", "a zstd level is 1-19" },
		{ "compress zstd:1x", "a zstd level is 1-19" },
		{ "compress zstdx", "is none of" },
		{ "compress lz4:3", "is none of" },
		{ "compress-gain 0", "compress-gain '0' is not a percentage of 1-90" },
		{ "compress-gain 91", "not a percentage" },
		{ "compress-gain ten", "not a percentage" },
		{ "compress off compress lz4", "'compress' twice" },
		{ "compress", "'compress' needs a value" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[256];

		snprintf(line, sizeof(line), "site B 192.0.2.2 pubkey "
			 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= %s", bad[i].words);
		cr_expect_eq(keg_site_parse_line(line, &s, &err), -EINVAL, "%s", bad[i].words);
		cr_expect(strstr(err.msg, bad[i].msg), "%s: got '%s'", bad[i].words, err.msg);
	}
}

/* A site's zeroed conf fields are the defaults. */
Test(compress, conf_from_site_defaults)
{
	struct keg_site_conf c = { 0 };
	struct keg_z_conf z;

	keg_z_conf_from_site(&c, &z);
	cr_expect_eq(z.codec, KEG_COMPRESS_ZSTD);
	cr_expect_eq(z.level, 1);
	cr_expect_eq(z.gain_pct, 10);
	c.compress = 77;
	keg_z_conf_from_site(&c, &z);
	cr_expect_eq(z.codec, KEG_COMPRESS_OFF);
}
