// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* term_hook.c - see term_hook.h */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "keg_term.skel.h"
#include "pins.h"
#include "term_hook.h"

static void tc_hook(struct bpf_tc_hook *hook, int ifindex)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = BPF_TC_INGRESS;
}

int kegd_term_hook_open(struct kegd_term_hook *h, const char *ifname, int ifindex)
{
	char dir[128];
	struct bpf_tc_hook hook;
	int ret;

	memset(h, 0, sizeof(*h));
	h->ifindex = ifindex;
	h->proxies = -1;
	ret = keg_pin_dir(ifname, dir, sizeof(dir));
	if (ret)
		return ret;
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = dir);
	h->skel = keg_term__open_opts(&opts);
	if (!h->skel)
		return -errno;
	ret = keg_term__load(h->skel);
	if (ret)
		goto fail;
	tc_hook(&hook, ifindex);
	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST)
		goto fail;
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = KEG_TERM_TC_HANDLE, .priority = KEG_TERM_TC_PRIO,
		    .prog_fd = bpf_program__fd(h->skel->progs.keg_tc_term),
		    .flags = BPF_TC_F_REPLACE);
	ret = bpf_tc_attach(&hook, &to);
	if (ret)
		goto fail;
	h->attached = true;
	/* keg_xdp's proxy addresses (keg_proxy.h); an interface an older keg
	 * attached has none until it is attached again. */
	{
		char path[sizeof(dir) + 32];

		snprintf(path, sizeof(path), "%s/%s", dir, KEG_STR(KEG_MAP_PROXIES));
		h->proxies = bpf_obj_get(path);
	}
	return 0;
fail:
	keg_term__destroy(h->skel);
	h->skel = NULL;
	return ret < 0 ? ret : -EINVAL;
}

void kegd_term_hook_close(struct kegd_term_hook *h)
{
	if (h->attached) {
		struct bpf_tc_hook hook;

		tc_hook(&hook, h->ifindex);
		LIBBPF_OPTS(bpf_tc_opts, to, .handle = KEG_TERM_TC_HANDLE,
			    .priority = KEG_TERM_TC_PRIO);
		bpf_tc_detach(&hook, &to);
		h->attached = false;
	}
	if (h->skel)
		keg_term__destroy(h->skel);
	h->skel = NULL;
	if (h->proxies >= 0)
		close(h->proxies);
	h->proxies = -1;
}

int kegd_term_hook_listen(struct kegd_term_hook *h, unsigned int idx, int fd)
{
	__u64 v = (__u64)fd;

	if (bpf_map_update_elem(bpf_map__fd(h->skel->maps.keg_term_socks), &idx, &v, BPF_ANY))
		return -errno;
	return 0;
}

int kegd_term_hook_ulisten(struct kegd_term_hook *h, unsigned int idx, int fd)
{
	__u64 v = (__u64)fd;

	if (bpf_map_update_elem(bpf_map__fd(h->skel->maps.keg_term_usocks), &idx, &v, BPF_ANY))
		return -errno;
	return 0;
}

int kegd_term_hook_syn(struct kegd_term_hook *h, const struct keg_term_key *k,
		       struct keg_term_syn *syn)
{
	if (bpf_map_lookup_elem(bpf_map__fd(h->skel->maps.keg_term_syns), k, syn))
		return -errno;
	return 0;
}

int kegd_term_hook_proxy(struct kegd_term_hook *h, const struct keg_proxy_key *k,
			 struct keg_proxy *p)
{
	if (h->proxies < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(h->proxies, k, p))
		return -errno;
	return 0;
}
