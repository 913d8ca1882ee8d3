/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_parse_hdrs.h - what both of keg's parsers (the fast path,
 * keg_parse_fast.h, and the generic loop, keg_parse.h) know of the wire:
 * the headers the kernel's uapi does not define, the offset bounds, and
 * reading a header only when the frame holds it.
 */
#ifndef KEG_PARSE_HDRS_H
#define KEG_PARSE_HDRS_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

/* A header starting beyond this offset is not looked at (err_too_far). */
#define KEG_PARSE_MAX_OFF  1024
/* Bound for the verifier on any offset read inside a header: the start
 * (<= KEG_PARSE_MAX_OFF) plus the largest fixed part read at once. */
#define KEG_PARSE_MAX_READ (KEG_PARSE_MAX_OFF + 64)

struct vlan_hdr_ {
	__be16 tci;
	__be16 proto;
};

struct gre_hdr_ {
	__be16 flags;
	__be16 proto;
};

struct vxlan_hdr_ {
	__u8 flags;
	__u8 reserved1[3];
	__u8 vni[3];
	__u8 reserved2;
};

struct geneve_hdr_ {
	__u8 ver_optlen;
	__u8 flags;
	__be16 proto;
	__u8 vni[3];
	__u8 reserved;
};

struct ipv6_ext_hdr_ {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct ipv6_frag_hdr_ {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 id;
};

/* The header of len bytes at off, or NULL when the frame is too short. */
static __always_inline void *keg_hdr_at(void *data, void *data_end, __u32 off,
					 __u32 len)
{
	void *p;

	if (off > KEG_PARSE_MAX_READ)
		return NULL;
	p = data + off;
	if (p + len > data_end)
		return NULL;
	return p;
}

static __always_inline __u32 keg_sat_sub(__u32 a, __u32 b)
{
	return a > b ? a - b : 0;
}

static __always_inline __u32 keg_vni(const __u8 *vni)
{
	/* 24 bits, network order (RFC 7348 §5, RFC 8926 §3.4). */
	return ((__u32)vni[0] << 16) | ((__u32)vni[1] << 8) | vni[2];
}

#endif /* KEG_PARSE_HDRS_H */
