/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ifctx.h - one attached interface opened for changes: its name, index and
 * the fds of its pinned maps (ifmaps.h). Customers, subnets, shaping and
 * apply all work on one of these.
 */
#ifndef KEG_IFCTX_H
#define KEG_IFCTX_H

#include <net/if.h>

#include "err.h"
#include "ifmaps.h"

struct keg_ifctx {
	char name[IF_NAMESIZE];
	int ifindex;
	struct keg_ifmaps maps;
};

/* Resolve iface (or the only attached one, iface NULL; see
 * keg_att_resolve()) and open its maps. */
int keg_ifctx_open(const char *iface, struct keg_ifctx *c, struct keg_err *err);
void keg_ifctx_close(struct keg_ifctx *c);

#endif /* KEG_IFCTX_H */
