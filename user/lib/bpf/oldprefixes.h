/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * oldprefixes.h - the proxied prefixes a keg before issue 12 left pinned.
 *
 * That keg kept an interface's proxied prefixes in LPM tries pinned as
 * keg_subnets4 and keg_subnets6, with the key and value layout that
 * keg_prefixes4/6 have now (headers/keg_maps.h). The programs of today do
 * not read them, so an upgrade (ops/attach.c) moves them: copy every entry
 * into the new maps with keg_subnet_insert() (keg_prefix_lens follows),
 * and only once the new programs run, unpin the old maps.
 */
#ifndef KEG_OLDPREFIXES_H
#define KEG_OLDPREFIXES_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "err.h"
#include "ifmaps.h"

#define KEG_OLD_SUBNETS4 "keg_subnets4"
#define KEG_OLD_SUBNETS6 "keg_subnets6"

struct keg_old_prefixes {
	int fd4, fd6;			/* -1 where that pin is absent */
	struct keg_addr *moved;		/* inserted by keg_old_prefixes_copy() */
	size_t n_moved, cap_moved;
	size_t n_kept;			/* old entries the new maps held already */
};

/* Open whichever old pins the pin directory dir has. 0 (fds -1 when
 * there are none), -EINVAL with err set when a pin's key or value size is
 * not the old layout, or another negative errno. */
int keg_old_prefixes_open(const char *dir, struct keg_old_prefixes *o,
			  struct keg_err *err);
bool keg_old_prefixes_present(const struct keg_old_prefixes *o);

/* Insert every old prefix into the new maps of m (subnets4/6 and
 * subnet_lens are used); one they already hold is kept as it is (a move
 * whose unpinning failed, run again). On failure what this call inserted
 * is deleted again and err names the prefix. */
int keg_old_prefixes_copy(struct keg_old_prefixes *o, const struct keg_ifmaps *m,
			  struct keg_err *err);

/* Delete from m what keg_old_prefixes_copy() inserted (an undone attach).
 * 0 or the first error. */
int keg_old_prefixes_uncopy(struct keg_old_prefixes *o, const struct keg_ifmaps *m);

/* Remove the old pins from dir (absent ones are fine). 0 or the first
 * error, with err naming the pin. */
int keg_old_prefixes_unpin(const char *dir, struct keg_err *err);

void keg_old_prefixes_close(struct keg_old_prefixes *o);

#endif /* KEG_OLDPREFIXES_H */
