// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * csum.c - software completion of partial TCP/UDP checksums (see csum.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <string.h>

#include "checksum.h"
#include "csum.h"

static int l4_fix(uint8_t *l4, size_t l4len, uint8_t proto, uint32_t pseudo)
{
	size_t off;
	uint16_t c;

	if (proto == IPPROTO_TCP)
		off = 16;
	else if (proto == IPPROTO_UDP)
		off = 6;
	else
		return -ENOENT;
	if (l4len < off + 2)
		return -EINVAL;
	l4[off] = l4[off + 1] = 0;
	c = (uint16_t)~keg_csum_fold(keg_csum_add(pseudo, l4, l4len));
	if (proto == IPPROTO_UDP && c == 0)
		c = 0xffff;	/* 0 means "no checksum" for UDP */
	l4[off] = (uint8_t)(c >> 8);
	l4[off + 1] = (uint8_t)c;
	return 0;
}

int wan_csum_complete(uint8_t *f, size_t len)
{
	size_t off = 12;
	uint16_t proto;

	if (len < ETH_HLEN)
		return -EINVAL;
	proto = (uint16_t)(f[off] << 8 | f[off + 1]);
	while (proto == ETH_P_8021Q || proto == ETH_P_8021AD) {
		off += 4;
		if (len < off + 2)
			return -EINVAL;
		proto = (uint16_t)(f[off] << 8 | f[off + 1]);
	}
	off += 2;
	if (proto == ETH_P_IP) {
		uint8_t *ip = f + off;
		size_t ihl, tot;
		uint32_t ps;

		if (len < off + 20)
			return -EINVAL;
		ihl = (size_t)(ip[0] & 0x0f) * 4;
		tot = (size_t)(ip[2] << 8 | ip[3]);
		if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || len < off + tot)
			return -EINVAL;
		if ((ip[6] & 0x3f) || ip[7])	/* MF or fragment offset */
			return -ENOENT;
		ps = keg_csum_add(0, ip + 12, 8);	/* saddr, daddr */
		ps += ip[9];
		ps += (uint32_t)(tot - ihl);
		return l4_fix(ip + ihl, tot - ihl, ip[9], ps);
	}
	if (proto == ETH_P_IPV6) {
		uint8_t *ip = f + off;
		size_t plen;
		uint32_t ps;

		if (len < off + 40)
			return -EINVAL;
		plen = (size_t)(ip[4] << 8 | ip[5]);
		if ((ip[0] >> 4) != 6 || len < off + 40 + plen)
			return -EINVAL;
		ps = keg_csum_add(0, ip + 8, 32);	/* saddr, daddr */
		ps += ip[6];
		ps += (uint32_t)plen;
		/* Extension headers: not produced with partial checksums here. */
		return l4_fix(ip + 40, plen, ip[6], ps);
	}
	return -ENOENT;
}
