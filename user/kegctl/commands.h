/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * commands.h - the command tables defined by the cmd_*.c files, listed in
 * main.c in the order `kegctl --help` shows them.
 */
#ifndef KEGCTL_COMMANDS_H
#define KEGCTL_COMMANDS_H

#include "cli.h"

extern const struct cli_cmd cmd_attach;
extern const struct cli_cmd cmd_detach;
extern const struct cli_cmd cmd_status;
extern const struct cli_cmd cmd_subnet_add;
extern const struct cli_cmd cmd_subnet_del;
extern const struct cli_cmd cmd_subnet_list;
extern const struct cli_cmd cmd_customer_add;
extern const struct cli_cmd cmd_customer_set;
extern const struct cli_cmd cmd_customer_del;
extern const struct cli_cmd cmd_customer_list;
extern const struct cli_cmd cmd_apply;
extern const struct cli_cmd cmd_stats;
extern const struct cli_cmd cmd_shape_set;
extern const struct cli_cmd cmd_shape_off;
extern const struct cli_cmd cmd_shape_show;
extern const struct cli_cmd cmd_schedule_show;
extern const struct cli_cmd cmd_schedule_run;
extern const struct cli_cmd cmd_intercept_add;
extern const struct cli_cmd cmd_intercept_del;
extern const struct cli_cmd cmd_intercept_enable;
extern const struct cli_cmd cmd_intercept_disable;
extern const struct cli_cmd cmd_intercept_list;
extern const struct cli_cmd cmd_keygen;
extern const struct cli_cmd cmd_pubkey;
extern const struct cli_cmd cmd_site_add;
extern const struct cli_cmd cmd_site_set;
extern const struct cli_cmd cmd_site_del;
extern const struct cli_cmd cmd_site_list;
extern const struct cli_cmd cmd_proxy_add;
extern const struct cli_cmd cmd_proxy_del;
extern const struct cli_cmd cmd_proxy_list;
extern const struct cli_cmd cmd_limits_set;
extern const struct cli_cmd cmd_limits_show;
extern const struct cli_cmd cmd_site_up;
extern const struct cli_cmd cmd_site_down;

/* Shared by the list commands: the attachments a read-only command shows,
 * i.e. iface (which must be attached here) or all attached here. *v is
 * malloc'ed; errors are reported through ctx. */
struct keg_att;
int kegctl_select(struct cli_ctx *ctx, const char *iface, struct keg_att **v,
		  size_t *n);

/* Print the subnets or customers of iface (or of all attached here): text
 * "IFACE ENTRY" lines, or JSON [{"iface": ..., "subnets"|"customers": [...]}]. */
int kegctl_list_entries(struct cli_ctx *ctx, const char *iface, bool json,
			bool customers);

/* kegd's per-queue rx/tx/drop counters of iface (cmd_intercept.c): text
 * lines after the counters, or a "kegd" member of the JSON object. */
struct json;
void kegctl_kegd_stats(const char *iface, struct json *j);

/* kegctl stats: per customer and leaf packets, bytes, drops and rate of an
 * interface that shapes (nothing otherwise); into j when not NULL. */
void kegctl_shape_stats(struct cli_ctx *ctx, const char *iface, struct json *j);

#endif /* KEGCTL_COMMANDS_H */
