// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* proxy_apply.c - see proxy_apply.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"
#include "proxy_apply.h"

static bool wanted(const struct keg_conf_proxies *want, const struct keg_proxy_spec *s)
{
	for (size_t i = 0; i < want->n; i++)
		if (keg_proxy_spec_eq(&want->v[i].spec, s))
			return true;
	return false;
}

/* Whether a proxy of address a is there now and goes (not wanted). */
static bool replaced(const struct keg_proxy_entry *cur, size_t n,
		     const struct keg_conf_proxies *want, const struct keg_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (!keg_addr_cmp(&cur[i].spec.local, a))
			return !wanted(want, &cur[i].spec);
	return false;
}

static bool present(const struct keg_proxy_entry *cur, size_t n, const struct keg_proxy_spec *s)
{
	for (size_t i = 0; i < n; i++)
		if (keg_proxy_spec_eq(&cur[i].spec, s))
			return true;
	return false;
}

int keg_proxy_conf_apply(const char *iface, const struct keg_conf_proxies *want,
			 const struct keg_proxy_sites *sites, bool dry_run, size_t *n_add,
			 size_t *n_del, size_t *n_same, const struct keg_note *note,
			 struct keg_err *err)
{
	struct keg_proxy_entry *cur = NULL;
	size_t n_cur = 0, i;
	char buf[512];
	uint32_t id;
	int ret;

	ret = keg_proxy_list(iface, &cur, &n_cur, err);
	if (ret)
		return want->n ? ret : 0;	/* an old attachment without proxies */
	/* Every addition checked first: a bad line changes nothing here. */
	for (i = 0; i < want->n; i++) {
		const struct keg_conf_proxy *w = &want->v[i];

		if (present(cur, n_cur, &w->spec))
			continue;
		ret = keg_proxy_check(iface, &w->spec, replaced(cur, n_cur, want, &w->spec.local),
				      sites, err);
		if (ret) {
			keg_err_prefix(err, ret, "%s: proxy (line %u)", iface, w->line);
			goto out;
		}
	}
	for (i = 0; i < n_cur; i++) {
		if (wanted(want, &cur[i].spec)) {
			(*n_same)++;
			continue;
		}
		if (!dry_run && (ret = keg_proxy_del(iface, &cur[i].spec.local, err)))
			goto out;
		keg_note(note, KEG_NOTE_CHANGE, "%s: - proxy %s", iface,
			 keg_proxy_spec_str(&cur[i].spec, buf, sizeof(buf)));
		(*n_del)++;
	}
	for (i = 0; i < want->n; i++) {
		const struct keg_conf_proxy *w = &want->v[i];

		if (present(cur, n_cur, &w->spec))
			continue;
		if (!dry_run && (ret = keg_proxy_add(iface, &w->spec, sites, &id, err))) {
			keg_err_prefix(err, ret, "%s: proxy (line %u)", iface, w->line);
			goto out;
		}
		keg_note(note, KEG_NOTE_CHANGE, "%s: + proxy %s", iface,
			 keg_proxy_spec_str(&w->spec, buf, sizeof(buf)));
		(*n_add)++;
	}
out:
	free(cur);
	return ret;
}
