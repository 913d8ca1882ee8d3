// SPDX-License-Identifier: GPL-2.0
/*
 * keg.bpf.c - keg's data path.
 *
 * keg_xdp (ingress of every attached interface): parse to the innermost
 * headers, count what was seen, answer proxy-ARP and proxy-NDP for the
 * proxied prefixes, pass everything else to the kernel. A parse error is
 * counted by kind and the frame passed: keg never drops by mistake.
 *
 * keg_tc (clsact egress): the same parser over outgoing packets, then the
 * shaping classifier (keg_classify.h): skb->priority = the customer's HTB
 * leaf, skb->hash = the innermost flow. The verdict is left to whatever
 * comes next (TC_ACT_UNSPEC).
 *
 * keg_tc_reply (clsact ingress, only where kegctl sets KEG_CFG_REPLY_TC,
 * i.e. native XDP on veth): answers the ARP requests and NSes keg_xdp
 * passed, with the same decision, and sends the reply out of the same
 * interface (keg_reply_tc.h).
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
#include "keg_reply_tc.h"
#include "keg_intercept.bpf.h"
#include "keg_classify.h"

/* Declared and explained in keg_intercept.bpf.h: global functions live in
 * a .c file. */
__noinline int icpt_walk(struct keg_icpt_bits *s, struct keg_icpt_bits *d)
{
	struct icpt_scan *st = icpt_scan_get();
	struct icpt_pair pr = { .s = s, .d = d };

	if (!st || !s || !d)
		return 0;
	st->si = 0;
	st->sw = s->summary[0] & d->summary[0];
	st->m = 0;
	bpf_loop(KEG_ICPT_MAX_RULES + KEG_ICPT_WORDS + KEG_ICPT_SUMMARY + 1, icpt_step, &pr, 0);
	return 0;
}

__noinline __u32 icpt_classify(const struct keg_l3l4 *l, __u32 match,
			       __u32 best)
{
	struct icpt_scan *st = icpt_scan_get();
	struct keg_icpt_bits *bs, *bd;
	int dir;

	if (!st || !l)
		return best;
	__builtin_memset(st, 0, sizeof(*st));
	st->proto = icpt_proto_bit(l->proto);
	if (!st->proto)
		return best;
	st->match = match;
	st->family = l->family;
	st->l4 = l->l4_off && st->proto != KEG_ICPT_P_ICMP;
	st->best = best;
	for (dir = 0; dir < 2; dir++) {
		bs = icpt_trie(true, l->family, match, dir ? l->daddr : l->saddr);
		if (!bs)
			continue;
		bd = icpt_trie(false, l->family, match, dir ? l->saddr : l->daddr);
		if (!bd)
			continue;
		st->sport = bpf_ntohs(dir ? l->dport : l->sport);
		st->dport = bpf_ntohs(dir ? l->sport : l->dport);
		icpt_walk(bs, bd);
	}
	return st->best;
}

/* Declared and explained in keg_subnets.h: global, so verified once. */
__noinline int keg_subnet4_plen(__be32 addr)
{
	return keg_subnet4_plen_body(addr);
}

__noinline int keg_subnet6_plen(__be32 w0, __be32 w1, __be32 w2, __be32 w3)
{
	return keg_subnet6_plen_body(w0, w1, w2, w3);
}

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
	r = keg_parse(ctx, KEG_SCRATCH_XDP);
	if (!r)
		return XDP_PASS;
	if (r->error) {
		keg_stat_inc(s, r->error);
		return XDP_PASS;
	}
	keg_stats_count_parse(s, r);

	/* Neighbour discovery is answered on the link only, not in tunnels;
	 * from tc ingress (keg_tc_reply) where XDP_TX would not arrive. */
	if (r->depth == 0) {
		bool arp = r->eth_proto == ETH_P_ARP;
		bool ns = r->outer.family == IPV6_VERSION &&
			  r->outer.proto == IPPROTO_ICMPV6 &&
			  r->outer.icmp_type == NDISC_NEIGHBOUR_SOLICITATION;

		if (arp || ns) {
			struct keg_config *cfg = keg_config_get();

			if (cfg && (cfg->flags & KEG_CFG_REPLY_TC))
				return XDP_PASS;
			return arp ? keg_proxy_arp(ctx, r, cfg, s) :
				     keg_proxy_ndp(ctx, r, cfg, s);
		}
	}
	/* Intercept rules: steer matched flows into kegd (keg_intercept.bpf.h). */
	return keg_intercept(ctx, r, s);
}

SEC("tc")
int keg_tc(struct __sk_buff *skb)
{
	struct keg_stats *s = keg_stats_get();
	struct keg_parse_result *r;
	__u32 lin = skb->data_end - skb->data;

	if (s) {
		s->tc_packets++;
		s->tc_bytes += skb->len;
	}
	/* The parser sees the linear part only: make the headers of a short
	 * one (forwarded, tunnelled) linear first. */
	if (lin < KEG_TC_PULL_LEN && lin < skb->len)
		bpf_skb_pull_data(skb, skb->len < KEG_TC_PULL_LEN ? skb->len :
								  KEG_TC_PULL_LEN);
	r = keg_parse(skb, KEG_SCRATCH_TC);
	if (r)
		keg_classify(skb, r);
	/* No verdict of our own: filters behind keg's still run. */
	return TC_ACT_UNSPEC;
}

SEC("tc")
int keg_tc_reply(struct __sk_buff *skb)
{
	return keg_reply_tc(skb, keg_config_get());
}

char LICENSE[] SEC("license") = "GPL";
