// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ifmaps.c - see ifmaps.h */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "grow.h"
#include "ifmaps.h"
#include "pins.h"

static const struct {
	const char *name;
	size_t offset;
} map_pins[] = {
	{ KEG_STR(KEG_MAP_SUBNETS4), offsetof(struct keg_ifmaps, subnets4) },
	{ KEG_STR(KEG_MAP_SUBNETS6), offsetof(struct keg_ifmaps, subnets6) },
	{ KEG_STR(KEG_MAP_CUSTOMERS4), offsetof(struct keg_ifmaps, customers4) },
	{ KEG_STR(KEG_MAP_CUSTOMERS6), offsetof(struct keg_ifmaps, customers6) },
	{ KEG_STR(KEG_MAP_STATS), offsetof(struct keg_ifmaps, stats) },
	{ KEG_STR(KEG_MAP_CONFIG), offsetof(struct keg_ifmaps, config) },
};

#define N_PINS (sizeof(map_pins) / sizeof(map_pins[0]))

static int *slot(struct keg_ifmaps *m, size_t i)
{
	return (int *)((char *)m + map_pins[i].offset);
}

int keg_ifmaps_open(const char *iface, struct keg_ifmaps *m, struct keg_err *err)
{
	char path[PATH_MAX];
	size_t i;
	int ret;

	for (i = 0; i < N_PINS; i++)
		*slot(m, i) = -1;
	for (i = 0; i < N_PINS; i++) {
		ret = keg_pin_path(iface, map_pins[i].name, path, sizeof(path));
		if (ret)
			goto fail;
		*slot(m, i) = bpf_obj_get(path);
		if (*slot(m, i) < 0) {
			ret = -errno;
			keg_err_set(err, ret, "%s: %s", path, strerror(-ret));
			goto fail;
		}
	}
	return 0;
fail:
	keg_ifmaps_close(m);
	return ret;
}

void keg_ifmaps_close(struct keg_ifmaps *m)
{
	size_t i;

	for (i = 0; i < N_PINS; i++) {
		if (*slot(m, i) >= 0)
			close(*slot(m, i));
		*slot(m, i) = -1;
	}
}

static int sys(int ret)
{
	return ret < 0 ? -errno : 0;
}

static int map_fd4(const struct keg_addr *a, int fd4, int fd6)
{
	return a->family == AF_INET ? fd4 : fd6;
}

/* The LPM key of either family: prefixlen then address bytes. */
union subnet_key {
	struct keg_subnet4_key v4;
	struct keg_subnet6_key v6;
};

static void subnet_key(const struct keg_addr *p, union subnet_key *k)
{
	memset(k, 0, sizeof(*k));
	if (p->family == AF_INET) {
		k->v4.prefixlen = p->plen;
		memcpy(&k->v4.addr, p->bytes, 4);
	} else {
		k->v6.prefixlen = p->plen;
		memcpy(k->v6.addr, p->bytes, 16);
	}
}

int keg_subnet_insert(const struct keg_ifmaps *m, const struct keg_addr *p,
		      const struct keg_subnet *val)
{
	struct keg_subnet v = { .prefixlen = p->plen };
	union subnet_key k;

	if (val)
		v.flags = val->flags;
	subnet_key(p, &k);
	return sys(bpf_map_update_elem(map_fd4(p, m->subnets4, m->subnets6), &k,
				       &v, BPF_NOEXIST));
}

int keg_subnet_delete(const struct keg_ifmaps *m, const struct keg_addr *p,
		      struct keg_subnet *old)
{
	int fd = map_fd4(p, m->subnets4, m->subnets6);
	struct keg_subnet tmp = { 0 };
	union subnet_key k;
	int ret;

	subnet_key(p, &k);
	/* When p exists, the longest match of its own key is itself. */
	if (bpf_map_lookup_elem(fd, &k, &tmp) < 0)
		memset(&tmp, 0, sizeof(tmp));
	ret = sys(bpf_map_delete_elem(fd, &k));
	if (!ret && old)
		*old = tmp;
	return ret;
}

int keg_customer_insert(const struct keg_ifmaps *m, const struct keg_addr *a,
			const struct keg_customer *val)
{
	return sys(bpf_map_update_elem(map_fd4(a, m->customers4, m->customers6),
				       a->bytes, val, BPF_NOEXIST));
}

int keg_customer_delete(const struct keg_ifmaps *m, const struct keg_addr *a,
			struct keg_customer *old)
{
	int fd = map_fd4(a, m->customers4, m->customers6);
	struct keg_customer tmp;
	int ret;

	ret = sys(bpf_map_lookup_elem(fd, a->bytes, &tmp));
	if (ret)
		return ret;
	ret = sys(bpf_map_delete_elem(fd, a->bytes));
	if (!ret && old)
		*old = tmp;
	return ret;
}

int keg_customer_get(const struct keg_ifmaps *m, const struct keg_addr *a,
		     struct keg_customer *val)
{
	struct keg_customer tmp;
	int ret;

	ret = sys(bpf_map_lookup_elem(map_fd4(a, m->customers4, m->customers6),
				      a->bytes, &tmp));
	if (!ret && val)
		*val = tmp;
	return ret;
}

/* Walk the keys of fd (key_size bytes each) and append them to *v. */
static int collect(int fd, size_t key_size, bool lpm, uint8_t family,
		   struct keg_addr **v, size_t *n, size_t *cap)
{
	union subnet_key key, next;
	void *prev = NULL;
	int ret;

	while (!(ret = bpf_map_get_next_key(fd, prev, &next))) {
		struct keg_addr *a;

		if (keg_grow(v, cap, *n, sizeof(**v)))
			return -ENOMEM;
		a = &(*v)[(*n)++];
		memset(a, 0, sizeof(*a));
		a->family = family;
		if (lpm) {
			a->plen = (uint8_t)next.v4.prefixlen;	/* same offset in v6 */
			memcpy(a->bytes, family == AF_INET ? (void *)&next.v4.addr :
							     (void *)next.v6.addr,
			       family == AF_INET ? 4 : 16);
		} else {
			a->plen = family == AF_INET ? 32 : 128;
			memcpy(a->bytes, &next, key_size);
		}
		memcpy(&key, &next, key_size);
		prev = &key;
	}
	return errno == ENOENT ? 0 : -errno;
}

static int list_pair(int fd4, int fd6, bool lpm, struct keg_addr **v, size_t *n)
{
	size_t cap = 0;
	int ret;

	*v = NULL;
	*n = 0;
	ret = collect(fd4, lpm ? sizeof(struct keg_subnet4_key) :
				 sizeof(struct keg_customer4_key),
		      lpm, AF_INET, v, n, &cap);
	if (!ret)
		ret = collect(fd6, lpm ? sizeof(struct keg_subnet6_key) :
					 sizeof(struct keg_customer6_key),
			      lpm, AF_INET6, v, n, &cap);
	if (ret) {
		free(*v);
		*v = NULL;
		*n = 0;
		return ret;
	}
	if (*n > 1)
		qsort(*v, *n, sizeof(**v), keg_addr_qsort_cmp);
	return 0;
}

int keg_subnets_list(const struct keg_ifmaps *m, struct keg_addr **v, size_t *n)
{
	return list_pair(m->subnets4, m->subnets6, true, v, n);
}

int keg_customers_list(const struct keg_ifmaps *m, struct keg_addr **v, size_t *n)
{
	return list_pair(m->customers4, m->customers6, false, v, n);
}

int keg_map_count(int fd, size_t *n)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	uint8_t *key, *next;
	void *prev = NULL;
	int ret;

	*n = 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return -errno;
	key = calloc(2, info.key_size ? info.key_size : 1);
	if (!key)
		return -ENOMEM;
	next = key + info.key_size;
	while (!(ret = bpf_map_get_next_key(fd, prev, next))) {
		(*n)++;
		memcpy(key, next, info.key_size);
		prev = key;
	}
	ret = errno == ENOENT ? 0 : -errno;
	free(key);
	return ret;
}

int keg_config_get(const struct keg_ifmaps *m, struct keg_config *cfg)
{
	__u32 zero = 0;

	return sys(bpf_map_lookup_elem(m->config, &zero, cfg));
}

int keg_config_set(const struct keg_ifmaps *m, const struct keg_config *cfg)
{
	__u32 zero = 0;

	return sys(bpf_map_update_elem(m->config, &zero, cfg, BPF_ANY));
}
