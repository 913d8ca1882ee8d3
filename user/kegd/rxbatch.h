/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rxbatch.h - received datagrams, one recvmmsg at a time: for
 * kq_conn_read() (a socket of one connection) and for kegd's transport
 * (one socket shared by every site, demultiplexed by the sender).
 * struct mmsghdr needs _GNU_SOURCE before the first system header.
 */
#ifndef KEGD_RXBATCH_H
#define KEGD_RXBATCH_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* A batch of received datagrams (one recvmmsg), for kq_conn_read() and
 * for a caller that demultiplexes a shared socket itself. */
#define KQ_RX_BATCH 64
#define KQ_RX_PKT   2048            /* larger than any datagram we accept */

struct kq_rxbatch {
	struct mmsghdr          m[KQ_RX_BATCH];
	struct iovec            v[KQ_RX_BATCH];
	struct sockaddr_storage a[KQ_RX_BATCH];
	uint8_t                 b[KQ_RX_BATCH][KQ_RX_PKT];
};

/* Up to KQ_RX_BATCH datagrams from fd: their number, 0 when none waits,
 * or a negative errno. Datagram i is b[i], m[i].msg_len bytes, from a[i]
 * (m[i].msg_hdr.msg_namelen); MSG_TRUNC in m[i].msg_hdr.msg_flags marks
 * one that did not fit. */
int kq_rxbatch_recv(struct kq_rxbatch *rb, int fd);

#endif /* KEGD_RXBATCH_H */
