/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * harness.h - load keg's BPF objects for BPF_PROG_TEST_RUN tests.
 *
 * The objects come from the generated skeletons (build/keg.skel.h,
 * build/parse_probe.skel.h), so the tests always run what `make` built.
 * Pinning is switched off before load: every test gets private maps and
 * nothing under /sys/fs/bpf is touched.
 *
 * Setup failures are criterion assertions: they fail the calling test.
 */
#ifndef KEG_TEST_HARNESS_H
#define KEG_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "keg_maps.h"
#include "keg_parse_result.h"

#define XDP_RUN_OUT_MAX 4096

/* keg.bpf.o loaded with empty maps and keg_config[0] zeroed. */
struct keg_env {
	struct keg *skel;
	int xdp_fd, tc_fd;
	int tc_reply_fd;		/* keg_tc_reply, the tc ingress reply path */
	int stats_fd, config_fd;
	int subnets4_fd, subnets6_fd, subnet_lens_fd, customers4_fd, customers6_fd;
	int proxies_fd;
	int ncpu;
};

void keg_env_open(struct keg_env *e);
void keg_env_close(struct keg_env *e);

/* keg_config[0] = { mac, ifindex 1, flags }. */
void keg_env_config(struct keg_env *e, const char *mac, uint32_t flags);
/* "10.1.0.0/16" or "2001:db8:1::/48" into keg_prefixes4/6. */
void keg_env_add_subnet(struct keg_env *e, const char *cidr);
/* "10.1.0.7" or "2001:db8:1::7" into keg_customers4/6. */
void keg_env_add_customer(struct keg_env *e, const char *addr);
/* "198.51.100.77" or "2001:db8:77::7" into keg_proxies (keg_proxy.h). */
void keg_env_add_proxy(struct keg_env *e, const char *addr);

/* keg_stats summed over all CPUs, or zeroed on all CPUs. */
void stats_read(struct keg_env *e, struct keg_stats *sum);
void stats_reset(struct keg_env *e);
static inline uint64_t stat_val(const struct keg_stats *s, enum keg_stat i)
{
	return ((const uint64_t *)s)[i];
}
extern const char *const stat_names[KEG_STAT__MAX];

/* "none" for 0, else the counter's name. */
const char *err_name(uint32_t err);

/* True for the err_* counters (the parser's error kinds). */
int stat_is_error(enum keg_stat i);

/* One BPF_PROG_TEST_RUN of an XDP program. */
struct xdp_run {
	uint32_t retval;
	uint32_t out_len;
	uint8_t out[XDP_RUN_OUT_MAX];
};

/*
 * Run prog_fd once on len bytes. The kernel refuses XDP test input shorter
 * than an Ethernet header (also behind metadata, as of 6.x), and no XDP
 * program can ever see such a frame (bpf_xdp_adjust_head/tail refuse to go
 * below ETH_HLEN either), so XDP_RUN_MIN_LEN is where truncation tests
 * start. Returns 0 or -errno.
 */
#define XDP_RUN_MIN_LEN 14
#define XDP_RUN_MAX_LEN 3000
int xdp_run(int prog_fd, const void *pkt, size_t len, struct xdp_run *r);

/* parse_probe.bpf.o: keg_parse() on a frame, result read back. */
struct probe_env {
	struct parse_probe *skel;
	int prog_fd, out_fd;
};

void probe_env_open(struct probe_env *e);
void probe_env_close(struct probe_env *e);
/* Runs the probe; asserts it returned XDP_PASS and that keg_parse() and the
 * generic loop alone gave byte-identical results (res gets them). */
void probe_parse(struct probe_env *e, const void *pkt, size_t len,
		 struct keg_parse_result *res);

const char *xdp_verdict_name(uint32_t v);

#endif /* KEG_TEST_HARNESS_H */
