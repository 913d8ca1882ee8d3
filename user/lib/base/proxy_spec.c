// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* proxy_spec.c - see proxy_spec.h */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ports.h"
#include "proxy_spec.h"

int keg_proxy_endpoint_parse(const char *s, struct keg_addr *a, uint16_t *port,
			     struct keg_err *err)
{
	struct keg_port_spec ps;
	char buf[KEG_ADDR_STRLEN];
	const char *what;
	int ret;

	*port = 0;
	ret = keg_icpt_endpoint_parse(s, a, &ps, err);
	if (ret)
		return ret;
	if (a->plen != keg_addr_maxlen(a))
		return keg_err_set(err, -EINVAL, "%s: a prefix; a proxy is one address", s);
	what = keg_addr_special(a);
	if (what)
		return keg_err_set(err, -EINVAL, "%s cannot be proxied: it is %s",
				   keg_addr_str(a, buf, sizeof(buf)), what);
	if (keg_ports_any(&ps))
		return 0;
	if (ps.negate || ps.n != 1 || ps.lo[0] != ps.hi[0] || !ps.lo[0])
		return keg_err_set(err, -EINVAL, "%s: one port (1..65535), not a list or range", s);
	*port = ps.lo[0];
	return 0;
}

int keg_proxy_spec_parse(struct keg_proxy_spec *spec, const char *site, const char *local,
			 const char *dest, const char *protos, struct keg_err *err)
{
	int ret;

	memset(spec, 0, sizeof(*spec));
	ret = keg_icpt_site_valid(site, err);
	if (ret)
		return keg_err_prefix(err, ret, "--site");
	snprintf(spec->site, sizeof(spec->site), "%s", site);
	ret = keg_proxy_endpoint_parse(local, &spec->local, &spec->port, err);
	if (ret)
		return keg_err_prefix(err, ret, "--proxy");
	ret = keg_proxy_endpoint_parse(dest, &spec->dest, &spec->dport, err);
	if (ret)
		return keg_err_prefix(err, ret, "--dest");
	if (spec->local.family != spec->dest.family)
		return keg_err_set(err, -EINVAL, "--proxy %s and --dest %s are not the same family",
				   local, dest);
	if (!keg_addr_cmp(&spec->local, &spec->dest))
		return keg_err_set(err, -EINVAL, "--dest %s is the proxy address itself", dest);
	if (spec->dport && !spec->port)
		return keg_err_set(err, -EINVAL,
				   "--dest %s has a port but --proxy %s has none (without one, "
				   "every port keeps its number)", dest, local);
	ret = keg_icpt_protos_parse(protos ? protos : "tcp,udp", &spec->protos, err);
	if (ret)
		return keg_err_prefix(err, ret, "--proto");
	if (spec->protos & KEG_ICPT_P_ICMP)
		return keg_err_set(err, -EOPNOTSUPP,
				   "--proto %s: a proxy carries TCP and UDP, not ICMP", protos);
	return 0;
}

void keg_proxy_key_of(const struct keg_addr *a, struct keg_proxy_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = a->family == AF_INET ? 4 : 6;
	memcpy(k->addr, a->bytes, k->family == 4 ? 4 : 16);
}

void keg_proxy_encode(const struct keg_proxy_spec *spec, uint32_t rule_id,
		      struct keg_proxy *out)
{
	memset(out, 0, sizeof(*out));
	out->rule_id = rule_id;
	out->protos = spec->protos;
	out->family = spec->dest.family == AF_INET ? 4 : 6;
	out->port = htons(spec->port);
	out->dport = htons(spec->dport);
	memcpy(out->dest, spec->dest.bytes, out->family == 4 ? 4 : 16);
	snprintf(out->site, sizeof(out->site), "%s", spec->site);
}

static void addr_of(struct keg_addr *a, uint8_t family, const uint8_t *bytes)
{
	memset(a, 0, sizeof(*a));
	a->family = family == 4 ? AF_INET : AF_INET6;
	a->plen = family == 4 ? 32 : 128;
	memcpy(a->bytes, bytes, family == 4 ? 4 : 16);
}

void keg_proxy_decode(const struct keg_proxy_key *k, const struct keg_proxy *v,
		      struct keg_proxy_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	snprintf(spec->site, sizeof(spec->site), "%.*s", (int)sizeof(v->site) - 1, v->site);
	addr_of(&spec->local, k->family, k->addr);
	addr_of(&spec->dest, v->family, v->dest);
	spec->port = ntohs(v->port);
	spec->dport = ntohs(v->dport);
	spec->protos = v->protos;
}

void keg_proxy_rule(const struct keg_proxy_spec *spec, struct keg_icpt_spec *rule)
{
	memset(rule, 0, sizeof(*rule));
	snprintf(rule->site, sizeof(rule->site), "%s", spec->site);
	rule->src.family = spec->local.family;  /* plen 0, address 0: anywhere */
	rule->dst = spec->local;
	if (spec->port) {
		rule->dport.n = 1;
		rule->dport.lo[0] = rule->dport.hi[0] = spec->port;
	}
	rule->protos = spec->protos;
	rule->match = KEG_ICPT_MATCH_INNER;
	rule->proxy = true;
}

const char *keg_proxy_endpoint_str(const struct keg_addr *a, uint16_t port, char *buf,
				   size_t len)
{
	char ab[KEG_ADDR_STRLEN];

	keg_addr_str(a, ab, sizeof(ab));
	if (!port)
		snprintf(buf, len, "%s", ab);
	else if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ab, port);
	else
		snprintf(buf, len, "%s:%u", ab, port);
	return buf;
}

const char *keg_proxy_spec_str(const struct keg_proxy_spec *spec, char *buf, size_t len)
{
	char l[KEG_ADDR_STRLEN + 8], d[KEG_ADDR_STRLEN + 8], pr[32];

	snprintf(buf, len, "--site %s --proxy %s --dest %s --proto %s", spec->site,
		 keg_proxy_endpoint_str(&spec->local, spec->port, l, sizeof(l)),
		 keg_proxy_endpoint_str(&spec->dest, spec->dport, d, sizeof(d)),
		 keg_icpt_protos_str(spec->protos, pr, sizeof(pr)));
	return buf;
}

bool keg_proxy_spec_eq(const struct keg_proxy_spec *a, const struct keg_proxy_spec *b)
{
	return !strcmp(a->site, b->site) && !keg_addr_cmp(&a->local, &b->local) &&
	       !keg_addr_cmp(&a->dest, &b->dest) && a->port == b->port &&
	       a->dport == b->dport && a->protos == b->protos;
}
