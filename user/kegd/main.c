// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kegd - keg's controller daemon, first version: receives what keg_xdp's
 * intercept rules steer into AF_XDP and forwards it itself.
 *
 *   kegd --iface IFACE [--iface IFACE2 ...] [-v]
 *
 * Per --iface (which must be attached with `kegctl attach`): one AF_XDP
 * socket per receive queue (libxdp xsk API, XSK_LIBBPF_FLAGS__INHIBIT_PROG_LOAD:
 * keg_xdp is the program), registered in the interface's pinned XSKMAP
 * /sys/fs/bpf/keg/IFACE/keg_xsks, and one thread polling it.
 *
 * Forwarding: keg_xdp put the kernel FIB's answer (bpf_fib_lookup: egress
 * ifindex, source and destination MAC) in front of the frame as metadata
 * (struct keg_xsk_meta). kegd rewrites the MACs, decrements the TTL (IPv4,
 * checksum updated incrementally) or hop limit (IPv6) and transmits through
 * an AF_XDP socket on the egress interface: the intercept socket of that
 * interface and queue when it has one, else a TX socket opened on demand.
 * Each thread caches its egress sockets by ifindex, and a run of frames for
 * the same egress goes out as one batch: one lock, one completion reap, one
 * reserve/submit and one sendto() kick per batch, not per frame.
 * Frames without valid metadata are dropped and counted.
 *
 * Every KEG_KEGD_HEARTBEAT_MS (200 ms) kegd writes its pid, a heartbeat and per-queue rx/tx/drop
 * counters into /sys/fs/bpf/keg/IFACE/keg_kegd (`kegctl stats`, and the Y
 * state of `kegctl intercept list`). On SIGTERM/SIGINT it first removes its
 * sockets from the XSKMAP (traffic falls back to --when-down at once), then
 * stops. One log line per state change on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "keg_intercept.h"
#include "keg_maps.h"
#include "bpf_log.h"
#include "checksum.h"
#include "clock.h"
#include "log.h"
#include "pins.h"
#include "pinset.h"

#define MAX_IFACES    8
#define MAX_EGRESS    32
#define NUM_FRAMES    4096
#define FRAME_SIZE    XSK_UMEM__DEFAULT_FRAME_SIZE
#define RX_FRAMES     (NUM_FRAMES / 2)	/* the rest are TX frames */
#define BATCH         64

struct sock {
	char ifname[IF_NAMESIZE];
	int ifindex;
	unsigned int queue;
	void *area;
	struct xsk_umem *umem;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_socket *xsk;
	bool has_rx;
	pthread_mutex_t tx_lock;	/* tx ring, comp ring, free TX frames */
	uint64_t tx_free[NUM_FRAMES - RX_FRAMES];
	unsigned int n_tx_free;
	unsigned int tx_outstanding;
};

#define EGRESS_CACHE  4

struct queue {
	struct sock *s;
	struct iface *ifc;
	pthread_t thread;
	unsigned int idx;		/* thread index, over all interfaces */
	volatile uint64_t rx, tx, drop;
	/* This thread's egress sockets by ifindex: tx_sock() only on a miss. */
	struct {
		int ifindex;
		struct sock *s;		/* NULL: could not open, retry_ns */
		uint64_t retry_ns;
	} out[EGRESS_CACHE];
	unsigned int n_out;
};

struct iface {
	char name[IF_NAMESIZE];
	int ifindex;
	unsigned int n_queues;
	int xsks_fd, kegd_fd;
	struct queue q[KEG_MAX_QUEUES];
};

static struct iface ifaces[MAX_IFACES];
static unsigned int n_ifaces;
static struct sock *egress[MAX_EGRESS];	/* TX sockets opened on demand */
static unsigned int n_egress;
static pthread_mutex_t egress_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t stopping;
static int verbose;

/* Receive queues of ifname: ethtool channels, 1 if not reported. */
static unsigned int rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { 0 };
	unsigned int n = 1;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return 1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
		n = ch.rx_count + ch.combined_count;
		if (!n)
			n = 1;
	}
	close(fd);
	return n > KEG_MAX_QUEUES ? KEG_MAX_QUEUES : n;
}

static struct sock *sock_open(const char *ifname, unsigned int queue, bool rx)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	struct xsk_umem_config ucfg = {
		.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS * 2,
		.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.frame_size = FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct sock *s;
	uint32_t idx;
	unsigned int i;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->ifindex = (int)if_nametoindex(ifname);
	s->queue = queue;
	s->has_rx = rx;
	pthread_mutex_init(&s->tx_lock, NULL);
	s->area = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->area == MAP_FAILED) {
		free(s);
		return NULL;
	}
	ret = xsk_umem__create(&s->umem, s->area, (uint64_t)NUM_FRAMES * FRAME_SIZE,
			       &s->fill, &s->comp, &ucfg);
	if (ret) {
		pr_notice("%s queue %u: creating the UMEM: %s", ifname, queue, strerror(-ret));
		goto fail;
	}
	ret = xsk_socket__create(&s->xsk, ifname, queue, s->umem, rx ? &s->rx : NULL,
				 &s->tx, &cfg);
	if (ret) {
		/* Zero-copy first, copy mode when the driver cannot (veth). */
		cfg.bind_flags |= XDP_COPY;
		ret = xsk_socket__create(&s->xsk, ifname, queue, s->umem,
					 rx ? &s->rx : NULL, &s->tx, &cfg);
	}
	if (ret) {
		pr_notice("%s queue %u: creating the AF_XDP socket: %s", ifname, queue,
		       strerror(-ret));
		xsk_umem__delete(s->umem);
		goto fail;
	}
	if (rx) {
		ret = (int)xsk_ring_prod__reserve(&s->fill, RX_FRAMES, &idx);
		for (i = 0; i < (unsigned int)ret; i++)
			*xsk_ring_prod__fill_addr(&s->fill, idx + i) = (uint64_t)i * FRAME_SIZE;
		xsk_ring_prod__submit(&s->fill, (uint32_t)ret);
	}
	for (i = 0; i < NUM_FRAMES - RX_FRAMES; i++)
		s->tx_free[s->n_tx_free++] = (uint64_t)(RX_FRAMES + i) * FRAME_SIZE;
	return s;
fail:
	munmap(s->area, (size_t)NUM_FRAMES * FRAME_SIZE);
	free(s);
	return NULL;
}

static void sock_close(struct sock *s)
{
	if (!s)
		return;
	xsk_socket__delete(s->xsk);
	xsk_umem__delete(s->umem);
	munmap(s->area, (size_t)NUM_FRAMES * FRAME_SIZE);
	free(s);
}

/* The socket to transmit on through ifindex, for thread idx. */
static struct sock *tx_sock(int ifindex, unsigned int idx)
{
	char name[IF_NAMESIZE];
	struct sock *s = NULL;
	unsigned int i, nq;

	for (i = 0; i < n_ifaces; i++)
		if (ifaces[i].ifindex == ifindex)
			return ifaces[i].q[idx % ifaces[i].n_queues].s;
	pthread_mutex_lock(&egress_lock);
	nq = 0;
	for (i = 0; i < n_egress; i++)
		if (egress[i]->ifindex == ifindex) {
			nq++;
			if (egress[i]->queue == idx % rx_queues(egress[i]->ifname)) {
				s = egress[i];
				break;
			}
		}
	if (!s && n_egress < MAX_EGRESS && if_indextoname((unsigned int)ifindex, name)) {
		unsigned int q = idx % rx_queues(name);

		s = sock_open(name, q, false);
		if (s) {
			egress[n_egress++] = s;
			pr_notice("%s queue %u: TX socket opened", name, q);
		}
	}
	pthread_mutex_unlock(&egress_lock);
	return s;
}

/* Copy mode sends only when kicked: once per batch, after the submit. */
static void kick(struct sock *s)
{
	if (s->tx_outstanding)
		sendto(xsk_socket__fd(s->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

static void complete_tx(struct sock *s)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&s->comp, NUM_FRAMES - RX_FRAMES, &idx);
	for (i = 0; i < n; i++)
		s->tx_free[s->n_tx_free++] = *xsk_ring_cons__comp_addr(&s->comp, idx + i);
	xsk_ring_cons__release(&s->comp, n);
	s->tx_outstanding -= n;
}

/*
 * Copy n frames out through s with one lock, one reserve, one submit and one
 * kick; returns how many went out (the rest: no free frame or slot).
 */
static unsigned int transmit(struct sock *s, uint8_t *const *pkt, const uint32_t *len,
			     unsigned int n)
{
	unsigned int i, m;
	uint32_t idx;

	pthread_mutex_lock(&s->tx_lock);
	complete_tx(s);
	m = n < s->n_tx_free ? n : s->n_tx_free;
	while (m && xsk_ring_prod__reserve(&s->tx, m, &idx) != m)
		m = (uint32_t)xsk_prod_nb_free(&s->tx, m);
	for (i = 0; i < m; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&s->tx, idx + i);
		uint64_t addr = s->tx_free[--s->n_tx_free];

		memcpy(xsk_umem__get_data(s->area, addr), pkt[i], len[i]);
		d->addr = addr;
		d->len = len[i];
		d->options = 0;
	}
	if (m)
		xsk_ring_prod__submit(&s->tx, m);
	s->tx_outstanding += m;
	kick(s);	/* also when full: let the kernel drain it */
	pthread_mutex_unlock(&s->tx_lock);
	return m;
}

/*
 * The egress socket for ifindex from thread q's cache, tx_sock() on a miss.
 * A socket that cannot be opened (e.g. EBUSY while a previous owner's queue
 * is still being released) is retried every EGRESS_RETRY_NS, not per frame.
 */
#define EGRESS_RETRY_NS (200 * 1000000ULL)

static struct sock *out_sock(struct queue *q, int ifindex)
{
	struct sock *s;
	unsigned int i;
	uint64_t now;

	for (i = 0; i < q->n_out; i++)
		if (q->out[i].ifindex == ifindex)
			break;
	if (i < q->n_out) {
		if (q->out[i].s)
			return q->out[i].s;
		now = keg_now_ns();
		if (now < q->out[i].retry_ns)
			return NULL;
	} else {
		i = q->n_out < EGRESS_CACHE ? q->n_out++ : q->idx % EGRESS_CACHE;
		q->out[i].ifindex = ifindex;
		now = keg_now_ns();
	}
	s = tx_sock(ifindex, q->idx);
	q->out[i].s = s;
	q->out[i].retry_ns = now + EGRESS_RETRY_NS;
	return s;
}

/* MACs from the metadata, TTL/hop limit - 1. False: drop. */
static bool rewrite(uint8_t *pkt, uint32_t len, const struct keg_xsk_meta *m)
{
	struct ethhdr *eth = (void *)pkt;
	uint32_t off = sizeof(*eth);
	uint16_t proto;

	if (len < off)
		return false;
	memcpy(eth->h_dest, m->dmac, 6);
	memcpy(eth->h_source, m->smac, 6);
	proto = ntohs(eth->h_proto);
	while ((proto == ETH_P_8021Q || proto == ETH_P_8021AD) && len >= off + 4) {
		proto = (uint16_t)(pkt[off + 2] << 8 | pkt[off + 3]);
		off += 4;
	}
	if (proto == ETH_P_IP) {
		struct iphdr *ip = (void *)(pkt + off);
		uint16_t old;

		if (len < off + sizeof(*ip) || ip->ttl <= 1)
			return false;
		old = htons((uint16_t)(ip->ttl << 8 | ip->protocol));
		ip->ttl--;
		ip->check = keg_csum_replace16(ip->check, old,
					  htons((uint16_t)(ip->ttl << 8 | ip->protocol)));
		return true;
	}
	if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = (void *)(pkt + off);

		if (len < off + sizeof(*ip6) || ip6->hop_limit <= 1)
			return false;
		ip6->hop_limit--;
		return true;
	}
	return false;
}

static void *queue_loop(void *arg)
{
	struct queue *q = arg;
	struct sock *s = q->s;
	struct pollfd pfd = { .fd = xsk_socket__fd(s->xsk), .events = POLLIN };

	while (!stopping) {
		uint32_t idx_rx, idx_fill, n, i;

		n = xsk_ring_cons__peek(&s->rx, BATCH, &idx_rx);
		if (!n) {
			if (xsk_ring_prod__needs_wakeup(&s->fill))
				recvfrom(pfd.fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
			poll(&pfd, 1, 100);
			continue;
		}
		/* Runs of frames for the same egress go out as one batch. */
		struct sock *cur = NULL;
		uint8_t *pkts[BATCH];
		uint32_t lens[BATCH];
		unsigned int n_pend = 0, sent;

		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&s->rx, idx_rx + i);
			uint8_t *pkt = xsk_umem__get_data(s->area, d->addr);
			struct keg_xsk_meta m;
			struct sock *out;

			memcpy(&m, pkt - sizeof(m), sizeof(m));
			if (m.magic != KEG_XSK_META_MAGIC || !rewrite(pkt, d->len, &m) ||
			    !(out = out_sock(q, (int)m.ifindex))) {
				q->drop++;
				continue;
			}
			if (out != cur && n_pend) {
				sent = transmit(cur, pkts, lens, n_pend);
				q->tx += sent;
				q->drop += n_pend - sent;
				n_pend = 0;
			}
			cur = out;
			pkts[n_pend] = pkt;
			lens[n_pend++] = d->len;
		}
		if (n_pend) {
			sent = transmit(cur, pkts, lens, n_pend);
			q->tx += sent;
			q->drop += n_pend - sent;
		}
		q->rx += n;
		xsk_ring_cons__release(&s->rx, n);
		/* Give the RX frames back. */
		while (xsk_ring_prod__reserve(&s->fill, n, &idx_fill) != n) {
			if (stopping)
				return NULL;
		}
		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&s->fill, idx_fill + i) =
				xsk_umem__extract_addr(
					xsk_ring_cons__rx_desc(&s->rx, idx_rx + i)->addr);
		xsk_ring_prod__submit(&s->fill, n);
	}
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void publish(struct iface *f, bool running)
{
	struct keg_kegd k = { 0 };
	uint32_t zero = 0;
	unsigned int i;

	if (running) {
		k.pid = (uint32_t)getpid();
		k.n_queues = f->n_queues;
		k.heartbeat_ns = keg_now_ns();
		for (i = 0; i < f->n_queues; i++) {	/* n_queues <= KEG_MAX_QUEUES */
			k.q[i].rx = f->q[i].rx;
			k.q[i].tx = f->q[i].tx;
			k.q[i].drop = f->q[i].drop;
		}
	}
	bpf_map_update_elem(f->kegd_fd, &zero, &k, BPF_ANY);
}

static int open_pin(const char *iface, const char *name)
{
	struct keg_err err = { 0 };
	int fd = keg_pin_open(iface, name, &err);

	if (fd < 0)
		pr_notice("%s", keg_err_str(&err, fd));
	return fd;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: kegd --iface IFACE [--iface IFACE ...] [-v]\n"
		   "Receive what keg's intercept rules steer into AF_XDP on IFACE (one socket\n"
		   "and thread per receive queue) and forward it (README.md, \"Intercepts and kegd\").\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int i, k, idx = 0;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "i:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (n_ifaces == MAX_IFACES) {
				pr_notice("at most %d --iface", MAX_IFACES);
				return 2;
			}
			snprintf(ifaces[n_ifaces++].name, IF_NAMESIZE, "%s", optarg);
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!n_ifaces || optind != argc) {
		usage(stderr);
		return 2;
	}
	keg_log_setup(NULL, verbose, KEG_LOG_STAMP);
	keg_log_init(verbose);	/* libbpf's and libxdp's output too */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (i = 0; i < n_ifaces; i++) {
		struct iface *f = &ifaces[i];

		f->xsks_fd = f->kegd_fd = -1;
		f->ifindex = (int)if_nametoindex(f->name);
		if (!f->ifindex) {
			pr_notice("%s: no such interface", f->name);
			goto out;
		}
		f->xsks_fd = open_pin(f->name, KEG_STR(KEG_MAP_XSKS));
		f->kegd_fd = open_pin(f->name, KEG_STR(KEG_MAP_KEGD));
		if (f->xsks_fd < 0 || f->kegd_fd < 0)
			goto out;
		f->n_queues = rx_queues(f->name);
		for (k = 0; k < f->n_queues; k++) {
			struct queue *q = &f->q[k];

			q->ifc = f;
			q->idx = idx++;
			q->s = sock_open(f->name, k, true);
			if (!q->s)
				goto out;
		}
	}
	/* All sockets exist: register them and start the threads. */
	for (i = 0; i < n_ifaces; i++) {
		struct iface *f = &ifaces[i];

		for (k = 0; k < f->n_queues; k++) {
			ret = xsk_socket__update_xskmap(f->q[k].s->xsk, f->xsks_fd);
			if (ret) {
				pr_notice("%s queue %u: registering in the XSKMAP: %s", f->name, k,
				       strerror(-ret));
				ret = 1;
				goto out;
			}
			if (pthread_create(&f->q[k].thread, NULL, queue_loop, &f->q[k])) {
				pr_notice("%s queue %u: starting its thread failed", f->name, k);
				ret = 1;
				goto out;
			}
			pr_notice("%s queue %u: AF_XDP socket up, steering on", f->name, k);
		}
		publish(f, true);
	}
	pr_notice("running on %u interface%s", n_ifaces, n_ifaces == 1 ? "" : "s");
	while (!stopping) {
		usleep(KEG_KEGD_HEARTBEAT_MS * 1000);
		for (i = 0; i < n_ifaces; i++)
			publish(&ifaces[i], true);
	}
	pr_notice("stopping");
	ret = 0;
out:
	/* Out of the XSKMAP first: traffic falls back to --when-down now. */
	for (i = 0; i < n_ifaces; i++) {
		struct iface *f = &ifaces[i];

		for (k = 0; k < f->n_queues; k++)
			if (f->xsks_fd >= 0 && f->q[k].s)
				bpf_map_delete_elem(f->xsks_fd, &k);
		if (f->kegd_fd >= 0)
			publish(f, false);
		if (f->n_queues && f->xsks_fd >= 0)
			pr_notice("%s: sockets removed from the XSKMAP", f->name);
	}
	stopping = 1;
	for (i = 0; i < n_ifaces; i++) {
		struct iface *f = &ifaces[i];

		for (k = 0; k < f->n_queues; k++) {
			if (f->q[k].thread)
				pthread_join(f->q[k].thread, NULL);
			sock_close(f->q[k].s);
		}
		if (f->xsks_fd >= 0)
			close(f->xsks_fd);
		if (f->kegd_fd >= 0)
			close(f->kegd_fd);
	}
	for (i = 0; i < n_egress; i++)
		sock_close(egress[i]);
	pr_notice("stopped");
	return ret;
}
