/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_intercept.h - map keys and values of the intercept classifier, shared
 * by bpf/keg_intercept.bpf.h and userspace (user/lib/bpf/intercept.c, kegd).
 *
 * Encoding (see docs in user/lib/base/intercept_rules.h):
 *  - every rule of an interface owns a "position" 0..KEG_ICPT_MAX_RULES-1;
 *    positions grow in rule order, so first-match = lowest position;
 *  - keg_icpt_rules[pos] holds the rule (prefixes, ports, protocols, policy);
 *  - the LPM tries keg_icpt_src4/6 and keg_icpt_dst4/6 map a prefix (keyed
 *    with a leading "match" byte: inner or outer headers) to the bitmap of
 *    every rule position whose src (dst) prefix contains it, plus a summary
 *    word per 64 bitmap words so empty words are skipped;
 *  - for IPv4 a direct table (keg_icpt_dir4) in front of the tries answers
 *    most lookups with two array reads: per side, match and /16, the set of
 *    rules every address of that /16 falls under (keg_icpt_sets4); where a
 *    longer prefix lies inside the /16, a trie of the longer prefixes only
 *    (keg_icpt_lsrc4/ldst4) decides first;
 *  - a per-flow LRU cache remembers the decision, tagged with the rule-set
 *    generation (keg_icpt_cfg.gen): any change re-evaluates every flow.
 *
 * Fixed-width types only, explicit padding, no bitfields.
 */
#ifndef KEG_INTERCEPT_H
#define KEG_INTERCEPT_H

#include <linux/types.h>

#define KEG_MAP_ICPT_CFG    keg_icpt_cfg
#define KEG_MAP_ICPT_RULES  keg_icpt_rules
#define KEG_MAP_ICPT_HITS   keg_icpt_hits
#define KEG_MAP_ICPT_SRC4   keg_icpt_src4
#define KEG_MAP_ICPT_DST4   keg_icpt_dst4
#define KEG_MAP_ICPT_SRC6   keg_icpt_src6
#define KEG_MAP_ICPT_DST6   keg_icpt_dst6
#define KEG_MAP_ICPT_DIR4   keg_icpt_dir4
#define KEG_MAP_ICPT_SETS4  keg_icpt_sets4
#define KEG_MAP_ICPT_LSRC4  keg_icpt_lsrc4
#define KEG_MAP_ICPT_LDST4  keg_icpt_ldst4
#define KEG_MAP_ICPT_FLOWS  keg_icpt_flows
#define KEG_MAP_ICPT_FRAGS  keg_icpt_frags
#define KEG_MAP_ICPT_SITES  keg_icpt_sites
#define KEG_MAP_XSKS        keg_xsks
#define KEG_MAP_KEGD        keg_kegd

/* 10,240 rules = 160 bitmap words = 3 summary words. */
#define KEG_ICPT_MAX_RULES  10240
#define KEG_ICPT_WORDS      (KEG_ICPT_MAX_RULES / 64)
#define KEG_ICPT_SUMMARY    ((KEG_ICPT_WORDS + 63) / 64)
#define KEG_ICPT_MAX_PREFIXES 16384	/* distinct prefixes per trie */
/*
 * The IPv4 direct table. An LPM trie lookup walks one node per branch of
 * the trie on the way to the address (about 2.5 ns each, measured), so it
 * costs more the more prefixes the rules name, and every lookup walks
 * through the short prefixes most rules share (0/0, a site's /16). The
 * table has one entry per (side, match, first 16 address bits): index
 * side << 17 | match << 16 | addr >> 16 (side 0 = src, 1 = dst); 256K
 * __u64 entries (the kernel keeps array values 8 bytes apart anyway), 2 MiB,
 * written by kegctl through a mapping at every change. An entry holds
 *  - KEG_ICPT_DIR_TRIE (also what an unwritten table holds): ask the trie;
 *  - KEG_ICPT_DIR_NONE: no prefix of /16 or shorter contains the /16;
 *  - KEG_ICPT_DIR_SET0 + k: keg_icpt_sets4[k] is the bitmap of the longest
 *    prefix of /16 or shorter containing the /16 (as the trie holds it);
 * and for NONE and SET0 + k the flag KEG_ICPT_DIR_LONG when longer
 * prefixes lie inside the /16: the long-prefix trie of the side
 * (keg_icpt_lsrc4 / keg_icpt_ldst4: the trie's entries longer than /16,
 * same keys and values) decides first, the entry only where it has none.
 * Past KEG_ICPT_DIR_SETS sets, the remaining /16s are the trie's.
 */
#define KEG_ICPT_DIR_SHIFT  16	/* address bits below the table's index */
#define KEG_ICPT_DIR_SIDES  2	/* src, dst */
#define KEG_ICPT_DIR_MATCHES 2	/* enum keg_icpt_match */
#define KEG_ICPT_DIR_ENTRIES ((KEG_ICPT_DIR_SIDES * KEG_ICPT_DIR_MATCHES) << KEG_ICPT_DIR_SHIFT)
/* The table's index: side 0 src, 1 dst; hi16 the address's first 16 bits
 * (host order). One definition for keg_xdp and kegctl. */
#define KEG_ICPT_DIR_INDEX(side, match, hi16)                                  \
	((__u32)((side) & 1) << (KEG_ICPT_DIR_SHIFT + 1) |                     \
	 (__u32)((match) & 1) << KEG_ICPT_DIR_SHIFT | (__u32)(hi16))
#define KEG_ICPT_DIR_SETS   1024	/* bitmaps of /16 and shorter prefixes: 1.3 MiB */
#define KEG_ICPT_DIR_TRIE   0ULL	/* ask the trie */
#define KEG_ICPT_DIR_NONE   1ULL	/* no prefix of this side contains the /16 */
#define KEG_ICPT_DIR_SET0   2ULL	/* first set id */
#define KEG_ICPT_DIR_CODE   0xffffffffULL	/* the entry without its flag */
#define KEG_ICPT_DIR_LONG   (1ULL << 32)	/* ask the long-prefix trie first */

/* keg_icpt_dir4's value: a struct so that bpftool prints a named field;
 * kegctl writes the table as an array of __u64 through a mapping. */
struct keg_icpt_dir_ent {
	__u64 code;	/* KEG_ICPT_DIR_* [| KEG_ICPT_DIR_LONG] */
};

#define KEG_ICPT_FLOWS      65536	/* per-flow decision cache */
#define KEG_ICPT_FRAGS      8192	/* first-fragment decisions */
#define KEG_ICPT_MAX_SITES  256
#define KEG_ICPT_SITE_NAME  32
#define KEG_ICPT_PORT_RANGES 8		/* ranges per port spec */
/* Receive queues keg serves on one interface: the XSKMAP's size, the
 * number of AF_XDP sockets kegd opens at most, and the number of per-queue
 * counters in struct keg_kegd - one constant, so kegd cannot open a queue
 * whose counters have no slot (it had 64 sockets and 16 slots once). */
#define KEG_MAX_QUEUES      64

/* kegd rewrites keg_kegd[0] every KEG_KEGD_HEARTBEAT_MS; kegctl counts it
 * as running while the heartbeat is younger than KEG_KEGD_STALE_MS (many
 * periods: a busy box may delay kegd's stats thread, never by seconds). */
#define KEG_KEGD_HEARTBEAT_MS 200
#define KEG_KEGD_STALE_MS     5000

/* The "match" byte leading every trie key. */
enum keg_icpt_match {
	KEG_ICPT_MATCH_INNER = 0,	/* innermost headers (default) */
	KEG_ICPT_MATCH_OUTER = 1,	/* outermost IP header */
};

/* Protocols of a rule (keg_icpt_rule.protos). */
#define KEG_ICPT_P_TCP  (1U << 0)
#define KEG_ICPT_P_UDP  (1U << 1)
#define KEG_ICPT_P_ICMP (1U << 2)	/* ICMP and ICMPv6 */

/* keg_icpt_rule.flags */
#define KEG_ICPT_F_USED     (1U << 0)	/* position holds a rule */
#define KEG_ICPT_F_DISABLED (1U << 1)	/* `kegctl intercept disable` (state X) */
#define KEG_ICPT_F_BLOCK    (1U << 2)	/* --when-down block (else forward) */
#define KEG_ICPT_F_TERMINATE (1U << 3)	/* TCP terminated in the kernel's stack
					   (keg_term.h), not carried as packets */
#define KEG_ICPT_F_FWD_AT_LIMIT (1U << 4)	/* --forward-at-limit: past a connection
					   limit, new flows go through the kernel
					   unaccelerated instead of refused */
#define KEG_ICPT_F_PROXY    (1U << 5)	/* made by `kegctl proxy add` (keg_proxy.h):
					   changed only through the proxy, left
					   alone by apply's intercept lines */

/* keg_icpt_cfg.flags */
#define KEG_ICPT_CFG_NOCACHE (1U << 0)	/* bench: classify every packet */

/* A port set in HyperIP's syntax: ranges, or all ports but them. No range
 * (n == 0) and no negation means any port. Host byte order. */
struct keg_port_spec {
	__u16 lo[KEG_ICPT_PORT_RANGES];
	__u16 hi[KEG_ICPT_PORT_RANGES];
	__u8 n;			/* ranges used */
	__u8 negate;		/* 1: all ports except the ranges */
	__u8 pad[2];
};

/* keg_icpt_rules: array indexed by position. */
struct keg_icpt_rule {
	__u32 id;		/* the id kegctl printed; 0 = free */
	__u32 flags;		/* KEG_ICPT_F_* */
	__u32 site;		/* index into keg_icpt_sites */
	__u8 protos;		/* KEG_ICPT_P_* */
	__u8 match;		/* enum keg_icpt_match */
	__u8 family;		/* 4 or 6 */
	__u8 src_plen;
	__u8 dst_plen;
	__u8 pad[3];
	__u8 src[16];		/* network order; IPv4 in src[0..3] */
	__u8 dst[16];
	struct keg_port_spec sport;
	struct keg_port_spec dport;
};

/* keg_icpt_hits: per-CPU array indexed by position. */
struct keg_icpt_hit {
	__u64 packets;
	__u64 bytes;
};

/* LPM keys: prefixlen counts the match byte (8 bits) plus the address
 * bits. */
struct keg_icpt_key4 {
	__u32 prefixlen;
	__u8 match;
	__u8 addr[4];
	__u8 pad[3];
};

struct keg_icpt_key6 {
	__u32 prefixlen;
	__u8 match;
	__u8 addr[16];
	__u8 pad[3];
};

/* Value of the four tries: summary bit w set <=> bits[w] != 0. */
struct keg_icpt_bits {
	__u64 summary[KEG_ICPT_SUMMARY];
	__u64 bits[KEG_ICPT_WORDS];
};

/* keg_icpt_cfg[0]. */
struct keg_icpt_cfg {
	__u32 gen;		/* bumped by every change of the rule set */
	__u32 n_rules;		/* enabled rules; 0 = classifier skipped */
	__u32 next_id;		/* next rule id to hand out */
	__u32 flags;		/* KEG_ICPT_CFG_* */
	__u32 n_inner;		/* enabled rules matching inner headers */
	__u32 n_outer;		/* enabled rules matching outer headers */
};

/* keg_icpt_flows key: both directions of a flow normalise to one key
 * (the lower address/port first), outer and inner headers both in it. */
struct keg_icpt_tuple {
	__be32 a[4];
	__be32 b[4];
	__be16 pa;
	__be16 pb;
	__u8 proto;
	__u8 family;
	__u8 pad[2];
};

struct keg_icpt_flow_key {
	struct keg_icpt_tuple inner;
	struct keg_icpt_tuple outer;	/* zero when not tunnelled */
};

/* Decision: the matching position + 1, or 0 for "no rule". */
struct keg_icpt_flow {
	__u32 gen;
	__u32 pos1;
};

/* keg_icpt_frags key: the fragmented (innermost) IP header. */
struct keg_icpt_frag_key {
	__be32 saddr[4];
	__be32 daddr[4];
	__u32 id;		/* IPv4 id or IPv6 fragment id */
	__u8 proto;
	__u8 family;
	__u8 pad[2];
};

/* keg_icpt_sites: array indexed by site id; name "" = unused. */
struct keg_icpt_site {
	char name[KEG_ICPT_SITE_NAME];
	__u32 down;		/* 1: site down, rules apply --when-down */
	__u32 flags;		/* KEG_ICPT_SITE_*, written by kegd */
};

/* keg_icpt_site.flags */
#define KEG_ICPT_SITE_TERM     (1U << 0)	/* kegd terminates this site's TCP (a
						   remote site of its transport,
						   keg_tc_term running); else TCP of
						   terminating rules goes as packets */
#define KEG_ICPT_SITE_TCP_FULL (1U << 1)	/* the gateway's TCP (or total)
						   connection limit is reached */

/* Metadata keg_xdp puts in front of a frame it redirects to kegd
 * (bpf_xdp_adjust_meta): where the kernel would send it. */
#define KEG_XSK_META_MAGIC 0x6b656731	/* "keg1" */

struct keg_xsk_meta {
	__u32 magic;		/* KEG_XSK_META_MAGIC */
	__u32 ifindex;		/* egress interface */
	__u32 pos;		/* rule position that matched */
	__u32 site;		/* the rule's site: index into keg_icpt_sites */
	__u8 dmac[6];
	__u8 smac[6];
	__u32 rule_flags;	/* the rule's KEG_ICPT_F_* */
};

/* keg_kegd[0]: written by kegd, read by kegctl. */
struct keg_kegd_queue {
	__u64 rx;
	__u64 tx;
	__u64 drop;
};

struct keg_kegd {
	__u32 pid;		/* 0: not running */
	__u32 n_queues;
	__u64 heartbeat_ns;	/* CLOCK_MONOTONIC, every KEG_KEGD_HEARTBEAT_MS */
	struct keg_kegd_queue q[KEG_MAX_QUEUES];
};

#endif /* KEG_INTERCEPT_H */
