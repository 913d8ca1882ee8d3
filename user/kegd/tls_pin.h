/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tls_pin.h - mutual TLS 1.3 authentication by pinned public keys, for
 * QUIC (ngtcp2's GnuTLS backend). The site keys themselves are
 * site_key.h's (a 0600 Ed25519 key file, a 44-character public key line);
 * here:
 *
 *  - at start-up a self-signed X.509 certificate is made from the key
 *    (gnutls_x509_crt_sign2); each side presents it, the server requires
 *    the client's (GNUTLS_CERT_REQUIRE);
 *  - the certificate verify function is the only check, and is strict: the
 *    SHA-256 of the peer's SubjectPublicKeyInfo must equal the SHA-256 of
 *    the public key configured for the site (compared in constant time);
 *    TLS 1.3's CertificateVerify proves the peer holds the private key.
 *
 * ALPN is mandatory: "keg/3" (byte kegs may be compressed too) preferred,
 * then "keg/2" (packet kegs may be compressed) and "keg/1", for a peer
 * that knows only those (headers/keg_wire.h); no session tickets, so no resumption and no
 * 0-RTT (it can be replayed). Functions return 0 or a negative errno and
 * never print.
 */
#ifndef KEGD_TLS_PIN_H
#define KEGD_TLS_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>
#include <ngtcp2/ngtcp2_crypto.h>

#include "site_key.h"

#define KEG_PIN_LEN      32      /* SHA-256 */

/* The pin of a raw public key: SHA-256 of its SubjectPublicKeyInfo. */
int keg_pubkey_pin(const uint8_t key[KEG_KEY_LEN], uint8_t pin[KEG_PIN_LEN]);

/* This site's identity: its key and the certificate made from it. */
struct keg_tls_id {
	gnutls_certificate_credentials_t cred;
	uint8_t pubkey[KEG_KEY_LEN];
};

/* Load the key in `path` and make its certificate (valid from a day ago
 * for ten years; the peer checks only the key). */
int  keg_tls_id_load(struct keg_tls_id *id, const char *path);
void keg_tls_id_free(struct keg_tls_id *id);

/* Why a handshake was refused (keg_tls.refused). */
enum keg_tls_refusal {
	KEG_TLS_OK = 0,
	KEG_TLS_NO_CERT,        /* the peer presented no certificate */
	KEG_TLS_BAD_CERT,       /* it could not be parsed */
	KEG_TLS_WRONG_KEY,      /* a key other than the pinned one */
};

/* One TLS session of one QUIC connection. conn_ref must stay the first
 * member: ngtcp2's GnuTLS backend finds it with gnutls_session_get_ptr(). */
struct keg_tls {
	ngtcp2_crypto_conn_ref conn_ref;
	gnutls_session_t       session;
	uint8_t                peer_pin[KEG_PIN_LEN];
	enum keg_tls_refusal   refused;
};

/*
 * Set up the session of a client or server connection that accepts only
 * the peer whose public key is `peer_key`, offering keg/`wire` down to
 * keg/1 (0: from the newest, KEG_WIRE_NEWEST; lower: what a kegd from
 * before does, for tests and `kegd --wire N`). get_conn/user_data: how
 * ngtcp2's callbacks find the ngtcp2_conn (see ngtcp2_crypto_conn_ref).
 * The caller hands t->session to ngtcp2_conn_set_tls_native_handle().
 * -EINVAL, -ENOMEM, -EIO.
 */
int  keg_tls_init(struct keg_tls *t, const struct keg_tls_id *id, bool server,
		  const uint8_t peer_key[KEG_KEY_LEN], int wire,
		  ngtcp2_crypto_get_conn get_conn, void *user_data);
void keg_tls_deinit(struct keg_tls *t);

/* After the handshake: 0 if one of keg/3, keg/2, keg/1 was negotiated,
 * -EPROTO if not. */
int keg_tls_check_alpn(const struct keg_tls *t);

/* After the handshake: 3, 2 or 1 (the keg/N negotiated), or -EPROTO. */
int keg_tls_wire_version(const struct keg_tls *t);


#endif /* KEGD_TLS_PIN_H */
