// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sitemaps.c - the pinned site maps of this network namespace. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iface.h"
#include "keg_maps.h"
#include "keg_sites.skel.h"
#include "pincheck.h"
#include "pins.h"
#include "sitemaps.h"

int keg_sites_dir(char *buf, size_t len)
{
	unsigned long long cookie;
	uint64_t c;
	int ret = keg_netns_cookie(&c);

	if (ret)
		return ret;
	cookie = c;
	if ((size_t)snprintf(buf, len, KEG_SITES_DIR_FMT, cookie) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static const char *const map_names[] = {
	KEG_STR(KEG_MAP_SITES), KEG_STR(KEG_MAP_SITE_STATS),
	KEG_STR(KEG_MAP_LIMITS), KEG_STR(KEG_MAP_LIMIT_STATS),
};

/* All four, or none (-ENOENT also when a keg before the limits pinned
 * only the first two: create() then adds the others). */
static int open_pinned(struct keg_sitemaps *m, const char *dir)
{
	int *fds[] = { &m->conf, &m->stats, &m->limits, &m->lstats };
	char path[PATH_MAX];

	for (unsigned int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, map_names[i]);
		*fds[i] = bpf_obj_get(path);
		if (*fds[i] < 0) {
			int ret = -errno;

			keg_sitemaps_close(m);
			return ret;
		}
	}
	return 0;
}

/* Load the maps-only object with its pin root at dir: libbpf creates and
 * pins the maps (or reuses pinned ones of the same shape). */
static int create(const char *dir, struct keg_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = dir);
	struct keg_sites *skel;
	unsigned int reset;
	int ret;

	ret = keg_bpffs_prepare();
	if (ret)
		return keg_err_set(err, ret, "bpffs at %s: %s", KEG_BPFFS, strerror(-ret));
	if (mkdir(dir, 0700) && errno != EEXIST)
		return keg_err_set(err, -errno, "%s: %s", dir, strerror(errno));
	skel = keg_sites__open_opts(&opts);
	if (!skel)
		return keg_err_set(err, -errno, "site maps: opening the object: %s",
				   strerror(errno));
	/* An older keg's counters (keg_site_stats with fewer fields) start
	 * again; its sites are kept. */
	ret = keg_pins_reset_counters(skel->obj, &reset, err);
	if (!ret)
		ret = keg_pins_compatible(skel->obj, dir, err);
	if (ret) {
		keg_sites__destroy(skel);
		return ret;
	}
	ret = keg_sites__load(skel);
	keg_sites__destroy(skel);	/* the pins hold the maps */
	if (ret)
		return keg_err_set(err, ret, "site maps in %s: %s", dir, strerror(-ret));
	return 0;
}

int keg_sitemaps_open(struct keg_sitemaps *m, bool want_create, struct keg_err *err)
{
	char dir[PATH_MAX];
	int ret;

	m->conf = m->stats = m->limits = m->lstats = -1;
	ret = keg_sites_dir(dir, sizeof(dir));
	if (ret)
		return keg_err_set(err, ret, "network namespace cookie: %s", strerror(-ret));
	ret = open_pinned(m, dir);
	/* Sites an older keg defined, without the maps added since: add them
	 * (a reader too: kegd must not stop carrying the sites). */
	if (ret == -ENOENT && !want_create) {
		char path[PATH_MAX + 64];

		snprintf(path, sizeof(path), "%s/%s", dir, map_names[0]);
		want_create = access(path, F_OK) == 0;
	}
	if (ret == -ENOENT && want_create) {
		ret = create(dir, err);
		if (ret)
			return ret;
		ret = open_pinned(m, dir);
	}
	if (ret == -ENOENT)
		return keg_err_set(err, ret, "no site is defined (%s)", dir);
	if (ret)
		return keg_err_set(err, ret, "%s: %s", dir, strerror(-ret));
	return 0;
}

void keg_sitemaps_close(struct keg_sitemaps *m)
{
	if (m->conf >= 0)
		close(m->conf);
	if (m->stats >= 0)
		close(m->stats);
	if (m->limits >= 0)
		close(m->limits);
	if (m->lstats >= 0)
		close(m->lstats);
	m->conf = m->stats = m->limits = m->lstats = -1;
}

int keg_limits_read(const struct keg_sitemaps *m, struct keg_limits *l)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->limits, &zero, l))
		return -errno;
	/* Never set: HyperIP's default. */
	if (!l->gen)
		l->total = KEG_LIMITS_TOTAL_DEFAULT;
	return 0;
}

int keg_limits_write(const struct keg_sitemaps *m, const struct keg_limits *l)
{
	struct keg_limits old, v = *l;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->limits, &zero, &old))
		return -errno;
	v.gen = old.gen + 1;
	return bpf_map_update_elem(m->limits, &zero, &v, BPF_ANY) ? -errno : 0;
}

int keg_limit_stats_read(const struct keg_sitemaps *m, struct keg_limit_stats *s)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(m->lstats, &zero, s) ? -errno : 0;
}

int keg_sites_read(const struct keg_sitemaps *m, struct keg_site_conf *v)
{
	for (__u32 i = 0; i < KEG_SITES_MAX; i++)
		if (bpf_map_lookup_elem(m->conf, &i, &v[i]))
			return -errno;
	return 0;
}

int keg_site_stats_read(const struct keg_sitemaps *m, struct keg_site_stats *v)
{
	for (__u32 i = 0; i < KEG_SITES_MAX; i++)
		if (bpf_map_lookup_elem(m->stats, &i, &v[i]))
			return -errno;
	return 0;
}

int keg_site_write(const struct keg_sitemaps *m, unsigned int slot,
		   const struct keg_site_conf *c)
{
	struct keg_site_conf old, v = *c;
	__u32 k = slot;

	if (slot >= KEG_SITES_MAX)
		return -EINVAL;
	if (bpf_map_lookup_elem(m->conf, &k, &old))
		return -errno;
	v.used = 1;
	v.gen = old.gen + 1;
	if (bpf_map_update_elem(m->conf, &k, &v, BPF_ANY))
		return -errno;
	return 0;
}

int keg_site_clear(const struct keg_sitemaps *m, unsigned int slot)
{
	struct keg_site_conf old, v;
	__u32 k = slot;

	if (slot >= KEG_SITES_MAX)
		return -EINVAL;
	if (bpf_map_lookup_elem(m->conf, &k, &old))
		return -errno;
	memset(&v, 0, sizeof(v));
	v.gen = old.gen + 1;	/* kegd sees the slot change even if reused */
	if (bpf_map_update_elem(m->conf, &k, &v, BPF_ANY))
		return -errno;
	return 0;
}

int keg_sitemaps_unpin(void)
{
	char dir[PATH_MAX - 64], path[PATH_MAX];
	int ret = keg_sites_dir(dir, sizeof(dir));

	if (ret)
		return ret;
	for (unsigned int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, map_names[i]);
		if (unlink(path) && errno != ENOENT)
			return -errno;
	}
	if (rmdir(dir) && errno != ENOENT)
		return -errno;
	return 0;
}
