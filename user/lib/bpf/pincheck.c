// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* pincheck.c - see pincheck.h */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "pincheck.h"

#define HINT "; 'kegctl detach' that interface first (its entries are lost)"

/* The first property the pin and the definition disagree on. */
static int compare(const struct bpf_map *map, const struct bpf_map_info *info,
		   const char *dir, struct keg_err *err)
{
	const struct {
		const char *what;
		unsigned int have, want;
	} facts[] = {
		{ "type", info->type, bpf_map__type(map) },
		{ "key size", info->key_size, bpf_map__key_size(map) },
		{ "value size", info->value_size, bpf_map__value_size(map) },
		{ "capacity", info->max_entries, bpf_map__max_entries(map) },
		{ "flags", info->map_flags, bpf_map__map_flags(map) },
	};
	size_t i;

	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		if (facts[i].have == facts[i].want)
			continue;
		if (i == 0)
			return keg_err_set(err, -EINVAL,
					   "pinned map %s in %s is a %s map but this keg needs a %s map" HINT,
					   bpf_map__name(map), dir,
					   libbpf_bpf_map_type_str(info->type) ?: "?",
					   libbpf_bpf_map_type_str(bpf_map__type(map)) ?: "?");
		return keg_err_set(err, -EINVAL,
				   "pinned map %s in %s has %s %u but this keg needs %u" HINT,
				   bpf_map__name(map), dir, facts[i].what, facts[i].have,
				   facts[i].want);
	}
	return 0;
}

static int check_map(const struct bpf_map *map, const char *dir, struct keg_err *err)
{
	const char *path = bpf_map__pin_path(map);
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int fd, ret;

	if (!path)
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		ret = -errno;
		return ret == -ENOENT ? 0 : keg_err_set(err, ret, "%s: %s", path,
							 strerror(-ret));
	}
	ret = bpf_obj_get_info_by_fd(fd, &info, &len) < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return keg_err_set(err, ret, "%s: %s", path, strerror(-ret));
	return compare(map, &info, dir, err);
}

int keg_pins_compatible(struct bpf_object *obj, const char *dir, struct keg_err *err)
{
	struct bpf_map *map;
	int ret;

	bpf_object__for_each_map(map, obj) {
		ret = check_map(map, dir, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* Maps that hold counters and nothing an operator configured. */
static const char *const counter_maps[] = { "keg_stats", "keg_site_stats", "keg_limit_stats" };

int keg_pins_reset_counters(struct bpf_object *obj, unsigned int *n, struct keg_err *err)
{
	struct bpf_map *map;

	*n = 0;
	bpf_object__for_each_map(map, obj) {
		struct keg_err ignored = { 0 };
		const char *path = bpf_map__pin_path(map);
		bool counters = false;

		for (size_t i = 0; i < sizeof(counter_maps) / sizeof(counter_maps[0]); i++)
			counters |= !strcmp(bpf_map__name(map), counter_maps[i]);
		if (!counters || !path || !check_map(map, "", &ignored))
			continue;
		if (unlink(path) && errno != ENOENT)
			return keg_err_set(err, -errno, "%s: %s", path, strerror(errno));
		(*n)++;
	}
	return 0;
}

static const char *const retired_maps[] = { "keg_leafstats" };

int keg_pins_remove_retired(const char *dir, struct keg_err *err)
{
	char path[PATH_MAX];
	size_t i;
	int n;

	for (i = 0; i < sizeof(retired_maps) / sizeof(retired_maps[0]); i++) {
		n = snprintf(path, sizeof(path), "%s/%s", dir, retired_maps[i]);
		if (n < 0 || (size_t)n >= sizeof(path))
			return keg_err_set(err, -ENAMETOOLONG, "%s/%s: path too long", dir,
					   retired_maps[i]);
		if (unlink(path) && errno != ENOENT)
			return keg_err_set(err, -errno, "removing %s: %s", path, strerror(errno));
	}
	return 0;
}
