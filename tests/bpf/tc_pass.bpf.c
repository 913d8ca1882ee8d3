// SPDX-License-Identifier: GPL-2.0
/* tc_pass.bpf.c - the pass-through tc baseline of the shaping bench
 * (tests/bench/shape/tc_bench.c): no work, no verdict of its own. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_pass(struct __sk_buff *skb)
{
	(void)skb;
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
