// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* reinject.c - the peer's packets into this gateway's stack (reinject.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "reinject.h"

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36		/* linux/in6.h; not in glibc's netinet/in.h */
#endif

int kegd_reinject_open(struct kegd_reinject *r)
{
	int one = 1, ret;

	r->fd4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	r->fd6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (r->fd4 < 0 || r->fd6 < 0)
		goto fail;
	/* IPPROTO_RAW implies the header is included; said for IPv6 anyway,
	 * where that came later. */
	if (setsockopt(r->fd6, IPPROTO_IPV6, IPV6_HDRINCL, &one, sizeof(one)))
		goto fail;
	return 0;
fail:
	ret = -errno;
	kegd_reinject_close(r);
	return ret;
}

void kegd_reinject_close(struct kegd_reinject *r)
{
	if (r->fd4 >= 0)
		close(r->fd4);
	if (r->fd6 >= 0)
		close(r->fd6);
	r->fd4 = r->fd6 = -1;
}

int kegd_reinject(const struct kegd_reinject *r, const uint8_t *pkt, size_t len)
{
	if (len >= sizeof(struct iphdr) && pkt[0] >> 4 == 4) {
		struct sockaddr_in to = { .sin_family = AF_INET };
		const struct iphdr *ip = (const void *)pkt;

		if (ntohs(ip->tot_len) != len || ip->ihl < 5)
			return -EINVAL;
		to.sin_addr.s_addr = ip->daddr;
		if (sendto(r->fd4, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0)
			return -errno;
		return 0;
	}
	if (len >= sizeof(struct ipv6hdr) && pkt[0] >> 4 == 6) {
		struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
		const struct ipv6hdr *ip6 = (const void *)pkt;

		if (ntohs(ip6->payload_len) + sizeof(*ip6) != len)
			return -EINVAL;
		memcpy(&to.sin6_addr, &ip6->daddr, sizeof(to.sin6_addr));
		if (sendto(r->fd6, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0)
			return -errno;
		return 0;
	}
	return -EINVAL;
}
