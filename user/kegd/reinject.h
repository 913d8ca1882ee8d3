/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * reinject.h - the far end of a keg: each original packet the peer sent is
 * handed to this gateway's kernel stack as it is (raw IPv4/IPv6 sockets
 * with the header included), which routes it, resolves the neighbour (a
 * destination not yet resolved still gets its packets: the kernel queues
 * them while it asks) and sends it out of the LAN interface. The TTL or
 * hop limit was decremented once, for the whole crossing, by the near
 * gateway's kegd; checksums were completed there too.
 */
#ifndef KEGD_REINJECT_H
#define KEGD_REINJECT_H

#include <stddef.h>
#include <stdint.h>

struct kegd_reinject {
	int fd4, fd6;
};

/* Open both raw sockets (the caller's network namespace). -errno. */
int  kegd_reinject_open(struct kegd_reinject *r);
void kegd_reinject_close(struct kegd_reinject *r);

/* Send one IP packet (starting at its IP header). 0, -EINVAL for what is
 * no IPv4/IPv6 packet of a consistent length, or the kernel's -errno. */
int kegd_reinject(const struct kegd_reinject *r, const uint8_t *pkt, size_t len);

#endif /* KEGD_REINJECT_H */
