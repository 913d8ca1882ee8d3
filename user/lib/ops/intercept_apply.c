// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* intercept_apply.c - see intercept_apply.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intercept.h"
#include "intercept_apply.h"

int keg_icpt_conf_apply(const char *iface, const struct keg_conf_icpts *want,
			bool dry_run, size_t *n_add, size_t *n_del, size_t *n_same,
			const struct keg_note *note, struct keg_err *err)
{
	struct keg_icpt_spec *specs = NULL;
	struct keg_icpt_entry *cur = NULL;
	struct keg_icpt_maps m;
	uint32_t *ids = NULL;
	size_t n_cur = 0, keep = 0, i;
	char buf[512];
	int ret;

	ret = keg_icpt_maps_open(iface, &m, err);
	if (ret)
		return want->n ? ret : 0;	/* an old attachment without rules */
	ret = keg_icpt_list(&m, &cur, &n_cur);
	if (ret) {
		keg_err_set(err, ret, "%s: reading the intercept rules: %s", iface, strerror(-ret));
		goto out;
	}
	/* A proxy's rule belongs to the proxy (kegctl proxy): not listed
	 * here, not compared, not removed. */
	for (i = 0; i < n_cur; i++)
		if (!cur[i].spec.proxy)
			cur[keep++] = cur[i];
	n_cur = keep;
	keep = 0;
	while (keep < n_cur && keep < want->n && keg_icpt_spec_eq(&cur[keep].spec, &want->v[keep].spec))
		keep++;
	*n_same += keep;
	if (n_cur > keep) {
		ids = calloc(n_cur - keep, sizeof(*ids));
		if (!ids) {
			ret = -ENOMEM;
			goto out;
		}
		for (i = keep; i < n_cur; i++)
			ids[i - keep] = cur[i].rule.id;
		if (!dry_run) {
			ret = keg_icpt_del_ids(&m, ids, n_cur - keep, err);
			if (ret)
				goto out;
		}
		for (i = keep; i < n_cur; i++)
			keg_note(note, KEG_NOTE_CHANGE, "%s: - intercept %u %s", iface, cur[i].rule.id,
			       keg_icpt_spec_str(&cur[i].spec, buf, sizeof(buf)));
		*n_del += n_cur - keep;
		free(ids);
		ids = NULL;
	}
	if (want->n > keep) {
		size_t n = want->n - keep;

		specs = calloc(n, sizeof(*specs));
		ids = calloc(n, sizeof(*ids));
		if (!specs || !ids) {
			ret = -ENOMEM;
			goto out;
		}
		for (i = 0; i < n; i++)
			specs[i] = want->v[keep + i].spec;
		if (!dry_run) {
			ret = keg_icpt_add_many(&m, specs, n, ids, err);
			if (ret) {
				keg_err_prefix(err, ret, "%s: intercept rules (lines %u-%u)", iface,
					       want->v[keep].line, want->v[want->n - 1].line);
				goto out;
			}
		}
		for (i = 0; i < n; i++) {
			if (dry_run)
				keg_note(note, KEG_NOTE_CHANGE, "%s: + intercept %s", iface,
				       keg_icpt_spec_str(&specs[i], buf, sizeof(buf)));
			else
				keg_note(note, KEG_NOTE_CHANGE, "%s: + intercept %u %s", iface, ids[i],
				       keg_icpt_spec_str(&specs[i], buf, sizeof(buf)));
		}
		*n_add += n;
	}
out:
	free(specs);
	free(ids);
	free(cur);
	keg_icpt_maps_close(&m);
	return ret;
}
