// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* intercept_conf.c - see intercept_conf.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "intercept_conf.h"

int keg_conf_icpt_parse(struct keg_conf_icpts *l, char **argv, unsigned int line,
			struct keg_err *err)
{
	const char *when = NULL, *match = NULL, *term = NULL;
	struct keg_conf_icpt *e;
	int i, ret;

	for (i = 4; argv[i - 1] && argv[i]; i++) {
		if (!strcmp(argv[i], "forward") || !strcmp(argv[i], "block")) {
			if (when)
				return keg_err_set(err, -EINVAL, "'%s': when-down given twice", argv[i]);
			when = argv[i];
		} else if (!strcmp(argv[i], "inner") || !strcmp(argv[i], "outer")) {
			if (match)
				return keg_err_set(err, -EINVAL, "'%s': match given twice", argv[i]);
			match = argv[i];
		} else if (!strcmp(argv[i], "terminate") || !strcmp(argv[i], "no-terminate")) {
			if (term)
				return keg_err_set(err, -EINVAL, "'%s': terminate given twice", argv[i]);
			term = argv[i];
		} else {
			return keg_err_set(err, -EINVAL,
					   "'%s': expected forward, block, inner, outer, terminate or no-terminate",
					   argv[i]);
		}
	}
	if (keg_grow(&l->v, &l->cap, l->n, sizeof(*l->v)))
		return -ENOMEM;
	e = &l->v[l->n];
	ret = keg_icpt_spec_parse(&e->spec, argv[0], argv[1], argv[2], argv[3], when, match,
				  err);
	if (ret)
		return ret;
	e->spec.no_terminate = term && !strcmp(term, "no-terminate");
	e->line = line;
	l->n++;
	return 0;
}

void keg_conf_icpts_free(struct keg_conf_icpts *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
