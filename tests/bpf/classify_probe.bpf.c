// SPDX-License-Identifier: GPL-2.0
/*
 * classify_probe.bpf.c - keg_parse() + keg_classify() as keg_tc runs them,
 * returning skb->hash so tests can compare the inner-flow hashes
 * (BPF_PROG_TEST_RUN hands back skb->priority but not skb->hash).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "keg_parse.h"
#include "keg_classify.h"

SEC("tc")
int classify_probe(struct __sk_buff *skb)
{
	struct keg_parse_result *r;

	r = keg_parse(skb, KEG_SCRATCH_TC);
	if (!r)
		return 0;
	keg_classify(skb, r);
	return (int)skb->hash;
}

char LICENSE[] SEC("license") = "GPL";
