// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* proxy_conf.c - see proxy_conf.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "proxy_conf.h"

int keg_conf_proxy_parse(struct keg_conf_proxies *l, char **argv, unsigned int line,
			 struct keg_err *err)
{
	struct keg_conf_proxy *e;
	char buf[KEG_ADDR_STRLEN];
	int ret;

	if (keg_grow(&l->v, &l->cap, l->n, sizeof(*l->v)))
		return -ENOMEM;
	e = &l->v[l->n];
	memset(e, 0, sizeof(*e));
	ret = keg_proxy_spec_parse(&e->spec, argv[0], argv[1], argv[2], argv[3], err);
	if (ret)	/* UDP's -EOPNOTSUPP too: for a file, a problem in the text */
		return ret == -ENOMEM ? ret : -EINVAL;
	for (size_t i = 0; i < l->n; i++)
		if (!keg_addr_cmp(&l->v[i].spec.local, &e->spec.local))
			return keg_err_set(err, -EINVAL, "proxy %s already at line %u",
					   keg_addr_str(&e->spec.local, buf, sizeof(buf)),
					   l->v[i].line);
	e->line = line;
	l->n++;
	return 0;
}

void keg_conf_proxies_free(struct keg_conf_proxies *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
