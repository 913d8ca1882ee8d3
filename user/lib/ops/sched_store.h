/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sched_store.h - bandwidth schedules as files, and one controller pass.
 *
 * A schedule file has one line per customer or default class ('#' starts a
 * comment):
 *     IFACE ADDR|default RULES        (RULES as in schedule.h)
 *     kca 10.1.2.5 mon-fri 08:00-18:00 down 20mbit; * down 100mbit
 *
 * `kegctl apply` keeps the `schedule` statements of each interface block
 * (config.h) in KEG_SCHED_DIR/IFACE, in this format (no file when the block
 * has none); `kegctl detach IFACE` removes it. `kegctl schedule show|run`
 * read them all when given KEG_SCHED_APPLIED instead of a file name.
 * /run is a tmpfs: after a reboot, `kegctl apply` writes them again.
 */
#ifndef KEG_SCHED_STORE_H
#define KEG_SCHED_STORE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "config.h"
#include "err.h"
#include "nl.h"
#include "note.h"
#include "schedule.h"

#define KEG_RUN_DIR        "/run/keg"
#define KEG_SCHED_DIR      KEG_RUN_DIR "/schedule"
#define KEG_SCHED_APPLIED  "@applied"

struct keg_sched_entry {
	char iface[IF_NAMESIZE];
	char who[64];			/* "default" or the address as written */
	bool is_default;
	struct keg_addr addr;
	struct keg_sched s;
	char src[128];			/* "FILE:LINE", for messages */
};

/* Append the lines of file to *v (realloc'd; free() it), *n entries.
 * Errors say "FILE:LINE: why". */
int keg_sched_file_load(const char *file, struct keg_sched_entry **v, size_t *n,
			struct keg_err *err);

/* Append the stored schedules of every interface (none: 0, *n unchanged). */
int keg_sched_applied_load(struct keg_sched_entry **v, size_t *n, struct keg_err *err);

/* Write KEG_SCHED_DIR/NAME from the `schedule` statements of block f, or
 * remove it when f has none. Replaced atomically. */
int keg_sched_store(const struct keg_conf_iface *f, struct keg_err *err);

/* KEG_SCHED_DIR/IFACE, removed: 0 or a negative errno (-ENOENT ignored). */
int keg_sched_forget(const char *iface);

/* Bring every entry to the rule in force at minute-of-week w: customers as
 * `kegctl customer set`, default classes as `kegctl shape set
 * --default-rate`, only where they differ. Notes one line per change
 * (KEG_NOTE_CHANGE) and one per failure it carries on after
 * (KEG_NOTE_PROBLEM, "FILE:LINE: why"); returns the last failure or 0.
 * The caller holds keg_lock(true). */
int keg_sched_pass(struct keg_nl *nl, const struct keg_sched_entry *v, size_t n, int w,
		   const struct keg_note *note);

/* "down 20mbit up 5mbit (rule 1)" or "no rule". */
const char *keg_sched_rule_str(const struct keg_sched *s, int r, char *buf, size_t len);

#endif /* KEG_SCHED_STORE_H */
