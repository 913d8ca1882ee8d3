// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_customer.c - `kegctl customer add|del|list` */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "customer.h"

struct customer_opts {
	const char *addr;
	const char *iface;
	bool json;
};

static int change(struct cli_ctx *ctx, const struct customer_opts *opts, bool add)
{
	struct keg_customer val = { 0 };
	char buf[KEG_ADDR_STRLEN], owner[IF_NAMESIZE];
	struct keg_ifctx c;
	struct keg_nl nl;
	struct keg_addr a;
	bool route;
	int ret;

	ret = keg_addr_parse(opts->addr, &a, &ctx->err);
	if (ret)
		return cli_bad_arg(ctx, ret);
	keg_addr_str(&a, buf, sizeof(buf));
	ret = keg_ifctx_open(opts->iface, &c, &ctx->err);
	if (ret)
		return ret;
	if (add && !keg_customer_owner(&a, owner)) {
		ret = cli_fail(ctx, -EEXIST, "%s is already a customer of %s", buf, owner);
		goto out;
	}
	ret = keg_nl_open(&nl);
	if (ret) {
		cli_fail(ctx, ret, "opening rtnetlink: %s", strerror(-ret));
		goto out;
	}
	val.ifindex = (__u32)c.ifindex;
	ret = add ? keg_customer_install(&nl, &c, &a, &val, &route, &ctx->err) :
		    keg_customer_remove(&nl, &c, &a, NULL, &route, &ctx->err);
	keg_nl_close(&nl);
	if (ret == -ENOENT && !add && !keg_customer_owner(&a, owner))
		cli_fail(ctx, ret, "%s is not a customer of %s (it is one of %s)", buf, c.name,
			 owner);
	if (!ret)
		printf("%s: %c customer %s\n", c.name, add ? '+' : '-', buf);
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

static int run_list(struct cli_ctx *ctx, const void *o)
{
	const struct customer_opts *opts = o;

	return kegctl_list_entries(ctx, opts->iface, opts->json, true);
}

static const struct cli_arg addr_arg[] = {
	{ "ADDR", offsetof(struct customer_opts, addr),
	  "the customer's IPv4 or IPv6 address (/32 or /128 accepted)" },
	{ 0 },
};

#define IFACE_OPT(help)                                                          \
	{ "iface", 'i', CLI_STRING, offsetof(struct customer_opts, iface), "IFACE", \
	  help, NULL }

static const struct cli_opt change_opts[] = {
	IFACE_OPT("attached interface; may be left out when only one is attached"),
	{ 0 },
};

static const struct cli_opt list_opts[] = {
	IFACE_OPT("only this interface (default: every interface attached here)"),
	{ "json", 'j', CLI_FLAG, offsetof(struct customer_opts, json), NULL,
	  "print [{\"iface\": NAME, \"customers\": [ADDR, ...]}, ...]", NULL },
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
		"identical keg route is reused.",
	.args = addr_arg,
	.opts = change_opts,
	.opts_size = sizeof(struct customer_opts),
	.needs_root = true,
	.lock = CLI_LOCK_EXCL,
	.run = run_add,
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
	.lock = CLI_LOCK_EXCL,
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
