/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_proxy_arp.h - answer ARP requests for every address of the proxied
 * IPv4 prefixes except the customers of this interface, with the
 * interface's MAC, by turning the request into the reply in place (XDP_TX).
 * Anything not answered goes to the kernel untouched, counted by reason.
 * The decision and the rewrite are separate so that the tc reply path
 * (keg_reply_tc.h) uses the same two.
 */
#ifndef KEG_PROXY_ARP_H
#define KEG_PROXY_ARP_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include "keg_consts.h"
#include "keg_maps.bpf.h"
#include "keg_stats.h"
#include "keg_subnets.h"
#include "keg_parse_result.h"

/* ARP for Ethernet/IPv4 (RFC 826): the only kind keg answers. */
struct keg_arp_eth4 {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__be32 spa;
	__u8 tha[ETH_ALEN];
	__be32 tpa;
} __attribute__((packed));

/* Largest offset of the ARP header: Ethernet plus two VLAN tags. */
#define KEG_MAX_L3_OFF (ETH_HLEN + KEG_MAX_VLANS * 4)

/* Whether a lies in the prefix of length plen around b. */
static __always_inline bool keg_same_prefix4(__be32 a, __be32 b, __u32 plen)
{
	__u32 diff = bpf_ntohl(a ^ b);

	if (plen == 0)
		return true;
	if (plen >= 32)
		return diff == 0;
	return (diff >> (32 - plen)) == 0;
}

/* Whether the sender of a request for an address of the prefix of length
 * plen is inside a proxied prefix: the target's own prefix answers most of
 * the time without a second search. */
static __always_inline bool keg_sender_in_subnets4(__be32 sender, __be32 target,
						   __u32 plen)
{
	if (keg_same_prefix4(sender, target, plen))
		return true;
	return keg_subnet4_plen(sender) >= 0;
}

/* Whether addr is a proxy address of this interface (keg_proxy.h). */
static __always_inline bool keg_proxy_addr4(__be32 addr)
{
	struct keg_proxy_key k = { .family = 4 };

	__builtin_memcpy(k.addr, &addr, sizeof(addr));
	return bpf_map_lookup_elem(&KEG_MAP_PROXIES, &k) != NULL;
}

/*
 * The decision, on the frame at [data, data_end) whose ARP header starts at
 * l3_off: the request to answer, or NULL with the reason counted. Reads
 * only, so the XDP program and the tc reply path (keg_reply_tc.h) share it.
 */
static __always_inline struct keg_arp_eth4 *
keg_arp_to_answer(void *data, void *data_end, __u32 l3_off,
		  const struct keg_config *cfg, struct keg_stats *s)
{
	struct keg_customer4_key cust;
	struct keg_arp_eth4 *arp;
	int plen;
	struct ethhdr *eth = data;
	__be32 sender, target;

	if ((void *)(eth + 1) > data_end || l3_off > KEG_MAX_L3_OFF)
		return NULL;
	arp = data + l3_off;
	if ((void *)(arp + 1) > data_end) {
		keg_stat_inc(s, KEG_STAT_err_trunc_arp);
		return NULL;
	}
	if (arp->htype != BE_ARP_HRD_ETHER || arp->ptype != BE_ETH_P_IP ||
	    arp->hlen != ARP_HLEN_ETHER || arp->plen != ARP_PLEN_IPV4) {
		keg_stat_inc(s, KEG_STAT_arp_malformed);
		return NULL;
	}
	if (arp->op != BE_ARP_OP_REQUEST) {
		keg_stat_inc(s, KEG_STAT_arp_not_request);
		return NULL;
	}
	keg_stat_inc(s, KEG_STAT_arp_requests);
	if (!cfg || !(cfg->flags & KEG_CFG_PROXY_ARP)) {
		keg_stat_inc(s, KEG_STAT_arp_disabled);
		return NULL;
	}
	sender = arp->spa;
	target = arp->tpa;
	if (sender == target) {
		keg_stat_inc(s, KEG_STAT_arp_gratuitous);
		return NULL;
	}
	/* A proxy address (kegctl refuses one that is a customer) is answered
	 * whoever asks. It is looked up only where the request would
	 * otherwise be refused: the answers for the prefixes pay nothing for
	 * it (one hash lookup, ~9 ns in make bench, where it was taken). */
	plen = keg_subnet4_plen(target);
	if (plen < 0) {
		if (keg_proxy_addr4(target))
			return arp;
		keg_stat_inc(s, KEG_STAT_arp_target_outside);
		return NULL;
	}
	/* 0.0.0.0 is an address probe (RFC 5227): answering tells the prober
	 * the address is taken, which it is, by the proxy. */
	if (sender && !keg_sender_in_subnets4(sender, target, plen)) {
		if (keg_proxy_addr4(target))
			return arp;
		keg_stat_inc(s, KEG_STAT_arp_sender_outside);
		return NULL;
	}
	cust.addr = target;
	if (bpf_map_lookup_elem(&KEG_MAP_CUSTOMERS4, &cust)) {
		keg_stat_inc(s, KEG_STAT_arp_target_assigned);
		return NULL;
	}
	return arp;
}

/* The request becomes the reply, in the frame or in a copy of its two MAC
 * addresses (macs: destination, source) and ARP header. VLAN tags are not
 * touched. */
static __always_inline void keg_arp_make_reply(__u8 *macs,
					       struct keg_arp_eth4 *arp,
					       const __u8 *mac)
{
	__be32 sender = arp->spa;

	__builtin_memcpy(macs, macs + ETH_ALEN, ETH_ALEN);
	__builtin_memcpy(macs + ETH_ALEN, mac, ETH_ALEN);
	arp->op = BE_ARP_OP_REPLY;
	__builtin_memcpy(arp->tha, arp->sha, ETH_ALEN);
	__builtin_memcpy(arp->sha, mac, ETH_ALEN);
	arp->spa = arp->tpa;
	arp->tpa = sender;
}

static __always_inline int keg_proxy_arp(struct xdp_md *ctx,
					 const struct keg_parse_result *r,
					 const struct keg_config *cfg,
					 struct keg_stats *s)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct keg_arp_eth4 *arp;

	arp = keg_arp_to_answer(data, data_end, r->l3_off, cfg, s);
	if (!arp || !cfg || data + ETH_HLEN > data_end)
		return XDP_PASS;
	keg_arp_make_reply(data, arp, cfg->mac);
	keg_stat_inc(s, KEG_STAT_arp_replied);
	return XDP_TX;
}

#endif /* KEG_PROXY_ARP_H */
