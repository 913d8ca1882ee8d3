// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * forward.c - one thread per receive queue: take what keg_xdp steered into
 * the queue's AF_XDP socket, rewrite it as a router would (MACs from the
 * FIB answer keg_xdp put in front of the frame, TTL or hop limit - 1) and
 * send it out of the egress interface's socket; runs of frames for one
 * egress go out as one batch. A frame whose rule names a remote site of
 * the keg transport goes to that site's queue instead (transport.h), as
 * the IP packet alone.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "checksum.h"
#include "clock.h"
#include "kegd.h"
#include "log.h"
#include "ippkt.h"
#include "transport.h"

/* The TX-only socket for ifindex and thread idx, opened on demand. The
 * slow part (ethtool ioctl, socket and UMEM setup) runs outside
 * egress_lock, which other forwarding threads take on their cache misses. */
static struct kegd_sock *egress_sock(struct kegd *kd, int ifindex, unsigned int idx)
{
	struct kegd_sock *s = NULL, *mine;
	char name[IF_NAMESIZE];
	unsigned int i, nq, q;

	pthread_mutex_lock(&kd->egress_lock);
	for (i = 0; i < kd->n_egress && !s; i++)
		if (kd->egress[i]->ifindex == ifindex &&
		    kd->egress[i]->queue == idx % kd->egress[i]->dev_queues)
			s = kd->egress[i];
	pthread_mutex_unlock(&kd->egress_lock);
	if (s)
		return s;
	if (!if_indextoname((unsigned int)ifindex, name))
		return NULL;
	nq = kegd_rx_queues(name);
	q = idx % nq;
	mine = kegd_sock_open(name, q, false);
	if (!mine)
		return NULL;
	mine->dev_queues = nq;
	pthread_mutex_lock(&kd->egress_lock);
	/* Another thread may have opened the same one meanwhile. */
	for (i = 0; i < kd->n_egress && !s; i++)
		if (kd->egress[i]->ifindex == ifindex && kd->egress[i]->queue == q)
			s = kd->egress[i];
	if (!s && kd->n_egress < KEGD_MAX_EGRESS) {
		kd->egress[kd->n_egress++] = mine;
		s = mine;
		mine = NULL;
	}
	pthread_mutex_unlock(&kd->egress_lock);
	if (mine)
		kegd_sock_close(mine);
	else
		pr_notice("%s queue %u: TX socket opened", name, q);
	return s;
}

/* The socket to transmit on through ifindex for thread idx: an intercept
 * socket of that interface when kegd serves it, else a TX socket. */
static struct kegd_sock *tx_sock(struct kegd *kd, int ifindex, unsigned int idx)
{
	for (unsigned int i = 0; i < kd->n_ifaces; i++)
		if (kd->ifaces[i].ifindex == ifindex)
			return kd->ifaces[i].q[idx % kd->ifaces[i].n_queues].s;
	return egress_sock(kd, ifindex, idx);
}

/* The egress socket for ifindex from thread q's cache, tx_sock() on a miss. */
static struct kegd_sock *out_sock(struct kegd_queue *q, int ifindex)
{
	struct kegd_sock *s;
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
		i = q->n_out < KEGD_EGRESS_CACHE ? q->n_out++ : q->idx % KEGD_EGRESS_CACHE;
		q->out[i].ifindex = ifindex;
		now = keg_now_ns();
	}
	s = tx_sock(q->kd, ifindex, q->idx);
	q->out[i].s = s;
	q->out[i].retry_ns = now + KEGD_EGRESS_RETRY_NS;
	return s;
}

/* MACs from the metadata, TTL/hop limit - 1, a TCP/UDP checksum the sender
 * left to its device completed (checksum.h). Returns the offset of the IP
 * header, or 0: drop. */
static uint32_t rewrite(uint8_t *pkt, uint32_t len, const struct keg_xsk_meta *m)
{
	struct ethhdr *eth = (void *)pkt;
	uint32_t off = sizeof(*eth);
	uint16_t proto;

	if (len < off)
		return 0;
	memcpy(eth->h_dest, m->dmac, sizeof(eth->h_dest));
	memcpy(eth->h_source, m->smac, sizeof(eth->h_source));
	proto = ntohs(eth->h_proto);
	/* VLAN tags: 4 bytes each, the inner ethertype in their last two. */
	while ((proto == ETH_P_8021Q || proto == ETH_P_8021AD) && len >= off + 4) {
		proto = (uint16_t)(pkt[off + 2] << 8 | pkt[off + 3]);
		off += 4;
	}
	if (proto == ETH_P_IP) {
		struct iphdr *ip = (void *)(pkt + off);
		uint16_t old;

		if (len < off + sizeof(*ip) || ip->ttl <= 1)
			return 0;
		/* TTL and protocol share one 16-bit word of the checksum. */
		old = htons((uint16_t)(ip->ttl << 8 | ip->protocol));
		ip->ttl--;
		ip->check = keg_csum_replace16(ip->check, old,
					       htons((uint16_t)(ip->ttl << 8 | ip->protocol)));
		keg_l4_csum_complete(pkt + off, len - off);
		return off;
	}
	if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = (void *)(pkt + off);

		if (len < off + sizeof(*ip6) || ip6->hop_limit <= 1)
			return 0;
		ip6->hop_limit--;
		keg_l4_csum_complete(pkt + off, len - off);
		return off;
	}
	return 0;
}

/* Send what is pending for cur and count it. */
static void flush(struct kegd_queue *q, struct kegd_sock *cur, uint8_t *const *pkts,
		  const uint32_t *lens, unsigned int n)
{
	unsigned int sent = kegd_transmit(cur, pkts, lens, n);

	q->tx += sent;
	q->drop += n - sent;
}

/* Give n received frames back to the fill ring. It holds every RX frame
 * (fill_size is twice KEGD_RX_FRAMES), so this waits only if the kernel
 * lags; it waits in poll(), not spinning. False: stopping. */
static bool refill(struct kegd_queue *q, uint32_t idx_rx, uint32_t n)
{
	struct kegd_sock *s = q->s;
	struct pollfd pfd = { .fd = xsk_socket__fd(s->xsk), .events = POLLOUT };
	uint32_t idx_fill, i;

	while (xsk_ring_prod__reserve(&s->fill, n, &idx_fill) != n) {
		if (atomic_load_explicit(&q->kd->stopping, memory_order_relaxed))
			return false;
		poll(&pfd, 1, 1);
	}
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx_fill + i) =
			xsk_umem__extract_addr(xsk_ring_cons__rx_desc(&s->rx, idx_rx + i)->addr);
	xsk_ring_prod__submit(&s->fill, n);
	return true;
}

/* Counters for the main thread: this thread is their only writer. */
static void publish_counters(struct kegd_queue *q)
{
	atomic_store_explicit(&q->pub.rx, q->rx, memory_order_relaxed);
	atomic_store_explicit(&q->pub.tx, q->tx, memory_order_relaxed);
	atomic_store_explicit(&q->pub.drop, q->drop, memory_order_relaxed);
}

void *kegd_queue_loop(void *arg)
{
	struct kegd_queue *q = arg;
	struct kegd_sock *s = q->s;
	struct pollfd pfd = { .fd = xsk_socket__fd(s->xsk), .events = POLLIN };

	while (!atomic_load_explicit(&q->kd->stopping, memory_order_relaxed)) {
		struct kegd_sock *cur = NULL;
		uint8_t *pkts[KEGD_BATCH];
		uint32_t lens[KEGD_BATCH];
		unsigned int n_pend = 0;
		uint32_t idx_rx, n, i;
		bool ok;

		n = xsk_ring_cons__peek(&s->rx, KEGD_BATCH, &idx_rx);
		if (!n) {
			if (xsk_ring_prod__needs_wakeup(&s->fill))
				recvfrom(pfd.fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
			/* Wake up now and then to see the stop flag. */
			poll(&pfd, 1, 100);
			continue;
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&s->rx, idx_rx + i);
			uint8_t *pkt = xsk_umem__get_data(s->area, d->addr);
			struct keg_xsk_meta m;
			struct kegd_sock *out;

			uint32_t l3, iplen;

			memcpy(&m, pkt - sizeof(m), sizeof(m));
			if (m.magic != KEG_XSK_META_MAGIC || !(l3 = rewrite(pkt, d->len, &m))) {
				q->drop++;
				continue;
			}
			/* A rule of a remote site: into a keg (counted as sent;
			 * the transport counts its own drops per site). */
			if (q->kd->tp && (iplen = kegd_ip_len(pkt + l3, d->len - l3)) &&
			    kegd_transport_take(q->kd->tp, q->iface, m.site, m.rule_flags, pkt + l3,
						iplen)) {
				q->tx++;
				continue;
			}
			if (!(out = out_sock(q, (int)m.ifindex))) {
				q->drop++;
				continue;
			}
			if (out != cur && n_pend) {
				flush(q, cur, pkts, lens, n_pend);
				n_pend = 0;
			}
			cur = out;
			pkts[n_pend] = pkt;
			lens[n_pend++] = d->len;
		}
		if (n_pend)
			flush(q, cur, pkts, lens, n_pend);
		/* The RX descriptors are read for the refill, then released. */
		ok = refill(q, idx_rx, n);
		xsk_ring_cons__release(&s->rx, n);
		q->rx += n;
		publish_counters(q);
		if (!ok)
			break;
	}
	return NULL;
}
