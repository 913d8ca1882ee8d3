// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* intercept.c - see intercept.h */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "intercept.h"
#include "pins.h"
#include "ports.h"

/* ---- parsing ------------------------------------------------------------ */

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
		return keg_err_set(err, -EINVAL, "%s: site name longer than %d characters",
				   name, KEG_ICPT_SITE_NAME - 1);
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
	return buf;
}

bool keg_icpt_spec_eq(const struct keg_icpt_spec *a, const struct keg_icpt_spec *b)
{
	return !strcmp(a->site, b->site) && !keg_addr_cmp(&a->src, &b->src) &&
	       !keg_addr_cmp(&a->dst, &b->dst) &&
	       !memcmp(&a->sport, &b->sport, sizeof(a->sport)) &&
	       !memcmp(&a->dport, &b->dport, sizeof(a->dport)) &&
	       a->protos == b->protos && a->match == b->match && a->block == b->block;
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

/* ---- maps ---------------------------------------------------------------- */

static const struct {
	const char *name;
	size_t off;
} icpt_pins[] = {
	{ KEG_STR(KEG_MAP_ICPT_CFG), offsetof(struct keg_icpt_maps, cfg) },
	{ KEG_STR(KEG_MAP_ICPT_RULES), offsetof(struct keg_icpt_maps, rules) },
	{ KEG_STR(KEG_MAP_ICPT_HITS), offsetof(struct keg_icpt_maps, hits) },
	{ KEG_STR(KEG_MAP_ICPT_SRC4), offsetof(struct keg_icpt_maps, src4) },
	{ KEG_STR(KEG_MAP_ICPT_DST4), offsetof(struct keg_icpt_maps, dst4) },
	{ KEG_STR(KEG_MAP_ICPT_SRC6), offsetof(struct keg_icpt_maps, src6) },
	{ KEG_STR(KEG_MAP_ICPT_DST6), offsetof(struct keg_icpt_maps, dst6) },
	{ KEG_STR(KEG_MAP_ICPT_FLOWS), offsetof(struct keg_icpt_maps, flows) },
	{ KEG_STR(KEG_MAP_ICPT_SITES), offsetof(struct keg_icpt_maps, sites) },
	{ KEG_STR(KEG_MAP_XSKS), offsetof(struct keg_icpt_maps, xsks) },
	{ KEG_STR(KEG_MAP_KEGD), offsetof(struct keg_icpt_maps, kegd) },
	{ KEG_STR(KEG_MAP_STATS), offsetof(struct keg_icpt_maps, stats) },
};

#define N_ICPT_PINS (sizeof(icpt_pins) / sizeof(icpt_pins[0]))

static int *mslot(struct keg_icpt_maps *m, size_t i)
{
	return (int *)((char *)m + icpt_pins[i].off);
}

int keg_icpt_maps_open(const char *iface, struct keg_icpt_maps *m, struct keg_err *err)
{
	char path[PATH_MAX];
	size_t i;
	int ret;

	for (i = 0; i < N_ICPT_PINS; i++)
		*mslot(m, i) = -1;
	for (i = 0; i < N_ICPT_PINS; i++) {
		ret = keg_pin_path(iface, icpt_pins[i].name, path, sizeof(path));
		if (ret)
			goto fail;
		*mslot(m, i) = bpf_obj_get(path);
		if (*mslot(m, i) < 0) {
			ret = -errno;
			if (ret == -ENOENT)
				keg_err_set(err, ret,
					    "%s: missing; %s was attached by an older keg (run 'kegctl attach %s' to upgrade)",
					    path, iface, iface);
			else
				keg_err_set(err, ret, "%s: %s", path, strerror(-ret));
			goto fail;
		}
	}
	return 0;
fail:
	keg_icpt_maps_close(m);
	return ret;
}

void keg_icpt_maps_close(struct keg_icpt_maps *m)
{
	size_t i;

	for (i = 0; i < N_ICPT_PINS; i++) {
		if (*mslot(m, i) >= 0)
			close(*mslot(m, i));
		*mslot(m, i) = -1;
	}
}

static int sys(int ret)
{
	return ret < 0 ? -errno : 0;
}

/* All positions: rules[KEG_ICPT_MAX_RULES]. */
static int read_rules(const struct keg_icpt_maps *m, struct keg_icpt_rule **out)
{
	struct keg_icpt_rule *v = calloc(KEG_ICPT_MAX_RULES, sizeof(*v));
	uint32_t i;
	int ret;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < KEG_ICPT_MAX_RULES; i++) {
		ret = sys(bpf_map_lookup_elem(m->rules, &i, &v[i]));
		if (ret) {
			free(v);
			return ret;
		}
	}
	*out = v;
	return 0;
}

static int cfg_get(const struct keg_icpt_maps *m, struct keg_icpt_cfg *c)
{
	uint32_t zero = 0;

	return sys(bpf_map_lookup_elem(m->cfg, &zero, c));
}

/* Write one trie's desired content and delete every other key. */
static int write_trie(int fd, const struct keg_icpt_trie *t)
{
	uint8_t key[32], next[32], *want = NULL;
	size_t ksz = 0, i, nk = 0;
	void *prev = NULL;
	int ret = 0;

	if (t->n) {
		ksz = keg_icpt_trie_key(&t->v[0], key);
		want = calloc(t->n, ksz);
		if (!want)
			return -ENOMEM;
	}
	for (i = 0; i < t->n; i++) {
		keg_icpt_trie_key(&t->v[i], want + i * ksz);
		ret = sys(bpf_map_update_elem(fd, want + i * ksz, &t->v[i].bits, BPF_ANY));
		if (ret)
			goto out;
	}
	/* Stale keys: collect first, then delete (deleting while walking an
	 * LPM trie restarts the walk). */
	{
		struct bpf_map_info info = { 0 };
		uint32_t len = sizeof(info);
		uint8_t *stale = NULL;
		size_t cap = 0;

		if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0) {
			ret = -errno;
			goto out;
		}
		ksz = info.key_size;
		while (!bpf_map_get_next_key(fd, prev, next)) {
			bool keep = false;

			for (i = 0; i < t->n && !keep; i++)
				keep = !memcmp(want + i * ksz, next, ksz);
			if (!keep) {
				if (nk == cap) {
					void *p;

					cap = cap ? cap * 2 : 64;
					p = realloc(stale, cap * ksz);
					if (!p) {
						free(stale);
						ret = -ENOMEM;
						goto out;
					}
					stale = p;
				}
				memcpy(stale + nk * ksz, next, ksz);
				nk++;
			}
			memcpy(key, next, ksz);
			prev = key;
		}
		for (i = 0; i < nk; i++)
			bpf_map_delete_elem(fd, stale + i * ksz);
		free(stale);
	}
out:
	free(want);
	return ret;
}

/* Rebuild the tries from rules and bump the generation. */
static int sync_all(const struct keg_icpt_maps *m, const struct keg_icpt_rule *rules)
{
	struct keg_icpt_trie tries[KEG_ICPT_T__N];
	const int fds[KEG_ICPT_T__N] = { m->src4, m->dst4, m->src6, m->dst6 };
	struct keg_icpt_cfg c;
	uint32_t zero = 0;
	size_t i;
	int ret, t;

	ret = keg_icpt_build(rules, KEG_ICPT_MAX_RULES, tries);
	if (ret)
		return ret;
	for (t = 0; t < KEG_ICPT_T__N && !ret; t++)
		ret = write_trie(fds[t], &tries[t]);
	keg_icpt_tries_free(tries);
	if (ret)
		return ret;
	ret = cfg_get(m, &c);
	if (ret)
		return ret;
	c.gen++;
	c.n_rules = c.n_inner = c.n_outer = 0;
	for (i = 0; i < KEG_ICPT_MAX_RULES; i++) {
		if ((rules[i].flags & (KEG_ICPT_F_USED | KEG_ICPT_F_DISABLED)) !=
		    KEG_ICPT_F_USED)
			continue;
		c.n_rules++;
		if (rules[i].match == KEG_ICPT_MATCH_OUTER)
			c.n_outer++;
		else
			c.n_inner++;
	}
	return sys(bpf_map_update_elem(m->cfg, &zero, &c, BPF_ANY));
}

static int hits_get(const struct keg_icpt_maps *m, uint32_t pos, uint64_t *pk,
		    uint64_t *by)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	struct keg_icpt_hit *v;
	int ret;

	*pk = *by = 0;
	if (ncpu <= 0)
		return -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ret = sys(bpf_map_lookup_elem(m->hits, &pos, v));
	for (i = 0; !ret && i < ncpu; i++) {
		*pk += v[i].packets;
		*by += v[i].bytes;
	}
	free(v);
	return ret;
}

static int hits_set(const struct keg_icpt_maps *m, uint32_t pos, uint64_t pk, uint64_t by)
{
	int ncpu = libbpf_num_possible_cpus();
	struct keg_icpt_hit *v;
	int ret;

	if (ncpu <= 0)
		return -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[0].packets = pk;
	v[0].bytes = by;
	ret = sys(bpf_map_update_elem(m->hits, &pos, v, BPF_ANY));
	free(v);
	return ret;
}

static int site_find(const struct keg_icpt_maps *m, const char *name, bool create,
		     uint32_t *id)
{
	struct keg_icpt_site s;
	uint32_t i, free_id = UINT32_MAX;

	for (i = 0; i < KEG_ICPT_MAX_SITES; i++) {
		if (bpf_map_lookup_elem(m->sites, &i, &s) < 0)
			return -errno;
		if (!s.name[0]) {
			if (free_id == UINT32_MAX)
				free_id = i;
			continue;
		}
		if (!strncmp(s.name, name, sizeof(s.name))) {
			*id = i;
			return 0;
		}
	}
	if (!create)
		return -ENOENT;
	if (free_id == UINT32_MAX)
		return -ENOSPC;
	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	if (bpf_map_update_elem(m->sites, &free_id, &s, BPF_ANY) < 0)
		return -errno;
	*id = free_id;
	return 0;
}

int keg_icpt_site_name(const struct keg_icpt_maps *m, uint32_t id, char *name, size_t len)
{
	struct keg_icpt_site s;

	if (bpf_map_lookup_elem(m->sites, &id, &s) < 0)
		return -errno;
	snprintf(name, len, "%.*s", (int)sizeof(s.name), s.name);
	return 0;
}

int keg_icpt_site_set(const struct keg_icpt_maps *m, const char *name, bool down,
		      struct keg_err *err)
{
	struct keg_icpt_site s;
	struct keg_icpt_cfg c;
	uint32_t id, zero = 0;
	int ret;

	ret = keg_icpt_site_valid(name, err);
	if (ret)
		return ret;
	ret = site_find(m, name, true, &id);
	if (ret)
		return keg_err_set(err, ret, "site %s: %s", name, strerror(-ret));
	if (bpf_map_lookup_elem(m->sites, &id, &s) < 0)
		return keg_err_set(err, -errno, "site %s: %s", name, strerror(errno));
	s.down = down;
	if (bpf_map_update_elem(m->sites, &id, &s, BPF_ANY) < 0)
		return keg_err_set(err, -errno, "site %s: %s", name, strerror(errno));
	/* Flows in progress see the new state at their next packet. */
	if (!cfg_get(m, &c)) {
		c.gen++;
		bpf_map_update_elem(m->cfg, &zero, &c, BPF_ANY);
	}
	return 0;
}

int keg_icpt_list(const struct keg_icpt_maps *m, struct keg_icpt_entry **v, size_t *n)
{
	struct keg_icpt_rule *rules;
	struct keg_icpt_site site;
	size_t k = 0;
	uint32_t i;
	int ret;

	*v = NULL;
	*n = 0;
	ret = read_rules(m, &rules);
	if (ret)
		return ret;
	*v = calloc(KEG_ICPT_MAX_RULES, sizeof(**v));
	if (!*v) {
		free(rules);
		return -ENOMEM;
	}
	for (i = 0; i < KEG_ICPT_MAX_RULES; i++) {
		struct keg_icpt_entry *e = &(*v)[k];

		if (!(rules[i].flags & KEG_ICPT_F_USED))
			continue;
		e->pos = i;
		e->rule = rules[i];
		keg_icpt_decode(&rules[i], &e->spec);
		memset(&site, 0, sizeof(site));
		if (!bpf_map_lookup_elem(m->sites, &rules[i].site, &site)) {
			snprintf(e->spec.site, sizeof(e->spec.site), "%.*s",
				 (int)sizeof(site.name), site.name);
			e->site_down = site.down != 0;
		}
		hits_get(m, i, &e->packets, &e->bytes);
		k++;
	}
	*n = k;
	free(rules);
	return 0;
}

/* Renumber used positions to 0..n-1 in order, with their counters. */
static int compact(const struct keg_icpt_maps *m, struct keg_icpt_rule *rules)
{
	uint32_t i, k = 0;
	uint64_t pk, by;
	int ret;

	for (i = 0; i < KEG_ICPT_MAX_RULES; i++) {
		if (!(rules[i].flags & KEG_ICPT_F_USED))
			continue;
		if (i != k) {
			rules[k] = rules[i];
			memset(&rules[i], 0, sizeof(rules[i]));
			hits_get(m, i, &pk, &by);
			ret = sys(bpf_map_update_elem(m->rules, &k, &rules[k], BPF_ANY));
			if (!ret)
				ret = hits_set(m, k, pk, by);
			if (!ret)
				ret = sys(bpf_map_update_elem(m->rules, &i, &rules[i], BPF_ANY));
			if (!ret)
				ret = hits_set(m, i, 0, 0);
			if (ret)
				return ret;
		}
		k++;
	}
	return 0;
}

int keg_icpt_add_many(const struct keg_icpt_maps *m, const struct keg_icpt_spec *specs,
		      size_t n, uint32_t *ids, struct keg_err *err)
{
	struct keg_icpt_rule *rules;
	struct keg_icpt_cfg c;
	uint32_t zero = 0, pos = 0, site_id;
	size_t used = 0, j;
	int ret, i;

	ret = read_rules(m, &rules);
	if (ret)
		return keg_err_set(err, ret, "reading the rules: %s", strerror(-ret));
	ret = cfg_get(m, &c);
	if (ret)
		goto out;
	for (i = KEG_ICPT_MAX_RULES - 1; i >= 0; i--)
		if (rules[i].flags & KEG_ICPT_F_USED) {
			pos = (uint32_t)i + 1;
			break;
		}
	for (i = 0; i < KEG_ICPT_MAX_RULES; i++)
		used += !!(rules[i].flags & KEG_ICPT_F_USED);
	if (used + n > KEG_ICPT_MAX_RULES) {
		ret = keg_err_set(err, -ENOSPC, "%zu rules would exceed the limit of %d per interface",
				  used + n, KEG_ICPT_MAX_RULES);
		goto out;
	}
	if (pos + n > KEG_ICPT_MAX_RULES) {
		ret = compact(m, rules);
		if (ret)
			goto out;
		pos = (uint32_t)used;
	}
	if (!c.next_id)
		c.next_id = 1;
	for (j = 0; j < n; j++, pos++) {
		ret = site_find(m, specs[j].site, true, &site_id);
		if (ret) {
			keg_err_set(err, ret, "site %s: %s", specs[j].site,
				    ret == -ENOSPC ? "too many sites" : strerror(-ret));
			goto out;
		}
		keg_icpt_encode(&specs[j], c.next_id, site_id, &rules[pos]);
		ids[j] = c.next_id++;
		ret = hits_set(m, pos, 0, 0);
		if (!ret)
			ret = sys(bpf_map_update_elem(m->rules, &pos, &rules[pos], BPF_ANY));
		if (ret)
			goto out;
	}
	/* next_id first: sync_all reads cfg back and bumps gen. */
	ret = sys(bpf_map_update_elem(m->cfg, &zero, &c, BPF_ANY));
	if (!ret)
		ret = sync_all(m, rules);
out:
	if (ret && !err->msg[0])
		keg_err_set(err, ret, "writing the intercept maps: %s", strerror(-ret));
	free(rules);
	return ret;
}

int keg_icpt_add(const struct keg_icpt_maps *m, const struct keg_icpt_spec *spec,
		 uint32_t *id, struct keg_err *err)
{
	return keg_icpt_add_many(m, spec, 1, id, err);
}

static bool id_in(uint32_t id, const uint32_t *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* op (0 delete, 1 enable, 2 disable) on the rules with the n ids (all rules
 * when n == 0), then one sync. */
static int change_ids(const struct keg_icpt_maps *m, const uint32_t *ids, size_t n_ids,
		      int op, struct keg_err *err)
{
	struct keg_icpt_rule *rules;
	bool found = false;
	uint32_t i;
	int ret;

	ret = read_rules(m, &rules);
	if (ret)
		return keg_err_set(err, ret, "reading the rules: %s", strerror(-ret));
	for (i = 0; i < KEG_ICPT_MAX_RULES; i++) {
		struct keg_icpt_rule *r = &rules[i];

		if (!(r->flags & KEG_ICPT_F_USED) || (n_ids && !id_in(r->id, ids, n_ids)))
			continue;
		found = true;
		if (op == 0)
			memset(r, 0, sizeof(*r));
		else if (op == 1)
			r->flags &= ~KEG_ICPT_F_DISABLED;
		else
			r->flags |= KEG_ICPT_F_DISABLED;
		ret = sys(bpf_map_update_elem(m->rules, &i, r, BPF_ANY));
		if (!ret && op == 0)
			ret = hits_set(m, i, 0, 0);
		if (ret)
			break;
	}
	if (!ret && !found && n_ids)
		ret = keg_err_set(err, -ENOENT, "no intercept rule with id %u", ids[0]);
	if (!ret)
		ret = sync_all(m, rules);
	if (ret && !err->msg[0])
		keg_err_set(err, ret, "writing the intercept maps: %s", strerror(-ret));
	free(rules);
	return ret;
}

static int change(const struct keg_icpt_maps *m, uint32_t id, int op,
		  struct keg_err *err)
{
	return change_ids(m, &id, id ? 1 : 0, op, err);
}

int keg_icpt_del_ids(const struct keg_icpt_maps *m, const uint32_t *ids, size_t n,
		     struct keg_err *err)
{
	if (!n)
		return 0;
	return change_ids(m, ids, n, 0, err);
}

int keg_icpt_del(const struct keg_icpt_maps *m, uint32_t id, struct keg_err *err)
{
	if (!id)
		return keg_err_set(err, -ENOENT, "no intercept rule with id 0");
	return change(m, id, 0, err);
}

int keg_icpt_del_all(const struct keg_icpt_maps *m, struct keg_err *err)
{
	return change(m, 0, 0, err);
}

int keg_icpt_enable(const struct keg_icpt_maps *m, uint32_t id, bool on,
		    struct keg_err *err)
{
	if (!id)
		return keg_err_set(err, -ENOENT, "no intercept rule with id 0");
	return change(m, id, on ? 1 : 2, err);
}

int keg_icpt_kegd_read(const struct keg_icpt_maps *m, struct keg_kegd *k, bool *running)
{
	struct timespec ts;
	uint32_t zero = 0;
	uint64_t now;

	*running = false;
	if (bpf_map_lookup_elem(m->kegd, &zero, k) < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	*running = k->pid && (kill((pid_t)k->pid, 0) == 0 || errno == EPERM) &&
		   now - k->heartbeat_ns < 5000000000ULL;
	return 0;
}

char keg_icpt_state(const struct keg_icpt_entry *e, bool kegd_running)
{
	if (e->rule.flags & KEG_ICPT_F_DISABLED)
		return 'X';
	if (e->site_down || !kegd_running)
		return 'Y';
	return 'A';
}
