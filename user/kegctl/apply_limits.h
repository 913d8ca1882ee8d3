/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * apply_limits.h - the `limits` line of `kegctl apply` files (config.h):
 * the gateway's connection limits, as `kegctl limits set` writes them,
 * written after the interfaces and sites were applied. A file without a
 * limits line leaves the limits alone.
 */
#ifndef KEGCTL_APPLY_LIMITS_H
#define KEGCTL_APPLY_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "config.h"

/* Make the limits l (or, dry_run, print what that would change): one
 * "limits: ~ limits tcp N udp N total N (was ...)" line when they differ;
 * *changes counts it. */
int limits_plan_apply(struct cli_ctx *ctx, const struct keg_conf_limits *l, bool dry_run,
		      size_t *changes);

#endif /* KEGCTL_APPLY_LIMITS_H */
