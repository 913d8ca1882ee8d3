// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kegpipe - measure keg's QUIC transport (user/kegd/quic_conn.c) between
 * two hosts: the client sends numbered packets of several flows through one
 * connection for --time seconds, the server checks them (order per flow,
 * content) and prints the goodput of the packet bytes it received.
 *
 *   kegpipe server --local 10.77.0.2:3919 --key b.key --peer-pub PUB [--cc bbr]
 *   kegpipe client --local 10.77.0.1:0 --peer 10.77.0.2:3919 --key a.key \
 *                  --peer-pub PUB [--cc bbr] [--time 20] [--flows 4] [--rate MBIT]
 *   kegpipe keygen FILE        (prints the public key)
 *
 * The server prints one line: cc, seconds, payload bytes, mbit/s, packets,
 * bad packets, and the connection's counters.
 */
#define _GNU_SOURCE     /* ppoll */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "quic_conn.h"

#define PKT 1400
#define MAXF 256

struct pipe {
	uint32_t next[MAXF];
	uint64_t bytes, pkts, bad;
	uint64_t first, last;
};

static void fill(uint8_t *p, uint32_t f, uint32_t n)
{
	memcpy(p, &f, 4);
	memcpy(p + 4, &n, 4);
	for (int i = 8; i < PKT; i++)
		p[i] = (uint8_t)(f + n + i);
}

static void on_packet(void *ctx, uint32_t flow, const uint8_t *pkt, size_t len)
{
	struct pipe *p = ctx;
	uint8_t want[PKT];
	uint32_t f, n;

	p->last = kq_now();
	if (!p->first)
		p->first = p->last;
	if (len != PKT || flow >= MAXF) {
		p->bad++;
		return;
	}
	memcpy(&f, pkt, 4);
	memcpy(&n, pkt + 4, 4);
	fill(want, f, n);
	if (f != flow || n != p->next[f] || memcmp(want, pkt, PKT)) {
		p->bad++;
		return;
	}
	p->next[f]++;
	p->pkts++;
	p->bytes += len;
}

static int parse_addr(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: kegpipe server|client --local A:P [--peer A:P] --key FILE "
		"--peer-pub KEY [--cc bbr|bbr2|cubic|reno] [--time S] [--flows N] "
		"[--rate MBIT] [--rtt MS] [--qlog DIR]\n       kegpipe keygen FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "local", 1, 0, 'l' }, { "peer", 1, 0, 'p' }, { "key", 1, 0, 'k' },
		{ "peer-pub", 1, 0, 'P' }, { "cc", 1, 0, 'c' }, { "time", 1, 0, 't' },
		{ "flows", 1, 0, 'f' }, { "rate", 1, 0, 'r' }, { "rtt", 1, 0, 'R' },
		{ "qlog", 1, 0, 'q' }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
	};
	struct sockaddr_in local = { 0 }, peer = { 0 };
	const char *key = NULL, *pub = NULL;
	struct kq_config cfg = { .cc = KQ_CC_BBR, .deadline_ns = 1000000 };
	struct keg_tls_id id;
	struct pipe pp;
	struct kq_conn *c;
	struct kq_stats st = { .state = KQ_DOWN };
	double secs = 20;
	uint32_t flows = 4, sent[MAXF] = { 0 };
	bool server, have_local = false, have_peer = false;
	int fd, o, err;

	memset(&pp, 0, sizeof(pp));
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "keygen") && argc == 3) {
		char b64[KEG_PUBKEY_B64];

		err = keg_key_generate(argv[2], b64);
		if (err) {
			fprintf(stderr, "kegpipe: %s: %s\n", argv[2], strerror(-err));
			return 1;
		}
		printf("%s\n", b64);
		return 0;
	}
	server = !strcmp(argv[1], "server");
	if (!server && strcmp(argv[1], "client"))
		usage();
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'l': have_local = !parse_addr(optarg, &local); break;
		case 'p': have_peer = !parse_addr(optarg, &peer); break;
		case 'k': key = optarg; break;
		case 'P': pub = optarg; break;
		case 'c':
			err = kq_cc_parse(optarg);
			if (err < 0)
				usage();
			cfg.cc = err;
			break;
		case 't': secs = atof(optarg); break;
		case 'f': flows = (uint32_t)atoi(optarg); break;
		case 'r': cfg.max_rate = (uint64_t)(atof(optarg) * 1e6 / 8); break;
		case 'R': cfg.initial_rtt_ns = (uint64_t)(atof(optarg) * 1e6); break;
		case 'q': cfg.qlog_dir = optarg; break;
		default: usage();
		}
	}
	if (!have_local || !key || !pub || (!server && !have_peer) || !flows || flows > MAXF)
		usage();
	err = keg_tls_id_load(&id, key);
	if (!err)
		err = keg_pubkey_parse(pub, cfg.peer_key);
	if (err) {
		fprintf(stderr, "kegpipe: key: %s\n", strerror(-err));
		return 1;
	}
	fd = kq_udp_socket((struct sockaddr *)&local, sizeof(local));
	if (fd < 0) {
		fprintf(stderr, "kegpipe: socket: %s\n", strerror(-fd));
		return 1;
	}
	cfg.server = server;
	cfg.id = &id;
	const struct kq_ops ops = { .packet = on_packet };

	err = kq_conn_new(&c, &cfg, fd, server ? NULL : (struct sockaddr *)&peer,
			  server ? 0 : sizeof(peer), &ops, &pp, kq_now());
	if (err) {
		fprintf(stderr, "kegpipe: connection: %s\n", strerror(-err));
		return 1;
	}
	uint64_t start = 0, stop = 0, give_up = kq_now() + (uint64_t)((secs + 60) * 1e9);
	bool was_up = false;
	uint64_t snap = 0;
	uint8_t pkt[PKT];

	for (;;) {
		uint64_t now = kq_now(), t = kq_conn_next(c);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		/* ns precision: pacing gaps at 100 mbit/s are ~100 us. */
		uint64_t wait = t <= now ? 0 : (t - now > 10000000 ? 10000000 : t - now);
		struct timespec ts;

		if (now > give_up)
			break;
		if (kq_conn_state(c) == KQ_UP) {
			if (now - snap >= 100000000) {
				kq_conn_stats(c, &st);
				snap = now;
			}
			was_up = true;
			if (!server && !start) {
				start = now;
				stop = now + (uint64_t)(secs * 1e9);
			}
		} else if (was_up) {
			break;          /* server: the client closed; client: lost it */
		}
		if (!server && start) {
			if (now >= stop) {
				kq_conn_stats(c, &st);
				kq_conn_close(c, now);
				break;
			}
			/* Keep a few MB queued: QUIC, not the app, limits the rate. */
			for (int k = 0; k < 2048 && kq_conn_buffered(c) < (16u << 20); k++) {
				uint32_t f = (uint32_t)k % flows;

				fill(pkt, f, sent[f]);
				if (kq_conn_send(c, f, pkt, PKT, now))
					break;
				sent[f]++;
			}
			kq_conn_write(c, now);
			/* Refill the queue at least every 200 us. */
			wait = wait > 200000 ? 200000 : wait;
		}
		ts.tv_sec = (time_t)(wait / 1000000000);
		ts.tv_nsec = (long)(wait % 1000000000);
		ppoll(&p, 1, &ts, NULL);
		now = kq_now();
		if (p.revents)
			kq_conn_read(c, now);
		if (kq_conn_next(c) <= now)
			kq_conn_timer(c, now);
	}
	if (server) {
		double d = pp.last > pp.first ? (double)(pp.last - pp.first) / 1e9 : 0;

		printf("cc=%s secs=%.2f bytes=%lu mbit=%.2f pkts=%lu bad=%lu srtt_ms=%.1f "
		       "min_rtt_ms=%.1f udp_rx=%lu aead_drop=%lu garbage=%lu handshakes=%lu conn_lost=%lu\n",
		       kq_cc_name(cfg.cc), d, pp.bytes, d > 0 ? pp.bytes * 8 / d / 1e6 : 0,
		       pp.pkts, pp.bad, st.srtt_ns / 1e6, st.min_rtt_ns / 1e6, st.udp_rx_pkts,
		       st.drop_aead, st.drop_garbage, st.handshakes, st.conn_lost);
	} else {
		printf("client cc=%s sent_pkts=%lu udp_tx=%lu lost=%lu retx_est=%lu cwnd=%lu "
		       "srtt_ms=%.1f pacing_mbit=%.1f key_updates=%lu conn_lost=%lu\n",
		       kq_cc_name(cfg.cc), st.pkts_tx, st.udp_tx_pkts, st.lost_pkts,
		       st.retx_bytes_est, st.cwnd, st.srtt_ns / 1e6, st.pacing_rate * 8 / 1e6,
		       st.key_updates, st.conn_lost);
	}
	kq_conn_free(c);
	keg_tls_id_free(&id);
	close(fd);
	return 0;
}
