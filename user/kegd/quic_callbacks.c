// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * quic_callbacks.c - what ngtcp2 calls back into kegd for (see
 * quic_internal.h): connection ids, AEAD failures counted per connection,
 * key updates, the handshake's end (a link goes up), the peer's streams
 * (packet kegs to the user, byte streams to quic_bytestream.c), acks,
 * resets and closes, and the stream credit the peer extends. The callback
 * tables of a client and a server are the two things quic_conn.c takes
 * from here when it makes a link.
 */
#define _GNU_SOURCE     /* struct mmsghdr, in quic_internal.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "quic_internal.h"

ngtcp2_conn *kq_get_conn(ngtcp2_crypto_conn_ref *ref)
{
	struct kq_link *l = ref->user_data;

	return l->conn;
}

static void rand_cb(uint8_t *dest, size_t len, const ngtcp2_rand_ctx *ctx)
{
	(void)ctx;
	(void)gnutls_rnd(GNUTLS_RND_RANDOM, dest, len);
}

int kq_add_scid(struct kq_link *l, const ngtcp2_cid *cid)
{
	if (l->nscids == KQ_MAX_SCIDS)
		return -ENOSPC;
	l->scids[l->nscids++] = *cid;
	return 0;
}

static int new_cid_cb(ngtcp2_conn *conn, ngtcp2_cid *cid, uint8_t *token,
		      size_t cidlen, void *user_data)
{
	struct kq_link *l = user_data;

	(void)conn;
	if (gnutls_rnd(GNUTLS_RND_RANDOM, cid->data, cidlen) < 0 ||
	    gnutls_rnd(GNUTLS_RND_RANDOM, token, NGTCP2_STATELESS_RESET_TOKENLEN) < 0)
		return NGTCP2_ERR_CALLBACK_FAILURE;
	cid->datalen = cidlen;
	return kq_add_scid(l, cid) ? NGTCP2_ERR_CALLBACK_FAILURE : 0;
}

static int remove_cid_cb(ngtcp2_conn *conn, const ngtcp2_cid *cid, void *user_data)
{
	struct kq_link *l = user_data;

	(void)conn;
	for (size_t i = 0; i < l->nscids; i++)
		if (ngtcp2_cid_eq(&l->scids[i], cid)) {
			l->scids[i] = l->scids[--l->nscids];
			break;
		}
	return 0;
}

/*
 * ngtcp2's decrypt callback has no user_data argument, yet an AEAD failure
 * is a forged or corrupted packet that must be counted per connection. The
 * connection being read is recorded here for the duration of one
 * ngtcp2_conn_read_pkt call on this thread (kq_read_pkt), and nowhere else.
 */
static __thread struct kq_conn *kq_reading;

int kq_read_pkt(struct kq_conn *c, struct kq_link *l, const ngtcp2_path *path,
		const ngtcp2_pkt_info *pi, const uint8_t *buf, size_t len, uint64_t now)
{
	int rv;

	kq_reading = c;
	rv = ngtcp2_conn_read_pkt(l->conn, path, pi, buf, len, now);
	kq_reading = NULL;
	return rv;
}

static int decrypt_cb(uint8_t *dest, const ngtcp2_crypto_aead *aead,
		      const ngtcp2_crypto_aead_ctx *aead_ctx, const uint8_t *ct,
		      size_t ctlen, const uint8_t *nonce, size_t noncelen,
		      const uint8_t *aad, size_t aadlen)
{
	int rv = ngtcp2_crypto_decrypt_cb(dest, aead, aead_ctx, ct, ctlen, nonce,
					  noncelen, aad, aadlen);

	if (rv && kq_reading)
		kq_reading->st.drop_aead++;
	return rv;
}

static int update_key_cb(ngtcp2_conn *conn, uint8_t *rx_secret, uint8_t *tx_secret,
			 ngtcp2_crypto_aead_ctx *rx_aead_ctx, uint8_t *rx_iv,
			 ngtcp2_crypto_aead_ctx *tx_aead_ctx, uint8_t *tx_iv,
			 const uint8_t *cur_rx, const uint8_t *cur_tx,
			 size_t secretlen, void *user_data)
{
	struct kq_link *l = user_data;
	int rv = ngtcp2_crypto_update_key_cb(conn, rx_secret, tx_secret, rx_aead_ctx,
					     rx_iv, tx_aead_ctx, tx_iv, cur_rx, cur_tx,
					     secretlen, user_data);
	if (!rv)
		l->key_gens++;
	return rv;
}

/* The peer is authenticated: the connection carries kegs from now on. A
 * server's new connection replaces the one it had. */
static void link_up(struct kq_link *l)
{
	struct kq_conn *c = l->c;

	l->up = true;
	l->last_key_update = 0;
	c->st.handshakes++;
	/* keg/2: compressed kegs may go out from now on (keg_wire.h). */
	int wire = keg_tls_wire_version(&l->tls);

	c->z.st.wire = wire > 0 ? (uint32_t)wire : 0;
	c->z.peer_z = wire >= 2;
	if (l == c->pend) {
		if (c->cur)
			kq_link_free(c, c->cur);
		c->cur = l;
		c->pend = NULL;
	}
	kq_slots_reset(c);
	kqbs_kill_all(c);
	c->backoff = KQ_BACKOFF_MIN;
	kq_set_state(c, KQ_UP);
}

/* Server: the handshake completes with the client's Finished, after its
 * certificate was verified (ngtcp2 0.12 calls no handshake_confirmed on a
 * server). */
static int handshake_completed_cb(ngtcp2_conn *conn, void *user_data)
{
	struct kq_link *l = user_data;

	(void)conn;
	if (keg_tls_check_alpn(&l->tls))
		return NGTCP2_ERR_CALLBACK_FAILURE;
	if (l->c->cfg.server)
		link_up(l);
	return 0;
}

/* Client: confirmed (HANDSHAKE_DONE) only once the server has verified the
 * client's certificate too; completion alone would be too early. */
static int handshake_confirmed_cb(ngtcp2_conn *conn, void *user_data)
{
	(void)conn;
	link_up(user_data);
	return 0;
}

static int stream_open_cb(ngtcp2_conn *conn, int64_t stream_id, void *user_data)
{
	(void)conn, (void)stream_id, (void)user_data;
	return 0;
}

static int deliver_pkt(void *ctx, const struct keg_view *k, const uint8_t *pkt, size_t len)
{
	struct kq_conn *c = ctx;

	c->st.pkts_rx++;
	if (c->ops.packet)
		c->ops.packet(c->ctx, k->flow_id, pkt, len);
	return 0;
}

static int recv_stream_data_cb(ngtcp2_conn *conn, uint32_t flags, int64_t stream_id,
			       uint64_t offset, const uint8_t *data, size_t datalen,
			       void *user_data, void *stream_user_data)
{
	struct kq_link *l = user_data;
	struct kq_conn *c = l->c;
	struct kq_rxs *rs = stream_user_data;
	uint64_t kegs;
	int rc;

	(void)offset;
	if (rs && rs->kind == KQ_SUD_BS)
		return kqbs_recv(c, (struct kq_bs *)rs, flags, data, datalen);
	/* A peer's stream whose first byte opens a terminated TCP connection. */
	if (!rs && !ngtcp2_conn_is_local_stream(conn, stream_id) && datalen &&
	    data[0] == KEG_TCP_OPEN_MAGIC && l == c->cur && l->up && c->ops.bs_open) {
		struct kq_bs *bs = kqbs_alloc(c, true);

		if (!bs)
			return NGTCP2_ERR_CALLBACK_FAILURE;     /* as for a packet stream */
		bs->tx.stream_id = stream_id;
		ngtcp2_conn_set_stream_user_data(conn, stream_id, bs);
		return kqbs_recv(c, bs, flags, data, datalen);
	}
	ngtcp2_conn_extend_max_stream_offset(conn, stream_id, datalen);
	ngtcp2_conn_extend_max_offset(conn, datalen);
	/* Our own (bidirectional) streams carry nothing back but the FIN that
	 * lets them close. */
	if (ngtcp2_conn_is_local_stream(conn, stream_id))
		return 0;
	if (!rs) {
		rs = calloc(1, sizeof(*rs));
		if (!rs)
			return NGTCP2_ERR_CALLBACK_FAILURE;
		if (keg_rx_init(&rs->rx, KEG_SEGSIZE_MAX)) {
			free(rs);
			return NGTCP2_ERR_CALLBACK_FAILURE;
		}
		rs->kind = KQ_SUD_RX;
		if (keg_tls_wire_version(&l->tls) >= 2) {
			rs->rx.expand = keg_z_expand;
			rs->rx.expand_ctx = &c->z;
		}
		rs->stream_id = stream_id;
		rs->next = l->rxs;
		if (l->rxs)
			l->rxs->prev = rs;
		l->rxs = rs;
		ngtcp2_conn_set_stream_user_data(conn, stream_id, rs);
	}
	/* (Flow control credit went back at once above: kegd consumes as it
	 * receives.) */
	c->st.stream_rx_bytes += datalen;
	if (flags & NGTCP2_STREAM_DATA_FLAG_FIN)
		rs->fin_rcvd = true;
	if (rs->broken)
		return 0;
	kegs = rs->rx.kegs;
	rc = keg_rx_push(&rs->rx, data, datalen, deliver_pkt, c);
	c->st.kegs_rx += rs->rx.kegs - kegs;
	if (rc < 0) {
		/* A hostile or broken keg: this stream stops, the connection stays. */
		rs->broken = true;
		c->st.drop_keg++;
		ngtcp2_conn_shutdown_stream_read(conn, stream_id, KQ_APP_ERR_KEG);
	}
	return 0;
}

static int acked_cb(ngtcp2_conn *conn, int64_t stream_id, uint64_t offset,
		    uint64_t datalen, void *user_data, void *stream_user_data)
{
	struct kq_slot *s = stream_user_data;
	struct kq_bs *bs = NULL;

	(void)conn, (void)stream_id, (void)user_data;
	if (s && s->kind == KQ_SUD_BS) {
		bs = (struct kq_bs *)s;
		s = &bs->tx;
	}
	/* A peer's packet stream (KQ_SUD_RX) carries only our FIN: nothing
	 * of ours to free. */
	if (s && s->kind == KQ_SUD_SLOT && keg_sbuf_ack(&s->sb, offset, datalen))
		return NGTCP2_ERR_CALLBACK_FAILURE;
	if (bs && !bs->dead)
		kqbs_event(bs, KQ_BS_WRITABLE);
	return 0;
}

/* The library goes on using the stream after these return: our side is
 * reset when the user releases it (kq_bs_release), not from here. */
static int stream_reset_cb(ngtcp2_conn *conn, int64_t stream_id, uint64_t final_size,
			   uint64_t app_error_code, void *user_data, void *stream_user_data)
{
	struct kq_bs *bs = stream_user_data;

	(void)conn, (void)stream_id, (void)final_size, (void)app_error_code, (void)user_data;
	if (bs && bs->kind == KQ_SUD_BS)
		kqbs_peer_reset(bs);
	return 0;
}

static int stream_stop_sending_cb(ngtcp2_conn *conn, int64_t stream_id,
				  uint64_t app_error_code, void *user_data,
				  void *stream_user_data)
{
	return stream_reset_cb(conn, stream_id, 0, app_error_code, user_data, stream_user_data);
}

static int stream_close_cb(ngtcp2_conn *conn, uint32_t flags, int64_t stream_id,
			   uint64_t app_error_code, void *user_data, void *stream_user_data)
{
	struct kq_link *l = user_data;

	(void)flags, (void)app_error_code;
	l->lost_closed += ngtcp2_conn_get_stream_loss_count(conn, stream_id);
	if (stream_user_data && *(uint8_t *)stream_user_data == KQ_SUD_BS) {
		struct kq_bs *bs = stream_user_data;

		bs->tx.stream_id = -1;
		bs->closed = true;
		if (!ngtcp2_conn_is_local_stream(conn, stream_id))
			ngtcp2_conn_extend_max_streams_bidi(conn, 1);
		if (bs->released) {
			kqbs_free(bs);
			return 0;
		}
		/* Closed without both FINs: it did not end cleanly. What the
		 * peer sent before its FIN stays readable. */
		if (!bs->fin_rcvd || !bs->tx.fin_sent ||
		    (flags & NGTCP2_STREAM_CLOSE_FLAG_APP_ERROR_CODE_SET))
			kqbs_peer_reset(bs);
		return 0;
	}
	if (ngtcp2_conn_is_local_stream(conn, stream_id)) {
		struct kq_slot *s = stream_user_data;

		if (!s)
			return 0;
		/* Retired (or reset): the next keg of the slot opens a new
		 * stream; offsets restart. Unacked bytes of a reset stream
		 * are lost with it. */
		if (keg_sbuf_restart(&s->sb))
			s->sb.acked = s->sb.sent = s->sb.end = 0;
		s->stream_id = -1;
		s->fin_pending = s->fin_sent = false;
		return 0;
	}
	struct kq_rxs *rs = stream_user_data;

	if (rs) {
		if (rs->prev)
			rs->prev->next = rs->next;
		else
			l->rxs = rs->next;
		if (rs->next)
			rs->next->prev = rs->prev;
		keg_rx_free(&rs->rx);
		free(rs);
	}
	/* The library does not replenish stream limits: one closed, one more. */
	ngtcp2_conn_extend_max_streams_bidi(conn, 1);
	return 0;
}

static int extend_max_stream_data_cb(ngtcp2_conn *conn, int64_t stream_id,
				     uint64_t max_data, void *user_data,
				     void *stream_user_data)
{
	struct kq_slot *s = stream_user_data;

	(void)conn, (void)stream_id, (void)max_data, (void)user_data;
	if (s && s->kind == KQ_SUD_BS) {
		struct kq_bs *bs = (struct kq_bs *)s;

		bs->tx.blocked = false;
		kqbs_txq_add(bs);
		return 0;
	}
	if (s && s->kind == KQ_SUD_SLOT)
		s->blocked = false;
	return 0;
}

/* What both ends register; each adds its side of the handshake. */
#define KQ_CALLBACKS_COMMON                                                     \
	.recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb,                  \
	.handshake_completed = handshake_completed_cb,                          \
	.encrypt = ngtcp2_crypto_encrypt_cb,                                    \
	.decrypt = decrypt_cb,                                                  \
	.hp_mask = ngtcp2_crypto_hp_mask_cb,                                    \
	.recv_stream_data = recv_stream_data_cb,                                \
	.acked_stream_data_offset = acked_cb,                                   \
	.stream_open = stream_open_cb,                                          \
	.stream_close = stream_close_cb,                                        \
	.stream_reset = stream_reset_cb,                                        \
	.stream_stop_sending = stream_stop_sending_cb,                          \
	.rand = rand_cb,                                                        \
	.get_new_connection_id = new_cid_cb,                                    \
	.remove_connection_id = remove_cid_cb,                                  \
	.update_key = update_key_cb,                                            \
	.extend_max_stream_data = extend_max_stream_data_cb,                    \
	.delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb,      \
	.delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb,  \
	.get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb,    \
	.version_negotiation = ngtcp2_crypto_version_negotiation_cb

const ngtcp2_callbacks kq_callbacks_client = {
	KQ_CALLBACKS_COMMON,
	.client_initial = ngtcp2_crypto_client_initial_cb,
	.handshake_confirmed = handshake_confirmed_cb,
	.recv_retry = ngtcp2_crypto_recv_retry_cb,
};

const ngtcp2_callbacks kq_callbacks_server = {
	KQ_CALLBACKS_COMMON,
	.recv_client_initial = ngtcp2_crypto_recv_client_initial_cb,
};
