/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cli_help.h - private to cli.c and cli_help.c: the options every command
 * takes and the generated help text.
 */
#ifndef KEGCTL_CLI_HELP_H
#define KEGCTL_CLI_HELP_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"

#define PROG "kegctl"

/* [0] -v/--verbose, [1] -h/--help, then { 0 }. */
extern const struct cli_opt cli_common_opts[];

/* "subnet add" or "attach" */
void cli_cmd_words(const struct cli_cmd *c, char *buf, size_t len);

void cli_print_cmd_help(FILE *f, const struct cli_cmd *c);

/* One line per command; only those of group when group is not NULL. */
void cli_print_list(FILE *f, const struct cli_cmd *const *cmds, size_t n,
		    const char *group);

void cli_print_main_help(FILE *f, const struct cli_cmd *const *cmds, size_t n);

#endif /* KEGCTL_CLI_HELP_H */
