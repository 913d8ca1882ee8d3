// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* proxy.c - see proxy.h */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "intercept.h"
#include "keg_maps.h"
#include "pinset.h"
#include "proxy.h"
#include "sitemaps.h"

struct proxy_maps {
	int proxies, cust4, cust6;
};

static const struct keg_pin_field proxy_pins[] = {
	KEG_PIN_FIELD(struct proxy_maps, proxies, KEG_MAP_PROXIES),
	KEG_PIN_FIELD(struct proxy_maps, cust4, KEG_MAP_CUSTOMERS4),
	KEG_PIN_FIELD(struct proxy_maps, cust6, KEG_MAP_CUSTOMERS6),
};

static int maps_open(const char *iface, struct proxy_maps *pm, struct keg_icpt_maps *im,
		     struct keg_err *err)
{
	int ret = keg_pinset_open(iface, pm, proxy_pins, KEG_PIN_TABLE_N(proxy_pins), err);

	if (ret || !im)
		return ret;
	ret = keg_icpt_maps_open(iface, im, err);
	if (ret)
		keg_pinset_close(pm, proxy_pins, KEG_PIN_TABLE_N(proxy_pins));
	return ret;
}

static void maps_close(struct proxy_maps *pm, struct keg_icpt_maps *im)
{
	keg_pinset_close(pm, proxy_pins, KEG_PIN_TABLE_N(proxy_pins));
	if (im)
		keg_icpt_maps_close(im);
}

/* The remote site name is: 0, or -ENOENT / -EINVAL with err. */
static int site_check(const char *name, const struct keg_proxy_sites *sites,
		      struct keg_err *err)
{
	struct keg_sitemaps m = { -1, -1, -1, -1 };
	struct keg_site_conf *v;
	int ret;

	if (sites) {
		for (size_t i = 0; i < sites->n; i++)
			if (!strncmp(sites->names[i], name, KEG_SITE_NAME_LEN))
				return 0;
		return keg_err_set(err, -ENOENT, "unknown site %s: no remote site of the "
				   "file's site lines", name);
	}
	ret = keg_sitemaps_open(&m, false, NULL);
	if (ret == -ENOENT)
		return keg_err_set(err, -ENOENT, "unknown site %s: no site is defined here "
				   "(kegctl site add)", name);
	if (ret)
		return keg_err_set(err, ret, "reading the sites: %s", strerror(-ret));
	v = calloc(KEG_SITES_MAX, sizeof(*v));
	if (!v) {
		keg_sitemaps_close(&m);
		return -ENOMEM;
	}
	ret = keg_sites_read(&m, v);
	keg_sitemaps_close(&m);
	if (ret) {
		free(v);
		return keg_err_set(err, ret, "reading the sites: %s", strerror(-ret));
	}
	ret = keg_err_set(err, -ENOENT, "unknown site %s (kegctl site list)", name);
	for (int i = 0; i < KEG_SITES_MAX; i++) {
		if (!v[i].used || strncmp(v[i].name, name, sizeof(v[i].name)))
			continue;
		ret = (v[i].flags & KEG_SITE_F_LOCAL) ?
		      keg_err_set(err, -EINVAL, "site %s is this gateway's own: a proxy's "
				  "destination is behind a remote site", name) : 0;
		break;
	}
	free(v);
	return ret;
}

static const uint8_t *sa_bytes(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET ?
	       (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr :
	       (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
}

static bool in_net(const struct keg_addr *a, const struct sockaddr *addr,
		   const struct sockaddr *mask)
{
	const uint8_t *x = sa_bytes(addr), *m = sa_bytes(mask);
	size_t n = keg_addr_len(a);

	for (size_t i = 0; i < n; i++)
		if ((a->bytes[i] & m[i]) != (x[i] & m[i]))
			return false;
	return true;
}

/* Where a is seen from this host: an address of it (*own), inside a
 * subnet of an address of iface (*lan). */
static int addr_where(const char *iface, const struct keg_addr *a, bool *own, bool *lan)
{
	struct ifaddrs *ifa, *i;
	int family = a->family;

	*own = *lan = false;
	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family)
			continue;
		if (!memcmp(sa_bytes(i->ifa_addr), a->bytes, keg_addr_len(a)))
			*own = true;
		if (i->ifa_netmask && !strcmp(i->ifa_name, iface) &&
		    in_net(a, i->ifa_addr, i->ifa_netmask))
			*lan = true;
	}
	freeifaddrs(ifa);
	return 0;
}

static bool is_customer(const struct proxy_maps *pm, const struct keg_addr *a)
{
	struct keg_customer c;
	uint8_t key[16] = { 0 };

	memcpy(key, a->bytes, keg_addr_len(a));
	return !bpf_map_lookup_elem(a->family == AF_INET ? pm->cust4 : pm->cust6, key, &c);
}

static int check_addrs(const char *iface, const struct proxy_maps *pm,
		       const struct keg_proxy_spec *s, bool replacing, struct keg_err *err)
{
	char l[KEG_ADDR_STRLEN], d[KEG_ADDR_STRLEN];
	struct keg_proxy_key k;
	struct keg_proxy old;
	bool own, lan;
	int ret;

	keg_addr_str(&s->local, l, sizeof(l));
	keg_addr_str(&s->dest, d, sizeof(d));
	keg_proxy_key_of(&s->local, &k);
	if (!replacing && !bpf_map_lookup_elem(pm->proxies, &k, &old))
		return keg_err_set(err, -EEXIST, "%s is a proxy of %s already (proxy del first)",
				   l, iface);
	if (is_customer(pm, &s->local))
		return keg_err_set(err, -EEXIST, "%s is a customer of %s: a proxy address must "
				   "be free", l, iface);
	ret = addr_where(iface, &s->local, &own, &lan);
	if (ret)
		return keg_err_set(err, ret, "reading the addresses of this host: %s",
				   strerror(-ret));
	if (own)
		return keg_err_set(err, -EINVAL, "%s is an address of this gateway: a proxy "
				   "address must be free", l);
	if (!lan)
		return keg_err_set(err, -EINVAL, "%s is not on %s's LAN (in no subnet of an "
				   "address of %s): its hosts could not resolve it", l, iface, iface);
	ret = addr_where(iface, &s->dest, &own, &lan);
	if (ret)
		return keg_err_set(err, ret, "reading the addresses of this host: %s",
				   strerror(-ret));
	if (own || lan)
		return keg_err_set(err, -EINVAL, "--dest %s is %s: the destination is a server "
				   "behind site %s", d, own ? "an address of this gateway" :
				   "on this LAN", s->site);
	return 0;
}

int keg_proxy_check(const char *iface, const struct keg_proxy_spec *spec, bool replacing,
		    const struct keg_proxy_sites *sites, struct keg_err *err)
{
	struct proxy_maps pm;
	int ret;

	ret = site_check(spec->site, sites, err);
	if (ret)
		return ret;
	ret = maps_open(iface, &pm, NULL, err);
	if (ret)
		return ret;
	ret = check_addrs(iface, &pm, spec, replacing, err);
	maps_close(&pm, NULL);
	return ret;
}

int keg_proxy_add(const char *iface, const struct keg_proxy_spec *spec,
		  const struct keg_proxy_sites *sites, uint32_t *rule_id, struct keg_err *err)
{
	struct keg_icpt_maps im;
	struct keg_icpt_spec rule;
	struct proxy_maps pm;
	struct keg_proxy_key k;
	struct keg_proxy v;
	struct keg_err ignore;
	int ret;

	ret = site_check(spec->site, sites, err);
	if (ret)
		return ret;
	ret = maps_open(iface, &pm, &im, err);
	if (ret)
		return ret;
	ret = check_addrs(iface, &pm, spec, false, err);
	if (ret)
		goto out;
	keg_proxy_key_of(&spec->local, &k);
	keg_proxy_encode(spec, 0, &v);
	if (bpf_map_update_elem(pm.proxies, &k, &v, BPF_NOEXIST)) {
		ret = -errno;
		keg_err_set(err, ret, "%s: writing keg_proxies: %s", iface,
			    ret == -E2BIG ? "full" : strerror(-ret));
		goto out;
	}
	keg_proxy_rule(spec, &rule);
	ret = keg_icpt_add(&im, &rule, rule_id, err);
	if (ret) {
		bpf_map_delete_elem(pm.proxies, &k);
		goto out;
	}
	keg_proxy_encode(spec, *rule_id, &v);
	if (bpf_map_update_elem(pm.proxies, &k, &v, BPF_EXIST)) {
		ret = -errno;
		keg_err_set(err, ret, "%s: writing keg_proxies: %s", iface, strerror(-ret));
		keg_icpt_del(&im, *rule_id, &ignore);
		bpf_map_delete_elem(pm.proxies, &k);
	}
out:
	maps_close(&pm, &im);
	return ret;
}

int keg_proxy_del(const char *iface, const struct keg_addr *local, struct keg_err *err)
{
	char l[KEG_ADDR_STRLEN];
	struct keg_icpt_maps im;
	struct proxy_maps pm;
	struct keg_proxy_key k;
	struct keg_proxy v;
	int ret;

	ret = maps_open(iface, &pm, &im, err);
	if (ret)
		return ret;
	keg_proxy_key_of(local, &k);
	if (bpf_map_lookup_elem(pm.proxies, &k, &v)) {
		ret = keg_err_set(err, -ENOENT, "%s is no proxy of %s (kegctl proxy list)",
				  keg_addr_str(local, l, sizeof(l)), iface);
		goto out;
	}
	/* The rule first: no new connection is steered to a proxy that is
	 * going. A rule already gone (a kegctl killed before writing it) is
	 * no error. */
	if (v.rule_id) {
		ret = keg_icpt_del(&im, v.rule_id, err);
		if (ret && ret != -ENOENT)
			goto out;
	}
	ret = 0;
	if (bpf_map_delete_elem(pm.proxies, &k) && errno != ENOENT) {
		ret = -errno;
		keg_err_set(err, ret, "%s: removing the proxy %s: %s", iface,
			    keg_addr_str(local, l, sizeof(l)), strerror(-ret));
	}
out:
	maps_close(&pm, &im);
	return ret;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct keg_proxy_entry *x = a, *y = b;

	return keg_addr_cmp(&x->spec.local, &y->spec.local);
}

int keg_proxy_list(const char *iface, struct keg_proxy_entry **out, size_t *n_out,
		   struct keg_err *err)
{
	struct keg_proxy_entry *v = NULL;
	struct keg_icpt_entry *rules = NULL;
	struct keg_icpt_maps im;
	struct proxy_maps pm;
	struct keg_proxy_key k, next;
	struct keg_proxy val;
	size_t n = 0, n_rules = 0;
	void *prev = NULL;
	int ret;

	*out = NULL;
	*n_out = 0;
	ret = maps_open(iface, &pm, &im, err);
	if (ret)
		return ret;
	ret = keg_icpt_list(&im, &rules, &n_rules);
	if (ret) {
		keg_err_set(err, ret, "%s: reading the intercept rules: %s", iface, strerror(-ret));
		goto out;
	}
	while (!bpf_map_get_next_key(pm.proxies, prev, &next)) {
		struct keg_proxy_entry *e;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(pm.proxies, &k, &val))
			continue;	/* deleted since */
		e = realloc(v, (n + 1) * sizeof(*v));
		if (!e) {
			ret = -ENOMEM;
			goto out;
		}
		v = e;
		e = &v[n++];
		memset(e, 0, sizeof(*e));
		keg_proxy_decode(&k, &val, &e->spec);
		e->rule_id = val.rule_id;
		for (size_t i = 0; i < n_rules; i++)
			if (rules[i].rule.id == val.rule_id) {
				e->packets = rules[i].packets;
				e->bytes = rules[i].bytes;
			}
	}
	if (n)
		qsort(v, n, sizeof(*v), entry_cmp);
	*out = v;
	*n_out = n;
	v = NULL;
out:
	free(v);
	free(rules);
	maps_close(&pm, &im);
	return ret;
}
