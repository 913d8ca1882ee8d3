/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * site_conf.h - sites as operators write them (HyperIP's "Site Add",
 * WireGuard's keys), for `kegctl site add|set` and `site` lines of
 * `kegctl apply` files. Pure: words in, a struct keg_site or -EINVAL with
 * one line in *err naming the word at fault; nothing is read from disk.
 *
 *   site NAME ADDR[:PORT] local key FILE [maxrate RATE] [segsize BYTES]
 *   site NAME ADDR[:PORT] pubkey KEY     [maxrate RATE] [segsize BYTES]
 *        [schedule RULES] [compress zstd[:LEVEL]|lz4|off] [compress-gain PCT]
 *
 * Option words may also be written `--local`, `--key`, ... (the CLI's
 * spelling). ADDR is IPv4 or IPv6 (`[2001:db8::1]:3919` with a port);
 * PORT defaults to 3919, Segsize to 32768; RATE in tc units (`50mbit`,
 * `none` for no cap, the default),
 * BYTES in keg_size_parse() units (`32k`). RULES: one word, the site's
 * MaxRate by time of day as keg_sched_parse_maxrate() reads it ("mon-fri
 * 08:00-18:00 maxrate 50mbit; * maxrate 200mbit"; "none" for none); the
 * rule in force replaces maxrate. compress: how kegs to the site are
 * compressed (default zstd level 1; lz4; off), compress-gain: the % a keg
 * must shrink by to go out compressed (default 10; keg_compress.h). The
 * local site is the first defined (keg_sites_check()).
 */
#ifndef KEGD_SITE_CONF_H
#define KEGD_SITE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "err.h"
#include "keg_site.h"
#include "site_key.h"

#define KEG_SITE_NAME_MAX 31
#define KEG_SITE_PATH_MAX 255
#define KEG_SITE_SCHED_MAX 255

struct keg_site {
	char     name[KEG_SITE_NAME_MAX + 1];
	int      family;                 /* AF_INET or AF_INET6 */
	uint8_t  addr[16];               /* network order; IPv4 in the first 4 */
	uint16_t port;                   /* host order */
	bool     local;
	char     key_path[KEG_SITE_PATH_MAX + 1];   /* local: the private key file */
	uint8_t  pubkey[KEG_KEY_LEN];               /* remote: the pinned key */
	uint32_t maxrate_kbit;           /* 0: no cap */
	uint32_t segsize;
	char     schedule[KEG_SITE_SCHED_MAX + 1];  /* MaxRate rules; "" none */
	uint8_t  compress;               /* KEG_COMPRESS_* (keg_site.h) */
	uint8_t  compress_level;         /* zstd: 1..19; else 0 */
	uint8_t  compress_gain;          /* % 1..90 */
};

/* words[0..n): NAME ADDR[:PORT] options... (without the leading "site"). */
int keg_site_parse(char *const *words, size_t n, struct keg_site *s, struct keg_err *err);

/* One line: "site NAME ..." split on blanks; a '#' starts a comment. */
int keg_site_parse_line(const char *line, struct keg_site *s, struct keg_err *err);

/* A whole set: exactly one local site and it comes first, names unique,
 * no two remote sites at the same address and port. */
int keg_sites_check(const struct keg_site *v, size_t n, struct keg_err *err);

/* "zstd:1", "lz4", "off" (as `compress` reads it back). */
const char *keg_site_compress_str(unsigned int codec, unsigned int level, char *buf,
				  size_t len);

/* The site's address as a sockaddr (for kq_conn_new / kq_udp_socket). */
socklen_t keg_site_sockaddr(const struct keg_site *s, struct sockaddr_storage *ss);

/* The same from its parts (a pinned struct keg_site_conf holds them too). */
socklen_t keg_sockaddr_make(int family, const uint8_t addr[16], uint16_t port,
			    struct sockaddr_storage *ss);

#endif /* KEGD_SITE_CONF_H */
