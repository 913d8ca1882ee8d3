// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* checksum.c - see checksum.h */
#include <string.h>

#include "checksum.h"

#define IPPROTO_TCP_NUM   6
#define IPPROTO_UDP_NUM   17
#define IPV4_MIN_HDR      20
#define IPV6_HDR          40
#define IPV4_MF_OFFSET    0x3fff	/* more-fragments flag and offset bits */
#define TCP_CSUM_OFF      16
#define UDP_CSUM_OFF      6
#define TCP_MIN_HDR       20
#define UDP_HDR           8

uint32_t keg_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	for (; len >= 2; p += 2, len -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		s += (uint32_t)(p[0] << 8);
	while (s >> 32)
		s = (s & 0xffffffffULL) + (s >> 32);
	return (uint32_t)s;
}

uint16_t keg_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t keg_csum_replace16(uint16_t csum, uint16_t old, uint16_t new)
{
	return (uint16_t)~keg_csum_fold((uint32_t)(uint16_t)~csum + (uint16_t)~old + new);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int keg_l4_csum_complete(uint8_t *l3, size_t len)
{
	uint32_t pseudo, l4len, hlen, sum;
	uint8_t proto, zero_proto[2], len_be[2];
	uint8_t *l4, *cs;
	uint16_t stored, csum;

	if (len < 1)
		return 0;
	if (l3[0] >> 4 == 4) {
		if (len < IPV4_MIN_HDR)
			return 0;
		hlen = (uint32_t)(l3[0] & 0xf) * 4;
		if (hlen < IPV4_MIN_HDR || get16(l3 + 2) < hlen || get16(l3 + 2) > len ||
		    get16(l3 + 6) & IPV4_MF_OFFSET)
			return 0;
		l4len = get16(l3 + 2) - hlen;
		proto = l3[9];
		pseudo = keg_csum_add(0, l3 + 12, 8);	/* source, destination */
	} else if (l3[0] >> 4 == 6) {
		if (len < IPV6_HDR)
			return 0;
		hlen = IPV6_HDR;
		l4len = get16(l3 + 4);
		if (l4len > len - IPV6_HDR)
			return 0;
		proto = l3[6];
		pseudo = keg_csum_add(0, l3 + 8, 32);
	} else {
		return 0;
	}
	if (proto == IPPROTO_TCP_NUM && l4len >= TCP_MIN_HDR)
		cs = l3 + hlen + TCP_CSUM_OFF;
	else if (proto == IPPROTO_UDP_NUM && l4len >= UDP_HDR)
		cs = l3 + hlen + UDP_CSUM_OFF;
	else
		return 0;
	l4 = l3 + hlen;
	zero_proto[0] = 0;
	zero_proto[1] = proto;
	pseudo = keg_csum_add(pseudo, zero_proto, 2);
	/* The length: 16 bits in IPv4's pseudo-header, 32 in IPv6's, whose
	 * upper half is zero here (l4len comes from a 16-bit field). */
	len_be[0] = (uint8_t)(l4len >> 8);
	len_be[1] = (uint8_t)l4len;
	pseudo = keg_csum_add(pseudo, len_be, 2);
	stored = get16(cs);
	if (proto == IPPROTO_UDP_NUM && stored == 0 && l3[0] >> 4 == 4)
		return 0;
	/* Anything but the partial form (a valid sum, a corrupt one) is left
	 * alone, so most frames cost only the pseudo-header sum above. */
	if (stored != keg_csum_fold(pseudo))
		return 0;
	/* One pass over the segment with the field zeroed: with the stored
	 * value added back it tells whether that value was valid after all
	 * (a one-in-65536 coincidence); otherwise it is the checksum. */
	memset(cs, 0, 2);
	sum = keg_csum_add(pseudo, l4, l4len);
	if (keg_csum_fold((uint32_t)keg_csum_fold(sum) + stored) == 0xffff) {
		cs[0] = (uint8_t)(stored >> 8);
		cs[1] = (uint8_t)stored;
		return 0;
	}
	csum = (uint16_t)~keg_csum_fold(sum);
	if (proto == IPPROTO_UDP_NUM && csum == 0)
		csum = 0xffff;
	cs[0] = (uint8_t)(csum >> 8);
	cs[1] = (uint8_t)csum;
	return 1;
}
