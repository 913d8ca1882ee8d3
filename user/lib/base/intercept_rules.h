/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * intercept_rules.h - intercept rules as values: parsing, printing, encoding
 * into the map layout and building the trie contents. Pure (no maps); the
 * maps themselves are intercept.h.
 *
 * A rule (HyperIP gateway mode):
 *     --site SITE --src PREFIX[:PORTS] --dst PREFIX[:PORTS] --proto LIST
 *     [--when-down forward|block] [--match inner|outer] [--no-terminate]
 *     [--forward-at-limit]
 * PREFIX is an IPv4 or IPv6 prefix ("10.1.0.0/16", "2001:db8::/32") or a
 * single address; ports follow the prefix length ("10.1.0.0/16:80",
 * "2001:db8::/32:!22"), or an address in brackets ("[2001:db8::1]:443").
 * PORTS: see ports.h. LIST: tcp,udp,icmp or HyperIP's letters T, U, I
 * ("IUT"); "all" or "*" = all three.
 *
 * Semantics (what keg_xdp does, bpf/keg_intercept.bpf.h):
 *  - rules of one interface are ordered by when they were added (apply:
 *    file order); the first rule that matches wins;
 *  - a rule matches a packet whose src is in --src and dst in --dst, or the
 *    reverse (dst in --src, src in --dst, ports swapped likewise), so both
 *    directions of a connection go to the controller;
 *  - --match inner (default) looks at the innermost IP/L4 headers of
 *    tunnelled traffic (IPIP, 6in4, 4in6, 6in6, GRE, VXLAN, GENEVE), --match
 *    outer at the outermost; untunnelled packets have one header for both;
 *  - ports apply to TCP and UDP; ICMP matches on addresses alone;
 *  - every change (add, del, enable, disable, apply, site state) bumps the
 *    rule-set generation: the decision cache is invalid, so new flows AND
 *    flows in progress are classified again at their next packet;
 *  - IP fragments: the first fragment is classified on its ports and its
 *    decision remembered under (src, dst, protocol, IP id); later fragments
 *    follow it; a later fragment whose first fragment was not seen (or an
 *    IPv6 fragment header not directly behind the IPv6 header) goes to the
 *    kernel untouched;
 *  - a matched packet goes to the AF_XDP socket of its receive queue; with
 *    no socket there (kegd not running) or its site down, --when-down
 *    applies: forward (default) = the kernel routes it, block = dropped;
 *  - TCP of a rule is terminated (headers/keg_term.h) unless --no-terminate:
 *    untunnelled, untagged TCP goes to kegd's sockets in the kernel's own
 *    TCP stack instead of its AF_XDP socket, and crosses the WAN as a byte
 *    stream; tunnelled or VLAN-tagged TCP is carried as packets.
 *
 * Encoding: see headers/keg_intercept.h. Positions are stable while rules
 * come and go; when position KEG_ICPT_MAX_RULES-1 is taken, the rules are
 * renumbered in order (with their counters).
 */
#ifndef KEG_INTERCEPT_RULES_H
#define KEG_INTERCEPT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "err.h"
#include "keg_intercept.h"

/* A parsed rule, before it has an id and a position. */
struct keg_icpt_spec {
	char site[KEG_ICPT_SITE_NAME];
	struct keg_addr src, dst;
	struct keg_port_spec sport, dport;
	uint8_t protos;			/* KEG_ICPT_P_* */
	uint8_t match;			/* enum keg_icpt_match */
	bool block;			/* --when-down block */
	bool no_terminate;		/* --no-terminate: TCP carried as packets */
	bool fwd_at_limit;		/* --forward-at-limit */
	bool proxy;			/* a proxy's rule (KEG_ICPT_F_PROXY) */
};

/* "PREFIX[:PORTS]" */
int keg_icpt_endpoint_parse(const char *s, struct keg_addr *p,
			    struct keg_port_spec *ports, struct keg_err *err);
/* "tcp,udp,icmp", "IUT", "all" */
int keg_icpt_protos_parse(const char *s, uint8_t *out, struct keg_err *err);
const char *keg_icpt_protos_str(uint8_t protos, char *buf, size_t len);
int keg_icpt_site_valid(const char *name, struct keg_err *err);

/* Fill a spec from the option strings (when_down/match may be NULL). */
int keg_icpt_spec_parse(struct keg_icpt_spec *spec, const char *site,
			const char *src, const char *dst, const char *protos,
			const char *when_down, const char *match, struct keg_err *err);

/* Encode into the map value (site id given), and decode. */
void keg_icpt_encode(const struct keg_icpt_spec *spec, uint32_t id, uint32_t site_id,
		     struct keg_icpt_rule *out);
void keg_icpt_decode(const struct keg_icpt_rule *r, struct keg_icpt_spec *spec);
/* "--site S --src ... --dst ... --proto ... --when-down ... --match ..." */
const char *keg_icpt_spec_str(const struct keg_icpt_spec *spec, char *buf, size_t len);
bool keg_icpt_spec_eq(const struct keg_icpt_spec *a, const struct keg_icpt_spec *b);

/*
 * Trie contents for a rule set: rules[pos] for pos < n (unused positions
 * have flags 0). For each of the four tries, the sorted distinct prefixes
 * with the bitmap of every rule whose prefix contains it. Pure.
 */
struct keg_icpt_trie_entry {
	uint8_t match;
	struct keg_addr prefix;
	struct keg_icpt_bits bits;
};

struct keg_icpt_trie {
	struct keg_icpt_trie_entry *v;
	size_t n;
};

enum { KEG_ICPT_T_SRC4, KEG_ICPT_T_DST4, KEG_ICPT_T_SRC6, KEG_ICPT_T_DST6,
       KEG_ICPT_T__N };

int keg_icpt_build(const struct keg_icpt_rule *rules, size_t n,
		   struct keg_icpt_trie tries[KEG_ICPT_T__N]);
void keg_icpt_tries_free(struct keg_icpt_trie tries[KEG_ICPT_T__N]);
/* The LPM key of an entry: returns the key size (12 or 24). */
size_t keg_icpt_trie_key(const struct keg_icpt_trie_entry *e, void *key);

#endif /* KEG_INTERCEPT_RULES_H */
