/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rate.h - rates and sizes as operators write them, tc's units:
 *   rates: bit, kbit, mbit, gbit, tbit (x1000), bps, kbps, mbps, gbps
 *          (bytes/s); a bare number is bit/s; "20mbit", "1gbit", "512kbit",
 *          "1.5mbit".  Stored as kbit/s (struct keg_customer): at least 1.
 *   sizes: b, k/kb, m/mb (x1024), a bare number is bytes: "15k", "1600".
 * Pure functions; on error -EINVAL and a message starting with the text.
 */
#ifndef KEG_RATE_H
#define KEG_RATE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* "20mbit" -> 20000 (kbit/s). Range 1 kbit/s .. 4 Tbit/s. */
int keg_rate_parse(const char *s, uint32_t *kbit, struct keg_err *err);
/* 20000 -> "20mbit", 1500 -> "1500kbit", 1000000 -> "1gbit". */
const char *keg_rate_str(uint32_t kbit, char *buf, size_t len);
/* "15k" -> 15360 (bytes), up to 64 MiB. */
int keg_size_parse(const char *s, uint32_t *bytes, struct keg_err *err);

#endif /* KEG_RATE_H */
