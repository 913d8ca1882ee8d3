// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* addr.c - see addr.h */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

unsigned int keg_addr_maxlen(const struct keg_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

/* Parse "ADDR" or "ADDR/LEN" into out; *has_len tells which. The length
 * must be plain decimal digits without sign or spaces. */
static int parse_any(const char *s, struct keg_addr *out, bool *has_len,
		     struct keg_err *err)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen = 0;
	const char *p;

	memset(out, 0, sizeof(*out));
	if (hlen == 0 || hlen >= sizeof(host))
		return keg_err_set(err, -EINVAL, "%s: not an IPv4 or IPv6 address", s);
	memcpy(host, s, hlen);
	host[hlen] = '\0';

	if (inet_pton(AF_INET, host, out->bytes) == 1) {
		out->family = AF_INET;
	} else if (inet_pton(AF_INET6, host, out->bytes) == 1) {
		out->family = AF_INET6;
	} else {
		return keg_err_set(err, -EINVAL, "%s: not an IPv4 or IPv6 address", s);
	}
	out->plen = keg_addr_maxlen(out);
	*has_len = slash != NULL;
	if (!slash)
		return 0;

	p = slash + 1;
	if (!*p || strlen(p) > 3)
		return keg_err_set(err, -EINVAL, "%s: bad prefix length", s);
	/* "/024" is no prefix length anyone writes on purpose. */
	if (p[0] == '0' && p[1])
		return keg_err_set(err, -EINVAL, "%s: prefix length with a leading zero", s);
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return keg_err_set(err, -EINVAL, "%s: bad prefix length", s);
		plen = plen * 10 + (unsigned long)(*p - '0');
	}
	if (plen > keg_addr_maxlen(out))
		return keg_err_set(err, -EINVAL, "%s: prefix length %lu is longer than %u",
				   s, plen, keg_addr_maxlen(out));
	out->plen = (uint8_t)plen;
	return 0;
}

int keg_addr_parse(const char *s, struct keg_addr *out, struct keg_err *err)
{
	bool has_len;
	int ret;

	ret = parse_any(s, out, &has_len, err);
	if (ret)
		return ret;
	if (out->plen != keg_addr_maxlen(out))
		return keg_err_set(err, -EINVAL,
				   "%s: a prefix, not a single address (only /%u is allowed)",
				   s, keg_addr_maxlen(out));
	return 0;
}

int keg_prefix_parse(const char *s, struct keg_addr *out, struct keg_err *err)
{
	char buf[KEG_ADDR_STRLEN];
	struct keg_addr fixed;
	bool has_len;
	int ret;

	ret = parse_any(s, out, &has_len, err);
	if (ret)
		return ret;
	if (!has_len)
		return keg_err_set(err, -EINVAL,
				   "%s: missing prefix length (write %s/LEN)", s, s);
	if (keg_prefix_has_host_bits(out)) {
		fixed = *out;
		keg_prefix_mask(&fixed);
		return keg_err_set(err, -EINVAL,
				   "%s has host bits set; did you mean %s?", s,
				   keg_prefix_str(&fixed, buf, sizeof(buf)));
	}
	return 0;
}

bool keg_prefix_has_host_bits(const struct keg_addr *p)
{
	struct keg_addr m = *p;

	keg_prefix_mask(&m);
	return memcmp(m.bytes, p->bytes, sizeof(m.bytes)) != 0;
}

void keg_prefix_mask(struct keg_addr *p)
{
	unsigned int i, plen = p->plen;

	for (i = 0; i < sizeof(p->bytes); i++) {
		if (plen >= 8) {
			plen -= 8;
			continue;
		}
		p->bytes[i] &= (uint8_t)(0xff00u >> plen);
		plen = 0;
	}
}

const char *keg_addr_str(const struct keg_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *keg_prefix_str(const struct keg_addr *p, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	keg_addr_str(p, host, sizeof(host));
	snprintf(buf, len, "%s/%u", host, p->plen);
	return buf;
}

int keg_addr_cmp(const struct keg_addr *a, const struct keg_addr *b)
{
	int c;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	c = memcmp(a->bytes, b->bytes, sizeof(a->bytes));
	if (c)
		return c < 0 ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return 0;
}

int keg_addr_qsort_cmp(const void *a, const void *b)
{
	return keg_addr_cmp(a, b);
}

/* ---- addresses that are no customer's -------------------------------------- */

struct special {
	uint8_t family, plen;
	uint8_t bytes[16];
	const char *what;
};

static const struct special specials[] = {
	{ AF_INET, 32, { 0 }, "the unspecified address" },
	{ AF_INET, 8, { 127 }, "loopback (127.0.0.0/8)" },
	{ AF_INET, 16, { 169, 254 }, "link-local (169.254.0.0/16)" },
	{ AF_INET, 4, { 224 }, "multicast (224.0.0.0/4)" },
	{ AF_INET, 32, { 255, 255, 255, 255 }, "the broadcast address" },
	{ AF_INET6, 128, { 0 }, "the unspecified address (::)" },
	{ AF_INET6, 128, { [15] = 1 }, "loopback (::1)" },
	{ AF_INET6, 10, { 0xfe, 0x80 }, "link-local (fe80::/10): keg would answer the hosts' own "
					 "duplicate-address probes" },
	{ AF_INET6, 8, { 0xff }, "multicast (ff00::/8)" },
	{ AF_INET6, 96, { [10] = 0xff, [11] = 0xff }, "IPv4-mapped (::ffff:0:0/96): use the IPv4 "
						       "address" },
};

/* Do the first n bits of a and b agree? */
static bool same_bits(const uint8_t *a, const uint8_t *b, unsigned int n)
{
	unsigned int full = n / 8, rest = n % 8;

	if (memcmp(a, b, full))
		return false;
	return !rest || !((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest)));
}

/* The special range p overlaps (p inside it, or it inside p), or NULL. */
static const struct special *overlap(const struct keg_addr *p)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
		const struct special *s = &specials[i];

		if (s->family == p->family &&
		    same_bits(s->bytes, p->bytes, s->plen < p->plen ? s->plen : p->plen))
			return s;
	}
	return NULL;
}

int keg_customer_addr_check(const struct keg_addr *a, struct keg_err *err)
{
	const struct special *s = overlap(a);
	char buf[KEG_ADDR_STRLEN];

	if (!s)
		return 0;
	return keg_err_set(err, -EINVAL, "%s cannot be a customer: it is %s",
			   keg_addr_str(a, buf, sizeof(buf)), s->what);
}

const char *keg_addr_special(const struct keg_addr *a)
{
	const struct special *s = overlap(a);

	return s ? s->what : NULL;
}

int keg_subnet_prefix_check(const struct keg_addr *p, struct keg_err *err)
{
	const struct special *s = overlap(p);
	char buf[KEG_ADDR_STRLEN];

	if (!s)
		return 0;
	return keg_err_set(err, -EINVAL, "%s cannot be proxied: it %s %s",
			   keg_prefix_str(p, buf, sizeof(buf)),
			   p->plen <= s->plen ? "covers" : "is in", s->what);
}
