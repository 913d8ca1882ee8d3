// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* site_edit.c - see site_edit.h */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "rate.h"
#include "cli.h"
#include "site_edit.h"
#include "site_key.h"
#include "sitemaps.h"

/* One layout, two spellings: the map's and kegd's parser's. */
_Static_assert(KEG_SITE_NAME_LEN == KEG_SITE_NAME_MAX + 1, "site name lengths differ");
_Static_assert(KEG_SITE_KEY_PATH == KEG_SITE_PATH_MAX + 1, "key path lengths differ");
_Static_assert(KEG_SITE_PUBKEY_LEN == KEG_KEY_LEN, "public key lengths differ");
_Static_assert(KEG_SITE_SCHED_LEN == KEG_SITE_SCHED_MAX + 1, "schedule lengths differ");

const char *site_addr_str(int family, const void *addr, unsigned int port, char *buf,
			  size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}

int site_parse(const struct site_words_in *in, const struct keg_site_conf *old,
	       struct keg_site *s, struct keg_err *err)
{
	char addr[INET6_ADDRSTRLEN + 8], rate[32], seg[16], pub[KEG_PUBKEY_B64];
	char z[16], gain[8];
	const char *w[24];
	bool local = old ? old->flags & KEG_SITE_F_LOCAL : in->local;
	const char *key = in->key, *pubkey = in->pubkey;
	const char *maxrate = in->maxrate, *segsize = in->segsize, *schedule = in->schedule;
	const char *compress = in->compress, *compress_gain = in->compress_gain;
	size_t n = 0;

	w[n++] = in->name;
	if (in->addr)
		w[n++] = in->addr;
	else
		w[n++] = old ? site_addr_str((int)old->family, old->addr, old->port, addr,
					     sizeof(addr)) : "";
	if (old) {
		if (!key && local)
			key = old->key_path;
		if (!pubkey && !local && !keg_pubkey_format(old->pubkey, pub))
			pubkey = pub;
		if (!maxrate)
			maxrate = old->maxrate_kbit ?
				  keg_rate_str(old->maxrate_kbit, rate, sizeof(rate)) : "none";
		if (!segsize) {
			snprintf(seg, sizeof(seg), "%u", old->segsize);
			segsize = seg;
		}
		if (!schedule && old->schedule[0])
			schedule = old->schedule;
		if (!compress)
			compress = keg_site_compress_str(old->compress, old->compress_level, z,
							 sizeof(z));
		if (!compress_gain && old->compress_gain) {
			snprintf(gain, sizeof(gain), "%u", old->compress_gain);
			compress_gain = gain;
		}
	}
	if (local)
		w[n++] = "local";
	if (key) {
		w[n++] = "key";
		w[n++] = key;
	}
	if (pubkey) {
		w[n++] = "pubkey";
		w[n++] = pubkey;
	}
	if (maxrate) {
		w[n++] = "maxrate";
		w[n++] = maxrate;
	}
	if (segsize) {
		w[n++] = "segsize";
		w[n++] = segsize;
	}
	if (schedule) {
		w[n++] = "schedule";
		w[n++] = schedule;
	}
	if (compress) {
		w[n++] = "compress";
		w[n++] = compress;
	}
	if (compress_gain) {
		w[n++] = "compress-gain";
		w[n++] = compress_gain;
	}
	return keg_site_parse((char *const *)w, n, s, err);
}

void site_from_conf(const struct keg_site_conf *c, struct keg_site *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->name, c->name, sizeof(s->name));
	s->name[sizeof(s->name) - 1] = 0;
	s->family = (int)c->family;
	memcpy(s->addr, c->addr, sizeof(s->addr));
	s->port = c->port;
	s->local = c->flags & KEG_SITE_F_LOCAL;
	memcpy(s->key_path, c->key_path, sizeof(s->key_path));
	s->key_path[sizeof(s->key_path) - 1] = 0;
	memcpy(s->pubkey, c->pubkey, sizeof(s->pubkey));
	s->maxrate_kbit = c->maxrate_kbit;
	s->segsize = c->segsize;
	s->compress = c->compress;
	s->compress_level = c->compress_level;
	s->compress_gain = c->compress_gain;
	memcpy(s->schedule, c->schedule, sizeof(s->schedule));
	s->schedule[sizeof(s->schedule) - 1] = 0;
}

void site_to_conf(const struct keg_site *s, struct keg_site_conf *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->name, s->name, sizeof(c->name));
	c->flags = s->local ? KEG_SITE_F_LOCAL : 0;
	c->family = (__u32)s->family;
	memcpy(c->addr, s->addr, sizeof(c->addr));
	c->port = s->port;
	c->maxrate_kbit = s->maxrate_kbit;
	c->segsize = s->segsize;
	c->compress = s->compress;
	c->compress_level = s->compress_level;
	c->compress_gain = s->compress_gain;
	memcpy(c->schedule, s->schedule, sizeof(c->schedule));
	memcpy(c->pubkey, s->pubkey, sizeof(c->pubkey));
	memcpy(c->key_path, s->key_path, sizeof(c->key_path));
}

int site_find(const struct keg_site_conf *v, const char *name)
{
	for (int i = 0; i < KEG_SITES_MAX; i++)
		if (v[i].used && !strncmp(v[i].name, name, KEG_SITE_NAME_LEN))
			return i;
	return -1;
}

int site_local(const struct keg_site_conf *v)
{
	for (int i = 0; i < KEG_SITES_MAX; i++)
		if (v[i].used && v[i].flags & KEG_SITE_F_LOCAL)
			return i;
	return -1;
}

int site_free_slot(const struct keg_site_conf *v, const char *name, struct keg_err *err)
{
	for (int i = 0; i < KEG_SITES_MAX; i++)
		if (!v[i].used)
			return i;
	return keg_err_set(err, -ENOSPC, "site %s: too many sites (%d at most)", name,
			   KEG_SITES_MAX);
}

int site_table_check(const struct keg_site_conf *v, int slot, const struct keg_site *s,
		     struct keg_err *err)
{
	static struct keg_site t[KEG_SITES_MAX];
	char others[256] = "";
	size_t n = 0, used = 0;
	int pass, i;

	keg_err_clear(err);
	/* The local site first, as keg_sites_check() (and kegd) expect. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < KEG_SITES_MAX; i++) {
			struct keg_site x;

			if (i == slot) {
				if (!s)
					continue;
				x = *s;
			} else if (v[i].used) {
				site_from_conf(&v[i], &x);
			} else {
				continue;
			}
			if (x.local != (pass == 0))
				continue;
			t[n++] = x;
			if (!x.local && used < sizeof(others))
				used += (size_t)snprintf(others + used, sizeof(others) - used,
							 "%s%s", used ? ", " : "", x.name);
		}
	}
	if (n && !t[0].local) {
		if (slot >= 0 && !s && v[slot].flags & KEG_SITE_F_LOCAL)
			return keg_err_set(err, -EINVAL, "site %s: the remote sites (%s) "
					   "belong to this gateway's own site; delete them "
					   "first", v[slot].name, others);
		return keg_err_set(err, -EINVAL, "site %s: define this gateway's own site "
				   "first (kegctl site add NAME ADDR --local --key FILE)",
				   s ? s->name : t[0].name);
	}
	return keg_sites_check(t, n, err);
}

/* The slots as they are; *have false (and v all free) when no site was
 * ever defined here. */
int site_load(struct cli_ctx *ctx, struct keg_sitemaps *m, struct keg_site_conf *v,
		bool *have)
{
	int ret;

	memset(v, 0, sizeof(*v) * KEG_SITES_MAX);
	*have = false;
	ret = keg_sitemaps_open(m, false, &ctx->err);
	if (ret == -ENOENT) {
		keg_err_clear(&ctx->err);
		return 0;
	}
	if (ret)
		return ret;
	*have = true;
	ret = keg_sites_read(m, v);
	if (ret)
		return cli_fail(ctx, ret, "reading the sites: %s", strerror(-ret));
	return 0;
}

/* The local site's key: absolute path stored (kegd runs elsewhere), its
 * public key read from the file now, so a bad key is refused here. */
int site_local_key(struct cli_ctx *ctx, struct keg_site *s)
{
	char abs[PATH_MAX], pub[KEG_PUBKEY_B64];
	struct stat st;
	int ret;

	if (!realpath(s->key_path, abs))
		return cli_fail(ctx, -errno, "site %s: key %s: %s", s->name, s->key_path,
				strerror(errno));
	if (strlen(abs) > KEG_SITE_PATH_MAX)
		return cli_fail(ctx, -ENAMETOOLONG, "site %s: key %s: path longer than %d",
				s->name, abs, KEG_SITE_PATH_MAX);
	ret = keg_key_pubkey(abs, pub);
	/* -EACCES is also the library's word for a key others may read. */
	if (ret == -EACCES && !stat(abs, &st) && st.st_mode & 077)
		return cli_fail(ctx, ret, "site %s: key %s: mode %04o: group or others may "
				"read it; refused (chmod 600 it)", s->name, abs,
				st.st_mode & 07777);
	if (ret == -EINVAL)
		return cli_fail(ctx, ret, "site %s: key %s: not a site key (as 'kegctl keygen' "
				"writes)", s->name, abs);
	if (!ret)
		ret = keg_pubkey_parse(pub, s->pubkey);
	if (ret)
		return cli_fail(ctx, ret, "site %s: key %s: %s", s->name, abs, strerror(-ret));
	strcpy(s->key_path, abs);
	return 0;
}

int site_write_slot(struct cli_ctx *ctx, struct keg_sitemaps *m, bool have, int slot,
		      const struct keg_site *s)
{
	struct keg_site_conf c;
	int ret;

	if (!have) {
		ret = keg_sitemaps_open(m, true, &ctx->err);
		if (ret)
			return ret;
	}
	site_to_conf(s, &c);
	ret = keg_site_write(m, (unsigned int)slot, &c);
	if (ret)
		return cli_fail(ctx, ret, "site %s: writing slot %d: %s", s->name, slot,
				strerror(-ret));
	return 0;
}
