// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xdp.c - see xdp.h */
#include <errno.h>
#include <linux/if_link.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "prog.h"
#include "xdp.h"

#define DISPATCHER_NAME "xdp_dispatcher"

/* Find keg_xdp among the programs of libxdp's dispatcher. */
static void scan_dispatcher(int ifindex, struct keg_xdp_info *x)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p;

	if (libxdp_get_error(mp))
		return;
	if (xdp_multiprog__is_legacy(mp)) {
		xdp_multiprog__close(mp);
		return;
	}
	x->dispatcher = true;
	for (p = xdp_multiprog__next_prog(NULL, mp); p;
	     p = xdp_multiprog__next_prog(p, mp)) {
		if (!strcmp(xdp_program__name(p), KEG_PROG_XDP)) {
			x->keg_id = xdp_program__id(p);
			break;
		}
	}
	xdp_multiprog__close(mp);
}

int keg_xdp_query(int ifindex, struct keg_xdp_info *x)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int ret;

	memset(x, 0, sizeof(*x));
	ret = bpf_xdp_query(ifindex, 0, &q);
	if (ret)
		return ret;
	x->hw = q.hw_prog_id != 0;
	if (q.drv_prog_id) {
		x->id = q.drv_prog_id;
		x->mode = KEG_XDP_NATIVE;
	} else if (q.skb_prog_id) {
		x->id = q.skb_prog_id;
		x->mode = KEG_XDP_GENERIC;
	}
	if (!x->id)
		return 0;
	keg_prog_name(x->id, x->name);
	if (!strcmp(x->name, KEG_PROG_XDP)) {
		x->keg_id = x->id;
	} else if (!strcmp(x->name, DISPATCHER_NAME)) {
		scan_dispatcher(ifindex, x);
	}
	if (!x->dispatcher && !x->keg_id) {
		x->foreign_id = x->id;
		memcpy(x->foreign_name, x->name, sizeof(x->name));
	}
	return 0;
}

uint32_t keg_xdp_flags(enum keg_xdp_mode mode)
{
	switch (mode) {
	case KEG_XDP_NATIVE:
		return XDP_FLAGS_DRV_MODE;
	case KEG_XDP_GENERIC:
		return XDP_FLAGS_SKB_MODE;
	default:
		return 0;
	}
}

enum xdp_attach_mode keg_xdp_libxdp_mode(enum keg_xdp_mode mode)
{
	switch (mode) {
	case KEG_XDP_NATIVE:
		return XDP_MODE_NATIVE;
	case KEG_XDP_GENERIC:
		return XDP_MODE_SKB;
	default:
		return XDP_MODE_UNSPEC;
	}
}

int keg_xdp_replace(int ifindex, int new_fd, int old_fd, enum keg_xdp_mode mode)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = old_fd);

	return bpf_xdp_attach(ifindex, new_fd,
			      XDP_FLAGS_REPLACE | keg_xdp_flags(mode), &opts);
}

int keg_xdp_detach_id(int ifindex, uint32_t id, enum keg_xdp_mode mode)
{
	struct xdp_program *p = xdp_program__from_id(id);
	int ret;

	ret = (int)libxdp_get_error(p);
	if (ret)
		return ret;
	ret = xdp_program__detach(p, ifindex, keg_xdp_libxdp_mode(mode), 0);
	xdp_program__close(p);
	return ret;
}
