/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * note.h - how the library reports progress without printing.
 *
 * Long operations (apply, a schedule pass, waiting for the keg lock) have
 * things to tell the operator along the way: "kca: + customer 10.1.2.5",
 * "waiting for another kegctl". The library never prints (err.h); it hands
 * each such line to the program through a struct keg_note, and the program
 * decides where it goes (kegctl: stdout for changes, stderr for problems
 * it carries on after; kegd: its log). A NULL note drops them.
 */
#ifndef KEG_NOTE_H
#define KEG_NOTE_H

#include <stdbool.h>

enum keg_note_kind {
	KEG_NOTE_CHANGE,	/* something was (or, dry run, would be) changed */
	KEG_NOTE_PROBLEM,	/* a failure the operation carried on after */
	KEG_NOTE_WAIT,		/* the operation is waiting for something */
};

struct keg_note {
	void (*fn)(void *arg, enum keg_note_kind kind, const char *line);
	void *arg;
};

/* Format one line (no trailing newline) and hand it to note, if any. */
void keg_note(const struct keg_note *note, enum keg_note_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* KEG_NOTE_H */
