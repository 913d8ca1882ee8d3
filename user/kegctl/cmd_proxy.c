// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cmd_proxy.c - `kegctl proxy add|del|list` (proxy mode, headers/keg_proxy.h) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attached.h"
#include "commands.h"
#include "json.h"
#include "proxy.h"

struct proxy_opts {
	const char *site;
	const char *proxy;
	const char *dest;
	const char *proto;
	const char *iface;
	bool json;
};

static int resolve(struct cli_ctx *ctx, const char *iface, struct keg_att *a)
{
	return keg_att_resolve(iface, a, &ctx->err);
}

static int run_add(struct cli_ctx *ctx, const void *o)
{
	const struct proxy_opts *opts = o;
	struct keg_proxy_spec spec;
	struct keg_att a;
	uint32_t id;
	int ret;

	if (!opts->site || !opts->proxy || !opts->dest)
		return cli_usage(ctx, "--site, --proxy and --dest are required");
	ret = keg_proxy_spec_parse(&spec, opts->site, opts->proxy, opts->dest, opts->proto,
				   &ctx->err);
	if (ret)
		return cli_bad_arg(ctx, ret);
	ret = resolve(ctx, opts->iface, &a);
	if (ret)
		return ret;
	ret = keg_proxy_add(a.name, &spec, NULL, &id, &ctx->err);
	if (!ret)
		printf("%u\n", id);
	return ret;
}

static int run_del(struct cli_ctx *ctx, const void *o)
{
	const struct proxy_opts *opts = o;
	struct keg_addr local;
	struct keg_att a;
	uint16_t port;
	int ret;

	if (!opts->proxy)
		return cli_usage(ctx, "--proxy is required");
	ret = keg_proxy_endpoint_parse(opts->proxy, &local, &port, &ctx->err);
	if (ret)
		return cli_bad_arg(ctx, keg_err_prefix(&ctx->err, ret, "--proxy"));
	ret = resolve(ctx, opts->iface, &a);
	if (ret)
		return ret;
	ret = keg_proxy_del(a.name, &local, &ctx->err);
	if (!ret)
		printf("%s: - proxy %s\n", a.name, opts->proxy);
	return ret;
}

static void print_json(struct json *j, const char *iface, const struct keg_proxy_entry *e)
{
	char l[KEG_ADDR_STRLEN], d[KEG_ADDR_STRLEN], pr[32];

	json_obj_begin(j);
	json_key(j, "iface");
	json_str(j, iface);
	json_key(j, "site");
	json_str(j, e->spec.site);
	json_key(j, "proxy");
	json_str(j, keg_addr_str(&e->spec.local, l, sizeof(l)));
	json_key(j, "port");
	json_u64(j, e->spec.port);
	json_key(j, "dest");
	json_str(j, keg_addr_str(&e->spec.dest, d, sizeof(d)));
	json_key(j, "dport");
	json_u64(j, e->spec.dport);
	json_key(j, "proto");
	json_str(j, keg_icpt_protos_str(e->spec.protos, pr, sizeof(pr)));
	json_key(j, "rule");
	json_u64(j, e->rule_id);
	json_key(j, "packets");
	json_u64(j, e->packets);
	json_key(j, "bytes");
	json_u64(j, e->bytes);
	json_obj_end(j);
}

static int run_list(struct cli_ctx *ctx, const void *o)
{
	const struct proxy_opts *opts = o;
	struct keg_att *atts;
	size_t n_att, i, k, n;
	struct json j;
	int ret;

	ret = kegctl_select(ctx, opts->iface, &atts, &n_att);
	if (ret)
		return ret;
	if (opts->json) {
		json_init(&j, stdout);
		json_arr_begin(&j);
	}
	for (i = 0; i < n_att && !ret; i++) {
		struct keg_proxy_entry *v;
		char buf[512];

		ret = keg_proxy_list(atts[i].name, &v, &n, &ctx->err);
		if (ret)
			break;
		for (k = 0; k < n; k++) {
			if (opts->json) {
				print_json(&j, atts[i].name, &v[k]);
				continue;
			}
			printf("%s %s rule %u packets %llu bytes %llu\n", atts[i].name,
			       keg_proxy_spec_str(&v[k].spec, buf, sizeof(buf)), v[k].rule_id,
			       (unsigned long long)v[k].packets, (unsigned long long)v[k].bytes);
		}
		free(v);
	}
	if (opts->json && !ret) {
		json_arr_end(&j);
		json_end(&j);
	}
	free(atts);
	return ret;
}

#define PROXY_HELP_WHAT \
	"The gateway answers ARP requests and Neighbor Solicitations for the\n" \
	"proxy address LOCAL on the interface (LOCAL must be in a subnet of one of\n" \
	"its addresses, and no address of this host, customer or other proxy),\n" \
	"terminates TCP connections and takes UDP datagrams to it (to LOCAL:PORT\n" \
	"only, with a PORT), and the far gateway of SITE opens each connection or\n" \
	"UDP flow to REMOTE (REMOTE:PORT; without ports the connection's own port)\n" \
	"FROM ITS OWN ADDRESS: the server sees the far gateway (the address its\n" \
	"route to REMOTE leaves from), never the client, and needs no route back\n" \
	"to the client's network; answers come back from LOCAL[:PORT]. A UDP\n" \
	"flow (client address and port) ends after 60 s without a datagram. One\n" \
	"proxy address per destination. --proto tcp,udp (the default), tcp or\n" \
	"udp; ICMP is refused. The proxy's intercept rule is listed by 'intercept\n" \
	"list' marked (proxy) and changes only with the proxy; apply leaves it\n" \
	"alone."

static const struct cli_opt add_opts[] = {
	CLI_OPT(CLI_STRING, struct proxy_opts, site, "site", 0, "SITE",
		"the remote site (kegctl site add) behind which REMOTE is"),
	CLI_OPT(CLI_STRING, struct proxy_opts, proxy, "proxy", 0, "LOCAL[:PORT]",
		"the proxy address on this LAN ([ADDR6]:PORT with a port)"),
	CLI_OPT(CLI_STRING, struct proxy_opts, dest, "dest", 0, "REMOTE[:PORT]",
		"the server the far gateway connects to"),
	CLI_OPT(CLI_STRING, struct proxy_opts, proto, "proto", 0, "LIST",
		"protocols carried: tcp,udp (the default), tcp or udp"),
	CLI_IFACE_OPT(struct proxy_opts, iface, CLI_IFACE_HELP_ONE),
	{ 0 },
};

static const struct cli_opt del_opts[] = {
	CLI_OPT(CLI_STRING, struct proxy_opts, proxy, "proxy", 0, "LOCAL",
		"the proxy address to remove (a port given is ignored)"),
	CLI_IFACE_OPT(struct proxy_opts, iface, CLI_IFACE_HELP_ONE),
	{ 0 },
};

static const struct cli_opt list_opts[] = {
	CLI_IFACE_OPT(struct proxy_opts, iface, CLI_IFACE_HELP_FILTER),
	CLI_OPT(CLI_FLAG, struct proxy_opts, json, "json", 'j', NULL,
		"print a JSON array of proxies"),
	{ 0 },
};

const struct cli_cmd cmd_proxy_add = {
	.group = "proxy",
	.name = "add",
	.summary = "answer for a LAN address that stands for a server behind a site",
	.help = "Add the proxy LOCAL[:PORT] -> REMOTE[:PORT] of SITE; prints its rule id.\n"
		PROXY_HELP_WHAT,
	.group_help = "Proxy mode (HyperIP's): a free address LOCAL of a LAN stands for a server\n"
		      "REMOTE behind another site.\n" PROXY_HELP_WHAT,
	.opts = add_opts,
	.opts_size = sizeof(struct proxy_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_add,
};

const struct cli_cmd cmd_proxy_del = {
	.group = "proxy",
	.name = "del",
	.summary = "remove a proxy address",
	.help = "Remove the proxy of address LOCAL: its rule first (no new connection),\n"
		"then the address (no longer answered). Connections through it end: their\n"
		"next segments are no longer steered to kegd, and the kernel has no\n"
		"neighbour to route them to (as for an intercept rule deleted).",
	.opts = del_opts,
	.opts_size = sizeof(struct proxy_opts),
	.needs_root = true,
	.lock = CLI_LOCK_IFACE,
	.run = run_del,
};

const struct cli_cmd cmd_proxy_list = {
	.group = "proxy",
	.name = "list",
	.summary = "list proxy addresses with their rule's counters",
	.help = "One line per proxy: IFACE --site S --proxy LOCAL[:PORT] --dest\n"
		"REMOTE[:PORT] --proto LIST rule ID packets N bytes N (packets from clients\n"
		"to the proxy address).\n" PROXY_HELP_WHAT,
	.opts = list_opts,
	.opts_size = sizeof(struct proxy_opts),
	.needs_root = true,
	.lock = CLI_LOCK_SHARED,
	.run = run_list,
};
