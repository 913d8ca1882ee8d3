// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_trunc.c - keg_xdp on every prefix of every golden packet: the frame
 * is always passed to the kernel (never aborted, dropped or answered) and
 * exactly the error counter of the header that was cut is incremented; a
 * malformed header is counted by kind the same way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "golden.h"
#include "harness.h"

/* One run on a fresh counter set: verdict, then the err_* counters. */
static void expect_counted(struct keg_env *env, const char *name, const uint8_t *pkt,
			   size_t len, uint32_t want_err, struct xdp_run *r)
{
	struct keg_stats st;
	int err;

	stats_reset(env);
	err = xdp_run(env->xdp_fd, pkt, len, r);
	cr_assert_eq(err, 0, "%s/%zu: test run failed: %d", name, len, err);
	cr_expect_eq(r->retval, XDP_PASS, "%s cut to %zu bytes: %s, want XDP_PASS",
		     name, len, xdp_verdict_name(r->retval));
	cr_expect(r->out_len == len && !memcmp(r->out, pkt, len),
		  "%s cut to %zu bytes: frame modified", name, len);
	stats_read(env, &st);
	cr_expect_eq(stat_val(&st, KEG_STAT_rx_packets), 1, "%s/%zu: rx_packets", name, len);
	for (int i = 0; i < KEG_STAT__MAX; i++) {
		if (!stat_is_error(i))
			continue;
		cr_expect_eq(stat_val(&st, i), (uint64_t)(i == (int)want_err),
			     "%s cut to %zu bytes: %s = %llu, want error %s", name, len,
			     stat_names[i], (unsigned long long)stat_val(&st, i),
			     err_name(want_err));
	}
}

static struct keg_env env;

static void setup(void)
{
	keg_env_open(&env);
	/* Proxying on, nothing proxied: ARP and NS take their full path and
	 * are still never answered. */
	keg_env_config(&env, "02:00:00:00:00:ee", KEG_CFG_PROXY_ARP | KEG_CFG_PROXY_NDP);
}

static void teardown(void)
{
	keg_env_close(&env);
}

TestSuite(trunc, .init = setup, .fini = teardown);

Test(trunc, every_prefix_of_every_golden)
{
	struct xdp_run *r = malloc(sizeof(*r));
	struct keg_parse_result want;
	struct pkt p;
	int nreq;

	cr_assert_not_null(r);
	for (int i = 0; i < n_goldens; i++) {
		golden_build(&goldens[i], &p, &want, &nreq);
		for (size_t len = XDP_RUN_MIN_LEN; len <= p.len; len++)
			expect_counted(&env, goldens[i].name, p.data, len,
				       golden_error_at(&p, nreq, &want, len), r);
	}
	free(r);
}

/* The kernel refuses shorter test input (see XDP_RUN_MIN_LEN). Checked so
 * that a kernel which starts accepting it gets these lengths tested too. */
Test(trunc, runt_frames_cannot_reach_xdp)
{
	uint8_t frame[XDP_RUN_MIN_LEN] = { 0 }, out[64];

	for (__u32 len = 0; len < XDP_RUN_MIN_LEN; len++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

		cr_expect_neq(bpf_prog_test_run_opts(env.xdp_fd, &opts), 0,
			      "the kernel ran keg_xdp on a %u-byte frame: test lengths "
			      "below XDP_RUN_MIN_LEN too", len);
	}
}

/* keg_tc parses the same frames on egress: it always lets them go (no
 * verdict of its own, TC_ACT_UNSPEC, or TC_ACT_OK) and counts packets
 * and bytes. The kernel builds a test skb only when the
 * network header its ethertype names is complete; shorter prefixes are
 * refused (EINVAL) and skipped. */
Test(trunc, tc_passes_every_prefix)
{
	uint8_t *out = malloc(XDP_RUN_OUT_MAX);
	struct keg_parse_result want;
	struct keg_stats st;
	struct pkt p;
	uint64_t n = 0, bytes = 0;
	int nreq;

	cr_assert_not_null(out);
	stats_reset(&env);
	for (int i = 0; i < n_goldens; i++) {
		golden_build(&goldens[i], &p, &want, &nreq);
		for (size_t len = XDP_RUN_MIN_LEN; len <= p.len; len++) {
			LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p.data,
				    .data_size_in = (__u32)len, .data_out = out,
				    .data_size_out = XDP_RUN_OUT_MAX, .repeat = 1);

			if (bpf_prog_test_run_opts(env.tc_fd, &opts)) {
				cr_assert_eq(errno, EINVAL, "%s/%zu: %s", goldens[i].name, len,
					     strerror(errno));
				continue;
			}
			cr_expect(opts.retval == (__u32)TC_ACT_UNSPEC || opts.retval == TC_ACT_OK,
				  "%s cut to %zu bytes: tc verdict %d", goldens[i].name, len,
				  (int)opts.retval);
			n++;
			bytes += len;
		}
	}
	stats_read(&env, &st);
	cr_expect_gt(n, 1000, "the kernel refused most test frames");
	cr_expect_eq(stat_val(&st, KEG_STAT_tc_packets), n);
	cr_expect_eq(stat_val(&st, KEG_STAT_tc_bytes), bytes);
	cr_expect_eq(stat_val(&st, KEG_STAT_rx_packets), 0, "keg_tc counted as XDP");
	free(out);
}
