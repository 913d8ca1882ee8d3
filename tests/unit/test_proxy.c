// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_proxy.c - proxy-ARP and proxy-NDP through keg_xdp.
 *
 * One table: each case builds the request and, when keg must answer, the
 * byte-exact reply, written out field by field from RFC 826 / RFC 4861
 * (never derived from the request by code under test). A case names the
 * one outcome counter it must increment: arp_replied / ns_replied for an
 * answer, the reason otherwise. Unanswered frames must come back as
 * XDP_PASS, unchanged.
 *
 * The same table runs through keg_tc_reply, the tc ingress reply path used
 * where XDP_TX does not reach the other end (KEG_CFG_REPLY_TC): the same
 * replies byte for byte, sent with TC_ACT_REDIRECT, the same counters, and
 * keg_xdp passing those requests untouched and uncounted.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "harness.h"
#include "pktbuild.h"
#include "ref_proxy.h"

/* ARP_REQ(.tpa = ...) and NS_OK(...) below are a valid request with one
 * field overridden: later designated initializers win, on purpose. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define KEG_MAC   WORLD_MAC
#define H1_MAC    "02:00:00:00:00:0a"
#define H2_MAC    "02:00:00:00:00:0c"
#define BCAST     "ff:ff:ff:ff:ff:ff"
#define ALL_NODES_MAC "33:33:00:00:00:01"

/* The world (ref_proxy.c) proxies 10.1.0.0/16 and 192.0.2.0/24 with
 * 10.1.2.5 assigned, and 2001:db8:1::/48 with 2001:db8:1::5 assigned. */
#define BOTH (KEG_CFG_PROXY_ARP | KEG_CFG_PROXY_NDP)

/* ---- frame descriptions ---------------------------------------------------- */

struct l2 {
	const char *dst, *src;
	int ntags;
	uint16_t tpid[3], tci[3];
};

static void put_l2(struct pkt *p, const struct l2 *l)
{
	pb_eth(p, l->dst, l->src, PB_AUTO);
	for (int i = 0; i < l->ntags; i++)
		pb_vlan(p, l->tpid[i], l->tci[i]);
}

static void arp_frame(struct pkt *p, const struct l2 *l, const struct pb_arp *a,
		      size_t pad)
{
	put_l2(p, l);
	pb_arp(p, a);
	if (pad)
		pb_fill(p, pad, 0xa5);
	pb_finish(p);
}

struct ns {
	const char *src, *dst, *target;
	uint8_t hlim;		/* 0 = 255 */
	const char *sll;	/* Source Link-Layer Address option, or NULL */
	size_t extra;		/* bytes of a further option (nonce, type 14) */
};

static void ns_frame(struct pkt *p, const struct l2 *l, const struct ns *n)
{
	put_l2(p, l);
	pb_ipv6(p, &(struct pb_ip6){ .src = n->src, .dst = n->dst,
				     .hlim = n->hlim ? n->hlim : 255 });
	pb_ns(p, n->target, n->sll);
	if (n->extra) {
		size_t o = pb_fill(p, n->extra, 0x5a);

		p->data[o] = 14;
		p->data[o + 1] = (uint8_t)(n->extra / 8);
	}
	pb_finish(p);
}

/* RFC 4861 4.4 with the 7.2.8 proxy flags: R=0, S as given, O=0, and one
 * Target Link-Layer Address option carrying keg's MAC. */
static void na_frame(struct pkt *p, const struct l2 *l, const char *src,
		     const char *dst, bool solicited)
{
	uint8_t opt[8] = { 2, 1 }, t[16];

	put_l2(p, l);
	pb_ipv6(p, &(struct pb_ip6){ .src = src, .dst = dst, .hlim = 255 });
	pb_icmp6(p, 136, 0, solicited ? 0x4000 : 0, 0);	/* R=0 S O=0, reserved */
	pb_ip6(src, t);			/* the target is the NA's source */
	pb_bytes(p, t, 16);
	pb_mac(KEG_MAC, opt + 2);
	pb_bytes(p, opt, 8);
	pb_finish(p);
}

#define L2(d, s, ...) (&(struct l2){ .dst = (d), .src = (s), __VA_ARGS__ })
#define VLAN1(t)      .ntags = 1, .tpid = { 0x8100 }, .tci = { (t) }
#define QINQ(o, i)    .ntags = 2, .tpid = { 0x88a8, 0x8100 }, .tci = { (o), (i) }
#define ARP(...)      (&(struct pb_arp){ __VA_ARGS__ })
#define NS(...)       (&(struct ns){ __VA_ARGS__ })

/* ---- ARP answered ---------------------------------------------------------- */

static uint32_t c_arp_request(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(BCAST, H1_MAC),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "10.1.2.7", .tpa = "10.1.9.9"), 0);
	arp_frame(a, L2(H1_MAC, KEG_MAC),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "10.1.9.9", .tha = H1_MAC,
		      .tpa = "10.1.2.7"), 0);
	return BOTH;
}

/* Minimum-size frame: the padding stays, the length does not change. */
static uint32_t c_arp_request_padded(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(BCAST, H1_MAC),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "10.1.2.7", .tpa = "10.1.0.1"), 18);
	arp_frame(a, L2(H1_MAC, KEG_MAC),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "10.1.0.1", .tha = H1_MAC,
		      .tpa = "10.1.2.7"), 18);
	return BOTH;
}

static uint32_t c_arp_request_vlan(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(BCAST, H1_MAC, VLAN1(0x2064)),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "10.1.2.7", .tpa = "10.1.9.9"), 14);
	arp_frame(a, L2(H1_MAC, KEG_MAC, VLAN1(0x2064)),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "10.1.9.9", .tha = H1_MAC,
		      .tpa = "10.1.2.7"), 14);
	return BOTH;
}

static uint32_t c_arp_request_qinq(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(BCAST, H1_MAC, QINQ(300, 40)),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "192.0.2.10", .tpa = "192.0.2.20"), 10);
	arp_frame(a, L2(H1_MAC, KEG_MAC, QINQ(300, 40)),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "192.0.2.20", .tha = H1_MAC,
		      .tpa = "192.0.2.10"), 10);
	return BOTH;
}

/* The Ethernet source is answered, not the sender hardware address. */
static uint32_t c_arp_request_eth_src_differs(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(BCAST, H2_MAC),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "10.1.2.7", .tha = "00:00:00:00:00:01",
		      .tpa = "10.1.3.3"), 0);
	arp_frame(a, L2(H2_MAC, KEG_MAC),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "10.1.3.3", .tha = H1_MAC,
		      .tpa = "10.1.2.7"), 0);
	return BOTH;
}

/* Sender and target in different proxied prefixes. */
static uint32_t c_arp_request_cross_prefix(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(KEG_MAC, H1_MAC),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "192.0.2.77", .tpa = "10.1.200.1"), 0);
	arp_frame(a, L2(H1_MAC, KEG_MAC),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "10.1.200.1", .tha = H1_MAC,
		      .tpa = "192.0.2.77"), 0);
	return BOTH;
}

/* RFC 5227 probe: sender 0.0.0.0 is allowed, the reply goes to it. */
static uint32_t c_arp_probe(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(BCAST, H1_MAC),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "0.0.0.0", .tpa = "10.1.9.9"), 18);
	arp_frame(a, L2(H1_MAC, KEG_MAC),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "10.1.9.9", .tha = H1_MAC,
		      .tpa = "0.0.0.0"), 18);
	return KEG_CFG_PROXY_ARP;
}

/* ---- ARP not answered ------------------------------------------------------ */

#define ARP_REQ(...) ARP(.op = 1, .sha = H1_MAC, .spa = "10.1.2.7", .tpa = "10.1.9.9", __VA_ARGS__)

static uint32_t c_arp_target_assigned(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.tpa = "10.1.2.5"), 18);
	return BOTH;
}

static uint32_t c_arp_target_outside(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.tpa = "10.2.0.1"), 18);
	return BOTH;
}

static uint32_t c_arp_gratuitous(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.spa = "10.1.9.9"), 18);
	return BOTH;
}

static uint32_t c_arp_reply(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(KEG_MAC, H1_MAC), ARP_REQ(.op = 2, .tha = KEG_MAC), 18);
	return BOTH;
}

static uint32_t c_arp_op_rarp(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.op = 3), 18);
	return BOTH;
}

static uint32_t c_arp_bad_htype(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.htype = 6), 18);
	return BOTH;
}

static uint32_t c_arp_bad_ptype(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.ptype = 0x86dd), 18);
	return BOTH;
}

static uint32_t c_arp_bad_hlen(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.hlen = 8), 18);
	return BOTH;
}

static uint32_t c_arp_bad_plen(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.plen = 16), 18);
	return BOTH;
}

static uint32_t c_arp_sender_outside(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.spa = "198.51.100.1"), 18);
	return BOTH;
}

static uint32_t c_arp_disabled(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(), 18);
	return KEG_CFG_PROXY_NDP;
}

static uint32_t c_arp_unconfigured(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC, VLAN1(5)), ARP_REQ(), 18);
	return 0;
}

static uint32_t c_arp_truncated(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(), 0);
	q->len--;
	return BOTH;
}

static uint32_t c_arp_three_tags(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC, .ntags = 3, .tpid = { 0x88a8, 0x8100, 0x8100 },
			.tci = { 1, 2, 3 }), ARP_REQ(), 0);
	return BOTH;
}

/* A proxy address (keg_proxies, kegctl proxy add): in no proxied prefix,
 * answered whoever asks, while proxy-ARP is on. */
static uint32_t c_arp_proxy_addr(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(BCAST, H1_MAC),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "10.1.2.7", .tpa = "198.51.100.77"), 0);
	arp_frame(a, L2(H1_MAC, KEG_MAC),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "198.51.100.77", .tha = H1_MAC,
		      .tpa = "10.1.2.7"), 0);
	return BOTH;
}

static uint32_t c_arp_proxy_addr_any_sender(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(BCAST, H1_MAC),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "203.0.113.9", .tpa = "198.51.100.77"), 18);
	arp_frame(a, L2(H1_MAC, KEG_MAC),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "198.51.100.77", .tha = H1_MAC,
		      .tpa = "203.0.113.9"), 18);
	return BOTH;
}

static uint32_t c_arp_proxy_addr_disabled(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.tpa = "198.51.100.77"), 18);
	return KEG_CFG_PROXY_NDP;
}

/* A proxy address inside a proxied prefix, asked by a sender outside
 * every prefix (refused for any other address there). */
static uint32_t c_arp_proxy_addr_in_prefix(struct pkt *q, struct pkt *a)
{
	arp_frame(q, L2(BCAST, H1_MAC),
		  ARP(.op = 1, .sha = H1_MAC, .spa = "203.0.113.9", .tpa = "10.1.77.7"), 18);
	arp_frame(a, L2(H1_MAC, KEG_MAC),
		  ARP(.op = 2, .sha = KEG_MAC, .spa = "10.1.77.7", .tha = H1_MAC,
		      .tpa = "203.0.113.9"), 18);
	return BOTH;
}

/* The next address of the proxy's is no proxy and in no prefix. */
static uint32_t c_arp_proxy_addr_neighbour(struct pkt *q, struct pkt *a)
{
	(void)a;
	arp_frame(q, L2(BCAST, H1_MAC), ARP_REQ(.tpa = "198.51.100.78"), 18);
	return BOTH;
}

/* ---- NDP answered ---------------------------------------------------------- */

static uint32_t c_ns_proxy_addr(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:07", H1_MAC),
		 NS(.src = "2001:db8:1::7", .dst = "ff02::1:ff00:7",
		    .target = "2001:db8:77::7", .sll = H1_MAC));
	na_frame(a, L2(H1_MAC, KEG_MAC), "2001:db8:77::7", "2001:db8:1::7", true);
	return BOTH;
}

static uint32_t c_ns_proxy_addr_in_prefix(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:77", H1_MAC),
		 NS(.src = "2001:db8:5555::1", .dst = "ff02::1:ff00:77",
		    .target = "2001:db8:1::77"));
	na_frame(a, L2(H1_MAC, KEG_MAC), "2001:db8:1::77", "2001:db8:5555::1", true);
	return BOTH;
}

static uint32_t c_ns_proxy_addr_any_sender(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:07", H1_MAC),
		 NS(.src = "2001:db8:5555::1", .dst = "ff02::1:ff00:7",
		    .target = "2001:db8:77::7"));
	na_frame(a, L2(H1_MAC, KEG_MAC), "2001:db8:77::7", "2001:db8:5555::1", true);
	return BOTH;
}

static uint32_t c_ns(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:99", H1_MAC),
		 NS(.src = "2001:db8:1::7", .dst = "ff02::1:ff00:99",
		    .target = "2001:db8:1::99", .sll = H1_MAC));
	na_frame(a, L2(H1_MAC, KEG_MAC), "2001:db8:1::99", "2001:db8:1::7", true);
	return BOTH;
}

/* 78 bytes in, 86 out: the tail grows for the option. */
static uint32_t c_ns_no_option(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:99", H1_MAC),
		 NS(.src = "2001:db8:1::7", .dst = "ff02::1:ff00:99",
		    .target = "2001:db8:1::99"));
	na_frame(a, L2(H1_MAC, KEG_MAC), "2001:db8:1::99", "2001:db8:1::7", true);
	return BOTH;
}

static uint32_t c_ns_link_local_sender(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:12:34:56", H1_MAC),
		 NS(.src = "fe80::a:bff:fe0c:d0e", .dst = "ff02::1:ff12:3456",
		    .target = "2001:db8:1:2::12:3456", .sll = H1_MAC));
	na_frame(a, L2(H1_MAC, KEG_MAC), "2001:db8:1:2::12:3456",
		 "fe80::a:bff:fe0c:d0e", true);
	return KEG_CFG_PROXY_NDP;
}

/* Neighbor unreachability detection: unicast to the target. */
static uint32_t c_ns_unicast(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2(KEG_MAC, H2_MAC),
		 NS(.src = "2001:db8:1::7", .dst = "2001:db8:1::99",
		    .target = "2001:db8:1::99"));
	na_frame(a, L2(H2_MAC, KEG_MAC), "2001:db8:1::99", "2001:db8:1::7", true);
	return BOTH;
}

/* Duplicate address detection: to all-nodes, Solicited clear. */
static uint32_t c_ns_dad(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:99", H1_MAC),
		 NS(.src = "::", .dst = "ff02::1:ff00:99", .target = "2001:db8:1::99"));
	na_frame(a, L2(ALL_NODES_MAC, KEG_MAC), "2001:db8:1::99", "ff02::1", false);
	return BOTH;
}

static uint32_t c_ns_vlan(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:99", H1_MAC, VLAN1(42)),
		 NS(.src = "2001:db8:1::7", .dst = "ff02::1:ff00:99",
		    .target = "2001:db8:1::99", .sll = H1_MAC));
	na_frame(a, L2(H1_MAC, KEG_MAC, VLAN1(42)), "2001:db8:1::99", "2001:db8:1::7", true);
	return BOTH;
}

static uint32_t c_ns_qinq_dad(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:99", H1_MAC, QINQ(7, 8)),
		 NS(.src = "::", .dst = "ff02::1:ff00:99", .target = "2001:db8:1::99"));
	na_frame(a, L2(ALL_NODES_MAC, KEG_MAC, QINQ(7, 8)), "2001:db8:1::99", "ff02::1", false);
	return BOTH;
}

/* Options beyond the source address: the answer is still 32 bytes. */
static uint32_t c_ns_more_options(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:99", H1_MAC),
		 NS(.src = "2001:db8:1::7", .dst = "ff02::1:ff00:99",
		    .target = "2001:db8:1::99", .sll = H1_MAC, .extra = 16));
	na_frame(a, L2(H1_MAC, KEG_MAC), "2001:db8:1::99", "2001:db8:1::7", true);
	return BOTH;
}

/* Ethernet padding behind the IPv6 payload is not part of the message. */
static uint32_t c_ns_padded(struct pkt *q, struct pkt *a)
{
	ns_frame(q, L2("33:33:ff:00:00:99", H1_MAC),
		 NS(.src = "2001:db8:1::7", .dst = "ff02::1:ff00:99",
		    .target = "2001:db8:1::99"));
	memset(q->data + q->len, 0xee, 10);
	q->len += 10;
	na_frame(a, L2(H1_MAC, KEG_MAC), "2001:db8:1::99", "2001:db8:1::7", true);
	return BOTH;
}

/* ---- NDP not answered ------------------------------------------------------ */

#define NS_OK(...) NS(.src = "2001:db8:1::7", .dst = "ff02::1:ff00:99", \
		      .target = "2001:db8:1::99", .sll = H1_MAC, __VA_ARGS__)
#define NS_L2 L2("33:33:ff:00:00:99", H1_MAC)

static uint32_t c_ns_hop_limit(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK(.hlim = 64));
	return BOTH;
}

static uint32_t c_ns_bad_checksum(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK());
	q->data[14 + 40 + 3] ^= 1;
	return BOTH;
}

static uint32_t c_ns_code(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK());
	q->data[14 + 40 + 1] = 1;
	pb_fix_l4_csum(q, 2);
	return BOTH;
}

/* ICMPv6 length 20: shorter than an NS (checksum valid over the 20). */
static uint32_t c_ns_short(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK(.sll = NULL));
	q->len -= 4;
	pb_put16(q, 14 + 4, 20);
	pb_fix_l4_csum(q, 2);
	return BOTH;
}

/* ICMPv6 length 28: not a multiple of 8. */
static uint32_t c_ns_odd_length(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK(.sll = NULL));
	pb_fill(q, 4, 0);
	pb_finish(q);
	return BOTH;
}

static uint32_t c_ns_multicast_target(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK(.target = "ff02::1"));
	return BOTH;
}

static uint32_t c_ns_target_outside(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK(.target = "2001:db8:2::99"));
	return BOTH;
}

static uint32_t c_ns_target_assigned(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK(.target = "2001:db8:1::5"));
	return BOTH;
}

static uint32_t c_ns_sender_outside(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK(.src = "2001:db8:9::7"));
	return BOTH;
}

static uint32_t c_ns_disabled(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK());
	return KEG_CFG_PROXY_ARP;
}

/* Only an NS right behind the IPv6 header is answered. */
static uint32_t c_ns_behind_hop_by_hop(struct pkt *q, struct pkt *a)
{
	(void)a;
	pb_eth(q, "33:33:ff:00:00:99", H1_MAC, PB_AUTO);
	pb_ipv6(q, &(struct pb_ip6){ .src = "2001:db8:1::7", .dst = "ff02::1:ff00:99",
				     .hlim = 255 });
	pb_ipv6_ext(q, 0, 8);
	pb_ns(q, "2001:db8:1::99", H1_MAC);
	pb_finish(q);
	return BOTH;
}

/* RFC 4861 7.1.1 checks beyond keg's spec (see ref_proxy.h). */

static uint32_t c_ns_dad_with_sllao(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK(.src = "::"));
	return BOTH;
}

static uint32_t c_ns_dad_not_solicited_node(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, L2(KEG_MAC, H1_MAC),
		 NS(.src = "::", .dst = "2001:db8:1::99", .target = "2001:db8:1::99"));
	return BOTH;
}

static uint32_t c_ns_option_length_zero(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK());
	q->data[14 + 40 + 24 + 1] = 0;
	pb_fix_l4_csum(q, 2);
	return BOTH;
}

static uint32_t c_ns_option_overruns(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, NS_L2, NS_OK());
	q->data[14 + 40 + 24 + 1] = 2;
	pb_fix_l4_csum(q, 2);
	return BOTH;
}

/* ---- the table -------------------------------------------------------------- */

struct proxy_case {
	const char *name;
	/* Builds the request into q and the answer into a (left empty when
	 * keg must not answer); returns keg_config flags for the case. */
	uint32_t (*build)(struct pkt *q, struct pkt *a);
	enum keg_stat outcome;	/* the one outcome counter incremented */
};

#define C(name, outcome) { #name, c_##name, KEG_STAT_##outcome }
static const struct proxy_case cases[] = {
	C(arp_request, arp_replied),
	C(arp_request_padded, arp_replied),
	C(arp_request_vlan, arp_replied),
	C(arp_request_qinq, arp_replied),
	C(arp_request_eth_src_differs, arp_replied),
	C(arp_request_cross_prefix, arp_replied),
	C(arp_probe, arp_replied),
	C(arp_target_assigned, arp_target_assigned),
	C(arp_target_outside, arp_target_outside),
	C(arp_gratuitous, arp_gratuitous),
	C(arp_reply, arp_not_request),
	C(arp_op_rarp, arp_not_request),
	C(arp_bad_htype, arp_malformed),
	C(arp_bad_ptype, arp_malformed),
	C(arp_bad_hlen, arp_malformed),
	C(arp_bad_plen, arp_malformed),
	C(arp_sender_outside, arp_sender_outside),
	C(arp_disabled, arp_disabled),
	C(arp_unconfigured, arp_disabled),
	C(arp_truncated, err_trunc_arp),
	C(arp_three_tags, err_too_many_vlans),
	C(arp_proxy_addr, arp_replied),
	C(arp_proxy_addr_any_sender, arp_replied),
	C(arp_proxy_addr_disabled, arp_disabled),
	C(arp_proxy_addr_in_prefix, arp_replied),
	C(arp_proxy_addr_neighbour, arp_target_outside),
	C(ns_proxy_addr, ns_replied),
	C(ns_proxy_addr_any_sender, ns_replied),
	C(ns_proxy_addr_in_prefix, ns_replied),
	C(ns, ns_replied),
	C(ns_no_option, ns_replied),
	C(ns_link_local_sender, ns_replied),
	C(ns_unicast, ns_replied),
	C(ns_dad, ns_replied),
	C(ns_vlan, ns_replied),
	C(ns_qinq_dad, ns_replied),
	C(ns_more_options, ns_replied),
	C(ns_padded, ns_replied),
	C(ns_hop_limit, ns_bad_hop_limit),
	C(ns_bad_checksum, ns_bad_checksum),
	C(ns_code, ns_malformed),
	C(ns_short, ns_malformed),
	C(ns_odd_length, ns_malformed),
	C(ns_multicast_target, ns_malformed),
	C(ns_target_outside, ns_target_outside),
	C(ns_target_assigned, ns_target_assigned),
	C(ns_sender_outside, ns_sender_outside),
	C(ns_disabled, ns_disabled),
	C(ns_behind_hop_by_hop, ns_malformed),
};

static const struct proxy_case rfc4861_cases[] = {
	C(ns_dad_with_sllao, ns_malformed),
	C(ns_dad_not_solicited_node, ns_malformed),
	C(ns_option_length_zero, ns_malformed),
	C(ns_option_overruns, ns_malformed),
};

/* Counters that say what became of a frame: answers, reasons, errors. */
static int is_outcome(enum keg_stat i)
{
	return (i >= KEG_STAT_arp_replied && i <= KEG_STAT_arp_disabled) ||
	       (i >= KEG_STAT_ns_replied && i <= KEG_STAT_ns_tx_failed) ||
	       stat_is_error(i);
}

static struct keg_env env;

static void setup(void)
{
	keg_env_open(&env);
	world_load(&env);
}

static void teardown(void)
{
	keg_env_close(&env);
}

TestSuite(proxy, .init = setup, .fini = teardown);

static void run_case(const struct proxy_case *c)
{
	struct pkt *q = malloc(sizeof(*q)), *a = malloc(sizeof(*a));
	struct xdp_run *r = malloc(sizeof(*r));
	struct keg_stats st;
	uint8_t ref[PB_MAX_LEN + 64];
	size_t ref_len = 0;
	uint32_t flags;
	int err;

	cr_assert(q && a && r);
	pb_init(q);
	pb_init(a);
	flags = c->build(q, a);
	/* The fuzzer's model must agree with the hand-written answer. */
	cr_expect_eq(ref_proxy(q->data, q->len, flags, ref, &ref_len, NULL),
		     a->len ? XDP_TX : XDP_PASS, "%s: ref_proxy disagrees", c->name);
	cr_expect(ref_len == a->len && !memcmp(ref, a->data, a->len),
		  "%s: ref_proxy builds another reply", c->name);
	keg_env_config(&env, KEG_MAC, flags);
	stats_reset(&env);
	err = xdp_run(env.xdp_fd, q->data, q->len, r);
	cr_assert_eq(err, 0, "%s: test run: %d", c->name, err);
	stats_read(&env, &st);

	if (a->len) {
		cr_expect_eq(r->retval, XDP_TX, "%s: %s, want XDP_TX", c->name,
			     xdp_verdict_name(r->retval));
		cr_expect_eq(r->out_len, a->len, "%s: reply is %u bytes, want %zu",
			     c->name, r->out_len, a->len);
		for (size_t i = 0; i < a->len && i < r->out_len; i++)
			cr_expect_eq(r->out[i], a->data[i],
				     "%s: reply byte %zu is %#04x, want %#04x", c->name, i,
				     r->out[i], a->data[i]);
	} else {
		cr_expect_eq(r->retval, XDP_PASS, "%s: %s, want XDP_PASS", c->name,
			     xdp_verdict_name(r->retval));
		cr_expect(r->out_len == q->len && !memcmp(r->out, q->data, q->len),
			  "%s: a passed frame was modified", c->name);
	}
	for (int i = 0; i < KEG_STAT__MAX; i++)
		if (is_outcome(i))
			cr_expect_eq(stat_val(&st, i), (uint64_t)(i == (int)c->outcome),
				     "%s: %s = %llu, want only %s counted", c->name,
				     stat_names[i], (unsigned long long)stat_val(&st, i),
				     stat_names[c->outcome]);
	if (c->outcome == KEG_STAT_arp_replied)
		cr_expect_eq(stat_val(&st, KEG_STAT_arp_requests), 1, "%s: arp_requests", c->name);
	if (c->outcome == KEG_STAT_ns_replied)
		cr_expect_eq(stat_val(&st, KEG_STAT_ns_requests), 1, "%s: ns_requests", c->name);
	free(q);
	free(a);
	free(r);
}

Test(proxy, table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* RFC 4861 7.1.1 option and DAD checks. */
Test(proxy, rfc4861_validity)
{
	for (size_t i = 0; i < sizeof(rfc4861_cases) / sizeof(rfc4861_cases[0]); i++)
		run_case(&rfc4861_cases[i]);
}

/* A DAD probe and a solicitation for link-local addresses. */
static uint32_t c_ns_dad_link_local(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, L2("33:33:ff:00:12:34", H1_MAC),
		 NS(.src = "::", .dst = "ff02::1:ff00:1234", .target = "fe80::1234"));
	return BOTH;
}

static uint32_t c_ns_link_local_target(struct pkt *q, struct pkt *a)
{
	(void)a;
	ns_frame(q, L2("33:33:ff:00:12:34", H1_MAC),
		 NS(.src = "fe80::7", .dst = "ff02::1:ff00:1234", .target = "fe80::1234",
		    .sll = H1_MAC));
	return BOTH;
}

/* A link-local subnet left in the map by an older keg (kegctl refuses them
 * now): its addresses are never answered, so the hosts' own duplicate
 * address detection keeps working. */
Test(proxy, never_link_local_targets)
{
	static const struct proxy_case ll[] = {
		C(ns_dad_link_local, ns_target_outside),
		C(ns_link_local_target, ns_target_outside),
	};

	keg_env_add_subnet(&env, "fe80::/64");
	for (size_t i = 0; i < sizeof(ll) / sizeof(ll[0]); i++)
		run_case(&ll[i]);
}

/* Inside a tunnel nothing is answered, and no ARP/NDP counter moves. */
Test(proxy, not_inside_tunnels)
{
	struct pkt p;
	struct xdp_run *r = malloc(sizeof(*r));
	struct keg_stats st;

	cr_assert_not_null(r);
	keg_env_config(&env, KEG_MAC, BOTH);
	for (int v6 = 0; v6 < 2; v6++) {
		pb_init(&p);
		pb_eth(&p, KEG_MAC, H1_MAC, PB_AUTO);
		pb_ipv4(&p, &(struct pb_ip4){ .src = "203.0.113.1", .dst = "203.0.113.2" });
		pb_udp(&p, 1, 4789);
		pb_vxlan(&p, 1);
		if (v6) {
			pb_eth(&p, "33:33:ff:00:00:99", H1_MAC, PB_AUTO);
			pb_ipv6(&p, &(struct pb_ip6){ .src = "2001:db8:1::7",
						      .dst = "ff02::1:ff00:99", .hlim = 255 });
			pb_ns(&p, "2001:db8:1::99", H1_MAC);
		} else {
			pb_eth(&p, BCAST, H1_MAC, PB_AUTO);
			pb_arp(&p, ARP_REQ());
		}
		pb_finish(&p);
		stats_reset(&env);
		cr_assert_eq(xdp_run(env.xdp_fd, p.data, p.len, r), 0);
		stats_read(&env, &st);
		cr_expect_eq(r->retval, XDP_PASS, "%s in VXLAN: %s", v6 ? "NS" : "ARP",
			     xdp_verdict_name(r->retval));
		for (int i = KEG_STAT_arp_requests; i <= KEG_STAT_ns_tx_failed; i++)
			cr_expect_eq(stat_val(&st, i), 0, "%s in VXLAN: %s counted",
				     v6 ? "NS" : "ARP", stat_names[i]);
		cr_expect_eq(stat_val(&st, KEG_STAT_tun_vxlan), 1);
	}
	free(r);
}

/* ---- the tc ingress reply path (KEG_CFG_REPLY_TC) ------------------------- */

/* Parse errors are keg_xdp's to count: the tc path sees the frame after it. */
static int counted_by_xdp_only(enum keg_stat outcome)
{
	return stat_is_error(outcome) && outcome != KEG_STAT_err_trunc_arp;
}

static void run_case_tc(const struct proxy_case *c)
{
	struct pkt *q = malloc(sizeof(*q)), *a = malloc(sizeof(*a));
	struct xdp_run *r = malloc(sizeof(*r));
	struct keg_stats st;
	uint32_t flags;
	int err;

	cr_assert(q && a && r);
	pb_init(q);
	pb_init(a);
	flags = c->build(q, a);
	keg_env_config(&env, KEG_MAC, flags | KEG_CFG_REPLY_TC);

	/* keg_xdp leaves the request to tc: passed as it came, nothing counted. */
	stats_reset(&env);
	err = xdp_run(env.xdp_fd, q->data, q->len, r);
	cr_assert_eq(err, 0, "%s: xdp test run: %d", c->name, err);
	stats_read(&env, &st);
	cr_expect_eq(r->retval, XDP_PASS, "%s: keg_xdp %s with REPLY_TC, want XDP_PASS",
		     c->name, xdp_verdict_name(r->retval));
	cr_expect(r->out_len == q->len && !memcmp(r->out, q->data, q->len),
		  "%s: keg_xdp modified a frame left to tc", c->name);
	for (int i = KEG_STAT_arp_requests; i <= KEG_STAT_ns_tx_failed; i++)
		cr_expect_eq(stat_val(&st, i), 0, "%s: keg_xdp counted %s with REPLY_TC",
			     c->name, stat_names[i]);

	stats_reset(&env);
	err = xdp_run(env.tc_reply_fd, q->data, q->len, r);
	cr_assert_eq(err, 0, "%s: tc test run: %d", c->name, err);
	stats_read(&env, &st);
	if (a->len) {
		cr_expect_eq(r->retval, TC_ACT_REDIRECT, "%s: tc verdict %d, want TC_ACT_REDIRECT",
			     c->name, (int)r->retval);
		cr_expect_eq(r->out_len, a->len, "%s: tc reply is %u bytes, want %zu",
			     c->name, r->out_len, a->len);
		for (size_t i = 0; i < a->len && i < r->out_len; i++)
			cr_expect_eq(r->out[i], a->data[i],
				     "%s: tc reply byte %zu is %#04x, want %#04x", c->name, i,
				     r->out[i], a->data[i]);
	} else {
		cr_expect_eq((int)r->retval, TC_ACT_UNSPEC, "%s: tc verdict %d, want TC_ACT_UNSPEC",
			     c->name, (int)r->retval);
		cr_expect(r->out_len == q->len && !memcmp(r->out, q->data, q->len),
			  "%s: tc modified a frame it did not answer", c->name);
	}
	for (int i = 0; i < KEG_STAT__MAX; i++) {
		uint64_t want = i == (int)c->outcome && !counted_by_xdp_only(c->outcome);

		if (is_outcome(i))
			cr_expect_eq(stat_val(&st, i), want, "%s: tc %s = %llu, want %llu",
				     c->name, stat_names[i],
				     (unsigned long long)stat_val(&st, i),
				     (unsigned long long)want);
	}
	if (c->outcome == KEG_STAT_arp_replied)
		cr_expect_eq(stat_val(&st, KEG_STAT_arp_requests), 1, "%s: tc arp_requests", c->name);
	if (c->outcome == KEG_STAT_ns_replied)
		cr_expect_eq(stat_val(&st, KEG_STAT_ns_requests), 1, "%s: tc ns_requests", c->name);
	free(q);
	free(a);
	free(r);
}

Test(proxy, tc_reply_table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case_tc(&cases[i]);
	for (size_t i = 0; i < sizeof(rfc4861_cases) / sizeof(rfc4861_cases[0]); i++)
		run_case_tc(&rfc4861_cases[i]);
}

/* Without KEG_CFG_REPLY_TC the tc path leaves requests to keg_xdp; frames
 * that are no request pass untouched and uncounted either way. */
Test(proxy, tc_reply_only_when_configured)
{
	struct pkt *p = malloc(sizeof(*p)), *unused = malloc(sizeof(*unused));
	struct xdp_run *r = malloc(sizeof(*r));
	struct keg_stats st;

	cr_assert(p && unused && r);
	for (int k = 0; k < 4; k++) {
		uint32_t flags = BOTH;

		pb_init(p);
		pb_init(unused);
		switch (k) {
		case 0:		/* an ARP request keg would answer, flag off */
			c_arp_request(p, unused);
			break;
		case 1:		/* an NS keg would answer, flag off */
			c_ns(p, unused);
			break;
		case 2:		/* IPv4 TCP, flag on */
			pb_eth(p, KEG_MAC, H1_MAC, PB_AUTO);
			pb_ipv4(p, &(struct pb_ip4){ .src = "10.1.2.7", .dst = "10.1.9.9" });
			pb_tcp(p, 40000, 80, 0x10);
			pb_finish(p);
			flags |= KEG_CFG_REPLY_TC;
			break;
		default:	/* IPv6 ICMPv6 echo, flag on: not an NS */
			pb_eth(p, KEG_MAC, H1_MAC, PB_AUTO);
			pb_ipv6(p, &(struct pb_ip6){ .src = "2001:db8:1::7",
						     .dst = "2001:db8:1::99", .hlim = 64 });
			pb_icmp6(p, 128, 0, 1, 1);
			pb_finish(p);
			flags |= KEG_CFG_REPLY_TC;
			break;
		}
		keg_env_config(&env, KEG_MAC, flags);
		stats_reset(&env);
		cr_assert_eq(xdp_run(env.tc_reply_fd, p->data, p->len, r), 0);
		stats_read(&env, &st);
		cr_expect_eq((int)r->retval, TC_ACT_UNSPEC, "case %d: tc verdict %d", k,
			     (int)r->retval);
		cr_expect(r->out_len == p->len && !memcmp(r->out, p->data, p->len),
			  "case %d: frame modified", k);
		for (int i = 0; i < KEG_STAT__MAX; i++)
			cr_expect_eq(stat_val(&st, i), 0, "case %d: %s counted", k, stat_names[i]);
	}
	free(p);
	free(unused);
	free(r);
}
