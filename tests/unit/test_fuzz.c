// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_fuzz.c - random and mutated frames through keg_xdp and the parser.
 *
 * At least KEG_FUZZ_ITERS (default 100,000) frames per run: mutations of
 * the golden packets and of answerable ARP requests / NS (bit flips, byte
 * and word sets, truncation, extension, insertion, deletion, splicing;
 * NS checksums often repaired so the mutation reaches the proxy logic) and
 * plain random frames. Seeded PRNG; the seed is printed and can be forced
 * with KEG_FUZZ_SEED to replay a failure. For every frame:
 *
 *  - keg_xdp returns XDP_PASS or XDP_TX, never XDP_ABORTED or XDP_DROP;
 *  - it answers (XDP_TX) exactly when the independent model in ref_proxy.c
 *    says the frame is a valid ARP request / NS keg must answer, and the
 *    answer is byte-identical to the model's; a passed frame is unchanged;
 *  - the counters move consistently: one rx_packet, at most one error
 *    counter, the same error the parser reports, one *_replied per answer;
 *  - the parse result is sane (offsets inside the frame, depth, tags and
 *    tunnel types in range).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "golden.h"
#include "harness.h"
#include "pktbuild.h"
#include "ref_proxy.h"

#define MAX_FAILURES 10		/* frames reported before giving up */
#define FRAME_MAX    1600

/* ---- PRNG (splitmix64) ------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

/* ---- seeds ----------------------------------------------------------------- */

struct seed {
	uint8_t data[FRAME_MAX];
	size_t len;
};

static struct seed seeds[128];
static int nseeds, first_proxy_seed;

static void add_seed(const struct pkt *p)
{
	cr_assert_lt(nseeds, 128);
	cr_assert_leq(p->len, FRAME_MAX);
	memcpy(seeds[nseeds].data, p->data, p->len);
	seeds[nseeds++].len = p->len;
}

static void seed_arp(int tags, const char *spa, const char *tpa, size_t pad)
{
	struct pkt p;

	pb_init(&p);
	pb_eth(&p, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", PB_AUTO);
	for (int i = 0; i < tags; i++)
		pb_vlan(&p, i ? 0x8100 : 0x88a8, (uint16_t)(100 + i));
	pb_arp(&p, &(struct pb_arp){ .op = 1, .sha = "02:00:00:00:00:0a", .spa = spa,
				     .tpa = tpa });
	pb_fill(&p, pad, 0);
	pb_finish(&p);
	add_seed(&p);
}

static void seed_ns(int tags, const char *src, const char *dst, const char *target,
		    const char *sll)
{
	struct pkt p;

	pb_init(&p);
	pb_eth(&p, "33:33:ff:00:00:99", "02:00:00:00:00:0a", PB_AUTO);
	for (int i = 0; i < tags; i++)
		pb_vlan(&p, 0x8100, (uint16_t)(7 + i));
	pb_ipv6(&p, &(struct pb_ip6){ .src = src, .dst = dst, .hlim = 255 });
	pb_ns(&p, target, sll);
	pb_finish(&p);
	add_seed(&p);
}

static void load_seeds(void)
{
	struct keg_parse_result want;
	struct pkt p;
	int nreq;

	for (int i = 0; i < n_goldens; i++) {
		golden_build(&goldens[i], &p, &want, &nreq);
		add_seed(&p);
	}
	/* Answerable in the world of ref_proxy.c, and near misses. */
	first_proxy_seed = nseeds;
	seed_arp(0, "10.1.2.7", "10.1.9.9", 18);
	seed_arp(0, "0.0.0.0", "192.0.2.1", 0);
	seed_arp(1, "192.0.2.3", "10.1.0.1", 14);
	seed_arp(2, "10.1.2.7", "192.0.2.4", 10);
	seed_arp(0, "10.1.2.7", "10.1.2.5", 18);
	seed_ns(0, "2001:db8:1::7", "ff02::1:ff00:99", "2001:db8:1::99", "02:00:00:00:00:0a");
	seed_ns(0, "fe80::1", "ff02::1:ff00:99", "2001:db8:1::99", NULL);
	seed_ns(0, "::", "ff02::1:ff00:99", "2001:db8:1::99", NULL);
	seed_ns(1, "2001:db8:abcd:12::7", "2001:db8:abcd:12::9", "2001:db8:abcd:12::9",
		"02:00:00:00:00:0a");
	seed_ns(2, "::", "ff02::1:ff00:1", "2001:db8:1::1", NULL);
	seed_ns(0, "2001:db8:1::7", "ff02::1:ff00:5", "2001:db8:1::5", NULL);
}

/* ---- mutations -------------------------------------------------------------- */

static const uint8_t interesting8[] = { 0x00, 0x01, 0x04, 0x05, 0x06, 0x0f, 0x11, 0x29,
					0x2b, 0x2c, 0x2f, 0x3a, 0x3c, 0x40, 0x45, 0x60,
					0x7f, 0x80, 0x87, 0xfe, 0xff };
static const uint16_t interesting16[] = { 0x0000, 0x0001, 0x0800, 0x86dd, 0x0806, 0x8100,
					  0x88a8, 0x6558, 4789, 6081, 0x2000, 0x1fff,
					  0x4000, 0x8000, 0xb000, 0x7fff, 0xffff };

static void put16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)(v >> 8);
	b[off + 1] = (uint8_t)v;
}

/* Offsets in the headers are where the parser's decisions are. */
static size_t pick_off(size_t len)
{
	return below(4) ? below(len < 128 ? len : 128) : below(len);
}

static void mutate_once(uint8_t *b, size_t *len)
{
	size_t n = *len, off = pick_off(n), k;
	const struct seed *s;

	switch (below(9)) {
	case 0:
		b[off] ^= (uint8_t)(1u << below(8));
		break;
	case 1:
		b[off] = interesting8[below(sizeof(interesting8))];
		break;
	case 2:
		if (off + 2 <= n)
			put16(b, off, interesting16[below(sizeof(interesting16) / 2)]);
		break;
	case 3:
		b[off] = (uint8_t)rnd();
		break;
	case 4:			/* truncate */
		*len = 14 + below(n - 14 + 1);
		break;
	case 5:			/* extend */
		k = 1 + below(64);
		if (n + k > FRAME_MAX)
			break;
		for (size_t i = 0; i < k; i++)
			b[n + i] = (uint8_t)rnd();
		*len = n + k;
		break;
	case 6:			/* insert */
		k = 1 + below(16);
		if (n + k > FRAME_MAX)
			break;
		memmove(b + off + k, b + off, n - off);
		for (size_t i = 0; i < k; i++)
			b[off + i] = (uint8_t)rnd();
		*len = n + k;
		break;
	case 7:			/* delete */
		k = 1 + below(16);
		if (off + k > n || n - k < 14)
			break;
		memmove(b + off, b + off + k, n - off - k);
		*len = n - k;
		break;
	case 8:			/* splice in a piece of another seed */
		s = &seeds[below((size_t)nseeds)];
		k = 1 + below(40);
		if (k > s->len)
			k = s->len;
		if (off + k > n)
			k = n - off;
		memcpy(b + off, s->data + below(s->len - k + 1), k);
		break;
	}
}

/* Where an NS would start: after Ethernet and up to two tags, behind an
 * IPv6 header with next header ICMPv6. 0 when the frame is not shaped so. */
static size_t ns_offset(const uint8_t *b, size_t len)
{
	size_t l3 = 14;
	uint16_t type = (uint16_t)(b[12] << 8 | b[13]);

	for (int tags = 0; (type == 0x8100 || type == 0x88a8) && tags < 2; tags++) {
		if (len < l3 + 4)
			return 0;
		type = (uint16_t)(b[l3 + 2] << 8 | b[l3 + 3]);
		l3 += 4;
	}
	if (type != 0x86DD || len < l3 + 48 || b[l3 + 6] != 58)
		return 0;
	return l3;
}

/* Make a mutated NS pass its checksum (sometimes also its length), so that
 * mutations get past the checksum to the checks behind it. */
static void repair_ns(uint8_t *b, size_t len)
{
	size_t l3 = ns_offset(b, len), plen, avail;
	uint8_t *ip = b + l3, *m = ip + 40;
	uint32_t sum;

	if (!l3)
		return;
	avail = len - l3 - 40;
	if (below(4) == 0)
		put16(ip, 4, (uint16_t)avail);
	plen = (size_t)(ip[4] << 8 | ip[5]);
	if (plen > avail)
		return;
	m[2] = m[3] = 0;
	sum = pb_csum_add(ip + 8, 32, 0);
	sum += (uint32_t)plen + 58;
	put16(m, 2, pb_csum(m, plen, sum));
}

static void make_frame(uint8_t *b, size_t *len)
{
	const struct seed *s;
	int rounds;

	if (below(8) == 0) {		/* random, often with a known ethertype */
		*len = 14 + below(200);
		for (size_t i = 0; i < *len; i++)
			b[i] = (uint8_t)rnd();
		if (below(4))
			put16(b, 12, interesting16[2 + below(6)]);	/* 0x0800..0x6558 */
		return;
	}
	/* A third of the mutations start from an ARP request or NS. */
	if (below(3))
		s = &seeds[below((size_t)nseeds)];
	else
		s = &seeds[first_proxy_seed + (int)below((size_t)(nseeds - first_proxy_seed))];
	memcpy(b, s->data, s->len);
	*len = s->len;
	for (rounds = 1 + (int)below(4); rounds > 0; rounds--)
		mutate_once(b, len);
	if (below(2))
		repair_ns(b, *len);
}

/* ---- checks ----------------------------------------------------------------- */

static void hexdump(const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", b[i], i % 32 == 31 ? "\n" : " ");
	fprintf(stderr, "\n");
}

/* Problems of a parse result, or NULL. */
static const char *bad_result(const struct keg_parse_result *r, size_t len)
{
	const struct keg_l3l4 *l[2] = { &r->outer, &r->inner };

	if (r->error && !stat_is_error(r->error))
		return "error is not an err_* counter";
	if (r->depth > KEG_MAX_TUN_DEPTH || r->vlan_count > KEG_MAX_VLANS)
		return "depth or vlan_count out of range";
	for (int i = 0; i < KEG_MAX_TUN_DEPTH; i++)
		if (r->tun[i] >= KEG_TUN__MAX || (i < r->depth) != (r->tun[i] != 0))
			return "tun[] does not match depth";
	if (r->l3_off > len)
		return "l3_off beyond the frame";
	for (int i = 0; i < 2; i++) {
		if (l[i]->family != 0 && l[i]->family != 4 && l[i]->family != 6)
			return "bad family";
		if (l[i]->frag > KEG_FRAG_LATER)
			return "bad frag";
		if (!l[i]->family)
			continue;
		if (l[i]->l3_off + (l[i]->family == 4 ? 20u : 40u) > len)
			return "IP header beyond the frame";
		if (l[i]->l4_off && (l[i]->l4_off <= l[i]->l3_off || l[i]->l4_off + 8u > len))
			return "L4 header beyond the frame";
		if (l[i]->frag == KEG_FRAG_LATER && l[i]->l4_off)
			return "L4 parsed in a later fragment";
	}
	if (r->outer.family && r->outer.l3_off != r->l3_off)
		return "outer.l3_off != l3_off";
	if (r->depth && r->inner.family && r->inner.l3_off <= r->outer.l3_off)
		return "inner header not behind the outer one";
	if (!r->depth && memcmp(&r->inner, &r->outer, sizeof(r->inner)))
		return "inner != outer without a tunnel";
	return NULL;
}

/* The same frame through keg_tc_reply (the tc ingress reply path, with
 * KEG_CFG_REPLY_TC): the model's answer byte for byte with TC_ACT_REDIRECT,
 * or the frame untouched with TC_ACT_UNSPEC. NULL when it agrees, or when
 * the kernel builds no test skb of the frame (its network header is cut). */
static const char *tc_reply_problem(struct keg_env *e, const uint8_t *frame, size_t len,
				    uint32_t want, const uint8_t *ref, size_t ref_len,
				    struct xdp_run *r, long *runs)
{
	int err = xdp_run(e->tc_reply_fd, frame, len, r);

	if (err == -EINVAL)
		return NULL;
	if (err)
		return "tc path: test run failed";
	(*runs)++;
	if (want == XDP_TX) {
		if (r->retval != TC_ACT_REDIRECT)
			return "tc path: valid request not answered";
		if (r->out_len != ref_len || memcmp(r->out, ref, ref_len))
			return "tc path: reply differs from the model's";
		return NULL;
	}
	if ((int)r->retval != TC_ACT_UNSPEC)
		return "tc path: answered a frame that is no valid request";
	if (r->out_len != len || memcmp(r->out, frame, len))
		return "tc path: passed frame was modified";
	return NULL;
}

Test(fuzz, random_and_mutated_frames, .timeout = 240)
{
	static uint8_t frame[FRAME_MAX], ref[FRAME_MAX + 128];
	struct keg_stats before, after;
	struct keg_parse_result res;
	struct probe_env probe;
	struct keg_env env, tcenv;
	struct xdp_run *r = malloc(sizeof(*r)), *rt = malloc(sizeof(*rt));
	const char *env_seed = getenv("KEG_FUZZ_SEED"), *env_iters = getenv("KEG_FUZZ_ITERS");
	unsigned long long seed = env_seed ? strtoull(env_seed, NULL, 0) :
				  (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
	long iters = env_iters ? atol(env_iters) : 100000;
	long tx = 0, failures = 0, depth[KEG_MAX_TUN_DEPTH + 1] = { 0 }, tc_runs = 0, tc_tx = 0;
	long errors[KEG_STAT__MAX] = { 0 };
	uint32_t flags = KEG_CFG_PROXY_ARP | KEG_CFG_PROXY_NDP;

	cr_assert(r && rt);
	fprintf(stderr, "fuzz: %ld frames, seed %llu (replay: KEG_FUZZ_SEED=%llu)\n",
		iters, seed, seed);
	rng_state = seed;
	keg_env_open(&env);
	world_load(&env);
	keg_env_config(&env, WORLD_MAC, flags);
	keg_env_open(&tcenv);
	world_load(&tcenv);
	keg_env_config(&tcenv, WORLD_MAC, flags | KEG_CFG_REPLY_TC);
	probe_env_open(&probe);
	load_seeds();
	stats_read(&env, &before);

	for (long it = 0; it < iters && failures < MAX_FAILURES; it++) {
		const char *problem = NULL, *why = "";
		size_t len, ref_len = 0;
		uint32_t want, err_seen = 0;
		int nerr = 0, err;

		make_frame(frame, &len);
		rt->retval = (uint32_t)TC_ACT_UNSPEC;	/* no stale verdict when not run */
		rt->out_len = 0;
		/* One frame in a thousand with proxying off: nothing answered. */
		if (it % 1000 == 999 || it % 1000 == 0) {
			flags = it % 1000 ? 0 : KEG_CFG_PROXY_ARP | KEG_CFG_PROXY_NDP;
			keg_env_config(&env, WORLD_MAC, flags);
			keg_env_config(&tcenv, WORLD_MAC, flags | KEG_CFG_REPLY_TC);
		}

		err = xdp_run(env.xdp_fd, frame, len, r);
		cr_assert_eq(err, 0, "test run failed: %d", err);
		stats_read(&env, &after);
		probe_parse(&probe, frame, len, &res);
		want = ref_proxy(frame, len, flags, ref, &ref_len, &why);

		for (int i = 0; i < KEG_STAT__MAX; i++) {
			if (stat_is_error(i) && stat_val(&after, i) != stat_val(&before, i)) {
				nerr++;
				err_seen = (uint32_t)i;
			}
		}
		if (r->retval != XDP_PASS && r->retval != XDP_TX)
			problem = "verdict neither XDP_PASS nor XDP_TX";
		else if (r->retval != want)
			problem = want == XDP_TX ? "valid request not answered" :
						   "answered a frame that is no valid request";
		else if (want == XDP_TX && (r->out_len != ref_len || memcmp(r->out, ref, ref_len)))
			problem = "reply differs from the model's";
		else if (want == XDP_PASS && (r->out_len != len || memcmp(r->out, frame, len)))
			problem = "passed frame was modified";
		else if (stat_val(&after, KEG_STAT_rx_packets) != stat_val(&before, KEG_STAT_rx_packets) + 1)
			problem = "rx_packets not incremented once";
		else if (nerr > 1)
			problem = "more than one error counted";
		else if (nerr && r->retval != XDP_PASS)
			problem = "error counted but not passed";
		else if (nerr && err_seen != res.error &&
			 !(err_seen == KEG_STAT_err_trunc_arp && res.error == 0))
			problem = "counted error differs from the parser's";
		else if (!nerr && res.error)
			problem = "parser error not counted";
		else if (r->retval == XDP_TX &&
			 stat_val(&after, KEG_STAT_arp_replied) + stat_val(&after, KEG_STAT_ns_replied) !=
			 stat_val(&before, KEG_STAT_arp_replied) + stat_val(&before, KEG_STAT_ns_replied) + 1)
			problem = "answer not counted as replied";
		else
			problem = bad_result(&res, len);
		if (!problem)
			problem = tc_reply_problem(&tcenv, frame, len, want, ref, ref_len, rt,
						   &tc_runs);

		if (problem) {
			failures++;
			cr_expect_fail("frame %ld (seed %llu): %s; keg: %s, model: %s (%s), "
				       "parser error %s",
				       it, seed, problem, xdp_verdict_name(r->retval),
				       xdp_verdict_name(want), why, err_name(res.error));
			fprintf(stderr, "frame %ld, %zu bytes:\n", it, len);
			hexdump(frame, len);
			if (r->retval == XDP_TX || want == XDP_TX) {
				fprintf(stderr, "keg's reply (%u bytes):\n", r->out_len);
				hexdump(r->out, r->out_len);
				fprintf(stderr, "keg_tc_reply's (%u bytes, verdict %d):\n",
					rt->out_len, (int)rt->retval);
				hexdump(rt->out, rt->out_len);
				fprintf(stderr, "model's reply (%zu bytes):\n", ref_len);
				hexdump(ref, ref_len);
			}
		}
		tx += r->retval == XDP_TX;
		tc_tx += rt->retval == TC_ACT_REDIRECT;
		if (res.depth <= KEG_MAX_TUN_DEPTH)
			depth[res.depth]++;
		if (nerr)
			errors[err_seen]++;
		before = after;
	}
	fprintf(stderr, "fuzz: %ld also through keg_tc_reply, %ld answered there\n", tc_runs,
		tc_tx);
	fprintf(stderr, "fuzz: %ld answered; tunnel depth 0/1/2: %ld/%ld/%ld; errors:", tx,
		depth[0], depth[1], depth[2]);
	for (int i = 0; i < KEG_STAT__MAX; i++)
		if (errors[i])
			fprintf(stderr, " %s %ld", stat_names[i], errors[i]);
	fprintf(stderr, "\n");
	/* The mutations must reach the answering code, or the test is blind. */
	cr_expect_gt(tx, iters / 200, "only %ld of %ld frames answered", tx, iters);
	cr_expect_gt(tc_tx, iters / 200, "only %ld of %ld frames answered by keg_tc_reply",
		     tc_tx, iters);
	cr_expect_gt(tc_runs, iters / 2, "only %ld of %ld frames ran through keg_tc_reply",
		     tc_runs, iters);
	probe_env_close(&probe);
	keg_env_close(&tcenv);
	keg_env_close(&env);
	free(rt);
	free(r);
}
