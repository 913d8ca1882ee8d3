/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * keg_frame.h - pack packets into kegs and take kegs apart again
 * (wire format: headers/keg_wire.h). Pure: bytes and a clock in, results
 * out; no sockets, no QUIC, no printing. Every function returns 0 or a
 * count on success and a negative errno on failure.
 *
 * Sending side: one keg_packer per flow slot collects the packets of a flow
 * into a keg of up to Segsize record bytes. The caller flushes it
 *  - when keg_packer_add() says the keg is full (returns 1) or cannot take
 *    the next packet (-ENOBUFS: flush, then add again), and
 *  - when keg_packer_due(now) says the first packet has waited its deadline.
 *
 * Receiving side: keg_decode() takes one whole keg off the front of a byte
 * buffer (0 = not all there yet); keg_rx reassembles the kegs of one stream
 * from the chunks QUIC hands over and calls back once per packet, in order.
 * The peer is treated as hostile: every length is checked before use.
 */
#ifndef KEGD_KEG_FRAME_H
#define KEGD_KEG_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "keg_wire.h"

/* Big-endian fields of the wire format (keg_wire.h), for every file that
 * reads or writes them. */
static inline void keg_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void keg_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t keg_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t keg_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Bytes a keg of `segsize` record bytes needs, header included. */
static inline size_t keg_buf_size(uint32_t segsize)
{
	return KEG_HDR_LEN + (size_t)segsize;
}

struct keg_packer {
	uint8_t  *buf;          /* keg_buf_size(segsize) bytes, the caller's */
	uint32_t  segsize;
	uint32_t  used;         /* record bytes after the header */
	uint16_t  npkts;
	uint32_t  flow_id;      /* flow of the packets in the keg being built */
	uint64_t  deadline_ns;  /* how long the first packet may wait */
	uint64_t  due;          /* when the keg must go out; 0 while empty */
};

/* -EINVAL if segsize is outside KEG_SEGSIZE_MIN..KEG_SEGSIZE_MAX. */
int keg_packer_init(struct keg_packer *p, uint8_t *buf, uint32_t segsize,
		    uint64_t deadline_ns);

/*
 * Append one packet of flow `flow_id` at time `now` (ns, any monotonic
 * origin). Returns 0 (added), 1 (added and the keg is now full: flush it),
 * -ENOBUFS (the keg holds another flow or has no room for this packet:
 * flush, then add again), -EMSGSIZE (len is 0 or no keg of this Segsize
 * can ever hold it).
 */
int keg_packer_add(struct keg_packer *p, uint32_t flow_id, const void *pkt,
		   size_t len, uint64_t now);

static inline bool keg_packer_empty(const struct keg_packer *p)
{
	return p->npkts == 0;
}

/* True when a non-empty keg has reached its deadline at `now`. */
static inline bool keg_packer_due(const struct keg_packer *p, uint64_t now)
{
	return p->npkts && now >= p->due;
}

/* When the keg must be flushed; UINT64_MAX while empty. */
static inline uint64_t keg_packer_deadline(const struct keg_packer *p)
{
	return p->npkts ? p->due : UINT64_MAX;
}

/*
 * Close the keg: write its header and return its length in bytes (0 if
 * empty). The bytes are p->buf[0..len), valid until the next add; the
 * packer is empty again.
 */
size_t keg_packer_finish(struct keg_packer *p);

/* One decoded keg; recs points into the caller's buffer. */
struct keg_view {
	uint8_t        version;
	uint8_t        flags;
	uint16_t       npkts;
	uint32_t       flow_id;
	uint32_t       len;
	const uint8_t *recs;
};

/*
 * Decode the keg at the front of buf[0..len). Returns its total length
 * (> 0) with *v filled in and every record checked (a compressed keg's
 * records are checked once expanded, see keg_rx.expand); 0 when buf is a proper
 * prefix of a keg that may still be valid (more bytes needed); or
 *   -EPROTO    unknown version,
 *   -EBADMSG   unknown flag bits, npkts 0, a record of length 0, records
 *              that do not fill `len` exactly or number other than npkts,
 *              a compressed body shorter than KEG_ZHDR_LEN + 1,
 *   -EMSGSIZE  len above segsize_max.
 */
ssize_t keg_decode(const uint8_t *buf, size_t len, uint32_t segsize_max,
		   struct keg_view *v);

/* Walks the records of a keg that keg_decode() accepted. */
struct keg_iter {
	const uint8_t *p;
	const uint8_t *end;
};

static inline void keg_iter_init(struct keg_iter *it, const struct keg_view *v)
{
	it->p = v->recs;
	it->end = v->recs + v->len;
}

/* 1 and the next packet, or 0 at the end. */
int keg_iter_next(struct keg_iter *it, const uint8_t **pkt, size_t *len);

/* Called for each packet, in stream order; a negative return stops keg_rx_push. */
typedef int (*keg_pkt_fn)(void *ctx, const struct keg_view *keg,
			  const uint8_t *pkt, size_t len);

/*
 * Turns a compressed keg (KEG_F_COMPRESSED, accepted by keg_decode with its
 * body unchecked) into the plain keg it holds: *out checked as keg_decode
 * checks one, its records in the expander's own buffer, valid until the
 * next call. A negative return drops the keg (the expander counts it).
 */
typedef int (*keg_expand_fn)(void *ctx, const struct keg_view *in, struct keg_view *out);

/* Reassembles the kegs of one stream. */
struct keg_rx {
	uint8_t  *buf;          /* keg_buf_size(segsize_max) bytes */
	size_t    len;          /* bytes of an incomplete keg held */
	uint32_t  segsize_max;
	uint64_t  kegs;         /* kegs decoded */
	uint64_t  pkts;         /* packets delivered */
	keg_expand_fn expand;   /* NULL (keg_rx_init): compressed kegs are
				   refused like unknown flags (keg/1) */
	void     *expand_ctx;
};

int  keg_rx_init(struct keg_rx *rx, uint32_t segsize_max);  /* -ENOMEM, -EINVAL */
void keg_rx_free(struct keg_rx *rx);

/*
 * Feed the next `len` bytes of the stream. Calls fn for every packet of
 * every keg completed by them. Returns the number of packets delivered, a
 * keg_decode() error (the stream is corrupt: reset it; nothing after the
 * bad keg is delivered) or fn's negative return.
 */
int keg_rx_push(struct keg_rx *rx, const uint8_t *data, size_t len,
		keg_pkt_fn fn, void *ctx);

/* True when no partial keg is held (a stream may end only here). */
static inline bool keg_rx_idle(const struct keg_rx *rx)
{
	return rx->len == 0;
}

#endif /* KEGD_KEG_FRAME_H */
