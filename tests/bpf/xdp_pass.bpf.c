// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_pass.bpf.c - the smallest XDP program: every frame gets XDP_PASS.
 *
 * Two users:
 *  - keg_bench measures it next to keg_xdp on the same frame in the same
 *    run (the denominator of every ns/packet ratio);
 *  - tests/integration/test_cli_errors.sh attaches it as a "foreign" XDP
 *    program (`ip link set dev X xdp obj build/xdp_pass.bpf.o sec xdp`) to
 *    check that kegctl refuses to replace what it does not own.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
