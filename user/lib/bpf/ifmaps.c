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
#include "pinset.h"

static const struct keg_pin_field map_pins[] = {
	KEG_PIN_FIELD(struct keg_ifmaps, subnets4, KEG_MAP_SUBNETS4),
	KEG_PIN_FIELD(struct keg_ifmaps, subnets6, KEG_MAP_SUBNETS6),
	KEG_PIN_FIELD(struct keg_ifmaps, subnet_lens, KEG_MAP_SUBNET_LENS),
	KEG_PIN_FIELD(struct keg_ifmaps, customers4, KEG_MAP_CUSTOMERS4),
	KEG_PIN_FIELD(struct keg_ifmaps, customers6, KEG_MAP_CUSTOMERS6),
	KEG_PIN_FIELD(struct keg_ifmaps, stats, KEG_MAP_STATS),
	KEG_PIN_FIELD(struct keg_ifmaps, config, KEG_MAP_CONFIG),
};

int keg_ifmaps_open(const char *iface, struct keg_ifmaps *m, struct keg_err *err)
{
	return keg_pinset_open(iface, m, map_pins, KEG_PIN_TABLE_N(map_pins), err);
}

void keg_ifmaps_close(struct keg_ifmaps *m)
{
	keg_pinset_close(m, map_pins, KEG_PIN_TABLE_N(map_pins));
}

static int sys(int ret)
{
	return ret < 0 ? -errno : 0;
}

static int map_fd4(const struct keg_addr *a, int fd4, int fd6)
{
	return a->family == AF_INET ? fd4 : fd6;
}

/* The hash key of either family: length, then the prefix's bytes. */
union subnet_key {
	struct keg_subnet4_key v4;
	struct keg_subnet6_key v6;
};

static void subnet_key(const struct keg_addr *p, union subnet_key *k)
{
	struct keg_addr masked = *p;

	keg_prefix_mask(&masked);
	memset(k, 0, sizeof(*k));
	if (p->family == AF_INET) {
		k->v4.prefixlen = p->plen;
		memcpy(&k->v4.addr, masked.bytes, 4);
	} else {
		k->v6.prefixlen = p->plen;
		memcpy(k->v6.addr, masked.bytes, 16);
	}
}

/* One more (delta 1) or one fewer (-1) prefix of p's length in
 * keg_prefix_lens; the length's bit follows its count. */
static int subnet_lens_add(const struct keg_ifmaps *m, const struct keg_addr *p,
			   int delta)
{
	struct keg_subnet_lens l;
	__u32 zero = 0, *count;
	__u64 *used, bit;
	int ret;

	if (p->plen > keg_addr_maxlen(p))
		return -EINVAL;
	ret = sys(bpf_map_lookup_elem(m->subnet_lens, &zero, &l));
	if (ret)
		return ret;
	if (p->family == AF_INET) {
		count = &l.count4[p->plen];
		used = &l.used4;
	} else {
		count = &l.count6[p->plen];
		used = &l.used6[p->plen / 64];
	}
	bit = 1ULL << (p->plen % 64);
	if (delta < 0 && *count == 0)
		return -ENOENT;
	*count += delta;
	if (*count)
		*used |= bit;
	else
		*used &= ~bit;
	return sys(bpf_map_update_elem(m->subnet_lens, &zero, &l, BPF_ANY));
}

/* The prefix is in the map before its length is marked in use, and its
 * length stays marked until it is gone: a lookup in between only tries a
 * length for nothing. */
int keg_subnet_insert(const struct keg_ifmaps *m, const struct keg_addr *p,
		      const struct keg_subnet *val)
{
	struct keg_subnet v = { .prefixlen = p->plen };
	int fd = map_fd4(p, m->subnets4, m->subnets6);
	union subnet_key k;
	int ret;

	if (val)
		v.flags = val->flags;
	subnet_key(p, &k);
	ret = sys(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
	if (ret)
		return ret;
	ret = subnet_lens_add(m, p, 1);
	if (ret)
		bpf_map_delete_elem(fd, &k);
	return ret;
}

int keg_subnet_delete(const struct keg_ifmaps *m, const struct keg_addr *p,
		      struct keg_subnet *old)
{
	int fd = map_fd4(p, m->subnets4, m->subnets6);
	struct keg_subnet tmp;
	union subnet_key k;
	int ret;

	subnet_key(p, &k);
	ret = sys(bpf_map_lookup_elem(fd, &k, &tmp));
	if (ret)
		return ret;
	ret = sys(bpf_map_delete_elem(fd, &k));
	if (ret)
		return ret;
	ret = subnet_lens_add(m, p, -1);
	if (ret) {
		bpf_map_update_elem(fd, &k, &tmp, BPF_NOEXIST);
		return ret;
	}
	if (old)
		*old = tmp;
	return 0;
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

struct collect {
	bool prefixes;
	uint8_t family;
	struct keg_addr **v;
	size_t *n, *cap;
};

/* One key of a prefix map or a customer map, appended as an address. */
static int collect_one(const void *key, void *arg)
{
	const struct collect *c = arg;
	const union subnet_key *k = key;
	struct keg_addr *a;

	if (keg_grow(c->v, c->cap, *c->n, sizeof(**c->v)))
		return -ENOMEM;
	a = &(*c->v)[(*c->n)++];
	memset(a, 0, sizeof(*a));
	a->family = c->family;
	if (c->prefixes) {
		a->plen = (uint8_t)k->v4.prefixlen;	/* same offset in v6 */
		memcpy(a->bytes, c->family == AF_INET ? (const void *)&k->v4.addr :
							(const void *)k->v6.addr,
		       c->family == AF_INET ? 4 : 16);
	} else {
		a->plen = c->family == AF_INET ? 32 : 128;
		memcpy(a->bytes, key, c->family == AF_INET ? 4 : 16);
	}
	return 0;
}

/* Append the keys of fd to *v. */
static int collect(int fd, bool prefixes, uint8_t family, struct keg_addr **v, size_t *n,
		   size_t *cap)
{
	struct collect c = { prefixes, family, v, n, cap };

	return keg_map_walk(fd, collect_one, &c);
}

static int list_pair(int fd4, int fd6, bool prefixes, struct keg_addr **v, size_t *n)
{
	size_t cap = 0;
	int ret;

	*v = NULL;
	*n = 0;
	ret = collect(fd4, prefixes, AF_INET, v, n, &cap);
	if (!ret)
		ret = collect(fd6, prefixes, AF_INET6, v, n, &cap);
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

int keg_config_get(const struct keg_ifmaps *m, struct keg_config *cfg)
{
	__u32 zero = 0;

	return sys(bpf_map_lookup_elem(m->config, &zero, cfg));
}
