// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_apply.c - `kegctl apply FILE` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "apply.h"
#include "apply_sites.h"
#include "commands.h"

struct apply_opts {
	const char *file;
	bool dry_run;
	char *text;		/* the file, read before the lock */
	size_t len;
};

static int load_apply(struct cli_ctx *ctx, void *o)
{
	struct apply_opts *opts = o;

	return keg_conf_read(opts->file, &opts->text, &opts->len, &ctx->err);
}

static void unload_apply(void *o)
{
	free(((struct apply_opts *)o)->text);
}

static int run_apply(struct cli_ctx *ctx, const void *o)
{
	const struct apply_opts *opts = o;
	struct keg_apply_result r;
	struct site_plan *sp = calloc(1, sizeof(*sp));
	size_t site_changes = 0;
	int ret;

	if (!sp)
		return cli_fail(ctx, -ENOMEM, "out of memory");
	/* Sites are checked whole before any interface changes. */
	ret = site_plan_build(ctx, opts->file, opts->text, opts->len, sp);
	if (!ret)
		ret = keg_apply_buf(opts->file, opts->text, opts->len, opts->dry_run, &cli_note,
				    &r, &ctx->err);
	if (!ret)
		ret = site_plan_apply(ctx, sp, opts->dry_run, &site_changes);
	free(sp);
	if (ret)
		return ret;
	if (site_changes)
		printf("%s%zu site change%s\n", opts->dry_run ? "dry run: would make " : "applied ",
		       site_changes, site_changes == 1 ? "" : "s");
	printf("%s%zu change%s (%zu added, %zu removed), %zu unchanged, %zu interface%s\n",
	       opts->dry_run ? "dry run: would make " : "applied ", r.n_changes,
	       r.n_changes == 1 ? "" : "s", r.n_add, r.n_del, r.n_same,
	       r.n_ifaces, r.n_ifaces == 1 ? "" : "s");
	return 0;
}

static const struct cli_arg apply_args[] = {
	CLI_ARG(CLI_STRING, struct apply_opts, file, "FILE",
		"configuration file ('-' reads standard input); see deploy/keg.conf.example"),
	{ 0 },
};

static const struct cli_opt apply_opts_tab[] = {
	CLI_OPT(CLI_FLAG, struct apply_opts, dry_run, "dry-run", 'n', NULL,
		"validate and print the changes without making them"),
	{ 0 },
};

const struct cli_cmd cmd_apply = {
	.name = "apply",
	.summary = "make interfaces (and the sites) equal to a file",
	.help = "Read FILE ('interface NAME' blocks of 'subnet', 'customer', 'schedule' and\n"
		"'intercept' lines, '#' comments; keg.conf(5)) and add, change and remove\n"
		"until each interface it names holds exactly what it lists: apply owns the\n"
		"whole state of those interfaces. Subnets, customers (their routes and\n"
		"rates), schedules and intercept rules added by hand that the file does not\n"
		"list are removed, and rates set by hand are reset to the file's; --dry-run\n"
		"shows each such change. Interfaces it does not name are left alone.\n"
		"The whole file is checked first (errors as FILE:LINE: message, nothing\n"
		"changed); if a change fails midway the earlier ones are undone. The file\n"
		"is read whole before keg's lock is taken, at most 16 MiB with lines of at\n"
		"most 4096 bytes. Prints one line per change (\"eth0: + subnet\n"
		"10.1.2.0/24\", \"eth0: - customer 10.1.2.9\") and a summary.\n"
		"'site' lines (anywhere in the file) are the whole set of the keg transport's\n"
		"sites: 'site NAME ADDR[:PORT] local key FILE | pubkey KEY [maxrate RATE]\n"
		"[segsize BYTES] [compress zstd[:LEVEL]|lz4|off] [compress-gain PCT]', and 'site NAME DAYS [HH:MM-HH:MM] maxrate RATE [; ...]' for\n"
		"a site's MaxRate schedule; sites are written after the interfaces (\"sites:\n"
		"+ site B\"). A file without site lines leaves the sites alone.",
	.args = apply_args,
	.opts = apply_opts_tab,
	.opts_size = sizeof(struct apply_opts),
	.needs_root = true,
	.lock = CLI_LOCK_EXCL,
	.load = load_apply,
	.unload = unload_apply,
	.run = run_apply,
};
