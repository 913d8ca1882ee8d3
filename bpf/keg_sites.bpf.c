// SPDX-License-Identifier: GPL-2.0
/*
 * keg_sites.bpf.c - no program: the declarations of the site maps of
 * the keg transport (headers/keg_site.h), so libbpf creates them with BTF
 * and pins them by name where user/lib/bpf/sitemaps.c says (a directory
 * per network namespace). kegctl writes keg_sites, kegd keg_site_stats;
 * `bpftool map dump pinned .../keg_site_stats` shows the counters by name.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "keg_site.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KEG_SITES_MAX);
	__type(key, __u32);
	__type(value, struct keg_site_conf);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_SITES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KEG_SITES_MAX);
	__type(key, __u32);
	__type(value, struct keg_site_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_SITE_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_limits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_LIMITS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_limit_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_LIMIT_STATS SEC(".maps");

char LICENSE[] SEC("license") = "GPL";
