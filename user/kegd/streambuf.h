/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * streambuf.h - the bytes of one outgoing QUIC stream, kept until the peer
 * acknowledges them. ngtcp2 does not copy stream data: what is handed to
 * ngtcp2_conn_writev_stream must stay in place until
 * acked_stream_data_offset covers it (it is retransmitted from there).
 *
 * A ring indexed by stream offset:  acked <= sent <= end,
 *   [acked, sent)  handed to QUIC, not yet acknowledged,
 *   [sent, end)    queued, not yet handed to QUIC.
 * Pure; its memory bound is the per-stream buffer limit (backpressure:
 * keg_sbuf_write() refuses what does not fit).
 */
#ifndef KEGD_STREAMBUF_H
#define KEGD_STREAMBUF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct keg_sbuf {
	uint8_t *buf;
	size_t   cap;
	uint64_t acked;
	uint64_t sent;
	uint64_t end;
};

int  keg_sbuf_init(struct keg_sbuf *sb, size_t cap);  /* -EINVAL, -ENOMEM */
void keg_sbuf_free(struct keg_sbuf *sb);

static inline size_t keg_sbuf_room(const struct keg_sbuf *sb)
{
	return sb->cap - (size_t)(sb->end - sb->acked);
}

static inline uint64_t keg_sbuf_unsent(const struct keg_sbuf *sb)
{
	return sb->end - sb->sent;
}

/* Queue all of data or nothing: -ENOBUFS when it does not fit. */
int keg_sbuf_write(struct keg_sbuf *sb, const void *data, size_t len);

/* Up to `max` unsent bytes as 1 or 2 vectors (the ring may wrap); returns
 * the vector count, 0 when nothing is unsent. */
int keg_sbuf_peek(const struct keg_sbuf *sb, uint64_t max, struct iovec v[2]);

/* QUIC took n of the unsent bytes. -EINVAL if more than are unsent. */
int keg_sbuf_consume(struct keg_sbuf *sb, uint64_t n);

/* The peer acknowledged [offset, offset + len): frees space up to there.
 * -EINVAL for a range beyond what was handed to QUIC. */
int keg_sbuf_ack(struct keg_sbuf *sb, uint64_t offset, uint64_t len);

/* Start a new stream in the same ring (offsets restart at 0); only when
 * everything was acknowledged: -EBUSY otherwise. */
int keg_sbuf_restart(struct keg_sbuf *sb);

#endif /* KEGD_STREAMBUF_H */
