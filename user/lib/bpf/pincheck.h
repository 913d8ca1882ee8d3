/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pincheck.h - will libbpf be able to reuse the pinned maps?
 *
 * A pinned map is reused only if its type, key and value sizes, capacity
 * and flags match the object's definition. libbpf's own failure reads
 * "couldn't reuse pinned map"; this check names the map and the difference
 * first, so an upgrade with a changed layout stops before touching anything.
 */
#ifndef KEG_PINCHECK_H
#define KEG_PINCHECK_H

#include <bpf/libbpf.h>

#include "err.h"

/* obj opened (not loaded) with pin_root_path dir: 0 when every existing
 * pin fits its map, else -EINVAL naming the first misfit. */
int keg_pins_compatible(struct bpf_object *obj, const char *dir, struct keg_err *err);

/* Counters only (keg_stats): a pin whose layout differs (a keg that counts
 * more) is unpinned, so the new program starts its counters at 0 instead
 * of the upgrade being refused. The old program keeps counting into the
 * old map until it is replaced. *n counts the pins removed. */
int keg_pins_reset_counters(struct bpf_object *obj, unsigned int *n, struct keg_err *err);

/* Pins an earlier keg left in dir that no program of today uses and that
 * hold nothing to carry over (keg_leafstats: per-leaf counters, now read
 * from the HTB classes). Removed once the new programs run, so that
 * `bpftool map dump` does not show counters frozen at the upgrade. Absent
 * ones are fine; 0 or the first error, err naming the pin. */
int keg_pins_remove_retired(const char *dir, struct keg_err *err);

#endif /* KEG_PINCHECK_H */
