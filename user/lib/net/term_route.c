// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* term_route.c - see term_route.h */
#include <errno.h>
#include <stdbool.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include "keg_maps.h"
#include "keg_term.h"
#include "term_route.h"

static int rule(struct keg_nl *nl, int family, bool add)
{
	KEG_NL_REQ(buf);
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *fr;

	nlh = keg_nl_msg(nl, buf, add ? RTM_NEWRULE : RTM_DELRULE,
			 NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
	fr = mnl_nlmsg_put_extra_header(nlh, sizeof(*fr));
	fr->family = (unsigned char)family;
	fr->action = FR_ACT_TO_TBL;
	fr->table = RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, FRA_TABLE, KEG_TERM_TABLE);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, KEG_TERM_RULE_PREF);
	mnl_attr_put_u32(nlh, FRA_FWMARK, KEG_TERM_MARK);
	mnl_attr_put_u32(nlh, FRA_FWMASK, 0xffffffffU);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, KEG_RTPROT);
	return keg_nl_talk(nl, nlh, NULL, NULL);
}

static int route(struct keg_nl *nl, int family, int lo, bool add)
{
	KEG_NL_REQ(buf);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = keg_nl_msg(nl, buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
			 NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_UNSPEC;
	rtm->rtm_protocol = KEG_RTPROT;
	rtm->rtm_scope = RT_SCOPE_HOST;
	rtm->rtm_type = RTN_LOCAL;
	mnl_attr_put_u32(nlh, RTA_TABLE, KEG_TERM_TABLE);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)lo);
	return keg_nl_talk(nl, nlh, NULL, NULL);
}

int keg_term_route_add(struct keg_nl *nl)
{
	static const int fam[] = { AF_INET, AF_INET6 };
	int lo = (int)if_nametoindex("lo");

	if (!lo)
		return -ENODEV;
	for (unsigned int i = 0; i < 2; i++) {
		int ret = route(nl, fam[i], lo, true);

		if (ret && ret != -EEXIST)
			return ret;
		ret = rule(nl, fam[i], true);
		if (ret && ret != -EEXIST)
			return ret;
	}
	return 0;
}

int keg_term_route_del(struct keg_nl *nl)
{
	static const int fam[] = { AF_INET, AF_INET6 };
	int lo = (int)if_nametoindex("lo"), first = 0;

	for (unsigned int i = 0; i < 2; i++) {
		int ret = rule(nl, fam[i], false);

		if (ret && ret != -ENOENT && ret != -ESRCH)
			first = first ?: ret;
		if (!lo)
			continue;
		ret = route(nl, fam[i], lo, false);
		if (ret && ret != -ENOENT && ret != -ESRCH)
			first = first ?: ret;
	}
	return first;
}
