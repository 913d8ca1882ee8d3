// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_config.c - the `kegctl apply` file parser (user/lib/base/config.h):
 * a table of files that must be refused, with the line and message, and
 * files that must parse, with what they must give.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "config.h"
#include "keg_site.h"

/* A literal and its length (it may hold a NUL). */
#define TXT(s) s, sizeof(s) - 1

struct bad_case {
	const char *name, *text;
	size_t len;
	unsigned int line;
	const char *msg;	/* substring of the message */
};

static const struct bad_case bad[] = {
	{ "unknown keyword", TXT("interface a\nsubnett 10.0.0.0/8\n"), 2,
	  "unknown keyword 'subnett'" },
	{ "too many arguments", TXT("interface a b\n"), 1, "usage: interface NAME" },
	{ "missing argument", TXT("interface a\n  customer\n"), 2, "usage: customer ADDR" },
	{ "subnet before any interface", TXT("# x\nsubnet 10.0.0.0/8\n"), 2,
	  "'subnet' outside an interface block" },
	{ "customer before any interface", TXT("customer 10.0.0.1\n"), 1,
	  "'customer' outside an interface block" },
	{ "interface name with a slash", TXT("interface a/b\n"), 1,
	  "a/b: not a valid interface name" },
	{ "interface name too long", TXT("interface abcdefghijklmnop\n"), 1,
	  "not a valid interface name" },
	{ "interface name ..", TXT("interface ..\n"), 1, "not a valid interface name" },
	{ "interface twice", TXT("interface a\ninterface b\ninterface a\n"), 3,
	  "interface a already declared at line 1" },
	{ "subnet with host bits", TXT("interface a\nsubnet 10.1.2.5/24\n"), 2,
	  "did you mean 10.1.2.0/24?" },
	{ "subnet without length", TXT("interface a\nsubnet 10.1.2.0\n"), 2,
	  "missing prefix length" },
	{ "customer as a prefix", TXT("interface a\ncustomer 10.1.2.0/24\n"), 2,
	  "a prefix, not a single address" },
	{ "customer not an address", TXT("interface a\ncustomer 10.1.2.300\n"), 2,
	  "10.1.2.300: not an IPv4 or IPv6 address" },
	{ "duplicate subnet", TXT("interface a\nsubnet 10.0.0.0/8\n\nsubnet 10.0.0.0/8\n"), 4,
	  "duplicate subnet 10.0.0.0/8 (already at line 2)" },
	{ "duplicate customer, /128 spelled out",
	  TXT("interface a\ncustomer 2001:db8::1\ncustomer 2001:db8::1/128\n"), 3,
	  "duplicate customer 2001:db8::1 (already at line 2)" },
	{ "customer under two interfaces",
	  TXT("interface a\ncustomer 10.0.0.1\ninterface b\ncustomer 10.0.0.1\n"), 4,
	  "customer 10.0.0.1 is already under interface a (line 2)" },
	/* The duplicate at line 3 comes before the bad keyword at line 4. */
	{ "lowest line wins",
	  TXT("interface a\nsubnet 10.0.0.0/8\nsubnet 10.0.0.0/8\nbogus\n"), 3,
	  "duplicate subnet" },
	{ "NUL byte", TXT("interface a\nsub\0net 10.0.0.0/8\n"), 2, "NUL byte" },
	{ "limits without a value", TXT("limits tcp\n"), 1, "usage: limits [tcp N]" },
	{ "limits, a value missing", TXT("limits tcp 5 udp\n"), 1, "'udp' needs a value" },
	{ "limits, unknown kind", TXT("limits tcp 5 icmp 3\n"), 1,
	  "'icmp': expected tcp, udp or total" },
	{ "limits, kind twice", TXT("limits tcp 5 tcp 6\n"), 1, "'tcp' given twice" },
	{ "limits, negative", TXT("limits udp -1\n"), 1, "udp: '-1': not a number of flows" },
	{ "limits, over 1,000,000", TXT("limits total 1000001\n"), 1, "not a number of flows" },
	{ "limits, not a number", TXT("limits tcp 12k\n"), 1, "'12k'" },
	{ "limits, overflowing", TXT("limits tcp 99999999999999999999999\n"), 1,
	  "not a number of flows" },
	{ "limits, empty hex", TXT("limits tcp 0x10\n"), 1, "'0x10'" },
	{ "limits, too many words", TXT("limits tcp 1 udp 2 total 3 tcp\n"), 1, "usage: limits" },
	{ "proxy outside an interface", TXT("proxy B 10.1.1.200 10.2.0.9\n"), 1,
	  "'proxy' outside an interface block" },
	{ "proxy without a destination", TXT("interface a\nproxy B 10.1.1.200\n"), 2,
	  "usage: proxy SITE LOCAL[:PORT] REMOTE[:PORT]" },
	{ "proxy, too many words", TXT("interface a\nproxy B 10.1.1.200 10.2.0.9 tcp x\n"), 2,
	  "usage: proxy" },
	{ "proxy of a prefix", TXT("interface a\nproxy B 10.1.1.0/24 10.2.0.9\n"), 2,
	  "--proxy: 10.1.1.0/24: a prefix" },
	{ "proxy of ICMP", TXT("interface a\nproxy B 10.1.1.200 10.2.0.9 icmp\n"), 2, "not ICMP" },
	{ "proxy, a port range", TXT("interface a\nproxy B 10.1.1.200:1-9 10.2.0.9:80\n"), 2,
	  "one port" },
	{ "proxy address twice",
	  TXT("interface a\nproxy B 10.1.1.200:80 10.2.0.9:80\nproxy C 10.1.1.200 10.3.0.9\n"), 3,
	  "proxy 10.1.1.200 already at line 2" },
	{ "limits twice", TXT("limits tcp 1\ninterface a\nlimits udp 2\n"), 3,
	  "limits given twice (first at line 1)" },
};


Test(config, refused)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_case *c = &bad[i];
		struct keg_conf conf;
		struct keg_err err;
		int ret;

		ret = keg_conf_parse_buf(c->text, c->len, &conf, &err);
		cr_expect_eq(ret, -EINVAL, "%s: returned %d", c->name, ret);
		cr_expect_eq(err.line, c->line, "%s: line %u, want %u (%s)", c->name, err.line,
			     c->line, err.msg);
		cr_expect(strstr(err.msg, c->msg), "%s: message \"%s\", want \"%s\" in it",
			  c->name, err.msg, c->msg);
		cr_expect(conf.n_ifaces == 0 && !conf.ifaces, "%s: config not empty", c->name);
	}
}

static const char good[] =
	"# keg config\n"
	"interface keg1   # the first\n"
	"\tsubnet 2001:db8:1::/48\n"
	"\tsubnet 10.1.0.0/16\r\n"
	"   customer 10.1.2.5/32\n"
	"\tcustomer 2001:db8:1::5\n"
	"\tcustomer 10.1.0.9\n"
	"\n"
	"interface keg2\n"
	"interface eth0.100\n"
	"subnet 10.1.0.0/16\n"	/* the same prefix on another interface is fine */
	"customer 10.1.0.10";	/* no newline at the end */

static void expect_list(const struct keg_conf_list *l, const char *const *want,
			const unsigned int *lines, size_t n, const char *what)
{
	char buf[KEG_ADDR_STRLEN];

	cr_assert_eq(l->n, n, "%s: %zu entries, want %zu", what, l->n, n);
	for (size_t i = 0; i < n; i++) {
		cr_expect_str_eq(keg_prefix_str(&l->v[i].addr, buf, sizeof(buf)), want[i],
				 "%s[%zu]", what, i);
		cr_expect_eq(l->v[i].line, lines[i], "%s[%zu] line", what, i);
	}
}

Test(config, parsed)
{
	struct keg_conf conf;
	struct keg_err err;
	const struct keg_conf_iface *k1, *k2, *e0;

	cr_assert_eq(keg_conf_parse_buf(good, strlen(good), &conf, &err), 0, "%u: %s",
		     err.line, err.msg);
	cr_assert_eq(conf.n_ifaces, 3);
	cr_expect_str_eq(conf.ifaces[0].name, "keg1");	/* file order */
	cr_expect_str_eq(conf.ifaces[1].name, "keg2");
	cr_expect_str_eq(conf.ifaces[2].name, "eth0.100");
	k1 = keg_conf_find(&conf, "keg1");
	k2 = keg_conf_find(&conf, "keg2");
	e0 = keg_conf_find(&conf, "eth0.100");
	cr_assert(k1 && k2 && e0);
	cr_expect_null(keg_conf_find(&conf, "keg3"));
	cr_expect_eq(k1->line, 2);
	cr_expect_eq(e0->line, 10);

	/* Sorted: IPv4 before IPv6, then by address. */
	expect_list(&k1->subnets, (const char *[]){ "10.1.0.0/16", "2001:db8:1::/48" },
		    (const unsigned int[]){ 4, 3 }, 2, "keg1 subnets");
	expect_list(&k1->customers,
		    (const char *[]){ "10.1.0.9/32", "10.1.2.5/32", "2001:db8:1::5/128" },
		    (const unsigned int[]){ 7, 5, 6 }, 3, "keg1 customers");
	cr_expect_eq(k2->subnets.n + k2->customers.n, 0, "keg2 is empty");
	expect_list(&e0->subnets, (const char *[]){ "10.1.0.0/16" },
		    (const unsigned int[]){ 11 }, 1, "eth0.100 subnets");
	expect_list(&e0->customers, (const char *[]){ "10.1.0.10/32" },
		    (const unsigned int[]){ 12 }, 1, "eth0.100 customers");
	keg_conf_free(&conf);
	cr_expect_eq(conf.n_ifaces, 0);
}

Test(config, limits)
{
	static const char text[] = "interface a\nlimits udp none tcp 100  # anywhere\n";
	struct keg_conf conf;
	struct keg_err err;

	cr_assert_eq(keg_conf_parse_buf(text, strlen(text), &conf, &err), 0, "%s", err.msg);
	cr_expect_eq(conf.limits.line, 2);
	cr_expect_eq(conf.limits.tcp, 100);
	cr_expect_eq(conf.limits.udp, 0);
	/* Not given: the default, so the line is the whole setting. */
	cr_expect_eq(conf.limits.total, KEG_LIMITS_TOTAL_DEFAULT);
	keg_conf_free(&conf);

	cr_assert_eq(keg_conf_parse_buf(TXT("limits total 0 tcp 1000000\n"), &conf, &err), 0);
	cr_expect_eq(conf.limits.total, 0);
	cr_expect_eq(conf.limits.tcp, 1000000);
	keg_conf_free(&conf);

	cr_assert_eq(keg_conf_parse_buf(TXT("interface a\n"), &conf, &err), 0);
	cr_expect_eq(conf.limits.line, 0, "no limits line: the limits are left alone");
	keg_conf_free(&conf);
}

Test(config, proxies)
{
	static const char text[] = "interface a\n"
				   "proxy B 10.1.1.200:8080 10.2.0.9:80\n"
				   "proxy hq [2001:db8:1::200]:443 [2001:db8:2::9]:8443 tcp\n"
				   "interface b\n"
				   "proxy B 10.1.1.200 10.2.0.9\n";	/* another LAN: fine */
	const struct keg_conf_iface *a, *b;
	struct keg_conf conf;
	struct keg_err err;
	char buf[256];

	cr_assert_eq(keg_conf_parse_buf(text, strlen(text), &conf, &err), 0, "%s", err.msg);
	a = keg_conf_find(&conf, "a");
	b = keg_conf_find(&conf, "b");
	cr_assert(a && b);
	cr_assert_eq(a->proxies.n, 2);
	cr_expect_eq(a->proxies.v[0].line, 2);
	cr_expect_str_eq(keg_proxy_spec_str(&a->proxies.v[0].spec, buf, sizeof(buf)),
			 "--site B --proxy 10.1.1.200:8080 --dest 10.2.0.9:80 --proto tcp,udp");
	cr_expect_str_eq(keg_proxy_spec_str(&a->proxies.v[1].spec, buf, sizeof(buf)),
			 "--site hq --proxy [2001:db8:1::200]:443 --dest [2001:db8:2::9]:8443 --proto tcp");
	cr_assert_eq(b->proxies.n, 1);
	keg_conf_free(&conf);
}

Test(config, empty_and_comments_only)
{
	static const char *const texts[] = { "", "\n\n", "# nothing\n   # at all\n", "\t \n" };
	struct keg_conf conf;
	struct keg_err err;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		cr_expect_eq(keg_conf_parse_buf(texts[i], strlen(texts[i]), &conf, &err), 0,
			     "text %zu: %s", i, err.msg);
		cr_expect_eq(conf.n_ifaces, 0);
		keg_conf_free(&conf);
	}
}

Test(config, from_file)
{
	struct keg_conf conf;
	struct keg_err err;
	FILE *f = fmemopen((void *)good, strlen(good), "r");

	cr_assert_not_null(f);
	cr_expect_eq(keg_conf_parse_file(f, &conf, &err), 0, "%s", err.msg);
	cr_expect_eq(conf.n_ifaces, 3);
	fclose(f);
	keg_conf_free(&conf);
}

/* Many entries: the lists grow past their first allocation. */
Test(config, large)
{
	static char text[200000];
	struct keg_conf conf;
	struct keg_err err;
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "interface big\n");
	for (int i = 0; i < 5000; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "customer 10.%d.%d.%d\n",
				      i >> 16, (i >> 8) & 255, i & 255);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "subnet 10.0.0.0/8\n");
	cr_assert_eq(keg_conf_parse_buf(text, n, &conf, &err), 0, "%s", err.msg);
	cr_expect_eq(conf.ifaces[0].customers.n, 5000);
	for (size_t i = 1; i < conf.ifaces[0].customers.n; i++)
		cr_assert_lt(keg_addr_cmp(&conf.ifaces[0].customers.v[i - 1].addr,
					  &conf.ifaces[0].customers.v[i].addr), 0);
	keg_conf_free(&conf);
}

/* The line limit at its boundary: a line of exactly KEG_CONF_LINE_MAX bytes
 * (besides its newline) parses, one byte more is refused with -EFBIG on its
 * line; a last line without a newline counts the same. */
Test(config, line_limit)
{
	size_t n = KEG_CONF_LINE_MAX + 64;
	char *buf = malloc(n + 32);
	struct keg_conf conf;
	struct keg_err err = { 0 };
	size_t len;

	cr_assert(buf);
	len = (size_t)snprintf(buf, n + 32, "# ok\n#");
	memset(buf + len, 'x', KEG_CONF_LINE_MAX - 1);	/* '#' + x...: the limit */
	len += KEG_CONF_LINE_MAX - 1;
	buf[len++] = '\n';
	cr_assert_eq(keg_conf_parse_buf(buf, len, &conf, &err), 0, "%s", err.msg);
	keg_conf_free(&conf);

	buf[len - 1] = 'x';	/* the same line, one byte longer */
	buf[len++] = '\n';
	cr_assert_eq(keg_conf_parse_buf(buf, len, &conf, &err), -EFBIG);
	cr_assert_eq(err.line, 2);
	cr_assert(strstr(err.msg, "4096"), "%s", err.msg);

	len--;			/* no newline at the end: still too long */
	cr_assert_eq(keg_conf_parse_buf(buf, len, &conf, &err), -EFBIG);
	free(buf);
}
