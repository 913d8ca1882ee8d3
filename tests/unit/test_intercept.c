// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_intercept.c - intercept rules: the parser (ports, protocols,
 * endpoints), the encoding into trie bitmaps, and keg_xdp's classifier
 * through BPF_PROG_TEST_RUN (inner/outer on every tunnel type, IPv6, port
 * exceptions, both directions, first-match order, enable/disable, fragments,
 * sites, 10,000 rules).
 *
 * No AF_XDP socket exists here, so a matched packet takes its rule's
 * --when-down path: "block" rules make a match visible as XDP_DROP,
 * "forward" rules as XDP_PASS plus icpt_down_forward; per-rule hit counters
 * say which rule matched.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <linux/bpf.h>

#include "clock.h"
#include "config.h"
#include "harness.h"
#include "intercept.h"
#include "keg.skel.h"
#include "pktbuild.h"
#include "ports.h"

/* ---- parser ------------------------------------------------------------- */

struct port_case {
	const char *in;
	int n;
	int negate;
	uint16_t lo0, hi0, lo_last, hi_last;
};

Test(intercept_parse, port_forms)
{
	static const struct port_case ok[] = {
		{ "22", 1, 0, 22, 22, 22, 22 },
		{ "11.12.13", 3, 0, 11, 11, 13, 13 },
		{ "1000-2000", 1, 0, 1000, 2000, 1000, 2000 },
		{ "!44.55.66", 3, 1, 44, 44, 66, 66 },
		{ "!111-222", 1, 1, 111, 222, 111, 222 },
		{ "80.443.8000-8100", 3, 0, 80, 80, 8000, 8100 },
		{ "1.2.3.4.5.6.7.8", 8, 0, 1, 1, 8, 8 },
		{ "65535", 1, 0, 65535, 65535, 65535, 65535 },
	};
	struct keg_port_spec p;
	struct keg_err err;
	char buf[128];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		err.msg[0] = 0;
		cr_assert_eq(keg_ports_parse(ok[i].in, &p, &err), 0, "%s: %s", ok[i].in, err.msg);
		cr_expect_eq(p.n, ok[i].n, "%s: n", ok[i].in);
		cr_expect_eq(p.negate, ok[i].negate, "%s: negate", ok[i].in);
		cr_expect_eq(p.lo[0], ok[i].lo0, "%s", ok[i].in);
		cr_expect_eq(p.hi[0], ok[i].hi0, "%s", ok[i].in);
		cr_expect_eq(p.lo[p.n - 1], ok[i].lo_last, "%s", ok[i].in);
		cr_expect_eq(p.hi[p.n - 1], ok[i].hi_last, "%s", ok[i].in);
		cr_expect_str_eq(keg_ports_str(&p, buf, sizeof(buf)), ok[i].in);
	}
	cr_assert_eq(keg_ports_parse("!44.55.66", &p, NULL), 0);
	cr_expect(!keg_ports_match(&p, 44));
	cr_expect(keg_ports_match(&p, 45));
	cr_assert_eq(keg_ports_parse("!111-222", &p, NULL), 0);
	cr_expect(!keg_ports_match(&p, 111) && !keg_ports_match(&p, 222));
	cr_expect(keg_ports_match(&p, 110) && keg_ports_match(&p, 223));
	cr_assert_eq(keg_ports_parse("", &p, NULL), 0);
	cr_expect(keg_ports_any(&p) && keg_ports_match(&p, 1));
}

Test(intercept_parse, bad_port_forms)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "0", "0: port out of range (1-65535)" },
		{ "65536", "65536: port out of range (1-65535)" },
		{ "123456", "123456: port out of range (1-65535)" },
		{ "2000-1000", "2000-1000: range runs backwards (low-high)" },
		{ "!", "!: '!' needs ports after it" },
		{ "11..12", "11..12: empty port" },
		{ "11.", "11.: empty port" },
		{ "-5", "-5: empty port" },
		{ "5-", "5-: empty port" },
		{ "ssh", "ssh: 's' is not part of a port" },
		{ "1,2", "1,2: ',' is not part of a port" },
		{ "!!5", "!!5: '!' is not part of a port" },
		{ "1.2.3.4.5.6.7.8.9", "1.2.3.4.5.6.7.8.9: more than 8 ports or ranges" },
	};
	struct keg_port_spec p;
	struct keg_err err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = 0;
		cr_expect_eq(keg_ports_parse(bad[i].in, &p, &err), -EINVAL, "%s accepted", bad[i].in);
		cr_expect(!strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)),
			  "%s: message '%s', want '%s...'", bad[i].in, err.msg, bad[i].msg);
	}
}

Test(intercept_parse, protocols_and_endpoints)
{
	struct keg_port_spec ports;
	struct keg_addr a;
	struct keg_err err;
	uint8_t pr;

	cr_assert_eq(keg_icpt_protos_parse("IUT", &pr, NULL), 0);
	cr_expect_eq(pr, KEG_ICPT_P_TCP | KEG_ICPT_P_UDP | KEG_ICPT_P_ICMP);
	cr_assert_eq(keg_icpt_protos_parse("tcp,icmp", &pr, NULL), 0);
	cr_expect_eq(pr, KEG_ICPT_P_TCP | KEG_ICPT_P_ICMP);
	cr_assert_eq(keg_icpt_protos_parse("U", &pr, NULL), 0);
	cr_expect_eq(pr, KEG_ICPT_P_UDP);
	cr_expect_eq(keg_icpt_protos_parse("tcp,sctp", &pr, &err), -EINVAL);
	cr_expect(strstr(err.msg, "unknown protocol 'sctp'"), "%s", err.msg);
	cr_expect_eq(keg_icpt_protos_parse("tcp,", &pr, &err), -EINVAL);
	cr_expect_eq(keg_icpt_protos_parse("", &pr, &err), -EINVAL);

	cr_assert_eq(keg_icpt_endpoint_parse("10.1.0.0/16:80.443", &a, &ports, NULL), 0);
	cr_expect_eq(a.plen, 16);
	cr_expect_eq(ports.n, 2);
	cr_assert_eq(keg_icpt_endpoint_parse("10.1.2.3:!22", &a, &ports, NULL), 0);
	cr_expect_eq(a.plen, 32);
	cr_expect_eq(ports.negate, 1);
	cr_assert_eq(keg_icpt_endpoint_parse("2001:db8::/32:1000-2000", &a, &ports, NULL), 0);
	cr_expect_eq(a.family, AF_INET6);
	cr_expect_eq(a.plen, 32);
	cr_expect_eq(ports.lo[0], 1000);
	cr_assert_eq(keg_icpt_endpoint_parse("[2001:db8::1]:443", &a, &ports, NULL), 0);
	cr_expect_eq(a.plen, 128);
	cr_expect_eq(ports.lo[0], 443);
	cr_assert_eq(keg_icpt_endpoint_parse("2001:db8::1", &a, &ports, NULL), 0);
	cr_expect_eq(a.plen, 128);
	cr_expect_eq(ports.n, 0);
	cr_expect_eq(keg_icpt_endpoint_parse("10.1.2.3/16", &a, &ports, &err), -EINVAL);
	cr_expect(strstr(err.msg, "host bits"), "%s", err.msg);
	cr_expect_eq(keg_icpt_endpoint_parse("10.1.0.0/16:", &a, &ports, &err), -EINVAL);
	cr_expect_eq(keg_icpt_endpoint_parse("[2001:db8::1", &a, &ports, &err), -EINVAL);

	struct keg_icpt_spec s;

	cr_expect_eq(keg_icpt_spec_parse(&s, "hq", "10.0.0.0/8", "2001:db8::/32", "T", NULL,
					 NULL, &err), -EINVAL);
	cr_expect(strstr(err.msg, "not the same family"), "%s", err.msg);
	cr_expect_eq(keg_icpt_spec_parse(&s, "hq", "10.0.0.0/8", "10.0.0.0/8:22", "I", NULL,
					 NULL, &err), -EINVAL);
	cr_expect(strstr(err.msg, "ICMP"), "%s", err.msg);
	cr_expect_eq(keg_icpt_spec_parse(&s, "hq", "10.0.0.0/8", "10.0.0.0/8", "T", "drop",
					 NULL, &err), -EINVAL);
	cr_expect_eq(keg_icpt_spec_parse(&s, "h q", "10.0.0.0/8", "10.0.0.0/8", "T", NULL,
					 NULL, &err), -EINVAL);
	cr_expect_eq(keg_icpt_spec_parse(&s, "hq", "10.0.0.0/8", "10.0.0.0/8", "T", NULL,
					 "middle", &err), -EINVAL);
	cr_assert_eq(keg_icpt_spec_parse(&s, "hq", "10.0.0.0/8:!22", "10.2.0.0/16:80",
					 "tcp,udp", "block", "outer", &err), 0, "%s", err.msg);
	cr_expect(s.block);
	cr_expect_eq(s.match, KEG_ICPT_MATCH_OUTER);

	/* Encoding round trip. */
	struct keg_icpt_rule r;
	struct keg_icpt_spec back;

	keg_icpt_encode(&s, 7, 3, &r);
	cr_expect_eq(r.id, 7);
	cr_expect_eq(r.site, 3);
	/* TCP is terminated unless --no-terminate. */
	cr_expect_eq(r.flags, KEG_ICPT_F_USED | KEG_ICPT_F_BLOCK | KEG_ICPT_F_TERMINATE);
	cr_expect_eq(r.family, 4);
	cr_expect_eq(r.src_plen, 8);
	cr_expect_eq(r.dst_plen, 16);
	keg_icpt_decode(&r, &back);
	snprintf(back.site, sizeof(back.site), "%s", s.site);
	cr_expect(keg_icpt_spec_eq(&s, &back));

	s.no_terminate = true;
	keg_icpt_encode(&s, 7, 3, &r);
	cr_expect_eq(r.flags, KEG_ICPT_F_USED | KEG_ICPT_F_BLOCK);
	keg_icpt_decode(&r, &back);
	snprintf(back.site, sizeof(back.site), "%s", s.site);
	cr_expect(back.no_terminate);
	cr_expect(keg_icpt_spec_eq(&s, &back));

	/* --forward-at-limit travels with the rule. */
	s.fwd_at_limit = true;
	keg_icpt_encode(&s, 7, 3, &r);
	cr_expect(r.flags & KEG_ICPT_F_FWD_AT_LIMIT);
	keg_icpt_decode(&r, &back);
	snprintf(back.site, sizeof(back.site), "%s", s.site);
	cr_expect(back.fwd_at_limit);
	cr_expect(keg_icpt_spec_eq(&s, &back));

	/* A rule without TCP has nothing to terminate. */
	cr_assert_eq(keg_icpt_spec_parse(&s, "hq", "10.0.0.0/8", "10.2.0.0/16", "udp,icmp",
					 NULL, NULL, &err), 0, "%s", err.msg);
	keg_icpt_encode(&s, 8, 3, &r);
	cr_expect_eq(r.flags, KEG_ICPT_F_USED);
	keg_icpt_decode(&r, &back);
	cr_expect(!back.no_terminate);
}

/* ---- encoding into tries ------------------------------------------------ */

static bool has_bit(const struct keg_icpt_bits *b, uint32_t pos)
{
	return (b->bits[pos / 64] >> (pos % 64)) & 1 &&
	       (b->summary[pos / 4096] >> ((pos / 64) % 64)) & 1;
}

Test(intercept_encode, nested_prefixes_inherit_bits)
{
	static struct keg_icpt_rule rules[KEG_ICPT_MAX_RULES];
	struct keg_icpt_trie t[KEG_ICPT_T__N];
	struct keg_icpt_spec s;
	const char *srcs[] = { "10.0.0.0/8", "10.1.0.0/16", "0.0.0.0/0", "10.1.2.0/24" };
	uint32_t pos[] = { 0, 1, 2, 4999 };

	memset(rules, 0, sizeof(rules));
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(keg_icpt_spec_parse(&s, "x", srcs[i], "192.168.0.0/16", "T", NULL,
						 NULL, NULL), 0);
		keg_icpt_encode(&s, (uint32_t)i + 1, 0, &rules[pos[i]]);
	}
	cr_assert_eq(keg_icpt_build(rules, KEG_ICPT_MAX_RULES, t), 0);
	cr_assert_eq(t[KEG_ICPT_T_SRC4].n, 4);
	cr_expect_eq(t[KEG_ICPT_T_DST4].n, 1);
	cr_expect_eq(t[KEG_ICPT_T_SRC6].n, 0);
	/* Sorted: 0/0, 10/8, 10.1/16, 10.1.2/24. */
	const struct keg_icpt_trie_entry *e = t[KEG_ICPT_T_SRC4].v;

	cr_expect_eq(e[0].prefix.plen, 0);
	cr_expect(has_bit(&e[0].bits, 2) && !has_bit(&e[0].bits, 0));
	cr_expect_eq(e[1].prefix.plen, 8);
	cr_expect(has_bit(&e[1].bits, 0) && has_bit(&e[1].bits, 2) && !has_bit(&e[1].bits, 1));
	cr_expect_eq(e[3].prefix.plen, 24);
	cr_expect(has_bit(&e[3].bits, 0) && has_bit(&e[3].bits, 1) && has_bit(&e[3].bits, 2) &&
		  has_bit(&e[3].bits, 4999));
	cr_expect(has_bit(&t[KEG_ICPT_T_DST4].v[0].bits, 4999));
	uint8_t key[32];

	cr_expect_eq(keg_icpt_trie_key(&e[3], key), sizeof(struct keg_icpt_key4));
	cr_expect_eq(((struct keg_icpt_key4 *)key)->prefixlen, 8 + 24);
	keg_icpt_tries_free(t);
}

/* ---- BPF_PROG_TEST_RUN -------------------------------------------------- */

struct ienv {
	struct keg_env e;
	struct keg_icpt_maps m;
};

static void ienv_open(struct ienv *ie)
{
	struct keg *k;

	keg_env_open(&ie->e);
	k = ie->e.skel;
	ie->m = (struct keg_icpt_maps){
		.cfg = bpf_map__fd(k->maps.keg_icpt_cfg),
		.rules = bpf_map__fd(k->maps.keg_icpt_rules),
		.hits = bpf_map__fd(k->maps.keg_icpt_hits),
		.src4 = bpf_map__fd(k->maps.keg_icpt_src4),
		.dst4 = bpf_map__fd(k->maps.keg_icpt_dst4),
		.src6 = bpf_map__fd(k->maps.keg_icpt_src6),
		.dst6 = bpf_map__fd(k->maps.keg_icpt_dst6),
		.dir4 = bpf_map__fd(k->maps.keg_icpt_dir4),
		.sets4 = bpf_map__fd(k->maps.keg_icpt_sets4),
		.lsrc4 = bpf_map__fd(k->maps.keg_icpt_lsrc4),
		.ldst4 = bpf_map__fd(k->maps.keg_icpt_ldst4),
		.flows = bpf_map__fd(k->maps.keg_icpt_flows),
		.sites = bpf_map__fd(k->maps.keg_icpt_sites),
		.xsks = bpf_map__fd(k->maps.keg_xsks),
		.kegd = bpf_map__fd(k->maps.keg_kegd),
		.stats = bpf_map__fd(k->maps.keg_stats),
	};
}

static uint32_t add_rule(struct ienv *ie, const char *src, const char *dst,
			 const char *proto, const char *when, const char *match)
{
	struct keg_icpt_spec s;
	struct keg_err err = { 0 };
	uint32_t id;

	cr_assert_eq(keg_icpt_spec_parse(&s, "hq", src, dst, proto, when, match, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(keg_icpt_add(&ie->m, &s, &id, &err), 0, "add: %s", err.msg);
	return id;
}

static uint32_t run(struct ienv *ie, struct pkt *p)
{
	struct xdp_run r;

	cr_assert_eq(xdp_run(ie->e.xdp_fd, p->data, p->len, &r), 0);
	return r.retval;
}

static uint64_t hits_of(struct ienv *ie, uint32_t id)
{
	struct keg_icpt_entry *v;
	uint64_t h = 0;
	size_t n;

	cr_assert_eq(keg_icpt_list(&ie->m, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].rule.id == id)
			h = v[i].packets;
	free(v);
	return h;
}

#define MAC_A "02:00:00:00:00:0a"
#define MAC_B "02:00:00:00:00:0b"

/* A plain IPv4 or IPv6 packet: proto 6 TCP, 17 UDP, 1 ICMP echo. */
static void plain(struct pkt *p, const char *s, const char *d, int proto, uint16_t sp,
		  uint16_t dp)
{
	pb_init(p);
	pb_eth(p, MAC_B, MAC_A, PB_AUTO);
	if (strchr(s, ':'))
		pb_ipv6(p, &(struct pb_ip6){ .src = s, .dst = d });
	else
		pb_ipv4(p, &(struct pb_ip4){ .src = s, .dst = d });
	if (proto == 6)
		pb_tcp(p, sp, dp, 0x02);
	else if (proto == 17)
		pb_udp(p, sp, dp);
	else if (strchr(s, ':'))
		pb_icmp6(p, 128, 0, sp, 1);
	else
		pb_icmp(p, 8, 0, sp, 1);
	pb_fill(p, 32, 0xab);
	pb_finish(p);
}

Test(intercept_bpf, no_rules_pass)
{
	struct ienv ie;
	struct keg_stats st;
	struct pkt p;

	ienv_open(&ie);
	plain(&p, "10.1.0.5", "10.2.0.9", 6, 1234, 80);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	stats_read(&ie.e, &st);
	cr_expect_eq(st.icpt_classified, 0, "no rules: classifier skipped");
	keg_env_close(&ie.e);
}

Test(intercept_bpf, ports_exceptions_and_both_directions)
{
	struct ienv ie;
	struct keg_stats st;
	struct pkt p;

	ienv_open(&ie);
	add_rule(&ie, "10.1.0.0/16", "10.2.0.0/16:80.443", "tcp", "block", NULL);
	add_rule(&ie, "10.1.0.0/16", "10.3.0.0/16:!44.55.66", "udp", "block", NULL);
	add_rule(&ie, "10.1.0.0/16:!111-222", "10.4.0.0/16", "tcp", "block", NULL);
	add_rule(&ie, "10.1.0.0/16", "10.5.0.0/16:1000-2000", "tcp,udp", "block", NULL);
	add_rule(&ie, "10.1.0.0/16", "10.6.0.0/16", "IUT", "block", NULL);

	static const struct {
		const char *s, *d;
		int proto;
		uint16_t sp, dp;
		uint32_t want;
	} c[] = {
		{ "10.1.0.5", "10.2.0.9", 6, 1234, 80, XDP_DROP },
		{ "10.1.0.5", "10.2.0.9", 6, 1234, 443, XDP_DROP },
		{ "10.1.0.5", "10.2.0.9", 6, 1234, 81, XDP_PASS },
		{ "10.1.0.5", "10.2.0.9", 17, 1234, 80, XDP_PASS },	/* udp not in rule */
		{ "10.2.0.9", "10.1.0.5", 6, 80, 1234, XDP_DROP },	/* reverse */
		{ "10.2.0.9", "10.1.0.5", 6, 1234, 80, XDP_PASS },	/* reverse, wrong port */
		{ "10.9.0.5", "10.2.0.9", 6, 1234, 80, XDP_PASS },	/* src outside */
		{ "10.1.0.5", "10.3.0.9", 17, 1, 44, XDP_PASS },	/* excepted */
		{ "10.1.0.5", "10.3.0.9", 17, 1, 66, XDP_PASS },
		{ "10.1.0.5", "10.3.0.9", 17, 1, 45, XDP_DROP },
		{ "10.1.0.5", "10.4.0.9", 6, 150, 9, XDP_PASS },	/* excepted range */
		{ "10.1.0.5", "10.4.0.9", 6, 111, 9, XDP_PASS },
		{ "10.1.0.5", "10.4.0.9", 6, 223, 9, XDP_DROP },
		{ "10.1.0.5", "10.5.0.9", 17, 9, 999, XDP_PASS },
		{ "10.1.0.5", "10.5.0.9", 17, 9, 1000, XDP_DROP },
		{ "10.1.0.5", "10.5.0.9", 6, 9, 2000, XDP_DROP },
		{ "10.1.0.5", "10.5.0.9", 6, 9, 2001, XDP_PASS },
		{ "10.1.0.5", "10.6.0.9", 1, 77, 77, XDP_DROP },	/* icmp */
		{ "10.6.0.9", "10.1.0.5", 1, 77, 77, XDP_DROP },
		{ "10.1.0.5", "10.5.0.9", 1, 77, 77, XDP_PASS },	/* icmp not in rule */
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		plain(&p, c[i].s, c[i].d, c[i].proto, c[i].sp, c[i].dp);
		/* twice: classified, then from the flow cache */
		cr_expect_eq(run(&ie, &p), c[i].want, "case %zu (%s:%u -> %s:%u) first", i,
			     c[i].s, c[i].sp, c[i].d, c[i].dp);
		cr_expect_eq(run(&ie, &p), c[i].want, "case %zu cached", i);
	}
	stats_read(&ie.e, &st);
	cr_expect_gt(st.icpt_cache_hit, 0);
	cr_expect_gt(st.icpt_down_block, 0);
	keg_env_close(&ie.e);
}

Test(intercept_bpf, ipv6)
{
	struct ienv ie;
	struct pkt p;

	ienv_open(&ie);
	add_rule(&ie, "2001:db8:1::/48", "2001:db8:2::/48:!22", "tcp,icmp", "block", NULL);
	plain(&p, "2001:db8:1::5", "2001:db8:2::9", 6, 4000, 80);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	plain(&p, "2001:db8:1::5", "2001:db8:2::9", 6, 4000, 22);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	plain(&p, "2001:db8:2::9", "2001:db8:1::5", 6, 80, 4000);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	plain(&p, "2001:db8:1::5", "2001:db8:2::9", 1, 5, 5);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	plain(&p, "2001:db8:1::5", "2001:db8:3::9", 6, 4000, 80);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	plain(&p, "10.1.0.5", "10.2.0.9", 6, 4000, 80);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	keg_env_close(&ie.e);
}

/* Outer 192.0.2.1 -> 192.0.2.2 (or 2001:db8:ff::1 -> ::2), inner TCP
 * 10.1.0.5:1234 -> 10.2.0.9:80 (or 2001:db8:1::5 -> 2001:db8:2::9). */
enum tun { T_VXLAN, T_GENEVE, T_GRE, T_GRE_ETH, T_IPIP, T_6IN4, T_4IN6, T_6IN6, T__N };
static const char *const tun_names[] = { "vxlan", "geneve", "gre", "gretap", "ipip",
					 "6in4", "4in6", "6in6" };

static void tunnelled(struct pkt *p, enum tun t)
{
	bool outer6 = t == T_4IN6 || t == T_6IN6;
	bool inner6 = t == T_6IN4 || t == T_6IN6;

	pb_init(p);
	pb_eth(p, MAC_B, MAC_A, PB_AUTO);
	if (outer6)
		pb_ipv6(p, &(struct pb_ip6){ .src = "2001:db8:ff::1", .dst = "2001:db8:ff::2" });
	else
		pb_ipv4(p, &(struct pb_ip4){ .src = "192.0.2.1", .dst = "192.0.2.2" });
	switch (t) {
	case T_VXLAN:
		pb_udp(p, 5555, 4789);
		pb_vxlan(p, 42);
		pb_eth(p, MAC_B, MAC_A, PB_AUTO);
		break;
	case T_GENEVE:
		pb_udp(p, 5555, 6081);
		pb_geneve(p, 42, 0, 0);
		pb_eth(p, MAC_B, MAC_A, PB_AUTO);
		break;
	case T_GRE:
		pb_gre(p, &(struct pb_gre){ 0 });
		break;
	case T_GRE_ETH:
		pb_gre(p, &(struct pb_gre){ .key = true, .key_val = 7 });
		pb_eth(p, MAC_B, MAC_A, PB_AUTO);
		break;
	default:
		break;
	}
	if (inner6)
		pb_ipv6(p, &(struct pb_ip6){ .src = "2001:db8:1::5", .dst = "2001:db8:2::9" });
	else
		pb_ipv4(p, &(struct pb_ip4){ .src = "10.1.0.5", .dst = "10.2.0.9" });
	pb_tcp(p, 1234, 80, 0x10);
	pb_fill(p, 20, 0xcd);
	pb_finish(p);
}

Test(intercept_bpf, inner_vs_outer_every_tunnel)
{
	for (int t = 0; t < T__N; t++) {
		bool outer6 = t == T_4IN6 || t == T_6IN6;
		bool inner6 = t == T_6IN4 || t == T_6IN6;
		const char *is = inner6 ? "2001:db8:1::/48" : "10.1.0.0/16";
		const char *id = inner6 ? "2001:db8:2::/48:80" : "10.2.0.0/16:80";
		const char *os = outer6 ? "2001:db8:ff::1" : "192.0.2.1";
		const char *od = outer6 ? "2001:db8:ff::2" : "192.0.2.2";
		struct ienv ie;
		struct pkt p;
		uint32_t r;

		/* Inner rule (default): matches. */
		ienv_open(&ie);
		tunnelled(&p, t);
		r = add_rule(&ie, is, id, "tcp", "block", NULL);
		cr_expect_eq(run(&ie, &p), XDP_DROP, "%s: inner rule on inner headers",
			     tun_names[t]);
		cr_expect_eq(hits_of(&ie, r), 1, "%s", tun_names[t]);
		keg_env_close(&ie.e);

		/* Same prefixes, --match outer: the outer header is elsewhere. */
		ienv_open(&ie);
		add_rule(&ie, is, id, "tcp", "block", "outer");
		cr_expect_eq(run(&ie, &p), XDP_PASS, "%s: outer rule on inner prefixes",
			     tun_names[t]);
		keg_env_close(&ie.e);

		/* Outer prefixes, --match outer: matches (any proto of the outer). */
		ienv_open(&ie);
		add_rule(&ie, os, od, "IUT", "block", "outer");
		cr_expect_eq(run(&ie, &p), (t == T_VXLAN || t == T_GENEVE) ? XDP_DROP : XDP_PASS,
			     "%s: outer rule on outer headers (UDP outers only carry a "
			     "protocol a rule can name)", tun_names[t]);
		keg_env_close(&ie.e);

		/* Outer prefixes with the default inner match: no. */
		ienv_open(&ie);
		add_rule(&ie, os, od, "IUT", "block", NULL);
		cr_expect_eq(run(&ie, &p), XDP_PASS, "%s: inner rule on outer prefixes",
			     tun_names[t]);
		keg_env_close(&ie.e);
	}
}

Test(intercept_bpf, first_match_order_and_changes)
{
	struct ienv ie;
	struct keg_stats st;
	struct keg_err err = { 0 };
	struct pkt p;
	uint32_t r1, r2, r3;

	ienv_open(&ie);
	plain(&p, "10.1.0.5", "10.2.0.9", 6, 1234, 80);
	r1 = add_rule(&ie, "10.1.0.0/16", "10.2.0.0/16", "tcp", "forward", NULL);
	r2 = add_rule(&ie, "10.1.0.5", "10.2.0.9:80", "tcp", "block", NULL);
	/* The earlier, broader rule wins even though r2 is more specific. */
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	cr_expect_eq(hits_of(&ie, r1), 2);
	cr_expect_eq(hits_of(&ie, r2), 0);
	stats_read(&ie.e, &st);
	cr_expect_eq(st.icpt_down_forward, 2);
	cr_expect_eq(st.icpt_classified, 1);
	cr_expect_eq(st.icpt_cache_hit, 1);

	/* Disabling r1 changes the decision of the flow in progress. */
	cr_assert_eq(keg_icpt_enable(&ie.m, r1, false, &err), 0, "%s", err.msg);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	cr_expect_eq(hits_of(&ie, r2), 1);
	cr_assert_eq(keg_icpt_enable(&ie.m, r1, true, &err), 0);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	/* Deleting r1: r2 applies. */
	cr_assert_eq(keg_icpt_del(&ie.m, r1, &err), 0);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	/* A rule added later comes after r2. */
	r3 = add_rule(&ie, "10.0.0.0/8", "10.0.0.0/8", "tcp", "forward", NULL);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	cr_expect_eq(hits_of(&ie, r3), 0);
	/* Site down: the rule applies --when-down (block: still dropped,
	 * counted as down), site up again: same. A forward rule passes. */
	cr_assert_eq(keg_icpt_del(&ie.m, r2, &err), 0);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	cr_expect_eq(hits_of(&ie, r3), 1);
	cr_assert_eq(keg_icpt_site_set(&ie.m, "hq", true, &err), 0);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	cr_assert_eq(keg_icpt_del_all(&ie.m, &err), 0);
	stats_reset(&ie.e);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	stats_read(&ie.e, &st);
	cr_expect_eq(st.icpt_classified, 0, "no rules left: skipped");
	keg_env_close(&ie.e);
}

static void frag4(struct pkt *p, uint16_t id, uint16_t off, bool mf, bool l4)
{
	pb_init(p);
	pb_eth(p, MAC_B, MAC_A, PB_AUTO);
	pb_ipv4(p, &(struct pb_ip4){ .src = "10.1.0.5", .dst = "10.2.0.9", .proto = l4 ? 0 : 17,
				     .id = id, .frag_off = off, .mf = mf });
	if (l4)
		pb_udp(p, 5000, 53);
	pb_fill(p, 64, 0x11);
	pb_finish(p);
}

static void frag6(struct pkt *p, uint32_t id, uint16_t off, bool mf, bool l4)
{
	pb_init(p);
	pb_eth(p, MAC_B, MAC_A, PB_AUTO);
	pb_ipv6(p, &(struct pb_ip6){ .src = "2001:db8:1::5", .dst = "2001:db8:2::9" });
	pb_ipv6_frag(p, off, mf, id);
	if (l4)
		pb_udp(p, 5000, 53);
	else
		p->data[p->hdr[p->nhdr - 1].off] = 17;	/* next header UDP */
	pb_fill(p, 64, 0x11);
	pb_finish(p);
}

Test(intercept_bpf, fragments)
{
	struct ienv ie;
	struct keg_stats st;
	struct pkt p;

	ienv_open(&ie);
	add_rule(&ie, "10.1.0.0/16", "10.2.0.0/16:53", "udp", "block", NULL);
	add_rule(&ie, "2001:db8:1::/48", "2001:db8:2::/48:53", "udp", "block", NULL);

	/* Later fragment before its first: unknown, to the kernel. */
	frag4(&p, 77, 10, false, false);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	/* First fragment decides; later ones follow. */
	frag4(&p, 77, 0, true, true);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	frag4(&p, 77, 10, true, false);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	frag4(&p, 77, 20, false, false);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	/* Another datagram's later fragment: unknown. */
	frag4(&p, 78, 10, false, false);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	/* IPv6: same. */
	frag6(&p, 0x1234, 0, true, true);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	frag6(&p, 0x1234, 8, false, false);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	frag6(&p, 0x9999, 8, false, false);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	stats_read(&ie.e, &st);
	cr_expect_eq(st.icpt_frag_followed, 3);
	cr_expect_eq(st.icpt_frag_unknown, 3);
	keg_env_close(&ie.e);
}

Test(intercept_bpf, ten_thousand_rules, .timeout = 120)
{
	static struct keg_icpt_spec specs[10000];
	static uint32_t ids[10000];
	struct keg_err err = { 0 };
	struct keg_icpt_entry *v;
	struct ienv ie;
	struct pkt p;
	size_t n;
	char s[32], d[32];

	ienv_open(&ie);
	/* 9,999 rules that do not match, overlapping prefixes, then one that
	 * does, at the very end. */
	for (int i = 0; i < 9999; i++) {
		snprintf(s, sizeof(s), "10.%d.%d.0/24", 100 + i / 250, i % 250);
		snprintf(d, sizeof(d), i % 2 ? "10.2.0.0/16:%d" : "0.0.0.0/0:%d", 10000 + i);
		cr_assert_eq(keg_icpt_spec_parse(&specs[i], "hq", s, d, "tcp", "block", NULL,
						 &err), 0, "%s %s: %s", s, d, err.msg);
	}
	cr_assert_eq(keg_icpt_spec_parse(&specs[9999], "hq", "10.1.0.0/16", "10.2.0.9:80",
					 "tcp", "block", NULL, &err), 0);
	cr_assert_eq(keg_icpt_add_many(&ie.m, specs, 10000, ids, &err), 0, "%s", err.msg);
	cr_assert_eq(keg_icpt_list(&ie.m, &v, &n), 0);
	cr_expect_eq(n, 10000);
	free(v);

	plain(&p, "10.1.0.5", "10.2.0.9", 6, 1234, 80);
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	cr_expect_eq(hits_of(&ie, ids[9999]), 1);
	plain(&p, "10.1.0.5", "10.2.0.9", 6, 1234, 81);
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	plain(&p, "10.105.6.5", "10.9.9.9", 6, 1, 11256);	/* rule 1256 */
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	cr_expect_eq(hits_of(&ie, ids[1256]), 1);
	/* One more than the limit allows? 10,240 is the limit: 240 fit. */
	cr_assert_eq(keg_icpt_add_many(&ie.m, specs, 240, ids, &err), 0, "%s", err.msg);
	cr_expect_eq(keg_icpt_add(&ie.m, &specs[0], ids, &err), -ENOSPC);
	keg_env_close(&ie.e);
}

/* keg_xdp through the direct table and through the trie: a /16 with a
 * longer prefix inside is the trie's, its neighbours the table's; more
 * short prefixes than sets leave the rest to the trie. */
Test(intercept_bpf, direct_table_and_trie, .timeout = 60)
{
	static struct keg_icpt_spec specs[1100];
	static uint32_t ids[1100];
	struct keg_err err = { 0 };
	struct ienv ie;
	struct pkt p;
	uint32_t r0, r1, r2;
	char s[32], d[32];

	ienv_open(&ie);
	r0 = add_rule(&ie, "10.1.2.0/24", "10.2.0.0/16:80", "tcp", "block", NULL);
	r1 = add_rule(&ie, "10.1.0.0/16", "10.2.0.0/16", "tcp", "forward", NULL);
	r2 = add_rule(&ie, "10.3.0.0/16", "10.2.0.0/16", "tcp", "block", NULL);
	plain(&p, "10.1.2.5", "10.2.0.9", 6, 1234, 80);	/* trie: the /24 */
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	cr_expect_eq(hits_of(&ie, r0), 1);
	plain(&p, "10.2.0.9", "10.1.2.5", 6, 80, 1234);	/* the reverse */
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	cr_expect_eq(hits_of(&ie, r0), 2);
	plain(&p, "10.1.3.5", "10.2.0.9", 6, 1234, 80);	/* trie: the /16 */
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	cr_expect_eq(hits_of(&ie, r1), 1);
	plain(&p, "10.3.0.5", "10.2.0.9", 6, 1234, 80);	/* table */
	cr_expect_eq(run(&ie, &p), XDP_DROP);
	cr_expect_eq(hits_of(&ie, r2), 1);
	plain(&p, "10.4.0.5", "10.2.0.9", 6, 1234, 80);	/* table: none */
	cr_expect_eq(run(&ie, &p), XDP_PASS);
	cr_expect_eq(hits_of(&ie, r0) + hits_of(&ie, r1) + hits_of(&ie, r2), 4);

	/* 1,100 more /16s than the 1,024 sets hold. */
	for (int i = 0; i < 1100; i++) {
		snprintf(s, sizeof(s), "%d.%d.0.0/16", 20 + i / 256, i % 256);
		snprintf(d, sizeof(d), "10.2.0.0/16:%d", 1000 + i);
		cr_assert_eq(keg_icpt_spec_parse(&specs[i], "hq", s, d, "tcp", "block", NULL,
						 &err), 0, "%s", err.msg);
	}
	cr_assert_eq(keg_icpt_add_many(&ie.m, specs, 1100, ids, &err), 0, "%s", err.msg);
	for (int i = 0; i < 1100; i += 1099) {
		snprintf(s, sizeof(s), "%d.%d.7.7", 20 + i / 256, i % 256);
		plain(&p, s, "10.2.0.9", 6, 1234, (uint16_t)(1000 + i));
		cr_expect_eq(run(&ie, &p), XDP_DROP, "%s", s);
		cr_expect_eq(hits_of(&ie, ids[i]), 1, "%s", s);
		plain(&p, s, "10.2.0.9", 6, 1234, 999);
		cr_expect_eq(run(&ie, &p), XDP_PASS, "%s", s);
	}
	keg_env_close(&ie.e);
}

Test(intercept_parse, apply_file_lines)
{
	static const char ok[] = "interface eth0\n"
				 "intercept hq 10.1.0.0/16 10.2.0.0/16:80.443 tcp,udp block\n"
				 "intercept dr 2001:db8::/32:!22 2001:db8:1::/48 IUT outer forward\n"
				 "interface eth1\n";
	struct keg_err cerr;
	struct keg_conf conf;

	cr_assert_eq(keg_conf_parse_buf(ok, sizeof(ok) - 1, &conf, &cerr), 0, "%u: %s",
		     cerr.line, cerr.msg);
	cr_assert_eq(conf.ifaces[0].intercepts.n, 2);
	cr_expect_eq(conf.ifaces[0].intercepts.v[0].line, 2);
	cr_expect(conf.ifaces[0].intercepts.v[0].spec.block);
	cr_expect_eq(conf.ifaces[0].intercepts.v[1].spec.match, KEG_ICPT_MATCH_OUTER);
	cr_expect_eq(conf.ifaces[0].intercepts.v[1].spec.sport.negate, 1);
	cr_expect_eq(conf.ifaces[1].intercepts.n, 0);
	keg_conf_free(&conf);

	static const struct {
		const char *text;
		unsigned int line;
		const char *msg;
	} bad[] = {
		{ "intercept hq 10.0.0.0/8 10.0.0.0/8 T\n", 1, "outside an interface block" },
		{ "interface e\nintercept hq 10.0.0.0/8 10.0.0.0/8\n", 2, "usage: intercept" },
		{ "interface e\nintercept hq 10.0.0.0/8 10.0.0.0/8:0 T\n", 2, "port out of range" },
		{ "interface e\nintercept hq 10.0.0.0/8 10.0.0.0/8 T up\n", 2, "'up': expected" },
		{ "interface e\nintercept hq 10.0.0.0/8 10.0.0.0/8 T block forward\n", 2,
		  "given twice" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_neq(keg_conf_parse_buf(bad[i].text, strlen(bad[i].text), &conf, &cerr), 0,
			      "%s accepted", bad[i].text);
		cr_expect_eq(cerr.line, bad[i].line, "%s: line %u", bad[i].text, cerr.line);
		cr_expect(strstr(cerr.msg, bad[i].msg), "%s: '%s' lacks '%s'", bad[i].text,
			  cerr.msg, bad[i].msg);
	}
}

/* kegd opens one AF_XDP socket per receive queue, up to the XSKMAP's size,
 * and publishes one counter slot per queue: every queue the XSKMAP can
 * hold has a slot (once 64 sockets had 16 slots and queues 16.. vanished
 * from `kegctl intercept list`), and the last one reads back. */
Test(intercept_bpf, kegd_has_a_counter_slot_for_every_queue)
{
	struct keg_kegd k = { 0 }, got;
	struct ienv ie;
	uint32_t zero = 0;
	bool running;
	struct keg *skel;

	ienv_open(&ie);
	skel = ie.e.skel;
	cr_assert_eq(bpf_map__max_entries(skel->maps.keg_xsks), KEG_MAX_QUEUES);
	cr_assert_eq(sizeof(k.q) / sizeof(k.q[0]), bpf_map__max_entries(skel->maps.keg_xsks));
	cr_assert_eq(bpf_map__value_size(skel->maps.keg_kegd), sizeof(struct keg_kegd));

	k.pid = (uint32_t)getpid();
	k.n_queues = KEG_MAX_QUEUES;
	k.heartbeat_ns = keg_now_ns();
	k.q[KEG_MAX_QUEUES - 1].rx = 77;
	k.q[KEG_MAX_QUEUES - 1].drop = 5;
	cr_assert_eq(bpf_map_update_elem(ie.m.kegd, &zero, &k, BPF_ANY), 0);
	cr_assert_eq(keg_icpt_kegd_read(&ie.m, &got, &running), 0);
	cr_assert(running, "a fresh heartbeat of a live pid reads as running");
	cr_assert_eq(got.n_queues, KEG_MAX_QUEUES);
	cr_assert_eq(got.q[KEG_MAX_QUEUES - 1].rx, 77);
	cr_assert_eq(got.q[KEG_MAX_QUEUES - 1].drop, 5);

	/* A heartbeat older than the staleness limit is a kegd that hangs. */
	k.heartbeat_ns = keg_now_ns() - (KEG_KEGD_STALE_MS + 1) * KEG_NSEC_PER_MSEC;
	cr_assert_eq(bpf_map_update_elem(ie.m.kegd, &zero, &k, BPF_ANY), 0);
	cr_assert_eq(keg_icpt_kegd_read(&ie.m, &got, &running), 0);
	cr_assert(!running);
	keg_env_close(&ie.e);
}

Test(intercept_parse, ipv6_port_ambiguity)
{
	struct keg_port_spec ports;
	struct keg_addr a;
	struct keg_err err = { 0 };

	/* The example: address ...:1:80, or [2001:db8::1]:80? */
	cr_expect_eq(keg_icpt_endpoint_parse("2001:db8::1:80", &a, &ports, &err), -EINVAL);
	cr_expect(strstr(err.msg, "ambiguous"), "%s", err.msg);
	cr_expect_eq(keg_icpt_endpoint_parse("::1:443", &a, &ports, &err), -EINVAL);
	/* The unambiguous forms. */
	cr_assert_eq(keg_icpt_endpoint_parse("[2001:db8::1]:80", &a, &ports, &err), 0, "%s", err.msg);
	cr_expect_eq(ports.n, 1);
	cr_expect_eq(ports.lo[0], 80);
	cr_assert_eq(keg_icpt_endpoint_parse("2001:db8::1:80/128", &a, &ports, &err), 0, "%s", err.msg);
	cr_expect_eq(ports.n, 0);
	cr_assert_eq(keg_icpt_endpoint_parse("2001:db8::1", &a, &ports, &err), 0, "%s", err.msg);
	cr_assert_eq(keg_icpt_endpoint_parse("fd00:77:2::11", &a, &ports, &err), 0, "%s", err.msg);
	cr_assert_eq(keg_icpt_endpoint_parse("2001:db8:1:2:3:4:5:6", &a, &ports, &err), 0, "%s", err.msg);
}
