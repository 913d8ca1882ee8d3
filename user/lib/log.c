// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* log.c - see log.h */
#define _GNU_SOURCE
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

/* The library print callbacks carry no context pointer, so the level they
 * compare against has to live here. */
static int verbosity;

/* libbpf and libxdp levels are WARN=0, INFO=1, DEBUG=2; shift by one. */
static int lib_print(int level, const char *fmt, va_list ap)
{
	if (level + 1 > verbosity)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int bpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return lib_print((int)level, fmt, ap);
}

static int xdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return lib_print((int)level, fmt, ap);
}

void keg_log_init(int v)
{
	verbosity = v;
	libbpf_set_print(bpf_print);
	libxdp_set_print(xdp_print);
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
