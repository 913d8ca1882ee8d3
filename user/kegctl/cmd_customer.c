// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_customer.c - `kegctl customer add|set|del|list` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "customer.h"
#include "rate.h"
#include "shape.h"

struct customer_opts {
	struct keg_addr addr;
	const char *iface;
	bool json;
	struct cli_num down, up, ceil, burst;	/* shaping (add, set) */
};

/* The shaping options given (parsed by cli.c), into v; *any says whether
 * there were any. */
static int parse_rates(struct cli_ctx *ctx, const struct customer_opts *o,
		       struct keg_customer *v, bool *any)
{
	*any = o->down.set || o->up.set || o->ceil.set || o->burst.set;
	if (o->down.set)
		v->down_kbit = o->down.v;
	if (o->up.set)
		v->up_kbit = o->up.v;
	if (o->ceil.set)
		v->ceil_kbit = o->ceil.v;
	if (o->burst.set)
		v->burst = o->burst.v;
	if (*any && !v->down_kbit)
		return cli_usage(ctx, "--up, --ceil and --burst need a --down rate");
	if (v->ceil_kbit && v->ceil_kbit < v->down_kbit)
		return cli_usage(ctx, "--ceil must not be below --down");
	return 0;
}

/* An upload rate needs an uplink to shape on. Without one it is recorded
 * (an apply file may list it for a gateway that gets its uplink later) but
 * nothing applies it: said so, rather than printed as if it were. */
static int check_up(struct cli_ctx *ctx, const struct keg_ifctx *c, uint32_t up_kbit)
{
	struct keg_shape_cfg cfg;
	int ret;

	if (!up_kbit)
		return 0;
	ret = keg_shape_get(c->name, &cfg, &ctx->err);
	if (ret)
		return ret;
	if (!cfg.up_ifindex)
		pr_notice("warning: %s shapes no uplink: the upload rate is recorded but nothing "
			  "applies it (an uplink comes with 'kegctl attach %s --uplink DEV', or "
			  "'kegctl shape set %s --uplink DEV' before shaping starts)",
			  c->name, c->name, c->name);
	return 0;
}

static void print_rates(const struct keg_customer *v)
{
	char b[32];

	if (!v->down_kbit)
		return;
	printf(" down %s", keg_rate_str(v->down_kbit, b, sizeof(b)));
	if (v->up_kbit)
		printf(" up %s", keg_rate_str(v->up_kbit, b, sizeof(b)));
	if (v->ceil_kbit)
		printf(" ceil %s", keg_rate_str(v->ceil_kbit, b, sizeof(b)));
	printf(" class %x:%x", v->class_id >> 16, v->class_id & 0xffff);
}

/* Is a inside one of the subnets proxied on c? 1, 0, or a negative errno. */
static int in_proxied_subnet(const struct keg_ifctx *c, const struct keg_addr *a)
{
	struct keg_addr *v = NULL;
	size_t n = 0, i;
	int ret, found = 0;

	ret = keg_subnets_list(&c->maps, &v, &n);
	if (ret)
		return ret;
	for (i = 0; i < n && !found; i++) {
		unsigned int bits = v[i].plen, full = bits / 8, rest = bits % 8;

		found = v[i].family == a->family && !memcmp(v[i].bytes, a->bytes, full) &&
			(!rest || !((v[i].bytes[full] ^ a->bytes[full]) & (0xff00 >> rest)));
	}
	free(v);
	return found;
}

static int change(struct cli_ctx *ctx, const struct customer_opts *opts, bool add)
{
	struct keg_customer val = { 0 }, old = { 0 };
	char buf[KEG_ADDR_STRLEN], owner[IF_NAMESIZE];
	struct keg_ifctx c;
	struct keg_nl nl;
	struct keg_addr a;
	bool route, shaped = false;
	int ret;

	a = opts->addr;
	if (add) {
		/* Removing stays possible for what an older keg accepted. */
		ret = keg_customer_addr_check(&a, &ctx->err);
		if (ret)
			return cli_bad_arg(ctx, ret);
		ret = parse_rates(ctx, opts, &val, &shaped);
		if (ret)
			return ret;
	}
	keg_addr_str(&a, buf, sizeof(buf));
	ret = keg_ifctx_open(opts->iface, &c, &ctx->err);
	if (ret)
		return ret;
	if (add && !keg_customer_owner(&a, owner)) {
		ret = cli_fail(ctx, -EEXIST, "%s is already a customer of %s", buf, owner);
		goto out;
	}
	if (add && (ret = check_up(ctx, &c, val.up_kbit)))
		goto out;
	ret = keg_nl_open(&nl);
	if (ret) {
		cli_fail(ctx, ret, "opening rtnetlink: %s", strerror(-ret));
		goto out;
	}
	val.ifindex = (__u32)c.ifindex;
	/* Shaping: the classes exist before the entry that points at them. */
	if (add && shaped && !keg_customer_get(&c.maps, &a, NULL)) {
		ret = keg_err_set(&ctx->err, -EEXIST, "%s is already a customer of %s", buf,
				  c.name);
		goto out_nl;
	}
	if (add && shaped) {
		ret = keg_shape_customer_change(&nl, &c, NULL, &val, NULL, &ctx->err);
		if (ret)
			goto out_nl;
	}
	ret = add ? keg_customer_install(&nl, &c, &a, &val, &route, &ctx->err) :
		    keg_customer_remove(&nl, &c, &a, &old, &route, &ctx->err);
	if (add && shaped && ret)
		keg_shape_customer_drop(&nl, &c, &val, NULL);
	if (!add && !ret && old.class_id &&
	    keg_shape_customer_drop(&nl, &c, &old, &ctx->err))
		pr_notice("warning: %s", ctx->err.msg);
out_nl:
	keg_nl_close(&nl);
	if (ret == -ENOENT && !add && !keg_customer_owner(&a, owner))
		cli_fail(ctx, ret, "%s is not a customer of %s (it is one of %s)", buf, c.name,
			 owner);
	if (!ret) {
		printf("%s: %c customer %s", c.name, add ? '+' : '-', buf);
		print_rates(&val);
		printf("\n");
		if (add && !in_proxied_subnet(&c, &a))
			pr_notice("warning: %s is outside every subnet proxied on %s (see 'kegctl subnet add')",
				  buf, c.name);
	}
out:
	keg_ifctx_close(&c);
	return ret;
}

static int run_add(struct cli_ctx *ctx, const void *o)
{
	return change(ctx, o, true);
}

static int run_del(struct cli_ctx *ctx, const void *o)
{
	return change(ctx, o, false);
}

/* `customer set`: new rates for a customer, live. */
static int run_set(struct cli_ctx *ctx, const void *o)
{
	const struct customer_opts *opts = o;
	struct keg_customer val, old, given = { 0 };
	char buf[KEG_ADDR_STRLEN];
	struct keg_ifctx c;
	struct keg_nl nl;
	struct keg_addr a;
	bool any;
	int ret;

	a = opts->addr;
	keg_addr_str(&a, buf, sizeof(buf));
	ret = keg_ifctx_open(opts->iface, &c, &ctx->err);
	if (ret)
		return ret;
	if (keg_customer_get(&c.maps, &a, &old)) {
		ret = cli_fail(ctx, -ENOENT, "%s is not a customer of %s", buf, c.name);
		goto out;
	}
	val = old;
	/* --down may be left out when the customer is shaped already. */
	given.down_kbit = old.down_kbit;
	ret = parse_rates(ctx, opts, &given, &any);
	if (ret)
		goto out;
	if (!any) {
		ret = cli_usage(ctx, "nothing to set: give --down, --up, --ceil or --burst");
		goto out;
	}
	if (opts->up.set && (ret = check_up(ctx, &c, given.up_kbit)))
		goto out;
	val.down_kbit = given.down_kbit;
	if (opts->up.set)
		val.up_kbit = given.up_kbit;
	if (opts->ceil.set)
		val.ceil_kbit = given.ceil_kbit;
	if (opts->burst.set)
		val.burst = given.burst;
	if (val.ceil_kbit && val.ceil_kbit < val.down_kbit)
		val.ceil_kbit = 0;	/* a lower ceil than the new rate: the rate */
	ret = keg_nl_open(&nl);
	if (ret) {
		cli_fail(ctx, ret, "opening rtnetlink: %s", strerror(-ret));
		goto out;
	}
	ret = keg_shape_customer_change(&nl, &c, &a, &val, &old, &ctx->err);
	keg_nl_close(&nl);
	if (!ret) {
		printf("%s: ~ customer %s", c.name, buf);
		print_rates(&val);
		printf("\n");
	}
out:
	keg_ifctx_close(&c);
	return ret;
}

static int run_list(struct cli_ctx *ctx, const void *o)
{
	const struct customer_opts *opts = o;

	return kegctl_list_entries(ctx, opts->iface, opts->json, true);
}

static const struct cli_arg addr_arg[] = {
	CLI_ARG(CLI_ADDR, struct customer_opts, addr, "ADDR",
		"the customer's IPv4 or IPv6 address (/32 or /128 accepted)"),
	{ 0 },
};


static const struct cli_opt change_opts[] = {
	CLI_IFACE_OPT(struct customer_opts, iface, CLI_IFACE_HELP_ONE),
	{ 0 },
};

#define RATE_OPTS                                                                    \
	CLI_OPT(CLI_RATE, struct customer_opts, down, "down", 'd', "RATE",             \
		"shape the download (egress of IFACE) to RATE: 20mbit, 512kbit, 1gbit"), \
	CLI_OPT(CLI_RATE, struct customer_opts, up, "up", 'u', "RATE",                 \
		"shape the upload (egress of the uplink, see 'kegctl shape set') to RATE"), \
	CLI_OPT(CLI_RATE, struct customer_opts, ceil, "ceil", 'c', "RATE",             \
		"download may borrow up to RATE when the link is idle (default: --down)"), \
	CLI_OPT(CLI_SIZE, struct customer_opts, burst, "burst", 'b', "SIZE",           \
		"bytes sent at line rate before shaping: 15k, 1m (default: 1 ms + 1600)")

static const struct cli_opt add_opts[] = {
	CLI_IFACE_OPT(struct customer_opts, iface, CLI_IFACE_HELP_ONE),
	RATE_OPTS,
	{ 0 },
};

static const struct cli_opt list_opts[] = {
	CLI_IFACE_OPT(struct customer_opts, iface, CLI_IFACE_HELP_FILTER),
	CLI_OPT(CLI_FLAG, struct customer_opts, json, "json", 'j', NULL,
		"print [{\"iface\": NAME, \"customers\": [ADDR, ...]}, ...]"),
	{ 0 },
};

const struct cli_cmd cmd_customer_add = {
	.group = "customer",
	.name = "add",
	.summary = "route a customer address to an interface",
	.help = "Install the kernel route ADDR/32 (or /128) dev IFACE proto keg (75)\n"
		"scope link in the main table, then record ADDR as a customer behind\n"
		"IFACE. Fails, changing nothing, when ADDR is already a customer of an\n"
		"attached interface or another route to exactly ADDR exists. An\n"
		"identical keg route is reused. With --down, the customer gets HTB\n"
		"classes on IFACE (a parent at RATE/ceil with an interactive and a bulk\n"
		"leaf; shaping is turned on with defaults if it is off, see\n"
		"'kegctl shape set') before the entry is added.",
	.args = addr_arg,
	.opts = add_opts,
	.opts_size = sizeof(struct customer_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_add,
};

const struct cli_cmd cmd_customer_set = {
	.group = "customer",
	.name = "set",
	.summary = "change a customer's rates, live",
	.help = "Change the shaping of customer ADDR while traffic flows: its HTB\n"
		"classes are changed in place (no packet of anyone is dropped or\n"
		"reclassified). An unshaped customer gets classes (needs --down).\n"
		"Options left out keep their value.",
	.args = addr_arg,
	.opts = add_opts,
	.opts_size = sizeof(struct customer_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_set,
};

const struct cli_cmd cmd_customer_del = {
	.group = "customer",
	.name = "del",
	.summary = "remove a customer and keg's route to it",
	.help = "Forget customer ADDR of the interface and remove the route to it if\n"
		"it is keg's (proto 75, dev IFACE); any other route is left alone.",
	.args = addr_arg,
	.opts = change_opts,
	.opts_size = sizeof(struct customer_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_del,
};

const struct cli_cmd cmd_customer_list = {
	.group = "customer",
	.name = "list",
	.summary = "list the customers",
	.help = "Print the customers of the interface, or of every interface attached\n"
		"here, one \"IFACE ADDR\" line each, IPv4 first, in address order.",
	.opts = list_opts,
	.opts_size = sizeof(struct customer_opts),
	.needs_root = true,
	.lock = CLI_LOCK_SHARED,
	.run = run_list,
};
