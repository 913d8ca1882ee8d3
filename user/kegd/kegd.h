/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * kegd.h - kegd's state, shared by its files:
 *   xsk.c        AF_XDP sockets: UMEM, rings, batched transmit
 *   forward.c    the per-queue threads: receive, rewrite, transmit
 *   heartbeat.c  keg_kegd: pid, heartbeat and counters for kegctl
 *   transport.c  sites, their keg connections (QUIC) and reinjection
 *   sched_tick.c customer shaping schedules at their minute
 *   main.c       options, start, the heartbeat loop, orderly stop
 *
 * Threads: one per receive queue (forward.c) and the main thread. What
 * they share is either atomic (the stop flag, each queue's published
 * counters: written by that queue's thread only, read by main) or behind a
 * mutex (the list of TX sockets opened on demand; each socket's TX side).
 * No system call is made while holding a lock the data path takes.
 */
#ifndef KEGD_H
#define KEGD_H

#include <net/if.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <xdp/xsk.h>

#include "keg_intercept.h"

#define KEGD_MAX_IFACES 8		/* --iface given at most */
#define KEGD_MAX_EGRESS 32		/* TX-only sockets on other interfaces */
#define KEGD_NUM_FRAMES 4096		/* UMEM frames per socket */
#define KEGD_FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define KEGD_RX_FRAMES  (KEGD_NUM_FRAMES / 2)	/* the rest are TX frames */
#define KEGD_TX_FRAMES  (KEGD_NUM_FRAMES - KEGD_RX_FRAMES)
#define KEGD_BATCH      64		/* frames taken from the RX ring at once */
#define KEGD_EGRESS_CACHE 4		/* egress sockets each thread remembers */
/* A TX socket that could not be opened (e.g. EBUSY while the previous
 * owner's queue is released) is tried again after this, not per frame. */
#define KEGD_EGRESS_RETRY_NS (200 * 1000000ULL)

struct kegd_sock {
	char ifname[IF_NAMESIZE];
	int ifindex;
	unsigned int queue;
	unsigned int dev_queues;	/* receive queues of ifname, at open */
	void *area;
	struct xsk_umem *umem;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_socket *xsk;
	pthread_mutex_t tx_lock;	/* tx ring, comp ring, free TX frames */
	uint64_t tx_free[KEGD_TX_FRAMES];
	unsigned int n_tx_free;
	unsigned int tx_outstanding;
};

/* What one queue's thread has counted; published with relaxed stores. */
struct kegd_counters {
	_Atomic uint64_t rx, tx, drop;
};

struct kegd;
struct kegd_transport;

struct kegd_queue {
	struct kegd *kd;
	struct kegd_sock *s;
	pthread_t thread;
	bool running;			/* thread started: join it */
	unsigned int idx;		/* thread index, over all interfaces */
	unsigned int iface;		/* index of its interface in kegd.ifaces */
	uint64_t rx, tx, drop;		/* the thread's own running totals */
	struct kegd_counters pub;	/* the same, for the main thread */
	/* This thread's egress sockets by ifindex: looked up elsewhere
	 * only on a miss. */
	struct {
		int ifindex;
		struct kegd_sock *s;	/* NULL: could not open, retry_ns */
		uint64_t retry_ns;
	} out[KEGD_EGRESS_CACHE];
	unsigned int n_out;
};

struct kegd_iface {
	char name[IF_NAMESIZE];
	int ifindex;
	unsigned int n_queues;
	int xsks_fd, kegd_fd;
	int sites_fd;			/* keg_icpt_sites: the transport's down flags */
	bool publish_failed;		/* logged once, until it works again */
	bool registered;		/* our sockets went into its XSKMAP */
	struct kegd_queue q[KEG_MAX_QUEUES];
};

struct kegd {
	struct kegd_iface ifaces[KEGD_MAX_IFACES];
	unsigned int n_ifaces;
	pthread_mutex_t egress_lock;	/* egress[], n_egress */
	struct kegd_sock *egress[KEGD_MAX_EGRESS];
	unsigned int n_egress;
	atomic_bool stopping;
	int verbose;
	struct kegd_transport *tp;	/* sites and kegs (transport.h) */
	bool no_schedule;		/* --no-schedule: leave them to keg-schedule */
	int sched_minute;		/* minute of the week last applied; -1 none */
};

/* xsk.c */
unsigned int kegd_rx_queues(const char *ifname);
struct kegd_sock *kegd_sock_open(const char *ifname, unsigned int queue, bool rx);
void kegd_sock_close(struct kegd_sock *s);
unsigned int kegd_transmit(struct kegd_sock *s, uint8_t *const *pkt, const uint32_t *len,
			   unsigned int n);

/* forward.c */
void *kegd_queue_loop(void *arg);

/* sched_tick.c: at a new minute, the stored customer schedules. */
void kegd_sched_tick(struct kegd *kd, time_t now);

/* heartbeat.c */
int kegd_publish(struct kegd_iface *f, bool running);

#endif /* KEGD_H */
