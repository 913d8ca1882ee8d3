// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * keg_frame.c - keg packing, decoding and per-stream reassembly
 * (see keg_frame.h; wire format in headers/keg_wire.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keg_frame.h"

int keg_packer_init(struct keg_packer *p, uint8_t *buf, uint32_t segsize,
		    uint64_t deadline_ns)
{
	if (!buf || segsize < KEG_SEGSIZE_MIN || segsize > KEG_SEGSIZE_MAX)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->segsize = segsize;
	p->deadline_ns = deadline_ns;
	return 0;
}

int keg_packer_add(struct keg_packer *p, uint32_t flow_id, const void *pkt,
		   size_t len, uint64_t now)
{
	size_t rec = KEG_REC_HDR_LEN + len;

	if (len == 0 || len > KEG_PKT_MAX || rec > p->segsize)
		return -EMSGSIZE;
	if (p->npkts && (flow_id != p->flow_id || p->npkts == UINT16_MAX ||
			 p->used + rec > p->segsize))
		return -ENOBUFS;
	if (!p->npkts) {
		p->flow_id = flow_id;
		/* A deadline of 0 still gives a due time in the future of
		 * "never": the clock's origin may be 0. */
		p->due = now + p->deadline_ns;
	}
	uint8_t *w = p->buf + KEG_HDR_LEN + p->used;

	keg_put_be16(w, (uint16_t)len);
	memcpy(w + KEG_REC_HDR_LEN, pkt, len);
	p->used += (uint32_t)rec;
	p->npkts++;
	/* Full when not even a one-byte packet fits any more. */
	return p->used + KEG_REC_HDR_LEN + 1 > p->segsize || p->npkts == UINT16_MAX;
}

size_t keg_packer_finish(struct keg_packer *p)
{
	size_t n;

	if (!p->npkts)
		return 0;
	p->buf[0] = KEG_WIRE_VERSION;
	p->buf[1] = 0;
	keg_put_be16(p->buf + 2, p->npkts);
	keg_put_be32(p->buf + 4, p->flow_id);
	keg_put_be32(p->buf + 8, p->used);
	n = KEG_HDR_LEN + p->used;
	p->used = 0;
	p->npkts = 0;
	p->due = 0;
	return n;
}

/* The records fill exactly v->len bytes and number exactly v->npkts. */
static int check_records(const struct keg_view *v)
{
	const uint8_t *q = v->recs, *end = v->recs + v->len;
	uint32_t n = 0;

	while (q < end) {
		if (end - q < KEG_REC_HDR_LEN)
			return -EBADMSG;
		uint16_t l = keg_get_be16(q);

		if (l == 0 || (size_t)(end - q - KEG_REC_HDR_LEN) < l)
			return -EBADMSG;
		q += KEG_REC_HDR_LEN + l;
		if (++n > v->npkts)
			return -EBADMSG;
	}
	return n == v->npkts ? 0 : -EBADMSG;
}

ssize_t keg_decode(const uint8_t *buf, size_t len, uint32_t segsize_max,
		   struct keg_view *v)
{
	int err;

	/* Fields are judged as soon as they are there, so a hostile header
	 * is refused before the receiver waits for its body. */
	if (len < 1)
		return 0;
	if (buf[0] != KEG_WIRE_VERSION)
		return -EPROTO;
	if (len < 2)
		return 0;
	if (buf[1] & ~KEG_F_KNOWN ||
	    (buf[1] & (KEG_F_COMPRESSED | KEG_F_LZ4)) == KEG_F_LZ4)
		return -EBADMSG;
	if (len < 4)
		return 0;
	if (keg_get_be16(buf + 2) == 0)
		return -EBADMSG;
	if (len < KEG_HDR_LEN)
		return 0;
	v->version = buf[0];
	v->flags = buf[1];
	v->npkts = keg_get_be16(buf + 2);
	v->flow_id = keg_get_be32(buf + 4);
	v->len = keg_get_be32(buf + 8);
	if (v->len > segsize_max || v->len > KEG_SEGSIZE_MAX)
		return -EMSGSIZE;
	/* npkts records need at least 3 bytes each; a compressed body at
	 * least its raw_len and one byte (its records are checked once
	 * decompressed, keg_compress.c). */
	if (v->flags & KEG_F_COMPRESSED ? v->len < KEG_ZHDR_LEN + 1 :
	    (uint64_t)v->npkts * (KEG_REC_HDR_LEN + 1) > v->len)
		return -EBADMSG;
	if (len - KEG_HDR_LEN < v->len)
		return 0;
	v->recs = buf + KEG_HDR_LEN;
	if (v->flags & KEG_F_COMPRESSED)
		return (ssize_t)(KEG_HDR_LEN + v->len);
	err = check_records(v);
	if (err)
		return err;
	return (ssize_t)(KEG_HDR_LEN + v->len);
}

int keg_iter_next(struct keg_iter *it, const uint8_t **pkt, size_t *len)
{
	if (it->end - it->p < KEG_REC_HDR_LEN + 1)
		return 0;
	*len = keg_get_be16(it->p);
	*pkt = it->p + KEG_REC_HDR_LEN;
	it->p += KEG_REC_HDR_LEN + *len;
	return 1;
}

int keg_rx_init(struct keg_rx *rx, uint32_t segsize_max)
{
	memset(rx, 0, sizeof(*rx));
	if (segsize_max < KEG_SEGSIZE_MIN || segsize_max > KEG_SEGSIZE_MAX)
		return -EINVAL;
	rx->buf = malloc(keg_buf_size(segsize_max));
	if (!rx->buf)
		return -ENOMEM;
	rx->segsize_max = segsize_max;
	return 0;
}

void keg_rx_free(struct keg_rx *rx)
{
	free(rx->buf);
	rx->buf = NULL;
	rx->len = 0;
}

static int deliver(struct keg_rx *rx, const struct keg_view *v, keg_pkt_fn fn,
		   void *ctx)
{
	struct keg_view plain;
	struct keg_iter it;
	const uint8_t *pkt;
	size_t len;
	int n = 0, err;

	if (v->flags & KEG_F_COMPRESSED) {
		/* Only a connection that negotiated compression has an
		 * expander; a keg that does not expand is dropped (counted by
		 * the expander) and the stream goes on. */
		if (!rx->expand)
			return -EBADMSG;
		if (rx->expand(rx->expand_ctx, v, &plain) < 0)
			return 0;
		v = &plain;
	}
	keg_iter_init(&it, v);
	while (keg_iter_next(&it, &pkt, &len)) {
		err = fn(ctx, v, pkt, len);
		if (err < 0)
			return err;
		n++;
	}
	rx->kegs++;
	rx->pkts += (uint64_t)n;
	return n;
}

int keg_rx_push(struct keg_rx *rx, const uint8_t *data, size_t len,
		keg_pkt_fn fn, void *ctx)
{
	struct keg_view v;
	ssize_t n;
	int total = 0, err;

	/* Complete the held partial keg first, one piece at a time: take
	 * just enough to learn its length, then just enough to finish it. */
	while (rx->len && len) {
		size_t want = rx->len < KEG_HDR_LEN ? KEG_HDR_LEN - rx->len : 1;

		n = keg_decode(rx->buf, rx->len, rx->segsize_max, &v);
		if (n < 0)
			return (int)n;
		if (rx->len >= KEG_HDR_LEN)
			want = KEG_HDR_LEN + v.len - rx->len;
		if (want > len)
			want = len;
		memcpy(rx->buf + rx->len, data, want);
		rx->len += want;
		data += want;
		len -= want;
		n = keg_decode(rx->buf, rx->len, rx->segsize_max, &v);
		if (n < 0)
			return (int)n;
		if (n > 0) {
			rx->len = 0;
			err = deliver(rx, &v, fn, ctx);
			if (err < 0)
				return err;
			total += err;
		}
	}
	/* Whole kegs straight from the caller's bytes, no copy. */
	while (len) {
		n = keg_decode(data, len, rx->segsize_max, &v);
		if (n < 0)
			return (int)n;
		if (n == 0) {
			memcpy(rx->buf, data, len);
			rx->len = len;
			break;
		}
		err = deliver(rx, &v, fn, ctx);
		if (err < 0)
			return err;
		total += err;
		data += n;
		len -= (size_t)n;
	}
	return total;
}
