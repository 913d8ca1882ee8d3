/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tcp_term.h - TCP termination in kegd (headers/keg_term.h for the data
 * path): the kernel's own TCP stack talks to the endpoints, kegd moves the
 * bytes between their sockets and the site's byte streams (quic_conn.h).
 *
 * Near the client: keg_tc_term hands the client's SYN to kegd's
 * transparent listener; kegd accepts (the kernel answered the handshake
 * with the server's address), reads the rule's site from keg_term_syns
 * and opens a byte stream to that site's gateway.
 * Near the server: the far kegd opens a transparent socket bound to the
 * client's address and port and connects to the server, which so sees the
 * client; the server's answers come back to that socket through
 * keg_tc_term as well.
 *
 * Then, in each direction, bytes move only as fast as the other end takes
 * them: a socket is read only while its stream has room, a stream's bytes
 * are consumed (credit to the peer) only as the socket takes them. FIN is
 * carried as FIN (half-close), a reset or a refused connect as a reset; a
 * site's connection lost resets its connections.
 *
 * Runs on the transport thread: every call comes from its loop.
 */
#ifndef KEGD_TCP_TERM_H
#define KEGD_TCP_TERM_H

#include <stdbool.h>
#include <stdint.h>

#include "keg_site.h"
#include "quic_conn.h"
#include "tcpstream.h"

struct kegd;
struct kegd_term;

struct kegd_term_ops {
	/* The connection of the site a SYN's rule names (site id in the
	 * keg_icpt_sites of the interface with ifindex), with its slot in
	 * keg_sites; NULL when that site is not a remote site that is up. */
	struct kq_conn *(*conn_for)(void *ctx, int ifindex, uint32_t site_id,
				    unsigned int *slot);
};

/* Per site slot, for keg_site_stats. */
struct kegd_term_site {
	uint64_t conns;         /* connections now */
	uint64_t accepted;      /* connections this gateway accepted (near the client) */
	uint64_t connected;     /* connections this gateway made (near the server) */
	uint64_t refused;       /* not carried: no site up, connect refused, no memory */
	uint64_t resets;        /* ended by a reset (either end, or the site lost) */
};

/* Policy routing, the listeners, keg_tc_term on every served interface;
 * their sockets are added to epfd with their own pointers as data.
 * -errno with the reason logged once. */
int  kegd_term_start(struct kegd_term **out, struct kegd *kd, int epfd,
		     const struct kegd_term_ops *ops, void *ctx);
/* A proxy's UDP flow ends after ns without a datagram (0: 60 s). */
void kegd_term_set_udp_idle(struct kegd_term *t, uint64_t ns);
/* Resets what is open, takes the filters and routes away. */
void kegd_term_stop(struct kegd_term *t);

/* An epoll event whose data pointer is not the transport's own. */
void kegd_term_io(struct kegd_term *t, void *ptr, uint32_t events);

/* From the site's kq_ops (slot: the site's keg_sites slot). */
void *kegd_term_remote_open(struct kegd_term *t, unsigned int slot, struct kq_bs *bs,
			    const struct keg_tcp_ends *ends);
void kegd_term_bs_event(struct kegd_term *t, void *user, unsigned int events);

/* Once per loop: connections that stopped reading because all buffers
 * together were over mem_max read again when they are not. */
void kegd_term_tick(struct kegd_term *t, uint64_t buffered, uint64_t mem_max);

void kegd_term_site_stats(const struct kegd_term *t, unsigned int slot,
			  struct kegd_term_site *out);

/* Connection limits (keg_limits; 0: none): a new connection, accepted or
 * asked for by the peer, past tcp_max, or past total_max with the udp
 * flows the transport carries, is reset and counted. t may be NULL. */
void kegd_term_set_limits(struct kegd_term *t, uint32_t tcp_max, uint32_t total_max,
			  uint64_t udp_now);
uint64_t kegd_term_count(const struct kegd_term *t);          /* connections now */
uint64_t kegd_term_limit_refused(const struct kegd_term *t);

#endif /* KEGD_TCP_TERM_H */
