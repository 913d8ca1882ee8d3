// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_prefixes.c - the proxied-prefix search (bpf/keg_subnets.h) and its
 * writer (user/lib/bpf/ifmaps.c): prefixes of several lengths, one inside
 * another, answered by the longest or a shorter one, found again after a
 * length is emptied, and keg_prefix_lens kept in step with the maps.
 * Each decision is read from keg_xdp's counters on a real ARP request or
 * NS (answered, or target outside every prefix). Last, the move of an
 * older keg's LPM tries into the maps (user/lib/bpf/oldprefixes.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include <linux/bpf.h>

#include "harness.h"
#include "ifmaps.h"
#include "oldprefixes.h"
#include "pktbuild.h"

#define KEG_MAC "02:6b:65:67:00:01"
#define H1_MAC  "02:00:00:00:00:07"
#define BCAST   "ff:ff:ff:ff:ff:ff"

static struct keg_env env;

static struct keg_ifmaps maps_of(const struct keg_env *e)
{
	return (struct keg_ifmaps){ .subnets4 = e->subnets4_fd,
				    .subnets6 = e->subnets6_fd,
				    .subnet_lens = e->subnet_lens_fd,
				    .customers4 = -1, .customers6 = -1,
				    .stats = -1, .config = -1 };
}

static struct keg_addr prefix(const char *s, int plen)
{
	struct keg_addr p = { .plen = (uint8_t)plen };

	p.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	cr_assert_eq(inet_pton(p.family, s, p.bytes), 1, "bad address %s", s);
	return p;
}

static int del(const char *s, int plen)
{
	struct keg_ifmaps m = maps_of(&env);
	struct keg_addr p = prefix(s, plen);

	return keg_subnet_delete(&m, &p, NULL);
}

static struct keg_subnet_lens lens(void)
{
	struct keg_subnet_lens l;
	__u32 zero = 0;

	cr_assert_eq(bpf_map_lookup_elem(env.subnet_lens_fd, &zero, &l), 0);
	return l;
}

/* The counter the frame moved among the two that tell found from not. */
static const char *decide(struct pkt *p, enum keg_stat yes, enum keg_stat no)
{
	struct xdp_run *r = malloc(sizeof(*r));
	struct keg_stats s;
	const char *what;

	cr_assert_not_null(r);
	stats_reset(&env);
	cr_assert_eq(xdp_run(env.xdp_fd, p->data, p->len, r), 0);
	free(r);
	stats_read(&env, &s);
	what = stat_val(&s, yes) == 1 ? "answered" :
	       stat_val(&s, no) == 1 ? "outside" : "other";
	return what;
}

/* An ARP request; tests keep the sender inside the target's prefix so
 * that only the target decides. */
static const char *arp(const char *sender, const char *target)
{
	struct pkt p;

	pb_init(&p);
	pb_eth(&p, BCAST, H1_MAC, PB_AUTO);
	pb_arp(&p, &(struct pb_arp){ .op = 1, .sha = H1_MAC, .spa = sender,
				     .tpa = target });
	pb_fill(&p, 18, 0);
	pb_finish(&p);
	return decide(&p, KEG_STAT_arp_replied, KEG_STAT_arp_target_outside);
}

/* A DAD probe (source ::): only the target's prefix decides. */
static const char *ns(const char *target)
{
	struct pkt p;

	pb_init(&p);
	pb_eth(&p, "33:33:ff:00:00:01", H1_MAC, PB_AUTO);
	pb_ipv6(&p, &(struct pb_ip6){ .src = "::", .dst = "ff02::1:ff00:1", .hlim = 255 });
	pb_ns(&p, target, NULL);
	pb_finish(&p);
	return decide(&p, KEG_STAT_ns_replied, KEG_STAT_ns_target_outside);
}

static void setup(void)
{
	keg_env_open(&env);
	keg_env_config(&env, KEG_MAC, KEG_CFG_PROXY_ARP | KEG_CFG_PROXY_NDP);
}

static void teardown(void)
{
	keg_env_close(&env);
}

TestSuite(prefixes, .init = setup, .fini = teardown);

Test(prefixes, ipv4_lengths_longest_first_and_emptied)
{
	struct keg_subnet_lens l;

	keg_env_add_subnet(&env, "10.0.0.0/8");
	keg_env_add_subnet(&env, "10.1.0.0/16");
	keg_env_add_subnet(&env, "10.1.2.0/24");
	keg_env_add_subnet(&env, "10.1.3.0/24");
	keg_env_add_subnet(&env, "192.0.2.130/32");
	l = lens();
	cr_expect_eq(l.used4, (1ULL << 8) | (1ULL << 16) | (1ULL << 24) | (1ULL << 32));
	cr_expect_eq(l.count4[24], 2);
	cr_expect_eq(l.count4[8], 1);

	/* The /24 answers; the /16 and /8 after misses at longer lengths. */
	cr_expect_str_eq(arp("10.1.2.5", "10.1.2.77"), "answered");
	cr_expect_str_eq(arp("10.1.9.5", "10.1.9.77"), "answered");
	cr_expect_str_eq(arp("10.9.9.5", "10.9.9.77"), "answered");
	cr_expect_str_eq(arp("0.0.0.0", "192.0.2.130"), "answered");	/* a probe */
	cr_expect_str_eq(arp("192.0.2.5", "192.0.2.131"), "outside");
	cr_expect_str_eq(arp("11.0.0.5", "11.0.0.77"), "outside");

	/* One of two /24s gone: the length stays, the other still answers;
	 * the address falls back to the /16. */
	cr_assert_eq(del("10.1.2.0", 24), 0);
	l = lens();
	cr_expect_eq(l.count4[24], 1);
	cr_expect(l.used4 & (1ULL << 24));
	cr_expect_str_eq(arp("10.1.3.5", "10.1.3.77"), "answered");
	cr_expect_str_eq(arp("10.1.2.5", "10.1.2.77"), "answered");

	/* The /16 and /8 gone: 10.1.2.x is outside, the length bits clear. */
	cr_assert_eq(del("10.1.0.0", 16), 0);
	cr_assert_eq(del("10.0.0.0", 8), 0);
	l = lens();
	cr_expect_eq(l.used4, (1ULL << 24) | (1ULL << 32));
	cr_expect_eq(l.count4[16], 0);
	cr_expect_str_eq(arp("10.1.2.5", "10.1.2.77"), "outside");
	cr_expect_str_eq(arp("10.1.3.5", "10.1.3.77"), "answered");

	/* Deleting what is not there changes nothing. */
	cr_expect_eq(del("10.0.0.0", 8), -ENOENT);
	cr_expect_eq(lens().count4[8], 0);
}

/* Host bits given to the writer are cleared: the prefix is found. */
Test(prefixes, host_bits_cleared_by_the_writer)
{
	keg_env_add_subnet(&env, "10.7.7.7/16");
	cr_expect_str_eq(arp("10.7.1.5", "10.7.200.1"), "answered");
	cr_expect_eq(del("10.7.0.0", 16), 0);
	cr_expect_eq(lens().used4, 0);
}

Test(prefixes, ipv6_lengths_across_words)
{
	struct keg_subnet_lens l;

	keg_env_add_subnet(&env, "2001:db8::/32");
	keg_env_add_subnet(&env, "2001:db8:1:2::/64");
	keg_env_add_subnet(&env, "2001:db8:1:2:3::/80");
	keg_env_add_subnet(&env, "2001:db8:9::5/128");
	l = lens();
	cr_expect_eq(l.used6[0], 1ULL << 32);
	cr_expect_eq(l.used6[1], (1ULL << 0) | (1ULL << 16));
	cr_expect_eq(l.used6[2], 1ULL);

	cr_expect_str_eq(ns("2001:db8:1:2:3::9"), "answered");	/* /80 */
	cr_expect_str_eq(ns("2001:db8:1:2:4::9"), "answered");	/* /64 */
	cr_expect_str_eq(ns("2001:db8:7::9"), "answered");	/* /32 */
	cr_expect_str_eq(ns("2001:db8:9::5"), "answered");	/* /128 */
	cr_expect_str_eq(ns("2001:db9::9"), "outside");

	cr_assert_eq(del("2001:db8::", 32), 0);
	cr_expect_eq(lens().used6[0], 0);
	cr_expect_str_eq(ns("2001:db8:7::9"), "outside");
	cr_expect_str_eq(ns("2001:db8:1:2:4::9"), "answered");
}

/* An LPM trie as a keg before issue 12 pinned it (keg_subnets4/6). */
static int old_trie(__u32 key_size)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	int fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "keg_subnets", key_size,
				sizeof(struct keg_subnet), 16, &o);

	cr_assert_geq(fd, 0, "creating an LPM trie: %s", strerror(errno));
	return fd;
}

static void old_add(int fd, const char *s, int plen)
{
	struct keg_addr p = prefix(s, plen);
	struct keg_subnet v = { .prefixlen = (__u32)plen };
	struct keg_subnet6_key k = { .prefixlen = (__u32)plen };	/* v4's layout too */

	memcpy(k.addr, p.bytes, p.family == AF_INET ? 4 : 16);
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
}

/* Every old entry lands in the new maps with its length counted; one the
 * new maps had already is kept and not counted twice; undoing the move
 * takes out exactly what it put in. */
Test(prefixes, old_tries_moved_and_undone)
{
	struct keg_ifmaps m = maps_of(&env);
	struct keg_old_prefixes o = { .fd4 = old_trie(sizeof(struct keg_subnet4_key)),
				      .fd6 = old_trie(sizeof(struct keg_subnet6_key)) };
	struct keg_err err = { 0 };
	struct keg_subnet_lens l;
	int ret;

	old_add(o.fd4, "10.1.0.0", 16);
	old_add(o.fd4, "192.0.2.0", 24);
	old_add(o.fd6, "2001:db8::", 32);
	keg_env_add_subnet(&env, "192.0.2.0/24");
	cr_expect_str_eq(arp("10.1.2.5", "10.1.2.77"), "outside");

	ret = keg_old_prefixes_copy(&o, &m, &err);
	cr_assert_eq(ret, 0, "copy: %d %s", ret, err.msg);
	cr_expect_eq(o.n_moved, 2);
	cr_expect_eq(o.n_kept, 1);
	l = lens();
	cr_expect_eq(l.count4[16], 1);
	cr_expect_eq(l.count4[24], 1);
	cr_expect_eq(l.used6[0], 1ULL << 32);
	cr_expect_str_eq(arp("10.1.2.5", "10.1.2.77"), "answered");
	cr_expect_str_eq(arp("192.0.2.5", "192.0.2.77"), "answered");
	cr_expect_str_eq(ns("2001:db8:7::9"), "answered");

	cr_assert_eq(keg_old_prefixes_uncopy(&o, &m), 0);
	l = lens();
	cr_expect_eq(l.count4[16], 0);
	cr_expect_eq(l.count4[24], 1);	/* the one that was there before */
	cr_expect_eq(l.used6[0], 0);
	cr_expect_str_eq(arp("10.1.2.5", "10.1.2.77"), "outside");
	cr_expect_str_eq(arp("192.0.2.5", "192.0.2.77"), "answered");
	cr_expect_str_eq(ns("2001:db8:7::9"), "outside");
	keg_old_prefixes_close(&o);
}
