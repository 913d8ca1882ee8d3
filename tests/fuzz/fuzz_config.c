// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_config.c - libFuzzer harness for keg_conf_parse_buf() (the
 * `kegctl apply` file, user/lib/base/config.h). Besides "no crash, no leak, no
 * sanitizer report":
 *  - on success every name is valid, every list sorted and free of
 *    duplicates, every subnet free of host bits, every customer a single
 *    address, and no customer under two interfaces; every proxy one TCP
 *    and/or UDP address per line of its interface, a destination port only with a
 *    proxy port; limits within their bound;
 *  - the parsed config, written back as text, parses to the same config;
 *  - on failure the config is empty and the message is set.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void check_list(const struct keg_conf_list *l, bool customers)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct keg_addr *a = &l->v[i].addr;

		CHECK(l->v[i].line > 0);
		if (customers)
			CHECK(a->plen == keg_addr_maxlen(a));
		else
			CHECK(!keg_prefix_has_host_bits(a));
		if (i)
			CHECK(keg_addr_cmp(&l->v[i - 1].addr, a) < 0);
	}
}

static char *write_back(const struct keg_conf *c, size_t *len)
{
	char buf[KEG_ADDR_STRLEN], *text = NULL;
	FILE *f = open_memstream(&text, len);

	CHECK(f);
	for (size_t i = 0; i < c->n_ifaces; i++) {
		const struct keg_conf_iface *ifc = &c->ifaces[i];

		fprintf(f, "interface %s\n", ifc->name);
		for (size_t j = 0; j < ifc->subnets.n; j++)
			fprintf(f, "\tsubnet %s\n",
				keg_prefix_str(&ifc->subnets.v[j].addr, buf, sizeof(buf)));
		for (size_t j = 0; j < ifc->customers.n; j++)
			fprintf(f, "\tcustomer %s\n",
				keg_addr_str(&ifc->customers.v[j].addr, buf, sizeof(buf)));
		for (size_t j = 0; j < ifc->proxies.n; j++) {
			const struct keg_proxy_spec *p = &ifc->proxies.v[j].spec;
			char l[KEG_ADDR_STRLEN + 8], d[KEG_ADDR_STRLEN + 8];

			char pr[32];

			fprintf(f, "\tproxy %s %s %s %s\n", p->site,
				keg_proxy_endpoint_str(&p->local, p->port, l, sizeof(l)),
				keg_proxy_endpoint_str(&p->dest, p->dport, d, sizeof(d)),
				keg_icpt_protos_str(p->protos, pr, sizeof(pr)));
		}
	}
	if (c->limits.line)
		fprintf(f, "limits tcp %u udp %u total %u\n", c->limits.tcp, c->limits.udp,
			c->limits.total);
	CHECK(fclose(f) == 0);
	return text;
}

static bool same_list(const struct keg_conf_list *a, const struct keg_conf_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (keg_addr_cmp(&a->v[i].addr, &b->v[i].addr))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keg_conf conf, again;
	struct keg_err err;
	char *text;
	size_t len;

	if (keg_conf_parse_buf((const char *)data, size, &conf, &err)) {
		CHECK(conf.n_ifaces == 0 && conf.ifaces == NULL);
		CHECK(err.msg[0] != '\0' && memchr(err.msg, '\0', sizeof(err.msg)));
		return 0;
	}
	for (size_t i = 0; i < conf.n_ifaces; i++) {
		const struct keg_conf_iface *ifc = &conf.ifaces[i];

		CHECK(keg_ifname_valid(ifc->name));
		CHECK(keg_conf_find(&conf, ifc->name) == ifc);
		check_list(&ifc->subnets, false);
		check_list(&ifc->customers, true);
		for (size_t j = 0; j < i; j++)
			for (size_t k = 0; k < ifc->customers.n; k++)
				for (size_t m = 0; m < conf.ifaces[j].customers.n; m++)
					CHECK(keg_addr_cmp(&ifc->customers.v[k].addr,
							   &conf.ifaces[j].customers.v[m].addr));
	}

	for (size_t i = 0; i < conf.n_ifaces; i++) {
		const struct keg_conf_proxies *l = &conf.ifaces[i].proxies;

		for (size_t j = 0; j < l->n; j++) {
			const struct keg_proxy_spec *p = &l->v[j].spec;

			CHECK(p->local.plen == keg_addr_maxlen(&p->local));
			CHECK(p->dest.family == p->local.family);
			CHECK(p->protos && !(p->protos & ~(KEG_ICPT_P_TCP | KEG_ICPT_P_UDP)));
			CHECK(!p->dport || p->port);
			for (size_t k = 0; k < j; k++)
				CHECK(keg_addr_cmp(&l->v[k].spec.local, &p->local));
		}
	}
	CHECK(conf.limits.tcp <= KEG_LIMIT_MAX && conf.limits.udp <= KEG_LIMIT_MAX &&
	      conf.limits.total <= KEG_LIMIT_MAX);

	text = write_back(&conf, &len);
	CHECK(keg_conf_parse_buf(text, len, &again, &err) == 0);
	CHECK(again.n_ifaces == conf.n_ifaces);
	for (size_t i = 0; i < conf.n_ifaces; i++) {
		CHECK(!strcmp(again.ifaces[i].name, conf.ifaces[i].name));
		CHECK(same_list(&again.ifaces[i].subnets, &conf.ifaces[i].subnets));
		CHECK(same_list(&again.ifaces[i].customers, &conf.ifaces[i].customers));
		CHECK(again.ifaces[i].proxies.n == conf.ifaces[i].proxies.n);
		for (size_t j = 0; j < conf.ifaces[i].proxies.n; j++)
			CHECK(keg_proxy_spec_eq(&again.ifaces[i].proxies.v[j].spec,
						&conf.ifaces[i].proxies.v[j].spec));
	}
	CHECK(!again.limits.line == !conf.limits.line);
	CHECK(again.limits.tcp == conf.limits.tcp && again.limits.udp == conf.limits.udp &&
	      again.limits.total == conf.limits.total);
	keg_conf_free(&again);
	keg_conf_free(&conf);
	free(text);
	return 0;
}
