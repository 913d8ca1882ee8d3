// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#define _GNU_SOURCE
/*
 * cmd_schedule.c - `kegctl schedule show|run FILE`: time-of-day rates.
 *
 * FILE: one line per customer or default class, '#' starts a comment:
 *     IFACE ADDR|default RULES     (RULES as in schedule.h)
 *     kca 10.1.2.5 mon-fri 08:00-18:00 down 20mbit; * down 100mbit
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
#include "customer.h"
#include "pins.h"
#include "rate.h"
#include "schedule.h"
#include "shape.h"

struct sched_opts {
	const char *file;
	const char *at;
	bool once;
};

struct entry {
	char iface[IF_NAMESIZE];
	char who[64];
	bool is_default;
	struct keg_addr addr;
	struct keg_sched s;
	unsigned int line;
};

static int load(struct cli_ctx *ctx, const char *file, struct entry **v, size_t *n)
{
	FILE *f = fopen(file, "r");
	char line[1024];
	unsigned int ln = 0;
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	if (!f)
		return cli_fail(ctx, -errno, "%s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), iface[IF_NAMESIZE], who[64];
		struct entry *e;
		int off = 0, ret;

		ln++;
		if (hash)
			*hash = '\0';
		if (sscanf(line, "%15s %63s %n", iface, who, &off) < 2) {
			if (strspn(line, " \t\r\n") == strlen(line))
				continue;
			fclose(f);
			return cli_fail(ctx, -EINVAL, "%s:%u: expected IFACE ADDR|default RULES", file, ln);
		}
		if (*n == cap) {
			void *nv = realloc(*v, (cap = cap ? cap * 2 : 16) * sizeof(**v));

			if (!nv) {
				fclose(f);
				return cli_fail(ctx, -ENOMEM, "out of memory");
			}
			*v = nv;
		}
		e = &(*v)[(*n)++];
		memset(e, 0, sizeof(*e));
		e->line = ln;
		snprintf(e->iface, sizeof(e->iface), "%s", iface);
		snprintf(e->who, sizeof(e->who), "%s", who);
		e->is_default = !strcmp(who, "default");
		line[strcspn(line, "\r\n")] = '\0';
		ret = e->is_default ? 0 : keg_addr_parse(who, &e->addr, &ctx->err);
		if (!ret)
			ret = keg_sched_parse(line + off, &e->s, &ctx->err);
		if (ret) {
			fclose(f);
			return keg_err_prefix(&ctx->err, ret, "%s:%u", file, ln);
		}
	}
	fclose(f);
	return 0;
}

static const char *rates(const struct keg_sched *s, int r, char *buf, size_t len)
{
	char d[32], u[32];

	if (r < 0)
		snprintf(buf, len, "no rule");
	else if (s->r[r].up_kbit)
		snprintf(buf, len, "down %s up %s (rule %d)",
			 keg_rate_str(s->r[r].down_kbit, d, sizeof(d)),
			 keg_rate_str(s->r[r].up_kbit, u, sizeof(u)), r + 1);
	else
		snprintf(buf, len, "down %s (rule %d)",
			 keg_rate_str(s->r[r].down_kbit, d, sizeof(d)), r + 1);
	return buf;
}

static int run_show(struct cli_ctx *ctx, const void *o)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	const struct sched_opts *opts = o;
	time_t now = time(NULL);
	struct entry *v;
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
static int pass(struct cli_ctx *ctx, struct entry *v, size_t n, int w)
{
	struct keg_nl nl;
	int lock, ret = 0;

	lock = keg_lock(true, KEG_LOCK_TIMEOUT_S);
	if (lock < 0)
		return cli_fail(ctx, lock, "locking %s: %s", KEG_PIN_ROOT, strerror(-lock));
	if ((ret = keg_nl_open(&nl))) {
		keg_unlock(lock);
		return cli_fail(ctx, ret, "opening rtnetlink: %s", strerror(-ret));
	}
	for (size_t i = 0; i < n; i++) {
		int r = keg_sched_at(&v[i].s, w), err = 0;
		const struct keg_sched_rule *rule;
		struct keg_customer val, old;
		struct keg_ifctx c;
		char b[64];

		if (r < 0)
			continue;
		rule = &v[i].s.r[r];
		if (keg_ifctx_open(v[i].iface, &c, &ctx->err)) {
			fprintf(stderr, "kegctl: line %u: %s\n", v[i].line, ctx->err.msg);
			continue;
		}
		if (v[i].is_default) {
			struct keg_shape_setup su;
			struct keg_shape_cfg cfg;

			if (!keg_shape_get(c.name, &cfg, &ctx->err) &&
			    (cfg.default_kbit != rule->down_kbit ||
			     (rule->up_kbit && cfg.default_up_kbit != rule->up_kbit))) {
				keg_shape_setup_init(&su);
				su.default_kbit = rule->down_kbit;
				su.default_up_kbit = rule->up_kbit;
				err = keg_shape_enable(&nl, &c, &su, NULL, &ctx->err);
				if (!err)
					printf("%s: default class %s\n", c.name,
					       rates(&v[i].s, r, b, sizeof(b)));
			}
		} else if (!keg_customer_get(&c.maps, &v[i].addr, &old) &&
			   (old.down_kbit != rule->down_kbit ||
			    (rule->up_kbit && old.up_kbit != rule->up_kbit))) {
			val = old;
			val.down_kbit = rule->down_kbit;
			if (rule->up_kbit)
				val.up_kbit = rule->up_kbit;
			if (val.ceil_kbit && val.ceil_kbit < val.down_kbit)
				val.ceil_kbit = 0;
			err = keg_shape_customer_change(&nl, &c, &v[i].addr, &val, &old, &ctx->err);
			if (!err)
				printf("%s: ~ customer %s %s\n", c.name, v[i].who,
				       rates(&v[i].s, r, b, sizeof(b)));
		}
		if (err) {
			fprintf(stderr, "kegctl: line %u: %s\n", v[i].line, ctx->err.msg);
			ret = err;
		}
		keg_ifctx_close(&c);
	}
	fflush(stdout);
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
	struct entry *v;
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
	} while (!stop);
	free(v);
	return opts->once ? ret : 0;
}

static const struct cli_arg file_arg[] = {
	{ "FILE", offsetof(struct sched_opts, file),
	  "schedule: lines 'IFACE ADDR|default RULES', e.g. 'kca 10.1.2.5 mon-fri 08:00-18:00 down 20mbit; * down 100mbit'" },
	{ 0 },
};

static const struct cli_opt show_opts[] = {
	{ "at", 'a', CLI_STRING, offsetof(struct sched_opts, at), "\"YYYY-MM-DD HH:MM\"",
	  "evaluate at this local time instead of now", NULL },
	{ 0 },
};

static const struct cli_opt run_opts[] = {
	{ "once", '1', CLI_FLAG, offsetof(struct sched_opts, once), NULL,
	  "apply the rates in force now and exit", NULL },
	{ 0 },
};

const struct cli_cmd cmd_schedule_show = {
	.group = "schedule",
	.name = "show",
	.summary = "the active and next rate of each scheduled customer",
	.help = "Evaluate the schedule FILE now (or --at a time) and print, per line, the\n"
		"rule in force and the next change. Reads no system state.",
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
		"differs. Runs until SIGINT/SIGTERM; --once applies and exits.",
	.args = file_arg,
	.opts = run_opts,
	.opts_size = sizeof(struct sched_opts),
	.needs_root = true,
	.lock = CLI_LOCK_NONE,
	.run = run_run,
};
