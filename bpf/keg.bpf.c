// SPDX-License-Identifier: GPL-2.0
/*
 * keg.bpf.c - keg's data path.
 *
 * keg_xdp (ingress of every attached interface): parse to the innermost
 * headers, count what was seen, answer proxy-ARP and proxy-NDP for the
 * proxied prefixes, pass everything else to the kernel. A parse error is
 * counted by kind and the frame passed: keg never drops by mistake.
 *
 * keg_tc (clsact egress): the same parser over outgoing packets; the
 * shaping issue turns it into the classifier. For now it counts and leaves
 * the verdict to whatever comes next (TC_ACT_UNSPEC).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

#include "keg_parse.h"
#include "keg_maps.bpf.h"
#include "keg_stats.h"
#include "keg_proxy_arp.h"
#include "keg_proxy_ndp.h"

/* Under libxdp's dispatcher keg runs first-ish and lets later programs see
 * what it passes. */
struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(keg_xdp);

static __always_inline struct keg_config *keg_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&KEG_MAP_CONFIG, &zero);
}

SEC("xdp")
int keg_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct keg_stats *s = keg_stats_get();
	struct keg_parse_result *r;

	if (s) {
		s->rx_packets++;
		s->rx_bytes += data_end - data;
	}
	r = keg_parse(data, data_end, KEG_SCRATCH_XDP);
	if (!r)
		return XDP_PASS;
	if (r->error) {
		keg_stat_inc(s, r->error);
		return XDP_PASS;
	}
	keg_stats_count_parse(s, r);

	/* Neighbour discovery is answered on the link only, not in tunnels. */
	if (r->depth == 0) {
		if (r->eth_proto == ETH_P_ARP)
			return keg_proxy_arp(ctx, r, keg_config_get(), s);
		if (r->outer.family == IPV6_VERSION &&
		    r->outer.proto == IPPROTO_ICMPV6 &&
		    r->outer.icmp_type == NDISC_NEIGHBOUR_SOLICITATION)
			return keg_proxy_ndp(ctx, r, keg_config_get(), s);
	}
	return XDP_PASS;
}

SEC("tc")
int keg_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct keg_stats *s = keg_stats_get();

	if (s) {
		s->tc_packets++;
		s->tc_bytes += skb->len;
	}
	/* Only the linear part is parsed; headers of locally built packets
	 * are always there. The result feeds the classifier (shaping issue). */
	keg_parse(data, data_end, KEG_SCRATCH_TC);
	/* No verdict of our own: filters behind keg's still run. */
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
