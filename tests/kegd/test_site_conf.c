// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_site_conf.c - site lines (user/kegd/site_conf.c): what is accepted
 * and what each mistake is told.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "site_conf.h"

#define PUB "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

Test(site_conf, accepted)
{
	struct keg_site s;
	struct keg_err e;
	struct sockaddr_storage ss;

	cr_assert_eq(keg_site_parse_line("site hq 192.0.2.1 local key /etc/keg/hq.key", &s, &e),
		     0, "%s", e.msg);
	cr_expect_str_eq(s.name, "hq");
	cr_expect_eq(s.family, AF_INET);
	cr_expect_eq(s.port, 3919);
	cr_expect(s.local);
	cr_expect_str_eq(s.key_path, "/etc/keg/hq.key");
	cr_expect_eq(s.segsize, 32768);
	cr_expect_eq(s.maxrate_kbit, 0);
	cr_expect_eq(keg_site_sockaddr(&s, &ss), sizeof(struct sockaddr_in));
	cr_expect_eq(((struct sockaddr_in *)&ss)->sin_port, htons(3919));

	cr_assert_eq(keg_site_parse_line("site br-1 198.51.100.7:4000 pubkey " PUB
					 " maxrate 50mbit segsize 16k  # branch", &s, &e), 0,
		     "%s", e.msg);
	cr_expect_eq(s.port, 4000);
	cr_expect_not(s.local);
	cr_expect_eq(s.maxrate_kbit, 50000);
	cr_expect_eq(s.segsize, 16384);
	cr_assert_eq(keg_site_parse_line("site br-1 198.51.100.7 pubkey " PUB " maxrate none",
					 &s, &e), 0, "%s", e.msg);
	cr_expect_eq(s.maxrate_kbit, 0);

	cr_assert_eq(keg_site_parse_line("site v6 [2001:db8::1]:3920 --pubkey " PUB, &s, &e), 0,
		     "%s", e.msg);
	cr_expect_eq(s.family, AF_INET6);
	cr_expect_eq(s.port, 3920);
	cr_assert_eq(keg_site_parse_line("site v6b 2001:db8::2 pubkey " PUB, &s, &e), 0);
	cr_expect_eq(s.port, 3919);
	cr_expect_eq(keg_site_sockaddr(&s, &ss), sizeof(struct sockaddr_in6));
}

Test(site_conf, refused_with_reason)
{
	static const struct { const char *line, *says; } bad[] = {
		{ "site", "expected NAME" },
		{ "site hq", "expected NAME" },
		{ "site 1hq 192.0.2.1 local key k", "a name is" },
		{ "site h.q 192.0.2.1 local key k", "a name is" },
		{ "site abcdefghijabcdefghijabcdefghijxy 192.0.2.1 local key k", "a name is" },
		{ "site hq 192.0.2 local key k", "not ADDR" },
		{ "site hq 192.0.2.1:0 local key k", "not ADDR" },
		{ "site hq 192.0.2.1:65536 local key k", "not ADDR" },
		{ "site hq 192.0.2.1:x local key k", "not ADDR" },
		{ "site hq [192.0.2.1]:1 local key k", "not ADDR" },
		{ "site hq [2001:db8::1:1 local key k", "not ADDR" },
		{ "site hq 2001:db8::1]:1 local key k", "not ADDR" },
		{ "site hq 192.0.2.1 local", "needs 'key FILE'" },
		{ "site hq 192.0.2.1 local local key k", "'local' twice" },
		{ "site hq 192.0.2.1 local key k pubkey " PUB, "not a pubkey" },
		{ "site hq 192.0.2.1 key k", "needs 'pubkey KEY'" },
		{ "site hq 192.0.2.1 pubkey " PUB " key k", "'key' is for the local" },
		{ "site hq 192.0.2.1 pubkey AAAA", "not a public key" },
		{ "site hq 192.0.2.1 pubkey " PUB " pubkey " PUB, "'pubkey' twice" },
		{ "site hq 192.0.2.1 pubkey " PUB " maxrate", "needs a value" },
		{ "site hq 192.0.2.1 pubkey " PUB " maxrate fast", "maxrate" },
		{ "site hq 192.0.2.1 pubkey " PUB " maxrate 1mbit maxrate 2mbit", "'maxrate' twice" },
		{ "site hq 192.0.2.1 pubkey " PUB " segsize 1k", "outside" },
		{ "site hq 192.0.2.1 pubkey " PUB " segsize 1m", "outside" },
		{ "site hq 192.0.2.1 pubkey " PUB " segsize big", "segsize" },
		{ "site hq 192.0.2.1 pubkey " PUB " mtu 1500", "unknown option 'mtu'" },
		{ "customer 10.1.2.5", "not a site line" },
	};
	struct keg_site s;
	struct keg_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(keg_site_parse_line(bad[i].line, &s, &e), -EINVAL, "accepted: %s",
			     bad[i].line);
		cr_expect(strstr(e.msg, bad[i].says), "'%s' -> '%s', want '%s'", bad[i].line,
			  e.msg, bad[i].says);
	}
}

Test(site_conf, set_rules)
{
	struct keg_site v[4];
	struct keg_err e;

	cr_assert_eq(keg_site_parse_line("site hq 192.0.2.1 local key k", &v[0], &e), 0);
	cr_assert_eq(keg_site_parse_line("site b1 192.0.2.2 pubkey " PUB, &v[1], &e), 0);
	cr_assert_eq(keg_site_parse_line("site b2 192.0.2.3 pubkey " PUB, &v[2], &e), 0);
	cr_expect_eq(keg_sites_check(v, 3, &e), 0, "%s", e.msg);
	cr_expect_eq(keg_sites_check(v + 1, 2, &e), -EINVAL);
	cr_expect(strstr(e.msg, "first site defined"));
	v[3] = v[0];
	cr_expect_eq(keg_sites_check(v, 4, &e), -EINVAL);
	cr_expect(strstr(e.msg, "only one local"));
	cr_assert_eq(keg_site_parse_line("site b1 192.0.2.9 pubkey " PUB, &v[3], &e), 0);
	cr_expect_eq(keg_sites_check(v, 4, &e), -EINVAL);
	cr_expect(strstr(e.msg, "defined twice"));
	cr_assert_eq(keg_site_parse_line("site b3 192.0.2.3 pubkey " PUB, &v[3], &e), 0);
	cr_expect_eq(keg_sites_check(v, 4, &e), -EINVAL);
	cr_expect(strstr(e.msg, "same address"));
}
