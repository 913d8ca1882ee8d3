// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_intercept.c - `kegctl intercept add|del|enable|disable|list`, `kegctl site up|down` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attached.h"
#include "commands.h"
#include "intercept.h"
#include "json.h"
#include "ports.h"

struct icpt_opts {
	const char *id;
	const char *site;
	const char *src;
	const char *dst;
	const char *proto;
	const char *when_down;
	const char *match;
	const char *iface;
	bool json;
	bool terminate, no_terminate, fwd_at_limit;
};

static int open_maps(struct cli_ctx *ctx, const char *iface, struct keg_att *a,
		     struct keg_icpt_maps *m)
{
	int ret;

	ret = keg_att_resolve(iface, a, &ctx->err);
	if (ret)
		return ret;
	return keg_icpt_maps_open(a->name, m, &ctx->err);
}

static int parse_id(struct cli_ctx *ctx, const char *s, uint32_t *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v == 0 || v > 0xffffffffUL || s[0] == '-')
		return cli_usage(ctx, "'%s' is not a rule id (a positive number, see 'kegctl intercept list')", s);
	*id = (uint32_t)v;
	return 0;
}

static int run_add(struct cli_ctx *ctx, const void *o)
{
	const struct icpt_opts *opts = o;
	struct keg_icpt_spec spec;
	struct keg_icpt_maps m;
	struct keg_att a;
	uint32_t id;
	int ret;

	ret = keg_icpt_spec_parse(&spec, opts->site, opts->src, opts->dst, opts->proto,
				  opts->when_down, opts->match, &ctx->err);
	if (ret)
		return cli_bad_arg(ctx, ret);
	if (opts->terminate && opts->no_terminate)
		return cli_usage(ctx, "--terminate and --no-terminate together");
	spec.no_terminate = opts->no_terminate;
	spec.fwd_at_limit = opts->fwd_at_limit;
	ret = open_maps(ctx, opts->iface, &a, &m);
	if (ret)
		return ret;
	ret = keg_icpt_add(&m, &spec, &id, &ctx->err);
	if (!ret)
		printf("%u\n", id);
	keg_icpt_maps_close(&m);
	return ret;
}

/* A proxy's rule changes with its proxy only (kegctl proxy del). */
static int refuse_proxy_rule(struct cli_ctx *ctx, const struct keg_icpt_maps *m,
			     const char *iface, uint32_t id)
{
	struct keg_icpt_entry *v;
	char buf[KEG_ADDR_STRLEN];
	size_t n;
	int ret = 0;

	if (keg_icpt_list(m, &v, &n))
		return 0;       /* the change itself will say what is wrong */
	for (size_t i = 0; i < n; i++)
		if (v[i].rule.id == id && v[i].spec.proxy)
			ret = cli_fail(ctx, -EPERM, "%s: rule %u is the rule of proxy %s: "
				       "'kegctl proxy del --proxy %s' removes both", iface, id,
				       keg_addr_str(&v[i].spec.dst, buf, sizeof(buf)), buf);
	free(v);
	return ret;
}

static int run_change(struct cli_ctx *ctx, const struct icpt_opts *opts, int op)
{
	struct keg_icpt_maps m;
	struct keg_att a;
	uint32_t id = 0;
	int ret;

	ret = parse_id(ctx, opts->id, &id);
	if (ret)
		return ret;
	ret = open_maps(ctx, opts->iface, &a, &m);
	if (ret)
		return ret;
	ret = refuse_proxy_rule(ctx, &m, a.name, id);
	if (ret) {
		keg_icpt_maps_close(&m);
		return ret;
	}
	ret = op == 0 ? keg_icpt_del(&m, id, &ctx->err) :
			keg_icpt_enable(&m, id, op == 1, &ctx->err);
	if (!ret)
		printf("%s: %s intercept %u\n", a.name,
		       op == 0 ? "-" : op == 1 ? "enabled" : "disabled", id);
	keg_icpt_maps_close(&m);
	return ret;
}

static int run_del(struct cli_ctx *ctx, const void *o)
{
	return run_change(ctx, o, 0);
}

static int run_enable(struct cli_ctx *ctx, const void *o)
{
	return run_change(ctx, o, 1);
}

static int run_disable(struct cli_ctx *ctx, const void *o)
{
	return run_change(ctx, o, 2);
}

static void print_rule_json(const char *iface, const struct keg_icpt_entry *e,
			    char state, bool first)
{
	char s[KEG_ADDR_STRLEN], d[KEG_ADDR_STRLEN], sp[128], dp[128], pr[32];

	printf("%s{\"iface\": \"%s\", \"id\": %u, \"state\": \"%c\", \"site\": \"%s\", "
	       "\"src\": \"%s\", \"sport\": \"%s\", \"dst\": \"%s\", \"dport\": \"%s\", "
	       "\"proto\": \"%s\", \"when_down\": \"%s\", \"match\": \"%s\", "
	       "\"terminate\": %s, \"forward_at_limit\": %s, \"proxy\": %s, "
	       "\"packets\": %llu, \"bytes\": %llu}",
	       first ? "" : ",\n ", iface, e->rule.id, state, e->spec.site,
	       keg_prefix_str(&e->spec.src, s, sizeof(s)),
	       keg_ports_str(&e->spec.sport, sp, sizeof(sp)),
	       keg_prefix_str(&e->spec.dst, d, sizeof(d)),
	       keg_ports_str(&e->spec.dport, dp, sizeof(dp)),
	       keg_icpt_protos_str(e->spec.protos, pr, sizeof(pr)),
	       e->spec.block ? "block" : "forward",
	       e->spec.match == KEG_ICPT_MATCH_OUTER ? "outer" : "inner",
	       (e->rule.flags & KEG_ICPT_F_TERMINATE) ? "true" : "false",
	       (e->rule.flags & KEG_ICPT_F_FWD_AT_LIMIT) ? "true" : "false",
	       (e->rule.flags & KEG_ICPT_F_PROXY) ? "true" : "false",
	       (unsigned long long)e->packets, (unsigned long long)e->bytes);
}

static int run_list(struct cli_ctx *ctx, const void *o)
{
	const struct icpt_opts *opts = o;
	struct keg_att *atts;
	size_t n_att, i, k, n;
	bool first = true;
	int ret;

	ret = kegctl_select(ctx, opts->iface, &atts, &n_att);
	if (ret)
		return ret;
	if (opts->json)
		printf("[");
	for (i = 0; i < n_att && !ret; i++) {
		struct keg_icpt_entry *v;
		struct keg_icpt_maps m;
		struct keg_kegd kd;
		bool running = false;
		char buf[512];

		ret = keg_icpt_maps_open(atts[i].name, &m, &ctx->err);
		if (ret)
			break;
		keg_icpt_kegd_read(&m, &kd, &running);
		ret = keg_icpt_list(&m, &v, &n);
		keg_icpt_maps_close(&m);
		if (ret) {
			cli_fail(ctx, ret, "%s: reading the rules: %s", atts[i].name, strerror(-ret));
			break;
		}
		for (k = 0; k < n; k++) {
			char st = keg_icpt_state(&v[k], running);

			if (opts->json) {
				print_rule_json(atts[i].name, &v[k], st, first);
				first = false;
				continue;
			}
			printf("%s %u %c %s packets %llu bytes %llu\n", atts[i].name, v[k].rule.id,
			       st, keg_icpt_spec_str(&v[k].spec, buf, sizeof(buf)),
			       (unsigned long long)v[k].packets, (unsigned long long)v[k].bytes);
		}
		free(v);
	}
	if (opts->json)
		printf("]\n");
	free(atts);
	return ret;
}

static int run_site(struct cli_ctx *ctx, const struct icpt_opts *opts, bool down)
{
	struct keg_icpt_maps m;
	struct keg_att a;
	int ret;

	ret = keg_icpt_site_valid(opts->site, &ctx->err);
	if (ret)
		return cli_bad_arg(ctx, ret);
	ret = open_maps(ctx, opts->iface, &a, &m);
	if (ret)
		return ret;
	ret = keg_icpt_site_set(&m, opts->site, down, &ctx->err);
	if (!ret)
		printf("%s: site %s %s\n", a.name, opts->site, down ? "down" : "up");
	keg_icpt_maps_close(&m);
	return ret;
}

static int run_site_up(struct cli_ctx *ctx, const void *o)
{
	return run_site(ctx, o, false);
}

static int run_site_down(struct cli_ctx *ctx, const void *o)
{
	return run_site(ctx, o, true);
}

static const struct cli_opt add_opts[] = {
	CLI_OPT(CLI_STRING, struct icpt_opts, site, "site", 0, "SITE",
		"site the intercepted traffic belongs to (created when new)"),
	CLI_OPT(CLI_STRING, struct icpt_opts, src, "src", 0, "PREFIX[:PORTS]",
		"source prefix or address, optional ports: 22, 11.12.13, 1000-2000, !44.55, !111-222"),
	CLI_OPT(CLI_STRING, struct icpt_opts, dst, "dst", 0, "PREFIX[:PORTS]",
		"destination prefix, same forms ([ADDR6]:PORTS for a bare IPv6 address)"),
	CLI_OPT(CLI_STRING, struct icpt_opts, proto, "proto", 0, "LIST",
		"tcp,udp,icmp or HyperIP's letters (IUT)"),
	CLI_OPT(CLI_STRING, struct icpt_opts, when_down, "when-down", 0, "forward|block",
		"with no controller or the site down: route normally (default) or drop"),
	CLI_OPT(CLI_STRING, struct icpt_opts, match, "match", 0, "inner|outer",
		"match the innermost headers of tunnels (default) or the outer ones"),
	CLI_OPT(CLI_FLAG, struct icpt_opts, terminate, "terminate", 0, NULL,
		"terminate TCP at this gateway in the kernel's stack (default)"),
	CLI_OPT(CLI_FLAG, struct icpt_opts, no_terminate, "no-terminate", 0, NULL,
		"carry TCP as packets in kegs instead"),
	CLI_OPT(CLI_FLAG, struct icpt_opts, fwd_at_limit, "forward-at-limit", 0, NULL,
		"past a connection limit (kegctl limits) route new flows unaccelerated, not refuse"),
	CLI_IFACE_OPT(struct icpt_opts, iface, CLI_IFACE_HELP_ONE),
	{ 0 },
};

static const struct cli_opt iface_opts[] = {
	CLI_IFACE_OPT(struct icpt_opts, iface, CLI_IFACE_HELP_ONE),
	{ 0 },
};

static const struct cli_opt list_opts[] = {
	CLI_IFACE_OPT(struct icpt_opts, iface, CLI_IFACE_HELP_FILTER),
	CLI_OPT(CLI_FLAG, struct icpt_opts, json, "json", 'j', NULL,
		"print a JSON array of rules"),
	{ 0 },
};

static const struct cli_arg id_arg[] = {
	CLI_ARG(CLI_STRING, struct icpt_opts, id, "ID",
		"rule id as printed by 'intercept add'"),
	{ 0 },
};

static const struct cli_arg site_arg[] = {
	CLI_ARG(CLI_STRING, struct icpt_opts, site, "SITE",
		"site name"),
	{ 0 },
};

const struct cli_cmd cmd_intercept_add = {
	.group = "intercept",
	.name = "add",
	.summary = "intercept matching flows into kegd; prints the rule id",
	.help = "Add a rule after the existing ones (first match wins, in rule order).\n"
		"It matches both directions of a flow, on the innermost headers of\n"
		"tunnelled traffic unless --match outer. Matched packets go to kegd's\n"
		"AF_XDP socket; without kegd (or with the site down) --when-down applies.\n"
		"TCP is terminated here (kegd's sockets in the kernel's TCP stack) and\n"
		"crosses the WAN as a byte stream, unless --no-terminate.\n"
		"New and running flows follow the new rule set from their next packet.",
	.opts = add_opts,
	.opts_size = sizeof(struct icpt_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_add,
};

const struct cli_cmd cmd_intercept_del = {
	.group = "intercept",
	.name = "del",
	.summary = "remove an intercept rule",
	.help = "Remove rule ID; its flows follow the remaining rules from their next packet.",
	.args = id_arg,
	.opts = iface_opts,
	.opts_size = sizeof(struct icpt_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_del,
};

const struct cli_cmd cmd_intercept_enable = {
	.group = "intercept",
	.name = "enable",
	.summary = "re-enable a disabled intercept rule",
	.help = "Make rule ID match again (state A, or Y while its site or kegd is down).",
	.args = id_arg,
	.opts = iface_opts,
	.opts_size = sizeof(struct icpt_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_enable,
};

const struct cli_cmd cmd_intercept_disable = {
	.group = "intercept",
	.name = "disable",
	.summary = "disable an intercept rule (state X)",
	.help = "Keep rule ID but stop matching it; later rules may match its flows.",
	.args = id_arg,
	.opts = iface_opts,
	.opts_size = sizeof(struct icpt_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_disable,
};

const struct cli_cmd cmd_intercept_list = {
	.group = "intercept",
	.name = "list",
	.summary = "list intercept rules with state and hit counters",
	.help = "One line per rule in rule order: IFACE ID STATE RULE packets N bytes N.\n"
		"STATE: A active, X disabled by command, Y site or controller (kegd) down.",
	.opts = list_opts,
	.opts_size = sizeof(struct icpt_opts),
	.needs_root = true,
	.lock = CLI_LOCK_SHARED,
	.run = run_list,
};

const struct cli_cmd cmd_site_up = {
	.group = "site",
	.name = "up",
	.summary = "mark a site up: its rules steer to kegd again",
	.help = "Mark SITE up (created when unknown).",
	.args = site_arg,
	.opts = iface_opts,
	.opts_size = sizeof(struct icpt_opts),
	.needs_root = true,
	.lock = CLI_LOCK_EXCL,
	.run = run_site_up,
};

const struct cli_cmd cmd_site_down = {
	.group = "site",
	.name = "down",
	.summary = "mark a site down: its rules apply --when-down (state Y)",
	.help = "Mark SITE down (created when unknown).",
	.args = site_arg,
	.opts = iface_opts,
	.opts_size = sizeof(struct icpt_opts),
	.needs_root = true,
	.lock = CLI_LOCK_EXCL,
	.run = run_site_down,
};

void kegctl_kegd_stats(const char *iface, struct json *j)
{
	struct keg_icpt_maps m;
	struct keg_kegd k;
	bool running = false;
	unsigned int q;

	if (keg_icpt_maps_open(iface, &m, NULL))
		return;
	if (keg_icpt_kegd_read(&m, &k, &running)) {
		keg_icpt_maps_close(&m);
		return;
	}
	keg_icpt_maps_close(&m);
	if (j) {
		json_key(j, "kegd");
		json_obj_begin(j);
		json_key(j, "running");
		json_bool(j, running);
		json_key(j, "pid");
		json_u64(j, running ? k.pid : 0);
		json_key(j, "queues");
		json_arr_begin(j);
		for (q = 0; running && q < k.n_queues && q < KEG_MAX_QUEUES; q++) {
			json_obj_begin(j);
			json_key(j, "rx");
			json_u64(j, k.q[q].rx);
			json_key(j, "tx");
			json_u64(j, k.q[q].tx);
			json_key(j, "drop");
			json_u64(j, k.q[q].drop);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
		return;
	}
	if (!running) {
		printf("  kegd                   not running\n");
		return;
	}
	printf("  kegd                   pid %u, %u queue%s\n", k.pid, k.n_queues,
	       k.n_queues == 1 ? "" : "s");
	for (q = 0; q < k.n_queues && q < KEG_MAX_QUEUES; q++)
		printf("  kegd queue %-3u rx %llu tx %llu drop %llu\n", q,
		       (unsigned long long)k.q[q].rx, (unsigned long long)k.q[q].tx,
		       (unsigned long long)k.q[q].drop);
}
