// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* bpf_log.c - see bpf_log.h */
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "bpf_log.h"
#include "log.h"

/* libbpf and libxdp levels are WARN=0, INFO=1, DEBUG=2; shift by one. */
static int lib_print(int level, const char *fmt, va_list ap)
{
	if (level + 1 > keg_log_verbosity())
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
	keg_log_set_verbosity(v);
	libbpf_set_print(bpf_print);
	libxdp_set_print(xdp_print);
}
