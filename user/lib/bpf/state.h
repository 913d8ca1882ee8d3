/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * state.h - kegctl's record of one attachment, kept next to its pins.
 *
 * bpffs holds only pins, directories and symlinks, so the record is the
 * target of the symlink /sys/fs/bpf/keg/IFACE/kegctl_state, e.g.
 *     keg1 ifindex=5 netns=4099 mode=native xdp=114 tc=115 clsact=1
 * (`ls -l` shows it). Written last by attach, replaced atomically (rename).
 *
 * The network namespace cookie scopes an attachment: bpffs is shared by all
 * namespaces of a mount namespace, so several namespaces can have an
 * interface called eth0. kegctl only manages the attachments of the
 * namespace it runs in. The program ids tell whether an attachment in
 * another namespace is still alive (its programs exist) or vanished.
 */
#ifndef KEG_STATE_H
#define KEG_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEG_STATE_NAME "kegctl_state"

enum keg_xdp_mode {
	KEG_XDP_AUTO = 0,	/* native if the driver has it, else generic */
	KEG_XDP_NATIVE,
	KEG_XDP_GENERIC,
};

struct keg_state {
	uint32_t ifindex;
	uint64_t netns;		/* keg_netns_cookie() at attach */
	enum keg_xdp_mode mode;	/* NATIVE or GENERIC as attached */
	uint32_t xdp_id;	/* keg_xdp program id */
	uint32_t tc_id;		/* keg_tc program id */
	bool clsact_created;	/* keg created the clsact qdisc: detach removes
				 * it when no other filter uses it */
};

/* "native", "generic" or "auto". */
const char *keg_xdp_mode_str(enum keg_xdp_mode mode);

/* 0, -ENOENT when there is no record, -EINVAL when it is unreadable. */
int keg_state_read(const char *iface, struct keg_state *st);
int keg_state_write(const char *iface, const struct keg_state *st);

/* Pure: format and parse the record text. */
int keg_state_format(const struct keg_state *st, char *buf, size_t len);
int keg_state_parse(const char *text, struct keg_state *st);

#endif /* KEG_STATE_H */
