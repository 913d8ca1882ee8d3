/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tcpstream.h - the stream of one terminated TCP connection on the wire
 * (headers/keg_wire.h: a keg_tcp_open, then kegs of bytes). Pure: bytes in,
 * bytes out; no sockets, no QUIC. The peer is hostile: every length is
 * checked before use. Functions return 0 / a count, or a negative errno.
 *
 * Receiving side: keg_tsrx holds the stream bytes QUIC delivered and not
 * yet written to the socket. Its bound is the flow-control window the
 * receiver gives the stream: credit goes back (keg_tsrx_consume's return)
 * only for bytes taken out, so a slow socket slows the sender instead of
 * growing this buffer.
 */
#ifndef KEGD_TCPSTREAM_H
#define KEGD_TCPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "keg_frame.h"
#include "keg_wire.h"

/* A connection as the open header describes it. */
struct keg_tcp_ends {
	struct sockaddr_storage client, server;
	socklen_t len;
	bool proxy;             /* KEG_TCP_OPEN_F_PROXY: connect from our own address */
	uint8_t proto;          /* IPPROTO_TCP, or IPPROTO_UDP (a proxy's datagrams) */
};

/* Encode ends (both of one family, AF_INET or AF_INET6) into
 * out[KEG_TCP_OPEN_LEN]; proto IPPROTO_TCP, or IPPROTO_UDP with
 * KEG_TCP_OPEN_F_PROXY; flags KEG_TCP_OPEN_F_*. -EINVAL otherwise. */
int keg_tcp_open_encode(uint8_t *out, const struct sockaddr *client,
			const struct sockaddr *server, uint8_t proto, uint8_t flags);
/* Decode and check: -EBADMSG for a wrong magic, family, protocol, unknown flag,
 * address padding, port 0, or an address no connection can have
 * (unspecified, multicast, broadcast, loopback). */
int keg_tcp_open_decode(const uint8_t *in, struct keg_tcp_ends *e);

/*
 * A proxy's UDP flow (keg_wire.h): datagrams framed in the stream's bytes.
 * keg_dgram_take feeds the stream's bytes in as they come, in pieces of any
 * size: it returns how many of the n bytes at p it took, and sets *dgram /
 * *dlen when that completed a datagram (valid until the next call), else
 * *dgram NULL; -EBADMSG for a length of 0 or above KEG_DGRAM_MAX (the flow
 * is then broken).
 */
struct keg_dgram_rx {
	uint8_t hdr[KEG_DGRAM_HDR];
	size_t  have;           /* bytes of the current datagram, header included */
	size_t  want;           /* its length, once the header is whole */
	uint8_t buf[KEG_DGRAM_MAX];
};
ssize_t keg_dgram_take(struct keg_dgram_rx *rx, const uint8_t *p, size_t n,
		       const uint8_t **dgram, size_t *dlen);
/* The 2-byte header of a datagram of len bytes (1..KEG_DGRAM_MAX). */
void keg_dgram_hdr(uint8_t *out, size_t len);

/* The header of a keg holding one record of `len` bytes (1..KEG_PKT_MAX):
 * writes KEG_HDR_LEN + KEG_REC_HDR_LEN bytes to out. */
#define KEG_TCP_KEG_HDR (KEG_HDR_LEN + KEG_REC_HDR_LEN)
void keg_tcp_keg_hdr(uint8_t *out, size_t len);

struct keg_tsrx {
	uint8_t *buf;
	size_t   cap;           /* allocated, grows up to max */
	size_t   max;           /* the stream's flow-control window */
	size_t   off, len;      /* unread stream bytes: buf[off, off + len) */
	bool     want_open;     /* a keg_tcp_open comes first */
	bool     opened;        /* ... and was taken */
	/* where the decoder is */
	uint32_t keg_left;      /* record bytes (headers included) left in the keg */
	uint32_t pkts_left;     /* records left in the keg */
	uint32_t rec_left;      /* bytes left of the current record */
	size_t   credit;        /* freed stream bytes not yet returned */
	uint64_t bytes;         /* TCP bytes delivered */
	/* Compressed kegs (keg/3): NULL expand refuses them like any flag. */
	keg_expand_fn expand;
	void    *expand_ctx;
	uint8_t *plain;         /* the TCP bytes of the last one expanded */
	size_t   plain_cap, plain_off, plain_len;
};

/* max: the window; want_open: this side receives the open header. */
int  keg_tsrx_init(struct keg_tsrx *rx, size_t max, bool want_open);
void keg_tsrx_free(struct keg_tsrx *rx);

/* Stream bytes from QUIC, in order. -ENOBUFS past the window (the peer
 * broke flow control), -ENOMEM. */
int keg_tsrx_push(struct keg_tsrx *rx, const uint8_t *data, size_t len);

/* The open header, when want_open: 1 with e filled (once), 0 while not all
 * there, -EBADMSG. Call before keg_tsrx_peek. */
int keg_tsrx_open(struct keg_tsrx *rx, struct keg_tcp_ends *e);

/* The next TCP bytes, contiguous: their count (*p set), 0 when none is
 * here yet, or what keg_decode() would say of a malformed keg (-EPROTO,
 * -EBADMSG, -EMSGSIZE: reset the stream), or the expander's error for a
 * compressed keg that does not expand. A plain keg's record bytes are
 * given out as they arrive, before their keg is complete; a compressed
 * keg's once it is all here and expanded (into rx->plain, one at a
 * time). */
ssize_t keg_tsrx_peek(struct keg_tsrx *rx, const uint8_t **p);

/* n of the peeked bytes were written (n may be 0): returns the stream
 * bytes freed since the last call (flow-control credit to give back: whole
 * kegs and the open header). */
size_t keg_tsrx_consume(struct keg_tsrx *rx, size_t n);

/* The bytes of up to max records at once (one send can then take what
 * arrived in several kegs): the vector count, 0 when none is here, or a
 * keg_tsrx_peek() error met at the first record. Nothing is consumed
 * (headers are passed, and a compressed keg at the front is expanded);
 * the vectors point into the buffers until the next push. An expanded
 * keg's bytes come alone, in one vector. */
int keg_tsrx_peekv(struct keg_tsrx *rx, struct iovec *iov, int max);

/* n bytes of what keg_tsrx_peekv() gave were written: consumed across
 * records; returns the credit, as keg_tsrx_consume(). */
size_t keg_tsrx_consumev(struct keg_tsrx *rx, size_t n);

/* Stream bytes held (flow-control accounting: wire bytes, not expanded
 * ones; rx->plain_cap is memory too). */
static inline size_t keg_tsrx_held(const struct keg_tsrx *rx)
{
	return rx->len;
}

#endif /* KEGD_TCPSTREAM_H */
