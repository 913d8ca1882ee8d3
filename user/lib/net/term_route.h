/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * term_route.h - the policy routing of TCP termination (headers/keg_term.h):
 * for IPv4 and IPv6, a rule "fwmark KEG_TERM_MARK lookup KEG_TERM_TABLE"
 * at priority KEG_TERM_RULE_PREF and a route "local default dev lo" in that
 * table, so a segment keg_tc_term assigned to a socket of kegd is delivered
 * locally although its destination is the server's (or the client's)
 * address. Both are keg's (protocol KEG_RTPROT) and touch nothing else:
 * only marked packets use the table.
 */
#ifndef KEG_TERM_ROUTE_H
#define KEG_TERM_ROUTE_H

#include "nl.h"

/* Install both families' rule and route; what exists already is kept.
 * Returns 0 or the first negative errno (the kernel's message in nl->extack). */
int keg_term_route_add(struct keg_nl *nl);
/* Remove them; what is not there is no error. */
int keg_term_route_del(struct keg_nl *nl);

#endif /* KEG_TERM_ROUTE_H */
