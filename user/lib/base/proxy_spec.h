/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * proxy_spec.h - a proxy (headers/keg_proxy.h) as a value: parsing,
 * printing, encoding into the keg_proxies entry and the intercept rule it
 * needs. Pure (no maps); the maps are proxy.h in the bpf layer.
 *
 *     --site SITE --proxy LOCAL[:PORT] --dest REMOTE[:PORT] [--proto tcp,udp]
 *
 * LOCAL and REMOTE are single addresses of one family; an IPv6 address
 * with a port is written [ADDR]:PORT. Without PORT every port of LOCAL is
 * the proxy's and keeps its number at REMOTE; a port of REMOTE needs one
 * of LOCAL. TCP and UDP (the default: both); ICMP is refused (-EOPNOTSUPP).
 */
#ifndef KEG_PROXY_SPEC_H
#define KEG_PROXY_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "err.h"
#include "intercept_rules.h"
#include "keg_proxy.h"

struct keg_proxy_spec {
	char site[KEG_ICPT_SITE_NAME];
	struct keg_addr local, dest;    /* plen 32 or 128 */
	uint16_t port, dport;           /* host order; 0: none given */
	uint8_t protos;                 /* KEG_ICPT_P_TCP and/or KEG_ICPT_P_UDP */
};

/* "ADDR[:PORT]" / "[ADDR]:PORT": one address, at most one port (1..65535). */
int keg_proxy_endpoint_parse(const char *s, struct keg_addr *a, uint16_t *port,
			     struct keg_err *err);
/* Fill a spec from the option strings (protos NULL: tcp,udp). */
int keg_proxy_spec_parse(struct keg_proxy_spec *spec, const char *site, const char *local,
			 const char *dest, const char *protos, struct keg_err *err);

/* The keg_proxies key of an address. */
void keg_proxy_key_of(const struct keg_addr *a, struct keg_proxy_key *k);
/* Encode the entry (with the id of its rule) and decode it with its key. */
void keg_proxy_encode(const struct keg_proxy_spec *spec, uint32_t rule_id,
		      struct keg_proxy *out);
void keg_proxy_decode(const struct keg_proxy_key *k, const struct keg_proxy *v,
		      struct keg_proxy_spec *spec);
/* The intercept rule of a proxy: site, from anywhere to LOCAL[:PORT], its
 * protocols, terminated, KEG_ICPT_F_PROXY. */
void keg_proxy_rule(const struct keg_proxy_spec *spec, struct keg_icpt_spec *rule);

/* "--site S --proxy LOCAL[:PORT] --dest REMOTE[:PORT] --proto tcp,udp" */
const char *keg_proxy_spec_str(const struct keg_proxy_spec *spec, char *buf, size_t len);
/* "LOCAL[:PORT]", IPv6 with a port in brackets. */
const char *keg_proxy_endpoint_str(const struct keg_addr *a, uint16_t port, char *buf,
				   size_t len);
bool keg_proxy_spec_eq(const struct keg_proxy_spec *a, const struct keg_proxy_spec *b);

#endif /* KEG_PROXY_SPEC_H */
