// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_tls_pin.c - site keys (user/kegd/site_key.c): a new key file is mode
 * 0600 and never overwrites, its public key is one canonical base64 line,
 * a key file others may read is refused, malformed public keys are refused.
 * The pinned verification itself is exercised by real handshakes in
 * test_quic.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "site_key.h"
#include "tls_pin.h"

static char dir[64];

static void mkdir_tmp(void)
{
	strcpy(dir, "/tmp/kegd_unit_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(tls_pin, .init = mkdir_tmp, .fini = rm_tmp);

Test(tls_pin, keygen_pubkey)
{
	char path[128], pub[KEG_PUBKEY_B64], again[KEG_PUBKEY_B64], other[KEG_PUBKEY_B64];
	uint8_t key[KEG_KEY_LEN], pin[KEG_PIN_LEN], pin2[KEG_PIN_LEN];
	struct keg_tls_id id;
	struct stat st;

	snprintf(path, sizeof(path), "%s/site.key", dir);
	cr_assert_eq(keg_key_generate(path, pub), 0);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
	cr_expect_eq(strlen(pub), 44);
	cr_expect_eq(pub[43], '=');
	/* Never overwrites: the old key and its file stay. */
	cr_expect_eq(keg_key_generate(path, other), -EEXIST);
	cr_expect_eq(keg_key_pubkey(path, again), 0);
	cr_expect_str_eq(again, pub);
	/* Two keys differ. */
	snprintf(path, sizeof(path), "%s/b.key", dir);
	cr_assert_eq(keg_key_generate(path, other), 0);
	cr_expect_str_neq(other, pub);
	/* The certificate made from it carries the same key. */
	cr_assert_eq(keg_tls_id_load(&id, path), 0);
	cr_assert_eq(keg_pubkey_parse(other, key), 0);
	cr_expect_arr_eq(id.pubkey, key, KEG_KEY_LEN);
	keg_tls_id_free(&id);
	/* Formatting the raw key gives the line back. */
	cr_assert_eq(keg_pubkey_format(key, again), 0);
	cr_expect_str_eq(again, other);
	/* Pins: stable, and different keys pin differently. */
	cr_assert_eq(keg_pubkey_pin(key, pin), 0);
	cr_assert_eq(keg_pubkey_pin(key, pin2), 0);
	cr_expect_arr_eq(pin, pin2, KEG_PIN_LEN);
	key[0] ^= 1;
	cr_assert_eq(keg_pubkey_pin(key, pin2), 0);
	cr_expect_arr_neq(pin, pin2, KEG_PIN_LEN);
	/* Others may read it: refused. */
	cr_assert_eq(chmod(path, 0640), 0);
	cr_expect_eq(keg_key_pubkey(path, again), -EACCES);
	cr_expect_eq(keg_tls_id_load(&id, path), -EACCES);
	/* Missing, or not a key. */
	snprintf(path, sizeof(path), "%s/none.key", dir);
	cr_expect_eq(keg_key_pubkey(path, again), -ENOENT);
	int fd = open(path, O_CREAT | O_WRONLY, 0600);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "hello\n", 6), 6);
	close(fd);
	cr_expect_eq(keg_key_pubkey(path, again), -EINVAL);
}

Test(tls_pin, pubkey_parse)
{
	static const char *const bad[] = {
		"",
		"AAAA",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",     /* 43 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",   /* 45 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",    /* no padding */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",    /* 31 bytes */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",    /* not canonical */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAA=",   /* space */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*A=",    /* not base64 */
	};
	uint8_t key[KEG_KEY_LEN];

	cr_expect_eq(keg_pubkey_parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", key), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(keg_pubkey_parse(bad[i], key), -EINVAL, "'%s' accepted", bad[i]);
}
