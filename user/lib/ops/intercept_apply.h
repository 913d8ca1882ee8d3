/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * intercept_apply.h - make an interface's intercept rules equal to the
 * `intercept` lines of an apply file (intercept_conf.h says how).
 */
#ifndef KEG_INTERCEPT_APPLY_H
#define KEG_INTERCEPT_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "intercept_conf.h"
#include "note.h"

/* Make iface's rules equal to want; notes "IFACE: - intercept ID ..." and
 * "IFACE: + intercept ID ..." lines (KEG_NOTE_CHANGE) (dry_run: what it would do, "+ intercept
 * ..." without id). Counts into *n_add, *n_del, *n_same. Needs the keg
 * lock held exclusively. */
int keg_icpt_conf_apply(const char *iface, const struct keg_conf_icpts *want,
			bool dry_run, size_t *n_add, size_t *n_del, size_t *n_same,
			const struct keg_note *note, struct keg_err *err);

#endif /* KEG_INTERCEPT_APPLY_H */
