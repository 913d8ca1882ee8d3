// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcpstream.c - see tcpstream.h */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "keg_frame.h"
#include "tcpstream.h"

#define TSRX_MIN_CAP 65536

static bool addr_usable(int family, const uint8_t *a)
{
	static const uint8_t zero[16];

	if (family == 4) {
		/* 0/8 "this network", 127/8, multicast and above. */
		if (a[0] == 0 || a[0] == 127 || a[0] >= 224)
			return false;
		return !memcmp(a + 4, zero, 12);
	}
	if (!memcmp(a, zero, 16) || a[0] == 0xff)
		return false;
	/* ::1 */
	return !(!memcmp(a, zero, 15) && a[15] == 1);
}

/* TCP, or a proxy's UDP. */
static bool proto_ok(uint8_t proto, uint8_t flags)
{
	return proto == IPPROTO_TCP || (proto == IPPROTO_UDP && (flags & KEG_TCP_OPEN_F_PROXY));
}

int keg_tcp_open_encode(uint8_t *out, const struct sockaddr *client,
			const struct sockaddr *server, uint8_t proto, uint8_t flags)
{
	struct keg_tcp_open o;

	if ((flags & ~KEG_TCP_OPEN_FLAGS) || !proto_ok(proto, flags))
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	o.magic = KEG_TCP_OPEN_MAGIC;
	o.flags = flags;
	o.proto = proto;
	if (client->sa_family == AF_INET && server->sa_family == AF_INET) {
		const struct sockaddr_in *c = (const void *)client, *s = (const void *)server;

		o.family = 4;
		o.sport = c->sin_port;
		o.dport = s->sin_port;
		memcpy(o.saddr, &c->sin_addr, 4);
		memcpy(o.daddr, &s->sin_addr, 4);
	} else if (client->sa_family == AF_INET6 && server->sa_family == AF_INET6) {
		const struct sockaddr_in6 *c = (const void *)client, *s = (const void *)server;

		o.family = 6;
		o.sport = c->sin6_port;
		o.dport = s->sin6_port;
		memcpy(o.saddr, &c->sin6_addr, 16);
		memcpy(o.daddr, &s->sin6_addr, 16);
	} else {
		return -EAFNOSUPPORT;
	}
	memcpy(out, &o, sizeof(o));
	return 0;
}

static void ends_addr(struct sockaddr_storage *ss, int family, const uint8_t *a, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == 4) {
		struct sockaddr_in *s = (void *)ss;

		s->sin_family = AF_INET;
		s->sin_port = port;
		memcpy(&s->sin_addr, a, 4);
	} else {
		struct sockaddr_in6 *s = (void *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = port;
		memcpy(&s->sin6_addr, a, 16);
	}
}

int keg_tcp_open_decode(const uint8_t *in, struct keg_tcp_ends *e)
{
	struct keg_tcp_open o;

	memcpy(&o, in, sizeof(o));
	if (o.magic != KEG_TCP_OPEN_MAGIC || (o.flags & ~KEG_TCP_OPEN_FLAGS) ||
	    !proto_ok(o.proto, o.flags) ||
	    (o.family != 4 && o.family != 6) || !o.sport || !o.dport ||
	    !addr_usable(o.family, o.saddr) || !addr_usable(o.family, o.daddr))
		return -EBADMSG;
	ends_addr(&e->client, o.family, o.saddr, o.sport);
	ends_addr(&e->server, o.family, o.daddr, o.dport);
	e->len = o.family == 4 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	e->proxy = o.flags & KEG_TCP_OPEN_F_PROXY;
	e->proto = o.proto;
	return 0;
}

ssize_t keg_dgram_take(struct keg_dgram_rx *rx, const uint8_t *p, size_t n,
		       const uint8_t **dgram, size_t *dlen)
{
	size_t took = 0, k;

	*dgram = NULL;
	*dlen = 0;
	while (took < n && rx->have < KEG_DGRAM_HDR)
		rx->hdr[rx->have++] = p[took++];
	if (rx->have < KEG_DGRAM_HDR)
		return (ssize_t)took;
	if (!rx->want) {
		rx->want = keg_get_be16(rx->hdr);
		if (!rx->want || rx->want > KEG_DGRAM_MAX)
			return -EBADMSG;
	}
	k = rx->want - (rx->have - KEG_DGRAM_HDR);
	if (k > n - took)
		k = n - took;
	memcpy(rx->buf + rx->have - KEG_DGRAM_HDR, p + took, k);
	rx->have += k;
	took += k;
	if (rx->have - KEG_DGRAM_HDR == rx->want) {
		*dgram = rx->buf;
		*dlen = rx->want;
		rx->have = 0;
		rx->want = 0;
	}
	return (ssize_t)took;
}

void keg_dgram_hdr(uint8_t *out, size_t len)
{
	keg_put_be16(out, (uint16_t)len);
}

void keg_tcp_keg_hdr(uint8_t *out, size_t len)
{
	out[0] = KEG_WIRE_VERSION;
	out[1] = 0;
	keg_put_be16(out + 2, 1);                       /* one record */
	keg_put_be32(out + 4, 0);                       /* flow 0 */
	keg_put_be32(out + 8, (uint32_t)len + KEG_REC_HDR_LEN);
	keg_put_be16(out + 12, (uint16_t)len);
}

int keg_tsrx_init(struct keg_tsrx *rx, size_t max, bool want_open)
{
	memset(rx, 0, sizeof(*rx));
	if (max < keg_buf_size(KEG_SEGSIZE_MAX))
		return -EINVAL;
	rx->max = max;
	rx->want_open = want_open;
	return 0;
}

void keg_tsrx_free(struct keg_tsrx *rx)
{
	free(rx->buf);
	free(rx->plain);
	memset(rx, 0, sizeof(*rx));
}

int keg_tsrx_push(struct keg_tsrx *rx, const uint8_t *data, size_t len)
{
	if (!len)
		return 0;       /* a FIN alone */
	if (len > rx->max - rx->len)
		return -ENOBUFS;
	if (rx->off + rx->len + len > rx->cap) {
		/* Move the unread bytes to the front first; grow if that is
		 * not enough. */
		if (rx->off && rx->len) {
			memmove(rx->buf, rx->buf + rx->off, rx->len);
			rx->off = 0;
		}
		if (rx->len + len > rx->cap) {
			size_t cap = rx->cap ? rx->cap : TSRX_MIN_CAP;
			uint8_t *b;

			while (cap < rx->len + len)
				cap *= 2;
			if (cap > rx->max)
				cap = rx->max;
			b = realloc(rx->buf, cap);
			if (!b)
				return -ENOMEM;
			rx->buf = b;
			rx->cap = cap;
		}
	}
	memcpy(rx->buf + rx->off + rx->len, data, len);
	rx->len += len;
	return 0;
}

static void drop_front(struct keg_tsrx *rx, size_t n)
{
	rx->off += n;
	rx->len -= n;
	rx->credit += n;
	if (!rx->len)
		rx->off = 0;
}

int keg_tsrx_open(struct keg_tsrx *rx, struct keg_tcp_ends *e)
{
	int ret;

	if (!rx->want_open || rx->opened)
		return -EINVAL;
	if (rx->len < KEG_TCP_OPEN_LEN)
		return 0;
	ret = keg_tcp_open_decode(rx->buf + rx->off, e);
	if (ret)
		return ret;
	drop_front(rx, KEG_TCP_OPEN_LEN);
	rx->opened = true;
	return 1;
}

/* The compressed keg k (header and all `len` body bytes here) into
 * rx->plain: its records' bytes, headers stripped. */
static int tsrx_expand(struct keg_tsrx *rx, const uint8_t *k, uint32_t len)
{
	struct keg_view in, out;
	struct keg_iter it;
	const uint8_t *pkt;
	size_t n, total;
	ssize_t got = keg_decode(k, KEG_HDR_LEN + (size_t)len, KEG_SEGSIZE_MAX, &in);
	int ret;

	if (got < 0)
		return (int)got;
	if ((size_t)got != KEG_HDR_LEN + (size_t)len)
		return -EBADMSG;
	ret = rx->expand(rx->expand_ctx, &in, &out);
	if (ret)
		return ret < 0 ? ret : -EBADMSG;
	/* The expander checked the records: npkts of them fill out.len. */
	total = out.len - (size_t)out.npkts * KEG_REC_HDR_LEN;
	if (total > rx->plain_cap) {
		uint8_t *b = realloc(rx->plain, total);

		if (!b)
			return -ENOMEM;
		rx->plain = b;
		rx->plain_cap = total;
	}
	rx->plain_off = rx->plain_len = 0;
	keg_iter_init(&it, &out);
	while (keg_iter_next(&it, &pkt, &n) > 0) {
		memcpy(rx->plain + rx->plain_len, pkt, n);
		rx->plain_len += n;
	}
	return 0;
}

/*
 * Decoded as the bytes come, not keg by keg: a record's bytes go out as
 * soon as they are here, and every byte passed returns its credit. Waiting
 * for whole kegs would let the streams of one connection deadlock: each
 * holding part of a keg it cannot pass on, together the whole connection
 * window, so that no stream gets the rest of its keg. The checks are
 * keg_decode()'s, made incrementally.
 *
 * A compressed keg cannot be passed on in pieces: it is taken whole. Its
 * sender starts one only with connection credit for all of it reserved
 * (quic_bytestream.c), so such kegs always complete and the deadlock
 * above cannot form from them. `expand` false: look only (peekv's copy),
 * a compressed keg stops the look.
 */
static ssize_t tsrx_next(struct keg_tsrx *rx, const uint8_t **p, bool expand)
{
	if (rx->want_open && !rx->opened)
		return 0;
	for (;;) {
		const uint8_t *k = rx->buf + rx->off;

		if (rx->plain_len) {
			*p = rx->plain + rx->plain_off;
			return (ssize_t)rx->plain_len;
		}
		if (rx->rec_left) {
			size_t n = rx->rec_left < rx->len ? rx->rec_left : rx->len;

			*p = k;
			return (ssize_t)n;
		}
		if (!rx->keg_left) {
			uint32_t len;
			int ret;

			if (rx->pkts_left)
				return -EBADMSG;
			if (rx->len < KEG_HDR_LEN)
				return 0;
			len = keg_get_be32(k + 8);
			if (k[0] != KEG_WIRE_VERSION)
				return -EPROTO;
			if (!keg_get_be16(k + 2) || !len)
				return -EBADMSG;
			if (len > KEG_SEGSIZE_MAX)
				return -EMSGSIZE;
			if (k[1]) {
				/* Only a compressed keg, and only when this
				 * connection may carry them (keg/3). */
				if (!rx->expand || (k[1] & ~KEG_F_KNOWN) ||
				    !(k[1] & KEG_F_COMPRESSED))
					return -EBADMSG;
				if (rx->len < KEG_HDR_LEN + (size_t)len || !expand)
					return 0;
				ret = tsrx_expand(rx, k, len);
				if (ret)
					return ret;
				drop_front(rx, KEG_HDR_LEN + (size_t)len);
				continue;
			}
			rx->keg_left = len;
			rx->pkts_left = keg_get_be16(k + 2);
			drop_front(rx, KEG_HDR_LEN);
			continue;
		}
		/* A record header: there must be a record left, and room for it. */
		if (!rx->pkts_left || rx->keg_left < KEG_REC_HDR_LEN + 1)
			return -EBADMSG;
		if (rx->len < KEG_REC_HDR_LEN)
			return 0;
		rx->rec_left = keg_get_be16(k);
		if (!rx->rec_left || rx->rec_left > rx->keg_left - KEG_REC_HDR_LEN)
			return -EBADMSG;
		rx->keg_left -= KEG_REC_HDR_LEN + rx->rec_left;
		rx->pkts_left--;
		if (!rx->keg_left && rx->pkts_left)
			return -EBADMSG;
		drop_front(rx, KEG_REC_HDR_LEN);
	}
}

ssize_t keg_tsrx_peek(struct keg_tsrx *rx, const uint8_t **p)
{
	return tsrx_next(rx, p, true);
}

size_t keg_tsrx_consume(struct keg_tsrx *rx, size_t n)
{
	size_t c;

	if (rx->plain_len) {
		if (n > rx->plain_len)
			n = rx->plain_len;
		rx->plain_off += n;
		rx->plain_len -= n;
		rx->bytes += n;
		c = rx->credit;
		rx->credit = 0;
		return c;
	}
	if (n > rx->rec_left)
		n = rx->rec_left;
	if (n > rx->len)
		n = rx->len;
	rx->rec_left -= (uint32_t)n;
	rx->bytes += n;
	drop_front(rx, n);
	c = rx->credit;
	rx->credit = 0;
	return c;
}

int keg_tsrx_peekv(struct keg_tsrx *rx, struct iovec *iov, int max)
{
	struct keg_tsrx look;
	const uint8_t *p;
	ssize_t first;
	int n = 0;

	if (max < 1)
		return 0;
	/* The front for real: headers passed, a compressed keg expanded. */
	first = keg_tsrx_peek(rx, &p);
	if (first <= 0)
		return (int)first;
	if (rx->plain_len) {
		iov[0].iov_base = (void *)p;
		iov[0].iov_len = (size_t)first;
		return 1;
	}
	/* The rest on a copy of the decoder: its moves touch only offsets
	 * and counts, never the buffer, and it expands nothing. */
	look = *rx;
	while (n < max) {
		ssize_t len = tsrx_next(&look, &p, false);

		if (len < 0)
			return n ? n : (int)len;
		if (!len)
			break;
		iov[n].iov_base = (void *)p;
		iov[n].iov_len = (size_t)len;
		n++;
		keg_tsrx_consume(&look, (size_t)len);
	}
	return n;
}

size_t keg_tsrx_consumev(struct keg_tsrx *rx, size_t n)
{
	size_t credit = 0;

	while (n) {
		const uint8_t *p;
		ssize_t len = keg_tsrx_peek(rx, &p);
		size_t k;

		if (len <= 0)
			break;
		k = (size_t)len < n ? (size_t)len : n;
		credit += keg_tsrx_consume(rx, k);
		n -= k;
	}
	return credit + keg_tsrx_consume(rx, 0);
}
