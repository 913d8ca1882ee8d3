// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#define _GNU_SOURCE
/*
 * cmd_schedule.c - `kegctl schedule show|run FILE`: time-of-day rates.
 *
 * FILE: one line per customer or default class (sched_store.h), or
 * "@applied": the `schedule` statements of the files `kegctl apply` read.
 * `run` is the controller where kegd is not running: it applies each
 * change at its minute (local time), taking the keg lock per pass only.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "ifmaps.h"
#include "customer.h"
#include "pins.h"
#include "rate.h"
#include "sched_store.h"
#include "schedule.h"

struct sched_opts {
	const char *file;
	const char *at;
	bool once;
};

/* FILE, or every schedule `kegctl apply` stored (sched_store.h). */
static int load(struct cli_ctx *ctx, const char *file, struct keg_sched_entry **v,
		size_t *n)
{
	*v = NULL;
	*n = 0;
	if (!strcmp(file, KEG_SCHED_APPLIED))
		return keg_sched_applied_load(v, n, &ctx->err);
	return keg_sched_file_load(file, v, n, &ctx->err);
}

#define rates keg_sched_rule_str

static bool is_customer(const char *iface, const struct keg_addr *a)
{
	struct keg_err err = { 0 };
	struct keg_customer c;
	struct keg_ifmaps m;
	bool yes;

	if (keg_ifmaps_open(iface, &m, &err))
		return false;
	yes = keg_customer_get(&m, a, &c) == 0;
	keg_ifmaps_close(&m);
	return yes;
}

static int run_show(struct cli_ctx *ctx, const void *o)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	const struct sched_opts *opts = o;
	time_t now = time(NULL);
	struct keg_sched_entry *v;
	size_t n;
	int ret, w;

	if (opts->at) {
		struct tm tm = { 0 };
		char *end = strptime(opts->at, "%Y-%m-%d %H:%M", &tm);

		if (!end || *end)
			return cli_usage(ctx, "--at: '%s' is not \"YYYY-MM-DD HH:MM\"", opts->at);
		tm.tm_isdst = -1;
		now = mktime(&tm);
	}
	ret = load(ctx, opts->file, &v, &n);
	if (ret)
		return ret;
	w = keg_week_minute(now);
	printf("%-10s %-26s %-34s %s\n", "IFACE", "CUSTOMER", "ACTIVE", "NEXT");
	for (size_t i = 0; i < n; i++) {
		char a[64], b[64], nx[96];
		int nw, ahead, r;

		/* A rule for an address that is no customer there (or an
		 * interface keg does not serve) applies to nothing. */
		if (!v[i].is_default && !is_customer(v[i].iface, &v[i].addr)) {
			printf("%-10s %-26s %-34s %s\n", v[i].iface, v[i].who,
			       "not a customer here: nothing applied", "-");
			continue;
		}
		if (keg_sched_next(&v[i].s, w, &nw, &ahead, &r))
			snprintf(nx, sizeof(nx), "none");
		else
			snprintf(nx, sizeof(nx), "%s %02d:%02d %s (in %d min)", days[nw / 1440],
				 nw % 1440 / 60, nw % 60, rates(&v[i].s, r, b, sizeof(b)), ahead);
		printf("%-10s %-26s %-34s %s\n", v[i].iface, v[i].who,
		       rates(&v[i].s, keg_sched_at(&v[i].s, w), a, sizeof(a)), nx);
	}
	free(v);
	return 0;
}

/* Bring every entry to the rule in force at minute w. */
static int pass(struct cli_ctx *ctx, const struct keg_sched_entry *v, size_t n, int w)
{
	struct keg_nl nl;
	int lock, ret;

	lock = keg_lock(true, KEG_LOCK_TIMEOUT_S, &cli_note);
	if (lock < 0)
		return cli_fail(ctx, lock, "locking %s: %s", KEG_PIN_ROOT, strerror(-lock));
	if ((ret = keg_nl_open(&nl))) {
		keg_unlock(lock);
		return cli_fail(ctx, ret, "opening rtnetlink: %s", strerror(-ret));
	}
	ret = keg_sched_pass(&nl, v, n, w, &cli_note);
	if (ret)	/* each failure is printed already */
		cli_fail(ctx, ret, "some rates were not applied");
	keg_nl_close(&nl);
	keg_unlock(lock);
	return ret;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int run_run(struct cli_ctx *ctx, const void *o)
{
	const struct sched_opts *opts = o;
	struct keg_sched_entry *v;
	size_t n;
	int ret;

	ret = load(ctx, opts->file, &v, &n);
	if (ret)
		return ret;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	do {
		time_t now = time(NULL);

		ret = pass(ctx, v, n, keg_week_minute(now));
		if (opts->once)
			break;
		/* Sleep to the next minute boundary (interrupted by signals). */
		for (int s = 60 - (int)(now % 60); s > 0 && !stop; s--)
			sleep(1);
		/* @applied follows `kegctl apply`: reread, keeping the old
		 * rules when the new ones do not load. */
		if (!stop && !strcmp(opts->file, KEG_SCHED_APPLIED)) {
			struct keg_sched_entry *nv;
			size_t nn;

			if (load(ctx, opts->file, &nv, &nn)) {
				pr_notice("%s (keeping the previous rules)", ctx->err.msg);
				keg_err_clear(&ctx->err);
				free(nv);
			} else {
				free(v);
				v = nv;
				n = nn;
			}
		}
	} while (!stop);
	free(v);
	return opts->once ? ret : 0;
}

static const struct cli_arg file_arg[] = {
	CLI_ARG(CLI_STRING, struct sched_opts, file, "FILE",
		"schedule: lines 'IFACE ADDR|default RULES', e.g. 'kca 10.1.2.5 mon-fri 08:00-18:00 down 20mbit; * down 100mbit', or @applied: the 'schedule' lines of the config 'kegctl apply' applied (kept in " KEG_SCHED_DIR ")"),
	{ 0 },
};

static const struct cli_opt show_opts[] = {
	CLI_OPT(CLI_STRING, struct sched_opts, at, "at", 'a', "\"YYYY-MM-DD HH:MM\"",
		"evaluate at this local time instead of now"),
	{ 0 },
};

static const struct cli_opt run_opts[] = {
	CLI_OPT(CLI_FLAG, struct sched_opts, once, "once", '1', NULL,
		"apply the rates in force now and exit"),
	{ 0 },
};

const struct cli_cmd cmd_schedule_show = {
	.group = "schedule",
	.name = "show",
	.summary = "the active and next rate of each scheduled customer",
	.help = "Evaluate the schedule FILE now (or --at a time) and print, per line, the\n"
		"rule in force and the next change. Reads no system state; FILE @applied\n"
		"reads the schedules kept by 'kegctl apply' (" KEG_SCHED_DIR ").",
	.args = file_arg,
	.opts = show_opts,
	.opts_size = sizeof(struct sched_opts),
	.run = run_show,
};

const struct cli_cmd cmd_schedule_run = {
	.group = "schedule",
	.name = "run",
	.summary = "apply a bandwidth schedule, each change at its minute",
	.help = "Controller for where kegd is not running: at start and at every minute\n"
		"boundary, set each customer (kegctl customer set) and default class\n"
		"(kegctl shape set --default-rate) of FILE to the rule in force, when it\n"
		"differs. Runs until SIGINT/SIGTERM; --once applies and exits. With FILE\n"
		"@applied the kept schedules are reread every minute.",
	.args = file_arg,
	.opts = run_opts,
	.opts_size = sizeof(struct sched_opts),
	.needs_root = true,
	.lock = CLI_LOCK_NONE,
	.run = run_run,
};
