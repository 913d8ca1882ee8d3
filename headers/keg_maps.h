/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_maps.h - the one definition of every map key and value shared by the
 * BPF programs and userspace (kegctl, tests, bench).
 *
 * Rules: fixed-width types only, explicit padding, no bitfields, no helpers.
 * Map names are macros used on both sides so the BPF symbol, the pin file
 * under /sys/fs/bpf/keg/IFACE/ and the userspace lookup cannot drift.
 * A change of layout gets a new map name (the old pin is then not reused).
 */
#ifndef KEG_MAPS_H
#define KEG_MAPS_H

#include <linux/types.h>

/* Where kegctl pins everything: one directory per attached interface. */
#define KEG_PIN_ROOT "/sys/fs/bpf/keg"

/* Pin (and BPF object) names of the maps; at most 15 characters. */
#define KEG_MAP_SUBNETS4   keg_subnets4
#define KEG_MAP_SUBNETS6   keg_subnets6
#define KEG_MAP_CUSTOMERS4 keg_customers4
#define KEG_MAP_CUSTOMERS6 keg_customers6
#define KEG_MAP_STATS      keg_stats
#define KEG_MAP_CONFIG     keg_config
#define KEG_MAP_SCRATCH    keg_scratch

#define KEG_STR_(x) #x
#define KEG_STR(x) KEG_STR_(x)

/* Capacities. Sized for the bench case of 100,000 customers and 10,000
 * prefixes per interface with room to spare. */
#ifndef KEG_MAX_SUBNETS
#define KEG_MAX_SUBNETS 16384
#endif
#ifndef KEG_MAX_CUSTOMERS
#define KEG_MAX_CUSTOMERS 131072
#endif

/* Route protocol number keg tags its kernel routes with (rtm_protocol), so
 * kegctl only ever removes routes it installed. Not in iproute2's reserved
 * list; `make install` names it "keg" in /etc/iproute2/rt_protos.d/. */
#define KEG_RTPROT 75

/* keg_subnets4: LPM trie key, proxied IPv4 prefixes of this interface. */
struct keg_subnet4_key {
	__u32 prefixlen;
	__be32 addr;
};

/* keg_subnets6: LPM trie key, proxied IPv6 prefixes of this interface. */
struct keg_subnet6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* Value of both subnet tries. */
struct keg_subnet {
	__u32 flags;		/* reserved, 0 */
	__u32 prefixlen;	/* the entry's own length, so that a lookup
				 * says which prefix matched; 0 = not given */
};

/* keg_customers4 / keg_customers6: hash keys, the customer's single
 * address (/32 or /128) assigned behind this interface. */
struct keg_customer4_key {
	__be32 addr;
};

struct keg_customer6_key {
	__u8 addr[16];
};

/* Value of both customer maps. */
struct keg_customer {
	__u32 ifindex;		/* interface the customer sits behind */
	__u32 class_id;		/* parent HTB class (keg_shape.h); 0 = none */
	__u32 flags;		/* reserved, 0 */
	__u32 pad;
	/* Shaping (kegctl customer add/set --down ...); rates in kbit/s. */
	__u32 down_kbit;	/* 0 = not shaped */
	__u32 up_kbit;		/* 0 = upload not shaped */
	__u32 ceil_kbit;	/* download ceil; 0 = down_kbit */
	__u32 burst;		/* bytes; 0 = automatic */
};

/* keg_config: single-entry array, written by kegctl at attach. */
struct keg_config {
	__u8 mac[6];		/* the interface's MAC: proxy replies use it */
	__u8 pad[2];
	__u32 ifindex;
	__u32 flags;		/* KEG_CFG_* */
	__u32 pad2;
};

#define KEG_CFG_PROXY_ARP (1U << 0)	/* answer ARP requests */
#define KEG_CFG_PROXY_NDP (1U << 1)	/* answer Neighbor Solicitations */
/* Answer from tc ingress (keg_tc_reply) instead of XDP_TX: set by kegctl
 * where XDP_TX does not reach the other end (native XDP on veth). */
#define KEG_CFG_REPLY_TC  (1U << 2)

/*
 * keg_stats: per-CPU array with one entry whose value is a struct of named
 * counters, so `bpftool map dump` prints each counter by name. The X-macro
 * is the single list: it generates the struct fields, the index enum used
 * by the BPF side and the names printed by kegctl.
 */
#define KEG_STATS_LIST(X)						\
	/* XDP receive path */						\
	X(rx_packets)							\
	X(rx_bytes)							\
	X(vlan_tagged)							\
	X(ipv4)								\
	X(ipv6)								\
	X(fragments)							\
	/* tunnels seen (each level counts) */				\
	X(tun_ipip)							\
	X(tun_6in4)							\
	X(tun_4in6)							\
	X(tun_6in6)							\
	X(tun_gre)							\
	X(tun_vxlan)							\
	X(tun_geneve)							\
	X(tun_nested)							\
	/* innermost headers */						\
	X(inner_ipv4)							\
	X(inner_ipv6)							\
	X(inner_tcp)							\
	X(inner_udp)							\
	X(inner_icmp)							\
	X(inner_other)							\
	/* proxy-ARP: answered, or why not */				\
	X(arp_requests)							\
	X(arp_replied)							\
	X(arp_malformed)						\
	X(arp_not_request)						\
	X(arp_gratuitous)						\
	X(arp_target_outside)						\
	X(arp_sender_outside)						\
	X(arp_target_assigned)						\
	X(arp_disabled)							\
	/* proxy-NDP: answered, or why not */				\
	X(ns_requests)							\
	X(ns_replied)							\
	X(ns_malformed)							\
	X(ns_bad_hop_limit)						\
	X(ns_bad_checksum)						\
	X(ns_target_outside)						\
	X(ns_sender_outside)						\
	X(ns_target_assigned)						\
	X(ns_disabled)							\
	X(ns_tx_failed)							\
	/* parse errors: packet counted and passed to the kernel */	\
	X(err_trunc_eth)						\
	X(err_trunc_vlan)						\
	X(err_trunc_arp)						\
	X(err_trunc_ipv4)						\
	X(err_bad_ipv4)							\
	X(err_trunc_ipv6)						\
	X(err_bad_ipv6)							\
	X(err_trunc_ipv6_ext)						\
	X(err_too_many_ext)						\
	X(err_trunc_tcp)						\
	X(err_bad_tcp)							\
	X(err_trunc_udp)						\
	X(err_trunc_icmp)						\
	X(err_trunc_gre)						\
	X(err_bad_gre)							\
	X(err_trunc_vxlan)						\
	X(err_trunc_geneve)						\
	X(err_bad_geneve)						\
	X(err_too_deep)							\
	X(err_too_many_vlans)						\
	X(err_too_far)							\
	/* tc egress program */						\
	X(tc_packets)							\
	X(tc_bytes)							\
	/* intercept rules (keg_intercept.h) */				\
	X(icpt_classified)						\
	X(icpt_cache_hit)						\
	X(icpt_matched)							\
	X(icpt_redirected)						\
	X(icpt_terminated)						\
	X(icpt_down_forward)						\
	X(icpt_down_block)						\
	X(icpt_kernel)							\
	X(icpt_frag_followed)						\
	X(icpt_frag_unknown)

#define KEG_STAT_FIELD_(name) __u64 name;
#define KEG_STAT_ENUM_(name) KEG_STAT_##name,

struct keg_stats {
	KEG_STATS_LIST(KEG_STAT_FIELD_)
};

enum keg_stat {
	KEG_STATS_LIST(KEG_STAT_ENUM_)
	KEG_STAT__MAX
};

/* The parse-error counters are one contiguous run of the list. */
#define KEG_STAT_ERR_FIRST KEG_STAT_err_trunc_eth
#define KEG_STAT_ERR_LAST  KEG_STAT_err_too_far

#endif /* KEG_MAPS_H */
