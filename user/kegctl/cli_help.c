// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cli_help.c - --help text generated from the command tables; see cli.h */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_help.h"

const struct cli_opt cli_common_opts[] = {
	/* Handled by cli.c itself: no offset into a command's options. */
	{ .name = "verbose", .short_name = 'v', .type = CLI_FLAG,
	  .help = "show libbpf/libxdp messages (-vv, -vvv: more)" },
	{ .name = "help", .short_name = 'h', .type = CLI_FLAG, .help = "show this help" },
	{ 0 },
};

void cli_cmd_words(const struct cli_cmd *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", c->group ? c->group : "", c->group ? " " : "", c->name);
}

/* "MODE" or "native|generic|auto" */
static void metavar(const struct cli_opt *o, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	if (o->type != CLI_ENUM) {
		snprintf(buf, len, "%s", o->metavar ? o->metavar : "VALUE");
		return;
	}
	for (i = 0; o->choices[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "|" : "",
					 o->choices[i]);
}

static void print_synopsis(FILE *f, const struct cli_cmd *c)
{
	const struct cli_opt *o;
	const struct cli_arg *a;
	char words[64], mv[128];

	cli_cmd_words(c, words, sizeof(words));
	fprintf(f, "%s %s", PROG, words);
	for (a = c->args; a && a->name; a++)
		fprintf(f, a->optional ? " [%s]" : " %s", a->name);
	for (o = c->opts; o && o->name; o++) {
		metavar(o, mv, sizeof(mv));
		if (o->type == CLI_FLAG)
			fprintf(f, " [--%s]", o->name);
		else
			fprintf(f, " [--%s %s]", o->name, mv);
	}
}

static void print_opt(FILE *f, const struct cli_opt *o)
{
	char left[256], mv[128];

	metavar(o, mv, sizeof(mv));
	snprintf(left, sizeof(left), "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
		 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ",
		 o->name, o->type == CLI_FLAG ? "" : " ",
		 o->type == CLI_FLAG ? "" : (o->metavar ? o->metavar : mv));
	fprintf(f, "  %-24s %s\n", left, o->help);
}

void cli_print_cmd_help(FILE *f, const struct cli_cmd *c)
{
	const struct cli_opt *o;
	const struct cli_arg *a;

	fputs("Usage: ", f);
	print_synopsis(f, c);
	fprintf(f, "\n\n%s\n", c->help ? c->help : c->summary);
	if (c->args && c->args->name) {
		fputs("\nArguments:\n", f);
		for (a = c->args; a->name; a++)
			fprintf(f, "  %-24s %s\n", a->name, a->help);
	}
	fputs("\nOptions:\n", f);
	for (o = c->opts; o && o->name; o++)
		print_opt(f, o);
	for (o = cli_common_opts; o->name; o++)
		print_opt(f, o);
}

void cli_print_list(FILE *f, const struct cli_cmd *const *cmds, size_t n,
		       const char *group)
{
	char left[96], words[64];
	const struct cli_arg *a;
	size_t i, used;

	for (i = 0; i < n; i++) {
		const struct cli_cmd *c = cmds[i];

		if (group && (!c->group || strcmp(c->group, group)))
			continue;
		cli_cmd_words(c, words, sizeof(words));
		used = (size_t)snprintf(left, sizeof(left), "%s", words);
		for (a = c->args; a && a->name && used < sizeof(left); a++)
			used += (size_t)snprintf(left + used, sizeof(left) - used,
						 a->optional ? " [%s]" : " %s", a->name);
		/* Two spaces at least: readers split the columns on them
		 * (the bash completion, the man page check). */
		fprintf(f, "  %-24s %s%s\n", left, used >= 24 ? " " : "", c->summary);
	}
}

void cli_print_main_help(FILE *f, const struct cli_cmd *const *cmds, size_t n)
{
	fprintf(f, "Usage: %s [-v] COMMAND [ARGUMENTS] [OPTIONS]\n\n"
		"Operate keg: attach its XDP and tc programs to interfaces, and manage\n"
		"the subnets it proxies and the customers behind them.\n\nCommands:\n", PROG);
	cli_print_list(f, cmds, n, NULL);
	fprintf(f, "\nOptions (also accepted after the command):\n");
	print_opt(f, &cli_common_opts[0]);
	print_opt(f, &cli_common_opts[1]);
	fprintf(f, "\nRun '%s COMMAND --help' for a command's options.\n"
		"Exit status: 0 success, 1 error, 2 usage error.\n", PROG);
}
