// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xdpfilt.c - see xdpfilt.h.
 *
 * The layout of xdp-filter's maps (xdp-tools, xdp-filter/xdpfilt_prog.h
 * and common_kern_user.h, read for this, not copied): filter_ports, a
 * per-CPU array by port (network order) of flag words; filter_ipv4,
 * filter_ipv6, filter_ethernet, per-CPU hashes by address of flag words;
 * xdp_stats_map, a per-CPU array by verdict of {packets, bytes}. A table
 * entry matches when its flags hold the direction (and protocol) bits
 * checked. In the deny policy a match passes a frame and a miss drops it,
 * after every lookup the frame allows: the bench's frames all miss, so
 * each run does the filter's full work and ends in XDP_DROP (XDP_ABORTED
 * for a frame it cannot parse).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_run.h"
#include "xdpfilt.h"

/* xdp-filter's flag bits (common_kern_user.h). */
#define XDPFILT_FLAG_SRC	(1 << 0)
#define XDPFILT_FLAG_DST	(1 << 1)
#define XDPFILT_FLAG_TCP	(1 << 2)
#define XDPFILT_FLAG_UDP	(1 << 3)

struct xdpfilt_stats_rec {
	__u64 packets, bytes;
};

/* Set value v (a flag word) for key on every CPU of a per-CPU map. */
static int put_percpu(struct bpf_object *obj, const char *map_name,
		      const void *key, __u64 v)
{
	int ncpus = libbpf_num_possible_cpus();
	struct bpf_map *m = bpf_object__find_map_by_name(obj, map_name);
	__u64 vals[ncpus > 0 ? ncpus : 1];

	if (!m)
		return -ENOENT;
	if (ncpus <= 0)
		return -EINVAL;
	for (int i = 0; i < ncpus; i++)
		vals[i] = v;
	return bpf_map_update_elem(bpf_map__fd(m), key, vals, BPF_ANY) ? -errno : 0;
}

/* One allowed service per table, none of them the bench's frames:
 * TCP port 22, 192.0.2.1, 2001:db8::1, 02:00:00:00:00:99. */
static int fill_tables(struct bpf_object *obj)
{
	__u32 port = htons(22);
	__u32 ip4;
	struct in6_addr ip6;
	__u8 mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	int err;

	inet_pton(AF_INET, "192.0.2.1", &ip4);
	inet_pton(AF_INET6, "2001:db8::1", &ip6);
	err = put_percpu(obj, "filter_ports", &port,
			 XDPFILT_FLAG_DST | XDPFILT_FLAG_TCP);
	err = err ?: put_percpu(obj, "filter_ipv4", &ip4, XDPFILT_FLAG_DST);
	err = err ?: put_percpu(obj, "filter_ipv6", &ip6, XDPFILT_FLAG_DST);
	err = err ?: put_percpu(obj, "filter_ethernet", mac, XDPFILT_FLAG_SRC);
	return err;
}

int xdpfilt_load(struct xdpfilt *f, const char *path)
{
	struct bpf_program *prog;
	struct bpf_map *m;
	int err;

	memset(f, 0, sizeof(*f));
	f->obj = bpf_object__open_file(path, NULL);
	if (!f->obj) {
		err = -errno;
		return err;
	}
	/* Its maps are pinned by name (xdp-filter shares them between its
	 * commands): never reuse or create a pin here. */
	bpf_object__for_each_map(m, f->obj) {
		err = bpf_map__set_pin_path(m, NULL);
		if (err)
			goto fail;
	}
	prog = bpf_object__next_program(f->obj, NULL);
	if (!prog) {
		err = -ENOENT;
		goto fail;
	}
	bpf_program__set_type(prog, BPF_PROG_TYPE_XDP);
	err = bpf_object__load(f->obj);
	if (err)
		goto fail;
	m = bpf_object__find_map_by_name(f->obj, "xdp_stats_map");
	if (!m) {
		err = -ENOENT;
		goto fail;
	}
	f->stats_fd = bpf_map__fd(m);
	f->prog_fd = bpf_program__fd(prog);
	err = fill_tables(f->obj);
	if (err)
		goto fail;
	return 0;
fail:
	xdpfilt_close(f);
	return err;
}

void xdpfilt_close(struct xdpfilt *f)
{
	bpf_object__close(f->obj);
	f->obj = NULL;
}

int xdpfilt_count(const struct xdpfilt *f, __u32 verdict, __u64 *packets)
{
	return bench_percpu_sum(f->stats_fd, verdict,
				sizeof(struct xdpfilt_stats_rec), packets, 1);
}
