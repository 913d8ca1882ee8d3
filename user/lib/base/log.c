// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* log.c - see log.h */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

/* libbpf's and libxdp's print callbacks carry no context pointer, so the
 * level they compare against has to live here: the one piece of process
 * state in the library, set once by main(). */
static int verbosity;

void keg_log_set_verbosity(int v)
{
	verbosity = v;
}

int keg_log_verbosity(void)
{
	return verbosity;
}

void keg_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > verbosity)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
