// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tc.c - see tc.h */
#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <bpf/libbpf.h>

#include "tc.h"

static void hook_at(struct bpf_tc_hook *h, int ifindex, enum bpf_tc_attach_point at)
{
	h->ifindex = ifindex;
	h->attach_point = at;
}

int keg_tc_query_at(int ifindex, enum bpf_tc_attach_point at, uint32_t *prog_id)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = KEG_TC_HANDLE,
			    .priority = KEG_TC_PRIO);
	int ret;

	hook_at(&hook, ifindex, at);
	ret = bpf_tc_query(&hook, &opts);
	/* No clsact qdisc gives -EINVAL from the kernel. */
	if (ret == -ENOENT || ret == -EINVAL)
		return -ENOENT;
	if (ret)
		return ret;
	*prog_id = opts.prog_id;
	return 0;
}

int keg_tc_query(int ifindex, uint32_t *prog_id)
{
	return keg_tc_query_at(ifindex, BPF_TC_EGRESS, prog_id);
}

int keg_tc_hook_ensure(int ifindex, bool *created)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook);
	int ret;

	/* The clsact qdisc serves both directions. */
	hook_at(&hook, ifindex, BPF_TC_EGRESS);
	ret = bpf_tc_hook_create(&hook);
	*created = ret == 0;
	return ret == -EEXIST ? 0 : ret;
}

int keg_tc_attach_at(int ifindex, enum bpf_tc_attach_point at, int prog_fd, bool replace)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd,
			    .handle = KEG_TC_HANDLE, .priority = KEG_TC_PRIO,
			    .flags = replace ? BPF_TC_F_REPLACE : 0);

	hook_at(&hook, ifindex, at);
	return bpf_tc_attach(&hook, &opts);
}

int keg_tc_attach(int ifindex, int prog_fd, bool replace)
{
	return keg_tc_attach_at(ifindex, BPF_TC_EGRESS, prog_fd, replace);
}

int keg_tc_detach_at(int ifindex, enum bpf_tc_attach_point at)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = KEG_TC_HANDLE,
			    .priority = KEG_TC_PRIO);
	int ret;

	hook_at(&hook, ifindex, at);
	ret = bpf_tc_detach(&hook, &opts);
	return ret == -EINVAL ? -ENOENT : ret;
}

int keg_tc_detach(int ifindex)
{
	return keg_tc_detach_at(ifindex, BPF_TC_EGRESS);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	unsigned int *n = data;

	if (nlh->nlmsg_type == RTM_NEWTFILTER)
		(*n)++;
	return MNL_CB_OK;
}

int keg_tc_filter_count(struct keg_nl *nl, int ifindex, unsigned int *n)
{
	static const uint16_t minors[] = { TC_H_MIN_INGRESS, TC_H_MIN_EGRESS };
	KEG_NL_REQ(buf);
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;
	unsigned int i;
	int ret;

	*n = 0;
	for (i = 0; i < 2; i++) {
		nlh = keg_nl_msg(nl, buf, RTM_GETTFILTER, NLM_F_DUMP);
		tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
		tcm->tcm_family = AF_UNSPEC;
		tcm->tcm_ifindex = ifindex;
		tcm->tcm_parent = TC_H_MAKE(TC_H_CLSACT, minors[i]);
		ret = keg_nl_talk(nl, nlh, count_cb, n);
		if (ret == -EINVAL || ret == -ENOENT)
			continue;	/* no clsact: nothing there */
		if (ret)
			return ret;
	}
	return 0;
}

int keg_tc_hook_destroy(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook);

	/* Both points at once is libbpf's way of deleting the qdisc itself;
	 * one point alone would only flush its filters. */
	hook.ifindex = ifindex;
	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	return bpf_tc_hook_destroy(&hook);
}
