// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_apply.c - `kegctl apply FILE` */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "commands.h"
#include "config.h"
#include "intercept_apply.h"
#include "sched_store.h"

struct apply_opts {
	const char *file;
	bool dry_run;
};

static int parse(struct cli_ctx *ctx, const char *file, struct keg_conf *conf)
{
	struct keg_conf_error cerr;
	FILE *f;
	int ret;

	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f)
		return cli_fail(ctx, -errno, "%s: %s", file, strerror(errno));
	ret = keg_conf_parse_file(f, conf, &cerr);
	if (f != stdin)
		fclose(f);
	if (!ret)
		return 0;
	if (cerr.line)
		return cli_fail(ctx, ret, "%s:%u: %s", file, cerr.line, cerr.msg);
	return cli_fail(ctx, ret, "%s: %s", file, cerr.msg);
}

static void print_changes(const struct keg_plan *plan)
{
	char buf[128];
	size_t i;

	for (i = 0; i < plan->n_changes; i++)
		printf("%s\n", keg_change_str(plan, &plan->changes[i], buf, sizeof(buf)));
}

/* Keep each block's `schedule` lines for `kegctl schedule show|run
 * @applied` and set the default classes to the rule in force now (the
 * customers got theirs from the plan). */
static int store_schedules(struct cli_ctx *ctx, const struct keg_conf *conf)
{
	struct keg_sched_entry *v = NULL;
	size_t n = 0;
	struct keg_nl nl;
	int ret = 0;

	for (size_t i = 0; i < conf->n_ifaces && !ret; i++) {
		const struct keg_conf_iface *f = &conf->ifaces[i];
		char path[sizeof(KEG_SCHED_DIR) + IF_NAMESIZE + 1];

		ret = keg_sched_store(f, &ctx->err);
		if (ret || !f->schedules.n)
			continue;
		printf("%s: %zu schedule%s kept in %s/%s\n", f->name, f->schedules.n,
		       f->schedules.n == 1 ? "" : "s", KEG_SCHED_DIR, f->name);
		snprintf(path, sizeof(path), "%s/%s", KEG_SCHED_DIR, f->name);
		ret = keg_sched_file_load(path, &v, &n, &ctx->err);
	}
	if (!ret && n && !(ret = keg_nl_open(&nl))) {
		ret = keg_sched_pass(&nl, v, n, keg_week_minute(time(NULL)));
		if (ret)
			cli_fail(ctx, ret, "schedule: some rates in force now were not set");
		keg_nl_close(&nl);
	}
	free(v);
	if (ret)
		keg_err_prefix(&ctx->err, ret, "(the changes printed above were made)");
	return ret;
}

static int run_apply(struct cli_ctx *ctx, const void *o)
{
	const struct apply_opts *opts = o;
	struct keg_conf_error cerr;
	struct keg_conf conf;
	struct keg_plan plan;
	bool undo_failed;
	int ret;

	ret = parse(ctx, opts->file, &conf);
	if (ret)
		return ret;
	ret = keg_plan_build(&conf, &plan, &cerr);
	if (ret) {
		if (cerr.line)
			cli_fail(ctx, ret, "%s:%u: %s", opts->file, cerr.line, cerr.msg);
		else
			cli_fail(ctx, ret, "%s: %s", opts->file, cerr.msg);
		goto out_conf;
	}
	if (!opts->dry_run) {
		ret = keg_plan_apply(&plan, &undo_failed, &ctx->err);
		if (ret) {
			char first[KEG_ERR_MSG_LEN];

			snprintf(first, sizeof(first), "%s", keg_err_str(&ctx->err, ret));
			cli_fail(ctx, ret, "%s: %s; %s", opts->file, first,
				 undo_failed ? "undoing the earlier changes FAILED, check 'kegctl status'" :
					       "nothing was changed");
			goto out_plan;
		}
	}
	print_changes(&plan);
	/* Intercept rules last (intercept_conf.h): they are not undone with
	 * the changes above, and a failure here leaves those in place. */
	for (size_t i = 0; i < conf.n_ifaces; i++) {
		size_t a = 0, d = 0, same = 0;

		ret = keg_icpt_conf_apply(conf.ifaces[i].name, &conf.ifaces[i].intercepts,
					  opts->dry_run, &a, &d, &same, &ctx->err);
		plan.n_changes += a + d;
		plan.n_add += a;
		plan.n_del += d;
		plan.n_same += same;
		if (ret) {
			char first[KEG_ERR_MSG_LEN];

			snprintf(first, sizeof(first), "%s", keg_err_str(&ctx->err, ret));
			cli_fail(ctx, ret, "%s: %s (the changes printed above were made)",
				 opts->file, first);
			goto out_plan;
		}
	}
	if (!opts->dry_run) {
		ret = store_schedules(ctx, &conf);
		if (ret)
			goto out_plan;
	}
	printf("%s%zu change%s (%zu added, %zu removed), %zu unchanged, %zu interface%s\n",
	       opts->dry_run ? "dry run: would make " : "applied ", plan.n_changes,
	       plan.n_changes == 1 ? "" : "s", plan.n_add, plan.n_del, plan.n_same,
	       plan.n_ifaces, plan.n_ifaces == 1 ? "" : "s");
out_plan:
	keg_plan_free(&plan);
out_conf:
	keg_conf_free(&conf);
	return ret;
}

static const struct cli_arg apply_args[] = {
	{ "FILE", offsetof(struct apply_opts, file),
	  "configuration file ('-' reads standard input); see deploy/keg.conf.example" },
	{ 0 },
};

static const struct cli_opt apply_opts_tab[] = {
	{ "dry-run", 'n', CLI_FLAG, offsetof(struct apply_opts, dry_run), NULL,
	  "validate and print the changes without making them", NULL },
	{ 0 },
};

const struct cli_cmd cmd_apply = {
	.name = "apply",
	.summary = "make interfaces' subnets and customers equal to a file",
	.help = "Read FILE ('interface NAME' blocks of 'subnet PREFIX' and 'customer ADDR'\n"
		"lines, '#' comments) and add and remove subnets, customers and customer\n"
		"routes until each interface it names holds exactly what it lists;\n"
		"interfaces it does not name are left alone. The whole file is checked\n"
		"first (errors as FILE:LINE: message, nothing changed); if a change fails\n"
		"midway the earlier ones are undone. Prints one line per change\n"
		"(\"eth0: + subnet 10.1.2.0/24\", \"eth0: - customer 10.1.2.9\") and a summary.",
	.args = apply_args,
	.opts = apply_opts_tab,
	.opts_size = sizeof(struct apply_opts),
	.needs_root = true,
	.lock = CLI_LOCK_EXCL,
	.run = run_apply,
};
