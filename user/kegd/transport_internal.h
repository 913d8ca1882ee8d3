/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * transport_internal.h - what transport.c (sites, connections, the loop)
 * and transport_publish.c (what the loop writes into the maps: site
 * states for keg_xdp, counters, limits) share. No other file includes it.
 */
#ifndef KEGD_TRANSPORT_INTERNAL_H
#define KEGD_TRANSPORT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "keg_intercept.h"
#include "keg_site.h"
#include "kegd.h"
#include "pktq.h"
#include "quic_conn.h"
#include "reinject.h"
#include "rxbatch.h"
#include "schedule.h"
#include "sitemaps.h"
#include "tls_pin.h"
#include "transport.h"

#define TP_MS            1000000ULL
#define TP_POLL_NS       (KEG_SITES_POLL_MS * TP_MS)
#define TP_REFUSED_SRCS  16               /* sources whose refusals are remembered */
#define TP_REFUSED_LOG_NS (60000 * TP_MS) /* one log line per source and minute */
#define TP_QUEUE_DEPTH   2048             /* default packets per site queue */
#define TP_MEM_MAX       (256ULL << 20)   /* default: all connections' buffers together */
#define TP_LOCAL_RETRY_NS (5000 * TP_MS)  /* a local site that failed: tried again */
/* epoll data of the transport's own descriptors; anything else is a
 * pointer of tcp_term.c's. */
#define TP_EV_UDP        0
#define TP_EV_EVENTFD    1

struct kegd_site {
	struct kegd_transport *tp;
	unsigned int slot;
	struct keg_site_conf conf;        /* as applied */
	struct sockaddr_storage peer;
	socklen_t peerlen;
	struct kq_conn *conn;             /* NULL: no local site (or not yet) */
	struct kegd_pktq q;
	atomic_bool active;               /* forwarding threads may queue */
	enum kq_state state;
	uint64_t drop_down, drop_size, reinject_errors;
	struct keg_sched sched;           /* conf.schedule parsed; n == 0: none */
	uint32_t rate_kbit;               /* the MaxRate in force (schedule applied) */
};

struct kegd_transport {
	struct kegd *kd;
	struct kegd_transport_opts o;
	struct keg_sitemaps maps;
	struct keg_site_conf cur[KEG_SITES_MAX];   /* the map as last applied */
	struct keg_site_conf next[KEG_SITES_MAX];  /* the map as just read */
	int local;                                 /* slot of the local site, -1 */
	struct keg_tls_id id;
	bool have_id;
	int fd, efd, epfd;
	struct kegd_reinject rj;
	struct kegd_site *_Atomic site[KEG_SITES_MAX];
	/* Per served interface: its keg_icpt_sites id -> site slot + 1. */
	_Atomic uint16_t ifsite[KEGD_MAX_IFACES][KEG_ICPT_MAX_SITES];
	uint64_t drop_nosite;                      /* datagrams from no site */
	uint64_t local_retry_at;                   /* local site failed: next try */
	bool local_failed_logged;
	uint64_t buffered;                         /* all connections' buffers, this round */
	bool states_changed;
	bool conf_error_logged;
	struct {
		struct sockaddr_storage from;
		uint64_t logged;
	} refused[TP_REFUSED_SRCS];
	unsigned int refused_next;
	pthread_t thread;
	bool running;
	struct kq_rxbatch rx;                      /* the UDP socket's receive batch */
	struct kegd_term *term;                    /* TCP termination; NULL: off */
	/* Connection limits (keg_limits) and where the gateway stands. */
	struct keg_limits limits;
	uint64_t tcp_now, udp_now;
	bool tcp_full, udp_full;
	uint64_t udp_refused, udp_forwarded;
};

/* The remote site of slot i if it is configured, else NULL. */
struct kegd_site *kegd_tp_remote_site(struct kegd_transport *tp, unsigned int i);

/* transport_publish.c: */
/* Each served interface's keg_icpt_sites: which sites are ours, up or
 * down, terminating, at the TCP limit. */
void kegd_tp_sync_ifaces(struct kegd_transport *tp);
/* Every site's counters into keg_site_stats. */
void kegd_tp_publish_stats(struct kegd_transport *tp, uint64_t now);
/* Where the gateway stands against its connection limits, and the
 * counts into keg_limit_stats. */
void kegd_tp_limits_step(struct kegd_transport *tp);
void kegd_tp_publish_limits(struct kegd_transport *tp, uint64_t now);

#endif /* KEGD_TRANSPORT_INTERNAL_H */
