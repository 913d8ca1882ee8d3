/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keg_maps.bpf.h - the BPF-side definitions of keg's maps. Keys, values and
 * names come from headers/keg_maps.h; every map is pinned by name under
 * /sys/fs/bpf/keg/IFACE/ (kegctl sets the pin root per interface).
 */
#ifndef KEG_MAPS_BPF_H
#define KEG_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "keg_maps.h"
#include "keg_proxy.h"

/* Proxied prefixes: hash maps per (length, prefix) and the lengths in
 * use (keg_maps.h; looked up by bpf/keg_subnets.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KEG_MAX_SUBNETS);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* most interfaces have few */
	__type(key, struct keg_subnet4_key);
	__type(value, struct keg_subnet);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_SUBNETS4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KEG_MAX_SUBNETS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct keg_subnet6_key);
	__type(value, struct keg_subnet);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_SUBNETS6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_subnet_lens);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_SUBNET_LENS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KEG_MAX_CUSTOMERS);
	__type(key, struct keg_customer4_key);
	__type(value, struct keg_customer);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_CUSTOMERS4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KEG_MAX_CUSTOMERS);
	__type(key, struct keg_customer6_key);
	__type(value, struct keg_customer);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_CUSTOMERS6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct keg_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_CONFIG SEC(".maps");

/* Proxy addresses of this interface (keg_proxy.h): answered like a
 * proxied prefix's, written by kegctl proxy, read by kegd at accept. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KEG_MAX_PROXIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct keg_proxy_key);
	__type(value, struct keg_proxy);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} KEG_MAP_PROXIES SEC(".maps");

#endif /* KEG_MAPS_BPF_H */
