/* SPDX-License-Identifier: GPL-2.0 */
/* keg_csum.h - Internet checksum helpers over bpf_csum_diff() sums. */
#ifndef KEG_CSUM_H
#define KEG_CSUM_H

#include <linux/types.h>
#include <stdbool.h>
#include <linux/in6.h>

/* The IPv6 pseudo-header of an upper-layer checksum (RFC 8200 §8.1). */
struct keg_ipv6_pseudo {
	struct in6_addr saddr;
	struct in6_addr daddr;
	__be32 len;
	__u8 zero[3];
	__u8 nexthdr;
};

/* Fold a 32-bit one's-complement sum to the 16-bit checksum, in the byte
 * order of the summed memory, ready to store. */
static __always_inline __u16 keg_csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

#endif /* KEG_CSUM_H */
