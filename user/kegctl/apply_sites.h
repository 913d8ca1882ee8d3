/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * apply_sites.h - `site` lines of `kegctl apply` files: checked whole
 * before anything changes, written after the interfaces were applied. A
 * file without site lines leaves the sites alone.
 */
#ifndef KEGCTL_APPLY_SITES_H
#define KEGCTL_APPLY_SITES_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "keg_site.h"
#include "site_conf.h"

struct site_plan {
	struct keg_site want[KEG_SITES_MAX];	/* in file order, schedules joined */
	unsigned int line[KEG_SITES_MAX];	/* each one's site line */
	size_t n;
	bool any;				/* the file has site lines */
};

/* Parse and check the file's site lines into p (FILE:LINE errors). */
int site_plan_build(struct cli_ctx *ctx, const char *file, const char *text, size_t len,
		    struct site_plan *p);

/* Make the sites equal to p (or, dry_run, print what that would change):
 * "sites: + site B", "~", "-" lines; *changes counts them. */
int site_plan_apply(struct cli_ctx *ctx, const struct site_plan *p, bool dry_run,
		    size_t *changes);

#endif /* KEGCTL_APPLY_SITES_H */
