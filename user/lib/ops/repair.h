/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * repair.h - make the kernel agree with keg's record of an interface again
 * after a kegctl was killed midway (kill -9, power loss of the process).
 *
 * keg's record is its maps: the customer map says which customers an
 * interface has and which classes each one owns (class_id, down and up
 * rates), keg_shape[0] how many customer groups exist. Every change makes
 * the kernel's part first and writes the record last when it adds (route,
 * classes, then the entry), and writes the record first when it removes
 * (the entry, then the route and the classes). So a kegctl killed at any
 * point leaves the kernel holding more than the record, never less:
 *   - keg's routes (proto keg, dev IFACE) to addresses that are no customer,
 *   - customer classes (with their leaf qdiscs) no customer owns, on the
 *     interface and on its uplink,
 *   - customer groups made but not recorded,
 * and the next change could trip over them (a slot handed out again whose
 * classes exist: "File exists"). keg_repair() removes all of those. It
 * also puts back a customer's route that is missing (removed by hand), so
 * that after it each customer has its route and nothing else of keg's is
 * left on the interface. A group a customer already points at is adopted
 * into the record rather than removed.
 *
 * `kegctl apply` repairs each interface it names before it compares the
 * file with the record, so one more apply after an interrupted one ends in
 * the state of a clean apply. Expects the interface's lock (pins.h).
 */
#ifndef KEG_REPAIR_H
#define KEG_REPAIR_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "ifctx.h"
#include "nl.h"

struct keg_repair {
	size_t routes_del;	/* keg routes to no customer */
	size_t routes_add;	/* customers' missing routes */
	size_t classes_del;	/* classes no customer owns (both devices) */
	size_t groups_del;	/* unrecorded groups nobody points at */
	size_t groups_adopted;	/* unrecorded groups a customer points at */
};

static inline size_t keg_repair_total(const struct keg_repair *r)
{
	return r->routes_del + r->routes_add + r->classes_del + r->groups_del +
	       r->groups_adopted;
}

/* Repair c (dry_run: only count what would be repaired). 0 with *r, or a
 * negative errno with err saying what failed (what was done by then is in
 * *r). */
int keg_repair(struct keg_nl *nl, const struct keg_ifctx *c, bool dry_run,
	       struct keg_repair *r, struct keg_err *err);

/* "removed 3 leftover routes, removed 2940 leftover HTB classes": the
 * counts that are not zero (dry_run: "would remove ..."). */
const char *keg_repair_str(const struct keg_repair *r, bool dry_run, char *buf, size_t len);

#endif /* KEG_REPAIR_H */
