/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * parse.h - strict parsers for wanem's command-line values.
 *
 * Every parser takes a NUL-terminated string, writes *out only on success and
 * returns 0, -EINVAL (not a value of that kind) or -ERANGE (a value, but out
 * of range). Units are case-insensitive; no leading or trailing junk, no
 * signs, no exponents, no hex, no inf/nan.
 *
 *   time      NUM[ns|us|ms|s]          plain number = milliseconds
 *   rate      NUM[k|m|g|t|ki|mi|gi][bit|bps]
 *                                      bit = bits/s (SI multipliers, as tc);
 *                                      bps = BYTES/s (as tc); plain = bits/s;
 *                                      0, "none", "off", "unlimited" = no limit
 *   size      NUM[b|k|kb|kib|m|mb|mib|g|gb|gib]   binary multipliers (1k = 1024)
 *   buffer    a size, or a time (then *is_time is set)
 *   percent   NUM[%] within 0..100, returned as a probability 0..1
 *   ge        P,R[,H[,K]] percents: P good->bad, R bad->good, H chance a
 *             frame gets through in the bad state (default 0), K chance in the
 *             good state (default 100)
 */
#ifndef WANEM_PARSE_H
#define WANEM_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Largest accepted time: one hour, so sums of times never overflow. */
#define WAN_TIME_MAX_NS (3600ULL * 1000000000ULL)
/* Largest accepted rate: 1 Tbit/s. */
#define WAN_RATE_MAX_BPS 1000000000000ULL
/* Largest accepted size: 64 GiB. */
#define WAN_SIZE_MAX (64ULL << 30)

struct wan_ge_params {
	double p;	/* P(good -> bad) per frame */
	double r;	/* P(bad -> good) per frame */
	double h;	/* P(frame delivered | bad) */
	double k;	/* P(frame delivered | good) */
};

int wan_parse_time_ns(const char *s, uint64_t *out);
int wan_parse_rate_bps(const char *s, uint64_t *out);
int wan_parse_size(const char *s, uint64_t *out);
int wan_parse_buffer(const char *s, uint64_t *out, bool *is_time);
int wan_parse_percent(const char *s, double *out);
int wan_parse_ge(const char *s, struct wan_ge_params *out);
int wan_parse_u64(const char *s, uint64_t max, uint64_t *out);

#endif /* WANEM_PARSE_H */
