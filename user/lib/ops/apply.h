/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * apply.h - make the interfaces named in a parsed config (config.h) hold
 * exactly its subnets and customers.
 *
 * keg_plan_build() compares the config with the maps and lists the changes;
 * it also checks what the parser cannot: every named interface is attached
 * here, and no customer to add belongs to an attached interface the config
 * does not name. keg_plan_apply() carries the changes out in an order that
 * lets a customer move between two named interfaces (customer removals,
 * subnet removals, subnet additions, customer additions) and, when one
 * fails, undoes the ones already done in reverse order.
 *
 * keg_apply_file() is the whole of `kegctl apply FILE` (and of a config
 * reload in kegd): parse the file, build the plan, repair what an
 * interrupted kegctl left in the kernel of the named interfaces
 * (repair.h), carry the plan out, then the intercept rules and the stored
 * schedules, noting each change.
 *
 * All expect keg's lock held from build to apply: keg_lock(true), or
 * keg_lock_ifaces() of every interface the config names when it has no
 * site lines (keg_apply_file() holds it also while it reads the file:
 * callers that can, read and parse first with keg_conf_read() and
 * keg_apply_parse(), and call keg_apply_conf() under the lock).
 */
#ifndef KEG_APPLY_H
#define KEG_APPLY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "customer.h"
#include "err.h"
#include "note.h"
#include "proxy.h"

enum keg_change_kind {
	KEG_CHANGE_SUBNET,
	KEG_CHANGE_CUSTOMER,
	KEG_CHANGE_RATE,		/* a customer kept, with other rates */
};

struct keg_change {
	size_t iface;			/* index into keg_plan.ifaces */
	bool add;			/* else remove */
	enum keg_change_kind kind;
	struct keg_addr addr;
	unsigned int line;		/* additions: config line */
	/* filled while applying, for undo */
	bool done;
	bool route;			/* route created (add) or removed (del) */
	struct keg_customer old_customer;	/* removals, rate changes */
	struct keg_customer want;	/* additions, rate changes: the entry */
	struct keg_subnet old_subnet;
};

struct keg_plan {
	struct keg_ifctx *ifaces;	/* in config order */
	size_t n_ifaces;
	struct keg_change *changes;	/* in execution order */
	size_t n_changes;
	size_t n_add, n_del, n_same, n_set;	/* n_set: rate changes */
};

/* 0 with *plan (free with keg_plan_free()), or an error with err->line set
 * when it is about a config line. */
int keg_plan_build(const struct keg_conf *conf, struct keg_plan *plan,
		   struct keg_err *err);

/* Apply all changes, or none: on failure returns the error (err says which
 * change failed and why) after undoing; *undo_failed tells whether the undo
 * itself failed somewhere. Classes it could not clean up afterwards are
 * noted (KEG_NOTE_PROBLEM). */
int keg_plan_apply(struct keg_plan *plan, bool *undo_failed, const struct keg_note *note,
		   struct keg_err *err);

/* "kca: + subnet 10.1.2.0/24" */
const char *keg_change_str(const struct keg_plan *plan, const struct keg_change *c,
			   char *buf, size_t len);

void keg_plan_free(struct keg_plan *plan);

struct keg_apply_result {
	size_t n_changes, n_add, n_del, n_same, n_ifaces;
	size_t n_repaired;	/* leftovers of an interrupted kegctl (repair.h) */
};

/* file: a path or "-" (standard input). Notes each change (KEG_NOTE_CHANGE:
 * "kca: + subnet 10.1.2.0/24", "eth0: + intercept 3 ...") as it is made
 * (dry_run: as it would be). Errors name the file and, when about one, its
 * line ("FILE:LINE: why", err->line set); a failure after the subnet and
 * customer changes says that those were made. */
int keg_apply_file(const char *file, bool dry_run, const struct keg_note *note,
		   struct keg_apply_result *res, struct keg_err *err);

/* The same for a config already read (keg_conf_read()): len bytes of text,
 * file only names it in messages. kegctl reads the file before it takes
 * the lock, so a slow input holds nobody up. */
int keg_apply_buf(const char *file, const char *text, size_t len, bool dry_run,
		  const struct keg_note *note, struct keg_apply_result *res,
		  struct keg_err *err);

/* Its two halves: the text parsed (no system state read: callers parse
 * before they take a lock, keg_apply_conf() then under it, and lock only
 * the interfaces conf names), errors as "FILE:LINE: why". */
int keg_apply_parse(const char *file, const char *text, size_t len,
		    struct keg_conf *conf, struct keg_err *err);
/* sites: the remote sites its proxies may name (keg_proxy_sites; NULL:
 * the sites maps'), for a caller applying the file's site lines after. */
int keg_apply_conf(const char *file, const struct keg_conf *conf,
		   const struct keg_proxy_sites *sites, bool dry_run,
		   const struct keg_note *note, struct keg_apply_result *res,
		   struct keg_err *err);

#endif /* KEG_APPLY_H */
