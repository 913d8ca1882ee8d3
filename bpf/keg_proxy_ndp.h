/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_proxy_ndp.h - answer IPv6 Neighbor Solicitations for every address of
 * the proxied IPv6 prefixes except the customers of this interface, with a
 * proxy Neighbor Advertisement (RFC 4861 §7.2.8: Solicited set, Override
 * clear, Target Link-Layer Address option) built in place and sent with
 * XDP_TX. Anything not answered goes to the kernel untouched, counted.
 * The decision and the building of the NA are separate so that the tc reply
 * path (keg_reply_tc.h) uses the same two.
 */
#ifndef KEG_PROXY_NDP_H
#define KEG_PROXY_NDP_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include "keg_consts.h"
#include "keg_csum.h"
#include "keg_maps.bpf.h"
#include "keg_stats.h"
#include "keg_subnets.h"
#include "keg_parse_result.h"
#include "keg_proxy_arp.h"	/* KEG_MAX_L3_OFF */

/* Neighbor Solicitation / Advertisement body (RFC 4861 §4.3, §4.4). */
struct keg_nd_msg {
	__u8 type;
	__u8 code;
	__u16 csum;
	__be32 flags;		/* NA: R S O; NS: reserved */
	struct in6_addr target;
};

/* The one option keg sends: Target Link-Layer Address. */
struct keg_nd_opt_lladdr {
	__u8 type;
	__u8 len;		/* in units of 8 octets */
	__u8 addr[ETH_ALEN];
};

#define KEG_NA_LEN (sizeof(struct keg_nd_msg) + sizeof(struct keg_nd_opt_lladdr))
/* Longest NS whose checksum keg verifies (options included). */
#define KEG_NS_MAX_LEN 256
#define KEG_NS_CHUNK   8	/* NS length is a multiple of 8 */

/* The length of the longest proxied prefix holding addr, or -1. */
static __always_inline int keg_subnet6_of(const struct in6_addr *addr)
{
	return keg_subnet6_plen(addr->in6_u.u6_addr32[0], addr->in6_u.u6_addr32[1],
				addr->in6_u.u6_addr32[2], addr->in6_u.u6_addr32[3]);
}

/* Whether a lies in the prefix of length plen around b. */
static __always_inline bool keg_same_prefix6(const struct in6_addr *a,
					     const struct in6_addr *b,
					     __u32 plen)
{
	int i;

	for (i = 0; i < IPV6_ADDR_WORDS; i++) {
		__u32 bits = plen > IPV4_ADDR_BITS ? IPV4_ADDR_BITS : plen;

		if (bits && !keg_same_prefix4(a->in6_u.u6_addr32[i],
					      b->in6_u.u6_addr32[i], bits))
			return false;
		plen -= bits;
	}
	return true;
}

static __always_inline bool keg_ipv6_is_unspec(const struct in6_addr *a)
{
	return !(a->in6_u.u6_addr32[0] | a->in6_u.u6_addr32[1] |
		 a->in6_u.u6_addr32[2] | a->in6_u.u6_addr32[3]);
}

static __always_inline bool keg_ipv6_is_linklocal(const struct in6_addr *a)
{
	return a->in6_u.u6_addr8[0] == 0xfe &&
	       (a->in6_u.u6_addr8[1] & 0xc0) == 0x80;
}

/* One's-complement sum of the ICMPv6 message at msg, len bytes. */
static __always_inline __u64 keg_icmp6_sum(void *msg, void *data_end,
					   __u32 len, __u64 sum)
{
	int i;

	for (i = 0; i < KEG_NS_MAX_LEN / KEG_NS_CHUNK; i++) {
		void *p = msg + i * KEG_NS_CHUNK;

		if (i * KEG_NS_CHUNK >= len || p + KEG_NS_CHUNK > data_end)
			break;
		sum = bpf_csum_diff(NULL, 0, p, KEG_NS_CHUNK, sum);
	}
	return sum;
}

static __always_inline __u64 keg_pseudo_sum(const struct in6_addr *saddr,
					    const struct in6_addr *daddr,
					    __u32 len)
{
	struct keg_ipv6_pseudo ph = {
		.len = bpf_htonl(len),
		.nexthdr = IPPROTO_ICMPV6,
	};

	ph.saddr = *saddr;
	ph.daddr = *daddr;
	return bpf_csum_diff(NULL, 0, (void *)&ph, sizeof(ph), 0);
}

/* Whether a is a proxy address of this interface (keg_proxy.h). */
static __always_inline bool keg_proxy_addr6(const struct in6_addr *a)
{
	struct keg_proxy_key k = { .family = 6 };

	__builtin_memcpy(k.addr, a, sizeof(k.addr));
	return bpf_map_lookup_elem(&KEG_MAP_PROXIES, &k) != NULL;
}

static __always_inline bool keg_ipv6_is_solicited_node(const struct in6_addr *a)
{
	return a->in6_u.u6_addr32[0] == BE_IPV6_MCAST_LINK_PREFIX &&
	       a->in6_u.u6_addr32[1] == 0 &&
	       a->in6_u.u6_addr32[2] == BE_IPV6_SOLICITED_NODE_WORD2 &&
	       a->in6_u.u6_addr8[12] == IPV6_SOLICITED_NODE_BYTE12;
}

/* RFC 4861 §7.1.1 on the options of an NS of len bytes: each option has a
 * non-zero length and the last ends where the message ends; a DAD probe
 * (source ::) goes to a solicited-node address and carries no Source
 * Link-Layer Address option. True when the NS must be discarded. */
static __always_inline bool keg_ns_options_invalid(struct ipv6hdr *ip6,
						   struct keg_nd_msg *ns,
						   __u32 len, void *data_end)
{
	__u32 off = sizeof(*ns);
	bool sllao = false;
	int i;

	for (i = 0; i < (KEG_NS_MAX_LEN - sizeof(*ns)) / ND_OPT_LEN_UNIT; i++) {
		__u8 *opt;

		if (off >= len)
			break;
		if (off > KEG_NS_MAX_LEN)
			return true;
		opt = (void *)ns + off;
		if ((void *)(opt + ND_OPT_HDR_LEN) > data_end || opt[ND_OPT_LEN_OFF] == 0)
			return true;
		if (opt[ND_OPT_TYPE_OFF] == ND_OPT_SOURCE_LL_ADDR)
			sllao = true;
		off += opt[ND_OPT_LEN_OFF] * ND_OPT_LEN_UNIT;
	}
	if (off != len)
		return true;
	if (!keg_ipv6_is_unspec(&ip6->saddr))
		return false;
	return sllao || !keg_ipv6_is_solicited_node(&ip6->daddr);
}

/* Checks of RFC 4861 §7.1.1 that keg relies on before answering; returns
 * the counter of the first failed check, or 0. */
static __always_inline __u32 keg_ns_invalid(struct ipv6hdr *ip6,
					    struct keg_nd_msg *ns,
					    void *data_end)
{
	__u32 len = bpf_ntohs(ip6->payload_len);

	if (ip6->hop_limit != NDISC_HOP_LIMIT)
		return KEG_STAT_ns_bad_hop_limit;
	if (ns->code != 0 || len < sizeof(*ns) || len % KEG_NS_CHUNK ||
	    len > KEG_NS_MAX_LEN || (void *)ns + len > data_end ||
	    ns->target.in6_u.u6_addr8[0] == IPV6_MCAST_FIRST_BYTE ||
	    keg_ns_options_invalid(ip6, ns, len, data_end))
		return KEG_STAT_ns_malformed;
	if (keg_csum_fold(keg_icmp6_sum(ns, data_end, len,
					keg_pseudo_sum(&ip6->saddr,
						       &ip6->daddr, len))))
		return KEG_STAT_ns_bad_checksum;
	return 0;
}

/* What the answer to an NS needs from it, kept while the frame changes. */
struct keg_ns_req {
	struct in6_addr src;
	struct in6_addr target;
	__u8 requester[ETH_ALEN];	/* Ethernet source of the NS */
	__u8 dad;			/* source ::, RFC 4861 §7.2.4 */
	__u8 pad;
};

/* The proxy NA from its IPv6 header on: the same layout in the frame and
 * in the tc reply path's copy. */
struct keg_na {
	struct ipv6hdr ip6;
	struct keg_nd_msg nd;
	struct keg_nd_opt_lladdr opt;
};

/*
 * The decision, on the frame at [data, data_end) with an NS at depth 0:
 * true when keg answers it (req filled), else false with the reason
 * counted. Reads only, so the XDP program and the tc reply path
 * (keg_reply_tc.h) share it.
 */
static __always_inline bool keg_ns_to_answer(void *data, void *data_end,
					     const struct keg_parse_result *r,
					     const struct keg_config *cfg,
					     struct keg_stats *s,
					     struct keg_ns_req *req)
{
	struct keg_customer6_key cust;
	int plen;
	struct keg_nd_msg *nd;
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	__u32 l3_off = r->l3_off, bad;

	keg_stat_inc(s, KEG_STAT_ns_requests);
	/* Only an NS right behind the IPv6 header is answered. */
	if (r->outer.l4_off != l3_off + sizeof(*ip6)) {
		keg_stat_inc(s, KEG_STAT_ns_malformed);
		return false;
	}
	if (!cfg || !(cfg->flags & KEG_CFG_PROXY_NDP)) {
		keg_stat_inc(s, KEG_STAT_ns_disabled);
		return false;
	}
	eth = data;
	if ((void *)(eth + 1) > data_end || l3_off > KEG_MAX_L3_OFF)
		return false;
	ip6 = data + l3_off;
	nd = (void *)(ip6 + 1);
	if ((void *)(nd + 1) > data_end) {
		keg_stat_inc(s, KEG_STAT_ns_malformed);
		return false;
	}
	bad = keg_ns_invalid(ip6, nd, data_end);
	if (bad) {
		keg_stat_inc(s, bad);
		return false;
	}
	req->src = ip6->saddr;
	req->target = nd->target;
	/* A link-local target is never keg's: kegctl refuses such subnets,
	 * and one left by an older keg would answer the hosts' own
	 * duplicate-address probes and cost them IPv6 on the link. */
	if (keg_ipv6_is_linklocal(&req->target)) {
		keg_stat_inc(s, KEG_STAT_ns_target_outside);
		return false;
	}
	req->dad = keg_ipv6_is_unspec(&req->src);
	__builtin_memcpy(req->requester, eth->h_source, ETH_ALEN);
	/* A proxy address (kegctl refuses one that is a customer) is answered
	 * whoever asks; as for ARP, looked up only where the NS would
	 * otherwise be refused. */
	plen = keg_subnet6_of(&req->target);
	if (plen < 0) {
		if (keg_proxy_addr6(&req->target))
			return true;
		keg_stat_inc(s, KEG_STAT_ns_target_outside);
		return false;
	}
	/* As for ARP, the target's prefix usually holds the sender too. */
	if (!req->dad && !keg_ipv6_is_linklocal(&req->src) &&
	    !keg_same_prefix6(&req->src, &req->target, plen) &&
	    keg_subnet6_of(&req->src) < 0) {
		if (keg_proxy_addr6(&req->target))
			return true;
		keg_stat_inc(s, KEG_STAT_ns_sender_outside);
		return false;
	}
	__builtin_memcpy(cust.addr, &req->target, sizeof(cust.addr));
	if (bpf_map_lookup_elem(&KEG_MAP_CUSTOMERS6, &cust)) {
		keg_stat_inc(s, KEG_STAT_ns_target_assigned);
		return false;
	}
	return true;
}

/* The NA's length change: the frame ends exactly behind the option. */
static __always_inline int keg_na_delta(__u32 l3_off, __u32 frame_len)
{
	return (int)(l3_off + sizeof(struct keg_na)) - (int)frame_len;
}

/* Write the proxy NA (RFC 4861 §7.2.8; §7.2.4 for DAD) into macs
 * (destination, source) and na, in the frame or in a copy. */
static __always_inline void keg_na_make(__u8 *macs, struct keg_na *na,
					const struct keg_ns_req *req,
					const __u8 *mac)
{
	if (req->dad) {
		/* RFC 4861 §7.2.4: to all-nodes, Solicited clear. */
		static const __u8 all_nodes_mac[ETH_ALEN] = {
			0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };

		__builtin_memcpy(macs, all_nodes_mac, ETH_ALEN);
		__builtin_memset(&na->ip6.daddr, 0, sizeof(na->ip6.daddr));
		na->ip6.daddr.in6_u.u6_addr8[0] = 0xff;
		na->ip6.daddr.in6_u.u6_addr8[1] = 0x02;
		na->ip6.daddr.in6_u.u6_addr8[15] = 0x01;
		na->nd.flags = 0;
	} else {
		__builtin_memcpy(macs, req->requester, ETH_ALEN);
		na->ip6.daddr = req->src;
		na->nd.flags = BE_NA_FLAG_SOLICITED;
	}
	__builtin_memcpy(macs + ETH_ALEN, mac, ETH_ALEN);
	*(__be32 *)&na->ip6 = bpf_htonl(IPV6_VERSION << 28);	/* tc, flow 0 */
	na->ip6.payload_len = bpf_htons(KEG_NA_LEN);
	na->ip6.nexthdr = IPPROTO_ICMPV6;
	na->ip6.hop_limit = NDISC_HOP_LIMIT;
	na->ip6.saddr = req->target;
	na->nd.type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	na->nd.code = 0;
	na->nd.csum = 0;
	na->nd.target = req->target;
	na->opt.type = ND_OPT_TARGET_LL_ADDR;
	na->opt.len = sizeof(na->opt) / ND_OPT_LEN_UNIT;
	__builtin_memcpy(na->opt.addr, mac, ETH_ALEN);
	na->nd.csum = keg_csum_fold(bpf_csum_diff(NULL, 0, (void *)&na->nd,
			KEG_NA_LEN, keg_pseudo_sum(&na->ip6.saddr,
						   &na->ip6.daddr, KEG_NA_LEN)));
}

static __always_inline int keg_proxy_ndp(struct xdp_md *ctx,
					 const struct keg_parse_result *r,
					 const struct keg_config *cfg,
					 struct keg_stats *s)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 l3_off = r->l3_off;
	struct keg_ns_req req;
	struct keg_na *na;
	int delta;

	if (!keg_ns_to_answer(data, data_end, r, cfg, s, &req) || !cfg)
		return XDP_PASS;
	delta = keg_na_delta(l3_off, data_end - data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta)) {
		keg_stat_inc(s, KEG_STAT_ns_tx_failed);
		return XDP_PASS;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + ETH_HLEN > data_end || l3_off > KEG_MAX_L3_OFF)
		return XDP_PASS;
	na = data + l3_off;
	if ((void *)(na + 1) > data_end) {
		keg_stat_inc(s, KEG_STAT_ns_tx_failed);
		return XDP_PASS;
	}
	keg_na_make(data, na, &req, cfg->mac);
	keg_stat_inc(s, KEG_STAT_ns_replied);
	return XDP_TX;
}

#endif /* KEG_PROXY_NDP_H */
