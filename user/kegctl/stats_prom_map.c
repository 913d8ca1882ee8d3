// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* stats_prom_map.c - see stats_prom_map.h */
#include <stdio.h>
#include <string.h>

#include "stats.h"
#include "stats_prom_map.h"

enum {
	F_RX_PACKETS, F_RX_BYTES, F_RX_VLAN, F_RX_IP, F_RX_FRAGMENTS,
	F_TUN_HEADERS, F_TUN_NESTED, F_INNER_IP, F_INNER_L4,
	F_PROXY_REQUESTS, F_PROXY_REPLIES, F_PROXY_REFUSED, F_PARSE_ERRORS,
	F_TC_PACKETS, F_TC_BYTES,
	F_ICPT_CLASSIFIED, F_ICPT_CACHE_HITS, F_ICPT_MATCHED, F_ICPT_REDIRECTED,
	F_ICPT_TERMINATED,
	F_ICPT_DOWN, F_ICPT_KERNEL, F_ICPT_FRAGMENTS,
	F__N
};

const struct stats_prom_family stats_prom_families[F__N] = {
	[F_RX_PACKETS] = { "keg_rx_packets_total",
		"Frames keg_xdp received on the interface.", { NULL, NULL } },
	[F_RX_BYTES] = { "keg_rx_bytes_total",
		"Bytes of the frames keg_xdp received.", { NULL, NULL } },
	[F_RX_VLAN] = { "keg_rx_vlan_tagged_total",
		"Received frames with a VLAN tag.", { NULL, NULL } },
	[F_RX_IP] = { "keg_rx_ip_packets_total",
		"Received IP packets (outermost header) by family.", { "family", NULL } },
	[F_RX_FRAGMENTS] = { "keg_rx_fragments_total",
		"Received IP fragments.", { NULL, NULL } },
	[F_TUN_HEADERS] = { "keg_tunnel_headers_total",
		"Tunnel headers the parser looked through, by type (each level counts).",
		{ "tunnel", NULL } },
	[F_TUN_NESTED] = { "keg_tunnel_nested_total",
		"Packets with a tunnel inside a tunnel.", { NULL, NULL } },
	[F_INNER_IP] = { "keg_inner_ip_packets_total",
		"Packets by family of their innermost IP header.", { "family", NULL } },
	[F_INNER_L4] = { "keg_inner_l4_packets_total",
		"Packets by protocol after their innermost IP header.", { "proto", NULL } },
	[F_PROXY_REQUESTS] = { "keg_proxy_requests_total",
		"ARP requests and IPv6 Neighbor Solicitations seen.", { "proto", NULL } },
	[F_PROXY_REPLIES] = { "keg_proxy_replies_total",
		"ARP replies and Neighbor Advertisements keg sent as proxy.", { "proto", NULL } },
	[F_PROXY_REFUSED] = { "keg_proxy_refused_total",
		"ARP requests and Neighbor Solicitations not answered, by reason.",
		{ "proto", "reason" } },
	[F_PARSE_ERRORS] = { "keg_parse_errors_total",
		"Packets the parser could not read, by reason; passed to the kernel unchanged.",
		{ "reason", NULL } },
	[F_TC_PACKETS] = { "keg_tc_packets_total",
		"Packets seen by keg_tc on egress.", { NULL, NULL } },
	[F_TC_BYTES] = { "keg_tc_bytes_total",
		"Bytes of the packets seen by keg_tc on egress.", { NULL, NULL } },
	[F_ICPT_CLASSIFIED] = { "keg_intercept_classified_total",
		"Packets looked up in the intercept rules (flow cache missed).", { NULL, NULL } },
	[F_ICPT_CACHE_HITS] = { "keg_intercept_cache_hits_total",
		"Packets whose intercept decision came from the flow cache.", { NULL, NULL } },
	[F_ICPT_MATCHED] = { "keg_intercept_matched_total",
		"Packets an intercept rule matched.", { NULL, NULL } },
	[F_ICPT_REDIRECTED] = { "keg_intercept_redirected_total",
		"Matched packets redirected to kegd's AF_XDP socket.", { NULL, NULL } },
	[F_ICPT_TERMINATED] = { "keg_intercept_terminated_total",
		"Matched TCP segments passed to the kernel for kegd's terminating sockets.",
		{ NULL, NULL } },
	[F_ICPT_DOWN] = { "keg_intercept_down_total",
		"Matched packets while kegd or the site was down, by the rule's --when-down.",
		{ "action", NULL } },
	[F_ICPT_KERNEL] = { "keg_intercept_kernel_total",
		"Matched packets left to the kernel (no route, TTL expiring, local destination).",
		{ NULL, NULL } },
	[F_ICPT_FRAGMENTS] = { "keg_intercept_fragments_total",
		"Later IP fragments: following their first fragment's decision, or unknown.",
		{ "result", NULL } },
};

const size_t stats_prom_n_families = F__N;

/*
 * Rules, first match wins. match: a counter name, or a prefix ending in
 * '*'. A label value of NULL is the rest of the counter's name after the
 * prefix ("err_trunc_eth" -> "trunc_eth").
 */
static const struct rule {
	const char *match;
	int family;
	const char *value[2];
} rules[] = {
	{ "rx_packets", F_RX_PACKETS, { 0 } },
	{ "rx_bytes", F_RX_BYTES, { 0 } },
	{ "vlan_tagged", F_RX_VLAN, { 0 } },
	{ "ipv4", F_RX_IP, { "ipv4" } },
	{ "ipv6", F_RX_IP, { "ipv6" } },
	{ "fragments", F_RX_FRAGMENTS, { 0 } },
	{ "tun_nested", F_TUN_NESTED, { 0 } },
	{ "tun_*", F_TUN_HEADERS, { NULL } },
	{ "inner_ipv4", F_INNER_IP, { "ipv4" } },
	{ "inner_ipv6", F_INNER_IP, { "ipv6" } },
	{ "inner_*", F_INNER_L4, { NULL } },
	{ "arp_requests", F_PROXY_REQUESTS, { "arp" } },
	{ "arp_replied", F_PROXY_REPLIES, { "arp" } },
	{ "arp_*", F_PROXY_REFUSED, { "arp", NULL } },
	{ "ns_requests", F_PROXY_REQUESTS, { "ndp" } },
	{ "ns_replied", F_PROXY_REPLIES, { "ndp" } },
	{ "ns_*", F_PROXY_REFUSED, { "ndp", NULL } },
	{ "err_*", F_PARSE_ERRORS, { NULL } },
	{ "tc_packets", F_TC_PACKETS, { 0 } },
	{ "tc_bytes", F_TC_BYTES, { 0 } },
	{ "icpt_classified", F_ICPT_CLASSIFIED, { 0 } },
	{ "icpt_cache_hit", F_ICPT_CACHE_HITS, { 0 } },
	{ "icpt_matched", F_ICPT_MATCHED, { 0 } },
	{ "icpt_redirected", F_ICPT_REDIRECTED, { 0 } },
	{ "icpt_terminated", F_ICPT_TERMINATED, { 0 } },
	{ "icpt_down_*", F_ICPT_DOWN, { NULL } },
	{ "icpt_kernel", F_ICPT_KERNEL, { 0 } },
	{ "icpt_frag_*", F_ICPT_FRAGMENTS, { NULL } },
};

int stats_prom_map(int stat, const char *value[2])
{
	const char *name;
	size_t i, k, plen;

	if (stat < 0 || stat >= KEG_STAT__MAX)
		return -1;
	name = keg_stat_names[stat];
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];

		plen = strlen(r->match);
		if (r->match[plen - 1] == '*') {
			plen--;
			if (strncmp(name, r->match, plen) || !name[plen])
				continue;
		} else if (strcmp(name, r->match)) {
			continue;
		} else {
			plen = strlen(name);
		}
		for (k = 0; k < 2; k++) {
			if (!stats_prom_families[r->family].label[k])
				value[k] = NULL;
			else
				value[k] = r->value[k] ? r->value[k] : name + plen;
		}
		return r->family;
	}
	return -1;
}

const char *stats_prom_fallback(int stat, char *buf, size_t len)
{
	snprintf(buf, len, "keg_%s_total", keg_stat_names[stat]);
	return buf;
}
