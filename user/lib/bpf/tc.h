/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tc.h - keg's tc filters: direct-action cls_bpf filters on the clsact qdisc
 * of the interface, at a fixed handle and priority so re-attach replaces
 * exactly them and detach removes exactly them. keg_tc sits on egress (the
 * keg_tc_* calls without a direction); keg_tc_reply on ingress (reply.h,
 * through the *_at calls with BPF_TC_INGRESS).
 */
#ifndef KEG_TC_H
#define KEG_TC_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "nl.h"

#define KEG_TC_HANDLE 0x4b	/* 75, as KEG_RTPROT */
#define KEG_TC_PRIO   1		/* first: keg sees every egress packet */

/* Program id of the filter at keg's handle/priority on egress: 0 and
 * *prog_id, -ENOENT when there is none (or no clsact), or an errno. */
int keg_tc_query(int ifindex, uint32_t *prog_id);
int keg_tc_query_at(int ifindex, enum bpf_tc_attach_point at, uint32_t *prog_id);

/* Create the clsact qdisc unless it exists; *created says which. */
int keg_tc_hook_ensure(int ifindex, bool *created);

/* Install prog_fd at keg's handle/priority, replacing what is there when
 * replace is set (atomic), else failing with -EEXIST. */
int keg_tc_attach(int ifindex, int prog_fd, bool replace);
int keg_tc_attach_at(int ifindex, enum bpf_tc_attach_point at, int prog_fd, bool replace);

/* Remove keg's filter: 0 or -ENOENT. */
int keg_tc_detach(int ifindex);
int keg_tc_detach_at(int ifindex, enum bpf_tc_attach_point at);

/* Number of filters left on clsact ingress and egress together. */
int keg_tc_filter_count(struct keg_nl *nl, int ifindex, unsigned int *n);

/* Remove the clsact qdisc and every filter on it. */
int keg_tc_hook_destroy(int ifindex);

#endif /* KEG_TC_H */
