// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_proxy_spec.c - `kegctl proxy add`'s options (user/lib/base/proxy_spec.h):
 * a table of option sets that must be refused, with the message, and ones
 * that must parse, with what they give, the map entry and the rule.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "proxy_spec.h"

struct bad_case {
	const char *site, *local, *dest, *protos;
	int ret;
	const char *msg;	/* substring of the message */
};

static const struct bad_case bad[] = {
	{ "", "10.1.1.200", "10.2.0.9", NULL, -EINVAL, "--site: empty site name" },
	{ "B/1", "10.1.1.200", "10.2.0.9", NULL, -EINVAL, "site names use letters" },
	{ "B", NULL, "10.2.0.9", NULL, -EINVAL, "--proxy: empty address" },
	{ "B", "", "10.2.0.9", NULL, -EINVAL, "--proxy: empty address" },
	{ "B", "10.1.1.200", NULL, NULL, -EINVAL, "--dest: empty address" },
	{ "B", "10.1.1.0/24", "10.2.0.9", NULL, -EINVAL, "a prefix; a proxy is one address" },
	{ "B", "10.1.1.300", "10.2.0.9", NULL, -EINVAL, "not an IPv4 or IPv6 address" },
	{ "B", "10.1.1.200:", "10.2.0.9", NULL, -EINVAL, "empty port list" },
	{ "B", "10.1.1.200:0", "10.2.0.9", NULL, -EINVAL, "port" },
	{ "B", "10.1.1.200:65536", "10.2.0.9", NULL, -EINVAL, "port" },
	{ "B", "10.1.1.200:80-90", "10.2.0.9", NULL, -EINVAL, "one port" },
	{ "B", "10.1.1.200:80.81", "10.2.0.9", NULL, -EINVAL, "one port" },
	{ "B", "10.1.1.200:!80", "10.2.0.9", NULL, -EINVAL, "one port" },
	{ "B", "10.1.1.200:http", "10.2.0.9", NULL, -EINVAL, "port" },
	{ "B", "[2001:db8::1", "2001:db8:2::9", NULL, -EINVAL, "missing ']'" },
	{ "B", "[2001:db8::1]80", "2001:db8:2::9", NULL, -EINVAL, "expected ':PORTS'" },
	{ "B", "2001:db8::1:80", "2001:db8:2::9", NULL, -EINVAL, "ambiguous" },
	{ "B", "127.0.0.5", "10.2.0.9", NULL, -EINVAL, "loopback" },
	{ "B", "224.0.0.9", "10.2.0.9", NULL, -EINVAL, "multicast" },
	{ "B", "0.0.0.0", "10.2.0.9", NULL, -EINVAL, "unspecified" },
	{ "B", "fe80::1", "2001:db8:2::9", NULL, -EINVAL, "link-local" },
	{ "B", "10.1.1.200", "255.255.255.255", NULL, -EINVAL, "--dest: 255.255.255.255 cannot be proxied: it is the broadcast" },
	{ "B", "10.1.1.200", "2001:db8:2::9", NULL, -EINVAL, "not the same family" },
	{ "B", "10.1.1.200", "10.1.1.200", NULL, -EINVAL, "the proxy address itself" },
	{ "B", "10.1.1.200", "10.2.0.9:80", NULL, -EINVAL, "has a port but --proxy" },
	{ "B", "10.1.1.200", "10.2.0.9", "icmp", -EOPNOTSUPP, "not ICMP" },
	{ "B", "10.1.1.200", "10.2.0.9", "IUT", -EOPNOTSUPP, "not ICMP" },
	{ "B", "10.1.1.200", "10.2.0.9", "sctp", -EINVAL, "--proto" },
	{ "B", "10.1.1.200", "10.2.0.9", "", -EINVAL, "--proto" },
};

Test(proxy_spec, refused)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_case *c = &bad[i];
		struct keg_proxy_spec s;
		struct keg_err err = { 0 };
		int ret;

		ret = keg_proxy_spec_parse(&s, c->site, c->local, c->dest, c->protos, &err);
		cr_expect_eq(ret, c->ret, "case %zu (%s -> %s): returned %d (%s)", i,
			     c->local ? c->local : "NULL", c->dest ? c->dest : "NULL", ret, err.msg);
		cr_expect(strstr(err.msg, c->msg), "case %zu: message \"%s\", want \"%s\" in it",
			  i, err.msg, c->msg);
	}
}

Test(proxy_spec, parsed_encoded_and_its_rule)
{
	struct keg_proxy_spec s, back;
	struct keg_icpt_spec rule;
	struct keg_proxy_key k;
	struct keg_proxy v;
	struct keg_err err = { 0 };
	char buf[256];
	uint8_t want[4];

	cr_assert_eq(keg_proxy_spec_parse(&s, "B", "10.1.1.200:8080", "10.2.0.9:80", NULL, &err),
		     0, "%s", err.msg);
	cr_expect_eq(s.port, 8080);
	cr_expect_eq(s.dport, 80);
	cr_expect_eq(s.protos, KEG_ICPT_P_TCP | KEG_ICPT_P_UDP, "tcp,udp by default");
	cr_expect_str_eq(keg_proxy_spec_str(&s, buf, sizeof(buf)),
			 "--site B --proxy 10.1.1.200:8080 --dest 10.2.0.9:80 --proto tcp,udp");

	keg_proxy_key_of(&s.local, &k);
	keg_proxy_encode(&s, 7, &v);
	inet_pton(AF_INET, "10.1.1.200", want);
	cr_expect_eq(k.family, 4);
	cr_expect(!memcmp(k.addr, want, 4));
	cr_expect(!memcmp(k.addr + 4, (uint8_t[12]){ 0 }, 12), "the rest of the key is 0");
	cr_expect_eq(v.rule_id, 7);
	cr_expect_eq(v.port, htons(8080));
	cr_expect_eq(v.dport, htons(80));
	cr_expect_str_eq(v.site, "B");
	keg_proxy_decode(&k, &v, &back);
	cr_expect(keg_proxy_spec_eq(&s, &back), "decode(encode(spec)) == spec");

	keg_proxy_rule(&s, &rule);
	cr_expect(rule.proxy);
	cr_expect(!rule.no_terminate, "the proxy's TCP is terminated");
	cr_expect_eq(rule.src.plen, 0, "from anywhere");
	cr_expect_eq(rule.dst.plen, 32);
	cr_expect(!memcmp(rule.dst.bytes, want, 4));
	cr_expect_eq(rule.dport.n, 1);
	cr_expect_eq(rule.dport.lo[0], 8080);
	cr_expect_eq(rule.dport.hi[0], 8080);
	cr_expect_eq(rule.protos, KEG_ICPT_P_TCP | KEG_ICPT_P_UDP);

	/* IPv6, every port: the rule has no port, the entry port 0. */
	cr_assert_eq(keg_proxy_spec_parse(&s, "site-b", "2001:db8:1::200", "[2001:db8:2::9]",
					  "T", &err), 0, "%s", err.msg);
	cr_expect_eq(s.port, 0);
	cr_expect_eq(s.dport, 0);
	keg_proxy_rule(&s, &rule);
	cr_expect_eq(rule.dport.n, 0);
	cr_expect_eq(rule.dst.plen, 128);
	cr_expect_str_eq(keg_proxy_spec_str(&s, buf, sizeof(buf)),
			 "--site site-b --proxy 2001:db8:1::200 --dest 2001:db8:2::9 --proto tcp");
	cr_assert_eq(keg_proxy_spec_parse(&s, "B", "[2001:db8:1::200]:443", "[2001:db8:2::9]:8443",
					  "tcp", &err), 0, "%s", err.msg);
	cr_expect_str_eq(keg_proxy_spec_str(&s, buf, sizeof(buf)),
			 "--site B --proxy [2001:db8:1::200]:443 --dest [2001:db8:2::9]:8443 --proto tcp");
	/* A /32 written out is one address. */
	cr_expect_eq(keg_proxy_spec_parse(&s, "B", "10.1.1.200/32", "10.2.0.9", NULL, &err), 0);
}

Test(proxy_spec, rule_flag_round_trip)
{
	struct keg_proxy_spec s;
	struct keg_icpt_spec rule, back;
	struct keg_icpt_rule enc;
	struct keg_err err = { 0 };

	/* UDP only: its rule terminates too (kegd's UDP sockets, not AF_XDP). */
	cr_assert_eq(keg_proxy_spec_parse(&s, "B", "10.1.1.200", "10.2.0.9", "udp", &err), 0);
	keg_proxy_rule(&s, &rule);
	keg_icpt_encode(&rule, 3, 1, &enc);
	cr_expect(enc.flags & KEG_ICPT_F_PROXY);
	cr_expect(enc.flags & KEG_ICPT_F_TERMINATE);
	keg_icpt_decode(&enc, &back);
	cr_expect(!back.no_terminate);

	cr_assert_eq(keg_proxy_spec_parse(&s, "B", "10.1.1.200", "10.2.0.9", NULL, &err), 0);
	keg_proxy_rule(&s, &rule);
	keg_icpt_encode(&rule, 3, 1, &enc);
	cr_expect(enc.flags & KEG_ICPT_F_PROXY);
	cr_expect(enc.flags & KEG_ICPT_F_TERMINATE);
	keg_icpt_decode(&enc, &back);
	snprintf(back.site, sizeof(back.site), "%s", rule.site);
	cr_expect(back.proxy);
	cr_expect(keg_icpt_spec_eq(&rule, &back));
	back.proxy = false;
	cr_expect(!keg_icpt_spec_eq(&rule, &back), "a proxy's rule is no ordinary rule");
}
