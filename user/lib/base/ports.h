/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ports.h - HyperIP's port syntax, parsed into struct keg_port_spec
 * (headers/keg_intercept.h). Pure functions.
 *
 *     22            one port
 *     11.12.13      a list (at most KEG_ICPT_PORT_RANGES entries)
 *     1000-2000     a range (low <= high)
 *     !44.55.66     every port except those
 *     !111-222      every port except that range
 *     (empty/NULL)  any port
 *
 * Ports are 1..65535 in decimal. List entries may themselves be ranges
 * ("80.443.8000-8100"). On error -EINVAL and err->msg starts with the
 * offending text, e.g. "70000: port out of range (1-65535)".
 */
#ifndef KEG_PORTS_H
#define KEG_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "keg_intercept.h"

int keg_ports_parse(const char *s, struct keg_port_spec *out, struct keg_err *err);

/* Back to the syntax above ("" for any port). */
const char *keg_ports_str(const struct keg_port_spec *p, char *buf, size_t len);

/* Does port (host order) match? */
bool keg_ports_match(const struct keg_port_spec *p, uint16_t port);

/* True when the spec is "any port". */
static inline bool keg_ports_any(const struct keg_port_spec *p)
{
	return !p->n && !p->negate;
}

#endif /* KEG_PORTS_H */
