/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * proxy_conf.h - `proxy` lines of the `kegctl apply` file (making an
 * interface's proxies equal to them: proxy_apply.h in the ops layer).
 *
 * Inside an `interface NAME` block:
 *     proxy SITE LOCAL[:PORT] REMOTE[:PORT] [PROTOS]
 * with the forms of `kegctl proxy add` (proxy_spec.h), e.g.
 *     proxy hq 10.1.1.200:8080 10.2.0.9:80 tcp
 * The lines are the interface's whole set of proxies: applying keeps a
 * proxy equal to a line (its rule id and counters stay), removes the
 * others and adds the missing ones. An interface block without `proxy`
 * lines ends up with no proxies. One line per proxy address.
 */
#ifndef KEG_PROXY_CONF_H
#define KEG_PROXY_CONF_H

#include <stddef.h>

#include "err.h"
#include "proxy_spec.h"

struct keg_conf_proxy {
	struct keg_proxy_spec spec;
	unsigned int line;
};

struct keg_conf_proxies {
	struct keg_conf_proxy *v;       /* in file order */
	size_t n, cap;
};

/* argv: the words after `proxy`, NULL-terminated (3 or 4). */
int keg_conf_proxy_parse(struct keg_conf_proxies *l, char **argv, unsigned int line,
			 struct keg_err *err);
void keg_conf_proxies_free(struct keg_conf_proxies *l);

#endif /* KEG_PROXY_CONF_H */
