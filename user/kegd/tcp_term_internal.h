/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tcp_term_internal.h - what tcp_term.c (terminated TCP: listeners,
 * connections, the pumps between sockets and byte streams) and
 * udp_relay.c (a proxy's UDP flows, datagrams framed in byte streams)
 * share. No other file includes it.
 */
#ifndef KEGD_TCP_TERM_INTERNAL_H
#define KEGD_TCP_TERM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "keg_intercept.h"
#include "kegd.h"
#include "nl.h"
#include "tcp_term.h"
#include "term_hook.h"

#define TERM_BACKLOG   4096
#define TERM_IO_MAX    KEG_PKT_MAX      /* bytes moved per read: one keg */
#define TERM_ACCEPTS   64               /* accepted per wake-up */
#define TERM_IOV       16               /* records written to a socket at once */
/* A proxy's UDP flow ends after this long without a datagram either way,
 * as a NAT's binding would (kegd --udp-idle-s). */
#define TERM_UDP_IDLE_NS  (60ULL * 1000000000ULL)
#define TERM_IDLE_EVERY_NS 1000000000ULL   /* how often idle flows are looked for */

enum { TERM_LISTENER = 1, TERM_CONN, TERM_ULISTENER };

struct tlisten {
	uint8_t kind;                   /* TERM_LISTENER */
	int fd;
	int family;
};

struct tconn {
	uint8_t kind;                   /* TERM_CONN */
	struct kegd_term *t;
	struct kq_bs *bs;
	int fd;
	unsigned int slot;              /* the site's keg_sites slot */
	bool connecting;                /* near the server: connect in progress */
	bool rd_eof;                    /* the socket's FIN was read: FIN sent on */
	bool wr_shut;                   /* the peer's FIN was passed to the socket */
	bool starved;                   /* not read: all buffers over mem_max */
	bool out_blocked;               /* the socket took less than offered */
	/* A proxy's UDP flow (keg_proxy.h): datagrams, not a byte stream. */
	bool udp;
	bool near;                      /* near the client: ca/la say which flow */
	bool uwait;                     /* a datagram waits for room in the stream */
	struct keg_dgram_rx *urx;       /* the stream's datagrams being put together */
	uint64_t last_ns;               /* the last datagram either way */
	struct sockaddr_storage ca, la; /* the client, the proxy address it sent to */
	uint32_t events;                /* registered with epoll */
	struct tconn *next, *prev;
};

struct kegd_term {
	struct kegd *kd;
	int epfd;
	struct kegd_term_ops ops;
	void *ctx;
	struct keg_nl nl;
	bool nl_open, routes;
	struct kegd_term_hook hooks[KEGD_MAX_IFACES];
	unsigned int n_hooks;
	struct tlisten l[KEG_TERM_SOCKS];
	struct tlisten ul[KEG_TERM_SOCKS];      /* a proxy's UDP: the receivers */
	uint64_t next_idle_ns;
	uint64_t udp_idle_ns;
	struct tconn *conns;
	unsigned int n_starved;
	bool accept_paused;             /* out of descriptors: listeners off */
	bool out_of_fds_logged;
	bool over_mem;
	struct kegd_term_site site[KEG_SITES_MAX];
	uint64_t n_conns;               /* all sites' connections now */
	uint32_t tcp_max, total_max;    /* the limits; 0: none */
	uint64_t udp_now;               /* packet flows, for total_max */
	uint64_t limit_refused;
	uint8_t buf[TERM_IO_MAX];
	uint8_t ubuf[KEG_DGRAM_HDR + KEG_DGRAM_MAX];
};

/* tcp_term.c, for udp_relay.c: */
struct tconn *kt_conn_new(struct kegd_term *t, int fd, unsigned int slot, uint32_t events);
/* reset: the stream is reset and the socket closed with a TCP reset. */
void kt_conn_free(struct tconn *tc, bool reset);
void kt_conn_abort(struct tconn *tc, const char *why, int err);
/* Bytes (or datagrams) both ways while they move; epoll interest after. */
void kt_conn_pump(struct tconn *tc);
void kt_term_key(struct keg_term_key *k, const struct sockaddr_storage *client,
		 const struct sockaddr_storage *server);
int  kt_proxy_dest(struct kegd_term_hook *h, struct sockaddr_storage *server,
		   uint8_t proto_bit);
/* The gateway is at its TCP or total limit: a new connection is refused. */
bool kt_at_limit(struct kegd_term *t);

/* udp_relay.c, for tcp_term.c: */
/* A flow's socket into its stream, and its stream into the socket;
 * false: tc is gone. */
bool kt_upump_in(struct tconn *tc);
bool kt_upump_out(struct tconn *tc);
/* kegd's receiver of a family: the first datagrams of new flows. */
void kt_urecv_all(struct kegd_term *t, struct tlisten *l);
/* Idle flows end (called every tick; looks once a second). */
void kt_udp_idle(struct kegd_term *t);
/* The receiver of family idx (KEG_TERM_SOCK_V4/V6), in epoll. */
int  kt_ulistener(struct kegd_term *t, unsigned int idx);
/* Near the server: a proxy's flow opened by the peer; NULL: refused. */
struct tconn *kt_udp_remote_open(struct kegd_term *t, unsigned int slot, struct kq_bs *bs,
				 const struct keg_tcp_ends *e);

#endif /* KEGD_TCP_TERM_INTERNAL_H */
