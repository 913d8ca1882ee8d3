// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_site.c - `kegctl site add|set|del`: the keg transport's sites of this
 * network namespace, in the pinned keg_sites map kegd polls
 * (headers/keg_site.h). Every change is decided on the whole table first
 * (site_edit.h) and then written as one slot, so a refused command leaves
 * the map as it was. `site list` is cmd_site_list.c; `site up|down` (the
 * intercept rules' per-interface flags) cmd_intercept.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "site_edit.h"
#include "sitemaps.h"

struct site_opts {
	const char *name, *addr, *key, *pubkey, *maxrate, *segsize, *schedule;
	const char *compress, *compress_gain;
	bool local;
};

static void words_in(const struct site_opts *o, struct site_words_in *in)
{
	*in = (struct site_words_in){
		.name = o->name, .addr = o->addr, .key = o->key, .pubkey = o->pubkey,
		.maxrate = o->maxrate, .segsize = o->segsize, .schedule = o->schedule,
		.compress = o->compress, .compress_gain = o->compress_gain,
		.local = o->local,
	};
}

static int run_add(struct cli_ctx *ctx, const void *opts)
{
	static struct keg_site_conf v[KEG_SITES_MAX];
	const struct site_opts *o = opts;
	struct keg_sitemaps m = { -1, -1, -1, -1 };
	struct site_words_in in;
	struct keg_site s;
	int ret, slot;
	bool have;

	words_in(o, &in);
	ret = site_parse(&in, NULL, &s, &ctx->err);
	if (ret)
		return cli_bad_arg(ctx, ret);
	if (s.local) {
		ret = site_local_key(ctx, &s);
		if (ret)
			return ret;
	}
	ret = site_load(ctx, &m, v, &have);
	if (ret)
		goto out;
	if (site_find(v, s.name) >= 0) {
		ret = cli_fail(ctx, -EEXIST, "site %s: already defined ('kegctl site set' "
			       "changes it)", s.name);
		goto out;
	}
	slot = site_free_slot(v, s.name, &ctx->err);
	ret = slot < 0 ? slot : site_table_check(v, slot, &s, &ctx->err);
	if (!ret)
		ret = site_write_slot(ctx, &m, have, slot, &s);
	if (!ret)
		printf("site %s: added\n", s.name);
out:
	keg_sitemaps_close(&m);
	return ret;
}

static int no_such_site(struct cli_ctx *ctx, const char *name)
{
	return cli_fail(ctx, -ENOENT, "site %s: no such site (see 'kegctl site list')", name);
}

static int run_set(struct cli_ctx *ctx, const void *opts)
{
	static struct keg_site_conf v[KEG_SITES_MAX];
	const struct site_opts *o = opts;
	struct keg_sitemaps m = { -1, -1, -1, -1 };
	struct site_words_in in;
	struct keg_site s;
	int ret, slot;
	bool have;

	ret = site_load(ctx, &m, v, &have);
	if (ret)
		goto out;
	slot = site_find(v, o->name);
	if (slot < 0) {
		ret = no_such_site(ctx, o->name);
		goto out;
	}
	words_in(o, &in);
	ret = site_parse(&in, &v[slot], &s, &ctx->err);
	if (ret) {
		ret = cli_bad_arg(ctx, ret);
		goto out;
	}
	if (s.local && o->key)
		ret = site_local_key(ctx, &s);
	else if (s.local)
		memcpy(s.pubkey, v[slot].pubkey, sizeof(s.pubkey));	/* same key file */
	if (!ret)
		ret = site_table_check(v, slot, &s, &ctx->err);
	if (!ret)
		ret = site_write_slot(ctx, &m, have, slot, &s);
	if (!ret)
		printf("site %s: changed\n", s.name);
out:
	keg_sitemaps_close(&m);
	return ret;
}

static int run_del(struct cli_ctx *ctx, const void *opts)
{
	static struct keg_site_conf v[KEG_SITES_MAX];
	const struct site_opts *o = opts;
	struct keg_sitemaps m = { -1, -1, -1, -1 };
	int ret, slot, left = 0;
	bool have;

	ret = site_load(ctx, &m, v, &have);
	if (ret)
		goto out;
	slot = site_find(v, o->name);
	if (slot < 0) {
		ret = no_such_site(ctx, o->name);
		goto out;
	}
	ret = site_table_check(v, slot, NULL, &ctx->err);
	if (ret)
		goto out;
	ret = keg_site_clear(&m, (unsigned int)slot);
	if (ret) {
		cli_fail(ctx, ret, "site %s: clearing slot %d: %s", o->name, slot,
			 strerror(-ret));
		goto out;
	}
	printf("site %s: deleted\n", o->name);
	for (int i = 0; i < KEG_SITES_MAX; i++)
		left += i != slot && v[i].used;
	if (left)
		goto out;
	/* The last one: no pins left behind for a namespace without sites. */
	keg_sitemaps_close(&m);
	ret = keg_sitemaps_unpin();
	if (ret)
		cli_fail(ctx, ret, "removing the site maps: %s", strerror(-ret));
out:
	keg_sitemaps_close(&m);
	return ret;
}

/* Rates, sizes and the public key stay strings here: kegd's parser
 * (site_conf.c) reads them, with the messages a config file gets. */
#define OPT_MAXRATE CLI_OPT(CLI_STRING, struct site_opts, maxrate, "maxrate", 0, "RATE", \
			    "cap of the site's traffic (tc units: 50mbit; none: no cap, "  \
			    "the default)")
#define OPT_SEGSIZE CLI_OPT(CLI_STRING, struct site_opts, segsize, "segsize", 0, "BYTES", \
			    "bytes of packets per keg (2k-256k, default 32k)")
#define OPT_SCHED   CLI_OPT(CLI_STRING, struct site_opts, schedule, "schedule", 0, "RULES", \
			    "MaxRate by time of day, in force instead of --maxrate: "     \
			    "'mon-fri 08:00-18:00 maxrate 50mbit; * maxrate 200mbit' "    \
			    "(none: no schedule)")
#define OPT_COMPRESS CLI_OPT(CLI_STRING, struct site_opts, compress, "compress", 0,      \
			     "zstd[:LEVEL]|lz4|off",                                      \
			     "how kegs to the site are compressed: zstd (level 1-19, "     \
			     "default 1), lz4, or off; a keg that does not shrink "        \
			     "enough goes out as it was")
#define OPT_GAIN    CLI_OPT(CLI_STRING, struct site_opts, compress_gain, "compress-gain", \
			    0, "PCT", "the % a keg must shrink by to go out compressed "  \
			    "(1-90, default 10)")
#define OPT_PUBKEY  CLI_OPT(CLI_STRING, struct site_opts, pubkey, "pubkey", 0, "KEY",    \
			    "a remote site's public key ('kegctl pubkey' on that gateway)")
#define OPT_KEY     CLI_OPT(CLI_STRING, struct site_opts, key, "key", 0, "FILE",         \
			    "the local site's private key file ('kegctl keygen FILE')")

static const struct cli_opt add_opts[] = {
	CLI_OPT(CLI_FLAG, struct site_opts, local, "local", 0, NULL,
		"this gateway's own site (the first one defined)"),
	OPT_KEY,
	OPT_PUBKEY,
	OPT_MAXRATE,
	OPT_SEGSIZE,
	OPT_SCHED,
	OPT_COMPRESS,
	OPT_GAIN,
	{ 0 },
};

static const struct cli_opt set_opts[] = {
	OPT_MAXRATE,
	OPT_SEGSIZE,
	OPT_SCHED,
	OPT_COMPRESS,
	OPT_GAIN,
	OPT_PUBKEY,
	OPT_KEY,
	{ 0 },
};

static const struct cli_arg add_args[] = {
	CLI_ARG(CLI_STRING, struct site_opts, name, "NAME",
		"site name: letters, digits, '-', '_', starting with a letter"),
	CLI_ARG(CLI_STRING, struct site_opts, addr, "ADDR[:PORT]",
		"the site's gateway, IPv4 or IPv6 ([ADDR]:PORT), port 3919 by default"),
	{ 0 },
};

static const struct cli_arg set_args[] = {
	CLI_ARG(CLI_STRING, struct site_opts, name, "NAME", "site name"),
	CLI_ARG_OPTIONAL(CLI_STRING, struct site_opts, addr, "ADDR[:PORT]",
			 "a new address (default: unchanged)"),
	{ 0 },
};

static const struct cli_arg name_arg[] = {
	CLI_ARG(CLI_STRING, struct site_opts, name, "NAME", "site name"),
	{ 0 },
};

const struct cli_cmd cmd_site_add = {
	.group = "site",
	.name = "add",
	.summary = "define a site of the keg transport (this gateway's own first)",
	.help = "Define this gateway's own site first:\n"
		"  kegctl site add NAME ADDR[:PORT] --local --key FILE\n"
		"then each remote gateway with the public key it printed:\n"
		"  kegctl site add NAME ADDR[:PORT] --pubkey KEY\n"
		"Names and the addresses of remote sites are unique; a connection is\n"
		"accepted only from the pinned key. The sites of this network namespace\n"
		"are the pinned map keg_sites, which kegd polls (every 250 ms).",
	.args = add_args,
	.opts = add_opts,
	.opts_size = sizeof(struct site_opts),
	.needs_root = true,
	.mount_bpffs = true,
	.lock = CLI_LOCK_EXCL,
	.run = run_add,
};

const struct cli_cmd cmd_site_set = {
	.group = "site",
	.name = "set",
	.summary = "change a site's address, rate cap, segment size, compression or key",
	.help = "Change site NAME in place (same slot, its gen bumped); what is not\n"
		"given stays. --pubkey for a remote site, --key for the local one;\n"
		"--maxrate none lifts a cap. kegd sees the change by the new gen.",
	.args = set_args,
	.opts = set_opts,
	.opts_size = sizeof(struct site_opts),
	.needs_root = true,
	.mount_bpffs = true,
	.lock = CLI_LOCK_EXCL,
	.run = run_set,
};

const struct cli_cmd cmd_site_del = {
	.group = "site",
	.name = "del",
	.summary = "delete a site (the local one last)",
	.help = "Delete site NAME (its slot freed, for kegd a new gen). This gateway's\n"
		"own site goes last, and with it the site maps of this network namespace.",
	.args = name_arg,
	.opts_size = sizeof(struct site_opts),
	.needs_root = true,
	.mount_bpffs = true,
	.lock = CLI_LOCK_EXCL,
	.run = run_del,
};
