// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_parse.c - keg_parse() on every golden packet, every field of the
 * result checked (tests/bpf/parse_probe.bpf.c hands the result back).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "golden.h"
#include "harness.h"

#define FIELD(what, got, want)                                                \
	cr_expect_eq((unsigned long long)(got), (unsigned long long)(want),      \
		     "%s: %s is %#llx, want %#llx", name, what,                 \
		     (unsigned long long)(got), (unsigned long long)(want))

static void expect_l3l4(const char *name, const char *lvl, const struct keg_l3l4 *g,
			const struct keg_l3l4 *w)
{
	char f[64];

#define L(field)                                                               \
	do {                                                                   \
		snprintf(f, sizeof(f), "%s.%s", lvl, #field);                  \
		FIELD(f, g->field, w->field);                                  \
	} while (0)
	for (int i = 0; i < 4; i++) {
		snprintf(f, sizeof(f), "%s.saddr[%d]", lvl, i);
		FIELD(f, g->saddr[i], w->saddr[i]);
		snprintf(f, sizeof(f), "%s.daddr[%d]", lvl, i);
		FIELD(f, g->daddr[i], w->daddr[i]);
	}
	L(sport);
	L(dport);
	L(l3_off);
	L(l4_off);
	L(payload_len);
	L(family);
	L(proto);
	L(frag);
	L(tcp_flags);
	L(icmp_type);
	L(icmp_code);
	L(dscp);
#undef L
}

/* Every field; for a malformed frame (an error other than too-deep, where
 * the spec says what survives) only what precedes the bad header. */
static void expect_result(const char *name, const struct keg_parse_result *g,
			  const struct keg_parse_result *w)
{
	FIELD("error", g->error, w->error);
	FIELD("eth_proto", g->eth_proto, w->eth_proto);
	FIELD("l3_off", g->l3_off, w->l3_off);
	FIELD("vlan_count", g->vlan_count, w->vlan_count);
	FIELD("vlan_tci[0]", g->vlan_tci[0], w->vlan_tci[0]);
	FIELD("vlan_tci[1]", g->vlan_tci[1], w->vlan_tci[1]);
	if (w->error && w->error != KEG_STAT_err_too_deep)
		return;
	FIELD("depth", g->depth, w->depth);
	FIELD("tun[0]", g->tun[0], w->tun[0]);
	FIELD("tun[1]", g->tun[1], w->tun[1]);
	FIELD("tun_id", g->tun_id, w->tun_id);
	expect_l3l4(name, "outer", &g->outer, &w->outer);
	expect_l3l4(name, "inner", &g->inner, &w->inner);
}

Test(parse, goldens)
{
	struct probe_env env;
	struct keg_parse_result got, want;
	struct pkt p;
	int nreq;

	probe_env_open(&env);
	for (int i = 0; i < n_goldens; i++) {
		golden_build(&goldens[i], &p, &want, &nreq);
		probe_parse(&env, p.data, p.len, &got);
		expect_result(goldens[i].name, &got, &want);
	}
	probe_env_close(&env);
}

/* The parser's own view of truncation (ARP is checked by the proxy, not the
 * parser, so a cut ARP header parses clean here). */
Test(parse, every_prefix_reports_the_cut_header)
{
	struct probe_env env;
	struct keg_parse_result got, want;
	struct pkt p;
	int nreq;

	probe_env_open(&env);
	for (int i = 0; i < n_goldens; i++) {
		const char *name = goldens[i].name;

		golden_build(&goldens[i], &p, &want, &nreq);
		for (size_t len = XDP_RUN_MIN_LEN; len < p.len; len++) {
			uint32_t e = golden_error_at(&p, nreq, &want, len);

			if (e == KEG_STAT_err_trunc_arp)
				e = 0;
			probe_parse(&env, p.data, len, &got);
			cr_expect_eq(got.error, e, "%s cut to %zu bytes: error %u (%s), want %u (%s)",
				     name, len, got.error,
				     err_name(got.error), e, err_name(e));
		}
	}
	probe_env_close(&env);
}
