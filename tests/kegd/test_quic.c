// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_quic.c - keg over real QUIC (user/kegd/quic_conn.c, ngtcp2 +
 * GnuTLS) between two endpoints in this process over 127.0.0.1 UDP.
 *
 * A relay between them (two more UDP sockets) forwards every datagram and
 * can drop, corrupt, replay or add datagrams, so loss recovery, AEAD
 * failures and forged input happen on the real path. Checks:
 *  - 24 MB over 300 flows, many streams (streams are retired every 256 KiB
 *    and the peer allows only 16 at once: limits must be replenished),
 *    byte-exact and in order per flow, with 1% loss, a key update
 *    mid-transfer, corrupted, replayed and garbage datagrams injected;
 *  - a server with an unexpected key is refused by the client, a client
 *    with an unexpected key by the server: never up, counted;
 *  - a dead peer is detected within 3 s (idle timeout + keep-alive);
 *  - keg/3 byte streams: 128 at once through a connection window far
 *    smaller than their compressed kegs in flight all complete byte-exact
 *    (a compressed keg is taken whole by the receiver: without the
 *    sender's credit reservation the window deadlocks on partial kegs).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "quic_conn.h"
#include "tcpstream.h"

#define MS 1000000ULL

static char dir[64];
static char key_a[128], key_b[128], key_x[128];
static char pub_a[KEG_PUBKEY_B64], pub_b[KEG_PUBKEY_B64], pub_x[KEG_PUBKEY_B64];

static void setup(void)
{
	strcpy(dir, "/tmp/kegd_quic_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(key_a, sizeof(key_a), "%s/a.key", dir);
	snprintf(key_b, sizeof(key_b), "%s/b.key", dir);
	snprintf(key_x, sizeof(key_x), "%s/x.key", dir);
	cr_assert_eq(keg_key_generate(key_a, pub_a), 0);
	cr_assert_eq(keg_key_generate(key_b, pub_b), 0);
	cr_assert_eq(keg_key_generate(key_x, pub_x), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(quic, .init = setup, .fini = teardown, .timeout = 120);

/* ---- the relay: client <-> [A relay B] <-> server ------------------------ */

struct relay {
	int a, b;                        /* client side, server side */
	struct sockaddr_in client, server;
	bool have_client;
	unsigned loss_pct;               /* random drops each way */
	unsigned corrupt_every;          /* flip a byte in a copy of every Nth */
	unsigned replay_every;           /* send every Nth twice */
	uint64_t n, dropped, corrupted, replayed;
	uint32_t seed;
};

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int udp_bind(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd;

	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa->sin_port = 0;
	fd = kq_udp_socket((struct sockaddr *)sa, sizeof(*sa));
	cr_assert_geq(fd, 0, "socket: %s", strerror(-fd));
	cr_assert_eq(getsockname(fd, (struct sockaddr *)sa, &len), 0);
	return fd;
}

static void relay_pass(struct relay *r, int from_fd)
{
	uint8_t buf[2048];
	struct sockaddr_in src;

	for (;;) {
		socklen_t sl = sizeof(src);
		ssize_t n = recvfrom(from_fd, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&src, &sl);
		int out = from_fd == r->a ? r->b : r->a;
		struct sockaddr_in *to;

		if (n < 0)
			return;
		if (from_fd == r->a) {
			r->client = src;
			r->have_client = true;
			to = &r->server;
		} else {
			if (!r->have_client)
				continue;
			to = &r->client;
		}
		r->n++;
		if (r->loss_pct && rnd(&r->seed) % 100 < r->loss_pct) {
			r->dropped++;
			continue;
		}
		if (r->corrupt_every && r->n % r->corrupt_every == 0 && n > 40) {
			uint8_t bad[2048];

			memcpy(bad, buf, (size_t)n);
			bad[n - 1 - rnd(&r->seed) % 16] ^= 0x5a;   /* inside the AEAD tag/payload */
			sendto(out, bad, (size_t)n, 0, (struct sockaddr *)to, sizeof(*to));
			r->corrupted++;
		}
		sendto(out, buf, (size_t)n, 0, (struct sockaddr *)to, sizeof(*to));
		if (r->replay_every && r->n % r->replay_every == 0) {
			sendto(out, buf, (size_t)n, 0, (struct sockaddr *)to, sizeof(*to));
			r->replayed++;
		}
	}
}

/* ---- endpoints ----------------------------------------------------------- */

struct flowcheck {
	uint32_t next[512];
	uint64_t bytes, pkts;
	int bad;
};

/* One byte stream's end in a test (user pointer of its events). */
#define BS_N     128
#define BS_BYTES (96 << 10)

struct bsend {
	struct kq_bs *bs;
	uint32_t idx;
	bool rx;                 /* the receiving (server) end */
	uint64_t put, got;
	bool shut, eof, reset, bad;
};

struct end {
	int fd;
	struct kq_conn *c;
	struct keg_tls_id id;
	struct flowcheck fc;
	int refused_events;
	struct bsend bse[BS_N];
};

/* Packet n of flow f: its size and bytes are a function of (f, n). */
static size_t pkt_size(uint32_t f, uint32_t n)
{
	return 20 + (f * 7 + n * 13) % 1381;
}

static void pkt_fill(uint8_t *p, size_t len, uint32_t f, uint32_t n)
{
	memcpy(p, &f, 4);
	memcpy(p + 4, &n, 4);
	for (size_t i = 8; i < len; i++)
		p[i] = (uint8_t)(f * 29 + n * 7 + i);
}

static void on_packet(void *ctx, uint32_t flow, const uint8_t *pkt, size_t len)
{
	struct end *e = ctx;
	struct flowcheck *fc = &e->fc;
	uint8_t want[1500];
	uint32_t f, n;

	memcpy(&f, pkt, 4);
	memcpy(&n, pkt + 4, 4);
	if (f != flow || f >= 512 || n != fc->next[f] || len != pkt_size(f, n)) {
		fc->bad++;
		return;
	}
	pkt_fill(want, len, f, n);
	if (memcmp(want, pkt, len))
		fc->bad++;
	fc->next[f]++;
	fc->bytes += len;
	fc->pkts++;
}

static void on_refused(void *ctx, const struct sockaddr *from, int reason)
{
	struct end *e = ctx;

	(void)from, (void)reason;
	e->refused_events++;
}

/* Byte i of byte stream s: words in an order that varies every 16 bytes
 * (it compresses, but not to nothing). */
static uint8_t bs_byte(uint32_t s, uint64_t i)
{
	static const char w[] = "keg stream window credit reserve compressed deadlock ";
	uint32_t h = (uint32_t)(i / 16) * 2654435761u ^ s * 40503u;

	return (uint8_t)w[(h % 37 + i % 16) % (sizeof(w) - 1)];
}

static void *on_bs_open(void *ctx, struct kq_bs *bs, const struct keg_tcp_ends *ends)
{
	struct end *e = ctx;
	uint32_t i = ntohs(((const struct sockaddr_in *)&ends->client)->sin_port) - 1000u;

	if (i >= BS_N || e->bse[i].bs)
		return NULL;
	e->bse[i] = (struct bsend){ .bs = bs, .idx = i, .rx = true };
	return &e->bse[i];
}

static void bs_fill(struct bsend *b)
{
	uint8_t buf[64 << 10];

	while (b->bs && !b->shut) {
		size_t n = kq_bs_room(b->bs);
		ssize_t w;

		if (n > BS_BYTES - b->put)
			n = BS_BYTES - b->put;
		if (n > sizeof(buf))
			n = sizeof(buf);
		if (!n && b->put < BS_BYTES)
			return;
		for (size_t k = 0; k < n; k++)
			buf[k] = bs_byte(b->idx, b->put + k);
		w = n ? kq_bs_write(b->bs, buf, n) : 0;
		if (w < 0)
			return;
		b->put += (uint64_t)w;
		if (b->put == BS_BYTES) {
			kq_bs_shutdown(b->bs);
			b->shut = true;
		}
	}
}

static void on_bs_event(void *ctx, void *user, unsigned int ev)
{
	struct bsend *b = user;
	struct iovec iov[8];
	int nv;

	(void)ctx;
	if (ev & KQ_BS_RESET) {
		b->reset = true;
		kq_bs_release(b->bs, true);
		b->bs = NULL;
		return;
	}
	if (!b->rx)
		bs_fill(b);
	while ((nv = kq_bs_peekv(b->bs, iov, 8)) > 0) {
		size_t n = 0;

		for (int v = 0; v < nv; v++)
			for (size_t k = 0; k < iov[v].iov_len; k++, n++)
				b->bad |= ((uint8_t *)iov[v].iov_base)[k] != bs_byte(b->idx, b->got + n);
		b->got += n;
		kq_bs_consume(b->bs, n);
	}
	if (nv < 0)
		b->bad = true;
	if (!b->eof && kq_bs_eof(b->bs)) {
		/* The receiver answers the FIN; both ends then let go. */
		b->eof = true;
		if (b->rx)
			kq_bs_shutdown(b->bs);
		kq_bs_release(b->bs, false);
		b->bs = NULL;
	}
}

static const struct kq_ops ops = {
	.packet = on_packet, .refused = on_refused,
	.bs_open = on_bs_open, .bs_event = on_bs_event,
};

static void end_init(struct end *e, const char *key, const char *peer_pub, bool server,
		     const struct sockaddr_in *peer, struct kq_config *base)
{
	struct sockaddr_in sa;
	struct kq_config cfg = *base;

	memset(e, 0, sizeof(*e));
	e->fd = udp_bind(&sa);
	cr_assert_eq(keg_tls_id_load(&e->id, key), 0);
	cfg.server = server;
	cfg.id = &e->id;
	cr_assert_eq(keg_pubkey_parse(peer_pub, cfg.peer_key), 0);
	if (!server)
		cr_assert_eq(kq_conn_new(&e->c, &cfg, e->fd, (const struct sockaddr *)peer,
					 sizeof(*peer), &ops, e, kq_now()), 0);
}

static void end_start_server(struct end *e, struct kq_config *base, const char *peer_pub)
{
	struct kq_config cfg = *base;

	cfg.server = true;
	cfg.id = &e->id;
	cr_assert_eq(keg_pubkey_parse(peer_pub, cfg.peer_key), 0);
	cr_assert_eq(kq_conn_new(&e->c, &cfg, e->fd, NULL, 0, &ops, e, kq_now()), 0);
}

static void end_free(struct end *e)
{
	kq_conn_free(e->c);
	keg_tls_id_free(&e->id);
	close(e->fd);
}

static struct sockaddr_in addr_of(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	return sa;
}

/* One turn of the event loop for both ends and the relay. */
static void turn(struct end *cl, struct end *sv, struct relay *r, uint64_t cap_ns)
{
	struct pollfd p[4] = {
		{ .fd = cl->fd, .events = POLLIN }, { .fd = sv->fd, .events = POLLIN },
		{ .fd = r->a, .events = POLLIN },   { .fd = r->b, .events = POLLIN },
	};
	uint64_t now = kq_now(), t = now + cap_ns;
	uint64_t n1 = kq_conn_next(cl->c), n2 = kq_conn_next(sv->c);
	int timeout;

	t = n1 < t ? n1 : t;
	t = n2 < t ? n2 : t;
	timeout = t <= now ? 0 : (int)((t - now + MS - 1) / MS);
	poll(p, 4, timeout);
	if (p[2].revents)
		relay_pass(r, r->a);
	if (p[3].revents)
		relay_pass(r, r->b);
	now = kq_now();
	if (p[0].revents)
		kq_conn_read(cl->c, now);
	if (p[1].revents)
		kq_conn_read(sv->c, now);
	if (kq_conn_next(cl->c) <= now)
		kq_conn_timer(cl->c, now);
	if (kq_conn_next(sv->c) <= now)
		kq_conn_timer(sv->c, now);
}

static bool run_until_up(struct end *cl, struct end *sv, struct relay *r, uint64_t limit)
{
	uint64_t end = kq_now() + limit;

	while (kq_now() < end) {
		if (kq_conn_state(cl->c) == KQ_UP && kq_conn_state(sv->c) == KQ_UP)
			return true;
		turn(cl, sv, r, 10 * MS);
	}
	return false;
}

static void relay_init(struct relay *r, const struct end *sv)
{
	memset(r, 0, sizeof(*r));
	r->a = udp_bind(&(struct sockaddr_in){ 0 });
	r->b = udp_bind(&(struct sockaddr_in){ 0 });
	r->server = addr_of(sv->fd);
	r->seed = 0x9e3779b9;
}

static void relay_free(struct relay *r)
{
	close(r->a);
	close(r->b);
}

/* ---- tests --------------------------------------------------------------- */

Test(quic, transfer_24mb_many_streams_loss_key_update_forgery)
{
	enum { FLOWS = 300 };
	const uint64_t total = 24ULL << 20;
	struct kq_config base = {
		.cc = KQ_CC_BBR, .initial_rtt_ns = 10 * MS, .deadline_ns = MS,
		.nslots = 32, .stream_bytes = 256 << 10, .max_streams = 16,
		.slot_buf = 1 << 20,
	};
	struct end cl, sv;
	struct relay r;
	struct sockaddr_in relay_a;
	uint32_t sent_n[FLOWS] = { 0 };
	uint64_t sent = 0, t0, deadline;
	bool key_updated = false;
	struct kq_stats cs, ss;
	uint8_t pkt[1500];
	int garbage_fd;

	/* Server B first (its address is the relay's target). */
	end_init(&sv, key_b, pub_a, true, NULL, &base);
	end_start_server(&sv, &base, pub_a);
	relay_init(&r, &sv);
	relay_a = addr_of(r.a);
	end_init(&cl, key_a, pub_b, false, &relay_a, &base);
	cr_assert(run_until_up(&cl, &sv, &r, 5000 * MS), "handshake");

	r.loss_pct = 1;
	r.corrupt_every = 997;
	r.replay_every = 1009;
	garbage_fd = socket(AF_INET, SOCK_DGRAM, 0);
	t0 = kq_now();
	deadline = t0 + 60000 * MS;
	while (sv.fc.bytes < total && kq_now() < deadline) {
		uint64_t now = kq_now();
		int blocked = 0;

		/* Fill until backpressure, round robin over the flows. */
		for (int k = 0; sent < total && k < 4096 && blocked < 8; k++) {
			uint32_t f = (uint32_t)((sent_n[0] + k) % FLOWS);
			size_t len = pkt_size(f, sent_n[f]);
			int rc;

			pkt_fill(pkt, len, f, sent_n[f]);
			rc = kq_conn_send(cl.c, f, pkt, len, now);
			if (rc == -ENOBUFS) {
				blocked++;
				continue;
			}
			cr_assert_eq(rc, 0, "send: %s", strerror(-rc));
			sent_n[f]++;
			sent += len;
		}
		kq_conn_write(cl.c, now);
		/* Halfway: a key update, and forged datagrams at both ends. */
		if (!key_updated && sv.fc.bytes > total / 2) {
			int rc = kq_conn_key_update(cl.c, now);

			cr_assert(rc == 0 || rc == -EAGAIN);
			if (rc == 0) {
				key_updated = true;
				for (int g = 0; g < 100; g++) {
					uint32_t junk[64];
					struct sockaddr_in to = addr_of(g & 1 ? sv.fd : cl.fd);

					for (int i = 0; i < 64; i++)
						junk[i] = rnd(&r.seed);
					sendto(garbage_fd, junk, 20 + g * 2, 0,
					       (struct sockaddr *)&to, sizeof(to));
				}
			}
		}
		turn(&cl, &sv, &r, 2 * MS);
	}
	double secs = (double)(kq_now() - t0) / 1e9;

	/* Let the last kegs drain. */
	for (uint64_t end = kq_now() + 5000 * MS; sv.fc.bytes < sent && kq_now() < end;)
		turn(&cl, &sv, &r, 2 * MS);
	kq_conn_stats(cl.c, &cs);
	kq_conn_stats(sv.c, &ss);
	cr_log_info("24 MB in %.2f s (%.0f mbit/s); client: srtt %lu us cwnd %lu lost %lu "
		    "sent %lu pkts; relay dropped %lu corrupted %lu replayed %lu; server: "
		    "aead %lu garbage %lu key_updates %lu; client key_updates %lu garbage %lu",
		    secs, total * 8 / secs / 1e6, cs.srtt_ns / 1000, cs.cwnd, cs.lost_pkts,
		    cs.udp_tx_pkts, r.dropped, r.corrupted, r.replayed, ss.drop_aead,
		    ss.drop_garbage, ss.key_updates, cs.key_updates, cs.drop_garbage);
	fprintf(stderr, "quic transfer: 24 MB in %.2f s; client lost %lu pkts, srtt %lu us; "
		"relay dropped %lu corrupted %lu replayed %lu; server drop_aead %lu "
		"drop_garbage %lu; key updates client %lu server %lu\n",
		secs, cs.lost_pkts, cs.srtt_ns / 1000, r.dropped, r.corrupted, r.replayed,
		ss.drop_aead, ss.drop_garbage, cs.key_updates, ss.key_updates);
	cr_expect_eq(sv.fc.bad, 0, "corrupt, duplicated or reordered packets");
	cr_expect_eq(sv.fc.bytes, sent, "delivered %lu of %lu bytes", sv.fc.bytes, sent);
	for (uint32_t f = 0; f < FLOWS; f++)
		cr_expect_eq(sv.fc.next[f], sent_n[f], "flow %u", f);
	cr_expect(key_updated);
	cr_expect_geq(cs.key_updates, 1);
	cr_expect_geq(ss.key_updates, 1);
	cr_expect_geq(r.dropped, 1);
	cr_expect_geq(cs.lost_pkts, 1, "losses seen by the sender");
	/* Corrupted copies fail AEAD at whichever end got them. */
	cr_expect_geq(ss.drop_aead + cs.drop_aead, r.corrupted / 2);
	cr_expect_geq(ss.drop_garbage, 40);
	cr_expect_geq(cs.drop_garbage, 40);
	/* The client's first Initial had no token: the server answered with a
	 * Retry and accepted only the Initial carrying its token. */
	cr_expect_geq(ss.retries, 1);
	cr_expect_eq(cs.state, KQ_UP);
	cr_expect_eq(ss.state, KQ_UP);
	cr_expect_eq(cs.conn_lost + ss.conn_lost, 0);
	/* More streams were used than the peer allows at once. */
	cr_expect_gt(cs.kegs_tx, 0);
	cr_expect_gt(cs.stream_tx_bytes, 16ULL * (256 << 10));
	close(garbage_fd);
	end_free(&cl);
	end_free(&sv);
	relay_free(&r);
}

static void refused_case(const char *client_key, const char *client_pin_of_server,
			 const char *server_pin_of_client, bool server_refuses)
{
	struct kq_config base = { .cc = KQ_CC_BBR, .initial_rtt_ns = 10 * MS };
	struct end cl, sv;
	struct relay r;
	struct sockaddr_in ra;
	struct kq_stats cs, ss;

	end_init(&sv, key_b, server_pin_of_client, true, NULL, &base);
	end_start_server(&sv, &base, server_pin_of_client);
	relay_init(&r, &sv);
	ra = addr_of(r.a);
	end_init(&cl, client_key, client_pin_of_server, false, &ra, &base);
	/* The client retries with backoff; none of its attempts gets through. */
	cr_expect_not(run_until_up(&cl, &sv, &r, 1500 * MS));
	kq_conn_stats(cl.c, &cs);
	kq_conn_stats(sv.c, &ss);
	cr_expect_neq(cs.state, KQ_UP);
	cr_expect_neq(ss.state, KQ_UP);
	cr_expect_eq(cs.handshakes + ss.handshakes, 0);
	if (server_refuses) {
		cr_expect_geq(ss.refused_key, 2, "server refused %lu", ss.refused_key);
		cr_expect_geq(sv.refused_events, 2);
		cr_expect_eq(cs.refused_key, 0);
	} else {
		cr_expect_geq(cs.refused_key, 2, "client refused %lu", cs.refused_key);
		cr_expect_geq(cl.refused_events, 2);
	}
	cr_expect_geq(cs.handshake_failures, 2);
	cr_expect_eq(kq_conn_send(cl.c, 1, "x", 1, kq_now()), -ENOTCONN);
	end_free(&cl);
	end_free(&sv);
	relay_free(&r);
}

/* The client expects key X at the server, which has B: the client refuses. */
Test(quic, client_refuses_wrong_server_key)
{
	refused_case(key_a, pub_x, pub_a, false);
}

/* The client has key X, the server expects A: the server refuses. */
Test(quic, server_refuses_wrong_client_key)
{
	refused_case(key_x, pub_b, pub_a, true);
}

/* The relay goes silent (peer dead): both ends are down within 3 s; when
 * it forwards again the client reconnects and traffic flows. */
Test(quic, dead_peer_detected_and_reconnect)
{
	struct kq_config base = { .cc = KQ_CC_CUBIC, .initial_rtt_ns = 10 * MS, .qlog_dir = dir };
	struct end cl, sv;
	struct relay r;
	struct sockaddr_in ra;
	uint64_t t0, down_at = 0;

	end_init(&sv, key_b, pub_a, true, NULL, &base);
	end_start_server(&sv, &base, pub_a);
	relay_init(&r, &sv);
	ra = addr_of(r.a);
	end_init(&cl, key_a, pub_b, false, &ra, &base);
	cr_assert(run_until_up(&cl, &sv, &r, 5000 * MS));
	r.loss_pct = 100;
	t0 = kq_now();
	while (kq_now() < t0 + 4000 * MS) {
		turn(&cl, &sv, &r, 10 * MS);
		if (!down_at && kq_conn_state(cl.c) != KQ_UP && kq_conn_state(sv.c) != KQ_UP)
			down_at = kq_now();
		if (down_at)
			break;
	}
	cr_assert(down_at, "not down after 4 s");
	fprintf(stderr, "dead peer: both ends down after %.2f s\n", (double)(down_at - t0) / 1e9);
	cr_expect_leq(down_at - t0, 3000 * MS);
	r.loss_pct = 0;
	cr_expect(run_until_up(&cl, &sv, &r, 8000 * MS), "reconnect");
	/* A packet goes through the new connection. */
	uint8_t one[64];

	pkt_fill(one, pkt_size(3, 0), 3, 0);
	cr_assert_eq(kq_conn_send(cl.c, 3, one, pkt_size(3, 0), kq_now()), 0);
	for (int i = 0; i < 200 && sv.fc.pkts == 0; i++)
		turn(&cl, &sv, &r, 5 * MS);
	cr_expect_eq(sv.fc.pkts, 1);
	struct kq_stats cs;

	kq_conn_stats(cl.c, &cs);
	cr_expect_eq(cs.conn_lost, 1);
	end_free(&cl);
	end_free(&sv);
	relay_free(&r);
	/* qlog: a trace per connection and side (two connections here). */
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "test $(find %s -name '*.client.sqlog' -size +1k | wc -l) -ge 2 && "
		 "test $(find %s -name '*.server.sqlog' -size +1k | wc -l) -ge 2 && "
		 "grep -q '\"qlog_version\"' %s/*.client.sqlog", dir, dir, dir);
	cr_expect_eq(system(cmd), 0, "qlog traces missing in %s", dir);
}

/* The newest against the newest, and against a peer offering keg/2 or
 * keg/1 only on either side: the connection comes up either way and
 * carries the same packets; compressed packet kegs go out on keg/2 and
 * keg/3 only (headers/keg_wire.h). */
static void wire_case(uint8_t client_wire, uint8_t server_wire, unsigned int want)
{
	struct kq_config base = { .cc = KQ_CC_BBR, .initial_rtt_ns = 10 * MS, .deadline_ns = MS };
	struct kq_config cb = base, sb = base;
	struct end cl, sv;
	struct relay r;
	struct sockaddr_in ra;
	struct kq_stats cs, ss;
	uint8_t pkt[1500];
	uint32_t n = 0;
	uint64_t end;

	cb.wire = client_wire;
	sb.wire = server_wire;
	end_init(&sv, key_b, pub_a, true, NULL, &sb);
	end_start_server(&sv, &sb, pub_a);
	relay_init(&r, &sv);
	ra = addr_of(r.a);
	end_init(&cl, key_a, pub_b, false, &ra, &cb);
	cr_assert(run_until_up(&cl, &sv, &r, 5000 * MS), "handshake %u/%u", client_wire,
		  server_wire);
	/* 2 MB of one flow (its bytes compress: a ramp). */
	for (end = kq_now() + 20000 * MS; sv.fc.bytes < (2 << 20) && kq_now() < end;) {
		for (int k = 0; k < 256; k++) {
			size_t len = pkt_size(7, n);

			pkt_fill(pkt, len, 7, n);
			if (kq_conn_send(cl.c, 7, pkt, len, kq_now()))
				break;
			n++;
		}
		kq_conn_write(cl.c, kq_now());
		turn(&cl, &sv, &r, 2 * MS);
	}
	for (end = kq_now() + 3000 * MS; sv.fc.next[7] < n && kq_now() < end;)
		turn(&cl, &sv, &r, 2 * MS);
	kq_conn_stats(cl.c, &cs);
	kq_conn_stats(sv.c, &ss);
	cr_expect_eq(sv.fc.bad, 0);
	cr_expect_eq(sv.fc.next[7], n, "%u of %u packets", sv.fc.next[7], n);
	cr_expect_eq(cs.z.wire, want, "client on keg/%u, %u wanted", cs.z.wire, want);
	cr_expect_eq(ss.z.wire, want);
	if (want >= 2) {
		cr_expect_gt(cs.z.kegs_z, 0);
		cr_expect_eq(ss.z.rx_kegs_z, cs.z.kegs_z);
		cr_expect_lt(cs.z.bytes_out * 2, cs.z.bytes_in, "%lu -> %lu", cs.z.bytes_in,
			     cs.z.bytes_out);
	} else {
		cr_expect_eq(cs.z.kegs_z, 0);
		cr_expect_eq(ss.z.rx_kegs_z, 0);
		cr_expect_eq(cs.z.bytes_out, cs.z.bytes_in);
	}
	cr_expect_eq(ss.z.drop_unz, 0);
	end_free(&cl);
	end_free(&sv);
	relay_free(&r);
}

Test(quic, wire_keg3_compresses)
{
	wire_case(0, 0, 3);
}

Test(quic, wire_server_keg2_only)
{
	wire_case(0, 2, 2);
}

Test(quic, wire_client_keg1_only)
{
	wire_case(1, 0, 1);
}

Test(quic, wire_server_keg1_only)
{
	wire_case(0, 1, 1);
}

Test(quic, byte_streams_compressed_small_window_no_deadlock)
{
	struct kq_config base = {
		.cc = KQ_CC_BBR, .initial_rtt_ns = 10 * MS, .deadline_ns = MS,
		/* The connection window: 64 KiB, autotuned to 512 KiB at most
		 * (the least a byte stream's receive buffer may be). */
		.window = 64 << 10, .max_window = 512 << 10,
	};
	struct end cl, sv;
	struct relay r;
	struct sockaddr_in ra, c4, s4;
	struct kq_stats cs, ss;
	uint32_t done = 0, bad = 0, reset = 0, short_rx = 0;
	uint64_t end;

	end_init(&sv, key_b, pub_a, true, NULL, &base);
	end_start_server(&sv, &base, pub_a);
	relay_init(&r, &sv);
	ra = addr_of(r.a);
	end_init(&cl, key_a, pub_b, false, &ra, &base);
	cr_assert(run_until_up(&cl, &sv, &r, 5000 * MS), "handshake");
	r.loss_pct = 1;

	memset(&c4, 0, sizeof(c4));
	c4.sin_family = AF_INET;
	inet_pton(AF_INET, "10.1.2.5", &c4.sin_addr);
	s4 = c4;
	inet_pton(AF_INET, "10.2.0.9", &s4.sin_addr);
	s4.sin_port = htons(80);
	for (uint32_t i = 0; i < BS_N; i++) {
		struct bsend *b = &cl.bse[i];

		c4.sin_port = htons((uint16_t)(1000 + i));
		*b = (struct bsend){ .idx = i };
		cr_assert_eq(kq_bs_open(cl.c, (void *)&c4, (void *)&s4, IPPROTO_TCP, 0, b, &b->bs), 0);
		bs_fill(b);
	}
	for (end = kq_now() + 30000 * MS; kq_now() < end;) {
		done = 0;
		for (uint32_t i = 0; i < BS_N; i++)
			done += cl.bse[i].eof || cl.bse[i].reset;
		if (done == BS_N)
			break;
		kq_conn_write(cl.c, kq_now());
		kq_conn_write(sv.c, kq_now());
		turn(&cl, &sv, &r, 2 * MS);
	}
	for (uint32_t i = 0; i < BS_N; i++) {
		bad += sv.bse[i].bad || cl.bse[i].bad;
		reset += sv.bse[i].reset || cl.bse[i].reset;
		short_rx += sv.bse[i].got != BS_BYTES || !sv.bse[i].eof;
	}
	kq_conn_stats(cl.c, &cs);
	kq_conn_stats(sv.c, &ss);
	cr_log_info("byte streams: %u of %u done, %lu kegs compressed (%lu -> %lu bytes), "
		    "relay dropped %lu", done, BS_N, (unsigned long)cs.z.kegs_z,
		    (unsigned long)cs.z.bytes_in, (unsigned long)cs.z.bytes_out,
		    (unsigned long)r.dropped);
	cr_expect_eq(done, BS_N, "%u of %u byte streams ended (a deadlock stalls the rest)",
		     done, BS_N);
	cr_expect_eq(short_rx, 0, "%u streams short at the receiver", short_rx);
	cr_expect_eq(bad, 0);
	cr_expect_eq(reset, 0);
	cr_expect_eq(cs.z.wire, 3);
	cr_expect_gt(cs.z.kegs_z, BS_N, "kegs went out compressed");
	cr_expect_eq(ss.z.rx_kegs_z, cs.z.kegs_z);
	cr_expect_eq(ss.z.drop_unz, 0);
	end_free(&cl);
	end_free(&sv);
	relay_free(&r);
}
