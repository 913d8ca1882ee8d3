// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* stats_prom.c - see stats_prom.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attached.h"
#include "commands.h"
#include "customer.h"
#include "grow.h"
#include "htb.h"
#include "ifmaps.h"
#include "intercept.h"
#include "mapbatch.h"
#include "prom.h"
#include "shape.h"
#include "stats.h"
#include "stats_prom.h"
#include "stats_prom_map.h"

enum { FAM_V4, FAM_V6 };
enum { DIR_DOWN, DIR_UP };
static const char *const dir_names[2] = { "down", "up" };
static const char *const family_names[2] = { "ipv4", "ipv6" };
static const char *const leaf_names[2] = { "interactive", "bulk" };

/* One shaped customer (or the default class) as exported. */
struct shaped {
	char who[KEG_ADDR_STRLEN];
	uint32_t down_kbit, up_kbit, ceil_kbit;
	/* By direction (DIR_DOWN: the customer-facing interface, DIR_UP:
	 * the shaped uplink), then leaf. */
	uint64_t packets[2][2], bytes[2][2], drops[2][2];
};

struct site {
	char name[KEG_ICPT_SITE_NAME + 1];
	bool down;
};

struct ifdata {
	struct keg_att att;
	struct keg_stat_values stats;
	size_t customers[2], subnets[2];
	bool shaping;
	bool shaped_up;			/* an uplink is shaped: DIR_UP counts */
	struct shaped *rows;		/* rows[0]: the default class */
	size_t nrows;
	bool icpt;			/* intercept maps there */
	struct keg_icpt_entry *rules;
	size_t nrules;
	struct site *sites;
	size_t nsites, cap_sites;
	bool kegd_running;
	struct keg_kegd kegd;
};

/* ---- reading -------------------------------------------------------------- */

struct cust {
	struct keg_addr addr;		/* first: keg_addr_qsort_cmp sorts these */
	struct keg_customer val;
};

struct cust_walk {
	struct cust *v;
	size_t n, cap;
	uint8_t family;
	bool keep;			/* false: count only */
};

static int cust_cb(const struct keg_map_batch *w, const void *key, const void *val,
		   void *ctx)
{
	struct cust_walk *c = ctx;
	struct cust *e;

	if (!c->keep) {
		c->n++;
		return 0;
	}
	if (keg_grow(&c->v, &c->cap, c->n, sizeof(*c->v)))
		return -ENOMEM;
	e = &c->v[c->n++];
	memset(&e->addr, 0, sizeof(e->addr));
	e->addr.family = c->family;
	e->addr.plen = c->family == AF_INET ? 32 : 128;
	memcpy(e->addr.bytes, key, w->key_size <= 16 ? w->key_size : 16);
	memcpy(&e->val, val, sizeof(e->val) < w->value_size ? sizeof(e->val) : w->value_size);
	return 0;
}

/* The HTB classes of one interface, sorted by class id. */
struct classes {
	struct keg_class_stats *cs;
	size_t n;
};

/* The two leaves under parent: their HTB classes' counters. */
static void fill_leaves(struct shaped *r, int dir, uint32_t parent, const struct classes *c)
{
	static const uint32_t off[2] = { KEG_LEAF_INTERACTIVE, KEG_LEAF_BULK };
	const struct keg_class_stats *cl;
	uint32_t id;
	int k;

	for (k = 0; k < 2; k++) {
		id = parent + off[k];
		cl = keg_class_stats_find(c->cs, c->n, id);
		r->packets[dir][k] = cl ? cl->packets : 0;
		r->bytes[dir][k] = cl ? cl->bytes : 0;
		r->drops[dir][k] = cl ? cl->drops : 0;
	}
}

static int read_customers(struct cli_ctx *ctx, struct ifdata *d, const struct keg_ifmaps *m,
			  struct cust_walk *cw)
{
	int fds[2] = { m->customers4, m->customers6 };
	size_t before;
	int f, ret;

	for (f = 0; f < 2; f++) {
		before = cw->n;
		cw->family = f == FAM_V4 ? AF_INET : AF_INET6;
		ret = keg_map_batch_walk(fds[f], cust_cb, cw);
		if (ret)
			return cli_fail(ctx, ret, "%s: reading the customers: %s", d->att.name,
					strerror(-ret));
		d->customers[f] = cw->n - before;
	}
	return 0;
}

/* Both leaves of row r in each direction there is. */
static void fill_row(struct shaped *r, uint32_t parent, const struct classes c[2])
{
	int dir;

	for (dir = DIR_DOWN; dir <= DIR_UP; dir++)
		fill_leaves(r, dir, parent, &c[dir]);
}

static int read_shaping(struct cli_ctx *ctx, struct ifdata *d, struct cust_walk *cw)
{
	struct classes c[2] = { { 0 } };
	struct keg_shape_cfg cfg;
	struct keg_nl nl;
	size_t i;
	int ret;

	if (keg_shape_get(d->att.name, &cfg, NULL) || !(cfg.flags & KEG_SHAPE_ON))
		return 0;
	d->shaping = true;
	d->shaped_up = cfg.up_ifindex != 0;
	ret = keg_nl_open(&nl);
	if (!ret) {
		ret = keg_shape_classes(&nl, d->att.ifindex, cfg.groups, &c[DIR_DOWN].cs,
				   &c[DIR_DOWN].n);
		if (!ret && d->shaped_up)
			ret = keg_shape_classes(&nl, (int)cfg.up_ifindex, cfg.groups, &c[DIR_UP].cs,
					   &c[DIR_UP].n);
		keg_nl_close(&nl);
	}
	if (!ret) {
		d->rows = calloc(cw->n + 1, sizeof(*d->rows));
		if (!d->rows)
			ret = -ENOMEM;
	}
	if (ret) {
		free(c[DIR_DOWN].cs);
		free(c[DIR_UP].cs);
		return cli_fail(ctx, ret, "%s: reading the HTB classes: %s", d->att.name,
				strerror(-ret));
	}
	/* The default class first, then the shaped customers by address. */
	snprintf(d->rows[0].who, sizeof(d->rows[0].who), "default");
	d->rows[0].down_kbit = cfg.default_kbit;
	d->rows[0].up_kbit = cfg.up_ifindex ? cfg.default_up_kbit : 0;
	fill_row(&d->rows[0], KEG_CLASSID(KEG_CLASS_DEFAULT), c);
	d->nrows = 1;
	if (cw->n > 1)
		qsort(cw->v, cw->n, sizeof(*cw->v), keg_addr_qsort_cmp);
	for (i = 0; i < cw->n; i++) {
		const struct keg_customer *v = &cw->v[i].val;
		struct shaped *r = &d->rows[d->nrows];

		if (!v->class_id)
			continue;
		keg_addr_str(&cw->v[i].addr, r->who, sizeof(r->who));
		r->down_kbit = v->down_kbit;
		r->up_kbit = v->up_kbit;
		r->ceil_kbit = v->ceil_kbit ? v->ceil_kbit : v->down_kbit;
		fill_row(r, v->class_id, c);
		d->nrows++;
	}
	free(c[DIR_DOWN].cs);
	free(c[DIR_UP].cs);
	return 0;
}

static int site_cb(const struct keg_map_batch *w, const void *key, const void *val,
		   void *ctx)
{
	const struct keg_icpt_site *s = val;
	struct ifdata *d = ctx;
	struct site *e;

	(void)w;
	(void)key;
	if (!s->name[0])
		return 0;
	if (keg_grow(&d->sites, &d->cap_sites, d->nsites, sizeof(*d->sites)))
		return -ENOMEM;
	e = &d->sites[d->nsites++];
	snprintf(e->name, sizeof(e->name), "%.*s", (int)sizeof(s->name), s->name);
	e->down = s->down != 0;
	return 0;
}

/* Rules, sites, kegd: absent on an attachment without intercept maps. */
static int read_intercept(struct cli_ctx *ctx, struct ifdata *d)
{
	struct keg_icpt_maps m;
	int ret;

	if (keg_icpt_maps_open(d->att.name, &m, NULL))
		return 0;
	d->icpt = true;
	keg_icpt_kegd_read(&m, &d->kegd, &d->kegd_running);
	ret = keg_icpt_list(&m, &d->rules, &d->nrules);
	if (!ret)
		ret = keg_map_batch_walk(m.sites, site_cb, d);
	keg_icpt_maps_close(&m);
	if (ret)
		return cli_fail(ctx, ret, "%s: reading the intercept rules: %s", d->att.name,
				strerror(-ret));
	return 0;
}

static int read_iface(struct cli_ctx *ctx, struct ifdata *d)
{
	struct cust_walk cw = { 0 };
	struct keg_ifmaps m;
	int ret;

	ret = keg_ifmaps_open(d->att.name, &m, &ctx->err);
	if (ret)
		return ret;
	ret = keg_stats_read(m.stats, &d->stats);
	if (ret)
		cli_fail(ctx, ret, "%s: reading keg_stats: %s", d->att.name, strerror(-ret));
	if (!ret && (ret = keg_map_count(m.subnets4, &d->subnets[FAM_V4])) == 0)
		ret = keg_map_count(m.subnets6, &d->subnets[FAM_V6]);
	if (ret && !ctx->err.msg[0])
		cli_fail(ctx, ret, "%s: reading the subnets: %s", d->att.name, strerror(-ret));
	if (!ret) {
		struct keg_shape_cfg cfg;

		/* Only a shaping interface needs the customers themselves. */
		cw.keep = !keg_shape_get(d->att.name, &cfg, NULL) && (cfg.flags & KEG_SHAPE_ON);
		ret = read_customers(ctx, d, &m, &cw);
	}
	if (!ret && cw.keep)
		ret = read_shaping(ctx, d, &cw);
	keg_ifmaps_close(&m);
	free(cw.v);
	if (!ret)
		ret = read_intercept(ctx, d);
	return ret;
}

/* ---- writing -------------------------------------------------------------- */

/* A family whose HELP and TYPE are written before its first sample only:
 * a family without samples leaves no lines. */
struct fam {
	struct prom *p;
	const char *name, *help;
	enum prom_type type;
	bool shown;
};

static void fam_open(struct fam *f, struct prom *p, const char *name, enum prom_type type,
		     const char *help)
{
	f->p = p;
	f->name = name;
	f->type = type;
	f->help = help;
	f->shown = false;
}

static void fam_sample(struct fam *f, const struct prom_label *l, size_t n, uint64_t v)
{
	if (!f->shown) {
		prom_family(f->p, f->name, f->type, f->help);
		f->shown = true;
	}
	prom_sample(f->p, f->name, l, n, v);
}

static void write_keg_stats(struct prom *p, const struct ifdata *d, size_t n)
{
	const char *val[2];
	char name[96], help[128];
	struct prom_label l[3];
	struct fam f;
	size_t fi, i, k;
	int s;

	for (fi = 0; fi < stats_prom_n_families; fi++) {
		const struct stats_prom_family *sf = &stats_prom_families[fi];

		fam_open(&f, p, sf->name, PROM_COUNTER, sf->help);
		for (i = 0; i < n; i++)
			for (s = 0; s < KEG_STAT__MAX; s++) {
				if (stats_prom_map(s, val) != (int)fi)
					continue;
				l[0] = (struct prom_label){ "iface", d[i].att.name };
				for (k = 0; k < 2 && sf->label[k]; k++)
					l[k + 1] = (struct prom_label){ sf->label[k], val[k] };
				fam_sample(&f, l, k + 1, d[i].stats.v[s]);
			}
	}
	/* Counters without a rule (stats_prom_map.h): one family each. */
	for (s = 0; s < KEG_STAT__MAX; s++) {
		if (stats_prom_map(s, val) >= 0)
			continue;
		snprintf(help, sizeof(help), "keg_stats counter %s.", keg_stat_names[s]);
		fam_open(&f, p, stats_prom_fallback(s, name, sizeof(name)), PROM_COUNTER, help);
		for (i = 0; i < n; i++) {
			l[0] = (struct prom_label){ "iface", d[i].att.name };
			fam_sample(&f, l, 1, d[i].stats.v[s]);
		}
	}
}

static void write_entries(struct prom *p, const struct ifdata *d, size_t n)
{
	struct prom_label l[2];
	struct fam f;
	size_t i;
	int k;

	fam_open(&f, p, "keg_interfaces_attached", PROM_GAUGE,
		 "Interfaces keg is attached to in this network namespace (as selected).");
	fam_sample(&f, NULL, 0, n);
	fam_open(&f, p, "keg_customers", PROM_GAUGE, "Customers (single addresses) by family.");
	for (i = 0; i < n; i++)
		for (k = 0; k < 2; k++) {
			l[0] = (struct prom_label){ "iface", d[i].att.name };
			l[1] = (struct prom_label){ "family", family_names[k] };
			fam_sample(&f, l, 2, d[i].customers[k]);
		}
	fam_open(&f, p, "keg_subnets", PROM_GAUGE, "Proxied subnets by family.");
	for (i = 0; i < n; i++)
		for (k = 0; k < 2; k++) {
			l[0] = (struct prom_label){ "iface", d[i].att.name };
			l[1] = (struct prom_label){ "family", family_names[k] };
			fam_sample(&f, l, 2, d[i].subnets[k]);
		}
}

static void write_shaping(struct prom *p, const struct ifdata *d, size_t n)
{
	static const struct {
		const char *name, *help;
	} leaf_fams[3] = {
		{ "keg_leaf_packets_total",
		  "Packets the leaf's HTB class sent (direction=\"up\": on the shaped uplink)." },
		{ "keg_leaf_bytes_total", "Bytes the leaf's HTB class sent." },
		{ "keg_leaf_drops_total", "Packets the leaf's HTB class dropped." },
	};
	struct prom_label l[4];
	struct fam f;
	size_t i, r;
	int k, which, dir;

	fam_open(&f, p, "keg_shaping_enabled", PROM_GAUGE,
		 "1 when per-customer shaping is on (kegctl shape set).");
	for (i = 0; i < n; i++) {
		l[0] = (struct prom_label){ "iface", d[i].att.name };
		fam_sample(&f, l, 1, d[i].shaping);
	}
	fam_open(&f, p, "keg_customer_rate_bytes_per_second", PROM_GAUGE,
		 "Configured rate of a shaped customer (customer=\"default\": the default class).");
	for (i = 0; i < n; i++)
		for (r = 0; r < d[i].nrows; r++) {
			const struct shaped *s = &d[i].rows[r];

			l[0] = (struct prom_label){ "iface", d[i].att.name };
			l[1] = (struct prom_label){ "customer", s->who };
			l[2] = (struct prom_label){ "direction", "down" };
			fam_sample(&f, l, 3, (uint64_t)s->down_kbit * 125);
			if (s->up_kbit) {
				l[2].value = "up";
				fam_sample(&f, l, 3, (uint64_t)s->up_kbit * 125);
			}
		}
	fam_open(&f, p, "keg_customer_ceil_bytes_per_second", PROM_GAUGE,
		 "Configured download ceil of a shaped customer.");
	for (i = 0; i < n; i++)
		for (r = 1; r < d[i].nrows; r++) {
			l[0] = (struct prom_label){ "iface", d[i].att.name };
			l[1] = (struct prom_label){ "customer", d[i].rows[r].who };
			fam_sample(&f, l, 2, (uint64_t)d[i].rows[r].ceil_kbit * 125);
		}
	for (which = 0; which < 3; which++) {
		fam_open(&f, p, leaf_fams[which].name, PROM_COUNTER, leaf_fams[which].help);
		for (i = 0; i < n; i++)
			for (r = 0; r < d[i].nrows; r++) {
				const struct shaped *s = &d[i].rows[r];

				l[0] = (struct prom_label){ "iface", d[i].att.name };
				l[1] = (struct prom_label){ "customer", s->who };
				for (dir = DIR_DOWN; dir <= (d[i].shaped_up ? DIR_UP : DIR_DOWN);
				     dir++)
					for (k = 0; k < 2; k++) {
						l[2] = (struct prom_label){ "leaf", leaf_names[k] };
						l[3] = (struct prom_label){ "direction",
									    dir_names[dir] };
						fam_sample(&f, l, 4,
							   which == 0 ? s->packets[dir][k] :
							   which == 1 ? s->bytes[dir][k] :
									s->drops[dir][k]);
					}
			}
	}
}

static void write_intercept(struct prom *p, const struct ifdata *d, size_t n)
{
	struct prom_label l[3];
	char id[16];
	struct fam f;
	size_t i, r;
	int which;

	for (which = 0; which < 3; which++) {
		fam_open(&f, p, which == 0 ? "keg_intercept_rule_packets_total" :
				which == 1 ? "keg_intercept_rule_bytes_total" :
					     "keg_intercept_rule_active",
			 which == 2 ? PROM_GAUGE : PROM_COUNTER,
			 which == 0 ? "Packets the intercept rule matched." :
			 which == 1 ? "Bytes of the packets the intercept rule matched." :
				      "1 while the rule steers into kegd (state A); 0 when disabled (X) or its site or kegd is down (Y).");
		for (i = 0; i < n; i++)
			for (r = 0; r < d[i].nrules; r++) {
				const struct keg_icpt_entry *e = &d[i].rules[r];

				snprintf(id, sizeof(id), "%u", e->rule.id);
				l[0] = (struct prom_label){ "iface", d[i].att.name };
				l[1] = (struct prom_label){ "rule", id };
				l[2] = (struct prom_label){ "site", e->spec.site };
				fam_sample(&f, l, 3, which == 0 ? e->packets : which == 1 ? e->bytes :
						     keg_icpt_state(e, d[i].kegd_running) == 'A');
			}
	}
	fam_open(&f, p, "keg_site_up", PROM_GAUGE,
		 "1 while the site is up (kegctl site up|down).");
	for (i = 0; i < n; i++)
		for (r = 0; r < d[i].nsites; r++) {
			l[0] = (struct prom_label){ "iface", d[i].att.name };
			l[1] = (struct prom_label){ "site", d[i].sites[r].name };
			fam_sample(&f, l, 2, !d[i].sites[r].down);
		}
}

static void write_kegd(struct prom *p, const struct ifdata *d, size_t n)
{
	struct prom_label l[2];
	char qs[16];
	struct fam f;
	unsigned int q;
	size_t i;
	int which;

	fam_open(&f, p, "keg_kegd_running", PROM_GAUGE,
		 "1 while kegd serves the interface (pid alive, heartbeat fresh).");
	for (i = 0; i < n; i++) {
		if (!d[i].icpt)
			continue;
		l[0] = (struct prom_label){ "iface", d[i].att.name };
		fam_sample(&f, l, 1, d[i].kegd_running);
	}
	for (which = 0; which < 3; which++) {
		fam_open(&f, p, which == 0 ? "keg_kegd_rx_packets_total" :
				which == 1 ? "keg_kegd_tx_packets_total" : "keg_kegd_drops_total",
			 PROM_COUNTER,
			 which == 0 ? "Frames kegd received on the AF_XDP socket of the queue (since kegd started)." :
			 which == 1 ? "Frames kegd forwarded from the queue (since kegd started)." :
				      "Frames kegd dropped on the queue (since kegd started).");
		for (i = 0; i < n; i++) {
			const struct keg_kegd *k = &d[i].kegd;

			for (q = 0; d[i].kegd_running && q < k->n_queues && q < KEG_MAX_QUEUES; q++) {
				snprintf(qs, sizeof(qs), "%u", q);
				l[0] = (struct prom_label){ "iface", d[i].att.name };
				l[1] = (struct prom_label){ "queue", qs };
				fam_sample(&f, l, 2, which == 0 ? k->q[q].rx :
						     which == 1 ? k->q[q].tx : k->q[q].drop);
			}
		}
	}
}

/* ---- command -------------------------------------------------------------- */

int kegctl_stats_prom(struct cli_ctx *ctx, const char *iface)
{
	struct ifdata *d = NULL;
	struct keg_att *atts;
	struct prom *p = NULL;
	size_t n, i;
	int ret;

	ret = kegctl_select(ctx, iface, &atts, &n);
	if (ret)
		return ret;
	d = calloc(n ? n : 1, sizeof(*d));
	p = malloc(sizeof(*p));
	if (!d || !p)
		ret = cli_fail(ctx, -ENOMEM, "out of memory");
	for (i = 0; !ret && i < n; i++) {
		d[i].att = atts[i];
		ret = read_iface(ctx, &d[i]);
	}
	if (!ret) {
		prom_init(p, STDOUT_FILENO);
		write_keg_stats(p, d, n);
		write_entries(p, d, n);
		write_shaping(p, d, n);
		write_intercept(p, d, n);
		write_kegd(p, d, n);
		ret = prom_finish(p);
		if (ret)
			cli_fail(ctx, ret, "writing the output: %s", strerror(-ret));
	}
	for (i = 0; d && i < n; i++) {
		free(d[i].rows);
		free(d[i].rules);
		free(d[i].sites);
	}
	free(d);
	free(p);
	free(atts);
	return ret;
}
