/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * proxy_apply.h - make an interface's proxies equal to the `proxy` lines
 * of an apply file (proxy_conf.h says how).
 */
#ifndef KEG_PROXY_APPLY_H
#define KEG_PROXY_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "note.h"
#include "proxy.h"
#include "proxy_conf.h"

/* Make iface's proxies equal to want. Every proxy to add is checked
 * (proxy.h; its site against `sites`, see keg_proxy_sites) before any is
 * removed or added; notes "IFACE: - proxy ..." and "IFACE: + proxy ..."
 * lines (KEG_NOTE_CHANGE); dry_run: only the checks and the notes. Counts
 * into *n_add, *n_del, *n_same. */
int keg_proxy_conf_apply(const char *iface, const struct keg_conf_proxies *want,
			 const struct keg_proxy_sites *sites, bool dry_run, size_t *n_add,
			 size_t *n_del, size_t *n_same, const struct keg_note *note,
			 struct keg_err *err);

#endif /* KEG_PROXY_APPLY_H */
