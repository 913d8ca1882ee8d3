/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * htb.h - HTB qdiscs and classes through rtnetlink (libmnl), batched.
 *
 * Changes are queued into a struct keg_tcb and sent many requests per
 * sendmsg(); keg_tcb_flush() (called automatically when the buffer fills)
 * reads every ack and returns the first error, described in b->err as
 * "adding class 1:10f on dev4: <kernel's message>". A request may be
 * marked to tolerate one errno (-ENOENT on deletes).
 *
 * Rates: kbit/s (struct keg_htb_rate); HTB gets them as bytes/s with the
 * Ethernet link layer and no rate tables (the kernel computes its own).
 * Handles are full class ids (KEG_CLASSID() in keg_shape.h).
 */
#ifndef KEG_HTB_H
#define KEG_HTB_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "keg_shape.h"
#include "nl.h"

#define KEG_TCB_BUFSIZE 65536
#define KEG_TCB_MAXMSG  1024

struct keg_tcb {
	struct keg_nl *nl;
	char *buf;
	size_t len;
	unsigned int n;		/* requests queued */
	unsigned int seq[KEG_TCB_MAXMSG];	/* of each request, increasing */
	int ok_err[KEG_TCB_MAXMSG];	/* errno tolerated per request */
	bool acked[KEG_TCB_MAXMSG];
	int ret;		/* first error since open */
	struct keg_err err;
};

int keg_tcb_open(struct keg_tcb *b, struct keg_nl *nl);
/* Send what is queued and read the acks: 0 or the first error (also kept
 * in b->ret for the caller that only checks at the end). */
int keg_tcb_flush(struct keg_tcb *b);
void keg_tcb_close(struct keg_tcb *b);
/* Forget an error that was expected (a delete of something that may not
 * be there), so it is neither returned nor reported by a later failure. */
void keg_tcb_reset(struct keg_tcb *b);

struct keg_htb_rate {
	uint32_t rate_kbit;
	uint32_t ceil_kbit;	/* 0 = rate */
	uint32_t burst;		/* bytes; 0 = rate/1000 (1 ms) + 1600 */
	uint32_t prio;		/* 0 highest */
	bool est;		/* attach a 1 s rate estimator (stats) */
};

/* Root qdisc "htb" handle KEG_HTB_MAJOR: with default class defcls. */
void keg_htb_qdisc_add(struct keg_tcb *b, int ifindex, uint32_t defcls);
/* Remove the root qdisc if it is keg's HTB (ENOENT tolerated). */
void keg_htb_qdisc_del(struct keg_tcb *b, int ifindex);
/* Add (create) or change a class. */
void keg_htb_class(struct keg_tcb *b, int ifindex, uint32_t parent, uint32_t classid,
		   const struct keg_htb_rate *r, bool create);
void keg_htb_class_del(struct keg_tcb *b, int ifindex, uint32_t classid);
/* Graft a leaf qdisc of kind under classid (KEG_LEAF_PFIFO: nothing to do,
 * HTB already made one). */
void keg_htb_leaf_add(struct keg_tcb *b, int ifindex, uint32_t classid,
		      enum keg_leaf_kind kind);

/* An HTB qdisc (no default class) handle major: as the leaf of class
 * parent: a customer group's tree. */
void keg_htb_qdisc_add_under(struct keg_tcb *b, int ifindex, uint32_t parent,
			     uint32_t major);
/* cls_bpf classifier (not direct-action) prog_fd on the root HTB qdisc. */
void keg_htb_filter_add(struct keg_tcb *b, int ifindex, int prog_fd, const char *name);

const char *keg_leaf_name(enum keg_leaf_kind k);

/* Does the root qdisc of ifindex exist and is it keg's HTB? 1, 0, or
 * a negative errno. */
int keg_htb_present(struct keg_nl *nl, int ifindex);

/* Class statistics of one device, for every class (dump). */
struct keg_class_stats {
	uint32_t classid;
	uint64_t bytes, packets;
	uint32_t drops, overlimits, qlen, backlog;
	uint64_t rate_bps;	/* estimator, 0 if none */
	uint32_t rate_kbit, ceil_kbit;	/* configured */
};
/* The classes of qdisc parent (M:0) and of the root qdisc, *v malloc'ed
 * (free()) and sorted by class id. Filtered: the kernel visits every qdisc
 * of the device (each leaf qdisc too) on each part of an unfiltered dump,
 * quadratic with thousands of customers. */
int keg_htb_class_dump_parent(struct keg_nl *nl, int ifindex, uint32_t parent,
			      struct keg_class_stats **v, size_t *n);
/* Class classid in v[0..n-1], sorted by class id as the dumps return it
 * (several dumps concatenated in the order of their parents' majors are
 * too), or NULL. */
const struct keg_class_stats *keg_class_stats_find(const struct keg_class_stats *v, size_t n,
						   uint32_t classid);

#endif /* KEG_HTB_H */
