// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* mapwalk.c - see mapwalk.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mapwalk.h"

int keg_map_walk(int fd, int (*fn)(const void *key, void *arg), void *arg)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	uint8_t *key, *next;
	void *prev = NULL;
	int ret;

	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return -errno;
	key = calloc(2, info.key_size ? info.key_size : 1);
	if (!key)
		return -ENOMEM;
	next = key + info.key_size;
	for (;;) {
		if (bpf_map_get_next_key(fd, prev, next)) {
			ret = errno == ENOENT ? 0 : -errno;	/* ENOENT: the end */
			break;
		}
		ret = fn(next, arg);
		if (ret)
			break;
		memcpy(key, next, info.key_size);
		prev = key;
	}
	free(key);
	return ret;
}

static int count_one(const void *key, void *arg)
{
	(void)key;
	(*(size_t *)arg)++;
	return 0;
}

int keg_map_count(int fd, size_t *n)
{
	*n = 0;
	return keg_map_walk(fd, count_one, n);
}

/* One CPU's copy of a value of n_u64 counters, as the kernel lays it out. */
static size_t stride(size_t n_u64)
{
	return (n_u64 * sizeof(uint64_t) + 7) & ~(size_t)7;
}

/* A zeroed buffer for one value on every possible CPU; *ncpu set. */
static uint8_t *percpu_buf(size_t n_u64, int *ncpu)
{
	*ncpu = libbpf_num_possible_cpus();
	if (*ncpu < 0)
		return NULL;
	return calloc((size_t)*ncpu, stride(n_u64));
}

void keg_percpu_add(const void *vals, int ncpu, size_t stride, uint64_t *out, size_t n_u64)
{
	for (int c = 0; c < ncpu; c++) {
		const uint64_t *cpu = (const uint64_t *)((const uint8_t *)vals + (size_t)c * stride);

		for (size_t i = 0; i < n_u64; i++)
			out[i] += cpu[i];
	}
}

int keg_percpu_sum(int fd, const void *key, uint64_t *out, size_t n_u64)
{
	int ncpu, ret = 0;
	uint8_t *buf = percpu_buf(n_u64, &ncpu);

	if (!buf)
		return ncpu < 0 ? ncpu : -ENOMEM;
	memset(out, 0, n_u64 * sizeof(*out));
	if (bpf_map_lookup_elem(fd, key, buf) < 0) {
		ret = -errno;
	} else {
		keg_percpu_add(buf, ncpu, stride(n_u64), out, n_u64);
	}
	free(buf);
	return ret;
}

int keg_percpu_set(int fd, const void *key, const uint64_t *val, size_t n_u64)
{
	int ncpu, ret = 0;
	uint8_t *buf = percpu_buf(n_u64, &ncpu);

	if (!buf)
		return ncpu < 0 ? ncpu : -ENOMEM;
	memcpy(buf, val, n_u64 * sizeof(*val));
	if (bpf_map_update_elem(fd, key, buf, BPF_ANY) < 0)
		ret = -errno;
	free(buf);
	return ret;
}
