/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pinset.h - open the pinned maps of an interface by table.
 *
 * A struct of fds (struct keg_ifmaps, struct keg_icpt_maps, kegd's own) is
 * described by a table of { pin name, offset of its fd }, written with
 * KEG_PIN_FIELD(); one opener walks any such table. On failure nothing
 * stays open and err names the pin and what to do:
 *   - the interface's pin directory is missing: keg is not attached there;
 *   - one pin is missing: an older keg attached it (re-attach upgrades);
 *   - anything else: the path and the errno.
 */
#ifndef KEG_PINSET_H
#define KEG_PINSET_H

#include <stddef.h>

#include "err.h"
#include "pins.h"

struct keg_pin_field {
	const char *name;	/* file under KEG_PIN_ROOT/IFACE */
	size_t offset;		/* of an int fd in the struct */
};

/* { "keg_prefixes4", offsetof(struct keg_ifmaps, subnets4) } from the map
 * name macro of headers/, so the pin name and BPF symbol cannot drift. */
#define KEG_PIN_FIELD(type, member, map) { KEG_STR(map), offsetof(type, member) }
#define KEG_PIN_TABLE_N(t) (sizeof(t) / sizeof((t)[0]))

/* Open every pin of table t (n entries) into the fds of *fds. */
int keg_pinset_open(const char *iface, void *fds, const struct keg_pin_field *t, size_t n,
		    struct keg_err *err);
/* Close what is open (fd >= 0) and set every fd to -1. */
void keg_pinset_close(void *fds, const struct keg_pin_field *t, size_t n);

/* One pin: an fd, or a negative errno with err as above. */
int keg_pin_open(const char *iface, const char *name, struct keg_err *err);

#endif /* KEG_PINSET_H */
