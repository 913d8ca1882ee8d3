/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ifmaps.h - the pinned maps of one interface, opened by path, and the
 * entry-level operations on them (no routes, no policy: see customer.h).
 *
 * Every function returns 0 or a negative errno; the specific ones are
 * -EEXIST (insert of an entry that is there), -ENOENT (delete or get of one
 * that is not) and -ENOSPC (map full).
 */
#ifndef KEG_IFMAPS_H
#define KEG_IFMAPS_H

#include <stddef.h>

#include "addr.h"
#include "err.h"
#include "keg_maps.h"
#include "mapwalk.h"

struct keg_ifmaps {
	int subnets4;		/* keg_prefixes4 */
	int subnets6;		/* keg_prefixes6 */
	int subnet_lens;	/* keg_prefix_lens: the lengths in use */
	int customers4;
	int customers6;
	int stats;
	int config;
};

/* Open all seven pins of iface. On error nothing stays open and err names
 * the missing pin. */
int keg_ifmaps_open(const char *iface, struct keg_ifmaps *m, struct keg_err *err);
void keg_ifmaps_close(struct keg_ifmaps *m);

/* Subnets: p is a prefix (host bits are cleared); val NULL inserts zeroes.
 * Both keep keg_prefix_lens in step (the caller holds the keg lock). The
 * delete returns the removed value in *old (if not NULL), for undo. */
int keg_subnet_insert(const struct keg_ifmaps *m, const struct keg_addr *p,
		      const struct keg_subnet *val);
int keg_subnet_delete(const struct keg_ifmaps *m, const struct keg_addr *p,
		      struct keg_subnet *old);

/* Customers: a is a single address. */
int keg_customer_insert(const struct keg_ifmaps *m, const struct keg_addr *a,
			const struct keg_customer *val);
int keg_customer_delete(const struct keg_ifmaps *m, const struct keg_addr *a,
			struct keg_customer *old);
int keg_customer_get(const struct keg_ifmaps *m, const struct keg_addr *a,
		     struct keg_customer *val);

/* All keys, as a sorted malloc'ed array (free()); *n may be 0. */
int keg_subnets_list(const struct keg_ifmaps *m, struct keg_addr **v, size_t *n);
int keg_customers_list(const struct keg_ifmaps *m, struct keg_addr **v, size_t *n);

/* keg_config[0]: how the programs on this interface were configured
 * (kegctl status reads the reply path from it). */
int keg_config_get(const struct keg_ifmaps *m, struct keg_config *cfg);


#endif /* KEG_IFMAPS_H */
