// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_stats.c - `kegctl stats` */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attached.h"
#include "clock.h"
#include "commands.h"
#include "ifmaps.h"
#include "json.h"
#include "stats.h"
#include "stats_prom.h"

struct stats_opts {
	const char *iface;
	bool json;
	bool all;
	double interval;
	unsigned int count;
	int format;		/* index into format_choices */
};

static const char *const format_choices[] = { "table", "json", "prometheus", NULL };
enum { FORMAT_TABLE, FORMAT_JSON, FORMAT_PROMETHEUS };

/* One interface's stats map and its last reading. */
struct src {
	const char *name;
	struct keg_ifmaps maps;
	struct keg_stat_values last;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	return (double)keg_now_ns() / 1e9;
}

static void print_totals(struct cli_ctx *ctx, const struct src *s,
			 const struct keg_stat_values *v, const struct stats_opts *o,
			 struct json *j)
{
	int i;

	if (o->json) {
		json_obj_begin(j);
		json_key(j, "iface");
		json_str(j, s->name);
		json_key(j, "counters");
		json_obj_begin(j);
		for (i = 0; i < KEG_STAT__MAX; i++) {
			json_key(j, keg_stat_names[i]);
			json_u64(j, v->v[i]);
		}
		json_obj_end(j);
		kegctl_kegd_stats(s->name, j);
		kegctl_shape_stats(ctx, s->name, j);
		json_obj_end(j);
		return;
	}
	printf("%s\n", s->name);
	for (i = 0; i < KEG_STAT__MAX; i++)
		if (o->all || v->v[i])
			printf("  %-22s %20llu\n", keg_stat_names[i], (unsigned long long)v->v[i]);
	kegctl_kegd_stats(s->name, NULL);
	kegctl_shape_stats(ctx, s->name, NULL);
}

static void print_delta(const struct src *s, const struct keg_stat_values *v,
			double secs, const struct stats_opts *o, struct json *j)
{
	uint64_t d;
	int i, pass;

	if (!o->json) {
		printf("%s  (%.2f s)\n", s->name, secs);
		for (i = 0; i < KEG_STAT__MAX; i++) {
			d = v->v[i] - s->last.v[i];
			if (o->all || d)
				printf("  %-22s %14llu %14.1f/s\n", keg_stat_names[i],
				       (unsigned long long)d, (double)d / secs);
		}
		return;
	}
	json_obj_begin(j);
	json_key(j, "iface");
	json_str(j, s->name);
	for (pass = 0; pass < 2; pass++) {
		json_key(j, pass ? "rate" : "delta");
		json_obj_begin(j);
		for (i = 0; i < KEG_STAT__MAX; i++) {
			d = v->v[i] - s->last.v[i];
			json_key(j, keg_stat_names[i]);
			if (pass)
				json_double(j, (double)d / secs);
			else
				json_u64(j, d);
		}
		json_obj_end(j);
	}
	json_obj_end(j);
}

static int read_all(struct cli_ctx *ctx, struct src *srcs, size_t n,
		    struct keg_stat_values *vals)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = keg_stats_read(srcs[i].maps.stats, &vals[i]);
		if (ret)
			return cli_fail(ctx, ret, "reading the stats of %s: %s", srcs[i].name,
					strerror(-ret));
	}
	return 0;
}

static int loop(struct cli_ctx *ctx, const struct stats_opts *o, struct src *srcs,
		size_t n, struct keg_stat_values *vals)
{
	struct timespec ts = { (time_t)o->interval,
			       (long)((o->interval - (double)(time_t)o->interval) * 1e9) };
	struct json j;
	unsigned int done = 0;
	double t0 = now(), t1;
	size_t i;
	int ret;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop && (!o->count || done < o->count)) {
		if (nanosleep(&ts, NULL) < 0 && stop)
			break;
		ret = read_all(ctx, srcs, n, vals);
		if (ret)
			return ret;
		t1 = now();
		json_init(&j, stdout);
		if (o->json) {
			json_obj_begin(&j);
			json_key(&j, "interval_s");
			json_double(&j, t1 - t0);
			json_key(&j, "interfaces");
			json_arr_begin(&j);
		}
		for (i = 0; i < n; i++) {
			print_delta(&srcs[i], &vals[i], t1 - t0, o, &j);
			srcs[i].last = vals[i];
		}
		if (o->json) {
			json_arr_end(&j);
			json_obj_end(&j);
			json_end(&j);
		}
		fflush(stdout);
		t0 = t1;
		done++;
	}
	return 0;
}

static int run_stats(struct cli_ctx *ctx, const void *opts)
{
	struct stats_opts fo = *(const struct stats_opts *)opts;
	const struct stats_opts *o = &fo;
	struct keg_stat_values *vals = NULL;
	struct src *srcs = NULL;
	struct keg_att *atts;
	struct json j;
	size_t n, i, opened = 0;
	int ret;

	if (o->count && !o->interval)
		return cli_usage(ctx, "--count needs --interval");
	if (o->format == FORMAT_PROMETHEUS) {
		if (o->json || o->interval || o->all)
			return cli_usage(ctx, "--format prometheus prints every counter's total: not with --json, --all or --interval");
		return kegctl_stats_prom(ctx, o->iface);
	}
	fo.json = o->json || o->format == FORMAT_JSON;
	ret = kegctl_select(ctx, o->iface, &atts, &n);
	if (ret)
		return ret;
	if (!n) {
		free(atts);
		return cli_fail(ctx, -ENOENT, "no interface is attached here (see 'kegctl attach')");
	}
	srcs = calloc(n ? n : 1, sizeof(*srcs));
	vals = calloc(n ? n : 1, sizeof(*vals));
	if (!srcs || !vals)
		ret = cli_fail(ctx, -ENOMEM, "out of memory");
	for (i = 0; !ret && i < n; i++, opened++) {
		srcs[i].name = atts[i].name;
		ret = keg_ifmaps_open(atts[i].name, &srcs[i].maps, &ctx->err);
	}
	if (!ret)
		ret = read_all(ctx, srcs, n, vals);
	if (!ret && o->interval) {
		for (i = 0; i < n; i++)
			srcs[i].last = vals[i];
		ret = loop(ctx, o, srcs, n, vals);
	} else if (!ret) {
		json_init(&j, stdout);
		if (o->json)
			json_arr_begin(&j);
		for (i = 0; i < n; i++)
			print_totals(ctx, &srcs[i], &vals[i], o, &j);
		if (o->json) {
			json_arr_end(&j);
			json_end(&j);
		}
	}
	for (i = 0; i < opened; i++)
		keg_ifmaps_close(&srcs[i].maps);	/* -1 fds after a failed open */
	free(srcs);
	free(vals);
	free(atts);
	return ret;
}

static const struct cli_opt stats_opts_tab[] = {
	CLI_IFACE_OPT(struct stats_opts, iface, CLI_IFACE_HELP_FILTER),
	CLI_OPT(CLI_FLAG, struct stats_opts, json, "json", 'j', NULL,
		"JSON: [{\"iface\", \"counters\": {NAME: N}}]; with --interval one line per interval"),
	CLI_OPT(CLI_FLAG, struct stats_opts, all, "all", 'a', NULL,
		"also show counters that are zero (JSON always has all)"),
	CLI_OPT(CLI_DOUBLE, struct stats_opts, interval, "interval", 'I', "S",
		"print deltas and per-second rates every S seconds until Ctrl-C"),
	CLI_OPT(CLI_UINT, struct stats_opts, count, "count", 'c', "N",
		"with --interval: stop after N intervals"),
	CLI_ENUM_OPT(struct stats_opts, format, "format", 'f', "FORMAT",
		"table (default), json (= --json), or prometheus: text format 0.0.4, with the shaping, intercept and kegd counters",
		format_choices),
	{ 0 },
};

const struct cli_cmd cmd_stats = {
	.name = "stats",
	.summary = "show keg's packet counters",
	.help = "Sum keg_stats over all CPUs and print every non-zero counter by name\n"
		"(all with --all). With --interval, print what changed in each interval\n"
		"and the rate per second, until Ctrl-C or --count intervals.\n"
		"JSON with --interval, one object per line: {\"interval_s\": S,\n"
		"\"interfaces\": [{\"iface\", \"delta\": {NAME: N}, \"rate\": {NAME: R}}]}.",
	.opts = stats_opts_tab,
	.opts_size = sizeof(struct stats_opts),
	.needs_root = true,
	.lock = CLI_LOCK_NONE,
	.run = run_stats,
};
