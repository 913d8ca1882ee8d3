/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_parse.h - the one packet parser of keg, shared by the XDP and tc
 * programs.
 *
 * API: r = keg_parse(ctx, slot) walks the frame of ctx (an XDP or a tc
 * context) from the Ethernet header to the innermost L4 header, through VLAN tags and up to
 * KEG_MAX_TUN_DEPTH tunnels, and returns a struct keg_parse_result
 * (headers/keg_parse_result.h) that lives in the per-CPU scratch entry slot
 * (KEG_SCRATCH_XDP or KEG_SCRATCH_TC). r->error is 0, or the KEG_STAT_err_*
 * index naming what was truncated or malformed. r is NULL only if the
 * scratch map has no such entry (never; checked for the verifier). It never
 * writes to the packet and never fails otherwise, so a caller can count the
 * error and pass the frame to the kernel.
 *
 * Two parsers, one result: the fast path (keg_parse_fast.h), straight-line
 * code for the frames a gateway mostly carries, and the generic loop
 * below, which takes every frame the fast path gives up on.
 *
 * The generic loop's shape: a bounded loop over a small state machine, one header per
 * iteration. Each step checks its header against data_end once, right
 * before reading it, and says which header comes next. This keeps the
 * program small however tunnels nest (no per-level copies of the code).
 *
 * The cursor (where, what next, tunnel depth, ...) and the result live in
 * a per-CPU scratch map, not on the stack. Values read back from a map are
 * unknown to the verifier, so every iteration ends in the same abstract
 * state and the verifier walks each step once per iteration instead of
 * once per header sequence (on the stack, the constants it tracked made it
 * explore over 10^6 instructions and give up).
 */
#ifndef KEG_PARSE_H
#define KEG_PARSE_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "keg_consts.h"
#include "keg_maps.h"
#include "keg_parse_result.h"
#include "keg_parse_hdrs.h"
#include "keg_parse_fast.h"

/* Headers followed per frame: 3 levels x (Ethernet + 2 tags + IP + 8
 * extension headers) + 2 tunnel headers + L4, rounded up. */
#define KEG_PARSE_MAX_HDRS 44

enum keg_hdr {
	HDR_ETH,
	HDR_VLAN,
	HDR_IPV4,
	HDR_IPV6,
	HDR_IPV6_EXT,
	HDR_TCP,
	HDR_UDP,
	HDR_ICMP,
	HDR_GRE,
	HDR_VXLAN,
	HDR_GENEVE,
	HDR_DONE,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KEG_SCRATCH__MAX);
	__type(key, __u32);
	__type(value, struct keg_parse_scratch);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_SCRATCH SEC(".maps");

/* The IP header record of the current tunnel level. */
static __always_inline struct keg_l3l4 *keg_level(struct keg_parse_cursor *c,
						  struct keg_parse_result *r)
{
	return c->depth ? &r->inner : &r->outer;
}

static __always_inline __u32 keg_enter_tunnel(struct keg_parse_cursor *c,
					      struct keg_parse_result *r,
					      __u8 type)
{
	if (c->depth >= KEG_MAX_TUN_DEPTH)
		return KEG_STAT_err_too_deep;
	if (c->depth == 0)
		r->tun[0] = type;
	else
		r->tun[1] = type;
	r->tun_id = 0;		/* the innermost tunnel's own, if it has one */
	c->depth++;
	r->depth = c->depth;
	return 0;
}

/* Next header from an ethertype: after Ethernet, a tag, GRE or GENEVE. */
static __always_inline void keg_ethertype_next(struct keg_parse_cursor *c,
					       __be16 proto)
{
	c->eth_proto = proto;
	if (proto == BE_ETH_P_8021Q || proto == BE_ETH_P_8021AD)
		c->hdr = HDR_VLAN;
	else if (proto == BE_ETH_P_IP)
		c->hdr = HDR_IPV4;
	else if (proto == BE_ETH_P_IPV6)
		c->hdr = HDR_IPV6;
	else
		c->hdr = HDR_DONE;	/* ARP and everything else ends here */
}

/* Next header from an IP protocol number, once extension headers are done. */
static __always_inline __u32 keg_ip_next(struct keg_parse_cursor *c,
					 struct keg_parse_result *r)
{
	struct keg_l3l4 *l = keg_level(c, r);
	__u8 proto = c->ip_proto;

	l->proto = proto;
	c->hdr = HDR_DONE;
	if (c->frag == KEG_FRAG_LATER)
		return 0;		/* no L4 header in this fragment */

	switch (proto) {
	case IPPROTO_TCP:
		c->hdr = HDR_TCP;
		return 0;
	case IPPROTO_UDP:
		c->hdr = HDR_UDP;
		return 0;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		c->hdr = HDR_ICMP;
		return 0;
	}
	/* Tunnels are not followed inside a fragment: the inner packet is
	 * incomplete until the kernel reassembles it. */
	if (c->frag != KEG_FRAG_NONE)
		return 0;
	switch (proto) {
	case IPPROTO_IPIP:
		c->hdr = HDR_IPV4;
		return keg_enter_tunnel(c, r, c->family == IPV4_VERSION ?
					KEG_TUN_IPIP : KEG_TUN_4IN6);
	case IPPROTO_IPV6:
		c->hdr = HDR_IPV6;
		return keg_enter_tunnel(c, r, c->family == IPV4_VERSION ?
					KEG_TUN_6IN4 : KEG_TUN_6IN6);
	case IPPROTO_GRE:
		c->hdr = HDR_GRE;
		return keg_enter_tunnel(c, r, KEG_TUN_GRE);
	}
	return 0;
}

static __always_inline __u32 keg_parse_eth(void *data, void *data_end,
					   struct keg_parse_cursor *c,
					   struct keg_parse_result *r)
{
	struct ethhdr *eth = keg_hdr_at(data, data_end, c->off, sizeof(*eth));

	if (!eth)
		return KEG_STAT_err_trunc_eth;
	c->off += sizeof(*eth);
	c->vlans = 0;
	keg_ethertype_next(c, eth->h_proto);
	if (c->depth == 0) {
		r->eth_proto = bpf_ntohs(eth->h_proto);
		r->l3_off = c->off;
	}
	return 0;
}

static __always_inline __u32 keg_parse_vlan(void *data, void *data_end,
					    struct keg_parse_cursor *c,
					    struct keg_parse_result *r)
{
	struct vlan_hdr_ *vh;

	if (c->vlans >= KEG_MAX_VLANS)
		return KEG_STAT_err_too_many_vlans;
	vh = keg_hdr_at(data, data_end, c->off, sizeof(*vh));
	if (!vh)
		return KEG_STAT_err_trunc_vlan;
	/* Only the tags of the outer Ethernet header are the link's. */
	if (c->depth == 0) {
		if (c->vlans == 0)
			r->vlan_tci[0] = bpf_ntohs(vh->tci);
		else
			r->vlan_tci[1] = bpf_ntohs(vh->tci);
		r->vlan_count = c->vlans + 1;
	}
	c->vlans++;
	c->off += sizeof(*vh);
	keg_ethertype_next(c, vh->proto);
	if (c->depth == 0) {
		r->eth_proto = bpf_ntohs(vh->proto);
		r->l3_off = c->off;
	}
	return 0;
}

/* Start a fresh record for an IP header at this level (a tunnel's inner
 * header replaces what the level held). */
static __always_inline struct keg_l3l4 *keg_new_l3(struct keg_parse_cursor *c,
						   struct keg_parse_result *r,
						   __u8 family)
{
	struct keg_l3l4 *l = keg_level(c, r);

	__builtin_memset(l, 0, sizeof(*l));
	l->family = family;
	l->l3_off = c->off;
	c->family = family;
	c->frag = KEG_FRAG_NONE;
	return l;
}

static __always_inline __u32 keg_parse_ipv4(void *data, void *data_end,
					    struct keg_parse_cursor *c,
					    struct keg_parse_result *r)
{
	struct iphdr *ip = keg_hdr_at(data, data_end, c->off, sizeof(*ip));
	struct keg_l3l4 *l;
	__u32 hlen, tot_len;

	if (!ip)
		return KEG_STAT_err_trunc_ipv4;
	if (ip->version != IPV4_VERSION || ip->ihl < IPV4_MIN_IHL)
		return KEG_STAT_err_bad_ipv4;
	hlen = ip->ihl * IPV4_IHL_UNIT;
	tot_len = bpf_ntohs(ip->tot_len);
	if (tot_len < hlen)
		return KEG_STAT_err_bad_ipv4;
	if (data + c->off + hlen > data_end)
		return KEG_STAT_err_trunc_ipv4;

	l = keg_new_l3(c, r, IPV4_VERSION);
	l->saddr[0] = ip->saddr;
	l->daddr[0] = ip->daddr;
	l->dscp = ip->tos >> DSCP_SHIFT;
	if (ip->frag_off & BE_IP_OFFSET)
		c->frag = KEG_FRAG_LATER;
	else if (ip->frag_off & BE_IP_MF)
		c->frag = KEG_FRAG_FIRST;
	l->frag = c->frag;
	c->ip_proto = ip->protocol;
	c->l3_left = tot_len - hlen;
	c->off += hlen;
	return keg_ip_next(c, r);
}

static __always_inline bool keg_is_ipv6_ext(__u8 nexthdr)
{
	return nexthdr == NEXTHDR_HOP || nexthdr == NEXTHDR_ROUTING ||
	       nexthdr == NEXTHDR_FRAGMENT || nexthdr == NEXTHDR_DEST;
}

static __always_inline __u32 keg_ipv6_next(struct keg_parse_cursor *c,
					   struct keg_parse_result *r)
{
	if (keg_is_ipv6_ext(c->ip_proto)) {
		c->hdr = HDR_IPV6_EXT;
		return 0;
	}
	return keg_ip_next(c, r);
}

static __always_inline __u32 keg_parse_ipv6(void *data, void *data_end,
					    struct keg_parse_cursor *c,
					    struct keg_parse_result *r)
{
	struct ipv6hdr *ip6 = keg_hdr_at(data, data_end, c->off, sizeof(*ip6));
	struct keg_l3l4 *l;

	if (!ip6)
		return KEG_STAT_err_trunc_ipv6;
	if (ip6->version != IPV6_VERSION)
		return KEG_STAT_err_bad_ipv6;

	l = keg_new_l3(c, r, IPV6_VERSION);
	__builtin_memcpy(l->saddr, &ip6->saddr, sizeof(l->saddr));
	__builtin_memcpy(l->daddr, &ip6->daddr, sizeof(l->daddr));
	/* The traffic class straddles priority and the first flow label byte. */
	l->dscp = ((ip6->priority << IPV6_TCLASS_LOW_BITS) |
		   (ip6->flow_lbl[0] >> IPV6_TCLASS_LOW_BITS)) >> DSCP_SHIFT;
	c->ip_proto = ip6->nexthdr;
	c->l3_left = bpf_ntohs(ip6->payload_len);
	c->exts = 0;
	c->off += sizeof(*ip6);
	return keg_ipv6_next(c, r);
}

static __always_inline __u32 keg_parse_ipv6_ext(void *data, void *data_end,
						struct keg_parse_cursor *c,
						struct keg_parse_result *r)
{
	struct ipv6_ext_hdr_ *ext;
	__u32 len;

	if (c->exts >= KEG_MAX_IPV6_EXT)
		return KEG_STAT_err_too_many_ext;
	c->exts++;

	if (c->ip_proto == NEXTHDR_FRAGMENT) {
		struct ipv6_frag_hdr_ *fh;

		fh = keg_hdr_at(data, data_end, c->off, sizeof(*fh));
		if (!fh)
			return KEG_STAT_err_trunc_ipv6_ext;
		if (fh->frag_off & BE_IP6_FRAG_OFFSET)
			c->frag = KEG_FRAG_LATER;
		else if (fh->frag_off & BE_IP6_FRAG_MORE)
			c->frag = KEG_FRAG_FIRST;
		keg_level(c, r)->frag = c->frag;
		len = sizeof(*fh);
		c->ip_proto = fh->nexthdr;
	} else {
		ext = keg_hdr_at(data, data_end, c->off, sizeof(*ext));
		if (!ext)
			return KEG_STAT_err_trunc_ipv6_ext;
		len = (ext->hdrlen + 1) * IPV6_EXT_LEN_UNIT;
		if (data + c->off + len > data_end)
			return KEG_STAT_err_trunc_ipv6_ext;
		c->ip_proto = ext->nexthdr;
	}
	c->off += len;
	c->l3_left = keg_sat_sub(c->l3_left, len);
	return keg_ipv6_next(c, r);
}

static __always_inline __u32 keg_parse_tcp(void *data, void *data_end,
					   struct keg_parse_cursor *c,
					   struct keg_parse_result *r)
{
	struct tcphdr *th = keg_hdr_at(data, data_end, c->off, sizeof(*th));
	struct keg_l3l4 *l = keg_level(c, r);
	__u32 hlen;

	if (!th)
		return KEG_STAT_err_trunc_tcp;
	if (th->doff < TCP_MIN_DOFF)
		return KEG_STAT_err_bad_tcp;
	hlen = th->doff * TCP_DOFF_UNIT;
	if (data + c->off + hlen > data_end)
		return KEG_STAT_err_trunc_tcp;
	l->l4_off = c->off;
	l->sport = th->source;
	l->dport = th->dest;
	l->tcp_flags = ((__u8 *)th)[13];
	l->payload_len = keg_sat_sub(c->l3_left, hlen);
	c->hdr = HDR_DONE;
	return 0;
}

static __always_inline __u32 keg_parse_udp(void *data, void *data_end,
					   struct keg_parse_cursor *c,
					   struct keg_parse_result *r)
{
	struct udphdr *uh = keg_hdr_at(data, data_end, c->off, sizeof(*uh));
	struct keg_l3l4 *l = keg_level(c, r);

	if (!uh)
		return KEG_STAT_err_trunc_udp;
	l->l4_off = c->off;
	l->sport = uh->source;
	l->dport = uh->dest;
	l->payload_len = keg_sat_sub(c->l3_left, sizeof(*uh));
	c->off += sizeof(*uh);
	c->hdr = HDR_DONE;
	if (c->frag != KEG_FRAG_NONE)
		return 0;
	if (uh->dest == BE_VXLAN_PORT) {
		c->hdr = HDR_VXLAN;
		return keg_enter_tunnel(c, r, KEG_TUN_VXLAN);
	}
	if (uh->dest == BE_GENEVE_PORT) {
		c->hdr = HDR_GENEVE;
		return keg_enter_tunnel(c, r, KEG_TUN_GENEVE);
	}
	return 0;
}

static __always_inline __u32 keg_parse_icmp(void *data, void *data_end,
					    struct keg_parse_cursor *c,
					    struct keg_parse_result *r)
{
	__u8 *ih = keg_hdr_at(data, data_end, c->off, ICMP_HDR_LEN);
	struct keg_l3l4 *l = keg_level(c, r);
	__u8 type;

	if (!ih)
		return KEG_STAT_err_trunc_icmp;
	type = ih[0];
	l->l4_off = c->off;
	l->icmp_type = type;
	l->icmp_code = ih[1];
	l->payload_len = keg_sat_sub(c->l3_left, ICMP_HDR_LEN);
	/* Echo identifiers tell pings apart like ports tell flows apart. */
	if ((c->ip_proto == IPPROTO_ICMP &&
	     (type == ICMP_ECHO || type == ICMP_ECHOREPLY)) ||
	    (c->ip_proto == IPPROTO_ICMPV6 &&
	     (type == ICMPV6_ECHO_REQUEST || type == ICMPV6_ECHO_REPLY))) {
		l->sport = *(__be16 *)(ih + ICMP_ECHO_ID_OFF);
		l->dport = l->sport;
	}
	c->hdr = HDR_DONE;
	return 0;
}

/* Next header from the protocol type of a GRE or GENEVE header. */
static __always_inline void keg_payload_next(struct keg_parse_cursor *c,
					     __be16 proto)
{
	if (proto == BE_ETH_P_TEB)
		c->hdr = HDR_ETH;
	else if (proto == BE_ETH_P_IP)
		c->hdr = HDR_IPV4;
	else if (proto == BE_ETH_P_IPV6)
		c->hdr = HDR_IPV6;
	else
		c->hdr = HDR_DONE;
}

static __always_inline __u32 keg_parse_gre(void *data, void *data_end,
					   struct keg_parse_cursor *c,
					   struct keg_parse_result *r)
{
	struct gre_hdr_ *gh = keg_hdr_at(data, data_end, c->off, sizeof(*gh));
	__u32 len = GRE_BASE_LEN;
	__be16 flags;

	if (!gh)
		return KEG_STAT_err_trunc_gre;
	flags = gh->flags;
	if ((flags & GRE_VERSION_MASK) || (flags & GRE_FLAG_ROUTING))
		return KEG_STAT_err_bad_gre;
	if (flags & GRE_FLAG_CSUM)
		len += GRE_FIELD_LEN;	/* checksum + reserved1 */
	if (flags & GRE_FLAG_KEY) {
		__be32 *key = keg_hdr_at(data, data_end, c->off + len,
					 sizeof(*key));

		if (!key)
			return KEG_STAT_err_trunc_gre;
		r->tun_id = bpf_ntohl(*key);
		len += GRE_FIELD_LEN;
	}
	if (flags & GRE_FLAG_SEQ)
		len += GRE_FIELD_LEN;
	if (data + c->off + len > data_end)
		return KEG_STAT_err_trunc_gre;
	c->off += len;
	keg_payload_next(c, gh->proto);
	return 0;
}

static __always_inline __u32 keg_parse_vxlan(void *data, void *data_end,
					     struct keg_parse_cursor *c,
					     struct keg_parse_result *r)
{
	struct vxlan_hdr_ *vh = keg_hdr_at(data, data_end, c->off, sizeof(*vh));

	if (!vh)
		return KEG_STAT_err_trunc_vxlan;
	r->tun_id = keg_vni(vh->vni);
	c->off += sizeof(*vh);
	c->hdr = HDR_ETH;
	return 0;
}

static __always_inline __u32 keg_parse_geneve(void *data, void *data_end,
					      struct keg_parse_cursor *c,
					      struct keg_parse_result *r)
{
	struct geneve_hdr_ *gh = keg_hdr_at(data, data_end, c->off, sizeof(*gh));
	__u32 len;

	if (!gh)
		return KEG_STAT_err_trunc_geneve;
	if (gh->ver_optlen & GENEVE_VER_MASK)
		return KEG_STAT_err_bad_geneve;
	len = sizeof(*gh) + (gh->ver_optlen & GENEVE_OPTLEN_MASK) *
			    GENEVE_OPT_UNIT;
	if (data + c->off + len > data_end)
		return KEG_STAT_err_trunc_geneve;
	r->tun_id = keg_vni(gh->vni);
	c->off += len;
	keg_payload_next(c, gh->proto);
	return 0;
}

static __always_inline __u32 keg_parse_step(void *data, void *data_end,
					    struct keg_parse_cursor *c,
					    struct keg_parse_result *r)
{
	if (c->off > KEG_PARSE_MAX_OFF)
		return KEG_STAT_err_too_far;
	switch (c->hdr) {
	case HDR_ETH:
		return keg_parse_eth(data, data_end, c, r);
	case HDR_VLAN:
		return keg_parse_vlan(data, data_end, c, r);
	case HDR_IPV4:
		return keg_parse_ipv4(data, data_end, c, r);
	case HDR_IPV6:
		return keg_parse_ipv6(data, data_end, c, r);
	case HDR_IPV6_EXT:
		return keg_parse_ipv6_ext(data, data_end, c, r);
	case HDR_TCP:
		return keg_parse_tcp(data, data_end, c, r);
	case HDR_UDP:
		return keg_parse_udp(data, data_end, c, r);
	case HDR_ICMP:
		return keg_parse_icmp(data, data_end, c, r);
	case HDR_GRE:
		return keg_parse_gre(data, data_end, c, r);
	case HDR_VXLAN:
		return keg_parse_vxlan(data, data_end, c, r);
	case HDR_GENEVE:
		return keg_parse_geneve(data, data_end, c, r);
	}
	c->hdr = HDR_DONE;
	return 0;
}

/* The generic parser over the scratch entry sc: every frame keg reads. */
static __always_inline void keg_parse_generic_into(void *data, void *data_end,
						   struct keg_parse_scratch *sc)
{
	struct keg_parse_cursor *c = &sc->c;
	struct keg_parse_result *r = &sc->r;
	__u32 err = 0;
	int i;

	__builtin_memset(sc, 0, sizeof(*sc));
	c->hdr = HDR_ETH;

	for (i = 0; i < KEG_PARSE_MAX_HDRS; i++) {
		/* Re-read the cursor from the map each step: the compiler
		 * must not carry the constants it stored into the next step. */
		asm volatile("" ::: "memory");
		if (c->hdr == HDR_DONE)
			break;
		err = keg_parse_step(data, data_end, c, r);
		if (err)
			break;
	}
	/* The bound is above any legal header chain (see KEG_PARSE_MAX_HDRS):
	 * only a chain of extension headers can get here. */
	if (!err && c->hdr != HDR_DONE)
		err = KEG_STAT_err_too_many_ext;
	if (c->depth == 0)
		__builtin_memcpy(&r->inner, &r->outer, sizeof(r->inner));
	r->error = err;
}

static __always_inline struct keg_parse_scratch *keg_scratch_get(__u32 slot)
{
	return bpf_map_lookup_elem(&KEG_MAP_SCRATCH, &slot);
}

/* The frame's bounds, read from the context again: the generic parser
 * must start from packet pointers the verifier knows nothing about. Those
 * the fast path checked carry the length it proved, different at each
 * place it gives up, and the verifier would walk the generic loop once
 * for each (it went from 0.17 to 0.9 million instructions); the barrier
 * keeps the compiler from reusing the first reads. */
#define KEG_CTX_DATA(ctx)	((void *)(long)(ctx)->data)
#define KEG_CTX_DATA_END(ctx)	((void *)(long)(ctx)->data_end)
#define keg_fresh_reads()	asm volatile("" ::: "memory")

static __always_inline struct keg_parse_result *
keg_parse_xdp(struct xdp_md *ctx, __u32 slot)
{
	struct keg_parse_scratch *sc = keg_scratch_get(slot);

	if (!sc)
		return NULL;
	if (keg_parse_fast(KEG_CTX_DATA(ctx), KEG_CTX_DATA_END(ctx), &sc->r))
		return &sc->r;
	keg_fresh_reads();
	keg_parse_generic_into(KEG_CTX_DATA(ctx), KEG_CTX_DATA_END(ctx), sc);
	return &sc->r;
}

static __always_inline struct keg_parse_result *
keg_parse_skb(struct __sk_buff *skb, __u32 slot)
{
	struct keg_parse_scratch *sc = keg_scratch_get(slot);

	if (!sc)
		return NULL;
	if (keg_parse_fast(KEG_CTX_DATA(skb), KEG_CTX_DATA_END(skb), &sc->r))
		return &sc->r;
	keg_fresh_reads();
	keg_parse_generic_into(KEG_CTX_DATA(skb), KEG_CTX_DATA_END(skb), sc);
	return &sc->r;
}

/*
 * keg_parse(ctx, slot): parse the frame of ctx (struct xdp_md * or struct
 * __sk_buff *, its linear part); returns the result, which lives in the
 * per-CPU scratch entry `slot` (KEG_SCRATCH_XDP or KEG_SCRATCH_TC, so that
 * the two programs never share one) and stays valid until the next
 * keg_parse() with that slot on this CPU. NULL cannot happen (the array
 * has the entry) but must be checked for the verifier; r->error says
 * whether parsing completed. The fast path (keg_parse_fast.h) takes the
 * common frames, the generic loop the rest, with the same result.
 */
#define keg_parse(ctx, slot)						\
	_Generic((ctx), struct xdp_md *: keg_parse_xdp,			\
		 struct __sk_buff *: keg_parse_skb)(ctx, slot)

/* The generic loop alone, for the tests that hold the fast path to it. */
static __always_inline struct keg_parse_result *
keg_parse_generic(struct xdp_md *ctx, __u32 slot)
{
	struct keg_parse_scratch *sc = keg_scratch_get(slot);

	if (!sc)
		return NULL;
	keg_parse_generic_into(KEG_CTX_DATA(ctx), KEG_CTX_DATA_END(ctx), sc);
	return &sc->r;
}

#endif /* KEG_PARSE_H */
