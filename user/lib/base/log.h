/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log.h - the one logger of kegctl, kegd and wanem (modelled on xdp-tools'
 * logging.h: levels, a verbosity set once by main(), pr_*() macros).
 *
 * Only programs print (the library returns errors, err.h, and notes
 * progress, note.h); library code logs only at KEG_LOG_VERBOSE and above,
 * for tracing the operator asked for with -v.
 *
 * A line is "PROG: message" on stderr; with KEG_LOG_STAMP (kegd, which runs
 * for days under systemd or a test harness) "PROG[PID] SECONDS.MS: message",
 * the wall clock so it lines up with other logs. Routing libbpf's and
 * libxdp's output through the same verbosity is bpf_log.h (it needs libbpf).
 */
#ifndef KEG_LOG_H
#define KEG_LOG_H

enum keg_log_level {
	KEG_LOG_NOTICE,		/* always shown: errors, warnings, what a daemon does */
	KEG_LOG_VERBOSE,	/* -v */
	KEG_LOG_DEBUG,		/* -vv */
};

#define KEG_LOG_STAMP 0x1	/* keg_log_setup() flag: pid and time prefix */

/* Once, in main(): prog as it should appear in every line (NULL: the name
 * the program was run as), the verbosity (number of -v), flags. */
void keg_log_setup(const char *prog, int verbosity, unsigned int flags);
void keg_log_set_verbosity(int verbosity);
int keg_log_verbosity(void);

/* Print when the verbosity is at least level. */
void keg_log(enum keg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_notice(...)  keg_log(KEG_LOG_NOTICE, __VA_ARGS__)
#define pr_verbose(...) keg_log(KEG_LOG_VERBOSE, __VA_ARGS__)
#define pr_debug(...)   keg_log(KEG_LOG_DEBUG, __VA_ARGS__)

#endif /* KEG_LOG_H */
