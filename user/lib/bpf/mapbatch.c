// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* mapbatch.c - see mapbatch.h */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mapbatch.h"

#define CHUNK_FIRST 4096U
#define CHUNK_MAX   (1U << 20)
#ifndef ENOTSUPP
#define ENOTSUPP 524	/* the kernel's, for map types without batch ops */
#endif

struct bufs {
	uint8_t *keys, *vals, *tok_in, *tok_out;
	size_t entry;	/* bytes of one entry's value(s) */
	uint32_t chunk;
};

static void bufs_free(struct bufs *b)
{
	free(b->keys);
	free(b->vals);
	free(b->tok_in);
	free(b->tok_out);
}

static int bufs_alloc(struct bufs *b, const struct keg_map_batch *w, uint32_t chunk)
{
	/* The batch token is a u32 bucket for hash maps, a key for arrays. */
	size_t tok = w->key_size > 8 ? w->key_size : 8;

	free(b->keys);
	free(b->vals);
	b->keys = calloc(chunk, w->key_size);
	b->vals = calloc(chunk, b->entry);
	if (!b->tok_in)
		b->tok_in = calloc(1, tok);
	if (!b->tok_out)
		b->tok_out = calloc(1, tok);
	b->chunk = chunk;
	return b->keys && b->vals && b->tok_in && b->tok_out ? 0 : -ENOMEM;
}

static int walk_slow(int fd, const struct keg_map_batch *w, struct bufs *b,
		     keg_map_batch_fn fn, void *ctx)
{
	uint8_t *key = b->keys, *next = b->keys + w->key_size;
	void *prev = NULL;
	int ret;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, w->key_size);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, b->vals) < 0) {
			if (errno == ENOENT)	/* deleted meanwhile */
				continue;
			return -errno;
		}
		ret = fn(w, key, b->vals, ctx);
		if (ret)
			return ret;
	}
	return errno == ENOENT ? 0 : -errno;
}

int keg_map_batch_walk(int fd, keg_map_batch_fn fn, void *ctx)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info), count, i;
	struct keg_map_batch w;
	struct bufs b = { 0 };
	bool first = true, percpu;
	void *in = NULL;
	int ret = 0, e;

	if (bpf_obj_get_info_by_fd(fd, &info, &info_len) < 0)
		return -errno;
	percpu = info.type == BPF_MAP_TYPE_PERCPU_HASH ||
		 info.type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
		 info.type == BPF_MAP_TYPE_PERCPU_ARRAY;
	w.key_size = info.key_size;
	w.value_size = info.value_size;
	w.stride = percpu ? ((size_t)info.value_size + 7) & ~(size_t)7 : info.value_size;
	w.ncpu = percpu ? libbpf_num_possible_cpus() : 1;
	if (w.ncpu < 1)
		return w.ncpu < 0 ? w.ncpu : -EINVAL;
	b.entry = w.stride * (size_t)w.ncpu;
	/* Room for two keys in the slow walk, too. */
	ret = bufs_alloc(&b, &w, CHUNK_FIRST);
	while (!ret) {
		count = b.chunk;
		e = bpf_map_lookup_batch(fd, in, b.tok_out, b.keys, b.vals, &count, &opts) < 0 ?
			errno : 0;
		if (first && (e == EINVAL || e == ENOTSUPP || e == EOPNOTSUPP)) {
			ret = walk_slow(fd, &w, &b, fn, ctx);
			break;
		}
		if (e == ENOSPC && !count && b.chunk < CHUNK_MAX) {
			/* One hash bucket holds more than a chunk: bigger chunks. */
			ret = bufs_alloc(&b, &w, b.chunk * 2);
			continue;
		}
		if (e && e != ENOENT) {
			ret = -e;
			break;
		}
		first = false;
		for (i = 0; i < count && !ret; i++)
			ret = fn(&w, b.keys + (size_t)i * w.key_size, b.vals + (size_t)i * b.entry,
				 ctx);
		if (ret || e == ENOENT)
			break;
		memcpy(b.tok_in, b.tok_out, w.key_size > 8 ? w.key_size : 8);
		in = b.tok_in;
	}
	bufs_free(&b);
	return ret;
}
