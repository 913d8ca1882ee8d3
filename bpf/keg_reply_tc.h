/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_reply_tc.h - proxy-ARP and proxy-NDP answered from tc ingress, for
 * interfaces where a frame sent back with XDP_TX does not reach the other
 * end: on veth, a native-mode XDP_TX is delivered only when the peer runs
 * an XDP program of its own, which an operator cannot ask of a customer's
 * container. kegctl then sets KEG_CFG_REPLY_TC: keg_xdp passes ARP requests
 * and Neighbor Solicitations to the stack uncounted, and keg_tc_reply (clsact
 * ingress) takes the same decision with the same code and counters
 * (keg_arp_to_answer, keg_ns_to_answer), builds the same reply
 * (keg_arp_make_reply, keg_na_make) and bpf_redirect()s it to the egress of
 * the interface it came in on, an ordinary transmit every device delivers.
 *
 * API: keg_reply_tc(skb) returns TC_ACT_REDIRECT with the reply in skb, or
 * TC_ACT_UNSPEC with skb untouched.
 *
 * Cost for everything else: one look at skb->protocol (for IPv6, one copy
 * of 35 header bytes) before anything is parsed. The program never writes
 * to the packet directly: a tc program that does gets a prologue un-cloning every
 * cloned skb it sees, every forwarded TCP segment among them. The reply is
 * built in a copy and stored with bpf_skb_store_bytes(), which makes only
 * that skb writable; its L3 part with BPF_F_RECOMPUTE_CSUM, so that a
 * CHECKSUM_COMPLETE sum received with the request stays true.
 */
#ifndef KEG_REPLY_TC_H
#define KEG_REPLY_TC_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "keg_parse.h"
#include "keg_stats.h"
#include "keg_proxy_arp.h"
#include "keg_proxy_ndp.h"

/* Linear bytes a request needs: tags, IPv6 header, the longest NS whose
 * checksum keg verifies. */
#define KEG_REPLY_PULL_LEN (KEG_MAX_L3_OFF + sizeof(struct ipv6hdr) + KEG_NS_MAX_LEN)
/* Where an untagged IPv6 header keeps its next header and, right behind
 * it, the ICMPv6 type. */
#define KEG_IP6_NEXTHDR_OFF (ETH_HLEN + __builtin_offsetof(struct ipv6hdr, nexthdr))
#define KEG_IP6_ICMP_TYPE_OFF (ETH_HLEN + sizeof(struct ipv6hdr))
#define KEG_MACS_LEN (2 * ETH_ALEN)

/* Whether the frame may be a request keg_xdp would have looked at: ARP, an
 * IPv6 header followed by an NS or an extension header, or a tag the stack
 * left in the frame (the outer one is in skb->vlan_tci by now). The parser
 * sorts out the rest. */
static __always_inline bool keg_reply_candidate(struct __sk_buff *skb)
{
	__u8 ip6[KEG_IP6_ICMP_TYPE_OFF + 1 - KEG_IP6_NEXTHDR_OFF];

	switch (skb->protocol) {
	case BE_ETH_P_ARP:
	case BE_ETH_P_8021Q:
	case BE_ETH_P_8021AD:
		return true;
	case BE_ETH_P_IPV6:
		break;
	default:
		return false;
	}
	/* One copy, wherever the bytes are (linear or not). */
	if (bpf_skb_load_bytes(skb, KEG_IP6_NEXTHDR_OFF, ip6, sizeof(ip6)))
		return false;
	switch (ip6[0]) {
	case IPPROTO_ICMPV6:
		return ip6[sizeof(ip6) - 1] == NDISC_NEIGHBOUR_SOLICITATION;
	case NEXTHDR_HOP:
	case NEXTHDR_ROUTING:
	case NEXTHDR_DEST:
	case NEXTHDR_FRAGMENT:
		/* An NS behind these is refused, and counted as in XDP. */
		return true;
	}
	return false;
}

/* The MAC addresses of the frame into macs, or -1. */
static __always_inline int keg_load_macs(struct __sk_buff *skb, __u8 *macs)
{
	return bpf_skb_load_bytes(skb, 0, macs, KEG_MACS_LEN) ? -1 : 0;
}

/* Store the reply's MACs (outside any checksum) and its L3 part. */
static __always_inline int keg_store_reply(struct __sk_buff *skb, __u8 *macs,
					   __u32 l3_off, void *l3, __u32 len)
{
	if (bpf_skb_store_bytes(skb, 0, macs, KEG_MACS_LEN, 0))
		return -1;
	return bpf_skb_store_bytes(skb, l3_off, l3, len, BPF_F_RECOMPUTE_CSUM) ? -1 : 0;
}

static __always_inline int keg_reply_tc_arp(struct __sk_buff *skb,
					    const struct keg_parse_result *r,
					    const struct keg_config *cfg,
					    struct keg_stats *s)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct keg_arp_eth4 *req, arp;
	__u8 macs[KEG_MACS_LEN];
	__u32 l3_off = r->l3_off;

	req = keg_arp_to_answer(data, data_end, l3_off, cfg, s);
	if (!req || !cfg || l3_off > KEG_MAX_L3_OFF)
		return TC_ACT_UNSPEC;
	arp = *req;
	if (keg_load_macs(skb, macs))
		return TC_ACT_UNSPEC;
	keg_arp_make_reply(macs, &arp, cfg->mac);
	if (keg_store_reply(skb, macs, l3_off, &arp, sizeof(arp)))
		return TC_ACT_UNSPEC;
	keg_stat_inc(s, KEG_STAT_arp_replied);
	return bpf_redirect(skb->ifindex, 0);
}

static __always_inline int keg_reply_tc_ndp(struct __sk_buff *skb,
					    const struct keg_parse_result *r,
					    const struct keg_config *cfg,
					    struct keg_stats *s)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 l3_off = r->l3_off;
	__u8 macs[KEG_MACS_LEN];
	struct keg_ns_req req;
	struct keg_na na;
	int delta;

	if (!keg_ns_to_answer(data, data_end, r, cfg, s, &req) || !cfg ||
	    l3_off > KEG_MAX_L3_OFF)
		return TC_ACT_UNSPEC;
	delta = keg_na_delta(l3_off, skb->len);
	if (delta && bpf_skb_change_tail(skb, skb->len + delta, 0)) {
		keg_stat_inc(s, KEG_STAT_ns_tx_failed);
		return TC_ACT_UNSPEC;
	}
	keg_na_make(macs, &na, &req, cfg->mac);
	/* From here on a failure leaves a half-written frame: drop it. */
	if (keg_store_reply(skb, macs, l3_off, &na, sizeof(na))) {
		keg_stat_inc(s, KEG_STAT_ns_tx_failed);
		return TC_ACT_SHOT;
	}
	keg_stat_inc(s, KEG_STAT_ns_replied);
	return bpf_redirect(skb->ifindex, 0);
}

static __always_inline int keg_reply_tc(struct __sk_buff *skb,
					const struct keg_config *cfg)
{
	struct keg_parse_result *r;
	struct keg_stats *s;
	__u32 lin;

	if (!cfg || !(cfg->flags & KEG_CFG_REPLY_TC) || !keg_reply_candidate(skb))
		return TC_ACT_UNSPEC;
	/* An NS is verified over its whole length, from the linear part. */
	lin = skb->data_end - skb->data;
	if (lin < KEG_REPLY_PULL_LEN && lin < skb->len)
		bpf_skb_pull_data(skb, skb->len < KEG_REPLY_PULL_LEN ?
					       skb->len : KEG_REPLY_PULL_LEN);
	r = keg_parse(skb, KEG_SCRATCH_TC);
	/* Parse errors and tunnels were counted by keg_xdp already. */
	if (!r || r->error || r->depth)
		return TC_ACT_UNSPEC;
	s = keg_stats_get();
	if (r->eth_proto == ETH_P_ARP)
		return keg_reply_tc_arp(skb, r, cfg, s);
	if (r->outer.family == IPV6_VERSION &&
	    r->outer.proto == IPPROTO_ICMPV6 &&
	    r->outer.icmp_type == NDISC_NEIGHBOUR_SOLICITATION)
		return keg_reply_tc_ndp(skb, r, cfg, s);
	return TC_ACT_UNSPEC;
}

#endif /* KEG_REPLY_TC_H */
