// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsk_reflect - the minimal AF_XDP forwarder kegd is measured against:
 * the same steering (keg_xdp, intercept rule, pinned XSKMAP), one copy-mode
 * socket per receive queue, every frame sent back out of the socket it came
 * in on with its MACs swapped. No routing, no TTL, no second socket.
 *
 *   xsk_reflect --iface IFACE [--seconds S]
 *
 * Prints "reflect IFACE pkts N pps R" at the end (S seconds, default 5,
 * counted from the first frame).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <xdp/xsk.h>

#include "keg_intercept.h"
#include "keg_maps.h"
#include "pins.h"

#define NUM_FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define BATCH 64

struct rq {
	void *area;
	struct xsk_umem *umem;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	struct xsk_socket *xsk;
	pthread_t th;
	volatile unsigned long long pkts;
};

static volatile int stop;

static void *loop(void *arg)
{
	struct rq *q = arg;
	int fd = xsk_socket__fd(q->xsk);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (!stop) {
		uint32_t ir, it, ic, i, n, c;

		/* Completed TX frames go back to the fill ring. */
		c = xsk_ring_cons__peek(&q->comp, BATCH, &ic);
		if (c && xsk_ring_prod__reserve(&q->fill, c, &it) == c) {
			for (i = 0; i < c; i++)
				*xsk_ring_prod__fill_addr(&q->fill, it + i) =
					*xsk_ring_cons__comp_addr(&q->comp, ic + i);
			xsk_ring_prod__submit(&q->fill, c);
			xsk_ring_cons__release(&q->comp, c);
		}
		n = xsk_ring_cons__peek(&q->rx, BATCH, &ir);
		if (!n) {
			if (xsk_ring_prod__needs_wakeup(&q->fill))
				recvfrom(fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
			poll(&pfd, 1, 10);
			continue;
		}
		while (xsk_ring_prod__reserve(&q->tx, n, &it) != n) {
			sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
			if (stop)
				return NULL;
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, ir + i);
			struct xdp_desc *t = xsk_ring_prod__tx_desc(&q->tx, it + i);
			uint8_t *p = xsk_umem__get_data(q->area, d->addr), mac[6];

			memcpy(mac, p, 6);
			memcpy(p, p + 6, 6);
			memcpy(p + 6, mac, 6);
			t->addr = d->addr;
			t->len = d->len;
			t->options = 0;
		}
		xsk_ring_prod__submit(&q->tx, n);
		xsk_ring_cons__release(&q->rx, n);
		sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		q->pkts += n;
	}
	return NULL;
}

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "seconds", required_argument, NULL, 's' },
		{ 0 },
	};
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP,
	};
	struct xsk_umem_config ucfg = {
		.fill_size = NUM_FRAMES, .comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.frame_size = FRAME_SIZE,
	};
	const char *iface = NULL;
	struct rq q[2] = { 0 };
	unsigned int nq = 0, i;
	double secs = 5, t0 = 0, t1, start = 0;
	unsigned long long total = 0;
	char path[512];
	int c, xsks;

	while ((c = getopt_long(argc, argv, "i:s:", opts, NULL)) != -1) {
		if (c == 'i')
			iface = optarg;
		else if (c == 's')
			secs = atof(optarg);
		else
			return 2;
	}
	if (!iface || keg_pin_path(iface, KEG_STR(KEG_MAP_XSKS), path, sizeof(path)))
		return 2;
	xsks = bpf_obj_get(path);
	if (xsks < 0) {
		fprintf(stderr, "xsk_reflect: %s: %s\n", path, strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	for (i = 0; i < 2; i++) {
		uint32_t idx = 0, k;

		q[i].area = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q[i].area == MAP_FAILED ||
		    xsk_umem__create(&q[i].umem, q[i].area, (uint64_t)NUM_FRAMES * FRAME_SIZE,
				     &q[i].fill, &q[i].comp, &ucfg))
			return 1;
		if (xsk_socket__create(&q[i].xsk, iface, i, q[i].umem, &q[i].rx, &q[i].tx, &cfg)) {
			if (i == 0) {
				fprintf(stderr, "xsk_reflect: socket on %s queue 0 failed\n", iface);
				return 1;
			}
			break;	/* one queue only */
		}
		xsk_ring_prod__reserve(&q[i].fill, NUM_FRAMES, &idx);
		for (k = 0; k < NUM_FRAMES; k++)
			*xsk_ring_prod__fill_addr(&q[i].fill, idx + k) = (uint64_t)k * FRAME_SIZE;
		xsk_ring_prod__submit(&q[i].fill, NUM_FRAMES);
		xsk_socket__update_xskmap(q[i].xsk, xsks);
		pthread_create(&q[i].th, NULL, loop, &q[i]);
		nq++;
	}
	fprintf(stderr, "xsk_reflect: %s: %u queue%s, running\n", iface, nq, nq == 1 ? "" : "s");
	while (!stop) {
		struct timespec ts;
		unsigned long long sum = 0;

		usleep(10000);
		for (i = 0; i < nq; i++)
			sum += q[i].pkts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		t1 = ts.tv_sec + ts.tv_nsec / 1e9;
		if (!t0 && sum) {
			t0 = t1;
			total = sum;
		}
		if (t0 && t1 - t0 >= secs)
			break;
		if (!start)
			start = t1;
		if (!t0 && t1 - start > secs + 5)
			break;	/* nothing arrived */
	}
	stop = 1;
	for (i = 0; i < nq; i++) {
		bpf_map_delete_elem(xsks, &i);
		pthread_join(q[i].th, NULL);
	}
	{
		unsigned long long sum = 0;

		for (i = 0; i < nq; i++)
			sum += q[i].pkts;
		printf("reflect %s queues %u pkts %llu pps %.0f\n", iface, nq, sum - total,
		       t0 ? (sum - total) / secs : 0.0);
	}
	for (i = 0; i < nq; i++) {
		xsk_socket__delete(q[i].xsk);
		xsk_umem__delete(q[i].umem);
	}
	return 0;
}
