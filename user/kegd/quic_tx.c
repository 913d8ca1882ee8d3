// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * quic_tx.c - what a site connection sends (see quic_internal.h): the
 * batch of datagrams for sendmmsg, a link's round of
 * ngtcp2_conn_writev_stream over the pool's streams, the byte streams and
 * the FINs it owes, until the library writes nothing more, and a link's
 * close (its CONNECTION_CLOSE, then the back-off before the next attempt).
 */
#define _GNU_SOURCE     /* sendmmsg */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "quic_internal.h"

void kq_tx_flush(struct kq_conn *c)
{
	int done = 0;

	while (done < c->ntx) {
		int n = sendmmsg(c->fd, c->txm + done, (unsigned)(c->ntx - done), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* The socket buffer is full or the route refused: these
			 * packets are lost; QUIC's loss recovery resends. */
			c->st.udp_tx_errors += (uint64_t)(c->ntx - done);
			break;
		}
		for (int i = done; i < done + n; i++) {
			c->st.udp_tx_pkts++;
			c->st.udp_tx_bytes += c->txm[i].msg_len;
		}
		done += n;
	}
	c->ntx = 0;
}

uint8_t *kq_tx_slot(struct kq_conn *c)
{
	if (c->ntx == KQ_BATCH)
		kq_tx_flush(c);
	return c->txb[c->ntx];
}

void kq_tx_queue(struct kq_conn *c, struct kq_link *l, size_t len)
{
	struct mmsghdr *m = &c->txm[c->ntx];

	c->txv[c->ntx].iov_base = c->txb[c->ntx];
	c->txv[c->ntx].iov_len = len;
	memset(m, 0, sizeof(*m));
	m->msg_hdr.msg_name = &l->remote;
	m->msg_hdr.msg_namelen = l->remote_len;
	m->msg_hdr.msg_iov = &c->txv[c->ntx];
	m->msg_hdr.msg_iovlen = 1;
	c->ntx++;
}

/* The peer allows no more streams: idle slots give theirs back (FIN), so a
 * slot with kegs waiting gets one within a round trip. */
static void retire_idle(struct kq_conn *c)
{
	for (uint32_t i = 0; i < c->cfg.nslots; i++) {
		struct kq_slot *s = &c->slots[i];

		if (s->kbuf && s->stream_id >= 0 && !s->fin_pending &&
		    !keg_sbuf_unsent(&s->sb) && keg_packer_empty(&s->pk))
			s->fin_pending = true;
	}
}

/* The next slot with bytes (or a FIN) to send, its stream opened; NULL if none. */
static struct kq_slot *next_slot(struct kq_conn *c, struct kq_link *l, bool *no_streams)
{
	for (uint32_t k = 0; k < c->cfg.nslots; k++) {
		uint32_t i = (c->rr + k) % c->cfg.nslots;
		struct kq_slot *s = &c->slots[i];

		if (!s->kbuf || s->blocked || s->fin_sent)
			continue;
		if (!keg_sbuf_unsent(&s->sb) && !(s->fin_pending && s->stream_id >= 0))
			continue;
		if (s->stream_id < 0) {
			if (*no_streams)
				continue;
			if (ngtcp2_conn_open_bidi_stream(l->conn, &s->stream_id, s)) {
				/* NGTCP2_ERR_STREAM_ID_BLOCKED: the peer has not
				 * given more streams yet. */
				s->stream_id = -1;
				*no_streams = true;
				retire_idle(c);
				continue;
			}
		}
		c->rr = i + 1;
		return s;
	}
	/* Then the byte streams, in turn. */
	struct kq_bs *skipped = NULL, **skip_tail = &skipped, *bs, *found = NULL;

	while (!found && (bs = kqbs_txq_pop(c))) {
		if (bs->dead || bs->tx.fin_sent || bs->tx.blocked)
			continue;
		if (bs->tx.stream_id < 0) {
			if (*no_streams ||
			    ngtcp2_conn_open_bidi_stream(l->conn, &bs->tx.stream_id, bs)) {
				bs->tx.stream_id = -1;
				*no_streams = true;
				/* Back to the front: first when streams come. */
				bs->in_txq = true;
				bs->txq_next = c->txq;
				c->txq = bs;
				if (!c->txq_tail)
					c->txq_tail = bs;
				break;
			}
		}
		if (!kqbs_reserve(bs, l->conn)) {
			/* Queued again after this round's others. */
			*skip_tail = bs;
			skip_tail = &bs->txq_next;
			bs->txq_next = NULL;
			continue;
		}
		found = bs;
	}
	while ((bs = skipped)) {
		skipped = bs->txq_next;
		kqbs_txq_add(bs);
	}
	return found ? &found->tx : NULL;
}

/* A stream of the peer that ended and waits for our FIN to close. */
static struct kq_rxs *next_fin(struct kq_link *l)
{
	for (struct kq_rxs *rs = l->rxs; rs; rs = rs->next)
		if (rs->fin_rcvd && !rs->fin_sent)
			return rs;
	return NULL;
}

static void consumed(struct kq_conn *c, struct kq_slot *s, uint64_t n, bool fin,
		     uint64_t *budget, uint64_t now)
{
	(void)now;
	if (s->bs)
		kqbs_sent(s->bs, n);
	keg_sbuf_consume(&s->sb, n);
	/* The bucket is charged per datagram (link_write); the budget of
	 * this round shrinks at once, so a coalesced packet cannot overdraw. */
	*budget -= n < *budget ? n : *budget;
	c->st.stream_tx_bytes += n;
	if (fin && !keg_sbuf_unsent(&s->sb))
		s->fin_sent = true;
}

int kq_link_write(struct kq_conn *c, struct kq_link *l, uint64_t now)
{
	bool app = l == c->cur && l->up, no_streams = false;
	struct kq_bs *prev_bs = NULL;
	uint64_t budget = app ? keg_rbucket_avail(&c->rb, now) : 0;
	size_t quantum = ngtcp2_conn_get_send_quantum(l->conn), sent = 0;
	ngtcp2_path_storage ps;
	ngtcp2_pkt_info pi;

	/* Under a MaxRate, stream data waits for a full packet's worth of
	 * tokens: a bucket drained to a few bytes would otherwise send a
	 * stream of tiny packets (at 20 mbit/s, 98 bytes on average once). */
	if (c->cfg.max_rate && budget < KQ_TX_PKT)
		budget = 0;
	for (uint32_t i = 0; app && i < c->cfg.nslots; i++)
		c->slots[i].blocked = false;
	ngtcp2_path_storage_zero(&ps);
	for (;;) {
		uint32_t flags = NGTCP2_WRITE_STREAM_FLAG_MORE;
		ngtcp2_vec vec[2];
		struct iovec iov[2];
		ngtcp2_ssize nw, ndata = -1;
		int64_t sid = -1;
		size_t nv = 0;
		bool fin = false;
		struct kq_rxs *fr;
		struct kq_slot *s;

		/* The byte stream served last goes back in the queue if it
		 * has more (not while it is blocked). */
		if (prev_bs) {
			kqbs_txq_add(prev_bs);
			prev_bs = NULL;
		}
		fr = l->up ? next_fin(l) : NULL;
		s = !fr && app && budget ? next_slot(c, l, &no_streams) : NULL;
		prev_bs = s ? s->bs : NULL;

		if (fr) {
			sid = fr->stream_id;
			flags |= NGTCP2_WRITE_STREAM_FLAG_FIN;
		} else if (s) {
			uint64_t unsent = keg_sbuf_unsent(&s->sb);
			uint64_t offer = s->bs ? kqbs_offer(s->bs, budget) : budget;

			nv = (size_t)keg_sbuf_peek(&s->sb, offer, iov);
			for (size_t k = 0; k < nv; k++) {
				vec[k].base = iov[k].iov_base;
				vec[k].len = iov[k].iov_len;
			}
			sid = s->stream_id;
			/* The FIN only with the last byte offered: the library
			 * ends the stream where the FIN is given. */
			if (s->fin_pending && offer >= unsent) {
				flags |= NGTCP2_WRITE_STREAM_FLAG_FIN;
				fin = true;
			}
		}
		nw = ngtcp2_conn_writev_stream(l->conn, &ps.path, &pi, kq_tx_slot(c), KQ_TX_PKT,
					       &ndata, flags, sid, vec, nv, now);
		if (fr && (ndata >= 0 || nw == NGTCP2_ERR_STREAM_SHUT_WR ||
			   nw == NGTCP2_ERR_STREAM_NOT_FOUND))
			fr->fin_sent = true;
		if (nw < 0) {
			switch (nw) {
			case NGTCP2_ERR_WRITE_MORE:
				if (s)
					consumed(c, s, (uint64_t)ndata, fin, &budget, now);
				continue;
			case NGTCP2_ERR_STREAM_DATA_BLOCKED:
				if (s)
					s->blocked = true;
				continue;
			case NGTCP2_ERR_STREAM_SHUT_WR:
			case NGTCP2_ERR_STREAM_NOT_FOUND:
				if (s)
					s->fin_sent = true;     /* wait for its close */
				continue;
			default:
				kq_tx_flush(c);
				return (int)nw;
			}
		}
		if (s && ndata >= 0)
			consumed(c, s, (uint64_t)ndata, fin, &budget, now);
		if (nw == 0)
			break;
		kq_tx_queue(c, l, (size_t)nw);
		sent += (size_t)nw;
		/* MaxRate counts what goes on the WAN: every datagram of the
		 * connection in use, acknowledgements and retransmissions too. */
		if (app)
			keg_rbucket_take(&c->rb, (uint64_t)nw, now);
		if (sent >= quantum)
			break;
	}
	if (prev_bs)
		kqbs_txq_add(prev_bs);
	kq_tx_flush(c);
	ngtcp2_conn_update_pkt_tx_time(l->conn, now);
	return 0;
}

/* Tell the peer why (once) and forget the connection. */
void kq_link_close(struct kq_conn *c, struct kq_link *l, int liberr, uint64_t now)
{
	bool was_up = l->up && l == c->cur;

	if (liberr != NGTCP2_ERR_DRAINING && liberr != NGTCP2_ERR_IDLE_CLOSE &&
	    liberr != NGTCP2_ERR_HANDSHAKE_TIMEOUT && liberr != NGTCP2_ERR_DROP_CONN &&
	    !ngtcp2_conn_is_in_closing_period(l->conn) &&
	    !ngtcp2_conn_is_in_draining_period(l->conn)) {
		ngtcp2_connection_close_error ccerr;
		ngtcp2_path_storage ps;
		ngtcp2_pkt_info pi;
		ngtcp2_ssize n;

		if (liberr == NGTCP2_ERR_CRYPTO)
			ngtcp2_connection_close_error_set_transport_error_tls_alert(
				&ccerr, ngtcp2_conn_get_tls_alert(l->conn), NULL, 0);
		else
			ngtcp2_connection_close_error_set_transport_error_liberr(
				&ccerr, liberr, NULL, 0);
		ngtcp2_path_storage_zero(&ps);
		n = ngtcp2_conn_write_connection_close(l->conn, &ps.path, &pi, kq_tx_slot(c),
						       KQ_TX_PKT, &ccerr, now);
		if (n > 0) {
			kq_tx_queue(c, l, (size_t)n);
			kq_tx_flush(c);
		}
	}
	if (!l->up)
		c->st.handshake_failures++;
	if (was_up)
		c->st.conn_lost++;
	c->st.last_error = liberr;
	kq_link_free(c, l);
	if (c->cur)
		return;
	kq_slots_reset(c);
	kqbs_kill_all(c);
	kq_set_state(c, c->pend ? KQ_CONNECTING : KQ_DOWN);
	if (!c->cfg.server && !c->closed) {
		c->reconnect_at = now + c->backoff;
		c->backoff = c->backoff * 2 > KQ_BACKOFF_MAX ? KQ_BACKOFF_MAX : c->backoff * 2;
	}
}
