// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sched_store.c - see sched_store.h */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grow.h"
#include "customer.h"
#include "rate.h"
#include "config.h"
#include "sched_store.h"
#include "shape.h"

static struct keg_sched_entry *grow(struct keg_sched_entry **v, size_t *n, size_t *cap)
{
	if (keg_grow(v, cap, *n, sizeof(**v)))
		return NULL;
	return &(*v)[(*n)++];
}

int keg_sched_file_load(const char *file, struct keg_sched_entry **v, size_t *n,
			struct keg_err *err)
{
	size_t cap = *n;	/* grow() doubles from here: realloc is safe */
	size_t len, pos = 0, ll;
	unsigned int ln = 0;
	char *text, *line;
	int ret;

	/* Bounded like a config (config.h): no input exhausts memory. */
	ret = keg_conf_read(file, &text, &len, err);
	if (ret)
		return ret;
	line = malloc(KEG_CONF_LINE_MAX + 1);
	if (!line) {
		free(text);
		return keg_err_set(err, -ENOMEM, "out of memory");
	}
	while (!ret && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		char *hash, iface[IF_NAMESIZE], who[64];
		struct keg_sched_entry *e;
		int off = 0;

		ln++;
		ll = (nl ? (size_t)(nl - text) : len) - pos;
		if (ll > KEG_CONF_LINE_MAX) {
			ret = keg_err_set(err, -EFBIG, "%s:%u: line longer than %u bytes (the most a line may hold)",
					  file, ln, KEG_CONF_LINE_MAX);
			break;
		}
		memcpy(line, text + pos, ll);
		line[ll] = '\0';
		pos += ll + 1;
		if (strlen(line) != ll) {
			ret = keg_err_set(err, -EINVAL, "%s:%u: NUL byte in line", file, ln);
			break;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (strspn(line, " \t") == strlen(line))
			continue;
		if (sscanf(line, "%15s %63s %n", iface, who, &off) < 2 || !off) {
			ret = keg_err_set(err, -EINVAL, "%s:%u: expected IFACE ADDR|default RULES",
					  file, ln);
			break;
		}
		e = grow(v, n, &cap);
		if (!e) {
			ret = keg_err_set(err, -ENOMEM, "out of memory");
			break;
		}
		memset(e, 0, sizeof(*e));
		snprintf(e->src, sizeof(e->src), "%s:%u", file, ln);
		snprintf(e->iface, sizeof(e->iface), "%s", iface);
		snprintf(e->who, sizeof(e->who), "%s", who);
		e->is_default = !strcmp(who, "default");
		ret = e->is_default ? 0 : keg_addr_parse(who, &e->addr, err);
		if (!ret)
			ret = keg_sched_parse(line + off, &e->s, err);
		if (ret)
			keg_err_prefix(err, ret, "%s:%u", file, ln);
	}
	free(line);
	free(text);
	return ret;
}

int keg_sched_applied_load(struct keg_sched_entry **v, size_t *n, struct keg_err *err)
{
	struct dirent **names = NULL;
	int k, cnt, ret = 0;

	cnt = scandir(KEG_SCHED_DIR, &names, NULL, alphasort);
	if (cnt < 0)
		return errno == ENOENT ? 0 :
		       keg_err_set(err, -errno, "%s: %s", KEG_SCHED_DIR, strerror(errno));
	for (k = 0; k < cnt; k++) {
		char path[sizeof(KEG_SCHED_DIR) + 256];

		if (!ret && names[k]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", KEG_SCHED_DIR, names[k]->d_name);
			ret = keg_sched_file_load(path, v, n, err);
		}
		free(names[k]);
	}
	free(names);
	return ret;
}

static int mkdir_p(const char *dir)
{
	if (mkdir(KEG_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int keg_sched_forget(const char *iface)
{
	char path[sizeof(KEG_SCHED_DIR) + IF_NAMESIZE + 1];

	if (!iface[0] || strchr(iface, '/'))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", KEG_SCHED_DIR, iface);
	return unlink(path) && errno != ENOENT ? -errno : 0;
}

int keg_sched_store(const struct keg_conf_iface *f, struct keg_err *err)
{
	char path[sizeof(KEG_SCHED_DIR) + IF_NAMESIZE + 1];
	char tmp[sizeof(path) + 8], buf[KEG_ADDR_STRLEN];
	FILE *out;
	int ret;

	if (!f->schedules.n) {
		ret = keg_sched_forget(f->name);
		return ret ? keg_err_set(err, ret, "removing the schedule of %s: %s", f->name,
					 strerror(-ret)) : 0;
	}
	ret = mkdir_p(KEG_SCHED_DIR);
	if (ret)
		return keg_err_set(err, ret, "creating %s: %s", KEG_SCHED_DIR, strerror(-ret));
	snprintf(path, sizeof(path), "%s/%s", KEG_SCHED_DIR, f->name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", KEG_SCHED_DIR, f->name);
	out = fopen(tmp, "w");
	if (!out)
		return keg_err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	fprintf(out, "# written by 'kegctl apply'; IFACE ADDR|default RULES\n");
	for (size_t i = 0; i < f->schedules.n; i++) {
		const struct keg_conf_sched *s = &f->schedules.v[i];

		fprintf(out, "%s %s %s\n", f->name,
			s->is_default ? "default" : keg_addr_str(&s->addr, buf, sizeof(buf)),
			s->text);
	}
	if (fclose(out) || rename(tmp, path)) {
		ret = -errno;
		unlink(tmp);
		return keg_err_set(err, ret, "writing %s: %s", path, strerror(-ret));
	}
	return 0;
}

const char *keg_sched_rule_str(const struct keg_sched *s, int r, char *buf, size_t len)
{
	char d[32], u[32];

	if (r < 0)
		snprintf(buf, len, "no rule");
	else if (s->r[r].up_kbit)
		snprintf(buf, len, "down %s up %s (rule %d)",
			 keg_rate_str(s->r[r].down_kbit, d, sizeof(d)),
			 keg_rate_str(s->r[r].up_kbit, u, sizeof(u)), r + 1);
	else
		snprintf(buf, len, "down %s (rule %d)",
			 keg_rate_str(s->r[r].down_kbit, d, sizeof(d)), r + 1);
	return buf;
}

int keg_sched_pass(struct keg_nl *nl, const struct keg_sched_entry *v, size_t n, int w,
		   const struct keg_note *note)
{
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		int r = keg_sched_at(&v[i].s, w), err = 0;
		const struct keg_sched_rule *rule;
		struct keg_customer val, old;
		struct keg_err e = { 0 };
		struct keg_ifctx c;
		char b[64];

		if (r < 0)
			continue;
		rule = &v[i].s.r[r];
		if (keg_ifctx_open(v[i].iface, &c, &e)) {
			keg_note(note, KEG_NOTE_PROBLEM, "%s: %s", v[i].src, e.msg);
			continue;
		}
		if (v[i].is_default) {
			struct keg_shape_setup su;
			struct keg_shape_cfg cfg;

			if (!keg_shape_get(c.name, &cfg, &e) &&
			    (cfg.default_kbit != rule->down_kbit ||
			     (rule->up_kbit && cfg.default_up_kbit != rule->up_kbit))) {
				keg_shape_setup_init(&su);
				su.default_kbit = rule->down_kbit;
				su.default_up_kbit = rule->up_kbit;
				err = keg_shape_enable(nl, &c, &su, NULL, &e);
				if (!err)
					keg_note(note, KEG_NOTE_CHANGE, "%s: default class %s", c.name,
					       keg_sched_rule_str(&v[i].s, r, b, sizeof(b)));
			}
		} else if (!keg_customer_get(&c.maps, &v[i].addr, &old) &&
			   (old.down_kbit != rule->down_kbit ||
			    (rule->up_kbit && old.up_kbit != rule->up_kbit))) {
			val = old;
			val.down_kbit = rule->down_kbit;
			if (rule->up_kbit)
				val.up_kbit = rule->up_kbit;
			if (val.ceil_kbit && val.ceil_kbit < val.down_kbit)
				val.ceil_kbit = 0;
			err = keg_shape_customer_change(nl, &c, &v[i].addr, &val, &old, &e);
			if (!err)
				keg_note(note, KEG_NOTE_CHANGE, "%s: ~ customer %s %s", c.name, v[i].who,
				       keg_sched_rule_str(&v[i].s, r, b, sizeof(b)));
		}
		if (err) {
			keg_note(note, KEG_NOTE_PROBLEM, "%s: %s", v[i].src, keg_err_str(&e, err));
			ret = err;
		}
		keg_ifctx_close(&c);
	}
	return ret;
}
