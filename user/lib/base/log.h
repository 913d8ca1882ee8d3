/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log.h - one verbosity and one error/notice line format for keg's programs.
 *
 * Only programs print (the library returns errors, err.h, and notes
 * progress, note.h); library code calls keg_log() only at level 1 or above,
 * for tracing the operator asked for with -v. keg_log(level, ...) writes "PROG: message" to stderr when the verbosity set with
 * keg_log_set_verbosity() is at least level (0 = always, 1 = -v, ...).
 * Routing libbpf's and libxdp's output through the same verbosity is
 * bpf_log.h (it needs libbpf).
 */
#ifndef KEG_LOG_H
#define KEG_LOG_H

void keg_log_set_verbosity(int verbosity);
int keg_log_verbosity(void);

/* Print to stderr when verbosity >= level (1 = -v). */
void keg_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* KEG_LOG_H */
