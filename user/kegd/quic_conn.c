// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * quic_conn.c - keg over QUIC: the ngtcp2 glue of one site connection
 * (see quic_conn.h): links, packet kegs, receive and the API. With
 * quic_tx.c (what it sends), quic_callbacks.c (what ngtcp2 calls back
 * for) and quic_bytestream.c (byte streams), the only files of kegd that
 * call ngtcp2.
 *
 * One event loop shape, as ngtcp2's examples drive a connection:
 * datagrams -> ngtcp2_conn_read_pkt; ngtcp2_conn_writev_stream until it
 * writes nothing (congestion window, pacing); then
 * ngtcp2_conn_update_pkt_tx_time and one timer at ngtcp2_conn_get_expiry,
 * whose expiry runs ngtcp2_conn_handle_expiry. Reliability, loss recovery,
 * congestion control, pacing, AEAD, key update and PMTUD are the library's.
 */
#define _GNU_SOURCE     /* recvmmsg, struct mmsghdr */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "quic_internal.h"


uint64_t kq_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int kq_cc_parse(const char *name)
{
	static const char *const names[] = { "bbr", "bbr2", "cubic", "reno" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -EINVAL;
}

const char *kq_cc_name(enum kq_cc cc)
{
	static const char *const names[] = { "bbr", "bbr2", "cubic", "reno" };

	return (unsigned)cc < 4 ? names[cc] : "?";
}

static ngtcp2_cc_algo cc_algo(enum kq_cc cc)
{
	switch (cc) {
	case KQ_CC_BBR2:  return NGTCP2_CC_ALGO_BBR2;
	case KQ_CC_CUBIC: return NGTCP2_CC_ALGO_CUBIC;
	case KQ_CC_RENO:  return NGTCP2_CC_ALGO_RENO;
	default:          return NGTCP2_CC_ALGO_BBR;
	}
}

int kq_udp_socket(const struct sockaddr *local, socklen_t len)
{
	int fd, one = 1, buf = 8 << 20, df;

	fd = socket(local->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* DF on every datagram: PMTUD is the library's, never IP fragmentation. */
	if (local->sa_family == AF_INET6) {
		df = IPV6_PMTUDISC_PROBE;
		setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &df, sizeof(df));
	} else {
		df = IP_PMTUDISC_PROBE;
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &df, sizeof(df));
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Best effort: the FORCE variants need CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (bind(fd, local, len) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The user hears of every change of state, once. */
void kq_set_state(struct kq_conn *c, enum kq_state st)
{
	if (c->state == st)
		return;
	c->state = st;
	if (c->ops.state)
		c->ops.state(c->ctx, st);
}

/* ---- slots ---------------------------------------------------------------- */

static int slot_ready(struct kq_conn *c, struct kq_slot *s)
{
	int err;

	if (s->kbuf)
		return 0;
	s->kbuf = malloc(keg_buf_size(c->cfg.segsize));
	if (!s->kbuf)
		return -ENOMEM;
	err = keg_packer_init(&s->pk, s->kbuf, c->cfg.segsize, c->cfg.deadline_ns);
	if (!err)
		err = keg_sbuf_init(&s->sb, c->cfg.slot_buf);
	if (err) {
		free(s->kbuf);
		s->kbuf = NULL;
	}
	return err;
}

/* The connection is gone: what was queued for it is dropped. */
void kq_slots_reset(struct kq_conn *c)
{
	for (uint32_t i = 0; i < c->cfg.nslots; i++) {
		struct kq_slot *s = &c->slots[i];

		s->kind = KQ_SUD_SLOT;
		s->stream_id = -1;
		s->fin_pending = s->fin_sent = s->blocked = false;
		if (!s->kbuf)
			continue;
		keg_packer_finish(&s->pk);
		s->sb.acked = s->sb.sent = s->sb.end = 0;
	}
}

/* Move the slot's keg into its stream buffer. -ENOBUFS when it does not fit
 * or the slot's stream is being retired. */
static int slot_flush(struct kq_conn *c, struct kq_slot *s)
{
	const uint8_t *k;
	size_t n;

	if (keg_packer_empty(&s->pk))
		return 0;
	if (s->fin_pending || keg_sbuf_room(&s->sb) < KEG_HDR_LEN + s->pk.used)
		return -ENOBUFS;
	n = keg_packer_finish(&s->pk);
	k = keg_z_keg(&c->z, &s->zb, s->kbuf, &n);     /* compressed if worth it */
	keg_sbuf_write(&s->sb, k, n);
	c->st.kegs_tx++;
	if (c->cfg.stream_bytes && s->sb.end >= c->cfg.stream_bytes)
		s->fin_pending = true;
	return 0;
}


/* ---- links: one ngtcp2_conn each ------------------------------------------ */

/* qlog's JSON-SEQ records, as the library writes them (for qvis). */
static void qlog_write_cb(void *user_data, uint32_t flags, const void *data, size_t len)
{
	struct kq_link *l = user_data;

	if (!l->qlog)
		return;
	fwrite(data, 1, len, l->qlog);
	if (flags & NGTCP2_QLOG_WRITE_FLAG_FIN)
		fflush(l->qlog);
}

/* DIR/<original DCID in hex>.<client|server>.sqlog; no trace if it cannot
 * be created (the connection matters more than its trace). */
static void qlog_open(struct kq_conn *c, struct kq_link *l, const ngtcp2_cid *odcid,
		      ngtcp2_settings *s)
{
	char path[4096], hex[2 * NGTCP2_MAX_CIDLEN + 1];

	if (!c->cfg.qlog_dir)
		return;
	for (size_t i = 0; i < odcid->datalen; i++)
		snprintf(hex + 2 * i, 3, "%02x", odcid->data[i]);
	hex[2 * odcid->datalen] = 0;
	snprintf(path, sizeof(path), "%s/%s.%s.sqlog", c->cfg.qlog_dir, hex,
		 c->cfg.server ? "server" : "client");
	l->qlog = fopen(path, "we");
	if (!l->qlog)
		return;
	s->qlog.odcid = *odcid;
	s->qlog.write = qlog_write_cb;
}

static void settings_for(const struct kq_conn *c, ngtcp2_settings *s,
			 ngtcp2_transport_params *p, uint64_t now)
{
	ngtcp2_settings_default(s);
	s->initial_ts = now;
	s->cc_algo = cc_algo(c->cfg.cc);
	s->initial_rtt = c->cfg.initial_rtt_ns;
	s->max_window = c->cfg.max_window;
	s->max_stream_window = c->cfg.max_window;
	s->handshake_timeout = 10 * c->cfg.idle_timeout_ns;
	ngtcp2_transport_params_default(p);
	/* Bidirectional streams, one way used: in ngtcp2 0.12 a peer's
	 * unidirectional stream never closes (so its limit could never be
	 * replenished); a bidirectional one closes once the receiver answers
	 * the sender's FIN with its own. */
	p->initial_max_streams_bidi = c->cfg.max_streams;
	p->initial_max_streams_uni = 0;
	p->initial_max_stream_data_bidi_remote = c->cfg.window;
	/* Byte streams we open carry the server's bytes back. */
	p->initial_max_stream_data_bidi_local = c->cfg.window;
	p->initial_max_data = c->cfg.window;
	p->max_idle_timeout = c->cfg.idle_timeout_ns;
	p->max_udp_payload_size = KQ_MAX_UDP_RX;
	p->disable_active_migration = 1;
}

static struct kq_link *link_alloc(struct kq_conn *c, const struct sockaddr *remote,
				  socklen_t len)
{
	struct kq_link *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->c = c;
	memcpy(&l->remote, remote, len);
	l->remote_len = len;
	if (keg_tls_init(&l->tls, c->cfg.id, c->cfg.server, c->cfg.peer_key, c->cfg.wire,
			 kq_get_conn, l)) {
		free(l);
		return NULL;
	}
	return l;
}

void kq_link_free(struct kq_conn *c, struct kq_link *l)
{
	struct kq_rxs *rs, *n;

	if (!l)
		return;
	if (l->conn) {
		for (uint32_t i = 0; l == c->cur && i < c->cfg.nslots; i++)
			if (c->slots[i].stream_id >= 0)
				l->lost_closed += ngtcp2_conn_get_stream_loss_count(
					l->conn, c->slots[i].stream_id);
		ngtcp2_conn_del(l->conn);
	}
	c->lost_closed += l->lost_closed;
	c->key_updates_closed += l->key_gens > 1 ? l->key_gens - 1 : 0;
	for (rs = l->rxs; rs; rs = n) {
		n = rs->next;
		keg_rx_free(&rs->rx);
		free(rs);
	}
	keg_tls_deinit(&l->tls);
	if (l->qlog)
		fclose(l->qlog);
	if (c->cur == l)
		c->cur = NULL;
	if (c->pend == l)
		c->pend = NULL;
	free(l);
}

static ngtcp2_path link_path(struct kq_conn *c, struct kq_link *l)
{
	ngtcp2_path path = {
		.local = { (struct sockaddr *)&c->local, c->local_len },
		.remote = { (struct sockaddr *)&l->remote, l->remote_len },
	};
	return path;
}

static int client_connect(struct kq_conn *c, uint64_t now)
{
	ngtcp2_cid dcid, scid;
	ngtcp2_settings s;
	ngtcp2_transport_params p;
	struct kq_link *l;
	ngtcp2_path path;

	l = link_alloc(c, (struct sockaddr *)&c->peer, c->peer_len);
	if (!l)
		return -ENOMEM;
	dcid.datalen = NGTCP2_MIN_INITIAL_DCIDLEN;
	scid.datalen = KQ_SCID_LEN;
	if (gnutls_rnd(GNUTLS_RND_RANDOM, dcid.data, dcid.datalen) < 0 ||
	    gnutls_rnd(GNUTLS_RND_RANDOM, scid.data, scid.datalen) < 0) {
		kq_link_free(c, l);
		return -EIO;
	}
	settings_for(c, &s, &p, now);
	qlog_open(c, l, &dcid, &s);
	path = link_path(c, l);
	if (ngtcp2_conn_client_new(&l->conn, &dcid, &scid, &path, NGTCP2_PROTO_VER_V1,
				   &kq_callbacks_client, &s, &p, NULL, l)) {
		kq_link_free(c, l);
		return -ENOMEM;
	}
	kq_add_scid(l, &scid);
	ngtcp2_conn_set_tls_native_handle(l->conn, l->tls.session);
	ngtcp2_conn_set_keep_alive_timeout(l->conn, c->cfg.keepalive_ns);
	c->cur = l;
	kq_set_state(c, KQ_CONNECTING);
	return 0;
}

/* Server: a client's first Initial; runs beside the connection in use. */
/* An Initial without a token: a Retry (stateless, one datagram) whose token
 * only the address that sent the Initial receives. A handshake flood from
 * forged addresses then costs a Retry each, never a connection or TLS. */
static void send_retry(struct kq_conn *c, const ngtcp2_pkt_hd *hd,
		       const struct sockaddr *from, socklen_t fromlen, uint64_t now)
{
	uint8_t token[NGTCP2_CRYPTO_MAX_RETRY_TOKENLEN], buf[KQ_TX_PKT];
	ngtcp2_ssize tl, n;
	ngtcp2_cid scid;

	scid.datalen = KQ_SCID_LEN;
	if (gnutls_rnd(GNUTLS_RND_NONCE, scid.data, scid.datalen) < 0)
		return;
	tl = ngtcp2_crypto_generate_retry_token(token, c->retry_secret, sizeof(c->retry_secret),
						hd->version, from, fromlen, &scid, &hd->dcid, now);
	if (tl < 0)
		return;
	n = ngtcp2_crypto_write_retry(buf, KQ_TX_PKT, hd->version, &hd->scid, &scid, &hd->dcid,
				      token, (size_t)tl);
	if (n < 0)
		return;
	if (sendto(c->fd, buf, (size_t)n, MSG_DONTWAIT, from, fromlen) < 0) {
		c->st.udp_tx_errors++;
		return;
	}
	c->st.udp_tx_pkts++;
	c->st.udp_tx_bytes += (uint64_t)n;
	c->st.retries++;
}

static int server_accept(struct kq_conn *c, const ngtcp2_pkt_hd *hd, const ngtcp2_cid *odcid,
			 const struct sockaddr *from, socklen_t fromlen, uint64_t now)
{
	ngtcp2_settings s;
	ngtcp2_transport_params p;
	ngtcp2_cid scid;
	struct kq_link *l;
	ngtcp2_path path;

	if (c->pend)
		kq_link_free(c, c->pend);
	l = link_alloc(c, from, fromlen);
	if (!l)
		return -ENOMEM;
	scid.datalen = KQ_SCID_LEN;
	if (gnutls_rnd(GNUTLS_RND_RANDOM, scid.data, scid.datalen) < 0) {
		kq_link_free(c, l);
		return -EIO;
	}
	settings_for(c, &s, &p, now);
	qlog_open(c, l, &hd->dcid, &s);
	/* After a Retry: the client's first DCID, and ours from the Retry. */
	p.original_dcid = *odcid;
	p.retry_scid = hd->dcid;
	p.retry_scid_present = 1;
	path = link_path(c, l);
	if (ngtcp2_conn_server_new(&l->conn, &hd->scid, &scid, &path, hd->version,
				   &kq_callbacks_server, &s, &p, NULL, l)) {
		kq_link_free(c, l);
		return -ENOMEM;
	}
	kq_add_scid(l, &scid);
	kq_add_scid(l, &hd->dcid);      /* the client's first packets are sent to it */
	ngtcp2_conn_set_tls_native_handle(l->conn, l->tls.session);
	ngtcp2_conn_set_keep_alive_timeout(l->conn, c->cfg.keepalive_ns);
	c->pend = l;
	if (!c->cur)
		kq_set_state(c, KQ_CONNECTING);
	return 0;
}

/* ---- receive -------------------------------------------------------------- */

static bool link_owns(const struct kq_link *l, const uint8_t *dcid, size_t len)
{
	for (size_t i = 0; l && i < l->nscids; i++)
		if (l->scids[i].datalen == len && !memcmp(l->scids[i].data, dcid, len))
			return true;
	return false;
}

static void on_datagram(struct kq_conn *c, const uint8_t *buf, size_t len,
			const struct sockaddr *from, socklen_t fromlen, uint64_t now)
{
	ngtcp2_version_cid vc;
	ngtcp2_pkt_info pi = { 0 };
	struct kq_link *l = NULL;
	ngtcp2_path path;
	ngtcp2_pkt_hd hd;
	int rv;

	if (ngtcp2_pkt_decode_version_cid(&vc, buf, len, KQ_SCID_LEN)) {
		c->st.drop_garbage++;
		return;
	}
	if (link_owns(c->cur, vc.dcid, vc.dcidlen))
		l = c->cur;
	else if (link_owns(c->pend, vc.dcid, vc.dcidlen))
		l = c->pend;
	if (!l) {
		ngtcp2_cid odcid;

		if (!c->cfg.server || c->closed || ngtcp2_accept(&hd, buf, len)) {
			c->st.drop_garbage++;
			return;
		}
		if (hd.type == NGTCP2_PKT_INITIAL && !hd.token.len) {
			send_retry(c, &hd, from, fromlen, now);
			return;
		}
		if (hd.type != NGTCP2_PKT_INITIAL || !hd.token.len ||
		    hd.token.base[0] != NGTCP2_CRYPTO_TOKEN_MAGIC_RETRY ||
		    ngtcp2_crypto_verify_retry_token(&odcid, hd.token.base, hd.token.len,
						     c->retry_secret, sizeof(c->retry_secret),
						     hd.version, from, fromlen, &hd.dcid,
						     KQ_RETRY_TOKEN_NS, now)) {
			c->st.bad_token++;
			return;
		}
		if (server_accept(c, &hd, &odcid, from, fromlen, now)) {
			c->st.drop_garbage++;
			return;
		}
		l = c->pend;
	}
	path = link_path(c, l);
	path.remote.addr = (struct sockaddr *)from;
	path.remote.addrlen = fromlen;
	rv = kq_read_pkt(c, l, &path, &pi, buf, len, now);
	if (!rv)
		return;
	if (rv == NGTCP2_ERR_CRYPTO || l->tls.refused) {
		if (l->tls.refused)
			c->st.refused_key++;
		if (c->ops.refused)
			c->ops.refused(c->ctx, from, (int)l->tls.refused);
	}
	kq_link_close(c, l, rv, now);
}

void kq_conn_input(struct kq_conn *c, const uint8_t *buf, size_t len,
		   const struct sockaddr *from, socklen_t fromlen, uint64_t now)
{
	c->st.udp_rx_pkts++;
	c->st.udp_rx_bytes += len;
	on_datagram(c, buf, len, from, fromlen, now);
}

int kq_rxbatch_recv(struct kq_rxbatch *rb, int fd)
{
	int n;

	for (int i = 0; i < KQ_RX_BATCH; i++) {
		rb->v[i].iov_base = rb->b[i];
		rb->v[i].iov_len = KQ_RX_PKT;
		memset(&rb->m[i], 0, sizeof(rb->m[i]));
		rb->m[i].msg_hdr.msg_name = &rb->a[i];
		rb->m[i].msg_hdr.msg_namelen = sizeof(rb->a[i]);
		rb->m[i].msg_hdr.msg_iov = &rb->v[i];
		rb->m[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(fd, rb->m, KQ_RX_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	return n;
}

int kq_conn_read(struct kq_conn *c, uint64_t now)
{
	struct kq_rxbatch *rb = &c->rx;

	for (int round = 0; round < 16; round++) {
		int n = kq_rxbatch_recv(rb, c->fd);

		if (n < 0)
			return n;
		for (int i = 0; i < n; i++) {
			struct msghdr *h = &rb->m[i].msg_hdr;

			if (h->msg_flags & MSG_TRUNC) {
				c->st.udp_rx_pkts++;
				c->st.drop_garbage++;
				continue;
			}
			kq_conn_input(c, rb->b[i], rb->m[i].msg_len, (struct sockaddr *)&rb->a[i],
				      h->msg_namelen, now);
		}
		if (n < KQ_RX_BATCH)
			break;
	}
	return kq_conn_write(c, now);
}

/* ---- the API -------------------------------------------------------------- */

static void defaults(struct kq_config *cfg)
{
	if (!cfg->initial_rtt_ns)
		cfg->initial_rtt_ns = 100 * KQ_MS;
	if (!cfg->idle_timeout_ns)
		cfg->idle_timeout_ns = 2500 * KQ_MS;
	if (!cfg->keepalive_ns)
		cfg->keepalive_ns = cfg->idle_timeout_ns / 3;
	if (!cfg->key_update_ns)
		cfg->key_update_ns = 600000 * KQ_MS;
	if (!cfg->segsize)
		cfg->segsize = KEG_SEGSIZE_DEFAULT;
	if (!cfg->nslots)
		cfg->nslots = 64;
	if (!cfg->max_flows)
		cfg->max_flows = 65536;
	if (!cfg->slot_buf)
		cfg->slot_buf = 8 << 20;
	if (!cfg->conn_buf)
		cfg->conn_buf = 48 << 20;
	if (!cfg->max_streams)
		cfg->max_streams = 256 + 8192;   /* the pool and HyperIP's 8192 connections */
	if (!cfg->window)
		cfg->window = 16 << 20;
	if (!cfg->max_window)
		cfg->max_window = 64 << 20;
	if (!cfg->z.level)
		cfg->z.level = KEG_COMPRESS_LEVEL_DEFAULT;
	if (!cfg->z.gain_pct)
		cfg->z.gain_pct = KEG_COMPRESS_GAIN_DEFAULT;
}

static uint64_t burst_for(uint64_t rate)
{
	/* 2 ms at the cap, at least 64 KiB: the pacer smooths below that. */
	uint64_t b = rate / 500;

	return b < KQ_BURST_MIN ? KQ_BURST_MIN : b;
}

int kq_conn_new(struct kq_conn **out, const struct kq_config *cfg, int fd,
		const struct sockaddr *peer, socklen_t peerlen,
		const struct kq_ops *ops, void *ctx, uint64_t now)
{
	struct kq_conn *c;
	int err;

	if (!cfg->id || !cfg->id->cred || (!cfg->server && (!peer || !peerlen)) ||
	    peerlen > sizeof(struct sockaddr_storage))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cfg = *cfg;
	defaults(&c->cfg);
	if (c->cfg.segsize < KEG_SEGSIZE_MIN || c->cfg.segsize > KEG_SEGSIZE_MAX ||
	    c->cfg.slot_buf < keg_buf_size(c->cfg.segsize) ||
	    keg_z_init(&c->z, &c->cfg.z, c->cfg.segsize, KEG_SEGSIZE_MAX)) {
		free(c);
		return -EINVAL;
	}
	c->ops = *ops;
	c->ctx = ctx;
	c->fd = fd;
	c->local_len = sizeof(c->local);
	if (getsockname(fd, (struct sockaddr *)&c->local, &c->local_len) < 0) {
		err = -errno;
		free(c);
		return err;
	}
	if (peer) {
		memcpy(&c->peer, peer, peerlen);
		c->peer_len = peerlen;
	}
	c->backoff = KQ_BACKOFF_MIN;
	c->slots = calloc(c->cfg.nslots, sizeof(*c->slots));
	err = c->slots ? keg_flowmap_init(&c->fm, c->cfg.nslots, c->cfg.max_flows,
					  30000 * KQ_MS) : -ENOMEM;
	if (!err)
		err = keg_rbucket_init(&c->rb, c->cfg.max_rate, burst_for(c->cfg.max_rate), now);
	if (!err && gnutls_rnd(GNUTLS_RND_KEY, c->retry_secret, sizeof(c->retry_secret)) < 0)
		err = -EIO;
	if (err) {
		kq_conn_free(c);
		return err;
	}
	kq_slots_reset(c);
	if (!c->cfg.server) {
		err = client_connect(c, now);
		if (err) {
			kq_conn_free(c);
			return err;
		}
		kq_conn_write(c, now);     /* the Initial goes out now */
	}
	*out = c;
	return 0;
}

void kq_conn_free(struct kq_conn *c)
{
	if (!c)
		return;
	kq_link_free(c, c->pend);
	kq_link_free(c, c->cur);
	for (uint32_t i = 0; c->slots && i < c->cfg.nslots; i++) {
		free(c->slots[i].kbuf);
		keg_sbuf_free(&c->slots[i].sb);
	}
	free(c->slots);
	while (c->bss)
		kqbs_free(c->bss);
	keg_flowmap_free(&c->fm);
	keg_z_free(&c->z);
	free(c->bs_keg);
	free(c);
}

int kq_conn_send(struct kq_conn *c, uint32_t flow_id, const void *pkt, size_t len,
		 uint64_t now)
{
	struct kq_slot *s;
	int rc;

	if (!c->cur || !c->cur->up)
		return -ENOTCONN;
	/* The connection's bound, over all slots (each slot has its own). */
	if (c->buffered + len > c->cfg.conn_buf) {
		c->st.backpressure++;
		return -ENOBUFS;
	}
	s = &c->slots[keg_flowmap_get(&c->fm, flow_id, now)];
	rc = slot_ready(c, s);
	if (rc)
		return rc;
	rc = keg_packer_add(&s->pk, flow_id, pkt, len, now);
	if (rc == -ENOBUFS) {
		if (slot_flush(c, s)) {
			c->st.backpressure++;
			return -ENOBUFS;
		}
		rc = keg_packer_add(&s->pk, flow_id, pkt, len, now);
	}
	if (rc < 0)
		return rc;
	c->st.pkts_tx++;
	c->buffered += len;
	if (rc == 1)
		slot_flush(c, s);       /* if it cannot go yet, the next add says so */
	return 0;
}

/* What all slots hold: queued, and sent but not acknowledged. */
static uint64_t buffered_count(const struct kq_conn *c)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < c->cfg.nslots; i++)
		if (c->slots[i].kbuf)
			n += c->slots[i].sb.end - c->slots[i].sb.acked + c->slots[i].pk.used;
	for (const struct kq_bs *bs = c->bss; bs; bs = bs->next)
		n += bs->tx.sb.end - bs->tx.sb.acked + keg_tsrx_held(&bs->rx);
	return n;
}

uint32_t kq_conn_flows(const struct kq_conn *c)
{
	return c->fm.nflows;
}

bool kq_conn_flow_known(const struct kq_conn *c, uint32_t flow_id)
{
	return keg_flowmap_has(&c->fm, flow_id);
}

int kq_conn_write(struct kq_conn *c, uint64_t now)
{
	kqbs_dispatch(c);
	/* Recounted here, after acknowledgements freed room; kq_conn_send
	 * adds to it in between. */
	c->buffered = buffered_count(c);
	struct kq_link *links[2] = { c->pend, c->cur };

	for (int i = 0; i < 2; i++) {
		struct kq_link *l = links[i];
		int rv;

		if (!l || (l != c->pend && l != c->cur))
			continue;
		rv = kq_link_write(c, l, now);
		if (rv)
			kq_link_close(c, l, rv, now);
	}
	return 0;
}

int kq_conn_timer(struct kq_conn *c, uint64_t now)
{
	struct kq_link *links[2] = { c->pend, c->cur };

	for (int i = 0; i < 2; i++) {
		struct kq_link *l = links[i];
		int rv;

		if (!l || (l != c->pend && l != c->cur) || ngtcp2_conn_get_expiry(l->conn) > now)
			continue;
		rv = ngtcp2_conn_handle_expiry(l->conn, now);
		if (rv)
			kq_link_close(c, l, rv, now);
	}
	if (!c->cfg.server && !c->closed && !c->cur && now >= c->reconnect_at &&
	    client_connect(c, now))
		c->reconnect_at = now + c->backoff;     /* out of memory: later */
	if (c->cur && c->cur->up) {
		for (uint32_t i = 0; i < c->cfg.nslots; i++) {
			struct kq_slot *s = &c->slots[i];

			if (s->kbuf && keg_packer_due(&s->pk, now) && slot_flush(c, s))
				c->st.backpressure++;   /* stays packed; retried */
		}
		kqbs_due(c, now);
		/* Timed key updates are started by the client alone: two ends
		 * starting theirs on their own clocks cross, and an idle
		 * connection then lost its keep-alives to decryption failures
		 * until it timed out (seen with updates every second). The
		 * server follows the client's updates; the library starts its
		 * own at the AEAD limits either way. */
		if (c->cfg.server)
			;
		else if (c->cur->last_key_update == 0)
			c->cur->last_key_update = now;
		else if (now - c->cur->last_key_update >= c->cfg.key_update_ns &&
			 kq_conn_key_update(c, now) == -EAGAIN &&
			 c->cfg.key_update_ns > KQ_KEY_RETRY)
			/* The previous update is not confirmed yet: try again
			 * in KQ_KEY_RETRY, not at every wake-up until then. */
			c->cur->last_key_update = now - c->cfg.key_update_ns + KQ_KEY_RETRY;
	}
	return kq_conn_write(c, now);
}

uint64_t kq_conn_next(const struct kq_conn *c)
{
	uint64_t t = UINT64_MAX;
	bool unsent = false;

	if (c->pend)
		t = ngtcp2_conn_get_expiry(c->pend->conn);
	if (c->cur) {
		uint64_t e = ngtcp2_conn_get_expiry(c->cur->conn);

		t = e < t ? e : t;
	} else if (!c->cfg.server && !c->closed) {
		t = c->reconnect_at < t ? c->reconnect_at : t;
	}
	if (!c->cur || !c->cur->up)
		return t;
	for (uint32_t i = 0; i < c->cfg.nslots; i++) {
		const struct kq_slot *s = &c->slots[i];

		if (!s->kbuf)
			continue;
		if (keg_packer_deadline(&s->pk) < t)
			t = keg_packer_deadline(&s->pk);
		unsent |= keg_sbuf_unsent(&s->sb) > 0 && !s->fin_sent;
	}
	unsent |= c->txq != NULL;
	for (const struct kq_bs *bs = c->bs_waiting ? c->bss : NULL; bs; bs = bs->next)
		if (bs->tx_due && bs->tx_due < t)
			t = bs->tx_due;
	if (unsent && c->cfg.max_rate) {
		/* Wake when the bucket holds a full packet again. */
		struct keg_rbucket rb = c->rb;
		uint64_t w = keg_rbucket_wait(&rb, KQ_TX_PKT, kq_now());

		if (w && kq_now() + w < t)
			t = kq_now() + w;
	}
	if (!c->cfg.server && c->cur->last_key_update &&
	    c->cur->last_key_update + c->cfg.key_update_ns < t)
		t = c->cur->last_key_update + c->cfg.key_update_ns;
	return t;
}

int kq_conn_key_update(struct kq_conn *c, uint64_t now)
{
	int rv;

	if (!c->cur || !c->cur->up)
		return -ENOTCONN;
	rv = ngtcp2_conn_initiate_key_update(c->cur->conn, now);
	if (rv == NGTCP2_ERR_INVALID_STATE)
		return -EAGAIN;
	if (rv)
		return -EIO;
	c->cur->last_key_update = now;
	return 0;
}

int kq_conn_set_rate(struct kq_conn *c, uint64_t max_rate, uint64_t now)
{
	int err = keg_rbucket_set(&c->rb, max_rate, burst_for(max_rate), now);

	if (!err)
		c->cfg.max_rate = max_rate;
	return err;
}

int kq_conn_set_compress(struct kq_conn *c, const struct keg_z_conf *z)
{
	int err = keg_z_set_conf(&c->z, z);

	if (!err)
		c->cfg.z = *z;
	return err;
}

const char *kq_strerror(int liberr)
{
	return liberr ? ngtcp2_strerror(liberr) : "none";
}

uint64_t kq_conn_buffered(const struct kq_conn *c)
{
	return c->buffered;
}

enum kq_state kq_conn_state(const struct kq_conn *c)
{
	return c->state;
}

void kq_conn_stats(struct kq_conn *c, struct kq_stats *st)
{
	*st = c->st;
	st->z = c->z.st;
	st->state = c->state;
	st->flows_shared = c->fm.shared;
	st->flows = c->fm.nflows;
	st->lost_pkts = c->lost_closed;
	st->key_updates = c->key_updates_closed;
	if (c->cur && c->cur->conn) {
		struct kq_link *l = c->cur;
		ngtcp2_conn_stat cs;

		ngtcp2_conn_get_conn_stat(l->conn, &cs);
		st->srtt_ns = cs.smoothed_rtt;
		st->min_rtt_ns = cs.min_rtt == UINT64_MAX ? 0 : cs.min_rtt;
		st->latest_rtt_ns = cs.latest_rtt;
		st->rttvar_ns = cs.rttvar;
		st->cwnd = cs.cwnd;
		st->ssthresh = cs.ssthresh;
		st->bytes_in_flight = cs.bytes_in_flight;
		/* pacing_rate is bytes per ns in 0.12. */
		st->pacing_rate = (uint64_t)(cs.pacing_rate * 1e9);
		st->delivery_rate = cs.delivery_rate_sec;
		st->max_udp_payload = cs.max_tx_udp_payload_size;
		st->lost_pkts += l->lost_closed;
		for (uint32_t i = 0; i < c->cfg.nslots; i++)
			if (c->slots[i].stream_id >= 0)
				st->lost_pkts += ngtcp2_conn_get_stream_loss_count(
					l->conn, c->slots[i].stream_id);
		/* Byte streams' losses too while they run (a closed one's are
		 * in lost_closed). */
		for (const struct kq_bs *bs = c->bss; bs; bs = bs->next)
			if (bs->tx.stream_id >= 0 && !bs->orphan)
				st->lost_pkts += ngtcp2_conn_get_stream_loss_count(
					l->conn, bs->tx.stream_id);
		st->key_updates += l->key_gens > 1 ? l->key_gens - 1 : 0;
	}
	st->retx_bytes_est = st->lost_pkts * (st->max_udp_payload ? st->max_udp_payload
								  : KQ_TX_PKT);
}

void kq_conn_close(struct kq_conn *c, uint64_t now)
{
	c->closed = true;
	if (c->pend)
		kq_link_close(c, c->pend, NGTCP2_ERR_CALLBACK_FAILURE, now);
	if (c->cur) {
		ngtcp2_connection_close_error ccerr;
		ngtcp2_path_storage ps;
		ngtcp2_pkt_info pi;
		ngtcp2_ssize n;

		ngtcp2_connection_close_error_default(&ccerr);
		ngtcp2_path_storage_zero(&ps);
		n = ngtcp2_conn_write_connection_close(c->cur->conn, &ps.path, &pi, kq_tx_slot(c),
						       KQ_TX_PKT, &ccerr, now);
		if (n > 0) {
			kq_tx_queue(c, c->cur, (size_t)n);
			kq_tx_flush(c);
		}
		kq_link_free(c, c->cur);
	}
	kq_slots_reset(c);
	kqbs_kill_all(c);
	kqbs_dispatch(c);
	kq_set_state(c, KQ_DOWN);
}
