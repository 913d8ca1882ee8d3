/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * attach.h - putting keg on an interface and taking it off again.
 *
 * keg_attach() loads the embedded BPF object (build/keg.skel.h) with its
 * maps pinned under /sys/fs/bpf/keg/IFACE, attaches keg_xdp (libxdp) and
 * keg_tc (clsact egress), and keg_tc_reply (clsact ingress) where proxy
 * replies leave from tc (reply.h), and writes keg_config. On an interface keg is
 * already on it upgrades in place: the pinned maps are reused with their
 * contents, the XDP program is swapped atomically, the tc filter replaced;
 * the proxied prefixes of a keg older than the prefix hash maps are moved
 * into them (oldprefixes.h) and the old pins removed last.
 * Any failure undoes what the call did: programs detached or restored,
 * pins created by this call removed (never those of an existing attachment).
 *
 * keg_detach() removes keg's programs, the clsact qdisc when keg created it
 * and nothing else uses it, keg's customer routes through the interface and
 * the pin directory. It converges: after a failure, running it again
 * finishes the job. It knows nothing of shaping or schedules: taking keg
 * off an interface with those too is keg_teardown() (teardown.h).
 *
 * Both expect the caller to hold keg_lock(true), or keg_lock_ifaces() of
 * the interface and of its uplink (pins.h), and act in the caller's
 * network namespace.
 */
#ifndef KEG_ATTACH_H
#define KEG_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "reply.h"
#include "state.h"

struct keg_attach_result {
	bool upgraded;		/* keg was already on the interface */
	bool dispatcher;	/* attached through libxdp's dispatcher */
	struct keg_state st;	/* as recorded */
	bool veth;		/* the interface is a veth */
	enum keg_reply_path reply;	/* how proxy replies leave (reply.h) */
	uint32_t reply_id;	/* keg_tc_reply's id when reply is TC */
	size_t prefixes_moved;	/* proxied prefixes moved from an older keg's
				 * keg_subnets4/6 (oldprefixes.h) */
	size_t prefixes_kept;	/* of those, already in the new maps */
};

int keg_attach(const char *iface, enum keg_xdp_mode mode,
	       struct keg_attach_result *res, struct keg_err *err);

struct keg_detach_result {
	bool vanished;		/* interface gone: only pins were removed */
	bool clsact_removed;
	unsigned int routes;	/* customer routes removed */
};

int keg_detach(const char *iface, struct keg_detach_result *res,
	       struct keg_err *err);

#endif /* KEG_ATTACH_H */
