// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* intercept_rules.c - rule text <-> spec <-> map encoding, and the trie
 * contents built from the rules (see intercept.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "intercept_rules.h"
#include "ports.h"

/* ---- parsing ------------------------------------------------------------ */

/* A bare IPv6 address whose last group could as well be a port
 * ("2001:db8::1:80": the address ...:1:80, or [2001:db8::1]:80?). */
static bool ipv6_port_ambiguous(const char *s)
{
	const char *last = strrchr(s, ':');
	struct in6_addr a;
	char head[128];
	size_t n;

	if (!last || last == s || !last[1] || strspn(last + 1, "0123456789") != strlen(last + 1))
		return false;
	n = (size_t)(last - s);
	if (n >= sizeof(head))
		return false;
	memcpy(head, s, n);
	head[n] = '\0';
	return inet_pton(AF_INET6, head, &a) == 1 && atoi(last + 1) <= 65535;
}

int keg_icpt_endpoint_parse(const char *s, struct keg_addr *p,
			    struct keg_port_spec *ports, struct keg_err *err)
{
	char buf[128];
	const char *ps = NULL;
	char *colon, *slash;
	int ret;

	memset(ports, 0, sizeof(*ports));
	if (!s || !*s)
		return keg_err_set(err, -EINVAL, "empty address");
	if (strlen(s) >= sizeof(buf))
		return keg_err_set(err, -EINVAL, "%.40s...: too long", s);
	snprintf(buf, sizeof(buf), "%s", s);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close)
			return keg_err_set(err, -EINVAL, "%s: missing ']'", s);
		*close = '\0';
		if (close[1] == ':')
			ps = close + 2;
		else if (close[1])
			return keg_err_set(err, -EINVAL, "%s: expected ':PORTS' after ']'", s);
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
	} else {
		slash = strchr(buf, '/');
		/* Ports follow the prefix length; an IPv4 address may have
		 * them directly. */
		colon = strchr(slash ? slash : buf, ':');
		if (colon && (slash || !strchr(colon + 1, ':')) &&
		    (slash || strchr(buf, '.'))) {
			*colon = '\0';
			ps = colon + 1;
		}
		if (!slash && !strchr(buf, '.') && ipv6_port_ambiguous(buf))
			return keg_err_set(err, -EINVAL,
					   "%s: ambiguous (an IPv6 address, or one with a port?): write [ADDR]:PORTS for ports, ADDR/128 for the address",
					   s);
	}
	if (strchr(buf, '/'))
		ret = keg_prefix_parse(buf, p, err);
	else
		ret = keg_addr_parse(buf, p, err);
	if (ret)
		return ret;
	if (ps) {
		if (!*ps)
			return keg_err_set(err, -EINVAL, "%s: empty port list after ':'", s);
		return keg_ports_parse(ps, ports, err);
	}
	return 0;
}

int keg_icpt_protos_parse(const char *s, uint8_t *out, struct keg_err *err)
{
	const char *p = s;

	*out = 0;
	if (!s || !*s)
		return keg_err_set(err, -EINVAL, "empty protocol list (tcp,udp,icmp or T, U, I)");
	if (!strcasecmp(s, "all") || !strcmp(s, "*")) {
		*out = KEG_ICPT_P_TCP | KEG_ICPT_P_UDP | KEG_ICPT_P_ICMP;
		return 0;
	}
	if (strspn(s, "TUI") == strlen(s)) {
		for (; *p; p++)
			*out |= *p == 'T' ? KEG_ICPT_P_TCP : *p == 'U' ? KEG_ICPT_P_UDP :
									  KEG_ICPT_P_ICMP;
		return 0;
	}
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == 3 && !strncasecmp(p, "tcp", 3))
			*out |= KEG_ICPT_P_TCP;
		else if (len == 3 && !strncasecmp(p, "udp", 3))
			*out |= KEG_ICPT_P_UDP;
		else if (len == 4 && !strncasecmp(p, "icmp", 4))
			*out |= KEG_ICPT_P_ICMP;
		else
			return keg_err_set(err, -EINVAL,
					   "%s: unknown protocol '%.*s' (tcp, udp, icmp, or letters T, U, I)",
					   s, (int)len, p);
		p += len;
		if (*p == ',') {
			p++;
			if (!*p)
				return keg_err_set(err, -EINVAL, "%s: trailing ','", s);
		}
	}
	return 0;
}

const char *keg_icpt_protos_str(uint8_t protos, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", protos & KEG_ICPT_P_TCP ? "tcp" : "",
		 (protos & KEG_ICPT_P_TCP) && (protos & 6) ? "," : "",
		 protos & KEG_ICPT_P_UDP ? "udp" : "",
		 (protos & KEG_ICPT_P_UDP) && (protos & KEG_ICPT_P_ICMP) ? "," : "",
		 protos & KEG_ICPT_P_ICMP ? "icmp" : "");
	return buf;
}

int keg_icpt_site_valid(const char *name, struct keg_err *err)
{
	const char *p;

	if (!name || !*name)
		return keg_err_set(err, -EINVAL, "empty site name");
	if (strlen(name) >= KEG_ICPT_SITE_NAME)
		return keg_err_set(err, -EINVAL, "%.*s...: site name longer than %d characters",
				   KEG_ICPT_SITE_NAME - 1, name, KEG_ICPT_SITE_NAME - 1);
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return keg_err_set(err, -EINVAL,
					   "%s: site names use letters, digits, '-', '_' and '.'",
					   name);
	return 0;
}

int keg_icpt_spec_parse(struct keg_icpt_spec *spec, const char *site,
			const char *src, const char *dst, const char *protos,
			const char *when_down, const char *match, struct keg_err *err)
{
	int ret;

	memset(spec, 0, sizeof(*spec));
	if (!site)
		return keg_err_set(err, -EINVAL, "--site is required");
	if (!src)
		return keg_err_set(err, -EINVAL, "--src is required");
	if (!dst)
		return keg_err_set(err, -EINVAL, "--dst is required");
	if (!protos)
		return keg_err_set(err, -EINVAL, "--proto is required");
	ret = keg_icpt_site_valid(site, err);
	if (ret)
		return ret;
	snprintf(spec->site, sizeof(spec->site), "%s", site);
	ret = keg_icpt_endpoint_parse(src, &spec->src, &spec->sport, err);
	if (ret)
		return keg_err_prefix(err, ret, "--src");
	ret = keg_icpt_endpoint_parse(dst, &spec->dst, &spec->dport, err);
	if (ret)
		return keg_err_prefix(err, ret, "--dst");
	if (spec->src.family != spec->dst.family)
		return keg_err_set(err, -EINVAL, "--src %s and --dst %s are not the same family",
				   src, dst);
	ret = keg_icpt_protos_parse(protos, &spec->protos, err);
	if (ret)
		return keg_err_prefix(err, ret, "--proto");
	if (spec->protos == KEG_ICPT_P_ICMP &&
	    (!keg_ports_any(&spec->sport) || !keg_ports_any(&spec->dport)))
		return keg_err_set(err, -EINVAL, "ports given for an ICMP-only rule (ICMP has no ports)");
	if (when_down && !strcmp(when_down, "block"))
		spec->block = true;
	else if (when_down && strcmp(when_down, "forward"))
		return keg_err_set(err, -EINVAL, "--when-down %s: not forward or block", when_down);
	if (match && !strcmp(match, "outer"))
		spec->match = KEG_ICPT_MATCH_OUTER;
	else if (match && strcmp(match, "inner"))
		return keg_err_set(err, -EINVAL, "--match %s: not inner or outer", match);
	return 0;
}

void keg_icpt_encode(const struct keg_icpt_spec *spec, uint32_t id, uint32_t site_id,
		     struct keg_icpt_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->flags = KEG_ICPT_F_USED | (spec->block ? KEG_ICPT_F_BLOCK : 0);
	/* A proxy's rule terminates its UDP too (keg_proxy.h). */
	if (((spec->protos & KEG_ICPT_P_TCP) || spec->proxy) && !spec->no_terminate)
		out->flags |= KEG_ICPT_F_TERMINATE;
	if (spec->fwd_at_limit)
		out->flags |= KEG_ICPT_F_FWD_AT_LIMIT;
	if (spec->proxy)
		out->flags |= KEG_ICPT_F_PROXY;
	out->site = site_id;
	out->protos = spec->protos;
	out->match = spec->match;
	out->family = spec->src.family == AF_INET ? 4 : 6;
	out->src_plen = spec->src.plen;
	out->dst_plen = spec->dst.plen;
	memcpy(out->src, spec->src.bytes, 16);
	memcpy(out->dst, spec->dst.bytes, 16);
	out->sport = spec->sport;
	out->dport = spec->dport;
}

void keg_icpt_decode(const struct keg_icpt_rule *r, struct keg_icpt_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->src.family = spec->dst.family = r->family == 4 ? AF_INET : AF_INET6;
	spec->src.plen = r->src_plen;
	spec->dst.plen = r->dst_plen;
	memcpy(spec->src.bytes, r->src, 16);
	memcpy(spec->dst.bytes, r->dst, 16);
	spec->sport = r->sport;
	spec->dport = r->dport;
	spec->protos = r->protos;
	spec->match = r->match;
	spec->block = !!(r->flags & KEG_ICPT_F_BLOCK);
	spec->no_terminate = (r->protos & KEG_ICPT_P_TCP) && !(r->flags & KEG_ICPT_F_TERMINATE);
	spec->fwd_at_limit = !!(r->flags & KEG_ICPT_F_FWD_AT_LIMIT);
	spec->proxy = !!(r->flags & KEG_ICPT_F_PROXY);
}

static const char *endpoint_str(const struct keg_addr *a, const struct keg_port_spec *p,
				char *buf, size_t len)
{
	char pb[128], ab[KEG_ADDR_STRLEN];

	keg_prefix_str(a, ab, sizeof(ab));
	if (keg_ports_any(p))
		snprintf(buf, len, "%s", ab);
	else
		snprintf(buf, len, "%s:%s", ab, keg_ports_str(p, pb, sizeof(pb)));
	return buf;
}

const char *keg_icpt_spec_str(const struct keg_icpt_spec *spec, char *buf, size_t len)
{
	char s[200], d[200], pr[32];

	snprintf(buf, len, "--site %s --src %s --dst %s --proto %s --when-down %s --match %s",
		 spec->site, endpoint_str(&spec->src, &spec->sport, s, sizeof(s)),
		 endpoint_str(&spec->dst, &spec->dport, d, sizeof(d)),
		 keg_icpt_protos_str(spec->protos, pr, sizeof(pr)),
		 spec->block ? "block" : "forward",
		 spec->match == KEG_ICPT_MATCH_OUTER ? "outer" : "inner");
	if (spec->no_terminate) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " --no-terminate");
	}
	if (spec->fwd_at_limit) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " --forward-at-limit");
	}
	if (spec->proxy) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " (proxy)");
	}
	return buf;
}

bool keg_icpt_spec_eq(const struct keg_icpt_spec *a, const struct keg_icpt_spec *b)
{
	return !strcmp(a->site, b->site) && !keg_addr_cmp(&a->src, &b->src) &&
	       !keg_addr_cmp(&a->dst, &b->dst) &&
	       !memcmp(&a->sport, &b->sport, sizeof(a->sport)) &&
	       !memcmp(&a->dport, &b->dport, sizeof(a->dport)) &&
	       a->protos == b->protos && a->match == b->match && a->block == b->block &&
	       a->no_terminate == b->no_terminate && a->fwd_at_limit == b->fwd_at_limit &&
	       a->proxy == b->proxy;
}

/* ---- trie contents ------------------------------------------------------- */

static int entry_cmp(const void *x, const void *y)
{
	const struct keg_icpt_trie_entry *a = x, *b = y;

	if (a->match != b->match)
		return a->match < b->match ? -1 : 1;
	return keg_addr_cmp(&a->prefix, &b->prefix);
}

static void set_bit(struct keg_icpt_bits *b, uint32_t pos)
{
	b->bits[pos / 64] |= 1ULL << (pos % 64);
	b->summary[pos / 64 / 64] |= 1ULL << ((pos / 64) % 64);
}

static void or_bits(struct keg_icpt_bits *to, const struct keg_icpt_bits *from)
{
	size_t i;

	for (i = 0; i < KEG_ICPT_WORDS; i++)
		to->bits[i] |= from->bits[i];
	for (i = 0; i < KEG_ICPT_SUMMARY; i++)
		to->summary[i] |= from->summary[i];
}

/* One trie: distinct (match, prefix) of the rules' src or dst. */
static int build_one(const struct keg_icpt_rule *rules, size_t n, int family, bool src,
		     struct keg_icpt_trie *t)
{
	struct keg_icpt_trie_entry *own = NULL, key;
	size_t i, k, n_own = 0;
	bool lens[2][129] = { { 0 } };
	int l;

	memset(t, 0, sizeof(*t));
	own = calloc(n ? n : 1, sizeof(*own));
	if (!own)
		return -ENOMEM;
	/* Each distinct prefix with the rules that name exactly it. */
	for (i = 0; i < n; i++) {
		const struct keg_icpt_rule *r = &rules[i];
		struct keg_icpt_trie_entry *e = &own[n_own];

		if (!(r->flags & KEG_ICPT_F_USED) || r->family != family)
			continue;
		memset(e, 0, sizeof(*e));
		e->match = r->match;
		e->prefix.family = family == 4 ? AF_INET : AF_INET6;
		e->prefix.plen = src ? r->src_plen : r->dst_plen;
		memcpy(e->prefix.bytes, src ? r->src : r->dst, 16);
		set_bit(&e->bits, (uint32_t)i);
		lens[r->match & 1][e->prefix.plen] = true;
		n_own++;
	}
	if (n_own > 1)
		qsort(own, n_own, sizeof(*own), entry_cmp);
	/* Merge duplicates. */
	for (i = 0, k = 0; i < n_own; i++) {
		if (k && !entry_cmp(&own[k - 1], &own[i]))
			or_bits(&own[k - 1].bits, &own[i].bits);
		else if (k != i)
			own[k++] = own[i];
		else
			k++;
	}
	n_own = k;
	t->v = calloc(n_own ? n_own : 1, sizeof(*t->v));
	if (!t->v) {
		free(own);
		return -ENOMEM;
	}
	/* Each prefix gets the rules of every prefix containing it. */
	for (i = 0; i < n_own; i++) {
		t->v[i] = own[i];
		for (l = 0; l < own[i].prefix.plen; l++) {
			const struct keg_icpt_trie_entry *anc;

			if (!lens[own[i].match & 1][l])
				continue;
			key = own[i];
			key.prefix.plen = (uint8_t)l;
			keg_prefix_mask(&key.prefix);
			anc = bsearch(&key, own, n_own, sizeof(*own), entry_cmp);
			if (anc)
				or_bits(&t->v[i].bits, &anc->bits);
		}
	}
	t->n = n_own;
	free(own);
	return 0;
}

int keg_icpt_build(const struct keg_icpt_rule *rules, size_t n,
		   struct keg_icpt_trie tries[KEG_ICPT_T__N])
{
	int ret;

	memset(tries, 0, sizeof(*tries) * KEG_ICPT_T__N);
	ret = build_one(rules, n, 4, true, &tries[KEG_ICPT_T_SRC4]);
	if (!ret)
		ret = build_one(rules, n, 4, false, &tries[KEG_ICPT_T_DST4]);
	if (!ret)
		ret = build_one(rules, n, 6, true, &tries[KEG_ICPT_T_SRC6]);
	if (!ret)
		ret = build_one(rules, n, 6, false, &tries[KEG_ICPT_T_DST6]);
	if (ret)
		keg_icpt_tries_free(tries);
	return ret;
}

void keg_icpt_tries_free(struct keg_icpt_trie tries[KEG_ICPT_T__N])
{
	int i;

	for (i = 0; i < KEG_ICPT_T__N; i++) {
		free(tries[i].v);
		tries[i].v = NULL;
		tries[i].n = 0;
	}
}

size_t keg_icpt_trie_key(const struct keg_icpt_trie_entry *e, void *key)
{
	if (e->prefix.family == AF_INET) {
		struct keg_icpt_key4 *k = key;

		memset(k, 0, sizeof(*k));
		k->prefixlen = 8 + e->prefix.plen;
		k->match = e->match;
		memcpy(k->addr, e->prefix.bytes, 4);
		return sizeof(*k);
	} else {
		struct keg_icpt_key6 *k = key;

		memset(k, 0, sizeof(*k));
		k->prefixlen = 8 + e->prefix.plen;
		k->match = e->match;
		memcpy(k->addr, e->prefix.bytes, 16);
		return sizeof(*k);
	}
}
