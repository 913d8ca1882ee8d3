// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* err.c - see err.h */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static int vset(struct keg_err *err, int code, unsigned int line, const char *fmt,
		va_list ap)
{
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	err->line = line;
	return code;
}

int keg_err_set(struct keg_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int keg_err_set_line(struct keg_err *err, int code, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vset(err, code, line, fmt, ap);
	va_end(ap);
	return code;
}

int keg_err_set_first(struct keg_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->msg[0])
		return code;
	va_start(ap, fmt);
	vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int keg_err_prefix(struct keg_err *err, int code, const char *fmt, ...)
{
	char prefix[KEG_ERR_MSG_LEN], rest[KEG_ERR_MSG_LEN];
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(rest, sizeof(rest), "%s", keg_err_str(err, code));
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, rest) >=
	    (int)sizeof(err->msg))
		memcpy(err->msg + sizeof(err->msg) - 4, "...", 4);
	return code;
}

const char *keg_err_str(const struct keg_err *err, int code)
{
	if (err && err->msg[0])
		return err->msg;
	return strerror(code < 0 ? -code : code);
}
