// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* log.c - see log.h */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* libbpf's and libxdp's print callbacks carry no context pointer, so the
 * settings they compare against have to live here: the one piece of
 * process state in the library, set once by main() before any thread. */
static struct {
	const char *prog;
	int verbosity;
	unsigned int flags;
} log_cfg;

void keg_log_setup(const char *prog, int verbosity, unsigned int flags)
{
	log_cfg.prog = prog;
	log_cfg.verbosity = verbosity;
	log_cfg.flags = flags;
}

void keg_log_set_verbosity(int v)
{
	log_cfg.verbosity = v;
}

int keg_log_verbosity(void)
{
	return log_cfg.verbosity;
}

void keg_log(enum keg_log_level level, const char *fmt, ...)
{
	const char *prog = log_cfg.prog ? log_cfg.prog : program_invocation_short_name;
	char line[1024];
	va_list ap;

	if ((int)level > log_cfg.verbosity)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One fprintf per line: threads' lines do not interleave. */
	if (log_cfg.flags & KEG_LOG_STAMP) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(stderr, "%s[%d] %ld.%03ld: %s\n", prog, getpid(), (long)ts.tv_sec,
			ts.tv_nsec / 1000000, line);
	} else {
		fprintf(stderr, "%s: %s\n", prog, line);
	}
}
