// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_limits.c - `kegctl limits set|show`: the gateway's connection limits
 * (HyperIP's "Connection Limits"), in the pinned keg_limits map of this
 * network namespace that kegd reads with the sites (headers/keg_site.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "commands.h"
#include "json.h"
#include "sitemaps.h"

/* kegd's counts are trusted this long after its last write. */
#define LIMITS_FRESH_NS (2 * KEG_SITES_POLL_MS * 1000000ULL)

struct limits_opts {
	const char *tcp, *udp, *total;
	bool json;
};

static int run_set(struct cli_ctx *ctx, const void *opts)
{
	const struct limits_opts *o = opts;
	const char *in[3] = { o->tcp, o->udp, o->total };
	static const char *const names[3] = { "--tcp", "--udp", "--total" };
	struct keg_sitemaps m = { -1, -1, -1, -1 };
	struct keg_limits l;
	uint32_t v[3];
	int ret;

	if (!o->tcp && !o->udp && !o->total)
		return cli_usage(ctx, "give at least one of --tcp, --udp, --total");
	for (int i = 0; i < 3; i++)
		if (in[i] && keg_limit_parse(in[i], &v[i], NULL))
			return cli_usage(ctx, "%s %s: not a number of flows (0..1000000, 0 or "
					 "none: no limit)", names[i], in[i]);
	ret = keg_sitemaps_open(&m, true, &ctx->err);
	if (ret)
		return ret;
	ret = keg_limits_read(&m, &l);
	if (!ret) {
		if (o->tcp)
			l.tcp = v[0];
		if (o->udp)
			l.udp = v[1];
		if (o->total)
			l.total = v[2];
		ret = keg_limits_write(&m, &l);
	}
	keg_sitemaps_close(&m);
	if (ret)
		return cli_fail(ctx, ret, "writing the limits: %s", strerror(-ret));
	return 0;
}

static void limit_str(uint32_t v, char *buf, size_t len)
{
	if (v)
		snprintf(buf, len, "%u", v);
	else
		snprintf(buf, len, "none");
}

static int run_show(struct cli_ctx *ctx, const void *opts)
{
	const struct limits_opts *o = opts;
	struct keg_sitemaps m = { -1, -1, -1, -1 };
	struct keg_limit_stats s = { 0 };
	struct keg_limits l = { 0 };
	char t[16], u[16], a[16];
	bool fresh;
	int ret;

	ret = keg_sitemaps_open(&m, false, &ctx->err);
	if (ret && ret != -ENOENT)
		return ret;
	if (!ret) {
		ret = keg_limits_read(&m, &l);
		if (!ret)
			ret = keg_limit_stats_read(&m, &s);
		keg_sitemaps_close(&m);
		if (ret)
			return cli_fail(ctx, ret, "reading the limits: %s", strerror(-ret));
	}
	fresh = s.updated_ns && keg_now_ns() - s.updated_ns < LIMITS_FRESH_NS;
	if (!fresh)
		memset(&s, 0, sizeof(s));
	if (o->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "tcp");
		json_u64(&j, l.tcp);
		json_key(&j, "udp");
		json_u64(&j, l.udp);
		json_key(&j, "total");
		json_u64(&j, l.total);
		json_key(&j, "kegd_running");
		json_bool(&j, fresh);
		json_key(&j, "tcp_now");
		json_u64(&j, s.tcp_now);
		json_key(&j, "udp_now");
		json_u64(&j, s.udp_now);
		json_key(&j, "total_now");
		json_u64(&j, s.total_now);
		json_key(&j, "tcp_refused");
		json_u64(&j, s.tcp_refused);
		json_key(&j, "udp_refused");
		json_u64(&j, s.udp_refused);
		json_key(&j, "udp_forwarded");
		json_u64(&j, s.udp_forwarded);
		json_obj_end(&j);
		json_end(&j);
		return 0;
	}
	limit_str(l.tcp, t, sizeof(t));
	limit_str(l.udp, u, sizeof(u));
	limit_str(l.total, a, sizeof(a));
	printf("limits tcp %s udp %s total %s\n", t, u, a);
	if (fresh)
		printf("now    tcp %llu udp %llu total %llu; refused tcp %llu udp %llu (packets); "
		       "forwarded at the limit udp %llu (packets)\n",
		       (unsigned long long)s.tcp_now, (unsigned long long)s.udp_now,
		       (unsigned long long)s.total_now, (unsigned long long)s.tcp_refused,
		       (unsigned long long)s.udp_refused, (unsigned long long)s.udp_forwarded);
	else
		printf("now    kegd is not running here\n");
	return 0;
}

static const struct cli_opt set_opts[] = {
	CLI_OPT(CLI_STRING, struct limits_opts, tcp, "tcp", 0, "N",
		"terminated TCP connections and proxy UDP flows at once (0 or none: no limit)"),
	CLI_OPT(CLI_STRING, struct limits_opts, udp, "udp", 0, "N",
		"flows carried as packets at once: UDP, ICMP, TCP of rules that do not terminate it"),
	CLI_OPT(CLI_STRING, struct limits_opts, total, "total", 0, "N",
		"both together (HyperIP's default: 8192)"),
	{ 0 },
};

static const struct cli_opt show_opts[] = {
	CLI_OPT(CLI_FLAG, struct limits_opts, json, "json", 'j', NULL,
		"print the limits and kegd's counts as a JSON object"),
	{ 0 },
};

const struct cli_cmd cmd_limits_set = {
	.group = "limits",
	.name = "set",
	.summary = "set the gateway's connection limits",
	.help = "Limits for the flows kegd carries at once, for all sites together;\n"
		"options not given keep their value. Past a limit a new flow of a rule\n"
		"with --forward-at-limit goes through the kernel unaccelerated, any other\n"
		"is refused: TCP with a reset, UDP and ICMP dropped; both counted\n"
		"('kegctl limits show'). kegd applies a change within 250 ms.",
	.opts = set_opts,
	.opts_size = sizeof(struct limits_opts),
	.needs_root = true,
	.lock = CLI_LOCK_EXCL,
	.run = run_set,
};

const struct cli_cmd cmd_limits_show = {
	.group = "limits",
	.name = "show",
	.summary = "show the connection limits and kegd's current counts",
	.help = "The limits, and while kegd runs, the flows it carries now and what it\n"
		"refused or forwarded unaccelerated at a limit.",
	.opts = show_opts,
	.opts_size = sizeof(struct limits_opts),
	.needs_root = true,
	.lock = CLI_LOCK_SHARED,
	.run = run_show,
};
