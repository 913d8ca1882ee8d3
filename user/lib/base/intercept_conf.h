/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * intercept_conf.h - `intercept` lines of the `kegctl apply` file (making an
 * interface's rules equal to them: intercept_apply.h).
 *
 * Inside an `interface NAME` block:
 *     intercept SITE SRC[:PORTS] DST[:PORTS] PROTOS [forward|block] [inner|outer]
 * with the forms of `kegctl intercept add` (intercept.h, ports.h), e.g.
 *     intercept hq 10.1.0.0/16 10.2.0.0/16:80.443 tcp,udp block
 * The lines are the interface's whole rule list, in order (first match
 * wins). Applying keeps the longest run of existing rules that equals the
 * start of the list (their ids and counters stay), removes the rest and
 * appends the remainder (new ids). An interface block without `intercept`
 * lines ends up with no rules, but for the rules of its proxies, which
 * its `proxy` lines own (proxy_conf.h).
 */
#ifndef KEG_INTERCEPT_CONF_H
#define KEG_INTERCEPT_CONF_H

#include <stddef.h>

#include "err.h"
#include "intercept_rules.h"

struct keg_conf_icpt {
	struct keg_icpt_spec spec;
	unsigned int line;
};

struct keg_conf_icpts {
	struct keg_conf_icpt *v;
	size_t n, cap;
};

/* argv: the words after `intercept`, NULL-terminated. */
int keg_conf_icpt_parse(struct keg_conf_icpts *l, char **argv, unsigned int line,
			struct keg_err *err);
void keg_conf_icpts_free(struct keg_conf_icpts *l);

#endif /* KEG_INTERCEPT_CONF_H */
