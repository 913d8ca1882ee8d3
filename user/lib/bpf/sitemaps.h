/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sitemaps.h - the pinned site maps of this network namespace
 * (headers/keg_site.h): keg_sites, written by kegctl, and keg_site_stats,
 * written by kegd. Functions return 0 or a negative errno and never print;
 * on failure *err says what failed.
 */
#ifndef KEG_SITEMAPS_H
#define KEG_SITEMAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "keg_site.h"

struct keg_sitemaps {
	int conf, stats;
	int limits, lstats;             /* keg_limits, keg_limit_stats */
};

/* "/sys/fs/bpf/keg/sites:COOKIE" of the calling thread's netns. */
int keg_sites_dir(char *buf, size_t len);

/* Open the maps; with create, make them (and their directory) first when
 * they do not exist yet. -ENOENT without create when no site was ever
 * defined here. */
int keg_sitemaps_open(struct keg_sitemaps *m, bool create, struct keg_err *err);
void keg_sitemaps_close(struct keg_sitemaps *m);

/* Every slot of keg_sites into v[KEG_SITES_MAX] (free slots: used == 0). */
int keg_sites_read(const struct keg_sitemaps *m, struct keg_site_conf *v);

/* Every slot of keg_site_stats into v[KEG_SITES_MAX], as kegd last wrote
 * them (compare gen and updated_ns before trusting one). */
int keg_site_stats_read(const struct keg_sitemaps *m, struct keg_site_stats *v);

/* Write slot `slot` (gen bumped from what the slot held) or clear it. */
int keg_site_write(const struct keg_sitemaps *m, unsigned int slot,
		   const struct keg_site_conf *c);
int keg_site_clear(const struct keg_sitemaps *m, unsigned int slot);

/* keg_limits[0] (never set: total KEG_LIMITS_TOTAL_DEFAULT) and
 * keg_limit_stats[0]. Writing bumps gen. */
int keg_limits_read(const struct keg_sitemaps *m, struct keg_limits *l);
int keg_limits_write(const struct keg_sitemaps *m, const struct keg_limits *l);
int keg_limit_stats_read(const struct keg_sitemaps *m, struct keg_limit_stats *s);

/* Remove the pins and the directory (after the last site is deleted). */
int keg_sitemaps_unpin(void);

#endif /* KEG_SITEMAPS_H */
