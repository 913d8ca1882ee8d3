/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * shape.h - per-customer shaping of an attached interface: the HTB trees
 * (keg_shape.h has the class layout), the classifier's configuration in
 * the pinned keg_shape map, and the classes of each customer.
 *
 * Order of changes, so that no packet of another customer is dropped or
 * misclassified while customers come and go:
 *   add:    classes first, then the customer map entry that points at them;
 *   change: classes changed in place (RTM_NEWTCLASS without NLM_F_CREATE);
 *   remove: map entry first (keg_customer_remove), then the classes.
 * A packet that still carries a removed class id in skb->priority finds no
 * class and HTB puts it in its default (bulk leaf of the default class).
 *
 * The uplink (upload shaping, by source address) runs the customer
 * interface's keg_tc program on its clsact egress, with the same maps, and
 * an HTB tree with the same class ids. It must not be keg-attached itself.
 */
#ifndef KEG_SHAPE_LIB_H
#define KEG_SHAPE_LIB_H

#include <stdbool.h>
#include <stdint.h>

#include "customer.h"
#include "htb.h"
#include "keg_shape.h"

#define KEG_DEFAULT_LINK_KBIT 10000000U	/* 10gbit */
#define KEG_DEFAULT_SMALL     0U

/* `kegctl shape IFACE ...`; zero fields mean "keep, or the default". */
struct keg_shape_setup {
	const char *uplink;		/* NULL: none (or keep) */
	uint32_t link_kbit;
	uint32_t default_kbit;
	uint32_t default_up_kbit;
	int leaf;			/* enum keg_leaf_kind, or -1: auto */
	int match;			/* -1 keep, 0 inner then outer, 1 outer */
	int interactive;		/* -1 keep, 0 off, 1 on */
	int small;			/* -1 keep, else bytes (0 = off) */
	int nports;			/* -1 keep */
	uint16_t ports[KEG_SHAPE_PORTS];
};

void keg_shape_setup_init(struct keg_shape_setup *s);

/* keg_shape[0] of an attached interface. */
int keg_shape_get(const char *iface, struct keg_shape_cfg *cfg, struct keg_err *err);
int keg_shape_put(const char *iface, const struct keg_shape_cfg *cfg,
		  struct keg_err *err);

/* Build (or reconfigure) the trees and turn the classifier on. Classes of
 * customers that already have rates are created too. */
int keg_shape_enable(struct keg_nl *nl, const struct keg_ifctx *c,
		     const struct keg_shape_setup *s, struct keg_shape_cfg *out,
		     struct keg_err *err);
/* The uplink runs the interface's keg_tc as it is now: after keg_attach()
 * upgraded the interface's programs, the new one, swapped in atomically
 * (tc filter replace: no packet passes without a classifier). Nothing to
 * do (0, *refreshed false) without shaping, without an uplink, or when
 * the uplink runs that program already. */
int keg_shape_uplink_refresh(const struct keg_ifctx *c, bool *refreshed, struct keg_err *err);

/* Classifier off, trees removed, uplink filter removed. Customers keep
 * their rates and class ids. */
int keg_shape_disable(struct keg_nl *nl, const struct keg_ifctx *c, struct keg_err *err);

/* The classes of keg's HTB tree on ifindex with groups customer groups:
 * the root qdisc's (1:) and each group qdisc's, sorted by class id
 * (keg_class_stats_find). *cs malloc'ed (free()). 0 or negative errno. */
int keg_shape_classes(struct keg_nl *nl, int ifindex, uint32_t groups,
		      struct keg_class_stats **cs, size_t *ncs);

/* First free slot's parent class id, skipping the ones in taken (a
 * bitmap of KEG_SHAPE_MAX_SLOTS bits, filled by keg_shape_slots()). */
int keg_shape_slots(const struct keg_ifctx *c, uint8_t *taken);
uint32_t keg_shape_slot_alloc(uint8_t *taken);

/* Queue the classes of customer v (create or change), or their removal.
 * old: the customer's previous values for a change (NULL on create).
 * Creates the customer's group first when cfg->groups says it is missing
 * (cfg->groups grows: the caller writes cfg back after flushing). */
void keg_shape_customer_classes(struct keg_tcb *b, struct keg_shape_cfg *cfg,
				int ifindex, const struct keg_customer *v,
				const struct keg_customer *old);
void keg_shape_customer_unclass(struct keg_tcb *b, const struct keg_shape_cfg *cfg,
				int ifindex, const struct keg_customer *v);

/* The customer's map entry, replaced (it must exist). */
int keg_shape_customer_put(const struct keg_ifctx *c, const struct keg_addr *a,
			   const struct keg_customer *v);

/* Shaping on with the defaults unless it is on already; *cfg as now. */
int keg_shape_ensure(struct keg_nl *nl, const struct keg_ifctx *c,
		     struct keg_shape_cfg *cfg, struct keg_err *err);

/* Give customer v (rates set) its classes: a slot when v->class_id is 0,
 * classes created (old NULL or unshaped) or changed (old shaped), then,
 * when a is not NULL, the map entry replaced. Shaping is turned on first
 * if it is off. */
int keg_shape_customer_change(struct keg_nl *nl, const struct keg_ifctx *c,
			      const struct keg_addr *a, struct keg_customer *v,
			      const struct keg_customer *old, struct keg_err *err);

/* Remove the classes of a customer already out of the map. */
int keg_shape_customer_drop(struct keg_nl *nl, const struct keg_ifctx *c,
			    const struct keg_customer *v, struct keg_err *err);

#endif /* KEG_SHAPE_LIB_H */
