// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_site_list.c - `kegctl site list`: each site as configured (keg_sites)
 * with what kegd last reported of it (keg_site_stats), at a glance as
 * `wg show` does: address, state, rate cap, and the transport's counters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "json.h"
#include "keg_intercept.h"
#include "rate.h"
#include "site_edit.h"
#include "sitemaps.h"

struct list_opts {
	bool json;
};

/* One site as shown. kegd's figures count only when they are of this
 * configuration of the slot (gen); its state only while kegd is alive
 * (a heartbeat younger than KEG_KEGD_STALE_MS): without kegd a remote
 * site is down whatever it last said. */
struct site_view {
	const struct keg_site_conf *c;
	struct keg_site_stats st;	/* zeroes when not this site's */
	const char *state;
};

static const char *state_name(uint32_t s)
{
	switch (s) {
	case KEG_SITE_UP:		return "up";
	case KEG_SITE_CONNECTING:	return "connecting";
	case KEG_SITE_LOCAL:		return "local";
	default:			return "down";
	}
}

static void view(const struct keg_site_conf *c, const struct keg_site_stats *st,
		 uint64_t now, struct site_view *out)
{
	bool ours = st->gen == c->gen;	/* a slot's gen never repeats (keg_site_clear) */
	bool fresh = ours && st->updated_ns && now >= st->updated_ns &&
		     now - st->updated_ns < KEG_KEGD_STALE_MS * KEG_NSEC_PER_MSEC;

	memset(&out->st, 0, sizeof(out->st));
	if (ours)
		out->st = *st;
	out->c = c;
	if (c->flags & KEG_SITE_F_LOCAL)
		out->state = "local";
	else
		out->state = fresh ? state_name(st->state) : "down";
}

static unsigned int gain_pct(const struct keg_site_conf *c)
{
	return c->compress_gain ? c->compress_gain : KEG_COMPRESS_GAIN_DEFAULT;
}

static void print_text(const struct site_view *s)
{
	char addr[64], rate[32], z[16];
	const struct keg_site_stats *t = &s->st;

	printf("%-12s %-24s %-6s %-10s maxrate %s segsize %u", s->c->name,
	       site_addr_str((int)s->c->family, s->c->addr, s->c->port, addr, sizeof(addr)),
	       s->c->flags & KEG_SITE_F_LOCAL ? "local" : "remote", s->state,
	       s->c->maxrate_kbit ? keg_rate_str(s->c->maxrate_kbit, rate, sizeof(rate)) : "none",
	       s->c->segsize);
	if (s->c->schedule[0])
		printf(" schedule \"%.*s\" (in force %s)", (int)sizeof(s->c->schedule),
		       s->c->schedule, s->st.max_rate && s->st.updated_ns ?
		       keg_rate_str((uint32_t)(s->st.max_rate * 8 / 1000), rate, sizeof(rate)) :
		       s->st.updated_ns ? "none" : "?");
	printf(" compress %s", keg_site_compress_str(s->c->compress, s->c->compress_level, z,
						     sizeof(z)));
	if (s->c->compress != KEG_COMPRESS_OFF)
		printf(" (gain %u%%)", gain_pct(s->c));
	if (!(s->c->flags & KEG_SITE_F_LOCAL)) {
		printf(" srtt %.1fms tx %llu rx %llu loss %.2f%% flows %llu tcp %llu (mem %llu)",
		       (double)t->srtt_us / 1000, (unsigned long long)t->udp_tx_bytes,
		       (unsigned long long)t->udp_rx_bytes, (double)t->loss_ppm / 1e4,
		       (unsigned long long)t->flows, (unsigned long long)t->tcp_conns,
		       (unsigned long long)t->tcp_mem_bytes);
		/* Bytes of kegs before and after compression, both ways. */
		printf(" keg/%llu z-tx %llu->%llu (%llu z, %llu as is) z-rx %llu->%llu",
		       (unsigned long long)t->z_wire, (unsigned long long)t->z_bytes_in,
		       (unsigned long long)t->z_bytes_out, (unsigned long long)t->z_kegs,
		       (unsigned long long)t->z_kegs_pass, (unsigned long long)t->unz_bytes_in,
		       (unsigned long long)t->unz_bytes_out);
		if (t->drop_unz)
			printf(" z-dropped %llu", (unsigned long long)t->drop_unz);
	}
	printf("\n");
}

static void ju64(struct json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_u64(j, v);
}

static void print_json(struct json *j, const struct site_view *s)
{
	const struct keg_site_conf *c = s->c;
	const struct keg_site_stats *t = &s->st;
	char addr[64], rate[32], pub[KEG_PUBKEY_B64], z[16];

	inet_ntop((int)c->family, c->addr, addr, sizeof(addr));
	json_obj_begin(j);
	json_key(j, "name");
	json_str(j, c->name);
	json_key(j, "addr");
	json_str(j, addr);
	ju64(j, "port", c->port);
	json_key(j, "local");
	json_bool(j, c->flags & KEG_SITE_F_LOCAL);
	json_key(j, "state");
	json_str(j, s->state);
	json_key(j, "srtt_ms");
	json_double(j, (double)t->srtt_us / 1000);
	json_key(j, "min_rtt_ms");
	json_double(j, (double)t->min_rtt_us / 1000);
	ju64(j, "cwnd", t->cwnd);
	ju64(j, "bytes_in_flight", t->bytes_in_flight);
	ju64(j, "pacing_rate_bps", t->pacing_rate * 8);
	ju64(j, "delivery_rate_bps", t->delivery_rate * 8);
	ju64(j, "max_rate_bps", t->max_rate * 8);
	ju64(j, "bytes_sent", t->udp_tx_bytes);
	ju64(j, "bytes_received", t->udp_rx_bytes);
	ju64(j, "packets_sent", t->udp_tx_pkts);
	ju64(j, "packets_received", t->udp_rx_pkts);
	ju64(j, "bytes_retransmitted", t->retx_bytes);
	ju64(j, "lost_packets", t->lost_pkts);
	json_key(j, "loss");
	json_fraction(j, (double)t->loss_ppm / 1e6);
	ju64(j, "lan_packets_sent", t->pkts_tx);
	ju64(j, "lan_packets_received", t->pkts_rx);
	ju64(j, "kegs_sent", t->kegs_tx);
	ju64(j, "kegs_received", t->kegs_rx);
	ju64(j, "flows", t->flows);
	ju64(j, "handshakes", t->handshakes);
	ju64(j, "handshake_failures", t->handshake_failures);
	ju64(j, "refused_key", t->refused_key);
	ju64(j, "retries", t->retries);
	ju64(j, "bad_token", t->bad_token);
	ju64(j, "key_updates", t->key_updates);
	ju64(j, "conn_lost", t->conn_lost);
	ju64(j, "drop_queue", t->drop_queue);
	ju64(j, "drop_down", t->drop_down);
	ju64(j, "drop_garbage", t->drop_garbage);
	ju64(j, "drop_aead", t->drop_aead);
	ju64(j, "drop_keg", t->drop_keg);
	ju64(j, "reinject_errors", t->reinject_errors);
	ju64(j, "mem_bytes", t->mem_bytes);
	ju64(j, "tcp_conns", t->tcp_conns);
	ju64(j, "tcp_accepted", t->tcp_accepted);
	ju64(j, "tcp_connected", t->tcp_connected);
	ju64(j, "tcp_refused", t->tcp_refused);
	ju64(j, "tcp_resets", t->tcp_resets);
	ju64(j, "tcp_bytes_sent", t->tcp_tx_bytes);
	ju64(j, "tcp_bytes_received", t->tcp_rx_bytes);
	ju64(j, "tcp_mem_bytes", t->tcp_mem_bytes);
	json_key(j, "tcp_mem_per_conn");
	json_u64(j, t->tcp_conns ? t->tcp_mem_bytes / t->tcp_conns : 0);
	ju64(j, "wire", t->z_wire);
	ju64(j, "z_bytes_in", t->z_bytes_in);
	ju64(j, "z_bytes_out", t->z_bytes_out);
	ju64(j, "z_kegs", t->z_kegs);
	ju64(j, "z_kegs_passed", t->z_kegs_pass);
	ju64(j, "z_cpu_us", t->z_cpu_us);
	ju64(j, "unz_bytes_in", t->unz_bytes_in);
	ju64(j, "unz_bytes_out", t->unz_bytes_out);
	ju64(j, "unz_kegs", t->unz_kegs);
	ju64(j, "unz_cpu_us", t->unz_cpu_us);
	ju64(j, "drop_unz", t->drop_unz);
	json_key(j, "maxrate");
	json_str(j, c->maxrate_kbit ? keg_rate_str(c->maxrate_kbit, rate, sizeof(rate)) : "none");
	ju64(j, "maxrate_kbit", c->maxrate_kbit);
	ju64(j, "segsize", c->segsize);
	json_key(j, "compress");
	json_str(j, keg_site_compress_str(c->compress, c->compress_level, z, sizeof(z)));
	ju64(j, "compress_gain_pct", gain_pct(c));
	json_key(j, "schedule");
	json_str(j, c->schedule);
	json_key(j, "pubkey");
	if (keg_pubkey_format(c->pubkey, pub))
		json_null(j);
	else
		json_str(j, pub);
	if (c->flags & KEG_SITE_F_LOCAL) {
		json_key(j, "key");
		json_str(j, c->key_path);
	}
	ju64(j, "gen", c->gen);
	json_obj_end(j);
}

static int run_list(struct cli_ctx *ctx, const void *opts)
{
	static struct keg_site_conf v[KEG_SITES_MAX];
	static struct keg_site_stats st[KEG_SITES_MAX];
	const struct list_opts *o = opts;
	struct keg_sitemaps m;
	struct site_view sv;
	uint64_t now = keg_now_ns();
	struct json j;
	int ret, pass, i;

	ret = keg_sitemaps_open(&m, false, &ctx->err);
	if (ret == -ENOENT) {
		if (o->json)
			printf("[]\n");
		return 0;	/* no site defined: an empty list */
	}
	if (ret)
		return ret;
	ret = keg_sites_read(&m, v);
	if (!ret)
		ret = keg_site_stats_read(&m, st);
	keg_sitemaps_close(&m);
	if (ret)
		return cli_fail(ctx, ret, "reading the sites: %s", strerror(-ret));
	json_init(&j, stdout);
	if (o->json)
		json_arr_begin(&j);
	/* This gateway's own site first, then the others in slot order. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < KEG_SITES_MAX; i++) {
			bool local = v[i].flags & KEG_SITE_F_LOCAL;

			if (!v[i].used || local != (pass == 0))
				continue;
			view(&v[i], &st[i], now, &sv);
			if (o->json)
				print_json(&j, &sv);
			else
				print_text(&sv);
		}
	}
	if (o->json) {
		json_arr_end(&j);
		json_end(&j);
	}
	return 0;
}

static const struct cli_opt list_opts[] = {
	CLI_OPT(CLI_FLAG, struct list_opts, json, "json", 'j', NULL,
		"print a JSON array of sites with kegd's counters"),
	{ 0 },
};

const struct cli_cmd cmd_site_list = {
	.group = "site",
	.name = "list",
	.summary = "list the sites with their state and transport counters",
	.help = "One line per site, this gateway's own first: NAME ADDR:PORT local|remote\n"
		"STATE maxrate RATE segsize BYTES compress zstd:N|lz4|off (gain PCT%), and\n"
		"for remote sites kegd's srtt, UDP bytes sent and received, loss, flows,\n"
		"the keg/N negotiated and the kegs' bytes before->after compression sent\n"
		"(z-tx; kegs compressed, kegs as they were) and received (z-rx). STATE: local, up,\n"
		"connecting, down (also whenever kegd is not running). --json gives\n"
		"every counter kegd keeps (rates in bit/s, times in ms, loss a fraction).",
	.opts = list_opts,
	.opts_size = sizeof(struct list_opts),
	.needs_root = true,
	.lock = CLI_LOCK_SHARED,
	.run = run_list,
};
