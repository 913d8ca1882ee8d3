// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udpgen.c - numbered UDP datagrams for measuring the WAN emulator.
 *
 *   wan_udpgen send --dst ADDR --port P --count N [--pps R] [--size B] [--run ID]
 *   wan_udpgen recv --port P --count N [--idle MS] [--timeout S] [--run ID]
 *
 * Each datagram carries a run id, a sequence number and its CLOCK_REALTIME
 * send time, taken just before the send; the receiver takes the kernel's
 * receive time stamp (SO_TIMESTAMPNS, same clock, same machine), so its own
 * scheduling delay is not counted. The receiver
 * counts unique, duplicated and late (reordered) datagrams, the loss and its
 * bursts, and the one-way latency, and prints them as key=value on stdout:
 * a test compares those to what the emulator was told to do.
 */
#define _GNU_SOURCE		/* sendmmsg, recvmmsg */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGIC	0x57414e47u	/* "WANG" */
#define BATCH	64
#define NSEC	1000000000ULL
#define MAXSZ	9000

struct hdr {
	uint32_t magic;
	uint32_t run;
	uint64_t seq;
	uint64_t sent_ns;
};

struct args {
	const char *dst;
	const char *port;
	uint64_t count;
	uint64_t pps;
	unsigned int size;
	uint32_t run;
	unsigned int idle_ms;
	unsigned int timeout_s;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

/* The kernel's receive stamp of a message, or 0. */
static uint64_t rx_stamp(struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
		}
	}
	return 0;
}

static void die(const char *what)
{
	fprintf(stderr, "wan_udpgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int do_send(const struct args *a)
{
	static uint8_t buf[BATCH][MAXSZ];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	uint64_t seq = 0, start, retries = 0;
	int fd, err, sndbuf = 4 << 20;

	err = getaddrinfo(a->dst, a->port, &hints, &ai);
	if (err) {
		fprintf(stderr, "wan_udpgen: %s: %s\n", a->dst, gai_strerror(err));
		return 1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen))
		die("connect");
	freeaddrinfo(ai);
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ buf[i], a->size };
		msg[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	start = now_ns();
	while (seq < a->count) {
		uint64_t due = a->count, n;
		int r;

		if (a->pps) {
			uint64_t el = now_ns() - start;

			due = (uint64_t)((double)el * (double)a->pps / 1e9) + 1;
			if (due > a->count)
				due = a->count;
			if (due <= seq) {
				uint64_t next = start + (uint64_t)((double)seq * 1e9 /
								   (double)a->pps);
				struct timespec ts = { (time_t)(next / NSEC),
						       (long)(next % NSEC) };

				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
				continue;
			}
		}
		n = due - seq < BATCH ? due - seq : BATCH;
		for (uint64_t i = 0; i < n; i++) {
			struct hdr h = { MAGIC, a->run, seq + i, 0 };

			memcpy(buf[i], &h, sizeof(h));
		}
		/* Stamp last, just before the send. */
		for (uint64_t i = 0, t = real_ns(); i < n; i++)
			memcpy(buf[i] + offsetof(struct hdr, sent_ns), &t, sizeof(t));
		r = sendmmsg(fd, msg, (unsigned int)n, 0);
		if (r < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR &&
			    errno != ECONNREFUSED)
				die("sendmmsg");
			retries++;
			usleep(100);
			continue;
		}
		seq += (uint64_t)r;
	}
	printf("udpgen send: sent=%llu size=%u seconds=%.3f retries=%llu\n",
	       (unsigned long long)seq, a->size, (double)(now_ns() - start) / 1e9,
	       (unsigned long long)retries);
	close(fd);
	return 0;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int do_recv(const struct args *a)
{
	static uint8_t buf[BATCH][MAXSZ];
	static uint8_t ctl[BATCH][CMSG_SPACE(sizeof(struct timespec))];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_PASSIVE,
				  .ai_family = AF_INET6 }, *ai;
	uint8_t *seen = calloc(a->count / 8 + 1, 1);
	uint64_t *lat = calloc(a->count + 1, sizeof(*lat));
	uint64_t unique = 0, dup = 0, late = 0, other = 0, bytes = 0, maxseq = 0;
	uint64_t first = 0, last = 0, deadline, bursts = 0, lost = 0, run_len = 0;
	uint64_t lat_sum = 0, head = 0;
	bool head_done = false;
	int fd, off = 0, on = 1, rcvbuf = 32 << 20, err;
	bool any = false;

	if (!seen || !lat)
		die("calloc");
	err = getaddrinfo(NULL, a->port, &hints, &ai);
	if (err) {
		fprintf(stderr, "wan_udpgen: port %s: %s\n", a->port, gai_strerror(err));
		return 1;
	}
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)))
		die("SO_TIMESTAMPNS");
	if (bind(fd, ai->ai_addr, ai->ai_addrlen))
		die("bind");
	freeaddrinfo(ai);
	fprintf(stderr, "udpgen recv: listening port=%s\n", a->port);
	deadline = now_ns() + (uint64_t)a->timeout_s * NSEC;
	for (;;) {
		uint64_t now = now_ns(), wait;
		struct timeval tv;
		int r;

		if (now >= deadline)
			break;
		if (any && now - last >= (uint64_t)a->idle_ms * 1000000ULL)
			break;
		wait = deadline - now;
		if (any && (uint64_t)a->idle_ms * 1000000ULL - (now - last) < wait)
			wait = (uint64_t)a->idle_ms * 1000000ULL - (now - last);
		if (wait < 1000)
			wait = 1000;
		tv.tv_sec = (time_t)(wait / NSEC);
		tv.tv_usec = (suseconds_t)((wait % NSEC) / 1000);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ buf[i], MAXSZ };
			msg[i] = (struct mmsghdr){ .msg_hdr = {
				.msg_iov = &iov[i], .msg_iovlen = 1,
				.msg_control = ctl[i], .msg_controllen = sizeof(ctl[i]) } };
		}
		r = recvmmsg(fd, msg, BATCH, MSG_WAITFORONE, NULL);
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("recvmmsg");
		}
		now = now_ns();
		for (int i = 0; i < r; i++) {
			uint64_t at = rx_stamp(&msg[i].msg_hdr);
			struct hdr h;

			if (msg[i].msg_len < sizeof(h)) {
				other++;
				continue;
			}
			memcpy(&h, buf[i], sizeof(h));
			if (h.magic != MAGIC || h.run != a->run || h.seq >= a->count) {
				other++;
				continue;
			}
			if (!any)
				first = now;
			any = true;
			last = now;
			bytes += msg[i].msg_len;
			if (seen[h.seq / 8] & (1u << (h.seq % 8))) {
				dup++;
				continue;
			}
			seen[h.seq / 8] |= (uint8_t)(1u << (h.seq % 8));
			if (!at)
				at = real_ns();
			lat[unique] = at > h.sent_ns ? at - h.sent_ns : 0;
			lat_sum += lat[unique];
			unique++;
			if (h.seq < maxseq)
				late++;
			else
				maxseq = h.seq;
		}
	}
	/* Loss bursts: runs of missing sequence numbers. */
	for (uint64_t s = 0; s < a->count; s++) {
		if (seen[s / 8] & (1u << (s % 8))) {
			if (!head_done)
				head = s;
			head_done = true;
			run_len = 0;
			continue;
		}
		lost++;
		if (!run_len++)
			bursts++;
	}
	qsort(lat, unique, sizeof(*lat), cmp_u64);
#define PCT(p) (unique ? (double)lat[(uint64_t)((double)(unique - 1) * (p))] / 1e3 : 0.0)
	printf("udpgen recv: expected=%llu unique=%llu dup=%llu reordered=%llu "
	       "lost=%llu loss_pct=%.4f dup_pct=%.4f reorder_pct=%.4f bursts=%llu "
	       "burst_mean=%.3f lost_head=%llu other=%llu lat_min_us=%.1f lat_avg_us=%.1f "
	       "lat_p50_us=%.1f lat_p90_us=%.1f lat_p99_us=%.1f lat_max_us=%.1f seconds=%.3f "
	       "mbit=%.3f\n",
	       (unsigned long long)a->count, (unsigned long long)unique,
	       (unsigned long long)dup, (unsigned long long)late,
	       (unsigned long long)lost,
	       a->count ? 100.0 * (double)lost / (double)a->count : 0.0,
	       unique ? 100.0 * (double)dup / (double)unique : 0.0,
	       unique ? 100.0 * (double)late / (double)unique : 0.0,
	       (unsigned long long)bursts,
	       bursts ? (double)lost / (double)bursts : 0.0,
	       (unsigned long long)(head_done ? head : a->count),
	       (unsigned long long)other, PCT(0.0),
	       unique ? (double)lat_sum / (double)unique / 1e3 : 0.0,
	       PCT(0.5), PCT(0.9), PCT(0.99), PCT(1.0),
	       (double)(last - first) / 1e9,
	       last > first ? (double)bytes * 8 / ((double)(last - first) / 1e9) / 1e6 : 0.0);
	free(seen);
	free(lat);
	close(fd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: wan_udpgen send --dst ADDR --port P --count N [--pps R] "
		"[--size BYTES] [--run ID]\n"
		"       wan_udpgen recv --port P --count N [--idle MS] "
		"[--timeout S] [--run ID]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "pps", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 's' },
		{ "run", required_argument, NULL, 'i' },
		{ "idle", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ 0 },
	};
	struct args a = { .port = "9000", .size = 1000, .idle_ms = 1000,
			  .timeout_s = 60 };
	char *end;
	int c;

	if (argc < 2)
		usage();
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		unsigned long long v = 0;

		if (c != 'd' && c != 'p') {
			if (c == '?')
				usage();
			v = strtoull(optarg, &end, 10);
			if (*end || !*optarg)
				usage();
		}
		switch (c) {
		case 'd': a.dst = optarg; break;
		case 'p': a.port = optarg; break;
		case 'c': a.count = v; break;
		case 'r': a.pps = v; break;
		case 's': a.size = (unsigned int)v; break;
		case 'i': a.run = (uint32_t)v; break;
		case 'l': a.idle_ms = (unsigned int)v; break;
		case 't': a.timeout_s = (unsigned int)v; break;
		default: usage();
		}
	}
	if (!a.count || a.size < sizeof(struct hdr) || a.size > MAXSZ)
		usage();
	if (!strcmp(argv[1], "send") && a.dst)
		return do_send(&a);
	if (!strcmp(argv[1], "recv"))
		return do_recv(&a);
	usage();
	return 2;
}
