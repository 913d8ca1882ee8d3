// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * site_key.c - site key files and public key lines (see site_key.h).
 * GnuTLS only for the key arithmetic: kegctl links this without QUIC.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "site_key.h"

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int pub_b64(gnutls_pubkey_t pub, char out[KEG_PUBKEY_B64])
{
	gnutls_datum_t x = { NULL, 0 }, b = { NULL, 0 };
	gnutls_ecc_curve_t curve;
	int err = -EINVAL;

	if (gnutls_pubkey_export_ecc_raw2(pub, &curve, &x, NULL, 0) < 0)
		return -EINVAL;
	if (curve != GNUTLS_ECC_CURVE_ED25519 || x.size != KEG_KEY_LEN)
		goto out;
	if (gnutls_base64_encode2(&x, &b) < 0 || b.size != KEG_PUBKEY_B64 - 1) {
		err = -EIO;
		goto out;
	}
	memcpy(out, b.data, b.size);
	out[b.size] = 0;
	err = 0;
out:
	gnutls_free(x.data);
	gnutls_free(b.data);
	return err;
}

int keg_key_pub_b64(gnutls_x509_privkey_t xkey, char out[KEG_PUBKEY_B64])
{
	gnutls_privkey_t pk = NULL;
	gnutls_pubkey_t pub = NULL;
	int err = -EIO;

	if (gnutls_privkey_init(&pk) < 0 || gnutls_pubkey_init(&pub) < 0)
		goto out;
	if (gnutls_privkey_import_x509(pk, xkey, 0) < 0 ||
	    gnutls_pubkey_import_privkey(pub, pk, 0, 0) < 0)
		goto out;
	err = pub_b64(pub, out);
out:
	gnutls_pubkey_deinit(pub);
	gnutls_privkey_deinit(pk);
	return err;
}

int keg_key_generate(const char *path, char out[KEG_PUBKEY_B64])
{
	gnutls_x509_privkey_t xkey = NULL;
	gnutls_datum_t pem = { NULL, 0 };
	int fd, err = -EIO;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (gnutls_x509_privkey_init(&xkey) < 0 ||
	    gnutls_x509_privkey_generate(xkey, GNUTLS_PK_EDDSA_ED25519, 0, 0) < 0 ||
	    gnutls_x509_privkey_export2_pkcs8(xkey, GNUTLS_X509_FMT_PEM, NULL,
					      GNUTLS_PKCS_PLAIN, &pem) < 0)
		goto fail;
	/* umask cannot widen 0600, but an inherited ACL default could. */
	if (fchmod(fd, 0600) < 0) {
		err = -errno;
		goto fail;
	}
	err = write_all(fd, pem.data, pem.size);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (!err)
		err = keg_key_pub_b64(xkey, out);
	if (err)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		err = -errno;
		goto fail;
	}
	gnutls_free(pem.data);
	gnutls_x509_privkey_deinit(xkey);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(path);
	gnutls_free(pem.data);
	gnutls_x509_privkey_deinit(xkey);
	return err;
}

/* Read the key file; refuse one that group or others may read. */
int keg_key_load(const char *path, gnutls_x509_privkey_t *out)
{
	gnutls_datum_t data = { NULL, 0 };
	gnutls_x509_privkey_t xkey = NULL;
	struct stat st;
	int fd, err;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (st.st_mode & 077) {
		err = -EACCES;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > 16384) {
		err = -EINVAL;
		goto out;
	}
	data.data = gnutls_malloc((size_t)st.st_size);
	if (!data.data) {
		err = -ENOMEM;
		goto out;
	}
	n = read(fd, data.data, (size_t)st.st_size);
	if (n != st.st_size) {
		err = n < 0 ? -errno : -EIO;
		goto out;
	}
	data.size = (unsigned int)n;
	err = -EINVAL;
	if (gnutls_x509_privkey_init(&xkey) < 0)
		goto out;
	if (gnutls_x509_privkey_import2(xkey, &data, GNUTLS_X509_FMT_PEM, NULL,
					GNUTLS_PKCS_PLAIN) < 0 ||
	    gnutls_x509_privkey_get_pk_algorithm2(xkey, NULL) != GNUTLS_PK_EDDSA_ED25519) {
		gnutls_x509_privkey_deinit(xkey);
		goto out;
	}
	*out = xkey;
	err = 0;
out:
	if (data.data) {
		gnutls_memset(data.data, 0, (size_t)st.st_size);
		gnutls_free(data.data);
	}
	close(fd);
	return err;
}

int keg_key_pubkey(const char *path, char out[KEG_PUBKEY_B64])
{
	gnutls_x509_privkey_t xkey;
	int err = keg_key_load(path, &xkey);

	if (err)
		return err;
	err = keg_key_pub_b64(xkey, out);
	gnutls_x509_privkey_deinit(xkey);
	return err;
}

int keg_pubkey_parse(const char *b64, uint8_t key[KEG_KEY_LEN])
{
	gnutls_datum_t in, raw = { NULL, 0 }, again = { NULL, 0 };
	size_t len = strnlen(b64, KEG_PUBKEY_B64);
	int err = -EINVAL;

	if (len != KEG_PUBKEY_B64 - 1)
		return -EINVAL;
	in.data = (unsigned char *)b64;
	in.size = (unsigned int)len;
	if (gnutls_base64_decode2(&in, &raw) < 0 || raw.size != KEG_KEY_LEN)
		goto out;
	/* Canonical only: one spelling per key, so configs compare as strings. */
	if (gnutls_base64_encode2(&raw, &again) < 0 || again.size != len ||
	    memcmp(again.data, b64, len))
		goto out;
	memcpy(key, raw.data, KEG_KEY_LEN);
	err = 0;
out:
	gnutls_free(raw.data);
	gnutls_free(again.data);
	return err;
}

int keg_pubkey_format(const uint8_t key[KEG_KEY_LEN], char out[KEG_PUBKEY_B64])
{
	gnutls_datum_t raw = { (unsigned char *)key, KEG_KEY_LEN }, b = { NULL, 0 };
	int err = -EIO;

	if (gnutls_base64_encode2(&raw, &b) >= 0 && b.size == KEG_PUBKEY_B64 - 1) {
		memcpy(out, b.data, b.size);
		out[b.size] = 0;
		err = 0;
	}
	gnutls_free(b.data);
	return err;
}
