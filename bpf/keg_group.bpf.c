// SPDX-License-Identifier: GPL-2.0
/*
 * keg_group.bpf.c - the classifier on keg's root HTB qdisc (cls_bpf, not
 * direct-action: the return value is the class id). keg_tc set
 * skb->priority to a customer's leaf M:N in the HTB of group g (handle M:,
 * M = KEG_GROUP_MAJOR(g)); the root HTB must hand the packet to the class
 * holding that HTB, 1:KEG_CLASS_GROUP_FIRST+g. Anything else: 0, no match
 * (HTB's default class). See headers/keg_shape.h.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "keg_shape.h"

SEC("tc")
int keg_group(struct __sk_buff *skb)
{
	__u32 major = skb->priority >> 16;

	if (major < KEG_GROUP_MAJOR_FIRST ||
	    major >= KEG_GROUP_MAJOR_FIRST + KEG_SHAPE_MAX_GROUPS)
		return 0;
	return (int)KEG_CLASSID(KEG_CLASS_GROUP_FIRST + major - KEG_GROUP_MAJOR_FIRST);
}

char LICENSE[] SEC("license") = "GPL";
