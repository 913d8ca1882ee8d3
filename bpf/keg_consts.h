/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_consts.h - protocol constants for the BPF side, pre-swapped to network
 * byte order where they are compared against packet fields, so nothing is
 * converted per packet.
 */
#ifndef KEG_CONSTS_H
#define KEG_CONSTS_H

#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_endian.h>

/* Ethertypes as they appear on the wire. */
#define BE_ETH_P_IP      bpf_htons(ETH_P_IP)
#define BE_ETH_P_IPV6    bpf_htons(ETH_P_IPV6)
#define BE_ETH_P_ARP     bpf_htons(ETH_P_ARP)
#define BE_ETH_P_8021Q   bpf_htons(ETH_P_8021Q)
#define BE_ETH_P_8021AD  bpf_htons(ETH_P_8021AD)
#define BE_ETH_P_TEB     bpf_htons(ETH_P_TEB)	/* 0x6558, Ethernet in GRE */

/* Address sizes in bits, for LPM keys and prefix compares; an IPv6
 * address is compared as four 32-bit words. */
#define IPV4_ADDR_BITS       32
#define IPV6_ADDR_BITS       128
#define IPV6_ADDR_WORDS      4

/* IPv4 */
#define IPV4_VERSION         4
#define IPV4_MIN_IHL         5		/* 32-bit words */
#define IPV4_IHL_UNIT        4		/* ihl counts 32-bit words */
#define IPV4_ID_OFF          4		/* identification: bytes 4-5 of the header */
#define BE_IP_MF             bpf_htons(0x2000)
#define BE_IP_OFFSET         bpf_htons(0x1fff)

/* IPv6 extension headers skipped by the parser. */
#define IPV6_VERSION         6
#define NEXTHDR_HOP          0
#define NEXTHDR_ROUTING      43
#define NEXTHDR_FRAGMENT     44
#define NEXTHDR_DEST         60
#define IPV6_EXT_LEN_UNIT    8		/* hdrlen is in 8-octet units, minus 1 */
#define IPV6_HDR_LEN         40		/* the fixed header */
#define IPV6_TCLASS_LOW_BITS 4		/* traffic class: priority nibble, then 4 bits of flow_lbl[0] */
#define IPV6_NEXTHDR_OFF     6		/* next header: byte 6 of the fixed header */
#define IPV6_FRAG_ID_OFF     4		/* identification: bytes 4-7 of a fragment header */
#define BE_IP6_FRAG_OFFSET   bpf_htons(0xfff8)
#define BE_IP6_FRAG_MORE     bpf_htons(0x0001)

/* TCP */
#define TCP_MIN_DOFF         5		/* 32-bit words */
#define TCP_DOFF_UNIT        4		/* doff counts 32-bit words */

/* GRE (RFC 2784 / RFC 2890), flags in network order. */
#define GRE_FLAG_CSUM        bpf_htons(0x8000)
#define GRE_FLAG_ROUTING     bpf_htons(0x4000)
#define GRE_FLAG_KEY         bpf_htons(0x2000)
#define GRE_FLAG_SEQ         bpf_htons(0x1000)
#define GRE_VERSION_MASK     bpf_htons(0x0007)
#define GRE_BASE_LEN         4
#define GRE_FIELD_LEN        4		/* each optional field */

/* VXLAN (RFC 7348) and GENEVE (RFC 8926) */
#define BE_VXLAN_PORT        bpf_htons(4789)
#define BE_GENEVE_PORT       bpf_htons(6081)
#define VXLAN_HDR_LEN        8
#define GENEVE_HDR_LEN       8
#define GENEVE_VER_MASK      0xc0
#define GENEVE_OPTLEN_MASK   0x3f
#define GENEVE_OPT_UNIT      4

/* ICMP / ICMPv6 */
#define ICMP_HDR_LEN         8
#define ICMP_ECHO_ID_OFF     4		/* echo identifier: bytes 4-5 (ICMP and ICMPv6) */
#define ICMP_ECHOREPLY       0
#define ICMP_ECHO            8
#define ICMPV6_ECHO_REQUEST  128
#define ICMPV6_ECHO_REPLY    129
/* Neighbour discovery (RFC 4861 §4): router solicitation 133 through
 * redirect 137; they belong to the link and are never intercepted. */
#define NDISC_ROUTER_SOLICITATION      133
#define NDISC_REDIRECT                 137
#define NDISC_NEIGHBOUR_SOLICITATION   135
#define NDISC_NEIGHBOUR_ADVERTISEMENT  136
#define ND_OPT_SOURCE_LL_ADDR          1
#define ND_OPT_TARGET_LL_ADDR          2
#define ND_OPT_LEN_UNIT                8	/* an option's length counts 8-byte units */
/* An ND option starts with a type byte and a length byte (RFC 4861 §4.6). */
#define ND_OPT_TYPE_OFF                0
#define ND_OPT_LEN_OFF                 1
#define ND_OPT_HDR_LEN                 2
/* Multicast addresses start with 0xff (RFC 4291 §2.7); an NS target
 * must not be one (RFC 4861 §7.1.1). */
#define IPV6_MCAST_FIRST_BYTE          0xff
#define NDISC_HOP_LIMIT                255
#define BE_NA_FLAG_SOLICITED           bpf_htonl(0x40000000)
/* Solicited-node multicast ff02::1:ffXX:XXXX (RFC 4291 §2.7.1). */
#define BE_IPV6_MCAST_LINK_PREFIX      bpf_htonl(0xff020000)
#define BE_IPV6_SOLICITED_NODE_WORD2   bpf_htonl(0x00000001)
#define IPV6_SOLICITED_NODE_BYTE12     0xff

/* ARP */
#define ARP_HRD_ETHER        1
#define BE_ARP_HRD_ETHER     bpf_htons(ARP_HRD_ETHER)
#define BE_ARP_OP_REQUEST    bpf_htons(1)
#define BE_ARP_OP_REPLY      bpf_htons(2)
#define ARP_HLEN_ETHER       6
#define ARP_PLEN_IPV4        4

/* DSCP is the upper six bits of the IPv4 TOS / IPv6 traffic class. */
#define DSCP_SHIFT           2

#endif /* KEG_CONSTS_H */
