/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * netlink_route.h - the kernel routes keg installs for its customers:
 *     ADDR/32 (or /128) dev IFACE proto KEG_RTPROT scope link table main
 * through rtnetlink, in the caller's network namespace. keg only ever
 * removes routes that carry its protocol number and its device.
 */
#ifndef KEG_NETLINK_ROUTE_H
#define KEG_NETLINK_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "nl.h"

/* The FIB entry an address resolves to. */
struct keg_route {
	struct keg_addr dst;	/* the route's prefix */
	uint32_t table;
	uint8_t protocol;
	uint8_t type;		/* RTN_* */
	int oif;		/* 0 when none (blackhole, multipath, ...) */
};

/* The route a would use (RTM_F_FIB_MATCH): 0 and *r, or -ENOENT when a
 * is unreachable, or another negative errno. */
int keg_route_match(struct keg_nl *nl, const struct keg_addr *a, struct keg_route *r);

/* Add a/plen dev ifindex proto KEG_RTPROT scope link, table main. -EEXIST
 * when the kernel already has a route with that key. */
int keg_route_add(struct keg_nl *nl, const struct keg_addr *a, int ifindex);

/* Remove a/plen only if it is keg's route through ifindex: 0, or -ESRCH
 * when there is no such route (another route to a is left alone). */
int keg_route_del(struct keg_nl *nl, const struct keg_addr *a, int ifindex);

/* All keg routes through ifindex in table main, both families, sorted.
 * *v malloc'ed (free()), *n may be 0. */
int keg_route_list(struct keg_nl *nl, int ifindex, struct keg_addr **v, size_t *n);

/* "static", "kernel", "keg", ... or the number, for messages. */
const char *keg_rtprot_str(uint8_t protocol, char *buf, size_t len);

#endif /* KEG_NETLINK_ROUTE_H */
