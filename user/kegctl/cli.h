/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cli.h - kegctl's commands and their options as declarative tables.
 *
 * A command is a struct cli_cmd: its words ("subnet add"), positional
 * arguments, options (each stored at an offset into the command's own
 * options struct), whether it needs root and which lock, and a run
 * function. cli.c parses argv against the table, prints generated --help,
 * and turns the result into an exit code: 0 ok, 1 error, 2 usage error.
 * Every command also takes -h/--help and -v/--verbose.
 */
#ifndef KEGCTL_CLI_H
#define KEGCTL_CLI_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "log.h"
#include "note.h"

enum cli_type {
	CLI_STRING,		/* const char * (the zero type: an argument's default) */
	CLI_FLAG,		/* bool */
	CLI_UINT,		/* unsigned int */
	CLI_DOUBLE,		/* double, > 0 */
	CLI_ENUM,		/* int: index into choices */
	/* Typed values, parsed and checked once, here, with the library's
	 * parsers and messages (a bad one is a usage error): */
	CLI_IFACE,		/* const char *: a valid interface name */
	CLI_ADDR,		/* struct keg_addr: one address */
	CLI_PREFIX,		/* struct keg_addr: a prefix without host bits */
	CLI_RATE,		/* struct cli_num: kbit/s ("20mbit") */
	CLI_SIZE,		/* struct cli_num: bytes ("64k") */
};

/* A rate or size option: set says whether it was given. */
struct cli_num {
	bool set;
	uint32_t v;
};

struct cli_opt {
	const char *name;	/* long name, without "--" */
	char short_name;	/* 0: none */
	enum cli_type type;
	size_t offset;		/* of the value in the options struct */
	const char *metavar;	/* "IFACE", "S" */
	const char *help;
	const char *const *choices;	/* CLI_ENUM, NULL-terminated */
};

struct cli_arg {
	const char *name;	/* "IFACE", "PREFIX" */
	size_t offset;		/* of the value in the options struct */
	const char *help;
	enum cli_type type;	/* CLI_STRING unless given */
	bool optional;		/* may be left out (only the last ones) */
};

/* Table entries from the options struct and its member, so the offset is
 * computed, never written by hand. */
#define CLI_OPT(type_, st, member, long_, short_, metavar_, help_)                   \
	{ .name = (long_), .short_name = (short_), .type = (type_),                  \
	  .offset = offsetof(st, member), .metavar = (metavar_), .help = (help_) }
#define CLI_ENUM_OPT(st, member, long_, short_, metavar_, help_, choices_)           \
	{ .name = (long_), .short_name = (short_), .type = CLI_ENUM,                 \
	  .offset = offsetof(st, member), .metavar = (metavar_), .help = (help_),   \
	  .choices = (choices_) }
#define CLI_ARG(type_, st, member, name_, help_)                                     \
	{ .name = (name_), .offset = offsetof(st, member), .help = (help_),          \
	  .type = (type_) }
#define CLI_ARG_OPTIONAL(type_, st, member, name_, help_)                            \
	{ .name = (name_), .offset = offsetof(st, member), .help = (help_),          \
	  .type = (type_), .optional = true }
/* --iface/-i IFACE, the option most commands share, with its two meanings. */
#define CLI_IFACE_HELP_ONE    "attached interface; may be left out when only one is attached"
#define CLI_IFACE_HELP_FILTER "only this interface (default: every interface attached here)"
#define CLI_IFACE_OPT(st, member, help_) CLI_OPT(CLI_IFACE, st, member, "iface", 'i', "IFACE", help_)

/* Which lock a command takes (pins.h), after its input is read (load):
 *   NONE    none (works on files, or takes its own)
 *   SHARED  none either: it only reads, and a reader never waits for a
 *           writer (map entries and the state record are replaced whole;
 *           an interface detached meanwhile is reported as such)
 *   IFACE   the locks of the interfaces it changes only: those its
 *           lock_ifaces() names, else the values of its CLI_IFACE arguments
 *           and options (--iface left out: the one attached, filled in;
 *           all of keg when none or several are)
 *   EXCL    all of keg (KEG_PIN_ROOT exclusive) */
enum cli_lock { CLI_LOCK_NONE, CLI_LOCK_SHARED, CLI_LOCK_IFACE, CLI_LOCK_EXCL };

struct cli_ctx;

struct cli_cmd {
	const char *group;	/* "subnet", or NULL for a top-level command */
	const char *name;	/* "add" */
	const char *summary;	/* one line for the command list */
	const char *help;	/* paragraph for the command's --help */
	const char *group_help;	/* optional: `kegctl GROUP --help` prints it
				   after the subcommands (one command of the
				   group sets it) */
	const struct cli_arg *args;	/* terminated by { 0 } */
	const struct cli_opt *opts;	/* terminated by { 0 } */
	size_t opts_size;	/* sizeof the options struct */
	const void *defaults;	/* initial options struct, or NULL for zeroes */
	bool needs_root;
	bool mount_bpffs;	/* mount bpffs and create the pin root first */
	bool offline;		/* works on files it is given only: no bpffs, no lock */
	enum cli_lock lock;
	/* Optional: reads the command's input before the lock is taken (a
	 * slow or endless input must not hold other commands up); unload
	 * frees what it kept in opts, whatever happened after. */
	int (*load)(struct cli_ctx *ctx, void *opts);
	void (*unload)(void *opts);
	/* CLI_LOCK_IFACE, optional: the interfaces the command will change,
	 * into names (at most max): how many, or a negative errno to take
	 * CLI_LOCK_EXCL instead (e.g. it changes more than interfaces). */
	int (*lock_ifaces)(const void *opts, const char **names, size_t max);
	int (*run)(struct cli_ctx *ctx, const void *opts);
};

struct cli_ctx {
	const struct cli_cmd *cmd;
	int verbose;
	bool usage;		/* the error is about the command line */
	struct keg_err err;	/* the one error line */
	char iface[IF_NAMESIZE];	/* CLI_LOCK_IFACE: the --iface filled in */
};

/* Report a usage error (exit status 2), e.g. an argument that does not
 * parse; returns -EINVAL. */
int cli_usage(struct cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Report an error; returns code. */
int cli_fail(struct cli_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Turn a library error already in ctx->err into a usage error. */
static inline int cli_bad_arg(struct cli_ctx *ctx, int code)
{
	ctx->usage = true;
	return code;
}

/* kegctl's notes (note.h): changes to stdout, problems and waits to
 * stderr as "kegctl: ...". */
extern const struct keg_note cli_note;

/* Parse argv (after the program name) against cmds and run the command.
 * Returns the process exit code. */
int cli_main(const struct cli_cmd *const *cmds, size_t n, int argc, char **argv);

#endif /* KEGCTL_CLI_H */
