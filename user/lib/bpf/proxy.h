/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * proxy.h - the proxies of one interface (headers/keg_proxy.h): the
 * keg_proxies entry keg_xdp answers ARP / NS for and kegd reads at accept,
 * plus the intercept rule that steers the proxy address's TCP to kegd.
 * Functions return 0 or a negative errno with *err saying why; they never
 * print. The caller holds the interface's lock (as for intercept rules).
 */
#ifndef KEG_PROXY_LIB_H
#define KEG_PROXY_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "proxy_spec.h"

/* One proxy as listed, with its rule's counters. */
struct keg_proxy_entry {
	struct keg_proxy_spec spec;
	uint32_t rule_id;
	uint64_t packets, bytes;        /* matched by its rule (client -> proxy) */
};

/* The remote sites a proxy may name: NULL, the sites maps' (kegctl site
 * add); or those an apply file defines, which hold the whole set of sites
 * and are written after the interfaces. */
struct keg_proxy_sites {
	const char *const *names;
	size_t n;
};

/*
 * Add a proxy on iface. Refused (nothing changed) when: the site is no
 * remote site of this gateway (kegctl site add), LOCAL is not inside a
 * subnet of an address of iface or is an address of this host, LOCAL is a
 * customer of iface or a proxy already, REMOTE is an address of this host
 * or inside iface's own subnets. The entry is written first, then the rule,
 * then the entry gets the rule's id: a kegctl killed midway leaves an
 * answered address with no rule (its TCP is not steered), which proxy del
 * removes.
 */
int keg_proxy_add(const char *iface, const struct keg_proxy_spec *spec,
		  const struct keg_proxy_sites *sites, uint32_t *rule_id, struct keg_err *err);
/* keg_proxy_add's checks alone (apply's dry run, and its check of every
 * proxy before it changes any); replacing: the address is a proxy now,
 * which goes first. */
int keg_proxy_check(const char *iface, const struct keg_proxy_spec *spec, bool replacing,
		    const struct keg_proxy_sites *sites, struct keg_err *err);
/* Delete the proxy of address local (its rule first). -ENOENT if none. */
int keg_proxy_del(const char *iface, const struct keg_addr *local, struct keg_err *err);
/* Every proxy of iface, sorted by address. *v malloc'ed. */
int keg_proxy_list(const char *iface, struct keg_proxy_entry **v, size_t *n,
		   struct keg_err *err);

#endif /* KEG_PROXY_LIB_H */
