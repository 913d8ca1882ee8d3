/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_parse_fast.h - the parser's fast path: straight-line code for the
 * frames a gateway mostly carries, tried by keg_parse() before the generic
 * loop (keg_parse.h).
 *
 * API: keg_parse_fast(data, data_end, r) fills every byte of *r exactly as
 * the generic parser would and returns true, or returns false, leaving *r
 * undefined, and the generic parser starts again from the first byte.
 *
 * Taken: Ethernet, at most one VLAN tag, IPv4 or IPv6 without extension
 * headers or fragmentation, then TCP, UDP, ICMP(v6) or any other protocol
 * (no L4 header), or one tunnel (IPIP, 6in4, 4in6, 6in6, GRE, VXLAN,
 * GENEVE) whose payload is such an IP header (behind an untagged Ethernet
 * header for VXLAN, GENEVE and GRE with Ethernet) that is not a tunnel
 * again. Left to the generic parser: everything else, including every
 * error, so that there is one place deciding which error a frame has.
 *
 * Why: the generic loop keeps its cursor in a map and goes through its
 * state machine once per header; here offsets and protocols stay in
 * registers and each header is read once (issue 12: the loop was about
 * 18 ns of keg_xdp's 27 on a plain TCP segment). The unit tests run both
 * parsers on every frame they parse, the fuzzed ones included, and require
 * byte-identical results (tests/bpf/parse_probe.bpf.c).
 */
#ifndef KEG_PARSE_FAST_H
#define KEG_PARSE_FAST_H

#include <linux/types.h>
#include <stdbool.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "keg_consts.h"
#include "keg_parse_result.h"
#include "keg_parse_hdrs.h"

/* What follows one IP level, as keg_fast_ip() found it. */
enum keg_fast_next {
	FAST_BAIL = 0,		/* not the fast path's frame */
	FAST_DONE,		/* the frame's last header was parsed */
	FAST_ETH,		/* a tunnel carrying Ethernet */
	FAST_IPV4,		/* a tunnel carrying IPv4 */
	FAST_IPV6,		/* a tunnel carrying IPv6 */
};

/* The tunnel a level opens: where its payload starts, its kind and id. */
struct keg_fast_tun {
	__u32 off;
	__u32 id;
	__u8 type;		/* enum keg_tun */
};

/* What comes next from a GRE or GENEVE protocol type. */
static __always_inline int keg_fast_payload(__be16 proto)
{
	if (proto == BE_ETH_P_TEB)
		return FAST_ETH;
	if (proto == BE_ETH_P_IP)
		return FAST_IPV4;
	if (proto == BE_ETH_P_IPV6)
		return FAST_IPV6;
	return FAST_BAIL;	/* a tunnel of something else: rare */
}

static __always_inline int keg_fast_gre(void *data, void *data_end, __u32 off,
					struct keg_fast_tun *t)
{
	struct gre_hdr_ *gh = data + off;
	__u32 len = GRE_BASE_LEN;
	__be16 flags;

	if ((void *)(gh + 1) > data_end)
		return FAST_BAIL;
	flags = gh->flags;
	if ((flags & GRE_VERSION_MASK) || (flags & GRE_FLAG_ROUTING))
		return FAST_BAIL;
	if (flags & GRE_FLAG_CSUM)
		len += GRE_FIELD_LEN;
	t->id = 0;
	if (flags & GRE_FLAG_KEY) {
		__be32 *key = data + off + len;

		if ((void *)(key + 1) > data_end)
			return FAST_BAIL;
		t->id = bpf_ntohl(*key);
		len += GRE_FIELD_LEN;
	}
	if (flags & GRE_FLAG_SEQ)
		len += GRE_FIELD_LEN;
	if (data + off + len > data_end)
		return FAST_BAIL;
	t->off = off + len;
	t->type = KEG_TUN_GRE;
	return keg_fast_payload(gh->proto);
}

/* UDP, and the VXLAN or GENEVE header behind it. */
static __always_inline int keg_fast_udp(void *data, void *data_end, __u32 off,
					__u32 l3_left, struct keg_l3l4 *l,
					struct keg_fast_tun *t)
{
	struct udphdr *uh = data + off;

	if ((void *)(uh + 1) > data_end)
		return FAST_BAIL;
	l->l4_off = off;
	l->sport = uh->source;
	l->dport = uh->dest;
	l->payload_len = keg_sat_sub(l3_left, sizeof(*uh));
	off += sizeof(*uh);
	if (uh->dest == BE_VXLAN_PORT) {
		struct vxlan_hdr_ *vh = data + off;

		if ((void *)(vh + 1) > data_end)
			return FAST_BAIL;
		t->id = keg_vni(vh->vni);
		t->off = off + sizeof(*vh);
		t->type = KEG_TUN_VXLAN;
		return FAST_ETH;
	}
	if (uh->dest == BE_GENEVE_PORT) {
		struct geneve_hdr_ *gh = data + off;
		__u32 len;

		if ((void *)(gh + 1) > data_end)
			return FAST_BAIL;
		if (gh->ver_optlen & GENEVE_VER_MASK)
			return FAST_BAIL;
		len = sizeof(*gh) + (gh->ver_optlen & GENEVE_OPTLEN_MASK) *
				    GENEVE_OPT_UNIT;
		if (data + off + len > data_end)
			return FAST_BAIL;
		t->id = keg_vni(gh->vni);
		t->off = off + len;
		t->type = KEG_TUN_GENEVE;
		return keg_fast_payload(gh->proto);
	}
	return FAST_DONE;
}

/*
 * One IP header at off (IPv4 when v4, else IPv6) and what it carries, into
 * the record l, which is written whole. FAST_DONE, FAST_BAIL, or the
 * payload of a tunnel described in *t.
 */
static __always_inline int keg_fast_ip(void *data, void *data_end, __u32 off,
				       bool v4, struct keg_l3l4 *l,
				       struct keg_fast_tun *t)
{
	__u32 l3_left;
	__u8 proto;

	__builtin_memset(l, 0, sizeof(*l));
	l->l3_off = off;
	if (v4) {
		struct iphdr *ip = data + off;
		__u32 hlen;

		if ((void *)(ip + 1) > data_end)
			return FAST_BAIL;
		if (ip->version != IPV4_VERSION || ip->ihl < IPV4_MIN_IHL)
			return FAST_BAIL;
		hlen = ip->ihl * IPV4_IHL_UNIT;
		l3_left = bpf_ntohs(ip->tot_len);
		if (l3_left < hlen || data + off + hlen > data_end)
			return FAST_BAIL;
		if (ip->frag_off & (BE_IP_OFFSET | BE_IP_MF))
			return FAST_BAIL;
		l->family = IPV4_VERSION;
		l->saddr[0] = ip->saddr;
		l->daddr[0] = ip->daddr;
		l->dscp = ip->tos >> DSCP_SHIFT;
		proto = ip->protocol;
		l3_left -= hlen;
		off += hlen;
	} else {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > data_end)
			return FAST_BAIL;
		if (ip6->version != IPV6_VERSION)
			return FAST_BAIL;
		proto = ip6->nexthdr;
		if (proto == NEXTHDR_HOP || proto == NEXTHDR_ROUTING ||
		    proto == NEXTHDR_FRAGMENT || proto == NEXTHDR_DEST)
			return FAST_BAIL;
		l->family = IPV6_VERSION;
		__builtin_memcpy(l->saddr, &ip6->saddr, sizeof(l->saddr));
		__builtin_memcpy(l->daddr, &ip6->daddr, sizeof(l->daddr));
		l->dscp = ((ip6->priority << IPV6_TCLASS_LOW_BITS) |
			   (ip6->flow_lbl[0] >> IPV6_TCLASS_LOW_BITS)) >> DSCP_SHIFT;
		l3_left = bpf_ntohs(ip6->payload_len);
		off += sizeof(*ip6);
	}
	l->proto = proto;

	switch (proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = data + off;
		__u32 hlen;

		if ((void *)(th + 1) > data_end || th->doff < TCP_MIN_DOFF)
			return FAST_BAIL;
		hlen = th->doff * TCP_DOFF_UNIT;
		if (data + off + hlen > data_end)
			return FAST_BAIL;
		l->l4_off = off;
		l->sport = th->source;
		l->dport = th->dest;
		l->tcp_flags = ((__u8 *)th)[13];
		l->payload_len = keg_sat_sub(l3_left, hlen);
		return FAST_DONE;
	}
	case IPPROTO_UDP:
		return keg_fast_udp(data, data_end, off, l3_left, l, t);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		__u8 *ih = data + off;
		__u8 type;

		if ((void *)(ih + ICMP_HDR_LEN) > data_end)
			return FAST_BAIL;
		type = ih[0];
		l->l4_off = off;
		l->icmp_type = type;
		l->icmp_code = ih[1];
		l->payload_len = keg_sat_sub(l3_left, ICMP_HDR_LEN);
		if ((proto == IPPROTO_ICMP &&
		     (type == ICMP_ECHO || type == ICMP_ECHOREPLY)) ||
		    (proto == IPPROTO_ICMPV6 &&
		     (type == ICMPV6_ECHO_REQUEST || type == ICMPV6_ECHO_REPLY))) {
			l->sport = *(__be16 *)(ih + ICMP_ECHO_ID_OFF);
			l->dport = l->sport;
		}
		return FAST_DONE;
	}
	case IPPROTO_IPIP:
		t->off = off;
		t->id = 0;
		t->type = v4 ? KEG_TUN_IPIP : KEG_TUN_4IN6;
		return FAST_IPV4;
	case IPPROTO_IPV6:
		t->off = off;
		t->id = 0;
		t->type = v4 ? KEG_TUN_6IN4 : KEG_TUN_6IN6;
		return FAST_IPV6;
	case IPPROTO_GRE:
		return keg_fast_gre(data, data_end, off, t);
	}
	return FAST_DONE;	/* a protocol without an L4 header keg reads */
}

static __always_inline bool keg_parse_fast(void *data, void *data_end,
					   struct keg_parse_result *r)
{
	struct ethhdr *eth = data;
	struct keg_fast_tun t;
	__u32 off = sizeof(*eth);
	__u16 tci = 0;
	__u8 vlans = 0;
	__be16 proto;
	int next;

	if ((void *)(eth + 1) > data_end)
		return false;
	proto = eth->h_proto;
	if (proto == BE_ETH_P_8021Q || proto == BE_ETH_P_8021AD) {
		struct vlan_hdr_ *vh = data + off;

		if ((void *)(vh + 1) > data_end)
			return false;
		tci = bpf_ntohs(vh->tci);
		proto = vh->proto;
		off += sizeof(*vh);
		vlans = 1;
		if (proto == BE_ETH_P_8021Q || proto == BE_ETH_P_8021AD)
			return false;
	}
	r->error = 0;
	r->tun_id = 0;
	r->eth_proto = bpf_ntohs(proto);
	r->l3_off = off;
	r->vlan_tci[0] = tci;
	r->vlan_tci[1] = 0;
	r->vlan_count = vlans;
	r->depth = 0;
	r->tun[0] = KEG_TUN_NONE;
	r->tun[1] = KEG_TUN_NONE;
	if (proto != BE_ETH_P_IP && proto != BE_ETH_P_IPV6) {
		/* ARP and the rest: no IP header at all. */
		__builtin_memset(&r->outer, 0, sizeof(r->outer));
		__builtin_memset(&r->inner, 0, sizeof(r->inner));
		return true;
	}

	next = keg_fast_ip(data, data_end, off, proto == BE_ETH_P_IP,
			   &r->outer, &t);
	if (next == FAST_DONE) {
		__builtin_memcpy(&r->inner, &r->outer, sizeof(r->inner));
		return true;
	}
	if (next == FAST_BAIL)
		return false;

	r->depth = 1;
	r->tun[0] = t.type;
	r->tun_id = t.id;
	off = t.off;
	if (next == FAST_ETH) {
		eth = data + off;
		if ((void *)(eth + 1) > data_end)
			return false;
		proto = eth->h_proto;
		if (proto == BE_ETH_P_IP)
			next = FAST_IPV4;
		else if (proto == BE_ETH_P_IPV6)
			next = FAST_IPV6;
		else
			return false;
		off += sizeof(*eth);
	}
	return keg_fast_ip(data, data_end, off, next == FAST_IPV4, &r->inner,
			   &t) == FAST_DONE;
}

#endif /* KEG_PARSE_FAST_H */
