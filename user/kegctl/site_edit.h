/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * site_edit.h - the changes `kegctl site add|set|del` make to the slots of
 * keg_sites (headers/keg_site.h), decided before anything is written.
 *
 * Pure: slots in, a verdict (and the new entry) out, -EINVAL with one line
 * in *err naming the site or word at fault. The words of a site go through
 * kegd's own parser (site_conf.h), so the CLI, `site` lines of config files
 * and kegd agree on what a site is; a table as a whole through
 * keg_sites_check() with the local site first.
 */
#ifndef KEGCTL_SITE_EDIT_H
#define KEGCTL_SITE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "keg_site.h"
#include "site_conf.h"

/* What a command line gives for one site; NULL: not given (set keeps the
 * site's value). */
struct site_words_in {
	const char *name, *addr, *key, *pubkey, *maxrate, *segsize, *schedule;
	const char *compress, *compress_gain;
	bool local;
};

/* Parse in into *s. With old (site set), what in leaves out comes from
 * the site as it is, so the result is checked whole again. */
int site_parse(const struct site_words_in *in, const struct keg_site_conf *old,
	       struct keg_site *s, struct keg_err *err);

void site_from_conf(const struct keg_site_conf *c, struct keg_site *s);
void site_to_conf(const struct keg_site *s, struct keg_site_conf *c);

/* The slot holding name, or -1. */
int site_find(const struct keg_site_conf *v, const char *name);

/* The slot of the local site, or -1. */
int site_local(const struct keg_site_conf *v);

/* A free slot, or -ENOSPC (with *err saying so). */
int site_free_slot(const struct keg_site_conf *v, const char *name, struct keg_err *err);

/* Would the table v be valid with slot `slot` holding s (s NULL: freed)?
 * 0 or -EINVAL with the reason. */
int site_table_check(const struct keg_site_conf *v, int slot, const struct keg_site *s,
		     struct keg_err *err);

/* "192.0.2.1:3919", "[2001:db8::1]:3919" */
const char *site_addr_str(int family, const void *addr, unsigned int port, char *buf,
			  size_t len);

/* Shared by `site add|set|del` and `apply`; errors reported through ctx. */
struct cli_ctx;
struct keg_sitemaps;

/* The slots as they are; *have false (and v all free) when no site was
 * ever defined here. */
int site_load(struct cli_ctx *ctx, struct keg_sitemaps *m, struct keg_site_conf *v,
	      bool *have);

/* The local site's key: the absolute path kept, its public key read from
 * the file now (a bad or readable-by-others key is refused here). */
int site_local_key(struct cli_ctx *ctx, struct keg_site *s);

/* Write s into slot (creating the maps when !have). */
int site_write_slot(struct cli_ctx *ctx, struct keg_sitemaps *m, bool have, int slot,
		    const struct keg_site *s);

#endif /* KEGCTL_SITE_EDIT_H */
