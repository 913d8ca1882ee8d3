// SPDX-License-Identifier: GPL-2.0
/*
 * parse_probe.bpf.c - test-only XDP program: runs keg's parser on the frame
 * and leaves the whole struct keg_parse_result in parse_out[0], so the unit
 * tests can check every field of it through BPF_PROG_TEST_RUN.
 * Always XDP_PASS; anything else is a failure of the probe itself.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "keg_parse.h"		/* bpf/keg_parse.h: keg_parse() */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_parse_result);
} parse_out SEC(".maps");

SEC("xdp")
int parse_probe(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct keg_parse_result *r, *out;
	__u32 zero = 0;

	out = bpf_map_lookup_elem(&parse_out, &zero);
	if (!out)
		return XDP_ABORTED;
	r = keg_parse(data, data_end, KEG_SCRATCH_XDP);
	if (!r)
		return XDP_ABORTED;
	__builtin_memcpy(out, r, sizeof(*out));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
