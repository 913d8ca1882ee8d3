// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* note.c - see note.h */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"
#include "note.h"

void keg_note(const struct keg_note *note, enum keg_note_kind kind, const char *fmt, ...)
{
	char line[KEG_ERR_MSG_LEN];
	va_list ap;

	if (!note || !note->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	note->fn(note->arg, kind, line);
}
