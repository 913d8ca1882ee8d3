/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * prom.h - a writer of the Prometheus text exposition format, version
 * 0.0.4 (what node_exporter's textfile collector and every scraper read).
 *
 *   # HELP keg_rx_packets_total Frames keg_xdp received.
 *   # TYPE keg_rx_packets_total counter
 *   keg_rx_packets_total{iface="eth1"} 8
 *
 * A family (prom_family) is its HELP and TYPE lines; its samples follow it
 * directly, all of them, before the next family: the format forbids a
 * family whose samples are split. Label values are escaped (backslash,
 * double quote, newline); HELP text too (backslash, newline). Names are
 * the caller's constants and are not checked here (prom_name_valid() is
 * for tests).
 *
 * Output is buffered and written to fd with write(2) in large chunks: a
 * million samples (100,000 shaped customers) stay well under a second.
 * The first write error sticks; prom_finish() returns it (-errno), so a
 * caller writing into a file it renames afterwards knows not to rename.
 */
#ifndef KEGCTL_PROM_H
#define KEGCTL_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROM_BUFSIZE 65536

enum prom_type { PROM_COUNTER, PROM_GAUGE };

struct prom_label {
	const char *name;
	const char *value;
};

struct prom {
	int fd;
	int err;		/* first write error, negative errno; 0 */
	size_t len;		/* bytes in buf */
	char buf[PROM_BUFSIZE];
};

void prom_init(struct prom *p, int fd);

/* "# HELP name help" and "# TYPE name counter|gauge". */
void prom_family(struct prom *p, const char *name, enum prom_type type,
		 const char *help);

/* "name{l1="v1",...} value"; n may be 0 (no braces). */
void prom_sample(struct prom *p, const char *name, const struct prom_label *l,
		 size_t n, uint64_t value);

/* Write what is buffered; 0 or the first write error. */
int prom_finish(struct prom *p);

/* [a-zA-Z_:][a-zA-Z0-9_:]* (metric) or [a-zA-Z_][a-zA-Z0-9_]* (label). */
bool prom_name_valid(const char *s, bool label);

#endif /* KEGCTL_PROM_H */
