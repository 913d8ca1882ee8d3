// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* harness.c - see harness.h. */
#include "harness.h"
#include "keg_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <linux/bpf.h>

#include "ifmaps.h"
#include "keg.skel.h"
#include "parse_probe.skel.h"

#define STAT_NAME_(name) #name,
const char *const stat_names[KEG_STAT__MAX] = {
	KEG_STATS_LIST(STAT_NAME_)
};

int stat_is_error(enum keg_stat i)
{
	return i >= KEG_STAT_ERR_FIRST && i <= KEG_STAT_ERR_LAST;
}

const char *err_name(uint32_t err)
{
	if (err == 0)
		return "none";
	return err < KEG_STAT__MAX ? stat_names[err] : "?";
}

const char *xdp_verdict_name(uint32_t v)
{
	static const char *const n[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS",
					  "XDP_TX", "XDP_REDIRECT" };
	return v < 5 ? n[v] : "XDP_?";
}

/* libbpf warnings (the verifier log on a failed load) only. */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level > LIBBPF_WARN && !getenv("KEG_TEST_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void no_pinning(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		cr_assert_eq(bpf_map__set_pin_path(map, NULL), 0);
}

void keg_env_open(struct keg_env *e)
{
	int err;

	memset(e, 0, sizeof(*e));
	libbpf_set_print(quiet_print);
	e->skel = keg__open();
	cr_assert_not_null(e->skel, "keg__open: %s", strerror(errno));
	no_pinning(e->skel->obj);
	err = keg__load(e->skel);
	cr_assert_eq(err, 0, "keg__load: %s", strerror(-err));

	e->xdp_fd = bpf_program__fd(e->skel->progs.keg_xdp);
	e->tc_fd = bpf_program__fd(e->skel->progs.keg_tc);
	e->tc_reply_fd = bpf_program__fd(e->skel->progs.keg_tc_reply);
	e->stats_fd = bpf_map__fd(e->skel->maps.keg_stats);
	e->config_fd = bpf_map__fd(e->skel->maps.keg_config);
	e->subnets4_fd = bpf_map__fd(e->skel->maps.keg_prefixes4);
	e->subnets6_fd = bpf_map__fd(e->skel->maps.keg_prefixes6);
	e->subnet_lens_fd = bpf_map__fd(e->skel->maps.keg_prefix_lens);
	e->customers4_fd = bpf_map__fd(e->skel->maps.keg_customers4);
	e->customers6_fd = bpf_map__fd(e->skel->maps.keg_customers6);
	e->proxies_fd = bpf_map__fd(e->skel->maps.keg_proxies);
	e->ncpu = libbpf_num_possible_cpus();
	cr_assert_gt(e->ncpu, 0);
}

void keg_env_close(struct keg_env *e)
{
	keg__destroy(e->skel);
	e->skel = NULL;
}

void keg_env_config(struct keg_env *e, const char *mac, uint32_t flags)
{
	struct keg_config c = { .ifindex = 1, .flags = flags };
	unsigned int b[6];
	__u32 key = 0;

	cr_assert_eq(sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
			    &b[4], &b[5]), 6, "bad MAC %s", mac);
	for (int i = 0; i < 6; i++)
		c.mac[i] = (__u8)b[i];
	cr_assert_eq(bpf_map_update_elem(e->config_fd, &key, &c, BPF_ANY), 0,
		     "keg_config: %s", strerror(errno));
}

/* Through the library's writer (user/lib/bpf/ifmaps.c), which keeps the
 * lengths in use in step, as kegctl does. */
void keg_env_add_subnet(struct keg_env *e, const char *cidr)
{
	struct keg_ifmaps m = { .subnets4 = e->subnets4_fd, .subnets6 = e->subnets6_fd,
				.subnet_lens = e->subnet_lens_fd, .customers4 = -1,
				.customers6 = -1, .stats = -1, .config = -1 };
	struct keg_addr p = { 0 };
	char addr[64];
	const char *slash = strchr(cidr, '/');
	int ret;

	cr_assert(slash && (size_t)(slash - cidr) < sizeof(addr), "bad prefix %s", cidr);
	memcpy(addr, cidr, (size_t)(slash - cidr));
	addr[slash - cidr] = '\0';
	p.plen = (uint8_t)atoi(slash + 1);
	p.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	cr_assert_eq(inet_pton(p.family, addr, p.bytes), 1, "bad prefix %s", cidr);
	ret = keg_subnet_insert(&m, &p, NULL);
	cr_assert_eq(ret, 0, "keg_subnet_insert %s: %s", cidr, strerror(-ret));
}

void keg_env_add_customer(struct keg_env *e, const char *addr)
{
	struct keg_customer val = { .ifindex = 1 };

	if (strchr(addr, ':')) {
		struct keg_customer6_key k;

		cr_assert_eq(inet_pton(AF_INET6, addr, k.addr), 1, "bad address %s", addr);
		cr_assert_eq(bpf_map_update_elem(e->customers6_fd, &k, &val, BPF_ANY), 0,
			     "keg_customers6 %s: %s", addr, strerror(errno));
	} else {
		struct keg_customer4_key k;

		cr_assert_eq(inet_pton(AF_INET, addr, &k.addr), 1, "bad address %s", addr);
		cr_assert_eq(bpf_map_update_elem(e->customers4_fd, &k, &val, BPF_ANY), 0,
			     "keg_customers4 %s: %s", addr, strerror(errno));
	}
}

void keg_env_add_proxy(struct keg_env *e, const char *addr)
{
	struct keg_proxy_key k = { 0 };
	struct keg_proxy val = { .protos = 1 };

	k.family = strchr(addr, ':') ? 6 : 4;
	val.family = k.family;
	cr_assert_eq(inet_pton(k.family == 6 ? AF_INET6 : AF_INET, addr, k.addr), 1,
		     "bad address %s", addr);
	cr_assert_eq(bpf_map_update_elem(e->proxies_fd, &k, &val, BPF_ANY), 0,
		     "keg_proxies %s: %s", addr, strerror(errno));
}

void stats_read(struct keg_env *e, struct keg_stats *sum)
{
	struct keg_stats *per = calloc((size_t)e->ncpu, sizeof(*per));
	__u32 key = 0;

	cr_assert_not_null(per);
	cr_assert_eq(bpf_map_lookup_elem(e->stats_fd, &key, per), 0,
		     "keg_stats: %s", strerror(errno));
	memset(sum, 0, sizeof(*sum));
	for (int c = 0; c < e->ncpu; c++)
		for (int i = 0; i < KEG_STAT__MAX; i++)
			((uint64_t *)sum)[i] += ((uint64_t *)&per[c])[i];
	free(per);
}

void stats_reset(struct keg_env *e)
{
	struct keg_stats *per = calloc((size_t)e->ncpu, sizeof(*per));
	__u32 key = 0;

	cr_assert_not_null(per);
	cr_assert_eq(bpf_map_update_elem(e->stats_fd, &key, per, BPF_ANY), 0,
		     "keg_stats: %s", strerror(errno));
	free(per);
}

int xdp_run(int prog_fd, const void *pkt, size_t len, struct xdp_run *r)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = pkt,
		.data_size_in = (__u32)len,
		.data_out = r->out,
		.data_size_out = sizeof(r->out),
		.repeat = 1,
	);

	if (len < XDP_RUN_MIN_LEN || len > XDP_RUN_MAX_LEN)
		return -EINVAL;
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	r->retval = opts.retval;
	r->out_len = opts.data_size_out;
	return 0;
}

void probe_env_open(struct probe_env *e)
{
	int err;

	memset(e, 0, sizeof(*e));
	libbpf_set_print(quiet_print);
	e->skel = parse_probe__open();
	cr_assert_not_null(e->skel, "parse_probe__open: %s", strerror(errno));
	no_pinning(e->skel->obj);
	err = parse_probe__load(e->skel);
	cr_assert_eq(err, 0, "parse_probe__load: %s", strerror(-err));
	e->prog_fd = bpf_program__fd(e->skel->progs.parse_probe);
	e->out_fd = bpf_map__fd(e->skel->maps.parse_out);
}

void probe_env_close(struct probe_env *e)
{
	parse_probe__destroy(e->skel);
	e->skel = NULL;
}

void probe_parse(struct probe_env *e, const void *pkt, size_t len,
		 struct keg_parse_result *res)
{
	struct xdp_run *r = malloc(sizeof(*r));
	struct keg_parse_result generic;
	__u32 key = 0;
	int err;

	cr_assert_not_null(r);
	err = xdp_run(e->prog_fd, pkt, len, r);
	cr_assert_eq(err, 0, "test run: %s", strerror(-err));
	cr_assert_eq(r->retval, XDP_PASS, "parse_probe returned %s",
		     xdp_verdict_name(r->retval));
	free(r);
	cr_assert_eq(bpf_map_lookup_elem(e->out_fd, &key, res), 0,
		     "parse_out: %s", strerror(errno));
	key = 1;
	cr_assert_eq(bpf_map_lookup_elem(e->out_fd, &key, &generic), 0,
		     "parse_out[1]: %s", strerror(errno));
	/* Every byte, padding included: both parsers start from zero. */
	cr_assert_eq(memcmp(res, &generic, sizeof(generic)), 0,
		     "the fast path and the generic parser disagree on this "
		     "frame (%zu bytes): error %u/%u depth %u/%u inner proto %u/%u",
		     len, res->error, generic.error, res->depth, generic.depth,
		     res->inner.proto, generic.inner.proto);
}
