// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_addr.c - keg_addr_parse() / keg_prefix_parse() and friends
 * (user/lib/base/addr.h): one table of inputs with the value or the error each
 * must give.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

#include "addr.h"

enum fn { ADDR, PREFIX };

struct addr_case {
	enum fn fn;
	const char *in;
	int ret;
	const char *out;	/* keg_prefix_str() of the result, when ret is 0 */
	const char *msg;	/* substring of the error, when ret is not 0 */
};

static const struct addr_case cases[] = {
	{ ADDR, "10.1.2.5", 0, "10.1.2.5/32", NULL },
	{ ADDR, "10.1.2.5/32", 0, "10.1.2.5/32", NULL },
	{ ADDR, "0.0.0.0", 0, "0.0.0.0/32", NULL },
	{ ADDR, "2001:db8::1", 0, "2001:db8::1/128", NULL },
	{ ADDR, "2001:DB8:0:0::1/128", 0, "2001:db8::1/128", NULL },
	{ ADDR, "::", 0, "::/128", NULL },
	{ ADDR, "::ffff:192.0.2.1", 0, "::ffff:192.0.2.1/128", NULL },
	{ ADDR, "10.1.2.0/24", -EINVAL, NULL, "10.1.2.0/24: a prefix, not a single address" },
	{ ADDR, "2001:db8::/64", -EINVAL, NULL, "only /128" },
	{ ADDR, "10.1.2.999", -EINVAL, NULL, "10.1.2.999: not an IPv4 or IPv6 address" },
	{ ADDR, "", -EINVAL, NULL, "not an IPv4 or IPv6 address" },
	{ ADDR, "/32", -EINVAL, NULL, "not an IPv4 or IPv6 address" },
	{ ADDR, "1.2.3", -EINVAL, NULL, "not an IPv4 or IPv6 address" },
	{ ADDR, " 10.1.2.5", -EINVAL, NULL, "not an IPv4 or IPv6 address" },
	{ ADDR, "fe80::1%eth0", -EINVAL, NULL, "not an IPv4 or IPv6 address" },
	{ PREFIX, "10.1.2.0/024", -EINVAL, NULL, "leading zero" },
	{ PREFIX, "10.0.0.0/08", -EINVAL, NULL, "leading zero" },
	{ PREFIX, "0.0.0.0/0", 0, "0.0.0.0/0", NULL },
	{ ADDR, "0123:4567:89ab:cdef:0123:4567:89ab:cdef:0", -EINVAL, NULL, "not an IPv4" },
	{ ADDR, "10.1.2.5/", -EINVAL, NULL, "bad prefix length" },
	{ ADDR, "10.1.2.5/+32", -EINVAL, NULL, "bad prefix length" },
	{ ADDR, "10.1.2.5/ 32", -EINVAL, NULL, "bad prefix length" },
	{ ADDR, "10.1.2.5/0032", -EINVAL, NULL, "bad prefix length" },
	{ ADDR, "10.1.2.5/33", -EINVAL, NULL, "prefix length 33 is longer than 32" },
	{ ADDR, "2001:db8::1/129", -EINVAL, NULL, "prefix length 129 is longer than 128" },
	{ PREFIX, "10.1.2.0/24", 0, "10.1.2.0/24", NULL },
	{ PREFIX, "0.0.0.0/0", 0, "0.0.0.0/0", NULL },
	{ PREFIX, "10.1.2.5/32", 0, "10.1.2.5/32", NULL },
	{ PREFIX, "2001:db8::/32", 0, "2001:db8::/32", NULL },
	{ PREFIX, "::/0", 0, "::/0", NULL },
	{ PREFIX, "2001:db8:1:2::/127", 0, "2001:db8:1:2::/127", NULL },
	{ PREFIX, "10.1.2.5/24", -EINVAL, NULL,
	  "10.1.2.5/24 has host bits set; did you mean 10.1.2.0/24?" },
	{ PREFIX, "10.1.2.128/25", 0, "10.1.2.128/25", NULL },
	{ PREFIX, "10.1.2.129/25", -EINVAL, NULL, "did you mean 10.1.2.128/25?" },
	{ PREFIX, "2001:db8::1/64", -EINVAL, NULL, "did you mean 2001:db8::/64?" },
	{ PREFIX, "2001:db8:ffff::/33", -EINVAL, NULL, "did you mean 2001:db8:8000::/33?" },
	{ PREFIX, "10.1.2.0", -EINVAL, NULL, "10.1.2.0: missing prefix length" },
	{ PREFIX, "10.1.2.0/33", -EINVAL, NULL, "longer than 32" },
	{ PREFIX, "banana/8", -EINVAL, NULL, "banana/8: not an IPv4 or IPv6 address" },
};

Test(addr, parse_table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct addr_case *c = &cases[i];
		const char *fn = c->fn == ADDR ? "keg_addr_parse" : "keg_prefix_parse";
		struct keg_err err = { 0 };
		char buf[KEG_ADDR_STRLEN];
		struct keg_addr a;
		int ret;

		ret = c->fn == ADDR ? keg_addr_parse(c->in, &a, &err) :
				      keg_prefix_parse(c->in, &a, &err);
		cr_expect_eq(ret, c->ret, "%s(\"%s\") = %d, want %d (%s)", fn, c->in, ret,
			     c->ret, err.msg);
		if (ret || c->ret)
			cr_expect(c->msg && strstr(err.msg, c->msg),
				  "%s(\"%s\"): message \"%s\", want \"%s\" in it", fn, c->in,
				  err.msg, c->msg ? c->msg : "");
		else
			cr_expect_str_eq(keg_prefix_str(&a, buf, sizeof(buf)), c->out,
					 "%s(\"%s\") gave %s, want %s", fn, c->in, buf, c->out);
	}
}

/* Errors are optional detail: a NULL err must be accepted. */
Test(addr, null_err)
{
	struct keg_addr a;

	cr_expect_eq(keg_addr_parse("nonsense", &a, NULL), -EINVAL);
	cr_expect_eq(keg_prefix_parse("10.0.0.1/8", &a, NULL), -EINVAL);
	cr_expect_eq(keg_prefix_parse("10.0.0.0/8", &a, NULL), 0);
}

Test(addr, bytes_family_and_length)
{
	static const uint8_t v4[16] = { 10, 1, 2, 5 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct keg_addr a;

	cr_assert_eq(keg_addr_parse("10.1.2.5", &a, NULL), 0);
	cr_expect_eq(a.family, AF_INET);
	cr_expect_eq(a.plen, 32);
	cr_expect_arr_eq(a.bytes, v4, 16, "IPv4 in bytes[0..3], the rest zero");
	cr_expect_eq(keg_addr_len(&a), 4);
	cr_expect_eq(keg_addr_maxlen(&a), 32);
	cr_assert_eq(keg_addr_parse("2001:db8::1", &a, NULL), 0);
	cr_expect_eq(a.family, AF_INET6);
	cr_expect_eq(a.plen, 128);
	cr_expect_arr_eq(a.bytes, v6, 16);
	cr_expect_eq(keg_addr_len(&a), 16);
	cr_expect_eq(keg_addr_maxlen(&a), 128);
}

Test(addr, mask_and_host_bits)
{
	static const struct {
		const char *in;
		int plen;
		bool host_bits;
		const char *masked;
	} t[] = {
		{ "10.255.255.255", 0, true, "0.0.0.0/0" },
		{ "10.255.255.255", 8, true, "10.0.0.0/8" },
		{ "10.255.255.255", 9, true, "10.128.0.0/9" },
		{ "10.255.255.255", 31, true, "10.255.255.254/31" },
		{ "10.255.255.255", 32, false, "10.255.255.255/32" },
		{ "10.128.0.0", 9, false, "10.128.0.0/9" },
		{ "2001:db8:ffff:ffff::1", 48, true, "2001:db8:ffff::/48" },
		{ "2001:db8:ffff:ffff::1", 127, true, "2001:db8:ffff:ffff::/127" },
		{ "2001:db8:ffff::", 48, false, "2001:db8:ffff::/48" },
		{ "ffff::", 1, true, "8000::/1" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char buf[KEG_ADDR_STRLEN];
		struct keg_addr a;
		bool had;

		cr_assert_eq(keg_addr_parse(t[i].in, &a, NULL), 0);
		a.plen = (uint8_t)t[i].plen;
		had = keg_prefix_has_host_bits(&a);
		keg_prefix_mask(&a);
		cr_expect_str_eq(keg_prefix_str(&a, buf, sizeof(buf)), t[i].masked,
				 "%s/%d masked", t[i].in, t[i].plen);
		cr_expect_not(keg_prefix_has_host_bits(&a));
		cr_expect_eq(had, t[i].host_bits, "%s/%d: host bits", t[i].in, t[i].plen);
	}
}

/* IPv4 before IPv6, then by bytes, then by length. */
Test(addr, order)
{
	static const char *const sorted[] = {
		"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.1/32", "192.0.2.0/24",
		"::/0", "::1/128", "2001:db8::/32", "2001:db8::/48", "ff02::1/128",
	};
	struct keg_addr a[10];
	size_t n = sizeof(sorted) / sizeof(sorted[0]);

	for (size_t i = 0; i < n; i++)
		cr_assert_eq(keg_prefix_parse(sorted[i], &a[i], NULL), 0, "%s", sorted[i]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int c = keg_addr_cmp(&a[i], &a[j]);

			cr_expect_eq(c, (i > j) - (i < j), "cmp(%s, %s) = %d", sorted[i],
				     sorted[j], c);
			cr_expect_eq(keg_addr_qsort_cmp(&a[i], &a[j]), c);
		}
}

/* Issue 13 §3: what cannot be a customer or a proxied prefix, and why. */
Test(addr, special_addresses_refused)
{
	static const struct { const char *s, *why; } bad_customers[] = {
		{ "0.0.0.0", "unspecified" }, { "255.255.255.255", "broadcast" },
		{ "224.0.0.1", "multicast" }, { "127.0.0.1", "loopback" },
		{ "169.254.1.1", "link-local" }, { "::", "unspecified" },
		{ "::1", "loopback" }, { "ff02::1", "multicast" },
		{ "fe80::1", "link-local" }, { "::ffff:10.1.2.5", "IPv4-mapped" },
	};
	static const char *const good_customers[] = {
		"10.1.2.5", "192.0.2.255", "223.255.255.255", "2001:db8::5", "fec0::1", "::2",
	};
	static const struct { const char *s, *why; } bad_subnets[] = {
		{ "fe80::/64", "link-local" }, { "::/0", "covers" }, { "224.0.0.0/4", "multicast" },
		{ "127.0.0.0/8", "loopback" }, { "255.255.255.255/32", "broadcast" },
		{ "0.0.0.0/0", "covers" }, { "169.254.0.0/16", "link-local" },
		{ "ff00::/8", "multicast" }, { "::ffff:0.0.0.0/96", "IPv4-mapped" },
		{ "128.0.0.0/1", "covers" },
	};
	static const char *const good_subnets[] = {
		"10.0.0.0/8", "192.168.1.0/24", "2001:db8::/32", "fc00::/7", "1.0.0.0/8",
	};
	struct keg_addr a;
	struct keg_err e;

	for (size_t i = 0; i < sizeof(bad_customers) / sizeof(bad_customers[0]); i++) {
		memset(&e, 0, sizeof(e));
		cr_assert_eq(keg_addr_parse(bad_customers[i].s, &a, NULL), 0);
		cr_expect_eq(keg_customer_addr_check(&a, &e), -EINVAL, "customer %s accepted",
			     bad_customers[i].s);
		cr_expect(strstr(e.msg, bad_customers[i].why), "%s: \"%s\"", bad_customers[i].s,
			  e.msg);
	}
	for (size_t i = 0; i < sizeof(good_customers) / sizeof(good_customers[0]); i++) {
		cr_assert_eq(keg_addr_parse(good_customers[i], &a, NULL), 0);
		cr_expect_eq(keg_customer_addr_check(&a, NULL), 0, "customer %s refused",
			     good_customers[i]);
	}
	for (size_t i = 0; i < sizeof(bad_subnets) / sizeof(bad_subnets[0]); i++) {
		memset(&e, 0, sizeof(e));
		cr_assert_eq(keg_prefix_parse(bad_subnets[i].s, &a, NULL), 0, "%s", bad_subnets[i].s);
		cr_expect_eq(keg_subnet_prefix_check(&a, &e), -EINVAL, "subnet %s accepted",
			     bad_subnets[i].s);
		cr_expect(strstr(e.msg, bad_subnets[i].why), "%s: \"%s\"", bad_subnets[i].s, e.msg);
	}
	for (size_t i = 0; i < sizeof(good_subnets) / sizeof(good_subnets[0]); i++) {
		cr_assert_eq(keg_prefix_parse(good_subnets[i], &a, NULL), 0);
		cr_expect_eq(keg_subnet_prefix_check(&a, NULL), 0, "subnet %s refused",
			     good_subnets[i]);
	}
}
