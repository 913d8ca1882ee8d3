/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_shape.h - per-customer shaping, shared by the tc classifier
 * (bpf/keg_classify.h) and kegctl (user/lib/net/htb.c, user/lib/ops/shape.c).
 *
 * The HTB tree kegctl builds on a shaped interface (root qdisc, handle
 * KEG_HTB_MAJOR:):
 *
 *   1:1            root class, the link rate
 *   1:10           default class (addresses that are not customers)
 *     1:11         its interactive leaf (prio 0)
 *     1:12         its bulk leaf (prio 1), also HTB's "default"
 *   1:20+g         group g of KEG_GROUP_SIZE customers, whose leaf qdisc is
 *                  another HTB, handle M: with M = KEG_GROUP_MAJOR_FIRST + g
 *     M:1          the group's root class
 *     M:N          customer in slot s of the group, N = KEG_CLASS_FIRST + 3 * i
 *                  (i = s % KEG_GROUP_SIZE)
 *       M:N+1      interactive leaf
 *       M:N+2      bulk leaf
 *
 * The classifier finds the customer, takes its parent class id from
 * struct keg_customer.class_id (0: not shaped, use the default class) and
 * sets skb->priority to the interactive (+1) or bulk (+2) leaf. HTB takes a
 * priority whose major is its own handle as the class directly; the root
 * HTB sends a group's packets to 1:20+g through a small cls_bpf classifier
 * (bpf/keg_group.bpf.c). Groups keep each HTB small: the kernel walks every
 * class of a qdisc on each class creation and deletion (tc_bind_tclass),
 * which makes one flat tree of 30,000 classes cost minutes to build.
 *
 * Same class ids on the uplink (upload, matched by source address): one
 * customer-facing interface per uplink.
 *
 * Per-leaf packets, bytes and drops are the leaf HTB classes' own counters
 * (rtnetlink class dump); keg keeps no copy of them.
 */
#ifndef KEG_SHAPE_H
#define KEG_SHAPE_H

#include <linux/types.h>

#define KEG_MAP_SHAPE      keg_shape

#define KEG_HTB_MAJOR      1U
#define KEG_CLASS_ROOT     0x1U
#define KEG_CLASS_DEFAULT  0x10U
#define KEG_CLASS_GROUP_FIRST 0x20U
#define KEG_CLASS_FIRST    0x100U
#define KEG_GROUP_SIZE     1024U
#define KEG_GROUP_MAJOR_FIRST 2U
#define KEG_SHAPE_MAX_GROUPS 128U
#define KEG_SHAPE_MAX_SLOTS (KEG_GROUP_SIZE * KEG_SHAPE_MAX_GROUPS)
#define KEG_LEAF_INTERACTIVE 1U
#define KEG_LEAF_BULK        2U

#define KEG_CLASSID(minor) ((KEG_HTB_MAJOR << 16) | (minor))
#define KEG_GROUP_MAJOR(g) (KEG_GROUP_MAJOR_FIRST + (g))
#define KEG_SLOT_CLASSID(s)                                                    \
	((KEG_GROUP_MAJOR((s) / KEG_GROUP_SIZE) << 16) |                       \
	 (KEG_CLASS_FIRST + 3U * ((s) % KEG_GROUP_SIZE)))

#define KEG_SHAPE_PORTS    16

/* keg_shape: single-entry array, written by kegctl (`kegctl shape`). */
struct keg_shape_cfg {
	__u32 flags;		/* KEG_SHAPE_* */
	__u32 down_ifindex;	/* customer-facing interface: match the
				 * destination; anywhere else (the uplink)
				 * match the source */
	__u32 default_class;	/* parent class id of the default class */
	__u32 small_size;	/* innermost IP packets up to this many bytes
				 * are interactive; 0 = no size rule */
	__be16 ports[KEG_SHAPE_PORTS];	/* interactive ports (either side);
					 * 0 ends the list */
	/* kegctl's record of the tree (not read by the classifier). */
	__u32 up_ifindex;	/* uplink shaped by source; 0 = none */
	__u32 leaf;		/* enum keg_leaf_kind of the leaf qdiscs */
	__u32 link_kbit;	/* root class rate */
	__u32 default_kbit;	/* default class, download */
	__u32 default_up_kbit;	/* default class on the uplink */
	__u32 groups;		/* customer groups created (0..groups-1) */
};

enum keg_leaf_kind {
	KEG_LEAF_PFIFO = 0,	/* HTB's own default leaf (pfifo, txqueuelen) */
	KEG_LEAF_FQ_CODEL,
	KEG_LEAF_SFQ,
	KEG_LEAF_CAKE,
	KEG_LEAF__MAX
};

#define KEG_SHAPE_ON          (1U << 0)	/* classify (else leave skb alone) */
#define KEG_SHAPE_MATCH_OUTER (1U << 1)	/* customer = outermost address only;
					 * default: innermost, then outermost */
#define KEG_SHAPE_NO_INTERACT (1U << 2)	/* every packet to the bulk leaf */
#define KEG_SHAPE_NO_HASH     (1U << 3)	/* leave skb->hash alone */

#endif /* KEG_SHAPE_H */
