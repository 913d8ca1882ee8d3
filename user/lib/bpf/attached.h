/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * attached.h - which interfaces keg is attached to, seen from the caller's
 * network namespace.
 *
 * Every directory under /sys/fs/bpf/keg is an attachment, in some network
 * namespace (bpffs is shared by all of them). Its state record (state.h)
 * tells which:
 *   HERE       the interface of that name in this namespace, same ifindex
 *   ELSEWHERE  another namespace, whose keg_xdp program still exists
 *   VANISHED   the interface is gone or was re-created: pins left over,
 *              `kegctl detach NAME` removes them
 * kegctl changes only HERE attachments.
 */
#ifndef KEG_ATTACHED_H
#define KEG_ATTACHED_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "state.h"

enum keg_att_status {
	KEG_ATT_HERE,
	KEG_ATT_ELSEWHERE,
	KEG_ATT_VANISHED,
};

struct keg_att {
	char name[IF_NAMESIZE];
	enum keg_att_status status;
	bool has_state;		/* st is valid */
	struct keg_state st;
	int ifindex;		/* HERE: the interface's ifindex, else 0 */
};

const char *keg_att_status_str(enum keg_att_status s);

/* The attachment called iface: 0, or -ENOENT when there is none. */
int keg_att_get(const char *iface, struct keg_att *a);

/* All attachments, sorted by name; *v malloc'ed, *n may be 0. */
int keg_att_list(struct keg_att **v, size_t *n);

/*
 * The attachment a command acts on: iface when given (must be HERE), else
 * the only HERE attachment. Errors say why, naming the candidates:
 * -ENOENT (not attached / nothing attached), -EINVAL (several attached and
 * iface is NULL), -ENODEV (vanished), -EREMOTE (another namespace).
 */
int keg_att_resolve(const char *iface, struct keg_att *a, struct keg_err *err);

#endif /* KEG_ATTACHED_H */
