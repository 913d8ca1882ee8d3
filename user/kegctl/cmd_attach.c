// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_attach.c - `kegctl attach` and `kegctl detach` */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "commands.h"
#include "customer.h"
#include "shape.h"
#include "teardown.h"

struct attach_opts {
	const char *iface;
	int mode;		/* index into modes[] */
	const char *uplink;	/* --uplink: shaping on, uploads shaped there */
};

/* `attach IFACE --uplink UPLINK` = attach + `shape set IFACE --uplink UPLINK`. */
static int shape_on(struct cli_ctx *ctx, const char *iface, const char *uplink)
{
	struct keg_shape_setup su;
	struct keg_shape_cfg cfg;
	struct keg_ifctx c;
	struct keg_nl nl;
	int ret;

	keg_shape_setup_init(&su);
	su.uplink = uplink;
	ret = keg_ifctx_open(iface, &c, &ctx->err);
	if (ret)
		return ret;
	ret = keg_nl_open(&nl);
	if (ret) {
		cli_fail(ctx, ret, "opening rtnetlink: %s", strerror(-ret));
		goto out;
	}
	ret = keg_shape_enable(&nl, &c, &su, &cfg, &ctx->err);
	keg_nl_close(&nl);
	if (!ret)
		printf("%s: shaping on, uploads shaped on %s\n", c.name, uplink);
out:
	keg_ifctx_close(&c);
	return ret;
}

/* An upgrade reaches the uplink too: it runs IFACE's new keg_tc. */
static int uplink_follow(struct cli_ctx *ctx, const char *iface)
{
	struct keg_ifctx c;
	bool done;
	int ret;

	ret = keg_ifctx_open(iface, &c, &ctx->err);
	if (ret)
		return ret;
	ret = keg_shape_uplink_refresh(&c, &done, &ctx->err);
	if (ret)
		keg_err_prefix(&ctx->err, ret, "%s is upgraded, but its uplink still runs the "
			       "previous keg_tc", c.name);
	else if (done)
		printf("%s: the uplink's tc egress runs the new keg_tc\n", c.name);
	keg_ifctx_close(&c);
	return ret;
}

/* Same order as enum keg_xdp_mode. */
static const char *const modes[] = { "auto", "native", "generic", NULL };

static int run_attach(struct cli_ctx *ctx, const void *o)
{
	const struct attach_opts *opts = o;
	struct keg_attach_result res;
	int ret;

	if (opts->uplink && !if_nametoindex(opts->uplink))
		return cli_fail(ctx, -ENODEV, "--uplink %s: no such interface", opts->uplink);
	/* Before anything changes (the attach upgraded a running one before). */
	if (opts->uplink && !strcmp(opts->uplink, opts->iface))
		return cli_usage(ctx, "--uplink %s: the uplink must not be %s itself",
				 opts->uplink, opts->iface);
	ret = keg_attach(opts->iface, (enum keg_xdp_mode)opts->mode, &res, &ctx->err);
	if (ret)
		return ret;
	printf("%s: %s (XDP %s%s, prog %u; tc egress prog %u", opts->iface,
	       res.upgraded ? "upgraded" : "attached", keg_xdp_mode_str(res.st.mode),
	       res.dispatcher ? " via libxdp dispatcher" : "", res.st.xdp_id,
	       res.st.tc_id);
	if (res.reply == KEG_REPLY_TC)
		printf("; proxy replies from tc ingress, prog %u", res.reply_id);
	printf(")\n");
	if (res.prefixes_moved || res.prefixes_kept)
		printf("%s: %zu proxied prefixes moved from the old keg_subnets4/6 (%zu were there already); the old maps are unpinned\n",
		       opts->iface, res.prefixes_moved + res.prefixes_kept, res.prefixes_kept);
	if (res.veth && res.reply == KEG_REPLY_XDP && res.st.mode == KEG_XDP_NATIVE) {
		fflush(stdout);
		fprintf(stderr,
			"kegctl: warning: %s is a veth: with --mode native, its peer receives keg's ARP/NDP replies (XDP_TX) only if the peer runs an XDP program; without --mode they are sent from tc ingress\n",
			opts->iface);
	}
	if (res.upgraded && (ret = uplink_follow(ctx, opts->iface)))
		return ret;
	if (!opts->uplink)
		return 0;
	ret = shape_on(ctx, opts->iface, opts->uplink);
	if (ret && !res.upgraded) {
		/* Nothing left changed: a fresh attachment goes again. */
		struct keg_detach_result dres;
		struct keg_err derr = { 0 };

		if (keg_teardown(opts->iface, &dres, &derr))
			pr_notice("undoing the attach of %s failed: %s", opts->iface, derr.msg);
		else
			printf("%s: detached again\n", opts->iface);
	}
	return ret;
}

static const struct cli_arg attach_args[] = {
	CLI_ARG(CLI_IFACE, struct attach_opts, iface, "IFACE",
		"interface to attach to"),
	{ 0 },
};

static const struct cli_opt attach_opts_tab[] = {
	CLI_ENUM_OPT(struct attach_opts, mode, "mode", 'm', "MODE",
		     "XDP mode: native, generic or auto (default: auto, native when the driver has it)", modes),
	CLI_OPT(CLI_IFACE, struct attach_opts, uplink, "uplink", 'u', "UPLINK",
		"turn per-customer shaping on, uploads shaped on UPLINK's egress (as 'kegctl shape set IFACE --uplink UPLINK')"),
	{ 0 },
};

const struct cli_cmd cmd_attach = {
	.name = "attach",
	.summary = "attach keg to an interface, or upgrade it in place",
	.help = "Load keg's BPF programs and attach keg_xdp (through libxdp) and keg_tc\n"
		"(clsact egress) to IFACE; its maps are pinned in /sys/fs/bpf/keg/IFACE.\n"
		"Proxy ARP/NDP replies leave with XDP_TX, except on a veth in the default\n"
		"mode: there a native XDP_TX reaches the peer only if the peer runs XDP,\n"
		"so keg_tc_reply (clsact ingress) sends them; with --mode native on a\n"
		"veth they stay XDP_TX (kegctl warns). 'kegctl status' shows the path.\n"
		"On an interface keg is already on, this upgrades: the pinned maps and\n"
		"their entries are kept and both programs are replaced atomically.\n"
		"The proxied prefixes of a keg older than the prefix hash maps\n"
		"(keg_subnets4/6) are moved into keg_prefixes4/6, the old pins removed.\n"
		"Refuses an interface running another XDP program. On failure nothing\n"
		"is left changed.\n"
		"With --uplink UPLINK, also turns per-customer shaping on (downloads on\n"
		"IFACE, uploads on UPLINK's egress), as 'kegctl shape set IFACE --uplink\n"
		"UPLINK'; if that fails, a fresh attachment is undone.",
	.args = attach_args,
	.opts = attach_opts_tab,
	.opts_size = sizeof(struct attach_opts),
	.needs_root = true,
	.mount_bpffs = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_attach,
};

struct detach_opts {
	const char *iface;
};

static int run_detach(struct cli_ctx *ctx, const void *o)
{
	const struct detach_opts *opts = o;
	struct keg_detach_result res;
	int ret;

	ret = keg_teardown(opts->iface, &res, &ctx->err);
	if (ret)
		return ret;
	if (res.vanished)
		printf("%s: removed the pins left by a vanished interface\n", opts->iface);
	else
		printf("%s: detached (%u customer route%s removed%s)\n", opts->iface,
		       res.routes, res.routes == 1 ? "" : "s",
		       res.clsact_removed ? ", clsact qdisc removed" : "");
	return 0;
}

static const struct cli_arg detach_args[] = {
	CLI_ARG(CLI_IFACE, struct detach_opts, iface, "IFACE",
		"interface to detach from"),
	{ 0 },
};

const struct cli_cmd cmd_detach = {
	.name = "detach",
	.summary = "detach keg from an interface and drop its state",
	.help = "Detach keg_xdp, keg_tc and keg_tc_reply from IFACE, remove the clsact\n"
		"qdisc if keg created it and no other filter uses it, remove keg's\n"
		"customer routes through IFACE and delete the pinned maps (all subnets\n"
		"and customers).\n"
		"Shaping is turned off first: the HTB trees of IFACE and of its uplink\n"
		"and keg_tc on the uplink's egress are removed.\n"
		"For an interface that vanished, removes the pins it left behind.",
	.args = detach_args,
	.opts_size = sizeof(struct detach_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_detach,
};
