// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tls_pin.c - self-signed certificates and pinned-key verification for
 * keg's QUIC connections (see tls_pin.h); the key files are site_key.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>

#include "keg_wire.h"
#include "tls_pin.h"

/* TLS 1.3 only (QUIC requires it), AEADs ngtcp2 supports, no compat mode. */
static const char tls_priority[] =
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:"
	"+CHACHA20-POLY1305:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:"
	"%DISABLE_TLS13_COMPAT_MODE";

static int spki_pin(gnutls_pubkey_t pub, uint8_t pin[KEG_PIN_LEN])
{
	gnutls_datum_t der = { NULL, 0 };
	int err = 0;

	if (gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &der) < 0)
		return -EINVAL;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, pin) < 0)
		err = -EIO;
	gnutls_free(der.data);
	return err;
}

int keg_pubkey_pin(const uint8_t key[KEG_KEY_LEN], uint8_t pin[KEG_PIN_LEN])
{
	gnutls_datum_t x = { (unsigned char *)key, KEG_KEY_LEN };
	gnutls_pubkey_t pub;
	int err = -EINVAL;

	if (gnutls_pubkey_init(&pub) < 0)
		return -ENOMEM;
	if (gnutls_pubkey_import_ecc_raw(pub, GNUTLS_ECC_CURVE_ED25519, &x, NULL) >= 0)
		err = spki_pin(pub, pin);
	gnutls_pubkey_deinit(pub);
	return err;
}

/*
 * The only check of the peer, run by GnuTLS during the handshake on both
 * sides: exactly the pinned key, nothing else is trusted (no CA, no name,
 * no dates). A non-zero return aborts the handshake.
 */
static int verify_pinned(gnutls_session_t session)
{
	struct keg_tls *t = gnutls_session_get_ptr(session);
	const gnutls_datum_t *certs;
	unsigned int n = 0;
	gnutls_pubkey_t pub;
	uint8_t pin[KEG_PIN_LEN];
	int ok = 0;

	if (!t)
		return -1;
	certs = gnutls_certificate_get_peers(session, &n);
	if (!certs || n == 0) {
		t->refused = KEG_TLS_NO_CERT;
		return -1;
	}
	if (gnutls_pubkey_init(&pub) < 0) {
		t->refused = KEG_TLS_BAD_CERT;
		return -1;
	}
	if (gnutls_pubkey_import_x509_raw(pub, &certs[0], GNUTLS_X509_FMT_DER, 0) < 0 ||
	    spki_pin(pub, pin) < 0) {
		t->refused = KEG_TLS_BAD_CERT;
	} else if (gnutls_memcmp(pin, t->peer_pin, KEG_PIN_LEN) != 0) {
		t->refused = KEG_TLS_WRONG_KEY;
	} else {
		ok = 1;
	}
	gnutls_pubkey_deinit(pub);
	return ok ? 0 : -1;
}

int keg_tls_id_load(struct keg_tls_id *id, const char *path)
{
	gnutls_x509_privkey_t xkey = NULL;
	gnutls_x509_crt_t crt = NULL;
	char b64[KEG_PUBKEY_B64];
	uint8_t serial[16];
	time_t now = time(NULL);
	int err;

	memset(id, 0, sizeof(*id));
	err = keg_key_load(path, &xkey);
	if (err)
		return err;
	err = keg_key_pub_b64(xkey, b64);
	if (!err)
		err = keg_pubkey_parse(b64, id->pubkey);
	if (err)
		goto out;
	err = -EIO;
	if (gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)) < 0)
		goto out;
	serial[0] &= 0x7f;     /* a positive INTEGER */
	if (gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) < 0 ||
	    gnutls_x509_crt_set_activation_time(crt, now - 86400) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt, now + 10 * 365 * 86400L) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "keg", 3) < 0 ||
	    gnutls_x509_crt_set_key(crt, xkey) < 0 ||
	    gnutls_x509_crt_sign2(crt, crt, xkey, GNUTLS_DIG_SHA512, 0) < 0)
		goto out;
	if (gnutls_certificate_allocate_credentials(&id->cred) < 0)
		goto out;
	if (gnutls_certificate_set_x509_key(id->cred, &crt, 1, xkey) < 0) {
		gnutls_certificate_free_credentials(id->cred);
		id->cred = NULL;
		goto out;
	}
	gnutls_certificate_set_verify_function(id->cred, verify_pinned);
	err = 0;
out:
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(xkey);
	return err;
}

void keg_tls_id_free(struct keg_tls_id *id)
{
	if (id->cred)
		gnutls_certificate_free_credentials(id->cred);
	id->cred = NULL;
}

/* The protocols, newest first: keg/N is alpn[KEG_WIRE_NEWEST - N]. */
static const gnutls_datum_t alpn[KEG_WIRE_NEWEST] = {
	{ (unsigned char *)KEG_ALPN_V3, sizeof(KEG_ALPN_V3) - 1 },
	{ (unsigned char *)KEG_ALPN_V2, sizeof(KEG_ALPN_V2) - 1 },
	{ (unsigned char *)KEG_ALPN, sizeof(KEG_ALPN) - 1 },
};

/* Set once per session: GnuTLS 3.7 appends to the count of a list set
 * before instead of replacing it. */
static int set_alpn(struct keg_tls *t, int newest)
{
	if (newest < 1 || newest > KEG_WIRE_NEWEST)
		return -EINVAL;
	return gnutls_alpn_set_protocols(t->session, alpn + (KEG_WIRE_NEWEST - newest),
					 (unsigned int)newest, GNUTLS_ALPN_MANDATORY) < 0 ?
	       -EIO : 0;
}

int keg_tls_init(struct keg_tls *t, const struct keg_tls_id *id, bool server,
		 const uint8_t peer_key[KEG_KEY_LEN], int wire,
		 ngtcp2_crypto_get_conn get_conn, void *user_data)
{
	/* No tickets: no resumption, so never 0-RTT. */
	unsigned int flags = (server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NO_TICKETS;
	int err;

	memset(t, 0, sizeof(*t));
	t->conn_ref.get_conn = get_conn;
	t->conn_ref.user_data = user_data;
	err = keg_pubkey_pin(peer_key, t->peer_pin);
	if (err)
		return err;
	if (gnutls_init(&t->session, flags) < 0)
		return -ENOMEM;
	err = server ? ngtcp2_crypto_gnutls_configure_server_session(t->session)
		     : ngtcp2_crypto_gnutls_configure_client_session(t->session);
	if (err ||
	    gnutls_priority_set_direct(t->session, tls_priority, NULL) < 0 ||
	    gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, id->cred) < 0 ||
	    set_alpn(t, wire ? wire : KEG_WIRE_NEWEST)) {
		keg_tls_deinit(t);
		return -EIO;
	}
	if (server)
		gnutls_certificate_server_set_request(t->session, GNUTLS_CERT_REQUIRE);
	gnutls_session_set_ptr(t->session, &t->conn_ref);
	return 0;
}

void keg_tls_deinit(struct keg_tls *t)
{
	if (t->session)
		gnutls_deinit(t->session);
	t->session = NULL;
}

int keg_tls_wire_version(const struct keg_tls *t)
{
	gnutls_datum_t p;

	if (gnutls_alpn_get_selected_protocol(t->session, &p) < 0)
		return -EPROTO;
	for (int i = 0; i < KEG_WIRE_NEWEST; i++)
		if (p.size == alpn[i].size && !memcmp(p.data, alpn[i].data, p.size))
			return KEG_WIRE_NEWEST - i;
	return -EPROTO;
}

int keg_tls_check_alpn(const struct keg_tls *t)
{
	return keg_tls_wire_version(t) < 0 ? -EPROTO : 0;
}
