// SPDX-License-Identifier: GPL-2.0
/*
 * parse_probe.bpf.c - test-only XDP program: runs keg's parser on the frame
 * and leaves the whole struct keg_parse_result in parse_out[0], so the unit
 * tests can check every field of it through BPF_PROG_TEST_RUN; and the
 * generic loop's result alone in parse_out[1], which the tests require to
 * be byte-identical (the fast path must decide exactly as the loop would).
 * Always XDP_PASS; anything else is a failure of the probe itself.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "keg_parse.h"		/* bpf/keg_parse.h: keg_parse() */

enum { PARSE_OUT_KEG, PARSE_OUT_GENERIC, PARSE_OUT__MAX };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PARSE_OUT__MAX);
	__type(key, __u32);
	__type(value, struct keg_parse_result);
} parse_out SEC(".maps");

SEC("xdp")
int parse_probe(struct xdp_md *ctx)
{
	struct keg_parse_result *r, *out, *out_generic;
	__u32 key = PARSE_OUT_KEG, key_generic = PARSE_OUT_GENERIC;

	out = bpf_map_lookup_elem(&parse_out, &key);
	out_generic = bpf_map_lookup_elem(&parse_out, &key_generic);
	if (!out || !out_generic)
		return XDP_ABORTED;
	r = keg_parse(ctx, KEG_SCRATCH_XDP);
	if (!r)
		return XDP_ABORTED;
	__builtin_memcpy(out, r, sizeof(*out));
	r = keg_parse_generic(ctx, KEG_SCRATCH_XDP);
	if (!r)
		return XDP_ABORTED;
	__builtin_memcpy(out_generic, r, sizeof(*out_generic));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
