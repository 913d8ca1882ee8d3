/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pktbuild.h - a small packet builder for tests and benchmarks.
 *
 * Headers are appended outermost first; every appender returns the offset
 * of the header it wrote. Protocol fields that name the next header
 * (ethertype, IP protocol, IPv6 next header, GRE/GENEVE protocol) are
 * "linked": when left to PB_AUTO they are filled in by whatever header is
 * appended next. pb_finish() then fixes lengths and checksums from the
 * innermost header outwards (IPv4 total length and header checksum, IPv6
 * payload length, UDP length, UDP/TCP/ICMP/ICMPv6/GRE checksums).
 * Anything written after pb_finish() (padding, deliberate corruption) is
 * left alone.
 *
 * Addresses are given as strings ("02:00:00:00:00:01", "10.0.0.1",
 * "2001:db8::1"); a string that does not parse aborts the program, since
 * it is a bug in the test, not in the code under test.
 */
#ifndef KEG_PKTBUILD_H
#define KEG_PKTBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PB_MAX_LEN   2048	/* largest frame the builder holds */
#define PB_MAX_HDRS  64		/* headers recorded per frame */
#define PB_AUTO      (-1)	/* "fill from the next header" */

enum pb_kind {
	PB_ETH = 1,
	PB_VLAN,
	PB_ARP,
	PB_IPV4,
	PB_IPV6,
	PB_IPV6_EXT,		/* hop-by-hop, routing, destination options */
	PB_IPV6_FRAG,
	PB_TCP,
	PB_UDP,
	PB_ICMP,
	PB_ICMP6,
	PB_GRE,
	PB_VXLAN,
	PB_GENEVE,
	PB_PAYLOAD,
};

/* One header as written: where it starts and how many bytes it spans. */
struct pb_hdr {
	enum pb_kind kind;
	uint16_t off;
	uint16_t len;
};

struct pkt {
	uint8_t data[PB_MAX_LEN];
	size_t len;
	struct pb_hdr hdr[PB_MAX_HDRS];
	int nhdr;
	int link_off;		/* pending "next protocol" field, -1 if none */
	int link_wide;		/* 1: 16-bit ethertype field, 0: 8-bit IP proto */
};

/* Parse helpers; abort on a malformed literal. */
void pb_mac(const char *s, uint8_t mac[6]);
uint32_t pb_ip4(const char *s);		/* network byte order */
void pb_ip6(const char *s, uint8_t addr[16]);

void pb_init(struct pkt *p);

/* Ethernet; type PB_AUTO is filled in by the next header. */
size_t pb_eth(struct pkt *p, const char *dst, const char *src, int type);
/* An 802.1Q/802.1ad tag: tpid goes into the previous (auto) ethertype. */
size_t pb_vlan(struct pkt *p, uint16_t tpid, uint16_t tci);

struct pb_arp {
	uint16_t op;		/* 1 request, 2 reply */
	const char *sha, *spa, *tha, *tpa;	/* tha NULL = 00:..:00 */
	/* Zero means the Ethernet/IPv4 value (1, 0x0800, 6, 4). */
	uint16_t htype, ptype;
	uint8_t hlen, plen;
};
size_t pb_arp(struct pkt *p, const struct pb_arp *a);

struct pb_ip4 {
	const char *src, *dst;
	int proto;		/* 0 = PB_AUTO */
	uint8_t tos;
	uint8_t ttl;		/* 0 = 64 */
	uint16_t id;
	uint16_t frag_off;	/* in 8-byte units */
	bool mf, df;
	uint8_t opt_len;	/* option bytes (NOP-filled, ends with EOL), multiple of 4 */
};
size_t pb_ipv4(struct pkt *p, const struct pb_ip4 *h);

struct pb_ip6 {
	const char *src, *dst;
	int nexthdr;		/* 0 = PB_AUTO (use pb_ipv6_ext for hop-by-hop) */
	uint8_t tclass;
	uint32_t flow;
	uint8_t hlim;		/* 0 = 64 */
};
size_t pb_ipv6(struct pkt *p, const struct pb_ip6 *h);
/* Hop-by-hop (0), routing (43) or destination options (60): len bytes
 * (a multiple of 8, at least 8), padded with PadN; routing type 0,
 * segments left 0. */
size_t pb_ipv6_ext(struct pkt *p, uint8_t type, size_t len);
size_t pb_ipv6_frag(struct pkt *p, uint16_t frag_off, bool mf, uint32_t id);

size_t pb_tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags);
size_t pb_udp(struct pkt *p, uint16_t sport, uint16_t dport);
/* ICMP / ICMPv6 with the 4-byte "rest of header" as id and sequence. */
size_t pb_icmp(struct pkt *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq);
size_t pb_icmp6(struct pkt *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq);
/* Neighbor Solicitation (ICMPv6 135): target and an optional source
 * link-layer address option (sll NULL: none). */
size_t pb_ns(struct pkt *p, const char *target, const char *sll);

struct pb_gre {
	bool csum, key, seq;	/* C, K, S bits and their fields */
	uint32_t key_val, seq_val;
	int proto;		/* 0 = PB_AUTO (0x0800, 0x86DD, 0x6558) */
	uint8_t version;	/* low 3 bits of the flags word */
	bool routing;		/* R bit (deprecated, must be rejected) */
};
size_t pb_gre(struct pkt *p, const struct pb_gre *g);
size_t pb_vxlan(struct pkt *p, uint32_t vni);
/* GENEVE with opt_len bytes of options (a multiple of 4). */
size_t pb_geneve(struct pkt *p, uint32_t vni, size_t opt_len, uint8_t version);

size_t pb_bytes(struct pkt *p, const void *d, size_t n);
size_t pb_fill(struct pkt *p, size_t n, uint8_t byte);

/* Fix lengths and checksums, innermost first; returns the frame length. */
size_t pb_finish(struct pkt *p);

/* Helpers for tests that patch a frame by hand. */
void pb_put16(struct pkt *p, size_t off, uint16_t v);	/* big endian */
void pb_put32(struct pkt *p, size_t off, uint32_t v);
uint16_t pb_csum(const void *d, size_t n, uint32_t sum);	/* folded, complemented */
uint32_t pb_csum_add(const void *d, size_t n, uint32_t sum);	/* unfolded */
/* Recompute the L4 checksum of header index i (TCP, UDP, ICMP, ICMPv6). */
void pb_fix_l4_csum(struct pkt *p, int i);
/* The n-th (0-based) header of a kind, or NULL. */
const struct pb_hdr *pb_find(const struct pkt *p, enum pb_kind kind, int n);

#endif /* KEG_PKTBUILD_H */
