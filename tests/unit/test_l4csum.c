// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_l4csum.c - keg_l4_csum_complete() (user/lib/base/checksum.h): kegd
 * completes a TCP/UDP checksum that a sender with checksum offload left as
 * the bare pseudo-header sum, and touches nothing else. The expected
 * checksums come from a second, plain RFC 1071 sum written here, not from
 * the library's own helpers.
 */
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "checksum.h"

#define PAYLOAD 333		/* odd: the padded last byte is summed too */
#define BUF     (40 + 20 + PAYLOAD)

/* RFC 1071, the textbook way: 16-bit big-endian words, end-around carry. */
static uint16_t ref_sum(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* The pseudo-header sum of the packet at l3 (IPv4 or IPv6), folded. */
static uint16_t ref_pseudo(const uint8_t *l3, uint8_t proto, uint32_t l4len)
{
	uint32_t acc = proto + l4len;

	if (l3[0] >> 4 == 4)
		acc += ref_sum(l3 + 12, 8, 0);
	else
		acc += ref_sum(l3 + 8, 32, 0);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Build IPv4 or IPv6 + TCP or UDP with a payload; return the L3 length and
 * the offset of the L4 checksum field. The checksum is left as the partial
 * form a sender with offload stores: the folded pseudo-header sum. */
static size_t build(uint8_t *b, int family, uint8_t proto, size_t *cs_off)
{
	size_t hl = family == 4 ? 20 : 40;
	size_t l4hl = proto == 6 ? 20 : 8;
	size_t l4len = l4hl + PAYLOAD, i;

	memset(b, 0, BUF);
	if (family == 4) {
		b[0] = 0x45;
		put16(b + 2, (uint16_t)(hl + l4len));
		b[8] = 64;
		b[9] = proto;
		memcpy(b + 12, (uint8_t[]){ 10, 1, 2, 5, 10, 2, 0, 9 }, 8);
	} else {
		b[0] = 0x60;
		put16(b + 4, (uint16_t)l4len);
		b[6] = proto;
		b[7] = 64;
		for (i = 0; i < 32; i++)
			b[8 + i] = (uint8_t)(0x20 + i * 7);
	}
	put16(b + hl, 40000);
	put16(b + hl + 2, 5201);
	if (proto == 6) {
		b[hl + 12] = 5 << 4;
		b[hl + 13] = 0x18;
		*cs_off = hl + 16;
	} else {
		put16(b + hl + 4, (uint16_t)l4len);
		*cs_off = hl + 6;
	}
	for (i = 0; i < PAYLOAD; i++)
		b[hl + l4hl + i] = (uint8_t)(i * 31 + 7);
	put16(b + *cs_off, ref_pseudo(b, proto, (uint32_t)l4len));
	return hl + l4len;
}

/* The packet's L4 checksum verifies. */
static bool verifies(const uint8_t *b, uint8_t proto)
{
	size_t hl = b[0] >> 4 == 4 ? 20 : 40;
	uint32_t l4len = b[0] >> 4 == 4 ? get16(b + 2) - 20u : get16(b + 4);

	return ref_sum(b + hl, l4len, ref_pseudo(b, proto, l4len)) == 0xffff;
}

static const struct {
	int family;
	uint8_t proto;
} kinds[] = { { 4, 6 }, { 4, 17 }, { 6, 6 }, { 6, 17 } };

Test(l4csum, partial_checksums_are_completed)
{
	uint8_t b[BUF];
	size_t k, n, cs;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		n = build(b, kinds[k].family, kinds[k].proto, &cs);
		cr_assert(!verifies(b, kinds[k].proto), "kind %zu: partial must not verify", k);
		cr_assert_eq(keg_l4_csum_complete(b, n), 1, "kind %zu", k);
		cr_assert(verifies(b, kinds[k].proto), "kind %zu: completed checksum", k);
		/* Once complete it is valid: a second pass leaves it. */
		cr_assert_eq(keg_l4_csum_complete(b, n), 0, "kind %zu", k);
	}
}

Test(l4csum, valid_and_corrupt_checksums_are_left_alone)
{
	uint8_t b[BUF], copy[BUF];
	size_t k, n, cs;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		n = build(b, kinds[k].family, kinds[k].proto, &cs);
		keg_l4_csum_complete(b, n);
		cr_assert(verifies(b, kinds[k].proto), "kind %zu: completed checksum", k);
		/* A payload byte flipped after the checksum: corrupt, not
		 * partial; the receiver must still see it as corrupt. */
		b[n - 5] ^= 0x40;
		memcpy(copy, b, sizeof(b));
		cr_assert_eq(keg_l4_csum_complete(b, n), 0, "kind %zu", k);
		cr_assert_eq(memcmp(b, copy, sizeof(b)), 0, "kind %zu: corrupt packet changed", k);
	}
}

Test(l4csum, every_truncation_is_left_alone)
{
	uint8_t b[BUF], copy[BUF];
	size_t k, n, cs, len;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		n = build(b, kinds[k].family, kinds[k].proto, &cs);
		memcpy(copy, b, sizeof(b));
		for (len = 0; len < n; len++) {
			cr_assert_eq(keg_l4_csum_complete(b, len), 0, "kind %zu len %zu", k, len);
			cr_assert_eq(memcmp(b, copy, sizeof(b)), 0, "kind %zu len %zu", k, len);
		}
	}
}

Test(l4csum, what_cannot_be_completed_is_left_alone)
{
	uint8_t b[BUF], copy[BUF];
	size_t n, cs;

	/* IPv4 fragments: the checksum covers the whole datagram. */
	n = build(b, 4, 6, &cs);
	b[6] = 0x20;	/* more fragments */
	memcpy(copy, b, sizeof(b));
	cr_assert_eq(keg_l4_csum_complete(b, n), 0);
	cr_assert_eq(memcmp(b, copy, sizeof(b)), 0);
	n = build(b, 4, 17, &cs);
	b[7] = 1;	/* fragment offset 8 */
	cr_assert_eq(keg_l4_csum_complete(b, n), 0);

	/* UDP over IPv4 without a checksum (zero) stays without. */
	n = build(b, 4, 17, &cs);
	put16(b + cs, 0);
	cr_assert_eq(keg_l4_csum_complete(b, n), 0);
	cr_assert_eq(get16(b + cs), 0);

	/* IPv6 with an extension header first; ICMP; an IHL under 5; a
	 * version that is neither. */
	n = build(b, 6, 6, &cs);
	b[6] = 0;	/* hop-by-hop */
	cr_assert_eq(keg_l4_csum_complete(b, n), 0);
	n = build(b, 4, 6, &cs);
	b[9] = 1;
	cr_assert_eq(keg_l4_csum_complete(b, n), 0);
	n = build(b, 4, 6, &cs);
	b[0] = 0x44;
	cr_assert_eq(keg_l4_csum_complete(b, n), 0);
	n = build(b, 4, 6, &cs);
	b[0] = 0x55;
	cr_assert_eq(keg_l4_csum_complete(b, n), 0);

	/* A total length past the buffer, and an L4 too short for its header. */
	n = build(b, 4, 6, &cs);
	put16(b + 2, (uint16_t)(n + 1));
	cr_assert_eq(keg_l4_csum_complete(b, n), 0);
	n = build(b, 6, 6, &cs);
	put16(b + 4, 19);
	cr_assert_eq(keg_l4_csum_complete(b, n), 0);
}
