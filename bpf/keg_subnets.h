/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_subnets.h - the longest proxied prefix holding an address.
 *
 * API: keg_subnet4_plen(addr), keg_subnet6_plen(w0, w1, w2, w3) (the four
 * words of the address, network order) return the length of the longest
 * prefix in keg_prefixes4/6 that holds the address, or -1.
 *
 * How: keg_prefix_lens says which lengths are in use; for each, longest
 * first, one hash lookup of (length, address with the bits after length
 * cleared). The first hit is the longest match. The cost is one lookup per
 * length in use down to the match, whatever the number of prefixes (an LPM
 * trie walk grows with it: 3x the whole ARP path at 10,000 prefixes).
 *
 * Both are global functions, so the verifier checks each loop once, on its
 * own, not at every call site on every path of the programs; being global
 * they are defined in keg.bpf.c, from the bodies below.
 */
#ifndef KEG_SUBNETS_H
#define KEG_SUBNETS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "keg_consts.h"
#include "keg_maps.bpf.h"

int keg_subnet4_plen(__be32 addr);
int keg_subnet6_plen(__be32 w0, __be32 w1, __be32 w2, __be32 w3);

#define KEG_U64_BITS 64
/* Bits 0..32 of used4: the IPv4 lengths. */
#define KEG_LENS4_MASK ((1ULL << KEG_SUBNET4_LENS) - 1)
/* Bit 0 of used6[2]: length 128, the only one in that word. */
#define KEG_LENS6_TOP_MASK 1ULL

/* Set bits of x: the SWAR popcount (Hacker's Delight 5-1; the masks are
 * its bit patterns). BPF has no popcount or clz instruction. */
static __always_inline __u32 keg_popcount64(__u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

/* Index of the highest set bit of x != 0, without branches: every bit
 * below the highest set, then counted. */
static __always_inline __u32 keg_msb64(__u64 x)
{
	x |= x >> 1;
	x |= x >> 2;
	x |= x >> 4;
	x |= x >> 8;
	x |= x >> 16;
	x |= x >> 32;
	return keg_popcount64(x) - 1;
}

/* The first bits bits of a 32-bit word, network order (bits 0..32). */
static __always_inline __be32 keg_mask32(__u32 bits)
{
	if (bits == 0)
		return 0;
	if (bits >= IPV4_ADDR_BITS)
		return ~0U;
	return bpf_htonl(~0U << (IPV4_ADDR_BITS - bits));
}

static __always_inline struct keg_subnet_lens *keg_subnet_lens_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&KEG_MAP_SUBNET_LENS, &zero);
}

static __always_inline int keg_subnet4_plen_body(__be32 addr)
{
	struct keg_subnet_lens *lens = keg_subnet_lens_get();
	struct keg_subnet4_key k;
	__u64 used;
	__u32 plen;
	int i;

	if (!lens)
		return -1;
	used = lens->used4 & KEG_LENS4_MASK;
	for (i = 0; i < KEG_SUBNET4_LENS && used; i++) {
		plen = keg_msb64(used);
		used &= ~(1ULL << plen);
		k.prefixlen = plen;
		k.addr = addr & keg_mask32(plen);
		if (bpf_map_lookup_elem(&KEG_MAP_SUBNETS4, &k))
			return plen;
	}
	return -1;
}

/* The prefix of length plen of the word at bit offset word_bit. */
static __always_inline __be32 keg_word_prefix(__be32 w, __u32 plen, __u32 word_bit)
{
	return w & keg_mask32(plen > word_bit ? plen - word_bit : 0);
}

/* The state of one IPv6 search, for bpf_loop. */
struct keg_subnet6_walk {
	struct keg_subnet6_key k;
	__be32 w[IPV6_ADDR_WORDS];	/* the address */
	__u64 used[KEG_SUBNET6_LEN_WORDS];	/* lengths not yet tried */
	int plen;			/* the result, -1 until found */
};

/* bpf_loop body: try the longest length not yet tried; 1 stops. */
static long keg_subnet6_step(__u32 i, void *ctx)
{
	struct keg_subnet6_walk *st = ctx;
	__be32 *a = (__be32 *)st->k.addr;
	__u64 *used;
	__u32 plen, base;

	if (st->used[2]) {
		used = &st->used[2];
		base = 2 * KEG_U64_BITS;
	} else if (st->used[1]) {
		used = &st->used[1];
		base = KEG_U64_BITS;
	} else if (st->used[0]) {
		used = &st->used[0];
		base = 0;
	} else {
		return 1;
	}
	plen = keg_msb64(*used);
	*used &= ~(1ULL << plen);
	plen += base;
	st->k.prefixlen = plen;
	a[0] = keg_word_prefix(st->w[0], plen, 0);
	a[1] = keg_word_prefix(st->w[1], plen, IPV4_ADDR_BITS);
	a[2] = keg_word_prefix(st->w[2], plen, 2 * IPV4_ADDR_BITS);
	a[3] = keg_word_prefix(st->w[3], plen, 3 * IPV4_ADDR_BITS);
	if (!bpf_map_lookup_elem(&KEG_MAP_SUBNETS6, &st->k))
		return 0;
	st->plen = plen;
	return 1;
}

/* A walk over up to 129 lengths: bpf_loop, so the verifier checks one
 * step instead of unrolling 129 (which tripled keg_xdp's count). */
static __always_inline int keg_subnet6_plen_body(__be32 w0, __be32 w1,
						 __be32 w2, __be32 w3)
{
	struct keg_subnet_lens *lens = keg_subnet_lens_get();
	struct keg_subnet6_walk st = { .plen = -1 };

	if (!lens)
		return -1;
	st.w[0] = w0;
	st.w[1] = w1;
	st.w[2] = w2;
	st.w[3] = w3;
	st.used[0] = lens->used6[0];
	st.used[1] = lens->used6[1];
	st.used[2] = lens->used6[2] & KEG_LENS6_TOP_MASK;
	bpf_loop(KEG_SUBNET6_LENS, keg_subnet6_step, &st, 0);
	return st.plen;
}

#endif /* KEG_SUBNETS_H */
