/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * config.h - the declarative file read by `kegctl apply`, and its parser.
 *
 * Format: one statement per line; '#' starts a comment anywhere on a line;
 * blank lines are ignored; tokens are separated by spaces or tabs and
 * indentation is cosmetic.
 *
 *     interface NAME       opens the block of interface NAME (once per file)
 *     subnet PREFIX        a proxied prefix of the current interface
 *     customer ADDR [down RATE [up RATE] [ceil RATE] [burst SIZE]]
 *                          a customer address (/32 or /128 optional), shaped
 *                          to RATE when `down` is given (rate.h units)
 *
 *     schedule default|ADDR RULES
 *                          time-of-day rates (schedule.h) of the interface's
 *                          default class, or of customer ADDR (declared by a
 *                          `customer` line of the same block); several lines
 *                          for one target add rules in order. `kegctl apply`
 *                          sets the rates in force now and stores the rules
 *                          for `kegctl schedule show|run @applied`
 *                          (sched_store.h).
 *
 *     intercept SITE SRC[:PORTS] DST[:PORTS] PROTOS [forward|block] [inner|outer]
 *                          an intercept rule (intercept_conf.h); the lines are
 *                          the interface's rules in order
 *
 *     proxy SITE LOCAL[:PORT] REMOTE[:PORT] [PROTOS]
 *                          a proxy address (proxy_conf.h); the lines are the
 *                          interface's whole set of proxies
 *
 *     limits [tcp N] [udp N] [total N]
 *                          the gateway's connection limits (kegctl limits
 *                          set; N a count up to 1,000,000, 0 or none: no
 *                          limit), at most one line, anywhere in the file.
 *                          It is the whole setting: a limit it does not
 *                          give is the default (tcp and udp none, total
 *                          8192). A file without a limits line leaves the
 *                          limits alone.
 *
 *     site NAME ADDR[:PORT] local key FILE | pubkey KEY [maxrate RATE] [segsize BYTES]
 *     site NAME DAYS [HH:MM-HH:MM] maxrate RATE [; ...]
 *                          a site of the keg transport, or MaxRate schedule
 *                          rules of one (HyperIP's Site Add and bandwidth
 *                          schedule); anywhere in the file, not part of an
 *                          interface block. Kept as written here: `kegctl
 *                          apply` checks them with the site parser (kegd's
 *                          site_conf.h) before changing anything, and a file
 *                          with site lines is the whole set of sites.
 *
 * `subnet` and `customer` belong to the last `interface` above them. An
 * interface block may be empty: that interface then gets no subnets and no
 * customers. The file is the whole desired state of the interfaces it names;
 * interfaces it does not name are not touched.
 *
 * The parser is pure: it reads the text, validates it and fills a struct
 * keg_conf, with no other effect. It checks everything that can be checked
 * without looking at the system: unknown keywords, argument counts, bad
 * addresses and prefixes (host bits set), bad interface names, interfaces
 * declared twice, duplicate subnets or customers within an interface, and a
 * customer listed under two interfaces. Whether the interfaces are attached
 * is for the caller to check.
 *
 * Keywords are a table in config.c: a new statement is one table row and
 * one handler.
 */
#ifndef KEG_CONFIG_H
#define KEG_CONFIG_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "err.h"
#include "iface.h"
#include "intercept_conf.h"
#include "proxy_conf.h"
#include "schedule.h"

struct keg_conf_entry {
	struct keg_addr addr;
	unsigned int line;		/* 1-based line it came from */
	/* customer shaping (rate.h units), 0 = not given */
	uint32_t down_kbit, up_kbit, ceil_kbit, burst;
	const struct keg_sched *sched;	/* customers: its schedule, or NULL */
};

#define KEG_CONF_SCHED_TEXT 512

/* The `schedule` lines of one target. */
struct keg_conf_sched {
	bool is_default;		/* else a customer */
	struct keg_addr addr;
	unsigned int line;		/* its first `schedule` line */
	struct keg_sched s;
	char text[KEG_CONF_SCHED_TEXT];	/* the rules as written, "; "-joined */
};

struct keg_conf_scheds {
	struct keg_conf_sched *v;	/* in file order */
	size_t n;
	size_t cap;
};

struct keg_conf_list {
	struct keg_conf_entry *v;	/* sorted by keg_addr_cmp() after parsing */
	size_t n;
	size_t cap;
};

struct keg_conf_iface {
	char name[IF_NAMESIZE];
	unsigned int line;		/* line of its `interface` statement */
	struct keg_conf_list subnets;
	struct keg_conf_list customers;
	struct keg_conf_icpts intercepts;	/* intercept_conf.h, in file order */
	struct keg_conf_proxies proxies;	/* proxy_conf.h */
	struct keg_conf_scheds schedules;
};

#define KEG_CONF_SITE_TEXT 1024

/* A `site` line, its words after "site" joined by single spaces. */
struct keg_conf_site {
	unsigned int line;
	char text[KEG_CONF_SITE_TEXT];
};

/* The `limits` line. */
struct keg_conf_limits {
	unsigned int line;		/* 0: the file has none */
	uint32_t tcp, udp, total;	/* 0: no limit; not given: the default */
};

struct keg_conf {
	struct keg_conf_iface *ifaces;	/* in file order */
	size_t n_ifaces;
	size_t cap_ifaces;
	struct keg_conf_site *sites;	/* in file order */
	size_t n_sites;
	size_t cap_sites;
	struct keg_conf_limits limits;
};

/* The most a config may hold: a file (or standard input) larger than
 * KEG_CONF_MAX_BYTES, or a line of more than KEG_CONF_LINE_MAX bytes (its
 * newline not counted), is
 * refused with a message naming the limit, so no input can exhaust memory
 * (`kegctl apply /dev/zero`). 16 MiB holds ~500,000 customer lines. */
#define KEG_CONF_MAX_BYTES (16u << 20)
#define KEG_CONF_LINE_MAX  4096u

/* Read all of file (a path, or "-" for standard input) into *buf (free()
 * it), at most KEG_CONF_MAX_BYTES: 0, or a negative errno with *err
 * naming the file ("FILE: ..."). Reading before any lock is taken keeps
 * a slow or endless input from holding other commands up. */
int keg_conf_read(const char *file, char **buf, size_t *len, struct keg_err *err);

/*
 * Parse the whole stream. Returns 0 with *conf filled (free it with
 * keg_conf_free()), or a negative errno with *conf empty and *err (may be NULL) set
 * to the first error in line order (err->line, the message without file or
 * line prefix): -EINVAL for a problem in the text, -EFBIG for a stream
 * or line over the limits above, -ENOMEM, or -EIO when reading fails. *conf must not hold a previous result.
 */
int keg_conf_parse_file(FILE *f, struct keg_conf *conf, struct keg_err *err);

/* Same, from a buffer of len bytes (need not be NUL-terminated). */
int keg_conf_parse_buf(const char *buf, size_t len, struct keg_conf *conf,
		       struct keg_err *err);

void keg_conf_free(struct keg_conf *conf);

/* A connection limit: "N" (0..1,000,000; 0: no limit) or "none". -EINVAL
 * otherwise, err (may be NULL) saying so. */
#define KEG_LIMIT_MAX 1000000u
int keg_limit_parse(const char *s, uint32_t *v, struct keg_err *err);

/* The block of interface name, or NULL. */
const struct keg_conf_iface *keg_conf_find(const struct keg_conf *conf,
					   const char *name);

#endif /* KEG_CONFIG_H */
