// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_shape.c - `kegctl shape set|off|show` */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "commands.h"
#include "customer.h"
#include "json.h"
#include "pins.h"
#include "rate.h"
#include "mapwalk.h"
#include "pinset.h"
#include "shape.h"

struct shape_opts {
	const char *iface;
	const char *uplink;
	struct cli_num link, def, def_up;	/* kbit/s */
	int leaf;		/* index into leaf_choices */
	int match;		/* index into match_choices */
	int interactive;	/* index into onoff_choices */
	const char *small;
	const char *ports;
	bool json;
};

static const char *const leaf_choices[] = { "keep", "auto", "pfifo", "fq_codel", "sfq",
					    "cake", NULL };
static const char *const match_choices[] = { "keep", "inner", "outer", NULL };
static const char *const onoff_choices[] = { "keep", "on", "off", NULL };

static int parse_ports(struct cli_ctx *ctx, const char *s, struct keg_shape_setup *su)
{
	char *dup = strdup(s), *tok, *save = NULL, *end;
	int n = 0;

	if (!dup)
		return cli_fail(ctx, -ENOMEM, "out of memory");
	if (!strcmp(s, "none") || !*s) {
		free(dup);
		su->nports = 0;
		return 0;
	}
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long p = strtoul(tok, &end, 10);

		if (*end || !*tok || !p || p > 65535 || n == KEG_SHAPE_PORTS) {
			free(dup);
			return cli_usage(ctx, "--ports: '%s' is not a list of up to %d ports (1-65535)",
					 s, KEG_SHAPE_PORTS);
		}
		su->ports[n++] = (uint16_t)p;
	}
	free(dup);
	su->nports = n;
	return 0;
}

static int run_set(struct cli_ctx *ctx, const void *o)
{
	const struct shape_opts *opts = o;
	struct keg_shape_setup su;
	struct keg_shape_cfg cfg;
	struct keg_ifctx c;
	struct keg_nl nl;
	char b1[32], b2[32];
	int ret;

	keg_shape_setup_init(&su);
	su.uplink = opts->uplink;
	if (opts->link.set)
		su.link_kbit = opts->link.v;
	if (opts->def.set)
		su.default_kbit = opts->def.v;
	if (opts->def_up.set)
		su.default_up_kbit = opts->def_up.v;
	su.leaf = opts->leaf <= 1 ? -1 : opts->leaf - 2;
	su.match = opts->match ? opts->match - 1 : -1;
	su.interactive = opts->interactive ? (opts->interactive == 1) : -1;
	if (opts->small) {
		char *end;
		unsigned long v = strtoul(opts->small, &end, 10);

		if (*end || !*opts->small || v > 65535)
			return cli_usage(ctx, "--small-size: '%s' is not a size in bytes (0 = off)",
					 opts->small);
		su.small = (int)v;
	}
	if (opts->ports && (ret = parse_ports(ctx, opts->ports, &su)))
		return ret;
	ret = keg_ifctx_open(opts->iface, &c, &ctx->err);
	if (ret)
		return ret;
	ret = keg_nl_open(&nl);
	if (ret) {
		cli_fail(ctx, ret, "opening rtnetlink: %s", strerror(-ret));
		goto out;
	}
	ret = keg_shape_enable(&nl, &c, &su, &cfg, &ctx->err);
	keg_nl_close(&nl);
	if (!ret) {
		char up[IF_NAMESIZE] = "none";

		if (cfg.up_ifindex)
			if_indextoname(cfg.up_ifindex, up);
		printf("%s: shaping on (link %s, default class %s, leaf qdisc %s, match %s, interactive leaf %s, uplink %s)\n",
		       c.name, keg_rate_str(cfg.link_kbit, b1, sizeof(b1)),
		       keg_rate_str(cfg.default_kbit, b2, sizeof(b2)),
		       keg_leaf_name((enum keg_leaf_kind)cfg.leaf),
		       cfg.flags & KEG_SHAPE_MATCH_OUTER ? "outer" : "inner,outer",
		       cfg.flags & KEG_SHAPE_NO_INTERACT ? "off" : "on", up);
	}
out:
	keg_ifctx_close(&c);
	return ret;
}

static int run_off(struct cli_ctx *ctx, const void *o)
{
	const struct shape_opts *opts = o;
	struct keg_ifctx c;
	struct keg_nl nl;
	int ret;

	ret = keg_ifctx_open(opts->iface, &c, &ctx->err);
	if (ret)
		return ret;
	ret = keg_nl_open(&nl);
	if (ret) {
		cli_fail(ctx, ret, "opening rtnetlink: %s", strerror(-ret));
		goto out;
	}
	ret = keg_shape_disable(&nl, &c, &ctx->err);
	keg_nl_close(&nl);
	if (!ret)
		printf("%s: shaping off (HTB trees removed; customers keep their rates)\n",
		       c.name);
out:
	keg_ifctx_close(&c);
	return ret;
}

/* ---- show ----------------------------------------------------------------- */

/* One leaf's row: all four figures are its HTB class's own. */
struct leaf_row {
	uint64_t packets, bytes, drops, rate_bps;
};

/* The HTB classes of one shaped interface: the customer-facing one
 * (download) or the uplink (upload, same class ids). */
struct class_dump {
	char iface[IF_NAMESIZE];
	struct keg_class_stats *cs;	/* sorted by class id (keg_shape_classes) */
	size_t n;
};

static void leaf_read(const struct class_dump *d, uint32_t classid, struct leaf_row *r)
{
	const struct keg_class_stats *c = keg_class_stats_find(d->cs, d->n, classid);

	memset(r, 0, sizeof(*r));
	if (c) {
		r->packets = c->packets;
		r->bytes = c->bytes;
		r->drops = c->drops;
		r->rate_bps = c->rate_bps;
	}
}

static void leaf_json(struct json *j, const char *name, const struct leaf_row *r)
{
	json_key(j, name);
	json_obj_begin(j);
	json_key(j, "packets");
	json_u64(j, r->packets);
	json_key(j, "bytes");
	json_u64(j, r->bytes);
	json_key(j, "drops");
	json_u64(j, r->drops);
	json_key(j, "rate_bps");
	json_u64(j, r->rate_bps);
	json_obj_end(j);
}

static void leaves_text(const char *iface, const char *who, const char *cl, const char *d,
			const char *u, const struct leaf_row *in, const struct leaf_row *bulk)
{
	printf("%-10s %-26s %-8s %-9s %-9s %10llu %12llu %7llu %9.3f %10llu %12llu %7llu %9.3f\n",
	       iface, who, cl, d, u, (unsigned long long)in->packets,
	       (unsigned long long)in->bytes, (unsigned long long)in->drops, in->rate_bps / 1e6,
	       (unsigned long long)bulk->packets, (unsigned long long)bulk->bytes,
	       (unsigned long long)bulk->drops, bulk->rate_bps / 1e6);
}

/* A customer (or the default class): its download leaves, then, with a
 * shaped uplink (up != NULL), its upload leaves there. */
static void row(struct json *j, bool json, const char *who, const struct keg_customer *v,
		uint32_t parent, const struct class_dump *down, const struct class_dump *up)
{
	struct leaf_row in, bulk, up_in, up_bulk;
	char d[32] = "-", u[32] = "-", cl[32];

	leaf_read(down, parent + KEG_LEAF_INTERACTIVE, &in);
	leaf_read(down, parent + KEG_LEAF_BULK, &bulk);
	if (up) {
		leaf_read(up, parent + KEG_LEAF_INTERACTIVE, &up_in);
		leaf_read(up, parent + KEG_LEAF_BULK, &up_bulk);
	}
	snprintf(cl, sizeof(cl), "%x:%x", parent >> 16, parent & 0xffff);
	if (v->down_kbit)
		keg_rate_str(v->down_kbit, d, sizeof(d));
	if (v->up_kbit)
		keg_rate_str(v->up_kbit, u, sizeof(u));
	if (json) {
		json_obj_begin(j);
		json_key(j, "addr");
		json_str(j, who);
		json_key(j, "class");
		json_str(j, cl);
		json_key(j, "down_kbit");
		json_u64(j, v->down_kbit);
		json_key(j, "up_kbit");
		json_u64(j, v->up_kbit);
		json_key(j, "ceil_kbit");
		json_u64(j, v->ceil_kbit ? v->ceil_kbit : v->down_kbit);
		leaf_json(j, "interactive", &in);
		leaf_json(j, "bulk", &bulk);
		if (up) {
			json_key(j, "upload");
			json_obj_begin(j);
			json_key(j, "iface");
			json_str(j, up->iface);
			leaf_json(j, "interactive", &up_in);
			leaf_json(j, "bulk", &up_bulk);
			json_obj_end(j);
		}
		json_obj_end(j);
		return;
	}
	leaves_text(down->iface, who, cl, d, u, &in, &bulk);
	if (up)
		leaves_text(up->iface, who, cl, d, u, &up_in, &up_bulk);
}

/* d->cs stays NULL (zero counts) when the dump fails: the rates and
 * classes are still worth showing. */
static void class_dump_read(struct keg_nl *nl, int ifindex, uint32_t groups,
			    struct class_dump *d)
{
	memset(d, 0, sizeof(*d));
	if (!if_indextoname((unsigned int)ifindex, d->iface))
		snprintf(d->iface, sizeof(d->iface), "#%d", ifindex);
	keg_shape_classes(nl, ifindex, groups, &d->cs, &d->n);
}

static int show_one(struct cli_ctx *ctx, const struct keg_att *att, struct keg_nl *nl,
		    bool json, struct json *j)
{
	struct class_dump down = { 0 }, upl = { 0 }, *up = NULL;
	struct keg_customer val, def = { 0 };
	struct keg_shape_cfg cfg;
	struct keg_ifmaps m;
	struct keg_addr *v = NULL;
	size_t n = 0;
	char who[KEG_ADDR_STRLEN];
	int ret;

	ret = keg_shape_get(att->name, &cfg, &ctx->err);
	if (ret)
		return ret;
	ret = keg_ifmaps_open(att->name, &m, &ctx->err);
	if (ret)
		return ret;
	snprintf(down.iface, sizeof(down.iface), "%s", att->name);
	if (cfg.flags & KEG_SHAPE_ON) {
		class_dump_read(nl, att->ifindex, cfg.groups, &down);
		if (cfg.up_ifindex) {
			class_dump_read(nl, (int)cfg.up_ifindex, cfg.groups, &upl);
			up = &upl;
		}
	}
	keg_customers_list(&m, &v, &n);
	def.down_kbit = cfg.default_kbit;
	def.up_kbit = cfg.up_ifindex ? cfg.default_up_kbit : 0;
	if (json) {
		json_obj_begin(j);
		json_key(j, "iface");
		json_str(j, att->name);
		json_key(j, "shaping");
		json_bool(j, cfg.flags & KEG_SHAPE_ON);
		json_key(j, "leaf_qdisc");
		json_str(j, keg_leaf_name((enum keg_leaf_kind)cfg.leaf));
		json_key(j, "default");
	}
	row(j, json, "default", &def, KEG_CLASSID(KEG_CLASS_DEFAULT), &down, up);
	if (json) {
		json_key(j, "customers");
		json_arr_begin(j);
	}
	for (size_t i = 0; i < n; i++) {
		if (keg_customer_get(&m, &v[i], &val) || !val.class_id)
			continue;
		keg_addr_str(&v[i], who, sizeof(who));
		row(j, json, who, &val, val.class_id, &down, up);
	}
	if (json) {
		json_arr_end(j);
		json_obj_end(j);
	}
	free(v);
	free(down.cs);
	free(upl.cs);
	keg_ifmaps_close(&m);
	return 0;
}

static void show_header(void)
{
	printf("%-10s %-26s %-8s %-9s %-9s %10s %12s %7s %9s %10s %12s %7s %9s\n", "IFACE",
	       "CUSTOMER", "CLASS", "DOWN", "UP", "INT_PKTS", "INT_BYTES", "INT_DRP",
	       "INT_MBIT", "BULK_PKTS", "BULK_BYTES", "BLK_DRP", "BULK_MBIT");
}

void kegctl_shape_stats(struct cli_ctx *ctx, const char *iface, struct json *j)
{
	struct keg_shape_cfg cfg;
	struct keg_att att;
	struct keg_nl nl;

	if (keg_att_get(iface, &att) || keg_shape_get(iface, &cfg, &ctx->err) ||
	    !(cfg.flags & KEG_SHAPE_ON) || keg_nl_open(&nl))
		return;
	if (j) {
		json_key(j, "shaping");
	} else {
		printf("  shaping per customer and leaf:\n");
		show_header();
	}
	show_one(ctx, &att, &nl, j != NULL, j);
	keg_nl_close(&nl);
}

static int run_show(struct cli_ctx *ctx, const void *o)
{
	const struct shape_opts *opts = o;
	struct keg_att *v;
	struct keg_nl nl;
	struct json j;
	size_t n;
	int ret;

	ret = kegctl_select(ctx, opts->iface, &v, &n);
	if (ret)
		return ret;
	ret = keg_nl_open(&nl);
	if (ret) {
		free(v);
		return cli_fail(ctx, ret, "opening rtnetlink: %s", strerror(-ret));
	}
	json_init(&j, stdout);
	if (opts->json)
		json_arr_begin(&j);
	else
		show_header();
	for (size_t i = 0; i < n && !ret; i++) {
		ret = show_one(ctx, &v[i], &nl, opts->json, &j);
		/* No lock: one detached (or not yet whole) since it was
		 * listed is left out, as it would be a moment later. */
		if (ret == -ENOENT && !opts->iface) {
			keg_err_clear(&ctx->err);
			ret = 0;
		}
	}
	if (opts->json) {
		json_arr_end(&j);
		json_end(&j);
	}
	keg_nl_close(&nl);
	free(v);
	return ret;
}

static const struct cli_arg iface_arg[] = {
	CLI_ARG(CLI_IFACE, struct shape_opts, iface, "IFACE",
		"attached, customer-facing interface"),
	{ 0 },
};

static const struct cli_opt set_opts[] = {
	CLI_OPT(CLI_IFACE, struct shape_opts, uplink, "uplink", 'u', "UPLINK",
		"shape uploads on UPLINK's egress, by the customer's source address"),
	CLI_OPT(CLI_RATE, struct shape_opts, link, "link-rate", 'l', "RATE",
		"rate of the root class (default 10gbit)"),
	CLI_OPT(CLI_RATE, struct shape_opts, def, "default-rate", 'd', "RATE",
		"rate of the default class, addresses that are not customers (default: link rate)"),
	CLI_OPT(CLI_RATE, struct shape_opts, def_up, "default-up-rate", 0, "RATE",
		"rate of the default class on the uplink (default: link rate)"),
	CLI_ENUM_OPT(struct shape_opts, leaf, "leaf", 0, "QDISC",
		     "leaf qdisc: auto (fq_codel if the kernel has it, else pfifo), pfifo, fq_codel, sfq, cake; fixed when shaping is turned on", leaf_choices),
	CLI_ENUM_OPT(struct shape_opts, match, "match", 'm', "WHICH",
		     "customer address: inner (innermost, then outermost; default) or outer (a tunnel endpoint)", match_choices),
	CLI_ENUM_OPT(struct shape_opts, interactive, "interactive", 0, "on|off",
		     "off: every packet to the bulk leaf (for comparison)", onoff_choices),
	CLI_OPT(CLI_STRING, struct shape_opts, small, "small-size", 0, "BYTES",
		"innermost IP packets up to BYTES are interactive (default 0 = off)"),
	CLI_OPT(CLI_STRING, struct shape_opts, ports, "ports", 'p', "LIST",
		"interactive ports, either side, comma-separated, or none (default 22,53,123,5060,3478)"),
	{ 0 },
};

const struct cli_cmd cmd_shape_set = {
	.group = "shape",
	.name = "set",
	.summary = "turn per-customer shaping on, or change its settings",
	.help = "Build the HTB tree on IFACE (root qdisc 1:, root class 1:1, default\n"
		"class 1:10 with leaves 1:11 interactive and 1:12 bulk, and 3 classes per\n"
		"shaped customer) through rtnetlink, and set keg_tc classifying into it\n"
		"(skb->priority = leaf class id). With --uplink, the same on UPLINK for\n"
		"uploads. On an interface already shaped, changes the settings given.",
	.args = iface_arg,
	.opts = set_opts,
	.opts_size = sizeof(struct shape_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_set,
};

const struct cli_cmd cmd_shape_off = {
	.group = "shape",
	.name = "off",
	.summary = "turn shaping off and remove the HTB trees",
	.help = "Stop classifying, delete keg's root HTB qdisc on IFACE and on its uplink,\n"
		"and take keg_tc off the uplink. Customers keep their rates: 'kegctl shape\n"
		"set' brings their classes back.",
	.args = iface_arg,
	.opts_size = sizeof(struct shape_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_off,
};

static const struct cli_opt show_opts[] = {
	CLI_IFACE_OPT(struct shape_opts, iface, CLI_IFACE_HELP_FILTER),
	CLI_OPT(CLI_FLAG, struct shape_opts, json, "json", 'j', NULL,
		"print JSON: [{iface, shaping, leaf_qdisc, default, customers: [{addr, class, down_kbit, up_kbit, ceil_kbit, interactive: {packets, bytes, drops, rate_bps}, bulk: {...}, upload: {iface, interactive, bulk} (with a shaped uplink)}]}]"),
	{ 0 },
};

const struct cli_cmd cmd_shape_show = {
	.group = "shape",
	.name = "show",
	.summary = "per customer and leaf: packets, bytes, drops, current rate",
	.help = "Packets and bytes sent, drops and the current rate (1 s estimator)\n"
		"of each leaf: the counters of its HTB class (what `tc -s class show`\n"
		"prints), on the customer-facing interface (download) and, on a second\n"
		"row, on the shaped uplink (upload).",
	.opts = show_opts,
	.opts_size = sizeof(struct shape_opts),
	.needs_root = true,
	.lock = CLI_LOCK_SHARED,
	.run = run_show,
};
