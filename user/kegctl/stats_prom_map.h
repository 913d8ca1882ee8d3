/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * stats_prom_map.h - where each keg_stats counter (KEG_STATS_LIST) goes in
 * the Prometheus output: its metric family and label values.
 *
 * Counters that are one of a kind become one family with a label, so that
 * sum() over the label means something: the parse errors are
 * keg_parse_errors_total{reason="trunc_eth"}, the proxy-ARP/NDP refusals
 * keg_proxy_refused_total{proto="arp",reason="target_outside"}, the tunnel
 * levels keg_tunnel_headers_total{tunnel="vxlan"}. Every family also has
 * the label iface (added by the caller, first). A counter added to
 * KEG_STATS_LIST without a rule here still appears, as keg_NAME_total
 * (stats_prom_fallback); the unit test insists on a rule for each.
 */
#ifndef KEGCTL_STATS_PROM_MAP_H
#define KEGCTL_STATS_PROM_MAP_H

#include <stddef.h>

#include "prom.h"

/* A family of keg_stats counters: at most two labels besides iface. */
struct stats_prom_family {
	const char *name;
	const char *help;
	const char *label[2];	/* NULL: unused */
};

extern const struct stats_prom_family stats_prom_families[];
extern const size_t stats_prom_n_families;

/* The family of counter stat (enum keg_stat) and its label values (as many
 * as the family has labels; pointers into constants or keg_stat_names), or
 * -1 when no rule covers it (then see stats_prom_fallback). */
int stats_prom_map(int stat, const char *value[2]);

/* "keg_NAME_total" for a counter without a rule, into buf. */
const char *stats_prom_fallback(int stat, char *buf, size_t len);

#endif /* KEGCTL_STATS_PROM_MAP_H */
