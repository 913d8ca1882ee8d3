/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ippkt.h - what kegd reads of an IP packet it forwards or puts in a keg:
 * its own length and its flow. The caller checked the header is whole
 * (forward.c's rewrite()).
 */
#ifndef KEGD_IPPKT_H
#define KEGD_IPPKT_H

#include <arpa/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* The IP packet's own length (a short frame carries Ethernet padding
 * after it), or 0 when the frame holds less than the header says. */
static inline uint32_t kegd_ip_len(const uint8_t *ip, uint32_t avail)
{
	uint32_t n;

	if (ip[0] >> 4 == 4)
		n = ntohs(((const struct iphdr *)ip)->tot_len);
	else
		n = ntohs(((const struct ipv6hdr *)ip)->payload_len) +
		    (uint32_t)sizeof(struct ipv6hdr);
	return n <= avail ? n : 0;
}

/* FNV-1a step over n bytes. */
static inline uint32_t kegd_fnv(uint32_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 16777619U;
	return h;
}

/* A flow's id for the keg transport: addresses, protocol and (TCP/UDP,
 * unfragmented) ports of the IP packet ip[0..len), which rewrite() found
 * whole. Packets of one flow share it, so they share a stream and keep
 * their order. */
static inline uint32_t kegd_flow_hash(const uint8_t *ip, uint32_t len)
{
	uint32_t h = 2166136261U, l4;
	uint8_t proto;

	if (ip[0] >> 4 == 4) {
		const struct iphdr *h4 = (const void *)ip;

		proto = h4->protocol;
		h = kegd_fnv(h, (const uint8_t *)&h4->saddr, 8);
		l4 = h4->ihl * 4U;
		if (h4->frag_off & htons(0x3fff))	/* MF or an offset: no ports */
			l4 = len;
	} else {
		const struct ipv6hdr *h6 = (const void *)ip;

		proto = h6->nexthdr;
		h = kegd_fnv(h, (const uint8_t *)&h6->saddr, 32);
		l4 = sizeof(*h6);
	}
	h = kegd_fnv(h, &proto, 1);
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && len >= l4 + 4)
		h = kegd_fnv(h, ip + l4, 4);
	return h;
}

#endif /* KEGD_IPPKT_H */
