/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_parse_result.h - the parse result produced by keg_parse() (bpf/keg_parse.h),
 * shared with userspace so tests and later issues read the same layout.
 *
 * Offsets are from the start of the frame. Addresses and ports are in
 * network byte order; an IPv4 address sits in saddr[0]/daddr[0].
 */
#ifndef KEG_PARSE_RESULT_H
#define KEG_PARSE_RESULT_H

#include <linux/types.h>

#define KEG_MAX_VLANS      2	/* 802.1ad outer + 802.1Q inner */
#define KEG_MAX_TUN_DEPTH  2	/* tunnel levels followed */
#define KEG_MAX_IPV6_EXT   8	/* extension headers skipped per IPv6 header */

#define KEG_VXLAN_PORT     4789
#define KEG_GENEVE_PORT    6081

enum keg_tun {
	KEG_TUN_NONE = 0,
	KEG_TUN_IPIP,		/* IPv4 in IPv4 (protocol 4) */
	KEG_TUN_6IN4,		/* IPv6 in IPv4 (protocol 41) */
	KEG_TUN_4IN6,		/* IPv4 in IPv6 (next header 4) */
	KEG_TUN_6IN6,		/* IPv6 in IPv6 (next header 41) */
	KEG_TUN_GRE,		/* GRE, payload IPv4, IPv6 or Ethernet */
	KEG_TUN_VXLAN,		/* UDP 4789, inner Ethernet */
	KEG_TUN_GENEVE,		/* UDP 6081, options skipped */
	KEG_TUN__MAX
};

enum keg_frag {
	KEG_FRAG_NONE = 0,
	KEG_FRAG_FIRST,		/* offset 0, more fragments: L4 header present */
	KEG_FRAG_LATER,		/* offset != 0: no L4 header */
};

/* One IP header and the L4 header behind it. */
struct keg_l3l4 {
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;		/* TCP/UDP port; ICMP(v6) echo id */
	__be16 dport;		/* TCP/UDP port; ICMP(v6) echo id */
	__u16 l3_off;
	__u16 l4_off;		/* 0 when there is no L4 header */
	__u16 payload_len;	/* L4 payload bytes per the IP/L4 headers */
	__u8 family;		/* 0 (none), 4 or 6 */
	__u8 proto;		/* L4 protocol after IPv6 extension headers */
	__u8 frag;		/* enum keg_frag */
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 dscp;
	__u8 pad[3];
};

struct keg_parse_result {
	struct keg_l3l4 outer;	/* first IP header, outside any tunnel */
	struct keg_l3l4 inner;	/* innermost IP header; = outer if none */
	__u32 error;		/* 0, or the KEG_STAT_err_* index */
	__u32 tun_id;		/* VNI or GRE key of the innermost tunnel, 0 if none */
	__u16 eth_proto;	/* outer ethertype after VLAN tags, host order */
	__u16 l3_off;		/* offset of the outer ARP or IP header */
	__u16 vlan_tci[KEG_MAX_VLANS];	/* host order, outer tag first */
	__u8 vlan_count;
	__u8 depth;		/* tunnel levels crossed, 0..KEG_MAX_TUN_DEPTH */
	__u8 tun[KEG_MAX_TUN_DEPTH];	/* enum keg_tun, outermost first */
};

/* keg_scratch: per-CPU array holding the parser's cursor and result (see
 * bpf/keg_parse.h for why it is not on the stack). One entry per program
 * type so that XDP and tc never share one. Only the parser uses it. */
enum keg_scratch_slot {
	KEG_SCRATCH_XDP = 0,
	KEG_SCRATCH_TC = 1,
	KEG_SCRATCH__MAX
};

struct keg_parse_cursor {
	__u32 off;		/* where the next header starts */
	__u32 hdr;		/* which header that is (parser-internal enum) */
	__u32 l3_left;		/* L3 payload bytes not yet consumed */
	__be16 eth_proto;	/* ethertype being resolved */
	__u8 ip_proto;		/* next protocol of the current IP header */
	__u8 vlans;		/* tags in the current Ethernet header */
	__u8 exts;		/* extension headers of the current IPv6 header */
	__u8 depth;		/* tunnel levels entered */
	__u8 frag;		/* enum keg_frag of the current IP header */
	__u8 family;		/* 4 or 6: the current IP header */
};

/* Value of keg_scratch. */
struct keg_parse_scratch {
	struct keg_parse_result r;
	struct keg_parse_cursor c;
};

#endif /* KEG_PARSE_RESULT_H */
