/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_classify.h - the tc egress classifier for per-customer shaping.
 *
 * API: keg_classify(skb, r) with r the result of keg_parse() over the
 * packet. When keg_shape[0] has KEG_SHAPE_ON it
 *   - finds the customer: by destination on the customer-facing interface
 *     (download), by source anywhere else (upload on the uplink); the
 *     innermost address first, then the outermost (a tunnel endpoint can be
 *     the customer), or the outermost only with KEG_SHAPE_MATCH_OUTER;
 *   - picks its interactive or bulk leaf (keg_is_interactive()), or the
 *     default class's for a non-customer, and writes the leaf's HTB class
 *     id to skb->priority;
 *   - sets skb->hash from the innermost 5-tuple so that flow-fair leaf
 *     qdiscs tell flows inside one tunnel apart.
 * It never drops and never changes the packet's bytes. It counts nothing
 * per leaf: each leaf is an HTB class, which counts its packets, bytes
 * and drops itself; kegctl reads those (issue 12: a per-leaf map of our
 * own cost a hash lookup per packet, a fifth of the classifier).
 */
#ifndef KEG_CLASSIFY_H
#define KEG_CLASSIFY_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "keg_consts.h"
#include "keg_maps.bpf.h"
#include "keg_parse_result.h"
#include "keg_shape.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_shape_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_SHAPE SEC(".maps");

/* DSCP code points of latency-sensitive classes (RFC 4594). */
#define DSCP_CS5  40
#define DSCP_CS6  48
#define DSCP_CS7  56
#define DSCP_EF   46
#define DSCP_AF41 34
#define DSCP_AF42 36
#define DSCP_AF43 38
#define BE_DNS_PORT bpf_htons(53)

/* Bytes keg_tc makes linear before parsing: two tunnel levels with IPv6
 * and TCP options fit. */
#ifndef KEG_TC_PULL_LEN
#define KEG_TC_PULL_LEN 256
#endif

static __always_inline bool keg_dscp_interactive(__u8 dscp)
{
	return dscp == DSCP_EF || dscp == DSCP_CS5 || dscp == DSCP_CS6 ||
	       dscp == DSCP_CS7 || dscp == DSCP_AF41 || dscp == DSCP_AF42 ||
	       dscp == DSCP_AF43;
}

static __always_inline bool keg_port_listed(const struct keg_shape_cfg *cfg,
					    __be16 sport, __be16 dport)
{
	int i;

#pragma unroll
	for (i = 0; i < KEG_SHAPE_PORTS; i++) {
		__be16 p = cfg->ports[i];

		if (!p)
			break;
		if (p == sport || p == dport)
			return true;
	}
	return false;
}

/* Interactive: ICMP/ICMPv6, DNS, TCP without payload (pure ACK, SYN, FIN,
 * RST), a latency DSCP, a listed port, or a small innermost packet. Judged
 * on the innermost headers; a later fragment (no L4 header) only by DSCP
 * and size. */
static __always_inline bool keg_is_interactive(const struct keg_shape_cfg *cfg,
					       const struct keg_l3l4 *l,
					       __u32 pkt_len)
{
	if (keg_dscp_interactive(l->dscp))
		return true;
	if (cfg->small_size && pkt_len > l->l3_off &&
	    pkt_len - l->l3_off <= cfg->small_size)
		return true;
	if (l->frag == KEG_FRAG_LATER)
		return false;
	switch (l->proto) {
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return true;
	case IPPROTO_TCP:
		if (l->l4_off && l->payload_len == 0)
			return true;
		break;
	case IPPROTO_UDP:
		break;
	default:
		return false;
	}
	if (!l->l4_off)
		return false;
	if (l->sport == BE_DNS_PORT || l->dport == BE_DNS_PORT)
		return true;
	return keg_port_listed(cfg, l->sport, l->dport);
}

/* The customer whose address is l's source (up) or destination (down). */
static __always_inline struct keg_customer *
keg_shape_customer(const struct keg_l3l4 *l, bool up)
{
	const __be32 *a = up ? l->saddr : l->daddr;

	if (l->family == IPV4_VERSION) {
		struct keg_customer4_key k4 = { .addr = a[0] };

		return bpf_map_lookup_elem(&KEG_MAP_CUSTOMERS4, &k4);
	}
	if (l->family == IPV6_VERSION) {
		/* Word by word: copied into the key's byte array, the address
		 * went byte by byte (64 instructions instead of 8). */
		__be32 k6[IPV6_ADDR_WORDS] = { a[0], a[1], a[2], a[3] };

		_Static_assert(sizeof(k6) == sizeof(struct keg_customer6_key),
			       "an IPv6 customer key is the address alone");
		return bpf_map_lookup_elem(&KEG_MAP_CUSTOMERS6, k6);
	}
	return NULL;
}

/* The flow hash: the 5-tuple in two 64-bit words, each multiplied by its
 * own odd constant (a bijection, so no two values of one word collide),
 * the products added, then the finaliser of MurmurHash3's 64-bit variant
 * (fmix64: its multipliers and shifts as its author published them) so
 * that every output bit depends on every input bit, whichever bits a
 * leaf qdisc picks its queue from (fq_codel: the high ones). The two
 * products are independent, so the chain is about half as long as that of
 * the 32-bit block-by-block hash used before (issue 12: the hash was over
 * a third of the classifier's cost). */
#define KEG_HASH_K1   0x9e3779b97f4a7c15ULL	/* 2^64 / golden ratio, odd */
#define KEG_HASH_K2   0xc2b2ae3d27d4eb4fULL	/* xxHash64's PRIME64_2, odd */
#define FMIX64_M1     0xff51afd7ed558ccdULL
#define FMIX64_M2     0xc4ceb9fe1a85ec53ULL
#define FMIX64_SHIFT  33
#define U32_BITS      32

/* Hash of the innermost 5-tuple; never 0 (0 = "no hash"). IPv6 addresses
 * are XOR-folded to one word each first. */
static __always_inline __u32 keg_flow_hash(const struct keg_l3l4 *l)
{
	__u32 s = l->saddr[0] ^ l->saddr[1] ^ l->saddr[2] ^ l->saddr[3];
	__u32 d = l->daddr[0] ^ l->daddr[1] ^ l->daddr[2] ^ l->daddr[3];
	__u64 addrs = ((__u64)s << U32_BITS) | d;
	__u64 rest = ((__u64)l->sport << 48) | ((__u64)l->dport << U32_BITS) |
		     ((__u32)l->proto << 8) | l->family;
	__u64 h = addrs * KEG_HASH_K1 + rest * KEG_HASH_K2;
	__u32 h32;

	h ^= h >> FMIX64_SHIFT;
	h *= FMIX64_M1;
	h ^= h >> FMIX64_SHIFT;
	h *= FMIX64_M2;
	h ^= h >> FMIX64_SHIFT;
	h32 = (__u32)h;
	return h32 ? h32 : 1;
}

static __always_inline void keg_classify(struct __sk_buff *skb,
					 const struct keg_parse_result *r)
{
	struct keg_customer *cust = NULL;
	struct keg_shape_cfg *cfg;
	__u32 zero = 0, parent, leaf;
	bool up;

	cfg = bpf_map_lookup_elem(&KEG_MAP_SHAPE, &zero);
	if (!cfg || !(cfg->flags & KEG_SHAPE_ON))
		return;
	up = skb->ifindex != cfg->down_ifindex;
	if (!r->error || r->inner.family) {
		if (!(cfg->flags & KEG_SHAPE_MATCH_OUTER) && r->depth)
			cust = keg_shape_customer(&r->inner, up);
		if (!cust)
			cust = keg_shape_customer(&r->outer, up);
	}
	parent = cust && cust->class_id ? cust->class_id : cfg->default_class;
	if (!parent)
		return;
	/* Non-IP (ARP) and anything that did not parse goes with the
	 * interactive leaf only when it is small: ARP must not wait. */
	if (cfg->flags & KEG_SHAPE_NO_INTERACT)
		leaf = parent + KEG_LEAF_BULK;
	else if (!r->inner.family)
		leaf = parent + (r->eth_proto == ETH_P_ARP ? KEG_LEAF_INTERACTIVE :
							    KEG_LEAF_BULK);
	else if (keg_is_interactive(cfg, &r->inner, skb->len))
		leaf = parent + KEG_LEAF_INTERACTIVE;
	else
		leaf = parent + KEG_LEAF_BULK;
	skb->priority = leaf;
	if (!(cfg->flags & KEG_SHAPE_NO_HASH) && r->inner.family && !r->error)
		bpf_set_hash(skb, keg_flow_hash(&r->inner));
}

#endif /* KEG_CLASSIFY_H */
