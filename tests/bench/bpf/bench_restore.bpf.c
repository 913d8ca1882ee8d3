// SPDX-License-Identifier: GPL-2.0
/*
 * bench_restore.bpf.c - keg_bench's wrapper for paths that rewrite the
 * frame (proxy-ARP turns the request into its reply in place).
 *
 * BPF_PROG_TEST_RUN with `repeat` runs every repetition on the same
 * buffer, and BPF_F_TEST_XDP_LIVE_FRAMES recycles its pages without
 * copying the original frame back (measured on 6.18: arp_replied moves by
 * the page pool size, 64, out of 100,000), so after the first repetition
 * keg sees its own reply. This program writes the original frame back
 * (a fixed BENCH_FRAME_LEN bytes, set in .rodata before load) and then
 * tail-calls the program under test in bench_next[0]. keg_bench times
 * it around keg_xdp and around xdp_pass in the same run; the difference
 * is keg's cost, and keg's reply counter moving by exactly `repeat`
 * proves that every repetition answered.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bench_restore.h"

/* The frame to restore, as 32-bit words (the frame starts 4-aligned). */
const volatile __u32 bench_frame[BENCH_FRAME_WORDS] = { 0 };

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} bench_next SEC(".maps");

SEC("xdp")
int bench_restore(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 *w = data;

	if (data + BENCH_FRAME_LEN > data_end)
		return XDP_ABORTED;
#pragma unroll
	for (int i = 0; i < BENCH_FRAME_WORDS; i++)
		w[i] = bench_frame[i];
	bpf_tail_call(ctx, &bench_next, 0);
	return XDP_ABORTED;	/* bench_next[0] empty: the bench sees this */
}

char LICENSE[] SEC("license") = "GPL";
