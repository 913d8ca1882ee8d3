/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pins.h - where keg keeps its pinned objects, and the lock around changes.
 *
 * Layout (bpffs, one directory per attached interface):
 *     /sys/fs/bpf/keg/                  KEG_PIN_ROOT, also the lock
 *     /sys/fs/bpf/keg/IFACE/keg_*       maps, pinned by libbpf by name
 *     /sys/fs/bpf/keg/IFACE/kegctl_state  symlink holding kegctl's record
 *                                         of the attachment (state.h)
 *     /sys/fs/bpf/keg_locks/IFACE       the lock of one interface's changes
 * bpffs refuses names with a '.', hence the underscores.
 */
#ifndef KEG_PINS_H
#define KEG_PINS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "keg_maps.h"
#include "note.h"

#define KEG_BPFFS "/sys/fs/bpf"

/* "/sys/fs/bpf/keg/IFACE" into buf: 0, or -EINVAL for a bad name. */
int keg_pin_dir(const char *iface, char *buf, size_t len);

/* "/sys/fs/bpf/keg/IFACE/NAME" into buf: 0 or -EINVAL. */
int keg_pin_path(const char *iface, const char *name, char *buf, size_t len);

/* Is /sys/fs/bpf the system's bpffs? 0 yes, -ENOENT when no bpffs is
 * mounted there, -EXDEV when it is not the one of init's mount namespace
 * (`ip netns exec` mounts a private one): pins made there would not
 * outlive the command. */
int keg_bpffs_check(void);

/* Mount bpffs on /sys/fs/bpf unless it already is, then create
 * KEG_PIN_ROOT. 0 or a negative errno; -EXDEV as keg_bpffs_check(), or
 * when nothing is mounted and this is not init's mount namespace. */
int keg_bpffs_prepare(void);

/* How long kegctl waits for another kegctl by default, and how often it
 * retries meanwhile. */
#define KEG_LOCK_TIMEOUT_S 120
#define KEG_LOCK_POLL_NS   50000000L

/* Take the keg lock (flock on KEG_PIN_ROOT), shared or exclusive, waiting
 * up to timeout_s (noting it once, KEG_NOTE_WAIT, when it has to wait).
 * Returns the fd to pass to keg_unlock(), -ENOENT when KEG_PIN_ROOT does
 * not exist (nothing is attached), -ETIMEDOUT, or a negative errno. */
int keg_lock(bool exclusive, unsigned int timeout_s, const struct keg_note *note);
void keg_unlock(int fd);

/*
 * The lock of a change to some interfaces only: KEG_PIN_ROOT shared (so a
 * keg_lock(true) holder, e.g. kegd's schedule tick or a change to every
 * interface, still excludes it), then one directory per interface name
 * under KEG_LOCK_DIR exclusive, in name order. Work on one interface thus
 * never waits for work on another. Readers (status, list, show) take no
 * lock: every map entry and the state record are replaced whole.
 * What one interface's change may touch besides its own pins is named
 * too (the uplink of its shaping); customers of two interfaces cannot
 * collide, as keg's route to a customer is created exclusively
 * (customer.h). Returns 0 with l filled (keg_unlock_ifaces() it), -ENOENT
 * when KEG_PIN_ROOT does not exist, -E2BIG for more than
 * KEG_LOCK_IFACES_MAX names, -ETIMEDOUT, or a negative errno.
 */
#define KEG_LOCK_DIR        KEG_BPFFS "/keg_locks"
#define KEG_LOCK_IFACES_MAX 32

struct keg_locks {
	int root;		/* KEG_PIN_ROOT, shared; -1: not held */
	size_t n;
	int fd[KEG_LOCK_IFACES_MAX];
};

int keg_lock_ifaces(struct keg_locks *l, const char *const *names, size_t n,
		    unsigned int timeout_s, const struct keg_note *note);
void keg_unlock_ifaces(struct keg_locks *l);

/* Names of all interface directories under KEG_PIN_ROOT, sorted; in any
 * network namespace (see state.h to tell them apart). *names is malloc'ed
 * (free() it); *n = 0 and 0 returned when there are none. */
int keg_pin_ifaces(char (**names)[IF_NAMESIZE], size_t *n);

/* Entries of a directory (file names, sorted), for undoing what a failed
 * attach pinned. *names malloc'ed, each name NAME_MAX + 1 bytes. */
struct keg_dirlist {
	char (*names)[256];
	size_t n;
};
int keg_dir_list(const char *dir, struct keg_dirlist *l);
void keg_dir_list_free(struct keg_dirlist *l);
bool keg_dir_list_has(const struct keg_dirlist *l, const char *name);

/* Unlink every entry of dir that is not in keep (NULL: all), then remove
 * dir if it is empty. 0 or the first error. */
int keg_dir_purge(const char *dir, const struct keg_dirlist *keep, bool rmdir_it);

#endif /* KEG_PINS_H */
