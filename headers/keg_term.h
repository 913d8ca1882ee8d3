/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_term.h - TCP termination: how an intercepted TCP connection reaches
 * kegd's own sockets in the kernel's TCP stack.
 *
 *  1. keg_xdp matches a rule with KEG_ICPT_F_TERMINATE (the default for
 *     TCP) on an untunnelled TCP segment, puts a keg_term_meta in front of
 *     the frame (bpf_xdp_adjust_meta) and passes it to the kernel instead
 *     of redirecting it to AF_XDP (XDP cannot hand a packet to a socket).
 *  2. keg_tc_term (bpf/keg_term.bpf.c, clsact ingress, attached by kegd on
 *     the interfaces it serves) reads that metadata: a segment of a
 *     connection kegd already has (its accepted socket near the client, its
 *     transparent socket near the server) is assigned to that socket
 *     (bpf_sk_assign); a SYN with no socket goes to kegd's transparent
 *     listener in keg_term_socks, and its rule's site is remembered in
 *     keg_term_syns for kegd to read when it accepts. Either way the skb
 *     gets KEG_TERM_MARK.
 *  3. The mark selects routing table KEG_TERM_TABLE (an ip rule kegd
 *     installs at start, with a `local default dev lo` route for IPv4 and
 *     IPv6), so the kernel delivers the segment locally instead of
 *     forwarding it: the destination is the server's address, not ours.
 *
 * Everything else is passed untouched (TC_ACT_UNSPEC). Without kegd the
 * listener slots are empty and every segment is forwarded as before.
 *
 * Fixed-width types only, explicit padding, no bitfields.
 */
#ifndef KEG_TERM_H
#define KEG_TERM_H

#include <linux/types.h>

#define KEG_MAP_TERM_SOCKS  keg_term_socks
#define KEG_MAP_TERM_USOCKS keg_term_usocks  /* a proxy's UDP: kegd's receivers */
#define KEG_MAP_TERM_SYNS   keg_term_syns
#define KEG_PROG_TC_TERM    "keg_tc_term"

#define KEG_TERM_MARK       0x4b450001U  /* "KE", 1: skb->mark of terminated segments */
#define KEG_TERM_TABLE      3919         /* routing table of the local routes */
#define KEG_TERM_RULE_PREF  3919         /* priority of the fwmark rule */
#define KEG_TERM_TC_PRIO    2            /* clsact ingress, after keg_tc_reply's 1 */
#define KEG_TERM_TC_HANDLE  0x4c
#define KEG_TERM_SYNS_MAX   65536

/* keg_term_socks index: kegd's listener per family. */
enum { KEG_TERM_SOCK_V4 = 0, KEG_TERM_SOCK_V6 = 1, KEG_TERM_SOCKS };

#define KEG_TERM_META_MAGIC 0x6b657454U  /* "ketT" */

/* In front of a frame keg_xdp passes for termination. */
struct keg_term_meta {
	__u32 magic;            /* KEG_TERM_META_MAGIC */
	__u32 site;             /* the rule's site: index into keg_icpt_sites */
	__u16 l4_off;           /* TCP header, from the Ethernet header (untagged) */
	__u8  family;           /* 4 or 6 */
	__u8  proto;            /* IPPROTO_TCP; IPPROTO_UDP for a proxy's rule
				   (keg_proxy.h); 0 from a keg_xdp before
				   proxy mode: TCP */
	__u8  pad[4];
};

/* keg_term_syns key: the client's SYN as it arrived (client -> server). */
struct keg_term_key {
	__u8   saddr[16];       /* network order; IPv4 in [0..3] */
	__u8   daddr[16];
	__be16 sport;
	__be16 dport;
	__u8   family;          /* 4 or 6 */
	__u8   pad[3];
};

struct keg_term_syn {
	__u32 site;             /* index into the interface's keg_icpt_sites */
	__u32 ifindex;          /* where the SYN arrived */
	__u64 seen_ns;          /* bpf_ktime_get_ns() of the last SYN */
};

#endif /* KEG_TERM_H */
