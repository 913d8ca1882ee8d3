// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* oldprefixes.c - see oldprefixes.h */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "grow.h"
#include "mapwalk.h"
#include "oldprefixes.h"

/* The old pins and the key size each had; the value was struct keg_subnet. */
static const struct {
	const char *name;
	uint8_t family;
	__u32 key_size;
} old_pins[] = {
	{ KEG_OLD_SUBNETS4, AF_INET, sizeof(struct keg_subnet4_key) },
	{ KEG_OLD_SUBNETS6, AF_INET6, sizeof(struct keg_subnet6_key) },
};

static int *old_fd(struct keg_old_prefixes *o, size_t i)
{
	return i == 0 ? &o->fd4 : &o->fd6;
}

static int old_path(const char *dir, size_t i, char *path, size_t len)
{
	int n = snprintf(path, len, "%s/%s", dir, old_pins[i].name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int keg_old_prefixes_open(const char *dir, struct keg_old_prefixes *o,
			  struct keg_err *err)
{
	struct bpf_map_info info;
	char path[PATH_MAX];
	__u32 len;
	size_t i;
	int fd, ret;

	memset(o, 0, sizeof(*o));
	o->fd4 = o->fd6 = -1;
	for (i = 0; i < 2; i++) {
		ret = old_path(dir, i, path, sizeof(path));
		if (ret)
			return keg_err_set(err, ret, "%s/%s: path too long", dir, old_pins[i].name);
		fd = bpf_obj_get(path);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0) {
			ret = keg_err_set(err, -errno, "%s: %s", path, strerror(errno));
			goto fail;
		}
		*old_fd(o, i) = fd;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0) {
			ret = keg_err_set(err, -errno, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (info.key_size != old_pins[i].key_size ||
		    info.value_size != sizeof(struct keg_subnet)) {
			ret = keg_err_set(err, -EINVAL,
					  "%s: key %u and value %u bytes, not the %u and %zu of an older keg's proxied prefixes; remove it or detach first",
					  path, info.key_size, info.value_size,
					  old_pins[i].key_size, sizeof(struct keg_subnet));
			goto fail;
		}
	}
	return 0;
fail:
	keg_old_prefixes_close(o);
	return ret;
}

bool keg_old_prefixes_present(const struct keg_old_prefixes *o)
{
	return o->fd4 >= 0 || o->fd6 >= 0;
}

/* One old entry: the prefix and its value. */
struct old_entry {
	struct keg_addr p;
	struct keg_subnet val;
};

struct gather {
	int fd;
	uint8_t family;
	struct old_entry *v;
	size_t n, cap;
};

static int gather_one(const void *key, void *arg)
{
	const struct keg_subnet4_key *k4 = key;
	const struct keg_subnet6_key *k6 = key;
	struct gather *g = arg;
	struct old_entry *e;

	if (keg_grow(&g->v, &g->cap, g->n, sizeof(*g->v)))
		return -ENOMEM;
	e = &g->v[g->n];
	memset(e, 0, sizeof(*e));
	/* An LPM lookup of an entry's own key finds that entry. */
	if (bpf_map_lookup_elem(g->fd, key, &e->val) < 0)
		return errno == ENOENT ? 0 : -errno;	/* deleted meanwhile */
	e->p.family = g->family;
	if (g->family == AF_INET) {
		e->p.plen = (uint8_t)k4->prefixlen;
		memcpy(e->p.bytes, &k4->addr, 4);
		if (k4->prefixlen > 32)
			return -ERANGE;
	} else {
		e->p.plen = (uint8_t)k6->prefixlen;
		memcpy(e->p.bytes, k6->addr, 16);
		if (k6->prefixlen > 128)
			return -ERANGE;
	}
	g->n++;
	return 0;
}

/* Read all of one old map first: inserting while walking is not needed. */
static int copy_map(struct keg_old_prefixes *o, const struct keg_ifmaps *m, size_t i,
		    struct keg_err *err)
{
	struct gather g = { .fd = *old_fd(o, i), .family = old_pins[i].family };
	char buf[KEG_ADDR_STRLEN];
	size_t k;
	int ret;

	ret = keg_map_walk(g.fd, gather_one, &g);
	if (ret) {
		keg_err_set(err, ret, "reading the old %s: %s", old_pins[i].name,
			    ret == -ERANGE ? "a prefix length beyond the address" :
					     strerror(-ret));
		goto out;
	}
	for (k = 0; k < g.n; k++) {
		if (keg_grow(&o->moved, &o->cap_moved, o->n_moved, sizeof(*o->moved))) {
			ret = keg_err_set(err, -ENOMEM, "out of memory");
			goto out;
		}
		ret = keg_subnet_insert(m, &g.v[k].p, &g.v[k].val);
		if (ret == -EEXIST) {
			o->n_kept++;
			ret = 0;
			continue;
		}
		if (ret) {
			keg_prefix_str(&g.v[k].p, buf, sizeof(buf));
			keg_err_set(err, ret, "copying proxied prefix %s from the old %s: %s",
				    buf, old_pins[i].name, strerror(-ret));
			goto out;
		}
		o->moved[o->n_moved++] = g.v[k].p;
	}
out:
	free(g.v);
	return ret;
}

int keg_old_prefixes_copy(struct keg_old_prefixes *o, const struct keg_ifmaps *m,
			  struct keg_err *err)
{
	size_t i;
	int ret;

	for (i = 0; i < 2; i++) {
		if (*old_fd(o, i) < 0)
			continue;
		ret = copy_map(o, m, i, err);
		if (ret) {
			keg_old_prefixes_uncopy(o, m);
			return ret;
		}
	}
	return 0;
}

int keg_old_prefixes_uncopy(struct keg_old_prefixes *o, const struct keg_ifmaps *m)
{
	int ret = 0, r;

	while (o->n_moved) {
		r = keg_subnet_delete(m, &o->moved[--o->n_moved], NULL);
		ret = ret ?: r;
	}
	return ret;
}

int keg_old_prefixes_unpin(const char *dir, struct keg_err *err)
{
	char path[PATH_MAX];
	size_t i;
	int ret;

	for (i = 0; i < 2; i++) {
		ret = old_path(dir, i, path, sizeof(path));
		if (ret)
			return keg_err_set(err, ret, "%s/%s: path too long", dir, old_pins[i].name);
		if (unlink(path) < 0 && errno != ENOENT)
			return keg_err_set(err, -errno, "removing %s: %s", path, strerror(errno));
	}
	return 0;
}

void keg_old_prefixes_close(struct keg_old_prefixes *o)
{
	if (o->fd4 >= 0)
		close(o->fd4);
	if (o->fd6 >= 0)
		close(o->fd6);
	o->fd4 = o->fd6 = -1;
	free(o->moved);
	o->moved = NULL;
	o->n_moved = o->cap_moved = 0;
}
