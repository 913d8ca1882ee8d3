// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* repair.c - see repair.h */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htb.h"
#include "netlink_route.h"
#include "repair.h"
#include "shape.h"

#define SLOT_BYTES ((KEG_SHAPE_MAX_SLOTS + 7) / 8)

/* The slot of a customer class id (its parent or a leaf): 0 and *s, or
 * -1 when id is no customer class. */
static int class_slot(uint32_t id, uint32_t *s)
{
	uint32_t major = id >> 16, minor = id & 0xffff;

	if (major < KEG_GROUP_MAJOR_FIRST || minor < KEG_CLASS_FIRST)
		return -1;
	*s = (major - KEG_GROUP_MAJOR_FIRST) * KEG_GROUP_SIZE + (minor - KEG_CLASS_FIRST) / 3;
	return *s < KEG_SHAPE_MAX_SLOTS && (minor - KEG_CLASS_FIRST) / 3 < KEG_GROUP_SIZE ?
		       0 : -1;
}

static bool bit(const uint8_t *m, uint32_t s)
{
	return m[s / 8] & (1U << (s % 8));
}

static void set_bit(uint8_t *m, uint32_t s)
{
	m[s / 8] |= (uint8_t)(1U << (s % 8));
}

/* Which slots the customers own: on the interface (down) and on the
 * uplink (up), as keg_shape_customer_classes() makes them. */
static int owned_slots(const struct keg_ifctx *c, uint8_t *down, uint8_t *up,
		       struct keg_addr **v, size_t *n)
{
	struct keg_customer val;
	uint32_t s;
	size_t i;
	int ret;

	ret = keg_customers_list(&c->maps, v, n);
	if (ret)
		return ret;
	for (i = 0; i < *n; i++) {
		if (keg_customer_get(&c->maps, &(*v)[i], &val) || !val.down_kbit ||
		    class_slot(val.class_id, &s))
			continue;
		set_bit(down, s);
		if (val.up_kbit)
			set_bit(up, s);
	}
	return 0;
}

/* Routes: keg's routes through c are exactly its customers'. */
static int repair_routes(struct keg_nl *nl, const struct keg_ifctx *c,
			 const struct keg_addr *cust, size_t nc, bool dry_run,
			 struct keg_repair *r, struct keg_err *err)
{
	struct keg_addr *rt;
	size_t nr, i = 0, j = 0;
	char a[KEG_ADDR_STRLEN];
	int ret, cmp;

	ret = keg_route_list(nl, c->ifindex, &rt, &nr);
	if (ret)
		return keg_err_set(err, ret, "%s: listing keg's routes: %s", c->name,
				   strerror(-ret));
	/* Both sorted by keg_addr_cmp(): one merge. */
	while (!ret && (i < nc || j < nr)) {
		cmp = i == nc ? 1 : j == nr ? -1 : keg_addr_cmp(&cust[i], &rt[j]);
		if (!cmp) {
			i++, j++;
		} else if (cmp < 0) {	/* a customer without its route */
			if (!dry_run && (ret = keg_route_add(nl, &cust[i], c->ifindex)))
				keg_err_set(err, ret, "%s: putting back the route to %s: %s",
					    c->name, keg_addr_str(&cust[i], a, sizeof(a)),
					    nl->extack[0] ? nl->extack : strerror(-ret));
			r->routes_add += !ret;
			i++;
		} else {		/* keg's route to no customer */
			ret = dry_run ? 0 : keg_route_del(nl, &rt[j], c->ifindex);
			if (ret == -ESRCH)
				ret = 0;
			if (ret)
				keg_err_set(err, ret, "%s: removing the leftover route to %s: %s",
					    c->name, keg_addr_str(&rt[j], a, sizeof(a)),
					    strerror(-ret));
			r->routes_del += !ret;
			j++;
		}
	}
	free(rt);
	return ret;
}

/* Is any slot of group g owned? */
static bool group_owned(const uint8_t *owned, uint32_t g)
{
	uint32_t s;

	for (s = g * KEG_GROUP_SIZE; s < (g + 1) * KEG_GROUP_SIZE; s += 8)
		if (owned[s / 8])
			return true;
	return false;
}

/* Classes on dev (the interface or its uplink) that no customer owns,
 * queued for removal; unrecorded groups removed or adopted (*groups
 * raised). */
static int repair_dev(struct keg_nl *nl, struct keg_tcb *b, int dev, const uint8_t *owned,
		      uint32_t *groups, bool dry_run, struct keg_repair *r)
{
	struct keg_class_stats *v;
	uint32_t g, s, ngroups = 0;
	size_t n, i;
	int ret;

	/* The root HTB's classes: which groups exist. */
	ret = keg_htb_class_dump_parent(nl, dev, KEG_HTB_MAJOR << 16, &v, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		uint32_t minor = v[i].classid & 0xffff;

		if (v[i].classid >> 16 != KEG_HTB_MAJOR || minor < KEG_CLASS_GROUP_FIRST ||
		    minor >= KEG_CLASS_GROUP_FIRST + KEG_SHAPE_MAX_GROUPS)
			continue;
		g = minor - KEG_CLASS_GROUP_FIRST;
		if (g < *groups || group_owned(owned, g)) {
			if (g >= *groups)
				r->groups_adopted++;
			ngroups = g + 1 > ngroups ? g + 1 : ngroups;
			continue;
		}
		/* Made by a kegctl killed before it recorded it: no customer
		 * can point into it. Its HTB and classes go with it. */
		if (!dry_run)
			keg_htb_class_del(b, dev, v[i].classid);
		r->groups_del++;
	}
	free(v);
	if (ngroups > *groups)
		*groups = ngroups;
	for (g = 0; g < ngroups; g++) {
		ret = keg_htb_class_dump_parent(nl, dev, KEG_GROUP_MAJOR(g) << 16, &v, &n);
		if (ret == -ENOENT || ret == -EINVAL)
			continue;	/* a group the kernel lacks: nothing left in it */
		if (ret)
			return ret;
		/* Highest first: a customer's leaves before their parent. */
		for (i = n; i-- > 0;) {
			if (class_slot(v[i].classid, &s) || bit(owned, s))
				continue;
			if (!dry_run)
				keg_htb_class_del(b, dev, v[i].classid);
			r->classes_del++;
		}
		free(v);
	}
	return 0;
}

static int repair_classes(struct keg_nl *nl, const struct keg_ifctx *c,
			  const uint8_t *down, const uint8_t *up, bool dry_run,
			  struct keg_repair *r, struct keg_err *err)
{
	struct keg_shape_cfg cfg;
	uint32_t groups;
	struct keg_tcb b;
	int ret;

	if (keg_shape_get(c->name, &cfg, NULL) || !(cfg.flags & KEG_SHAPE_ON))
		return 0;	/* shaping off: keg has no trees here */
	ret = keg_tcb_open(&b, nl);
	if (ret)
		return keg_err_set(err, ret, "out of memory");
	groups = cfg.groups;
	ret = repair_dev(nl, &b, c->ifindex, down, &groups, dry_run, r);
	if (!ret && cfg.up_ifindex)
		ret = repair_dev(nl, &b, (int)cfg.up_ifindex, up, &groups, dry_run, r);
	if (ret)
		keg_err_set(err, ret, "%s: listing the HTB classes: %s", c->name, strerror(-ret));
	else if ((ret = keg_tcb_flush(&b)))
		keg_err_set(err, ret, "%s: removing leftover classes: %s", c->name, b.err.msg);
	keg_tcb_close(&b);
	if (!ret && !dry_run && groups != cfg.groups) {
		cfg.groups = groups;
		ret = keg_shape_put(c->name, &cfg, err);
	}
	return ret;
}

int keg_repair(struct keg_nl *nl, const struct keg_ifctx *c, bool dry_run,
	       struct keg_repair *r, struct keg_err *err)
{
	uint8_t *down = calloc(2, SLOT_BYTES);
	struct keg_addr *cust = NULL;
	size_t nc = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!down)
		return keg_err_set(err, -ENOMEM, "out of memory");
	ret = owned_slots(c, down, down + SLOT_BYTES, &cust, &nc);
	if (ret)
		keg_err_set(err, ret, "%s: reading the customers: %s", c->name, strerror(-ret));
	if (!ret)
		ret = repair_routes(nl, c, cust, nc, dry_run, r, err);
	if (!ret)
		ret = repair_classes(nl, c, down, down + SLOT_BYTES, dry_run, r, err);
	free(cust);
	free(down);
	return ret;
}

const char *keg_repair_str(const struct keg_repair *r, bool dry_run, char *buf, size_t len)
{
	const struct { size_t n; const char *done, *todo, *one, *many; } parts[] = {
		{ r->routes_del, "removed", "would remove", "leftover route", "leftover routes" },
		{ r->routes_add, "put back", "would put back", "missing customer route",
		  "missing customer routes" },
		{ r->classes_del, "removed", "would remove", "leftover HTB class",
		  "leftover HTB classes" },
		{ r->groups_del, "removed", "would remove", "unrecorded HTB group",
		  "unrecorded HTB groups" },
		{ r->groups_adopted, "recorded", "would record", "HTB group", "HTB groups" },
	};
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (!parts[i].n || used >= len)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s %zu %s", used ? ", " : "",
					 dry_run ? parts[i].todo : parts[i].done, parts[i].n,
					 parts[i].n == 1 ? parts[i].one : parts[i].many);
	}
	return buf;
}
