// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* apply.c - see apply.h */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "repair.h"
#include "attached.h"
#include "grow.h"
#include "intercept_apply.h"
#include "proxy_apply.h"
#include "sched_store.h"
#include "rate.h"
#include "shape.h"

/* The groups, in execution order. */
enum { G_CUST_DEL, G_SUB_DEL, G_SUB_ADD, G_CUST_ADD, G_CUST_SET, G_N };

static void want_rates(struct keg_customer *v, const struct keg_conf_entry *e)
{
	v->down_kbit = e->down_kbit;
	v->up_kbit = e->down_kbit ? e->up_kbit : 0;
	v->ceil_kbit = e->down_kbit ? e->ceil_kbit : 0;
	v->burst = e->down_kbit ? e->burst : 0;
	if (e->sched) {
		/* A scheduled customer gets the rates in force now, as
		 * keg_sched_pass() would set them. */
		int r = keg_sched_at(e->sched, keg_week_minute(time(NULL)));

		if (r >= 0) {
			v->down_kbit = e->sched->r[r].down_kbit;
			if (e->sched->r[r].up_kbit)
				v->up_kbit = e->sched->r[r].up_kbit;
			if (v->ceil_kbit && v->ceil_kbit < v->down_kbit)
				v->ceil_kbit = 0;
		}
	}
}

static bool same_rates(const struct keg_customer *a, const struct keg_customer *b)
{
	return a->down_kbit == b->down_kbit && a->up_kbit == b->up_kbit &&
	       a->ceil_kbit == b->ceil_kbit && a->burst == b->burst;
}

struct group {
	struct keg_change *v;
	size_t n, cap;
};

static int push(struct group *g, const struct keg_change *c)
{
	if (keg_grow(&g->v, &g->cap, g->n, sizeof(*g->v)))
		return -ENOMEM;
	g->v[g->n++] = *c;
	return 0;
}

/* Merge the sorted current and wanted lists into removals and additions. */
static int diff(size_t iface, enum keg_change_kind kind, const struct keg_addr *cur,
		size_t n_cur, const struct keg_conf_list *want, struct group *del,
		struct group *add, size_t *same, const struct keg_ifmaps *m,
		struct group *set)
{
	size_t i = 0, j = 0;
	int ret = 0;

	while (!ret && (i < n_cur || j < want->n)) {
		struct keg_change c = { .iface = iface, .kind = kind };
		int cmp = i == n_cur ? 1 : j == want->n ? -1 :
			  keg_addr_cmp(&cur[i], &want->v[j].addr);

		if (cmp == 0) {
			/* A customer kept: are its rates the wanted ones? */
			if (set && !keg_customer_get(m, &cur[i], &c.old_customer)) {
				c.want = c.old_customer;
				want_rates(&c.want, &want->v[j]);
				if (!c.want.down_kbit)
					c.want.class_id = 0;	/* unshaped now */
				if (!same_rates(&c.want, &c.old_customer)) {
					c.kind = KEG_CHANGE_RATE;
					c.add = true;
					c.addr = cur[i];
					c.line = want->v[j].line;
					ret = push(set, &c);
					i++, j++;
					continue;
				}
			}
			(*same)++;
			i++, j++;
			continue;
		}
		if (cmp < 0) {
			c.addr = cur[i++];
			ret = push(del, &c);
		} else {
			c.add = true;
			c.addr = want->v[j].addr;
			want_rates(&c.want, &want->v[j]);
			c.line = want->v[j++].line;
			ret = push(add, &c);
		}
	}
	return ret;
}

static int open_ifaces(const struct keg_conf *conf, struct keg_plan *plan,
		       struct keg_err *err)
{
	struct keg_err e = { 0 };
	size_t i;
	int ret;

	plan->ifaces = calloc(conf->n_ifaces ? conf->n_ifaces : 1, sizeof(*plan->ifaces));
	if (!plan->ifaces)
		return -ENOMEM;
	for (i = 0; i < conf->n_ifaces; i++) {
		const struct keg_conf_iface *f = &conf->ifaces[i];

		ret = keg_ifctx_open(f->name, &plan->ifaces[i], &e);
		if (ret) {
			if (ret == -ENOENT)
				return keg_err_set_line(err, ret, f->line,
							"interface %s is not attached (run 'kegctl attach %s')",
							f->name, f->name);
			return keg_err_set_line(err, ret, f->line, "%s", keg_err_str(&e, ret));
		}
		plan->n_ifaces++;
	}
	return 0;
}

/* A customer to add must not belong to an attached interface the config
 * leaves alone: nothing would remove it there. */
static int check_foreign_owners(const struct keg_conf *conf, const struct group *adds,
				struct keg_err *err)
{
	char buf[KEG_ADDR_STRLEN];
	struct keg_ifmaps m;
	struct keg_addr *cur;
	struct keg_att *v;
	size_t n, i, k, n_cur;
	int ret;

	ret = keg_att_list(&v, &n);
	if (ret)
		return ret;
	for (i = 0; i < n && !ret; i++) {
		if (v[i].status != KEG_ATT_HERE || keg_conf_find(conf, v[i].name))
			continue;
		if (keg_ifmaps_open(v[i].name, &m, NULL))
			continue;
		ret = keg_customers_list(&m, &cur, &n_cur);
		keg_ifmaps_close(&m);
		for (k = 0; !ret && k < adds->n; k++) {
			const struct keg_change *c = &adds->v[k];

			if (!n_cur ||
			    !bsearch(&c->addr, cur, n_cur, sizeof(*cur), keg_addr_qsort_cmp))
				continue;
			ret = keg_err_set_line(err, -EEXIST, c->line,
					       "customer %s belongs to interface %s, which this file does not name; remove it there first",
					       keg_addr_str(&c->addr, buf, sizeof(buf)), v[i].name);
		}
		free(cur);
	}
	free(v);
	return ret;
}

int keg_plan_build(const struct keg_conf *conf, struct keg_plan *plan,
		   struct keg_err *err)
{
	struct group g[G_N] = { 0 };
	struct keg_addr *cur = NULL;
	size_t i, n_cur, k;
	int ret;

	memset(plan, 0, sizeof(*plan));
	keg_err_clear(err);
	ret = open_ifaces(conf, plan, err);
	for (i = 0; !ret && i < conf->n_ifaces; i++) {
		const struct keg_conf_iface *f = &conf->ifaces[i];
		const struct keg_ifmaps *m = &plan->ifaces[i].maps;

		ret = keg_subnets_list(m, &cur, &n_cur);
		if (!ret)
			ret = diff(i, KEG_CHANGE_SUBNET, cur, n_cur, &f->subnets,
				   &g[G_SUB_DEL], &g[G_SUB_ADD], &plan->n_same, m, NULL);
		free(cur);
		cur = NULL;
		if (!ret)
			ret = keg_customers_list(m, &cur, &n_cur);
		if (!ret)
			ret = diff(i, KEG_CHANGE_CUSTOMER, cur, n_cur, &f->customers,
				   &g[G_CUST_DEL], &g[G_CUST_ADD], &plan->n_same, m,
				   &g[G_CUST_SET]);
		free(cur);
		cur = NULL;
		if (ret)
			keg_err_set_first(err, ret, "reading the maps of %s: %s", f->name,
					  strerror(-ret));
	}
	if (!ret)
		ret = check_foreign_owners(conf, &g[G_CUST_ADD], err);
	if (!ret) {
		for (k = 0; k < G_N; k++)
			plan->n_changes += g[k].n;
		plan->changes = calloc(plan->n_changes ? plan->n_changes : 1,
				       sizeof(*plan->changes));
		if (!plan->changes)
			ret = -ENOMEM;
	}
	for (k = 0, i = 0; k < G_N; k++) {
		if (!ret && g[k].n)
			memcpy(&plan->changes[i], g[k].v, g[k].n * sizeof(*g[k].v));
		i += g[k].n;
		if (k == G_SUB_ADD || k == G_CUST_ADD)
			plan->n_add += g[k].n;
		else if (k == G_CUST_SET)
			plan->n_set += g[k].n;
		else
			plan->n_del += g[k].n;
		free(g[k].v);
	}
	if (ret) {
		keg_err_set_first(err, ret, "%s", strerror(-ret));
		keg_plan_free(plan);
	}
	return ret;
}

static int do_change(struct keg_nl *nl, struct keg_plan *plan, struct keg_change *c,
		     struct keg_err *err)
{
	const struct keg_ifctx *f = &plan->ifaces[c->iface];
	struct keg_customer val = c->want;
	int ret;

	val.ifindex = (__u32)f->ifindex;
	if (c->kind == KEG_CHANGE_RATE) {
		ret = keg_shape_customer_put(f, &c->addr, &c->want);
		return ret ? keg_err_set(err, ret, "updating the customer map of %s: %s",
					 f->name, strerror(-ret)) : 0;
	}
	if (c->kind == KEG_CHANGE_CUSTOMER)
		return c->add ? keg_customer_install(nl, f, &c->addr, &val, &c->route, err) :
				keg_customer_remove(nl, f, &c->addr, &c->old_customer,
						    &c->route, err);
	ret = c->add ? keg_subnet_insert(&f->maps, &c->addr, NULL) :
		       keg_subnet_delete(&f->maps, &c->addr, &c->old_subnet);
	if (ret == -ENOSPC || ret == -E2BIG)
		return keg_err_set(err, ret, "the subnet map of %s is full", f->name);
	return ret;
}

static int undo_change(struct keg_nl *nl, struct keg_plan *plan, struct keg_change *c)
{
	const struct keg_ifctx *f = &plan->ifaces[c->iface];
	int ret = 0, r;

	if (c->kind == KEG_CHANGE_SUBNET)
		return c->add ? keg_subnet_delete(&f->maps, &c->addr, NULL) :
				keg_subnet_insert(&f->maps, &c->addr, &c->old_subnet);
	if (c->kind == KEG_CHANGE_RATE)
		return keg_shape_customer_put(f, &c->addr, &c->old_customer);
	if (c->add) {
		ret = keg_customer_delete(&f->maps, &c->addr, NULL);
		if (c->route) {
			r = keg_route_del(nl, &c->addr, f->ifindex);
			ret = ret ?: r;
		}
	} else {
		ret = keg_customer_insert(&f->maps, &c->addr, &c->old_customer);
		if (c->route) {
			r = keg_route_add(nl, &c->addr, f->ifindex);
			ret = ret ?: r;
		}
	}
	return ret;
}

/* Before any entry changes: shaping on where needed, class ids for new
 * shaped customers, all their classes (and the changed ones) in one batch. */
static int classes_before(struct keg_nl *nl, struct keg_plan *plan, struct keg_err *err)
{
	size_t nb = (KEG_SHAPE_MAX_SLOTS + 7) / 8, i, k;
	uint8_t *taken = NULL;
	struct keg_tcb b;
	int ret = 0;

	ret = keg_tcb_open(&b, nl);
	if (ret)
		return keg_err_set(err, ret, "out of memory");
	taken = malloc(nb);
	for (k = 0; !ret && k < plan->n_ifaces; k++) {
		const struct keg_ifctx *f = &plan->ifaces[k];
		struct keg_shape_cfg cfg;
		bool need = false, scanned = false;

		for (i = 0; i < plan->n_changes && !need; i++) {
			const struct keg_change *c = &plan->changes[i];

			need = c->iface == k && c->add && c->kind != KEG_CHANGE_SUBNET &&
			       c->want.down_kbit;
		}
		if (!need)
			continue;
		if (!taken) {
			ret = keg_err_set(err, -ENOMEM, "out of memory");
			break;
		}
		ret = keg_shape_ensure(nl, f, &cfg, err);
		for (i = 0; !ret && i < plan->n_changes; i++) {
			struct keg_change *c = &plan->changes[i];
			const struct keg_customer *old = NULL;

			if (c->iface != k || !c->add || c->kind == KEG_CHANGE_SUBNET ||
			    !c->want.down_kbit)
				continue;
			if (c->kind == KEG_CHANGE_RATE && c->old_customer.class_id)
				old = &c->old_customer;
			if (!c->want.class_id) {
				if (!scanned && (ret = keg_shape_slots(f, taken))) {
					keg_err_set(err, ret, "reading the customers of %s: %s",
						    f->name, strerror(-ret));
					break;
				}
				scanned = true;
				c->want.class_id = keg_shape_slot_alloc(taken);
				if (!c->want.class_id) {
					ret = keg_err_set(err, -ENOSPC,
							  "%s: all %u shaping slots are in use",
							  f->name, KEG_SHAPE_MAX_SLOTS);
					break;
				}
			}
			keg_shape_customer_classes(&b, &cfg, f->ifindex, &c->want,
						   old && old->down_kbit ? old : NULL);
		}
		if (!ret && (ret = keg_tcb_flush(&b)))
			keg_err_set(err, ret, "%s", b.err.msg);
		if (!ret)
			keg_shape_put(f->name, &cfg, NULL);	/* groups created */
	}
	free(taken);
	keg_tcb_close(&b);
	return ret;
}

/* Classes nobody points at any more: of removed customers, or of the
 * additions when the plan failed (undo). Best effort. */
static void classes_after(struct keg_nl *nl, struct keg_plan *plan, bool failed,
			  const struct keg_note *note)
{
	struct keg_shape_cfg cfg;
	struct keg_tcb b;
	size_t i;

	if (keg_tcb_open(&b, nl))
		return;
	for (i = 0; i < plan->n_changes; i++) {
		const struct keg_change *c = &plan->changes[i];
		const struct keg_ifctx *f = &plan->ifaces[c->iface];
		const struct keg_customer *v = NULL;

		if (c->kind == KEG_CHANGE_CUSTOMER && !c->add && !failed)
			v = &c->old_customer;
		else if (c->kind == KEG_CHANGE_CUSTOMER && c->add && failed)
			v = &c->want;
		else if (c->kind == KEG_CHANGE_RATE && !failed && !c->want.down_kbit)
			v = &c->old_customer;
		if (!v || !v->class_id || keg_shape_get(f->name, &cfg, NULL) ||
		    !(cfg.flags & KEG_SHAPE_ON))
			continue;
		keg_shape_customer_unclass(&b, &cfg, f->ifindex, v);
	}
	if (keg_tcb_flush(&b))
		keg_note(note, KEG_NOTE_PROBLEM, "warning: removing HTB classes: %s", b.err.msg);
	keg_tcb_close(&b);
}

int keg_plan_apply(struct keg_plan *plan, bool *undo_failed, const struct keg_note *note,
		   struct keg_err *err)
{
	char what[128];
	struct keg_nl nl;
	size_t i;
	int ret;

	*undo_failed = false;
	ret = keg_nl_open(&nl);
	if (ret)
		return keg_err_set(err, ret, "opening rtnetlink: %s", strerror(-ret));
	ret = classes_before(&nl, plan, err);
	if (ret) {
		classes_after(&nl, plan, true, note);
		keg_nl_close(&nl);
		return ret;
	}
	for (i = 0; i < plan->n_changes; i++) {
		struct keg_change *c = &plan->changes[i];

		keg_err_clear(err);
		ret = do_change(&nl, plan, c, err);
		if (ret)
			break;
		c->done = true;
	}
	if (ret) {
		struct keg_change *c = &plan->changes[i];
		size_t failed = i;

		keg_change_str(plan, c, what, sizeof(what));
		if (c->add)
			keg_err_prefix(err, ret, "%s (line %u)", what, c->line);
		else
			keg_err_prefix(err, ret, "%s", what);
		while (failed-- > 0)
			if (undo_change(&nl, plan, &plan->changes[failed]))
				*undo_failed = true;
	}
	classes_after(&nl, plan, ret != 0, note);
	keg_nl_close(&nl);
	return ret;
}

const char *keg_change_str(const struct keg_plan *plan, const struct keg_change *c,
			   char *buf, size_t len)
{
	char a[KEG_ADDR_STRLEN];

	if (c->kind == KEG_CHANGE_SUBNET)
		keg_prefix_str(&c->addr, a, sizeof(a));
	else
		keg_addr_str(&c->addr, a, sizeof(a));
	if (c->kind == KEG_CHANGE_RATE) {
		char r[32];

		snprintf(buf, len, "%s: ~ customer %s down %s", plan->ifaces[c->iface].name, a,
			 c->want.down_kbit ? keg_rate_str(c->want.down_kbit, r, sizeof(r)) :
					     "none");
		return buf;
	}
	snprintf(buf, len, "%s: %c %s %s", plan->ifaces[c->iface].name, c->add ? '+' : '-',
		 c->kind == KEG_CHANGE_SUBNET ? "subnet" : "customer", a);
	return buf;
}

void keg_plan_free(struct keg_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n_ifaces; i++)
		keg_ifctx_close(&plan->ifaces[i]);
	free(plan->ifaces);
	free(plan->changes);
	memset(plan, 0, sizeof(*plan));
}

/* Phase 1: the file, whole (read before, parsed here). Errors:
 * "FILE:LINE: why" or "FILE: why". */
int keg_apply_parse(const char *file, const char *buf, size_t len, struct keg_conf *conf,
		    struct keg_err *err)
{
	struct keg_err e = { 0 };
	int ret;

	ret = keg_conf_parse_buf(buf, len, conf, &e);
	if (!ret)
		return 0;
	if (e.line)
		return keg_err_set_line(err, ret, e.line, "%s:%u: %s", file, e.line, e.msg);
	return keg_err_set(err, ret, "%s: %s", file, e.msg);
}

/* Keep each block's `schedule` lines for `kegctl schedule show|run
 * @applied` and set the default classes to the rule in force now (the
 * customers got theirs from the plan). */
static int store_schedules(const struct keg_conf *conf, const struct keg_note *note,
			   struct keg_err *err)
{
	struct keg_sched_entry *v = NULL;
	size_t n = 0;
	struct keg_nl nl;
	int ret = 0;

	for (size_t i = 0; i < conf->n_ifaces && !ret; i++) {
		const struct keg_conf_iface *f = &conf->ifaces[i];
		char path[sizeof(KEG_SCHED_DIR) + IF_NAMESIZE + 1];

		ret = keg_sched_store(f, err);
		if (ret || !f->schedules.n)
			continue;
		keg_note(note, KEG_NOTE_CHANGE, "%s: %zu schedule%s kept in %s/%s", f->name,
			 f->schedules.n, f->schedules.n == 1 ? "" : "s", KEG_SCHED_DIR, f->name);
		snprintf(path, sizeof(path), "%s/%s", KEG_SCHED_DIR, f->name);
		ret = keg_sched_file_load(path, &v, &n, err);
	}
	if (!ret && n) {
		ret = keg_nl_open(&nl);
		if (ret) {
			keg_err_set(err, ret, "opening rtnetlink: %s", strerror(-ret));
		} else {
			ret = keg_sched_pass(&nl, v, n, keg_week_minute(time(NULL)), note);
			if (ret)
				keg_err_set(err, ret, "schedule: some rates in force now were not set");
			keg_nl_close(&nl);
		}
	}
	free(v);
	if (ret)
		keg_err_prefix(err, ret, "(the changes printed above were made)");
	return ret;
}

int keg_apply_file(const char *file, bool dry_run, const struct keg_note *note,
		   struct keg_apply_result *res, struct keg_err *err)
{
	size_t len;
	char *buf;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = keg_conf_read(file, &buf, &len, err);
	if (ret)
		return ret;
	ret = keg_apply_buf(file, buf, len, dry_run, note, res, err);
	free(buf);
	return ret;
}

/* Each named interface's kernel state made to agree with its maps
 * (repair.h) before the plan runs against them; noted per interface. */
static int repair(struct keg_plan *plan, bool dry_run, const struct keg_note *note,
		  struct keg_apply_result *res, struct keg_err *err)
{
	struct keg_repair r;
	struct keg_nl nl;
	char buf[256];
	size_t i;
	int ret;

	ret = keg_nl_open(&nl);
	if (ret)
		return keg_err_set(err, ret, "opening rtnetlink: %s", strerror(-ret));
	for (i = 0; !ret && i < plan->n_ifaces; i++) {
		ret = keg_repair(&nl, &plan->ifaces[i], dry_run, &r, err);
		if (!keg_repair_total(&r))
			continue;
		res->n_repaired += keg_repair_total(&r);
		keg_note(note, KEG_NOTE_CHANGE, "%s: %s (of an interrupted kegctl)",
			 plan->ifaces[i].name, keg_repair_str(&r, dry_run, buf, sizeof(buf)));
	}
	keg_nl_close(&nl);
	return ret;
}

int keg_apply_buf(const char *file, const char *text, size_t len, bool dry_run,
		  const struct keg_note *note, struct keg_apply_result *res,
		  struct keg_err *err)
{
	struct keg_conf conf;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = keg_apply_parse(file, text, len, &conf, err);
	if (ret)
		return ret;
	ret = keg_apply_conf(file, &conf, NULL, dry_run, note, res, err);
	keg_conf_free(&conf);
	return ret;
}

int keg_apply_conf(const char *file, const struct keg_conf *conf,
		   const struct keg_proxy_sites *sites, bool dry_run,
		   const struct keg_note *note, struct keg_apply_result *res,
		   struct keg_err *err)
{
	struct keg_err e = { 0 };
	struct keg_plan plan;
	bool undo_failed;
	char buf[128];
	int ret;

	memset(res, 0, sizeof(*res));
	/* Phase 2: what differs from the maps. */
	ret = keg_plan_build(conf, &plan, &e);
	if (ret) {
		if (e.line)
			keg_err_set_line(err, ret, e.line, "%s:%u: %s", file, e.line, e.msg);
		else
			keg_err_set(err, ret, "%s: %s", file, e.msg);
		return ret;
	}
	/* Phase 2b: what an interrupted kegctl left in the kernel. */
	ret = repair(&plan, dry_run, note, res, err);
	if (ret) {
		keg_err_prefix(err, ret, "%s", file);
		goto out_plan;
	}
	/* Phase 3: the changes, all or none. */
	if (!dry_run) {
		ret = keg_plan_apply(&plan, &undo_failed, note, &e);
		if (ret) {
			keg_err_set(err, ret, "%s: %s; %s", file, keg_err_str(&e, ret),
				    undo_failed ? "undoing the earlier changes FAILED, check 'kegctl status'" :
						  "nothing was changed");
			goto out_plan;
		}
	}
	for (size_t i = 0; i < plan.n_changes; i++)
		keg_note(note, KEG_NOTE_CHANGE, "%s",
			 keg_change_str(&plan, &plan.changes[i], buf, sizeof(buf)));
	/* Intercept rules and proxies last (intercept_conf.h, proxy_conf.h):
	 * they are not undone with
	 * the changes above, and a failure here leaves those in place. */
	for (size_t i = 0; i < conf->n_ifaces; i++) {
		size_t a = 0, d = 0, same = 0;

		keg_err_clear(&e);
		ret = keg_icpt_conf_apply(conf->ifaces[i].name, &conf->ifaces[i].intercepts,
					  dry_run, &a, &d, &same, note, &e);
		/* Proxies after the rules: a proxy's rule comes after them. */
		if (!ret)
			ret = keg_proxy_conf_apply(conf->ifaces[i].name, &conf->ifaces[i].proxies,
						   sites, dry_run, &a, &d, &same, note, &e);
		plan.n_changes += a + d;
		plan.n_add += a;
		plan.n_del += d;
		plan.n_same += same;
		if (ret) {
			keg_err_set(err, ret, "%s: %s (%s)", file, keg_err_str(&e, ret),
				    dry_run ? "a dry run: nothing was changed" :
					      "the changes printed above were made");
			goto out_plan;
		}
	}
	if (!dry_run)
		ret = store_schedules(conf, note, err);
	res->n_changes = plan.n_changes;
	res->n_add = plan.n_add;
	res->n_del = plan.n_del;
	res->n_same = plan.n_same;
	res->n_ifaces = plan.n_ifaces;
out_plan:
	keg_plan_free(&plan);
	return ret;
}
