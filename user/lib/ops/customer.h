/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * customer.h - a customer is a map entry plus a kernel route, changed
 * together or not at all.
 *
 * keg_customer_install():
 *   1. the route ADDR/32|128 dev IFACE proto keg scope link (table main) is
 *      made to exist: an identical keg route is fine (*route_created false),
 *      any other route to exactly that address is a conflict (-EEXIST,
 *      nothing changed);
 *   2. the entry {ifindex} is inserted (-EEXIST if there);
 *   3. if 2 fails, the route is removed again when step 1 created it.
 * keg_customer_remove(): deletes the entry (returning it in *old) and then
 * keg's route through the interface, if there is one; if removing the route
 * fails the entry is put back.
 *
 * Neither checks other interfaces: see keg_customer_owner(). Both expect
 * keg_lock(true) or keg_lock_ifaces() of the interface (pins.h).
 */
#ifndef KEG_CUSTOMER_H
#define KEG_CUSTOMER_H

#include <net/if.h>
#include <stdbool.h>

#include "addr.h"
#include "err.h"
#include "ifctx.h"
#include "netlink_route.h"

int keg_customer_install(struct keg_nl *nl, const struct keg_ifctx *c,
			 const struct keg_addr *a, const struct keg_customer *val,
			 bool *route_created, struct keg_err *err);

int keg_customer_remove(struct keg_nl *nl, const struct keg_ifctx *c,
			const struct keg_addr *a, struct keg_customer *old,
			bool *route_removed, struct keg_err *err);

/* Which attached interface (here) has customer a, into owner: 0, or
 * -ENOENT when none has. */
int keg_customer_owner(const struct keg_addr *a, char owner[IF_NAMESIZE]);

#endif /* KEG_CUSTOMER_H */
