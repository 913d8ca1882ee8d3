// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* config.c - see config.h */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grow.h"
#include "config.h"
#include "keg_site.h"
#include "rate.h"

#define MAX_ARGS 48	/* schedule lines are long */

struct parser {
	struct keg_conf *conf;
	struct keg_conf_iface *cur;	/* block being filled, NULL before the first */
	unsigned int line;
};

struct keyword {
	const char *name;
	const char *usage;		/* arguments, for messages */
	int nargs;
	int max_args;			/* nargs .. max_args arguments */
	bool in_iface;			/* only inside an interface block */
	int (*handle)(struct parser *p, char **argv, struct keg_err *err);
};

static int add_entry(struct keg_conf_list *l, const struct keg_addr *a,
		     unsigned int line)
{
	if (keg_grow(&l->v, &l->cap, l->n, sizeof(*l->v)))
		return -ENOMEM;
	/* keg_grow() leaves new room as realloc() does: unset. Rates and the
	 * schedule link are read later whether a line gave them or not. */
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].addr = *a;
	l->v[l->n].line = line;
	l->n++;
	return 0;
}

static int kw_interface(struct parser *p, char **argv, struct keg_err *err)
{
	struct keg_conf *c = p->conf;
	const struct keg_conf_iface *prev;

	if (!keg_ifname_valid(argv[0]))
		return keg_err_set(err, -EINVAL, "%s: not a valid interface name", argv[0]);
	prev = keg_conf_find(c, argv[0]);
	if (prev)
		return keg_err_set(err, -EINVAL,
				   "interface %s already declared at line %u",
				   argv[0], prev->line);
	if (keg_grow(&c->ifaces, &c->cap_ifaces, c->n_ifaces, sizeof(*c->ifaces)))
		return -ENOMEM;
	p->cur = &c->ifaces[c->n_ifaces++];
	memset(p->cur, 0, sizeof(*p->cur));
	snprintf(p->cur->name, sizeof(p->cur->name), "%s", argv[0]);
	p->cur->line = p->line;
	return 0;
}

static int kw_subnet(struct parser *p, char **argv, struct keg_err *err)
{
	struct keg_addr a;
	int ret;

	ret = keg_prefix_parse(argv[0], &a, err);
	if (!ret)
		ret = keg_subnet_prefix_check(&a, err);
	if (ret)
		return ret;
	return add_entry(&p->cur->subnets, &a, p->line);
}

/* "down RATE up RATE ceil RATE burst SIZE", any order, each at most once. */
static int customer_rates(struct keg_conf_entry *e, char **argv, struct keg_err *err)
{
	for (int i = 0; argv[i]; i += 2) {
		uint32_t *dst = !strcmp(argv[i], "down") ? &e->down_kbit :
				!strcmp(argv[i], "up")	 ? &e->up_kbit :
				!strcmp(argv[i], "ceil") ? &e->ceil_kbit :
				!strcmp(argv[i], "burst") ? &e->burst : NULL;
		int ret;

		if (!dst)
			return keg_err_set(err, -EINVAL,
					   "'%s': expected down, up, ceil or burst", argv[i]);
		if (!argv[i + 1])
			return keg_err_set(err, -EINVAL, "'%s' needs a value", argv[i]);
		if (*dst)
			return keg_err_set(err, -EINVAL, "'%s' given twice", argv[i]);
		ret = dst == &e->burst ? keg_size_parse(argv[i + 1], dst, err) :
					 keg_rate_parse(argv[i + 1], dst, err);
		if (ret)
			return ret;
	}
	if ((e->up_kbit || e->ceil_kbit || e->burst) && !e->down_kbit)
		return keg_err_set(err, -EINVAL, "up, ceil and burst need a down rate");
	if (e->ceil_kbit && e->ceil_kbit < e->down_kbit)
		return keg_err_set(err, -EINVAL, "ceil must not be below down");
	return 0;
}

static int kw_customer(struct parser *p, char **argv, struct keg_err *err)
{
	struct keg_conf_entry *e;
	struct keg_addr a;
	int ret;

	ret = keg_addr_parse(argv[0], &a, err);
	if (!ret)
		ret = keg_customer_addr_check(&a, err);
	if (ret)
		return ret;
	ret = add_entry(&p->cur->customers, &a, p->line);
	if (ret)
		return ret;
	e = &p->cur->customers.v[p->cur->customers.n - 1];
	e->down_kbit = e->up_kbit = e->ceil_kbit = e->burst = 0;
	return customer_rates(e, argv + 1, err);
}

/* "schedule default|ADDR RULES": rules appended to the target's. */
static int kw_schedule(struct parser *p, char **argv, struct keg_err *err)
{
	struct keg_conf_scheds *l = &p->cur->schedules;
	char text[KEG_CONF_SCHED_TEXT] = "";
	struct keg_conf_sched *e = NULL;
	struct keg_sched add;
	struct keg_addr a = { 0 };
	bool is_default = !strcmp(argv[0], "default");
	size_t len = 0;
	int ret, i;

	if (!is_default && (ret = keg_addr_parse(argv[0], &a, err)))
		return keg_err_prefix(err, ret, "'%s': expected default or a customer address",
				      argv[0]);
	for (i = 1; argv[i]; i++) {
		int w = snprintf(text + len, sizeof(text) - len, "%s%s", len ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= sizeof(text) - len)
			return keg_err_set(err, -EINVAL, "schedule longer than %d characters",
					   KEG_CONF_SCHED_TEXT - 1);
		len += (size_t)w;
	}
	ret = keg_sched_parse(text, &add, err);
	if (ret)
		return ret;
	for (size_t k = 0; k < l->n && !e; k++)
		if (l->v[k].is_default == is_default &&
		    (is_default || !keg_addr_cmp(&l->v[k].addr, &a)))
			e = &l->v[k];
	if (!e) {
		if (keg_grow(&l->v, &l->cap, l->n, sizeof(*l->v)))
			return -ENOMEM;
		e = &l->v[l->n++];
		memset(e, 0, sizeof(*e));
		e->is_default = is_default;
		e->addr = a;
		e->line = p->line;
	}
	if (e->s.n + add.n > KEG_SCHED_MAX_RULES)
		return keg_err_set(err, -EINVAL, "more than %d rules for %s", KEG_SCHED_MAX_RULES,
				   argv[0]);
	len = strlen(e->text);
	if (len + strlen(text) + 3 > sizeof(e->text))
		return keg_err_set(err, -EINVAL, "schedule of %s longer than %d characters",
				   argv[0], KEG_CONF_SCHED_TEXT - 1);
	snprintf(e->text + len, sizeof(e->text) - len, "%s%s", len ? "; " : "", text);
	memcpy(&e->s.r[e->s.n], add.r, (size_t)add.n * sizeof(add.r[0]));
	e->s.n += add.n;
	return 0;
}

static int kw_intercept(struct parser *p, char **argv, struct keg_err *err)
{
	return keg_conf_icpt_parse(&p->cur->intercepts, argv, p->line, err);
}

static int kw_proxy(struct parser *p, char **argv, struct keg_err *err)
{
	return keg_conf_proxy_parse(&p->cur->proxies, argv, p->line, err);
}

static int kw_site(struct parser *p, char **argv, struct keg_err *err)
{
	struct keg_conf *c = p->conf;
	struct keg_conf_site *e;
	size_t len = 0;

	if (keg_grow(&c->sites, &c->cap_sites, c->n_sites, sizeof(*c->sites)))
		return -ENOMEM;
	e = &c->sites[c->n_sites];
	memset(e, 0, sizeof(*e));
	e->line = p->line;
	for (int i = 0; argv[i]; i++) {
		int w = snprintf(e->text + len, sizeof(e->text) - len, "%s%s", len ? " " : "",
				 argv[i]);

		if (w < 0 || (size_t)w >= sizeof(e->text) - len)
			return keg_err_set(err, -EINVAL, "site line longer than %d characters",
					   KEG_CONF_SITE_TEXT - 1);
		len += (size_t)w;
	}
	c->n_sites++;
	return 0;
}

int keg_limit_parse(const char *s, uint32_t *v, struct keg_err *err)
{
	unsigned long long n;
	char *end;

	if (!strcmp(s, "none")) {
		*v = 0;
		return 0;
	}
	errno = 0;
	n = (*s >= '0' && *s <= '9') ? strtoull(s, &end, 10) : ULLONG_MAX;
	if (n == ULLONG_MAX || errno || *end || n > KEG_LIMIT_MAX)
		return keg_err_set(err, -EINVAL, "'%s': not a number of flows (0..%u, 0 or "
				   "none: no limit)", s, KEG_LIMIT_MAX);
	*v = (uint32_t)n;
	return 0;
}

/* "limits [tcp N] [udp N] [total N]": each at most once, any order. */
static int kw_limits(struct parser *p, char **argv, struct keg_err *err)
{
	struct keg_conf_limits *l = &p->conf->limits;
	bool seen[3] = { false, false, false };
	static const char *const names[3] = { "tcp", "udp", "total" };

	if (l->line)
		return keg_err_set(err, -EINVAL, "limits given twice (first at line %u)", l->line);
	l->tcp = l->udp = 0;
	l->total = KEG_LIMITS_TOTAL_DEFAULT;
	for (int i = 0; argv[i]; i += 2) {
		uint32_t *dst[3] = { &l->tcp, &l->udp, &l->total };
		int k, ret;

		for (k = 0; k < 3 && strcmp(argv[i], names[k]); k++)
			;
		if (k == 3)
			return keg_err_set(err, -EINVAL, "'%s': expected tcp, udp or total", argv[i]);
		if (!argv[i + 1])
			return keg_err_set(err, -EINVAL, "'%s' needs a value", argv[i]);
		if (seen[k])
			return keg_err_set(err, -EINVAL, "'%s' given twice", argv[i]);
		seen[k] = true;
		ret = keg_limit_parse(argv[i + 1], dst[k], err);
		if (ret)
			return keg_err_prefix(err, ret, "%s", names[k]);
	}
	l->line = p->line;
	return 0;
}

static const struct keyword keywords[] = {
	{ "interface", "NAME",   1, 1, false, kw_interface },
	{ "subnet",    "PREFIX", 1, 1, true,  kw_subnet },
	{ "customer",  "ADDR [down RATE] [up RATE] [ceil RATE] [burst SIZE]",
	  1, 9, true,  kw_customer },
	{ "schedule",  "default|ADDR DAYS [HH:MM-HH:MM] down RATE [up RATE] [; ...]",
	  4, MAX_ARGS - 1, true, kw_schedule },
	{ "intercept", "SITE SRC[:PORTS] DST[:PORTS] PROTOS [forward|block] [inner|outer] [terminate|no-terminate] [forward-at-limit]",
	  4, 6, true,  kw_intercept },
	{ "proxy",     "SITE LOCAL[:PORT] REMOTE[:PORT] [tcp,udp|tcp|udp]", 3, 4, true, kw_proxy },
	{ "limits",    "[tcp N] [udp N] [total N]", 2, 6, false, kw_limits },
	{ "site",      "NAME ADDR[:PORT] local key FILE | pubkey KEY [maxrate RATE] [segsize SIZE] [compress zstd[:LEVEL]|lz4|off] [compress-gain PCT] | NAME DAYS [HH:MM-HH:MM] maxrate RATE [; ...]",
	  3, MAX_ARGS - 1, false, kw_site },
};

static const struct keyword *find_keyword(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcmp(keywords[i].name, name))
			return &keywords[i];
	return NULL;
}

/* Split line in place at spaces and tabs, dropping any '#' comment. */
static int tokenize(char *line, char **argv, int max)
{
	char *save = NULL, *tok, *hash;
	int n = 0;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	for (tok = strtok_r(line, " \t\r\n\v\f", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (n == max)
			return max + 1;
		argv[n++] = tok;
	}
	return n;
}

static int parse_line(struct parser *p, char *line, struct keg_err *err)
{
	char *argv[MAX_ARGS + 1];
	const struct keyword *kw;
	int argc;

	argc = tokenize(line, argv, MAX_ARGS);
	if (argc == 0)
		return 0;
	if (argc <= MAX_ARGS)
		argv[argc] = NULL;	/* handlers may walk to the end */
	kw = find_keyword(argv[0]);
	if (!kw)
		return keg_err_set(err, -EINVAL, "unknown keyword '%s'", argv[0]);
	if (argc - 1 < kw->nargs || argc - 1 > kw->max_args)
		return keg_err_set(err, -EINVAL, "usage: %s %s", kw->name, kw->usage);
	if (kw->in_iface && !p->cur)
		return keg_err_set(err, -EINVAL,
				   "'%s' outside an interface block (add 'interface NAME' above it)",
				   kw->name);
	return kw->handle(p, argv + 1, err);
}

/* One entry of the duplicate check over all entries of one kind. */
struct ref {
	const struct keg_conf_entry *e;
	const struct keg_conf_iface *iface;
	size_t iface_idx;
};

/* Same address (and for subnets, same interface): the later one is a
 * duplicate. A customer sits behind one interface, so for customers the
 * interface is not part of the key. */
static int ref_key_cmp(const struct ref *x, const struct ref *y, bool customers)
{
	int c = keg_addr_cmp(&x->e->addr, &y->e->addr);

	if (c || customers || x->iface_idx == y->iface_idx)
		return c;
	return x->iface_idx < y->iface_idx ? -1 : 1;
}

static int ref_cmp_subnet(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int c = ref_key_cmp(x, y, false);

	return c ? c : (x->e->line > y->e->line) - (x->e->line < y->e->line);
}

static int ref_cmp_customer(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int c = ref_key_cmp(x, y, true);

	return c ? c : (x->e->line > y->e->line) - (x->e->line < y->e->line);
}

/*
 * Find duplicate subnets (within an interface) or customers (anywhere).
 * Describes the duplicate with the lowest line in *err; returns that line,
 * 0 if there is none, or -ENOMEM.
 */
static int check_dups(const struct keg_conf *c, bool customers,
		      struct keg_err *err)
{
	const char *what = customers ? "customer" : "subnet";
	char buf[KEG_ADDR_STRLEN];
	unsigned int worst = 0;
	struct ref *refs;
	size_t n = 0, i, j;

	for (i = 0; i < c->n_ifaces; i++)
		n += customers ? c->ifaces[i].customers.n : c->ifaces[i].subnets.n;
	if (n < 2)
		return 0;
	refs = calloc(n, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (n = 0, i = 0; i < c->n_ifaces; i++) {
		const struct keg_conf_list *l = customers ? &c->ifaces[i].customers :
							    &c->ifaces[i].subnets;
		for (j = 0; j < l->n; j++)
			refs[n++] = (struct ref){ &l->v[j], &c->ifaces[i], i };
	}
	qsort(refs, n, sizeof(*refs), customers ? ref_cmp_customer : ref_cmp_subnet);

	/* refs[j] is the first (lowest line) of the run of equal keys. */
	for (i = 1, j = 0; i < n; i++) {
		const struct ref *first, *r = &refs[i];

		if (ref_key_cmp(&refs[j], r, customers)) {
			j = i;
			continue;
		}
		first = &refs[j];
		if (worst && r->e->line >= worst)
			continue;
		worst = r->e->line;
		if (first->iface == r->iface)
			snprintf(err->msg, sizeof(err->msg),
				 "duplicate %s %s (already at line %u)", what,
				 customers ? keg_addr_str(&r->e->addr, buf, sizeof(buf)) :
					     keg_prefix_str(&r->e->addr, buf, sizeof(buf)),
				 first->e->line);
		else
			snprintf(err->msg, sizeof(err->msg),
				 "customer %s is already under interface %s (line %u)",
				 keg_addr_str(&r->e->addr, buf, sizeof(buf)),
				 first->iface->name, first->e->line);
	}
	free(refs);
	return (int)worst;
}

static void sort_lists(struct keg_conf *c)
{
	size_t i;

	for (i = 0; i < c->n_ifaces; i++) {
		struct keg_conf_iface *f = &c->ifaces[i];

		/* entries start with their address: keg_addr_cmp applies */
		if (f->subnets.n > 1)
			qsort(f->subnets.v, f->subnets.n, sizeof(*f->subnets.v),
			      keg_addr_qsort_cmp);
		if (f->customers.n > 1)
			qsort(f->customers.v, f->customers.n, sizeof(*f->customers.v),
			      keg_addr_qsort_cmp);
	}
}

/* Keep the error with the lowest line: a duplicate found later may sit
 * above the line where parsing stopped. */
static int check_all(struct keg_conf *c, int ret, struct keg_err *err)
{
	struct keg_err dup = { 0 };
	int kind, line;

	for (kind = 0; kind < 2; kind++) {
		dup.msg[0] = '\0';
		line = check_dups(c, kind == 1, &dup);
		if (line < 0)
			return line;
		if (line > 0 && (!ret || (unsigned int)line < err->line)) {
			*err = dup;
			err->line = (unsigned int)line;
			ret = -EINVAL;
		}
	}
	return ret;
}

/* Every customer schedule names a customer of its block; customers point
 * at their schedule. After sort_lists() (entries move). */
static int link_scheds(struct keg_conf *c, struct keg_err *err)
{
	char buf[KEG_ADDR_STRLEN];

	for (size_t i = 0; i < c->n_ifaces; i++) {
		struct keg_conf_iface *f = &c->ifaces[i];

		for (size_t k = 0; k < f->schedules.n; k++) {
			const struct keg_conf_sched *s = &f->schedules.v[k];
			struct keg_conf_entry *e;

			if (s->is_default)
				continue;
			e = f->customers.n ? bsearch(&s->addr, f->customers.v, f->customers.n,
						     sizeof(*e), keg_addr_qsort_cmp) : NULL;
			if (!e) {
				return keg_err_set_line(err, -EINVAL, s->line,
							"schedule for %s: no 'customer %s' under interface %s",
							keg_addr_str(&s->addr, buf, sizeof(buf)),
							keg_addr_str(&s->addr, buf, sizeof(buf)),
							f->name);
			}
			e->sched = &s->s;
		}
	}
	return 0;
}

static int parse_file(FILE *f, struct keg_conf *conf, struct keg_err *err);

int keg_conf_parse_file(FILE *f, struct keg_conf *conf, struct keg_err *err)
{
	struct keg_err e = { 0 };
	int ret = parse_file(f, conf, &e);

	if (ret && err)
		*err = e;
	return ret;
}

/* One line of f into line[KEG_CONF_LINE_MAX + 2] (its newline kept, NUL
 * appended): its length, 0 at the end, or -EFBIG when it holds more than
 * KEG_CONF_LINE_MAX bytes besides its newline; *nul says a NUL byte was in
 * it. */
static ssize_t read_line(FILE *f, char *line, bool *nul)
{
	size_t n = 0;
	int c;

	*nul = false;
	while ((c = getc(f)) != EOF) {
		if (c == '\n') {
			line[n++] = '\n';
			break;
		}
		if (n == KEG_CONF_LINE_MAX)
			return -EFBIG;
		if (c == 0)
			*nul = true;
		line[n++] = (char)c;
	}
	line[n] = 0;
	return (ssize_t)n;
}

/* keg_conf_parse_file() with err never NULL. */
static int parse_file(FILE *f, struct keg_conf *conf, struct keg_err *err)
{
	struct parser p = { .conf = conf };
	struct keg_err e = { 0 };
	size_t total = 0;
	char *line;
	bool nul;
	int ret = 0;
	ssize_t n;

	memset(conf, 0, sizeof(*conf));
	line = malloc(KEG_CONF_LINE_MAX + 2);
	if (!line)
		return keg_err_set(err, -ENOMEM, "out of memory");
	while ((n = read_line(f, line, &nul)) != 0) {
		p.line++;
		if (n < 0) {
			ret = keg_err_set(&e, -EFBIG, "line longer than %u bytes (the most a line may hold)",
					  KEG_CONF_LINE_MAX);
		} else if ((total += (size_t)n) > KEG_CONF_MAX_BYTES) {
			ret = keg_err_set(&e, -EFBIG, "input larger than %u MiB (the most a config may hold)",
					  KEG_CONF_MAX_BYTES >> 20);
		} else if (nul) {
			ret = keg_err_set(&e, -EINVAL, "NUL byte in line");
		} else {
			ret = parse_line(&p, line, &e);
		}
		if (ret) {
			keg_err_set_line(err, ret, ret == -ENOMEM ? 0 : p.line, "%s",
					 keg_err_str(&e, ret));
			break;
		}
	}
	free(line);
	if (!ret && ferror(f)) {
		ret = keg_err_set(err, -EIO, "read error");
	}
	if (ret != -ENOMEM && ret != -EIO && ret != -EFBIG)
		ret = check_all(conf, ret, err);
	if (ret) {
		keg_conf_free(conf);
		return ret;
	}
	sort_lists(conf);
	ret = link_scheds(conf, err);
	if (ret)
		keg_conf_free(conf);
	return ret;
}

int keg_conf_read(const char *file, char **buf, size_t *len, struct keg_err *err)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	size_t cap = 0, n = 0, got;
	char *b = NULL, *nb;
	struct stat st;
	int ret = 0;

	*buf = NULL;
	*len = 0;
	if (!f)
		return keg_err_set(err, -errno, "%s: %s", file, strerror(errno));
	if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
		ret = keg_err_set(err, -EISDIR, "%s: is a directory, not a config file", file);
		goto out;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			/* One byte past the limit tells "too large" from "exactly". */
			if (cap > KEG_CONF_MAX_BYTES + 1)
				cap = KEG_CONF_MAX_BYTES + 1;
			nb = realloc(b, cap);
			if (!nb) {
				ret = keg_err_set(err, -ENOMEM, "%s: out of memory", file);
				goto out;
			}
			b = nb;
		}
		got = fread(b + n, 1, cap - n, f);
		n += got;
		if (n > KEG_CONF_MAX_BYTES) {
			ret = keg_err_set(err, -EFBIG, "%s: larger than %u MiB (the most a config may hold)",
					  file, KEG_CONF_MAX_BYTES >> 20);
			goto out;
		}
		if (got == 0)
			break;
	}
	if (ferror(f))
		ret = keg_err_set(err, -EIO, "%s: read error: %s", file, strerror(errno ? errno : EIO));
out:
	if (f != stdin)
		fclose(f);
	if (ret) {
		free(b);
		return ret;
	}
	*buf = b;
	*len = n;
	return 0;
}

int keg_conf_parse_buf(const char *buf, size_t len, struct keg_conf *conf,
		       struct keg_err *err)
{
	FILE *f;
	int ret;

	memset(conf, 0, sizeof(*conf));
	keg_err_clear(err);
	if (len == 0)
		return 0;
	f = fmemopen((void *)buf, len, "r");
	if (!f)
		return keg_err_set(err, -ENOMEM, "out of memory");
	ret = keg_conf_parse_file(f, conf, err);
	fclose(f);
	return ret;
}

void keg_conf_free(struct keg_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->n_ifaces; i++) {
		free(conf->ifaces[i].subnets.v);
		free(conf->ifaces[i].customers.v);
		keg_conf_icpts_free(&conf->ifaces[i].intercepts);
		keg_conf_proxies_free(&conf->ifaces[i].proxies);
		free(conf->ifaces[i].schedules.v);
	}
	free(conf->ifaces);
	free(conf->sites);
	memset(conf, 0, sizeof(*conf));
}

const struct keg_conf_iface *keg_conf_find(const struct keg_conf *conf,
					   const char *name)
{
	size_t i;

	for (i = 0; i < conf->n_ifaces; i++)
		if (!strcmp(conf->ifaces[i].name, name))
			return &conf->ifaces[i];
	return NULL;
}
