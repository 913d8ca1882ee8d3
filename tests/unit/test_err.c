// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_err.c - the library's error contract (user/lib/base/err.h, note.h):
 * a NULL error record is allowed everywhere, the first detail is kept, a
 * config error carries its line, and progress goes through a note callback.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "config.h"
#include "err.h"
#include "note.h"

Test(err, null_record_is_allowed)
{
	static const char bad[] = "interface eth0\nsubnet 10.1.2.3/24\n";
	struct keg_conf conf;

	cr_assert_eq(keg_err_set(NULL, -EINVAL, "x %d", 1), -EINVAL);
	cr_assert_eq(keg_err_set_line(NULL, -EIO, 3, "x"), -EIO);
	cr_assert_eq(keg_err_set_first(NULL, -ENOENT, "x"), -ENOENT);
	cr_assert_eq(keg_err_prefix(NULL, -EPERM, "ctx"), -EPERM);
	cr_assert_str_eq(keg_err_str(NULL, -ENOENT), strerror(ENOENT));
	cr_assert_eq(keg_conf_parse_buf(bad, sizeof(bad) - 1, &conf, NULL), -EINVAL);
}

Test(err, first_detail_is_kept_and_lines_are_carried)
{
	static const char bad[] = "interface eth0\nsubnet 10.1.2.0/24\nsubnet 10.1.2.0/24\n";
	struct keg_err e = { 0 };
	struct keg_conf conf;

	keg_err_set_first(&e, -EIO, "first");
	keg_err_set_first(&e, -EINVAL, "second");
	cr_assert_str_eq(e.msg, "first");
	keg_err_prefix(&e, -EIO, "ctx");
	cr_assert_str_eq(e.msg, "ctx: first");
	keg_err_clear(&e);
	cr_assert_eq(keg_conf_parse_buf(bad, sizeof(bad) - 1, &conf, &e), -EINVAL);
	cr_assert_eq(e.line, 3, "the duplicate is line 3, got %u (%s)", e.line, e.msg);
	cr_assert(strstr(e.msg, "duplicate subnet"), "%s", e.msg);
}

struct seen {
	int n;
	enum keg_note_kind kind;
	char line[64];
};

static void collect(void *arg, enum keg_note_kind kind, const char *line)
{
	struct seen *s = arg;

	s->n++;
	s->kind = kind;
	snprintf(s->line, sizeof(s->line), "%s", line);
}

Test(err, notes_go_to_the_callback_or_nowhere)
{
	struct seen s = { 0 };
	const struct keg_note note = { collect, &s };

	keg_note(NULL, KEG_NOTE_CHANGE, "dropped %d", 1);
	keg_note(&note, KEG_NOTE_PROBLEM, "eth0: %s", "warning");
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.kind, KEG_NOTE_PROBLEM);
	cr_assert_str_eq(s.line, "eth0: warning");
}
