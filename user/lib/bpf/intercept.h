/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * intercept.h - an interface's intercept maps: the rule-set operations
 * behind `kegctl intercept` and `kegctl apply` (rules: intercept_rules.h).
 */
#ifndef KEG_INTERCEPT_LIB_H
#define KEG_INTERCEPT_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "intercept_rules.h"

/* The intercept maps of one interface, by fd. */
struct keg_icpt_maps {
	int cfg, rules, hits, src4, dst4, src6, dst6, dir4, sets4, lsrc4, ldst4, flows, sites,
	    xsks, kegd, stats;
};

/* Open the pins of iface (err names a missing one). */
int keg_icpt_maps_open(const char *iface, struct keg_icpt_maps *m, struct keg_err *err);
/* Close what is open. Tests and benches fill the struct from a loaded
 * object instead; any fd may be -1. */
void keg_icpt_maps_close(struct keg_icpt_maps *m);

/* One rule as listed. */
struct keg_icpt_entry {
	uint32_t pos;
	struct keg_icpt_rule rule;
	struct keg_icpt_spec spec;
	uint64_t packets, bytes;
	bool site_down;
};

/* All rules in order. *v malloc'ed. */
int keg_icpt_list(const struct keg_icpt_maps *m, struct keg_icpt_entry **v, size_t *n);

/* Add a rule at the end; *id gets its id. */
int keg_icpt_add(const struct keg_icpt_maps *m, const struct keg_icpt_spec *spec,
		 uint32_t *id, struct keg_err *err);
/* Add many at once (one rebuild): ids[i] gets the id of specs[i]. */
int keg_icpt_add_many(const struct keg_icpt_maps *m, const struct keg_icpt_spec *specs,
		      size_t n, uint32_t *ids, struct keg_err *err);
int keg_icpt_del(const struct keg_icpt_maps *m, uint32_t id, struct keg_err *err);
/* Delete the rules with these ids in one rebuild (apply). */
int keg_icpt_del_ids(const struct keg_icpt_maps *m, const uint32_t *ids, size_t n,
		     struct keg_err *err);
/* Delete every rule. */
int keg_icpt_del_all(const struct keg_icpt_maps *m, struct keg_err *err);
int keg_icpt_enable(const struct keg_icpt_maps *m, uint32_t id, bool on,
		    struct keg_err *err);

/* Sites: set a site up or down (created if unknown). */
int keg_icpt_site_set(const struct keg_icpt_maps *m, const char *name, bool down,
		      struct keg_err *err);
int keg_icpt_site_name(const struct keg_icpt_maps *m, uint32_t id, char *name,
		       size_t len);

/* kegd's record: running (pid alive, heartbeat fresh) and its counters. */
/* A kegd record of a process that runs and beats (heartbeat fresher than
 * KEG_KEGD_STALE_MS). */
bool keg_kegd_alive(const struct keg_kegd *k);
int keg_icpt_kegd_read(const struct keg_icpt_maps *m, struct keg_kegd *k, bool *running);

/* Rule state letter: 'A' active, 'X' disabled, 'Y' site or controller down. */
char keg_icpt_state(const struct keg_icpt_entry *e, bool kegd_running);

#endif /* KEG_INTERCEPT_LIB_H */
