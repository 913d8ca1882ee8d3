// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_stats.c - what keg_xdp counts for each complete golden packet: the
 * receive counters, VLAN, family, fragments, each tunnel level, the
 * innermost family and protocol, derived from the golden's expected parse
 * result. A malformed frame moves only rx_* and its one error counter.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "golden.h"
#include "harness.h"

static enum keg_stat tun_stat(uint8_t tun)
{
	switch (tun) {
	case KEG_TUN_IPIP:   return KEG_STAT_tun_ipip;
	case KEG_TUN_6IN4:   return KEG_STAT_tun_6in4;
	case KEG_TUN_4IN6:   return KEG_STAT_tun_4in6;
	case KEG_TUN_6IN6:   return KEG_STAT_tun_6in6;
	case KEG_TUN_GRE:    return KEG_STAT_tun_gre;
	case KEG_TUN_VXLAN:  return KEG_STAT_tun_vxlan;
	case KEG_TUN_GENEVE: return KEG_STAT_tun_geneve;
	}
	cr_assert_fail("golden with tunnel type %u", tun);
	return KEG_STAT__MAX;
}

/* The counters from rx_packets to inner_other a frame must move. */
static void expected(const struct keg_parse_result *w, size_t len, uint64_t *c)
{
	memset(c, 0, sizeof(uint64_t) * KEG_STAT__MAX);
	c[KEG_STAT_rx_packets] = 1;
	c[KEG_STAT_rx_bytes] = len;
	if (w->error) {
		c[w->error] = 1;
		return;
	}
	c[KEG_STAT_vlan_tagged] = w->vlan_count > 0;
	c[KEG_STAT_ipv4] = w->outer.family == 4;
	c[KEG_STAT_ipv6] = w->outer.family == 6;
	c[KEG_STAT_fragments] = w->outer.frag || w->inner.frag;
	for (int i = 0; i < w->depth; i++)
		c[tun_stat(w->tun[i])]++;
	c[KEG_STAT_tun_nested] = w->depth == 2;
	if (!w->inner.family)
		return;
	c[w->inner.family == 4 ? KEG_STAT_inner_ipv4 : KEG_STAT_inner_ipv6] = 1;
	switch (w->inner.proto) {
	case 6:  c[KEG_STAT_inner_tcp] = 1; break;
	case 17: c[KEG_STAT_inner_udp] = 1; break;
	case 1:
	case 58: c[KEG_STAT_inner_icmp] = 1; break;
	default: c[KEG_STAT_inner_other] = 1; break;
	}
}

Test(stats, counted_by_kind)
{
	struct xdp_run *r = malloc(sizeof(*r));
	uint64_t want[KEG_STAT__MAX];
	struct keg_parse_result res;
	struct keg_stats st;
	struct keg_env env;
	struct pkt p;
	int nreq;

	cr_assert_not_null(r);
	keg_env_open(&env);
	for (int g = 0; g < n_goldens; g++) {
		const char *name = goldens[g].name;

		golden_build(&goldens[g], &p, &res, &nreq);
		expected(&res, p.len, want);
		stats_reset(&env);
		cr_assert_eq(xdp_run(env.xdp_fd, p.data, p.len, r), 0);
		stats_read(&env, &st);
		for (int i = 0; i < KEG_STAT__MAX; i++) {
			/* Proxy counters are test_proxy.c's business. */
			if (i >= KEG_STAT_arp_requests && i <= KEG_STAT_ns_tx_failed)
				continue;
			cr_expect_eq(stat_val(&st, i), want[i], "%s: %s = %llu, want %llu", name,
				     stat_names[i], (unsigned long long)stat_val(&st, i),
				     (unsigned long long)want[i]);
		}
	}
	keg_env_close(&env);
	free(r);
}
