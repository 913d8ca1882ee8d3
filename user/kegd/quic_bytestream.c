// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * quic_bytestream.c - the byte streams of terminated TCP connections on a
 * keg connection (quic_conn.h: kq_bs_*): one bidirectional QUIC stream
 * each, a keg_tcp_open and then kegs of bytes (tcpstream.h), flow control
 * end to end. quic_conn.c's link_write sends what these queue and its
 * ngtcp2 callbacks feed them (quic_internal.h).
 */
#define _GNU_SOURCE     /* struct mmsghdr, in the connection (quic_internal.h) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "quic_internal.h"

/* ---- byte streams: the pure part ------------------------------------------ */

void kqbs_event(struct kq_bs *bs, unsigned int ev)
{
	struct kq_conn *c = bs->c;

	bs->ev |= ev;
	if (bs->in_evq || bs->released)
		return;
	bs->in_evq = true;
	bs->evq_next = c->evq;
	c->evq = bs;
}

/* Bytes or a FIN to send: on the queue link_write serves. */
void kqbs_txq_add(struct kq_bs *bs)
{
	struct kq_conn *c = bs->c;

	if (bs->in_txq || bs->dead || bs->tx.fin_sent || bs->tx.blocked)
		return;
	if (!keg_sbuf_unsent(&bs->tx.sb) && !bs->tx.fin_pending)
		return;
	bs->in_txq = true;
	bs->txq_next = NULL;
	if (c->txq_tail)
		c->txq_tail->txq_next = bs;
	else
		c->txq = bs;
	c->txq_tail = bs;
}

struct kq_bs *kqbs_txq_pop(struct kq_conn *c)
{
	struct kq_bs *bs = c->txq;

	if (!bs)
		return NULL;
	c->txq = bs->txq_next;
	if (!c->txq)
		c->txq_tail = NULL;
	bs->in_txq = false;
	return bs;
}

/* What waited for the deadline goes now. */
static void bs_tx_now(struct kq_bs *bs)
{
	if (bs->tx_due) {
		bs->tx_due = 0;
		bs->c->bs_waiting--;
	}
	kqbs_txq_add(bs);
}

/* Byte streams whose deadline passed, into the send queue; the earliest
 * deadline still ahead (UINT64_MAX: none). */
uint64_t kqbs_due(struct kq_conn *c, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	if (!c->bs_waiting)
		return next;
	for (struct kq_bs *bs = c->bss; bs; bs = bs->next) {
		if (!bs->tx_due)
			continue;
		if (bs->tx_due <= now)
			bs_tx_now(bs);
		else if (bs->tx_due < next)
			next = bs->tx_due;
	}
	return next;
}

static void bs_unlink(struct kq_bs *bs)
{
	struct kq_conn *c = bs->c;

	if (bs->prev)
		bs->prev->next = bs->next;
	else
		c->bss = bs->next;
	if (bs->next)
		bs->next->prev = bs->prev;
	if (bs->in_txq) {
		struct kq_bs **pp = &c->txq, *last = NULL;

		while (*pp && *pp != bs) {
			last = *pp;
			pp = &(*pp)->txq_next;
		}
		if (*pp)
			*pp = bs->txq_next;
		if (c->txq_tail == bs)
			c->txq_tail = last;
	}
	if (bs->tx_due)
		c->bs_waiting--;
	if (bs->in_evq) {
		struct kq_bs **pp = &c->evq;

		while (*pp && *pp != bs)
			pp = &(*pp)->evq_next;
		if (*pp)
			*pp = bs->evq_next;
	}
}

void kqbs_free(struct kq_bs *bs)
{
	struct kq_conn *c = bs->c;
	uint64_t held = keg_tsrx_held(&bs->rx) + bs->rx.credit;

	/* The peer's bytes it held were delivered by the library, which
	 * counted them against the connection window: that credit goes back
	 * here, or every connection reset with bytes in hand would shrink the
	 * window for all the others until nothing moves. */
	if (held && !bs->orphan && c->cur && c->cur->up)
		ngtcp2_conn_extend_max_offset(c->cur->conn, held);
	kqbs_sent(bs, UINT64_MAX);      /* its reservation ends */
	bs_unlink(bs);
	keg_sbuf_free(&bs->tx.sb);
	keg_tsrx_free(&bs->rx);
	free(bs);
}

struct kq_bs *kqbs_alloc(struct kq_conn *c, bool remote)
{
	struct kq_bs *bs = calloc(1, sizeof(*bs));

	if (!bs)
		return NULL;
	bs->kind = KQ_SUD_BS;
	bs->tx.kind = KQ_SUD_SLOT;
	bs->tx.bs = bs;
	bs->tx.stream_id = -1;
	bs->c = c;
	bs->remote = remote;
	if (keg_sbuf_init(&bs->tx.sb, c->cfg.slot_buf) ||
	    keg_tsrx_init(&bs->rx, c->cfg.max_window, remote)) {
		keg_sbuf_free(&bs->tx.sb);
		free(bs);
		return NULL;
	}
	if (c->z.st.wire >= 3) {
		bs->rx.expand = keg_z_expand;
		bs->rx.expand_ctx = &c->z;
	}
	bs->next = c->bss;
	if (c->bss)
		c->bss->prev = bs;
	c->bss = bs;
	return bs;
}

/* The connection is gone (lost, closed, replaced): its streams with it. */
void kqbs_kill_all(struct kq_conn *c)
{
	struct kq_bs *bs, *n;

	for (bs = c->bss; bs; bs = n) {
		n = bs->next;
		bs->tx.stream_id = -1;
		bs->orphan = true;
		if (bs->released) {
			kqbs_free(bs);
			continue;
		}
		if (!bs->dead) {
			bs->dead = true;
			kqbs_event(bs, KQ_BS_RESET);
		}
	}
	c->txq = c->txq_tail = NULL;
	for (bs = c->bss; bs; bs = bs->next) {
		bs->in_txq = false;
		bs->keg_reserved = false;
	}
	c->zreserved = 0;
}

static void bs_reset_stream(struct kq_bs *bs);

/* Events gathered while ngtcp2 ran, to the user now that it does not:
 * the user may call back into the connection from them. */
void kqbs_dispatch(struct kq_conn *c)
{
	struct kq_bs *bs;

	while ((bs = c->evq)) {
		unsigned int ev = bs->ev;

		c->evq = bs->evq_next;
		bs->in_evq = false;
		bs->ev = 0;
		if (bs->released)
			continue;
		if (ev & KQ_BS_OPEN) {
			int r = keg_tsrx_open(&bs->rx, &bs->ends);

			if (r == 0)
				continue;       /* the rest of the header comes later */
			bs->user = r > 0 ? c->ops.bs_open(c->ctx, bs, &bs->ends) : NULL;
			if (!bs->user) {
				/* Refused or malformed: reset, and forget it. */
				if (r < 0)
					c->st.drop_keg++;
				bs_reset_stream(bs);
				bs->released = true;
				if (bs->tx.stream_id < 0)
					kqbs_free(bs);
				continue;
			}
			ev = KQ_BS_READABLE;
		}
		if (bs->remote && !bs->user)
			continue;
		c->ops.bs_event(c->ctx, bs->user, ev);
	}
}

/* Bytes of a byte stream: held until the user writes them to its socket;
 * flow-control credit goes back only then (kq_bs_consume). */
int kqbs_recv(struct kq_conn *c, struct kq_bs *bs, uint32_t flags,
		   const uint8_t *data, size_t datalen)
{
	c->st.stream_rx_bytes += datalen;
	if (bs->dead)
		return 0;
	if (keg_tsrx_push(&bs->rx, data, datalen)) {
		/* Past the window we gave, or no memory: this connection ends
		 * (the stream is reset when the user releases it: no library
		 * call from inside its callbacks). */
		c->st.drop_keg++;
		kqbs_peer_reset(bs);
		return 0;
	}
	if (flags & NGTCP2_STREAM_DATA_FLAG_FIN)
		bs->fin_rcvd = true;
	kqbs_event(bs, bs->remote && !bs->rx.opened ? KQ_BS_OPEN : KQ_BS_READABLE);
	return 0;
}

/* The peer reset its side or asked us to stop: the TCP connection is
 * reset (or its connect was refused). */
void kqbs_peer_reset(struct kq_bs *bs)
{
	if (bs->dead)
		return;
	bs->dead = true;
	kqbs_event(bs, KQ_BS_RESET);
}

/* ---- compressed kegs: connection credit reserved ------------------------ */

/* At a keg boundary with a keg queued: where it ends, and its kind (the
 * writer queues whole kegs, so its header is all there). */
static void bs_next_keg(struct kq_bs *bs)
{
	uint8_t h[KEG_HDR_LEN];
	struct iovec iov[2];
	int nv = keg_sbuf_peek(&bs->tx.sb, KEG_HDR_LEN, iov);
	size_t got = 0;

	for (int i = 0; i < nv; i++) {
		memcpy(h + got, iov[i].iov_base, iov[i].iov_len);
		got += iov[i].iov_len;
	}
	bs->keg_end = bs->tx.sb.sent + KEG_HDR_LEN + keg_get_be32(h + 8);
	bs->keg_z = h[1] & KEG_F_COMPRESSED;
	bs->keg_reserved = false;
}

bool kqbs_reserve(struct kq_bs *bs, ngtcp2_conn *conn)
{
	struct kq_conn *c = bs->c;
	uint64_t need;

	if (bs->tx.sb.sent == bs->keg_end) {
		if (keg_sbuf_unsent(&bs->tx.sb) < KEG_HDR_LEN)
			return true;    /* nothing, or a FIN alone */
		bs_next_keg(bs);
	}
	if (!bs->keg_z || bs->keg_reserved)
		return true;
	need = bs->keg_end - bs->tx.sb.sent;
	if (ngtcp2_conn_get_max_data_left(conn) < c->zreserved + need)
		return false;
	bs->keg_reserved = true;
	c->zreserved += need;
	return true;
}

uint64_t kqbs_offer(const struct kq_bs *bs, uint64_t budget)
{
	uint64_t left = bs->keg_end - bs->tx.sb.sent;

	return left < budget ? left : budget;
}

void kqbs_sent(struct kq_bs *bs, uint64_t n)
{
	uint64_t left = bs->keg_end - bs->tx.sb.sent;

	if (n > left)
		n = left;
	if (bs->keg_reserved)
		bs->c->zreserved -= n < bs->c->zreserved ? n : bs->c->zreserved;
	if (n == left)
		bs->keg_reserved = false;
}

/* ---- byte streams: the API ---------------------------------------------------- */

static ngtcp2_conn *bs_conn(const struct kq_bs *bs)
{
	const struct kq_conn *c = bs->c;

	return c->cur && c->cur->up && bs->tx.stream_id >= 0 ? c->cur->conn : NULL;
}

/* Both directions aborted with KEG_APP_ERR_TCP_RESET; the stream forgets bs. */
static void bs_reset_stream(struct kq_bs *bs)
{
	ngtcp2_conn *conn = bs_conn(bs);

	bs->dead = true;
	if (!conn)
		return;
	ngtcp2_conn_shutdown_stream(conn, bs->tx.stream_id, KEG_APP_ERR_TCP_RESET);
}

int kq_bs_open(struct kq_conn *c, const struct sockaddr *client, const struct sockaddr *server,
	       uint8_t proto, uint8_t flags, void *user, struct kq_bs **out)
{
	uint8_t hdr[KEG_TCP_OPEN_LEN];
	struct kq_bs *bs;
	int ret;

	if (!c->cur || !c->cur->up)
		return -ENOTCONN;
	ret = keg_tcp_open_encode(hdr, client, server, proto, flags);
	if (ret)
		return ret;
	bs = kqbs_alloc(c, false);
	if (!bs)
		return -ENOMEM;
	keg_sbuf_write(&bs->tx.sb, hdr, sizeof(hdr));
	bs->keg_end = sizeof(hdr);      /* the header first, then kegs */
	bs->user = user;
	kqbs_txq_add(bs);
	c->st.tcp_opened++;
	*out = bs;
	return 0;
}

size_t kq_bs_room(const struct kq_bs *bs)
{
	/* The keg's records (one header and the bytes) fill at most Segsize,
	 * as any keg's, so a full one may be compressed. */
	size_t room = keg_sbuf_room(&bs->tx.sb), most = bs->c->cfg.segsize - KEG_REC_HDR_LEN;
	size_t least = KEG_TCP_KEG_HDR + most;

	/* A full ring takes bytes again only once a whole keg fits: each
	 * acknowledgement freeing a little would otherwise cut the stream
	 * into small kegs, which compress badly and cost a codec call each. */
	if (least > bs->c->cfg.slot_buf / 4)
		least = bs->c->cfg.slot_buf / 4;
	if (bs->dead || bs->tx.fin_pending || room <= KEG_TCP_KEG_HDR || room < least)
		return 0;
	room -= KEG_TCP_KEG_HDR;
	return room < most ? room : most;
}

size_t kq_bs_keg_max(const struct kq_bs *bs)
{
	return bs->c->cfg.segsize - KEG_REC_HDR_LEN;
}

/* One byte keg of data[0..len) into the send ring, compressed when the
 * peer takes that (keg/3) and it gains (keg_z_keg decides, and counts). */
static int bs_put_keg(struct kq_bs *bs, const void *data, size_t len)
{
	struct kq_conn *c = bs->c;
	const uint8_t *out;
	size_t klen = KEG_TCP_KEG_HDR + len;

	if (c->z.st.wire < 3) {
		uint8_t hdr[KEG_TCP_KEG_HDR];

		keg_tcp_keg_hdr(hdr, len);
		keg_sbuf_write(&bs->tx.sb, hdr, sizeof(hdr));
		keg_sbuf_write(&bs->tx.sb, data, len);
		return 0;
	}
	if (!c->bs_keg) {
		c->bs_keg = malloc(keg_buf_size(c->cfg.segsize));
		if (!c->bs_keg)
			return -ENOMEM;
	}
	keg_tcp_keg_hdr(c->bs_keg, len);
	memcpy(c->bs_keg + KEG_TCP_KEG_HDR, data, len);
	out = keg_z_keg(&c->z, &bs->tx.zb, c->bs_keg, &klen);
	keg_sbuf_write(&bs->tx.sb, out, klen);
	return 0;
}

ssize_t kq_bs_write(struct kq_bs *bs, const void *data, size_t len)
{
	size_t room = kq_bs_room(bs);
	int ret;

	if (bs->dead)
		return -EPIPE;
	if (len > room)
		len = room;
	if (len > KEG_PKT_MAX)
		len = KEG_PKT_MAX;
	if (!len)
		return 0;
	ret = bs_put_keg(bs, data, len);
	if (ret)
		return ret;
	bs->c->st.kegs_tx++;
	bs->c->st.tcp_tx_bytes += len;
	/* Less than a packet waits up to the keg deadline for more, as a
	 * packet keg does: a message an application writes in pieces (a
	 * length, then its body) then crosses in one QUIC packet and reaches
	 * the other end's socket in one piece, as it would have over one
	 * TCP hop, instead of pieces a pacing interval or a loss apart. */
	if (keg_sbuf_unsent(&bs->tx.sb) < KQ_TX_PKT && bs->c->cfg.deadline_ns) {
		if (!bs->tx_due) {
			bs->tx_due = kq_now() + bs->c->cfg.deadline_ns;
			bs->c->bs_waiting++;
		}
		return (ssize_t)len;
	}
	bs_tx_now(bs);
	return (ssize_t)len;
}

void kq_bs_shutdown(struct kq_bs *bs)
{
	if (bs->dead || bs->tx.fin_pending)
		return;
	bs->tx.fin_pending = true;
	bs_tx_now(bs);
}

int kq_bs_peekv(struct kq_bs *bs, struct iovec *iov, int max)
{
	int n;

	if (bs->dead)
		return -EPIPE;
	n = keg_tsrx_peekv(&bs->rx, iov, max);
	if (n < 0) {
		bs->c->st.drop_keg++;
		bs_reset_stream(bs);
	}
	return n;
}

void kq_bs_consume(struct kq_bs *bs, size_t n)
{
	ngtcp2_conn *conn = bs_conn(bs);
	size_t credit = keg_tsrx_consumev(&bs->rx, n);

	bs->c->st.tcp_rx_bytes += n;
	if (credit && conn) {
		ngtcp2_conn_extend_max_stream_offset(conn, bs->tx.stream_id, credit);
		ngtcp2_conn_extend_max_offset(conn, credit);
	}
}

bool kq_bs_eof(struct kq_bs *bs)
{
	const uint8_t *p;

	return bs->fin_rcvd && !bs->dead && keg_tsrx_peek(&bs->rx, &p) == 0 &&
	       keg_tsrx_held(&bs->rx) == 0;
}

void kq_bs_release(struct kq_bs *bs, bool reset)
{
	bs->released = true;
	bs->user = NULL;
	if (reset || (!bs->dead && !(bs->tx.fin_pending && bs->fin_rcvd)))
		bs_reset_stream(bs);
	/* While QUIC holds the stream its frames point into our send ring
	 * (the library does not copy; a reset stream's queued frames may still
	 * go out): freed at the stream's close (stream_close_cb), or now if it
	 * never opened or its connection is gone. */
	if (bs->tx.stream_id >= 0 && !bs->closed && !bs->orphan)
		return;
	kqbs_free(bs);
}

uint64_t kq_conn_bs_mem(const struct kq_conn *c)
{
	uint64_t n = 0;

	for (const struct kq_bs *bs = c->bss; bs; bs = bs->next)
		n += bs->tx.sb.cap > 0 ? bs->tx.sb.end - bs->tx.sb.acked : 0;
	for (const struct kq_bs *bs = c->bss; bs; bs = bs->next)
		n += bs->rx.cap + bs->rx.plain_cap;
	return n;
}
