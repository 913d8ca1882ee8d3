// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * apply_sites.c - the `site` lines of `kegctl apply` files (config.h): a
 * file with site lines is the whole set of sites of this network
 * namespace. Planned (every line checked, with its FILE:LINE) before the
 * interfaces are touched, written after they were applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_sites.h"
#include "config.h"
#include "schedule.h"
#include "site_edit.h"
#include "sitemaps.h"

#define MAX_WORDS 48

/* Split a copy of text on blanks into w; the count. */
static size_t split(char *text, char **w)
{
	char *save = NULL;
	size_t n = 0;

	for (char *t = strtok_r(text, " ", &save); t && n < MAX_WORDS;
	     t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	return n;
}

/* A schedule line: "NAME RULES" where RULES parse as MaxRate rules (an
 * address never parses as days). */
static bool is_schedule(const char *text, const char **rules)
{
	const char *sp = strchr(text, ' ');
	struct keg_err err = { 0 };
	struct keg_sched s;

	if (!sp)
		return false;
	*rules = sp + 1;
	return !keg_sched_parse_maxrate(*rules, &s, &err);
}

/* The parser's message, prefixed with where (copied: cli_fail writes the
 * same buffer). */
static int line_err(struct cli_ctx *ctx, const char *file, unsigned int line, int ret)
{
	char msg[sizeof(ctx->err.msg)];

	memcpy(msg, ctx->err.msg, sizeof(msg));
	return cli_fail(ctx, ret, "%s:%u: %s", file, line, msg);
}

static int find(const struct site_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->want[i].name, name))
			return (int)i;
	return -1;
}

int site_plan_build(struct cli_ctx *ctx, const char *file, const char *text, size_t len,
		    struct site_plan *p)
{
	struct keg_conf conf = { 0 };
	int ret;

	memset(p, 0, sizeof(*p));
	ret = keg_conf_parse_buf(text, len, &conf, &ctx->err);
	if (ret)	/* keg_apply_buf reports it, with its line */
		return 0;
	for (size_t i = 0; i < conf.n_sites && !ret; i++) {
		const struct keg_conf_site *l = &conf.sites[i];
		char buf[KEG_CONF_SITE_TEXT], *w[MAX_WORDS];
		const char *rules;
		size_t n;

		p->any = true;
		if (is_schedule(l->text, &rules)) {
			char name[KEG_SITE_NAME_MAX + 2];
			struct keg_site *s;
			size_t have;
			int k;

			snprintf(name, sizeof(name), "%.*s", (int)(rules - 1 - l->text), l->text);
			k = find(p, name);
			if (k < 0) {
				ctx->err.msg[0] = 0;
				ret = cli_fail(ctx, -EINVAL, "%s:%u: schedule of site %s, which no "
					       "earlier site line defines", file, l->line, name);
				break;
			}
			s = &p->want[k];
			have = strlen(s->schedule);
			if (have + strlen(rules) + 2 > KEG_SITE_SCHED_MAX) {
				ret = cli_fail(ctx, -EINVAL, "%s:%u: site %s: schedule longer than "
					       "%d characters", file, l->line, name,
					       KEG_SITE_SCHED_MAX);
				break;
			}
			snprintf(s->schedule + have, sizeof(s->schedule) - have, "%s%s",
				 have ? "; " : "", rules);
			continue;
		}
		if (p->n == KEG_SITES_MAX) {
			ret = cli_fail(ctx, -ENOSPC, "%s:%u: more than %d sites", file, l->line,
				       KEG_SITES_MAX);
			break;
		}
		memcpy(buf, l->text, sizeof(buf));
		n = split(buf, w);
		ret = keg_site_parse(w, n, &p->want[p->n], &ctx->err);
		if (ret) {
			ret = line_err(ctx, file, l->line, ret);
			break;
		}
		if (find(p, p->want[p->n].name) >= 0) {
			ret = cli_fail(ctx, -EINVAL, "%s:%u: site %s defined twice", file, l->line,
				       p->want[p->n].name);
			break;
		}
		p->line[p->n] = l->line;
		if (p->want[p->n].local) {
			ret = site_local_key(ctx, &p->want[p->n]);
			if (ret)
				break;
		}
		p->n++;
	}
	keg_conf_free(&conf);
	if (!ret && p->any && keg_sites_check(p->want, p->n, &ctx->err))
		ret = line_err(ctx, file, p->n ? p->line[0] : 0, -EINVAL);
	return ret;
}

static bool same(const struct keg_site_conf *a, const struct keg_site_conf *b)
{
	struct keg_site_conf x = *a, y = *b;

	x.gen = y.gen = 0;
	x.used = y.used = 0;
	return !memcmp(&x, &y, sizeof(x));
}

int site_plan_apply(struct cli_ctx *ctx, const struct site_plan *p, bool dry_run,
		    size_t *changes)
{
	struct keg_site_conf *v, c;
	struct keg_sitemaps m = { -1, -1, -1, -1 };
	bool have, keep[KEG_SITES_MAX] = { 0 };
	int ret = 0, left = 0;

	*changes = 0;
	if (!p->any)
		return 0;
	v = calloc(KEG_SITES_MAX, sizeof(*v));
	if (!v)
		return cli_fail(ctx, -ENOMEM, "sites: out of memory");
	ret = site_load(ctx, &m, v, &have);
	if (ret)
		goto out;
	for (size_t i = 0; i < p->n; i++) {
		const struct keg_site *s = &p->want[i];
		int slot = site_find(v, s->name);

		site_to_conf(s, &c);
		if (slot >= 0 && same(&c, &v[slot])) {
			keep[slot] = true;
			continue;
		}
		if (slot < 0) {
			slot = site_free_slot(v, s->name, &ctx->err);
			if (slot < 0) {
				ret = slot;	/* ctx->err says why */
				goto out;
			}
		}
		printf("sites: %c site %s\n", v[slot].used ? '~' : '+', s->name);
		(*changes)++;
		keep[slot] = true;
		if (!dry_run) {
			ret = site_write_slot(ctx, &m, have, slot, s);
			if (ret)
				goto out;
			have = true;
			v[slot] = c;
			v[slot].used = 1;
		}
	}
	/* Sites the file does not name: remote ones first, the local last. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < KEG_SITES_MAX; i++) {
			bool local = v[i].flags & KEG_SITE_F_LOCAL;

			if (!v[i].used || keep[i] || local != (pass == 1))
				continue;
			printf("sites: - site %.*s\n", (int)sizeof(v[i].name), v[i].name);
			(*changes)++;
			if (!dry_run && (ret = keg_site_clear(&m, (unsigned int)i))) {
				ret = cli_fail(ctx, ret, "site %.*s: %s", (int)sizeof(v[i].name),
					       v[i].name, strerror(-ret));
				goto out;
			}
			v[i].used = 0;
		}
	for (int i = 0; i < KEG_SITES_MAX; i++)
		left += v[i].used != 0;
	keg_sitemaps_close(&m);
	if (!dry_run && have && !left && (ret = keg_sitemaps_unpin()))
		ret = cli_fail(ctx, ret, "sites: removing the empty maps: %s", strerror(-ret));
out:
	keg_sitemaps_close(&m);
	free(v);
	return ret;
}
