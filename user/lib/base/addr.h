/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * addr.h - IPv4/IPv6 address and prefix parsing and formatting.
 *
 * Pure functions: no I/O, no allocation, no global state. An address is a
 * struct keg_addr holding the family, the bytes in network order (IPv4 in
 * bytes[0..3], the rest zero) and a prefix length (32/128 for a single
 * address).
 *
 * keg_addr_parse("10.1.2.5")     -> 10.1.2.5/32; "10.1.2.5/32" also accepted
 * keg_addr_parse("10.1.2.0/24")  -> -EINVAL "... is a prefix, not a single address"
 * keg_prefix_parse("10.1.2.0/24")-> 10.1.2.0/24
 * keg_prefix_parse("10.1.2.5/24")-> -EINVAL "10.1.2.5/24 has host bits set;
 *                                   did you mean 10.1.2.0/24?"
 * keg_prefix_parse("10.1.2.0")   -> -EINVAL "... has no prefix length"
 *
 * On error the functions return -EINVAL and, if err is not NULL, describe
 * the problem in err->msg starting with the offending text, e.g.
 * "10.1.2.999: not an IPv4 or IPv6 address". *out is then unspecified.
 */
#ifndef KEG_ADDR_H
#define KEG_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "err.h"

struct keg_addr {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t plen;		/* prefix length; 32 or 128 for an address */
	uint8_t bytes[16];	/* network byte order, unused bytes zero */
};

/* Big enough for "ffff:...:ffff/128" and the terminating NUL. */
#define KEG_ADDR_STRLEN 52

int keg_addr_parse(const char *s, struct keg_addr *out, struct keg_err *err);
int keg_prefix_parse(const char *s, struct keg_addr *out, struct keg_err *err);

/* Bytes of address for the family: 4 or 16. */
static inline size_t keg_addr_len(const struct keg_addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

/* Maximum prefix length for the family: 32 or 128. */
unsigned int keg_addr_maxlen(const struct keg_addr *a);

/* True when the bits after plen are not all zero. */
bool keg_prefix_has_host_bits(const struct keg_addr *p);

/* Clear the bits after plen. */
void keg_prefix_mask(struct keg_addr *p);

/* Format "10.1.2.5" (address only) into buf of at least KEG_ADDR_STRLEN. */
const char *keg_addr_str(const struct keg_addr *a, char *buf, size_t len);

/* Format "10.1.2.0/24" (always with the length). */
const char *keg_prefix_str(const struct keg_addr *p, char *buf, size_t len);

/*
 * Addresses that cannot be a customer and prefixes that cannot be proxied:
 * unspecified (0.0.0.0, ::), loopback (127.0.0.0/8, ::1), multicast
 * (224.0.0.0/4, ff00::/8), broadcast (255.255.255.255), link-local
 * (169.254.0.0/16, fe80::/10: answering there would answer the hosts' own
 * duplicate-address probes) and IPv4-mapped IPv6 (::ffff:0:0/96, the same
 * host as its IPv4 address). A customer address inside any of them, or a
 * prefix that overlaps one, is refused: -EINVAL, err saying which and why.
 */
int keg_customer_addr_check(const struct keg_addr *a, struct keg_err *err);
int keg_subnet_prefix_check(const struct keg_addr *p, struct keg_err *err);
/* The same ranges, for any address: what a is ("loopback (127.0.0.0/8)"),
 * or NULL for an ordinary unicast address. */
const char *keg_addr_special(const struct keg_addr *a);

/* Total order: IPv4 before IPv6, then by bytes, then by prefix length.
 * Suitable for qsort() and bsearch() on arrays of struct keg_addr. */
int keg_addr_cmp(const struct keg_addr *a, const struct keg_addr *b);
int keg_addr_qsort_cmp(const void *a, const void *b);

#endif /* KEG_ADDR_H */
