/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * stats_prom.h - `kegctl stats --format prometheus`: every counter kegctl
 * shows, of iface or of every interface attached here, in the Prometheus
 * text format (prom.h) on stdout.
 *
 * Families, each labelled iface first (docs/man/kegctl.8 lists them):
 *   keg_stats counters      see stats_prom_map.h
 *   keg_interfaces_attached, keg_customers{family}, keg_subnets{family}
 *   shaping                 keg_shaping_enabled, per customer and leaf:
 *                           keg_leaf_{packets,bytes,drops}_total{customer,leaf},
 *                           keg_customer_{rate,ceil}_bits_per_second
 *                           (the default class is customer="default")
 *   intercepts              keg_intercept_rule_{packets,bytes}_total{rule,site},
 *                           keg_intercept_rule_active, keg_site_up{site}
 *   kegd                    keg_kegd_running, keg_kegd_{rx,tx}_packets_total{queue},
 *                           keg_kegd_drops_total{queue}
 * Everything is read first and written afterwards, family by family, so a
 * read error prints nothing on stdout: a caller redirecting into a file it
 * renames keeps the previous file.
 */
#ifndef KEGCTL_STATS_PROM_H
#define KEGCTL_STATS_PROM_H

#include "cli.h"

int kegctl_stats_prom(struct cli_ctx *ctx, const char *iface);

#endif /* KEGCTL_STATS_PROM_H */
