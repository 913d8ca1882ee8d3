/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ref_proxy.h - an independent model of what keg_xdp answers: which frames
 * are valid ARP requests / Neighbor Solicitations that keg must answer in
 * the test world below, and the exact reply. Written from RFC 826, RFC 4861
 * and the keg spec, sharing no code with bpf/. The fuzzer compares keg_xdp
 * against it on every frame.
 */
#ifndef KEG_TEST_REF_PROXY_H
#define KEG_TEST_REF_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* The test world: keg's MAC, the proxied prefixes, the assigned addresses. */
#define WORLD_MAC "02:00:00:00:00:ee"
extern const char *const world_subnets[];
extern const int n_world_subnets;
extern const char *const world_customers[];
extern const int n_world_customers;
extern const char *const world_proxies[];
extern const int n_world_proxies;

/* Load the world's prefixes and customers into keg's maps. */
void world_load(struct keg_env *e);

/* Longest NS keg verifies (a keg limit, not RFC 4861's). */
#define REF_NS_MAX_LEN 256

/*
 * The verdict keg_xdp must give frame f (len bytes) with keg_config flags;
 * for XDP_TX the reply is written to out (at least len + 64 bytes) and its
 * length to *out_len. why (if not NULL) gets a short reason for PASS.
 */
uint32_t ref_proxy(const uint8_t *f, size_t len, uint32_t flags, uint8_t *out,
		   size_t *out_len, const char **why);

#endif /* KEG_TEST_REF_PROXY_H */
