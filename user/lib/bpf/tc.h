/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tc.h - keg's egress filter: keg_tc as a direct-action cls_bpf filter on
 * the clsact qdisc of the interface, at a fixed handle and priority so
 * re-attach replaces exactly it and detach removes exactly it.
 */
#ifndef KEG_TC_H
#define KEG_TC_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

#define KEG_TC_HANDLE 0x4b	/* 75, as KEG_RTPROT */
#define KEG_TC_PRIO   1		/* first: keg sees every egress packet */

/* Program id of the filter at keg's handle/priority on egress: 0 and
 * *prog_id, -ENOENT when there is none (or no clsact), or an errno. */
int keg_tc_query(int ifindex, uint32_t *prog_id);

/* Create the clsact qdisc unless it exists; *created says which. */
int keg_tc_hook_ensure(int ifindex, bool *created);

/* Install prog_fd at keg's handle/priority, replacing what is there when
 * replace is set (atomic), else failing with -EEXIST. */
int keg_tc_attach(int ifindex, int prog_fd, bool replace);

/* Remove keg's filter: 0 or -ENOENT. */
int keg_tc_detach(int ifindex);

/* Number of filters left on clsact ingress and egress together. */
int keg_tc_filter_count(struct keg_nl *nl, int ifindex, unsigned int *n);

/* Remove the clsact qdisc and every filter on it. */
int keg_tc_hook_destroy(int ifindex);

#endif /* KEG_TC_H */
