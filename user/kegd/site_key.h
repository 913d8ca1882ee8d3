/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * site_key.h - site keys as WireGuard's tools keep them:
 *
 *  - a site key is an Ed25519 private key in a file of mode 0600 (PEM,
 *    PKCS#8); keg_key_generate() refuses to overwrite and keg_key_load()
 *    refuses a key file that group or others may read;
 *  - its public key is one base64 line of the 32 raw key bytes (44 chars).
 *
 * Apart from the QUIC glue (tls_pin.h) so that kegctl (keygen, pubkey,
 * site add) links GnuTLS only. Functions return 0 or a negative errno and
 * never print.
 */
#ifndef KEGD_SITE_KEY_H
#define KEGD_SITE_KEY_H

#include <stdint.h>

#include <gnutls/x509.h>

#define KEG_KEY_LEN      32      /* raw Ed25519 public key */
#define KEG_PUBKEY_B64   45      /* 44 base64 characters + NUL */

/* Create a new site key in `path` (O_EXCL, mode 0600); its public key goes
 * to pub_b64. -EEXIST if the file exists; other errno from the file system;
 * -EIO if GnuTLS fails. */
int keg_key_generate(const char *path, char pub_b64[KEG_PUBKEY_B64]);

/* The public key of the key in `path`. -EACCES if group or others may read
 * the file, -EINVAL if it is no Ed25519 key. */
int keg_key_pubkey(const char *path, char pub_b64[KEG_PUBKEY_B64]);

/* Parse a public key line: exactly 44 canonical base64 characters of 32
 * bytes. -EINVAL otherwise. */
int keg_pubkey_parse(const char *b64, uint8_t key[KEG_KEY_LEN]);

/* The public key line of a raw key (the inverse of keg_pubkey_parse). */
int keg_pubkey_format(const uint8_t key[KEG_KEY_LEN], char b64[KEG_PUBKEY_B64]);

/* For tls_pin.c: load the key in `path` (errors as keg_key_pubkey), and
 * the public key line of a loaded key. */
int keg_key_load(const char *path, gnutls_x509_privkey_t *out);
int keg_key_pub_b64(gnutls_x509_privkey_t xkey, char pub_b64[KEG_PUBKEY_B64]);

#endif /* KEGD_SITE_KEY_H */
