// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* netlink_route.c - see netlink_route.h */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "keg_maps.h"
#include "netlink_route.h"

static struct rtmsg *route_msg(struct keg_nl *nl, void *buf, int type, int flags,
			       const struct keg_addr *a)
{
	struct nlmsghdr *nlh = keg_nl_msg(nl, buf, type, flags);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = a->family;
	rtm->rtm_dst_len = a->plen;
	mnl_attr_put(nlh, RTA_DST, keg_addr_len(a), a->bytes);
	return rtm;
}

struct parsed {
	const struct nlattr *tb[RTA_MAX + 1];
};

static int route_attr(const struct nlattr *attr, void *data)
{
	struct parsed *p = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= RTA_MAX)
		p->tb[type] = attr;
	return MNL_CB_OK;
}

/* Fill r from an RTM_NEWROUTE message; -EINVAL if it is not one. */
static int parse_route(const struct nlmsghdr *nlh, struct keg_route *r)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct parsed p = { 0 };
	size_t alen;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return -EINVAL;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr, &p);
	memset(r, 0, sizeof(*r));
	r->dst.family = rtm->rtm_family;
	r->dst.plen = rtm->rtm_dst_len;
	alen = keg_addr_len(&r->dst);
	if (p.tb[RTA_DST] && mnl_attr_get_payload_len(p.tb[RTA_DST]) == alen)
		memcpy(r->dst.bytes, mnl_attr_get_payload(p.tb[RTA_DST]), alen);
	r->table = p.tb[RTA_TABLE] ? mnl_attr_get_u32(p.tb[RTA_TABLE]) : rtm->rtm_table;
	r->protocol = rtm->rtm_protocol;
	r->type = rtm->rtm_type;
	r->oif = p.tb[RTA_OIF] ? (int)mnl_attr_get_u32(p.tb[RTA_OIF]) : 0;
	return 0;
}

struct match_ctx {
	struct keg_route *r;
	int found;
};

static int match_cb(const struct nlmsghdr *nlh, void *data)
{
	struct match_ctx *m = data;

	if (!m->found && !parse_route(nlh, m->r))
		m->found = 1;
	return MNL_CB_OK;
}

int keg_route_match(struct keg_nl *nl, const struct keg_addr *a, struct keg_route *r)
{
	KEG_NL_REQ(buf);
	struct match_ctx m = { r, 0 };
	struct rtmsg *rtm;
	int ret;

	rtm = route_msg(nl, buf, RTM_GETROUTE, NLM_F_ACK, a);
	rtm->rtm_flags = RTM_F_FIB_MATCH;
	ret = keg_nl_talk(nl, (struct nlmsghdr *)buf, match_cb, &m);
	if (ret == -ENETUNREACH || ret == -EHOSTUNREACH || ret == -ENOENT ||
	    ret == -ESRCH)
		return -ENOENT;
	if (ret)
		return ret;
	return m.found ? 0 : -ENOENT;
}

int keg_route_add(struct keg_nl *nl, const struct keg_addr *a, int ifindex)
{
	KEG_NL_REQ(buf);
	struct rtmsg *rtm;

	rtm = route_msg(nl, buf, RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, a);
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = KEG_RTPROT;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32((struct nlmsghdr *)buf, RTA_OIF, (uint32_t)ifindex);
	return keg_nl_talk(nl, (struct nlmsghdr *)buf, NULL, NULL);
}

int keg_route_del(struct keg_nl *nl, const struct keg_addr *a, int ifindex)
{
	KEG_NL_REQ(buf);
	struct rtmsg *rtm;
	int ret;

	/* The kernel matches protocol and device when they are given, so this
	 * cannot remove somebody else's route to the same address. */
	rtm = route_msg(nl, buf, RTM_DELROUTE, NLM_F_ACK, a);
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = KEG_RTPROT;
	rtm->rtm_scope = RT_SCOPE_NOWHERE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32((struct nlmsghdr *)buf, RTA_OIF, (uint32_t)ifindex);
	ret = keg_nl_talk(nl, (struct nlmsghdr *)buf, NULL, NULL);
	return ret == -ENOENT ? -ESRCH : ret;
}

struct list_ctx {
	int ifindex;
	struct keg_addr *v;
	size_t n, cap;
};

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *l = data;
	struct keg_route r;

	/* Filter here too: the kernel filters only with strict checking. */
	if (parse_route(nlh, &r) || r.protocol != KEG_RTPROT ||
	    r.table != RT_TABLE_MAIN || r.oif != l->ifindex)
		return MNL_CB_OK;
	if (keg_grow(&l->v, &l->cap, l->n, sizeof(*l->v))) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	l->v[l->n++] = r.dst;
	return MNL_CB_OK;
}

int keg_route_list(struct keg_nl *nl, int ifindex, struct keg_addr **v, size_t *n)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct list_ctx l = { .ifindex = ifindex };
	KEG_NL_REQ(buf);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t i;
	int ret = 0;

	for (i = 0; i < sizeof(families) && !ret; i++) {
		nlh = keg_nl_msg(nl, buf, RTM_GETROUTE, NLM_F_DUMP);
		rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		rtm->rtm_family = families[i];
		rtm->rtm_table = RT_TABLE_MAIN;
		rtm->rtm_protocol = KEG_RTPROT;
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
		ret = keg_nl_talk(nl, nlh, list_cb, &l);
	}
	if (ret) {
		free(l.v);
		return ret;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), keg_addr_qsort_cmp);
	*v = l.v;
	*n = l.n;
	return 0;
}

const char *keg_rtprot_str(uint8_t protocol, char *buf, size_t len)
{
	static const char *const names[] = {
		[RTPROT_REDIRECT] = "redirect", [RTPROT_KERNEL] = "kernel",
		[RTPROT_BOOT] = "boot", [RTPROT_STATIC] = "static",
		[RTPROT_RA] = "ra", [RTPROT_DHCP] = "dhcp",
		[RTPROT_BGP] = "bgp", [RTPROT_OSPF] = "ospf",
		[RTPROT_BIRD] = "bird",
		[KEG_RTPROT] = "keg",
	};

	if (protocol < sizeof(names) / sizeof(names[0]) && names[protocol])
		snprintf(buf, len, "%s", names[protocol]);
	else
		snprintf(buf, len, "%u", protocol);
	return buf;
}
