// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* customer.c - see customer.h */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attached.h"
#include "customer.h"

/* Step 1 of install: make the route exist, or explain the conflict. */
static int ensure_route(struct keg_nl *nl, const struct keg_ifctx *c,
			const struct keg_addr *a, bool *created, struct keg_err *err)
{
	char abuf[KEG_ADDR_STRLEN], pbuf[16], dev[IF_NAMESIZE];
	struct keg_route r;
	int ret;

	*created = false;
	keg_addr_str(a, abuf, sizeof(abuf));
	ret = keg_route_match(nl, a, &r);
	if (ret && ret != -ENOENT)
		return keg_err_set(err, ret, "looking up the route to %s: %s", abuf,
				   strerror(-ret));
	if (!ret && r.dst.plen == a->plen && !keg_addr_cmp(&r.dst, a)) {
		if (r.protocol == KEG_RTPROT && r.oif == c->ifindex &&
		    r.table == RT_TABLE_MAIN)
			return 0;	/* already ours */
		if (!r.oif || !if_indextoname((unsigned int)r.oif, dev))
			snprintf(dev, sizeof(dev), "%s", r.oif ? "?" : "none");
		/* The kernel answers a local route from table main while no
		 * policy rule exists (the local table is merged into it then):
		 * say what it is instead of "table 254". */
		if (r.type == RTN_LOCAL)
			return keg_err_set(err, -EEXIST,
					   "%s is an address of this gateway (a route of table local, dev %s): it cannot be a customer",
					   abuf, dev);
		return keg_err_set(err, -EEXIST,
				   "a route to %s/%u already exists (dev %s proto %s table %u) and is not keg's; remove it first",
				   abuf, a->plen, dev,
				   keg_rtprot_str(r.protocol, pbuf, sizeof(pbuf)), r.table);
	}
	ret = keg_route_add(nl, a, c->ifindex);
	if (ret == -EEXIST)
		return keg_err_set(err, ret,
				   "a route to %s/%u already exists in the main table and is not keg's; remove it first",
				   abuf, a->plen);
	if (ret)
		return keg_err_set(err, ret, "adding route %s/%u dev %s: %s", abuf, a->plen,
				   c->name, nl->extack[0] ? nl->extack : strerror(-ret));
	*created = true;
	return 0;
}

int keg_customer_install(struct keg_nl *nl, const struct keg_ifctx *c,
			 const struct keg_addr *a, const struct keg_customer *val,
			 bool *route_created, struct keg_err *err)
{
	char abuf[KEG_ADDR_STRLEN];
	int ret;

	*route_created = false;
	keg_addr_str(a, abuf, sizeof(abuf));
	/* Check the map first: a duplicate must not touch routes. */
	if (!keg_customer_get(&c->maps, a, NULL))
		return keg_err_set(err, -EEXIST, "%s is already a customer of %s", abuf,
				   c->name);
	ret = ensure_route(nl, c, a, route_created, err);
	if (ret)
		return ret;
	ret = keg_customer_insert(&c->maps, a, val);
	if (!ret)
		return 0;
	if (ret == -ENOSPC || ret == -E2BIG)
		keg_err_set(err, ret, "the customer map of %s is full", c->name);
	else
		keg_err_set(err, ret, "adding %s to the customer map of %s: %s", abuf, c->name,
			    strerror(-ret));
	if (*route_created && !keg_route_del(nl, a, c->ifindex))
		*route_created = false;
	return ret;
}

int keg_customer_remove(struct keg_nl *nl, const struct keg_ifctx *c,
			const struct keg_addr *a, struct keg_customer *old,
			bool *route_removed, struct keg_err *err)
{
	char abuf[KEG_ADDR_STRLEN];
	struct keg_customer tmp;
	int ret;

	*route_removed = false;
	keg_addr_str(a, abuf, sizeof(abuf));
	ret = keg_customer_delete(&c->maps, a, &tmp);
	if (ret == -ENOENT)
		return keg_err_set(err, ret, "%s is not a customer of %s", abuf, c->name);
	if (ret)
		return keg_err_set(err, ret, "removing %s from the customer map of %s: %s",
				   abuf, c->name, strerror(-ret));
	ret = keg_route_del(nl, a, c->ifindex);
	if (ret == -ESRCH) {
		ret = 0;		/* no keg route: nothing to remove */
	} else if (!ret) {
		*route_removed = true;
	} else {
		keg_err_set(err, ret, "removing route %s/%u dev %s: %s", abuf, a->plen,
			    c->name, nl->extack[0] ? nl->extack : strerror(-ret));
		keg_customer_insert(&c->maps, a, &tmp);
		return ret;
	}
	if (old)
		*old = tmp;
	return 0;
}

int keg_customer_owner(const struct keg_addr *a, char owner[IF_NAMESIZE])
{
	struct keg_ifmaps m;
	struct keg_att *v;
	size_t n, i;
	int ret;

	ret = keg_att_list(&v, &n);
	if (ret)
		return ret;
	ret = -ENOENT;
	for (i = 0; i < n && ret == -ENOENT; i++) {
		if (v[i].status != KEG_ATT_HERE || keg_ifmaps_open(v[i].name, &m, NULL))
			continue;
		if (!keg_customer_get(&m, a, NULL)) {
			snprintf(owner, IF_NAMESIZE, "%s", v[i].name);
			ret = 0;
		}
		keg_ifmaps_close(&m);
	}
	free(v);
	return ret;
}
