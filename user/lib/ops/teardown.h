/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * teardown.h - take keg off an interface with everything built on it:
 * shaping off first (the HTB trees go and the uplink loses its keg_tc
 * filter, which would otherwise run on with maps about to be unpinned),
 * then keg_detach() (attach.h), then the schedules `kegctl apply` stored
 * for it (sched_store.h). Like keg_detach() it converges: after a failure,
 * running it again finishes the job. Expects keg_lock(true) or
 * keg_lock_ifaces() of the interface.
 */
#ifndef KEG_TEARDOWN_H
#define KEG_TEARDOWN_H

#include "attach.h"
#include "err.h"

int keg_teardown(const char *iface, struct keg_detach_result *res, struct keg_err *err);

#endif /* KEG_TEARDOWN_H */
