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
 *     qdiscs tell flows inside one tunnel apart;
 *   - counts the packet per leaf in keg_leafstats.
 * It never drops and never changes the packet's bytes.
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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, KEG_LEAFSTATS_SIZE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct keg_leaf_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_LEAFSTATS SEC(".maps");

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
		struct keg_customer6_key k6;

		__builtin_memcpy(k6.addr, a, sizeof(k6.addr));
		return bpf_map_lookup_elem(&KEG_MAP_CUSTOMERS6, &k6);
	}
	return NULL;
}

/* MurmurHash3 (x86, 32-bit): the block mix's multipliers, rotations and
 * step, and the finaliser's multipliers and shifts, as its author published
 * them; the flow hash only needs a good spread, not the exact algorithm. */
#define MM3_C1        0xcc9e2d51U
#define MM3_C2        0x1b873593U
#define MM3_R1        15
#define MM3_R2        13
#define MM3_M         5
#define MM3_N         0xe6546b64U
#define MM3_F1        0x85ebca6bU
#define MM3_F2        0xc2b2ae35U
#define MM3_S1        16
#define MM3_S2        13
#define U32_BITS      32
#define KEG_HASH_SEED 0x6b6567U	/* "keg" */

static __always_inline __u32 keg_rotl32(__u32 v, int r)
{
	return (v << r) | (v >> (U32_BITS - r));
}

static __always_inline __u32 keg_mix(__u32 h, __u32 v)
{
	v *= MM3_C1;
	v = keg_rotl32(v, MM3_R1);
	v *= MM3_C2;
	h ^= v;
	h = keg_rotl32(h, MM3_R2);
	return h * MM3_M + MM3_N;
}

/* murmur3-style hash of the innermost 5-tuple; never 0 (0 = "no hash").
 * IPv6 addresses are XOR-folded to one word each first: four rounds
 * instead of ten (the hash was half of the classifier's cost). Ports and
 * protocol/family are packed two to a word (16 + 16, 8 + 8 bits). */
static __always_inline __u32 keg_flow_hash(const struct keg_l3l4 *l)
{
	__u32 h = KEG_HASH_SEED;
	__u32 s = l->saddr[0] ^ l->saddr[1] ^ l->saddr[2] ^ l->saddr[3];
	__u32 d = l->daddr[0] ^ l->daddr[1] ^ l->daddr[2] ^ l->daddr[3];

	h = keg_mix(h, s);
	h = keg_mix(h, d);
	h = keg_mix(h, ((__u32)l->sport << 16) | l->dport);
	h = keg_mix(h, ((__u32)l->proto << 8) | l->family);
	h ^= h >> MM3_S1;
	h *= MM3_F1;
	h ^= h >> MM3_S2;
	h *= MM3_F2;
	h ^= h >> MM3_S1;
	return h ? h : 1;
}

static __always_inline void keg_classify(struct __sk_buff *skb,
					 const struct keg_parse_result *r)
{
	struct keg_customer *cust = NULL;
	struct keg_leaf_stats *ls, nls = { 0 };
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
	ls = bpf_map_lookup_elem(&KEG_MAP_LEAFSTATS, &leaf);
	if (ls) {
		ls->packets++;
		ls->bytes += skb->len;
	} else {
		nls.packets = 1;
		nls.bytes = skb->len;
		bpf_map_update_elem(&KEG_MAP_LEAFSTATS, &leaf, &nls, BPF_NOEXIST);
	}
}

#endif /* KEG_CLASSIFY_H */
