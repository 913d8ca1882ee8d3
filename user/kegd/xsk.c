// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsk.c - kegd's AF_XDP sockets (libxdp xsk API): one UMEM per socket, half
 * its frames for receiving, half for transmitting; a batch goes out with
 * one lock, one completion reap, one reserve/submit and one kick.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kegd.h"
#include "log.h"

unsigned int kegd_rx_queues(const char *ifname)
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
	/* One socket per queue, each with a slot in keg_xsks and keg_kegd. */
	return n > KEG_MAX_QUEUES ? KEG_MAX_QUEUES : n;
}

struct kegd_sock *kegd_sock_open(const char *ifname, unsigned int queue, bool rx)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	struct xsk_umem_config ucfg = {
		/* Twice the RX frames: every RX frame always fits back. */
		.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS * 2,
		.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.frame_size = KEGD_FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct kegd_sock *s;
	uint32_t idx;
	unsigned int i;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->ifindex = (int)if_nametoindex(ifname);
	s->queue = queue;
	pthread_mutex_init(&s->tx_lock, NULL);
	s->area = mmap(NULL, (size_t)KEGD_NUM_FRAMES * KEGD_FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->area == MAP_FAILED) {
		free(s);
		return NULL;
	}
	ret = xsk_umem__create(&s->umem, s->area, (uint64_t)KEGD_NUM_FRAMES * KEGD_FRAME_SIZE,
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
		ret = (int)xsk_ring_prod__reserve(&s->fill, KEGD_RX_FRAMES, &idx);
		for (i = 0; i < (unsigned int)ret; i++)
			*xsk_ring_prod__fill_addr(&s->fill, idx + i) =
				(uint64_t)i * KEGD_FRAME_SIZE;
		xsk_ring_prod__submit(&s->fill, (uint32_t)ret);
	}
	for (i = 0; i < KEGD_TX_FRAMES; i++)
		s->tx_free[s->n_tx_free++] = (uint64_t)(KEGD_RX_FRAMES + i) * KEGD_FRAME_SIZE;
	return s;
fail:
	munmap(s->area, (size_t)KEGD_NUM_FRAMES * KEGD_FRAME_SIZE);
	free(s);
	return NULL;
}

void kegd_sock_close(struct kegd_sock *s)
{
	if (!s)
		return;
	xsk_socket__delete(s->xsk);
	xsk_umem__delete(s->umem);
	munmap(s->area, (size_t)KEGD_NUM_FRAMES * KEGD_FRAME_SIZE);
	pthread_mutex_destroy(&s->tx_lock);
	free(s);
}

/* Frames the kernel has sent are free again. Under tx_lock. */
static void complete_tx(struct kegd_sock *s)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&s->comp, KEGD_TX_FRAMES, &idx);
	for (i = 0; i < n; i++)
		s->tx_free[s->n_tx_free++] = *xsk_ring_cons__comp_addr(&s->comp, idx + i);
	xsk_ring_cons__release(&s->comp, n);
	s->tx_outstanding -= n;
}

unsigned int kegd_transmit(struct kegd_sock *s, uint8_t *const *pkt, const uint32_t *len,
			   unsigned int n)
{
	unsigned int i, m;
	bool kick;
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
	kick = s->tx_outstanding;	/* also when full: let the kernel drain it */
	pthread_mutex_unlock(&s->tx_lock);
	/* Copy mode sends only when kicked: once per batch, after the submit,
	 * outside the lock (a system call). */
	if (kick)
		sendto(xsk_socket__fd(s->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
	return m;
}
