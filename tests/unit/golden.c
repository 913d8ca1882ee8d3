// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * golden.c - the golden packets: one builder per parse path, each filling
 * the result keg_parse() must produce. Expected values are written out
 * from the protocol specs, never computed by parsing the frame.
 */
#include "golden.h"

#include <arpa/inet.h>
#include <string.h>

#include "keg_maps.h"

#define IP4(s, d, ...) (&(struct pb_ip4){ .src = (s), .dst = (d), __VA_ARGS__ })
#define IP6(s, d, ...) (&(struct pb_ip6){ .src = (s), .dst = (d), __VA_ARGS__ })
#define GRE(...)       (&(struct pb_gre){ __VA_ARGS__ })

/* Plain hosts, tunnel endpoints, first and second inner level. */
#define A4 "192.0.2.1"
#define B4 "198.51.100.2"
#define T4A "203.0.113.1"
#define T4B "203.0.113.2"
#define I4A "10.0.0.1"
#define I4B "10.0.0.2"
#define J4A "172.16.0.1"
#define J4B "172.16.0.2"
#define A6 "2001:db8::1"
#define B6 "2001:db8::2"
#define T6A "2001:db8:ffff::1"
#define T6B "2001:db8:ffff::2"
#define I6A "fd00::1"
#define I6B "fd00::2"

#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define TCP_PSH 0x08

enum { P_ICMP = 1, P_IPIP = 4, P_TCP = 6, P_UDP = 17, P_IPV6 = 41,
       P_GRE = 47, P_ICMPV6 = 58, P_NONE = 59 };

/* ---- expectation helpers ------------------------------------------------ */

static void w_ip4(struct keg_l3l4 *l, size_t off, const char *s, const char *d,
		  uint8_t proto, uint8_t tos)
{
	l->family = 4;
	l->l3_off = (uint16_t)off;
	l->saddr[0] = pb_ip4(s);
	l->daddr[0] = pb_ip4(d);
	l->proto = proto;
	l->dscp = tos >> 2;
}

static void w_ip6(struct keg_l3l4 *l, size_t off, const char *s, const char *d,
		  uint8_t proto, uint8_t tclass)
{
	l->family = 6;
	l->l3_off = (uint16_t)off;
	pb_ip6(s, (uint8_t *)l->saddr);
	pb_ip6(d, (uint8_t *)l->daddr);
	l->proto = proto;
	l->dscp = tclass >> 2;
}

/* TCP/UDP (or ICMP echo id in both ports) at off, payload bytes behind. */
static void w_l4(struct keg_l3l4 *l, size_t off, uint16_t sport, uint16_t dport,
		 size_t payload)
{
	l->l4_off = (uint16_t)off;
	l->sport = htons(sport);
	l->dport = htons(dport);
	l->payload_len = (uint16_t)payload;
}

static void w_icmp(struct keg_l3l4 *l, size_t off, uint8_t type, uint8_t code,
		   uint16_t echo_id, size_t payload)
{
	w_l4(l, off, echo_id, echo_id, payload);
	l->icmp_type = type;
	l->icmp_code = code;
}

static void w_tun(struct keg_parse_result *w, uint8_t t0, uint8_t t1)
{
	w->tun[0] = t0;
	w->tun[1] = t1;
	w->depth = t1 ? 2 : 1;
}

/* ---- plain IPv4 --------------------------------------------------------- */

static int g_ipv4_tcp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4, .tos = 0xb8));	/* DSCP EF */
	l4 = pb_tcp(p, 40000, 443, TCP_SYN | TCP_ACK);
	pb_fill(p, 10, 0x55);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, B4, P_TCP, 0xb8);
	w_l4(&w->outer, l4, 40000, 443, 10);
	w->outer.tcp_flags = TCP_SYN | TCP_ACK;
	return 0;
}

static int g_ipv4_udp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4));
	l4 = pb_udp(p, 5353, 53);
	pb_fill(p, 20, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, B4, P_UDP, 0);
	w_l4(&w->outer, l4, 5353, 53, 20);
	return 0;
}

static int g_ipv4_icmp_echo(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4));
	l4 = pb_icmp(p, 8, 0, 0x1234, 1);
	pb_fill(p, 16, 0xab);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, B4, P_ICMP, 0);
	w_icmp(&w->outer, l4, 8, 0, 0x1234, 16);
	return 0;
}

static int g_ipv4_icmp_echo_reply(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	ip = pb_ipv4(p, IP4(B4, A4));
	l4 = pb_icmp(p, 0, 0, 0xbeef, 7);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, B4, A4, P_ICMP, 0);
	w_icmp(&w->outer, l4, 0, 0, 0xbeef, 0);
	return 0;
}

/* Not an echo: the "rest of header" is no identifier, ports stay 0. */
static int g_ipv4_icmp_unreach(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	ip = pb_ipv4(p, IP4(B4, A4));
	l4 = pb_icmp(p, 3, 1, 0x0102, 0x0304);
	pb_fill(p, 28, 0x45);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, B4, A4, P_ICMP, 0);
	w_icmp(&w->outer, l4, 3, 1, 0, 28);
	return 0;
}

static int g_ipv4_options_tcp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4, .opt_len = 12));
	l4 = pb_tcp(p, 1024, 22, TCP_PSH | TCP_ACK);
	pb_fill(p, 3, 1);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, B4, P_TCP, 0);
	w_l4(&w->outer, l4, 1024, 22, 3);
	w->outer.tcp_flags = TCP_PSH | TCP_ACK;
	return 0;
}

static int g_ipv4_max_options_udp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4, .opt_len = 40));	/* IHL 15 */
	l4 = pb_udp(p, 68, 67);
	pb_fill(p, 8, 2);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, B4, P_UDP, 0);
	w_l4(&w->outer, l4, 68, 67, 8);
	return 0;
}

static int g_ipv4_other_proto(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, "224.0.0.5", .proto = 89, .tos = 0xc0));	/* OSPF */
	pb_fill(p, 24, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, "224.0.0.5", 89, 0xc0);
	return 0;
}

static int g_ipv4_df(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4, .df = true, .id = 77));
	l4 = pb_udp(p, 1000, 2000);
	pb_fill(p, 4, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, B4, P_UDP, 0);
	w_l4(&w->outer, l4, 1000, 2000, 4);
	return 0;
}

static int g_ipv4_frag_first(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4, .mf = true, .id = 9));
	l4 = pb_udp(p, 1000, 2000);
	pb_fill(p, 100, 0x11);
	pb_finish(p);
	pb_put16(p, l4 + 4, 8 + 1400);	/* the datagram's length, not the fragment's */
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, B4, P_UDP, 0);
	w_l4(&w->outer, l4, 1000, 2000, 100);	/* what this fragment carries */
	w->outer.frag = KEG_FRAG_FIRST;
	return 0;
}

static int g_ipv4_frag_later(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4, .proto = P_UDP, .mf = true, .frag_off = 185, .id = 9));
	pb_fill(p, 64, 0x22);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, B4, P_UDP, 0);
	w->outer.frag = KEG_FRAG_LATER;
	return 0;
}

static int g_ipv4_frag_last(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4, .proto = P_TCP, .frag_off = 1, .id = 9));
	pb_fill(p, 30, 0x22);	/* would be a TCP header if it were parsed */
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, A4, B4, P_TCP, 0);
	w->outer.frag = KEG_FRAG_LATER;
	return 0;
}

/* A first fragment to the VXLAN port: ports read, tunnel not followed. */
static int g_ipv4_frag_first_vxlan(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(T4A, T4B, .mf = true));
	l4 = pb_udp(p, 49152, KEG_VXLAN_PORT);
	pb_vxlan(p, 5);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	pb_ipv4(p, IP4(I4A, I4B));
	pb_tcp(p, 1, 2, TCP_SYN);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, T4A, T4B, P_UDP, 0);
	w_l4(&w->outer, l4, 49152, KEG_VXLAN_PORT, p->len - l4 - 8);
	w->outer.frag = KEG_FRAG_FIRST;
	return 3;	/* eth, ip, udp */
}

static int g_ipv4_frag_first_ipip(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(T4A, T4B, .mf = true));
	pb_ipv4(p, IP4(I4A, I4B));
	pb_tcp(p, 1, 2, TCP_SYN);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_ip4(&w->outer, ip, T4A, T4B, P_IPIP, 0);
	w->outer.frag = KEG_FRAG_FIRST;
	return 2;	/* eth, ip */
}

static int g_ipv4_frag_first_in_ipip(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	i = pb_ipv4(p, IP4(I4A, I4B, .mf = true));
	l4 = pb_udp(p, 7, KEG_VXLAN_PORT);
	pb_vxlan(p, 5);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	pb_ipv4(p, IP4(J4A, J4B));
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_IPIP, 0);
	w_ip4(&w->outer, o, T4A, T4B, P_IPIP, 0);
	w_ip4(&w->inner, i, I4A, I4B, P_UDP, 0);
	w_l4(&w->inner, l4, 7, KEG_VXLAN_PORT, p->len - l4 - 8);
	w->inner.frag = KEG_FRAG_FIRST;
	return 4;	/* eth, ip, ip, udp */
}

/* ---- plain IPv6 --------------------------------------------------------- */

static int g_ipv6_tcp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6, .tclass = 0x28, .flow = 0xabcde));	/* AF11 */
	l4 = pb_tcp(p, 50000, 80, TCP_ACK);
	pb_fill(p, 100, 0x77);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_TCP, 0x28);
	w_l4(&w->outer, l4, 50000, 80, 100);
	w->outer.tcp_flags = TCP_ACK;
	return 0;
}

static int g_ipv6_udp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	l4 = pb_udp(p, 546, 547);
	pb_fill(p, 12, 0x01);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_UDP, 0);
	w_l4(&w->outer, l4, 546, 547, 12);
	return 0;
}

static int g_ipv6_icmp6_echo(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	l4 = pb_icmp6(p, 128, 0, 0x4242, 3);
	pb_fill(p, 56, 0x61);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_ICMPV6, 0);
	w_icmp(&w->outer, l4, 128, 0, 0x4242, 56);
	return 0;
}

static int g_ipv6_icmp6_echo_reply(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	ip = pb_ipv6(p, IP6(B6, A6));
	l4 = pb_icmp6(p, 129, 0, 0x0707, 3);
	pb_fill(p, 8, 0x61);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, B6, A6, P_ICMPV6, 0);
	w_icmp(&w->outer, l4, 129, 0, 0x0707, 8);
	return 0;
}

static int g_ipv6_ns(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, "33:33:ff:00:00:02", MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, "ff02::1:ff00:2", .hlim = 255));
	l4 = pb_ns(p, B6, MAC_HOST);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, "ff02::1:ff00:2", P_ICMPV6, 0);
	w_icmp(&w->outer, l4, 135, 0, 0, 24);
	return 0;
}

static int g_ipv6_hbh_tcp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	pb_ipv6_ext(p, 0, 8);
	l4 = pb_tcp(p, 1, 2, TCP_SYN);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_TCP, 0);
	w_l4(&w->outer, l4, 1, 2, 0);
	w->outer.tcp_flags = TCP_SYN;
	return 0;
}

static int g_ipv6_routing_udp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	pb_ipv6_ext(p, 43, 24);
	l4 = pb_udp(p, 3, 4);
	pb_fill(p, 5, 0);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_UDP, 0);
	w_l4(&w->outer, l4, 3, 4, 5);
	return 0;
}

static int g_ipv6_dstopts_icmp6(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	pb_ipv6_ext(p, 60, 16);
	l4 = pb_icmp6(p, 128, 0, 99, 1);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_ICMPV6, 0);
	w_icmp(&w->outer, l4, 128, 0, 99, 0);
	return 0;
}

static int g_ipv6_frag_first_tcp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	pb_ipv6_frag(p, 0, true, 0x1234);
	l4 = pb_tcp(p, 80, 50000, TCP_ACK);
	pb_fill(p, 40, 0);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_TCP, 0);
	w_l4(&w->outer, l4, 80, 50000, 40);
	w->outer.tcp_flags = TCP_ACK;
	w->outer.frag = KEG_FRAG_FIRST;
	return 0;
}

static int g_ipv6_frag_later(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	pb_ipv6_ext(p, 0, 8);
	pb_ipv6_frag(p, 181, false, 0x1234);
	p->data[p->hdr[p->nhdr - 1].off] = P_UDP;
	pb_fill(p, 40, 0x33);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_UDP, 0);
	w->outer.frag = KEG_FRAG_LATER;
	return 0;
}

static int g_ipv6_frag_first_4in6(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(T6A, T6B));
	pb_ipv6_frag(p, 0, true, 77);
	pb_ipv4(p, IP4(I4A, I4B));
	pb_tcp(p, 1, 2, TCP_SYN);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, T6A, T6B, P_IPIP, 0);
	w->outer.frag = KEG_FRAG_FIRST;
	return 3;	/* eth, ip, fragment header */
}

/* Eight extension headers (the most keg skips), the last a fragment. */
static int g_ipv6_ext_chain8(struct pkt *p, struct keg_parse_result *w)
{
	static const uint8_t types[] = { 0, 60, 43, 43, 60, 43, 60 };
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6, .tclass = 0xff));
	for (size_t i = 0; i < sizeof(types); i++)
		pb_ipv6_ext(p, types[i], 8 * (i + 1));
	pb_ipv6_frag(p, 0, true, 1);
	l4 = pb_udp(p, 7, 9);
	pb_fill(p, 2, 0);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_UDP, 0xff);
	w_l4(&w->outer, l4, 7, 9, 2);
	w->outer.frag = KEG_FRAG_FIRST;
	return 0;
}

/* Big extension headers: TCP starts at byte 1022 of the frame. */
static int g_ipv6_big_ext_headers(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	pb_ipv6_ext(p, 0, 512);
	pb_ipv6_ext(p, 60, 456);
	l4 = pb_tcp(p, 1, 2, TCP_ACK);
	pb_fill(p, 100, 0);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_TCP, 0);
	w_l4(&w->outer, l4, 1, 2, 100);
	w->outer.tcp_flags = TCP_ACK;
	return 0;
}

static int g_ipv6_no_next(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6, .nexthdr = P_NONE));
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_NONE, 0);
	return 0;
}

/* ---- VLAN, ARP, other ethertypes ------------------------------------------ */

static int g_vlan_ipv4_tcp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_vlan(p, 0x8100, 0xa064);		/* PCP 5, VID 100 */
	ip = pb_ipv4(p, IP4(A4, B4));
	l4 = pb_tcp(p, 40000, 443, TCP_ACK);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 18;
	w->vlan_count = 1;
	w->vlan_tci[0] = 0xa064;
	w_ip4(&w->outer, ip, A4, B4, P_TCP, 0);
	w_l4(&w->outer, l4, 40000, 443, 0);
	w->outer.tcp_flags = TCP_ACK;
	return 0;
}

static int g_qinq_ipv6_udp(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_vlan(p, 0x88a8, 200);
	pb_vlan(p, 0x8100, 0x1000 | 300);	/* DEI set */
	ip = pb_ipv6(p, IP6(A6, B6));
	l4 = pb_udp(p, 1, 2);
	pb_fill(p, 1, 0);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 22;
	w->vlan_count = 2;
	w->vlan_tci[0] = 200;
	w->vlan_tci[1] = 0x1000 | 300;
	w_ip6(&w->outer, ip, A6, B6, P_UDP, 0);
	w_l4(&w->outer, l4, 1, 2, 1);
	return 0;
}

static int g_vlan_8100_8100_ipv4(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_vlan(p, 0x8100, 4094);
	pb_vlan(p, 0x8100, 1);
	ip = pb_ipv4(p, IP4(A4, B4));
	l4 = pb_icmp(p, 8, 0, 1, 1);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 22;
	w->vlan_count = 2;
	w->vlan_tci[0] = 4094;
	w->vlan_tci[1] = 1;
	w_ip4(&w->outer, ip, A4, B4, P_ICMP, 0);
	w_icmp(&w->outer, l4, 8, 0, 1, 0);
	return 0;
}

static int g_vlan_three_tags(struct pkt *p, struct keg_parse_result *w)
{
	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_vlan(p, 0x88a8, 10);
	pb_vlan(p, 0x8100, 20);
	pb_vlan(p, 0x8100, 30);
	pb_ipv4(p, IP4(A4, B4));
	pb_udp(p, 1, 2);
	pb_finish(p);
	w->eth_proto = 0x8100;
	w->l3_off = 22;
	w->vlan_count = 2;
	w->vlan_tci[0] = 10;
	w->vlan_tci[1] = 20;
	w->error = KEG_STAT_err_too_many_vlans;
	return 3;	/* eth and two tags: the third is refused unread */
}

static int g_arp_request(struct pkt *p, struct keg_parse_result *w)
{
	pb_eth(p, "ff:ff:ff:ff:ff:ff", MAC_HOST, PB_AUTO);
	pb_arp(p, &(struct pb_arp){ .op = 1, .sha = MAC_HOST, .spa = A4, .tpa = B4 });
	pb_finish(p);
	w->eth_proto = 0x0806;
	w->l3_off = 14;
	return 0;
}

static int g_arp_request_padded(struct pkt *p, struct keg_parse_result *w)
{
	pb_eth(p, "ff:ff:ff:ff:ff:ff", MAC_HOST, PB_AUTO);
	pb_arp(p, &(struct pb_arp){ .op = 1, .sha = MAC_HOST, .spa = A4, .tpa = B4 });
	pb_fill(p, 18, 0);
	pb_finish(p);
	w->eth_proto = 0x0806;
	w->l3_off = 14;
	return 0;
}

static int g_vlan_arp_reply(struct pkt *p, struct keg_parse_result *w)
{
	pb_eth(p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	pb_vlan(p, 0x8100, 7);
	pb_arp(p, &(struct pb_arp){ .op = 2, .sha = MAC_ROUTER, .spa = B4,
				    .tha = MAC_HOST, .tpa = A4 });
	pb_finish(p);
	w->eth_proto = 0x0806;
	w->l3_off = 18;
	w->vlan_count = 1;
	w->vlan_tci[0] = 7;
	return 0;
}

static int g_lldp(struct pkt *p, struct keg_parse_result *w)
{
	pb_eth(p, "01:80:c2:00:00:0e", MAC_HOST, 0x88cc);
	pb_fill(p, 46, 0x02);
	pb_finish(p);
	w->eth_proto = 0x88cc;
	w->l3_off = 14;
	return 0;
}

/* ---- one tunnel --------------------------------------------------------- */

static int g_ipip(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B, .tos = 0x20));
	i = pb_ipv4(p, IP4(I4A, I4B, .tos = 0x48));
	l4 = pb_tcp(p, 1000, 80, TCP_SYN);
	pb_fill(p, 6, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_IPIP, 0);
	w_ip4(&w->outer, o, T4A, T4B, P_IPIP, 0x20);
	w_ip4(&w->inner, i, I4A, I4B, P_TCP, 0x48);
	w_l4(&w->inner, l4, 1000, 80, 6);
	w->inner.tcp_flags = TCP_SYN;
	return 0;
}

static int g_6in4(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	i = pb_ipv6(p, IP6(I6A, I6B));
	l4 = pb_udp(p, 123, 123);
	pb_fill(p, 48, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_6IN4, 0);
	w_ip4(&w->outer, o, T4A, T4B, P_IPV6, 0);
	w_ip6(&w->inner, i, I6A, I6B, P_UDP, 0);
	w_l4(&w->inner, l4, 123, 123, 48);
	return 0;
}

static int g_4in6(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv6(p, IP6(T6A, T6B));
	i = pb_ipv4(p, IP4(I4A, I4B));
	l4 = pb_icmp(p, 8, 0, 0x0a0b, 1);
	pb_fill(p, 4, 0);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_4IN6, 0);
	w_ip6(&w->outer, o, T6A, T6B, P_IPIP, 0);
	w_ip4(&w->inner, i, I4A, I4B, P_ICMP, 0);
	w_icmp(&w->inner, l4, 8, 0, 0x0a0b, 4);
	return 0;
}

static int g_6in6(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv6(p, IP6(T6A, T6B));
	i = pb_ipv6(p, IP6(I6A, I6B, .tclass = 0xb8));
	l4 = pb_tcp(p, 5000, 6000, TCP_ACK | TCP_PSH);
	pb_fill(p, 9, 0);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_6IN6, 0);
	w_ip6(&w->outer, o, T6A, T6B, P_IPV6, 0);
	w_ip6(&w->inner, i, I6A, I6B, P_TCP, 0xb8);
	w_l4(&w->inner, l4, 5000, 6000, 9);
	w->inner.tcp_flags = TCP_ACK | TCP_PSH;
	return 0;
}

/* RFC 2473: the tunnel encapsulation limit sits in a destination option. */
static int g_6in6_dstopts(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv6(p, IP6(T6A, T6B));
	pb_ipv6_ext(p, 60, 8);
	i = pb_ipv6(p, IP6(I6A, I6B));
	pb_ipv6_ext(p, 0, 8);
	l4 = pb_udp(p, 7, 7);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_6IN6, 0);
	w_ip6(&w->outer, o, T6A, T6B, P_IPV6, 0);
	w_ip6(&w->inner, i, I6A, I6B, P_UDP, 0);
	w_l4(&w->inner, l4, 7, 7, 0);
	return 0;
}

static int g_gre_ipv4(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	pb_gre(p, GRE(0));
	i = pb_ipv4(p, IP4(I4A, I4B));
	l4 = pb_tcp(p, 179, 50000, TCP_ACK);
	pb_fill(p, 19, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GRE, 0);
	w_ip4(&w->outer, o, T4A, T4B, P_GRE, 0);
	w_ip4(&w->inner, i, I4A, I4B, P_TCP, 0);
	w_l4(&w->inner, l4, 179, 50000, 19);
	w->inner.tcp_flags = TCP_ACK;
	return 0;
}

static int g_gre_key_ipv6(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	pb_gre(p, GRE(.key = true, .key_val = 0xdeadbeef));
	i = pb_ipv6(p, IP6(I6A, I6B));
	l4 = pb_udp(p, 53, 53);
	pb_fill(p, 30, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GRE, 0);
	w->tun_id = 0xdeadbeef;
	w_ip4(&w->outer, o, T4A, T4B, P_GRE, 0);
	w_ip6(&w->inner, i, I6A, I6B, P_UDP, 0);
	w_l4(&w->inner, l4, 53, 53, 30);
	return 0;
}

static int g_gre_csum_key_seq_eth(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	pb_gre(p, GRE(.csum = true, .key = true, .key_val = 42, .seq = true,
		      .seq_val = 0xffffffff));
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);	/* 0x6558 */
	i = pb_ipv4(p, IP4(I4A, I4B));
	l4 = pb_tcp(p, 1, 2, TCP_SYN);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GRE, 0);
	w->tun_id = 42;
	w_ip4(&w->outer, o, T4A, T4B, P_GRE, 0);
	w_ip4(&w->inner, i, I4A, I4B, P_TCP, 0);
	w_l4(&w->inner, l4, 1, 2, 0);
	w->inner.tcp_flags = TCP_SYN;
	return 0;
}

static int g_gre_seq_ipv4(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	pb_gre(p, GRE(.seq = true, .seq_val = 5));
	i = pb_ipv4(p, IP4(I4A, I4B));
	l4 = pb_udp(p, 9, 10);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GRE, 0);
	w_ip4(&w->outer, o, T4A, T4B, P_GRE, 0);
	w_ip4(&w->inner, i, I4A, I4B, P_UDP, 0);
	w_l4(&w->inner, l4, 9, 10, 0);
	return 0;
}

static int g_gre_csum_ipv6_over_ipv6(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv6(p, IP6(T6A, T6B));
	pb_gre(p, GRE(.csum = true));
	i = pb_ipv6(p, IP6(I6A, I6B));
	l4 = pb_icmp6(p, 128, 0, 0x5555, 0);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GRE, 0);
	w_ip6(&w->outer, o, T6A, T6B, P_GRE, 0);
	w_ip6(&w->inner, i, I6A, I6B, P_ICMPV6, 0);
	w_icmp(&w->inner, l4, 128, 0, 0x5555, 0);
	return 0;
}

static int g_vxlan_ipv4(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, u, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	u = pb_udp(p, 49152, KEG_VXLAN_PORT);
	pb_vxlan(p, 0x123456);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	i = pb_ipv4(p, IP4(I4A, I4B, .tos = 0x10));
	l4 = pb_tcp(p, 22, 60000, TCP_ACK);
	pb_fill(p, 33, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_VXLAN, 0);
	w->tun_id = 0x123456;
	w_ip4(&w->outer, o, T4A, T4B, P_UDP, 0);
	w_l4(&w->outer, u, 49152, KEG_VXLAN_PORT, p->len - u - 8);
	w_ip4(&w->inner, i, I4A, I4B, P_TCP, 0x10);
	w_l4(&w->inner, l4, 22, 60000, 33);
	w->inner.tcp_flags = TCP_ACK;
	return 0;
}

static int g_vxlan_ipv6(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, u, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv6(p, IP6(T6A, T6B));
	u = pb_udp(p, 50000, KEG_VXLAN_PORT);
	pb_vxlan(p, 0xffffff);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	i = pb_ipv6(p, IP6(I6A, I6B));
	l4 = pb_udp(p, 1, 2);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_VXLAN, 0);
	w->tun_id = 0xffffff;
	w_ip6(&w->outer, o, T6A, T6B, P_UDP, 0);
	w_l4(&w->outer, u, 50000, KEG_VXLAN_PORT, p->len - u - 8);
	w_ip6(&w->inner, i, I6A, I6B, P_UDP, 0);
	w_l4(&w->inner, l4, 1, 2, 0);
	return 0;
}

/* Tags of the inner Ethernet header are skipped, not recorded. */
static int g_vxlan_inner_vlan(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, u, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	u = pb_udp(p, 49152, KEG_VXLAN_PORT);
	pb_vxlan(p, 1);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	pb_vlan(p, 0x8100, 55);
	i = pb_ipv4(p, IP4(I4A, I4B));
	l4 = pb_udp(p, 1, 2);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_VXLAN, 0);
	w->tun_id = 1;
	w_ip4(&w->outer, o, T4A, T4B, P_UDP, 0);
	w_l4(&w->outer, u, 49152, KEG_VXLAN_PORT, p->len - u - 8);
	w_ip4(&w->inner, i, I4A, I4B, P_UDP, 0);
	w_l4(&w->inner, l4, 1, 2, 0);
	return 0;
}

static int g_geneve(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, u, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	u = pb_udp(p, 40000, KEG_GENEVE_PORT);
	pb_geneve(p, 0xabcdef, 0, 0);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	i = pb_ipv4(p, IP4(I4A, I4B));
	l4 = pb_udp(p, 1111, 2222);
	pb_fill(p, 10, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GENEVE, 0);
	w->tun_id = 0xabcdef;
	w_ip4(&w->outer, o, T4A, T4B, P_UDP, 0);
	w_l4(&w->outer, u, 40000, KEG_GENEVE_PORT, p->len - u - 8);
	w_ip4(&w->inner, i, I4A, I4B, P_UDP, 0);
	w_l4(&w->inner, l4, 1111, 2222, 10);
	return 0;
}

static int g_geneve_options(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, u, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv6(p, IP6(T6A, T6B));
	u = pb_udp(p, 40000, KEG_GENEVE_PORT);
	pb_geneve(p, 7, 24, 0);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	i = pb_ipv6(p, IP6(I6A, I6B));
	l4 = pb_tcp(p, 443, 1234, TCP_ACK);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GENEVE, 0);
	w->tun_id = 7;
	w_ip6(&w->outer, o, T6A, T6B, P_UDP, 0);
	w_l4(&w->outer, u, 40000, KEG_GENEVE_PORT, p->len - u - 8);
	w_ip6(&w->inner, i, I6A, I6B, P_TCP, 0);
	w_l4(&w->inner, l4, 443, 1234, 0);
	w->inner.tcp_flags = TCP_ACK;
	return 0;
}

static int g_geneve_max_options(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, u, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	u = pb_udp(p, 40000, KEG_GENEVE_PORT);
	pb_geneve(p, 0x10000, 252, 0);		/* opt_len 63 */
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	i = pb_ipv4(p, IP4(I4A, I4B));
	l4 = pb_icmp(p, 0, 0, 3, 3);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GENEVE, 0);
	w->tun_id = 0x10000;
	w_ip4(&w->outer, o, T4A, T4B, P_UDP, 0);
	w_l4(&w->outer, u, 40000, KEG_GENEVE_PORT, p->len - u - 8);
	w_ip4(&w->inner, i, I4A, I4B, P_ICMP, 0);
	w_icmp(&w->inner, l4, 0, 0, 3, 0);
	return 0;
}

/* GENEVE carrying IPv4 directly (protocol type 0x0800). */
static int g_geneve_ip(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, u, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	u = pb_udp(p, 40000, KEG_GENEVE_PORT);
	pb_geneve(p, 3, 4, 0);
	i = pb_ipv4(p, IP4(I4A, I4B));
	l4 = pb_udp(p, 5, 6);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GENEVE, 0);
	w->tun_id = 3;
	w_ip4(&w->outer, o, T4A, T4B, P_UDP, 0);
	w_l4(&w->outer, u, 40000, KEG_GENEVE_PORT, p->len - u - 8);
	w_ip4(&w->inner, i, I4A, I4B, P_UDP, 0);
	w_l4(&w->inner, l4, 5, 6, 0);
	return 0;
}

/* ---- two tunnels ---------------------------------------------------------- */

static int g_vxlan_in_gre(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_vlan(p, 0x8100, 12);
	o = pb_ipv4(p, IP4(T4A, T4B));
	pb_gre(p, GRE(.key = true, .key_val = 7));
	pb_ipv4(p, IP4(I4A, I4B));
	pb_udp(p, 49152, KEG_VXLAN_PORT);
	pb_vxlan(p, 99);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	i = pb_ipv4(p, IP4(J4A, J4B));
	l4 = pb_tcp(p, 8080, 9090, TCP_SYN);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 18;
	w->vlan_count = 1;
	w->vlan_tci[0] = 12;
	w_tun(w, KEG_TUN_GRE, KEG_TUN_VXLAN);
	w->tun_id = 99;
	w_ip4(&w->outer, o, T4A, T4B, P_GRE, 0);
	w_ip4(&w->inner, i, J4A, J4B, P_TCP, 0);
	w_l4(&w->inner, l4, 8080, 9090, 0);
	w->inner.tcp_flags = TCP_SYN;
	return 0;
}

static int g_6in4_in_vxlan(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, u, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	u = pb_udp(p, 49152, KEG_VXLAN_PORT);
	pb_vxlan(p, 0x10);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	pb_ipv4(p, IP4(I4A, I4B));
	i = pb_ipv6(p, IP6(I6A, I6B));
	l4 = pb_udp(p, 4, 5);
	pb_fill(p, 3, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_VXLAN, KEG_TUN_6IN4);
	w->tun_id = 0;		/* the innermost tunnel (6in4) has no ID */
	w_ip4(&w->outer, o, T4A, T4B, P_UDP, 0);
	w_l4(&w->outer, u, 49152, KEG_VXLAN_PORT, p->len - u - 8);
	w_ip6(&w->inner, i, I6A, I6B, P_UDP, 0);
	w_l4(&w->inner, l4, 4, 5, 3);
	return 0;
}

static int g_ipip_in_ipip(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	pb_ipv4(p, IP4(I4A, I4B));
	i = pb_ipv4(p, IP4(J4A, J4B));
	l4 = pb_icmp(p, 8, 0, 77, 1);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_IPIP, KEG_TUN_IPIP);
	w_ip4(&w->outer, o, T4A, T4B, P_IPIP, 0);
	w_ip4(&w->inner, i, J4A, J4B, P_ICMP, 0);
	w_icmp(&w->inner, l4, 8, 0, 77, 0);
	return 0;
}

static int g_geneve_in_6in6(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv6(p, IP6(T6A, T6B));
	pb_ipv6(p, IP6(I6A, I6B));
	pb_udp(p, 3000, KEG_GENEVE_PORT);
	pb_geneve(p, 0x424242, 8, 0);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	i = pb_ipv4(p, IP4(J4A, J4B));
	l4 = pb_tcp(p, 10, 20, TCP_ACK);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_6IN6, KEG_TUN_GENEVE);
	w->tun_id = 0x424242;
	w_ip6(&w->outer, o, T6A, T6B, P_IPV6, 0);
	w_ip4(&w->inner, i, J4A, J4B, P_TCP, 0);
	w_l4(&w->inner, l4, 10, 20, 0);
	w->inner.tcp_flags = TCP_ACK;
	return 0;
}

static int g_gre_in_4in6(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv6(p, IP6(T6A, T6B));
	pb_ipv4(p, IP4(I4A, I4B));
	pb_gre(p, GRE(.key = true, .key_val = 1000));
	i = pb_ipv6(p, IP6(I6A, I6B));
	l4 = pb_udp(p, 1, 1);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_4IN6, KEG_TUN_GRE);
	w->tun_id = 1000;
	w_ip6(&w->outer, o, T6A, T6B, P_IPIP, 0);
	w_ip6(&w->inner, i, I6A, I6B, P_UDP, 0);
	w_l4(&w->inner, l4, 1, 1, 0);
	return 0;
}

/* The longest header chain keg follows: two tags, eight extension headers
 * per IPv6 header, two VXLAN levels with tagged inner Ethernet. */
static int g_longest_chain(struct pkt *p, struct keg_parse_result *w)
{
	static const uint8_t ext[8] = { 0, 60, 43, 60, 43, 60, 43, 60 };
	size_t o, u, i, l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_vlan(p, 0x88a8, 1);
	pb_vlan(p, 0x8100, 2);
	o = pb_ipv6(p, IP6(T6A, T6B));
	for (int k = 0; k < 8; k++)
		pb_ipv6_ext(p, ext[k], 8);
	u = pb_udp(p, 1, KEG_VXLAN_PORT);
	pb_vxlan(p, 1);
	for (int lvl = 0; lvl < 2; lvl++) {
		pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
		pb_vlan(p, 0x88a8, 3);
		pb_vlan(p, 0x8100, 4);
		i = pb_ipv6(p, IP6(I6A, I6B));
		for (int k = 0; k < 8; k++)
			pb_ipv6_ext(p, ext[k], 8);
		if (lvl == 0) {
			pb_udp(p, 2, KEG_VXLAN_PORT);
			pb_vxlan(p, 2);
		}
	}
	l4 = pb_tcp(p, 3, 4, TCP_ACK);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 22;
	w->vlan_count = 2;
	w->vlan_tci[0] = 1;
	w->vlan_tci[1] = 2;
	w_tun(w, KEG_TUN_VXLAN, KEG_TUN_VXLAN);
	w->tun_id = 2;
	w_ip6(&w->outer, o, T6A, T6B, P_UDP, 0);
	w_l4(&w->outer, u, 1, KEG_VXLAN_PORT, p->len - u - 8);
	w_ip6(&w->inner, i, I6A, I6B, P_TCP, 0);
	w_l4(&w->inner, l4, 3, 4, 0);
	w->inner.tcp_flags = TCP_ACK;
	return 0;
}

/* ---- a header starting past KEG_PARSE_MAX_OFF (1024) is not read --------- */

static int g_ipv6_hbh_too_far(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	pb_ipv6_ext(p, 0, 976);		/* TCP then starts at 1030 */
	pb_tcp(p, 1, 2, TCP_SYN);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w_ip6(&w->outer, ip, A6, B6, P_TCP, 0);
	w->error = KEG_STAT_err_too_far;
	return 3;	/* eth, IPv6, hop-by-hop; TCP is refused unread */
}

/* ---- three tunnels: the first two are kept, err_too_deep ------------------ */

static int g_ipip_x3(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	pb_ipv4(p, IP4(I4A, I4B));
	i = pb_ipv4(p, IP4(J4A, J4B));
	pb_ipv4(p, IP4(A4, B4));
	pb_tcp(p, 1, 2, TCP_SYN);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_IPIP, KEG_TUN_IPIP);
	w_ip4(&w->outer, o, T4A, T4B, P_IPIP, 0);
	w_ip4(&w->inner, i, J4A, J4B, P_IPIP, 0);
	w->error = KEG_STAT_err_too_deep;
	return 4;	/* eth + three IPv4 headers; the fourth is refused unread */
}

static int g_gre_vxlan_ipip(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, i;
	int n;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	pb_gre(p, GRE(0));
	pb_ipv4(p, IP4(I4A, I4B));
	pb_udp(p, 1, KEG_VXLAN_PORT);
	pb_vxlan(p, 31);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	i = pb_ipv4(p, IP4(J4A, J4B));
	n = p->nhdr;
	pb_ipv4(p, IP4(A4, B4));
	pb_udp(p, 1, 2);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_GRE, KEG_TUN_VXLAN);
	w->tun_id = 31;
	w_ip4(&w->outer, o, T4A, T4B, P_GRE, 0);
	w_ip4(&w->inner, i, J4A, J4B, P_IPIP, 0);
	w->error = KEG_STAT_err_too_deep;
	return n;
}

static int g_vxlan_x3(struct pkt *p, struct keg_parse_result *w)
{
	size_t o, u, i, l4;
	int n;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	o = pb_ipv4(p, IP4(T4A, T4B));
	u = pb_udp(p, 1, KEG_VXLAN_PORT);
	pb_vxlan(p, 1);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	pb_ipv4(p, IP4(I4A, I4B));
	pb_udp(p, 2, KEG_VXLAN_PORT);
	pb_vxlan(p, 2);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	i = pb_ipv4(p, IP4(J4A, J4B));
	l4 = pb_udp(p, 3, KEG_VXLAN_PORT);
	n = p->nhdr;
	pb_vxlan(p, 3);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	pb_ipv4(p, IP4(A4, B4));
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w_tun(w, KEG_TUN_VXLAN, KEG_TUN_VXLAN);
	w->tun_id = 2;
	w_ip4(&w->outer, o, T4A, T4B, P_UDP, 0);
	w_l4(&w->outer, u, 1, KEG_VXLAN_PORT, p->len - u - 8);
	w_ip4(&w->inner, i, J4A, J4B, P_UDP, 0);
	w_l4(&w->inner, l4, 3, KEG_VXLAN_PORT, p->len - l4 - 8);
	w->error = KEG_STAT_err_too_deep;
	return n;
}

/* ---- malformed headers: counted by kind ---------------------------------- */

static int g_bad_ipv4_ihl(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4));
	pb_tcp(p, 1, 2, 0);
	pb_finish(p);
	p->data[ip] = 0x44;
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_ipv4;
	return 2;
}

static int g_bad_ipv4_version(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, 0x0800);
	ip = pb_ipv4(p, IP4(A4, B4));
	pb_udp(p, 1, 2);
	pb_finish(p);
	p->data[ip] = 0x65;	/* an IPv6-looking version in an IPv4 ethertype */
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_ipv4;
	return 2;
}

static int g_bad_ipv4_total_length(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv4(p, IP4(A4, B4));
	pb_udp(p, 1, 2);
	pb_finish(p);
	pb_put16(p, ip + 2, 19);	/* shorter than its own header */
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_ipv4;
	return 2;
}

static int g_bad_ipv4_in_ipip(struct pkt *p, struct keg_parse_result *w)
{
	size_t i;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_ipv4(p, IP4(T4A, T4B));
	i = pb_ipv4(p, IP4(I4A, I4B));
	pb_udp(p, 1, 2);
	pb_finish(p);
	p->data[i] = 0x43;
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_ipv4;
	return 3;
}

static int g_bad_ipv6_version(struct pkt *p, struct keg_parse_result *w)
{
	size_t ip;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	ip = pb_ipv6(p, IP6(A6, B6));
	pb_udp(p, 1, 2);
	pb_finish(p);
	p->data[ip] = 0x40;
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_ipv6;
	return 2;
}

static int g_bad_tcp_doff(struct pkt *p, struct keg_parse_result *w)
{
	size_t l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_ipv4(p, IP4(A4, B4));
	l4 = pb_tcp(p, 1, 2, TCP_SYN);
	pb_fill(p, 20, 0);
	pb_finish(p);
	p->data[l4 + 12] = 4 << 4;
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_tcp;
	return 3;
}

static int g_bad_tcp_doff0_v6(struct pkt *p, struct keg_parse_result *w)
{
	size_t l4;

	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_ipv6(p, IP6(A6, B6));
	l4 = pb_tcp(p, 1, 2, TCP_SYN);
	pb_finish(p);
	p->data[l4 + 12] = 0;
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_tcp;
	return 3;
}

static int g_bad_gre_version(struct pkt *p, struct keg_parse_result *w)
{
	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_ipv4(p, IP4(T4A, T4B));
	pb_gre(p, GRE(.version = 1, .proto = 0x880b));	/* PPTP's enhanced GRE */
	pb_fill(p, 8, 0);
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_gre;
	return 3;
}

static int g_bad_gre_routing(struct pkt *p, struct keg_parse_result *w)
{
	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_ipv4(p, IP4(T4A, T4B));
	pb_gre(p, GRE(.routing = true));
	pb_ipv4(p, IP4(I4A, I4B));
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_gre;
	return 3;
}

static int g_bad_geneve_version(struct pkt *p, struct keg_parse_result *w)
{
	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_ipv4(p, IP4(T4A, T4B));
	pb_udp(p, 1, KEG_GENEVE_PORT);
	pb_geneve(p, 1, 0, 1);
	pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	pb_ipv4(p, IP4(I4A, I4B));
	pb_finish(p);
	w->eth_proto = 0x0800;
	w->l3_off = 14;
	w->error = KEG_STAT_err_bad_geneve;
	return 4;
}

static int g_ipv6_ext_chain9(struct pkt *p, struct keg_parse_result *w)
{
	pb_eth(p, MAC_ROUTER, MAC_HOST, PB_AUTO);
	pb_ipv6(p, IP6(A6, B6));
	for (int i = 0; i < 9; i++)
		pb_ipv6_ext(p, 60, 8);
	pb_udp(p, 1, 2);
	pb_finish(p);
	w->eth_proto = 0x86DD;
	w->l3_off = 14;
	w->error = KEG_STAT_err_too_many_ext;
	return 10;	/* eth, ip, 8 extension headers: the ninth is refused unread */
}

#define G(name) { #name, g_##name }
const struct golden goldens[] = {
	G(ipv4_tcp), G(ipv4_udp), G(ipv4_icmp_echo), G(ipv4_icmp_echo_reply),
	G(ipv4_icmp_unreach), G(ipv4_options_tcp), G(ipv4_max_options_udp),
	G(ipv4_other_proto), G(ipv4_df), G(ipv4_frag_first), G(ipv4_frag_later),
	G(ipv4_frag_last), G(ipv4_frag_first_vxlan), G(ipv4_frag_first_ipip),
	G(ipv4_frag_first_in_ipip),
	G(ipv6_tcp), G(ipv6_udp), G(ipv6_icmp6_echo), G(ipv6_icmp6_echo_reply),
	G(ipv6_ns), G(ipv6_hbh_tcp), G(ipv6_hbh_too_far), G(ipv6_routing_udp), G(ipv6_dstopts_icmp6),
	G(ipv6_frag_first_tcp), G(ipv6_frag_later), G(ipv6_frag_first_4in6),
	G(ipv6_ext_chain8), G(ipv6_big_ext_headers),
	G(ipv6_no_next),
	G(vlan_ipv4_tcp), G(qinq_ipv6_udp), G(vlan_8100_8100_ipv4),
	G(vlan_three_tags), G(arp_request), G(arp_request_padded),
	G(vlan_arp_reply), G(lldp),
	G(ipip), G(6in4), G(4in6), G(6in6), G(6in6_dstopts), G(gre_ipv4),
	G(gre_key_ipv6), G(gre_csum_key_seq_eth), G(gre_seq_ipv4),
	G(gre_csum_ipv6_over_ipv6), G(vxlan_ipv4), G(vxlan_ipv6),
	G(vxlan_inner_vlan), G(geneve), G(geneve_options), G(geneve_max_options),
	G(geneve_ip),
	G(vxlan_in_gre), G(6in4_in_vxlan), G(ipip_in_ipip), G(geneve_in_6in6),
	G(gre_in_4in6), G(longest_chain),
	G(ipip_x3), G(gre_vxlan_ipip), G(vxlan_x3),
	G(bad_ipv4_ihl), G(bad_ipv4_version), G(bad_ipv4_total_length),
	G(bad_ipv4_in_ipip),
	G(bad_ipv6_version), G(bad_tcp_doff), G(bad_tcp_doff0_v6),
	G(bad_gre_version), G(bad_gre_routing), G(bad_geneve_version),
	G(ipv6_ext_chain9),
};
const int n_goldens = sizeof(goldens) / sizeof(goldens[0]);

void golden_build(const struct golden *g, struct pkt *p,
		  struct keg_parse_result *want, int *nreq)
{
	static const struct keg_l3l4 zero;
	int n;

	pb_init(p);
	memset(want, 0, sizeof(*want));
	n = g->build(p, want);
	if (want->depth == 0 && !memcmp(&want->inner, &zero, sizeof(zero)))
		want->inner = want->outer;
	if (n == 0)
		for (int i = 0; i < p->nhdr; i++)
			if (p->hdr[i].kind != PB_PAYLOAD)
				n = i + 1;
	*nreq = n;
}

uint32_t trunc_error_of(enum pb_kind kind)
{
	switch (kind) {
	case PB_ETH:       return KEG_STAT_err_trunc_eth;
	case PB_VLAN:      return KEG_STAT_err_trunc_vlan;
	case PB_ARP:       return KEG_STAT_err_trunc_arp;
	case PB_IPV4:      return KEG_STAT_err_trunc_ipv4;
	case PB_IPV6:      return KEG_STAT_err_trunc_ipv6;
	case PB_IPV6_EXT:
	case PB_IPV6_FRAG: return KEG_STAT_err_trunc_ipv6_ext;
	case PB_TCP:       return KEG_STAT_err_trunc_tcp;
	case PB_UDP:       return KEG_STAT_err_trunc_udp;
	case PB_ICMP:
	case PB_ICMP6:     return KEG_STAT_err_trunc_icmp;
	case PB_GRE:       return KEG_STAT_err_trunc_gre;
	case PB_VXLAN:     return KEG_STAT_err_trunc_vxlan;
	case PB_GENEVE:    return KEG_STAT_err_trunc_geneve;
	case PB_PAYLOAD:   return 0;
	}
	return 0;
}

uint32_t golden_error_at(const struct pkt *p, int nreq,
			 const struct keg_parse_result *want, size_t len)
{
	for (int i = 0; i < nreq && i < p->nhdr; i++) {
		const struct pb_hdr *h = &p->hdr[i];

		if ((size_t)h->off + h->len > len && trunc_error_of(h->kind))
			return trunc_error_of(h->kind);
	}
	return want->error;
}
