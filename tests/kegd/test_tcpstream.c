// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_tcpstream.c - the wire side of terminated TCP connections
 * (user/kegd/tcpstream.c): the open header both ways and every malformed
 * field of it; the byte-keg decoder fed in chunks cut at every offset
 * (bytes out in order, flow-control credit for exactly what was passed),
 * every truncation (more needed, never an error), every malformed keg
 * field, and the window bound.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "keg_frame.h"
#include "tcpstream.h"

static void sin4(struct sockaddr_in *s, const char *a, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, a, &s->sin_addr);
}

static void sin6(struct sockaddr_in6 *s, const char *a, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	s->sin6_family = AF_INET6;
	s->sin6_port = htons(port);
	inet_pton(AF_INET6, a, &s->sin6_addr);
}

Test(tcp_open, round_trip_v4_v6)
{
	struct sockaddr_in c4, s4;
	struct sockaddr_in6 c6, s6;
	struct keg_tcp_ends e;
	uint8_t h[KEG_TCP_OPEN_LEN];

	sin4(&c4, "10.1.2.5", 40000);
	sin4(&s4, "10.2.0.9", 443);
	cr_assert_eq(keg_tcp_open_encode(h, (void *)&c4, (void *)&s4, IPPROTO_TCP, 0), 0);
	cr_expect_eq(h[0], KEG_TCP_OPEN_MAGIC);
	cr_assert_eq(keg_tcp_open_decode(h, &e), 0);
	cr_expect_eq(e.len, sizeof(struct sockaddr_in));
	cr_expect(!memcmp(&e.client, &c4, sizeof(c4)));
	cr_expect(!memcmp(&e.server, &s4, sizeof(s4)));

	sin6(&c6, "2001:db8::5", 40001);
	sin6(&s6, "2001:db8:2::9", 22);
	cr_assert_eq(keg_tcp_open_encode(h, (void *)&c6, (void *)&s6, IPPROTO_TCP, 0), 0);
	cr_assert_eq(keg_tcp_open_decode(h, &e), 0);
	cr_expect_eq(e.len, sizeof(struct sockaddr_in6));
	cr_expect(!memcmp(&((struct sockaddr_in6 *)&e.client)->sin6_addr, &c6.sin6_addr, 16));
	cr_expect_eq(((struct sockaddr_in6 *)&e.server)->sin6_port, htons(22));

	/* Proxy mode: the flag crosses; without it the far side binds to
	 * the client. */
	cr_expect_eq(e.proxy, false);
	cr_assert_eq(keg_tcp_open_encode(h, (void *)&c6, (void *)&s6, IPPROTO_TCP, KEG_TCP_OPEN_F_PROXY), 0);
	cr_expect_eq(h[3], KEG_TCP_OPEN_F_PROXY);
	cr_assert_eq(keg_tcp_open_decode(h, &e), 0);
	cr_expect_eq(e.proxy, true);
	cr_expect_eq(keg_tcp_open_encode(h, (void *)&c6, (void *)&s6, IPPROTO_TCP, 0x80), -EINVAL);

	/* A proxy's UDP: only with the proxy flag, either way. */
	cr_assert_eq(keg_tcp_open_encode(h, (void *)&c4, (void *)&s4, IPPROTO_UDP,
					 KEG_TCP_OPEN_F_PROXY), 0);
	cr_expect_eq(h[2], IPPROTO_UDP);
	cr_assert_eq(keg_tcp_open_decode(h, &e), 0);
	cr_expect_eq(e.proto, IPPROTO_UDP);
	cr_expect(e.proxy);
	h[3] = 0;
	cr_expect_eq(keg_tcp_open_decode(h, &e), -EBADMSG, "UDP without the proxy flag");
	cr_expect_eq(keg_tcp_open_encode(h, (void *)&c4, (void *)&s4, IPPROTO_UDP, 0), -EINVAL);
	cr_expect_eq(keg_tcp_open_encode(h, (void *)&c4, (void *)&s4, IPPROTO_ICMP,
					 KEG_TCP_OPEN_F_PROXY), -EINVAL);

	/* Mixed families cannot be encoded. */
	cr_expect_eq(keg_tcp_open_encode(h, (void *)&c4, (void *)&s6, IPPROTO_TCP, 0), -EAFNOSUPPORT);
}

Test(tcp_open, malformed_fields)
{
	struct sockaddr_in c, s;
	struct keg_tcp_ends e;
	uint8_t good[KEG_TCP_OPEN_LEN], h[KEG_TCP_OPEN_LEN];
	static const struct { size_t off; uint8_t val; const char *what; } bad[] = {
		{ 0, 0x01, "keg version instead of the magic" },
		{ 1, 5, "family 5" },
		{ 2, 17, "UDP" },
		{ 3, 2, "an unknown flag" },
		{ 3, 0x81, "the proxy flag with an unknown one" },
		{ 4, 0, "client port 0 (high byte; low byte below)" },
		{ 8, 0, "client address 0.x" },
		{ 8, 127, "loopback client" },
		{ 8, 224, "multicast client" },
		{ 24, 255, "broadcast server" },
		{ 12, 1, "IPv4 address with its padding set" },
	};

	sin4(&c, "10.1.2.5", 256);          /* port 256: high byte 1, low byte 0 */
	sin4(&s, "10.2.0.9", 80);
	cr_assert_eq(keg_tcp_open_encode(good, (void *)&c, (void *)&s, IPPROTO_TCP, 0), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(h, good, sizeof(h));
		h[bad[i].off] = bad[i].val;
		cr_expect_eq(keg_tcp_open_decode(h, &e), -EBADMSG, "%s accepted", bad[i].what);
	}
	/* The server's port 0. */
	memcpy(h, good, sizeof(h));
	h[6] = h[7] = 0;
	cr_expect_eq(keg_tcp_open_decode(h, &e), -EBADMSG);
}

/* A stream: open header, then kegs of `nkegs` x `recs` records of bytes
 * pattern(i). Returns its length; *tcp the TCP bytes in it. */
static size_t make_stream(uint8_t *out, bool open, int nkegs, int recs, size_t rlen,
			  size_t *tcp)
{
	struct sockaddr_in c, s;
	size_t n = 0, t = 0;

	if (open) {
		sin4(&c, "10.1.2.5", 1000);
		sin4(&s, "10.2.0.9", 80);
		keg_tcp_open_encode(out, (void *)&c, (void *)&s, IPPROTO_TCP, 0);
		n = KEG_TCP_OPEN_LEN;
	}
	for (int k = 0; k < nkegs; k++) {
		uint32_t len = (uint32_t)(recs * (KEG_REC_HDR_LEN + rlen));

		out[n] = KEG_WIRE_VERSION;
		out[n + 1] = 0;
		out[n + 2] = 0;
		out[n + 3] = (uint8_t)recs;
		memset(out + n + 4, 0, 4);
		out[n + 8] = (uint8_t)(len >> 24);
		out[n + 9] = (uint8_t)(len >> 16);
		out[n + 10] = (uint8_t)(len >> 8);
		out[n + 11] = (uint8_t)len;
		n += KEG_HDR_LEN;
		for (int r = 0; r < recs; r++) {
			out[n++] = (uint8_t)(rlen >> 8);
			out[n++] = (uint8_t)rlen;
			for (size_t i = 0; i < rlen; i++)
				out[n++] = (uint8_t)(t++ * 13 + 7);
		}
	}
	*tcp = t;
	return n;
}

/* Drain what is readable into got; returns the credit returned. */
static size_t drain(struct keg_tsrx *rx, uint8_t *got, size_t *ngot, ssize_t *err)
{
	size_t credit = 0;
	const uint8_t *p;
	ssize_t n;

	while ((n = keg_tsrx_peek(rx, &p)) > 0) {
		memcpy(got + *ngot, p, (size_t)n);
		*ngot += (size_t)n;
		credit += keg_tsrx_consume(rx, (size_t)n);
	}
	*err = n;
	return credit + keg_tsrx_consume(rx, 0);
}

Test(tcp_stream, every_chunking_same_bytes_and_credit)
{
	static uint8_t s[8192], got[8192];
	size_t tcp, len = make_stream(s, true, 3, 4, 200, &tcp);

	for (size_t chunk = 1; chunk <= len; chunk += chunk < 64 ? 1 : 97) {
		struct keg_tsrx rx;
		struct keg_tcp_ends e;
		size_t ngot = 0, credit = 0, off;
		bool opened = false;
		ssize_t err = 0;

		cr_assert_eq(keg_tsrx_init(&rx, 1 << 20, true), 0);
		for (off = 0; off < len; off += chunk) {
			size_t n = len - off < chunk ? len - off : chunk;

			cr_assert_eq(keg_tsrx_push(&rx, s + off, n), 0);
			if (!opened) {
				int r = keg_tsrx_open(&rx, &e);

				cr_assert_geq(r, 0);
				opened = r == 1;
			}
			credit += drain(&rx, got, &ngot, &err);
			cr_assert_eq(err, 0, "chunk %zu off %zu: %zd", chunk, off, err);
		}
		cr_expect(opened);
		cr_expect_eq(ngot, tcp, "chunk %zu: %zu of %zu bytes", chunk, ngot, tcp);
		for (size_t i = 0; i < ngot; i++)
			cr_assert_eq(got[i], (uint8_t)(i * 13 + 7), "chunk %zu byte %zu", chunk, i);
		cr_expect_eq(credit, len, "chunk %zu: credit %zu of %zu", chunk, credit, len);
		cr_expect_eq(keg_tsrx_held(&rx), 0);
		cr_expect_eq(rx.bytes, tcp);
		keg_tsrx_free(&rx);
	}
}

Test(tcp_stream, truncated_is_more_needed_never_an_error)
{
	static uint8_t s[4096], got[4096];
	size_t tcp, len = make_stream(s, false, 2, 2, 100, &tcp);

	for (size_t cut = 0; cut < len; cut++) {
		struct keg_tsrx rx;
		size_t ngot = 0;
		ssize_t err;

		cr_assert_eq(keg_tsrx_init(&rx, 1 << 20, false), 0);
		cr_assert_eq(keg_tsrx_push(&rx, s, cut), 0);
		drain(&rx, got, &ngot, &err);
		cr_expect_eq(err, 0, "cut at %zu: %zd", cut, err);
		cr_expect_leq(ngot, tcp);
		keg_tsrx_free(&rx);
	}
}

static ssize_t decode_all(const uint8_t *s, size_t len)
{
	static uint8_t got[1 << 16];
	struct keg_tsrx rx;
	size_t ngot = 0;
	ssize_t err;

	cr_assert_eq(keg_tsrx_init(&rx, 1 << 20, false), 0);
	cr_assert_eq(keg_tsrx_push(&rx, s, len), 0);
	drain(&rx, got, &ngot, &err);
	keg_tsrx_free(&rx);
	return err;
}

Test(tcp_stream, malformed_kegs)
{
	static uint8_t good[4096], s[4096];
	size_t tcp, len = make_stream(good, false, 1, 2, 10, &tcp);  /* recs: 2 x (2 + 10) */

	cr_assert_eq(decode_all(good, len), 0);
#define BAD(off, val, want, what) do {                                    \
		memcpy(s, good, len);                                         \
		s[off] = (val);                                               \
		cr_expect_eq(decode_all(s, len), want, "%s", what);           \
	} while (0)
	BAD(0, 2, -EPROTO, "version 2");
	BAD(1, 0x80, -EBADMSG, "unknown flag");
	BAD(1, KEG_F_COMPRESSED, -EBADMSG, "a compressed byte keg where no expander is set (keg/2, keg/1)");
	BAD(3, 0, -EBADMSG, "npkts 0");
	BAD(3, 3, -EBADMSG, "npkts 3, records for 2");
	BAD(3, 1, -EBADMSG, "npkts 1, bytes left for a second record");
	BAD(11, 0, -EBADMSG, "len 0");
	BAD(12, 0x01, -EBADMSG, "a record longer than its keg");
	BAD(13, 0, -EBADMSG, "a record of length 0");
	memcpy(s, good, len);
	s[8] = 0x7f;                         /* len far beyond any Segsize */
	cr_expect_eq(decode_all(s, len), -EMSGSIZE);
	/* A keg's len one short: its last record sticks out. */
	memcpy(s, good, len);
	s[11] = (uint8_t)(s[11] - 1);
	cr_expect_eq(decode_all(s, len), -EBADMSG);
#undef BAD
}

Test(tcp_stream, window_bound)
{
	static uint8_t b[1 << 16];
	struct keg_tsrx rx;
	size_t max = keg_buf_size(KEG_SEGSIZE_MAX);

	cr_expect_eq(keg_tsrx_init(&rx, 1000, false), -EINVAL);
	cr_assert_eq(keg_tsrx_init(&rx, max, false), 0);
	for (size_t n = 0; n + sizeof(b) <= max; n += sizeof(b))
		cr_assert_eq(keg_tsrx_push(&rx, b, sizeof(b)), 0);
	cr_expect_eq(keg_tsrx_push(&rx, b, sizeof(b)), -ENOBUFS);
	cr_expect_leq(rx.cap, max);
	keg_tsrx_free(&rx);
}

Test(tcp_stream, open_header_malformed)
{
	uint8_t h[KEG_TCP_OPEN_LEN] = { KEG_TCP_OPEN_MAGIC, 9 };
	struct keg_tcp_ends e;
	struct keg_tsrx rx;

	cr_assert_eq(keg_tsrx_init(&rx, 1 << 20, true), 0);
	cr_assert_eq(keg_tsrx_push(&rx, h, 10), 0);
	cr_expect_eq(keg_tsrx_open(&rx, &e), 0, "10 of 40 bytes: more needed");
	cr_assert_eq(keg_tsrx_push(&rx, h + 10, sizeof(h) - 10), 0);
	cr_expect_eq(keg_tsrx_open(&rx, &e), -EBADMSG);
	keg_tsrx_free(&rx);
}

/* A proxy's datagrams in the stream: every split of a stream of three
 * datagrams (1 byte, 300 bytes, KEG_DGRAM_MAX bytes) gives them back whole,
 * in order; a length of 0 or above KEG_DGRAM_MAX is refused at its header,
 * wherever it is cut. */
Test(dgram, every_split_and_bad_lengths)
{
	static uint8_t stream[3 * KEG_DGRAM_HDR + 1 + 300 + KEG_DGRAM_MAX];
	static struct keg_dgram_rx rx;
	static const size_t lens[3] = { 1, 300, KEG_DGRAM_MAX };
	size_t n = 0, steps[] = { 1, 2, 3, 7, 301, 4096, 70000 };

	for (int d = 0; d < 3; d++) {
		keg_dgram_hdr(stream + n, lens[d]);
		n += KEG_DGRAM_HDR;
		for (size_t i = 0; i < lens[d]; i++)
			stream[n++] = (uint8_t)(d * 31 + i * 7);
	}
	for (size_t si = 0; si < sizeof(steps) / sizeof(steps[0]); si++) {
		size_t off = 0, got = 0, off_d = KEG_DGRAM_HDR;

		memset(&rx, 0, sizeof(rx));
		while (off < n) {
			size_t chunk = n - off < steps[si] ? n - off : steps[si];
			const uint8_t *p = stream + off;

			while (chunk) {
				const uint8_t *dg;
				size_t dl;
				ssize_t t = keg_dgram_take(&rx, p, chunk, &dg, &dl);

				cr_assert_gt(t, 0, "step %zu: took %zd", steps[si], t);
				p += t;
				chunk -= (size_t)t;
				off += (size_t)t;
				if (!dg)
					continue;
				cr_assert_lt(got, 3);
				cr_assert_eq(dl, lens[got], "step %zu: datagram %zu: %zu bytes",
					     steps[si], got, dl);
				cr_assert(!memcmp(dg, stream + off_d, dl), "step %zu: datagram %zu",
					  steps[si], got);
				off_d += dl + KEG_DGRAM_HDR;
				got++;
			}
		}
		cr_expect_eq(got, 3, "step %zu: %zu datagrams", steps[si], got);
	}

	{
		static const uint8_t zero[] = { 0, 0, 'x' }, big[] = { 0xff, 0xe4, 'x' };
		const uint8_t *dg;
		size_t dl;

		memset(&rx, 0, sizeof(rx));
		cr_expect_eq(keg_dgram_take(&rx, zero, 1, &dg, &dl), 1);
		cr_expect_eq(keg_dgram_take(&rx, zero + 1, 2, &dg, &dl), -EBADMSG, "length 0");
		memset(&rx, 0, sizeof(rx));
		cr_expect_eq(keg_dgram_take(&rx, big, 3, &dg, &dl), -EBADMSG, "65508 bytes");
		memset(&rx, 0, sizeof(rx));
		cr_expect_eq(keg_dgram_take(&rx, big, 0, &dg, &dl), 0, "nothing given");
		cr_expect_null(dg);
	}
}
