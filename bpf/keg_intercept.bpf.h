/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_intercept.bpf.h - intercept rules: which frames keg_xdp steers into kegd's
 * AF_XDP sockets.
 *
 * API: keg_intercept(ctx, r, s) after a successful keg_parse(); returns the
 * XDP verdict for the frame, XDP_PASS when no rule matches.
 *
 * Cost: one array lookup when no rule is enabled. Otherwise one LRU hash
 * lookup per packet of a known flow (the decision cache, keyed by the
 * direction-normalised inner and outer tuples, tagged with the rule-set
 * generation). A new flow costs per (match, direction) pass two prefix
 * lookups (IPv4: two array reads each, or a trie of only the prefixes
 * longer than /16 where the /16 holds one; IPv6: the LPM tries) and a walk
 * over the set bits of (src bitmap & dst bitmap), which
 * skips empty 64-rule words through a summary word, and stops at the first
 * candidate whose protocols and ports fit: the work depends on how many
 * rules overlap the flow's prefixes, not on how many rules exist.
 *
 * Semantics (documented in user/lib/base/intercept_rules.h):
 *  - a rule matches the innermost headers (match inner) or the outermost
 *    IP header (match outer); without a tunnel both are the same header;
 *  - a rule matches a packet in either direction (src<->dst swapped), so
 *    both directions of a connection are intercepted;
 *  - lowest position (= rule order) wins;
 *  - any change of the rules bumps the generation: flows in progress are
 *    re-classified at their next packet;
 *  - a first fragment is classified on its ports and its decision stored
 *    under (src, dst, proto, id); later fragments follow that decision, or
 *    go to the kernel when it is unknown (first fragment not seen, or an
 *    IPv6 fragment header not right behind the IPv6 header);
 *  - neighbour discovery (ICMPv6 133-137) is never intercepted;
 *  - a matched frame whose TTL/hop limit is <= 1 or that the kernel FIB
 *    would not forward (local, no route, unresolved neighbour) is passed
 *    to the kernel, which answers or resolves it.
 */
#ifndef KEG_INTERCEPT_BPF_H
#define KEG_INTERCEPT_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>

#include "keg_consts.h"
#include "keg_intercept.h"
#include "keg_maps.bpf.h"
#include "keg_parse_result.h"
#include "keg_stats.h"
#include "keg_term.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_icpt_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_ICPT_CFG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KEG_ICPT_MAX_RULES);
	__type(key, __u32);
	__type(value, struct keg_icpt_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_ICPT_RULES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KEG_ICPT_MAX_RULES);
	__type(key, __u32);
	__type(value, struct keg_icpt_hit);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_ICPT_HITS SEC(".maps");

#define KEG_ICPT_TRIE(name, keytype)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);			\
		__uint(max_entries, KEG_ICPT_MAX_PREFIXES);		\
		__uint(map_flags, BPF_F_NO_PREALLOC);			\
		__type(key, keytype);					\
		__type(value, struct keg_icpt_bits);			\
		__uint(pinning, LIBBPF_PIN_BY_NAME);			\
	} name SEC(".maps")

KEG_ICPT_TRIE(KEG_MAP_ICPT_SRC4, struct keg_icpt_key4);
KEG_ICPT_TRIE(KEG_MAP_ICPT_DST4, struct keg_icpt_key4);
KEG_ICPT_TRIE(KEG_MAP_ICPT_SRC6, struct keg_icpt_key6);
KEG_ICPT_TRIE(KEG_MAP_ICPT_DST6, struct keg_icpt_key6);
/* The IPv4 tries' entries longer than /16 (headers/keg_intercept.h). */
KEG_ICPT_TRIE(KEG_MAP_ICPT_LSRC4, struct keg_icpt_key4);
KEG_ICPT_TRIE(KEG_MAP_ICPT_LDST4, struct keg_icpt_key4);

/* In front of the IPv4 tries (headers/keg_intercept.h): all zero, "ask the
 * trie", until kegctl writes it, which it does through a memory mapping. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KEG_ICPT_DIR_ENTRIES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct keg_icpt_dir_ent);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_ICPT_DIR4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KEG_ICPT_DIR_SETS);
	__type(key, __u32);
	__type(value, struct keg_icpt_bits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_ICPT_SETS4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, KEG_ICPT_FLOWS);
	__type(key, struct keg_icpt_flow_key);
	__type(value, struct keg_icpt_flow);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_ICPT_FLOWS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, KEG_ICPT_FRAGS);
	__type(key, struct keg_icpt_frag_key);
	__type(value, struct keg_icpt_flow);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_ICPT_FRAGS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KEG_ICPT_MAX_SITES);
	__type(key, __u32);
	__type(value, struct keg_icpt_site);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_ICPT_SITES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, KEG_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_XSKS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_kegd);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_KEGD SEC(".maps");

/* The two bitmaps of one classification pass, on the stack for bpf_loop. */
struct icpt_pair {
	struct keg_icpt_bits *s, *d;
};

/* The scan state of one pass: a (match, direction) over one IP header.
 * Like the parser's cursor it lives in a per-CPU map, so the verifier sees
 * unknown values each step and verifies the step once, not once per
 * combination of indexes. */
struct icpt_scan {
	__u64 sw;		/* summary bits of the current word not yet visited */
	__u64 m;		/* candidate bits of the current word left */
	__u32 si;		/* summary word index */
	__u32 wi;		/* bitmap word index */
	__u32 best;		/* lowest matching position so far, or ~0 */
	__u16 sport, dport;	/* host order, as the rule sees them */
	__u8 proto;		/* KEG_ICPT_P_* bit of the packet */
	__u8 match;
	__u8 family;
	__u8 l4;		/* ports are meaningful (TCP/UDP with L4) */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct icpt_scan);
} keg_icpt_scan SEC(".maps");

static __always_inline struct icpt_scan *icpt_scan_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&keg_icpt_scan, &zero);
}

/* Keep the compiler from checking one copy of an index and using another
 * (the verifier only knows the bounds of the checked register). */
#define icpt_barrier_var(v) asm volatile("" : "=r"(v) : "0"(v))

/* Rule bitmaps (and their summaries) are arrays of __u64: bit b of word w
 * stands for rule (or word) w * ICPT_WORD_BITS + b. */
#define ICPT_WORD_BITS 64

/* Index of the lowest set bit of x != 0: BPF has no ctz, and a branchy
 * one would multiply verifier states, so popcount(lowest bit - 1), the
 * SWAR popcount (Hacker's Delight 5-1; the masks are its bit patterns). */
static __always_inline __u64 icpt_ctz(__u64 x)
{
	x = (x & -x) - 1;
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

static __always_inline bool icpt_port_ok(const struct keg_port_spec *p,
					 __u16 port)
{
	bool in = false;
	int i;

	if (!p->n)
		return !p->negate;
#pragma unroll
	for (i = 0; i < KEG_ICPT_PORT_RANGES; i++) {
		if (i < p->n && port >= p->lo[i] && port <= p->hi[i])
			in = true;
	}
	return in != (bool)p->negate;
}

static __always_inline bool icpt_rule_ok(const struct keg_icpt_rule *rule,
					 const struct icpt_scan *st)
{
	if ((rule->flags & (KEG_ICPT_F_USED | KEG_ICPT_F_DISABLED)) !=
	    KEG_ICPT_F_USED)
		return false;
	if (rule->match != st->match || rule->family != st->family)
		return false;
	if (!(rule->protos & st->proto))
		return false;
	if (st->proto == KEG_ICPT_P_ICMP)
		return true;	/* ports apply to TCP and UDP only */
	if (!st->l4)	/* no ports: only rules with "any port" match */
		return !rule->sport.n && !rule->sport.negate &&
		       !rule->dport.n && !rule->dport.negate;
	return icpt_port_ok(&rule->sport, st->sport) &&
	       icpt_port_ok(&rule->dport, st->dport);
}

/* bpf_loop body: one step, either "move to the next non-empty word" or
 * "test the next candidate bit". Returns 1 to stop. */
static long icpt_step(__u32 i, void *ctx)
{
	struct icpt_pair *pr = ctx;
	struct icpt_scan *st = icpt_scan_get();
	struct keg_icpt_rule *rule;
	__u64 b, wi, si;
	__u32 pos;

	if (!st)
		return 1;

	if (!st->m) {
		/* Next summary word with bits, by constant index. */
		si = st->si;
		if (!st->sw && si == 0) {
			si = 1;
			st->sw = pr->s->summary[1] & pr->d->summary[1];
		}
		if (!st->sw && si == 1) {
			si = 2;
			st->sw = pr->s->summary[2] & pr->d->summary[2];
		}
		st->si = si;
		if (!st->sw || si > 2)
			return 1;
		b = icpt_ctz(st->sw);
		st->sw &= st->sw - 1;
		wi = si * ICPT_WORD_BITS + b;
		if (wi >= KEG_ICPT_WORDS)
			return 1;
		icpt_barrier_var(wi);
		st->wi = wi;
		st->m = pr->s->bits[wi] & pr->d->bits[wi];
		return 0;
	}
	b = icpt_ctz(st->m);
	st->m &= st->m - 1;
	pos = st->wi * ICPT_WORD_BITS + b;
	if (pos >= st->best)
		return 1;	/* later bits are later rules */
	rule = bpf_map_lookup_elem(&KEG_MAP_ICPT_RULES, &pos);
	if (rule && icpt_rule_ok(rule, st)) {
		st->best = pos;
		return 1;
	}
	return 0;
}

_Static_assert(KEG_ICPT_SUMMARY == 3, "icpt_step walks three summary words");

/* An LPM lookup key is "match" (8 bits) then the address: a full-length
 * lookup covers both, 8 + 32 and 8 + 128 bits. */
#define ICPT_KEY4_FULL (8 + 32)
#define ICPT_KEY6_FULL (8 + 128)

/* The bits the IPv4 trie holds for addr under match, or NULL, through the
 * direct table (headers/keg_intercept.h): two array reads where the /16
 * holds no longer prefix, else first the long-prefix trie, which holds
 * none of the short prefixes a walk of the whole trie passes through. */
static __always_inline struct keg_icpt_bits *
icpt_trie4(bool src, __u8 match, const __be32 *addr)
{
	struct keg_icpt_key4 k = { .prefixlen = ICPT_KEY4_FULL, .match = match };
	__u32 idx = KEG_ICPT_DIR_INDEX(src ? 0 : 1, match,
				       bpf_ntohl(addr[0]) >> KEG_ICPT_DIR_SHIFT);
	struct keg_icpt_bits *b;
	struct keg_icpt_dir_ent *d;
	__u64 e;

	__builtin_memcpy(k.addr, addr, sizeof(k.addr));
	d = bpf_map_lookup_elem(&KEG_MAP_ICPT_DIR4, &idx);
	e = d ? d->code : KEG_ICPT_DIR_TRIE;
	if (e & KEG_ICPT_DIR_LONG) {
		b = bpf_map_lookup_elem(src ? (void *)&KEG_MAP_ICPT_LSRC4 :
					      (void *)&KEG_MAP_ICPT_LDST4, &k);
		if (b)
			return b;
	}
	e &= KEG_ICPT_DIR_CODE;
	if (e == KEG_ICPT_DIR_NONE)
		return NULL;
	if (e >= KEG_ICPT_DIR_SET0) {
		idx = e - KEG_ICPT_DIR_SET0;
		return bpf_map_lookup_elem(&KEG_MAP_ICPT_SETS4, &idx);
	}
	return bpf_map_lookup_elem(src ? (void *)&KEG_MAP_ICPT_SRC4 :
					 (void *)&KEG_MAP_ICPT_DST4, &k);
}

/* Bits of the trie entry for addr (4 or 16 bytes) under match, or NULL. */
static __always_inline struct keg_icpt_bits *
icpt_trie(bool src, __u8 family, __u8 match, const __be32 *addr)
{
	if (family == IPV4_VERSION) {
		return icpt_trie4(src, match, addr);
	} else {
		struct keg_icpt_key6 k = { .prefixlen = ICPT_KEY6_FULL, .match = match };

		__builtin_memcpy(k.addr, addr, sizeof(k.addr));
		return bpf_map_lookup_elem(src ? (void *)&KEG_MAP_ICPT_SRC6 :
						 (void *)&KEG_MAP_ICPT_DST6, &k);
	}
}

static __always_inline __u8 icpt_proto_bit(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return KEG_ICPT_P_TCP;
	case IPPROTO_UDP:
		return KEG_ICPT_P_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return KEG_ICPT_P_ICMP;
	}
	return 0;
}

/* Lowest matching position of header l in both directions, at most best.
 * A global function, so the verifier checks it once, on its own, instead of
 * at each call site on every path of keg_xdp; being global it is defined in
 * keg.bpf.c, not in this header. */
__u32 icpt_classify(const struct keg_l3l4 *l, __u32 match, __u32 best);
/* The walk of one pass over the set bits of (s & d), from the scan state's
 * ports and best on; global as well: its pointer arguments are plain
 * memory to the verifier, so it checks the walk once, not once for each
 * pair of maps the two bitmaps can come from (IPv4's sets, long-prefix
 * tries and tries; IPv6's tries). */
int icpt_walk(struct keg_icpt_bits *s, struct keg_icpt_bits *d);

/* One side of a flow key, the lower (address, port) first. */
static __always_inline void icpt_tuple(struct keg_icpt_tuple *t,
				       const struct keg_l3l4 *l)
{
	bool swap = false;
	int i;

	t->proto = l->proto;
	t->family = l->family;
#pragma unroll
	for (i = 3; i >= 0; i--) {
		if (l->saddr[i] != l->daddr[i])
			swap = l->saddr[i] > l->daddr[i];
	}
	if (l->saddr[0] == l->daddr[0] && l->saddr[1] == l->daddr[1] &&
	    l->saddr[2] == l->daddr[2] && l->saddr[3] == l->daddr[3])
		swap = l->sport > l->dport;
	if (swap) {
		__builtin_memcpy(t->a, l->daddr, sizeof(t->a));
		__builtin_memcpy(t->b, l->saddr, sizeof(t->b));
		t->pa = l->dport;
		t->pb = l->sport;
	} else {
		__builtin_memcpy(t->a, l->saddr, sizeof(t->a));
		__builtin_memcpy(t->b, l->daddr, sizeof(t->b));
		t->pa = l->sport;
		t->pb = l->dport;
	}
}

/* The fragment id of the innermost header, or -1 when it is not where we
 * look (IPv6: a fragment header right behind the fixed header). */
static __always_inline long icpt_frag_id(void *data, void *data_end,
					 const struct keg_l3l4 *l)
{
	__u32 off = l->l3_off;

	if (off > KEG_PARSE_MAX_OFF)	/* the parser looked no further either */
		return -1;
	if (l->family == IPV4_VERSION) {
		__be16 *id = data + off + IPV4_ID_OFF;

		if ((void *)(id + 1) > data_end)
			return -1;
		return bpf_ntohs(*id);
	} else {
		__u8 *nh = data + off + IPV6_NEXTHDR_OFF;
		__be32 *id = data + off + IPV6_HDR_LEN + IPV6_FRAG_ID_OFF;

		if ((void *)(nh + 1) > data_end || (void *)(id + 1) > data_end)
			return -1;
		if (*nh != NEXTHDR_FRAGMENT)
			return -1;
		return bpf_ntohl(*id);
	}
}

static __always_inline void icpt_frag_key(struct keg_icpt_frag_key *k,
					  const struct keg_l3l4 *l, __u32 id)
{
	__builtin_memcpy(k->saddr, l->saddr, sizeof(k->saddr));
	__builtin_memcpy(k->daddr, l->daddr, sizeof(k->daddr));
	k->id = id;
	k->proto = l->proto;
	k->family = l->family;
}

#define TCP_FLAG_SYN_BIT 0x02	/* in the flags byte of the TCP header */
#define TCP_FLAG_ACK_BIT 0x10

/* TCP of a terminating rule, untunnelled and untagged (keg_tc_term reads
 * the headers at fixed offsets from the Ethernet header, which a VLAN tag
 * the kernel strips before tc would move). */
static __always_inline bool icpt_terminates(const struct keg_parse_result *r,
					    const struct keg_icpt_rule *rule)
{
	const struct keg_l3l4 *o = &r->outer;

	/* A proxy's UDP (keg_proxy.h) goes the same way, to kegd's UDP
	 * sockets. */
	return (rule->flags & KEG_ICPT_F_TERMINATE) && r->depth == 0 &&
	       r->vlan_count == 0 && o->l4_off && o->frag == KEG_FRAG_NONE &&
	       (o->proto == IPPROTO_TCP ||
		(o->proto == IPPROTO_UDP && (rule->flags & KEG_ICPT_F_PROXY)));
}

/* Passed to the kernel with keg_term_meta in front: keg_tc_term hands it
 * to kegd's socket (keg_term.h). */
static __always_inline int icpt_term_pass(struct xdp_md *ctx,
					  const struct keg_parse_result *r,
					  const struct keg_icpt_rule *rule,
					  struct keg_stats *s)
{
	struct keg_term_meta *m;
	void *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m))) {
		keg_stat_inc(s, KEG_STAT_icpt_kernel);
		return XDP_PASS;
	}
	data = (void *)(long)ctx->data;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > data) {
		keg_stat_inc(s, KEG_STAT_icpt_kernel);
		return XDP_PASS;
	}
	m->magic = KEG_TERM_META_MAGIC;
	m->site = rule->site;
	m->l4_off = r->outer.l4_off;
	m->family = r->outer.family;
	m->proto = r->outer.proto;
	__builtin_memset(m->pad, 0, sizeof(m->pad));
	keg_stat_inc(s, KEG_STAT_icpt_terminated);
	return XDP_PASS;
}

/* The frame goes to kegd: the FIB's answer in the metadata, then the
 * socket of the receive queue. Anything kegd cannot forward as is goes to
 * the kernel instead. */
static __always_inline int icpt_steer(struct xdp_md *ctx,
				      const struct keg_parse_result *r,
				      const struct keg_icpt_rule *rule,
				      __u32 pos, struct keg_stats *s)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct keg_l3l4 *o = &r->outer;
	struct bpf_fib_lookup fib = { 0 };
	struct keg_xsk_meta *meta;
	struct keg_icpt_site *site;
	__u32 qid = ctx->rx_queue_index;
	__u32 off = o->l3_off;
	__u8 *ttl;
	long rc;

	site = bpf_map_lookup_elem(&KEG_MAP_ICPT_SITES, &rule->site);
	if (site && site->down)
		goto down;
	/* Terminated TCP never goes through AF_XDP, so it does not ask for
	 * a socket on this receive queue: a segment of a connection kegd holds
	 * routed around it would reach the server with the client's sequence
	 * numbers and break that connection. */
	if (site && (site->flags & KEG_ICPT_SITE_TERM) && icpt_terminates(r, rule)) {
		/* At the TCP limit a new connection of a --forward-at-limit
		 * rule is routed by the kernel, untagged: its later segments
		 * find no socket in keg_tc_term and pass as well. */
		if ((site->flags & KEG_ICPT_SITE_TCP_FULL) &&
		    (rule->flags & KEG_ICPT_F_FWD_AT_LIMIT) &&
		    (r->outer.tcp_flags & (TCP_FLAG_SYN_BIT | TCP_FLAG_ACK_BIT)) == TCP_FLAG_SYN_BIT) {
			keg_stat_inc(s, KEG_STAT_icpt_at_limit);
			return XDP_PASS;
		}
		return icpt_term_pass(ctx, r, rule, s);
	}
	if (!bpf_map_lookup_elem(&KEG_MAP_XSKS, &qid))
		goto down;

	if (off > KEG_PARSE_MAX_OFF)	/* bound for the verifier, as the parser's */
		goto kernel;
	if (o->family == IPV4_VERSION) {
		struct iphdr *ip = data + off;

		if ((void *)(ip + 1) > data_end)
			goto kernel;
		ttl = &ip->ttl;
		fib.family = AF_INET;
		fib.tos = ip->tos;
		fib.tot_len = bpf_ntohs(ip->tot_len);
		fib.ipv4_src = ip->saddr;
		fib.ipv4_dst = ip->daddr;
	} else {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > data_end)
			goto kernel;
		ttl = &ip6->hop_limit;
		fib.family = AF_INET6;
		fib.tot_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
		__builtin_memcpy(fib.ipv6_src, &ip6->saddr, sizeof(fib.ipv6_src));
		__builtin_memcpy(fib.ipv6_dst, &ip6->daddr, sizeof(fib.ipv6_dst));
	}
	if (*ttl <= 1)
		goto kernel;
	fib.l4_protocol = o->proto;
	fib.sport = o->sport;
	fib.dport = o->dport;
	fib.ifindex = ctx->ingress_ifindex;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		goto kernel;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta)))
		goto kernel;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > data)
		goto kernel;
	meta->magic = KEG_XSK_META_MAGIC;
	meta->ifindex = fib.ifindex;
	meta->pos = pos;
	meta->site = rule->site;
	meta->rule_flags = rule->flags;
	__builtin_memcpy(meta->dmac, fib.dmac, 6);
	__builtin_memcpy(meta->smac, fib.smac, 6);
	if (bpf_redirect_map(&KEG_MAP_XSKS, qid, 0) == XDP_REDIRECT) {
		keg_stat_inc(s, KEG_STAT_icpt_redirected);
		return XDP_REDIRECT;
	}
	/* The socket went away between the lookup and now. */
down:
	if (rule->flags & KEG_ICPT_F_BLOCK) {
		keg_stat_inc(s, KEG_STAT_icpt_down_block);
		return XDP_DROP;
	}
	keg_stat_inc(s, KEG_STAT_icpt_down_forward);
	return XDP_PASS;
kernel:
	keg_stat_inc(s, KEG_STAT_icpt_kernel);
	return XDP_PASS;
}

static __always_inline int keg_intercept(struct xdp_md *ctx,
					 struct keg_parse_result *r,
					 struct keg_stats *s)
{
	struct keg_icpt_flow_key fk = { 0 };
	struct keg_icpt_frag_key frk = { 0 };
	struct keg_icpt_flow *fv, nv;
	struct keg_icpt_rule *rule;
	struct keg_icpt_hit *hit;
	struct keg_icpt_cfg *cfg;
	struct keg_l3l4 *in = &r->inner;
	__u32 zero = 0, best = ~0U, pos;
	bool cache, later, first;
	long fid = -1;

	cfg = bpf_map_lookup_elem(&KEG_MAP_ICPT_CFG, &zero);
	if (!cfg || !cfg->n_rules)
		return XDP_PASS;
	if (!in->family)
		return XDP_PASS;
	/* Neighbour discovery belongs to the link. */
	if (r->depth == 0 && in->proto == IPPROTO_ICMPV6 &&
	    in->icmp_type >= NDISC_ROUTER_SOLICITATION && in->icmp_type <= NDISC_REDIRECT)
		return XDP_PASS;

	later = in->frag == KEG_FRAG_LATER;
	first = in->frag == KEG_FRAG_FIRST;
	if (later || first) {
		fid = icpt_frag_id((void *)(long)ctx->data,
				   (void *)(long)ctx->data_end, in);
		if (fid >= 0)
			icpt_frag_key(&frk, in, (__u32)fid);
	}
	if (later) {
		fv = fid >= 0 ? bpf_map_lookup_elem(&KEG_MAP_ICPT_FRAGS, &frk) :
				NULL;
		if (!fv || fv->gen != cfg->gen) {
			keg_stat_inc(s, KEG_STAT_icpt_frag_unknown);
			return XDP_PASS;
		}
		keg_stat_inc(s, KEG_STAT_icpt_frag_followed);
		if (!fv->pos1)
			return XDP_PASS;
		pos = fv->pos1 - 1;
		goto matched;
	}

	cache = !(cfg->flags & KEG_ICPT_CFG_NOCACHE);
	icpt_tuple(&fk.inner, in);
	if (r->depth)
		icpt_tuple(&fk.outer, &r->outer);
	fv = cache ? bpf_map_lookup_elem(&KEG_MAP_ICPT_FLOWS, &fk) : NULL;
	if (fv && fv->gen == cfg->gen) {
		keg_stat_inc(s, KEG_STAT_icpt_cache_hit);
		best = fv->pos1 ? fv->pos1 - 1 : ~0U;
	} else {
		keg_stat_inc(s, KEG_STAT_icpt_classified);
		if (cfg->n_inner)
			best = icpt_classify(in, KEG_ICPT_MATCH_INNER, best);
		if (cfg->n_outer)
			best = icpt_classify(&r->outer, KEG_ICPT_MATCH_OUTER, best);
		nv.gen = cfg->gen;
		nv.pos1 = best == ~0U ? 0 : best + 1;
		if (cache)
			bpf_map_update_elem(&KEG_MAP_ICPT_FLOWS, &fk, &nv, BPF_ANY);
	}
	if (first && fid >= 0) {
		nv.gen = cfg->gen;
		nv.pos1 = best == ~0U ? 0 : best + 1;
		bpf_map_update_elem(&KEG_MAP_ICPT_FRAGS, &frk, &nv, BPF_ANY);
	}
	if (best == ~0U)
		return XDP_PASS;
	pos = best;
matched:
	rule = bpf_map_lookup_elem(&KEG_MAP_ICPT_RULES, &pos);
	if (!rule)
		return XDP_PASS;
	keg_stat_inc(s, KEG_STAT_icpt_matched);
	hit = bpf_map_lookup_elem(&KEG_MAP_ICPT_HITS, &pos);
	if (hit) {
		hit->packets++;
		hit->bytes += ctx->data_end - ctx->data;
	}
	return icpt_steer(ctx, r, rule, pos, s);
}

#endif /* KEG_INTERCEPT_BPF_H */
