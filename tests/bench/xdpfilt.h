/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpfilt.h - xdp-tools' xdp-filter program (Debian's libxdp1 ships the
 * compiled objects) loaded for BPF_PROG_TEST_RUN, as keg_bench's "real
 * peer": a filter that parses to L4 and looks up Ethernet, IP and port
 * tables, measured on the same frames as keg_xdp.
 */
#ifndef KEG_BENCH_XDPFILT_H
#define KEG_BENCH_XDPFILT_H

#include <linux/types.h>

#ifndef XDPFILT_DIR
#define XDPFILT_DIR "/usr/lib/x86_64-linux-gnu/bpf"
#endif
/* Deny policy, every feature (Ethernet, IPv4, IPv6, TCP, UDP). */
#define XDPFILT_DENY_ALL XDPFILT_DIR "/xdpfilt_dny_all.o"

struct bpf_object;

struct xdpfilt {
	struct bpf_object *obj;
	int prog_fd;
	int stats_fd;		/* xdp_stats_map: per-CPU, key = verdict */
};

/* Open and load the object at path with its maps unpinned (the bench
 * never touches a filter attached on this host) and one allow entry in
 * each table, none matching the bench's frames, as an operator's
 * `xdp-filter port|ip|ether` would add. Returns 0 or -errno. */
int xdpfilt_load(struct xdpfilt *f, const char *path);
void xdpfilt_close(struct xdpfilt *f);

/* Frames xdp-filter has given `verdict` so far, summed over CPUs. */
int xdpfilt_count(const struct xdpfilt *f, __u32 verdict, __u64 *packets);

#endif /* KEG_BENCH_XDPFILT_H */
