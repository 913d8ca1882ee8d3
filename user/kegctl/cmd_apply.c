// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_apply.c - `kegctl apply FILE` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "apply.h"
#include "apply_limits.h"
#include "apply_sites.h"
#include "commands.h"

struct apply_opts {
	const char *file;
	bool dry_run;
	char *text;		/* the file, read before the lock */
	size_t len;
	bool parsed;
	struct keg_conf conf;	/* parsed before the lock too */
};

/* Read and check the whole file before any lock: a slow, endless or bad
 * input holds nobody up. */
static int load_apply(struct cli_ctx *ctx, void *o)
{
	struct apply_opts *opts = o;
	int ret;

	ret = keg_conf_read(opts->file, &opts->text, &opts->len, &ctx->err);
	if (!ret)
		ret = keg_apply_parse(opts->file, opts->text, opts->len, &opts->conf, &ctx->err);
	opts->parsed = !ret;
	return ret;
}

static void unload_apply(void *o)
{
	struct apply_opts *opts = o;

	if (opts->parsed)
		keg_conf_free(&opts->conf);
	free(opts->text);
}

/* The interfaces the file names; site lines change what every interface's
 * kegd serves, a limits line what kegd does for all: then all of keg is
 * locked (as kegctl site and limits set do). */
static int apply_lock_ifaces(const void *o, const char **names, size_t max)
{
	const struct apply_opts *opts = o;
	size_t i;

	if (opts->conf.n_sites || opts->conf.limits.line || opts->conf.n_ifaces > max)
		return -E2BIG;
	for (i = 0; i < opts->conf.n_ifaces; i++)
		names[i] = opts->conf.ifaces[i].name;
	return (int)i;
}

static int run_apply(struct cli_ctx *ctx, const void *o)
{
	const struct apply_opts *opts = o;
	struct keg_apply_result r;
	struct site_plan *sp = calloc(1, sizeof(*sp));
	const char *names[KEG_SITES_MAX];
	struct keg_proxy_sites sites = { .names = names };
	size_t site_changes = 0, limit_changes = 0;
	int ret;

	if (!sp)
		return cli_fail(ctx, -ENOMEM, "out of memory");
	/* Sites are checked whole before any interface changes. */
	ret = site_plan_build(ctx, opts->file, opts->text, opts->len, sp);
	/* The file's site lines are the whole set, written after the
	 * interfaces: its proxies may name its remote sites only. */
	for (size_t i = 0; i < sp->n; i++)
		if (!sp->want[i].local)
			names[sites.n++] = sp->want[i].name;
	if (!ret)
		ret = keg_apply_conf(opts->file, &opts->conf, sp->any ? &sites : NULL,
				     opts->dry_run, &cli_note, &r, &ctx->err);
	if (!ret)
		ret = site_plan_apply(ctx, sp, opts->dry_run, &site_changes);
	if (!ret)
		ret = limits_plan_apply(ctx, &opts->conf.limits, opts->dry_run, &limit_changes);
	free(sp);
	if (ret)
		return ret;
	if (site_changes)
		printf("%s%zu site change%s\n", opts->dry_run ? "dry run: would make " : "applied ",
		       site_changes, site_changes == 1 ? "" : "s");
	if (limit_changes)
		printf("%s\n", opts->dry_run ? "dry run: would change the limits" :
		       "applied the limits");
	printf("%s%zu change%s (%zu added, %zu removed), %zu unchanged, %zu interface%s",
	       opts->dry_run ? "dry run: would make " : "applied ", r.n_changes,
	       r.n_changes == 1 ? "" : "s", r.n_add, r.n_del, r.n_same,
	       r.n_ifaces, r.n_ifaces == 1 ? "" : "s");
	if (r.n_repaired)
		printf("; %s%zu leftover%s of an interrupted kegctl", opts->dry_run ?
		       "would repair " : "repaired ", r.n_repaired, r.n_repaired == 1 ? "" : "s");
	printf("\n");
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
		"changed); if a change fails midway the earlier ones are undone. What a\n"
		"kegctl killed midway left in the kernel (keg routes to no customer, HTB\n"
		"classes and groups no customer owns, customer routes missing) is repaired\n"
		"first, so one more apply ends where a clean one does. The file\n"
		"is read and checked whole before any lock is taken, at most 16 MiB with\n"
		"lines of at most 4096 bytes; only the interfaces it names are locked (all\n"
		"of keg when it has site lines). Prints one line per change (\"eth0: + subnet\n"
		"10.1.2.0/24\", \"eth0: - customer 10.1.2.9\") and a summary.\n"
		"'site' lines (anywhere in the file) are the whole set of the keg transport's\n"
		"sites: 'site NAME ADDR[:PORT] local key FILE | pubkey KEY [maxrate RATE]\n"
		"[segsize BYTES] [compress zstd[:LEVEL]|lz4|off] [compress-gain PCT]', and 'site NAME DAYS [HH:MM-HH:MM] maxrate RATE [; ...]' for\n"
		"a site's MaxRate schedule; sites are written after the interfaces (\"sites:\n"
		"+ site B\"). A file without site lines leaves the sites alone.\n"
		"One 'limits [tcp N] [udp N] [total N]' line (anywhere; N or none) is the\n"
		"whole of 'kegctl limits set': a limit it leaves out is the default (tcp and\n"
		"udp none, total 8192); written last (\"limits: ~ limits tcp 100 ...\"). A\n"
		"file without it leaves the limits alone.",
	.args = apply_args,
	.opts = apply_opts_tab,
	.opts_size = sizeof(struct apply_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.lock_ifaces = apply_lock_ifaces,
	.load = load_apply,
	.unload = unload_apply,
	.run = run_apply,
};
