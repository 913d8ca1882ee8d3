// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cli.c - see cli.h */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_help.h"
#include "bpf_log.h"
#include "log.h"
#include "addr.h"
#include "attached.h"
#include "iface.h"
#include "pins.h"
#include "rate.h"

int cli_usage(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err.msg, sizeof(ctx->err.msg), fmt, ap);
	va_end(ap);
	ctx->usage = true;
	return -EINVAL;
}

int cli_fail(struct cli_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err.msg, sizeof(ctx->err.msg), fmt, ap);
	va_end(ap);
	return code;
}

/* A library parser's failure: its message, as a usage error. */
static int bad_value(struct cli_ctx *ctx, int ret)
{
	ctx->usage = true;
	return ret;
}

#define CLI_VALUE_MAX 128	/* longer than any typed value (an IPv6 prefix with ports) */

/* Store v, the value of option or argument name, at dst as type says. */
static int parse_typed(struct cli_ctx *ctx, enum cli_type type, const char *name,
		       const char *const *choices, const char *v, void *dst)
{
	struct cli_num *num = dst;
	char *end;
	int i, ret;

	/* No address, rate, size, number or interface name is this long: say
	 * so with its start, rather than echo all of it (the reason would be
	 * cut off behind it). Strings (file names, keys) have their own. */
	if (type != CLI_STRING && type != CLI_FLAG && strlen(v) > CLI_VALUE_MAX)
		return cli_usage(ctx, "%s%s: '%.24s...' (%zu characters): too long",
				 name[0] >= 'a' && name[0] <= 'z' ? "--" : "", name, v, strlen(v));
	switch (type) {
	case CLI_STRING:
		*(const char **)dst = v;
		return 0;
	case CLI_FLAG:
		*(bool *)dst = true;
		return 0;
	case CLI_UINT: {
		unsigned long x;

		errno = 0;
		x = strtoul(v, &end, 10);
		if (!*v || *end || errno || v[0] == '-' || x > 0xffffffffUL)
			return cli_usage(ctx, "--%s: '%s' is not a number", name, v);
		*(unsigned int *)dst = (unsigned int)x;
		return 0;
	}
	case CLI_DOUBLE: {
		double x;

		errno = 0;
		x = strtod(v, &end);
		if (!*v || *end || errno || !isfinite(x) || x <= 0)
			return cli_usage(ctx, "--%s: '%s' is not a positive number", name, v);
		*(double *)dst = x;
		return 0;
	}
	case CLI_ENUM: {
		char list[128];
		size_t used = 0;

		list[0] = '\0';
		for (i = 0; choices[i]; i++) {
			if (!strcmp(choices[i], v)) {
				*(int *)dst = i;
				return 0;
			}
			if (used < sizeof(list))
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
							 i ? ", " : "", choices[i]);
		}
		return cli_usage(ctx, "--%s: '%s' is not one of %s", name, v, list);
	}
	case CLI_IFACE:
		if (!keg_ifname_valid(v))
			return cli_usage(ctx, "%s: not a valid interface name", v);
		*(const char **)dst = v;
		return 0;
	case CLI_ADDR:
		ret = keg_addr_parse(v, dst, &ctx->err);
		return ret ? bad_value(ctx, ret) : 0;
	case CLI_PREFIX:
		ret = keg_prefix_parse(v, dst, &ctx->err);
		return ret ? bad_value(ctx, ret) : 0;
	case CLI_RATE:
		ret = keg_rate_parse(v, &num->v, &ctx->err);
		num->set = !ret;
		return ret ? bad_value(ctx, ret) : 0;
	case CLI_SIZE:
		ret = keg_size_parse(v, &num->v, &ctx->err);
		num->set = !ret;
		return ret ? bad_value(ctx, ret) : 0;
	}
	return cli_usage(ctx, "--%s: unknown option type", name);
}

static int parse_value(struct cli_ctx *ctx, const struct cli_opt *o, const char *v,
		       void *opts)
{
	return parse_typed(ctx, o->type, o->name, o->choices, v, (char *)opts + o->offset);
}

static const struct cli_opt *find_opt(const struct cli_cmd *c, const char *name,
				      char short_name)
{
	const struct cli_opt *lists[2] = { c->opts, cli_common_opts };
	const struct cli_opt *o;
	int i;

	for (i = 0; i < 2; i++)
		for (o = lists[i]; o && o->name; o++)
			if (name ? !strcmp(o->name, name) : o->short_name == short_name)
				return o;
	return NULL;
}

/* Parse options and positional arguments of c from argv[0..argc). */
static int parse_args(struct cli_ctx *ctx, int argc, char **argv, void *opts,
		      bool *help)
{
	const struct cli_arg *a = ctx->cmd->args;
	bool only_args = false;
	int i;

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *eq;
		const struct cli_opt *o;
		char name[64];
		int ret;

		if (only_args || arg[0] != '-' || !arg[1]) {
			if (!a || !a->name)
				return cli_usage(ctx, "unexpected argument '%s'", arg);
			ret = parse_typed(ctx, a->type, a->name, NULL, arg,
					  (char *)opts + a->offset);
			if (ret)
				return ret;
			a++;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_args = true;
			continue;
		}
		if (arg[1] == '-') {
			eq = strchr(arg + 2, '=');
			snprintf(name, sizeof(name), "%.*s",
				 (int)(eq ? (size_t)(eq - arg - 2) : strlen(arg + 2)), arg + 2);
			o = find_opt(ctx->cmd, name, 0);
			if (!o)
				return cli_usage(ctx, "unknown option '--%s'", name);
			val = eq ? eq + 1 : NULL;
		} else {
			/* -vv: repeated short flags; -iVALUE or -i VALUE. */
			o = find_opt(ctx->cmd, NULL, arg[1]);
			if (!o)
				return cli_usage(ctx, "unknown option '-%c'", arg[1]);
			if (o->type == CLI_FLAG) {
				const char *p;

				for (p = arg + 1; *p; p++) {
					if (*p != arg[1])
						return cli_usage(ctx, "unknown option '%s'", arg);
					if (o == &cli_common_opts[0])
						ctx->verbose++;
				}
				if (o == &cli_common_opts[1])
					*help = true;
				else if (o != &cli_common_opts[0])
					parse_value(ctx, o, NULL, opts);
				continue;
			}
			val = arg[2] ? arg + 2 : NULL;
		}
		if (o->type == CLI_FLAG) {
			if (val)
				return cli_usage(ctx, "--%s takes no value", o->name);
			if (o == &cli_common_opts[0])
				ctx->verbose++;
			else if (o == &cli_common_opts[1])
				*help = true;
			else
				parse_value(ctx, o, NULL, opts);
			continue;
		}
		if (!val) {
			if (i + 1 >= argc)
				return cli_usage(ctx, "--%s needs a value (%s)", o->name,
						 o->metavar ? o->metavar : "see --help");
			val = argv[++i];
		}
		ret = parse_value(ctx, o, val, opts);
		if (ret)
			return ret;
	}
	if (!*help && a && a->name && !a->optional)
		return cli_usage(ctx, "missing %s", a->name);
	return 0;
}

/* CLI_LOCK_IFACE without lock_ifaces(): the CLI_IFACE values of opts. An
 * --iface left out is the only interface attached, written into opts so
 * the command acts on the interface that was locked; when there is no
 * such one (the command says why), -EAGAIN: all of keg is locked, as what
 * is attached may change before the command looks again. */
static int iface_names(struct cli_ctx *ctx, void *opts, const char **names, size_t max)
{
	const struct cli_cmd *c = ctx->cmd;
	const struct cli_arg *a;
	const struct cli_opt *o;
	size_t n = 0;

	for (a = c->args; a && a->name; a++)
		if (a->type == CLI_IFACE && *(const char **)((char *)opts + a->offset) && n < max)
			names[n++] = *(const char **)((char *)opts + a->offset);
	for (o = c->opts; o && o->name; o++) {
		const char **v = (const char **)((char *)opts + o->offset);
		struct keg_err err = { 0 };
		struct keg_att att;

		if (o->type != CLI_IFACE)
			continue;
		if (!*v && !strcmp(o->name, "iface")) {
			if (keg_att_resolve(NULL, &att, &err))
				return -EAGAIN;
			snprintf(ctx->iface, sizeof(ctx->iface), "%s", att.name);
			*v = ctx->iface;
		}
		if (*v && n < max)
			names[n++] = *v;
	}
	return (int)n;
}

static int take_lock(struct cli_ctx *ctx, void *opts, struct keg_locks *l)
{
	const char *names[KEG_LOCK_IFACES_MAX];
	int n = -E2BIG, ret;

	if (ctx->cmd->lock == CLI_LOCK_IFACE)
		n = ctx->cmd->lock_ifaces ?
			ctx->cmd->lock_ifaces(opts, names, KEG_LOCK_IFACES_MAX) :
			iface_names(ctx, opts, names, KEG_LOCK_IFACES_MAX);
	if (n >= 0)
		return keg_lock_ifaces(l, names, (size_t)n, KEG_LOCK_TIMEOUT_S, &cli_note);
	ret = keg_lock(true, KEG_LOCK_TIMEOUT_S, &cli_note);
	if (ret >= 0)
		l->root = ret;
	return ret < 0 ? ret : 0;
}

static int prepare(struct cli_ctx *ctx, void *opts, struct keg_locks *l)
{
	int ret;

	if (ctx->cmd->needs_root && geteuid() != 0)
		return cli_fail(ctx, -EPERM, "must be run as root (needs CAP_BPF and CAP_NET_ADMIN)");
	if (ctx->cmd->offline)
		return 0;	/* e.g. keygen: fine anywhere, even under 'ip netns exec' */
	ret = ctx->cmd->mount_bpffs ? keg_bpffs_prepare() : keg_bpffs_check();
	if (ret == -EXDEV)
		return cli_fail(ctx, ret,
				"%s here is not the system's bpffs (under 'ip netns exec'? use 'nsenter --net=/run/netns/NAME' instead)",
				KEG_BPFFS);
	if (ret && ret != -ENOENT)
		return cli_fail(ctx, ret, "preparing bpffs at %s: %s", KEG_PIN_ROOT,
				strerror(-ret));
	if (ctx->cmd->lock == CLI_LOCK_NONE || ctx->cmd->lock == CLI_LOCK_SHARED)
		return 0;
	ret = take_lock(ctx, opts, l);
	if (ret == -ENOENT)
		return 0;	/* no pin root: nothing attached, nothing to guard */
	if (ret == -ETIMEDOUT)
		return cli_fail(ctx, ret, "another kegctl held the lock for %us; try again",
				KEG_LOCK_TIMEOUT_S);
	if (ret < 0)
		return cli_fail(ctx, ret, "locking %s: %s", KEG_PIN_ROOT, strerror(-ret));
	return 0;
}

static int run_cmd(const struct cli_cmd *c, int verbose, int argc, char **argv)
{
	struct cli_ctx ctx = { .cmd = c, .verbose = verbose };
	char words[64];
	bool help = false, hint;
	struct keg_locks locks = { .root = -1 };
	void *opts;
	int ret;

	cli_cmd_words(c, words, sizeof(words));
	opts = calloc(1, c->opts_size ? c->opts_size : 1);
	if (!opts) {
		pr_notice("%s: out of memory", words);
		return 1;
	}
	if (c->defaults)
		memcpy(opts, c->defaults, c->opts_size);
	ret = parse_args(&ctx, argc, argv, opts, &help);
	hint = ret != 0;
	if (!ret && help) {
		cli_print_cmd_help(stdout, c);
		free(opts);
		return 0;
	}
	if (!ret) {
		keg_log_init(ctx.verbose);
		if (c->load)
			ret = c->load(&ctx, opts);
	}
	if (!ret)
		ret = prepare(&ctx, opts, &locks);
	if (!ret)
		ret = c->run(&ctx, opts);
	keg_unlock_ifaces(&locks);
	if (c->unload)
		c->unload(opts);
	free(opts);
	if (!ret)
		return 0;
	if (hint)
		pr_notice("%s: %s (see '%s %s --help')", words, keg_err_str(&ctx.err, ret), PROG,
			  words);
	else
		pr_notice("%s: %s", words, keg_err_str(&ctx.err, ret));
	return ctx.usage ? 2 : 1;
}

static void note_print(void *arg, enum keg_note_kind kind, const char *line)
{
	(void)arg;
	if (kind == KEG_NOTE_CHANGE) {
		printf("%s\n", line);
	} else {
		fflush(stdout);	/* the changes so far first, then the problem */
		pr_notice("%s", line);
	}
}

const struct keg_note cli_note = { note_print, NULL };

int cli_main(const struct cli_cmd *const *cmds, size_t n, int argc, char **argv)
{
	const char *word, *sub;
	int i = 0, verbose = 0;
	bool group = false;
	size_t k;

	keg_log_setup(PROG, 0, 0);
	keg_log_init(0);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cli_print_main_help(stdout, cmds, n);
			return 0;
		} else if (!strcmp(argv[i], "--verbose") ||
			   strspn(argv[i] + 1, "v") == strlen(argv[i] + 1)) {
			verbose += argv[i][1] == '-' ? 1 : (int)strlen(argv[i] + 1);
		} else {
			pr_notice("unknown option '%s' (see '%s --help')", argv[i], PROG);
			return 2;
		}
	}
	if (i == argc) {
		cli_print_main_help(stderr, cmds, n);
		return 2;
	}
	word = argv[i++];
	sub = i < argc ? argv[i] : NULL;
	for (k = 0; k < n; k++) {
		const struct cli_cmd *c = cmds[k];

		if (!c->group && !strcmp(c->name, word))
			return run_cmd(c, verbose, argc - i, argv + i);
		if (c->group && !strcmp(c->group, word)) {
			group = true;
			if (sub && !strcmp(c->name, sub))
				return run_cmd(c, verbose, argc - i - 1, argv + i + 1);
		}
	}
	if (!group) {
		pr_notice("unknown command '%s' (see '%s --help')", word, PROG);
		return 2;
	}
	if (sub && (!strcmp(sub, "-h") || !strcmp(sub, "--help"))) {
		printf("Usage: %s %s SUBCOMMAND ...\n\nSubcommands:\n", PROG, word);
		cli_print_list(stdout, cmds, n, word);
		for (k = 0; k < n; k++)
			if (cmds[k]->group && !strcmp(cmds[k]->group, word) &&
			    cmds[k]->group_help)
				printf("\n%s\n", cmds[k]->group_help);
		printf("\nRun '%s %s SUBCOMMAND --help' for its options.\n", PROG, word);
		return 0;
	}
	fprintf(stderr, "%s: %s: %s subcommand%s%s (one of:", PROG, word,
		sub ? "unknown" : "missing", sub ? " " : "", sub ? sub : "");
	for (k = 0; k < n; k++)
		if (cmds[k]->group && !strcmp(cmds[k]->group, word))
			fprintf(stderr, " %s", cmds[k]->name);
	fprintf(stderr, ")\n");
	return 2;
}
