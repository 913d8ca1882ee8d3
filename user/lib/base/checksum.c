// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* checksum.c - see checksum.h */
#include "checksum.h"

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
