/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * quic_conn.h - one keg connection to one remote site over QUIC (ngtcp2
 * 0.12 + GnuTLS), the only part of kegd that knows QUIC.
 *
 * The caller owns a non-blocking UDP socket (kq_udp_socket()) and the
 * event loop, and drives a connection with three calls:
 *   - kq_conn_read(c, now)   when the socket is readable: every datagram
 *                            goes to ngtcp2_conn_read_pkt (or is dropped
 *                            and counted);
 *   - kq_conn_timer(c, now)  when kq_conn_next(c) has passed: the library's
 *                            timer (ngtcp2_conn_handle_expiry), due kegs,
 *                            reconnects, key rotation;
 *   - kq_conn_write(c, now)  after kq_conn_send() calls: kegs are written
 *                            with ngtcp2_conn_writev_stream until the
 *                            library (congestion window, pacing) or the
 *                            MaxRate bucket has nothing more to give.
 * Time is CLOCK_MONOTONIC in ns (kq_now()).
 *
 * Packets handed to kq_conn_send() are packed per flow into kegs
 * (keg_frame.h) on a pool of unidirectional streams (flowmap.h); packets
 * of the peer come back through ops->packet, in order per flow.
 *
 * Client: connects at once and reconnects with backoff (100 ms doubling
 * to 5 s) when the connection is lost. Server: waits for the peer's
 * Initial; a new handshake runs beside an established connection and
 * replaces it only once the peer is authenticated, so neither a restarting
 * peer nor a forged handshake disturbs the one in use.
 *
 * Functions return 0 (or a count) or a negative errno and never print.
 */
#ifndef KEGD_QUIC_CONN_H
#define KEGD_QUIC_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "keg_compress.h"
#include "tls_pin.h"

enum kq_cc { KQ_CC_BBR, KQ_CC_BBR2, KQ_CC_CUBIC, KQ_CC_RENO };

/* "bbr", "bbr2", "cubic", "reno" -> KQ_CC_*; -EINVAL otherwise. */
int kq_cc_parse(const char *name);
const char *kq_cc_name(enum kq_cc cc);

struct kq_config {
	bool         server;
	const struct keg_tls_id *id;            /* this site's key and certificate */
	uint8_t      peer_key[KEG_KEY_LEN];      /* the only key accepted */
	enum kq_cc   cc;
	uint64_t     initial_rtt_ns;            /* 0: 100 ms */
	uint64_t     idle_timeout_ns;           /* 0: 2.5 s (a dead peer is down within 3 s) */
	uint64_t     keepalive_ns;              /* 0: idle_timeout / 3 */
	uint64_t     max_rate;                  /* bytes/s of UDP payload; 0: no cap */
	uint64_t     key_update_ns;             /* 0: 10 min; forced key rotation */
	uint32_t     segsize;                   /* 0: KEG_SEGSIZE_DEFAULT */
	uint64_t     deadline_ns;               /* keg flush deadline; 0 is 0 */
	uint32_t     nslots;                    /* stream pool; 0: 64 */
	uint32_t     max_flows;                 /* flow table; 0: 65536 */
	size_t       slot_buf;                  /* send buffer per slot; 0: 8 MiB (a
						   flow at 100 mbit/s stalled for a
						   retransmission over 200 ms holds
						   about 5 MB) */
	size_t       conn_buf;                  /* all slots together; 0: 48 MiB */
	uint64_t     stream_bytes;              /* retire a stream after this many
						   bytes; 0: never */
	uint64_t     max_streams;               /* peer's concurrent streams; 0: 256 + 8192
						   (the pool, and byte streams) */
	uint64_t     window;                    /* initial conn window; 0: 16 MiB */
	uint64_t     max_window;                /* autotuned to; 0: 64 MiB */
	const char  *qlog_dir;                  /* qlog traces (qvis) here; NULL: none */
	struct keg_z_conf z;                    /* keg compression; zeroed: zstd level 1,
						   10% gain (keg_compress.h) */
	uint8_t      wire;                      /* newest keg/N offered; 0: the newest
						   (KEG_WIRE_NEWEST); 1, 2: as a kegd
						   from before compression, or before
						   compressed byte streams */
};

enum kq_state { KQ_DOWN, KQ_CONNECTING, KQ_UP };

struct kq_stats {
	enum kq_state state;
	uint64_t srtt_ns, min_rtt_ns, latest_rtt_ns, rttvar_ns;
	uint64_t cwnd, bytes_in_flight, ssthresh;
	uint64_t pacing_rate;        /* bytes/s, the library's */
	uint64_t delivery_rate;      /* bytes/s, the library's */
	uint64_t max_udp_payload;
	uint64_t udp_tx_pkts, udp_tx_bytes, udp_rx_pkts, udp_rx_bytes;
	uint64_t udp_tx_errors;      /* sendmmsg refused (the library retransmits) */
	uint64_t stream_tx_bytes;    /* keg bytes handed to QUIC once */
	uint64_t stream_rx_bytes;    /* keg bytes the peer delivered */
	uint64_t lost_pkts;          /* packets with stream data declared lost */
	uint64_t retx_bytes_est;     /* lost_pkts * max_udp_payload (estimate) */
	uint64_t pkts_tx, pkts_rx, kegs_tx, kegs_rx;
	uint64_t backpressure;       /* kq_conn_send refused: buffers full */
	uint64_t drop_garbage;       /* datagrams that are no QUIC packet of ours */
	uint64_t drop_aead;          /* packets failing authenticated decryption */
	uint64_t drop_keg;           /* streams reset: malformed kegs */
	uint64_t handshakes, handshake_failures, refused_key;
	uint64_t retries;            /* server: Retry sent to a tokenless Initial */
	uint64_t bad_token;          /* server: Initials with a bad or stale token */
	uint64_t key_updates;        /* keys installed by key update */
	uint64_t conn_lost;          /* established connections that died */
	uint64_t flows_shared;
	uint64_t flows;              /* flows in the flow table now */
	uint64_t tcp_opened;         /* byte streams this side opened */
	uint64_t tcp_tx_bytes;       /* TCP bytes put into byte streams */
	uint64_t tcp_rx_bytes;       /* TCP bytes taken out of them */
	int      last_error;         /* why the last connection ended (the library's
				        error code, kq_strerror()) */
	struct keg_z_stats z;        /* compression, both ways */
};

/* The library's name of a last_error. */
const char *kq_strerror(int liberr);

struct kq_bs;
struct keg_tcp_ends;

/* Byte-stream events (kq_ops.bs_event). */
enum {
	KQ_BS_READABLE = 1 << 0,     /* kq_bs_peekv has bytes, or the peer's FIN came */
	KQ_BS_WRITABLE = 1 << 1,     /* acknowledgements made room (kq_bs_room) */
	KQ_BS_RESET    = 1 << 2,     /* aborted: reset by the peer, or the site's
					connection is gone; only kq_bs_release */
	KQ_BS_OPEN     = 1 << 3,     /* internal: a peer's stream to open */
};

/* Delivery of the peer's packets and events, called from kq_conn_read/timer. */
struct kq_ops {
	void (*packet)(void *ctx, uint32_t flow_id, const uint8_t *pkt, size_t len);
	void (*state)(void *ctx, enum kq_state st);                 /* may be NULL */
	/* A handshake refused (reason: enum keg_tls_refusal, or 0 for other
	 * TLS failures); kegd logs it once per source and minute. May be NULL. */
	void (*refused)(void *ctx, const struct sockaddr *from, int reason);
	/* The peer opened a byte stream for the TCP connection `ends` (its
	 * open header, checked). Return the user pointer for its events, or
	 * NULL to refuse (the stream is reset). May be NULL: byte streams
	 * of the peer are then treated as packet streams and fail. */
	void *(*bs_open)(void *ctx, struct kq_bs *bs, const struct keg_tcp_ends *ends);
	/* Something happened on a byte stream (KQ_BS_*). Called from
	 * kq_conn_write, never while the library runs, so the user may call
	 * any kq_bs_* function, kq_bs_release included. */
	void (*bs_event)(void *ctx, void *user, unsigned int events);
};

struct kq_conn;

uint64_t kq_now(void);


/* A non-blocking UDP socket bound to `local`, DF set (PMTUD, no IP
 * fragmentation), 8 MiB buffers. Returns the fd or a negative errno. */
int kq_udp_socket(const struct sockaddr *local, socklen_t len);

/* peer: the site's address (client: where to connect; server: ignored,
 * may be NULL). The fd stays the caller's. */
int  kq_conn_new(struct kq_conn **out, const struct kq_config *cfg, int fd,
		 const struct sockaddr *peer, socklen_t peerlen,
		 const struct kq_ops *ops, void *ctx, uint64_t now);
void kq_conn_free(struct kq_conn *c);

/*
 * Queue one packet of flow `flow_id`. -ENOTCONN while the site is not up
 * (the caller applies the rule's when-down policy), -ENOBUFS when this
 * flow's buffer is full (backpressure: drop and count), -EMSGSIZE for a
 * packet no keg can hold.
 */
int kq_conn_send(struct kq_conn *c, uint32_t flow_id, const void *pkt, size_t len,
		 uint64_t now);

int      kq_conn_read(struct kq_conn *c, uint64_t now);
/* One datagram the caller received on a socket several connections share
 * (kegd: one UDP socket per gateway, demultiplexed by the peer's address).
 * Call kq_conn_write() after a batch. */
void     kq_conn_input(struct kq_conn *c, const uint8_t *buf, size_t len,
		       const struct sockaddr *from, socklen_t fromlen, uint64_t now);
int      kq_conn_write(struct kq_conn *c, uint64_t now);
int      kq_conn_timer(struct kq_conn *c, uint64_t now);
uint64_t kq_conn_next(const struct kq_conn *c);     /* UINT64_MAX: nothing due */

/* Start a QUIC key update now. -EAGAIN if the previous one is not
 * confirmed yet, -ENOTCONN if not up. */
int kq_conn_key_update(struct kq_conn *c, uint64_t now);

/* A new MaxRate (schedule step); 0 removes the cap. */
int kq_conn_set_rate(struct kq_conn *c, uint64_t max_rate, uint64_t now);

/* A new compression setting; the contexts stay. -EINVAL. */
int kq_conn_set_compress(struct kq_conn *c, const struct keg_z_conf *z);

/* Bytes queued and not yet acknowledged by the peer (all slots), as
 * counted at the last kq_conn_write() plus what kq_conn_send() took since:
 * cheap, so callers may ask per packet or per loop. */
uint64_t kq_conn_buffered(const struct kq_conn *c);

void kq_conn_stats(struct kq_conn *c, struct kq_stats *st);
enum kq_state kq_conn_state(const struct kq_conn *c);

/*
 * Byte streams: one terminated TCP connection each (headers/keg_wire.h),
 * on a bidirectional QUIC stream of the connection in use. Flow control
 * is end to end: kq_bs_write takes only what the stream's buffer has room
 * for (KQ_BS_WRITABLE when acknowledgements free some), and the peer gets
 * flow-control credit only for what kq_bs_consume says was written out,
 * so a slow reader at either end slows the writer at the other instead of
 * growing buffers. A stream dies with the connection (KQ_BS_RESET).
 */
/* Open one for the connection client -> server (this side accepted it):
 * proto IPPROTO_TCP, or IPPROTO_UDP for a proxy's datagrams; flags
 * KEG_TCP_OPEN_F_* (proxy mode: server is the proxy's destination).
 * -ENOTCONN while the site is not up, -EAFNOSUPPORT, -EINVAL, -ENOMEM. */
int kq_bs_open(struct kq_conn *c, const struct sockaddr *client, const struct sockaddr *server,
	       uint8_t proto, uint8_t flags, void *user, struct kq_bs **out);
/* Bytes kq_bs_write takes now (one keg at most); 0 when full or ended. */
size_t kq_bs_room(const struct kq_bs *bs);
/* The most kq_bs_room() ever gives: one keg's bytes (Segsize less its record header). */
size_t kq_bs_keg_max(const struct kq_bs *bs);
/* Queue up to kq_bs_room() bytes as one keg: the count taken, -EPIPE if dead. */
ssize_t kq_bs_write(struct kq_bs *bs, const void *data, size_t len);
/* FIN after what was written (the TCP side read EOF). */
void kq_bs_shutdown(struct kq_bs *bs);
/* The peer's next bytes, up to max records at once (keg_tsrx_peekv): the
 * vector count, 0 for none now, or -EPIPE (dead) / a malformed-keg error
 * (the stream is then reset). */
int kq_bs_peekv(struct kq_bs *bs, struct iovec *iov, int max);
/* n peeked bytes were written out (across records): credit goes back. */
void kq_bs_consume(struct kq_bs *bs, size_t n);
/* The peer's FIN came and every byte before it was consumed. */
bool kq_bs_eof(struct kq_bs *bs);
/* The user is done: after a clean end (FIN both ways) the stream finishes
 * in QUIC and is freed then; otherwise, or with reset, it is reset. bs is
 * invalid after this call. */
void kq_bs_release(struct kq_bs *bs, bool reset);
/* Packet flows in the flow table now, and whether flow_id is one of them
 * (the connection limits count them). */
uint32_t kq_conn_flows(const struct kq_conn *c);
bool kq_conn_flow_known(const struct kq_conn *c, uint32_t flow_id);
/* Bytes the byte streams hold: unacknowledged in their send rings, and
 * the receive buffers allocated. */
uint64_t kq_conn_bs_mem(const struct kq_conn *c);

/* Close gracefully (CONNECTION_CLOSE to the peer); no reconnect after. */
void kq_conn_close(struct kq_conn *c, uint64_t now);

#endif /* KEGD_QUIC_CONN_H */
