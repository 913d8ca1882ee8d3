/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log.h - verbosity for kegctl and the libraries under it.
 *
 * keg_log_init(v) routes libbpf's and libxdp's output through one callback
 * one level quieter than they ask: their warnings show with -v (v >= 1),
 * info with -vv, debug with -vvv. Normal runs print only kegctl's own error
 * line; libxdp's expected "dispatcher refused, falling back" chatter and
 * libbpf's probe failures stay hidden unless asked for.
 */
#ifndef KEG_LOG_H
#define KEG_LOG_H

void keg_log_init(int verbosity);
int keg_log_verbosity(void);

/* Print to stderr when verbosity >= level (1 = -v). */
void keg_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* KEG_LOG_H */
