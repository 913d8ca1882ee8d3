/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nl.h - one rtnetlink socket (libmnl) and a request/response loop that
 * keeps the kernel's extended-ack message, so "RTNETLINK answers: File
 * exists" can become "... : Nexthop device is not up" in our error line.
 * The socket lives in the caller's network namespace.
 */
#ifndef KEG_NL_H
#define KEG_NL_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "err.h"

struct keg_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char *buf;			/* receive buffer, KEG_NL_BUFSIZE bytes */
	char extack[256];		/* kernel's message for the last error */
};

#define KEG_NL_BUFSIZE 32768

/* A request buffer: our requests are a header and a few attributes. */
#define KEG_NL_REQ(name) char name[1024] __attribute__((aligned(NLMSG_ALIGNTO)))

int keg_nl_open(struct keg_nl *nl);
void keg_nl_close(struct keg_nl *nl);

/* Start a request in buf (a KEG_NL_REQ): type,
 * flags | NLM_F_REQUEST, next sequence number; then add the family header
 * and attributes with libmnl. */
struct nlmsghdr *keg_nl_msg(struct keg_nl *nl, void *buf, int type, int flags);

/* Send nlh and process replies with cb (may be NULL) until the ack or the
 * end of a dump. Set NLM_F_ACK on non-dump requests. Returns 0 or the
 * negative errno from the kernel (its message in nl->extack). */
int keg_nl_talk(struct keg_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

#endif /* KEG_NL_H */
