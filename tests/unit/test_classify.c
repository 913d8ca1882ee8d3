// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_classify.c - the shaping classifier in keg_tc (bpf/keg_classify.h)
 * under BPF_PROG_TEST_RUN: every tunnel type to the right customer and
 * leaf, DSCP, pure ACKs, the port list, the size rule, unknown addresses to
 * the default class, upload by source, outer/inner matching, and the inner
 * flow hash (tests/bpf/classify_probe.bpf.c returns skb->hash).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "classify_probe.skel.h"
#include "golden.h"
#include "harness.h"
#include "keg.skel.h"
#include "keg_shape.h"
#include "pktbuild.h"

#define IP4(s, d, ...) (&(struct pb_ip4){ .src = (s), .dst = (d), __VA_ARGS__ })
#define IP6(s, d, ...) (&(struct pb_ip6){ .src = (s), .dst = (d), __VA_ARGS__ })
#define GRE(...)       (&(struct pb_gre){ __VA_ARGS__ })

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10

/* Customers and their parent classes. */
#define C4   "10.1.0.7"		/* 1:100 */
#define C6   "2001:db8:1::7"	/* 1:103 */
#define CEP  "192.0.2.2"	/* 1:106, a tunnel endpoint */
#define NC4  "10.1.0.99"	/* not a customer */
#define NC6  "2001:db8:1::99"
#define SRV4 "198.51.100.1"
#define SRV6 "2001:db8:ff::1"
#define TA   "192.0.2.1"	/* tunnel endpoints, not customers */
#define TB   "192.0.2.9"
#define TA6  "2001:db8:ffff::1"
#define TB6  "2001:db8:ffff::9"

#define P4   0x100
#define P6   0x103
#define PEP  0x106
#define PDEF KEG_CLASS_DEFAULT
#define INT  KEG_LEAF_INTERACTIVE
#define BULK KEG_LEAF_BULK

static struct keg_env env;
static int shape_fd;

static void add_customer(const char *addr, __u32 minor)
{
	struct keg_customer v = { .ifindex = 1, .class_id = KEG_CLASSID(minor),
				  .down_kbit = 1000 };

	if (strchr(addr, ':')) {
		struct keg_customer6_key k;

		cr_assert_eq(inet_pton(AF_INET6, addr, k.addr), 1);
		cr_assert_eq(bpf_map_update_elem(env.customers6_fd, &k, &v, BPF_ANY), 0);
	} else {
		struct keg_customer4_key k;

		cr_assert_eq(inet_pton(AF_INET, addr, &k.addr), 1);
		cr_assert_eq(bpf_map_update_elem(env.customers4_fd, &k, &v, BPF_ANY), 0);
	}
}

static void set_cfg(__u32 flags, __u32 down_ifindex, __u32 small)
{
	static const __u16 ports[] = { 22, 53, 123, 5060, 3478 };
	struct keg_shape_cfg c = { .flags = flags, .down_ifindex = down_ifindex,
				   .default_class = KEG_CLASSID(PDEF),
				   .small_size = small };
	__u32 zero = 0;

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		c.ports[i] = htons(ports[i]);
	cr_assert_eq(bpf_map_update_elem(shape_fd, &zero, &c, BPF_ANY), 0);
}

static void setup(void)
{
	keg_env_open(&env);
	shape_fd = bpf_map__fd(env.skel->maps.keg_shape);
	add_customer(C4, P4);
	add_customer(C6, P6);
	add_customer(CEP, PEP);
	/* Test runs happen on loopback (ifindex 1): the download side. */
	set_cfg(KEG_SHAPE_ON, 1, 0);
}

static void teardown(void)
{
	keg_env_close(&env);
}

/* Run keg_tc on p; returns skb->priority afterwards. */
static __u32 run_tc(int fd, struct pkt *p, __u32 *retval)
{
	struct __sk_buff ctx = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p->data,
		    .data_size_in = (__u32)p->len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .ctx_out = &ctx,
		    .ctx_size_out = sizeof(ctx));
	int err;

	pb_finish(p);
	opts.data_size_in = (__u32)p->len;
	err = bpf_prog_test_run_opts(fd, &opts);
	cr_assert_eq(err, 0, "test run: %s", strerror(-err));
	if (retval)
		*retval = opts.retval;
	return ctx.priority;
}

static __u32 prio(struct pkt *p)
{
	__u32 ret;
	__u32 pr = run_tc(env.tc_fd, p, &ret);

	cr_assert_eq(ret, (__u32)TC_ACT_UNSPEC, "keg_tc verdict %d", (int)ret);
	return pr;
}

#define EXPECT_LEAF(p, parent, leaf, what)                                      \
	do {                                                                     \
		__u32 got_ = prio(p), want_ = KEG_CLASSID((parent) + (leaf));    \
		cr_expect_eq(got_, want_, "%s: priority %x:%x, want %x:%x", what, \
			     got_ >> 16, got_ & 0xffff, want_ >> 16,             \
			     want_ & 0xffff);                                    \
	} while (0)

/* Frame builders: eth + (tunnel) + innermost L3/L4 + payload. */
enum l4kind { L4_BULK_TCP, L4_ACK, L4_SYN, L4_FIN, L4_ICMP, L4_DNS, L4_UDP,
	      L4_SSH_DATA, L4_SIP };

static void inner_l4(struct pkt *p, enum l4kind k, bool v6)
{
	switch (k) {
	case L4_BULK_TCP:
		pb_tcp(p, 40000, 5201, TCP_ACK | TCP_PSH);
		pb_fill(p, 1000, 0xab);
		break;
	case L4_ACK:
		pb_tcp(p, 40000, 5201, TCP_ACK);
		break;
	case L4_SYN:
		pb_tcp(p, 40000, 5201, TCP_SYN);
		break;
	case L4_FIN:
		pb_tcp(p, 40000, 5201, TCP_FIN | TCP_ACK);
		break;
	case L4_ICMP:
		if (v6)
			pb_icmp6(p, 128, 0, 7, 1);
		else
			pb_icmp(p, 8, 0, 7, 1);
		pb_fill(p, 56, 0);
		break;
	case L4_DNS:
		pb_udp(p, 33333, 53);
		pb_fill(p, 40, 1);
		break;
	case L4_UDP:
		pb_udp(p, 33333, 5001);
		pb_fill(p, 1200, 1);
		break;
	case L4_SSH_DATA:
		pb_tcp(p, 22, 50000, TCP_ACK | TCP_PSH);
		pb_fill(p, 600, 2);
		break;
	case L4_SIP:
		pb_udp(p, 5060, 5060);
		pb_fill(p, 400, 2);
		break;
	}
}

static void plain4(struct pkt *p, const char *dst, enum l4kind k, uint8_t tos)
{
	pb_init(p);
	pb_eth(p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	pb_ipv4(p, IP4(SRV4, dst, .tos = tos));
	inner_l4(p, k, false);
}

static void plain6(struct pkt *p, const char *dst, enum l4kind k, uint8_t tclass)
{
	pb_init(p);
	pb_eth(p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	pb_ipv6(p, IP6(SRV6, dst, .tclass = tclass));
	inner_l4(p, k, true);
}

enum tun { T_IPIP, T_6IN4, T_4IN6, T_6IN6, T_GRE4, T_GRE6, T_GRETEB, T_VXLAN4,
	   T_VXLAN6, T_GENEVE4, T__MAX };
static const char *const tun_names[T__MAX] = {
	"ipip", "6in4", "4in6", "6in6", "gre/ipv4", "gre/ipv6", "gre/teb",
	"vxlan/ipv4", "vxlan/ipv6", "geneve/ipv4"
};

static bool tun_inner_v6(enum tun t)
{
	return t == T_6IN4 || t == T_6IN6 || t == T_GRE6 || t == T_VXLAN6;
}

/* Outer endpoints odst (v4) or TB6 (v6); inner towards idst. */
static void tunnel(struct pkt *p, enum tun t, const char *odst, const char *idst,
		   enum l4kind k, uint16_t outer_sport)
{
	bool v6 = tun_inner_v6(t);

	pb_init(p);
	pb_eth(p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	switch (t) {
	case T_4IN6:
	case T_6IN6:
		pb_ipv6(p, IP6(TA6, TB6));
		break;
	default:
		pb_ipv4(p, IP4(TA, odst));
	}
	switch (t) {
	case T_GRE4:
	case T_GRE6:
		pb_gre(p, GRE(.key = true, .key_val = 9));
		break;
	case T_GRETEB:
		pb_gre(p, GRE(0));
		pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
		break;
	case T_VXLAN4:
	case T_VXLAN6:
		pb_udp(p, outer_sport, KEG_VXLAN_PORT);
		pb_vxlan(p, 42);
		pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
		break;
	case T_GENEVE4:
		pb_udp(p, outer_sport, KEG_GENEVE_PORT);
		pb_geneve(p, 42, 8, 0);
		pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
		break;
	default:
		break;
	}
	if (v6)
		pb_ipv6(p, IP6(SRV6, idst));
	else
		pb_ipv4(p, IP4(SRV4, idst));
	inner_l4(p, k, v6);
}

TestSuite(classify, .init = setup, .fini = teardown);

Test(classify, plain_ipv4_leaves)
{
	struct pkt p;

	plain4(&p, C4, L4_BULK_TCP, 0);
	EXPECT_LEAF(&p, P4, BULK, "tcp data");
	plain4(&p, C4, L4_ACK, 0);
	EXPECT_LEAF(&p, P4, INT, "pure ack");
	plain4(&p, C4, L4_SYN, 0);
	EXPECT_LEAF(&p, P4, INT, "syn");
	plain4(&p, C4, L4_FIN, 0);
	EXPECT_LEAF(&p, P4, INT, "fin");
	plain4(&p, C4, L4_ICMP, 0);
	EXPECT_LEAF(&p, P4, INT, "icmp echo");
	plain4(&p, C4, L4_DNS, 0);
	EXPECT_LEAF(&p, P4, INT, "dns");
	plain4(&p, C4, L4_UDP, 0);
	EXPECT_LEAF(&p, P4, BULK, "udp 5001");
	plain4(&p, C4, L4_SSH_DATA, 0);
	EXPECT_LEAF(&p, P4, INT, "ssh data (port list)");
	plain4(&p, C4, L4_SIP, 0);
	EXPECT_LEAF(&p, P4, INT, "sip (port list)");
}

Test(classify, plain_ipv6_leaves)
{
	struct pkt p;

	plain6(&p, C6, L4_BULK_TCP, 0);
	EXPECT_LEAF(&p, P6, BULK, "tcp data");
	plain6(&p, C6, L4_ACK, 0);
	EXPECT_LEAF(&p, P6, INT, "pure ack");
	plain6(&p, C6, L4_ICMP, 0);
	EXPECT_LEAF(&p, P6, INT, "icmpv6 echo");
	plain6(&p, C6, L4_DNS, 0);
	EXPECT_LEAF(&p, P6, INT, "dns");
	plain6(&p, C6, L4_UDP, 0);
	EXPECT_LEAF(&p, P6, BULK, "udp");
}

Test(classify, dscp)
{
	static const struct { uint8_t dscp; bool inter; } t[] = {
		{ 46, true }, { 40, true }, { 48, true }, { 56, true },
		{ 34, true }, { 36, true }, { 38, true },
		{ 0, false }, { 10, false }, { 26, false }, { 8, false },
	};
	struct pkt p;
	char what[64];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(what, sizeof(what), "ipv4 dscp %u", t[i].dscp);
		plain4(&p, C4, L4_UDP, (uint8_t)(t[i].dscp << 2));
		EXPECT_LEAF(&p, P4, t[i].inter ? INT : BULK, what);
		snprintf(what, sizeof(what), "ipv6 dscp %u", t[i].dscp);
		plain6(&p, C6, L4_BULK_TCP, (uint8_t)(t[i].dscp << 2));
		EXPECT_LEAF(&p, P6, t[i].inter ? INT : BULK, what);
	}
}

Test(classify, unknown_to_default)
{
	struct pkt p;

	plain4(&p, NC4, L4_BULK_TCP, 0);
	EXPECT_LEAF(&p, PDEF, BULK, "v4 unknown bulk");
	plain4(&p, NC4, L4_ICMP, 0);
	EXPECT_LEAF(&p, PDEF, INT, "v4 unknown icmp");
	plain6(&p, NC6, L4_BULK_TCP, 0);
	EXPECT_LEAF(&p, PDEF, BULK, "v6 unknown bulk");
	tunnel(&p, T_VXLAN4, TB, NC4, L4_BULK_TCP, 1234);
	EXPECT_LEAF(&p, PDEF, BULK, "vxlan unknown inner and outer");

	/* ARP: default class, interactive leaf. */
	pb_init(&p);
	pb_eth(&p, "ff:ff:ff:ff:ff:ff", MAC_ROUTER, PB_AUTO);
	pb_arp(&p, &(struct pb_arp){ .op = 1, .sha = MAC_ROUTER, .spa = SRV4,
				     .tpa = C4 });
	EXPECT_LEAF(&p, PDEF, INT, "arp");
}

Test(classify, every_tunnel_inner_customer)
{
	struct pkt p;
	char what[64];

	for (int t = 0; t < T__MAX; t++) {
		bool v6 = tun_inner_v6((enum tun)t);
		const char *dst = v6 ? C6 : C4;
		__u32 parent = v6 ? P6 : P4;

		snprintf(what, sizeof(what), "%s bulk", tun_names[t]);
		tunnel(&p, (enum tun)t, TB, dst, L4_BULK_TCP, 1234);
		EXPECT_LEAF(&p, parent, BULK, what);
		snprintf(what, sizeof(what), "%s ack", tun_names[t]);
		tunnel(&p, (enum tun)t, TB, dst, L4_ACK, 1234);
		EXPECT_LEAF(&p, parent, INT, what);
		snprintf(what, sizeof(what), "%s icmp", tun_names[t]);
		tunnel(&p, (enum tun)t, TB, dst, L4_ICMP, 1234);
		EXPECT_LEAF(&p, parent, INT, what);
		snprintf(what, sizeof(what), "%s dns", tun_names[t]);
		tunnel(&p, (enum tun)t, TB, dst, L4_DNS, 1234);
		EXPECT_LEAF(&p, parent, INT, what);
		snprintf(what, sizeof(what), "%s udp", tun_names[t]);
		tunnel(&p, (enum tun)t, TB, dst, L4_UDP, 1234);
		EXPECT_LEAF(&p, parent, BULK, what);
	}
}

/* The tunnel endpoint is the customer; the inner flows decide the leaf. */
Test(classify, tunnel_endpoint_customer)
{
	struct pkt p;

	tunnel(&p, T_VXLAN4, CEP, NC4, L4_BULK_TCP, 1234);
	EXPECT_LEAF(&p, PEP, BULK, "vxlan endpoint, inner tcp data");
	tunnel(&p, T_VXLAN4, CEP, NC4, L4_ICMP, 1234);
	EXPECT_LEAF(&p, PEP, INT, "vxlan endpoint, inner icmp");
	tunnel(&p, T_IPIP, CEP, NC4, L4_ACK, 0);
	EXPECT_LEAF(&p, PEP, INT, "ipip endpoint, inner ack");
	/* Innermost first: an inner customer wins over the endpoint. */
	tunnel(&p, T_GRE4, CEP, C4, L4_BULK_TCP, 0);
	EXPECT_LEAF(&p, P4, BULK, "gre, both customers, default mode");
	/* Outer-only mode: the endpoint. */
	set_cfg(KEG_SHAPE_ON | KEG_SHAPE_MATCH_OUTER, 1, 0);
	tunnel(&p, T_GRE4, CEP, C4, L4_BULK_TCP, 0);
	EXPECT_LEAF(&p, PEP, BULK, "gre, both customers, outer mode");
	tunnel(&p, T_VXLAN4, TB, C4, L4_ICMP, 1234);
	EXPECT_LEAF(&p, PDEF, INT, "vxlan, inner customer only, outer mode");
}

/* Anywhere but the customer-facing interface: by source address. */
Test(classify, upload_by_source)
{
	struct pkt p;

	set_cfg(KEG_SHAPE_ON, 999, 0);
	pb_init(&p);
	pb_eth(&p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	pb_ipv4(&p, IP4(C4, SRV4));
	inner_l4(&p, L4_BULK_TCP, false);
	EXPECT_LEAF(&p, P4, BULK, "upload tcp data");
	plain4(&p, C4, L4_BULK_TCP, 0);	/* C4 is the destination here */
	EXPECT_LEAF(&p, PDEF, BULK, "upload to a customer address");
	pb_init(&p);
	pb_eth(&p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	pb_ipv4(&p, IP4(TB, TA));
	pb_udp(&p, 999, KEG_VXLAN_PORT);
	pb_vxlan(&p, 1);
	pb_eth(&p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	pb_ipv6(&p, IP6(C6, SRV6));
	inner_l4(&p, L4_ACK, true);
	EXPECT_LEAF(&p, P6, INT, "upload vxlan inner v6 ack");
}

Test(classify, size_rule_and_switches)
{
	struct pkt p;

	/* 20 + 20 + 40 = 80 bytes of IP: small. */
	plain4(&p, C4, L4_ACK, 0);
	pb_fill(&p, 40, 0);
	EXPECT_LEAF(&p, P4, BULK, "small data, no size rule");
	set_cfg(KEG_SHAPE_ON, 1, 128);
	plain4(&p, C4, L4_ACK, 0);
	pb_fill(&p, 40, 0);
	EXPECT_LEAF(&p, P4, INT, "small data, size rule 128");
	plain4(&p, C4, L4_ACK, 0);
	pb_fill(&p, 100, 0);
	EXPECT_LEAF(&p, P4, BULK, "140-byte packet, size rule 128");
	/* The inner packet's size counts, not the tunnel's. */
	tunnel(&p, T_VXLAN4, TB, C4, L4_ACK, 1);
	pb_fill(&p, 60, 0);
	EXPECT_LEAF(&p, P4, INT, "100-byte inner packet in vxlan, rule 128");

	set_cfg(KEG_SHAPE_ON | KEG_SHAPE_NO_INTERACT, 1, 128);
	plain4(&p, C4, L4_ICMP, 0);
	EXPECT_LEAF(&p, P4, BULK, "icmp with the interactive leaf off");

	set_cfg(0, 1, 0);
	plain4(&p, C4, L4_ICMP, 0);
	cr_expect_eq(prio(&p), 0, "shaping off: priority untouched");
}

/* ---- inner-flow hash ---------------------------------------------------- */

static struct classify_probe *probe;

static void probe_setup(void)
{
	struct bpf_map *m;
	struct keg_shape_cfg c = { .flags = KEG_SHAPE_ON, .down_ifindex = 1,
				   .default_class = KEG_CLASSID(PDEF) };
	__u32 zero = 0;

	probe = classify_probe__open();
	cr_assert_not_null(probe);
	bpf_object__for_each_map(m, probe->obj)
		bpf_map__set_pin_path(m, NULL);
	cr_assert_eq(classify_probe__load(probe), 0);
	cr_assert_eq(bpf_map_update_elem(bpf_map__fd(probe->maps.keg_shape), &zero, &c,
					 BPF_ANY), 0);
}

static void probe_teardown(void)
{
	classify_probe__destroy(probe);
}

static __u32 hash_of(struct pkt *p)
{
	__u32 ret;

	run_tc(bpf_program__fd(probe->progs.classify_probe), p, &ret);
	cr_assert_neq(ret, 0, "no hash set");
	return ret;
}

/* Inner flow: SRV4:sport -> C4:dport over TCP. */
static void vxlan_flow(struct pkt *p, enum tun t, uint16_t outer_sport,
		       uint16_t sport, uint16_t dport, size_t payload)
{
	bool v6 = tun_inner_v6(t);

	tunnel(p, t, TB, v6 ? C6 : C4, L4_ACK, outer_sport);
	/* Patch the inner ports by rebuilding the L4 header. */
	pb_init(p);
	pb_eth(p, MAC_HOST, MAC_ROUTER, PB_AUTO);
	if (t == T_4IN6 || t == T_6IN6)
		pb_ipv6(p, IP6(TA6, TB6));
	else
		pb_ipv4(p, IP4(TA, TB));
	if (t == T_VXLAN4 || t == T_VXLAN6) {
		pb_udp(p, outer_sport, KEG_VXLAN_PORT);
		pb_vxlan(p, 42);
		pb_eth(p, MAC_INNER2, MAC_INNER1, PB_AUTO);
	} else if (t == T_GRE4 || t == T_GRE6) {
		pb_gre(p, GRE(0));
	}
	if (v6)
		pb_ipv6(p, IP6(SRV6, C6));
	else
		pb_ipv4(p, IP4(SRV4, C4));
	pb_tcp(p, sport, dport, TCP_ACK | TCP_PSH);
	pb_fill(p, payload, 3);
}

Test(classify_hash, inner_flows_in_one_tunnel, .init = probe_setup,
     .fini = probe_teardown)
{
	static const enum tun tuns[] = { T_IPIP, T_6IN4, T_4IN6, T_6IN6, T_GRE4,
					 T_GRE6, T_VXLAN4, T_VXLAN6 };
	struct pkt p;

	for (size_t i = 0; i < sizeof(tuns) / sizeof(tuns[0]); i++) {
		enum tun t = tuns[i];
		__u32 a1, a2, a3, b, c;

		vxlan_flow(&p, t, 1000, 40000, 5201, 100);
		a1 = hash_of(&p);
		vxlan_flow(&p, t, 1000, 40000, 5201, 900);	/* other segment */
		a2 = hash_of(&p);
		vxlan_flow(&p, t, 2000, 40000, 5201, 100);	/* other outer port */
		a3 = hash_of(&p);
		vxlan_flow(&p, t, 1000, 40001, 5201, 100);	/* other inner flow */
		b = hash_of(&p);
		vxlan_flow(&p, t, 1000, 40000, 5202, 100);
		c = hash_of(&p);
		cr_expect_eq(a1, a2, "%s: same flow, different hash", tun_names[t]);
		if (t == T_VXLAN4 || t == T_VXLAN6)
			cr_expect_eq(a1, a3, "%s: outer port changed the hash",
				     tun_names[t]);
		cr_expect_neq(a1, b, "%s: inner sport not in the hash", tun_names[t]);
		cr_expect_neq(a1, c, "%s: inner dport not in the hash", tun_names[t]);
		cr_expect_neq(b, c, "%s: two flows, one hash", tun_names[t]);
	}
}

Test(classify_hash, many_flows_spread, .init = probe_setup, .fini = probe_teardown)
{
	unsigned int buckets[16] = { 0 };
	struct pkt p;

	/* 256 inner flows in one VXLAN tunnel over 16 queues: none empty. */
	for (int i = 0; i < 256; i++) {
		vxlan_flow(&p, T_VXLAN4, 1000, (uint16_t)(30000 + i), 5201, 64);
		buckets[hash_of(&p) % 16]++;
	}
	for (int i = 0; i < 16; i++)
		cr_expect_gt(buckets[i], 4, "bucket %d has %u of 256 flows", i, buckets[i]);
}
