/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * quic_internal.h - what the parts of kegd's QUIC glue share:
 * quic_conn.c (connections, links, packet kegs, receive, the API),
 * quic_tx.c (what a connection sends),
 * quic_callbacks.c (what ngtcp2 calls back for) and quic_bytestream.c
 * (the byte streams of terminated TCP connections). Nothing outside those
 * files includes it; everyone else uses quic_conn.h.
 */
#ifndef KEGD_QUIC_INTERNAL_H
#define KEGD_QUIC_INTERNAL_H

#include <stdio.h>

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>

#include "flowmap.h"
#include "keg_compress.h"
#include "keg_frame.h"
#include "quic_conn.h"
#include "ratebucket.h"
#include "rxbatch.h"
#include "streambuf.h"
#include "tcpstream.h"

#define KQ_SCID_LEN      16
#define KQ_MAX_SCIDS     8
#define KQ_BATCH         64
#define KQ_TX_PKT        NGTCP2_MAX_PMTUD_UDP_PAYLOAD_SIZE
#define KQ_MAX_UDP_RX    1472            /* advertised max_udp_payload_size */
#define KQ_MS            1000000ULL
#define KQ_BACKOFF_MIN   (100 * KQ_MS)
#define KQ_BACKOFF_MAX   (5000 * KQ_MS)
#define KQ_APP_ERR_KEG   0x6b01          /* stream reset: malformed keg */
#define KQ_BURST_MIN     (64 * 1024)     /* MaxRate bucket depth floor */
#define KQ_KEY_RETRY     (100 * KQ_MS)   /* key update refused (unconfirmed): retry */
#define KQ_RETRY_TOKEN_NS (10000 * KQ_MS) /* a Retry token is good this long */

struct kq_conn;
struct kq_link;
struct kq_bs;

/* What a stream's user data points to (the first member of each). */
enum kq_sud { KQ_SUD_SLOT = 1, KQ_SUD_RX, KQ_SUD_BS };

/* One pool slot: the kegs of its flows on one outgoing stream at a time.
 * A byte stream's sending side is one too (bs set, no packer). */
struct kq_slot {
	uint8_t           kind;         /* KQ_SUD_SLOT */
	struct kq_bs     *bs;           /* the byte stream it sends for; NULL: pool */
	int64_t           stream_id;    /* -1: no stream open */
	bool              fin_pending;  /* retire the stream after its queued bytes */
	bool              fin_sent;
	bool              blocked;      /* peer's stream window full this round */
	uint8_t          *kbuf;         /* NULL until first use */
	struct keg_packer pk;
	struct keg_sbuf   sb;
	struct keg_z_backoff zb;        /* compression back-off of its kegs */
};

/* One incoming stream of the peer. */
struct kq_rxs {
	uint8_t        kind;            /* KQ_SUD_RX */
	struct keg_rx  rx;
	int64_t        stream_id;
	bool           broken;
	bool           fin_rcvd;        /* the peer ended it: answer with our FIN */
	bool           fin_sent;
	struct kq_rxs *next, *prev;     /* the link's list, freed with it */
};

/* One terminated TCP connection's stream (quic_conn.h: byte streams). */
struct kq_bs {
	uint8_t          kind;          /* KQ_SUD_BS */
	struct kq_slot   tx;            /* our bytes: stream id, ring, FIN */
	struct keg_tsrx  rx;            /* the peer's bytes, until consumed */
	struct kq_conn  *c;
	void            *user;
	struct keg_tcp_ends ends;       /* remote: from the open header */
	bool             remote;        /* the peer opened it */
	bool             dead;          /* aborted (reset, connection gone): only release */
	bool             closed;        /* QUIC is done with the stream (cleanly or not) */
	bool             orphan;        /* its QUIC connection is gone */
	uint64_t         tx_due;        /* less than a packet queued: sent by then */
	uint64_t         keg_end;       /* stream offset where the keg being sent
					   (or the open header) ends */
	bool             keg_z;         /* ... and it is compressed */
	bool             keg_reserved;  /* ... and credit for its rest is reserved
					   (kqbs_reserve) */
	bool             fin_rcvd;      /* the peer's FIN is in rx */
	bool             released;      /* the user is done with it */
	bool             in_txq, in_evq;
	unsigned int     ev;            /* KQ_BS_* waiting for dispatch */
	struct kq_bs    *next, *prev;   /* c->bss */
	struct kq_bs    *txq_next;      /* c->txq: bytes or FIN to send */
	struct kq_bs    *evq_next;      /* c->evq: events to dispatch */
};

struct kq_link {
	struct kq_conn  *c;
	ngtcp2_conn     *conn;
	struct keg_tls   tls;
	struct sockaddr_storage remote;
	socklen_t        remote_len;
	ngtcp2_cid       scids[KQ_MAX_SCIDS];
	size_t           nscids;
	bool             up;
	struct kq_rxs   *rxs;
	uint64_t         lost_closed;   /* loss counts of closed streams */
	uint64_t         key_gens;      /* update_key calls */
	uint64_t         last_key_update;
	FILE            *qlog;          /* cfg.qlog_dir: this connection's trace */
};

struct kq_conn {
	struct kq_config cfg;
	struct kq_ops    ops;
	void            *ctx;
	int              fd;
	struct sockaddr_storage local;
	socklen_t        local_len;
	struct sockaddr_storage peer;
	socklen_t        peer_len;
	struct kq_link  *cur;           /* the connection in use */
	struct kq_link  *pend;          /* server: a handshake beside it */
	enum kq_state    state;
	bool             closed;
	uint64_t         reconnect_at;
	uint64_t         backoff;
	struct keg_flowmap fm;
	struct kq_slot  *slots;
	uint32_t         rr;
	struct keg_rbucket rb;
	struct kq_stats  st;
	struct keg_z     z;             /* compression contexts, reused */
	uint64_t         buffered;      /* counted at each write, plus what was sent since */
	uint8_t          retry_secret[32]; /* server: keys its Retry tokens */
	uint64_t         key_updates_closed;
	uint64_t         lost_closed;
	/* transmit batch */
	int              ntx;
	struct mmsghdr   txm[KQ_BATCH];
	struct iovec     txv[KQ_BATCH];
	uint8_t          txb[KQ_BATCH][KQ_TX_PKT];
	struct kq_rxbatch rx;           /* kq_conn_read()'s batch */
	/* byte streams */
	struct kq_bs    *bss;           /* all of them */
	struct kq_bs    *txq, *txq_tail;
	struct kq_bs    *evq;
	unsigned int     bs_waiting;    /* byte streams with tx_due set */
	uint8_t         *bs_keg;        /* a byte keg being compressed; at first use */
	uint64_t         zreserved;     /* connection credit the byte streams
					   reserved for compressed kegs begun */
};

/* quic_conn.c, for the callbacks: */
void kq_set_state(struct kq_conn *c, enum kq_state st);
/* The pool's streams are gone with the link that had them. */
void kq_slots_reset(struct kq_conn *c);
void kq_link_free(struct kq_conn *c, struct kq_link *l);

/* quic_tx.c, for quic_conn.c and the callbacks: */
/* The transmit batch: a buffer for the next datagram, queue it for link
 * l's peer, send what is queued. */
uint8_t *kq_tx_slot(struct kq_conn *c);
void kq_tx_queue(struct kq_conn *c, struct kq_link *l, size_t len);
void kq_tx_flush(struct kq_conn *c);
/* Everything link l may send now; <0 (an ngtcp2 error) ends the link. */
int kq_link_write(struct kq_conn *c, struct kq_link *l, uint64_t now);
/* The link ends with liberr: a CONNECTION_CLOSE unless it is closing or
 * draining already, then freed; with no link left the connection goes
 * down (or connecting) and a client backs off before its next attempt. */
void kq_link_close(struct kq_conn *c, struct kq_link *l, int liberr, uint64_t now);

/* quic_callbacks.c, for quic_conn.c: */
extern const ngtcp2_callbacks kq_callbacks_client;
extern const ngtcp2_callbacks kq_callbacks_server;
/* The ngtcp2_conn of a link, for the TLS glue (keg_tls_init). */
ngtcp2_conn *kq_get_conn(ngtcp2_crypto_conn_ref *ref);
/* A source connection id of ours the link answers to; -ENOSPC when full. */
int kq_add_scid(struct kq_link *l, const ngtcp2_cid *cid);
/* ngtcp2_conn_read_pkt for connection c, whose AEAD failures are then
 * counted in c's stats. */
int kq_read_pkt(struct kq_conn *c, struct kq_link *l, const ngtcp2_path *path,
		const ngtcp2_pkt_info *pi, const uint8_t *buf, size_t len, uint64_t now);

/* quic_bytestream.c, for quic_conn.c and the callbacks: */
struct kq_bs *kqbs_alloc(struct kq_conn *c, bool remote);
void kqbs_free(struct kq_bs *bs);
/* Events (KQ_BS_*) gathered while ngtcp2 runs; kqbs_dispatch hands them
 * to the user once it does not. */
void kqbs_event(struct kq_bs *bs, unsigned int ev);
void kqbs_dispatch(struct kq_conn *c);
/* The send queue link_write serves. */
void kqbs_txq_add(struct kq_bs *bs);
struct kq_bs *kqbs_txq_pop(struct kq_conn *c);
/* Deadlines of small writes: due ones queued; the next one ahead. */
uint64_t kqbs_due(struct kq_conn *c, uint64_t now);
/* Stream data of the peer (recv_stream_data), and its reset. */
int  kqbs_recv(struct kq_conn *c, struct kq_bs *bs, uint32_t flags,
	       const uint8_t *data, size_t datalen);
void kqbs_peer_reset(struct kq_bs *bs);
/* May the byte stream send now? A compressed keg is begun only with
 * connection credit for all of it reserved (tcpstream.c says why); false
 * leaves it queued for the next round. */
bool kqbs_reserve(struct kq_bs *bs, ngtcp2_conn *conn);
/* The most of its queued bytes to offer the library now: the rest of
 * the keg being sent. */
uint64_t kqbs_offer(const struct kq_bs *bs, uint64_t budget);
/* n of its bytes went to the library. */
void kqbs_sent(struct kq_bs *bs, uint64_t n);
/* The connection is gone: every byte stream with it. */
void kqbs_kill_all(struct kq_conn *c);

#endif /* KEGD_QUIC_INTERNAL_H */
