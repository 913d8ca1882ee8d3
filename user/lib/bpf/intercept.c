// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* intercept.c - the pinned intercept maps: rules, tries, hits, sites and
 * kegd state (see intercept.h). Parsing and encoding: intercept_rules.c. */
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
#include <sys/mman.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "grow.h"
#include "intercept.h"
#include "intercept_dir.h"
#include "mapwalk.h"
#include "pins.h"
#include "pinset.h"
#include "ports.h"

/* ---- maps ---------------------------------------------------------------- */

static const struct keg_pin_field icpt_pins[] = {
	KEG_PIN_FIELD(struct keg_icpt_maps, cfg, KEG_MAP_ICPT_CFG),
	KEG_PIN_FIELD(struct keg_icpt_maps, rules, KEG_MAP_ICPT_RULES),
	KEG_PIN_FIELD(struct keg_icpt_maps, hits, KEG_MAP_ICPT_HITS),
	KEG_PIN_FIELD(struct keg_icpt_maps, src4, KEG_MAP_ICPT_SRC4),
	KEG_PIN_FIELD(struct keg_icpt_maps, dst4, KEG_MAP_ICPT_DST4),
	KEG_PIN_FIELD(struct keg_icpt_maps, src6, KEG_MAP_ICPT_SRC6),
	KEG_PIN_FIELD(struct keg_icpt_maps, dst6, KEG_MAP_ICPT_DST6),
	KEG_PIN_FIELD(struct keg_icpt_maps, dir4, KEG_MAP_ICPT_DIR4),
	KEG_PIN_FIELD(struct keg_icpt_maps, sets4, KEG_MAP_ICPT_SETS4),
	KEG_PIN_FIELD(struct keg_icpt_maps, lsrc4, KEG_MAP_ICPT_LSRC4),
	KEG_PIN_FIELD(struct keg_icpt_maps, ldst4, KEG_MAP_ICPT_LDST4),
	KEG_PIN_FIELD(struct keg_icpt_maps, flows, KEG_MAP_ICPT_FLOWS),
	KEG_PIN_FIELD(struct keg_icpt_maps, sites, KEG_MAP_ICPT_SITES),
	KEG_PIN_FIELD(struct keg_icpt_maps, xsks, KEG_MAP_XSKS),
	KEG_PIN_FIELD(struct keg_icpt_maps, kegd, KEG_MAP_KEGD),
	KEG_PIN_FIELD(struct keg_icpt_maps, stats, KEG_MAP_STATS),
};

int keg_icpt_maps_open(const char *iface, struct keg_icpt_maps *m, struct keg_err *err)
{
	return keg_pinset_open(iface, m, icpt_pins, KEG_PIN_TABLE_N(icpt_pins), err);
}

void keg_icpt_maps_close(struct keg_icpt_maps *m)
{
	keg_pinset_close(m, icpt_pins, KEG_PIN_TABLE_N(icpt_pins));
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

struct stale {
	const uint8_t *want;	/* t->n keys of ksz bytes */
	size_t n_want, ksz;
	uint8_t *v;		/* keys to delete */
	size_t n, cap;
};

static int stale_one(const void *key, void *arg)
{
	struct stale *st = arg;

	for (size_t i = 0; i < st->n_want; i++)
		if (!memcmp(st->want + i * st->ksz, key, st->ksz))
			return 0;
	if (keg_grow(&st->v, &st->cap, st->n, st->ksz))
		return -ENOMEM;
	memcpy(st->v + st->n++ * st->ksz, key, st->ksz);
	return 0;
}

/* Write one trie's desired content and delete every other key. */
static int write_trie(int fd, const struct keg_icpt_trie *t)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	struct stale st = { 0 };
	uint8_t *want = NULL;
	size_t ksz = 0, i;
	int ret = 0;

	if (t->n) {
		uint8_t key[32];

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
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0) {
		ret = -errno;
		goto out;
	}
	st = (struct stale){ .want = want, .n_want = t->n, .ksz = info.key_size };
	ret = keg_map_walk(fd, stale_one, &st);
	for (i = 0; !ret && i < st.n; i++) {
		/* -ENOENT: gone meanwhile, which is what was wanted. */
		ret = sys(bpf_map_delete_elem(fd, st.v + i * st.ksz));
		if (ret == -ENOENT)
			ret = 0;
	}
	free(st.v);
out:
	free(want);
	return ret;
}

/* Entries 0..n-1 of an array map in one system call. */
static int array_write(int fd, const void *values, uint32_t n)
{
	uint32_t *keys = malloc((n ? n : 1) * sizeof(*keys));
	uint32_t i, count = n;
	int ret;

	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		keys[i] = i;
	ret = n ? sys(bpf_map_update_batch(fd, keys, values, &count, NULL)) : 0;
	free(keys);
	return ret;
}

/* Write the direct table through a mapping: 2 MiB in a fraction of a
 * millisecond, where a batch update takes 12 ms per pass. ent NULL: all
 * KEG_ICPT_DIR_TRIE. Each entry is one aligned store, so keg_xdp reads an
 * old or a new entry, never a torn one; only changed entries are written. */
static int dir_write(int fd, const uint64_t *ent)
{
	_Static_assert(sizeof(struct keg_icpt_dir_ent) == sizeof(uint64_t),
		       "the mapped table is an array of __u64");
	const size_t len = KEG_ICPT_DIR_ENTRIES * sizeof(uint64_t);
	uint64_t *t = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	size_t i;

	if (t == MAP_FAILED)
		return -errno;
	for (i = 0; i < KEG_ICPT_DIR_ENTRIES; i++) {
		uint64_t v = ent ? ent[i] : KEG_ICPT_DIR_TRIE;

		if (__atomic_load_n(&t[i], __ATOMIC_RELAXED) != v)
			__atomic_store_n(&t[i], v, __ATOMIC_RELAXED);
	}
	munmap(t, len);
	return 0;
}

/* Rebuild the tries, the long-prefix tries and the direct table from rules
 * and bump the generation. The table is set to "ask the trie" throughout
 * first and written last, so while the tries and sets change entry by entry
 * a lookup sees old and new trie entries mixed until the generation bump,
 * as it did before there was a table, never a set rewritten for another
 * prefix nor a long trie that lacks a prefix. */
static int sync_all(const struct keg_icpt_maps *m, const struct keg_icpt_rule *rules)
{
	struct keg_icpt_trie tries[KEG_ICPT_T__N];
	const int fds[KEG_ICPT_T__N] = { m->src4, m->dst4, m->src6, m->dst6 };
	struct keg_icpt_dir dir;
	struct keg_icpt_cfg c;
	uint32_t zero = 0;
	size_t i;
	int ret, t;

	ret = keg_icpt_build(rules, KEG_ICPT_MAX_RULES, tries);
	if (ret)
		return ret;
	ret = keg_icpt_dir_build(&tries[KEG_ICPT_T_SRC4], &tries[KEG_ICPT_T_DST4], &dir);
	if (ret) {
		keg_icpt_tries_free(tries);
		return ret;
	}
	ret = dir_write(m->dir4, NULL);
	for (t = 0; t < KEG_ICPT_T__N && !ret; t++)
		ret = write_trie(fds[t], &tries[t]);
	if (!ret)
		ret = write_trie(m->lsrc4, &dir.lng[0]);
	if (!ret)
		ret = write_trie(m->ldst4, &dir.lng[1]);
	if (!ret)
		ret = array_write(m->sets4, dir.sets, (uint32_t)dir.n_sets);
	if (!ret)
		ret = dir_write(m->dir4, dir.ent);
	keg_icpt_tries_free(tries);
	keg_icpt_dir_free(&dir);
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

/* The hit counters are two __u64 per CPU: packets, bytes. */
_Static_assert(sizeof(struct keg_icpt_hit) == 2 * sizeof(__u64),
	       "keg_icpt_hit is summed as two counters");

static int hits_get(const struct keg_icpt_maps *m, uint32_t pos, uint64_t *pk,
		    uint64_t *by)
{
	uint64_t v[2];
	int ret = keg_percpu_sum(m->hits, &pos, v, 2);

	*pk = ret ? 0 : v[0];
	*by = ret ? 0 : v[1];
	return ret;
}

static int hits_set(const struct keg_icpt_maps *m, uint32_t pos, uint64_t pk, uint64_t by)
{
	const uint64_t v[2] = { pk, by };

	return keg_percpu_set(m->hits, &pos, v, 2);
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
	if (ret)
		keg_err_set_first(err, ret, "writing the intercept maps: %s", strerror(-ret));
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
	if (ret)
		keg_err_set_first(err, ret, "writing the intercept maps: %s", strerror(-ret));
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

bool keg_kegd_alive(const struct keg_kegd *k)
{
	return k->pid && (kill((pid_t)k->pid, 0) == 0 || errno == EPERM) &&
	       keg_now_ns() - k->heartbeat_ns < KEG_KEGD_STALE_MS * KEG_NSEC_PER_MSEC;
}

int keg_icpt_kegd_read(const struct keg_icpt_maps *m, struct keg_kegd *k, bool *running)
{
	uint32_t zero = 0;

	*running = false;
	if (bpf_map_lookup_elem(m->kegd, &zero, k) < 0)
		return -errno;
	*running = keg_kegd_alive(k);
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
