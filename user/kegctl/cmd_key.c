// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_key.c - `kegctl keygen FILE` and `kegctl pubkey FILE`: a site's
 * private key file and its one-line public key, as `wg genkey` and
 * `wg pubkey`: the key line on stdout and nothing else, so it can be
 * pasted into the other gateway's `kegctl site add --pubkey`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "site_key.h"

struct key_opts {
	const char *file;
};

static int run_keygen(struct cli_ctx *ctx, const void *opts)
{
	const struct key_opts *o = opts;
	char pub[KEG_PUBKEY_B64];
	int ret = keg_key_generate(o->file, pub);

	if (ret == -EEXIST)
		return cli_fail(ctx, ret, "%s: exists; a key is never overwritten (remove it "
				"first if it is really not in use)", o->file);
	if (ret)
		return cli_fail(ctx, ret, "%s: %s", o->file, strerror(-ret));
	printf("%s\n", pub);
	return 0;
}

static int run_pubkey(struct cli_ctx *ctx, const void *opts)
{
	const struct key_opts *o = opts;
	char pub[KEG_PUBKEY_B64];
	struct stat st;
	int ret = keg_key_pubkey(o->file, pub);

	/* -EACCES is also the library's word for a key others may read. */
	if (ret == -EACCES && !stat(o->file, &st) && st.st_mode & 077)
		return cli_fail(ctx, ret, "%s: mode %04o: group or others may read this key; "
				"refused (chmod 600 %s, and make a new key if it leaked)",
				o->file, st.st_mode & 07777, o->file);
	if (ret == -EINVAL)
		return cli_fail(ctx, ret, "%s: not a site key (an Ed25519 key as 'kegctl "
				"keygen' writes)", o->file);
	if (ret)
		return cli_fail(ctx, ret, "%s: %s", o->file, strerror(-ret));
	printf("%s\n", pub);
	return 0;
}

static const struct cli_arg file_arg[] = {
	CLI_ARG(CLI_STRING, struct key_opts, file, "FILE", "the private key file"),
	{ 0 },
};

const struct cli_cmd cmd_keygen = {
	.name = "keygen",
	.summary = "make a site key in FILE (mode 0600), print its public key",
	.help = "Write a new private key (Ed25519) to FILE, which must not exist, with\n"
		"mode 0600, and print its public key: one base64 line to give the other\n"
		"gateways (their 'kegctl site add NAME ADDR --pubkey KEY'). This\n"
		"gateway's own site uses FILE ('kegctl site add NAME ADDR --local --key FILE').",
	.args = file_arg,
	.opts_size = sizeof(struct key_opts),
	.offline = true,
	.run = run_keygen,
};

const struct cli_cmd cmd_pubkey = {
	.name = "pubkey",
	.summary = "print the public key of the site key in FILE",
	.help = "Print the public key of the private key in FILE again (as 'keygen'\n"
		"did). A key file group or others may read is refused.",
	.args = file_arg,
	.opts_size = sizeof(struct key_opts),
	.offline = true,
	.run = run_pubkey,
};
