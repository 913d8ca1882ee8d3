/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * reply.h - the path keg's proxy-ARP/NDP replies take out of an interface.
 *
 * XDP_TX (keg_xdp turns the request into the reply and sends it back from
 * the driver) is the fast path and reaches the other end on a physical NIC
 * and with generic XDP, which transmits through the stack. On veth, a
 * native-mode XDP_TX is handed to the peer only when the peer runs an XDP
 * program of its own (a customer's container does not): there, in the
 * default mode, the replies are sent from tc ingress instead, by
 * keg_tc_reply on the clsact ingress hook (bpf/keg_reply_tc.h), with
 * KEG_CFG_REPLY_TC set in keg_config so that keg_xdp leaves the requests
 * to it. An explicit --mode native on veth keeps XDP_TX.
 *
 * keg_tc_reply sits at keg's handle and priority on ingress (tc.h), so
 * re-attach replaces exactly it and detach removes exactly it.
 */
#ifndef KEG_REPLY_H
#define KEG_REPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

#define KEG_PROG_TC_REPLY "keg_tc_reply"

enum keg_reply_path {
	KEG_REPLY_XDP,		/* XDP_TX from keg_xdp */
	KEG_REPLY_TC,		/* keg_tc_reply, redirected to the egress */
};

/* "xdp" or "tc". */
const char *keg_reply_path_str(enum keg_reply_path p);

/* Whether ifindex is a veth (its driver, as ethtool reports it): 1, 0, or a
 * negative errno. */
int keg_if_is_veth(int ifindex);

/* The path for an interface: requested is the --mode asked for (AUTO when
 * none), xdp_mode the mode keg_xdp runs (or will run) in. */
enum keg_reply_path keg_reply_path_choose(bool veth, enum keg_xdp_mode requested,
					  enum keg_xdp_mode xdp_mode);

/* One sentence saying why replies take path p on such an interface. */
const char *keg_reply_path_why(enum keg_reply_path p, bool veth,
			       enum keg_xdp_mode xdp_mode);

/* keg_tc_reply on clsact ingress, as the egress filter's functions in
 * tc.h: the program id at keg's handle/priority (0, -ENOENT or an errno);
 * install (replacing when replace is set); remove (0 or -ENOENT). */
int keg_tc_reply_query(int ifindex, uint32_t *prog_id);
int keg_tc_reply_attach(int ifindex, int prog_fd, bool replace);
int keg_tc_reply_detach(int ifindex);

#endif /* KEG_REPLY_H */
