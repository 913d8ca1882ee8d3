/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdp.h - what XDP program an interface runs, and keg's ways to change it.
 *
 * libxdp attaches keg_xdp, through its multi-program dispatcher where the
 * kernel allows it, else as the interface's single ("legacy") program. Where
 * the dispatcher runs, other programs may share the interface with keg; in
 * legacy mode any program other than keg_xdp is foreign and keg refuses to
 * replace it.
 */
#ifndef KEG_XDP_H
#define KEG_XDP_H

#include <stdbool.h>
#include <stdint.h>

#include <xdp/libxdp.h>

#include "state.h"

struct keg_xdp_info {
	uint32_t id;		/* program on the interface; 0: none */
	enum keg_xdp_mode mode;	/* NATIVE or GENERIC when id != 0 */
	bool hw;		/* a program is offloaded to the NIC */
	bool dispatcher;	/* id is libxdp's dispatcher */
	char name[16];		/* name of program id */
	uint32_t keg_id;	/* keg_xdp among them; 0: keg is not attached */
	uint32_t foreign_id;	/* legacy mode: the non-keg program */
	char foreign_name[16];
};

int keg_xdp_query(int ifindex, struct keg_xdp_info *x);

/* XDP_FLAGS_DRV_MODE / XDP_FLAGS_SKB_MODE / 0 and libxdp's equivalents. */
uint32_t keg_xdp_flags(enum keg_xdp_mode mode);
enum xdp_attach_mode keg_xdp_libxdp_mode(enum keg_xdp_mode mode);

/* Atomically swap the legacy program old_fd for new_fd (XDP_FLAGS_REPLACE):
 * fails with -EEXIST if old_fd is no longer the attached program. */
int keg_xdp_replace(int ifindex, int new_fd, int old_fd, enum keg_xdp_mode mode);

/* Detach program id (keg's) through libxdp, leaving any other program of
 * a dispatcher in place. */
int keg_xdp_detach_id(int ifindex, uint32_t id, enum keg_xdp_mode mode);

#endif /* KEG_XDP_H */
