// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * site_conf.c - site definitions from words and lines (site_conf.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg_site.h"
#include "keg_wire.h"
#include "rate.h"
#include "schedule.h"
#include "site_conf.h"

static int bad_name(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len > KEG_SITE_NAME_MAX || !isalpha((unsigned char)n[0]))
		return 1;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)n[i]) && n[i] != '-' && n[i] != '_')
			return 1;
	return 0;
}

static int parse_port(const char *p, uint16_t *port)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	v = strtol(p, &end, 10);
	if (*end || v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* 1.2.3.4  1.2.3.4:3919  2001:db8::1  [2001:db8::1]  [2001:db8::1]:3919 */
static int parse_addr(const char *w, struct keg_site *s)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *h = w, *e;
	size_t hl;

	s->port = KEG_UDP_PORT;
	if (w[0] == '[') {
		e = strchr(w, ']');
		if (!e || (e[1] && e[1] != ':'))
			return -EINVAL;
		h = w + 1;
		hl = (size_t)(e - h);
		if (e[1] == ':')
			port = e + 2;
	} else if (strchr(w, ':') && strchr(w, ':') == strrchr(w, ':')) {
		e = strchr(w, ':');             /* one colon: IPv4 with a port */
		hl = (size_t)(e - w);
		port = e + 1;
	} else {
		hl = strlen(w);
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = 0;
	memset(s->addr, 0, sizeof(s->addr));
	if (inet_pton(AF_INET, host, s->addr) == 1 && w[0] != '[')
		s->family = AF_INET;
	else if (inet_pton(AF_INET6, host, s->addr) == 1)
		s->family = AF_INET6;
	else
		return -EINVAL;
	return port ? parse_port(port, &s->port) : 0;
}

static const char *opt(const char *w)
{
	return strncmp(w, "--", 2) ? w : w + 2;
}

/* zstd  zstd:LEVEL  lz4  off */
static int parse_compress(const char *v, struct keg_site *s, struct keg_err *err)
{
	char *end;
	long l;

	if (!strcmp(v, "off") || !strcmp(v, "lz4")) {
		s->compress = v[0] == 'o' ? KEG_COMPRESS_OFF : KEG_COMPRESS_LZ4;
		s->compress_level = 0;
		return 0;
	}
	if (strncmp(v, "zstd", 4) || (v[4] && v[4] != ':'))
		return keg_err_set(err, -EINVAL, "site %s: compress '%s' is none of "
				   "zstd[:LEVEL], lz4, off", s->name, v);
	s->compress = KEG_COMPRESS_ZSTD;
	s->compress_level = KEG_COMPRESS_LEVEL_DEFAULT;
	if (!v[4])
		return 0;
	errno = 0;
	l = strtol(v + 5, &end, 10);
	if (!isdigit((unsigned char)v[5]) || *end || errno || l < 1 ||
	    l > KEG_COMPRESS_LEVEL_MAX)
		return keg_err_set(err, -EINVAL, "site %s: compress '%s': a zstd level is "
				   "1-%d", s->name, v, KEG_COMPRESS_LEVEL_MAX);
	s->compress_level = (uint8_t)l;
	return 0;
}

/* 1..90, a '%' allowed after it */
static int parse_gain(const char *v, struct keg_site *s, struct keg_err *err)
{
	char *end;
	long g;

	errno = 0;
	g = strtol(v, &end, 10);
	if (*end == '%')
		end++;
	if (!isdigit((unsigned char)v[0]) || *end || errno || g < 1 ||
	    g > KEG_COMPRESS_GAIN_MAX)
		return keg_err_set(err, -EINVAL, "site %s: compress-gain '%s' is not a "
				   "percentage of 1-%d", s->name, v,
				   KEG_COMPRESS_GAIN_MAX);
	s->compress_gain = (uint8_t)g;
	return 0;
}

const char *keg_site_compress_str(unsigned int codec, unsigned int level, char *buf,
				  size_t len)
{
	if (codec == KEG_COMPRESS_OFF)
		snprintf(buf, len, "off");
	else if (codec == KEG_COMPRESS_LZ4)
		snprintf(buf, len, "lz4");
	else
		snprintf(buf, len, "zstd:%u", level ? level : KEG_COMPRESS_LEVEL_DEFAULT);
	return buf;
}

int keg_site_parse(char *const *words, size_t n, struct keg_site *s, struct keg_err *err)
{
	bool have_rate = false, have_seg = false, have_key = false, have_pub = false;
	bool have_sched = false, have_z = false, have_gain = false;
	int rc;

	memset(s, 0, sizeof(*s));
	keg_err_clear(err);
	if (n < 2)
		return keg_err_set(err, -EINVAL, "site: expected NAME ADDR[:PORT] and options");
	if (bad_name(words[0]))
		return keg_err_set(err, -EINVAL, "site '%.*s%s': a name is 1-%d letters, digits, "
				   "'-' or '_', starting with a letter", KEG_SITE_NAME_MAX + 1,
				   words[0], strlen(words[0]) > KEG_SITE_NAME_MAX + 1 ? "..." : "",
				   KEG_SITE_NAME_MAX);
	strcpy(s->name, words[0]);
	if (parse_addr(words[1], s))
		return keg_err_set(err, -EINVAL, "site %s: '%s' is not ADDR[:PORT] (IPv6 with a "
				   "port as [ADDR]:PORT)", s->name, words[1]);
	s->segsize = KEG_SEGSIZE_DEFAULT;
	s->compress = KEG_COMPRESS_ZSTD;
	s->compress_level = KEG_COMPRESS_LEVEL_DEFAULT;
	s->compress_gain = KEG_COMPRESS_GAIN_DEFAULT;
	for (size_t i = 2; i < n; i++) {
		const char *o = opt(words[i]);
		const char *v = i + 1 < n ? words[i + 1] : NULL;

		if (!strcmp(o, "local")) {
			if (s->local)
				return keg_err_set(err, -EINVAL, "site %s: 'local' twice", s->name);
			s->local = true;
			continue;
		}
		if (strcmp(o, "key") && strcmp(o, "pubkey") && strcmp(o, "maxrate") &&
		    strcmp(o, "segsize") && strcmp(o, "schedule") && strcmp(o, "compress") &&
		    strcmp(o, "compress-gain"))
			return keg_err_set(err, -EINVAL, "site %s: unknown option '%s'", s->name,
					   words[i]);
		if (!v)
			return keg_err_set(err, -EINVAL, "site %s: '%s' needs a value", s->name,
					   words[i]);
		i++;
		if (!strcmp(o, "key")) {
			if (have_key)
				return keg_err_set(err, -EINVAL, "site %s: 'key' twice", s->name);
			if (!*v || strlen(v) > KEG_SITE_PATH_MAX)
				return keg_err_set(err, -EINVAL, "site %s: key file name '%s' is "
						   "empty or too long", s->name, v);
			strcpy(s->key_path, v);
			have_key = true;
		} else if (!strcmp(o, "pubkey")) {
			if (have_pub)
				return keg_err_set(err, -EINVAL, "site %s: 'pubkey' twice", s->name);
			if (keg_pubkey_parse(v, s->pubkey))
				return keg_err_set(err, -EINVAL, "site %s: '%s' is not a public key "
						   "(44 base64 characters, as `kegctl pubkey` "
						   "prints)", s->name, v);
			have_pub = true;
		} else if (!strcmp(o, "maxrate")) {
			if (have_rate)
				return keg_err_set(err, -EINVAL, "site %s: 'maxrate' twice", s->name);
			/* "none": no cap, so `site set --maxrate none` can lift one. */
			rc = strcmp(v, "none") ? keg_rate_parse(v, &s->maxrate_kbit, err) : 0;
			if (rc)
				return keg_err_prefix(err, rc, "site %s: maxrate", s->name);
			have_rate = true;
		} else if (!strcmp(o, "compress")) {
			if (have_z)
				return keg_err_set(err, -EINVAL, "site %s: 'compress' twice", s->name);
			have_z = true;
			rc = parse_compress(v, s, err);
			if (rc)
				return rc;
		} else if (!strcmp(o, "compress-gain")) {
			if (have_gain)
				return keg_err_set(err, -EINVAL, "site %s: 'compress-gain' twice",
						   s->name);
			have_gain = true;
			rc = parse_gain(v, s, err);
			if (rc)
				return rc;
		} else if (!strcmp(o, "schedule")) {
			struct keg_sched sched;

			if (have_sched)
				return keg_err_set(err, -EINVAL, "site %s: 'schedule' twice", s->name);
			have_sched = true;
			if (!strcmp(v, "none"))
				continue;
			if (strlen(v) > KEG_SITE_SCHED_MAX)
				return keg_err_set(err, -EINVAL, "site %s: schedule longer than %d "
						   "characters", s->name, KEG_SITE_SCHED_MAX);
			rc = keg_sched_parse_maxrate(v, &sched, err);
			if (rc)
				return keg_err_prefix(err, rc, "site %s: schedule", s->name);
			strcpy(s->schedule, v);
		} else {
			if (have_seg)
				return keg_err_set(err, -EINVAL, "site %s: 'segsize' twice", s->name);
			rc = keg_size_parse(v, &s->segsize, err);
			if (rc)
				return keg_err_prefix(err, rc, "site %s: segsize", s->name);
			if (s->segsize < KEG_SEGSIZE_MIN || s->segsize > KEG_SEGSIZE_MAX)
				return keg_err_set(err, -EINVAL, "site %s: segsize %s is outside "
						   "%u-%u bytes", s->name, v, KEG_SEGSIZE_MIN,
						   KEG_SEGSIZE_MAX);
			have_seg = true;
		}
	}
	if (s->local && !have_key)
		return keg_err_set(err, -EINVAL, "site %s: a local site needs 'key FILE'", s->name);
	if (s->local && have_pub)
		return keg_err_set(err, -EINVAL, "site %s: a local site has a key file, not a "
				   "pubkey", s->name);
	if (!s->local && !have_pub)
		return keg_err_set(err, -EINVAL, "site %s: a remote site needs 'pubkey KEY'",
				   s->name);
	if (!s->local && have_key)
		return keg_err_set(err, -EINVAL, "site %s: 'key' is for the local site; a "
				   "remote site has a pubkey", s->name);
	return 0;
}

#define MAX_WORDS 24

int keg_site_parse_line(const char *line, struct keg_site *s, struct keg_err *err)
{
	char buf[1024], *words[MAX_WORDS], *save = NULL, *w, *hash;
	size_t n = 0;

	if (strlen(line) >= sizeof(buf))
		return keg_err_set(err, -EINVAL, "site: line too long");
	strcpy(buf, line);
	hash = strchr(buf, '#');
	if (hash)
		*hash = 0;
	for (w = strtok_r(buf, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_WORDS)
			return keg_err_set(err, -EINVAL, "site: too many words");
		words[n++] = w;
	}
	if (n == 0 || strcmp(words[0], "site"))
		return keg_err_set(err, -EINVAL, "not a site line");
	return keg_site_parse(words + 1, n - 1, s, err);
}

int keg_sites_check(const struct keg_site *v, size_t n, struct keg_err *err)
{
	keg_err_clear(err);
	if (n && !v[0].local)
		return keg_err_set(err, -EINVAL, "site %s: the first site defined is this "
				   "gateway's own (local)", v[0].name);
	for (size_t i = 0; i < n; i++) {
		if (i && v[i].local)
			return keg_err_set(err, -EINVAL, "site %s: only one local site (%s is)",
					   v[i].name, v[0].name);
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(v[i].name, v[j].name))
				return keg_err_set(err, -EINVAL, "site %s: defined twice",
						   v[i].name);
			if (!v[i].local && !v[j].local && v[i].family == v[j].family &&
			    v[i].port == v[j].port && !memcmp(v[i].addr, v[j].addr, 16))
				return keg_err_set(err, -EINVAL, "site %s: same address and "
						   "port as site %s", v[i].name, v[j].name);
		}
	}
	return 0;
}

socklen_t keg_sockaddr_make(int family, const uint8_t addr[16], uint16_t port,
			    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		memcpy(&a->sin_addr, addr, 4);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	memcpy(&a->sin6_addr, addr, 16);
	return sizeof(*a);
}

socklen_t keg_site_sockaddr(const struct keg_site *s, struct sockaddr_storage *ss)
{
	return keg_sockaddr_make(s->family, s->addr, s->port, ss);
}
