// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_subnet.c - `kegctl subnet add|del|list` */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "customer.h"

struct subnet_opts {
	struct keg_addr prefix;
	const char *iface;
	bool json;
};

static int change(struct cli_ctx *ctx, const struct subnet_opts *opts, bool add)
{
	char buf[KEG_ADDR_STRLEN];
	struct keg_ifctx c;
	const struct keg_addr p = opts->prefix;
	int ret;

	/* Removing stays possible for what an older keg accepted. */
	if (add && (ret = keg_subnet_prefix_check(&p, &ctx->err)))
		return cli_bad_arg(ctx, ret);
	ret = keg_ifctx_open(opts->iface, &c, &ctx->err);
	if (ret)
		return ret;
	keg_prefix_str(&p, buf, sizeof(buf));
	ret = add ? keg_subnet_insert(&c.maps, &p, NULL) : keg_subnet_delete(&c.maps, &p, NULL);
	if (ret == -EEXIST)
		cli_fail(ctx, ret, "%s is already a subnet of %s", buf, c.name);
	else if (ret == -ENOENT)
		cli_fail(ctx, ret, "%s is not a subnet of %s", buf, c.name);
	else if (ret == -ENOSPC || ret == -E2BIG)
		cli_fail(ctx, ret, "the subnet map of %s is full", c.name);
	else if (ret)
		cli_fail(ctx, ret, "%s %s on %s: %s", add ? "adding" : "removing", buf, c.name,
			 strerror(-ret));
	else
		printf("%s: %c subnet %s\n", c.name, add ? '+' : '-', buf);
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
	const struct subnet_opts *opts = o;

	return kegctl_list_entries(ctx, opts->iface, opts->json, false);
}

static const struct cli_arg prefix_arg[] = {
	CLI_ARG(CLI_PREFIX, struct subnet_opts, prefix, "PREFIX",
		"IPv4 or IPv6 prefix without host bits, e.g. 10.1.2.0/24 or 2001:db8:1::/64"),
	{ 0 },
};


static const struct cli_opt change_opts[] = {
	CLI_IFACE_OPT(struct subnet_opts, iface, CLI_IFACE_HELP_ONE),
	{ 0 },
};

static const struct cli_opt list_opts[] = {
	CLI_IFACE_OPT(struct subnet_opts, iface, CLI_IFACE_HELP_FILTER),
	CLI_OPT(CLI_FLAG, struct subnet_opts, json, "json", 'j', NULL,
		"print [{\"iface\": NAME, \"subnets\": [PREFIX, ...]}, ...]"),
	{ 0 },
};

const struct cli_cmd cmd_subnet_add = {
	.group = "subnet",
	.name = "add",
	.summary = "proxy ARP/NDP for a prefix on an interface",
	.help = "Add PREFIX to the subnets keg answers ARP and neighbour solicitations\n"
		"for on the interface. Adding a prefix that is there is an error.",
	.args = prefix_arg,
	.opts = change_opts,
	.opts_size = sizeof(struct subnet_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_add,
};

const struct cli_cmd cmd_subnet_del = {
	.group = "subnet",
	.name = "del",
	.summary = "stop proxying a prefix",
	.help = "Remove PREFIX (exactly as added) from the interface's subnets.\n"
		"Removing a prefix that is not there is an error.",
	.args = prefix_arg,
	.opts = change_opts,
	.opts_size = sizeof(struct subnet_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_del,
};

const struct cli_cmd cmd_subnet_list = {
	.group = "subnet",
	.name = "list",
	.summary = "list the proxied prefixes",
	.help = "Print the subnets of the interface, or of every interface attached\n"
		"here, one \"IFACE PREFIX\" line each, IPv4 first, in address order.",
	.opts = list_opts,
	.opts_size = sizeof(struct subnet_opts),
	.needs_root = true,
	.lock = CLI_LOCK_SHARED,
	.run = run_list,
};
