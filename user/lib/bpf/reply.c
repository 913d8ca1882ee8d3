// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* reply.c - see reply.h */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "reply.h"
#include "tc.h"

#define VETH_DRIVER "veth"

const char *keg_reply_path_str(enum keg_reply_path p)
{
	return p == KEG_REPLY_TC ? "tc" : "xdp";
}

int keg_if_is_veth(int ifindex)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int fd, ret = 0;

	if (!if_indextoname((unsigned int)ifindex, ifr.ifr_name))
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		ret = errno == EOPNOTSUPP ? 0 : -errno;	/* no driver info: not veth */
	else
		ret = !strcmp(info.driver, VETH_DRIVER);
	close(fd);
	return ret;
}

enum keg_reply_path keg_reply_path_choose(bool veth, enum keg_xdp_mode requested,
					  enum keg_xdp_mode xdp_mode)
{
	if (veth && xdp_mode == KEG_XDP_NATIVE && requested != KEG_XDP_NATIVE)
		return KEG_REPLY_TC;
	return KEG_REPLY_XDP;
}

const char *keg_reply_path_why(enum keg_reply_path p, bool veth,
			       enum keg_xdp_mode xdp_mode)
{
	if (p == KEG_REPLY_TC)
		return "veth: a native XDP_TX reaches the peer only if the peer runs XDP, "
		       "so replies leave from tc ingress";
	if (veth && xdp_mode == KEG_XDP_NATIVE)
		return "--mode native on veth: the peer receives replies only if it runs "
		       "an XDP program";
	if (xdp_mode == KEG_XDP_GENERIC)
		return "generic XDP sends XDP_TX through the stack";
	return "native XDP_TX leaves through the driver";
}

int keg_tc_reply_query(int ifindex, uint32_t *prog_id)
{
	return keg_tc_query_at(ifindex, BPF_TC_INGRESS, prog_id);
}

int keg_tc_reply_attach(int ifindex, int prog_fd, bool replace)
{
	return keg_tc_attach_at(ifindex, BPF_TC_INGRESS, prog_fd, replace);
}

int keg_tc_reply_detach(int ifindex)
{
	return keg_tc_detach_at(ifindex, BPF_TC_INGRESS);
}
