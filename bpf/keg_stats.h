/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_stats.h - counting into the per-CPU keg_stats entry. The entry is
 * looked up once per packet; counters are indexed by enum keg_stat, which
 * the X-macro in keg_maps.h generates in field order.
 */
#ifndef KEG_BPF_STATS_H
#define KEG_BPF_STATS_H

#include "keg_maps.bpf.h"
#include "keg_consts.h"
#include "keg_parse_result.h"

_Static_assert(sizeof(struct keg_stats) == KEG_STAT__MAX * sizeof(__u64),
	       "keg_stats must be an array of __u64 in enum keg_stat order");

static __always_inline struct keg_stats *keg_stats_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&KEG_MAP_STATS, &zero);
}

static __always_inline void keg_stat_inc(struct keg_stats *s, __u32 idx)
{
	if (s && idx < KEG_STAT__MAX)
		((__u64 *)s)[idx]++;
}

static __always_inline __u32 keg_tun_stat(__u8 tun)
{
	switch (tun) {
	case KEG_TUN_IPIP:
		return KEG_STAT_tun_ipip;
	case KEG_TUN_6IN4:
		return KEG_STAT_tun_6in4;
	case KEG_TUN_4IN6:
		return KEG_STAT_tun_4in6;
	case KEG_TUN_6IN6:
		return KEG_STAT_tun_6in6;
	case KEG_TUN_GRE:
		return KEG_STAT_tun_gre;
	case KEG_TUN_VXLAN:
		return KEG_STAT_tun_vxlan;
	case KEG_TUN_GENEVE:
		return KEG_STAT_tun_geneve;
	}
	return KEG_STAT__MAX;	/* ignored by keg_stat_inc */
}

/* What the parser saw: tunnels per level, innermost family and L4. */
static __always_inline void keg_stats_count_parse(struct keg_stats *s,
						  const struct keg_parse_result *r)
{
	if (!s)
		return;
	if (r->vlan_count)
		s->vlan_tagged++;
	if (r->outer.family == IPV4_VERSION)
		s->ipv4++;
	else if (r->outer.family == IPV6_VERSION)
		s->ipv6++;
	if (r->outer.frag || r->inner.frag)
		s->fragments++;
	if (r->depth > 0)
		keg_stat_inc(s, keg_tun_stat(r->tun[0]));
	if (r->depth > 1) {
		keg_stat_inc(s, keg_tun_stat(r->tun[1]));
		s->tun_nested++;
	}
	if (!r->inner.family)
		return;
	if (r->inner.family == IPV4_VERSION)
		s->inner_ipv4++;
	else
		s->inner_ipv6++;
	switch (r->inner.proto) {
	case IPPROTO_TCP:
		s->inner_tcp++;
		break;
	case IPPROTO_UDP:
		s->inner_udp++;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		s->inner_icmp++;
		break;
	default:
		s->inner_other++;
	}
}

#endif /* KEG_BPF_STATS_H */
